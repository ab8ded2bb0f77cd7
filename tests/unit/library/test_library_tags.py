"""``library.tags``: rename, merge and delete tags across the library, each undoable."""

from __future__ import annotations

import pytest

from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.library import Library
from peerref.store import search


def _add(library: Library, *tag_sets: tuple[str, ...]) -> list[ReferenceId]:
    references = [Reference(title=f"Paper {i}", tags=tags) for i, tags in enumerate(tag_sets)]
    return sorted(library.add(references).added)


def _tags_of(library: Library, ids: list[ReferenceId]) -> list[tuple[str, ...]]:
    return [library.get(ref_id).tags for ref_id in ids]


def _index_is_sound(library: Library) -> None:
    with library.database.reading() as repo:
        search.check_integrity(repo.connection)


def test_rename_everywhere_and_restore(library: Library) -> None:
    ids = _add(library, ("ml", "to read"), ("ml",), ("qualitative",))
    edit = library.tags.rename("ml", "Machine learning")
    assert edit.changes.updated == {ids[0], ids[1]} and edit.changes.tags_changed
    assert _tags_of(library, ids) == [
        ("Machine learning", "to read"),
        ("Machine learning",),
        ("qualitative",),
    ]
    assert library.search_ids("tag:machine") == ids[:2]
    assert library.search_ids("tag:ml") == []
    assert library.search_ids("machine") == ids[:2]  # tag names are in the text index
    _index_is_sound(library)
    library.tags.restore(edit.before)
    assert _tags_of(library, ids) == [("ml", "to read"), ("ml",), ("qualitative",)]
    assert library.tags.counts() == [("ml", 2), ("qualitative", 1), ("to read", 1)]
    assert library.search_ids("tag:ml") == ids[:2]


def test_renaming_only_the_letter_case_respells_it_and_undo_spells_it_back(
    library: Library,
) -> None:
    ids = _add(library, ("ml",), ("ml", "x"))
    edit = library.tags.rename("ML", "ML")
    assert library.tags.counts() == [("ML", 2), ("x", 1)]
    _index_is_sound(library)
    assert _tags_of(library, ids) == [("ML",), ("ML", "x")]
    library.tags.restore(edit.before)
    assert library.tags.counts() == [("ml", 2), ("x", 1)]


def test_renaming_into_an_existing_tag_merges_and_undo_separates(library: Library) -> None:
    ids = _add(library, ("ml",), ("machine learning",), ("ml", "machine learning"))
    edit = library.tags.rename("ml", "machine learning")
    assert library.tags.counts() == [("machine learning", 3)]
    library.tags.restore(edit.before)
    assert _tags_of(library, ids) == [("ml",), ("machine learning",), ("machine learning", "ml")]


def test_merge_several_tags_into_one_of_them(library: Library) -> None:
    ids = _add(library, ("RCT",), ("randomised",), ("randomized", "RCT"), ("other",))
    edit = library.tags.merge(["randomised", "randomized", "RCT"], "RCT")
    assert library.tags.counts() == [("other", 1), ("RCT", 3)]
    assert edit.changes.updated == {ids[1], ids[2]}
    library.tags.restore(edit.before)
    assert library.tags.counts() == [
        ("other", 1),
        ("randomised", 1),
        ("randomized", 1),
        ("RCT", 2),
    ]


def test_delete_takes_the_tag_off_every_reference_trashed_ones_too(library: Library) -> None:
    ids = _add(library, ("draft", "keep"), ("draft",))
    library.trash([ids[1]])
    edit = library.tags.delete("DRAFT")
    assert edit.changes.updated == set(ids)
    assert _tags_of(library, ids) == [("keep",), ()]
    library.tags.restore(edit.before)
    assert _tags_of(library, ids) == [("draft", "keep"), ("draft",)]


def test_restore_skips_references_deleted_for_good(library: Library) -> None:
    ids = _add(library, ("draft",), ("draft",))
    edit = library.tags.delete("draft")
    library.trash([ids[1]])
    library.empty_trash()
    library.tags.restore(edit.before)
    assert library.tags.counts() == [("draft", 1)]
    assert library.get(ids[0]).tags == ("draft",)


def test_bad_names_are_refused_and_change_nothing(library: Library) -> None:
    _add(library, ("ml",))
    with pytest.raises(NotFoundError):
        library.tags.rename("nope", "x")
    with pytest.raises(UserInputError):
        library.tags.rename("ml", "   ")
    with pytest.raises(UserInputError):
        library.tags.merge([], "ml")
    with pytest.raises(NotFoundError):
        library.tags.delete("nope")
    assert library.tags.counts() == [("ml", 1)]


def test_names_are_every_tag_by_name_trash_only_ones_too_and_counts_leave_those_out(
    library: Library,
) -> None:
    ids = _add(library, ("qualitative", "Ward"), ("ml",), ("binned",))
    library.trash([ids[2]])

    assert library.tags.names() == ["binned", "ml", "qualitative", "Ward"]
    assert library.tags.counts() == [("ml", 1), ("qualitative", 1), ("Ward", 1)]
