"""Sidebar counts of a large library are read on a pool thread, never on the UI thread.

Counting a million references takes the better part of a second (issue 16). These tests
make every library "large" (a ``sync_limit`` of 0), hold the background read on an Event,
as such a library would make it last, and check what is shown meanwhile and after.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QThreadPool
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from windows import shown_window

from peerref.core.model import Creator, ImportMethod, PartialDate, Reference
from peerref.gui.main_window import MainWindow
from peerref.gui.models import sidebar_model
from peerref.gui.models.roles import Role
from peerref.gui.models.sidebar_model import COUNT_COLUMN, NodeKind, SidebarModel
from peerref.library import Library

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 10_000
STARTING = 12

RIS_TEXT = """TY  - JOUR
AU  - Fairweather, Lucy
TI  - Night staff and the language of restraint
JO  - The Journal of Adult Protection
PY  - 2020
ER  -
"""


def references(count: int, start: int = 0) -> list[Reference]:
    return [
        Reference(
            title=f"Peer support on acute wards, study {start + i}",
            creators=(Creator(family="Okafor", given="Ada"),),
            issued=PartialDate(1990 + i % 30),
            tags=("wards",),
        )
        for i in range(count)
    ]


class Held:
    """Stands in for a library read: answers as of the call, but only once let through.

    A call made while ``gate`` is set waits for that Event, as a COUNT over a million
    rows keeps its thread; its answer is read first, so a held answer is the library as
    it was when asked (what a slow read started before a newer change would return).
    Every call's thread is recorded, so a test can prove the UI thread never read.
    """

    def __init__(self, read: Callable[..., object]) -> None:
        self.unheld = read
        self.gate: threading.Event | None = None
        self.threads: list[threading.Thread] = []
        self.called = threading.Event()

    def __call__(self, *args: object, **kwargs: object) -> object:
        gate = self.gate
        answer = self.unheld(*args, **kwargs)
        self.threads.append(threading.current_thread())
        self.called.set()
        if gate is not None:
            assert gate.wait(10)
        return answer

    def hold(self) -> threading.Event:
        self.gate = threading.Event()
        self.called.clear()
        return self.gate

    @property
    def read_on_ui_thread(self) -> bool:
        return threading.main_thread() in self.threads


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add(references(STARTING))
        yield opened


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    threads = QThreadPool()
    yield threads
    threads.waitForDone()


@pytest.fixture
def counts(library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    held = Held(library.count)
    monkeypatch.setattr(library, "count", held)
    yield held
    if held.gate is not None:
        held.gate.set()  # no pool thread waits past its test


def counted(qtbot: QtBot, library: Library, pool: QThreadPool) -> SidebarModel:
    """A model treating ``library`` as large, once its first counts (read on ``pool``) are in."""
    model = SidebarModel(library, sync_limit=0, thread_pool=pool)
    qtbot.waitUntil(lambda: not model.is_refreshing, timeout=WAIT_MS)
    return model


def shown(model: SidebarModel, kind: NodeKind) -> object:
    return model.data(model.index_for_kind(kind), Role.COUNT)


def library_counts_shown(model: SidebarModel) -> list[object]:
    """Every count "My Library" is changed to in place, in order."""
    seen: list[object] = []

    def changed(top: QModelIndex, _bottom: QModelIndex, _roles: list[int]) -> None:
        if model.node(top).kind is NodeKind.LIBRARY:
            seen.append(model.data(top, Role.COUNT))

    model.dataChanged.connect(changed)
    return seen


def test_counts_are_read_off_the_ui_thread_and_the_old_ones_stay_until_they_are_in(
    qtbot: QtBot, library: Library, pool: QThreadPool, counts: Held, qtmodeltester
) -> None:
    model = counted(qtbot, library, pool)
    qtmodeltester.check(model, force_py=True)
    counts.threads.clear()  # the first tree is read when the model is made
    gate = counts.hold()
    library.add(references(3, start=STARTING))

    model.refresh_counts()
    assert model.is_refreshing
    assert counts.called.wait(10)
    assert shown(model, NodeKind.LIBRARY) == STARTING  # the old count, still shown
    assert not counts.read_on_ui_thread

    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()
    assert shown(model, NodeKind.LIBRARY) == STARTING + 3
    assert shown(model, NodeKind.UNFILED) == STARTING + 3
    assert model.data(model.index_for_tag("wards"), Role.COUNT) == STARTING + 3
    assert not model.is_refreshing
    assert not counts.read_on_ui_thread


def test_a_new_entry_arriving_in_the_background_is_an_inserted_row(
    qtbot: QtBot, library: Library, pool: QThreadPool, counts: Held, qtmodeltester
) -> None:
    model = counted(qtbot, library, pool)
    qtmodeltester.check(model, force_py=True)
    wards = QPersistentModelIndex(model.index_for_tag("wards"))
    counts.threads.clear()
    library.add([Reference(title="Carers' accounts of respite", tags=("carers",))])
    assert not model.index_for_tag("carers").isValid()

    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.rowsInserted, timeout=WAIT_MS) as inserted,
    ):
        model.refresh_counts()
    assert model.data(model.index_for_tag("carers"), Role.COUNT) == 1
    parent, first, last = inserted.args
    assert model.node(parent).kind is NodeKind.TAGS and first == last == 0  # before "wards"
    assert wards.isValid() and wards.row() == 1
    assert not counts.read_on_ui_thread


def test_a_refresh_asked_for_during_a_read_follows_it_and_is_shown_last(
    qtbot: QtBot,
    library: Library,
    pool: QThreadPool,
    counts: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tags = Held(library.tags.counts)
    monkeypatch.setattr(library.tags, "counts", tags)
    model = counted(qtbot, library, pool)
    seen = library_counts_shown(model)
    counts.threads.clear()
    # The older read counts the library as it is, then waits in its last query.
    gate = tags.hold()
    model.refresh_counts()
    assert tags.called.wait(10)
    assert len(counts.threads) == 3

    library.add(references(5, start=STARTING))
    tags.gate = None  # the read that follows is not held
    model.refresh_counts()
    assert len(counts.threads) == 3  # noted, not started: one read at a time

    with qtbot.waitSignals([model.counts_refreshed] * 2, timeout=WAIT_MS):
        gate.set()
    assert len(counts.threads) == 6  # the older read, then the one that followed it
    assert shown(model, NodeKind.LIBRARY) == STARTING + 5
    assert seen == [STARTING + 5]
    assert not model.is_refreshing
    assert not counts.read_on_ui_thread


def test_an_answer_older_than_a_rebuild_is_dropped(
    qtbot: QtBot,
    library: Library,
    pool: QThreadPool,
    counts: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tags = Held(library.tags.counts)
    monkeypatch.setattr(library.tags, "counts", tags)
    model = counted(qtbot, library, pool)
    seen = library_counts_shown(model)
    # The older read counts STARTING references, then waits in its last query.
    gate = tags.hold()
    model.refresh_counts()
    assert tags.called.wait(10)
    tags.gate = None

    library.add(references(2, start=STARTING))
    library.add_collection("Thesis")
    model.rebuild()  # the user's own edit: read at once, newer than the read under way
    assert shown(model, NodeKind.LIBRARY) == STARTING + 2
    assert not model.is_refreshing

    gate.set()  # the older answer (STARTING references) reaches the model, which drops it
    pool.waitForDone()
    with qtbot.assertNotEmitted(model.counts_refreshed, wait=200):
        pass
    assert shown(model, NodeKind.LIBRARY) == STARTING + 2
    assert model.index_for_collection(library.collections()[0].id).isValid()
    assert seen == [STARTING + 2]  # the rebuild's; the stale answer never changed a count


def test_closing_the_library_while_counts_are_read_reads_no_more(
    qtbot: QtBot, tmp_path: Path, pool: QThreadPool
) -> None:
    library = Library.open(tmp_path / "closing.sqlite", daily_backup=False)
    library.add(references(3))
    counts = Held(library.count)
    library.count = counts  # type: ignore[method-assign]
    model = counted(qtbot, library, pool)
    reads = len(counts.threads)
    gate = counts.hold()
    model.refresh_counts()
    assert counts.called.wait(10)

    model.close()
    library.close()
    gate.set()
    pool.waitForDone()
    with qtbot.assertNotEmitted(model.counts_refreshed, wait=200):
        pass
    assert len(counts.threads) == reads + 1  # only the read under way when it closed
    assert shown(model, NodeKind.LIBRARY) == 3
    model.refresh_counts()  # closed: nothing is read, nothing breaks
    model.rebuild()
    assert len(counts.threads) == reads + 1


def test_a_model_deleted_while_counts_are_read_stops_reading(
    qtbot: QtBot, library: Library, pool: QThreadPool, counts: Held
) -> None:
    model = counted(qtbot, library, pool)
    reads = len(counts.threads)
    gate = counts.hold()
    model.refresh_counts()
    assert counts.called.wait(10)

    with qtbot.waitSignal(model.destroyed, timeout=WAIT_MS):
        model.deleteLater()
    gate.set()
    pool.waitForDone()
    qtbot.wait(50)  # anything queued for the gone model would arrive now
    assert len(counts.threads) == reads + 1


# --- in the window -----------------------------------------------------------------------


@pytest.fixture
def window(
    qtbot: QtBot, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(sidebar_model, "SYNC_COUNT_LIMIT", 0)  # every library is large
    return shown_window(qtbot, library, tmp_path)


def batch_names(window: MainWindow) -> list[str]:
    model = window.sidebar_model
    recent = model.index_for_kind(NodeKind.RECENT)
    return [str(model.data(model.index(row, 0, recent))) for row in range(model.rowCount(recent))]


def test_an_import_returns_to_the_ui_at_once_and_its_counts_follow(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    model = window.sidebar_model
    counts.threads.clear()
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(RIS_TEXT)
    dialog = opened.args[0]
    gate = counts.hold()
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    # The import is shown while its counts are still being read.
    assert counts.called.wait(10)
    assert model.is_refreshing
    assert shown(model, NodeKind.LIBRARY) == STARTING
    assert batch_names(window) == []
    assert not counts.read_on_ui_thread

    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()
    assert shown(model, NodeKind.LIBRARY) == STARTING + 1
    assert len(batch_names(window)) == 1
    assert window.sidebar_view.current_node() is not None
    assert not counts.read_on_ui_thread


def test_trash_enables_empty_trash_once_its_count_is_in(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    model = window.sidebar_model
    assert not window.empty_trash_action.isEnabled()
    counts.threads.clear()
    gate = counts.hold()
    window.table_view.setFocus()
    window.table_view.selectRow(0)
    qtbot.keyClick(window.table_view, Qt.Key.Key_Delete)
    assert counts.called.wait(10)
    assert shown(model, NodeKind.TRASH) == 0

    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()
    assert shown(model, NodeKind.TRASH) == 1
    assert window.empty_trash_action.isEnabled()
    assert not counts.read_on_ui_thread


def test_closing_the_window_while_counts_are_read_does_not_crash(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    gate = counts.hold()
    library.add(references(2, start=STARTING))
    window.sidebar_model.refresh_counts()
    assert counts.called.wait(10)
    reads = len(counts.threads)

    window.close()
    gate.set()
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)  # a queued answer, were one sent, would arrive now
    assert len(counts.threads) == reads  # nothing read after the window closed
    assert shown(window.sidebar_model, NodeKind.LIBRARY) == STARTING
    assert window.sidebar_model.index(0, 0, QModelIndex()).isValid()


def test_references_put_into_a_collection_are_counted_in_the_background(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    model = window.sidebar_model
    cid = window.new_collection(name="Thesis", edit=False)
    assert cid is not None
    assert model.index_for_collection(cid).isValid()  # a new collection is shown at once
    assert model.data(model.index_for_collection(cid), Role.COUNT) == 0

    counts.threads.clear()
    gate = counts.hold()
    window.add_to_collection(cid, library.search_ids()[:4])
    assert counts.called.wait(10)
    assert model.is_refreshing
    assert model.data(model.index_for_collection(cid), Role.COUNT) == 0  # the old count
    assert not counts.read_on_ui_thread

    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()
    assert model.data(model.index_for_collection(cid), Role.COUNT) == 4
    assert shown(model, NodeKind.UNFILED) == STARTING - 4
    assert not counts.read_on_ui_thread


def test_a_renamed_or_nested_collection_is_shown_at_once(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    model = window.sidebar_model
    parent = window.new_collection(name="Thesis", edit=False)
    child = window.new_collection(name="Chapter 2", edit=False)
    assert parent is not None and child is not None
    window.move_collection(child, parent)
    index = model.index_for_collection(child)
    assert model.node(model.parent(index)).collection_id == parent
    with qtbot.waitSignal(model.collection_rename_requested, timeout=WAIT_MS):
        assert model.setData(model.index_for_collection(parent), "Dissertation")
    qtbot.waitUntil(lambda: library.collections()[0].name == "Dissertation", timeout=WAIT_MS)
    assert model.data(model.index_for_collection(parent)) == "Dissertation"
    assert not model.is_refreshing


def tag_entries(model: SidebarModel) -> list[tuple[str, object]]:
    tags = model.index_for_kind(NodeKind.TAGS)
    return [
        (
            str(model.data(model.index(row, 0, tags))),
            model.data(model.index(row, 0, tags), Role.COUNT),
        )
        for row in range(model.rowCount(tags))
    ]


def test_making_and_nesting_collections_reads_no_count(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    """No reference moved: the counts shown are kept, a new collection counts 0."""
    model = window.sidebar_model
    listed, tags = shown(model, NodeKind.LIBRARY), tag_entries(model)
    counts.threads.clear()
    parent = window.new_collection(name="Thesis", edit=False)
    child = window.new_collection(name="Chapter 2", edit=False)
    assert parent is not None and child is not None
    window.move_collection(child, parent)
    assert counts.threads == []
    assert not model.is_refreshing
    assert model.node(model.parent(model.index_for_collection(child))).collection_id == parent
    assert model.data(model.index_for_collection(parent), Role.COUNT) == 0
    assert shown(model, NodeKind.LIBRARY) == listed
    assert tag_entries(model) == tags


def test_a_collection_made_while_counts_are_read_stays_and_the_counts_follow(
    qtbot: QtBot, window: MainWindow, library: Library, counts: Held
) -> None:
    model = window.sidebar_model
    gate = counts.hold()
    library.add(references(3, start=STARTING))
    model.refresh_counts()
    assert counts.called.wait(10)
    cid = window.new_collection(name="Thesis", edit=False)
    assert cid is not None
    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()  # the older read is dropped; the one that follows counts the three
    assert shown(model, NodeKind.LIBRARY) == STARTING + 3
    assert model.index_for_collection(cid).isValid()
    assert not counts.read_on_ui_thread


# --- at window open ----------------------------------------------------------------------


def test_a_small_library_is_counted_at_once_when_its_window_opens(
    qtbot: QtBot, library: Library, tmp_path: Path, counts: Held
) -> None:
    window = shown_window(qtbot, library, tmp_path, counts_in=False)
    model = window.sidebar_model
    assert not model.is_refreshing
    assert shown(model, NodeKind.LIBRARY) == STARTING
    assert counts.read_on_ui_thread  # a few milliseconds: right as soon as it is shown


def test_a_large_library_opens_with_its_entries_and_its_counts_follow_off_the_ui_thread(
    qtbot: QtBot,
    library: Library,
    tmp_path: Path,
    counts: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sidebar_model, "SYNC_COUNT_LIMIT", 0)  # every library is large
    thesis, _ = library.add_collection("Thesis")
    library.add_to_collection(thesis.id, library.search_ids()[:5])
    library.trash(library.add([Reference(title="Thrown out", tags=("binned",))]).added)
    in_collections = Held(library.collection_counts)
    monkeypatch.setattr(library, "collection_counts", in_collections)
    tagged = Held(library.tags.counts)
    monkeypatch.setattr(library.tags, "counts", tagged)
    counts.threads.clear()
    gate = counts.hold()

    window = shown_window(qtbot, library, tmp_path, counts_in=False)
    model = window.sidebar_model
    assert counts.called.wait(10)  # the pool thread waits in its first count
    assert model.is_refreshing
    library_index = model.index_for_kind(NodeKind.LIBRARY)
    assert model.data(library_index) == "My Library"
    assert shown(model, NodeKind.LIBRARY) is None
    assert model.data(library_index.siblingAtColumn(COUNT_COLUMN)) is None  # an empty count
    collection = model.index_for_collection(thesis.id)
    assert model.data(collection) == "Thesis"
    assert model.data(collection, Role.COUNT) is None
    assert model.data(model.index_for_tag("wards")) == "wards"  # named, not counted yet
    assert model.data(model.index_for_tag("wards"), Role.COUNT) is None
    assert model.index_for_tag("binned").isValid()  # used in the trash alone: not known yet
    assert window.sidebar_view.current_node() is model.node(library_index)
    assert window.table_model.rowCount() == STARTING  # the table is there meanwhile
    assert not window.empty_trash_action.isEnabled()

    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        gate.set()
    assert not model.is_refreshing
    assert shown(model, NodeKind.LIBRARY) == STARTING
    assert model.data(library_index.siblingAtColumn(COUNT_COLUMN)) == f"{STARTING:,}"
    assert shown(model, NodeKind.UNFILED) == STARTING - 5
    assert model.data(model.index_for_collection(thesis.id), Role.COUNT) == 5
    assert model.data(model.index_for_tag("wards"), Role.COUNT) == STARTING
    assert not model.index_for_tag("binned").isValid()
    assert counts.threads and in_collections.threads and tagged.threads
    for reader in (counts, in_collections, tagged):
        assert not reader.read_on_ui_thread


# --- an open rename editor ---------------------------------------------------------------


def open_rename_editor(qtbot: QtBot, window: MainWindow, index: QModelIndex) -> QLineEdit:
    view = window.sidebar_view
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    qtbot.waitUntil(lambda: view.state() == QAbstractItemView.State.EditingState)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    return editor


def test_a_rename_editor_stays_open_while_another_window_adds_a_collection(
    qtbot: QtBot, window: MainWindow, library: Library, qtmodeltester
) -> None:
    model, view = window.sidebar_model, window.sidebar_view
    cid = window.new_collection(name="Thesis", edit=False)
    assert cid is not None
    qtmodeltester.check(model, force_py=True)  # and every change the model makes after
    editor = open_rename_editor(qtbot, window, model.index_for_collection(cid))
    editor.selectAll()
    qtbot.keyClicks(editor, "Dissertation")
    tags = model.index_for_kind(NodeKind.TAGS)
    assert view.isExpanded(tags)

    # Another window on the same file: a new collection, and references put into the one
    # being renamed (its count changes under the editor too).
    with Library.open(library.path, daily_backup=False) as other:
        appendix, _ = other.add_collection("Appendix")
        other.add_to_collection(cid, other.search_ids()[:3])
        other.add([Reference(title="Respite diaries", tags=("carers",))])
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS),
    ):
        model.refresh_counts()  # read in the background: every library is large here

    assert model.data(model.index_for_collection(appendix.id)) == "Appendix"
    assert model.data(model.index_for_tag("carers"), Role.COUNT) == 1
    assert model.data(model.index_for_collection(cid), Role.COUNT) == 3
    assert view.state() == QAbstractItemView.State.EditingState
    assert editor.isVisible() and QApplication.focusWidget() is editor
    assert editor.text() == "Dissertation"
    assert view.currentIndex() == model.index_for_collection(cid)
    assert view.isExpanded(model.index_for_kind(NodeKind.TAGS))

    with qtbot.waitSignal(model.collection_rename_requested, timeout=WAIT_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: {c.name for c in library.collections()} == {"Dissertation", "Appendix"},
        timeout=WAIT_MS,
    )
    assert model.data(model.index_for_collection(cid)) == "Dissertation"


def test_a_rename_editor_stays_open_when_a_change_set_adds_a_collection(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    model, view = window.sidebar_model, window.sidebar_view
    cid = window.new_collection(name="Thesis", edit=False)
    assert cid is not None
    editor = open_rename_editor(qtbot, window, model.index_for_collection(cid))
    editor.selectAll()
    qtbot.keyClicks(editor, "Chapter one")

    editing = QPersistentModelIndex(model.index_for_collection(cid))
    with Library.open(library.path, daily_backup=False) as other:
        # An import (its batch goes in above the collections) and a new collection.
        imported = other.import_text(RIS_TEXT, method=ImportMethod.PASTE, source_name="x.ris")
        appendix, made = other.add_collection("Appendix")
    with qtbot.assertNotEmitted(model.modelReset):
        window.apply_changes(imported.changes.merged_with(made))  # read at once: a rebuild

    assert len(batch_names(window)) == 1
    assert model.data(model.index_for_collection(appendix.id)) == "Appendix"
    assert editing == model.index_for_collection(cid)
    assert view.state() == QAbstractItemView.State.EditingState
    assert editor.isVisible() and editor.text() == "Chapter one"
    assert view.currentIndex() == model.index_for_collection(cid)


def test_the_collection_shown_going_in_the_background_shows_the_library(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    model, view = window.sidebar_model, window.sidebar_view
    cid = window.new_collection(name="Thesis", edit=False)
    assert cid is not None
    window.add_to_collection(cid, library.search_ids()[:2])
    qtbot.waitUntil(lambda: not model.is_refreshing, timeout=WAIT_MS)
    view.setCurrentIndex(model.index_for_collection(cid))
    assert window.table_model.rowCount() == 2

    with Library.open(library.path, daily_backup=False) as other:
        other.delete_collection(cid)
    with qtbot.waitSignal(model.counts_refreshed, timeout=WAIT_MS):
        model.refresh_counts()
    assert not model.index_for_collection(cid).isValid()
    assert view.current_node() is not None
    assert view.current_node().kind is NodeKind.LIBRARY
    qtbot.waitUntil(lambda: window.table_model.rowCount() == STARTING, timeout=WAIT_MS)
