"""Live updates of a team library: other people's changes appear in this window.

A thread waits on the library's change feed (PostgreSQL LISTEN/NOTIFY, see
``Library.listen``) and hands each change set to the GUI thread, which refreshes only
the rows that changed through the window's usual ``apply_changes``, as after one of
its own edits. Nothing here reads the database; the feed only says what to re-read.

When the server goes away (a restart, the network) the window says so in its status bar
and the thread keeps trying; once it listens again the window re-reads what it shows,
since changes committed in between were announced to nobody.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from peerref.core.errors import PeerRefError
from peerref.core.prisma import ReviewId
from peerref.gui.main_window import MainWindow
from peerref.library import Library, LiveChange, LiveChanges

log = logging.getLogger(__name__)

# How long one wait on the feed lasts: also how quickly ``stop`` is honoured.
WAIT_SECONDS = 0.25
# After the server went away, try to listen again this often.
RECONNECT_SECONDS = 2.0

UNREACHABLE_TEXT = "Team library unreachable: reconnecting…"
LOST_MESSAGE = "Lost the connection to the team library; changes cannot be saved until it is back"
RECONNECTED_MESSAGE = "Reconnected to the team library"


class LiveUpdates(QObject):
    """Listens for other clients' changes and applies them to one main window.

    ``changes_arrived`` is emitted in the GUI thread (a queued connection from the
    listening thread) with the ``LiveChange``; ``attach`` applies it to the window.
    ``connection_changed`` says the feed was lost (False, with the reason) or is back
    (True); each is emitted once per loss.
    """

    changes_arrived = Signal(object)
    connection_changed = Signal(bool, str)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._window: MainWindow | None = None
        self._unreachable_label: QLabel | None = None
        self.changes_arrived.connect(self._apply)
        self.connection_changed.connect(self._show_connection)

    def attach(self, window: MainWindow) -> None:
        """Refresh ``window`` from every change that arrives, and start listening."""
        self._window = window
        label = QLabel(UNREACHABLE_TEXT, window)
        label.setObjectName("teamLibraryUnreachableLabel")
        label.hide()
        window.statusBar().addPermanentWidget(label)
        self._unreachable_label = label
        window.destroyed.connect(self.stop)
        self.start()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        feed = self._library.listen()  # raises now, in the GUI thread, if it cannot listen
        self._thread = threading.Thread(
            target=self._run, args=(feed,), name="peerref-live-updates", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; returns once the thread has let go of its connection."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self, feed: LiveChanges | None) -> None:
        lost = False
        while not self._stopping.is_set():
            if feed is None:
                try:
                    feed = self._library.listen()
                except PeerRefError:
                    self._stopping.wait(RECONNECT_SECONDS)
                    continue
                if lost:
                    lost = False
                    self.connection_changed.emit(True, "")
            try:
                changes = feed.wait(WAIT_SECONDS)
            except ConnectionError as error:
                log.info("the team library's change feed stopped; listening again", exc_info=True)
                feed.close()
                feed = None
                if not lost:
                    lost = True
                    self.connection_changed.emit(False, str(error))
                continue
            for change in changes:
                self.changes_arrived.emit(change)
        if feed is not None:
            feed.close()

    def _show_connection(self, connected: bool, reason: str) -> None:
        window, label = self._window, self._unreachable_label
        if window is None or label is None:
            return
        label.setVisible(not connected)
        label.setToolTip(reason)
        if connected:
            # Whatever others committed while this window was not listening.
            window.table_model.reload()
            window.sidebar_model.rebuild()
            window.detail_panel.refresh()
            window.statusBar().showMessage(RECONNECTED_MESSAGE, 5000)
        else:
            window.statusBar().showMessage(LOST_MESSAGE)

    def _apply(self, change: LiveChange) -> None:
        window = self._window
        if window is None:
            return
        for review_id in change.reviews:
            review_window = window.review_windows.get(ReviewId(review_id))
            if review_window is not None:
                review_window.take_in_others_decisions()
        if change.reviews and change.changes.is_empty and not change.reload:
            return  # screening only: the references are as they were
        if change.reload:
            window.table_model.reload()
            window.sidebar_model.rebuild()
            window.detail_panel.refresh()
        else:
            window.apply_changes(change.changes)
        count = len(change.changes.added | change.changes.updated | change.changes.removed)
        who = change.by or "Someone"
        window.statusBar().showMessage(
            f"{who} changed {count} reference{'s' if count != 1 else ''}"
            if count
            else f"{who} changed the library",
            5000,
        )
