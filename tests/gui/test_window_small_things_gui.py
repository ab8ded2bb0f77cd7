"""Small window behaviours a new user met: identifiers in the search field, a selection
kept while searching, a drag image that leaves the drop target in sight, and import
names in the sidebar that keep their start and end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerref.core.model import Creator, ImportMethod, PartialDate, Reference, ReferenceId
from peerref.gui.clipboard import reference_ids_from_mime
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

RIS = """TY  - JOUR
AU  - Haugland, Sigrid
TI  - Peer mentors for young carers
JO  - Journal of Youth Studies
PY  - 2022
SN  - 1367-6261
DO  - 10.5555/jys.2022.118
ER  -
"""
OTHERS = [
    Reference(
        title=f"Peer support study {i}",
        creators=(Creator("Kowalczyk", "Anna"),),
        issued=PartialDate(2015 + i),
    )
    for i in range(4)
]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add(OTHERS)
        opened.import_text(RIS, method=ImportMethod.FILE, source_name="young-carers-search.ris")
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
    main.resize(1000, 700)
    main.show()
    qtbot.waitExposed(main)
    return main


def search(qtbot: QtBot, window: MainWindow, text: str) -> list[str]:
    window.search_field.setFocus()
    window.search_field.selectAll()
    qtbot.keyClicks(window.search_field, text)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    model = window.table_model
    return [model.index(row, Column.TITLE).data() for row in range(model.rowCount())]


@pytest.mark.parametrize(
    "typed", ["10.5555/jys.2022.118", "https://doi.org/10.5555/JYS.2022.118", "1367-6261"]
)
def test_the_search_field_finds_a_doi_or_issn(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    assert search(qtbot, window, typed) == ["Peer mentors for young carers"]


def test_searching_keeps_a_selection_still_in_the_results(qtbot: QtBot, window: MainWindow) -> None:
    wanted = [ReferenceId(2), ReferenceId(3)]
    window.table_view.setFocus()
    window.select_references(wanted)
    assert sorted(window.selected_ids()) == wanted
    assert len(search(qtbot, window, "peer")) == 5
    assert sorted(window.selected_ids()) == wanted
    assert search(qtbot, window, "study 2") == ["Peer support study 2"]
    assert window.selected_ids() == [ReferenceId(3)]  # the one still listed stays
    assert search(qtbot, window, "zebra") == []
    assert len(search(qtbot, window, "support")) == 4
    assert window.selected_ids() == []  # the empty result dropped the selection
    window.select_references([ReferenceId(2)])
    search(qtbot, window, "young")
    assert window.selected_ids() == []  # no longer listed: nothing stays selected
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.detail_panel.reference is None


def test_the_drag_image_is_small_and_trails_the_pointer(qtbot: QtBot, window: MainWindow) -> None:
    table = window.table_view
    first = table.visualRect(window.table_model.index(0, Column.TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first.center())
    second = table.visualRect(window.table_model.index(1, Column.TITLE))
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        pos=second.center(),
    )
    assert len(window.selected_ids()) == 2
    drag = table.make_drag()
    assert drag is not None
    assert sorted(reference_ids_from_mime(drag.mimeData())) == sorted(window.selected_ids())
    pixmap = drag.pixmap()
    size = pixmap.deviceIndependentSize()
    assert size.width() <= 280 and size.height() <= 2 * table.fontMetrics().height()
    # The image's corner is below and right of the pointer: what is under it stays visible.
    hot = drag.hotSpot()
    assert hot.x() < 0 and hot.y() < 0
    assert not QRect(-hot.x(), -hot.y(), int(size.width()), int(size.height())).contains(0, 0)
    assert table.drag_label(window.selected_ids()) == "2 references"


def test_import_names_keep_their_start_and_count_in_the_sidebar(window: MainWindow) -> None:
    view = window.sidebar_view
    model = window.sidebar_model
    recent = model.index_for_kind(NodeKind.RECENT)
    view.expand(recent)
    QApplication.processEvents()
    batch = model.index(0, 0, recent)
    label = batch.data()
    assert label == "young-carers-search.ris"  # the source alone: it was imported once
    assert batch.siblingAtColumn(1).data() == "1"  # how many, in the count column
    assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    room = view.visualRect(batch).width() - view.iconSize().width() - 8
    shown = view.fontMetrics().elidedText(label, view.textElideMode(), room)
    assert shown[:6] == label[:6] and shown.endswith(".ris")  # start and extension stay
    tooltip = batch.data(Qt.ItemDataRole.ToolTipRole)
    assert "young-carers-search.ris" in tooltip and "Imported 1 reference" in tooltip
