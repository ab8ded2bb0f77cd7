"""The sidebar tree widget: sections, collections (rename in place, drag to nest) and tags."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
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


class SidebarView(QTreeView):
    """Shows a :class:`SidebarModel` and keeps selection and expansion across rebuilds."""

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
        self._saved_selection: tuple[str, object] | None = None
        self._saved_expanded: set[tuple[str, object]] = set()

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        # Counts sit in their own narrow column: no custom painting, native everywhere.
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        model.modelAboutToBeReset.connect(self._save_state)
        model.modelReset.connect(self._restore_state)
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

    def _save_state(self) -> None:
        model = self.sidebar_model()
        current = self.currentIndex()
        self._saved_selection = model.node(current).key if current.isValid() else None
        self._saved_expanded = set()
        for node in model.node(QModelIndex()).walk():
            index = model.index_of(node)
            if index.isValid() and self.isExpanded(index):
                self._saved_expanded.add(node.key)

    def _restore_state(self) -> None:
        model = self.sidebar_model()
        self._expand_sections()
        for key in self._saved_expanded:
            index = model.index_for_key(key)
            if index.isValid():
                self.expand(index)
        selection = self._saved_selection
        blocker = self.selectionModel().blockSignals(True)
        try:
            index = model.index_for_key(selection) if selection is not None else QModelIndex()
            if not index.isValid():
                index = model.index_for_kind(NodeKind.LIBRARY)
            self.setCurrentIndex(index)
        finally:
            self.selectionModel().blockSignals(blocker)
        if selection is not None and model.node(index).key != selection:
            # What was shown is gone (a collection deleted): show the library instead.
            self.node_selected.emit(model.node(index))
