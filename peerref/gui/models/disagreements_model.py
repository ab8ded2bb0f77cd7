"""The disagreements of a dual review, one row per record and stage still to resolve."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from peerref.core.dual import Disagreement
from peerref.core.model import ReferenceId
from peerref.gui.models.headered_table import HeaderedTableModel
from peerref.gui.models.review_models import STAGE_TEXT, VERDICT_TEXT
from peerref.gui.models.roles import Role

ModelIndex = QModelIndex | QPersistentModelIndex
TitleReader = Callable[[Sequence[ReferenceId]], dict[ReferenceId, str]]


class DisagreementColumn(enum.IntEnum):
    REFERENCE = 0
    STAGE = 1
    TITLE = 2
    DECISIONS = 3

    @property
    def header(self) -> str:
        return ("Reference", "Stage", "Title", "Decisions")[self]


def decisions_text(disagreement: Disagreement) -> str:
    """Each reviewer's call, as "Ana: Include; Ben: Exclude (Wrong outcome)"."""
    return "; ".join(
        f"{d.reviewer or '(no name)'}: {VERDICT_TEXT[d.verdict]}"
        + (f" ({d.reason})" if d.reason else "")
        for d in disagreement.decisions
    )


class DisagreementsModel(HeaderedTableModel):
    """Unresolved disagreements of a dual review, in record order.

    Rows are frozen ``Disagreement`` objects; the list is short (the records two
    reviewers decided differently), so it is replaced whole on each refresh. Titles are
    read once per refresh through ``titles``. ``Role.REFERENCE_ID`` gives a row's record.
    """

    headers = tuple(column.header for column in DisagreementColumn)

    def __init__(self, titles: TitleReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read_titles = titles
        self._rows: list[Disagreement] = []
        self._titles: dict[ReferenceId, str] = {}

    def set_disagreements(self, rows: Sequence[Disagreement]) -> None:
        """Show ``rows``; the same list again changes nothing (no reset, no title reads)."""
        if list(rows) == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self._titles = self._read_titles(sorted({d.reference_id for d in self._rows}))
        self.endResetModel()

    def disagreement(self, row: int) -> Disagreement | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.disagreement(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(DisagreementColumn):
            return None
        if role == Role.REFERENCE_ID:
            return row.reference_id
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
            Role.SORT,
        ):
            match DisagreementColumn(index.column()):
                case DisagreementColumn.REFERENCE:
                    text = f"#{row.reference_id}"
                    if role == Role.SORT:
                        return int(row.reference_id)
                case DisagreementColumn.STAGE:
                    text = STAGE_TEXT[row.stage]
                case DisagreementColumn.TITLE:
                    text = self._titles.get(row.reference_id, "") or "[untitled]"
                case DisagreementColumn.DECISIONS:
                    text = decisions_text(row)
            return text.casefold() if role == Role.SORT else text
        return None
