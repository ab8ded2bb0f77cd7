"""Merge Tags…: choose several tags and the one name they all become.

Spelling variants pile up when pages from several databases are tagged by hand
("randomised", "randomized", "RCT"). The dialog lists every tag with how many references
carry it, ticks the ones the user started from, and offers their names (or a new one) as
the name to keep. The window performs the merge as one undoable step.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

_NAME_ROLE = Qt.ItemDataRole.UserRole


class TagMergeDialog(QDialog):
    """Tick tags, name the result; ``names()`` and ``target()`` say what was chosen."""

    def __init__(
        self,
        tags: Sequence[tuple[str, int]],
        chosen: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tagMergeDialog")
        self.setWindowTitle("Merge Tags")
        folded = {name.casefold() for name in chosen}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tick the tags to merge. Every reference carrying one of them gets the name below."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tag_list = QListWidget(self)
        self.tag_list.setObjectName("tagsToMerge")
        self.tag_list.setAccessibleName("Tags to merge")
        for name, count in tags:
            item = QListWidgetItem(f"{name}  ({count:,})")
            item.setData(_NAME_ROLE, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = name.casefold() in folded
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.tag_list.addItem(item)
        layout.addWidget(self.tag_list, 1)
        form = QFormLayout()
        self.target_box = QComboBox(self)
        self.target_box.setObjectName("mergedTagName")
        self.target_box.setEditable(True)
        self.target_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        form.addRow("&Merge into:", self.target_box)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Merge")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tag_list.itemChanged.connect(self._on_ticks_changed)
        self.target_box.editTextChanged.connect(self._update_ok)
        self._on_ticks_changed()
        self.resize(380, 420)

    def names(self) -> list[str]:
        """The ticked tags, in list order."""
        return [
            str(item.data(_NAME_ROLE))
            for row in range(self.tag_list.count())
            if (item := self.tag_list.item(row)).checkState() == Qt.CheckState.Checked
        ]

    def target(self) -> str:
        """The name the merged tag gets (spaces tidied)."""
        return " ".join(self.target_box.currentText().split())

    def _on_ticks_changed(self, *_args: object) -> None:
        names = self.names()
        typed = self.target()
        self.target_box.blockSignals(True)
        self.target_box.clear()
        self.target_box.addItems(names)
        # Keep what was typed or chosen while it still makes sense; else the first ticked.
        keep = typed if typed and (typed in names or not self._is_listed(typed)) else ""
        self.target_box.setEditText(keep or (names[0] if names else ""))
        self.target_box.blockSignals(False)
        self._update_ok()

    def _is_listed(self, name: str) -> bool:
        return any(
            str(self.tag_list.item(row).data(_NAME_ROLE)) == name
            for row in range(self.tag_list.count())
        )

    def _update_ok(self, *_args: object) -> None:
        names = self.names()
        target = self.target()
        useful = len(names) >= 2 or (len(names) == 1 and target and target != names[0])
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(target and useful))
