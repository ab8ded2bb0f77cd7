"""The Review window's tables: the search log, the duplicates removed, every decision.

Rows are frozen core objects (``SearchRecord``, ``DuplicateRecord``, ``Decision``) read
from the store through ``library.reviews``; the cells are the same strings the CLI and
the exported tables show (``peerref.review.tables``), so the window, a CSV and a paper's
methods section never disagree.

The decisions table follows the decisions as they are made: a decision adds one row at
the top and an undo removes it, without a model reset, so a view of 20,000 decisions
keeps its scroll position and selection while screening goes on. Titles are read from
the store a block of rows at a time, when a view first asks for them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from peerref.core.model import ReferenceId
from peerref.core.prisma import (
    Decision,
    DecisionId,
    DuplicateRecord,
    SearchRecord,
    Stage,
    Verdict,
    current_decisions,
)
from peerref.gui.models.headered_table import HeaderedTableModel
from peerref.gui.models.roles import Role
from peerref.review import tables

ModelIndex = QModelIndex | QPersistentModelIndex
TitleReader = Callable[[Sequence[ReferenceId]], Mapping[ReferenceId, str]]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# Rows whose titles are read together when a view asks for one of them.
TITLE_BLOCK = 200
STAGE_TEXT = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}
VERDICT_TEXT = {Verdict.INCLUDE: "Include", Verdict.EXCLUDE: "Exclude", Verdict.MAYBE: "Maybe"}


class _StringTableModel(HeaderedTableModel):
    """A read-only table of rows already turned into cells, with a sort value per cell."""

    _numeric: frozenset[int] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: list[list[str]] = []

    def row_total(self) -> int:
        return len(self._cells)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cells):
            return None
        text = self._cells[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._numeric:
            return int(_RIGHT)
        if role == Role.SORT:
            if index.column() in self._numeric:
                return int(text) if text.isdigit() else -1
            return text.casefold()
        return None


class SearchLogColumn(enum.IntEnum):
    DATABASE = 0
    DATE = 1
    QUERY = 2
    HITS = 3
    RECORDS = 4
    DUPLICATES = 5
    SOURCE = 6
    IMPORT = 7

    @property
    def header(self) -> str:
        return tables.SEARCH_LOG_COLUMNS[self.value]


class SearchLogModel(_StringTableModel):
    """The searches that fed a review (PRISMA-S), oldest first: one row per import batch."""

    headers = tables.SEARCH_LOG_COLUMNS
    _numeric = frozenset({SearchLogColumn.RECORDS, SearchLogColumn.DUPLICATES})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[SearchRecord] = []

    def set_records(self, records: Sequence[SearchRecord]) -> None:
        """Show these searches (a reset: the log changes only when an import feeds it)."""
        self.beginResetModel()
        self._records = tables.ordered_search_records(records)
        self._cells = [tables.search_log_row(r) for r in self._records]
        self.endResetModel()

    def record(self, row: int) -> SearchRecord:
        return self._records[row]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Hits sort by the number the page gave ("1 – 10 of over 67000" is 67000).
        if (
            role == Role.SORT
            and index.isValid()
            and index.column() == SearchLogColumn.HITS
            and 0 <= index.row() < len(self._records)
        ):
            hits = self._records[index.row()].hit_count
            return -1 if hits is None else hits
        return super().data(index, role)


class DuplicateColumn(enum.IntEnum):
    DATABASE = 0
    KEPT = 1
    RECORD = 2
    HOW = 3
    COUNT = 4

    @property
    def header(self) -> str:
        return tables.DUPLICATE_COLUMNS[self.value]


class RemovedDuplicatesModel(_StringTableModel):
    """The records removed as duplicates before screening, with the reference kept."""

    headers = tables.DUPLICATE_COLUMNS
    _numeric = frozenset({DuplicateColumn.KEPT, DuplicateColumn.COUNT})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._duplicates: list[DuplicateRecord] = []

    def set_duplicates(self, duplicates: Sequence[DuplicateRecord]) -> None:
        self.beginResetModel()
        self._duplicates = list(duplicates)
        self._cells = [tables.duplicate_row(d) for d in self._duplicates]
        self.endResetModel()

    def duplicate(self, row: int) -> DuplicateRecord:
        return self._duplicates[row]

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Role.REFERENCE_ID and index.isValid() and index.row() < len(self._duplicates):
            return self._duplicates[index.row()].kept_id
        return super().data(index, role)


class DecisionColumn(enum.IntEnum):
    TIME = 0
    REVIEWER = 1
    STAGE = 2
    VERDICT = 3
    REASON = 4
    IN_FORCE = 5
    REFERENCE = 6
    TITLE = 7

    @property
    def header(self) -> str:
        return {
            DecisionColumn.TIME: "Time",
            DecisionColumn.REVIEWER: "Reviewer",
            DecisionColumn.STAGE: "Stage",
            DecisionColumn.VERDICT: "Decision",
            DecisionColumn.REASON: "Reason",
            DecisionColumn.REFERENCE: "Reference",
            DecisionColumn.TITLE: "Title",
            DecisionColumn.IN_FORCE: "In force",
        }[self]


def decision_time(moment: datetime) -> str:
    """A decision's time in the person's own time zone, to the second."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class DecisionsModel(HeaderedTableModel):
    """Every decision of a review, newest first, with who made it, when and why.

    A decision taken back by undo leaves the table; a decision replaced by a later one
    for the same record and stage stays, marked as no longer in force, as in the
    exported CSV. ``Role.REFERENCE_ID`` gives a row's reference, ``Role.SORT`` a cell's
    sort value (the time for the time column).
    """

    headers = tuple(column.header for column in DecisionColumn)

    def __init__(self, titles: TitleReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read_titles = titles
        self._decisions: list[Decision] = []  # oldest first; row 0 is the last of them
        self._in_force: set[DecisionId] = set()
        self._titles: dict[ReferenceId, str] = {}
        # Dual screening: each reviewer's latest decision is in force for them, so one
        # reviewer's decision never marks the other's as replaced.
        self.per_reviewer = False

    # -- following the decisions ----------------------------------------------------------

    def set_decisions(self, decisions: Sequence[Decision]) -> None:
        """Show ``decisions`` (oldest first), changing only the rows that changed.

        New decisions after the ones shown become rows at the top; decisions taken
        back from the end leave from the top; anything else (another session's
        changes, a different review) resets the table.
        """
        old, new = self._decisions, list(decisions)
        if _extends(new, old):
            added = len(new) - len(old)
            if added:
                self.beginInsertRows(QModelIndex(), 0, added - 1)
                self._decisions = new
                self.endInsertRows()
        elif _extends(old, new):
            removed = len(old) - len(new)
            self.beginRemoveRows(QModelIndex(), 0, removed - 1)
            self._decisions = new
            self.endRemoveRows()
        else:
            self.beginResetModel()
            self._decisions = new
            self._titles.clear()
            self.endResetModel()
        if self.per_reviewer:
            by_reviewer: dict[str, list[Decision]] = {}
            for decision in self._decisions:
                by_reviewer.setdefault(decision.reviewer, []).append(decision)
            in_force = {
                d.id for mine in by_reviewer.values() for d in current_decisions(mine).values()
            }
        else:
            in_force = {d.id for d in current_decisions(self._decisions).values()}
        if in_force != self._in_force:
            self._in_force = in_force
            if self._decisions:
                column = DecisionColumn.IN_FORCE
                self.dataChanged.emit(
                    self.index(0, column),
                    self.index(len(self._decisions) - 1, column),
                    [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Role.SORT],
                )

    def decision(self, row: int) -> Decision:
        return self._decisions[len(self._decisions) - 1 - row]

    def row_of(self, decision_id: DecisionId) -> int | None:
        for position in range(len(self._decisions) - 1, -1, -1):
            if self._decisions[position].id == decision_id:
                return len(self._decisions) - 1 - position
        return None

    # -- Qt model interface ---------------------------------------------------------------

    def row_total(self) -> int:
        return len(self._decisions)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._decisions):
            return None
        if not 0 <= index.column() < len(DecisionColumn):
            return None
        decision = self.decision(index.row())
        column = DecisionColumn(index.column())
        if role == Role.REFERENCE_ID:
            return decision.reference_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(index.row(), column, decision)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is DecisionColumn.IN_FORCE and decision.id not in self._in_force:
                return "A later decision on this record at this stage replaced it"
            return self._display(index.row(), column, decision) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column is DecisionColumn.REFERENCE:
            return int(_RIGHT)
        if role == Role.SORT:
            match column:
                case DecisionColumn.TIME:
                    return decision.created
                case DecisionColumn.REFERENCE:
                    return int(decision.reference_id)
                case DecisionColumn.IN_FORCE:
                    return decision.id in self._in_force
                case _:
                    return self._display(index.row(), column, decision).casefold()
        return None

    def _display(self, row: int, column: DecisionColumn, decision: Decision) -> str:
        match column:
            case DecisionColumn.TIME:
                return decision_time(decision.created)
            case DecisionColumn.REVIEWER:
                return decision.reviewer
            case DecisionColumn.STAGE:
                return STAGE_TEXT[decision.stage]
            case DecisionColumn.VERDICT:
                return VERDICT_TEXT[decision.verdict]
            case DecisionColumn.REASON:
                return decision.reason
            case DecisionColumn.REFERENCE:
                return f"#{decision.reference_id}"
            case DecisionColumn.TITLE:
                return self._title(row, decision.reference_id) or "[untitled]"
            case DecisionColumn.IN_FORCE:
                return "yes" if decision.id in self._in_force else "no"

    def _title(self, row: int, ref_id: ReferenceId) -> str:
        if ref_id not in self._titles:
            start = row - row % TITLE_BLOCK
            block = {
                self.decision(r).reference_id
                for r in range(start, min(start + TITLE_BLOCK, len(self._decisions)))
            }
            wanted = [i for i in block if i not in self._titles]
            found = self._read_titles(wanted)
            for wanted_id in wanted:
                # A reference deleted since has no title to read: remember that too.
                self._titles[wanted_id] = found.get(wanted_id, "")
        return self._titles.get(ref_id, "")


def _extends(longer: list[Decision], shorter: list[Decision]) -> bool:
    """Whether ``longer`` is ``shorter`` with decisions added after it (ids only: cheap).

    Decision ids grow with time and undo removes only the latest, so equal lengths with
    equal last ids, or a shorter list's last id at its place in the longer, mean a prefix.
    """
    if len(longer) < len(shorter):
        return False
    if not shorter:
        return True
    end = len(shorter) - 1
    return longer[end].id == shorter[end].id and longer[0].id == shorter[0].id


class ReasonsModel(QAbstractListModel):
    """A review's list of full-text exclusion reasons, edited in place, in the order shown.

    Each reason knows how many full-text exclusions in force cite it (its tooltip says
    so): taking a reason off the list keeps those decisions' text, as the store does,
    but the person editing should see what they are about to orphan. A reason may not
    be empty or repeat another (ignoring case), so the list always means one thing.
    """

    def __init__(
        self,
        reasons: Sequence[str],
        uses: Mapping[str, int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._reasons = list(reasons)
        self._uses = {reason.casefold(): n for reason, n in (uses or {}).items()}

    @property
    def reasons(self) -> list[str]:
        return list(self._reasons)

    def uses_of(self, row: int) -> int:
        return self._uses.get(self._reasons[row].casefold(), 0)

    def _taken(self, text: str, row: int) -> bool:
        folded = text.casefold()
        return any(r.casefold() == folded for i, r in enumerate(self._reasons) if i != row)

    # -- editing --------------------------------------------------------------------------

    def add(self, text: str = "New reason") -> int:
        """Append a reason (numbered if the text is taken); returns its row."""
        candidate, n = " ".join(text.split()) or "New reason", 1
        while self._taken(candidate, -1):
            n += 1
            candidate = f"{' '.join(text.split()) or 'New reason'} {n}"
        row = len(self._reasons)
        self.beginInsertRows(QModelIndex(), row, row)
        self._reasons.append(candidate)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> bool:
        if not 0 <= row < len(self._reasons):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._reasons[row]
        self.endRemoveRows()
        return True

    def move(self, row: int, delta: int) -> int:
        """Move a reason up (delta < 0) or down; returns its new row."""
        target = max(0, min(len(self._reasons) - 1, row + delta))
        if not 0 <= row < len(self._reasons) or target == row:
            return row
        # Qt's destination is the row the item lands before, in the list as it was.
        destination = target + 1 if target > row else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._reasons.insert(target, self._reasons.pop(row))
        self.endMoveRows()
        return target

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._reasons)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._reasons):
            return None
        reason = self._reasons[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return reason
        if role == Qt.ItemDataRole.ToolTipRole:
            used = self.uses_of(index.row())
            if not used:
                return "No full-text exclusion gives this reason yet"
            return (
                f"{used} full-text exclusion(s) give this reason; they keep it if it "
                "is taken off the list"
            )
        if role == Role.SORT:
            return reason.casefold()
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self._reasons) or not isinstance(value, str):
            return False
        text = " ".join(value.split())
        if not text or self._taken(text, index.row()):
            return False
        if text != self._reasons[index.row()]:
            self._reasons[index.row()] = text
            self.dataChanged.emit(
                index,
                index,
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Role.SORT],
            )
        return True
