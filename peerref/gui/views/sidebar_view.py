"""The sidebar tree widget: sections, collections (rename in place, drag to nest) and tags."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTreeView,
    QWidget,
)

from peerref.gui.models.sidebar_model import (
    COUNT_COLUMN,
    NAME_COLUMN,
    NodeKind,
    SidebarModel,
    SidebarNode,
)


class _NameDelegate(QStyledItemDelegate):
    """Edits names in place without losing what the user has typed.

    Qt hands an open editor the model's value again whenever its row's data changes,
    whatever the roles: a count read in the background would wipe a rename half typed.
    Once the user has typed, the editor keeps its text.
    """

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit) and editor.isModified():
            return
        super().setEditorData(editor, index)


class SidebarView(QTreeView):
    """Shows a :class:`SidebarModel`; its rows follow the model's moves, never a reset.

    Selection, expansion and an open rename editor are Qt's to keep across row moves;
    when the entry shown goes (a collection deleted, here or by another window), "My
    Library" is shown instead, as a neighbour would otherwise be chosen for it.
    """

    node_selected = Signal(object)
    """The chosen :class:`SidebarNode` (the table then lists what it stands for)."""
    context_menu_requested = Signal(object, QPoint)
    """(node or None, global position): the window builds the menu for that node."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAccessibleName("Library sections, collections and tags")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setAnimated(True)
        self.setIndentation(14)
        # An import's label starts with when and ends with how many: cut in the middle,
        # both stay in sight (the tooltip has the whole story).
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)
        self.setItemDelegateForColumn(NAME_COLUMN, _NameDelegate(self))

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        # Counts sit in their own narrow column: no custom painting, native everywhere.
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self._expand_sections()

    def sidebar_model(self) -> SidebarModel:
        model = self.model()
        assert isinstance(model, SidebarModel)
        return model

    def current_node(self) -> SidebarNode | None:
        index = self.currentIndex()
        return self.sidebar_model().node(index) if index.isValid() else None

    def select_key(self, key: tuple[str, object]) -> bool:
        index = self.sidebar_model().index_for_key(key)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def select_kind(self, kind: NodeKind) -> bool:
        return self.select_key((kind.value, None))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.node_selected.emit(self.sidebar_model().node(current))

    def _on_context_menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        node = self.sidebar_model().node(index) if index.isValid() else None
        self.context_menu_requested.emit(node, self.viewport().mapToGlobal(position))

    def _expand_sections(self) -> None:
        model = self.sidebar_model()
        for kind in (NodeKind.COLLECTIONS, NodeKind.TAGS):
            self.expand(model.index_for_kind(kind))

    def rowsAboutToBeRemoved(
        self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int
    ) -> None:
        # Before Qt picks a neighbour of the entry shown (and the window lists it).
        current = self.currentIndex()
        if current.isValid():
            model = self.sidebar_model()
            shown = model.node(current)
            going = model.node(parent).children[start : end + 1]
            if any(shown.is_within(node) for node in going):
                self.setCurrentIndex(model.index_for_kind(NodeKind.LIBRARY))
        super().rowsAboutToBeRemoved(parent, start, end)
