"""Team libraries: row versions, who added and last edited, copies, PostgreSQL search.

``version`` counts the edits of a reference, so an edit made on a stale copy can be
refused instead of silently overwriting someone else's (``ConflictError``); a stored
reference starts at 1. ``added_by`` and ``modified_by`` name the person (a PostgreSQL
role, or the name set in Preferences); references from before are left unnamed.
Columns are added in place, so SQLite's full-text view and index of revision 0002 stay.

``library_meta`` holds the library's own identity (a random ``uuid``), and ``copied_row``
which row of which library each copied row came from: ``peerref-cli copy-library`` run
twice then adds nothing the second time.

On PostgreSQL the full-text index is a table of one ``tsvector`` per reference with a
GIN index (``peerref.store.search_pg`` writes it). No PostgreSQL library predates this
revision (0002 and 0004 leave search to it), so there is nothing to index yet.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

# The full-text table is new: documents of references already stored (a library
# downgraded below this revision and upgraded again) are made after the upgrade.
rebuilds_team_search_documents = True

# Frozen here: later changes to peerref.store.search_pg must not change this migration.
PG_INDEX_TABLE = "reference_fts"


def upgrade() -> None:
    meta = op.create_table(
        "library_meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_library_meta")),
    )
    op.bulk_insert(meta, [{"key": "uuid", "value": str(uuid.uuid4())}])
    op.create_table(
        "copied_row",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "table_name", "source_id", name=op.f("pk_copied_row")),
    )
    op.add_column(
        "reference", sa.Column("version", sa.Integer(), nullable=False, server_default="1")
    )
    op.add_column("reference", sa.Column("added_by", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "reference", sa.Column("modified_by", sa.Text(), nullable=False, server_default="")
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        PG_INDEX_TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["reference.id"], name=op.f("fk_reference_fts_id_reference"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_fts")),
    )
    op.create_index(
        "ix_reference_fts_document", PG_INDEX_TABLE, ["document"], postgresql_using="gin"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table(PG_INDEX_TABLE)
    op.drop_table("copied_row")
    op.drop_table("library_meta")
    # In place (SQLite 3.35+): a batch copy would re-create the table under the view.
    for name in ("modified_by", "added_by", "version"):
        op.execute(f"ALTER TABLE reference DROP COLUMN {name}")
