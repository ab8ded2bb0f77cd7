"""Values far longer than any real one are stored, found and sorted on both backends.

A pasted page or a broken export can put a whole abstract into a title, a keyword list
into one tag or a paragraph into a DOI field. PostgreSQL's B-tree rows are limited to
about 2.7 kB, so a key indexed whole would refuse the import; the store indexes a capped
prefix of each key instead and keeps the value itself whole.
"""

from __future__ import annotations

import random

import pytest

from peerref.core.errors import UserInputError
from peerref.core.model import Creator, PartialDate, Reference
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.library import EntryMark, Library
from peerref.store.listing import SortKey


def _words(seed: int, count: int) -> str:
    """Words that do not repeat, so nothing compresses a long value under the limit."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzäöüéßøłč"
    return " ".join("".join(rng.choice(letters) for _ in range(7)) for _ in range(count))


def _long_reference(seed: int) -> Reference:
    return Reference(
        title="Zebrafinch " + _words(seed, 8000),
        creators=(Creator(family="Longname" + _words(seed + 1, 700).replace(" ", "")),),
        issued=PartialDate(2021),
        container_title=_words(seed + 2, 800),
        doi="10.5555/" + _words(seed + 3, 700).replace(" ", "-"),
        tags=("keywords " + _words(seed + 4, 700),),
    )


def test_a_reference_with_huge_fields_is_stored_whole_and_found(library: Library) -> None:
    reference = _long_reference(1)

    (ref_id,) = library.add([reference]).added

    stored = library.get(ref_id)
    assert stored.title == reference.title
    assert stored.creators == reference.creators
    assert stored.container_title == reference.container_title
    assert stored.doi == reference.doi
    assert stored.tags == reference.tags
    assert library.search_ids("zebrafinch") == [ref_id]
    assert library.search_ids(f'tag:"{reference.tags[0]}"') == [ref_id]
    for key in (SortKey.AUTHOR, SortKey.TITLE, SortKey.SOURCE):
        assert library.search_ids("", sort=key) == [ref_id]


def test_two_huge_titles_alike_for_their_first_thousand_letters_are_both_kept(
    library: Library,
) -> None:
    first = _long_reference(2)
    second = first.with_changes(title=first.title + " appendix")

    ids = sorted(library.add([first, second]).added)

    assert [library.get(i).title for i in ids] == [first.title, second.title]
    assert library.search_ids("appendix") == [ids[1]]


def test_a_second_import_of_a_huge_reference_is_a_duplicate(library: Library) -> None:
    reference = _long_reference(3)
    (ref_id,) = library.add([reference]).added

    result = ParseResult("ris", "RIS", (ParsedEntry(reference, "", 1, 1),))

    (status,) = library.check_duplicates(result)

    assert (status.mark, status.existing_id) == (EntryMark.DUPLICATE, ref_id)


def test_a_huge_collection_name_and_edit_are_kept(library: Library) -> None:
    (ref_id,) = library.add([_long_reference(4)]).added
    name = "Collection " + _words(5, 800)

    collection, _ = library.add_collection(name)
    library.add_to_collection(collection.id, [ref_id])
    edited = library.get(ref_id).with_changes(title="Short again")
    library.update(edited)

    assert library.collection_by_name(name).id == collection.id
    assert library.get(ref_id).title == "Short again"


def test_a_review_name_too_long_to_be_one_is_refused_with_its_length(library: Library) -> None:
    review = library.reviews.create("Peer support")

    with pytest.raises(UserInputError, match=r"at most 200 characters, not 5,000 \('xxx"):
        library.reviews.create("x" * 5000)
    with pytest.raises(UserInputError, match="at most 200 characters"):
        library.reviews.rename(review, "y" * 201)

    assert [r.name for r in library.reviews.all()] == ["Peer support"]
    assert library.reviews.rename(review, "z" * 200).name == "z" * 200


def test_tags_differing_only_in_case_stay_one_tag_however_long(library: Library) -> None:
    # ASCII letters: SQLite's NOCASE folds those alone.
    name = "Keywords " + _words(6, 700).encode("ascii", "ignore").decode()
    (first,) = library.add([Reference(title="First", tags=(name,))]).added
    (second,) = library.add([Reference(title="Second", tags=(name.upper(),))]).added

    assert library.get(first).tags == library.get(second).tags == (name,)
    assert library.search_ids(f'tag:"{name.lower()}"') == sorted([first, second])


def test_a_title_word_just_short_enough_for_the_index_is_stored(library: Library) -> None:
    # 682 three-byte letters: the longest word PostgreSQL indexes, too long once marked.
    word = "語" * 682
    (ref_id,) = library.add([Reference(title=f"Kanji {word}")]).added

    assert library.get(ref_id).title == f"Kanji {word}"
    assert library.search_ids("title:kanji") == [ref_id]
