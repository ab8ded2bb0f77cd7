"""The Duplicates view's rows: the members of every duplicate group, group after group.

The groups come from ``Library.duplicate_groups``; rows hold frozen references, never
live store objects. A flat table with a Group column keeps the model simple and sortable
while still showing which references belong together.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from peerref.core.dedupe import DuplicateGroup, Verdict, explain
from peerref.core.model import Reference, ReferenceId
from peerref.gui.models.headered_table import HeaderedTableModel
from peerref.gui.models.roles import Role

ModelIndex = QModelIndex | QPersistentModelIndex


class DuplicateColumn(enum.IntEnum):
    GROUP = 0
    AUTHORS = 1
    YEAR = 2
    TITLE = 3
    SOURCE = 4
    WHY = 5

    @property
    def header(self) -> str:
        return "Why they match" if self is DuplicateColumn.WHY else self.name.capitalize()


def group_label(number: int, group: DuplicateGroup) -> str:
    """ "3 · duplicate" or "3 · possible": the group's number and how sure detection is."""
    verdict = "duplicate" if group.verdict is Verdict.DUPLICATE else "possible"
    return f"{number} · {verdict}"


def _authors(reference: Reference) -> str:
    names = [c.family_with_particle() or c.literal for c in reference.authors or reference.creators]
    names = [name for name in names if name]
    return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")


def _title(reference: Reference) -> str:
    if reference.title:
        return reference.title
    start = " ".join(reference.abstract_text.split()[:12])
    return f"[untitled] {start}…" if start else "[untitled]"


class DuplicateGroupsModel(HeaderedTableModel):
    """One row per member of each duplicate group, in group order.

    ``Role.REFERENCE_ID`` gives a row's reference id; ``group_of(row)`` its group. The
    Why column says, on a group's first row, why its members were matched
    (``dedupe.explain``); every row's tooltip says it too.
    """

    headers = tuple(column.header for column in DuplicateColumn)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: list[DuplicateGroup] = []
        self._why: list[str] = []
        self._rows: list[tuple[int, Reference]] = []

    def set_groups(
        self, groups: Sequence[DuplicateGroup], references: Mapping[ReferenceId, Reference]
    ) -> None:
        """Show these groups (a model reset: the whole list is re-read after a change)."""
        self.beginResetModel()
        self._groups = list(groups)
        self._why = [explain(group).sentence() for group in self._groups]
        self._rows = [
            (number, references[ref_id])
            for number, group in enumerate(self._groups)
            for ref_id in group.reference_ids
            if ref_id in references
        ]
        self.endResetModel()

    @property
    def groups(self) -> list[DuplicateGroup]:
        return list(self._groups)

    def group_of(self, row: int) -> DuplicateGroup | None:
        if 0 <= row < len(self._rows):
            return self._groups[self._rows[row][0]]
        return None

    def reference(self, row: int) -> Reference:
        return self._rows[row][1]

    def rows_of_group(self, group: DuplicateGroup) -> list[int]:
        number = self._groups.index(group)
        return [row for row, (n, _) in enumerate(self._rows) if n == number]

    # -- Qt model interface ------------------------------------------------------------

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        number, reference = self._rows[index.row()]
        column = DuplicateColumn(index.column())
        if role == Role.REFERENCE_ID:
            return reference.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is DuplicateColumn.WHY:
                return self._why[number] if self._first_of_group(index.row()) else ""
            return self._display(number, column, reference)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (DuplicateColumn.GROUP, DuplicateColumn.WHY):
                return f"Why they match: {self._why[number]}"
            return self._display(number, column, reference) or None
        return None

    def why(self, row: int) -> str:
        """Why the row's group was matched, in words."""
        return self._why[self._rows[row][0]]

    def _first_of_group(self, row: int) -> bool:
        return row == 0 or self._rows[row - 1][0] != self._rows[row][0]

    def _display(self, number: int, column: DuplicateColumn, reference: Reference) -> str:
        match column:
            case DuplicateColumn.GROUP:
                return group_label(number + 1, self._groups[number])
            case DuplicateColumn.AUTHORS:
                return _authors(reference)
            case DuplicateColumn.YEAR:
                return str(reference.issued.year or "")
            case DuplicateColumn.TITLE:
                return _title(reference)
            case DuplicateColumn.SOURCE:
                return reference.container_title or reference.publisher
            case DuplicateColumn.WHY:
                return self._why[number]
