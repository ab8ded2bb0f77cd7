"""The details panel shows and edits the whole date: year, month, day, season."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.model import PartialDate, Reference, ReferenceId
from peerref.gui.main_window import MainWindow
from peerref.gui.views.date_editor import DateError, apply_date_year
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

FULL = Reference(title="A dated report", issued=PartialDate(2012, 6, 15))
ISSUE = Reference(title="A double issue", issued=PartialDate(2019, season="Sep-Oct"))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([FULL, ISSUE])
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


def show(window: MainWindow, library: Library, title: str) -> ReferenceId:
    ref_id = next(r.id for r in library.get_many(library.search_ids()) if r.title == title)
    assert ref_id is not None
    window.table_view.setFocus()
    window.select_references([ref_id])
    return ref_id


def type_year(qtbot: QtBot, window: MainWindow, text: str) -> None:
    edit = window.detail_panel.date_editor.year_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key, times: int = 1) -> None:
    widget.setFocus()
    for _ in range(times):
        qtbot.keyClick(widget, key)


def test_the_full_date_is_shown(window: MainWindow, library: Library) -> None:
    show(window, library, FULL.title)
    dates = window.detail_panel.date_editor
    assert dates.year_edit.text() == "2012"
    assert dates.month_box.currentData() == 6
    assert dates.day_box.value() == 15 and dates.day_box.isEnabled()

    show(window, library, ISSUE.title)
    assert dates.month_box.currentText() == "Sep-Oct"  # the source's season, as given
    assert not dates.day_box.isEnabled()  # no day without a month


def test_a_new_year_drops_the_month_and_day_the_source_gave(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, FULL.title)
    type_year(qtbot, window, "2013")
    assert library.get(ref_id).issued == PartialDate(2013)
    dates = window.detail_panel.date_editor
    assert dates.month_box.currentData() is None and dates.day_box.value() == 0
    window.undo_action.trigger()
    assert library.get(ref_id).issued == PartialDate(2012, 6, 15)


def test_the_same_year_typed_again_keeps_month_and_day(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, FULL.title)
    type_year(qtbot, window, "2012")
    assert library.get(ref_id).issued == PartialDate(2012, 6, 15)


def test_month_day_and_season_are_edited_and_a_typed_month_outlives_a_new_year(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, ISSUE.title)
    dates = window.detail_panel.date_editor
    press(qtbot, dates.month_box, Qt.Key.Key_Home)  # "Month": none
    assert library.get(ref_id).issued == PartialDate(2019, season="Sep-Oct")
    press(qtbot, dates.month_box, Qt.Key.Key_Down, 2)  # Jan, then Feb
    assert library.get(ref_id).issued == PartialDate(2019, 2)  # a month replaces a season
    assert dates.day_box.isEnabled()
    dates.day_box.setFocus()
    dates.day_box.lineEdit().selectAll()
    qtbot.keyClicks(dates.day_box, "30")  # February 2019 has 28 days: the 0 is refused
    qtbot.keyClick(dates.day_box, Qt.Key.Key_Return)
    assert dates.day_box.maximum() == 28
    assert library.get(ref_id).issued == PartialDate(2019, 2, 3)
    dates.day_box.lineEdit().selectAll()
    qtbot.keyClicks(dates.day_box, "28")
    qtbot.keyClick(dates.day_box, Qt.Key.Key_Return)
    assert library.get(ref_id).issued == PartialDate(2019, 2, 28)

    # Month and day were set here: a new year keeps them.
    type_year(qtbot, window, "2020")
    assert library.get(ref_id).issued == PartialDate(2020, 2, 28)

    # Another reference and back: what was set before no longer counts as typed.
    show(window, library, FULL.title)
    show(window, library, ISSUE.title)
    type_year(qtbot, window, "2021")
    assert library.get(ref_id).issued == PartialDate(2021)


def test_a_season_is_chosen_from_the_same_list_after_the_months(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, FULL.title)
    dates = window.detail_panel.date_editor
    press(qtbot, dates.month_box, Qt.Key.Key_End)  # the seasons follow December
    assert library.get(ref_id).issued == PartialDate(2012, season="Winter")
    assert dates.month_box.currentText() == "Winter" and not dates.day_box.isEnabled()
    type_year(qtbot, window, "2014")  # chosen here: the season stays
    assert library.get(ref_id).issued == PartialDate(2014, season="Winter")


def test_a_range_is_given_its_end_and_kept_in_the_library(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, FULL.title)
    dates = window.detail_panel.date_editor
    assert not dates.end_row.isVisible()
    dates.range_button.setFocus()
    qtbot.keyClick(dates.range_button, Qt.Key.Key_Space)
    assert dates.end_row.isVisible()
    assert QApplication.focusWidget() is dates.end_year
    qtbot.keyClicks(dates.end_year, "2012")
    qtbot.keyClick(dates.end_year, Qt.Key.Key_Tab)  # to the end's month
    assert library.get(ref_id).issued == PartialDate(2012, 6, 15, end=PartialDate(2012))
    press(qtbot, dates.end_month, Qt.Key.Key_Down, 7)  # July
    assert library.get(ref_id).issued.end == PartialDate(2012, 7)

    # Shown again from the library, with its end.
    show(window, library, ISSUE.title)
    assert not dates.end_row.isVisible()
    show(window, library, FULL.title)
    assert dates.end_row.isVisible() and dates.end_year.text() == "2012"
    assert dates.end_month.currentData() == 7

    # Unticking the range drops the end (undoably).
    dates.range_button.click()
    assert library.get(ref_id).issued == PartialDate(2012, 6, 15)
    window.undo_action.trigger()
    assert library.get(ref_id).issued.end == PartialDate(2012, 7)


def test_a_year_that_is_not_one_is_refused_next_to_the_field(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    ref_id = show(window, library, FULL.title)
    type_year(qtbot, window, "12a")
    assert window.detail_panel.field_message("year") == "The year must be a number from 1 to 9999."
    assert library.get(ref_id).issued == PartialDate(2012, 6, 15)


@pytest.mark.parametrize(
    ("typed", "text", "expected"),
    [
        ((), "2013", PartialDate(2013)),
        ((), "2012", PartialDate(2012, 6, 15, "Spring")),
        (("month",), "2013", PartialDate(2013, 6)),
        (("month", "day"), "2013", PartialDate(2013, 6, 15)),
        (("season",), "2013", PartialDate(2013, season="Spring")),
        ((), "", PartialDate()),
        (("end",), "2012", PartialDate(2012, 6, 15, "Spring")),
    ],
)
def test_the_rule_for_a_changed_year(
    typed: tuple[str, ...], text: str, expected: PartialDate
) -> None:
    assert apply_date_year(PartialDate(2012, 6, 15, "Spring"), text, typed=typed) == expected


def test_a_range_end_outlives_a_new_year_only_when_typed_and_not_before_the_start() -> None:
    ranged = PartialDate(2012, end=PartialDate(2014))
    assert apply_date_year(ranged, "2013") == PartialDate(2013)
    assert apply_date_year(ranged, "2013", typed=("end",)) == PartialDate(
        2013, end=PartialDate(2014)
    )
    assert apply_date_year(ranged, "2015", typed=("end",)) == PartialDate(2015)


def test_a_typed_29_february_moves_to_the_28th_in_a_common_year() -> None:
    leap = PartialDate(2012, 2, 29)
    assert apply_date_year(leap, "2013", typed=("month", "day")) == PartialDate(2013, 2, 28)
    with pytest.raises(DateError):
        apply_date_year(leap, "10000")
