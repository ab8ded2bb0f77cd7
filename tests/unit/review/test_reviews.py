"""library.reviews: sources, duplicates, decisions, undo, and what survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_samples import OTHER, PAPER, RICHER, csl

from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import ImportMethod, Reference, ReferenceId
from peerref.core.prisma import NOT_RETRIEVED, OTHER_SOURCE, Review, Stage, Verdict
from peerref.library import Library


def _pool(library: Library, review: Review) -> list[ReferenceId]:
    return list(library.reviews.state(review).pool)


def test_each_pasted_page_is_a_search_record_with_its_database_query_and_hits(
    library: Library, review: Review
) -> None:
    state = library.reviews.state(review)
    by_database = {r.database: r for r in state.records}
    assert set(by_database) == {"Emerald Insight", "ScienceGate"}
    emerald = by_database["Emerald Insight"]
    assert (emerald.query, emerald.hit_count, emerald.hit_text) == (
        "peer support workers",
        3,
        "1 – 3 of 3",
    )
    assert (emerald.records, emerald.duplicates, emerald.method) == (3, 0, "paste")
    assert by_database["ScienceGate"].query == ""
    assert by_database["ScienceGate"].hit_count is None
    assert dict(state.counts.identified) == {"Emerald Insight": 3, "ScienceGate": 3}
    assert state.counts.undecided == 6


def test_duplicates_skipped_or_merged_at_import_are_counted_per_source(
    library: Library,
) -> None:
    collection, _ = library.add_collection("Navigators")
    first = library.import_text(
        csl(PAPER, OTHER), method=ImportMethod.PASTE, collection=collection.id
    )
    # The same paper again with more fields (merged into it), and once exactly (skipped).
    library.import_text(csl(RICHER, OTHER), method=ImportMethod.PASTE, collection=collection.id)
    review = library.reviews.create("Navigators", collection.id)
    state = library.reviews.state(review)
    counts = state.counts
    assert dict(counts.identified) == {"csl-json": 4}
    assert counts.duplicates_removed == 2
    assert len(state.pool) == 2 == first.added
    assert [r.duplicates for r in state.records] == [0, 2]
    hows = sorted(d.how for d in state.duplicates)
    assert hows[0] == "merged at import"
    assert hows[1].startswith("skipped at import")
    assert counts.arithmetic_errors() == []


def test_a_later_merge_removes_a_duplicate_before_screening(library: Library) -> None:
    ids = sorted(library.add([Reference(title="Twice"), Reference(title="Twice")]).added)
    review = library.reviews.create("Everything")
    assert library.reviews.counts(review).duplicates_removed == 0
    library.merge(ids[0], ids[1:])
    state = library.reviews.state(review)
    assert state.pool == (ids[0],)
    assert state.counts.duplicates_removed == 1
    assert dict(state.counts.identified) == {OTHER_SOURCE: 2}
    assert [d.kept_id for d in state.duplicates] == [ids[0]]


def test_a_reference_pulled_into_the_collection_counts_alone(library: Library) -> None:
    first = library.import_text(csl(PAPER, OTHER), method=ImportMethod.PASTE)
    collection, _ = library.add_collection("Small")
    library.add_to_collection(collection.id, [min(first.changes.added)])
    counts = library.reviews.counts(library.reviews.create("Small", collection.id))
    assert dict(counts.identified) == {"csl-json": 1}
    assert counts.duplicates_removed == 0


def test_full_text_is_reached_by_inclusion_and_exclusion_needs_a_listed_reason(
    library: Library, review: Review
) -> None:
    reviews = library.reviews
    ref = _pool(library, review)[0]
    with pytest.raises(UserInputError, match="not been included"):
        reviews.decide(review, ref, Verdict.INCLUDE, stage=Stage.FULL_TEXT)
    reviews.decide(review, ref, Verdict.INCLUDE)
    with pytest.raises(UserInputError, match="needs a reason"):
        reviews.decide(review, ref, Verdict.EXCLUDE, stage=Stage.FULL_TEXT)
    with pytest.raises(UserInputError, match="not one of the review's reasons"):
        reviews.decide(review, ref, Verdict.EXCLUDE, stage=Stage.FULL_TEXT, reason="Too long")
    decision = reviews.decide(
        review, ref, Verdict.EXCLUDE, stage=Stage.FULL_TEXT, reason="wrong  POPULATION"
    )
    assert decision.reason == "Wrong population"
    assert decision.reviewer == "Ayesha"
    counts = reviews.counts(review)
    assert dict(counts.excluded_full_text) == {"Wrong population": 1}
    assert (counts.screened, counts.sought, counts.assessed, counts.included) == (1, 1, 1, 0)


def test_not_retrieved_has_its_own_box(library: Library, review: Review) -> None:
    ref = _pool(library, review)[1]
    library.reviews.decide(review, ref, Verdict.INCLUDE)
    library.reviews.decide(
        review, ref, Verdict.EXCLUDE, stage=Stage.FULL_TEXT, reason=NOT_RETRIEVED
    )
    counts = library.reviews.counts(review)
    assert (counts.sought, counts.not_retrieved, counts.assessed) == (1, 1, 0)
    assert counts.excluded_full_text == ()


def test_undo_brings_back_the_decision_before(library: Library, review: Review) -> None:
    reviews = library.reviews
    ref = _pool(library, review)[0]
    reviews.decide(review, ref, Verdict.MAYBE)
    reviews.decide(review, ref, Verdict.EXCLUDE)
    assert reviews.counts(review).excluded_screening == 1
    undone = reviews.undo(review)
    assert undone is not None and undone.verdict is Verdict.EXCLUDE
    counts = reviews.counts(review)
    assert (counts.excluded_screening, counts.screened, counts.undecided) == (0, 0, 6)
    assert [d.verdict for d in reviews.decisions(review)] == [Verdict.MAYBE]
    assert reviews.undo(review) is not None
    assert reviews.undo(review) is None


def test_decisions_survive_closing_the_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library.open(path) as library:
        ids = sorted(library.add([Reference(title="A"), Reference(title="B")]).added)
        review = library.reviews.create("Kept")
        library.reviews.decide(review, ids[0], Verdict.INCLUDE)
        library.reviews.set_terms(review, include=["peer"], exclude=["parking"])
    with Library.open(path) as library:
        review = library.reviews.get("kept")
        assert review.include_terms == ("peer",)
        assert review.exclude_terms == ("parking",)
        assert [d.reference_id for d in library.reviews.decisions(review)] == [ids[0]]
        assert library.reviews.counts(review).sought == 1


def test_names_are_unique_and_references_must_be_in_the_review(
    library: Library, review: Review
) -> None:
    with pytest.raises(UserInputError, match="already exists"):
        library.reviews.create("Peer work")
    with pytest.raises(UserInputError, match="needs a name"):
        library.reviews.create("  ")
    outside = next(iter(library.add([Reference(title="Elsewhere")]).added))
    with pytest.raises(NotFoundError, match="not in the review"):
        library.reviews.decide(review, outside, Verdict.INCLUDE)
    with pytest.raises(NotFoundError, match="no review named"):
        library.reviews.get("Nothing")


def test_deleting_the_collection_keeps_the_review_and_its_decisions(
    library: Library, review: Review
) -> None:
    library.reviews.decide(review, _pool(library, review)[0], Verdict.INCLUDE)
    assert review.collection_id is not None
    library.delete_collection(review.collection_id)
    kept = library.reviews.get("Peer work")
    assert not kept.whole_library and kept.collection_id is None
    assert library.reviews.state(kept).pool == ()
    assert len(library.reviews.decisions(kept)) == 1


def test_trashed_references_leave_the_review(library: Library, review: Review) -> None:
    pool = _pool(library, review)
    library.trash([pool[0]])
    state = library.reviews.state(review)
    assert pool[0] not in state.pool
    assert state.counts.identified_total == 5
    assert state.counts.duplicates_removed == 0


def test_included_ids_are_those_included_at_full_text(library: Library, review: Review) -> None:
    pool = _pool(library, review)
    for ref in pool[:3]:
        library.reviews.decide(review, ref, Verdict.INCLUDE)
    library.reviews.decide(review, pool[0], Verdict.INCLUDE, stage=Stage.FULL_TEXT)
    library.reviews.decide(review, pool[2], Verdict.INCLUDE, stage=Stage.FULL_TEXT)
    library.reviews.decide(review, pool[2], Verdict.EXCLUDE)  # changed its mind at screening
    assert library.reviews.included_ids(review) == [pool[0]]
