"""What a main window on a team library adds: its name, read-only mode, live updates.

Kept out of ``main_window`` so the window stays the same for both kinds of library;
the composition root (``app``) calls ``prepare_team_window`` once the window exists.
"""

from __future__ import annotations

from peerref.gui.live_updates import LiveUpdates
from peerref.gui.main_window import MainWindow
from peerref.library import Library

READ_ONLY_NOTE = "Read-only: your login may look at this team library but not change it"


def prepare_team_window(window: MainWindow, library: Library) -> LiveUpdates | None:
    """Title the window after the library, lock it if read-only, start live updates.

    Returns the live updates (stop them before the library closes); None for a file.
    """
    if not library.is_team:
        return None
    title = f"PeerRef — {library.location}"
    if library.read_only:
        title += " (read-only)"
        make_read_only(window)
    window.setWindowTitle(title)
    live = LiveUpdates(library, window)
    live.attach(window)
    return live


def make_read_only(window: MainWindow) -> None:
    """Take away the ways in which changes start: imports, drops, new items, editing.

    The library refuses writes from a read-only role anyway (with a message); this
    keeps people from starting work that cannot be saved.
    """
    window.setAcceptDrops(False)
    for action in (
        window.new_reference_action,
        window.new_collection_action,
        window.import_files_action,
        window.import_clipboard_action,
    ):
        action.setEnabled(False)
        action.setVisible(False)
    window.detail_panel.setEnabled(False)
    window.statusBar().showMessage(READ_ONLY_NOTE)
