"""PostgreSQL: titles' and creators' words indexed a second time, marked, for fields.

``title:learning`` was the lexeme "learning" restricted to the title's weight. The GIN
index cannot restrict by weight, so PostgreSQL read and tested the document of every
reference holding the word anywhere: 230 ms for a common word in 100,000 references,
and ten times that in a million. Each document now also holds its title's tokens as
"t~learning" and its creators' as "a~smith", at the same positions with the same
weights (``peerref.store.search_pg.MARKS``), which the index finds exactly.

Nothing is written here: once the upgrade has run, a team library's documents are made
again from the tables (``postgres.prepare``, as ``rebuilds_team_search_documents``
asks), now with the marked lexemes. A downgrade takes them out, for the revisions
before this one. SQLite's FTS5 index has columns of its own: nothing changes there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None

# The documents gain their marked lexemes when they are made again after the upgrade.
rebuilds_team_search_documents = True

# Frozen here: later changes to peerref.store.search_pg must not change this migration.
PG_INDEX_TABLE = "reference_fts"
MARKS = ("t~", "a~")

_UNMARKED_SQL = f"""
UPDATE {PG_INDEX_TABLE} SET document = ts_delete(document, ARRAY(
  SELECT u.lexeme FROM unnest(document) AS u (lexeme, positions, weights)
  WHERE {" OR ".join(f"u.lexeme LIKE '{m}%'" for m in MARKS)}
))
"""


def upgrade() -> None:
    """Nothing to do here: the documents are made again after the upgrade."""


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_UNMARKED_SQL)
