"""PostgreSQL: search documents stored out of their rows again, in TOAST.

Revision 0009 kept each reference's ``tsvector`` (about 4 kB with an abstract) in its
row, so that the planner saw what scanning the full-text table costs and stopped
scanning it whole for a common word. At 1,000,000 references that made a 3.9 GB table,
and every search read its matches' pages of it: the bitmap of a word's matches is the
GIN index's, but PostgreSQL fetches each matching row to return its id, and those rows
hold the documents. The first page of "data analysis year:2000..2020" took 320-450 ms
reading 36,000 of them.

Out of line (``STORAGE EXTERNAL``, moved out of any row longer than 128 bytes) the
table holds ids and pointers: about 50 MB at 1,000,000 references, so a word's matches
are read about ten times faster, and a document is read from TOAST only when a phrase
must be checked against it. The planner's old mistake is kept away in the queries
instead: a team library's searches run without sequential scans
(``search_pg.without_table_scans``), which would read every document back from TOAST.
Uncompressed (EXTERNAL, not EXTENDED): a tsvector hardly compresses, and compressing a
million of them would slow every import.

The storage applies to documents written after it is set: once the upgrade has run,
``postgres.prepare`` makes every document again (``rebuilds_team_search_documents``),
which writes them all out of line. A downgrade keeps them in their rows again, as
revision 0009 wrote them. SQLite's FTS5 index has tables of its own: nothing changes
there.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None

# The documents move out of their rows when they are made again after the upgrade.
rebuilds_team_search_documents = True

# Frozen here: later changes to peerref.store.search_pg must not change this migration.
PG_INDEX_TABLE = "reference_fts"
# PostgreSQL moves a row's long values to TOAST until the row is this short (the least
# it allows): every document with a few words goes out of line.
ROW_TARGET_BYTES = 128
# Revision 0009's: the largest row PostgreSQL lets stay in an 8 kB page.
INLINE_ROW_TARGET_BYTES = 8160


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {PG_INDEX_TABLE} ALTER COLUMN document SET STORAGE EXTERNAL")
    op.execute(f"ALTER TABLE {PG_INDEX_TABLE} SET (toast_tuple_target = {ROW_TARGET_BYTES})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {PG_INDEX_TABLE} ALTER COLUMN document SET STORAGE MAIN")
    op.execute(f"ALTER TABLE {PG_INDEX_TABLE} SET (toast_tuple_target = {INLINE_ROW_TARGET_BYTES})")
    # Concatenating an empty tsvector makes a new value, stored the new way.
    op.execute(f"UPDATE {PG_INDEX_TABLE} SET document = document || ''::tsvector")
