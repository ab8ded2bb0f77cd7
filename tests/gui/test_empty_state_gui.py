"""First start: an empty library says how to get references in, as Zotero's empty pane
does; empty searches, collections and the trash say why nothing is listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerref.gui.main_window import MainWindow
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as library:
        main = MainWindow(
            library=library,
            settings=Settings(),
            qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
            show_message=lambda *_args: None,
        )
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        yield main


def _plain(window: MainWindow) -> str:
    """The overlay's words without markup."""
    return " ".join(window.empty_state.text().replace("<", " <").split())


def test_a_new_library_says_how_to_get_references_in(qtbot: QtBot, window: MainWindow) -> None:
    overlay = window.empty_state
    assert overlay.isVisible()
    text = _plain(window)
    for hint in ("Ctrl+V", "results", "drop", "File › Import Files…"):
        assert hint in text or hint in overlay.text(), hint
    # It covers the table and lets clicks and drops through to it.
    assert overlay.geometry() == window.table_view.viewport().rect()
    assert overlay.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    center = window.table_view.viewport().rect().center()
    assert window.table_view.viewport().childAt(center) is None

    # The first reference hides it; the table is then an ordinary table.
    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.table_model.rowCount() == 1
    assert not overlay.isVisible()
    # Undoing it brings the hint back.
    window.undo_stack.undo()
    assert window.table_model.rowCount() == 0
    assert overlay.isVisible() and "library is empty" in overlay.text()


def test_an_empty_search_collection_and_trash_each_say_why(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    overlay = window.empty_state

    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, "zebrafish")
    window.apply_search()
    assert window.table_model.rowCount() == 0
    assert overlay.isVisible() and "No references match “zebrafish”" in overlay.text()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert not overlay.isVisible()

    cid = window.new_collection(name="Reading list", edit=False)
    assert cid is not None
    QApplication.processEvents()
    assert window.table_model.listing.collection == cid
    assert overlay.isVisible() and "This collection is empty" in overlay.text()

    assert window.sidebar_view.select_kind(NodeKind.TRASH)
    assert overlay.isVisible() and "The trash is empty" in overlay.text()
    assert window.sidebar_view.select_kind(NodeKind.LIBRARY)
    assert not overlay.isVisible()
