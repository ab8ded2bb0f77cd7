"""Full-text search index, sorted-listing indexes, and the rating range check.

The check constraint needs SQLite's batch mode, which re-creates the ``reference``
table: the runner switches foreign keys off so that the DROP TABLE inside does not
cascade into creators, notes, tags and memberships. The index reads its text from the
``reference_document`` view, so a later batch migration of ``reference`` must drop the
view and the index first and re-create and rebuild them after.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-09
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the index definition as of this revision: later changes to
# peerref.store.search must not change what this migration does.
DOCUMENT_VIEW = """
CREATE VIEW reference_document AS
SELECT r.id AS id,
  r.title || ' ' || r.title_short AS title,
  coalesce((SELECT group_concat(c.given || ' ' || c.dropping_particle || ' ' || c.particle
                                || ' ' || c.family || ' ' || c.suffix || ' ' || c.literal, ' ')
            FROM creator AS c WHERE c.reference_id = r.id), '') AS creators,
  r.container_title || ' ' || r.container_title_short || ' ' || r.collection_title
    || ' ' || r.publisher AS container,
  d.abstract AS abstract,
  d.keywords AS keywords,
  coalesce((SELECT group_concat(n.text, ' ') FROM note AS n WHERE n.reference_id = r.id), '')
    AS notes,
  coalesce((SELECT group_concat(t.name, ' ') FROM reference_tag AS rt
            JOIN tag AS t ON t.id = rt.tag_id WHERE rt.reference_id = r.id), '') AS tags
FROM reference AS r JOIN reference_detail AS d ON d.reference_id = r.id
"""
FTS_CREATE = (
    "CREATE VIRTUAL TABLE reference_fts USING fts5("
    "title, creators, container, abstract, keywords, notes, tags, "
    "content = 'reference_document', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
FTS_FILL = "INSERT INTO reference_fts (reference_fts) VALUES ('rebuild')"

SORT_INDEXES = {
    "ix_reference_sort_author": "sort_author",
    "ix_reference_sort_year": "issued_year",
    "ix_reference_sort_title": "sort_title",
    "ix_reference_sort_source": "sort_source",
    "ix_reference_sort_type": "type",
    "ix_reference_sort_added": "added",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A team library alters tables in place, and its full-text search (tsvector,
        # not FTS5) is created by revision 0007: no PostgreSQL library predates it.
        op.create_check_constraint(
            op.f("ck_reference_rating_range"),
            "reference",
            "rating IS NULL OR rating BETWEEN 1 AND 5",
        )
        for name, column in SORT_INDEXES.items():
            op.create_index(name, "reference", ["trashed", column])
        return
    with op.batch_alter_table(
        "reference", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.create_check_constraint(
            op.f("ck_reference_rating_range"), "rating IS NULL OR rating BETWEEN 1 AND 5"
        )
    for name, column in SORT_INDEXES.items():
        op.create_index(name, "reference", ["trashed", column])
    op.execute(DOCUMENT_VIEW)
    op.execute(FTS_CREATE)
    op.execute(FTS_FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in SORT_INDEXES:
            op.drop_index(name, table_name="reference")
        op.drop_constraint(op.f("ck_reference_rating_range"), "reference", type_="check")
        return
    op.execute("DROP TABLE reference_fts")
    op.execute("DROP VIEW reference_document")
    for name in SORT_INDEXES:
        op.drop_index(name, table_name="reference")
    with op.batch_alter_table(
        "reference", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_constraint(op.f("ck_reference_rating_range"), type_="check")
