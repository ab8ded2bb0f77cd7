"""The main window over a listing longer than a page: changes never wait for the id list.

The table model re-reads a long listing's ids on a pool thread after a library change
(issue 16). These tests hold that read, as a million-reference library would make it
last, and check what the window shows meanwhile and once the read is in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from windows import shown_window

from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.gui.main_window import MainWindow
from peerref.gui.models import reference_table
from peerref.gui.models.reference_table import Column
from peerref.library import Library, SortKey

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 10_000
LISTED = 260  # more than the table model's page of 200

RIS_TEXT = """TY  - JOUR
AU  - Fairweather, Lucy
TI  - Night staff and the language of restraint
JO  - The Journal of Adult Protection
PY  - 2020
ER  -
"""


class HeldFullReads:
    """Stands in for ``Library.search_ids``: reads of every id wait for ``release``.

    Records each full read's thread, so a test can prove the UI thread never read one.
    """

    def __init__(self, library: Library) -> None:
        self.release = threading.Event()
        self.full_read_threads: list[threading.Thread] = []
        self.unheld = library.search_ids

    def __call__(self, *args: object, **kwargs: object) -> list[ReferenceId]:
        if kwargs.get("limit") is None:
            self.full_read_threads.append(threading.current_thread())
            assert self.release.wait(10)
        return self.unheld(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def read_on_ui_thread(self) -> bool:
        return threading.main_thread() in self.full_read_threads


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add(
            [
                Reference(
                    title=f"Peer support on acute wards, study {i}",
                    creators=(Creator(family="Okafor", given="Ada"),),
                    container_title="Mental Health Review Journal",
                    issued=PartialDate(1990 + i % 30),
                )
                for i in range(LISTED)
            ]
        )
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> MainWindow:
    main = shown_window(qtbot, library, tmp_path)
    assert main.table_model.rowCount() == LISTED
    return main


@pytest.fixture
def held(library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldFullReads]:
    reads = HeldFullReads(library)
    monkeypatch.setattr(library, "search_ids", reads)
    yield reads
    reads.release.set()  # no pool thread waits past its test


def test_an_import_selects_its_reference_once_the_list_read_in_the_background_is_in(
    qtbot: QtBot, window: MainWindow, library: Library, held: HeldFullReads
) -> None:
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(RIS_TEXT)
    dialog = opened.args[0]
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert library.count() == LISTED + 1
    assert window.table_model.rowCount() == LISTED  # the new row comes with the list
    assert window.count_label.text() == f"{LISTED} references"
    assert not held.read_on_ui_thread

    with qtbot.waitSignal(window.table_model.full_listing_loaded, timeout=WAIT_MS):
        held.release.set()
    (new_id,) = held.unheld("restraint")
    assert window.table_model.rowCount() == LISTED + 1
    assert window.selected_ids() == [new_id]  # revealed, as after a small library's import
    assert window.detail_panel.reference is not None
    assert window.detail_panel.reference.title == "Night staff and the language of restraint"
    assert window.count_label.text() == f"{LISTED + 1:,} references"
    assert not held.read_on_ui_thread


def test_delete_removes_the_row_at_once_and_the_selection_moves_to_its_neighbour(
    qtbot: QtBot, window: MainWindow, library: Library, held: HeldFullReads
) -> None:
    model = window.table_model
    window.table_view.setFocus()
    window.table_view.selectRow(10)
    doomed, neighbour = model.reference_id(10), model.reference_id(11)
    assert window.selected_ids() == [doomed]

    qtbot.keyClick(window.table_view, Qt.Key.Key_Delete)

    assert library.count(trash=True) == 1
    assert model.row_of(doomed) is None  # at once, with the list still being read
    assert model.rowCount() == LISTED - 1
    assert window.selected_ids() == [neighbour]
    assert window.count_label.text() == f"{LISTED - 1} references"
    assert not held.read_on_ui_thread

    with qtbot.waitSignal(model.full_listing_loaded, timeout=WAIT_MS):
        held.release.set()
    assert model.row_of(doomed) is None
    assert model.reference_ids() == held.unheld(sort=SortKey.ADDED, descending=True)
    assert window.selected_ids() == [neighbour]


def test_rows_arriving_above_keep_the_references_on_screen_where_they_were(
    qtbot: QtBot, window: MainWindow, library: Library, held: HeldFullReads
) -> None:
    view, model = window.table_view, window.table_model
    view.scrollTo(model.index(100, 0), view.ScrollHint.PositionAtTop)
    top = model.reference_id(view.rowAt(0))
    assert view.rowAt(0) > 50

    changes = library.add([Reference(title=f"Imported later {i}") for i in range(3)])
    window.apply_changes(changes)  # newest first: the three sort above every row
    with qtbot.waitSignal(model.full_listing_loaded, timeout=WAIT_MS):
        held.release.set()

    assert model.rowCount() == LISTED + 3
    assert sorted(model.row_of(i) or 0 for i in changes.added) == [0, 1, 2]
    assert model.reference_id(view.rowAt(0)) == top
    assert not held.read_on_ui_thread


def test_a_header_click_sorts_at_once_and_keeps_the_selection_without_indexing_every_row(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    held: HeldFullReads,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view, model = window.table_view, window.table_model
    builds: list[threading.Thread] = []
    build = reference_table._RowIndex.of.__func__  # type: ignore[attr-defined]

    def recorded(cls: type, ids: Sequence[ReferenceId]) -> object:
        builds.append(threading.current_thread())
        return build(cls, ids)

    monkeypatch.setattr(reference_table._RowIndex, "of", classmethod(recorded))
    view.setFocus()
    view.selectRow(LISTED - 5)  # below the first page before the sort
    chosen = window.selected_ids()
    header = view.horizontalHeader()
    title = header.sectionViewportPosition(Column.TITLE) + header.sectionSize(Column.TITLE) // 2

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(title, 5))

    assert model.sort_column is Column.TITLE
    first_page = held.unheld(
        sort=model.sort_column.sort_key,
        limit=200,
        descending=(model.sort_order == Qt.SortOrder.DescendingOrder),
    )
    assert model.reference_ids()[:200] == first_page  # shown while the rest is read
    assert window.selected_ids() == chosen
    # Asked for, a row is answered from the index the pool thread built: nothing rebuilt.
    assert model.row_of(chosen[0]) == model.reference_ids().index(chosen[0])
    assert [model.row_of(i) for i in model.reference_ids()] == list(range(LISTED))
    assert builds == []
    assert not held.read_on_ui_thread

    with qtbot.waitSignal(model.full_listing_loaded, timeout=WAIT_MS):
        held.release.set()
    descending = model.sort_order == Qt.SortOrder.DescendingOrder
    assert model.reference_ids() == held.unheld(sort=SortKey.TITLE, descending=descending)
    assert window.selected_ids() == chosen
    assert model.row_of(chosen[0]) == model.reference_ids().index(chosen[0])
    assert threading.main_thread() not in builds
    assert not held.read_on_ui_thread
