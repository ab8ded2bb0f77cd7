"""The declarative base shared by every table, with stable constraint names.

Named constraints matter for migrations: Alembic's batch mode on SQLite and any later
PostgreSQL backend can only alter or drop a constraint they can name.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of the ORM tables in ``peerref.store.tables``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
