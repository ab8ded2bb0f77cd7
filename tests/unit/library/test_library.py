"""The Library façade: collections, tags, notes, trash, imports, change sets, threads."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peerref.core.errors import FormatError, NotFoundError, StorageError, UserInputError
from peerref.core.model import (
    Creator,
    ImportMethod,
    NoteId,
    PartialDate,
    ReadingStatus,
    Reference,
    ReferenceId,
)
from peerref.formats.registry import parse_text
from peerref.library import Library, SortKey

CSL_TEXT = json.dumps(
    [
        {
            "type": "article-journal",
            "title": "Information behaviour of doctoral students",
            "author": [{"family": "Dijk", "given": "Anne", "non-dropping-particle": "van"}],
            "container-title": "Journal of Documentation",
            "issued": {"date-parts": [[2019, 3]]},
            "DOI": "10.1108/JD-00-2019-0001",
        },
        {
            "type": "book",
            "title": "Reference management in practice",
            "author": [{"literal": "Library Association"}],
            "publisher": "Facet",
            "issued": {"date-parts": [[2015]]},
        },
        {
            "type": "chapter",
            "title": "Search as learning",
            "editor": [{"family": "Ó Briain", "given": "Dara"}],
            "issued": {"date-parts": [[2021]]},
        },
    ],
    ensure_ascii=False,
    indent=1,
)


def test_collections_form_a_tree(library: Library) -> None:
    thesis, changes = library.add_collection("Thesis")
    assert changes.collections_changed and changes.collection_ids == {thesis.id}
    chapter, _ = library.add_collection("Chapter 2", thesis.id)
    methods, _ = library.add_collection("Methods", chapter.id)
    other, _ = library.add_collection("Reading group")
    assert [c.name for c in library.collections()] == [
        "Thesis",
        "Reading group",
        "Chapter 2",
        "Methods",
    ]
    assert library.collection_by_name("thesis/chapter 2/METHODS") == methods
    assert library.collection_by_name("Chapter 2") == chapter
    with pytest.raises(UserInputError, match="already a collection"):
        library.add_collection("chapter 2", thesis.id)
    with pytest.raises(UserInputError, match="into itself"):
        library.move_collection(thesis.id, methods.id)
    with pytest.raises(NotFoundError):
        library.collection_by_name("Thesis/Nothing")
    with pytest.raises(NotFoundError):
        library.add_collection("Orphan", parent=other.id + 100)  # type: ignore[arg-type]

    library.move_collection(methods.id, other.id)
    library.rename_collection(other.id, "Group")
    assert library.collection_by_name("Group/Methods").parent_id == other.id

    (a, b) = sorted(library.add([Reference(title="A"), Reference(title="B")]).added)
    library.add_to_collection(thesis.id, [a, b])
    library.add_to_collection(chapter.id, [a])
    library.add_to_collection(methods.id, [b])
    assert library.get(a).collection_ids == (thesis.id, chapter.id)
    assert library.collection_counts()[thesis.id] == 2
    library.remove_from_collection(thesis.id, [b])
    assert library.search_ids(collection=thesis.id) == [a]

    changes = library.delete_collection(thesis.id)
    assert changes.collection_ids == {thesis.id, chapter.id} and changes.updated == {a}
    assert [c.name for c in library.collections()] == ["Group", "Methods"]
    assert library.count() == 2  # the references stay


def test_tags_are_many_to_many_and_ignore_case(library: Library) -> None:
    (a, b) = sorted(library.add([Reference(title="A", tags=("ML",)), Reference(title="B")]).added)
    changes = library.tag([a, b], add=["ml", "To read"])
    assert changes.updated == {a, b} and changes.tags_changed
    assert library.get(b).tags == ("ML", "To read")
    assert library.tags.counts() == [("ML", 2), ("To read", 2)]
    library.tag([a], remove=["TO READ"])
    assert library.tags.counts() == [("ML", 2), ("To read", 1)]
    library.tag([b], remove=["To read"])
    assert library.tags.counts() == [("ML", 2)]
    assert library.tag([a], add=["ml"]).updated == frozenset()  # nothing to change
    with pytest.raises(NotFoundError):
        library.tag([ReferenceId(99)], add=["x"])


def test_notes_have_times_and_belong_to_a_reference(library: Library) -> None:
    (ref_id,) = library.add([Reference(title="A")]).added
    first, changes = library.add_note(ref_id, "# Heading\n\n*markdown* text")
    assert changes.notes_changed == {ref_id}
    second, _ = library.add_note(ref_id, "second")
    assert first.created is not None and first.created == first.modified
    library.update_note(first.id or NoteId(0), "edited")
    edited = library.notes(ref_id)[0]
    assert edited.text == "edited" and edited.modified and edited.created
    assert edited.modified >= edited.created
    library.delete_note(second.id or NoteId(0))
    assert [n.text for n in library.notes(ref_id)] == ["edited"]
    with pytest.raises(NotFoundError):
        library.update_note(NoteId(999), "x")
    with pytest.raises(NotFoundError):
        library.add_note(ReferenceId(999), "x")


def test_trash_restore_and_empty(library: Library) -> None:
    (a, b, c) = sorted(library.add([Reference(title=t) for t in "ABC"]).added)
    assert library.trash([a, b]).trashed == {a, b}
    assert library.trash([a]).trashed == frozenset()  # already there
    assert library.search_ids() == [c] and library.search_ids(trash=True) == [a, b]
    assert library.restore([b]).restored == {b}
    assert library.empty_trash().removed == {a}
    with pytest.raises(NotFoundError):
        library.get(a)
    assert library.delete_permanently([c]).removed == {c}
    assert library.search_ids() == [b]
    with pytest.raises(NotFoundError, match="no reference with id 42"):
        library.trash([ReferenceId(42)])


def test_update_keeps_provenance_and_membership(library: Library) -> None:
    outcome = library.import_text(CSL_TEXT, method=ImportMethod.PASTE)
    ref_id = min(outcome.changes.added)
    thesis, _ = library.add_collection("Thesis")
    library.add_to_collection(thesis.id, [ref_id])
    original = library.get(ref_id)
    changed = original.with_changes(
        title="New title",
        creators=(Creator(family="Smith", given="Ann"),),
        issued=PartialDate(2020),
        tags=("new",),
        reading_status=ReadingStatus.READ,
        rating=5,
        source_text="ignored",
        batch_id=None,
    )
    changes = library.update(changed)
    assert changes.updated == {ref_id} and changes.tags_changed
    stored = library.get(ref_id)
    assert stored.title == "New title" and stored.rating == 5 and stored.tags == ("new",)
    assert stored.source_text == original.source_text and stored.batch_id == original.batch_id
    assert stored.collection_ids == (thesis.id,) and stored.added == original.added
    assert stored.modified is not None and original.modified is not None
    assert stored.modified > original.modified
    with pytest.raises(UserInputError, match="rating"):
        library.update(stored.with_changes(rating=0))
    with pytest.raises(UserInputError):
        library.update(stored.with_changes(id=None))
    with pytest.raises(NotFoundError):
        library.update(stored.with_changes(id=ReferenceId(404)))


def test_import_text_keeps_the_raw_input_and_each_snippet(library: Library) -> None:
    outcome = library.import_text(CSL_TEXT, method=ImportMethod.PASTE, source_name="clipboard")
    assert outcome.added == 3 and outcome.skipped == 0 and outcome.merged == 0
    assert outcome.result.format_name == "csl-json"
    batch = library.batch(outcome.changes.batch_id)  # type: ignore[arg-type]
    assert batch.raw_input == CSL_TEXT and batch.method is ImportMethod.PASTE
    assert (batch.format_name, batch.source_name, batch.entries_found) == (
        "csl-json",
        "clipboard",
        3,
    )
    refs = library.get_many(sorted(outcome.changes.added))
    assert [r.batch_id for r in refs] == [batch.id] * 3
    assert [r.source_text for r in refs] == [e.raw_text for e in outcome.result.entries]
    assert refs[0].creators[0].particle == "van"
    by_title = library.search_ids(batch=batch.id, sort=SortKey.TITLE, descending=True)
    assert by_title == [refs[2].id, refs[1].id, refs[0].id]
    assert library.search_ids("author:briain") == [refs[2].id]


def test_import_parsed_imports_only_the_selected_entries(library: Library) -> None:
    thesis, _ = library.add_collection("Thesis")
    result = parse_text(CSL_TEXT)
    outcome = library.import_parsed(
        result, raw_input=CSL_TEXT, method=ImportMethod.DROP, selected=[2, 0], collection=thesis.id
    )
    assert (outcome.added, outcome.skipped) == (2, 1)
    batch = library.batches()[0]
    assert (batch.entries_found, batch.entries_added, batch.entries_skipped) == (3, 2, 1)
    titles = {r.title for r in library.get_many(library.search_ids(collection=thesis.id))}
    assert titles == {"Information behaviour of doctoral students", "Search as learning"}
    with pytest.raises(UserInputError):
        library.import_parsed(result, raw_input="", method=ImportMethod.DROP, selected=[3])


def test_import_files_one_batch_per_file(library: Library, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    first.write_text(CSL_TEXT, encoding="utf-8")
    second = tmp_path / "second.json"
    second.write_bytes(b"\xef\xbb\xbf" + json.dumps({"type": "book", "title": "One"}).encode())
    outcome = library.import_files([first, second])
    assert outcome.added == 4 and len(outcome.result.entries) == 4
    batches = library.batches()
    assert {b.source_name for b in batches} == {"first.json", "second.json"}
    assert all(b.method is ImportMethod.FILE for b in batches)
    with pytest.raises(NotFoundError):
        library.import_files([tmp_path / "missing.json"])
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    with pytest.raises(FormatError, match=r"bad\.json"):
        library.import_files([bad, first], format_name="csl-json")
    assert len(library.batches()) == 2  # nothing imported from the failed call


def test_batches_newest_first(library: Library) -> None:
    library.import_text(CSL_TEXT, method=ImportMethod.PASTE)
    library.import_text(CSL_TEXT, method=ImportMethod.COMMAND_LINE)
    first, second = library.batches()
    assert first.method is ImportMethod.COMMAND_LINE and second.method is ImportMethod.PASTE
    with pytest.raises(NotFoundError):
        library.batch(999)  # type: ignore[arg-type]


def test_stats(library: Library) -> None:
    library.import_text(CSL_TEXT, method=ImportMethod.PASTE)
    (ref_id, *_rest) = library.search_ids()
    library.add_note(ref_id, "n")
    library.tag([ref_id], add=["t"])
    library.add_collection("C")
    library.trash([ref_id])
    stats = library.stats()
    assert (stats.references, stats.trashed, stats.collections) == (2, 1, 1)
    assert (stats.tags, stats.notes, stats.batches) == (1, 1, 1)
    assert dict(stats.by_type) == {"book": 1, "chapter": 1}
    assert stats.file_bytes > 0


def test_add_with_notes_and_change_set(library: Library) -> None:
    changes = library.add(
        [Reference(title="A", tags=("x",)), Reference(title="B")], notes=[["first"], []]
    )
    (a, b) = sorted(changes.added)
    assert changes.notes_changed == {a} and changes.tags_changed
    assert [n.text for n in library.notes(a)] == ["first"] and library.notes(b) == []
    with pytest.raises(UserInputError):
        library.add([Reference(title="C")], notes=[])


def test_deleted_references_go_back_under_their_own_ids(library: Library) -> None:
    library.import_text(CSL_TEXT, method=ImportMethod.PASTE)
    ids = library.search_ids()
    library.add_note(ids[0], "read again")
    stored = library.get_many(ids)
    library.delete_permanently(ids)
    later = library.add([Reference(title="Added after the delete")]).added

    notes = [["read again"]] + [[] for _ in ids[1:]]
    changes = library.add(stored, notes=notes, keep_ids=True)
    assert changes.added == set(ids)
    assert library.get_many(ids) == stored  # batch, original text, times and all
    assert [n.text for n in library.notes(ids[0])] == ["read again"]
    assert not set(later) & set(ids)  # AUTOINCREMENT: the new one never took a freed id


def test_putting_back_under_an_id_refuses_one_in_use_or_missing(library: Library) -> None:
    (ref_id,) = library.add([Reference(title="A")]).added
    in_use = library.get(ref_id)
    with pytest.raises(UserInputError, match=f"id {ref_id} is already in use"):
        library.add([in_use.with_changes(title="B")], keep_ids=True)
    with pytest.raises(UserInputError, match="needs an id"):
        library.add([Reference(title="C")], keep_ids=True)
    assert library.count() == 1


def test_a_worker_thread_can_use_the_library(library: Library) -> None:
    library.add([Reference(title=f"Title {n}") for n in range(50)])
    results: list[list[ReferenceId]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            library.add([Reference(title="From the worker")])
            results.append(library.search_ids("worker"))
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert not errors and len(results[0]) == 1
    assert library.count() == 51


def test_closed_library_raises_a_clear_error(library: Library) -> None:
    library.close()
    with pytest.raises(StorageError, match="closed"):
        library.search_ids()


def test_times_are_aware_utc(library: Library) -> None:
    (ref_id,) = library.add([Reference(title="A")]).added
    added = library.get(ref_id).added
    assert added is not None and added.tzinfo is not None
    assert abs(added - datetime.now(UTC)).total_seconds() < 60


def test_a_paste_above_the_size_limit_is_refused_at_once_and_changes_nothing(
    library: Library,
) -> None:
    """Issue 17 #12: a 200 MB paste took 24 s and 2.6 GB; now it is refused before reading."""
    from peerref.core.limits import MAX_INPUT_BYTES

    text = "TY  - JOUR\nTI  - A\nER  - \n" * (MAX_INPUT_BYTES // 26 + 1)
    with pytest.raises(FormatError, match="Too large to import at once: the text is about 50 MB"):
        library.import_text(text, method=ImportMethod.PASTE)
    assert library.count() == 0 and library.batches() == []
