"""Files arriving after start-up: macOS open events and hand-overs, batched into one import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerref.gui.single_instance import BATCH_DELAY_MS, FileOpenFilter, IncomingFiles

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_files_wait_for_the_window_then_arrive_in_one_batch(qtbot: QtBot, window: QWidget) -> None:
    incoming = IncomingFiles()
    imported: list[list[Path]] = []
    incoming.add([Path("/data/a.ris")])
    incoming.add([Path("/data/b.nbib")])
    qtbot.wait(BATCH_DELAY_MS * 2)
    assert imported == []  # no window yet: nothing can show a preview

    incoming.attach(window, imported.append)
    qtbot.waitUntil(lambda: imported == [[Path("/data/a.ris"), Path("/data/b.nbib")]])


def test_macos_file_open_events_become_one_import(
    qtbot: QtBot, qapp: QApplication, window: QWidget
) -> None:
    incoming = IncomingFiles()
    imported: list[list[Path]] = []
    incoming.attach(window, imported.append)
    open_filter = FileOpenFilter(incoming)
    qapp.installEventFilter(open_filter)
    try:
        for name in ("first.ris", "second.bib"):
            event = QFileOpenEvent(f"/Users/researcher/Downloads/{name}")
            assert QCoreApplication.sendEvent(qapp, event)  # consumed by the filter
        qtbot.waitUntil(lambda: len(imported) == 1)
    finally:
        qapp.removeEventFilter(open_filter)
    assert imported == [
        [
            Path("/Users/researcher/Downloads/first.ris"),
            Path("/Users/researcher/Downloads/second.bib"),
        ]
    ]


def test_hand_over_without_files_imports_nothing(qtbot: QtBot, window: QWidget) -> None:
    incoming = IncomingFiles()
    imported: list[list[Path]] = []
    incoming.attach(window, imported.append)
    incoming.add([])
    qtbot.wait(BATCH_DELAY_MS * 2)
    assert imported == []
