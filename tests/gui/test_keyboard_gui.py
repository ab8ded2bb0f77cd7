"""Everything the window does can be done from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QWidgetAction
from pytestqt.qtbot import QtBot

from peerref.core.model import Creator, PartialDate, Reference
from peerref.gui.dialogs.export_dialog import ExportDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

# Menus filled as they open, from data (styles, collections, columns): their entries are
# names, not commands, and take no mnemonics.
DATA_MENUS = {"Copy As", "Add to Collection", "Columns"}


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add_collection("Reading")
        opened.add(
            [
                Reference(
                    title=f"Study {n}",
                    creators=(Creator(family="Okafor", given="Ada"),),
                    issued=PartialDate(2010 + n),
                )
                for n in range(3)
            ]
        )
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def menu_paths(menu: QMenu, prefix: str = "") -> dict[QAction, str]:
    """Every action reachable from ``menu``, with its path ("File › Export Library…")."""
    found: dict[QAction, str] = {}
    for action in menu.actions():
        if action.isSeparator():
            continue
        path = f"{prefix}{action.text().replace('&', '')}"
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            submenu.aboutToShow.emit()  # fill menus built as they open
            found.update(menu_paths(submenu, f"{path} › "))
        found[action] = path
    return found


def window_menu_paths(window: MainWindow) -> dict[QAction, str]:
    found: dict[QAction, str] = {}
    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        found.update(menu_paths(menu, f"{top.text().replace('&', '')} › "))
    return found


def test_tab_leaves_the_table_for_the_details_and_shift_tab_comes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.table_view.setFocus()
    window.table_view.selectRow(0)
    assert window.detail_panel.reference is not None
    qtbot.keyClick(window.table_view, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None and window.detail_panel.isAncestorOf(focused)
    assert window.selected_ids() == [window.detail_panel.reference.id]  # still row 0
    qtbot.keyClick(focused, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.table_view
    assert window.table_view.currentIndex().row() == 0


def test_shift_tab_from_the_table_goes_to_the_sidebar(qtbot: QtBot, window: MainWindow) -> None:
    window.table_view.setFocus()
    window.table_view.selectRow(1)
    qtbot.keyClick(window.table_view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.sidebar_view


def test_every_menu_entry_has_a_mnemonic_unique_in_its_menu(window: MainWindow) -> None:
    menus = [a.menu() for a in window.menuBar().actions()]
    menus += [a.menu() for m in list(menus) for a in m.actions() if a.menu()]  # type: ignore[union-attr]
    for menu in menus:
        assert isinstance(menu, QMenu)
        if menu.title().replace("&", "") in DATA_MENUS:
            continue
        keys: dict[str, str] = {}
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text, f"{menu.title()} › {text} has no mnemonic"
            key = text[text.index("&") + 1].casefold()
            assert key not in keys, f"{text} and {keys[key]} share &{key} in {menu.title()}"
            keys[key] = text
    bar_keys = [a.text()[a.text().index("&") + 1].casefold() for a in window.menuBar().actions()]
    assert len(bar_keys) == len(set(bar_keys))


def test_every_action_has_a_menu_path_or_a_shortcut(window: MainWindow) -> None:
    paths = window_menu_paths(window)
    window.table_view.selectRow(0)
    window._show_table_menu(QPoint(1, 1))
    table_menu = window.last_context_menu
    assert table_menu is not None
    table_menu.close()
    window.show_listing(("collection", window.library.collections()[0].id))
    window._show_sidebar_menu(window.sidebar_view.current_node(), QPoint(0, 0))
    sidebar_menu = window.last_context_menu
    assert sidebar_menu is not None
    sidebar_menu.close()
    offered = [
        *window.actions(),
        *window.toolbar.actions(),
        *(a for a in table_menu.actions() if not a.menu()),
    ]
    for action in offered:
        if action.isSeparator() or isinstance(action, QWidgetAction):
            continue  # the toolbar's spacer and search field (Edit › Find reaches it)
        text = action.text().replace("&", "")
        assert action in paths or not action.shortcut().isEmpty(), f"{text}: not reachable"
    # The sidebar's context menu (opened with the Menu key) holds only its own entries
    # and ones the menu bar has too; each has a mnemonic.
    for action in sidebar_menu.actions():
        if not action.isSeparator():
            assert "&" in action.text(), action.text()


def test_common_actions_have_shortcuts(window: MainWindow) -> None:
    for action in (
        window.new_reference_action,
        window.import_files_action,
        window.import_clipboard_action,
        window.export_library_action,
        window.copy_bibliography_action,
        window.copy_citation_action,
        window.find_action,
        window.trash_action,
        window.undo_action,
        window.redo_action,
        window.add_tag_action,
        window.rename_collection_action,
    ):
        assert not action.shortcut().isEmpty(), action.text()
    shortcuts = [
        a.shortcut().toString()
        for a in window.actions()
        if not a.shortcut().isEmpty() and a.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    ]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts


def test_export_library_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    window.table_view.setFocus()
    qtbot.keyClick(
        window.table_view,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClick(dialog.format_box, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.sidebar_view.current_node() is not None
    assert window.sidebar_view.current_node().kind is NodeKind.LIBRARY  # type: ignore[union-attr]
