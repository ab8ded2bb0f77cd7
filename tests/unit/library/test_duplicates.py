"""Duplicates on import and in the library: skip, fill, merge with undo, "not duplicates"."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerref.core.dedupe import Verdict
from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import Creator, ImportMethod, PartialDate, Reference, ReferenceId
from peerref.formats.registry import parse_text
from peerref.library import EntryMark, Library

SEEDS_DIR = Path(__file__).resolve().parents[4] / "shared" / "seeds"
FORMATS = Path(__file__).resolve().parents[2] / "data" / "formats"
DEDUPE_DATA = Path(__file__).resolve().parents[2] / "data" / "dedupe"

# An Emerald results page of our own: two different papers by the same authors on the
# same day in the same issue, neither with a title in the copied text, and a third paper.
EMERALD_PAGE = (DEDUPE_DATA / "same_day_pair.emerald.txt").read_text(encoding="utf-8")

# The RIS export of the first paper above: it adds the title, the DOI and the pages.
RICHER_RIS = (DEDUPE_DATA / "same_day_pair.richer.ris").read_text(encoding="utf-8")


def _seed(prefix: str) -> str:
    matches = sorted(SEEDS_DIR.glob(f"{prefix}*.txt")) if SEEDS_DIR.is_dir() else []
    if not matches:
        pytest.skip(f"no seed page {prefix}* in {SEEDS_DIR}")
    return matches[0].read_text(encoding="utf-8")


def _untitled_by(library: Library, *families: str) -> list[Reference]:
    return [
        ref
        for ref in library.get_many(library.search_ids())
        if not ref.title and tuple(c.family for c in ref.authors) == families
    ]


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_reimporting_a_seed_page_adds_nothing(library: Library, prefix: str) -> None:
    text = _seed(prefix)
    first = library.import_text(text, method=ImportMethod.PASTE)
    assert first.added == len(first.result.entries) > 0
    again = library.import_text(text, method=ImportMethod.PASTE)
    assert (again.added, again.skipped, again.merged) == (0, len(again.result.entries), 0)
    assert library.count() == first.added
    assert library.duplicate_groups() == []
    batch = library.batch(again.changes.batch_id)  # type: ignore[arg-type]
    assert (batch.entries_found, batch.entries_added, batch.entries_skipped) == (
        first.added,
        0,
        first.added,
    )


def test_both_seed_pages_together_and_the_repper_watson_pair_stays_two(library: Library) -> None:
    emerald, sciencegate = _seed("000"), _seed("001")
    for text in (emerald, sciencegate, emerald, sciencegate):
        library.import_text(text, method=ImportMethod.PASTE)
    pair = [r for r in _untitled_by(library, "Repper", "Watson") if r.issued.year == 2012]
    assert len(pair) == 2
    assert pair[0].abstract_text != pair[1].abstract_text


@pytest.mark.parametrize(
    "fixture",
    [
        "emerald/mixed.txt",
        "emerald/crlf_partial.txt",
        "sciencegate/titles.txt",
        "sciencegate/crlf.txt",
    ],
)
def test_reimporting_fixture_pages_adds_nothing(library: Library, fixture: str) -> None:
    text = (FORMATS / fixture).read_text(encoding="utf-8")
    first = library.import_text(text, method=ImportMethod.PASTE)
    statuses = library.check_duplicates(parse_text(text))
    assert [s.mark for s in statuses] == [EntryMark.DUPLICATE] * len(statuses)
    again = library.import_text(text, method=ImportMethod.PASTE)
    assert again.added == 0 and again.skipped == len(again.result.entries)
    assert library.count() == first.added


def test_same_authors_same_day_same_issue_stay_two_papers(library: Library) -> None:
    outcome = library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    assert outcome.added == 3
    assert len(_untitled_by(library, "Kowalczyk", "Adeyemi")) == 2
    assert library.duplicate_groups() == []
    assert library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE).added == 0
    assert len(_untitled_by(library, "Kowalczyk", "Adeyemi")) == 2


def test_a_richer_record_fills_the_untitled_reference_and_records_the_merge(
    library: Library,
) -> None:
    library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    allotments, volunteers = sorted(
        _untitled_by(library, "Kowalczyk", "Adeyemi"),
        key=lambda r: "allotment" not in r.abstract_text,
    )
    assert allotments.id is not None and volunteers.id is not None

    (status,) = library.check_duplicates(parse_text(RICHER_RIS))
    assert status.mark is EntryMark.DUPLICATE and status.existing_id == allotments.id
    assert {"title", "doi", "page"} <= set(status.fills)

    outcome = library.import_text(RICHER_RIS, method=ImportMethod.FILE, source_name="x.ris")
    assert (outcome.added, outcome.skipped, outcome.merged) == (0, 0, 1)
    assert outcome.changes.updated == {allotments.id}
    assert library.count() == 3
    filled = library.get(allotments.id)
    assert filled.title == "Growing together: peer-run allotments after an acute admission"
    assert filled.doi == "10.1108/MHSI-05-2016-0017" and filled.page == "211-220"
    assert filled.batch_id == allotments.batch_id  # its own provenance is kept
    (event,) = library.merge_history(allotments.id)
    assert event.batch_id == outcome.changes.batch_id and event.merged_reference_id is None
    assert {"title", "doi", "page"} <= set(event.fields)
    assert "DO  - 10.1108/MHSI-05-2016-0017" in event.source_text
    assert library.batch(outcome.changes.batch_id).entries_merged == 1  # type: ignore[arg-type]
    assert library.get(volunteers.id) == volunteers  # the other paper is untouched

    # Undoing the import's fill gives the untitled record back, provenance included.
    (record,) = outcome.fills
    library.unmerge(record)
    assert library.get(allotments.id).title == "" and library.merge_history(allotments.id) == []


def test_duplicates_within_one_import_are_caught(library: Library) -> None:
    plain = RICHER_RIS.replace("DO  - 10.1108/MHSI-05-2016-0017\n", "")
    outcome = library.import_text(plain + "\n" + RICHER_RIS, method=ImportMethod.PASTE)
    assert (outcome.added, outcome.merged) == (1, 1)
    (ref,) = library.get_many(library.search_ids())
    assert ref.doi == "10.1108/MHSI-05-2016-0017"
    assert ref.id is not None and len(library.merge_history(ref.id)) == 1
    twice = library.import_text(plain + "\n" + plain, method=ImportMethod.PASTE)
    assert (twice.added, twice.skipped, twice.merged) == (0, 2, 0)


def _pair(library: Library) -> tuple[ReferenceId, ReferenceId]:
    """Two records of one paper: the second has a DOI and a tag, a note and a collection."""
    authors = (Creator("Lindqvist", "Henrik"), Creator("Raman", "Priya"))
    first = Reference(
        title="Peer navigators in emergency departments",
        creators=authors,
        issued=PartialDate(2020),
        container_title="Psychiatric Services",
        tags=("to-read",),
    )
    second = first.with_changes(
        title="Peer Navigators in Emergency Departments.",
        doi="10.1176/appi.ps.2020.0001",
        page="14-20",
        issued=PartialDate(2020, 2),
        tags=("ed",),
    )
    changes = library.add([first, second], notes=[["first note"], ["second note"]])
    a, b = sorted(changes.added)
    thesis, _ = library.add_collection("Thesis")
    library.add_to_collection(thesis.id, [b])
    return a, b


def test_merge_keeps_notes_tags_collections_and_provenance_and_can_be_undone(
    library: Library,
) -> None:
    a, b = _pair(library)
    (group,) = library.duplicate_groups()
    assert group.reference_ids == (a, b) and group.verdict is Verdict.DUPLICATE
    assert library.suggest_keep([a, b]) == b  # it has the DOI, pages and a fuller date
    before_a, before_b = library.get(a), library.get(b)

    record, changes = library.merge(a, [b], {"title": b})
    assert changes.updated == {a} and changes.trashed == {b}
    kept = library.get(a)
    assert kept.title == "Peer Navigators in Emergency Departments."
    assert kept.doi == "10.1176/appi.ps.2020.0001" and kept.issued == PartialDate(2020, 2)
    assert set(kept.tags) == {"to-read", "ed"}
    assert kept.collection_ids == before_b.collection_ids
    assert [n.text for n in library.notes(a)] == ["first note", "second note"]
    assert library.get(b).trashed and library.notes(b) == []
    (event,) = library.merge_history(a)
    assert event.merged_reference_id == b and "doi" in event.fields and "title" in event.fields
    assert library.duplicate_groups() == []

    undone = library.unmerge(record)
    assert undone.restored == {b}
    assert library.get(a).with_changes(modified=None) == before_a.with_changes(modified=None)
    assert library.get(b).with_changes(modified=None) == before_b.with_changes(modified=None)
    assert [n.text for n in library.notes(a)] == ["first note"]
    assert [n.text for n in library.notes(b)] == ["second note"]
    assert library.merge_history(a) == []
    assert len(library.duplicate_groups()) == 1


def test_merge_history_travels_with_a_merged_reference(library: Library) -> None:
    a, b = _pair(library)
    c = next(iter(library.add([library.get(a).with_changes(id=None, tags=())]).added))
    library.merge(b, [c])
    record, _ = library.merge(a, [b])
    assert [e.merged_reference_id for e in library.merge_history(a)] == [c, b]
    library.unmerge(record)
    assert [e.merged_reference_id for e in library.merge_history(b)] == [c]


def test_merge_refuses_nonsense(library: Library) -> None:
    a, b = _pair(library)
    with pytest.raises(UserInputError):
        library.merge(a, [a])
    with pytest.raises(NotFoundError):
        library.merge(a, [ReferenceId(999)])
    with pytest.raises(UserInputError):
        library.merge(a, [b], {"no_such_field": b})
    record, _ = library.merge(a, [b])
    library.empty_trash()
    with pytest.raises(NotFoundError):
        library.unmerge(record)


def test_dismissed_pairs_never_come_back(library: Library, tmp_path: Path) -> None:
    a, b = _pair(library)
    pairs, changes = library.dismiss_duplicates([a, b])
    assert pairs == {frozenset({a, b})} and changes.updated == {a, b}
    assert library.duplicate_groups() == []
    library.update(library.get(a).with_changes(title="Peer navigators in emergency departments"))
    assert library.duplicate_groups() == []
    path = library.opened_from
    library.close()
    with Library.open(path) as reopened:
        assert reopened.duplicate_groups() == []
        assert reopened.dismissed_pairs() == {frozenset({a, b})}
        assert reopened.dismiss_duplicates([a, b])[0] == frozenset()  # already known
        reopened.undo_dismissal(pairs)
        assert [g.reference_ids for g in reopened.duplicate_groups()] == [(a, b)]
    with Library.open(path) as reopened, pytest.raises(UserInputError):
        reopened.dismiss_duplicates([a])


def test_possible_duplicates_are_imported_unless_the_caller_says_otherwise(
    library: Library,
) -> None:
    library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    # The same paper as the first one, but an excerpt of the abstract only: "possible".
    excerpt = RICHER_RIS.replace(
        "TI  - Growing together: peer-run allotments after an acute admission\n", ""
    )
    excerpt = excerpt.replace("DO  - 10.1108/MHSI-05-2016-0017\n", "").replace(
        "SP  - 211\nEP  - 220\n", ""
    )
    excerpt = excerpt.split("Findings")[0] + "\nER  - \n"
    (status,) = library.check_duplicates(parse_text(excerpt))
    assert status.mark is EntryMark.POSSIBLE and status.existing_id is not None
    skipped = library.import_text(excerpt, method=ImportMethod.PASTE)
    assert skipped.added == 1  # imported by default, for a person to merge
    result = parse_text(excerpt)
    kept_out = library.import_parsed(
        result, raw_input=excerpt, method=ImportMethod.PASTE, skip_possible=True
    )
    assert (kept_out.added, kept_out.skipped) == (0, 1)


def test_the_preview_can_merge_an_entry_into_a_chosen_reference(library: Library) -> None:
    library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    target = library.search_ids("allotment")[0]
    result = parse_text(RICHER_RIS)
    outcome = library.import_parsed(
        result, raw_input=RICHER_RIS, method=ImportMethod.PASTE, selected=[], merge_into={0: target}
    )
    assert (outcome.added, outcome.merged) == (0, 1)
    assert library.get(target).doi == "10.1108/MHSI-05-2016-0017"
    with pytest.raises(UserInputError):
        library.import_parsed(
            result, raw_input="", method=ImportMethod.PASTE, merge_into={3: target}
        )
