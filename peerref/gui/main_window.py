"""The main window: sidebar | reference table | detail panel, with menus, toolbar and search.

The window wires widgets to the :class:`~peerref.library.Library`: reads go straight to it
(listing, counts, one reference); every change goes through an undo command
(:mod:`peerref.gui.undo`) whose ``ChangeSet`` refreshes the views in
:meth:`MainWindow.apply_changes`.
Imports and citation copying run through the importing and clipboard controllers, which do
their slow work off the UI thread (STYLE.md #6).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QWidget,
)

from peerref import settings as settings_io
from peerref.citations.styles import FAVOURITES, StyleCatalogue
from peerref.core.changes import ChangeSet
from peerref.core.errors import NotFoundError, PeerRefError
from peerref.core.model import (
    Collection,
    CollectionId,
    ImportBatch,
    ImportMethod,
    Note,
    Reference,
    ReferenceId,
)
from peerref.core.prisma import Review, ReviewId
from peerref.gui import icons
from peerref.gui.clipboard import COPY_FORMAT_WRITERS, CitationCopier
from peerref.gui.completion import CompletionController
from peerref.gui.dialogs.export_dialog import BibliographyDialog, ExportDialog
from peerref.gui.dialogs.merge_dialog import MergeDialog
from peerref.gui.dialogs.preferences import PreferencesDialog
from peerref.gui.dialogs.tag_dialogs import TagMergeDialog
from peerref.gui.dialogs.team_library import open_team_library
from peerref.gui.exporting import ExportController
from peerref.gui.importing import ImportController
from peerref.gui.maintenance import SearchIndexTidier
from peerref.gui.models.reference_table import ReferenceTableModel
from peerref.gui.models.sidebar_model import (
    NodeKind,
    SidebarModel,
    SidebarNode,
    collection_paths,
)
from peerref.gui.ops import PROGRESS_DELAY_MS, MessagePresenter, show_message_box
from peerref.gui.undo import (
    AddReferencesCommand,
    DeleteCollectionCommand,
    DismissDuplicatesCommand,
    EditReferenceCommand,
    ImportCommand,
    LibraryCommand,
    MembershipCommand,
    MergeCommand,
    MoveCollectionCommand,
    NewCollectionCommand,
    NoteCommand,
    RenameCollectionCommand,
    TagCommand,
    TagEditCommand,
    TrashCommand,
)
from peerref.gui.views.detail_panel import DetailPanel, provenance_text
from peerref.gui.views.duplicates_view import DuplicatesPanel
from peerref.gui.views.empty_state import (
    EMPTY_BATCH_HTML,
    EMPTY_COLLECTION_HTML,
    EMPTY_TAG_HTML,
    EMPTY_TRASH_HTML,
    EMPTY_UNFILED_HTML,
    EmptyStateOverlay,
    empty_library_html,
    no_matches_html,
)
from peerref.gui.views.reference_table_view import ReferenceTableView
from peerref.gui.views.review_view import ReviewWindow
from peerref.gui.views.sidebar_view import SidebarView
from peerref.library import ImportOutcome, Library, SortKey, describe
from peerref.library_tags import TagEdit
from peerref.review import default_reviewer
from peerref.settings import Settings

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
SEARCH_HELP = (
    "Words match the start of any word; all must match.\n"
    '"exact phrase"   author:smith   title:trust   tag:thesis\n'
    "collection:Reading   type:book   year:2012   year:2010..2015\n"
    "A DOI, ISSN or ISBN as printed (or a doi.org link) finds its reference;\n"
    "or name it: doi:10.…   issn:…   isbn:…   pmid:…\n"
    "A leading - excludes: -tag:read"
)
_QSETTINGS_GEOMETRY = "main_window/geometry"
_QSETTINGS_STATE = "main_window/state"
_QSETTINGS_SPLITTER = "main_window/splitter"
_QSETTINGS_HEADER = "main_window/table_header"
TABLE_STRETCH = 3
DETAIL_STRETCH = 1
TABLE_MIN_WIDTH = 320
DETAIL_DEFAULT_WIDTH = 400


class MainWindow(QMainWindow):
    """PeerRef's window over one library.

    Args:
        library: the open library; the window never closes it (the app does).
        settings: the user's preferences (citation style, locale, clipboard formats).
        settings_path: where Preferences saves changed settings; None keeps them in memory.
        catalogue: the citation style catalogue (made on demand when not given).
        qsettings: where geometry and splitter sizes are remembered (the platform default
            when not given; tests pass an INI file of their own).
        show_message: how non-blocking messages are shown (tests record them).
        progress_delay_ms: how long background work runs before a progress dialog shows.
    """

    settings_changed = Signal(object)
    """The user saved new preferences (the :class:`Settings`)."""

    def __init__(
        self,
        library: Library,
        settings: Settings,
        settings_path: Path | None = None,
        *,
        catalogue: StyleCatalogue | None = None,
        qsettings: QSettings | None = None,
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__()
        self.library = library
        self.settings = settings
        self.settings_path = settings_path
        self._catalogue = catalogue
        self._qsettings = qsettings if qsettings is not None else QSettings("PeerRef", "PeerRef")
        self._show_message = show_message
        self._themed_actions: list[tuple[QAction, str]] = []
        self.last_context_menu: QMenu | None = None
        """The context menu shown last (the table's or the sidebar's), for tests."""
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"PeerRef — {library.path.name}")
        self.setAccessibleName("PeerRef")
        self.setAcceptDrops(True)
        self.setUnifiedTitleAndToolBarOnMac(True)

        self._search_typed_since_focus = False
        self._pending_splitter_state: QByteArray | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        self.review_windows: dict[ReviewId, ReviewWindow] = {}

        self.table_model = ReferenceTableModel(library, self)
        # References to select once the table's id list is in (see reveal_references).
        self._pending_reveal: list[ReferenceId] = []
        self.table_view = ReferenceTableView(self)
        self.table_view.setModel(self.table_model)
        self.sidebar_model = SidebarModel(library, self)
        self.sidebar_view = SidebarView(self)
        self.sidebar_view.setModel(self.sidebar_model)
        self.detail_panel = DetailPanel(library, self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar_view)
        self.splitter.addWidget(self.table_view)
        self.splitter.addWidget(self.detail_panel)
        # When the window narrows the table gives up least: it grows and shrinks three times
        # as fast as the detail panel, and the panel's minimum width is small.
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, TABLE_STRETCH)
        self.splitter.setStretchFactor(2, DETAIL_STRETCH)
        self.table_view.setMinimumWidth(TABLE_MIN_WIDTH)
        self.splitter.setSizes([220, 760, 400])
        self._default_sizes_applied = False
        self._details_width_before = DETAIL_DEFAULT_WIDTH
        self.splitter.splitterMoved.connect(self._remember_details_width)
        self.setCentralWidget(self.splitter)
        # Tab goes search field → sidebar → table → details, the order they are seen in.
        QWidget.setTabOrder(self.sidebar_view, self.table_view)
        # Shown in place of the table when "Duplicates" is chosen in the sidebar.
        self.duplicates_panel = DuplicatesPanel(
            library, self, show_message=show_message, progress_delay_ms=progress_delay_ms
        )
        self.duplicates_panel.hide()
        self.splitter.insertWidget(2, self.duplicates_panel)
        self.splitter.setStretchFactor(2, TABLE_STRETCH)
        self.duplicates_panel.setMinimumWidth(TABLE_MIN_WIDTH)
        self.duplicates_panel.merge_requested.connect(self.open_merge_dialog)
        self.duplicates_panel.dismiss_requested.connect(self.dismiss_duplicates)
        self.duplicates_panel.reference_chosen.connect(self._on_duplicate_chosen)
        # Over the table when it lists nothing: how to get references in, or why not.
        self.empty_state = EmptyStateOverlay(self.table_view)

        self.importer = ImportController(
            library, self, show_message=show_message, progress_delay_ms=progress_delay_ms
        )
        self.copier = CitationCopier(
            self._style_catalogue(),
            self,
            style=settings.citation_style,
            formats=settings.clipboard_formats,
            show_message=show_message,
            progress_delay_ms=progress_delay_ms,
            notes_for=self._notes_for_export,
        )
        self.exporter = ExportController(
            library,
            self,
            catalogue=self._style_catalogue,
            default_style=lambda: self.settings.citation_style,
            qsettings=self._qsettings,
            copy_bibliography=self.copier.copy_bibliography,
            show_message=show_message,
            progress_delay_ms=progress_delay_ms,
        )
        self.table_model.set_drag_mime(self._drag_mime)
        self.completer = CompletionController(
            library,
            self,
            settings=lambda: self.settings,
            run_command=self.run_command,
            handlers=self._handlers(),
            show_message=show_message,
            progress_delay_ms=progress_delay_ms,
        )
        # Merges a fragmented search index once the library is quiet (see maintenance).
        self.index_tidier = SearchIndexTidier(library, self)
        self.index_tidier.schedule()

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self.sidebar_view.select_kind(NodeKind.LIBRARY)
        self._restore_window_state()
        self._update_actions()
        self._update_status()

    # --- building -----------------------------------------------------------------------

    def _style_catalogue(self) -> StyleCatalogue:
        if self._catalogue is None:
            self._catalogue = StyleCatalogue()
        return self._catalogue

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        *,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str = "",
        tip: str = "",
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            if isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context)
        if icon_name:
            action.setIcon(icons.icon(icon_name))
            self._themed_actions.append((action, icon_name))
        plain = text.replace("&", "").rstrip("…")
        action.setToolTip(tip or plain)
        action.setStatusTip(tip or plain)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_reference_action = self._action(
            "&New Reference",
            self.new_reference,
            shortcut=QKeySequence.StandardKey.New,
            icon_name="reference-new",
            tip="Add an empty reference and start typing its details",
        )
        self.new_collection_action = self._action(
            "New &Collection",
            self.new_collection,
            shortcut="Ctrl+Shift+N",
            icon_name="collection-new",
            tip="Create a collection (inside the selected one)",
        )
        self.new_review_action = self._action(
            "New &Review of Collection",
            lambda: self.new_review(whole_library=False),
            tip="Screen the selected collection as a literature review (PRISMA 2020)",
        )
        self.new_library_review_action = self._action(
            "New Review of the Whole &Library",
            lambda: self.new_review(whole_library=True),
            tip="Screen every reference of the library as a literature review",
        )
        self.import_clipboard_action = self._action(
            "Import from C&lipboard",
            self.import_from_clipboard,
            shortcut="Ctrl+Shift+V",
            icon_name="import",
            tip="Read references from a page or list you copied",
        )
        self.open_team_library_action = self._action(
            "Open &Team Library…",
            lambda: open_team_library(self, user=self.settings.reviewer_name),
            tip="Open a library shared on a PostgreSQL server, in a window of its own",
        )
        self.import_files_action = self._action(
            "&Import Files…",
            self.import_files_dialog,
            shortcut=QKeySequence.StandardKey.Open,
            tip="Import RIS, BibTeX, MEDLINE, CSL-JSON, HTML or text files",
        )
        self.export_library_action = self._action(
            "&Export Library…",
            self.export_library,
            shortcut="Ctrl+Shift+E",
            tip="Write the whole library to a RIS, BibTeX, CSL-JSON or bibliography file",
        )
        self.export_collection_action = self._action(
            "Export C&ollection…",
            self.export_collection,
            tip="Write the selected collection to a file",
        )
        self.export_selected_action = self._action(
            "Export &Selected…",
            self.export_selected,
            tip="Write the selected references to a file",
        )
        self.create_bibliography_action = self._action(
            "Create &Bibliography from Collection…",
            self.create_bibliography,
            tip="A bibliography of the selected collection in a style: copy it or save it",
        )
        self.preferences_action = self._action(
            "&Preferences…",
            self.show_preferences,
            shortcut=QKeySequence.StandardKey.Preferences
            if QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
            else "Ctrl+,",
            icon_name="preferences",
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action("&Quit", self.close, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icons.icon("undo"))
        self._themed_actions.append((self.undo_action, "undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        if QKeySequence("Ctrl+Y") not in redo_keys:
            redo_keys.append(QKeySequence("Ctrl+Y"))
        self.redo_action.setShortcuts(redo_keys)
        self.redo_action.setIcon(icons.icon("redo"))
        self._themed_actions.append((self.redo_action, "redo"))
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

        self.copy_bibliography_action = self._action(
            "Copy &Bibliography",
            self.copy_bibliography,
            shortcut="Ctrl+Shift+C",
            icon_name="copy-citation",
            tip="Copy the selected references as a bibliography in the default style",
        )
        self.copy_citation_action = self._action(
            "Copy In-text &Citation",
            self.copy_citation,
            shortcut="Ctrl+Shift+A",
            tip="Copy an in-text citation of the selected references",
        )
        self.find_action = self._action(
            "&Find", self.focus_search, shortcut=QKeySequence.StandardKey.Find, icon_name="search"
        )
        self.select_all_action = self._action(
            "&Select All",
            self.table_view.selectAll,
            shortcut=QKeySequence.StandardKey.SelectAll,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.table_view.addAction(self.select_all_action)

        self.edit_details_action = self._action(
            "&Edit Details", self.edit_details, tip="Move to the detail panel to edit"
        )
        self.trash_action = self._action(
            "Move to Tr&ash",
            self.trash_selected,
            shortcut=QKeySequence.StandardKey.Delete,
            icon_name="trash",
            context=Qt.ShortcutContext.WidgetShortcut,
            tip="Move the selected references to the Trash (undoable)",
        )
        self.table_view.addAction(self.trash_action)
        self.restore_action = self._action(
            "&Restore from Trash",
            self.restore_selected,
            shortcut="Ctrl+Shift+R",
            icon_name="restore",
        )
        self.empty_trash_action = self._action("Em&pty Trash…", self.empty_trash)
        self.add_tag_action = self._action(
            "Add &Tag…", self.focus_tag_field, shortcut="Ctrl+T", icon_name="tag"
        )
        self.remove_from_collection_action = self._action(
            "Remo&ve from Collection", self.remove_selected_from_collection
        )
        self.find_missing_details_action = self._action(
            "Find &Missing Details",
            self.find_missing_details,
            shortcut="Ctrl+Shift+M",
            tip="Look the selected references up on Crossref and fill in what they lack",
        )
        self.complete_library_action = self._action(
            "Complete &Whole Library…",
            self.complete_whole_library,
            tip="Look up every reference lacking a title, DOI, journal or pages on Crossref",
        )
        self.show_original_action = self._action(
            "Show &Original Text", self.detail_panel.show_source_text
        )
        self.rename_collection_action = self._action(
            "Re&name Collection", self.rename_current_collection, shortcut="F2"
        )
        self.rename_tag_action = self._action(
            "Re&name Tag…",
            self._rename_current_tag,
            tip="Rename the tag chosen in the sidebar everywhere (into an existing tag: merge)",
        )
        self.merge_tags_action = self._action(
            "&Merge Tags…",
            self._merge_current_tag,
            tip="Give the references of several tags one tag",
        )
        self.delete_tag_action = self._action(
            "&Delete Tag",
            self._delete_current_tag,
            tip="Take the tag chosen in the sidebar off every reference (undoable)",
        )
        self.delete_collection_action = self._action(
            "&Delete Collection",
            self.delete_current_collection,
            shortcut=QKeySequence.StandardKey.Delete,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.sidebar_view.addAction(self.delete_collection_action)

        self.show_sidebar_action = QAction("Show &Sidebar", self)
        self.show_sidebar_action.setCheckable(True)
        self.show_sidebar_action.setChecked(True)
        self.show_sidebar_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.show_sidebar_action.toggled.connect(self.sidebar_view.setVisible)
        self.addAction(self.show_sidebar_action)
        self.show_details_action = QAction("Show &Details", self)
        self.show_details_action.setCheckable(True)
        self.show_details_action.setChecked(True)
        self.show_details_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.show_details_action.toggled.connect(self.detail_panel.setVisible)
        self.addAction(self.show_details_action)

        self.search_help_action = self._action(
            "&Search Syntax", self.show_search_help, icon_name="help"
        )
        self.about_action = self._action("&About PeerRef", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_reference_action)
        file_menu.addAction(self.new_collection_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_files_action)
        file_menu.addAction(self.import_clipboard_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_team_library_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_library_action)
        file_menu.addAction(self.export_collection_action)
        file_menu.addAction(self.export_selected_action)
        file_menu.addAction(self.create_bibliography_action)
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.copy_bibliography_action)
        edit_menu.addAction(self.copy_citation_action)
        self.copy_as_menu = edit_menu.addMenu("Copy &As")
        self.copy_as_menu.aboutToShow.connect(self._fill_copy_as_menu)
        self._fill_copy_as_menu()
        edit_menu.addAction(self.import_clipboard_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.select_all_action)
        edit_menu.addAction(self.find_action)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.show_sidebar_action)
        view_menu.addAction(self.show_details_action)
        self.columns_menu = view_menu.addMenu("&Columns")
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)

        reference_menu = bar.addMenu("&Reference")
        reference_menu.addAction(self.edit_details_action)
        reference_menu.addAction(self.add_tag_action)
        self.add_to_collection_menu = reference_menu.addMenu("Add to &Collection")
        self.add_to_collection_menu.aboutToShow.connect(self._fill_add_to_collection_menu)
        reference_menu.addAction(self.remove_from_collection_action)
        reference_menu.addAction(self.show_original_action)
        reference_menu.addAction(self.find_missing_details_action)
        reference_menu.addAction(self.complete_library_action)
        reference_menu.addSeparator()
        reference_menu.addAction(self.trash_action)
        reference_menu.addAction(self.restore_action)
        reference_menu.addAction(self.empty_trash_action)
        reference_menu.addSeparator()
        reference_menu.addAction(self.rename_collection_action)
        reference_menu.addAction(self.delete_collection_action)
        tags_menu = reference_menu.addMenu("Ta&gs")
        tags_menu.addAction(self.rename_tag_action)
        tags_menu.addAction(self.merge_tags_action)
        tags_menu.addAction(self.delete_tag_action)

        review_menu = bar.addMenu("Rev&iew")
        review_menu.addAction(self.new_review_action)
        review_menu.addAction(self.new_library_review_action)
        self.open_review_menu = review_menu.addMenu("&Open Review")
        self.open_review_menu.aboutToShow.connect(self._fill_open_review_menu)
        file_menu.insertAction(self.import_files_action, self.new_review_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.search_help_action)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonFollowStyle)
        toolbar.addAction(self.new_reference_action)
        toolbar.addAction(self.import_clipboard_action)
        toolbar.addAction(self.new_collection_action)
        toolbar.addSeparator()
        toolbar.addAction(self.copy_bibliography_action)
        toolbar.addAction(self.trash_action)
        toolbar.addAction(self.restore_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search_field = QLineEdit(toolbar)
        self.search_field.setObjectName("searchField")
        self.search_field.setAccessibleName("Search references")
        self.search_field.setPlaceholderText(
            "Search  (author:, title:, tag:, year:2010..2015, a DOI)"
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setToolTip(SEARCH_HELP)
        self.search_field.setMinimumWidth(260)
        self.search_field.setMaximumWidth(420)
        self._search_icon_action = self.search_field.addAction(
            icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition
        )
        self._themed_actions.append((self._search_icon_action, "search"))
        toolbar.addWidget(self.search_field)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName("Reference count")
        self.statusBar().addPermanentWidget(self.count_label)

    def _connect(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        self.search_field.textChanged.connect(self._on_search_edited)
        self.search_field.textEdited.connect(self._on_search_typed)
        self.detail_panel.leave_requested.connect(self.focus_table)
        self.search_field.returnPressed.connect(self.apply_search)
        self.search_field.installEventFilter(self)
        self.sidebar_view.node_selected.connect(self._on_node_selected)
        self.sidebar_view.context_menu_requested.connect(self._show_sidebar_menu)
        self.sidebar_model.collection_rename_requested.connect(self._on_rename_requested, queued)
        self.sidebar_model.tag_rename_requested.connect(self.rename_tag, queued)
        self.sidebar_model.collection_move_requested.connect(self.move_collection, queued)
        self.sidebar_model.references_dropped.connect(self.add_to_collection, queued)
        self.sidebar_model.external_dropped.connect(self._on_external_drop, queued)
        self.sidebar_model.counts_refreshed.connect(self._update_actions)  # Empty Trash
        self.table_view.selection_changed_ids.connect(self._on_selection_changed)
        self.table_view.paste_requested.connect(self.import_from_clipboard)
        self.table_view.edit_requested.connect(self.edit_details)
        self.table_view.doubleClicked.connect(lambda _index: self.edit_details())
        self.table_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table_view.customContextMenuRequested.connect(self._show_table_menu)
        self.table_model.listing_changed.connect(self._update_status)
        self.table_model.full_listing_loaded.connect(self._reveal_pending)
        self.detail_panel.reference_edited.connect(self.edit_reference)
        self.detail_panel.tags_added.connect(lambda ids, tags: self.tag_references(ids, add=tags))
        self.detail_panel.tag_removed.connect(
            lambda ids, tag: self.tag_references(ids, remove=[tag])
        )
        self.detail_panel.note_saved.connect(self.save_note)
        self.detail_panel.note_deleted.connect(self.delete_note)
        self.detail_panel.membership_changed.connect(self._on_membership_changed)
        self.importer.import_finished.connect(self.on_import_finished)
        self.importer.show_existing_requested.connect(self.show_reference)
        # When a preview closes, the keyboard goes back to the table (not the search field).
        self.importer.preview_opened.connect(
            lambda dialog: dialog.finished.connect(lambda _result: self.focus_table())
        )
        self.importer.message_posted.connect(self.show_status)
        self.copier.copied.connect(self.show_status)
        self.detail_panel.find_missing_details_requested.connect(
            lambda ref_id: self.completer.complete_ids([ReferenceId(ref_id)])
        )
        self.importer.preview_opened.connect(self.completer.watch_preview)
        self.completer.message_posted.connect(self.show_status)
        self.exporter.message_posted.connect(self.show_status)
        self.undo_stack.indexChanged.connect(self._on_undo_index_changed)

    # --- state and geometry -------------------------------------------------------------

    def _restore_window_state(self) -> None:
        qsettings = self._qsettings
        geometry = qsettings.value(_QSETTINGS_GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(min(1380, screen.width() * 9 // 10), min(820, screen.height() * 9 // 10))
        state = qsettings.value(_QSETTINGS_STATE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = qsettings.value(_QSETTINGS_SPLITTER)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            # Restored once the window has its real size: the splitter shares out any
            # difference by stretch factor, which would change the remembered sizes.
            self._pending_splitter_state = splitter
        header = qsettings.value(_QSETTINGS_HEADER)
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table_view.restore_header_state(header)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        state, self._pending_splitter_state = self._pending_splitter_state, None
        if state is not None:
            self.splitter.restoreState(state)
            self._keep_table_wider_than_details()
        elif not self._default_sizes_applied:
            self._apply_default_splitter_sizes()
        self._default_sizes_applied = True
        self._details_width_before = self.splitter.sizes()[self.splitter.indexOf(self.detail_panel)]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible() and event.size().width() < event.oldSize().width():
            self._keep_details_readable()

    def _keep_details_readable(self) -> None:
        """A narrowing window takes room from the table before the details go below 400.

        The splitter shares a change by stretch factor, so narrowing a wide window to
        1000 pixels left the details about 270 wide, where the authors' names and headers
        are cut; the table has more to give (it keeps :data:`TABLE_MIN_WIDTH`). Details
        the user made narrower by hand stay as narrow.
        """
        sizes = self.splitter.sizes()
        table = self.splitter.indexOf(
            self.duplicates_panel if self.table_view.isHidden() else self.table_view
        )
        detail = self.splitter.indexOf(self.detail_panel)
        wanted = min(DETAIL_DEFAULT_WIDTH, self._details_width_before)
        if self.detail_panel.isHidden() or sizes[detail] >= wanted:
            self._details_width_before = sizes[detail]
            return
        spare = max(0, sizes[table] - TABLE_MIN_WIDTH)
        moved = min(spare, wanted - sizes[detail])
        if moved > 0:
            sizes[table] -= moved
            sizes[detail] += moved
            self.splitter.setSizes(sizes)

    def _remember_details_width(self, *_args: object) -> None:
        self._details_width_before = self.detail_panel.width()

    def _apply_default_splitter_sizes(self) -> None:
        """First start: the sidebar its natural width, the details about a third of the rest.

        Sizes given before the window is shown are scaled by the stretch factors, which
        left the details too narrow for the authors editor; so they are set once shown.
        """
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0 or len(sizes) < 3:
            return
        sidebar = self.splitter.indexOf(self.sidebar_view)
        table = self.splitter.indexOf(self.table_view)
        detail = self.splitter.indexOf(self.detail_panel)
        sizes[sidebar] = min(220, total // 5)
        rest = total - sizes[sidebar]
        sizes[detail] = max(min(DETAIL_DEFAULT_WIDTH, rest - TABLE_MIN_WIDTH), rest // 3)
        sizes[table] = rest - sizes[detail]
        self.splitter.setSizes(sizes)

    def _keep_table_wider_than_details(self) -> None:
        """A remembered layout in which the details crowd out the table is evened out."""
        sizes = self.splitter.sizes()
        table = self.splitter.indexOf(self.table_view)
        detail = self.splitter.indexOf(self.detail_panel)
        if sizes[detail] > sizes[table] > 0 or 0 < sizes[table] < TABLE_MIN_WIDTH:
            shared = sizes[table] + sizes[detail]
            sizes[table] = max(TABLE_MIN_WIDTH, shared * 3 // 5)
            sizes[detail] = max(0, shared - sizes[table])
            self.splitter.setSizes(sizes)

    def _notes_for_export(self, references: Sequence[Reference]) -> dict[ReferenceId, list[str]]:
        """Copy As ▸ RIS/BibTeX and drags carry the notes, as Zotero's exports do."""
        return {
            ref.id: [note.text for note in self.library.notes(ref.id)]
            for ref in references
            if ref.id is not None
        }

    def save_window_state(self) -> None:
        """Remember geometry, splitter sizes and table columns (QSettings, STYLE.md #10)."""
        qsettings = self._qsettings
        qsettings.setValue(_QSETTINGS_GEOMETRY, self.saveGeometry())
        qsettings.setValue(_QSETTINGS_STATE, self.saveState())
        qsettings.setValue(_QSETTINGS_SPLITTER, self.splitter.saveState())
        qsettings.setValue(_QSETTINGS_HEADER, self.table_view.header_state())
        qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail_panel.show_selection(self.table_view.selected_ids())  # commit typing
        self.save_window_state()
        self.copier.close()
        self.sidebar_model.close()  # a count read under way reads no more
        self.index_tidier.close()  # a tidying under way stops after its current step
        self.completer.abandon()  # a slow Crossref must not keep the process (and lock) alive
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ThemeChange):
            icons.clear_cache()
            for action, name in self._themed_actions:
                action.setIcon(icons.icon(name))
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_field and event.type() == QEvent.Type.FocusIn:
            self._search_typed_since_focus = False
        if (
            watched is self.search_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.ShortcutOverride
            and (event.matches(QKeySequence.StandardKey.Undo) or self._is_redo_key(event))
            and not self._search_typed_since_focus
        ):
            # Nothing typed here since the field took the focus: Ctrl+Z is the window's
            # Undo (a merge, an edit), not the field's memory of an older query.
            event.ignore()
            return True
        if (
            watched is self.search_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.key() == Qt.Key.Key_Escape:
                if self.search_field.text():
                    self.search_field.clear()
                    self.apply_search()
                self.focus_table()
                return True
            if event.key() == Qt.Key.Key_Down:
                self.table_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
                if not self.table_view.currentIndex().isValid() and self.table_model.rowCount():
                    self.table_view.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    # --- listing, search, selection ------------------------------------------------------

    def _on_node_selected(self, node: SidebarNode) -> None:
        showing_duplicates = node.kind is NodeKind.DUPLICATES
        if showing_duplicates == self.duplicates_panel.isHidden():
            # The panel takes the table's place in the splitter, and its width.
            sizes = self.splitter.sizes()
            table, panel = (
                self.splitter.indexOf(self.table_view),
                self.splitter.indexOf(self.duplicates_panel),
            )
            sizes[table], sizes[panel] = sizes[panel], sizes[table]
            self.table_view.setVisible(not showing_duplicates)
            self.duplicates_panel.setVisible(showing_duplicates)
            self.splitter.setSizes(sizes)
            # The details follow the list on show: a duplicate's row, or the table's rows.
            if showing_duplicates:
                self._on_duplicate_chosen(self.duplicates_panel.current_reference_id())
            else:
                self.detail_panel.show_selection(self.table_view.selected_ids())
        if showing_duplicates:
            self.duplicates_panel.refresh()
        listing = node.listing()
        if listing is None:
            return
        self._pending_reveal = []  # the user chose another listing meanwhile
        self.table_model.set_listing(listing.with_query(self.search_field.text().strip()))
        self._update_actions()

    @staticmethod
    def _is_redo_key(event: QKeyEvent) -> bool:
        return event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Z
            and event.modifiers()
            == (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        )

    def _on_search_typed(self, _text: str) -> None:
        self._search_typed_since_focus = True

    def focus_table(self) -> None:
        """Give the keyboard back to the list on show (the table, or the duplicates)."""
        if self.duplicates_panel.isVisible():
            self.duplicates_panel.take_focus()
        else:
            self.table_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    def apply_search(self) -> None:
        """Filter the table by the search field now (typing waits 150 ms for more keys).

        The references selected before stay selected when the search still lists them,
        as Zotero keeps them: typing to narrow a list does not lose one's place.
        """
        self._search_timer.stop()
        self._pending_reveal = []  # a search typed meanwhile wins over an import's reveal
        selected = self.table_view.selected_ids()
        self.table_model.set_query(self.search_field.text().strip())
        kept = [ref_id for ref_id in selected if self.table_model.row_of(ref_id) is not None]
        if kept:
            self.table_view.select_ids(kept)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def selected_ids(self) -> list[ReferenceId]:
        """What the window's actions act on: the table's selection, or in the Duplicates
        view the reference of the chosen row (the one the details show), never the
        hidden table's."""
        if not self.duplicates_panel.isHidden():
            chosen = self.duplicates_panel.current_reference_id()
            return [] if chosen is None else [chosen]
        return self.table_view.selected_ids()

    def select_references(self, ids: Sequence[ReferenceId]) -> None:
        """Select references in the table (those the current listing shows)."""
        self.table_view.select_ids(ids)

    def show_listing(self, key: tuple[str, object]) -> bool:
        """Show a sidebar entry by key, e.g. ``("collection", 3)``; False when absent."""
        return self.sidebar_view.select_key(key)

    def _on_selection_changed(self, ids: list[ReferenceId]) -> None:
        self.detail_panel.show_selection(ids)
        self._update_actions()
        self._update_status()

    def _on_duplicate_chosen(self, ref_id: ReferenceId | None) -> None:
        """A row of the Duplicates view was chosen: the details show and edit that one."""
        if not self.duplicates_panel.isHidden():
            self.detail_panel.show_selection([] if ref_id is None else [ref_id])
            self._update_actions()

    def _empty_message(self) -> str:
        """Why the table lists nothing, and what to do about it (see empty_state.py)."""
        listing = self.table_model.listing
        if listing.query:
            return no_matches_html(listing.query)
        if listing.trash:
            return EMPTY_TRASH_HTML
        if listing.collection is not None:
            return EMPTY_COLLECTION_HTML
        if listing.tag is not None:
            return EMPTY_TAG_HTML
        if listing.batch is not None:
            return EMPTY_BATCH_HTML
        if listing.unfiled:
            return EMPTY_UNFILED_HTML
        return empty_library_html()

    def _update_status(self) -> None:
        self.empty_state.set_message(self._empty_message())
        model = self.table_model
        listed = model.rowCount()
        noun = "reference" if listed == 1 else "references"
        text = f"{listed:,} {noun}"
        selected = len(self.table_view.selected_ids())
        if selected > 1:
            text += f" · {selected:,} selected"
        if model.listing.query:
            text += " matching the search"
        self.count_label.setText(text)

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _current_node(self) -> SidebarNode | None:
        return self.sidebar_view.current_node()

    def _in_trash(self) -> bool:
        return self.table_model.listing.trash and self.duplicates_panel.isHidden()

    def _on_undo_index_changed(self, _index: int) -> None:
        # A QUndoStack clears itself, emitting this, while the window is being destroyed.
        if shiboken6.isValid(self.copy_as_menu):
            self._update_actions()

    def _update_actions(self) -> None:
        has_selection = bool(self.selected_ids())
        in_trash = self._in_trash()
        node = self._current_node()
        on_collection = node is not None and node.kind is NodeKind.COLLECTION
        self.trash_action.setEnabled(has_selection and not in_trash)
        self.restore_action.setEnabled(has_selection and in_trash)
        self.restore_action.setVisible(in_trash)
        self.trash_action.setVisible(not in_trash)
        self.copy_bibliography_action.setEnabled(has_selection)
        self.copy_citation_action.setEnabled(has_selection)
        self.copy_as_menu.setEnabled(has_selection)
        self.edit_details_action.setEnabled(has_selection)
        self.find_missing_details_action.setEnabled(has_selection)
        self.add_tag_action.setEnabled(has_selection)
        self.add_to_collection_menu.setEnabled(has_selection)
        self.remove_from_collection_action.setEnabled(has_selection and on_collection)
        self.show_original_action.setEnabled(
            self.detail_panel.reference is not None
            and bool(self.detail_panel.reference.source_text)
        )
        self.rename_collection_action.setEnabled(on_collection)
        on_tag = node is not None and node.kind is NodeKind.TAG
        self.rename_tag_action.setEnabled(on_tag)
        self.delete_tag_action.setEnabled(on_tag)
        # The sidebar's count, not a COUNT query: this runs after every change and click.
        self.empty_trash_action.setEnabled(bool(self.sidebar_model.count_of(NodeKind.TRASH)))
        self.delete_collection_action.setEnabled(on_collection)
        self.export_collection_action.setEnabled(on_collection)
        self.create_bibliography_action.setEnabled(on_collection)
        self.export_selected_action.setEnabled(has_selection)

    # --- changes ------------------------------------------------------------------------

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh every view from what a library write changed (commands, imports, undo)."""
        self.index_tidier.schedule()  # writes first: tidying waits until they are over
        self.table_model.apply_changes(changes)
        if changes.collections_changed:
            # References put into or taken out of a collection come as ``updated``.
            self.sidebar_model.follow_collections(
                members_changed=changes.membership_changed or bool(changes.updated)
            )
        elif changes.membership_changed:
            # A large library's counts (and an import's new batch) are read in the
            # background: counting is not free, and the UI thread must not wait for it.
            self.sidebar_model.refresh_counts()
        self.detail_panel.refresh()
        self.duplicates_panel.refresh_if_shown()
        self._update_actions()
        self._update_status()

    def open_merge_dialog(self, ids: Sequence[ReferenceId]) -> MergeDialog | None:
        """Duplicates → Merge…: pick fields side by side, then merge as one undoable step."""
        references = self.library.get_many(list(ids))
        if len(references) < 2:
            return None
        origins = {
            ReferenceId(r.id): provenance_text(r, self._batch_of(r)) for r in references if r.id
        }
        dialog = MergeDialog(references, self.library.suggest_keep(list(ids)), self, origins)
        dialog.accepted.connect(
            lambda: self.run_command(
                MergeCommand(
                    self.library,
                    dialog.keep_id(),
                    dialog.other_ids(),
                    dialog.choices(),
                    *self._handlers(),
                )
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        # Back to the duplicates list, so Ctrl+Z undoes the merge (not a field's typing).
        dialog.finished.connect(lambda _result: self.focus_table())
        dialog.open()
        return dialog

    def _batch_of(self, reference: Reference) -> ImportBatch | None:
        if reference.batch_id is None:
            return None
        try:
            return self.library.batch(reference.batch_id)
        except NotFoundError:
            return None

    def dismiss_duplicates(self, ids: Sequence[ReferenceId]) -> None:
        """Duplicates → Not Duplicates: these are different works, for good (undoable)."""
        self.run_command(DismissDuplicatesCommand(self.library, list(ids), *self._handlers()))

    def run_command(self, command: LibraryCommand) -> bool:
        """Perform a change and put it on the undo stack; show the library's refusal."""
        try:
            command.perform()
        except PeerRefError as error:
            self._report(error, f"Could not {command.text()[:1].lower()}{command.text()[1:]}")
            # What was shown optimistically (a rename typed in place) is re-read.
            self.sidebar_model.rebuild()
            self.detail_panel.refresh()
            return False
        self.undo_stack.push(command)
        return True

    def _report(self, error: PeerRefError, title: str = "PeerRef") -> None:
        self._show_message(self, title, str(error))

    def _on_command_error(self, error: PeerRefError) -> None:
        self._report(error, "Cannot undo or redo this step")
        self.table_model.reload()
        self.sidebar_model.rebuild()
        self.detail_panel.refresh()

    def _handlers(self) -> tuple[Callable[[ChangeSet], None], Callable[[PeerRefError], None]]:
        return self.apply_changes, self._on_command_error

    # --- reference operations -----------------------------------------------------------

    def new_reference(self) -> ReferenceId | None:
        """Ctrl+N: add an empty reference (into the collection shown), select it, edit it."""
        node = self._current_node()
        collection = node.collection_id if node and node.kind is NodeKind.COLLECTION else None
        if node is None or node.kind not in (NodeKind.LIBRARY, NodeKind.COLLECTION):
            self.sidebar_view.select_kind(NodeKind.LIBRARY)
        if self.search_field.text():
            self.search_field.clear()
            self.apply_search()
        command = AddReferencesCommand(
            "New reference", self.library, [Reference()], *self._handlers(), collection=collection
        )
        if not self.run_command(command) or not command.ids:
            return None
        new_id = command.ids[0]
        self.reveal_new_references([new_id])
        self.detail_panel.focus_first_field()
        return new_id

    def find_missing_details(self) -> None:
        """Reference → Find Missing Details: complete the selection from Crossref."""
        self.detail_panel.show_selection(self.selected_ids())  # commit typing first
        self.completer.complete_ids(self.selected_ids())

    def complete_whole_library(self) -> None:
        """Reference → Complete Whole Library: every incomplete reference, in the background."""
        self.completer.complete_library()

    def edit_reference(self, old: Reference, new: Reference, description: str) -> None:
        """The detail panel changed fields of a reference (undoable)."""
        self.run_command(
            EditReferenceCommand(description, self.library, old, new, *self._handlers())
        )

    def tag_references(
        self, ids: Sequence[ReferenceId], *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> None:
        if ids and (add or remove):
            self.run_command(
                TagCommand(self.library, ids, *self._handlers(), add=add, remove=remove)
            )

    def save_note(self, ref_id: ReferenceId, note: Note | None, text: str) -> None:
        self.run_command(
            NoteCommand(
                self.library, *self._handlers(), reference_id=ref_id, old=note, new_text=text
            )
        )

    def delete_note(self, ref_id: ReferenceId, note: Note) -> None:
        self.run_command(
            NoteCommand(
                self.library, *self._handlers(), reference_id=ref_id, old=note, new_text=None
            )
        )

    def trash_selected(self) -> None:
        """Delete: move the selected references to the Trash (undoable)."""
        ids = self.selected_ids()
        if not ids or self._in_trash():
            return
        row = min(self.table_model.row_of(i) or 0 for i in ids)
        if self.run_command(TrashCommand(self.library, ids, *self._handlers())):
            self._select_row_near(row)
            self.show_status(f"Moved {len(ids)} to the Trash — Undo brings them back")

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self._in_trash():
            return
        row = min(self.table_model.row_of(i) or 0 for i in ids)
        if self.run_command(TrashCommand(self.library, ids, *self._handlers(), restore=True)):
            self._select_row_near(row)
            self.show_status(f"Restored {len(ids)} from the Trash")

    def _select_row_near(self, row: int) -> None:
        count = self.table_model.rowCount()
        if count:
            self.table_view.selectRow(min(row, count - 1))

    def empty_trash(self, *, confirm: bool = True) -> QMessageBox | None:
        """Delete everything in the Trash for good, after asking (this is not undoable)."""
        count = self.library.count(trash=True)
        if count == 0:
            self.show_status("The Trash is empty")
            return None

        def do_it() -> None:
            try:
                changes = self.library.empty_trash()
            except PeerRefError as error:
                self._report(error, "Could not empty the Trash")
                return
            # Steps that trashed those references can no longer be undone.
            self.undo_stack.clear()
            self.apply_changes(changes)

        if not confirm:
            do_it()
            return None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Empty Trash",
            f"Delete {count} reference{'s' if count != 1 else ''} in the Trash for good?\n"
            "This cannot be undone.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        delete_button = box.addButton("Delete for Good", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: do_it() if button is delete_button else None)
        box.open()
        return box

    def edit_details(self) -> None:
        if not self.show_details_action.isChecked():
            self.show_details_action.setChecked(True)
        self.detail_panel.focus_first_field()

    def focus_tag_field(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.show_details_action.setChecked(True)
        field = (
            self.detail_panel.tags.field if len(ids) == 1 else self.detail_panel._many_tags.field
        )
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- collections --------------------------------------------------------------------

    def _collections(self) -> dict[CollectionId, Collection]:
        return {c.id: c for c in self.library.collections()}

    def add_to_collection(self, cid: CollectionId, ids: Sequence[ReferenceId]) -> None:
        """References dropped on (or sent to) a collection (undoable)."""
        collection = self._collections().get(cid)
        if collection is None or not ids:
            return
        command = MembershipCommand(
            self.library, cid, ids, *self._handlers(), add=True, collection_name=collection.name
        )
        if not command.changes_anything:
            self.show_status(f"Already in “{collection.name}”")
            return
        if self.run_command(command):
            count = len(ids)
            self.show_status(
                f"Added {count} reference{'s' if count != 1 else ''} to “{collection.name}”"
            )

    def remove_from_collection(self, cid: CollectionId, ids: Sequence[ReferenceId]) -> None:
        collection = self._collections().get(cid)
        if collection is None or not ids:
            return
        command = MembershipCommand(
            self.library, cid, ids, *self._handlers(), add=False, collection_name=collection.name
        )
        if command.changes_anything:
            self.run_command(command)

    def remove_selected_from_collection(self) -> None:
        node = self._current_node()
        if node is not None and node.kind is NodeKind.COLLECTION and node.collection_id:
            self.remove_from_collection(node.collection_id, self.selected_ids())

    def _on_membership_changed(self, ids: list[ReferenceId], cid: int, member: bool) -> None:
        if member:
            self.add_to_collection(CollectionId(cid), ids)
        else:
            self.remove_from_collection(CollectionId(cid), ids)

    # -- literature reviews ---------------------------------------------------------------

    def new_review(self, *, whole_library: bool, name: str | None = None) -> ReviewWindow | None:
        """Create a review of the selected collection (or the library) and open it.

        Named after its collection, with a number when that name is taken; it is renamed
        in the review window's "Reasons and Highlight Terms" dialog.
        """
        node = self._current_node()
        collection = None
        if not whole_library:
            if node is None or node.kind is not NodeKind.COLLECTION or not node.collection_id:
                self._show_message(self, "New review", "Select a collection to review first.")
                return None
            collection = CollectionId(node.collection_id)
        if name is None:
            taken = {r.name.casefold() for r in self.library.reviews.all()}
            base = "Whole library" if collection is None else node.name  # type: ignore[union-attr]
            name, number = base, 2
            while name.casefold() in taken:
                name, number = f"{base} {number}", number + 1
        try:
            review = self.library.reviews.create(name, collection)
        except PeerRefError as error:
            self._show_message(self, "New review", str(error))
            return None
        return self.open_review(review)

    def open_review(self, review: Review) -> ReviewWindow:
        """Show the review's window (one per review)."""
        # Decisions are recorded as the reviewer named in the preferences, or the OS user.
        self.library.reviews.reviewer = self.settings.reviewer_name or default_reviewer()
        window = self.review_windows.get(review.id)
        if window is not None:  # already open: bring it to the front
            window.raise_()
            window.activateWindow()
            return window
        window = ReviewWindow(
            self.library, review, self, show_message=self._show_message, exporter=self.exporter
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.closed.connect(lambda rid=review.id: self.review_windows.pop(rid, None))
        self.review_windows[review.id] = window
        window.show()
        return window

    def _fill_open_review_menu(self) -> None:
        self.open_review_menu.clear()
        reviews = self.library.reviews.all()
        for review in reviews:
            action = self.open_review_menu.addAction(review.name)
            action.triggered.connect(lambda _=False, r=review: self.open_review(r))
        if not reviews:
            self.open_review_menu.addAction("No reviews yet").setEnabled(False)

    def new_collection(
        self, parent: CollectionId | None = None, name: str | None = None, *, edit: bool = True
    ) -> CollectionId | None:
        """Create a collection (inside ``parent``), select it and start renaming it in place."""
        if parent is None:
            node = self._current_node()
            if node is not None and node.kind is NodeKind.COLLECTION and name is None:
                parent = node.collection_id
        siblings = {c.name.casefold() for c in self.library.collections() if c.parent_id == parent}
        if name is None:
            name, number = "New Collection", 2
            while name.casefold() in siblings:
                name, number = f"New Collection {number}", number + 1
        command = NewCollectionCommand(self.library, name, parent, *self._handlers())
        if not self.run_command(command) or command.collection is None:
            return None
        cid = command.collection.id
        index = self.sidebar_model.index_for_collection(cid)
        if index.isValid():
            self.sidebar_view.setCurrentIndex(index)
            self.sidebar_view.scrollTo(index)
            if edit:
                self.sidebar_view.setFocus()
                self.sidebar_view.edit(index)
        return cid

    def rename_current_collection(self) -> None:
        """F2: rename the selected collection (or tag) in place."""
        index = self.sidebar_view.currentIndex().siblingAtColumn(0)
        node = self._current_node()
        if node is None or node.kind not in (NodeKind.COLLECTION, NodeKind.TAG):
            return
        self.sidebar_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.sidebar_view.edit(index)

    def rename_collection(self, cid: CollectionId, name: str) -> None:
        collection = self._collections().get(cid)
        name = name.strip()
        if collection is None or not name or name == collection.name:
            return
        self.run_command(
            RenameCollectionCommand(self.library, cid, collection.name, name, *self._handlers())
        )

    def _on_rename_requested(self, cid: int, name: str) -> None:
        self.rename_collection(CollectionId(cid), name)

    # --- tags across the library (library.tags) -----------------------------------------

    def _tag_names(self) -> list[str]:
        return [name for name, _count in self.library.tags.counts()]

    def _run_tag_edit(self, text: str, edit: Callable[[], TagEdit], shown_tag: str) -> bool:
        """Run a tag edit as one undoable step; keep showing the tag it leaves behind."""
        node = self._current_node()
        was_shown = node is not None and node.kind is NodeKind.TAG and node.tag is not None
        shown_before = node.tag if was_shown and node is not None else None
        command = TagEditCommand(text, self.library, edit, *self._handlers())
        if not self.run_command(command):
            return False
        if shown_before is not None and shown_tag:
            kept = next(
                (n for n in self._tag_names() if n.casefold() == shown_tag.casefold()), None
            )
            if kept is not None:
                self.show_listing((NodeKind.TAG.value, kept))
        count = command.changed_count
        self.show_status(
            f"{text}: {count:,} reference{'s' if count != 1 else ''} changed (Ctrl+Z undoes it)"
        )
        return True

    def rename_tag(self, old: str, new: str) -> bool:
        """Rename a tag everywhere; into a tag that exists, the two become one (undoable)."""
        new = " ".join(new.split())
        if not new or new == old:
            return False
        merging = any(
            n.casefold() == new.casefold() and n.casefold() != old.casefold()
            for n in self._tag_names()
        )
        text = f"Merge tag “{old}” into “{new}”" if merging else f"Rename tag “{old}” to “{new}”"
        return self._run_tag_edit(text, lambda: self.library.tags.rename(old, new), new)

    def merge_tags(self, names: Sequence[str], into: str) -> bool:
        """Give every reference carrying one of ``names`` the tag ``into`` (undoable)."""
        if not names or not into.strip():
            return False
        listed = list(names)
        text = f"Merge {len(listed)} tags into “{into.strip()}”"
        return self._run_tag_edit(text, lambda: self.library.tags.merge(listed, into), into)

    def delete_tag(self, name: str) -> bool:
        """Take a tag off every reference; Ctrl+Z puts it back where it was."""
        return self._run_tag_edit(
            f"Delete tag “{name}”", lambda: self.library.tags.delete(name), ""
        )

    def _current_tag(self) -> str | None:
        node = self._current_node()
        return node.tag if node is not None and node.kind is NodeKind.TAG else None

    def _rename_current_tag(self) -> None:
        tag = self._current_tag()
        if tag is not None:
            self.start_renaming_tag(tag)

    def _merge_current_tag(self) -> None:
        tag = self._current_tag()
        self.open_merge_tags_dialog([tag] if tag is not None else [])

    def _delete_current_tag(self) -> None:
        tag = self._current_tag()
        if tag is not None:
            self.delete_tag(tag)

    def start_renaming_tag(self, tag: str) -> None:
        """Rename Tag…: edit the tag's name in place in the sidebar."""
        index = self.sidebar_model.index_for_tag(tag)
        if index.isValid():
            self.sidebar_view.setCurrentIndex(index)
            self.sidebar_view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.sidebar_view.edit(index)

    def open_merge_tags_dialog(self, chosen: Sequence[str] = ()) -> TagMergeDialog:
        """Merge Tags…: tick tags and the name they become; merged as one undoable step."""
        dialog = TagMergeDialog(self.library.tags.counts(), chosen, self)
        dialog.accepted.connect(lambda: self.merge_tags(dialog.names(), dialog.target()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def move_collection(self, cid: int, parent: object) -> None:
        collection = self._collections().get(CollectionId(cid))
        new_parent = CollectionId(parent) if isinstance(parent, int) else None
        if collection is None or collection.parent_id == new_parent:
            return
        self.run_command(
            MoveCollectionCommand(
                self.library, collection.id, collection.parent_id, new_parent, *self._handlers()
            )
        )

    def delete_collection(self, cid: CollectionId) -> None:
        collection = self._collections().get(cid)
        if collection is None:
            return
        if self.run_command(DeleteCollectionCommand(self.library, collection, *self._handlers())):
            self.show_status(f"Deleted collection “{collection.name}”; its references are kept")

    def delete_current_collection(self) -> None:
        node = self._current_node()
        if node is not None and node.kind is NodeKind.COLLECTION and node.collection_id:
            self.delete_collection(node.collection_id)

    # --- context menus ------------------------------------------------------------------

    def _show_table_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.edit_details_action)
        menu.addAction(self.copy_bibliography_action)
        menu.addAction(self.copy_citation_action)
        menu.addMenu(self.copy_as_menu)
        menu.addSeparator()
        menu.addAction(self.add_tag_action)
        menu.addMenu(self.add_to_collection_menu)
        menu.addAction(self.remove_from_collection_action)
        menu.addAction(self.export_selected_action)
        menu.addSeparator()
        menu.addAction(self.restore_action if self._in_trash() else self.trash_action)
        self.last_context_menu = menu
        menu.popup(self.table_view.viewport().mapToGlobal(position))

    def _show_sidebar_menu(self, node: SidebarNode | None, position: QPoint) -> None:
        menu = QMenu(self)
        if node is not None and node.kind is NodeKind.COLLECTION and node.collection_id:
            cid = node.collection_id
            menu.addAction("New &Subcollection", lambda: self.new_collection(cid))
            menu.addAction(self.rename_collection_action)
            menu.addSeparator()
            menu.addAction("Export C&ollection…", lambda: self.export_collection(cid))
            menu.addAction(
                "Create &Bibliography from Collection…", lambda: self.create_bibliography(cid)
            )
            menu.addSeparator()
            menu.addAction(self.delete_collection_action)
        elif node is not None and node.kind is NodeKind.TAG and node.tag is not None:
            # The menu's actions act on the current tag: the one clicked becomes current.
            if self._current_tag() != node.tag:
                self.sidebar_view.select_key(node.key)
            menu.addAction(self.rename_tag_action)
            menu.addAction(self.merge_tags_action)
            menu.addSeparator()
            menu.addAction(self.delete_tag_action)
        elif node is not None and node.kind is NodeKind.TAGS:
            menu.addAction(self.merge_tags_action)
        elif node is not None and node.kind is NodeKind.TRASH:
            menu.addAction(self.empty_trash_action)
        else:
            menu.addAction(self.new_collection_action)
            if node is not None and node.kind is NodeKind.LIBRARY:
                menu.addAction(self.export_library_action)
        self.last_context_menu = menu
        menu.popup(position)

    def _fill_add_to_collection_menu(self) -> None:
        menu = self.add_to_collection_menu
        menu.clear()
        paths = collection_paths(self.library.collections())
        if not paths:
            action = menu.addAction("No collections yet")
            action.setEnabled(False)
        for cid, path in sorted(paths.items(), key=lambda item: item[1].casefold()):
            action = menu.addAction(icons.icon("collection"), path)
            action.triggered.connect(
                lambda _checked=False, c=cid: self.add_to_collection(c, self.selected_ids())
            )
        menu.addSeparator()
        menu.addAction(self.new_collection_action)

    def _fill_copy_as_menu(self) -> None:
        menu = self.copy_as_menu
        menu.clear()
        for short_name, style_id in FAVOURITES:
            action = menu.addAction(
                short_name.upper() if len(short_name) <= 4 else short_name.title()
            )
            action.setToolTip(style_id)
            action.triggered.connect(lambda _checked=False, s=style_id: self.copy_bibliography(s))
        menu.addSeparator()
        labels = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON"}
        for format_name in COPY_FORMAT_WRITERS:
            action = menu.addAction(labels.get(format_name, format_name))
            action.triggered.connect(lambda _checked=False, f=format_name: self.copy_as_format(f))

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        for action in self.table_view.column_actions():
            self.columns_menu.addAction(action)

    # --- importing and copying (the other controllers) ----------------------------------

    def import_from_clipboard(self) -> None:
        """Ctrl+V in the table / Edit → Import from Clipboard: preview, then import."""
        self.importer.import_clipboard(self._target_collection())

    def import_files_dialog(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            "Import References",
            str(Path.home()),
            "References (*.ris *.bib *.nbib *.enw *.txt *.json *.xml *.csv *.tsv *.html *.htm)"
            ";;All files (*)",
        )
        if paths:
            self.importer.import_files([Path(p) for p in paths], self._target_collection())

    def _target_collection(self) -> CollectionId | None:
        node = self._current_node()
        return node.collection_id if node is not None and node.kind is NodeKind.COLLECTION else None

    def _on_external_drop(self, mime: QMimeData, collection: object) -> None:
        self.importer.import_mime_data(
            mime,
            ImportMethod.DROP,
            CollectionId(collection) if isinstance(collection, int) else None,
        )

    def on_import_finished(self, outcome: ImportOutcome) -> None:
        """An import committed: refresh, make it undoable, and select the new references."""
        changes = outcome.changes
        added = sorted(changes.added)
        if added or outcome.fills or outcome.collected:
            self.undo_stack.push(ImportCommand(self.library, outcome, *self._handlers()))
        self.apply_changes(changes)
        self.reveal_new_references(added)

    def show_reference(self, ref_id: int) -> None:
        """Select a reference in the table (the preview's Show Existing), showing its listing."""
        self.reveal_references([ReferenceId(ref_id)])
        if self.selected_ids() == [ReferenceId(ref_id)]:
            # The table holds the focus, so the row is highlighted as selected (not in the
            # faint inactive colour) and stays so when the preview closes.
            self.table_view.setFocus(Qt.FocusReason.OtherFocusReason)
            reference = self.detail_panel.reference
            label = describe(reference) if reference is not None else f"#{ref_id}"
            self.show_status(f"Selected in your library: {label}")
        else:
            self.show_status("That reference is no longer in your library")

    def reveal_references(self, ids: Sequence[ReferenceId]) -> None:
        """Select references, first switching to My Library when the listing hides them."""
        self._pending_reveal = []
        node = self._current_node()
        hidden = node is None or node.kind is NodeKind.DUPLICATES
        if ids and (hidden or self.table_model.row_of(ids[0]) is None):
            if self.search_field.text():
                self.search_field.clear()
                self.apply_search()
            if hidden or self.table_model.row_of(ids[0]) is None:
                self.sidebar_view.select_kind(NodeKind.LIBRARY)
        self.select_references(ids)

    def reveal_new_references(self, ids: Sequence[ReferenceId]) -> None:
        """Reveal references just added: at once, or once the table's id list is in.

        Why wait: in a large listing the rows an import added arrive with the id list
        read in the background, and only then is it known whether the listing shows them
        (or the window must switch to My Library).
        """
        node = self._current_node()
        if (
            ids
            and not self.table_model.is_complete
            and node is not None
            and node.kind is not NodeKind.DUPLICATES
            and self.table_model.row_of(ids[0]) is None
        ):
            self._pending_reveal = list(ids)
            return
        self.reveal_references(ids)

    def _reveal_pending(self) -> None:
        if self._pending_reveal:
            self.reveal_references(self._pending_reveal)

    def dragEnterEvent(self, event: QDragEnterEvent | QDragMoveEvent) -> None:
        if ImportController.can_import(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not ImportController.can_import(mime):
            event.ignore()
            return
        event.acceptProposedAction()
        self.importer.import_mime_data(mime, ImportMethod.DROP, self._target_collection())

    def _drag_mime(self, ids: Sequence[ReferenceId]) -> QMimeData:
        return self.copier.drag_mime_data(self.library.get_many(list(ids)))

    def _selected_references(self) -> list[Reference]:
        return self.library.get_many(self.selected_ids())

    def copy_bibliography(self, style: str | None = None) -> None:
        """Ctrl+Shift+C: the bibliography of the selection in the default (or given) style."""
        self.copier.copy_bibliography(self._selected_references(), style)

    def copy_citation(self, style: str | None = None) -> None:
        """Ctrl+Shift+A: the in-text citation of the selection."""
        self.copier.copy_citation(self._selected_references(), style)

    def copy_as_format(self, format_name: str) -> None:
        self.copier.copy_as_format(self._selected_references(), format_name)

    # --- exporting ----------------------------------------------------------------------

    def _collection_for_export(self, cid: CollectionId | None) -> Collection | None:
        if cid is None:
            node = self._current_node()
            if node is None or node.kind is not NodeKind.COLLECTION or not node.collection_id:
                return None
            cid = node.collection_id
        return self._collections().get(cid)

    def export_library(self) -> ExportDialog:
        """File › Export Library…: every reference not in the Trash, by author."""
        ids = self.library.search_ids("", sort=SortKey.AUTHOR)
        return self.exporter.open_export_dialog("My Library", ids, "My Library")

    def export_collection(self, cid: CollectionId | None = None) -> ExportDialog | None:
        """File › Export Collection… (or the collection's context menu)."""
        collection = self._collection_for_export(cid)
        if collection is None:
            return None
        ids = self.library.search_ids("", collection=collection.id, sort=SortKey.AUTHOR)
        return self.exporter.open_export_dialog(f"“{collection.name}”", ids, collection.name)

    def export_selected(self) -> ExportDialog | None:
        """File › Export Selected… (and the table's context menu), in the table's order."""
        self.detail_panel.show_selection(self.selected_ids())  # commit typing first
        ids = self.selected_ids()
        if not ids:
            return None
        order = {ref_id: self.table_model.row_of(ref_id) or 0 for ref_id in ids}
        ids.sort(key=order.__getitem__)
        what = "1 reference" if len(ids) == 1 else f"{len(ids):,} references"
        return self.exporter.open_export_dialog(f"the selected {what}", ids, "Exported references")

    def create_bibliography(self, cid: CollectionId | None = None) -> BibliographyDialog | None:
        """File › Create Bibliography from Collection…: copy it or save it in a style."""
        collection = self._collection_for_export(cid)
        if collection is None:
            return None
        ids = self.library.search_ids("", collection=collection.id, sort=SortKey.AUTHOR)
        return self.exporter.open_bibliography_dialog(f"“{collection.name}”", ids, collection.name)

    # --- preferences and help -----------------------------------------------------------

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.settings, self._style_catalogue(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_accepted.connect(self.apply_settings)
        dialog.finished.connect(lambda _result: self.focus_table())
        dialog.open()
        return dialog

    def apply_settings(self, new_settings: Settings) -> None:
        """Use (and save) changed preferences."""
        if new_settings == self.settings:
            return
        self.settings = new_settings
        self.copier.set_style(new_settings.citation_style)
        self.copier.set_formats(new_settings.clipboard_formats)
        if self.settings_path is not None:
            try:
                settings_io.save(new_settings, self.settings_path)
            except OSError as error:
                self._show_message(self, "Preferences not saved", str(error))
        self.settings_changed.emit(new_settings)
        self.show_status("Preferences saved")

    def show_search_help(self) -> None:
        self._show_message_info("Search Syntax", SEARCH_HELP)

    def show_about(self) -> None:
        self._show_message_info(
            "About PeerRef",
            "PeerRef — a reference manager that turns pasted search-result pages into clean "
            "references.\n\nLicensed under the GPL, version 3 or later.",
        )

    def _show_message_info(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowIcon(QIcon(icons.icon("library")))
        box.open()
