"""Alembic environment: runs on the connection handed over in ``Config.attributes``.

Batch mode is on because SQLite alters most table definitions only by re-creating the
table; the transaction is the caller's (see ``peerref.store.migrations.upgrade``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import peerref.store.tables  # noqa: F401  (registers the tables on Base.metadata)
from peerref.store.base import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("PeerRef migrations run from code with a connection, not offline")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
