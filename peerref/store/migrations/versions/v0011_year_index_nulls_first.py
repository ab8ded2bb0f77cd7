"""PostgreSQL: an index in the order of the listing sorted by year, empty years first.

A listing sorted by year puts references without a year first going up and last going
down, as SQLite orders NULLs. PostgreSQL's B-tree keeps NULLs last by default, so the
``(trashed, issued_year)`` index could not give that order: the first page of 100,000
references sorted by year read and sorted them all (~105 ms). This index holds the
rows in exactly the listing's order, ties by id included, in both directions (read
backwards going down), so the first page is the first rows of an index scan.

SQLite sorts NULLs first already and its index serves the page: nothing changes there.
The old index stays: it serves ``year:`` ranges and is the one both backends share.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here: the schema check (tests/unit/store/test_postgres.py) allows this one
# PostgreSQL-only index by name.
PG_YEAR_INDEX = "ix_reference_sort_year_nulls_first"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX {PG_YEAR_INDEX} ON reference (trashed, issued_year NULLS FIRST, id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {PG_YEAR_INDEX}")
