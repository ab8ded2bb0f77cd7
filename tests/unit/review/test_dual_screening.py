"""Dual independent screening through ``library.reviews``: two reviewers, told apart by name."""

from __future__ import annotations

import pytest

from peerref.core.errors import UserInputError
from peerref.core.model import ReferenceId
from peerref.core.prisma import Review, Stage, Verdict
from peerref.library import Library
from peerref.review.screening import Screening

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT


@pytest.fixture
def dual(library: Library, review: Review) -> Review:
    return library.reviews.set_dual(review, True)


def _as(library: Library, reviewer: str) -> Library:
    library.reviews.reviewer = reviewer
    return library


def _pool(library: Library, review: Review) -> list[ReferenceId]:
    return list(library.reviews.state(review).pool)


def test_the_mode_is_kept_and_a_new_review_can_start_dual(library: Library, dual: Review) -> None:
    assert library.reviews.get("Peer work").dual
    other = library.reviews.create("Other", dual=True)
    assert library.reviews.refresh(other).dual
    assert not library.reviews.set_dual(other, False).dual


def test_a_record_counts_once_both_agree_and_disagreements_wait(
    library: Library, dual: Review
) -> None:
    first, second, third, *_ = _pool(library, dual)
    ana = _as(library, "Ana").reviews
    for ref in (first, second, third):
        ana.decide(dual, ref, Verdict.INCLUDE)
    assert ana.counts(dual).screened == 0  # one reviewer is not enough
    ben = _as(library, "Ben").reviews
    ben.decide(dual, first, Verdict.INCLUDE)
    ben.decide(dual, second, Verdict.EXCLUDE)
    state = ben.state(dual)
    assert (state.counts.screened, state.counts.sought) == (1, 1)
    assert [(d.reference_id, d.stage) for d in state.disagreements()] == [(second, TA)]
    assert state.agreement()[TA].pairs == 2
    # Full text opens only for the agreed record.
    with pytest.raises(UserInputError, match="not been included"):
        ben.decide(dual, third, Verdict.INCLUDE, stage=FT)
    ben.decide(dual, first, Verdict.INCLUDE, stage=FT)


def test_each_reviewer_sees_only_their_own_until_both_decided(
    library: Library, dual: Review
) -> None:
    first, second, *_ = _pool(library, dual)
    _as(library, "Ana").reviews.decide(dual, first, Verdict.INCLUDE)
    _as(library, "Ana").reviews.decide(dual, second, Verdict.EXCLUDE)
    ben = _as(library, "Ben").reviews
    assert ben.decisions(dual) == []
    ben.decide(dual, first, Verdict.EXCLUDE)
    seen = {(d.reference_id, d.reviewer) for d in ben.decisions(dual)}
    assert seen == {(first, "Ana"), (first, "Ben")}
    # Ben's screening session offers every record he has not decided, Ana's or not.
    session = Screening(ben, dual)
    assert session.current_id() == second
    assert all(d.reviewer == "Ben" for d in session.decisions if d.reference_id == second)


def test_resolving_counts_the_record_and_undo_takes_back_only_your_own(
    library: Library, dual: Review
) -> None:
    first, *_ = _pool(library, dual)
    _as(library, "Ana").reviews.decide(dual, first, Verdict.INCLUDE)
    _as(library, "Ben").reviews.decide(dual, first, Verdict.EXCLUDE)
    chair = _as(library, "Cy").reviews
    with pytest.raises(UserInputError, match="include or exclude"):
        chair.resolve(dual, first, Verdict.MAYBE)
    assert chair.undo(dual) is None  # Cy has decided nothing: nobody else's is undone
    resolved = chair.resolve(dual, first, Verdict.INCLUDE)
    assert (resolved.stage, resolved.resolution, resolved.reviewer) == (TA, True, "Cy")
    state = chair.state(dual)
    assert state.disagreements() == [] and state.counts.sought == 1
    assert chair.undo(dual) == resolved
    assert [d.reference_id for d in chair.state(dual).disagreements()] == [first]


def test_a_full_text_resolution_needs_a_known_reason(library: Library, dual: Review) -> None:
    first, *_ = _pool(library, dual)
    for name in ("Ana", "Ben"):
        _as(library, name).reviews.decide(dual, first, Verdict.INCLUDE)
    _as(library, "Ana").reviews.decide(dual, first, Verdict.INCLUDE, stage=FT)
    _as(library, "Ben").reviews.decide(
        dual, first, Verdict.EXCLUDE, stage=FT, reason="Wrong outcome"
    )
    chair = _as(library, "Cy").reviews
    with pytest.raises(UserInputError, match="needs a reason"):
        chair.resolve(dual, first, Verdict.EXCLUDE)
    decision = chair.resolve(dual, first, Verdict.EXCLUDE, reason="wrong outcome")
    assert (decision.stage, decision.reason) == (FT, "Wrong outcome")
    assert dict(chair.counts(dual).excluded_full_text) == {"Wrong outcome": 1}


def test_resolving_without_a_disagreement_or_outside_dual_mode_is_refused(
    library: Library, review: Review
) -> None:
    first, *_ = _pool(library, review)
    with pytest.raises(UserInputError, match="not screened by two"):
        library.reviews.resolve(review, first, Verdict.INCLUDE)
    dual = library.reviews.set_dual(review, True)
    with pytest.raises(UserInputError, match="do not disagree"):
        library.reviews.resolve(dual, first, Verdict.INCLUDE)


def test_dual_screening_needs_a_reviewer_name(library: Library, dual: Review) -> None:
    first, *_ = _pool(library, dual)
    with pytest.raises(UserInputError, match="reviewer name"):
        _as(library, " ").reviews.decide(dual, first, Verdict.INCLUDE)


def test_a_session_counts_agreement_and_reaches_full_text_by_consensus(
    library: Library, dual: Review
) -> None:
    pool = _pool(library, dual)
    ana = Screening(_as(library, "Ana").reviews, dual)
    for _ in pool:
        ana.decide(Verdict.INCLUDE)
    ben = Screening(_as(library, "Ben").reviews, dual)
    assert ben.current_id() == pool[0]  # Ana's work does not shorten Ben's queue
    for index, _ in enumerate(pool):
        ben.decide(Verdict.INCLUDE if index < 4 else Verdict.EXCLUDE)
    assert ben.counts.screened == 4 and len(ben.disagreements()) == 2
    found = ben.agreement()[TA]
    # Ana included everything: the agreement is what chance gives, kappa 0.
    assert (found.pairs, found.agreed, found.kappa) == (6, 4, 0.0)
    ben.set_stage(FT)
    assert list(ben.pending) == pool[:4]
    assert ben.undo() is not None and ben.decisions[-1].reviewer == "Ben"
