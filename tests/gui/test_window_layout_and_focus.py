"""The window's layout at ordinary sizes and where the keyboard focus goes (QA findings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QHeaderView, QLabel
from pytestqt.qtbot import QtBot

from peerref.core.model import Creator, Note, NoteId, PartialDate, Reference, ReferenceId
from peerref.gui.dialogs.merge_dialog import MergeDialog
from peerref.gui.dialogs.preferences import PreferencesDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.models.sidebar_model import NodeKind
from peerref.gui.views.detail_panel import DetailPanel, note_summary
from peerref.gui.views.reference_table_view import TITLE_MIN_WIDTH
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 10_000
LONG_TITLE = (
    "Peer support workers on acute inpatient mental health wards: an ethnographic study of "
    "role boundaries, lived experience and the everyday negotiation of professional identity"
)
AUTHORS = (
    Creator(family="Okafor", given="Ada"),
    Creator(family="Lindqvist", given="Henrik Johannes"),
    Creator(family="Raman", given="Priya"),
)
FIRST = Reference(
    title=LONG_TITLE,
    creators=AUTHORS,
    issued=PartialDate(2021),
    container_title="Mental Health Review Journal",
)
TWIN = FIRST.with_changes(title=LONG_TITLE + ".")
UNTITLED = Reference(creators=(Creator(family="Solberg", given="Ingrid"),))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([FIRST, TWIN, UNTITLED])
        yield opened


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def open_window(qtbot: QtBot, library: Library, qsettings: QSettings) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=qsettings,
        show_message=lambda *_args: None,
        progress_delay_ms=60_000,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


@pytest.fixture
def window(qtbot: QtBot, library: Library, qsettings: QSettings) -> MainWindow:
    return open_window(qtbot, library, qsettings)


def dialog_gone_and_window_active(window: MainWindow) -> bool:
    if QApplication.activeWindow() is not window:
        window.activateWindow()
    return QApplication.activeWindow() is window


def select(window: MainWindow, *ids: ReferenceId) -> None:
    window.table_view.setFocus()
    window.select_references(list(ids))


def assert_form_fits(panel: DetailPanel) -> None:
    page = panel._scroll.widget()
    viewport = panel._scroll.viewport()
    assert page.width() <= viewport.width()
    for widget in (panel.find_missing_button, panel.abstract_view, panel.authors.table()):
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        assert right <= viewport.width(), widget.objectName()


@pytest.mark.parametrize("width", [240, 300, 420])
def test_detail_panel_form_fits_its_width(qtbot: QtBot, library: Library, width: int) -> None:
    panel = DetailPanel(library)
    qtbot.addWidget(panel)
    panel.show_selection([ReferenceId(1)])
    panel.resize(width, 700)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.minimumSizeHint().width() <= 240 and panel.minimumWidth() <= 240
    assert panel._scroll.widgetResizable()
    qtbot.waitUntil(lambda: panel._scroll.widget().width() <= panel._scroll.viewport().width())
    assert_form_fits(panel)


def test_detail_panel_fits_the_default_window(window: MainWindow) -> None:
    window.resize(1380, 820)
    window.select_references([ReferenceId(3)])  # untitled: the "Incomplete" note shows too
    QApplication.processEvents()
    assert window.detail_panel.incomplete_label.isVisible()
    assert_form_fits(window.detail_panel)


def test_narrowing_the_window_shrinks_the_details_too(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1380, 820)
    qtbot.waitUntil(lambda: window.splitter.width() > 1200)
    before = window.splitter.sizes()
    window.resize(900, 820)
    qtbot.waitUntil(lambda: window.splitter.width() < 1000)
    after = window.splitter.sizes()
    table, detail = window.splitter.indexOf(window.table_view), 3
    assert after[table] >= 320
    assert after[detail] < before[detail]  # the panel gives up room as well
    assert before[table] - after[table] > before[detail] - after[detail] > 0


def test_title_column_stretches_and_absurd_saved_widths_are_not_restored(
    qtbot: QtBot, window: MainWindow, library: Library, qsettings: QSettings
) -> None:
    header = window.table_view.horizontalHeader()
    assert header.sectionResizeMode(Column.TITLE) == QHeaderView.ResizeMode.Stretch
    window.resize(1600, 820)
    qtbot.waitUntil(lambda: header.sectionSize(Column.TITLE) > 300)
    # A state saved by an older version: Title interactive and all but shut.
    header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Interactive)
    header.setMinimumSectionSize(5)
    header.resizeSection(Column.TITLE, 45)
    header.resizeSection(Column.YEAR, 6)
    window.close()

    again = open_window(qtbot, library, qsettings)
    again.resize(1600, 820)
    restored = again.table_view.horizontalHeader()
    assert restored.sectionResizeMode(Column.TITLE) == QHeaderView.ResizeMode.Stretch
    qtbot.waitUntil(lambda: restored.sectionSize(Column.TITLE) > 300)
    assert restored.sectionSize(Column.YEAR) >= 40


def test_a_narrow_table_narrows_its_columns_instead_of_scrolling_sideways(
    qtbot: QtBot, window: MainWindow, library: Library, qsettings: QSettings
) -> None:
    view = window.table_view
    header = view.horizontalHeader()
    window.resize(1600, 820)
    qtbot.waitUntil(lambda: header.sectionSize(Column.AUTHORS) == 160)
    header.resizeSection(Column.SOURCE, 240)  # as a user drags it

    window.resize(1000, 820)
    qtbot.waitUntil(lambda: header.sectionSize(Column.AUTHORS) < 160)
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    assert header.sectionSize(Column.TITLE) >= TITLE_MIN_WIDTH
    assert header.sectionSize(Column.SOURCE) > header.sectionSize(Column.AUTHORS)
    window.close()  # saves the header as the user left it, not as narrowed

    again = open_window(qtbot, library, qsettings)
    again.resize(1600, 820)
    restored = again.table_view.horizontalHeader()
    qtbot.waitUntil(lambda: restored.sectionSize(Column.SOURCE) == 240)
    assert restored.sectionSize(Column.AUTHORS) == 160


def test_after_a_merge_ctrl_z_undoes_it(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    window.search_field.setText("peer")
    window.search_field.clear()  # the field now remembers an older query
    window.sidebar_view.select_kind(NodeKind.DUPLICATES)
    panel = window.duplicates_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=WAIT_MS)
    panel.select_group(panel.model.groups[0])
    panel.table.setFocus()
    dialog = window.open_merge_dialog(list(panel.model.groups[0].reference_ids))
    assert isinstance(dialog, MergeDialog)
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert library.count() == 2
    # The offscreen platform does not reactivate the window when the dialog goes.
    qtbot.waitUntil(lambda: dialog_gone_and_window_active(window), timeout=WAIT_MS)
    focused = window.focusWidget()
    assert focused is not window.search_field
    assert focused in (panel.table, panel)

    assert focused is not None
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        qtbot.keyClick(focused, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert library.count() == 3
    assert window.search_field.text() == ""


def test_ctrl_z_in_the_search_field_is_the_windows_undo_until_you_type(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.search_field.setText("an older query")
    window.search_field.clear()
    select(window, ReferenceId(1))
    window.trash_action.trigger()
    assert library.count() == 2
    window.search_field.setFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert library.count() == 3  # the window's Undo
    assert window.search_field.text() == ""

    qtbot.keyClicks(window.search_field, "ab")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.text() != "ab"  # the field's own undo of the typing
    assert library.count() == 3 and window.undo_stack.canRedo()


def test_escape_in_search_or_a_field_returns_to_the_table(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.search_field.setFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.table_view

    select(window, ReferenceId(1))
    volume = window.detail_panel.field_edit("volume")
    volume.setFocus()
    qtbot.keyClicks(volume, "12")
    qtbot.keyClick(volume, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.table_view
    assert volume.text() == "" and library.get(ReferenceId(1)).volume == ""


def test_wheel_over_notes_tabs_does_not_flip_them(qtbot: QtBot, window: MainWindow) -> None:
    window.select_references([ReferenceId(1)])
    tabs = window.detail_panel.notes.tabs
    tab_bar = tabs.tabBar()
    assert tabs.currentIndex() == 0
    centre = QPointF(tab_bar.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(tab_bar.mapToGlobal(tab_bar.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(tab_bar, wheel)
    assert tabs.currentIndex() == 0


def test_empty_trash_is_disabled_while_the_trash_is_empty(
    window: MainWindow, library: Library
) -> None:
    assert not window.empty_trash_action.isEnabled()
    window.apply_changes(library.trash([ReferenceId(3)]))
    assert window.empty_trash_action.isEnabled()


def test_notes_list_shows_the_first_line_as_plain_text(qtbot: QtBot, library: Library) -> None:
    assert note_summary("\n## Key **points** from [the paper](https://example.org)") == (
        "Key points from the paper"
    )
    assert note_summary("- [x] read *chapter* `two`\nmore") == "read chapter two"
    assert note_summary("a * b * c") == "a * b * c"
    panel = DetailPanel(library)
    qtbot.addWidget(panel)
    panel.notes.set_notes([Note(ReferenceId(1), "# Budget **cuts** matter", NoteId(1))])
    assert panel.notes.list.item(0).text() == "Budget cuts matter"


def test_merge_dialog_tells_identical_records_apart(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    library.add([FIRST])  # #4 reads exactly as #1
    dialog = window.open_merge_dialog([ReferenceId(1), ReferenceId(4)])
    assert isinstance(dialog, MergeDialog)
    assert dialog.fields == []
    assert dialog.identical_label.isVisible()
    assert "These records are identical" in dialog.identical_label.text()
    assert "moves the other to the trash" in dialog.identical_label.text()
    for summary in dialog.summaries:
        text = summary.text()
        assert "Ada Okafor" in text and "2021" in text and "Mental Health Review Journal" in text
        assert "Added " in text
        assert not text.startswith("<b>#")
    dialog.reject()


def test_preferences_labels_have_buddies_and_the_style_list_room(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.show_preferences()
    assert isinstance(dialog, PreferencesDialog)
    for label in dialog.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()  # else the "&" shows as it is
    assert dialog.style_label.buddy() is dialog.style_box
    results = dialog.style_results
    assert results.minimumHeight() >= results.fontMetrics().lineSpacing() * 8
    assert results.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    dialog.reject()


def test_first_start_gives_the_details_room_for_the_authors_editor(
    qtbot: QtBot, library: Library, qsettings: QSettings
) -> None:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=qsettings,
        show_message=lambda *_args: None,
        progress_delay_ms=60_000,
    )
    qtbot.addWidget(main)
    main.resize(1500, 900)
    main.show()
    qtbot.waitExposed(main)
    sizes = main.splitter.sizes()
    sidebar, table, detail = (
        sizes[main.splitter.indexOf(widget)]
        for widget in (main.sidebar_view, main.table_view, main.detail_panel)
    )
    assert detail >= 360
    assert table > detail
    assert sidebar <= 220
