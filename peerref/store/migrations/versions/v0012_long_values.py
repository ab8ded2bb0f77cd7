"""Values of any length can be stored: indexed keys are capped, the DOI index is dropped.

PostgreSQL refuses a B-tree row larger than about 2.7 kB, so a team library refused an
import whose title, first author or journal ran to tens of kilobytes (a pasted page
that put an abstract into a title) with "index row size exceeds btree maximum", and
a whole import failed for one such entry. SQLite has no such limit; both now store
the same thing.

- The ``sort_*`` columns keep at most 500 characters (``repository.MAX_SORT_CHARS``);
  longer values stored before are cut here.
- Blocking keys keep at most 400 characters of their DOI, title or family name
  (``peerref.core.dedupe.MAX_KEY_PART_CHARS``). The keys of references with a longer
  one are deleted here and recomputed on first use, as revision 0003's were.
- ``ix_reference_doi`` goes: no query used it (a ``doi:`` search compares
  ``lower(doi)``, and duplicate checks look DOIs up among the blocking keys), and it
  cost an eighth of the pages an import of 5,000 into a million references wrote.
- PostgreSQL only: tag names stay unique regardless of case through a unique index on
  a digest of the lower-cased name instead of the name itself (``uq_tag_name``), so a
  tag of any length fits. The application looks tags up by the ``NOCASE`` collation
  before it adds one; the index guards concurrent writers. SQLite keeps its
  ``NOCASE`` unique constraint.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here: later changes to the store must not change this migration. The schema
# check (tests/unit/store/test_postgres.py) allows the PostgreSQL-only index by name.
SORT_CHARS = 500
KEY_PART_CHARS = 400
PG_TAG_NAME_INDEX = "uq_tag_name_digest"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_reference_doi", table_name="reference")
    columns = ("sort_author", "sort_title", "sort_source")
    op.execute(
        "UPDATE reference SET "
        + ", ".join(f"{c} = substr({c}, 1, {SORT_CHARS})" for c in columns)
        + " WHERE "
        + " OR ".join(f"length({c}) > {SORT_CHARS}" for c in columns)
    )
    # A key no longer than the cap cannot hold a part longer than it.
    op.execute(
        "DELETE FROM dedupe_key WHERE reference_id IN "
        f"(SELECT reference_id FROM dedupe_key WHERE length(key) > {KEY_PART_CHARS})"
    )
    if postgres:
        op.drop_constraint("uq_tag_name", "tag", type_="unique")
        op.execute(f"CREATE UNIQUE INDEX {PG_TAG_NAME_INDEX} ON tag (md5(lower(name)))")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"DROP INDEX {PG_TAG_NAME_INDEX}")
        op.create_unique_constraint("uq_tag_name", "tag", ["name"])
    op.create_index("ix_reference_doi", "reference", ["doi"])
