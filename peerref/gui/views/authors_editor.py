"""The details panel's authors editor: a row per creator, in order, with role and kind.

Family and given names are typed in place; the role is chosen from a list that opens on
F2, Enter, a double click or typing; "Org." marks an organisation (one name, no given
names). The columns share the width by what they hold: the role column is as wide as
its longest role, and the two name columns split the rest in proportion to their
longest text, so a narrow panel still shows "Family name" and a whole typical name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerref.core.model import Creator, CreatorRole
from peerref.core.names import parse_name
from peerref.gui import icons

ROLE_LABELS = {
    CreatorRole.AUTHOR: "Author",
    CreatorRole.EDITOR: "Editor",
    CreatorRole.TRANSLATOR: "Translator",
}
_ROLE_DATA = Qt.ItemDataRole.UserRole
_CELL_PADDING = 14
"""Room a cell needs beside its text (margins, focus frame), so the text is not elided."""


class _RoleDelegate(QStyledItemDelegate):
    """Shows the role as text; edits it with a list of the roles."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        box = QComboBox(parent)
        box.setAccessibleName("Role")
        for role, label in ROLE_LABELS.items():
            box.addItem(label, role.value)
        # A choice is made at once: the row updates without a second key press.
        box.activated.connect(lambda _row: self.commitData.emit(box))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(_ROLE_DATA))))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, QComboBox):
            role = CreatorRole(editor.currentData())
            if index.data(_ROLE_DATA) != role.value:
                model.setData(index, role.value, _ROLE_DATA)  # first: the label's change
                model.setData(index, ROLE_LABELS[role], Qt.ItemDataRole.DisplayRole)


class _FittingTable(QTableWidget):
    """Re-shares the name columns' widths whenever the table's width changes."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class AuthorsEditor(QWidget):
    """Edit a reference's creators: add, remove, reorder, and toggle person/organisation."""

    creators_edited = Signal(tuple)
    """The new creators tuple, after any change the user made."""

    _FAMILY, _GIVEN, _ROLE, _ORGANISATION = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._originals: list[Creator | None] = []
        self._table = _FittingTable(0, 4, self)
        self._table.setObjectName("authorsTable")
        self._table.setAccessibleName("Authors")
        self._table.setHorizontalHeaderLabels(["Family name", "Given names", "Role", "Org."])
        family_header = self._table.horizontalHeaderItem(self._FAMILY)
        if family_header is not None:
            family_header.setToolTip("Family name, or the organisation's name")
        self._table.verticalHeader().hide()
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        header = self._table.horizontalHeader()
        header.setMinimumSectionSize(24)
        header.setStretchLastSection(False)
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self._table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._table.setItemDelegateForColumn(self._ROLE, _RoleDelegate(self._table))
        self._table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self._table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self._table.itemChanged.connect(self._on_item_changed)
        self._table.resized.connect(self.fit_columns)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.add_button = self._button("add", "Add author", self.add_row)
        self.remove_button = self._button("remove", "Remove author", self.remove_current)
        self.up_button = self._button("up", "Move author up", lambda: self.move_current(-1))
        self.down_button = self._button("down", "Move author down", lambda: self.move_current(1))
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._table)
        layout.addLayout(buttons)

    def _button(self, icon_name: str, text: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icons.icon(icon_name))
        button.setToolTip(text)
        button.setAccessibleName(text)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def table(self) -> QTableWidget:
        return self._table

    def set_creators(self, creators: Sequence[Creator]) -> None:
        """Show creators; keeps the table (and an open editor) when nothing differs."""
        if self._table.state() == QAbstractItemView.State.EditingState or (
            self._table.rowCount() == len(creators) and tuple(self.creators()) == tuple(creators)
        ):
            return
        self._replace_rows(creators)

    def _replace_rows(self, creators: Sequence[Creator]) -> None:
        blocker = QSignalBlocker(self._table)
        self._table.setRowCount(0)
        self._originals = []
        for creator in creators:
            self._append(creator)
        del blocker
        self._fit_height()
        self.fit_columns()

    def _append(self, creator: Creator | None) -> int:
        row = self._table.rowCount()
        self._table.insertRow(row)
        creator = creator or Creator()
        organisation = creator.is_organisation
        family = creator.literal if organisation else creator.family_with_particle()
        self._table.setItem(row, self._FAMILY, QTableWidgetItem(family))
        given = QTableWidgetItem("" if organisation else creator.given)
        self._table.setItem(row, self._GIVEN, given)
        org_item = QTableWidgetItem()
        org_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        org_item.setCheckState(Qt.CheckState.Checked if organisation else Qt.CheckState.Unchecked)
        org_item.setToolTip("An organisation rather than a person")
        self._table.setItem(row, self._ORGANISATION, org_item)
        self._set_given_enabled(row, not organisation)
        role_item = QTableWidgetItem(ROLE_LABELS[creator.role])
        role_item.setData(_ROLE_DATA, creator.role.value)
        role_item.setToolTip("The creator's role: press F2 or Enter to change it")
        self._table.setItem(row, self._ROLE, role_item)
        self._originals.append(creator if (creator.family or creator.literal) else None)
        return row

    def _set_given_enabled(self, row: int, enabled: bool) -> None:
        item = self._table.item(row, self._GIVEN)
        if item is None:
            return
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if enabled:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)

    def _fit_height(self) -> None:
        rows = max(2, min(8, self._table.rowCount()))
        row_height = self._table.verticalHeader().defaultSectionSize()
        header = self._table.horizontalHeader().sizeHint().height()
        self._table.setFixedHeight(header + rows * row_height + 2 * self._table.frameWidth())

    def fit_columns(self) -> None:
        """Share the table's width: Role and Org. as wide as they need, names the rest.

        The name columns split what is left in proportion to the room their header and
        longest name need; when there is more than that, both grow alike.
        """
        table = self._table
        header = table.horizontalHeader()
        metrics = table.fontMetrics()
        header_metrics = header.fontMetrics()

        def needed(column: int, texts: Sequence[str]) -> int:
            label = table.horizontalHeaderItem(column)
            widest = header_metrics.horizontalAdvance(label.text() if label else "")
            for text in texts:
                widest = max(widest, metrics.horizontalAdvance(text))
            return widest + _CELL_PADDING

        rows = range(table.rowCount())

        def texts(column: int) -> list[str]:
            return [item.text() for r in rows if (item := table.item(r, column)) is not None]

        role = needed(self._ROLE, list(ROLE_LABELS.values()))
        organisation = needed(self._ORGANISATION, []) + 4
        family = needed(self._FAMILY, texts(self._FAMILY))
        given = needed(self._GIVEN, texts(self._GIVEN))
        room = max(0, table.viewport().width() - role - organisation)
        if family + given <= room:
            extra = room - family - given
            family += extra // 2
            given = room - family
        else:
            family = room * family // max(1, family + given)
            given = room - family
        header.resizeSection(self._ROLE, role)
        header.resizeSection(self._ORGANISATION, organisation)
        header.resizeSection(self._FAMILY, family)
        header.resizeSection(self._GIVEN, given)

    def add_row(self) -> None:
        """The "+" button: a new row, its family name cell focused and open for typing."""
        with QSignalBlocker(self._table):
            row = self._append(None)
        self._fit_height()
        self._table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._table.setCurrentCell(row, self._FAMILY)
        item = self._table.item(row, self._FAMILY)
        if item is not None:
            self._table.scrollToItem(item)
            self._table.editItem(item)

    def remove_current(self) -> None:
        row = self._table.currentRow()
        if row < 0:
            return
        self._table.removeRow(row)
        del self._originals[row]
        self._fit_height()
        self._emit()

    def move_current(self, step: int) -> None:
        row = self._table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self._table.rowCount():
            return
        creators = self.creators(keep_empty=True)
        creators[row], creators[target] = creators[target], creators[row]
        self._replace_rows(creators)
        self._table.setCurrentCell(target, self._FAMILY)
        self._emit()

    def creators(self, *, keep_empty: bool = False) -> list[Creator]:
        """The creators as the table shows them, rows without a name left out."""
        result = []
        for row in range(self._table.rowCount()):
            creator = self._row_creator(row)
            if creator is not None or keep_empty:
                result.append(creator or Creator())
        return result

    def _row_creator(self, row: int) -> Creator | None:
        family_item = self._table.item(row, self._FAMILY)
        given_item = self._table.item(row, self._GIVEN)
        org_item = self._table.item(row, self._ORGANISATION)
        role_item = self._table.item(row, self._ROLE)
        family = " ".join((family_item.text() if family_item else "").split())
        given = " ".join((given_item.text() if given_item else "").split())
        role_value = role_item.data(_ROLE_DATA) if role_item is not None else None
        role = CreatorRole(role_value) if role_value else CreatorRole.AUTHOR
        organisation = org_item is not None and org_item.checkState() == Qt.CheckState.Checked
        if not family and not given:
            return None
        original = self._originals[row] if row < len(self._originals) else None
        if organisation:
            literal = " ".join(p for p in (given, family) if p)
            return Creator(literal=literal, role=role)
        if original is not None and not original.is_organisation:
            shown = (original.family_with_particle(), original.given)
            if shown == (family, given):
                return Creator(
                    family=original.family,
                    given=original.given,
                    particle=original.particle,
                    dropping_particle=original.dropping_particle,
                    suffix=original.suffix,
                    role=role,
                )
        if not given:
            return Creator(family=family, role=role)
        parsed = parse_name(f"{family}, {given}", role)
        return Creator(
            family=parsed.family or family,
            given=parsed.given or given,
            particle=parsed.particle,
            dropping_particle=parsed.dropping_particle,
            suffix=parsed.suffix,
            role=role,
        )

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() in (self._FAMILY, self._GIVEN):
            self.fit_columns()
        if item.column() == self._ORGANISATION:
            row = item.row()
            organisation = item.checkState() == Qt.CheckState.Checked
            with QSignalBlocker(self._table):
                family_item = self._table.item(row, self._FAMILY)
                given_item = self._table.item(row, self._GIVEN)
                if organisation and family_item and given_item:
                    joined = " ".join(p for p in (given_item.text(), family_item.text()) if p)
                    family_item.setText(joined)
                    given_item.setText("")
                elif family_item and given_item and family_item.text():
                    person = parse_name(family_item.text())
                    family_item.setText(person.family_with_particle() or family_item.text())
                    given_item.setText(person.given)
                self._originals[row] = None
                self._set_given_enabled(row, not organisation)
        self._emit()

    def _emit(self, *_args: object) -> None:
        self.creators_edited.emit(tuple(self.creators()))
