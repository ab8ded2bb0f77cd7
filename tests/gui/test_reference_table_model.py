"""The reference table model on its own (no window): paging, sorting, refresh, display."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QIcon, QPalette
from pytestqt.qtbot import QtBot

from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.gui.clipboard import reference_ids_from_mime
from peerref.gui.models import reference_table
from peerref.gui.models.reference_table import (
    Column,
    Listing,
    ReferenceTableModel,
    untitled_label,
)
from peerref.gui.models.roles import Role
from peerref.library import Library, SortKey

TITLES = (
    "Peer workers on acute mental health wards",
    "Loneliness among carers of people with dementia",
    "Trust and disclosure in online recovery forums",
    "Budget cuts and adult safeguarding practice",
    "Open dialogue in a community mental health team",
)
FAMILIES = ("Okafor", "Lindqvist", "Ó Rourke", "Brennan", "Mensah")


def make_reference(i: int) -> Reference:
    return Reference(
        type=ReferenceType.ARTICLE_JOURNAL,
        title=f"{TITLES[i % len(TITLES)]} ({i})",
        creators=(Creator(family=FAMILIES[i % len(FAMILIES)], given="Ada"),),
        container_title="Mental Health Review Journal",
        issued=PartialDate(2000 + i % 20),
    )


UNTITLED = Reference(
    title="",
    creators=(Creator(family="Raman", given="Priya"),),
    abstract=(
        AbstractSection(
            "Purpose",
            "This paper asks how night staff on secure wards talk about restraint "
            "when nobody from management is listening to them",
        ),
    ),
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


def fill(library: Library, count: int) -> list[ReferenceId]:
    return sorted(library.add([make_reference(i) for i in range(count)]).added)


def test_model_passes_qt_model_tester(library: Library, qtmodeltester, qapp) -> None:
    fill(library, 12)
    library.add([UNTITLED])
    model = ReferenceTableModel(library, page_size=5)
    qtmodeltester.check(model, force_py=True)


def test_rows_are_loaded_a_page_at_a_time_and_the_cache_is_bounded(
    library: Library, qtbot: QtBot
) -> None:
    fill(library, 100)
    model = ReferenceTableModel(library, page_size=10, cache_limit=30)
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.rowCount() == 100
    assert model.cached_row_count == 0

    model.data(model.index(0, Column.TITLE))
    assert model.summaries_loaded == 10
    model.data(model.index(9, Column.AUTHORS))
    assert model.summaries_loaded == 10  # same page: no new read

    for row in range(100):
        model.data(model.index(row, Column.TITLE))
    assert model.summaries_loaded == 100
    assert model.cached_row_count <= 30


def test_sorting_asks_the_store_and_keeps_the_selection_on_the_same_reference(
    library: Library, qtbot: QtBot
) -> None:
    fill(library, 15)
    model = ReferenceTableModel(library)
    watched = model.index(3, 0)
    persistent = QPersistentModelIndex(watched)
    watched_id = model.reference_id(3)

    with qtbot.waitSignal(model.layoutChanged):
        model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)

    assert model.reference_ids() == library.search_ids(sort=SortKey.TITLE)
    assert model.reference_id(persistent.row()) == watched_id
    titles = [model.data(model.index(r, Column.TITLE)) for r in range(model.rowCount())]
    assert titles == sorted(titles, key=str.casefold)

    model.sort(Column.YEAR, Qt.SortOrder.DescendingOrder)
    assert model.reference_ids() == library.search_ids(sort=SortKey.YEAR, descending=True)


def test_display_roles_for_an_ordinary_row(library: Library) -> None:
    (ref_id,) = library.add([make_reference(2)]).added
    model = ReferenceTableModel(library)
    row = model.row_of(ref_id)
    assert row == 0

    def cell(column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(0, column), role)

    assert cell(Column.TITLE) == "Trust and disclosure in online recovery forums (2)"
    assert "Ó Rourke" in str(cell(Column.AUTHORS))
    assert cell(Column.YEAR) == "2002"
    assert cell(Column.SOURCE) == "Mental Health Review Journal"
    assert cell(Column.TYPE) == "Journal article"
    assert cell(Column.YEAR, Role.SORT) == 2002
    assert cell(Column.TITLE, Role.REFERENCE_ID) == ref_id
    assert cell(Column.TITLE, Qt.ItemDataRole.FontRole) is None
    assert cell(Column.TITLE, Qt.ItemDataRole.DecorationRole) is None
    assert model.headerData(Column.ADDED, Qt.Orientation.Horizontal) == "Added"


def test_untitled_rows_show_the_abstract_in_grey_italics_with_a_marker(library: Library) -> None:
    library.add([UNTITLED])
    model = ReferenceTableModel(library)
    index = model.index(0, Column.TITLE)

    text = model.data(index)
    assert text.startswith("[untitled] Purpose: This paper asks how night staff")
    assert text.endswith("…")
    font = model.data(index, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    brush = model.data(index, Qt.ItemDataRole.ForegroundRole)
    placeholder = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    assert brush.color() == placeholder
    icon = model.data(index, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert model.data(index, Role.INCOMPLETE) is True
    assert "Incomplete" in model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_untitled_label_keeps_the_first_words() -> None:
    assert untitled_label("") == "[untitled]"
    words = " ".join(f"w{i}" for i in range(30))
    assert untitled_label(words) == "[untitled] " + " ".join(f"w{i}" for i in range(12)) + "…"


def test_listing_filters_through_the_store(library: Library, qtbot: QtBot) -> None:
    fill(library, 10)
    model = ReferenceTableModel(library)
    with qtbot.waitSignal(model.modelReset):
        model.set_query("loneliness")
    assert model.rowCount() == 2
    assert all("Loneliness" in model.data(model.index(r, Column.TITLE)) for r in range(2))
    model.set_listing(Listing(trash=True))
    assert model.rowCount() == 0


def test_new_references_arrive_as_inserted_rows(library: Library, qtbot: QtBot) -> None:
    fill(library, 5)
    model = ReferenceTableModel(library)
    model.sort(Column.ADDED, Qt.SortOrder.AscendingOrder)
    changes = library.add([make_reference(7), make_reference(8)])

    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.apply_changes(changes)

    assert inserted.args[1:] == [5, 6]
    assert model.rowCount() == 7
    assert set(model.reference_ids()[5:]) == set(changes.added)


def test_trashed_references_leave_as_removed_rows(library: Library, qtbot: QtBot) -> None:
    ids = fill(library, 6)
    model = ReferenceTableModel(library)
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    changes = library.trash(ids[1:3])

    with qtbot.assertNotEmitted(model.modelReset):
        model.apply_changes(changes)

    assert sum(last - first + 1 for first, last in removed) == 2
    assert model.rowCount() == 4
    assert model.row_of(ids[1]) is None and model.row_of(ids[2]) is None


def test_an_edit_emits_data_changed_with_explicit_roles(library: Library, qtbot: QtBot) -> None:
    ids = fill(library, 3)
    model = ReferenceTableModel(library)
    model.data(model.index(model.row_of(ids[0]), Column.TITLE))  # cached before the edit
    reference = library.get(ids[0])
    changes = library.update(reference.with_changes(title="Renamed for the test"))

    with qtbot.waitSignal(model.dataChanged) as changed:
        model.apply_changes(changes)

    top_left, _bottom_right, roles = changed.args
    assert top_left.row() == model.row_of(ids[0])
    assert Qt.ItemDataRole.DisplayRole in roles
    assert model.data(model.index(top_left.row(), Column.TITLE)) == "Renamed for the test"


def test_an_edit_that_moves_a_row_keeps_it_selected_by_id(library: Library) -> None:
    ids = fill(library, 5)
    model = ReferenceTableModel(library)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    row = model.row_of(ids[0])
    assert row is not None
    persistent = QPersistentModelIndex(model.index(row, 0))
    reference = library.get(ids[0])
    model.apply_changes(library.update(reference.with_changes(title="Zzz last of all")))

    assert model.row_of(ids[0]) == model.rowCount() - 1
    assert persistent.row() == model.rowCount() - 1


def test_dragged_rows_carry_their_ids(library: Library) -> None:
    ids = fill(library, 4)
    model = ReferenceTableModel(library)
    indexes = [model.index(model.row_of(i), c) for i in ids[:2] for c in (0, 2)]
    mime = model.mimeData(indexes)
    assert sorted(reference_ids_from_mime(mime)) == ids[:2]
    assert model.flags(indexes[0]) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_a_big_search_shows_its_first_page_before_the_full_list_is_read(
    library: Library, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(library, 30)
    model = ReferenceTableModel(library, page_size=10)
    qtbot.waitUntil(lambda: model.is_complete)
    release = threading.Event()
    search_ids = library.search_ids

    def held_full_read(*args: object, **kwargs: object) -> list[ReferenceId]:
        if kwargs.get("limit") is None:  # the background read of every id waits
            assert release.wait(10)
        return search_ids(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "search_ids", held_full_read)
    model.set_query("mental")  # 12 of the 30 match: more than a page

    expected = search_ids("mental", sort=SortKey.ADDED, descending=True)
    assert not model.is_complete
    assert model.reference_ids() == expected[:10]
    assert model.data(model.index(0, Column.TITLE)) is not None

    with qtbot.waitSignal(model.full_listing_loaded):
        release.set()
    assert model.is_complete
    assert model.reference_ids() == expected


def test_a_newer_search_supersedes_a_full_read_still_running(
    library: Library, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(library, 30)
    model = ReferenceTableModel(library, page_size=5)
    qtbot.waitUntil(lambda: model.is_complete)
    release = threading.Event()
    search_ids = library.search_ids

    def held_full_read(*args: object, **kwargs: object) -> list[ReferenceId]:
        if kwargs.get("limit") is None and args and args[0] == "mental":
            assert release.wait(10)
        return search_ids(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "search_ids", held_full_read)
    model.set_query("mental")
    model.set_query("trust")  # 6 match: first page of 5, then the full read
    qtbot.waitUntil(lambda: model.is_complete)
    release.set()  # the older read finishes last; its answer must be dropped
    qtbot.wait(100)
    assert model.reference_ids() == search_ids("trust", sort=SortKey.ADDED, descending=True)


class HeldFullReads:
    """Stands in for ``Library.search_ids``: full reads (no limit) wait for ``release``.

    ``read_first`` makes a held read take its answer before waiting, as a read that began
    before some change committed; otherwise it reads once released. Every full read's
    thread is recorded, so a test can prove the UI thread never read the whole list.
    """

    def __init__(self, library: Library, *, read_first: bool = False) -> None:
        # The test's own reads, never held nor recorded.
        self.release = threading.Event()
        self.full_read_threads: list[threading.Thread] = []
        self.unheld = library.search_ids
        self._read_first = read_first

    def __call__(self, *args: object, **kwargs: object) -> list[ReferenceId]:
        if kwargs.get("limit") is not None:
            return self.unheld(*args, **kwargs)  # type: ignore[arg-type]
        self.full_read_threads.append(threading.current_thread())
        if self._read_first:
            ids = self.unheld(*args, **kwargs)  # type: ignore[arg-type]
            assert self.release.wait(10)
            return ids
        assert self.release.wait(10)
        return self.unheld(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def read_on_ui_thread(self) -> bool:
        return threading.main_thread() in self.full_read_threads


@pytest.fixture
def hold(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., HeldFullReads]]:
    """Hold the library's full id reads from the call on; released at teardown whatever happens."""
    made: list[HeldFullReads] = []

    def make(*, read_first: bool = False) -> HeldFullReads:
        held = HeldFullReads(library, read_first=read_first)
        monkeypatch.setattr(library, "search_ids", held)
        made.append(held)
        return held

    yield make
    for held in made:
        held.release.set()  # no pool thread waits past its test


def held_model(
    library: Library,
    qtbot: QtBot,
    hold: Callable[..., HeldFullReads],
    *,
    read_first: bool = False,
) -> tuple[ReferenceTableModel, HeldFullReads, list[ReferenceId]]:
    """30 references listed by a model with pages of 10, its full reads held from now on."""
    ids = fill(library, 30)
    model = ReferenceTableModel(library, page_size=10)
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.rowCount() == 30
    return model, hold(read_first=read_first), ids


def test_an_edit_updates_its_row_at_once_while_the_id_list_is_read_in_the_background(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    model, held, ids = held_model(library, qtbot, hold)
    row = model.row_of(ids[4])
    assert row is not None
    model.data(model.index(row, Column.TITLE))  # on screen: its summary is cached
    before = model.reference_ids()

    changes = library.update(library.get(ids[4]).with_changes(title="Renamed while loading"))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.apply_changes(changes)

    assert changed.args[0].row() == row
    assert model.data(model.index(row, Column.TITLE)) == "Renamed while loading"
    assert model.reference_ids() == before  # the rows stay until the list is in
    assert not model.is_complete
    qtbot.waitUntil(lambda: bool(held.full_read_threads))  # the list is being re-read...
    assert not held.read_on_ui_thread  # ...but not by the UI thread

    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()
    assert model.is_complete
    assert model.reference_ids() == held.unheld(sort=SortKey.ADDED, descending=True)
    assert not held.read_on_ui_thread


def test_an_import_while_the_list_is_being_read_shows_its_rows_once_the_read_is_in(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    model, held, _ids = held_model(library, qtbot, hold)
    model.set_query("mental")  # the journal's name: all 30, a first page of 10, the rest held
    assert not model.is_complete and model.rowCount() == 10

    changes = library.add([make_reference(i) for i in range(30, 35)])
    with qtbot.assertNotEmitted(model.modelReset):
        model.apply_changes(changes)
    assert model.rowCount() == 10  # nothing re-read on the UI thread
    assert not held.read_on_ui_thread

    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()
    expected = held.unheld("mental", sort=SortKey.ADDED, descending=True)
    assert len(expected) == 35
    assert model.reference_ids() == expected
    assert set(changes.added) <= set(model.reference_ids())
    assert not held.read_on_ui_thread


def test_a_change_during_a_read_that_missed_it_is_read_again(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    model, held, _ids = held_model(library, qtbot, hold, read_first=True)
    first = library.add([make_reference(40)])
    model.apply_changes(first)  # a full read starts and takes its answer now
    qtbot.waitUntil(lambda: len(held.full_read_threads) == 1)
    second = library.add([make_reference(41)])
    model.apply_changes(second)  # arrives while that read waits: it cannot know of it
    assert model.rowCount() == 30  # added rows come with the list, not from the UI thread

    loads: list[int] = []
    model.listing_changed.connect(lambda: loads.append(model.rowCount()))
    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()

    assert len(held.full_read_threads) == 2  # one more read, after the first answer
    assert set(first.added | second.added) <= set(model.reference_ids())
    assert model.reference_ids() == held.unheld(sort=SortKey.ADDED, descending=True)
    assert not held.read_on_ui_thread


def test_trashed_rows_leave_at_once_and_a_read_begun_before_never_brings_them_back(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    model, held, ids = held_model(library, qtbot, hold, read_first=True)
    model.apply_changes(library.add([make_reference(50)]))  # a read starts, answers now
    qtbot.waitUntil(lambda: len(held.full_read_threads) == 1)
    doomed = ids[10:12]
    neighbour = model.reference_id(max(model.row_of(i) or 0 for i in doomed) + 1)
    persistent = QPersistentModelIndex(model.index(model.row_of(neighbour) or 0, 0))
    rows_before = model.rowCount()

    with qtbot.waitSignal(model.rowsRemoved):
        model.apply_changes(library.trash(doomed))
    assert model.rowCount() == rows_before - 2
    assert all(model.row_of(i) is None for i in doomed)
    assert model.reference_id(persistent.row()) == neighbour  # the selection kept its id

    deleted = ids[20]
    model.apply_changes(library.delete_permanently([deleted]))
    assert model.row_of(deleted) is None

    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()  # the first answer still lists them; then a fresh read
    listed = model.reference_ids()
    assert not set(doomed) & set(listed) and deleted not in listed
    assert listed == held.unheld(sort=SortKey.ADDED, descending=True)
    assert model.reference_id(persistent.row()) == neighbour
    assert not held.read_on_ui_thread


def test_restoring_from_the_trash_listing_removes_the_rows_there_at_once(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    ids = fill(library, 25)
    library.trash(ids[:15])
    model = ReferenceTableModel(library, page_size=10)
    model.set_listing(Listing(trash=True))
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.rowCount() == 15
    held = hold()

    model.apply_changes(library.restore(ids[:3]))

    assert model.rowCount() == 12
    assert all(model.row_of(i) is None for i in ids[:3])
    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()
    assert sorted(model.reference_ids()) == ids[3:15]
    assert not held.read_on_ui_thread


def test_reload_repaints_every_row_and_reads_the_list_in_the_background(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    model, held, _ids = held_model(library, qtbot, hold)
    model.data(model.index(0, Column.TITLE))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.reload()
    top_left, bottom_right, _roles = changed.args
    assert (top_left.row(), bottom_right.row()) == (0, 29)
    assert model.cached_row_count == 0
    assert not model.is_complete and not held.read_on_ui_thread
    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()
    assert model.rowCount() == 30


def test_model_passes_qt_model_tester_through_background_refreshes(
    library: Library, qtbot: QtBot, qtmodeltester
) -> None:
    ids = fill(library, 30)
    model = ReferenceTableModel(library, page_size=10)
    qtmodeltester.check(model, force_py=True)
    model.apply_changes(library.add([make_reference(i) for i in range(30, 36)]))
    model.apply_changes(library.trash(ids[3:9]))
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.reference_ids() == library.search_ids(sort=SortKey.ADDED, descending=True)


def test_an_edit_that_moves_a_row_of_a_long_listing_keeps_it_selected_once_the_list_is_in(
    library: Library, qtbot: QtBot, hold: Callable[..., HeldFullReads]
) -> None:
    fill(library, 30)
    model = ReferenceTableModel(library, page_size=10)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: model.is_complete)
    held = hold()
    moved = model.reference_id(0)
    persistent = QPersistentModelIndex(model.index(0, 0))

    model.apply_changes(library.update(library.get(moved).with_changes(title="Zzz last")))
    assert model.reference_id(0) == moved  # nothing moves until the list is in
    with qtbot.waitSignal(model.layoutChanged, timeout=10_000):
        held.release.set()
    qtbot.waitUntil(lambda: model.is_complete)

    assert model.row_of(moved) == model.rowCount() - 1
    assert persistent.row() == model.rowCount() - 1
    assert model.reference_ids() == held.unheld(sort=SortKey.TITLE)
    assert [model.row_of(i) for i in model.reference_ids()] == list(range(30))
    assert not held.read_on_ui_thread


def test_rows_stay_right_for_every_id_after_removals_scattered_and_in_blocks(
    library: Library, qtbot: QtBot
) -> None:
    fill(library, 60)
    model = ReferenceTableModel(library, page_size=10)
    qtbot.waitUntil(lambda: model.is_complete)  # the row index came from the pool thread
    listed = model.reference_ids()

    scattered = listed[30::3]  # ten single rows, low in the list
    model.apply_changes(library.trash(scattered))
    block = listed[2:14]  # then a block above them
    model.apply_changes(library.delete_permanently(block))

    left = [ref_id for ref_id in listed if ref_id not in set(scattered) | set(block)]
    assert model.reference_ids() == left
    assert [model.row_of(ref_id) for ref_id in left] == list(range(len(left)))
    assert all(model.row_of(ref_id) is None for ref_id in scattered + block)
    qtbot.waitUntil(lambda: model.is_complete)
    assert model.reference_ids() == left
    assert [model.row_of(ref_id) for ref_id in left] == list(range(len(left)))


@pytest.fixture
def row_index_builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[threading.Thread, int]]:
    """Every whole-list row index built (``_RowIndex.of``): its thread and its length."""
    builds: list[tuple[threading.Thread, int]] = []
    build = reference_table._RowIndex.of.__func__  # type: ignore[attr-defined]

    def recorded(cls: type, ids: Sequence[ReferenceId]) -> object:
        builds.append((threading.current_thread(), len(ids)))
        return build(cls, ids)

    monkeypatch.setattr(reference_table._RowIndex, "of", classmethod(recorded))
    return builds


def test_sorts_of_a_long_listing_never_build_its_row_index_and_keep_the_selection(
    library: Library,
    qtbot: QtBot,
    hold: Callable[..., HeldFullReads],
    row_index_builds: list[tuple[threading.Thread, int]],
    qtmodeltester,
) -> None:
    """Two sorts and a trash before the first sorted list is in: rows right for every id."""
    model, held, _ids = held_model(library, qtbot, hold)
    qtmodeltester.check(model, force_py=True)
    selected = [QPersistentModelIndex(model.index(row, 0)) for row in (3, 17, 29)]
    chosen = [model.reference_id(3), model.reference_id(17), model.reference_id(29)]

    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    first_titles = held.unheld(sort=SortKey.TITLE, limit=10)
    assert model.reference_ids()[:10] == first_titles
    model.sort(Column.YEAR, Qt.SortOrder.DescendingOrder)  # the title sort is still being read
    by_year = held.unheld(sort=SortKey.YEAR, descending=True)
    assert model.reference_ids()[:10] == by_year[:10]
    # One on the raised page and one below it (neither of them selected).
    shown = [ref_id for ref_id in model.reference_ids() if ref_id not in chosen]
    trashed = [shown[2], shown[12]]
    assert model.row_of(shown[2]) < 10 <= model.row_of(shown[12])  # type: ignore[operator]
    model.apply_changes(library.trash(trashed))

    listed = model.reference_ids()
    assert len(listed) == 28 and not set(trashed) & set(listed)
    assert [model.row_of(ref_id) for ref_id in listed] == list(range(28))
    assert [model.row_of(ref_id) for ref_id in trashed] == [None, None]
    assert [index.row() for index in selected] == [listed.index(i) for i in chosen]
    assert row_index_builds == []  # rows of ids came from the index the pool thread built

    with qtbot.waitSignal(model.full_listing_loaded, timeout=10_000):
        held.release.set()
    assert model.reference_ids() == held.unheld(sort=SortKey.YEAR, descending=True)
    assert [model.row_of(ref_id) for ref_id in model.reference_ids()] == list(range(28))
    assert [model.reference_id(index.row()) for index in selected] == chosen
    assert all(thread is not threading.main_thread() for thread, _ in row_index_builds)
    assert not held.read_on_ui_thread
