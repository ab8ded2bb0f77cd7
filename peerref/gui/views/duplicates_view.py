"""The Duplicates view: groups of references that may describe one work, with actions.

Shown in place of the reference table when "Duplicates" is chosen in the sidebar. It
only reads the library and asks for actions through signals; the window performs them as
undoable commands.

Finding the groups reads and compares every look-alike in the library: seconds on a large
one. It runs off the UI thread (:class:`~peerref.gui.ops.BackgroundOp`, with the usual
delayed progress dialog and Cancel) while the panel says "Looking for duplicates…". A
library change while it runs makes its answer stale: that answer is dropped and the
search runs once more, so the groups shown always describe the library as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal, Slot
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

from peerref.core.dedupe import DuplicateGroup, explain
from peerref.core.model import Reference, ReferenceId
from peerref.gui.models.duplicates_model import DuplicateColumn, DuplicateGroupsModel
from peerref.gui.models.roles import Role
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    report_error,
    show_message_box,
)
from peerref.gui.views.empty_state import NO_DUPLICATES_HTML, EmptyStateOverlay
from peerref.library import Library

LOOKING_TEXT = "Looking for duplicates…"
# Below these table widths the Source, then the Why column make way for the title (the
# label under the table and every row's tooltip still say why a group matches).
SOURCE_COLUMN_MIN_TABLE_WIDTH = 760
WHY_COLUMN_MIN_TABLE_WIDTH = 560
CANCELLED_TEXT = "Looking for duplicates was cancelled. Press Look Again to start over."


@dataclass(frozen=True, slots=True)
class FoundGroups:
    """What one search for duplicates found: the groups and their members' records."""

    groups: list[DuplicateGroup]
    references: Mapping[ReferenceId, Reference]


def find_duplicate_groups(library: Library, context: OpContext) -> FoundGroups:
    """The work of one search, on a worker thread: the groups, then their members' records."""
    context.report_progress(0, 0, LOOKING_TEXT)
    groups = library.duplicate_groups()
    context.raise_if_cancelled()
    context.report_progress(0, 0, "Reading the references found…")
    members = [ref_id for group in groups for ref_id in group.reference_ids]
    references = {ref.id: ref for ref in library.get_many(members) if ref.id is not None}
    context.raise_if_cancelled()
    return FoundGroups(groups, references)


class DuplicatesPanel(QWidget):
    """The members of every duplicate group, and Merge… / Not Duplicates for one group.

    Signals:
        merge_requested(list[ReferenceId]): merge the current group.
        dismiss_requested(list[ReferenceId]): the current group is not duplicates.
        groups_shown(): the groups of the library as it is now are on screen.
        reference_chosen(ReferenceId | None): the row chosen now stands for this
            reference (None: no row), which the details panel then shows and edits.
    """

    merge_requested = Signal(list)
    dismiss_requested = Signal(list)
    groups_shown = Signal()
    reference_chosen = Signal(object)

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        # Bumped by every library change; a search started at an older one is stale.
        self._generation = 0
        self._op: BackgroundOp | None = None
        self._op_generation = 0
        self.setObjectName("duplicatesPanel")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._table_had_focus = False
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
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (DuplicateColumn.GROUP, DuplicateColumn.YEAR):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(DuplicateColumn.AUTHORS, 120)
        header.resizeSection(DuplicateColumn.SOURCE, 150)
        header.resizeSection(DuplicateColumn.WHY, 220)
        header.setSectionResizeMode(DuplicateColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.model.modelReset.connect(self._on_row_changed)
        self.table.doubleClicked.connect(lambda _index: self.request_merge())
        layout.addWidget(self.table, 1)
        # Shown over the table once a search found nothing (not while one runs).
        self.empty_state = EmptyStateOverlay(self.table)
        self.why_label = QLabel()
        self.why_label.setObjectName("duplicatesWhy")
        self.why_label.setAccessibleName("Why these references match")
        self.why_label.setWordWrap(True)
        self.why_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.why_label)
        row = QHBoxLayout()
        self.look_again_button = QPushButton("&Look Again")
        self.look_again_button.setObjectName("lookAgain")
        self.look_again_button.setToolTip("Search the whole library for duplicates again")
        self.look_again_button.clicked.connect(self.refresh)
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
        row.addWidget(self.look_again_button)
        layout.addLayout(row)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """A narrow panel shows the title before the source and the reasons."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        header.setSectionHidden(DuplicateColumn.SOURCE, width < SOURCE_COLUMN_MIN_TABLE_WIDTH)
        header.setSectionHidden(DuplicateColumn.WHY, width < WHY_COLUMN_MIN_TABLE_WIDTH)

    @property
    def is_looking(self) -> bool:
        """Whether a search for duplicates is running."""
        return self._op is not None

    @property
    def running_search(self) -> BackgroundOp | None:
        """The search in progress, if any (tests wait on its signals)."""
        return self._op

    @Slot()
    def refresh(self) -> BackgroundOp | None:
        """Look for the groups again off the UI thread; the current group stays chosen.

        While a search runs, a new request only marks its answer stale: when it arrives
        it is dropped and one more search starts, so a burst of changes costs one extra
        search, not one each. Returns the search started, or None when one was running.
        """
        self._generation += 1
        self.empty_state.set_message("")  # "no duplicates" is only said of a finished search
        started = self._start_search() if self._op is None else None
        self.summary_label.setText(LOOKING_TEXT)
        self._set_looking(True)
        return started

    def refresh_if_shown(self) -> None:
        """After a library change: search again if shown, else only mark answers stale.

        Hidden, the panel searches again when it is shown; a search still running for it
        then gives a stale answer, which is dropped.
        """
        if not self.isHidden():
            self.refresh()
        else:
            self._generation += 1

    @Slot()
    def cancel_search(self) -> None:
        """Stop waiting for the running search (its answer, when it comes, is ignored)."""
        op, self._op = self._op, None
        if op is None:
            return
        op.cancel()
        self.summary_label.setText(CANCELLED_TEXT)
        self._set_looking(False)

    def _start_search(self) -> BackgroundOp:
        library = self._library
        self._op_generation = self._generation
        op: BackgroundOp

        def current() -> bool:
            """Whether ``op`` is still the search this panel waits for."""
            if op is not self._op:
                return False
            self._op = None
            return True

        def found(groups: FoundGroups) -> None:
            if current() and not self._search_again_if_stale():
                self._show_groups(groups)
                self.groups_shown.emit()

        def failed(error: BaseException) -> None:
            if current() and not self._search_again_if_stale():
                report_error(self, error, title="Duplicates", show_message=self._show_message)
                self.summary_label.setText("Could not look for duplicates.")
                self._set_looking(False)

        def cancelled() -> None:
            if current():
                self.summary_label.setText(CANCELLED_TEXT)
                self._set_looking(False)

        op = BackgroundOp(
            lambda context: find_duplicate_groups(library, context),
            parent=self,
            title="Duplicates",
            label=LOOKING_TEXT,
            on_success=found,
            on_failure=failed,
            on_cancelled=cancelled,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )

        def cancel_pressed() -> None:
            # The dialog also says "canceled" when it closes at the end: not a request.
            if op is self._op and op.was_cancel_requested:
                self.cancel_search()

        # Cancel in the progress dialog frees the panel at once; the comparison running
        # on the worker cannot be interrupted and its answer is ignored when it comes.
        op.progress_dialog_shown.connect(lambda dialog: dialog.canceled.connect(cancel_pressed))
        self._op = op
        return op.start()

    def _search_again_if_stale(self) -> bool:
        """Drop a stale answer: search again if shown (hidden, showing searches anyway)."""
        if self._op_generation == self._generation:
            return False
        if self.isHidden():
            self._set_looking(False)
        else:
            self._start_search()
        return True

    def _set_looking(self, looking: bool) -> None:
        # Groups found before a change may no longer exist: nothing to act on until
        # the new answer is in. A disabled table loses the keyboard focus, and Qt would
        # hand it to the next widget (the search field, taking Ctrl+Z with it): the panel
        # holds the focus meanwhile and gives it back to the table afterwards.
        if looking and self.table.hasFocus():
            self._table_had_focus = True
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setEnabled(not looking)
        if not looking and self._table_had_focus:
            self._table_had_focus = False
            if self.hasFocus():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.look_again_button.setEnabled(not looking)
        self._update_buttons()

    def _show_groups(self, found: FoundGroups) -> None:
        current = self.current_group()
        groups = found.groups
        self.model.set_groups(groups, found.references)
        self.empty_state.set_message(NO_DUPLICATES_HTML)
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
        self._set_looking(False)

    def take_focus(self) -> None:
        """Put the keyboard on the groups table (on the panel until a search is done)."""
        if self.table.isEnabled():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._table_had_focus = True
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_group(self) -> DuplicateGroup | None:
        index = self.table.currentIndex()
        return self.model.group_of(index.row()) if index.isValid() else None

    def current_reference_id(self) -> ReferenceId | None:
        """The reference of the chosen row: the one the details panel shows."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(index, Role.REFERENCE_ID)
        return ReferenceId(value) if isinstance(value, int) else None

    def _on_row_changed(self, *_args: object) -> None:
        group = self.current_group()
        if group is None:
            self.why_label.clear()
        else:
            number = self.model.groups.index(group) + 1
            self.why_label.setText(f"Group {number} matches: {explain(group).sentence()}")
        self.reference_chosen.emit(self.current_reference_id())

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
        if group is not None and self._op is None:
            self.merge_requested.emit(list(group.reference_ids))

    @Slot()
    def request_dismiss(self) -> None:
        group = self.current_group()
        if group is not None and self._op is None:
            self.dismiss_requested.emit(list(group.reference_ids))

    def _update_buttons(self) -> None:
        chosen = self.current_group() is not None and self._op is None
        self.merge_button.setEnabled(chosen)
        self.dismiss_button.setEnabled(chosen)
