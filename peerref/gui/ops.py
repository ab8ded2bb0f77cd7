"""Background work for the window, after Anki's ``CollectionOp`` (STYLE.md #6).

Anything that may take more than a blink (parsing a pasted page, committing an import,
rendering a long bibliography) runs through :class:`BackgroundOp`: the work function runs
on a pool thread with an :class:`OpContext` it can use to report progress and to notice
that the user pressed Cancel; its result, or its error, comes back on the UI thread.
A progress dialog appears only when the work outlives ``progress_delay_ms`` (300 ms), so
quick operations never flash a window, and the UI never freezes.

Errors follow the house rule: a :class:`~peerref.core.errors.PeerRefError` carries a
message meant for a person and is shown as it is; anything else is a bug, logged with
its traceback and shown as an unexpected error.

The work function must not touch widgets: it gets plain values in and returns plain
values (a ``ParseResult``, an ``ImportOutcome``), which the success callback turns into
UI changes on the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from peerref.core.errors import PeerRefError

log = logging.getLogger(__name__)

# Work shorter than this never shows a progress dialog.
PROGRESS_DELAY_MS = 300

# ``presenter(parent, title, text)``: shows a message to the user without blocking.
MessagePresenter = Callable[[QWidget | None, str, str], None]


class OperationCancelled(Exception):  # noqa: N818 - a signal of intent, not an error condition
    """Raised inside work that noticed the user's Cancel; ends the operation as cancelled."""


def show_message_box(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    """Show ``text`` in a window-modal message box that does not block the caller.

    ``open()`` instead of ``exec()`` keeps the event loop (and tests) running; the box
    deletes itself when closed. ``details`` (what was tried, for the curious or for a bug
    report) sits behind the box's "Show Details…" button.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("peerrefMessage")
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(
        Qt.WindowModality.WindowModal if parent is not None else Qt.WindowModality.ApplicationModal
    )
    box.open()


def report_error(
    parent: QWidget | None,
    error: BaseException,
    *,
    title: str = "PeerRef",
    show_message: MessagePresenter = show_message_box,
) -> None:
    """Tell the user about a failed operation the house way.

    A ``PeerRefError`` is shown with its own text; any other exception is a bug: it is
    logged with its traceback and shown as an unexpected error, so the user knows
    something went wrong and where the details are.
    """
    if isinstance(error, PeerRefError):
        show_message(parent, title, str(error))
        return
    log.error(
        "unexpected error in a background operation",
        exc_info=(type(error), error, error.__traceback__),
    )
    show_message(
        parent,
        title,
        f"An unexpected error occurred ({type(error).__name__}: {error}).\n"
        "Nothing was changed by the failed step. The details were written to the log.",
    )


class OpContext:
    """What the work function sees: the cancel flag and a progress reporter.

    Both are safe to use from the worker thread; progress reports travel to the UI
    thread as queued signals.
    """

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self._cancel_requested = threading.Event()
        self._report = report

    @property
    def cancelled(self) -> bool:
        """Whether the user asked to cancel; long work checks this between steps."""
        return self._cancel_requested.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the work here when the user cancelled (raises ``OperationCancelled``)."""
        if self._cancel_requested.is_set():
            raise OperationCancelled

    def report_progress(self, done: int, total: int, message: str = "") -> None:
        """Move the progress bar: ``done`` of ``total`` steps (``total`` 0 means unknown)."""
        self._report(done, total, message)

    def request_cancel(self) -> None:
        """Ask the work to stop; it does so at its next check."""
        self._cancel_requested.set()


@dataclass(frozen=True, slots=True)
class _Outcome:
    value: Any = None
    error: BaseException | None = None


class _Relay(QObject):
    """Lives in the UI thread; the worker emits through it, so slots run queued there."""

    progressed = Signal(int, int, str)
    completed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[OpContext], Any], context: OpContext, relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._context = context
        self._relay = relay

    def run(self) -> None:
        try:
            outcome = _Outcome(value=self._work(self._context))
        except BaseException as error:  # everything goes back to the UI thread to be judged
            outcome = _Outcome(error=error)
        relay, self._relay = self._relay, None  # type: ignore[assignment]
        try:
            relay.completed.emit(outcome)
        except RuntimeError:  # the operation was destroyed with its parent: nobody to tell
            log.debug("background operation finished after its owner was destroyed")


class BackgroundOp(QObject):
    """One piece of work run off the UI thread, with delayed progress and cancel.

    Create it, then call :meth:`start`; it keeps itself alive until it has finished and
    delivered its outcome on the UI thread, through the callbacks and through the
    signals (which tests and callers may also wait on):

    - ``succeeded(value)`` when the work returned,
    - ``failed(error)`` when it raised (after the error was shown, unless ``on_failure``
      handles it instead),
    - ``cancelled()`` when it raised ``OperationCancelled``,
    - ``finished()`` after any of those;

    and ``progressed(done, total, message)`` on the UI thread as the work reports progress,
    for a caller that shows it in its own widgets instead of the dialog.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()
    progressed = Signal(int, int, str)
    progress_dialog_shown = Signal(object)

    # Operations still running, so that a fire-and-forget op is not garbage collected.
    _running: ClassVar[set[BackgroundOp]] = set()

    def __init__(
        self,
        work: Callable[[OpContext], Any],
        *,
        parent: QWidget | None,
        label: str,
        title: str = "PeerRef",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        show_message: MessagePresenter = show_message_box,
        cancellable: bool = True,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__()
        self._work = work
        self._parent_widget = parent
        self._label = label
        self._title = title
        self._on_success = on_success
        self._on_failure = on_failure
        self._on_cancelled = on_cancelled
        self._show_message = show_message
        self._cancellable = cancellable
        self._progress_delay_ms = progress_delay_ms
        self._pool = thread_pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progressed)
        self._relay.completed.connect(self._on_completed)
        self._context = OpContext(self._relay.progressed.emit)
        self._dialog: QProgressDialog | None = None
        self._last_progress: tuple[int, int, str] = (0, 0, "")
        self._running_now = False
        self._delay_timer = QTimer(self)
        self._delay_timer.setSingleShot(True)
        self._delay_timer.timeout.connect(self._show_progress_dialog)

    @property
    def is_running(self) -> bool:
        return self._running_now

    @property
    def was_cancel_requested(self) -> bool:
        return self._context.cancelled

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress dialog while it is shown (None before the delay and after the end)."""
        return self._dialog

    def start(self) -> BackgroundOp:
        """Queue the work on the thread pool; returns self for chaining."""
        if self._running_now:
            raise RuntimeError("this operation is already running")
        self._running_now = True
        BackgroundOp._running.add(self)
        self._delay_timer.start(max(0, self._progress_delay_ms))
        self._pool.start(_Job(self._work, self._context, self._relay))
        return self

    @Slot()
    def cancel(self) -> None:
        """Ask the work to stop; the outcome still arrives through the usual signals."""
        if not self._cancellable:
            return
        self._context.request_cancel()
        self._close_progress_dialog()

    @Slot()
    def _show_progress_dialog(self) -> None:
        if not self._running_now or self._context.cancelled:
            return
        parent = self._parent_widget
        if parent is not None and not shiboken6.isValid(parent):
            parent = None
        dialog = QProgressDialog(parent)
        dialog.setObjectName("peerrefProgress")
        dialog.setWindowTitle(self._title)
        dialog.setLabelText(self._label)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        if self._cancellable:
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog = dialog
        self._apply_progress(*self._last_progress)
        dialog.show()
        self.progress_dialog_shown.emit(dialog)

    @Slot(int, int, str)
    def _on_progressed(self, done: int, total: int, message: str) -> None:
        self._last_progress = (done, total, message)
        self._apply_progress(done, total, message)
        self.progressed.emit(done, total, message)

    def _apply_progress(self, done: int, total: int, message: str) -> None:
        dialog = self._dialog
        if dialog is None or not shiboken6.isValid(dialog):
            return
        if total > 0:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))
        else:
            dialog.setRange(0, 0)  # a busy indicator when the amount of work is unknown
        if message:
            dialog.setLabelText(message)

    def _close_progress_dialog(self) -> None:
        self._delay_timer.stop()
        dialog, self._dialog = self._dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            if self._cancellable:  # closing a progress dialog emits canceled(): not a request
                dialog.canceled.disconnect(self.cancel)
            dialog.close()
            dialog.deleteLater()

    @Slot(object)
    def _on_completed(self, outcome: _Outcome) -> None:
        self._running_now = False
        self._close_progress_dialog()
        parent = self._parent_widget
        if parent is not None and not shiboken6.isValid(parent):
            # The window that asked is gone (closed while the work ran): its callbacks
            # would touch deleted widgets. Log failures so nothing is lost silently.
            if outcome.error is not None and not isinstance(outcome.error, OperationCancelled):
                log.error(
                    "background operation failed after its window closed",
                    exc_info=(type(outcome.error), outcome.error, outcome.error.__traceback__),
                )
            self.finished.emit()
            BackgroundOp._running.discard(self)
            return
        try:
            if outcome.error is None:
                if self._on_success is not None:
                    self._on_success(outcome.value)
                self.succeeded.emit(outcome.value)
            elif isinstance(outcome.error, OperationCancelled):
                if self._on_cancelled is not None:
                    self._on_cancelled()
                self.cancelled.emit()
            else:
                if self._on_failure is not None:
                    self._on_failure(outcome.error)
                else:
                    report_error(
                        parent,
                        outcome.error,
                        title=self._title,
                        show_message=self._show_message,
                    )
                self.failed.emit(outcome.error)
        finally:
            self.finished.emit()
            BackgroundOp._running.discard(self)


def run_in_background(
    work: Callable[[OpContext], Any],
    *,
    parent: QWidget | None,
    label: str,
    on_success: Callable[[Any], None] | None = None,
    **options: Any,
) -> BackgroundOp:
    """Start ``work`` off the UI thread; shorthand for ``BackgroundOp(...).start()``."""
    return BackgroundOp(work, parent=parent, label=label, on_success=on_success, **options).start()
