"""The full-text index gathers up to 16 MB of new documents before it writes a segment.

FTS5 keeps the words of documents being added in memory and writes them out as a new
segment when that buffer passes ``hashsize`` (1 MB by default) and at the end of each
transaction. An import of 5,000 references holds about 10 MB of words, so with the
default it wrote ten small segments, which FTS5 then merged: at 100,000 references
built in batches of 5,000 the index ended in 18 segments and the full-text work took
14.5 s; with 16 MB, 6 segments and 10.6 s. Fewer segments also make every search look
each word up fewer times. The buffer exists only while a transaction adds documents.
Only the index's own configuration row changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here: later changes to peerref.store.search must not change this migration.
FTS_TABLE = "reference_fts"
HASHSIZE = 16 * 1024 * 1024
FTS5_DEFAULT_HASHSIZE = 1024 * 1024


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # an FTS5 setting: a team library's index is PostgreSQL's GIN
    op.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', {HASHSIZE})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', {FTS5_DEFAULT_HASHSIZE})"
    )
