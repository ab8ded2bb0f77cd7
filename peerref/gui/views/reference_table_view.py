"""The reference table widget: sortable, resizable, choosable columns; rows drag out as ids."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDrag,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from peerref.core.model import ReferenceId
from peerref.gui.models.reference_table import Column, ReferenceTableModel

MIN_COLUMN_WIDTH = 40
"""No column is narrower (Year is about this wide); a narrower saved width is not restored."""
TITLE_MIN_WIDTH = 160
"""Room the Title keeps before the other columns narrow to fit the table's width."""

_DEFAULT_WIDTHS = {
    Column.AUTHORS: 160,
    Column.YEAR: 56,
    Column.TITLE: 320,
    Column.SOURCE: 180,
    Column.TYPE: 110,
    Column.ADDED: 96,
}


DRAG_HOT_SPOT = QPoint(-14, -10)
"""The pointer sits this far above and left of the drag image's corner: the image trails
the pointer, so the collection or window under the pointer stays in sight."""
DRAG_IMAGE_MAX_WIDTH = 280


def _fitted_widths(wanted: dict[int, int], room: int) -> dict[int, int]:
    """The wanted widths, narrowed in proportion to fit ``room`` but none below the minimum.

    A column that would fall below :data:`MIN_COLUMN_WIDTH` keeps the minimum and the
    others share what is left, so the total fits whenever the minimums do.
    """
    widths: dict[int, int] = {}
    flexible = dict(wanted)
    while flexible:
        left = room - MIN_COLUMN_WIDTH * len(widths)
        total = sum(flexible.values())
        scale = min(1.0, max(left, 0) / total) if total > 0 else 1.0
        too_narrow = [c for c, width in flexible.items() if width * scale < MIN_COLUMN_WIDTH]
        if not too_narrow:
            widths.update({c: int(width * scale) for c, width in flexible.items()})
            break
        for column in too_narrow:
            widths[column] = MIN_COLUMN_WIDTH
            del flexible[column]
    return widths


class ReferenceTableView(QTableView):
    """Shows a :class:`ReferenceTableModel`; never asks for rows it does not paint.

    Rows have one fixed height and columns are sized by hand (never to contents), so the
    view only requests the rows on screen and the model loads only their page.

    Title stretches. When the table is too narrow for the other columns at the widths the
    user gave them and :data:`TITLE_MIN_WIDTH` for the title, they narrow in proportion
    instead of the table scrolling sideways, and widen back as it grows; those widths are
    the ones remembered.
    """

    paste_requested = Signal()
    """Ctrl+V in the table: the window imports what is on the clipboard."""
    edit_requested = Signal()
    """Enter on a row: the window moves the focus to the detail panel."""
    selection_changed_ids = Signal(list)
    """The selected reference ids changed (in row order)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceTable")
        self.setAccessibleName("References")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table (for the details) rather than walking from cell to cell
        # into the next rows; the arrow keys move within it.
        self.setTabKeyNavigation(False)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)
        header.setToolTip("Click to sort; right-click to choose columns")
        # The widths the user gave the columns other than Title (fitting may show them
        # narrower); kept up to date from every resize but the fitting's own.
        self._preferred_widths: dict[int, int] = {}
        self._fitting = False
        header.sectionResized.connect(self._remember_width)
        # The reference at the top of the viewport while rows follow a library change.
        self._top_anchor: ReferenceId | None = None

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        header = self.horizontalHeader()
        for column, width in _DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        # Type is there when wanted (header menu); most people sort and scan by the others.
        header.setSectionHidden(Column.TYPE, True)
        self._apply_column_modes()
        self._fit_columns()
        if isinstance(model, ReferenceTableModel):
            header.setSortIndicator(model.sort_column, model.sort_order)
        selection = self.selectionModel()
        selection.selectionChanged.connect(self._emit_selection)
        model.modelReset.connect(self._emit_selection_now)
        model.rowsRemoved.connect(self._emit_selection_now)
        if isinstance(model, ReferenceTableModel):
            model.rows_about_to_refresh.connect(self._remember_top_row)
            model.rows_refreshed.connect(self._restore_top_row)

    def _remember_top_row(self) -> None:
        # Scrolled down the list, one keeps one's place when rows arrive above it (an
        # import, another team member's additions); at the very top, new rows show.
        row = self.rowAt(0)
        self._top_anchor = self.reference_model().reference_id(row) if row > 0 else None

    def _restore_top_row(self) -> None:
        anchor, self._top_anchor = self._top_anchor, None
        if anchor is None:
            return
        model = self.reference_model()
        row = model.row_of(anchor)
        if row is not None and row != self.rowAt(0):
            self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    # --- dragging -----------------------------------------------------------------------

    def drag_label(self, ids: Sequence[ReferenceId]) -> str:
        """What the drag image says: the title of one reference, or how many."""
        if len(ids) == 1:
            row = self.reference_model().row_of(ids[0])
            if row is not None:
                title = self.reference_model().index(row, Column.TITLE).data()
                if isinstance(title, str) and title:
                    return title
        return f"{len(ids):,} reference{'s' if len(ids) != 1 else ''}"

    def drag_image(self, text: str) -> QPixmap:
        """A small label beside the pointer, not Qt's picture of the dragged rows.

        Qt's default is the selected rows as wide as the table, held under the pointer,
        which hides the collection one is dropping on.
        """
        metrics = self.fontMetrics()
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, DRAG_IMAGE_MAX_WIDTH - 16)
        width = metrics.horizontalAdvance(text) + 16
        height = metrics.height() + 8
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(width * ratio), int(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(0, 0, 0, 0))
        palette = self.palette()
        painter = QPainter(pixmap)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(0, 0, width - 1, height - 1, 6, 6)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            painter.setFont(self.font())
            painter.drawText(8, 4 + metrics.ascent(), text)
        finally:
            painter.end()
        return pixmap

    def make_drag(self) -> QDrag | None:
        """The drag of the selected rows: their data, a small image, a trailing hot spot."""
        ids = self.selected_ids()
        model = self.model()
        if not ids or model is None:
            return None
        indexes = [model.index(row.row(), 0) for row in self.selectionModel().selectedRows()]
        drag = QDrag(self)
        drag.setMimeData(model.mimeData(indexes))
        drag.setPixmap(self.drag_image(self.drag_label(ids)))
        drag.setHotSpot(DRAG_HOT_SPOT)
        return drag

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        drag = self.make_drag()
        if drag is not None:
            drag.exec(supported_actions, self.defaultDropAction())

    def reference_model(self) -> ReferenceTableModel:
        model = self.model()
        assert isinstance(model, ReferenceTableModel)
        return model

    # --- selection ----------------------------------------------------------------------

    def selected_ids(self) -> list[ReferenceId]:
        selection = self.selectionModel()
        if selection is None:
            return []
        return self.reference_model().ids_for_indexes(selection.selectedRows())

    def current_id(self) -> ReferenceId | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.reference_model().reference_id(index.row())

    def select_ids(self, ids: Sequence[ReferenceId], *, scroll: bool = True) -> None:
        """Select the rows listing ``ids`` (those the listing shows) and scroll to the first."""
        model = self.reference_model()
        rows = sorted(row for ref_id in ids if (row := model.row_of(ref_id)) is not None)
        selection = QItemSelection()
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().select(selection, flags)
        if rows:
            first = model.index(rows[0], self._first_visible_column())
            self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.scrollTo(first)

    def _first_visible_column(self) -> int:
        header = self.horizontalHeader()
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            if not header.isSectionHidden(logical):
                return logical
        return 0

    def _emit_selection(self, *_args: object) -> None:
        self.selection_changed_ids.emit(self.selected_ids())

    def _emit_selection_now(self, *_args: object) -> None:
        self._emit_selection()

    # --- columns ------------------------------------------------------------------------

    def column_actions(self) -> list[QAction]:
        """Checkable actions showing or hiding each column (header menu and View menu)."""
        header = self.horizontalHeader()
        visible = [c for c in Column if not header.isSectionHidden(c)]
        actions = []
        for column in Column:
            action = QAction(column.label, self)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The last visible column cannot be hidden: an empty table helps nobody.
            action.setEnabled(not (len(visible) == 1 and column in visible))
            action.toggled.connect(lambda shown, c=column: self.set_column_visible(c, shown))
            actions.append(action)
        return actions

    def set_column_visible(self, column: Column, visible: bool) -> None:
        header = self.horizontalHeader()
        header.setSectionHidden(column, not visible)
        header.setStretchLastSection(header.isSectionHidden(Column.TITLE))
        if visible and header.sectionSize(column) < MIN_COLUMN_WIDTH:
            header.resizeSection(column, _DEFAULT_WIDTHS[column])
        self._fit_columns()

    def _show_header_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.setAccessibleName("Columns")
        for action in self.column_actions():
            menu.addAction(action)
        menu.exec(self.horizontalHeader().mapToGlobal(position))

    def header_state(self) -> QByteArray:
        """The header's state with the widths the user chose, not the ones fitted to now."""
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for column, width in self._preferred_widths.items():
                header.resizeSection(column, width)
            state = header.saveState()
        finally:
            self._fitting = False
        self._fit_columns()
        return state

    def restore_header_state(self, state: QByteArray) -> bool:
        """Restore remembered columns, keeping Title the stretching column.

        A saved state also carries resize modes and widths; one from an older version (or a
        column dragged almost shut) left Title fixed at a few pixels, so the modes are set
        again and widths below :data:`MIN_COLUMN_WIDTH` go back to their defaults.
        """
        header = self.horizontalHeader()
        restored = header.restoreState(state)
        if restored:
            self._apply_column_modes()
            self._preferred_widths = {
                column: header.sectionSize(column) for column in Column if column != Column.TITLE
            }
            self._fit_columns()
            model = self.reference_model()
            model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        return restored

    def _apply_column_modes(self) -> None:
        header = self.horizontalHeader()
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        if all(header.isSectionHidden(column) for column in Column):
            header.setSectionHidden(Column.TITLE, False)
        for column in Column:
            if column is Column.TITLE:
                continue
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if header.sectionSize(column) < MIN_COLUMN_WIDTH:
                header.resizeSection(column, _DEFAULT_WIDTHS[column])
        # The title takes whatever room the other columns leave; without it, the last one does.
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(header.isSectionHidden(Column.TITLE))

    def _remember_width(self, logical: int, _old: int, new: int) -> None:
        if not self._fitting and logical != Column.TITLE:
            self._preferred_widths[logical] = new

    def _fit_columns(self) -> None:
        """Narrow the columns other than Title in proportion when the table lacks room."""
        header = self.horizontalHeader()
        if self.model() is None or header.isSectionHidden(Column.TITLE):
            return  # without Title the last column stretches and nothing needs fitting
        shown = [c for c in Column if c != Column.TITLE and not header.isSectionHidden(c)]
        wanted: dict[int, int] = {
            c: self._preferred_widths.get(c, header.sectionSize(c)) for c in shown
        }
        widths = _fitted_widths(wanted, self.viewport().width() - TITLE_MIN_WIDTH)
        self._fitting = True
        try:
            for column, width in widths.items():
                header.resizeSection(column, width)
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    # --- keys ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.edit_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
