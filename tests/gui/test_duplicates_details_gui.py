"""The Duplicates view drives the details panel, says why each group matches, and when
there is nothing to merge says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool
from pytestqt.qtbot import QtBot

from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.gui.main_window import MainWindow
from peerref.gui.models.duplicates_model import DuplicateColumn
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

WAIT_MS = 10_000
AUTHORS = (Creator("Adeyemi", "Folake"), Creator("Brandt", "Jonas"))
FIRST = Reference(
    title="Open dialogue in first-episode psychosis",
    creators=AUTHORS,
    issued=PartialDate(2018),
    container_title="Community Mental Health Journal",
    doi="10.5555/odfep.2018",
)
SECOND = FIRST.with_changes(title="Open Dialogue in First-Episode Psychosis: a cohort study")
UNRELATED = Reference(title="Housing first in Lisbon", creators=(Creator("Moreira", "Rui"),))


def _window(qtbot: QtBot, library: Library, tmp_path: Path) -> MainWindow:
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


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([FIRST, SECOND, UNRELATED])
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> Iterator[MainWindow]:
    yield _window(qtbot, library, tmp_path)
    QThreadPool.globalInstance().waitForDone(WAIT_MS)


def _show_duplicates(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.duplicates_panel.groups_shown, timeout=WAIT_MS):
        assert window.sidebar_view.select_kind(NodeKind.DUPLICATES)


def _click_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    table = window.duplicates_panel.table
    rect = table.visualRect(table.model().index(row, DuplicateColumn.TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_clicking_a_row_shows_that_reference_and_edits_go_to_it(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    # What the table had selected before must not linger in the details.
    window.table_view.select_ids([ReferenceId(3)])
    assert window.detail_panel.reference is not None
    assert window.detail_panel.reference.id == 3
    _show_duplicates(qtbot, window)
    assert window.detail_panel.reference is None  # no duplicate row chosen yet

    _click_row(qtbot, window, 1)
    shown = window.detail_panel.reference
    assert shown is not None and shown.id == 2
    assert window.detail_panel.title_edit.text() == SECOND.title
    _click_row(qtbot, window, 0)
    shown = window.detail_panel.reference
    assert shown is not None and shown.id == 1

    title = window.detail_panel.title_edit
    title.setFocus()
    qtbot.keyClick(title, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(title, "Open dialogue: a first-episode study")
    with qtbot.waitSignal(window.duplicates_panel.groups_shown, timeout=WAIT_MS):
        qtbot.keyClick(title, Qt.Key.Key_Return)
    assert library.get(ReferenceId(1)).title == "Open dialogue: a first-episode study"
    assert library.get(ReferenceId(2)).title == SECOND.title
    assert library.get(ReferenceId(3)).title == UNRELATED.title

    window.sidebar_view.select_kind(NodeKind.LIBRARY)
    shown = window.detail_panel.reference
    assert shown is not None and shown.id == 3  # the table's selection again


def test_each_group_says_why_its_entries_match(qtbot: QtBot, window: MainWindow) -> None:
    _show_duplicates(qtbot, window)
    panel = window.duplicates_panel
    model = panel.model
    assert model.headerData(DuplicateColumn.WHY, Qt.Orientation.Horizontal) == "Why they match"
    assert model.data(model.index(0, DuplicateColumn.WHY)) == "Same DOI."
    assert model.data(model.index(1, DuplicateColumn.WHY)) == ""  # said once per group
    tooltip = model.data(model.index(1, DuplicateColumn.GROUP), Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Why they match: Same DOI."
    assert not panel.empty_state.isVisible()
    _click_row(qtbot, window, 1)
    assert panel.why_label.text() == "Group 1 matches: Same DOI."
    assert panel.why_label.isVisible()


def test_an_empty_duplicates_view_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    with Library.open(tmp_path / "alone.sqlite", daily_backup=False) as library:
        library.add([UNRELATED])
        window = _window(qtbot, library, tmp_path)
        _show_duplicates(qtbot, window)
        panel = window.duplicates_panel
        assert panel.model.rowCount() == 0
        assert panel.summary_label.text() == "No duplicates found."
        assert panel.empty_state.isVisible()
        assert "No duplicates found" in panel.empty_state.text()
        assert panel.empty_state.geometry() == panel.table.viewport().rect()
        assert window.detail_panel.reference is None
        QThreadPool.globalInstance().waitForDone(WAIT_MS)


def test_actions_in_the_duplicates_view_act_on_the_chosen_row_not_the_hidden_table(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.table_view.select_ids([ReferenceId(3)])
    _show_duplicates(qtbot, window)
    assert window.selected_ids() == []
    assert not window.trash_action.isEnabled()
    _click_row(qtbot, window, 1)
    assert window.selected_ids() == [ReferenceId(2)]
    assert window.trash_action.isEnabled()
    with qtbot.waitSignal(window.duplicates_panel.groups_shown, timeout=WAIT_MS):
        window.trash_action.trigger()
    assert library.get(ReferenceId(2)).trashed
    assert not library.get(ReferenceId(3)).trashed  # the table's selection was left alone
    assert window.duplicates_panel.model.rowCount() == 0


def test_a_narrow_panel_keeps_the_title_and_a_wide_one_shows_why(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.duplicates_panel
    header = panel.table.horizontalHeader()
    window.resize(1000, 700)
    _show_duplicates(qtbot, window)
    _click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: panel.table.viewport().width() < 560)
    assert header.isSectionHidden(DuplicateColumn.WHY)
    assert header.sectionSize(DuplicateColumn.TITLE) >= 150
    assert panel.why_label.text() == "Group 1 matches: Same DOI."  # said under the table
    window.resize(2000, 900)
    sizes = window.splitter.sizes()
    sizes[window.splitter.indexOf(panel)] = 1200
    window.splitter.setSizes(sizes)
    qtbot.waitUntil(lambda: panel.table.viewport().width() >= 760)
    assert not header.isSectionHidden(DuplicateColumn.WHY)
    assert not header.isSectionHidden(DuplicateColumn.SOURCE)
