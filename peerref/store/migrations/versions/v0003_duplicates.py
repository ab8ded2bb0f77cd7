"""Not-duplicates decisions and the provenance of merges.

Only new tables: ``reference`` is not re-created, so the full-text view and index of
revision 0002 stay as they are (see the notes there). ``dedupe_key`` starts empty: the
keys are computed by ``peerref.core.dedupe`` (which may change between versions), so the
store fills in the keys of references that have none the first time it checks for
duplicates, rather than this migration freezing a copy of that code.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Times are fixed-width ISO 8601 text in UTC (peerref.store.tables.UtcDateTime).
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "not_duplicate",
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_not_duplicate_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["reference.id"],
            name=op.f("fk_not_duplicate_first_id_reference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["reference.id"],
            name=op.f("fk_not_duplicate_second_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("first_id", "second_id", name=op.f("pk_not_duplicate")),
    )
    op.create_index(op.f("ix_not_duplicate_second_id"), "not_duplicate", ["second_id"])

    op.create_table(
        "dedupe_key",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_dedupe_key_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "reference_id", name=op.f("pk_dedupe_key")),
    )
    op.create_index(op.f("ix_dedupe_key_reference_id"), "dedupe_key", ["reference_id"])

    op.create_table(
        "merge_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.Column("merged_reference_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_merge_event_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_merge_event_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_event")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_merge_event_reference_id"), "merge_event", ["reference_id"])
    op.create_index(op.f("ix_merge_event_batch_id"), "merge_event", ["batch_id"])


def downgrade() -> None:
    op.drop_table("merge_event")
    op.drop_table("dedupe_key")
    op.drop_table("not_duplicate")
