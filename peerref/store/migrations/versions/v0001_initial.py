"""Initial schema: references, creators, collections, tags, notes, import batches.

Revision ID: 0001
Revises:
Create Date: 2026-05-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Times are fixed-width ISO 8601 text in UTC (peerref.store.tables.UtcDateTime).
TIME = sa.String(32)

# Tag names compare without regard to case (SQLite's built-in NOCASE). PostgreSQL has no
# such collation: a team library gets a case-insensitive ICU collation of that name, so
# the same table definitions (and their unique constraint) mean the same on both.
PG_NOCASE = (
    'CREATE COLLATION IF NOT EXISTS "NOCASE" '
    "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_NOCASE)
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("format_name", sa.String(64), nullable=False),
        sa.Column("raw_input", sa.Text(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("entries_found", sa.Integer(), nullable=False),
        sa.Column("entries_added", sa.Integer(), nullable=False),
        sa.Column("entries_skipped", sa.Integer(), nullable=False),
        sa.Column("entries_merged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
        sqlite_autoincrement=True,
    )
    text_columns = [
        "title",
        "title_short",
        "container_title",
        "container_title_short",
        "collection_title",
        "volume",
        "issue",
        "page",
    ]
    op.create_table(
        "reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in text_columns),
        sa.Column("issued_year", sa.Integer(), nullable=True),
        sa.Column("issued_month", sa.Integer(), nullable=True),
        sa.Column("issued_day", sa.Integer(), nullable=True),
        sa.Column("issued_season", sa.Text(), nullable=False),
        sa.Column("issued_literal", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("publisher_place", sa.Text(), nullable=False),
        sa.Column("edition", sa.Text(), nullable=False),
        sa.Column("issn", sa.Text(), nullable=False),
        sa.Column("isbn", sa.Text(), nullable=False),
        sa.Column("doi", sa.Text(), nullable=False),
        sa.Column("pmid", sa.Text(), nullable=False),
        sa.Column("pmcid", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Text(), nullable=False),
        sa.Column("added", TIME, nullable=False),
        sa.Column("modified", TIME, nullable=False),
        sa.Column("reading_status", sa.String(16), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("trashed", sa.Boolean(), nullable=False),
        sa.Column("sort_author", sa.Text(), nullable=False),
        sa.Column("sort_title", sa.Text(), nullable=False),
        sa.Column("sort_source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_reference_batch_id_import_batch"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_reference_batch_id"), "reference", ["batch_id"])
    op.create_index(op.f("ix_reference_doi"), "reference", ["doi"])

    op.create_table(
        "reference_detail",
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("abstract_sections", sa.Text(), nullable=True),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_reference_detail_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reference_id", name=op.f("pk_reference_detail")),
    )

    op.create_table(
        "creator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("family", sa.Text(), nullable=False),
        sa.Column("given", sa.Text(), nullable=False),
        sa.Column("particle", sa.Text(), nullable=False),
        sa.Column("dropping_particle", sa.Text(), nullable=False),
        sa.Column("suffix", sa.Text(), nullable=False),
        sa.Column("literal", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_creator_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creator")),
        sa.UniqueConstraint(
            "reference_id", "position", name=op.f("uq_creator_reference_id_position")
        ),
    )

    op.create_table(
        "collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["collection.id"],
            name=op.f("fk_collection_parent_id_collection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_collection_parent_id"), "collection", ["parent_id"])

    op.create_table(
        "reference_collection",
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_reference_collection_collection_id_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_reference_collection_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "reference_id", "collection_id", name=op.f("pk_reference_collection")
        ),
    )
    op.create_index(
        op.f("ix_reference_collection_collection_id"), "reference_collection", ["collection_id"]
    )

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(collation="NOCASE"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )

    op.create_table(
        "reference_tag",
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_reference_tag_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_reference_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("reference_id", "tag_id", name=op.f("pk_reference_tag")),
    )
    op.create_index(op.f("ix_reference_tag_tag_id"), "reference_tag", ["tag_id"])

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created", TIME, nullable=False),
        sa.Column("modified", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_note_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_note_reference_id"), "note", ["reference_id"])


def downgrade() -> None:
    for table in (
        "note",
        "reference_tag",
        "tag",
        "reference_collection",
        "collection",
        "creator",
        "reference_detail",
        "reference",
        "import_batch",
    ):
        op.drop_table(table)
