"""The Duplicates view, the merge dialog with undo, "Not duplicates", and preview marks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from peerref.core.csl import reference_to_csl
from peerref.core.model import Creator, ImportMethod, PartialDate, Reference, ReferenceId
from peerref.formats import registry
from peerref.gui.dialogs.import_preview import (
    ImportPreviewDialog,
    ParsedEntriesModel,
    PendingImport,
    PreviewColumn,
)
from peerref.gui.dialogs.merge_dialog import MergeDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.duplicates_model import DuplicateColumn, DuplicateGroupsModel
from peerref.gui.models.roles import Role
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

DEDUPE_DATA = Path(__file__).resolve().parents[1] / "data" / "dedupe"
WAIT_MS = 10_000

AUTHORS = (Creator("Lindqvist", "Henrik"), Creator("Raman", "Priya"))
FIRST = Reference(
    title="Peer navigators in emergency departments",
    creators=AUTHORS,
    issued=PartialDate(2020),
    container_title="Psychiatric Services",
)
SECOND = FIRST.with_changes(
    title="Peer Navigators in Emergency Departments.", doi="10.1176/appi.ps.2020.0001"
)
UNRELATED = Reference(title="Crisis cafés", creators=(Creator("Solberg", "Ingrid"),))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([FIRST, SECOND, UNRELATED], notes=[["mine"], ["theirs"], []])
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> Iterator[MainWindow]:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(main)
    main.show()
    yield main
    # A search for duplicates still running must not outlive the library it reads.
    QThreadPool.globalInstance().waitForDone(WAIT_MS)


def _show_duplicates(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.duplicates_panel.groups_shown, timeout=WAIT_MS):
        assert window.sidebar_view.select_kind(NodeKind.DUPLICATES)
    assert window.duplicates_panel.isVisible() and not window.table_view.isVisible()


def test_groups_model_passes_qtmodeltester(qtmodeltester, library: Library) -> None:
    model = DuplicateGroupsModel()
    qtmodeltester.check(model)
    groups = library.duplicate_groups()
    references = {r.id: r for r in library.get_many([ReferenceId(1), ReferenceId(2)])}
    model.set_groups(groups, references)  # type: ignore[arg-type]
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.data(model.index(0, DuplicateColumn.GROUP)) == "1 · duplicate"
    assert model.data(model.index(1, DuplicateColumn.TITLE)) == SECOND.title
    assert model.data(model.index(1, 0), Role.REFERENCE_ID) == 2
    assert "Same title" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_sidebar_duplicates_lists_the_group_and_switches_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    _show_duplicates(qtbot, window)
    panel = window.duplicates_panel
    assert panel.model.rowCount() == 2 and "1 group" in panel.summary_label.text()
    window.sidebar_view.select_kind(NodeKind.LIBRARY)
    assert window.table_view.isVisible() and not panel.isVisible()


def test_merge_dialog_picks_a_field_merges_and_undo_restores(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    _show_duplicates(qtbot, window)
    panel = window.duplicates_panel
    panel.select_group(panel.model.groups[0])
    with qtbot.waitSignal(panel.merge_requested) as signal:
        qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    dialog = window.open_merge_dialog(signal.args[0])
    assert isinstance(dialog, MergeDialog)
    assert dialog.keep_id() == 2  # the record with the DOI is the more complete one
    assert "title" in dialog.fields and "doi" in dialog.fields
    dialog.pick_keep(ReferenceId(1))
    dialog.field_groups["title"].button(1).click()  # keep the first record's wording
    assert dialog.choices()["title"] == 1 and dialog.choices()["doi"] == 2
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    kept = library.get(ReferenceId(1))
    assert kept.title == FIRST.title and kept.doi == SECOND.doi
    assert library.get(ReferenceId(2)).trashed
    assert [n.text for n in library.notes(ReferenceId(1))] == ["mine", "theirs"]
    assert panel.model.rowCount() == 0  # the view refreshed from the change
    assert window.undo_stack.undoText() == "Merge 2 references"
    window.detail_panel.show_selection([ReferenceId(1)])
    assert "Merged from #2 Lindqvist (2020)" in window.detail_panel.provenance.text()

    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        window.undo_stack.undo()
    assert library.get(ReferenceId(1)).doi == ""
    assert not library.get(ReferenceId(2)).trashed
    assert [n.text for n in library.notes(ReferenceId(2))] == ["theirs"]
    assert panel.model.rowCount() == 2
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        window.undo_stack.redo()
    assert library.get(ReferenceId(2)).trashed and library.get(ReferenceId(1)).doi


def test_not_duplicates_hides_the_group_for_good_and_is_undoable(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    _show_duplicates(qtbot, window)
    panel = window.duplicates_panel
    panel.select_group(panel.model.groups[0])
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0 and library.duplicate_groups() == []
    assert library.dismissed_pairs() == {frozenset({ReferenceId(1), ReferenceId(2)})}
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        window.undo_stack.undo()
    assert panel.model.rowCount() == 2
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        window.undo_stack.redo()
    assert panel.model.rowCount() == 0


def _preview(qtbot: QtBot, library: Library, text: str) -> ImportPreviewDialog:
    pending = PendingImport(registry.parse_text(text), text, ImportMethod.PASTE, "the clipboard")
    dialog = ImportPreviewDialog(library, pending)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_marks_entries_already_in_the_library(qtbot: QtBot, tmp_path: Path) -> None:
    page = (DEDUPE_DATA / "same_day_pair.emerald.txt").read_text(encoding="utf-8")
    richer = (DEDUPE_DATA / "same_day_pair.richer.ris").read_text(encoding="utf-8")
    with Library.open(tmp_path / "marks.sqlite", daily_backup=False) as library:
        library.import_text(page, method=ImportMethod.PASTE)
        dialog = _preview(qtbot, library, page)
        model = dialog.model

        def status(row: int) -> str:
            return str(model.data(model.index(row, PreviewColumn.STATUS)))

        assert [status(r) for r in range(3)] == [
            "Already in your library; ticking adds it again"
        ] * 3
        assert model.checked_indices() == []  # duplicates are not imported again
        assert not dialog.import_button.isEnabled()
        shown: list[int] = []
        dialog.show_existing_requested.connect(shown.append)
        dialog.table.selectRow(1)
        qtbot.mouseClick(dialog.show_existing_button, Qt.MouseButton.LeftButton)
        assert shown == [2]
        dialog.reject()

        # The richer record of the first paper: merged into it by default, filling gaps.
        dialog = _preview(qtbot, library, richer)
        assert str(dialog.model.data(dialog.model.index(0, PreviewColumn.STATUS))).startswith(
            "Will fill "
        )
        tip = dialog.model.data(
            dialog.model.index(0, PreviewColumn.STATUS), Qt.ItemDataRole.ToolTipRole
        )
        assert "title" in tip and "DOI" in tip
        assert dialog.model.merge_into() == {0: 1}
        with qtbot.waitSignal(dialog.import_finished, timeout=10_000) as finished:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        assert finished.args[0].merged == 1 and finished.args[0].added == 0
        assert library.get(ReferenceId(1)).doi == "10.1108/MHSI-05-2016-0017"
        assert library.count() == 3


def test_preview_offers_merge_for_a_possible_duplicate(qtbot: QtBot, library: Library) -> None:
    possible = FIRST.with_changes(title="Peer navigators in emergency departments: a pilot")
    text = registry_text(possible)
    dialog = _preview(qtbot, library, text)
    model = dialog.model
    assert str(model.data(model.index(0, PreviewColumn.STATUS))).startswith("Possibly already")
    assert model.checked_indices() == [0]  # imported unless the person merges it
    dialog.table.selectRow(0)
    assert dialog.merge_button.isEnabled()
    dialog.merge_button.click()
    assert model.checked_indices() == [] and set(model.merge_into()) == {0}
    assert str(model.data(model.index(0, PreviewColumn.STATUS))).endswith("an existing reference")
    dialog.merge_button.click()
    assert model.merge_into() == {}


def registry_text(reference: Reference) -> str:
    """A CSL-JSON text holding one reference, as a paste would bring it."""
    return json.dumps([reference_to_csl(reference, with_id=False)])


def test_entries_model_with_statuses_passes_qtmodeltester(qtmodeltester, library: Library) -> None:
    result = registry.parse_text(registry_text(FIRST))
    model = ParsedEntriesModel(result.entries, None, library.check_duplicates(result))
    qtmodeltester.check(model)
    assert model.data(model.index(0, PreviewColumn.STATUS)) == (
        "Already in your library; ticking adds it again"
    )
