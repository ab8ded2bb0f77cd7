"""Dual independent screening: consensus, disagreements, blinding and Cohen's kappa.

Pure functions over the decisions of ``peerref.core.prisma``, stdlib only, so the window,
the CLI and a property test agree. In a dual review every reviewer screens every record
on their own; what counts for PRISMA is, per record and stage, either

- the verdict the reviewers share, once at least two of them have decided it, or
- a *resolution* (a decision marked ``resolution``) when they disagreed.

Reviewers disagree when their verdicts differ, or when they exclude at full text for
different reasons (PRISMA counts each exclusion under one reason), as Covidence does.
Until a reviewer has decided a record, the others' decisions on it are hidden from them
(``visible_to``), so nobody screens with someone else's verdict in view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from peerref.core.model import ReferenceId
from peerref.core.prisma import Decision, Stage, Verdict

Key = tuple[ReferenceId, Stage]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A record and stage the reviewers decided differently, still to be resolved."""

    reference_id: ReferenceId
    stage: Stage
    # Each reviewer's decision in force, ordered by reviewer name.
    decisions: tuple[Decision, ...]


@dataclass(frozen=True, slots=True)
class Agreement:
    """How well two reviewers agreed at one stage.

    ``pairs`` counts the records both decided, ``agreed`` those with the same verdict;
    ``kappa`` is Cohen's kappa over those pairs, None when it is undefined (no pairs, or
    both reviewers gave one and the same verdict to everything).
    """

    stage: Stage
    pairs: int
    agreed: int
    kappa: float | None


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters from their paired ratings, None when undefined.

    κ = (p_o − p_e) / (1 − p_e), with p_o the share of pairs that agree and p_e the
    agreement expected by chance from each rater's own share of each category. It is
    undefined when there are no pairs or when p_e is 1 (both raters used one category
    only), which is what scikit-learn's ``cohen_kappa_score`` reports as NaN.
    """
    n = len(pairs)
    if n == 0:
        return None
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    expected = sum(first[c] * second.get(c, 0) for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(ratings: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa of a fixed number of raters per record, None when undefined.

    Cohen's kappa only pairs two raters; with three or more reviewers each record gets
    one row of ``n`` ratings (the same ``n`` on every row, ``n`` at least 2), as in
    Fleiss (1971). κ = (P̄ − P_e) / (1 − P_e), with P̄ the mean share of agreeing rater
    pairs per record and P_e the sum of squared category shares. Undefined when there
    are no rows or every rating falls in one category (P_e is 1).

    Raises:
        ValueError: rows of different lengths, or fewer than two ratings per row.
    """
    if not ratings:
        return None
    n = len(ratings[0])
    if n < 2 or any(len(row) != n for row in ratings):
        raise ValueError("Fleiss' kappa needs the same number (at least 2) of ratings per row")
    totals: Counter[Hashable] = Counter()
    agreeing = 0.0
    for row in ratings:
        counts = Counter(row)
        totals.update(counts)
        agreeing += (sum(c * c for c in counts.values()) - n) / (n * (n - 1))
    observed = agreeing / len(ratings)
    all_ratings = n * len(ratings)
    expected = sum((c / all_ratings) ** 2 for c in totals.values())
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True, slots=True)
class TeamAgreement:
    """Agreement of three or more reviewers at one stage.

    ``raters`` is the number of reviewers per record the Fleiss kappa is taken over
    (records with another number of decisions are left out of it, since Fleiss' kappa
    needs the same number on each), ``records`` how many records that is; ``pairwise``
    holds Cohen's kappa for every pair of reviewers, keyed by the two names in order.
    """

    stage: Stage
    raters: int
    records: int
    fleiss: float | None
    pairwise: dict[tuple[str, str], Agreement]


def team_agreement(decisions: Iterable[Decision]) -> dict[Stage, TeamAgreement]:
    """Fleiss' kappa and pairwise Cohen's kappa per stage, for teams of any size.

    The number of raters is the one most records were decided by (at least 2; the
    larger on a tie), so a record a late joiner has not reached yet does not shrink
    the table for everyone else.
    """
    latest = _latest_by_reviewer(decisions)
    result: dict[Stage, TeamAgreement] = {}
    for stage in Stage:
        rows = [mine for (_, s), mine in latest.items() if s is stage and len(mine) >= 2]
        sizes = Counter(len(mine) for mine in rows)
        raters = max(sizes, key=lambda k: (sizes[k], k)) if sizes else 2
        table = [[d.verdict for d in mine.values()] for mine in rows if len(mine) == raters]
        reviewers = sorted({name for mine in rows for name in mine})
        pairwise: dict[tuple[str, str], Agreement] = {}
        for i, a in enumerate(reviewers):
            for b in reviewers[i + 1 :]:
                paired = [(m[a].verdict, m[b].verdict) for m in rows if a in m and b in m]
                pairwise[(a, b)] = _agreements_of({stage: paired})[stage]
        result[stage] = TeamAgreement(
            stage=stage,
            raters=raters,
            records=len(table),
            fleiss=fleiss_kappa(table),
            pairwise=pairwise,
        )
    return result


def _latest_by_reviewer(decisions: Iterable[Decision]) -> dict[Key, dict[str, Decision]]:
    """Each reviewer's decision in force (their latest) per record and stage."""
    latest: dict[Key, dict[str, Decision]] = {}
    for decision in decisions:
        if decision.resolution:
            continue
        mine = latest.setdefault((decision.reference_id, decision.stage), {})
        held = mine.get(decision.reviewer)
        if held is None or decision.id > held.id:
            mine[decision.reviewer] = decision
    return latest


def _resolutions(decisions: Iterable[Decision]) -> dict[Key, Decision]:
    latest: dict[Key, Decision] = {}
    for decision in decisions:
        if not decision.resolution:
            continue
        key = (decision.reference_id, decision.stage)
        held = latest.get(key)
        if held is None or decision.id > held.id:
            latest[key] = decision
    return latest


def same_call(a: Decision, b: Decision) -> bool:
    """Whether two reviewers decided alike: same verdict, and same reason for exclusions
    at full text (letter case and spacing ignored)."""
    if a.verdict is not b.verdict:
        return False
    if a.stage is Stage.FULL_TEXT and a.verdict is Verdict.EXCLUDE:
        return " ".join(a.reason.split()).casefold() == " ".join(b.reason.split()).casefold()
    return True


def consensus(decisions: Iterable[Decision]) -> list[Decision]:
    """The decisions that count in a dual review: one per record and stage at most.

    A resolution outranks the reviewers; otherwise the latest of the agreeing decisions
    stands for all of them. Records decided by one reviewer only, and disagreements not
    yet resolved, have none: PRISMA counts them as not screened yet.
    """
    decisions = list(decisions)
    return _consensus(_latest_by_reviewer(decisions), _resolutions(decisions))


def _consensus(
    latest: dict[Key, dict[str, Decision]], resolved: dict[Key, Decision]
) -> list[Decision]:
    agreed: list[Decision] = list(resolved.values())
    for key, mine in latest.items():
        if key in resolved or len(mine) < 2:
            continue
        calls = list(mine.values())
        if all(same_call(calls[0], other) for other in calls[1:]):
            agreed.append(max(calls, key=lambda d: d.id))
    agreed.sort(key=lambda d: d.id)
    return agreed


def disagreements(decisions: Iterable[Decision]) -> list[Disagreement]:
    """Records and stages the reviewers decided differently, with no resolution yet.

    Ordered by record id, then stage (title/abstract first).
    """
    decisions = list(decisions)
    return _disagreements(_latest_by_reviewer(decisions), _resolutions(decisions))


def _disagreements(
    latest: dict[Key, dict[str, Decision]], resolved: dict[Key, Decision]
) -> list[Disagreement]:
    found: list[Disagreement] = []
    for key, mine in latest.items():
        if key in resolved or len(mine) < 2:
            continue
        calls = [mine[name] for name in sorted(mine)]
        if not all(same_call(calls[0], other) for other in calls[1:]):
            found.append(Disagreement(key[0], key[1], tuple(calls)))
    stages = list(Stage)
    found.sort(key=lambda d: (d.reference_id, stages.index(d.stage)))
    return found


def visible_to(decisions: Iterable[Decision], reviewer: str) -> list[Decision]:
    """The decisions ``reviewer`` may see: their own, resolutions, and the others' on the
    records (at a stage) they have decided themselves. Order is kept."""
    decisions = list(decisions)
    decided = {
        (d.reference_id, d.stage) for d in decisions if d.reviewer == reviewer and not d.resolution
    }
    return [
        d
        for d in decisions
        if d.reviewer == reviewer or d.resolution or (d.reference_id, d.stage) in decided
    ]


def own(decisions: Iterable[Decision], reviewer: str) -> list[Decision]:
    """``reviewer``'s own decisions and every resolution: what decides their queue."""
    return [d for d in decisions if d.reviewer == reviewer or d.resolution]


def agreement(decisions: Iterable[Decision]) -> dict[Stage, Agreement]:
    """Inter-rater agreement per stage, from the records two reviewers both decided.

    Cohen's kappa is defined for two raters: with more reviewers on a record, the first
    two by name are paired (the same two on every record of a two-person team). Verdicts
    are the categories (include, exclude, maybe).
    """
    return _agreement(_latest_by_reviewer(decisions))


def _agreements_of(pairs: dict[Stage, list[tuple[Verdict, Verdict]]]) -> dict[Stage, Agreement]:
    """Each stage's agreement from the two reviewers' verdicts on the records both decided."""
    return {
        stage: Agreement(
            stage=stage,
            pairs=len(paired),
            agreed=sum(1 for a, b in paired if a is b),
            kappa=cohen_kappa(paired),
        )
        for stage, paired in pairs.items()
    }


def _agreement(latest: dict[Key, dict[str, Decision]]) -> dict[Stage, Agreement]:
    pairs: dict[Stage, list[tuple[Verdict, Verdict]]] = {stage: [] for stage in Stage}
    for (_, stage), mine in latest.items():
        if len(mine) < 2:
            continue
        first, second = sorted(mine)[:2]
        pairs[stage].append((mine[first].verdict, mine[second].verdict))
    return _agreements_of(pairs)


class DualTally:
    """Consensus, disagreements and agreement kept up to date decision by decision.

    The same answers as ``consensus``, ``disagreements`` and ``agreement`` (a property
    test holds them equal), for a screening session that asks after every key press: a
    decision settles its one record and stage again instead of a pass over 40,000
    decisions. Taking a decision back needs a new tally (``DualTally(decisions)``).
    """

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self._latest: dict[Key, dict[str, Decision]] = {}
        self._resolved: dict[Key, Decision] = {}
        self._agreed: dict[Key, Decision] = {}
        self._open: dict[Key, Disagreement] = {}
        self._pairs: dict[Key, tuple[Verdict, Verdict]] = {}
        for decision in decisions:
            self.add(decision)

    def add(self, decision: Decision) -> None:
        """Take in one more decision (ids grow with time: the later one wins)."""
        key = (decision.reference_id, decision.stage)
        if decision.resolution:
            held = self._resolved.get(key)
            if held is None or decision.id > held.id:
                self._resolved[key] = decision
        else:
            mine = self._latest.setdefault(key, {})
            held = mine.get(decision.reviewer)
            if held is None or decision.id > held.id:
                mine[decision.reviewer] = decision
        self._settle(key)

    def _settle(self, key: Key) -> None:
        self._agreed.pop(key, None)
        self._open.pop(key, None)
        self._pairs.pop(key, None)
        mine = self._latest.get(key, {})
        if len(mine) >= 2:
            first, second = sorted(mine)[:2]
            self._pairs[key] = (mine[first].verdict, mine[second].verdict)
        if key in self._resolved:
            self._agreed[key] = self._resolved[key]
            return
        if len(mine) < 2:
            return
        calls = [mine[name] for name in sorted(mine)]
        if all(same_call(calls[0], other) for other in calls[1:]):
            self._agreed[key] = max(calls, key=lambda d: d.id)
        else:
            self._open[key] = Disagreement(key[0], key[1], tuple(calls))

    def consensus(self) -> list[Decision]:
        return sorted(self._agreed.values(), key=lambda d: d.id)

    def disagreements(self) -> list[Disagreement]:
        stages = list(Stage)
        return sorted(self._open.values(), key=lambda d: (d.reference_id, stages.index(d.stage)))

    def agreement(self) -> dict[Stage, Agreement]:
        pairs: dict[Stage, list[tuple[Verdict, Verdict]]] = {stage: [] for stage in Stage}
        for (_, stage), pair in self._pairs.items():
            pairs[stage].append(pair)
        return _agreements_of(pairs)
