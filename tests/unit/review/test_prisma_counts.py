"""PRISMA's arithmetic holds for any sequence of decisions and undos (hypothesis).

Two levels: the pure counts of ``peerref.core.prisma`` against a recount done another
way, and the same sequences played through ``library.reviews`` on a real library file,
where each decision and each undo is its own transaction.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.errors import UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import (
    NOT_RETRIEVED,
    Decision,
    DecisionId,
    ReviewId,
    Stage,
    Verdict,
    prisma_counts,
)
from peerref.library import Library

REASONS = (NOT_RETRIEVED, "Wrong population", "Wrong outcome")
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """Decide (record index, stage, verdict, reason index) or undo the latest decision."""

    undo: bool
    index: int = 0
    stage: Stage = Stage.TITLE_ABSTRACT
    verdict: Verdict = Verdict.INCLUDE
    reason: int = 0


steps = st.lists(
    st.one_of(
        st.just(Step(undo=True)),
        st.builds(
            Step,
            undo=st.just(False),
            index=st.integers(0, 7),
            stage=st.sampled_from(list(Stage)),
            verdict=st.sampled_from(list(Verdict)),
            reason=st.integers(0, len(REASONS) - 1),
        ),
    ),
    max_size=40,
)


def _recount(pool: list[ReferenceId], decisions: list[Decision]) -> dict[str, int]:
    """The counts again, the slow way: replay decisions in order into a table of states."""
    ta: dict[ReferenceId, Decision] = {}
    ft: dict[ReferenceId, Decision] = {}
    for decision in decisions:
        (ta if decision.stage is Stage.TITLE_ABSTRACT else ft)[decision.reference_id] = decision
    included = [r for r in pool if r in ta and ta[r].verdict is Verdict.INCLUDE]
    final_ft = [ft[r] for r in included if r in ft and ft[r].verdict is not Verdict.MAYBE]
    return {
        "screened": sum(1 for r in pool if r in ta and ta[r].verdict is not Verdict.MAYBE),
        "excluded_screening": sum(1 for r in pool if r in ta and ta[r].verdict is Verdict.EXCLUDE),
        "sought": len(included),
        "included": sum(1 for d in final_ft if d.verdict is Verdict.INCLUDE),
        "not_retrieved": sum(
            1 for d in final_ft if d.verdict is Verdict.EXCLUDE and d.reason == NOT_RETRIEVED
        ),
    }


@settings(max_examples=300, deadline=None)
@given(
    steps=steps,
    pool_size=st.integers(1, 8),
    extra=st.dictionaries(st.sampled_from(["PubMed", "Scopus", "ScienceGate"]), st.integers(0, 5)),
)
def test_pure_counts_obey_prisma_arithmetic(
    steps: list[Step], pool_size: int, extra: dict[str, int]
) -> None:
    pool = [ReferenceId(i + 1) for i in range(pool_size)]
    identified = {name: n + (pool_size if name == "PubMed" else 0) for name, n in extra.items()}
    decisions: list[Decision] = []
    next_id = 1
    for step in steps:
        if step.undo:
            if decisions:
                decisions.pop()
            continue
        decisions.append(
            Decision(
                id=DecisionId(next_id),
                review_id=ReviewId(1),
                reference_id=ReferenceId(step.index + 1),  # some fall outside the pool
                stage=step.stage,
                verdict=step.verdict,
                created=WHEN,
                reason=REASONS[step.reason] if step.verdict is Verdict.EXCLUDE else "",
            )
        )
        next_id += 1
        counts = prisma_counts(identified, pool, decisions)
        assert counts.arithmetic_errors() == []
        assert counts.identified_total - counts.duplicates_removed == pool_size
        recount = _recount(pool, [d for d in decisions if d.reference_id in set(pool)])
        assert {key: getattr(counts, key) for key in recount} == recount
        assert counts.as_json()["undecided"] == pool_size - counts.screened + (
            counts.sought - counts.not_retrieved - counts.assessed
        )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=steps)
def test_counts_of_a_stored_review_obey_prisma_arithmetic(steps: list[Step]) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        Library.open(Path(folder) / "lib.sqlite", daily_backup=False) as library,
    ):
        ids = sorted(library.add([Reference(title=f"Paper {i}") for i in range(5)]).added)
        reviews = library.reviews
        review = reviews.create("Random", seed=1)
        review = reviews.set_reasons(review, REASONS)
        made = 0
        for step in steps:
            if step.undo:
                undone = reviews.undo(review)
                assert (undone is None) == (made == 0)
                made -= undone is not None
            else:
                try:
                    reviews.decide(
                        review,
                        ids[step.index % len(ids)],
                        step.verdict,
                        stage=step.stage,
                        reason=REASONS[step.reason],
                    )
                    made += 1
                except UserInputError:
                    # Full text before inclusion: refused, and nothing recorded.
                    assert step.stage is Stage.FULL_TEXT
            counts = reviews.counts(review)
            assert counts.arithmetic_errors() == []
            assert counts.screened + counts.undecided_screening == len(ids)
        assert len(reviews.decisions(review)) == made
