"""A reference's date may be a range: the year, month and day of its end.

CSL dates are ranges when they have a second ``date-parts`` entry (a conference held
over three days, an issue dated May to July). Three nullable columns hold the end; a
date that is not a range leaves them empty. Columns are added in place, so the
full-text view and index of revision 0002 stay as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = ("issued_end_year", "issued_end_month", "issued_end_day")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("reference", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+): a batch copy would re-create the table under the view.
    for name in reversed(COLUMNS):
        op.execute(f"ALTER TABLE reference DROP COLUMN {name}")
