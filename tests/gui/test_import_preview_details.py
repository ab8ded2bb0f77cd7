"""The import preview shows everything before saving, and merging never loses a richer value.

Issue 14, driven through the dialog's real widgets: every parsed field and warning of the
selected entry, columns that share 1000 pixels sensibly, skipped lines quoted, rows the
library holds saying what ticking them does, doubtful readings left unticked, Space on a
selection, and the per-entry choice between keeping the stored values and replacing them
with the incoming ones — a poorer value never replacing a richer one either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from peerref.core.csl import reference_to_csl
from peerref.core.model import (
    AbstractSection,
    Creator,
    ImportMethod,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats import registry
from peerref.gui.dialogs.import_preview import (
    COLUMN_MINIMUMS,
    ImportPreviewDialog,
    ParsedEntriesModel,
    PendingImport,
    PreviewColumn,
)
from peerref.library import Library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000

STRUCTURED = (
    AbstractSection("Purpose", "To follow carers through a year of planned respite breaks."),
    AbstractSection("Design/methodology/approach", "Monthly interviews with 18 carers."),
    AbstractSection("Findings", "Breaks booked months ahead were the ones carers trusted."),
)
STORED = Reference(
    type=ReferenceType.ARTICLE_JOURNAL,
    title="Carers' experiences of respite in rural Scotland",
    creators=(Creator("MacLeod", "Fiona"), Creator("Baird", "Tom")),
    issued=PartialDate(2018),
    container_title="Working with Older People",
    issue="2",
    page="88-97",
    issn=("1366-3666",),
    doi="10.1108/WWOP-01-2018-0003",
    abstract=STRUCTURED,
)
# The same paper from another source: a full date (richer), the volume (a gap) and the
# abstract as one flat paragraph (poorer, though longer).
INCOMING = STORED.with_changes(
    issued=PartialDate(2018, 5, 14),
    volume="22",
    abstract=(
        AbstractSection(
            "",
            "Purpose To follow carers through a year of planned respite breaks. "
            "Design/methodology/approach Monthly interviews with 18 carers. Findings Breaks "
            "booked months ahead were the ones carers trusted. © The authors 2018.",
        ),
    ),
)
FULL = Reference(
    type=ReferenceType.CHAPTER,
    title="Day centres after the pandemic",
    creators=(Creator("Hughes", "Gareth"), Creator("Ó Rourke", "Tomás")),
    issued=PartialDate(2021, 9, 3),
    container_title="Ageing well in small towns",
    volume="3",
    issue="1",
    page="41-58",
    issn=("2042-8707",),
    isbn=("978-1-83982-116-3",),
    doi="10.1108/978-1-83982-115-620211004",
    abstract=STRUCTURED,
)
PROSE = (
    "Recent work by Okafor (2019) argued that peer work changes services. It does so in three "
    "ways, which the next section takes one at a time."
)
APA = (
    "Repper, J., & Watson, E. (2012). A year of peer support in Nottingham: Lessons learned. "
    "Psychiatric Services, 63(4), 1-9. https://doi.org/10.1176/appi.ps.201100123"
)


def csl_text(*references: Reference) -> str:
    return json.dumps([reference_to_csl(r, with_id=False) for r in references])


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


def open_dialog(qtbot: QtBot, library: Library, text: str) -> ImportPreviewDialog:
    pending = PendingImport(registry.parse_text(text), text, ImportMethod.PASTE, "the clipboard")
    dialog = ImportPreviewDialog(library, pending)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click_row(qtbot: QtBot, dialog: ImportPreviewDialog, row: int, column: PreviewColumn) -> None:
    rect = dialog.table.visualRect(dialog.model.index(row, column))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def status(dialog: ImportPreviewDialog, row: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, PreviewColumn.STATUS)))


def test_every_parsed_field_of_the_selected_entry_is_shown(qtbot: QtBot, library: Library) -> None:
    dialog = open_dialog(qtbot, library, csl_text(STORED, FULL))
    click_row(qtbot, dialog, 1, PreviewColumn.TITLE)
    shown = dialog.details.text()
    for expected in (
        "Book chapter",
        "Hughes, Gareth; Ó Rourke, Tomás",
        "2021-09-03",
        "Day centres after the pandemic",
        "Ageing well in small towns",
        "41-58",
        "2042-8707",
        "978-1-83982-116-3",
        "10.1108/978-1-83982-115-620211004",
        "Purpose: To follow carers",
        "Design/methodology/approach: Monthly interviews",
        "Findings: Breaks booked",
    ):
        assert expected in shown, expected
    assert "Book\nAgeing well in small towns" in shown
    assert "Volume\n3\nIssue\n1\nPages\n41-58" in shown
    click_row(qtbot, dialog, 0, PreviewColumn.TITLE)
    shown = dialog.details.text()
    assert "Carers' experiences of respite" in shown and "Hughes" not in shown
    # Fields the entry lacks are listed too, so a gap is seen before saving.
    assert "Volume\n—" in shown and "ISBN\n—" in shown


def test_every_warning_of_an_entry_is_listed(qtbot: QtBot, library: Library) -> None:
    dialog = open_dialog(qtbot, library, PROSE)
    warnings = dialog.model.warnings_for(0)
    assert len(warnings) >= 2
    cell = str(dialog.model.data(dialog.model.index(0, PreviewColumn.WARNINGS)))
    assert cell.endswith(f"(+{len(warnings) - 1} more)")
    tip = str(
        dialog.model.data(
            dialog.model.index(0, PreviewColumn.WARNINGS), Qt.ItemDataRole.ToolTipRole
        )
    )
    shown = dialog.details.text()
    for warning in warnings:
        assert warning in tip and warning in shown
    assert "not ticked" in shown


def test_columns_share_1000_pixels_with_the_title_stretching(
    qtbot: QtBot, library: Library
) -> None:
    long_journal = FULL.with_changes(
        type=ReferenceType.ARTICLE_JOURNAL,
        container_title="The International Journal of Interdisciplinary Social and Community "
        "Studies in Ageing, Housing and Care",
    )
    dialog = open_dialog(qtbot, library, csl_text(STORED, long_journal) + "\n")
    dialog.resize(1000, 640)
    qtbot.waitUntil(lambda: dialog.width() == 1000, timeout=WAIT_MS)
    header = dialog.table.horizontalHeader()
    viewport = dialog.table.viewport().width()
    widths = {column: header.sectionSize(column) for column in PreviewColumn}
    assert header.sectionResizeMode(PreviewColumn.TITLE) is QHeaderView.ResizeMode.Stretch
    assert widths[PreviewColumn.TITLE] == max(widths.values())
    assert widths[PreviewColumn.TITLE] >= 0.3 * viewport
    assert sum(widths.values()) <= viewport
    for column in PreviewColumn:
        assert widths[column] >= COLUMN_MINIMUMS[column], column
    # The year fits its contents without taking a share it does not need.
    year_text = dialog.table.fontMetrics().horizontalAdvance("2018")
    assert year_text < widths[PreviewColumn.YEAR] < 0.1 * viewport
    # The long journal name is cut to its share rather than squeezing the title.
    assert widths[PreviewColumn.SOURCE] <= 0.2 * viewport + 1


def test_a_skipped_line_is_quoted_with_its_line_number(qtbot: QtBot, library: Library) -> None:
    text = "\n".join([APA, "", "Cookie settings | Accept all", "", APA.replace("2012", "2013")])
    dialog = open_dialog(qtbot, library, text)
    assert dialog.model.rowCount() == 2
    notes = dialog.notes_label.text()
    assert "line 3: “Cookie settings | Accept all”" in notes
    assert dialog.notes_label.isVisible()
    assert "line 3: “Cookie settings | Accept all”" in dialog.notes_label.toolTip()


def test_a_paragraph_of_prose_starts_unticked(qtbot: QtBot, library: Library) -> None:
    dialog = open_dialog(qtbot, library, PROSE + "\n\n" + APA)
    assert dialog.model.rowCount() == 2
    assert dialog.checked_indices() == [1]
    assert dialog.count_label.text() == "1 of 2 selected"
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, PreviewColumn.TITLE))
    qtbot.keyClick(dialog.table.viewport(), Qt.Key.Key_Space)
    assert dialog.checked_indices() == [0, 1]


def test_space_ticks_and_unticks_every_selected_entry(qtbot: QtBot, library: Library) -> None:
    others = [STORED.with_changes(title=f"Respite breaks, part {n}", doi="") for n in range(4)]
    dialog = open_dialog(qtbot, library, csl_text(*others))
    assert dialog.checked_indices() == [0, 1, 2, 3]
    click_row(qtbot, dialog, 1, PreviewColumn.TITLE)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(i.row() for i in dialog.table.selectionModel().selectedRows()) == [1, 2, 3]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.checked_indices() == [0]
    assert dialog.count_label.text() == "1 of 4 selected"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.checked_indices() == [0, 1, 2, 3]
    # One row alone, from any column.
    click_row(qtbot, dialog, 0, PreviewColumn.STATUS)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.checked_indices() == [1, 2, 3]


def test_rows_already_held_say_whether_ticking_merges_or_adds_again(
    qtbot: QtBot, library: Library
) -> None:
    library.add([STORED])
    dialog = open_dialog(qtbot, library, csl_text(STORED, INCOMING))
    model = dialog.model
    # The same record again: nothing to fill in, so ticking would add it a second time.
    assert status(dialog, 0) == "Already in your library; ticking adds it again"
    # The richer record is ticked and merges; unticked, it says what ticking would do.
    assert status(dialog, 1) == "Will fill volume in an existing reference"
    click_row(qtbot, dialog, 1, PreviewColumn.TITLE)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert status(dialog, 1) == "Already in your library; ticking fills in volume"
    assert model.merge_into() == {} and dialog.checked_indices() == []
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert status(dialog, 1).startswith("Will fill volume")
    # With Merge Into Existing off, ticking adds the paper again, and the row says so.
    assert dialog.merge_button.isChecked()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert status(dialog, 1) == "Already in your library; ticking adds it again"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert status(dialog, 1) == "Already in your library; will be added again"
    assert dialog.checked_indices() == [1] and model.merge_into() == {}
    dialog.reject()


def test_the_preview_says_what_would_be_replaced_and_keeps_mine_by_default(
    qtbot: QtBot, library: Library
) -> None:
    (stored_id,) = library.add([STORED]).added
    dialog = open_dialog(qtbot, library, csl_text(INCOMING))
    assert status(dialog, 0) == "Will fill volume in an existing reference"
    shown = dialog.details.text()
    assert "In your library: MacLeod (2018) Carers' experiences" in shown
    assert "Would fill in: volume" in shown
    assert "Would replace date “2018” with “2018-05-14”" in shown
    assert "Would replace abstract" not in shown  # the flat one is poorer: never offered
    tip = str(
        dialog.model.data(dialog.model.index(0, PreviewColumn.STATUS), Qt.ItemDataRole.ToolTipRole)
    )
    assert "Would replace date “2018” with “2018-05-14”" in tip
    assert dialog.details.merge_choice.isVisible()
    assert dialog.details.keep_button.isChecked()
    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    kept = library.get(stored_id)
    assert kept.volume == "22"
    assert kept.issued == PartialDate(2018)  # mine, kept
    assert kept.abstract == STRUCTURED


def test_choosing_to_replace_takes_the_richer_values_but_never_a_poorer_one(
    qtbot: QtBot, library: Library
) -> None:
    (stored_id,) = library.add([STORED]).added
    dialog = open_dialog(qtbot, library, csl_text(INCOMING))
    qtbot.mouseClick(dialog.details.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.details.replace_button.isChecked()
    assert status(dialog, 0) == "Will fill volume and replace date in an existing reference"
    with qtbot.waitSignal(dialog.import_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].merged == 1 and finished.args[0].added == 0
    replaced = library.get(stored_id)
    assert replaced.issued == PartialDate(2018, 5, 14)
    assert replaced.volume == "22"
    assert replaced.abstract == STRUCTURED  # the flat abstract never replaces it
    (event,) = library.merge_history(stored_id)
    assert set(event.fields) == {"volume", "issued"}


def test_model_with_merge_choices_passes_qtmodeltester(qtmodeltester, library: Library) -> None:
    library.add([STORED])
    result = registry.parse_text(csl_text(STORED, INCOMING, FULL))
    statuses = library.check_duplicates(result)
    model = ParsedEntriesModel(result.entries, None, statuses)
    qtmodeltester.check(model)
    model.set_replacing(1, True)
    model.set_merging(0, True)
    qtmodeltester.check(model)
    assert model.replacing() == [1] and set(model.merge_into()) == {0, 1}
