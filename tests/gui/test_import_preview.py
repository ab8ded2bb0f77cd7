"""The import preview dialog: entries listed with warnings, unchecked ones left out, one commit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QProgressDialog, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.model import ImportMethod
from peerref.formats import registry
from peerref.gui.dialogs.import_preview import (
    UNTITLED,
    ImportPreviewDialog,
    ParsedEntriesModel,
    PendingImport,
    PreviewColumn,
    collection_choices,
)
from peerref.gui.long_text import ABSTRACT_DISPLAY_LIMIT, LongTextDialog
from peerref.library import Library

# The offscreen platform cannot pass a window's size limits on and says so; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Our own entries in the shape of text copied from an Emerald Insight results page.
JOURNALS = (
    ("Mental Health Review Journal", "1361-9322"),
    ("Journal of Public Mental Health", "1746-5729"),
    ("The Journal of Adult Protection", "1466-8203"),
    ("Housing, Care and Support", "1460-8790"),
)
AUTHORS = (
    "Aoife Brennan and Tomás Ó Rourke",
    "Priya Raman, Lucy Fairweather and Kwame Mensah",
    "Henrik van der Berg",
    "Sarah McAllister and Daniel Okafor",
)
TOPICS = (
    "befriending schemes run by volunteers",
    "recovery colleges in rural districts",
    "crisis cafes open in the evening",
    "supported housing for young adults",
    "shared decision making in outpatient clinics",
)


def emerald_entry(i: int) -> str:
    journal, issn = JOURNALS[i % len(JOURNALS)]
    topic = TOPICS[i % len(TOPICS)]
    purpose = (
        f"This paper looks at {topic} and how staff describe their work with them. "
        f"Case {i} of the series asks what changed for the people who used the service."
    )
    lines = [
        "Article",
        f"Publication date: {1 + i % 27} March {2010 + i % 12}",
        "",
        AUTHORS[i % len(AUTHORS)],
        "",
        f"This paper looks at {topic} and how staff describe their work with them. Case {i} …",
        "",
        str(30 + i),
        "",
        "Abstract",
        "",
        "Purpose",
        "",
        purpose,
        "",
        "Design/methodology/approach",
        "",
        f"Staff and service users at site {i} kept diaries for three months, "
        "read together with the notes of monthly team meetings.",
        "",
        "Findings",
        "",
        f"People valued being listened to more than any single activity offered by {topic}.",
        "",
        "Details",
        "",
        f"{journal}, vol. {5 + i % 9} no. {1 + i % 4}",
        "Type: Research Article",
        f"ISSN: {issn}",
        "",
        "Keywords",
        "",
    ]
    return "\n".join(lines) + "\n"


def emerald_page(count: int) -> str:
    return f"Search results\n\n1 – {count} of over 4000\n" + "".join(
        emerald_entry(i) for i in range(count)
    )


class Messages:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as lib:
        yield lib


def pending_for(text: str, method: ImportMethod = ImportMethod.PASTE) -> PendingImport:
    return PendingImport(registry.parse_text(text), text, method, "the clipboard")


def make_dialog(qtbot: QtBot, library: Library, pending: PendingImport, **options: object):
    dialog = ImportPreviewDialog(library, pending, **options)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_lists_entries_with_source_format_and_warnings(
    qtbot: QtBot, library: Library
) -> None:
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(4)))
    model = dialog.model
    assert "Emerald Insight" in dialog.summary_label.text()
    assert "4 references found in the clipboard" in dialog.summary_label.text()
    assert model.rowCount() == 4
    assert model.checked_indices() == [0, 1, 2, 3]
    assert dialog.count_label.text() == "4 of 4 selected"

    def cell(row: int, column: PreviewColumn, role=Qt.ItemDataRole.DisplayRole):
        return model.data(model.index(row, column), role)

    assert cell(0, PreviewColumn.AUTHORS) == "Brennan, Ó Rourke"
    assert cell(2, PreviewColumn.AUTHORS) == "van der Berg"
    assert cell(0, PreviewColumn.YEAR) == "2010"
    assert cell(1, PreviewColumn.SOURCE) == "Journal of Public Mental Health 6(2)"
    # Emerald's copied text has no titles: shown as untitled with the abstract's start.
    title = cell(0, PreviewColumn.TITLE)
    assert title.startswith(f"{UNTITLED} Purpose: This paper looks at befriending")
    assert cell(0, PreviewColumn.TITLE, Qt.ItemDataRole.FontRole).italic()
    assert "no title" in cell(0, PreviewColumn.WARNINGS)
    assert cell(0, PreviewColumn.WARNINGS, Qt.ItemDataRole.DecorationRole) is not None
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in PreviewColumn] == [
        "Authors",
        "Year",
        "Title",
        "Source",
        "Warnings",
        "Status",
    ]


def test_unchecked_entry_is_left_out_of_the_import(qtbot: QtBot, library: Library) -> None:
    page = emerald_page(4)
    dialog = make_dialog(qtbot, library, pending_for(page))
    imported: list[object] = []
    dialog.import_finished.connect(imported.append)

    # Uncheck the second entry as a person would: select its row, press Space.
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, PreviewColumn.AUTHORS))
    qtbot.keyClick(dialog.table.viewport(), Qt.Key.Key_Space)
    assert dialog.model.checked_indices() == [0, 2, 3]
    assert dialog.count_label.text() == "3 of 4 selected"

    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == ImportPreviewDialog.DialogCode.Accepted
    outcome = imported[0]
    assert outcome.added == 3  # type: ignore[attr-defined]
    assert library.count() == 3
    stored = library.get_many(library.search_ids())
    families = sorted(r.creators[0].family for r in stored)
    assert families == ["Berg", "Brennan", "McAllister"]  # Raman's entry was unchecked
    batch = library.batches()[0]
    assert batch.raw_input == page
    assert batch.method is ImportMethod.PASTE
    assert batch.format_name == "emerald"
    assert all(r.source_text and r.source_text in page for r in stored)
    assert outcome.changes.added == frozenset(r.id for r in stored)  # type: ignore[attr-defined]


def test_show_original_text_follows_the_current_entry(qtbot: QtBot, library: Library) -> None:
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(3)))
    assert not dialog.original_text.isVisible()
    qtbot.mouseClick(dialog.show_original_button, Qt.MouseButton.LeftButton)
    assert dialog.original_text.isVisible()
    assert "Case 0 of the series" in dialog.original_text.toPlainText()
    dialog.table.selectRow(2)
    assert "Case 2 of the series" in dialog.original_text.toPlainText()
    assert "Case 0 of the series" not in dialog.original_text.toPlainText()
    qtbot.mouseClick(dialog.show_original_button, Qt.MouseButton.LeftButton)
    assert not dialog.original_text.isVisible()


def test_a_one_megabyte_original_line_is_shown_bounded_and_whole_on_request(
    qtbot: QtBot, library: Library
) -> None:
    """A 1 MB line is not laid out whole (Qt wraps it slowly): its start is shown, unwrapped."""
    abstract = "peer-support-" * 80_000  # about 1 MB with nowhere to break
    text = f"TY  - JOUR\nTI  - Peer support on wards\nAB  - {abstract}\nER  - \n"
    dialog = make_dialog(qtbot, library, pending_for(text, ImportMethod.FILE))
    raw = dialog.model.entry(0).raw_text
    assert len(raw) > 1_000_000
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.show_original_button, Qt.MouseButton.LeftButton)
    assert dialog.original_text.isVisible()
    shown = dialog.original_text.toPlainText()
    assert len(shown) <= ABSTRACT_DISPLAY_LIMIT + 1
    assert raw.startswith(shown.removesuffix("…"))
    assert dialog.original_text.lineWrapMode() is QPlainTextEdit.LineWrapMode.NoWrap
    assert dialog.long_original_row.isVisible()
    assert f"{len(raw):,} characters" in dialog.long_original_note.text()

    qtbot.waitUntil(lambda: dialog.whole_original_button.width() > 0)  # the splitter's layout
    qtbot.mouseClick(dialog.whole_original_button, Qt.MouseButton.LeftButton)
    whole = dialog.findChild(LongTextDialog)
    assert whole is not None and whole.isVisible()
    assert whole.text() == raw
    assert whole.editor.isReadOnly()
    assert whole.editor.lineWrapMode() is QPlainTextEdit.LineWrapMode.NoWrap
    whole.reject()


def test_a_short_original_is_shown_whole_and_wrapped(qtbot: QtBot, library: Library) -> None:
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(2)))
    qtbot.mouseClick(dialog.show_original_button, Qt.MouseButton.LeftButton)
    assert dialog.original_text.toPlainText() == dialog.model.entry(0).raw_text
    assert dialog.original_text.lineWrapMode() is QPlainTextEdit.LineWrapMode.WidgetWidth
    assert not dialog.long_original_row.isVisible()


def test_import_into_the_chosen_collection(qtbot: QtBot, library: Library) -> None:
    theses, _ = library.add_collection("Theses")
    chapter, _ = library.add_collection("Chapter 2", parent=theses.id)
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(2)))
    combo = dialog.collection_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "None (My Library only)",
        "Theses",
        "Theses / Chapter 2",
    ]
    assert dialog.selected_collection() is None
    combo.setCurrentIndex(2)
    assert dialog.selected_collection() == chapter.id
    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS):
        dialog.import_button.click()
    assert library.count(collection=chapter.id) == 2


def test_preselected_collection_from_a_drop_on_the_sidebar(qtbot: QtBot, library: Library) -> None:
    reading, _ = library.add_collection("Reading list")
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(1)), collection=reading.id)
    assert dialog.selected_collection() == reading.id


def test_select_none_disables_import_and_changes_nothing(qtbot: QtBot, library: Library) -> None:
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(3)))
    qtbot.mouseClick(dialog.select_none_button, Qt.MouseButton.LeftButton)
    assert dialog.model.checked_indices() == []
    assert not dialog.import_button.isEnabled()
    assert dialog.start_import() is None
    qtbot.mouseClick(dialog.select_all_button, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled()
    dialog.reject()
    assert library.count() == 0
    assert library.batches() == []


def test_big_page_commit_shows_progress_then_imports_everything(
    qtbot: QtBot, library: Library
) -> None:
    dialog = make_dialog(qtbot, library, pending_for(emerald_page(1500)), progress_delay_ms=0)
    # The synthetic entries repeat each other (same authors, day, issue and abstract), so
    # duplicate detection unchecks the repeats; import them all anyway.
    dialog.model.set_all_checked(True)
    progress: list[QProgressDialog] = []
    op = dialog.start_import()
    assert op is not None
    op.progress_dialog_shown.connect(progress.append)
    assert not dialog.table.isEnabled()  # nothing can change while the commit runs
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000):
        pass
    assert progress and "Importing 1500 references" in progress[0].labelText()
    assert library.count() == 1500


def test_model_passes_qtmodeltester(qtmodeltester, library: Library) -> None:
    result = registry.parse_text(emerald_page(3))
    model = ParsedEntriesModel(result.entries)
    qtmodeltester.check(model)
    model.set_checked(1, False)
    qtmodeltester.check(model)


def test_collection_choices_survive_a_cycle() -> None:
    from peerref.core.model import Collection, CollectionId

    a = Collection(CollectionId(1), "A", parent_id=CollectionId(2))
    b = Collection(CollectionId(2), "B", parent_id=CollectionId(1))
    c = Collection(CollectionId(3), "C")
    assert collection_choices([a, b, c]) == [("C", CollectionId(3))]


@pytest.mark.seeds
def test_seed_emerald_page_lists_ten(qtbot: QtBot, library: Library) -> None:
    matches = sorted(SEEDS_DIR.glob("000_*.txt"))
    if not matches:
        pytest.skip("../shared/seeds is not present")
    text = matches[0].read_text(encoding="utf-8")
    dialog = make_dialog(qtbot, library, pending_for(text))
    assert dialog.model.rowCount() == 10
    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS):
        dialog.import_button.click()
    assert library.count() == 10


class GatedLibrary:
    """The real library, with a commit that waits until the test lets it finish."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.commit_started = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self._library, name)

    def import_parsed(self, *args: object, **kwargs: object) -> object:
        self.commit_started.set()
        self.release.wait(WAIT_MS / 1000)
        return self._library.import_parsed(*args, **kwargs)  # type: ignore[arg-type]


def test_cancel_during_the_commit_says_the_import_was_already_saved(
    qtbot: QtBot, library: Library
) -> None:
    gated = GatedLibrary(library)
    messages = Messages()
    dialog = make_dialog(
        qtbot, gated, pending_for(emerald_page(3)), progress_delay_ms=0, show_message=messages
    )
    op = dialog.start_import()
    assert op is not None
    qtbot.waitUntil(gated.commit_started.is_set, timeout=WAIT_MS)
    dialog.reject()  # Escape while the one-transaction commit is running
    assert dialog.isVisible()  # the dialog does not hide a commit in progress
    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS):
        gated.release.set()
    assert library.count() == 3
    assert [title for title, _text in messages.shown] == ["Import already saved"]
    assert "Undo" in messages.shown[0][1]
