"""The Search Log and Decisions tabs: a review's tables, sortable by any column.

The searches that fed the review (PRISMA-S), the duplicates removed before screening, and
every decision with its reviewer, time and reason; each a Qt model over the store
(``gui.models.review_models``) behind a sorting proxy.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerref.core.prisma import Decision
from peerref.gui.models.review_models import (
    DecisionColumn,
    DecisionsModel,
    RemovedDuplicatesModel,
    SearchLogModel,
)
from peerref.gui.models.roles import Role
from peerref.library import Library
from peerref.review.screening import Screening


def _read_only_table(name: str, model: QAbstractItemModel, parent: QWidget) -> QTableView:
    """A view of ``model`` sortable by any column (on ``Role.SORT``), first in its own order.

    Clicking a header sorts; a third click gives the model's order back (oldest search
    first, newest decision first).
    """
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Role.SORT)
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    header = view.horizontalHeader()
    header.setSortIndicatorClearable(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    # One line a row, as the library's table: 20,000 decisions are a lot to scroll.
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


class SearchLogWidget(QWidget):
    """The searches that fed the review (PRISMA-S) and the duplicates removed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchLogWidget")
        self.log_model = SearchLogModel(self)
        self.duplicates_model = RemovedDuplicatesModel(self)
        self.log_table = _read_only_table("searchLogTable", self.log_model, self)
        self.duplicates_table = _read_only_table("duplicatesTable", self.duplicates_model, self)
        self.log_table.setAccessibleName("Searches")
        self.duplicates_table.setAccessibleName("Duplicates removed before screening")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Searches", self))
        layout.addWidget(self.log_table, 2)
        layout.addWidget(QLabel("Duplicates removed before screening", self))
        layout.addWidget(self.duplicates_table, 1)

    def show_state(self, screening: Screening, library: Library) -> None:
        state = library.reviews.state(screening.review)
        self.log_model.set_records(state.records)
        self.duplicates_model.set_duplicates(state.duplicates)
        for table in (self.log_table, self.duplicates_table):
            table.resizeColumnsToContents()


class DecisionsWidget(QWidget):
    """Every decision, newest first: who made it, when, at which stage, and why."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionsWidget")
        self.model = DecisionsModel(library.reviews.titles, self)
        self.table = _read_only_table("decisionsTable", self.model, self)
        self.table.setAccessibleName("Decisions")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (DecisionColumn.TIME, 150),
            (DecisionColumn.REVIEWER, 110),
            (DecisionColumn.STAGE, 110),
            (DecisionColumn.VERDICT, 80),
            (DecisionColumn.REASON, 160),
            (DecisionColumn.IN_FORCE, 70),
            (DecisionColumn.REFERENCE, 80),
        ):
            self.table.setColumnWidth(column, width)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("decisionsSummary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)

    def show_decisions(self, decisions: Sequence[Decision]) -> None:
        self.model.set_decisions(decisions)
        reviewers = sorted({d.reviewer for d in decisions if d.reviewer})
        text = f"{len(decisions)} decision(s)"
        if reviewers:
            text += " by " + ", ".join(reviewers)
        self.summary_label.setText(text)
