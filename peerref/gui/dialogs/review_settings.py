"""A review's settings: its name, exclusion reasons (a list), highlight terms, and mode."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerref.core.prisma import Review
from peerref.gui.models.review_models import ReasonsModel


class ReasonsDialog(QDialog):
    """Edit the review's name, its list of exclusion reasons and its highlight terms.

    The reasons are a list edited in place (double-click or F2), with buttons to add,
    remove and reorder them: the order is the order of the reasons box while screening.
    """

    def __init__(
        self,
        review: Review,
        parent: QWidget | None = None,
        *,
        uses: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewSettingsDialog")
        self.setWindowTitle(f"{review.name}: reasons and highlight terms")
        self.name_edit = QLineEdit(review.name, self)
        self.reasons_model = ReasonsModel(review.reasons, uses, self)
        self.reasons_view = QListView(self)
        self.reasons_view.setObjectName("reasonsList")
        self.reasons_view.setAccessibleName("Reasons for exclusion")
        self.reasons_view.setModel(self.reasons_model)
        self.reasons_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.add_reason_button = QPushButton("&Add", self)
        self.remove_reason_button = QPushButton("&Remove", self)
        self.up_reason_button = QPushButton("Move U&p", self)
        self.down_reason_button = QPushButton("Move Do&wn", self)
        for button, name in (
            (self.add_reason_button, "addReasonButton"),
            (self.remove_reason_button, "removeReasonButton"),
            (self.up_reason_button, "upReasonButton"),
            (self.down_reason_button, "downReasonButton"),
        ):
            button.setObjectName(name)
        self.add_reason_button.clicked.connect(self.add_reason)
        self.remove_reason_button.clicked.connect(self.remove_reason)
        self.up_reason_button.clicked.connect(lambda: self.move_reason(-1))
        self.down_reason_button.clicked.connect(lambda: self.move_reason(1))
        self.reasons_view.selectionModel().currentChanged.connect(self._update_buttons)
        self.reasons_model.rowsRemoved.connect(self._update_buttons)
        reason_buttons = QVBoxLayout()
        for button in (
            self.add_reason_button,
            self.remove_reason_button,
            self.up_reason_button,
            self.down_reason_button,
        ):
            reason_buttons.addWidget(button)
        reason_buttons.addStretch(1)
        reasons = QHBoxLayout()
        reasons.addWidget(self.reasons_view, 1)
        reasons.addLayout(reason_buttons)

        self.include_edit = QLineEdit("; ".join(review.include_terms), self)
        self.include_edit.setPlaceholderText("terms separated by ;")
        self.exclude_edit = QLineEdit("; ".join(review.exclude_terms), self)
        self.exclude_edit.setPlaceholderText("terms separated by ;")
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Reasons for exclusion:", reasons)
        form.addRow("Inclusion terms (green):", self.include_edit)
        form.addRow("Exclusion terms (red):", self.exclude_edit)
        self.dual_check = QCheckBox("&Dual independent screening", self)
        self.dual_check.setObjectName("dualScreeningCheck")
        self.dual_check.setChecked(review.dual)
        self.dual_check.setToolTip(
            "Every reviewer screens every record without seeing the others' decisions; "
            "a record counts once they agree, or once their disagreement is resolved."
        )
        form.addRow("Screening:", self.dual_check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_buttons()

    def _current_row(self) -> int:
        index = self.reasons_view.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_buttons(self) -> None:
        row, count = self._current_row(), self.reasons_model.rowCount()
        # At least one reason stays: a full-text exclusion always needs one to give.
        self.remove_reason_button.setEnabled(0 <= row < count and count > 1)
        self.up_reason_button.setEnabled(row > 0)
        self.down_reason_button.setEnabled(0 <= row < count - 1)

    def add_reason(self) -> None:
        """Add a reason at the end and start typing its name."""
        index = self.reasons_model.index(self.reasons_model.add())
        self.reasons_view.setCurrentIndex(index)
        self.reasons_view.edit(index)

    def remove_reason(self) -> None:
        row = self._current_row()
        if self.reasons_model.rowCount() > 1 and self.reasons_model.remove(row):
            remaining = self.reasons_model.rowCount()
            self.reasons_view.setCurrentIndex(self.reasons_model.index(min(row, remaining - 1)))

    def move_reason(self, delta: int) -> None:
        row = self._current_row()
        if row >= 0:
            moved = self.reasons_model.move(row, delta)
            self.reasons_view.setCurrentIndex(self.reasons_model.index(moved))
            self._update_buttons()

    def dual(self) -> bool:
        """Whether the review is to be screened by two reviewers independently."""
        return self.dual_check.isChecked()

    def values(self) -> tuple[str, list[str], list[str], list[str]]:
        def split(text: str) -> list[str]:
            return [t.strip() for t in text.split(";") if t.strip()]

        return (
            self.name_edit.text(),
            self.reasons_model.reasons,
            split(self.include_edit.text()),
            split(self.exclude_edit.text()),
        )
