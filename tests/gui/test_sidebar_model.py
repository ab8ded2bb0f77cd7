"""The sidebar model on its own: tree shape, counts, renaming and drops become signals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from peerref.core.model import (
    BatchId,
    Creator,
    ImportBatch,
    ImportMethod,
    PartialDate,
    Reference,
)
from peerref.gui import icons
from peerref.gui.clipboard import set_reference_ids
from peerref.gui.models.roles import Role
from peerref.gui.models.sidebar_model import (
    COLLECTION_MIME,
    NodeKind,
    SidebarModel,
    batch_label,
    batch_tooltip,
    build_tree,
)
from peerref.library import Library

# Our own two records in RIS, as a database export would give them.
RIS_TEXT = """TY  - JOUR
AU  - Brennan, Aoife
TI  - Evening routines on an acute ward after peer workers joined
JO  - Mental Health Review Journal
PY  - 2019
ER  -

TY  - JOUR
AU  - Mensah, Kwame
TI  - Carers' accounts of respite that did not rest
JO  - The Journal of Adult Protection
PY  - 2021
ER  -
"""


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


@pytest.fixture
def filled(library: Library) -> Library:
    """Three references, nested collections, tags, one trashed reference and one import."""
    refs = [
        Reference(
            title=f"Reference {i}",
            creators=(Creator(family="Okafor", given="Ada"),),
            issued=PartialDate(2015 + i),
            tags=("wards",) if i < 2 else ("carers",),
        )
        for i in range(3)
    ]
    ids = sorted(library.add(refs).added)
    parent, _ = library.add_collection("Thesis")
    child, _ = library.add_collection("Chapter 2", parent.id)
    library.add_collection("Reading group")
    library.add_to_collection(parent.id, ids[:2])
    library.add_to_collection(child.id, ids[:1])
    library.trash(ids[2:])
    library.import_text(RIS_TEXT, method=ImportMethod.PASTE, source_name="RIS export")
    return library


def find(model: SidebarModel, kind: NodeKind, name: str | None = None) -> QModelIndex:
    for node in model.node(QModelIndex()).walk():
        if node.kind is kind and (name is None or node.name == name):
            return model.index_of(node)
    raise AssertionError(f"no {kind} {name}")


def test_model_passes_qt_model_tester(filled: Library, qtmodeltester, qapp) -> None:
    model = SidebarModel(filled)
    qtmodeltester.check(model, force_py=True)


def test_tree_has_sections_collections_tags_and_batches(filled: Library) -> None:
    model = SidebarModel(filled)
    top = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert top == [
        "My Library",
        "Unfiled",
        "Recently imported",
        "Trash",
        "Duplicates",
        "Collections",
        "Tags",
    ]

    def count(index: QModelIndex) -> object:
        return model.data(index, Role.COUNT)

    assert count(find(model, NodeKind.LIBRARY)) == 4  # two left + two imported
    assert count(find(model, NodeKind.UNFILED)) == 2
    assert count(find(model, NodeKind.TRASH)) == 1

    thesis = find(model, NodeKind.COLLECTION, "Thesis")
    assert count(thesis) == 2
    assert model.rowCount(thesis) == 1
    assert model.data(model.index(0, 0, thesis)) == "Chapter 2"
    assert model.parent(model.index(0, 0, thesis)) == thesis

    tags = find(model, NodeKind.TAGS)
    assert [model.data(model.index(r, 0, tags)) for r in range(model.rowCount(tags))] == ["wards"]
    assert count(model.index(0, 0, tags)) == 2  # "carers" is only on the trashed reference

    recent = find(model, NodeKind.RECENT)
    assert model.rowCount(recent) == 1
    label = model.data(model.index(0, 0, recent))
    assert label == "RIS file"
    assert model.data(model.index(0, 0, recent), Role.COUNT) == 2


def test_batch_label_names_the_source_and_the_time_when_repeated() -> None:
    batch = ImportBatch(
        id=BatchId(1),
        created=datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
        method=ImportMethod.PASTE,
        format_name="emerald",
        raw_input="",
        source_name="the clipboard",
        entries_added=10,
    )
    assert batch_label(batch) == "Emerald Insight page"
    local = batch.created.astimezone()
    same_day = local.replace(hour=23, minute=59) if local.hour < 23 else local
    assert batch_label(batch, same_day, timed=True) == f"Emerald Insight page · {local:%H:%M}"
    later = local + timedelta(days=40)
    if later.year == local.year:
        assert batch_label(batch, later, timed=True) == (
            f"Emerald Insight page · {local.day} {local:%b %H:%M}"
        )
    next_year = local.replace(year=local.year + 1)
    assert batch_label(batch, next_year, timed=True) == (
        f"Emerald Insight page · {local.day} {local:%b %Y %H:%M}"
    )
    tip = batch_tooltip(batch)
    assert tip.startswith("Imported 10 references from Emerald Insight results page")
    assert "(the clipboard)" in tip and f"at {local:%H:%M}" in tip
    from_file = ImportBatch(
        id=BatchId(2),
        created=datetime(2026, 11, 23, tzinfo=UTC),
        method=ImportMethod.FILE,
        format_name="ris",
        raw_input="",
        source_name="chapter2.ris",
        entries_added=3,
    )
    assert batch_label(from_file) == "chapter2.ris"
    assert batch_tooltip(from_file).startswith("Imported 3 references from chapter2.ris\n")
    # The same page pasted twice: the sidebar tells the two apart by their times.
    again = ImportBatch(
        id=BatchId(3),
        created=datetime(2026, 11, 22, 11, 0, tzinfo=UTC),
        method=ImportMethod.PASTE,
        format_name="emerald",
        raw_input="",
        source_name="the clipboard",
        entries_added=4,
    )
    tree = build_tree(
        library_count=0,
        unfiled_count=0,
        trash_count=0,
        batches=[again, from_file, batch],
        collections=[],
        collection_counts={},
        tags=[],
    )
    recent = next(node for node in tree.children if node.kind is NodeKind.RECENT)
    names = [node.name for node in recent.children]
    assert names[1] == "chapter2.ris"
    assert names[0].startswith("Emerald Insight page · ") and names[0] != names[2]
    assert [node.count for node in recent.children] == [4, 3, 10]


def test_duplicates_entry_has_its_own_icon(qtbot: QtBot) -> None:
    assert icons.icon_path("duplicate") is not None
    tree = build_tree(
        library_count=0,
        unfiled_count=0,
        trash_count=0,
        batches=[],
        collections=[],
        collection_counts={},
        tags=[],
    )
    duplicates = next(n for n in tree.children if n.kind is NodeKind.DUPLICATES)
    assert duplicates.icon_name == "duplicate"
    assert not icons.icon("duplicate").isNull()


def test_headers_are_not_selectable_and_only_collections_are_editable(filled: Library) -> None:
    model = SidebarModel(filled)
    collections = find(model, NodeKind.COLLECTIONS)
    assert not model.flags(collections) & Qt.ItemFlag.ItemIsSelectable
    thesis = find(model, NodeKind.COLLECTION, "Thesis")
    assert model.flags(thesis) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(find(model, NodeKind.TRASH)) & Qt.ItemFlag.ItemIsEditable


def test_renaming_in_place_shows_the_name_and_asks_the_window(
    filled: Library, qtbot: QtBot
) -> None:
    model = SidebarModel(filled)
    thesis = find(model, NodeKind.COLLECTION, "Thesis")
    cid = model.data(thesis, Role.COLLECTION_ID)
    with qtbot.waitSignal(model.collection_rename_requested) as asked:
        assert model.setData(thesis, "  PhD thesis ", Qt.ItemDataRole.EditRole)
    assert asked.args == [cid, "PhD thesis"]
    assert model.data(thesis) == "PhD thesis"
    assert not model.setData(thesis, "   ", Qt.ItemDataRole.EditRole)
    assert not model.setData(find(model, NodeKind.TRASH), "Bin", Qt.ItemDataRole.EditRole)


def test_references_dropped_on_a_collection_become_a_signal(filled: Library, qtbot: QtBot) -> None:
    model = SidebarModel(filled)
    reading = find(model, NodeKind.COLLECTION, "Reading group")
    ids = filled.search_ids()[:2]
    mime = QMimeData()
    set_reference_ids(mime, ids)
    action = Qt.DropAction.CopyAction

    assert model.canDropMimeData(mime, action, -1, -1, reading)
    assert not model.canDropMimeData(mime, action, -1, -1, find(model, NodeKind.TRASH))
    assert not model.canDropMimeData(mime, action, -1, -1, find(model, NodeKind.TAGS))
    with qtbot.waitSignal(model.references_dropped) as dropped:
        assert model.dropMimeData(mime, action, -1, -1, reading)
    assert dropped.args == [model.data(reading, Role.COLLECTION_ID), ids]


def test_collections_drag_to_nest_but_never_into_themselves(filled: Library, qtbot: QtBot) -> None:
    model = SidebarModel(filled)
    thesis = find(model, NodeKind.COLLECTION, "Thesis")
    chapter = find(model, NodeKind.COLLECTION, "Chapter 2")
    reading = find(model, NodeKind.COLLECTION, "Reading group")
    mime = model.mimeData([thesis])
    assert mime.hasFormat(COLLECTION_MIME)
    move = Qt.DropAction.MoveAction

    assert not model.canDropMimeData(mime, move, -1, -1, thesis)
    assert not model.canDropMimeData(mime, move, -1, -1, chapter)
    assert not model.canDropMimeData(mime, move, -1, -1, find(model, NodeKind.COLLECTIONS))
    assert model.canDropMimeData(mime, move, -1, -1, reading)
    with qtbot.waitSignal(model.collection_move_requested) as moved:
        model.dropMimeData(mime, move, -1, -1, reading)
    assert moved.args == [
        model.data(thesis, Role.COLLECTION_ID),
        model.data(reading, Role.COLLECTION_ID),
    ]

    chapter_mime = model.mimeData([chapter])
    with qtbot.waitSignal(model.collection_move_requested) as to_top:
        model.dropMimeData(chapter_mime, move, -1, -1, find(model, NodeKind.COLLECTIONS))
    assert to_top.args[1] is None


def test_pages_dropped_on_a_collection_are_offered_for_import(
    filled: Library, qtbot: QtBot
) -> None:
    model = SidebarModel(filled)
    reading = find(model, NodeKind.COLLECTION, "Reading group")
    mime = QMimeData()
    mime.setText(RIS_TEXT)
    with qtbot.waitSignal(model.external_dropped) as dropped:
        model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, reading)
    copy, cid = dropped.args
    assert copy is not mime and copy.text() == RIS_TEXT
    assert cid == model.data(reading, Role.COLLECTION_ID)
    broken = QMimeData()
    broken.setData(COLLECTION_MIME, QByteArray(b"not a number"))
    assert not model.canDropMimeData(broken, Qt.DropAction.MoveAction, -1, -1, reading)


def test_counts_refresh_in_place_and_new_entries_are_inserted_rows(
    filled: Library, qtbot: QtBot
) -> None:
    model = SidebarModel(filled)
    filled.trash(filled.search_ids(unfiled=True)[:1])
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.refresh_counts()
    assert model.data(find(model, NodeKind.TRASH), Role.COUNT) == 2

    filled.add_collection("Методы")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted):
        model.rebuild()
    assert model.data(find(model, NodeKind.COLLECTION, "Методы")) == "Методы"


def shape(model: SidebarModel) -> list[tuple[int, object, str, int | None]]:
    """The tree as shown: depth, key, name and count of every entry, in order."""
    rows: list[tuple[int, object, str, int | None]] = []

    def visit(parent: QModelIndex, depth: int) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            key = model.data(index, Role.NODE_KEY)
            rows.append((depth, key, str(model.data(index)), model.data(index, Role.COUNT)))
            visit(index, depth + 1)

    visit(QModelIndex(), 0)
    return rows


def test_a_reread_tree_is_followed_with_row_moves_never_a_reset(
    filled: Library, qtbot: QtBot, qtmodeltester
) -> None:
    """Nesting, un-nesting, deleting a parent whose child moved out, renames and new tags.

    Each step ends in the tree a new model reads, reached with insertions, removals and
    moves only (the model tester checks each against what the model then answers), and
    the nodes kept are the ones shown before (persistent indexes still point at them).
    """
    model = SidebarModel(filled)
    qtmodeltester.check(model, force_py=True)
    by_name = {c.name: c.id for c in filled.collections()}
    reading = QPersistentModelIndex(model.index_for_collection(by_name["Reading group"]))
    chapter = QPersistentModelIndex(model.index_for_collection(by_name["Chapter 2"]))

    def follow(step: Callable[[], object]) -> None:
        step()
        with qtbot.assertNotEmitted(model.modelReset):
            model.rebuild()
        assert shape(model) == shape(SidebarModel(filled))

    follow(lambda: filled.move_collection(by_name["Thesis"], by_name["Reading group"]))
    follow(lambda: filled.move_collection(by_name["Chapter 2"], None))
    follow(lambda: filled.move_collection(by_name["Reading group"], by_name["Chapter 2"]))
    follow(lambda: filled.rename_collection(by_name["Chapter 2"], "A chapter first"))
    appendix, _ = filled.add_collection("Appendix", by_name["Thesis"])
    follow(lambda: filled.move_collection(by_name["Thesis"], None))
    kept = QPersistentModelIndex(model.index_for_collection(appendix.id))
    # In one answer: the child moves out of its parent, and the parent goes.
    follow(
        lambda: (
            filled.move_collection(appendix.id, None),
            filled.delete_collection(by_name["Thesis"]),
        )
    )
    follow(lambda: filled.add(references_tagged("alpha", "beta", "zeta")))
    follow(lambda: filled.tags.delete("wards"))

    assert model.data(reading, Role.COLLECTION_ID) == by_name["Reading group"]
    assert model.data(chapter) == "A chapter first"
    assert model.parent(QModelIndex(reading)) == QModelIndex(chapter)
    assert kept.isValid() and model.data(kept) == "Appendix"


def references_tagged(*tags: str) -> list[Reference]:
    return [Reference(title=f"Tagged {tag}", tags=(tag,)) for tag in tags]
