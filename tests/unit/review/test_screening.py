"""Screening sessions: orders, the next record at once, undo, maybe, relevance ranking."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.errors import UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import Review, ScreeningOrder, Stage, Verdict
from peerref.library import Library
from peerref.review.ranking import RelevanceRanker
from peerref.review.screening import Screening, highlight_spans


def test_import_order_and_the_next_record_at_once(library: Library, review: Review) -> None:
    screening = Screening(library.reviews, review)
    pool = list(screening.pending)
    assert pool == sorted(pool)
    first = screening.current()
    assert first is not None and first.id == pool[0]
    screening.decide(Verdict.INCLUDE)
    assert screening.current_id() == pool[1]
    assert screening.counts.sought == 1
    assert screening.progress().decided == 1


def test_random_order_is_seeded_and_reproducible(library: Library, review: Review) -> None:
    one = Screening(library.reviews, review, order=ScreeningOrder.RANDOM).pending
    two = Screening(library.reviews, review, order=ScreeningOrder.RANDOM).pending
    assert one == two
    assert sorted(one) == sorted(Screening(library.reviews, review).pending)
    other = library.reviews.create("Other seed", review.collection_id, seed=review.seed + 1)
    orders = {Screening(library.reviews, other, order=ScreeningOrder.RANDOM).pending, one}
    assert len(orders) == 2


def test_maybe_goes_to_the_end_and_undo_shows_the_record_again(
    library: Library, review: Review
) -> None:
    screening = Screening(library.reviews, review)
    pool = list(screening.pending)
    screening.decide(Verdict.MAYBE)
    assert screening.pending == (*pool[1:], pool[0])
    assert screening.progress().maybe == 1
    screening.decide(Verdict.EXCLUDE)
    undone = screening.undo()
    assert undone is not None and undone.reference_id == pool[1]
    assert screening.current_id() == pool[1]
    assert screening.counts.excluded_screening == 0
    # What the session holds is what the library holds.
    assert library.reviews.counts(review) == screening.counts


def test_full_text_stage_holds_only_records_included_at_screening(
    library: Library, review: Review
) -> None:
    screening = Screening(library.reviews, review)
    included = screening.current_id()
    screening.decide(Verdict.INCLUDE)
    screening.decide(Verdict.EXCLUDE)
    screening.set_stage(Stage.FULL_TEXT)
    assert screening.pending == (included,)
    with pytest.raises(UserInputError, match="needs a reason"):
        screening.decide(Verdict.EXCLUDE)
    screening.decide(Verdict.EXCLUDE, "Wrong outcome")
    assert screening.current() is None
    assert dict(screening.counts.excluded_full_text) == {"Wrong outcome": 1}
    with pytest.raises(UserInputError, match="every record"):
        screening.decide(Verdict.INCLUDE)
    # Undoing the title/abstract decision of the other stage rebuilds this one.
    screening.undo()  # the full-text exclusion
    assert screening.pending == (included,)


def test_relevance_order_learns_from_decisions(library: Library) -> None:
    titles = [
        "Peer support workers in mental health teams",
        "Hospital car parking charges",
        "Peer support for carers of people with psychosis",
        "Car parking at railway stations",
        "Training peer support workers for recovery",
        "Parking fines in city centres",
    ]
    ids = sorted(library.add([Reference(title=t) for t in titles]).added)
    review = library.reviews.create("Relevance", seed=3)
    screening = Screening(library.reviews, review, order=ScreeningOrder.RELEVANCE, retrain_every=2)
    assert screening.pending == tuple(ids)  # nothing learnt yet: import order
    screening.decide(Verdict.INCLUDE)  # peer support workers
    screening.decide(Verdict.EXCLUDE)  # hospital car parking
    ranking = screening.last_ranking
    assert ranking is not None and ranking.trained
    assert set(screening.pending[:2]) == {ids[2], ids[4]}  # the other peer-support papers
    # The explanation: words of the included title weigh for, of the excluded one against.
    assert ranking.relevant_terms and ranking.irrelevant_terms
    included_words, excluded_words = (set(titles[i].lower().split()) for i in (0, 1))
    assert all(set(term.split()) <= included_words for term in ranking.relevant_terms)
    assert all(set(term.split()) <= excluded_words for term in ranking.irrelevant_terms)
    progress = screening.progress()
    assert progress.curve == ((1, 1), (2, 1))
    assert progress.relevant_found == 1


def test_ranking_is_deterministic_and_waits_for_both_classes() -> None:
    texts = {
        ReferenceId(i): f"record {i} about {'peer' if i % 2 else 'parking'}" for i in range(20)
    }
    ranker = RelevanceRanker(texts, seed=1)
    candidates = [ReferenceId(i) for i in range(4, 20)]
    untrained = ranker.rank({ReferenceId(1): True}, candidates)
    assert not untrained.trained and list(untrained.order) == candidates
    labels = {ReferenceId(1): True, ReferenceId(2): False, ReferenceId(3): True}
    first = ranker.rank(labels, candidates)
    again = RelevanceRanker(texts, seed=1).rank(labels, candidates)
    assert first == again
    assert all(i % 2 for i in first.order[:8])


def test_highlight_spans_mark_inclusion_and_exclusion_terms() -> None:
    review = Review(
        id=1,  # type: ignore[arg-type]
        name="R",
        whole_library=True,
        collection_id=None,
        created=None,  # type: ignore[arg-type]
        seed=1,
        include_terms=("peer support", "peer"),
        exclude_terms=("parking",),
    )
    text = "Peer support and peers; Parking. Compeer"
    spans = highlight_spans(text, review)
    assert [(text[a:b], inc) for a, b, inc in spans] == [
        ("Peer support", True),
        ("peer", True),
        ("Parking", False),
    ]


PEER_AND_PARKING = [
    "Peer support workers in mental health teams",
    "Hospital car parking charges",
    "Car parking at railway stations",
    "Parking fines in city centres",
    "Peer support for carers of people with psychosis",
    "Training peer support workers for recovery",
]


def test_a_deferred_session_ranks_only_when_asked_and_keeps_the_record_on_screen(
    library: Library,
) -> None:
    ids = sorted(library.add([Reference(title=t) for t in PEER_AND_PARKING]).added)
    review = library.reviews.create("Deferred", seed=3)
    screening = Screening(
        library.reviews, review, order=ScreeningOrder.RELEVANCE, retrain_every=2, defer_ranking=True
    )
    assert screening.pending == tuple(ids)  # nothing ranked yet: import order
    assert screening.ranking_due  # the order was just chosen
    first = screening.ranking_request()
    assert first.replace_current and first.candidates == tuple(ids)
    assert not screening.ranking_due
    assert not screening.run_ranking(first).trained  # nothing learnt from yet
    assert screening.apply_ranking(first, screening.run_ranking(first))

    screening.decide(Verdict.INCLUDE)  # peer support workers
    assert not screening.ranking_due
    screening.decide(Verdict.EXCLUDE)  # hospital car parking
    # Deciding never ranks by itself: the next record is the next in the old order.
    assert screening.last_ranking is not None and not screening.last_ranking.trained
    assert screening.current_id() == ids[2]
    assert screening.ranking_due
    request = screening.ranking_request()
    assert dict(request.labels) == {ids[0]: True, ids[1]: False}
    assert not request.replace_current
    screening.decide(Verdict.EXCLUDE)  # decided while the ranking ran: parking at stations
    ranked = screening.run_ranking(request)
    assert ranked.trained
    on_screen = screening.current_id()
    assert screening.apply_ranking(request, ranked)
    assert screening.current_id() == on_screen  # nothing moved under the reader's eyes
    assert set(screening.pending[1:3]) == {ids[4], ids[5]}  # then the peer-support papers
    assert sorted(screening.pending) == sorted(ids[3:])
    assert screening.last_ranking == ranked


def test_a_deferred_ranking_that_comes_too_late_is_dropped(library: Library) -> None:
    ids = sorted(library.add([Reference(title=t) for t in PEER_AND_PARKING]).added)
    review = library.reviews.create("Late", seed=3)
    screening = Screening(
        library.reviews, review, order=ScreeningOrder.RELEVANCE, retrain_every=1, defer_ranking=True
    )
    screening.decide(Verdict.INCLUDE)
    screening.decide(Verdict.EXCLUDE)
    request = screening.ranking_request()
    ranked = screening.run_ranking(request)
    screening.set_order(ScreeningOrder.IMPORT)
    assert not screening.apply_ranking(request, ranked)
    assert screening.pending == tuple(ids[2:])
    screening.set_order(ScreeningOrder.RELEVANCE)
    assert screening.ranking_due
    stale = screening.ranking_request()
    screening.set_stage(Stage.FULL_TEXT)  # a new stage: a new pool to rank
    assert not screening.apply_ranking(stale, screening.run_ranking(stale))
    assert screening.pending == (ids[0],)


def test_a_cancelled_ranking_stops_between_steps(library: Library) -> None:
    library.add([Reference(title=t) for t in PEER_AND_PARKING])
    review = library.reviews.create("Cancelled", seed=3)
    screening = Screening(
        library.reviews, review, order=ScreeningOrder.RELEVANCE, defer_ranking=True
    )
    request = screening.ranking_request()
    calls: list[int] = []

    class StopError(Exception):
        pass

    def check() -> None:
        calls.append(1)
        raise StopError

    with pytest.raises(StopError):
        screening.run_ranking(request, check)
    assert calls == [1]
    # Nothing half-built is kept: the next ranking starts again and succeeds.
    assert screening.apply_ranking(request, screening.run_ranking(request))


def test_progress_counts_relevant_found_against_screened(library: Library, review: Review) -> None:
    screening = Screening(library.reviews, review)
    for verdict in (Verdict.EXCLUDE, Verdict.INCLUDE, Verdict.MAYBE, Verdict.EXCLUDE):
        screening.decide(verdict)
    progress = screening.progress()
    assert (progress.screened, progress.relevant_screened) == (3, 1)
    assert progress.since_last_relevant == 1
    screening.decide(Verdict.EXCLUDE)
    assert screening.progress().since_last_relevant == 2
    screening.undo()
    screening.undo()
    screening.undo()  # the maybe
    screening.undo()  # the only inclusion
    progress = screening.progress()
    assert (progress.screened, progress.relevant_screened, progress.since_last_relevant) == (
        1,
        0,
        1,
    )


session_steps = st.lists(
    st.one_of(
        st.sampled_from([Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE]),
        st.sampled_from(["undo", "stage"]),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=session_steps)
def test_progress_kept_step_by_step_matches_a_fresh_reading(steps: list[Verdict | str]) -> None:
    """The figures a session keeps up to date per key press equal a session opened anew."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Library.open(Path(folder) / "lib.sqlite", daily_backup=False) as library,
    ):
        library.add([Reference(title=f"Paper {i}") for i in range(5)])
        review = library.reviews.create("Steps", seed=2)
        screening = Screening(library.reviews, review, order=ScreeningOrder.RANDOM)
        for step in steps:
            if step == "undo":
                screening.undo()
            elif step == "stage":
                other = {
                    Stage.TITLE_ABSTRACT: Stage.FULL_TEXT,
                    Stage.FULL_TEXT: Stage.TITLE_ABSTRACT,
                }
                screening.set_stage(other[screening.stage])
            elif screening.current_id() is not None:
                assert isinstance(step, Verdict)
                reason = "Wrong outcome" if step is Verdict.EXCLUDE else ""
                screening.decide(step, reason if screening.stage is Stage.FULL_TEXT else "")
            fresh = Screening(
                library.reviews, review, stage=screening.stage, order=ScreeningOrder.RANDOM
            )
            assert screening.progress() == fresh.progress()
            assert sorted(screening.pending) == sorted(fresh.pending)
            assert screening.counts == fresh.counts
