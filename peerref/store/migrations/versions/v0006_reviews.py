"""Literature reviews: the reviews, their screening decisions, and what search pages said.

Only new tables, in plain operations every dialect knows (no SQLite-only SQL), so the
same revision runs on a PostgreSQL team library. ``search_page`` starts empty: pages
imported before this revision did not keep their query or hit count.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

# Times are fixed-width ISO 8601 text in UTC (peerref.store.tables.UtcDateTime).
TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "search_page",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=True),
        sa.Column("hit_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_search_page_batch_id_import_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_search_page")),
    )

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("created", TIME, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("include_terms", sa.Text(), nullable=False),
        sa.Column("exclude_terms", sa.Text(), nullable=False),
        sa.CheckConstraint("scope IN ('library', 'collection')", name=op.f("ck_review_scope_kind")),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_review_collection_id_collection"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("name", name=op.f("uq_review_name")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_review_collection_id"), "review", ["collection_id"])

    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_decision_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_review_decision_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_review_decision_review_reference", "review_decision", ["review_id", "reference_id"]
    )
    op.create_index(op.f("ix_review_decision_reference_id"), "review_decision", ["reference_id"])


def downgrade() -> None:
    op.drop_table("review_decision")
    op.drop_table("review")
    op.drop_table("search_page")
