"""Imports that meet references already in the library, in the window.

Undo takes back the fields an import filled in and the collection it filled; the preview's
Show Existing selects the stored reference; the status bar tells "already in your
library" apart from entries the person left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from pytestqt.qtbot import QtBot

from peerref.core.model import CollectionId, ImportMethod, ReferenceId
from peerref.gui.dialogs.import_preview import ImportPreviewDialog, PreviewColumn
from peerref.gui.main_window import MainWindow
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

WAIT_MS = 10_000
DEDUPE_DATA = Path(__file__).resolve().parents[1] / "data" / "dedupe"
# Three papers on an Emerald page of our own, none with a title in the copied text.
EMERALD_PAGE = (DEDUPE_DATA / "same_day_pair.emerald.txt").read_text(encoding="utf-8")
# The RIS export of the first of them, with its title, DOI and pages.
RICHER_RIS = (DEDUPE_DATA / "same_day_pair.richer.ris").read_text(encoding="utf-8")
RICHER_DOI = "10.1108/MHSI-05-2016-0017"
OTHER_RIS = """TY  - JOUR
AU  - Nakashima, Emi
AU  - Fairbairn, Callum
TI  - Recovery colleges and the language of hope: a discourse analysis
T2  - Journal of Mental Health Training, Education and Practice
PY  - 2019
VL  - 14
IS  - 3
SP  - 150
EP  - 161
DO  - 10.1108/JMHTEP-09-2018-0051
ER  -
"""


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
        yield opened


@pytest.fixture
def thesis(library: Library) -> CollectionId:
    collection, _ = library.add_collection("Thesis")
    return collection.id


@pytest.fixture
def window(
    qtbot: QtBot, library: Library, thesis: CollectionId, tmp_path: Path
) -> Iterator[MainWindow]:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(main)
    main.show()
    yield main
    QThreadPool.globalInstance().waitForDone(WAIT_MS)


def _preview(
    qtbot: QtBot, window: MainWindow, text: str, collection: CollectionId | None = None
) -> ImportPreviewDialog:
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(text, collection=collection)
    dialog = opened.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    return dialog


def _import(qtbot: QtBot, window: MainWindow, dialog: ImportPreviewDialog) -> list[str]:
    messages: list[str] = []
    window.importer.message_posted.connect(messages.append)
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    return messages


def _allotments(library: Library) -> ReferenceId:
    (found,) = library.search_ids("allotment")
    return found


def test_undo_of_an_import_takes_back_its_fills_and_collection_and_redo_restores_them(
    qtbot: QtBot, window: MainWindow, library: Library, thesis: CollectionId
) -> None:
    target = _allotments(library)
    dialog = _preview(qtbot, window, RICHER_RIS + "\n" + OTHER_RIS, thesis)
    assert dialog.model.merge_into() == {0: target} and dialog.checked_indices() == [1]
    messages = _import(qtbot, window, dialog)
    assert messages == [
        "Imported 1 reference (RIS file (EndNote, Zotero, databases)); "
        "1 merged into an existing reference, 1 existing reference added to the collection"
    ]
    (new_id,) = [i for i in library.search_ids() if i != target and i > 3]
    assert library.get(target).doi == RICHER_DOI
    assert sorted(library.search_ids(collection=thesis)) == sorted([target, new_id])
    (event,) = library.merge_history(target)
    assert window.undo_stack.undoText() == "Import reference"

    window.undo_action.trigger()
    assert library.count() == 3
    restored = library.get(target)
    assert restored.doi == "" and restored.title == ""
    assert library.merge_history(target) == []
    assert library.search_ids(collection=thesis) == []
    assert window.table_model.rowCount() == 3

    window.redo_action.trigger()
    assert library.count() == 4
    assert library.get(target).doi == RICHER_DOI
    (again,) = library.merge_history(target)
    assert (again.fields, again.source_text, again.batch_id) == (
        event.fields,
        event.source_text,
        event.batch_id,
    )
    assert len(library.search_ids(collection=thesis)) == 2
    assert target in library.search_ids(collection=thesis)

    window.undo_action.trigger()
    assert library.get(target).doi == "" and library.search_ids(collection=thesis) == []
    assert library.count() == 3


def test_show_existing_selects_the_stored_reference_in_the_table(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.search_field.setText("nothing matches this")
    window.apply_search()
    assert window.table_model.rowCount() == 0
    dialog = _preview(qtbot, window, EMERALD_PAGE)
    dialog.table.selectRow(1)
    status = dialog.model.status(1)
    assert status is not None and status.existing_id is not None
    qtbot.mouseClick(dialog.show_existing_button, Qt.MouseButton.LeftButton)
    assert window.search_field.text() == ""
    assert window.selected_ids() == [status.existing_id]
    assert window.detail_panel.reference is not None
    assert window.detail_panel.reference.id == status.existing_id
    dialog.reject()


def test_show_existing_leaves_the_duplicates_view_for_the_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.duplicates_panel.groups_shown, timeout=WAIT_MS):
        window.sidebar_view.select_kind(NodeKind.DUPLICATES)
    dialog = _preview(qtbot, window, EMERALD_PAGE)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.show_existing_button, Qt.MouseButton.LeftButton)
    assert window.table_view.isVisible() and not window.duplicates_panel.isVisible()
    assert window.selected_ids() == [dialog.model.status(0).existing_id]  # type: ignore[union-attr]
    dialog.reject()


def test_a_page_held_whole_dropped_on_a_collection_fills_the_collection_undoably(
    qtbot: QtBot, window: MainWindow, library: Library, thesis: CollectionId
) -> None:
    dialog = _preview(qtbot, window, EMERALD_PAGE, thesis)
    assert dialog.checked_indices() == []
    assert "3 already in your library" in dialog.count_label.text()
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Add to Collection"
    dialog.collection_combo.setCurrentIndex(0)  # "None": nothing left to do
    assert not dialog.import_button.isEnabled()
    dialog.collection_combo.setCurrentIndex(dialog.collection_combo.findData(thesis))

    messages = _import(qtbot, window, dialog)
    assert messages == [
        "No new references (Emerald Insight results page); 3 already in your library, "
        "3 existing references added to the collection"
    ]
    assert library.count() == 3 and len(library.search_ids(collection=thesis)) == 3
    assert window.undo_stack.undoText() == "Import into collection"
    window.undo_action.trigger()
    assert library.search_ids(collection=thesis) == [] and library.count() == 3
    window.redo_action.trigger()
    assert len(library.search_ids(collection=thesis)) == 3


def test_status_bar_tells_already_held_from_left_out(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    # The library holds the first two papers of the page only.
    held = sorted(library.search_ids())
    library.delete_permanently(held[2:])
    dialog = _preview(qtbot, window, EMERALD_PAGE)
    assert dialog.checked_indices() == [2]
    messages = _import(qtbot, window, dialog)
    assert messages == [
        "Imported 1 reference (Emerald Insight results page); 2 already in your library"
    ]
    assert window.statusBar().currentMessage() == messages[0]

    # A new entry the person unchecks is "not imported", not "already in your library".
    third = (
        OTHER_RIS.replace("Nakashima, Emi", "Oyelaran, Folake")
        .replace("Recovery colleges and the language of hope", "Crisis houses run by peers")
        .replace("JMHTEP-09-2018-0051", "JMHTEP-02-2019-0007")
    )
    dialog = _preview(qtbot, window, OTHER_RIS + "\n" + third)
    assert dialog.checked_indices() == [0, 1]
    dialog.model.set_checked(1, False)
    messages = _import(qtbot, window, dialog)
    assert messages == [
        "Imported 1 reference (RIS file (EndNote, Zotero, databases)); 1 not imported"
    ]


def test_the_ris_export_of_a_held_page_keeps_its_structured_abstract(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    target = _allotments(library)
    structured = library.get(target).abstract
    # The export runs the headings into one paragraph, longer than the page's abstract.
    flat = RICHER_RIS.replace(
        "asked about their diagnosis.", "asked about their diagnosis. © Emerald 2016"
    )
    dialog = _preview(qtbot, window, flat)
    dialog.table.selectRow(0)
    assert dialog.model.merge_into() == {0: target}
    status = str(dialog.model.data(dialog.model.index(0, PreviewColumn.STATUS)))
    assert status.startswith("Will fill title") and "abstract" not in status
    assert "abstract" not in dialog.model.status(0).fills  # type: ignore[union-attr]
    assert "Would replace abstract" not in dialog.details.text()
    _import(qtbot, window, dialog)
    filled = library.get(target)
    assert filled.abstract == structured and filled.doi == RICHER_DOI
