"""Dual independent screening: a review's screening mode, and resolutions of disagreements.

Two added columns with server defaults, so existing reviews stay single-reviewer and
existing decisions stay ordinary decisions. Batch mode rebuilds the tables on SQLite
and is a plain ``ALTER TABLE … ADD COLUMN`` on PostgreSQL.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("review") as batch:
        batch.add_column(
            sa.Column("screening", sa.String(16), nullable=False, server_default="single")
        )
    with op.batch_alter_table("review_decision") as batch:
        batch.add_column(
            sa.Column("resolution", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("review_decision") as batch:
        batch.drop_column("resolution")
    with op.batch_alter_table("review") as batch:
        batch.drop_column("screening")
