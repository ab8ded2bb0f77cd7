"""Alembic migrations shipped inside the package and run from code.

No ``alembic.ini`` is needed at run time: the configuration is built here and the
connection handed to ``env.py`` through ``Config.attributes``. Migrations run with
foreign-key enforcement off, because SQLite batch migrations re-create tables and a
DROP TABLE with enforcement on would cascade deletes into child rows; afterwards
``PRAGMA foreign_key_check`` must come back empty or the whole migration rolls back.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from peerref.store import engine
from peerref.store.engine import foreign_key_violations, set_foreign_keys

MIGRATIONS_DIR = Path(__file__).resolve().parent


class ForeignKeyViolationError(RuntimeError):
    """A migration left rows pointing at rows that no longer exist; it was rolled back."""


def make_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code, bound to ``connection`` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(make_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


# A revision module sets this to True when a team library's search documents must be
# made again once it has run: they are built by PeerRef (``search_pg.new_columns``), not
# by SQL a migration could run, so the upgrade leaves that to ``postgres.prepare``.
REBUILDS_SEARCH_DOCUMENTS = "rebuilds_team_search_documents"


def rebuilds_search_documents(since: str | None) -> bool:
    """Whether upgrading a team library from ``since`` to head needs its documents remade.

    Why not always: remaking a million documents takes a quarter of an hour, and most
    revisions leave them as they are. A new library (``since`` None) has none yet.
    """
    if since is None:
        return False
    return any(
        getattr(script.module, REBUILDS_SEARCH_DOCUMENTS, False)
        for script in _script().iterate_revisions("head", since)
    )


def current_revision(connection: Connection) -> str | None:
    """The schema revision stamped in the file; None for a file never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(
    connection: Connection, revision: str = "head", *, stamp_application_id: bool = False
) -> None:
    """Migrate to ``revision`` in one transaction with foreign keys checked afterwards.

    The connection must not be inside a transaction: enforcement can only be switched
    between transactions. ``stamp_application_id`` marks a new file as a PeerRef
    library in the same transaction, so a crash cannot leave an unmarked half-library.

    Raises:
        ForeignKeyViolationError: the migration would have broken references between rows.
    """
    set_foreign_keys(connection, False)
    try:
        with connection.begin():
            if stamp_application_id:
                engine.stamp_application_id(connection)
            command.upgrade(make_config(connection), revision)
            violations = foreign_key_violations(connection)
            if violations:
                raise ForeignKeyViolationError(
                    f"migration left {len(violations)} broken links between rows, "
                    f"first {violations[0]}"
                )
    finally:
        set_foreign_keys(connection, True)


def upgrade_in_transaction(connection: Connection, revision: str = "head") -> None:
    """Migrate a PostgreSQL team library inside the caller's transaction.

    PostgreSQL checks foreign keys at every statement and its DDL is transactional, so
    none of SQLite's precautions apply: a failed migration rolls back with the caller.
    """
    command.upgrade(make_config(connection), revision)
