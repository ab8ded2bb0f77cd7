"""Dual screening arithmetic: Cohen's kappa, consensus, disagreements and blinding."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from peerref.core.dual import (
    DualTally,
    agreement,
    cohen_kappa,
    consensus,
    disagreements,
    visible_to,
)
from peerref.core.model import ReferenceId
from peerref.core.prisma import Decision, DecisionId, ReviewId, Stage, Verdict, prisma_counts

WHEN = datetime(2026, 12, 2, tzinfo=UTC)
TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INC, EXC, MAY = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE


def _log(
    *rows: tuple[int, str, Verdict] | tuple[int, str, Verdict, Stage, str, bool],
) -> list[Decision]:
    """Decisions in the order given: (ref, reviewer, verdict[, stage, reason, resolution])."""
    made = []
    for number, row in enumerate(rows, start=1):
        ref, reviewer, verdict, *rest = row
        stage, reason, resolution = (*rest, TA, "", False)[:3]
        made.append(
            Decision(
                DecisionId(number),
                ReviewId(1),
                ReferenceId(ref),
                stage,
                verdict,
                WHEN,
                reason=reason,
                reviewer=reviewer,
                resolution=resolution,
            )
        )
    return made


def test_kappa_matches_the_textbook_example() -> None:
    # Two raters, 50 items: 20 both yes, 15 both no, 5 yes/no, 10 no/yes (Wikipedia's
    # example): p_o = 0.7, p_e = 0.5, kappa = 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    kappa = cohen_kappa(pairs)
    assert kappa is not None and math.isclose(kappa, 0.4)


def test_kappa_is_one_for_perfect_agreement_and_undefined_without_variety() -> None:
    assert cohen_kappa([("a", "a"), ("b", "b"), ("a", "a")]) == 1.0
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # chance agreement is 1
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0


labels = st.sampled_from(["include", "exclude", "maybe"])


@given(st.lists(st.tuples(labels, labels), min_size=1, max_size=60))
def test_kappa_is_bounded_symmetric_and_agrees_with_its_definition(
    pairs: list[tuple[str, str]],
) -> None:
    kappa = cohen_kappa(pairs)
    swapped = cohen_kappa([(b, a) for a, b in pairs])
    if kappa is None:
        assert swapped is None
        assert len({a for a, _ in pairs} | {b for _, b in pairs}) == 1
        return
    assert swapped is not None and math.isclose(kappa, swapped, abs_tol=1e-12)
    assert -1.0 - 1e-12 <= kappa <= 1.0 + 1e-12
    if all(a == b for a, b in pairs):
        assert math.isclose(kappa, 1.0)


def test_a_record_counts_only_when_both_reviewers_agree() -> None:
    made = _log((1, "ana", INC), (2, "ana", EXC), (2, "ben", EXC), (3, "ana", INC), (3, "ben", EXC))
    agreed = consensus(made)
    assert [(d.reference_id, d.verdict) for d in agreed] == [(2, EXC)]
    counts = prisma_counts({"X": 3}, [ReferenceId(1), ReferenceId(2), ReferenceId(3)], agreed)
    assert (counts.screened, counts.excluded_screening, counts.undecided_screening) == (1, 1, 2)
    assert [(d.reference_id, d.stage) for d in disagreements(made)] == [(3, TA)]


def test_a_resolution_settles_a_disagreement_and_outranks_the_reviewers() -> None:
    made = _log((3, "ana", INC), (3, "ben", EXC), (3, "cy", INC, TA, "", True))
    assert disagreements(made) == []
    assert [(d.reference_id, d.verdict, d.resolution) for d in consensus(made)] == [(3, INC, True)]


def test_different_full_text_reasons_are_a_disagreement() -> None:
    made = _log(
        (1, "ana", EXC, FT, "Wrong outcome", False),
        (1, "ben", EXC, FT, "wrong  OUTCOME", False),
        (2, "ana", EXC, FT, "Wrong outcome", False),
        (2, "ben", EXC, FT, "Wrong population", False),
    )
    assert [d.reference_id for d in consensus(made)] == [1]
    assert [(d.reference_id, d.stage) for d in disagreements(made)] == [(2, FT)]


def test_the_latest_decision_of_each_reviewer_is_the_one_that_counts() -> None:
    made = _log((1, "ana", INC), (1, "ben", EXC), (1, "ben", INC))
    assert [d.verdict for d in consensus(made)] == [INC]
    assert disagreements(made) == []


def test_others_decisions_stay_hidden_until_you_decide_the_record() -> None:
    made = _log((1, "ana", INC), (2, "ben", EXC), (1, "ben", EXC), (3, "ben", INC, FT, "", False))
    seen = visible_to(made, "ana")
    assert [(d.reference_id, d.reviewer) for d in seen] == [(1, "ana"), (1, "ben")]
    assert [(d.reference_id, d.reviewer) for d in visible_to(made, "ben")] == [
        (1, "ana"),
        (2, "ben"),
        (1, "ben"),
        (3, "ben"),
    ]


def test_agreement_per_stage_pairs_the_records_both_decided() -> None:
    made = _log(
        (1, "ana", INC), (1, "ben", INC), (2, "ana", EXC), (2, "ben", EXC),
        (3, "ana", INC), (3, "ben", EXC), (4, "ana", EXC), (4, "ben", INC),
        (5, "ana", INC),
    )  # fmt: skip
    found = agreement(made)
    assert (found[TA].pairs, found[TA].agreed) == (4, 2)
    assert found[TA].kappa is not None and math.isclose(found[TA].kappa, 0.0)
    assert (found[FT].pairs, found[FT].kappa) == (0, None)


decision_rows = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.sampled_from(["ana", "ben", "cy"]),
        st.sampled_from(list(Verdict)),
        st.sampled_from(list(Stage)),
        st.sampled_from(["", "Wrong outcome", "Not retrieved"]),
        st.booleans(),
    ),
    max_size=40,
)


@given(decision_rows)
def test_prisma_sums_hold_for_any_dual_decisions(
    rows: list[tuple[int, str, Verdict, Stage, str, bool]],
) -> None:
    made = _log(*rows)
    pool = [ReferenceId(i) for i in range(1, 7)]
    agreed = consensus(made)
    counts = prisma_counts({"X": 6}, pool, agreed)
    assert counts.arithmetic_errors() == []
    assert len({(d.reference_id, d.stage) for d in agreed}) == len(agreed)
    open_keys = {(d.reference_id, d.stage) for d in disagreements(made)}
    assert open_keys.isdisjoint((d.reference_id, d.stage) for d in agreed)
    for reviewer in ("ana", "ben", "cy"):
        mine = {(d.reference_id, d.stage) for d in made if d.reviewer == reviewer}
        for seen in visible_to(made, reviewer):
            assert (
                seen.reviewer == reviewer
                or seen.resolution
                or ((seen.reference_id, seen.stage) in mine)
            )


@given(decision_rows)
def test_the_running_tally_agrees_with_the_pure_functions(
    rows: list[tuple[int, str, Verdict, Stage, str, bool]],
) -> None:
    made = _log(*rows)
    tally = DualTally()
    for decision in made:
        tally.add(decision)
    assert tally.consensus() == consensus(made)
    assert tally.disagreements() == disagreements(made)
    assert tally.agreement() == agreement(made)
    assert DualTally(reversed(made)).consensus() == consensus(made)  # order does not matter
