"""The details panel with values a source got wrong: huge ones, and small corrections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from peerref.core import ids as idcheck
from peerref.core.model import AbstractSection, Creator, PartialDate, Reference, ReferenceType
from peerref.gui.long_text import ABSTRACT_DISPLAY_LIMIT, FIELD_DISPLAY_LIMIT, LongTextDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import TYPE_LABELS, Column
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

MEGABYTE = 1024 * 1024
HUGE = Reference(
    title="x" * MEGABYTE,
    creators=(Creator(family="Okafor", given="Ada"),),
    issued=PartialDate(2020),
    container_title="j" * (FIELD_DISPLAY_LIMIT + 10),
    abstract=(AbstractSection("", "a" * MEGABYTE),),
)
PLAIN = Reference(
    title="Peer workers on acute wards",
    creators=(Creator(family="Okafor", given="Ada"),),
    issued=PartialDate(2019),
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([PLAIN, HUGE])
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


def select_title(window: MainWindow, library: Library, title: str) -> None:
    ref_id = next(r.id for r in library.get_many(library.search_ids()) if r.title == title)
    assert ref_id is not None
    window.table_view.setFocus()
    window.select_references([ref_id])


def test_a_megabyte_title_and_abstract_are_shown_in_part(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select_title(window, library, HUGE.title)
    QApplication.processEvents()  # painted, with no layout over the whole megabyte
    panel = window.detail_panel
    assert panel.reference is not None and len(panel.reference.title) == MEGABYTE
    shown = panel.title_edit.text()
    assert shown == "x" * FIELD_DISPLAY_LIMIT + "…" and panel.title_edit.isReadOnly()
    assert panel.long_title_row.isVisible()
    assert "1,048,576 characters" in panel.long_title_note.text()
    abstract = panel.abstract_view.toPlainText()
    assert ABSTRACT_DISPLAY_LIMIT <= len(abstract) < ABSTRACT_DISPLAY_LIMIT + 200
    assert "1,048,576 characters" in abstract
    source = panel.field_edit("container_title")
    assert source.isReadOnly() and len(source.text()) == FIELD_DISPLAY_LIMIT + 1
    assert "characters long" in panel.field_message("container_title")
    row = window.table_model.row_of(panel.reference.id)  # type: ignore[arg-type]
    assert row is not None
    cell = window.table_model.index(row, Column.TITLE).data()
    assert len(cell) < 1000

    # Leaving the read-only fields saves nothing from their shortened text.
    panel.field_edit("container_title").setFocus()
    panel.title_edit.setFocus()
    select_title(window, library, PLAIN.title)
    stored = library.get(panel.reference.id)  # type: ignore[arg-type]
    assert stored.title == PLAIN.title
    huge = next(r for r in library.get_many(library.search_ids()) if len(r.title) == MEGABYTE)
    assert len(huge.container_title) == FIELD_DISPLAY_LIMIT + 10

    # An ordinary reference after the huge one: editable again, no note.
    assert not panel.title_edit.isReadOnly() and not panel.long_title_row.isVisible()
    assert not panel.field_edit("container_title").isReadOnly()
    assert panel.field_message("container_title") == ""


def test_the_whole_long_title_is_edited_in_its_own_editor(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select_title(window, library, HUGE.title)
    dialog = window.detail_panel.edit_whole_title()
    assert isinstance(dialog, LongTextDialog)
    assert len(dialog.text()) == MEGABYTE
    dialog.editor.setPlainText("A title someone fixed")
    dialog.accept()
    titles = {r.title for r in library.get_many(library.search_ids())}
    assert "A title someone fixed" in titles
    assert not window.detail_panel.long_title_row.isVisible()
    window.undo_action.trigger()
    assert max(len(r.title) for r in library.get_many(library.search_ids())) == MEGABYTE


def test_the_issn_placeholder_is_not_a_real_issn(window: MainWindow) -> None:
    placeholder = window.detail_panel.field_edit("issn").placeholderText()
    issn = idcheck.normalise_issn(placeholder.split()[-1])
    assert issn and not idcheck.issn_is_valid(issn)


def test_every_csl_type_is_offered_by_a_readable_name(window: MainWindow, library: Library) -> None:
    select_title(window, library, PLAIN.title)
    box = window.detail_panel.type_box
    offered = {box.itemData(i) for i in range(box.count()) if box.itemData(i)}
    assert offered == {t.value for t in ReferenceType}
    assert box.findText("Journal article") >= 0 and box.findText("Conference paper") >= 0
    assert all("-" not in label and "_" not in label for label in TYPE_LABELS.values())
    box.setCurrentIndex(box.findData(ReferenceType.PATENT.value))
    box.activated.emit(box.currentIndex())
    ref = next(r for r in library.get_many(library.search_ids()) if r.title == PLAIN.title)
    assert ref.type is ReferenceType.PATENT
    assert window.table_model.index(0, Column.TYPE).data() in set(TYPE_LABELS.values())


def test_typing_after_the_add_button_goes_into_the_new_row(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select_title(window, library, PLAIN.title)
    authors = window.detail_panel.authors
    authors.add_button.setFocus()
    qtbot.keyClick(authors.add_button, Qt.Key.Key_Space)  # "+" pressed from the keyboard
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    table = authors.table()
    assert table.currentRow() == 1 and table.currentColumn() == 0
    qtbot.keyClicks(editor, "Lindqvist")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    given = QApplication.focusWidget()
    assert isinstance(given, QLineEdit)
    qtbot.keyClicks(given, "Henrik")
    qtbot.keyClick(given, Qt.Key.Key_Return)
    ref_id = window.detail_panel.reference.id  # type: ignore[union-attr]

    def names() -> list[tuple[str, str]]:
        return [(c.family, c.given) for c in library.get(ref_id).creators]

    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: names() == [("Okafor", "Ada"), ("Lindqvist", "Henrik")])


def test_a_role_is_chosen_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select_title(window, library, PLAIN.title)
    table = window.detail_panel.authors.table()
    table.setFocus()
    table.setCurrentCell(0, 2)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    from PySide6.QtWidgets import QComboBox

    assert isinstance(editor, QComboBox)
    qtbot.keyClick(editor, Qt.Key.Key_Down)  # Editor
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    ref_id = window.detail_panel.reference.id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: library.get(ref_id).creators[0].role.value == "editor")
    assert table.item(0, 2).text() == "Editor"  # type: ignore[union-attr]


def test_clicking_the_add_button_then_typing_fills_the_highlighted_cell(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select_title(window, library, PLAIN.title)
    authors = window.detail_panel.authors
    qtbot.mouseClick(authors.add_button, Qt.MouseButton.LeftButton)
    table = authors.table()
    assert table.currentRow() == 1 and table.currentColumn() == 0
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor)
    # The editor is over the highlighted cell, so what is typed lands there.
    center = editor.mapTo(table.viewport(), editor.rect().center())
    assert table.visualRect(table.currentIndex()).contains(center)
    qtbot.keyClicks(editor, "Brandt")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    ref_id = window.detail_panel.reference.id  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: [c.family for c in library.get(ref_id).creators] == ["Okafor", "Brandt"]
    )


SICI_DOI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0"


def test_the_doi_edit_keeps_a_whole_field_doi_whole(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    """The DOI box holds one DOI: the formats' whole-field rule, not the free-text one."""
    select_title(window, library, PLAIN.title)
    panel = window.detail_panel
    ref_id = panel.reference.id  # type: ignore[union-attr]
    edit = panel.field_edit("doi")

    def enter(text: str, *, paste: bool = False) -> str:
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
        if paste:
            QApplication.clipboard().setText(text)
            qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        else:
            qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        return library.get(ref_id).doi

    assert enter(SICI_DOI) == SICI_DOI
    assert panel.field_message("doi") == ""
    qtbot.waitUntil(lambda: edit.text() == SICI_DOI)
    link = (
        "https://doi.org/10.1002/(SICI)1097-4571(199806)49%3A8%3C693%3A%3AAID-ASI3%3E3.0.CO%3B2-0"
    )
    assert enter("https://doi.org/10.1108/MHRJ-03-2019-0012", paste=True) == (
        "10.1108/MHRJ-03-2019-0012"
    )
    assert enter(link, paste=True) == SICI_DOI
    # A DOI with a space in it (the DOI Handbook allows it) is not cut at the space ...
    assert enter("10.1000/peer support 2019", paste=True) == "10.1000/peer support 2019"
    # ... but a remark after it is no part of it.
    assert enter("10.1108/MHRJ-03-2019-0012 (retracted)") == "10.1108/MHRJ-03-2019-0012"
    assert enter("not a doi") == "10.1108/MHRJ-03-2019-0012"
    assert "Not a DOI" in panel.field_message("doi")
