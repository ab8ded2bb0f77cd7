"""Completing references from Crossref in the window: in the background, undoably.

The controller looks references up off the UI thread (``Library.find_completions`` through
:mod:`peerref.gui.ops`, with progress and Cancel), then on the UI thread fills the fields that
were empty as one undoable step (:class:`~peerref.gui.undo.CompletionCommand`) and, when
something is left for a person — a value Crossref gives differently, several records that
could be the reference, no match — opens the
:class:`~peerref.gui.dialogs.completion_dialog.CompletionDialog`. What the user accepts there
is applied as a second undoable step. A cancelled run or an unreachable Crossref changes
nothing. A DOI the user types in the dialog is looked up here too, off the UI thread.

Quitting while a lookup runs must end the process and free the library's lock, so the
window calls :meth:`CompletionController.abandon` when it closes: every Crossref client
in use is cancelled, its requests end at once, and the background job returns instead
of waiting (invisibly, holding the lock) for a slow Crossref to finish.

The main window owns one :class:`CompletionController` and forwards the detail panel's
"Find missing details", the Reference menu actions and the import preview's "Complete from
Crossref" to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from peerref.core.model import ReferenceId
from peerref.enrich import (
    BatchResult,
    Completion,
    CompletionStatus,
    CrossrefClient,
    Deadline,
    complete_with_doi,
)
from peerref.enrich.complete import LOOKUP_DEADLINE_SECONDS
from peerref.gui.dialogs.completion_dialog import (
    CompletionDialog,
    needs_attention,
    reference_label,
)
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    report_error,
    show_message_box,
)
from peerref.gui.undo import ChangeHandler, CompletionCommand, ErrorHandler, LibraryCommand
from peerref.library import CompletionToApply, Library, writes_doi
from peerref.settings import Settings

log = logging.getLogger(__name__)

TITLE_UNREACHABLE = "Crossref could not be reached"


class CompletionController(QObject):
    """Runs completions for the window and turns their results into undoable changes.

    Args:
        library: the open library.
        parent_widget: the window (parent of progress and results dialogs).
        settings: returns the current preferences (Crossref address and e-mail).
        run_command: performs a command and pushes it on the undo stack; False if refused.
        handlers: the window's change and error handlers for commands.
        show_message: how non-blocking messages are shown (tests record them).
        progress_delay_ms: how long a lookup runs before its progress dialog shows.

    Signals:
        completion_finished(BatchResult): a run ended and its fills were applied.
        dialog_opened(CompletionDialog): the results dialog is on screen.
        doi_looked_up(Completion): a DOI typed in the dialog was looked up (the
            completion is NO_MATCH when Crossref does not know it).
        message_posted(str): a one-line summary for the status bar.
    """

    completion_finished = Signal(object)
    dialog_opened = Signal(object)
    doi_looked_up = Signal(object)
    message_posted = Signal(str)

    def __init__(
        self,
        library: Library,
        parent_widget: QWidget,
        *,
        settings: Callable[[], Settings],
        run_command: Callable[[LibraryCommand], bool],
        handlers: tuple[ChangeHandler, ErrorHandler],
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent_widget)
        self._library = library
        self._parent_widget = parent_widget
        self._settings = settings
        self._run_command = run_command
        self._handlers = handlers
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        self._op: BackgroundOp | None = None
        self._doi_op: BackgroundOp | None = None
        self._dialog: CompletionDialog | None = None
        self._clients: set[CrossrefClient] = set()
        self._clients_lock = threading.Lock()
        self._abandoned = False

    @property
    def running(self) -> BackgroundOp | None:
        """The lookup in progress, if any (tests wait on its signals)."""
        return self._op

    @property
    def dialog(self) -> CompletionDialog | None:
        """The results dialog on screen, if any."""
        return self._dialog

    # -- clients and quitting ----------------------------------------------------------

    @contextmanager
    def _client(self, api_root: str, mailto: str) -> Iterator[CrossrefClient]:
        """A Crossref client known to :meth:`abandon` while the work uses it."""
        with CrossrefClient(api_root, mailto=mailto) as client:
            with self._clients_lock:
                self._clients.add(client)
                if self._abandoned:
                    client.cancel()
            try:
                yield client
            finally:
                with self._clients_lock:
                    self._clients.discard(client)

    def abandon(self) -> None:
        """Stop every lookup now, for good: the window is closing.

        The background jobs end within a fraction of a second (their requests are
        cancelled, not awaited), so the application can quit and free the library.
        Nothing half-done is applied: a cancelled run changes nothing.
        """
        self._abandoned = True
        for op in (self._op, self._doi_op):
            if op is not None:
                op.cancel()
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            client.cancel()
        if self._dialog is not None:
            self._dialog.close()

    # -- starting ----------------------------------------------------------------------

    def complete_ids(self, ids: Sequence[ReferenceId]) -> BackgroundOp | None:
        """Find missing details for these references (the selection, the detail panel)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return None
        return self._start(lambda: wanted, self._label(len(wanted)))

    def complete_new(self, ids: Sequence[ReferenceId]) -> BackgroundOp | None:
        """Complete those of just-imported references that lack something worth having."""
        wanted = list(ids)
        if not wanted:
            return None
        return self._start(
            lambda: self._library.incomplete_ids(wanted), "Completing the new references…"
        )

    def complete_library(self) -> BackgroundOp | None:
        """Complete every reference in the library that lacks a title, DOI, journal …"""
        return self._start(self._library.incomplete_ids, "Completing the library from Crossref…")

    @Slot(object)
    def watch_preview(self, dialog: ImportPreviewDialog) -> None:
        """Follow an import preview's "Complete from Crossref" choice."""
        dialog.completion_requested.connect(self.complete_new)

    @staticmethod
    def _label(count: int) -> str:
        noun = "reference" if count == 1 else f"{count} references"
        return f"Looking up {noun} on Crossref…"

    def _start(self, which: Callable[[], list[ReferenceId]], label: str) -> BackgroundOp | None:
        if self._abandoned:
            return None
        if self._op is not None:
            self.message_posted.emit("A completion from Crossref is already running.")
            return None
        settings = self._settings()
        api_root = settings.effective_crossref_url()
        mailto = settings.crossref_mailto
        library = self._library

        def work(context: OpContext) -> BatchResult:
            ids = which()
            context.raise_if_cancelled()
            if not ids:
                return BatchResult(completions=())
            total = len(ids)
            context.report_progress(0, total, label)

            def progress(done: int, of: int) -> None:
                context.report_progress(done, of, f"Looked up {done} of {of} on Crossref…")

            with self._client(api_root, mailto) as client:
                result = library.find_completions(
                    ids, client, progress=progress, is_cancelled=lambda: context.cancelled
                )
            context.raise_if_cancelled()  # lookups still in flight at Cancel are dropped too
            return result

        op = BackgroundOp(
            work,
            parent=self._parent_widget,
            title="Completing from Crossref",
            label=label,
            on_success=self._on_found,
            on_cancelled=self._on_cancelled,
            on_failure=self._on_failed,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )
        self._op = op
        return op.start()

    # -- results -----------------------------------------------------------------------

    def _on_cancelled(self) -> None:
        self._op = None
        self.message_posted.emit("Completion cancelled; nothing was changed.")

    def _on_failed(self, error: BaseException) -> None:
        self._op = None
        report_error(
            self._parent_widget, error, title=TITLE_UNREACHABLE, show_message=self._show_message
        )

    def _on_found(self, result: BatchResult) -> None:
        self._op = None
        completions = result.completions
        if not completions:
            self.message_posted.emit(
                "Nothing to complete: every reference has a title, DOI, journal and pages."
            )
            return
        looked_up = [
            c
            for c in completions
            if c.status not in (CompletionStatus.FAILED, CompletionStatus.SKIPPED)
        ]
        if result.stopped_by and not looked_up:
            self._show_message(
                self._parent_widget,
                TITLE_UNREACHABLE,
                f"{result.stopped_by}\n\nNothing was changed.",
            )
            self.completion_finished.emit(result)
            return
        fills: list[CompletionToApply] = [
            (c.reference.id, c, ())
            for c in completions
            if c.status is CompletionStatus.MATCHED and c.filled and c.reference.id is not None
        ]
        if fills:
            count = len(fills)
            noun = "reference" if count == 1 else f"{count} references"
            command = CompletionCommand(
                f"Complete {noun} from Crossref", self._library, fills, *self._handlers
            )
            if not self._run_command(command):
                return
            filled = sum(len(c.filled) for _id, c, _accept in fills)
            self.message_posted.emit(
                f"Filled {filled} field{'s' if filled != 1 else ''} of {noun} from Crossref"
                " — Undo takes them back" + self._shared_doi_notice(fills)
            )
        if result.stopped_by or any(needs_attention(c) for c in completions):
            self._open_dialog(result)
        elif not fills:
            self.message_posted.emit("Crossref had nothing to add.")
        self.completion_finished.emit(result)

    def _open_dialog(self, result: BatchResult) -> None:
        if self._dialog is not None:
            self._dialog.close()
        dialog = CompletionDialog(result, self._parent_widget)
        dialog.apply_requested.connect(self.apply_choices)
        dialog.doi_lookup_requested.connect(self.look_up_doi)
        dialog.finished.connect(self._on_dialog_closed)
        self._dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    @Slot(int, str)
    def look_up_doi(self, ref_id: int, doi: str) -> BackgroundOp | None:
        """Look up the record a DOI names for one reference, for the dialog to offer."""
        if self._abandoned or self._doi_op is not None:
            return None
        settings = self._settings()
        api_root = settings.effective_crossref_url()
        mailto = settings.crossref_mailto
        library = self._library
        reference_id = ReferenceId(ref_id)

        def work(context: OpContext) -> Completion:
            reference = library.get(reference_id)
            with self._client(api_root, mailto) as client:
                completion = complete_with_doi(
                    reference, doi, client, deadline=Deadline.after(LOOKUP_DEADLINE_SECONDS)
                )
            context.raise_if_cancelled()
            return completion

        def found(completion: Completion) -> None:
            if self._dialog is not None:
                self._dialog.add_looked_up(reference_id, completion)
            self.doi_looked_up.emit(completion)

        def failed(error: BaseException) -> None:
            if self._dialog is not None:
                self._dialog.lookup_failed(str(error))
            report_error(
                self._dialog or self._parent_widget,
                error,
                title=TITLE_UNREACHABLE,
                show_message=self._show_message,
            )

        op = BackgroundOp(
            work,
            parent=self._dialog or self._parent_widget,
            title="Looking up a DOI",
            label=f"Looking up {doi} on Crossref…",
            on_success=found,
            on_failure=failed,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )
        op.finished.connect(self._on_doi_lookup_ended)  # also when the dialog was closed
        self._doi_op = op
        return op.start()

    @Slot()
    def _on_doi_lookup_ended(self) -> None:
        self._doi_op = None

    @Slot(int)
    def _on_dialog_closed(self, _result: int) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.deleteLater()

    @Slot(list)
    def apply_choices(self, items: list[CompletionToApply]) -> bool:
        """Apply the proposals and candidates the user accepted, as one undoable step."""
        if not items:
            return False
        count = len(items)
        noun = "reference" if count == 1 else f"{count} references"
        command = CompletionCommand(
            f"Apply Crossref changes to {noun}", self._library, items, *self._handlers
        )
        if not self._run_command(command):
            return False
        notice = self._shared_doi_notice(items)
        if notice:
            self.message_posted.emit(notice.removeprefix(". "))
        return True

    def _shared_doi_notice(self, items: Sequence[CompletionToApply]) -> str:
        """ ". A has the same DOI as B: probably the same work — see Duplicates", or "".

        Said when the completions gave a reference a DOI another reference already has.
        """
        given_doi = [
            ref_id for ref_id, completion, accept in items if writes_doi(completion, accept)
        ]
        shared = self._library.others_with_same_doi(given_doi) if given_doi else {}
        if not shared:
            return ""
        ref_id, others = next(iter(shared.items()))
        first, other = self._library.get_many([ref_id, others[0]])
        more = len(shared) - 1 + len(others) - 1
        also = f" (and {more} more)" if more else ""
        return (
            f". {reference_label(first)} has the same DOI as {reference_label(other)}{also}: "
            "probably the same work — see Duplicates"
        )
