"""Upkeep the window does by itself while nobody writes: tidying the search index.

A personal library's full-text index grows by a segment per import, and FTS5 merges
them only eight of a kind at a time, so a library built by many imports ends in twenty
or more segments and every search looks each word up in every one
(``Library.tidy_search_index``). The window merges them when the library has been quiet
for a while, on a pool thread, a short transaction at a time: a write of the window or
the CLI waits a fraction of a second at most, and a change stops the tidying until the
library is quiet again, so an import never competes with it.
"""

from __future__ import annotations

import logging
import threading

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from peerref.library import Library

log = logging.getLogger(__name__)

# Quiet time, after the window opens or the last change, before tidying starts.
IDLE_MS = 15_000


class _Relay(QObject):
    """Lives in the UI thread; the job emits through it, so the slot runs queued there."""

    done = Signal(object)


class _TidyJob(QRunnable):
    """Tidies the index on a pool thread, asking ``stop`` between steps.

    Why not ``BackgroundOp``: nobody asked for this work, so it shows no progress and no
    error box; a failure (the library closing under it, a full disk) is logged and the
    index stays as it was, every step being its own transaction.
    """

    def __init__(self, library: Library, stop: threading.Event, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._library = library
        self._stop = stop
        self._relay = relay

    def run(self) -> None:
        outcome = None
        try:
            if not self._stop.is_set() and self._library.search_index_needs_tidying():
                outcome = self._library.tidy_search_index(should_stop=self._stop.is_set)
        except Exception:  # a pool thread has nobody to raise to
            if not self._stop.is_set():
                log.exception("could not tidy the search index")
        if not shiboken6.isValid(self._relay):
            return
        try:
            self._relay.done.emit(outcome)
        except RuntimeError:  # the tidier went with its window
            log.debug("search index tidied after its window closed")


class SearchIndexTidier(QObject):
    """Tidies the library's search index once the library has been quiet for ``idle_ms``.

    ``schedule`` (at open, after every change) restarts the quiet period and stops a
    tidying under way at its next step; ``close`` stops everything for good. ``tidied``
    carries the ``SearchIndexTidied`` of each run (None when nothing needed doing or it
    failed), for the status bar and tests.
    """

    tidied = Signal(object)

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        idle_ms: int | None = None,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._pool = thread_pool or QThreadPool.globalInstance()
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._stop = threading.Event()
        self._running = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_MS if idle_ms is None else idle_ms)
        self._timer.timeout.connect(self._start)

    @property
    def is_running(self) -> bool:
        return self._running

    def schedule(self) -> None:
        """Tidy once the library has been quiet for the idle time; stop a tidying under way."""
        if self._closed or self._library.read_only or self._library.database.is_team:
            return
        self._stop.set()
        self._timer.start()

    def close(self) -> None:
        """Stop for good: no tidying starts, one under way stops after its current step."""
        self._closed = True
        self._timer.stop()
        self._stop.set()

    @Slot()
    def _start(self) -> None:
        if self._closed:
            return
        if self._running:
            self._timer.start()  # the stopped run has not answered yet: wait again
            return
        self._stop = threading.Event()
        self._running = True
        self._pool.start(_TidyJob(self._library, self._stop, self._relay))

    @Slot(object)
    def _on_done(self, outcome: object) -> None:
        self._running = False
        self.tidied.emit(outcome)
