"""A main window over a test's library, shown and with its listing read in.

Shared by the window tests that need nothing else of the window: each passes its own
library and folder, and gets a window as a user first sees it: its listing and (unless
told not to wait) its sidebar's counts in, both read in the background when large.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from peerref.gui.main_window import MainWindow
from peerref.library import Library
from peerref.settings import Settings

WAIT_MS = 10_000


def shown_window(
    qtbot: QtBot, library: Library, folder: Path, *, counts_in: bool = True
) -> MainWindow:
    """A 1100 x 700 main window on ``library``, its settings in ``folder``, listing read."""
    main = MainWindow(
        library=library,
        settings=Settings(),
        settings_path=folder / "settings.json",
        qsettings=QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(main)
    main.resize(1100, 700)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.table_model.is_complete, timeout=WAIT_MS)
    if counts_in:
        qtbot.waitUntil(lambda: not main.sidebar_model.is_refreshing, timeout=WAIT_MS)
    return main
