"""Journeys through the real main window, offscreen, driven as a person would drive it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.model import (
    AbstractSection,
    CollectionId,
    Creator,
    ImportMethod,
    PartialDate,
    Reference,
    ReferenceId,
)
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.dialogs.preferences import PreferencesDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.models.roles import Role
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

# The offscreen platform cannot pass size limits on, raise a popup (the tag completer's) or
# grab the keyboard for it, and says so; harmless.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 10_000
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

TITLES = (
    "Peer workers on acute mental health wards",
    "Loneliness among carers of people with dementia",
    "Trust and disclosure in online recovery forums",
    "Budget cuts and adult safeguarding practice",
    "Loneliness after discharge from secure care",
)

# Our own record in RIS, standing in for a page imported earlier.
RIS_TEXT = """TY  - JOUR
AU  - Fairweather, Lucy
TI  - Night staff and the language of restraint
JO  - The Journal of Adult Protection
PY  - 2020
ER  -
"""


class Messages:
    """Records what the window would show in message boxes."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add(
            [
                Reference(
                    title=title,
                    creators=(Creator(family="Okafor", given="Ada"),),
                    container_title="Mental Health Review Journal",
                    issued=PartialDate(2010 + i),
                    abstract=(
                        AbstractSection("Purpose", f"Why study number {i} was done."),
                        AbstractSection("Findings", "What it found."),
                    ),
                )
                for i, title in enumerate(TITLES)
            ]
        )
        yield opened


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(
    qtbot: QtBot, library: Library, messages: Messages, qsettings: QSettings, tmp_path: Path
) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(),
        settings_path=tmp_path / "settings.json",
        qsettings=qsettings,
        show_message=messages,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def ids_by_title(library: Library) -> dict[str, ReferenceId]:
    return {r.title: r.id for r in library.get_many(library.search_ids()) if r.id is not None}


def select(window: MainWindow, *ids: ReferenceId) -> None:
    window.table_view.setFocus()
    window.select_references(list(ids))
    assert window.selected_ids() == sorted(ids, key=window.table_model.row_of)


def type_into(qtbot: QtBot, widget: QWidget, text: str, *, replace: bool = True) -> None:
    widget.setFocus()
    if replace:
        qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def table_titles(window: MainWindow) -> list[str]:
    model = window.table_model
    return [model.data(model.index(r, Column.TITLE)) for r in range(model.rowCount())]


def test_window_opens_on_the_library_with_counts(window: MainWindow) -> None:
    assert window.table_model.rowCount() == 5
    assert window.count_label.text() == "5 references"
    node = window.sidebar_view.current_node()
    assert node is not None and node.kind is NodeKind.LIBRARY
    assert window.sidebar_view.model().data(window.sidebar_view.currentIndex(), Role.COUNT) == 5
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Reference", "Rev&iew", "&Help"]
    assert window.search_field.accessibleName() == "Search references"


def test_create_a_collection_drag_two_references_onto_it_and_filter_by_it(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.sidebar_view.setFocus()
    window.new_collection_action.trigger()
    qtbot.waitUntil(lambda: window.sidebar_view.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    type_into(qtbot, editor, "Thesis chapter 2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [c.name for c in library.collections()] == ["Thesis chapter 2"])
    cid = library.collections()[0].id

    titles = ids_by_title(library)
    chosen = [titles[TITLES[0]], titles[TITLES[2]]]
    assert window.table_model.rowCount() == 0  # the new collection is shown, empty
    window.show_listing(("library", None))
    select(window, *chosen)
    mime = window.table_model.mimeData(window.table_view.selectionModel().selectedRows())
    assert mime.hasText()  # the drag also carries a bibliography for other applications
    target = window.sidebar_model.index_for_collection(cid)
    assert window.sidebar_model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    qtbot.waitUntil(lambda: sorted(library.search_ids(collection=cid)) == sorted(chosen))

    window.show_listing(("collection", cid))
    assert sorted(table_titles(window)) == sorted([TITLES[0], TITLES[2]])
    assert window.count_label.text() == "2 references"
    count = window.sidebar_model.data(window.sidebar_model.index_for_collection(cid), Role.COUNT)
    assert count == 2

    window.undo_action.trigger()
    assert library.search_ids(collection=cid) == []
    assert window.table_model.rowCount() == 0
    window.redo_action.trigger()
    assert window.table_model.rowCount() == 2


def test_edit_a_title_in_the_detail_panel_and_undo(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = ids_by_title(library)[TITLES[1]]
    select(window, ref_id)
    panel = window.detail_panel
    assert panel.title_edit.text() == TITLES[1]

    type_into(qtbot, panel.title_edit, "Loneliness among older carers")
    qtbot.keyClick(panel.title_edit, Qt.Key.Key_Return)
    assert library.get(ref_id).title == "Loneliness among older carers"
    assert "Loneliness among older carers" in table_titles(window)
    assert window.undo_action.text() == "&Undo Edit title"

    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert library.get(ref_id).title == TITLES[1]
    assert panel.title_edit.text() == TITLES[1]
    window.redo_action.trigger()
    assert library.get(ref_id).title == "Loneliness among older carers"


def test_undoing_an_edit_leaves_later_tags_alone(window: MainWindow, library: Library) -> None:
    ref_id = ids_by_title(library)[TITLES[0]]
    select(window, ref_id)
    old = library.get(ref_id)
    window.edit_reference(old, old.with_changes(volume="12"), "Edit volume")
    window.tag_references([ref_id], add=["wards"])
    window.undo_stack.setIndex(0)
    assert library.get(ref_id).volume == ""
    window.undo_stack.redo()  # the volume again, and not the tag
    assert library.get(ref_id).volume == "12" and library.get(ref_id).tags == ()


def test_redo_of_an_undone_import_brings_back_the_same_references_and_later_edits(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(RIS_TEXT)
    dialog = opened.args[0]
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    imported = library.get(ids_by_title(library)["Night staff and the language of restraint"])
    assert imported.id is not None and imported.batch_id is not None and imported.source_text
    window.edit_reference(imported, imported.with_changes(volume="9"), "Edit volume")

    window.undo_action.trigger()
    window.undo_action.trigger()
    assert library.count() == len(TITLES)
    window.redo_action.trigger()
    restored = library.get(imported.id)  # same id, batch, original text and time added
    assert restored.with_changes(modified=None) == imported.with_changes(modified=None)
    window.redo_action.trigger()  # the later edit finds its reference again
    assert library.get(imported.id).volume == "9"
    assert window.undo_stack.count() == 2 and window.undo_stack.index() == 2


def test_add_a_note_and_a_tag(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    library.tag(library.search_ids()[:1], add=["ward studies"])
    ref_id = ids_by_title(library)[TITLES[3]]
    select(window, ref_id)
    notes = window.detail_panel.notes

    qtbot.mouseClick(notes.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(notes.editor, "**Key** point: budgets shaped *every* referral")
    qtbot.mouseClick(notes.save_button, Qt.MouseButton.LeftButton)
    (note,) = library.notes(ref_id)
    assert note.text == "**Key** point: budgets shaped *every* referral"
    assert notes.list.count() == 1
    notes.tabs.setCurrentWidget(notes.preview)
    assert notes.preview.toPlainText().strip() == "Key point: budgets shaped every referral"
    assert window.undo_action.text() == "&Undo Add note"

    tags = window.detail_panel.tags
    completions = tags.field.completer().model().stringList()
    assert completions == ["ward studies"]
    type_into(qtbot, tags.field, "safeguarding, ward studies")
    qtbot.keyClick(tags.field, Qt.Key.Key_Return)
    assert library.get(ref_id).tags == ("safeguarding", "ward studies")
    tag_index = window.sidebar_model.index_for_tag("ward studies")
    assert window.sidebar_model.data(tag_index, Role.COUNT) == 2

    window.show_listing(("tag", "safeguarding"))
    assert table_titles(window) == [TITLES[3]]
    window.undo_action.trigger()
    assert library.get(ref_id).tags == ()


def test_search_filters_as_you_type(qtbot: QtBot, window: MainWindow) -> None:
    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_field

    qtbot.keyClicks(window.search_field, "lonel")
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 2)
    assert sorted(table_titles(window)) == sorted([TITLES[1], TITLES[4]])
    assert window.count_label.text() == "2 references matching the search"

    type_into(qtbot, window.search_field, "year:2013..2014")
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 2)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert window.table_model.rowCount() == 5


def test_delete_moves_to_trash_and_restore_brings_back(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = ids_by_title(library)[TITLES[2]]
    select(window, ref_id)
    qtbot.keyClick(window.table_view, Qt.Key.Key_Delete)
    assert library.count(trash=True) == 1
    assert window.table_model.row_of(ref_id) is None
    assert window.count_label.text() == "4 references"
    assert window.selected_ids()  # the selection moved to a neighbour

    window.show_listing(("trash", None))
    assert table_titles(window) == [TITLES[2]]
    assert not window.trash_action.isVisible() and window.restore_action.isVisible()
    select(window, ref_id)
    window.restore_action.trigger()
    assert library.count(trash=True) == 0
    assert window.table_model.rowCount() == 0
    trash_count = window.sidebar_model.data(
        window.sidebar_model.index_for_kind(NodeKind.TRASH), Role.COUNT
    )
    assert trash_count == 0
    window.undo_action.trigger()
    assert library.count(trash=True) == 1


def test_empty_trash_asks_first(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    library_ids = library.search_ids()
    window.apply_changes(library.trash(library_ids[:2]))
    box = window.empty_trash()
    assert box is not None and "Delete 2 references" in box.text()
    delete = next(b for b in box.buttons() if b.text() == "Delete for Good")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert library.count(trash=True) == 0 and library.count() == 3
    assert not window.undo_stack.canUndo()


def test_keyboard_new_reference_and_rename_collection(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert library.count() == 6
    assert QApplication.focusWidget() is window.detail_panel.title_edit
    qtbot.keyClicks(window.detail_panel.title_edit, "A reference typed by hand")
    qtbot.keyClick(window.detail_panel.title_edit, Qt.Key.Key_Return)
    (new_id,) = window.selected_ids()
    assert library.get(new_id).title == "A reference typed by hand"

    window.new_collection(name="Reading group", edit=False)
    qtbot.keyClick(window.sidebar_view, Qt.Key.Key_Escape)
    window.table_view.setFocus()
    qtbot.keyClick(window.table_view, Qt.Key.Key_F2)
    assert window.sidebar_view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "Reading group"
    type_into(qtbot, editor, "Journal club")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [c.name for c in library.collections()] == ["Journal club"])
    window.undo_action.trigger()
    assert [c.name for c in library.collections()] == ["Reading group"]


def test_fields_are_checked_before_they_are_saved(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = ids_by_title(library)[TITLES[0]]
    select(window, ref_id)
    panel = window.detail_panel

    def enter(name: str, text: str) -> None:
        edit = panel.field_edit(name)
        type_into(qtbot, edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    enter("year", "0")
    assert panel.field_message("year") == "The year must be a number from 1 to 9999."
    assert library.get(ref_id).year == 2010
    enter("year", "2015")
    assert library.get(ref_id).year == 2015 and panel.field_message("year") == ""

    enter("doi", "https://doi.org/10.1108/MHRJ-03-2019-0012.")
    assert library.get(ref_id).doi == "10.1108/MHRJ-03-2019-0012"
    qtbot.waitUntil(lambda: panel.field_edit("doi").text() == "10.1108/MHRJ-03-2019-0012")
    enter("doi", "not a doi")
    assert "Not a DOI" in panel.field_message("doi")
    assert library.get(ref_id).doi == "10.1108/MHRJ-03-2019-0012"

    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert panel.field_edit("issn").isVisible()
    enter("issn", "13619323")
    assert library.get(ref_id).issn == ("1361-9323",)
    assert "Check digit" in panel.field_message("issn")
    enter("issn", "1361-9322")
    assert panel.field_message("issn") == ""
    enter("isbn", "978-0-306-40615-7")
    assert library.get(ref_id).isbn == ("978-0-306-40615-7",)


def test_authors_editor_adds_reorders_and_marks_organisations(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = ids_by_title(library)[TITLES[0]]
    select(window, ref_id)
    authors = window.detail_panel.authors
    table = authors.table()

    qtbot.mouseClick(authors.add_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Mental Health Foundation")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: len(library.get(ref_id).creators) == 2)
    organisation = table.item(1, 3)
    assert organisation is not None
    organisation.setCheckState(Qt.CheckState.Checked)
    creators = library.get(ref_id).creators
    assert [c.literal for c in creators] == ["", "Mental Health Foundation"]

    table.setCurrentCell(1, 0)
    qtbot.mouseClick(authors.up_button, Qt.MouseButton.LeftButton)
    creators = library.get(ref_id).creators
    assert creators[0].literal == "Mental Health Foundation"
    assert creators[1].family == "Okafor"

    table.setCurrentCell(0, 0)
    qtbot.mouseClick(authors.remove_button, Qt.MouseButton.LeftButton)
    assert [c.family for c in library.get(ref_id).creators] == ["Okafor"]
    window.undo_action.trigger()
    assert len(library.get(ref_id).creators) == 2


def test_abstract_shows_bold_headings_and_can_be_edited(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = ids_by_title(library)[TITLES[0]]
    select(window, ref_id)
    panel = window.detail_panel
    html = panel.abstract_view.toHtml()
    assert "Purpose" in html and "font-weight" in html
    qtbot.mouseClick(panel.abstract_edit_button, Qt.MouseButton.LeftButton)
    assert panel.abstract_editor.toPlainText().startswith("Purpose: Why study number 0")
    panel.abstract_editor.setPlainText("Purpose: A new purpose.\n\nFindings: A new finding.")
    panel._commit_abstract()
    abstract = library.get(ref_id).abstract
    assert [(s.heading, s.text) for s in abstract] == [
        ("Purpose", "A new purpose."),
        ("Findings", "A new finding."),
    ]


def test_provenance_line_opens_the_original_text(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    outcome = library.import_text(RIS_TEXT, method=ImportMethod.PASTE, source_name="the clipboard")
    window.apply_changes(outcome.changes)
    (ref_id,) = outcome.changes.added
    select(window, ref_id)
    panel = window.detail_panel
    text = panel.provenance.text()
    assert text.startswith("Imported from a RIS file on ")
    assert "Show original text" in text
    dialog = panel.show_source_text()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert (
        "Night staff and the language of restraint"
        in dialog.findChild(QWidget, "sourceText").toPlainText()
    )
    batch_key = ("batch", outcome.changes.batch_id)
    assert window.show_listing(batch_key)
    assert table_titles(window) == ["Night staff and the language of restraint"]


def test_membership_checkboxes_and_collection_delete_undo(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    parent = window.new_collection(name="Thesis", edit=False)
    assert parent is not None
    child = window.new_collection(parent, name="Methods", edit=False)
    assert child is not None
    ref_id = ids_by_title(library)[TITLES[4]]
    window.show_listing(("library", None))
    select(window, ref_id)
    window.detail_panel.set_collection_checked(CollectionId(child), True)
    assert library.get(ref_id).collection_ids == (child,)

    window.delete_collection(CollectionId(parent))
    assert library.collections() == []
    assert library.get(ref_id).collection_ids == ()
    window.undo_action.trigger()
    names = {c.name: c for c in library.collections()}
    assert set(names) == {"Thesis", "Methods"}
    assert names["Methods"].parent_id == names["Thesis"].id
    assert library.get(ref_id).collection_ids == (names["Methods"].id,)


def test_dragging_a_collection_nests_it_and_undo_moves_it_back(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    first = window.new_collection(name="Reading", edit=False)
    second = window.new_collection(None, name="Writing", edit=False)
    model = window.sidebar_model
    assert first is not None and second is not None
    mime = model.mimeData([model.index_for_collection(CollectionId(second))])
    target = model.index_for_collection(CollectionId(first))
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, target)
    qtbot.waitUntil(
        lambda: {c.name: c.parent_id for c in library.collections()}["Writing"] == first
    )
    window.undo_action.trigger()
    assert {c.name: c.parent_id for c in library.collections()}["Writing"] is None


def test_copy_citation_puts_text_and_html_on_the_clipboard(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    select(window, ids_by_title(library)[TITLES[2]])
    with qtbot.waitSignal(window.copier.copied, timeout=WAIT_MS):
        qtbot.keyClick(
            window.table_view,
            Qt.Key.Key_C,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    mime = QGuiApplication.clipboard().mimeData()
    assert "Trust and disclosure in online recovery forums" in mime.text()
    assert mime.hasHtml() and "Okafor" in mime.html()


def test_window_geometry_and_splitters_are_remembered(
    qtbot: QtBot, window: MainWindow, library: Library, qsettings: QSettings
) -> None:
    window.resize(760, 540)  # inside the offscreen screen, so the size is kept as it is
    window.splitter.setSizes([180, 300, 260])
    sizes = window.splitter.sizes()
    window.table_view.set_column_visible(Column.TYPE, False)
    window.close()
    again = MainWindow(library=library, settings=Settings(), qsettings=qsettings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.splitter.sizes() == sizes
    assert again.table_view.horizontalHeader().isSectionHidden(Column.TYPE)


def test_preferences_are_saved_to_the_settings_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = window.show_preferences()
    assert isinstance(dialog, PreferencesDialog)
    harvard = dialog.style_box.findData("harvard")
    assert harvard >= 0
    dialog.style_box.setCurrentIndex(harvard)
    dialog.format_boxes["text/rtf"].setChecked(False)
    dialog.locale_box.setCurrentIndex(dialog.locale_box.findData("en-GB"))
    with qtbot.waitSignal(window.settings_changed):
        dialog.accept()
    saved = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert saved["citation_style"] == "harvard"
    assert saved["locale"] == "en-GB"
    assert saved["clipboard_formats"] == ["text/plain", "text/html"]
    assert window.copier.style == "harvard"


def test_preferences_need_one_clipboard_format(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.show_preferences()
    for box in dialog.format_boxes.values():
        box.setChecked(False)
    assert dialog.problem() == "Choose at least one clipboard format."
    dialog.reject()


@pytest.mark.seeds
def test_drop_the_emerald_page_on_the_window_and_import_ten(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    matches = sorted(SEEDS_DIR.glob("000_*.txt"))
    if not matches:
        pytest.skip("../shared/seeds is not present")
    before = library.count()
    mime = QMimeData()
    mime.setText(matches[0].read_text(encoding="utf-8"))
    event = QDropEvent(
        QPointF(400, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.dropEvent(event)
    dialog = opened.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    assert dialog.model.rowCount() == 10
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert window.table_model.rowCount() == before + 10
    assert len(window.selected_ids()) == 10
    window.undo_action.trigger()
    assert library.count() == before


@pytest.mark.seeds
def test_paste_the_sciencegate_page_into_the_table(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    matches = sorted(SEEDS_DIR.glob("001_*.txt"))
    if not matches:
        pytest.skip("../shared/seeds is not present")
    mime = QMimeData()
    mime.setText(matches[0].read_text(encoding="utf-8"))
    QGuiApplication.clipboard().setMimeData(mime)
    window.table_view.setFocus()
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(window.table_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    found = dialog.model.rowCount()
    assert found > 0
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert library.batches()[0].method is ImportMethod.PASTE
    assert window.table_model.rowCount() == 5 + library.batches()[0].entries_added
