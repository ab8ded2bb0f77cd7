"""The Disagreements tab of a dual review: Cohen's kappa, and the records to resolve.

In dual independent screening each reviewer screens every record blind to the others;
a record the reviewers decided differently is listed here until someone resolves it
(include or exclude; a full-text exclusion with one of the review's reasons). The
agreement line shows, per stage, how many records both decided, how many alike, and
Cohen's kappa. "Refresh" reads the review again to take in the other reviewer's
decisions made since the window opened.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerref.core.dual import Disagreement
from peerref.core.errors import PeerRefError
from peerref.core.prisma import Stage, Verdict
from peerref.gui.models.disagreements_model import DisagreementColumn, DisagreementsModel
from peerref.gui.models.review_models import STAGE_TEXT
from peerref.gui.models.roles import Role
from peerref.gui.ops import MessagePresenter
from peerref.review.screening import Screening
from peerref.review.text import kappa_text, team_agreement_lines


class DisagreementsWidget(QWidget):
    """Agreement per stage and the unresolved disagreements, with buttons to resolve."""

    resolved = Signal()
    """A disagreement was resolved: the session was re-read, counts are out of date."""

    def __init__(
        self, screening: Screening, parent: QWidget | None = None, *, show_message: MessagePresenter
    ) -> None:
        super().__init__(parent)
        self.setObjectName("disagreementsWidget")
        self.screening = screening
        self._show_message = show_message
        self.agreement_label = QLabel(self)
        self.agreement_label.setObjectName("agreementLabel")
        self.agreement_label.setWordWrap(True)
        self.model = DisagreementsModel(screening.manager.titles, self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(Role.SORT)
        self.table = QTableView(self)
        self.table.setObjectName("disagreementsTable")
        self.table.setAccessibleName("Disagreements to resolve")
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(DisagreementColumn.TITLE, 380)
        self.reason_box = QComboBox(self)
        self.reason_box.setObjectName("resolveReasonBox")
        self.reason_box.setAccessibleName("Reason for a full-text exclusion")
        self.include_button = QPushButton("Resolve as &Include", self)
        self.include_button.setObjectName("resolveIncludeButton")
        self.exclude_button = QPushButton("Resolve as &Exclude", self)
        self.exclude_button.setObjectName("resolveExcludeButton")
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setObjectName("refreshDisagreementsButton")
        self.refresh_button.setToolTip("Read the other reviewers' latest decisions")
        self.include_button.clicked.connect(lambda: self.resolve(Verdict.INCLUDE))
        self.exclude_button.clicked.connect(lambda: self.resolve(Verdict.EXCLUDE))
        self.refresh_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Full-text reason:", self))
        buttons.addWidget(self.reason_box, 1)
        buttons.addWidget(self.include_button)
        buttons.addWidget(self.exclude_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.agreement_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.fill_reasons()
        self.refresh()

    def fill_reasons(self) -> None:
        self.reason_box.clear()
        self.reason_box.addItems(list(self.screening.review.reasons))

    def refresh(self) -> None:
        """Show the session's agreement and disagreements (no reading of the store)."""
        found = self.screening.disagreements()
        open_by_stage = {stage: sum(1 for d in found if d.stage is stage) for stage in Stage}
        lines = [
            f"{STAGE_TEXT[stage]}: {a.pairs} decided by both, {a.agreed} alike, "
            f"Cohen's κ {kappa_text(a)}, {open_by_stage[stage]} to resolve"
            for stage, a in self.screening.agreement().items()
        ]
        # Three or more reviewers: how the whole team agreed, and each pair.
        lines += [line.strip() for line in team_agreement_lines(self.screening.team_agreement())]
        self.agreement_label.setText("\n".join(lines))
        self.model.set_disagreements(found)
        self._update_buttons()

    def reload(self) -> None:
        """Read the review again (the others' decisions) and tell the window."""
        self.screening.reload()
        self.refresh()
        self.resolved.emit()

    def selected(self) -> Disagreement | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        return self.model.disagreement(proxy.mapToSource(rows[0]).row())

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.include_button.setEnabled(chosen)
        self.exclude_button.setEnabled(chosen)

    def resolve(self, verdict: Verdict) -> None:
        """Settle the selected disagreement; a full-text exclusion takes the chosen reason."""
        chosen = self.selected()
        if chosen is None:
            return
        reason = ""
        if chosen.stage is Stage.FULL_TEXT and verdict is Verdict.EXCLUDE:
            reason = self.reason_box.currentText()
        try:
            self.screening.manager.resolve(
                self.screening.review,
                chosen.reference_id,
                verdict,
                stage=chosen.stage,
                reason=reason,
            )
        except PeerRefError as error:
            self._show_message(self, "Resolve", str(error))
            return
        self.reload()
