"""The Duplicates view: groups of references that may describe one work, with actions.

Shown in place of the reference table when "Duplicates" is chosen in the sidebar. It
only reads the library and asks for actions through signals; the window performs them as
undoable commands.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerref.core.dedupe import DuplicateGroup
from peerref.gui.models.duplicates_model import DuplicateColumn, DuplicateGroupsModel
from peerref.library import Library


class DuplicatesPanel(QWidget):
    """The members of every duplicate group, and Merge… / Not Duplicates for one group.

    Signals:
        merge_requested(list[ReferenceId]): merge the current group.
        dismiss_requested(list[ReferenceId]): the current group is not duplicates.
    """

    merge_requested = Signal(list)
    dismiss_requested = Signal(list)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.setObjectName("duplicatesPanel")
        self.model = DuplicateGroupsModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("duplicatesSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.table = QTableView(self)
        self.table.setObjectName("duplicatesTable")
        self.table.setAccessibleName("Duplicate groups")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DuplicateColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.request_merge())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.merge_button = QPushButton("&Merge…")
        self.merge_button.setObjectName("mergeGroup")
        self.merge_button.setToolTip("Merge the chosen group into one reference (undoable)")
        self.merge_button.clicked.connect(self.request_merge)
        self.dismiss_button = QPushButton("&Not Duplicates")
        self.dismiss_button.setObjectName("dismissGroup")
        self.dismiss_button.setToolTip("These are different works: never group them again")
        self.dismiss_button.clicked.connect(self.request_dismiss)
        row.addWidget(self.merge_button)
        row.addWidget(self.dismiss_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._update_buttons()

    def refresh(self) -> None:
        """Re-read the groups from the library, keeping the chosen group when it remains."""
        current = self.current_group()
        groups = self._library.duplicate_groups()
        references = {
            ref.id: ref
            for ref in self._library.get_many([i for g in groups for i in g.reference_ids])
            if ref.id is not None
        }
        self.model.set_groups(groups, references)
        count = len(groups)
        self.summary_label.setText(
            "No duplicates found."
            if not count
            else f"{count} {'group' if count == 1 else 'groups'} of possible duplicates"
        )
        if current is not None:
            match = next(
                (g for g in groups if set(g.reference_ids) & set(current.reference_ids)), None
            )
            if match is not None:
                self.select_group(match)
        self._update_buttons()

    def refresh_if_shown(self) -> None:
        """Refresh after a library change, unless another view is shown (it is read then)."""
        if not self.isHidden():
            self.refresh()

    def current_group(self) -> DuplicateGroup | None:
        index = self.table.currentIndex()
        return self.model.group_of(index.row()) if index.isValid() else None

    def select_group(self, group: DuplicateGroup) -> None:
        rows = self.model.rows_of_group(group)
        if rows:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(rows[0], 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    @Slot()
    def request_merge(self) -> None:
        group = self.current_group()
        if group is not None:
            self.merge_requested.emit(list(group.reference_ids))

    @Slot()
    def request_dismiss(self) -> None:
        group = self.current_group()
        if group is not None:
            self.dismiss_requested.emit(list(group.reference_ids))

    def _update_buttons(self) -> None:
        chosen = self.current_group() is not None
        self.merge_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)
