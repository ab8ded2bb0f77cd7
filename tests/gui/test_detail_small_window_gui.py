"""At 1000×700 the details stay readable: the authors' headers and names are whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerref.core.model import Creator, PartialDate, Reference
from peerref.gui.main_window import MainWindow
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

CREATORS = (
    Creator(family="Oyelaran-Oyeyinka", given="Banji"),
    Creator(family="Lindqvist", given="Henrik Johannes"),
    Creator(family="Raman", given="Priya"),
)
REFERENCE = Reference(
    title="Peer support workers on acute inpatient mental health wards: an ethnography",
    creators=CREATORS,
    issued=PartialDate(2021, 5),
)
# What a cell needs beside its text before Qt elides it (margins and focus frame).
CELL_MARGIN = 8


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([REFERENCE])
        yield opened


def open_window(qtbot: QtBot, library: Library, tmp_path: Path, width: int, height: int):  # type: ignore[no-untyped-def]
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(main)
    main.resize(width, height)
    main.show()
    qtbot.waitExposed(main)
    main.table_view.selectRow(0)
    QApplication.processEvents()
    return main


def assert_authors_readable(window: MainWindow) -> None:
    table = window.detail_panel.authors.table()
    header = table.horizontalHeader()
    right = table.mapTo(window, table.rect().topRight()).x()
    assert right <= window.width()
    for column in range(table.columnCount()):
        label = table.horizontalHeaderItem(column)
        assert label is not None
        needed = header.fontMetrics().horizontalAdvance(label.text()) + CELL_MARGIN
        assert header.sectionSize(column) >= needed, label.text()
    assert sum(header.sectionSize(c) for c in range(4)) <= table.viewport().width()
    metrics = table.fontMetrics()
    for row, creator in enumerate(CREATORS):
        for column, text in ((0, creator.family), (1, creator.given)):
            item = table.item(row, column)
            assert item is not None and item.text() == text
            assert header.sectionSize(column) >= metrics.horizontalAdvance(text) + CELL_MARGIN
    title = window.detail_panel.title_edit
    assert title.width() >= title.fontMetrics().averageCharWidth() * 30


def test_a_first_start_at_1000_by_700(qtbot: QtBot, library: Library, tmp_path: Path) -> None:
    window = open_window(qtbot, library, tmp_path, 1000, 700)
    assert_authors_readable(window)


def test_narrowing_a_wide_window_to_1000_by_700(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    window = open_window(qtbot, library, tmp_path, 1380, 820)
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.splitter.width() <= 1000)
    QApplication.processEvents()
    assert window.table_view.width() >= 320
    assert_authors_readable(window)


def test_details_narrowed_by_hand_stay_narrow(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    window = open_window(qtbot, library, tmp_path, 1380, 820)
    sizes = window.splitter.sizes()
    detail = window.splitter.indexOf(window.detail_panel)
    table = window.splitter.indexOf(window.table_view)
    sizes[table] += sizes[detail] - 260
    sizes[detail] = 260
    window.splitter.setSizes(sizes)
    window._remember_details_width()  # as the splitter handle's drag does
    window.resize(1200, 820)
    QApplication.processEvents()
    assert window.splitter.sizes()[detail] <= 260
