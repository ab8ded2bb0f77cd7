"""Agreement of three or more reviewers: Fleiss' kappa and pairwise Cohen's kappa."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerref.core.dual import fleiss_kappa, team_agreement
from peerref.core.model import ReferenceId
from peerref.core.prisma import Decision, DecisionId, ReviewId, Stage, Verdict

WHEN = datetime(2026, 12, 3, tzinfo=UTC)
TA = Stage.TITLE_ABSTRACT
INC, EXC, MAY = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE


def _rows_from_counts(counts: list[list[int]]) -> list[list[int]]:
    """Rating rows from a subjects x categories count table (category j appears n_ij times)."""
    return [[j for j, c in enumerate(row) for _ in range(c)] for row in counts]


def test_fleiss_matches_the_1971_example() -> None:
    # Fleiss (1971) as tabulated on Wikipedia: 10 subjects, 14 raters, 5 categories.
    # P-bar = 0.378, P_e = 0.2128, kappa = (0.378 - 0.2128) / (1 - 0.2128) = 0.20993.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    kappa = fleiss_kappa(_rows_from_counts(table))
    assert kappa is not None and math.isclose(kappa, 0.20993, abs_tol=5e-5)


def test_fleiss_small_table_by_hand() -> None:
    # 3 raters, 3 records: (i,i,i) P=1; (i,i,e) P=(4+1-3)/6=1/3; (e,e,e) P=1.
    # P-bar = 7/9. Shares: include 5/9, exclude 4/9, P_e = 41/81.
    # kappa = (7/9 - 41/81) / (1 - 41/81) = (22/81) / (40/81) = 0.55.
    kappa = fleiss_kappa([[INC, INC, INC], [INC, INC, EXC], [EXC, EXC, EXC]])
    assert kappa is not None and math.isclose(kappa, 0.55)


def test_fleiss_is_undefined_without_rows_or_variety_and_refuses_ragged_rows() -> None:
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([["a", "a", "a"], ["a", "a", "a"]]) is None
    with pytest.raises(ValueError):
        fleiss_kappa([["a", "b"], ["a"]])
    with pytest.raises(ValueError):
        fleiss_kappa([["a"], ["b"]])


def test_fleiss_with_two_raters_equals_scotts_pi() -> None:
    # Two raters, 4 records: agree on 3 (i,i),(e,e),(e,e), differ on (i,e).
    # P-bar = 3/4; shares include 3/8, exclude 5/8, P_e = 34/64.
    # kappa = (48/64 - 34/64) / (30/64) = 14/30.
    kappa = fleiss_kappa([["i", "i"], ["e", "e"], ["e", "e"], ["i", "e"]])
    assert kappa is not None and math.isclose(kappa, 14 / 30)


labels = st.sampled_from(["include", "exclude", "maybe"])


@given(st.integers(2, 5), st.lists(labels, min_size=1, max_size=30))
def test_fleiss_is_one_when_all_agree_on_two_or_more_categories(
    raters: int, per_record: list[str]
) -> None:
    kappa = fleiss_kappa([[label] * raters for label in per_record])
    if len(set(per_record)) >= 2:
        assert kappa is not None and math.isclose(kappa, 1.0)
    else:
        assert kappa is None


@given(
    st.integers(2, 5).flatmap(
        lambda n: st.lists(st.lists(labels, min_size=n, max_size=n), min_size=1, max_size=20)
    ),
    st.randoms(),
)
def test_fleiss_does_not_depend_on_reviewer_order(
    rows: list[list[str]], rnd: random.Random
) -> None:
    shuffled = [rnd.sample(row, len(row)) for row in rows]
    a, b = fleiss_kappa(rows), fleiss_kappa(shuffled)
    assert (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, abs_tol=1e-12)
    )


def _log(*rows: tuple[int, str, Verdict]) -> list[Decision]:
    return [
        Decision(
            DecisionId(number),
            ReviewId(1),
            ReferenceId(ref),
            TA,
            verdict,
            WHEN,
            reviewer=reviewer,
        )
        for number, (ref, reviewer, verdict) in enumerate(rows, start=1)
    ]


def test_team_agreement_gives_fleiss_and_every_pair() -> None:
    # The by-hand table above, as ann, bob and cy's decisions; record 4 only ann and bob
    # decided, so it is left out of Fleiss (3 raters on most records) but counts for
    # the ann-bob pair.
    decisions = _log(
        (1, "ann", INC), (1, "bob", INC), (1, "cy", INC),
        (2, "ann", INC), (2, "bob", INC), (2, "cy", EXC),
        (3, "ann", EXC), (3, "bob", EXC), (3, "cy", EXC),
        (4, "ann", MAY), (4, "bob", EXC),
    )  # fmt: skip
    ta = team_agreement(decisions)[TA]
    assert (ta.raters, ta.records) == (3, 3)
    assert ta.fleiss is not None and math.isclose(ta.fleiss, 0.55)
    assert sorted(ta.pairwise) == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    assert (ta.pairwise[("ann", "bob")].pairs, ta.pairwise[("ann", "bob")].agreed) == (4, 3)
    # ann-cy: (i,i),(i,e),(e,e): p_o = 2/3, p_e = (2*1 + 1*2)/9 = 4/9, kappa = 0.4.
    ann_cy = ta.pairwise[("ann", "cy")].kappa
    assert ann_cy is not None and math.isclose(ann_cy, 0.4)
    assert team_agreement(decisions)[Stage.FULL_TEXT].records == 0
