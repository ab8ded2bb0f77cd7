"""Tags across the library from the sidebar: rename in place, merge, delete — with undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialogButtonBox, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from peerref.core.model import Reference, ReferenceId
from peerref.gui.dialogs.tag_dialogs import TagMergeDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

TAGGED = (("ml", "to read"), ("ml",), ("machine learning",), ("randomised",), ())


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([Reference(title=f"Study {i}", tags=tags) for i, tags in enumerate(TAGGED)])
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
    return main


def sidebar_tags(window: MainWindow) -> list[str]:
    model = window.sidebar_model
    header = model.index_for_kind(NodeKind.TAGS)
    return [model.index(row, 0, header).data() for row in range(model.rowCount(header))]


def tag_menu(window: MainWindow, tag: str) -> QMenu:
    """The sidebar's context menu for a tag, opened where the tag is shown."""
    index = window.sidebar_model.index_for_tag(tag)
    assert index.isValid()
    rect = window.sidebar_view.visualRect(index)
    window.sidebar_view.customContextMenuRequested.emit(rect.center())
    menu = window.last_context_menu
    assert menu is not None
    return menu


def trigger(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    menu.close()
    action.trigger()


def tags_of(library: Library) -> list[tuple[str, ...]]:
    return [library.get(ReferenceId(i)).tags for i in range(1, len(TAGGED) + 1)]


def test_rename_a_tag_in_place_from_its_menu_and_undo(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    assert window.show_listing(("tag", "ml"))
    assert window.table_model.rowCount() == 2
    trigger(tag_menu(window, "ml"), "Rename Tag…")
    assert window.sidebar_view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "ml"
    editor.selectAll()
    qtbot.keyClicks(editor, "Deep learning")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Deep learning" in sidebar_tags(window))

    assert tags_of(library)[:2] == [("Deep learning", "to read"), ("Deep learning",)]
    assert "ml" not in sidebar_tags(window)
    # The renamed tag stays shown, with the same references.
    node = window.sidebar_view.current_node()
    assert node is not None and node.kind is NodeKind.TAG and node.tag == "Deep learning"
    assert window.table_model.rowCount() == 2
    assert window.undo_stack.undoText() == "Rename tag “ml” to “Deep learning”"
    assert "2 references changed" in window.statusBar().currentMessage()

    window.undo_stack.undo()
    assert tags_of(library) == [tuple(sorted(t, key=str.casefold)) for t in TAGGED]
    assert "ml" in sidebar_tags(window) and "Deep learning" not in sidebar_tags(window)
    window.undo_stack.redo()
    assert library.get(ReferenceId(2)).tags == ("Deep learning",)


def test_f2_on_a_tag_renames_it_into_an_existing_one_which_merges(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    assert window.show_listing(("tag", "ml"))
    window.sidebar_view.setFocus()
    qtbot.keyClick(window.sidebar_view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "machine learning")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ml" not in sidebar_tags(window))
    assert library.tags.counts()[0] == ("machine learning", 3)
    assert window.undo_stack.undoText() == "Merge tag “ml” into “machine learning”"
    window.undo_stack.undo()
    assert ("ml", 2) in library.tags.counts() and ("machine learning", 1) in library.tags.counts()


def test_merge_tags_from_the_menu(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    trigger(tag_menu(window, "ml"), "Merge Tags…")
    [dialog] = [d for d in window.findChildren(TagMergeDialog) if d.isVisible()]
    assert dialog.names() == ["ml"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # one tag into itself merges nothing
    for row in range(dialog.tag_list.count()):
        item = dialog.tag_list.item(row)
        if item.text().startswith("machine learning"):
            item.setCheckState(Qt.CheckState.Checked)
    assert dialog.names() == ["machine learning", "ml"]
    dialog.target_box.setEditText("Machine learning")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    assert library.tags.counts() == [("Machine learning", 3), ("randomised", 1), ("to read", 1)]
    assert sidebar_tags(window) == ["Machine learning", "randomised", "to read"]
    window.undo_stack.undo()
    assert library.tags.counts() == [
        ("machine learning", 1),
        ("ml", 2),
        ("randomised", 1),
        ("to read", 1),
    ]


def test_delete_a_tag_from_its_menu_and_undo(window: MainWindow, library: Library) -> None:
    assert window.show_listing(("tag", "to read"))
    trigger(tag_menu(window, "to read"), "Delete Tag")
    assert "to read" not in sidebar_tags(window)
    assert library.get(ReferenceId(1)).tags == ("ml",)
    node = window.sidebar_view.current_node()
    assert node is not None and node.kind is NodeKind.LIBRARY  # its listing is gone
    window.undo_stack.undo()
    assert library.get(ReferenceId(1)).tags == ("ml", "to read")
    assert "to read" in sidebar_tags(window)


def test_the_reference_menu_reaches_the_tag_actions(window: MainWindow, library: Library) -> None:
    reference_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Reference")
    tags_menu = next(a.menu() for a in reference_menu.actions() if a.text() == "Ta&gs")
    assert [a.text() for a in tags_menu.actions()] == [
        "Re&name Tag…",
        "&Merge Tags…",
        "&Delete Tag",
    ]
    assert not window.delete_tag_action.isEnabled()  # My Library is shown, not a tag
    assert window.show_listing(("tag", "randomised"))
    assert window.delete_tag_action.isEnabled() and window.rename_tag_action.isEnabled()
    window.delete_tag_action.trigger()
    assert "randomised" not in sidebar_tags(window)
    window.undo_action.trigger()
    assert library.get(ReferenceId(4)).tags == ("randomised",)
