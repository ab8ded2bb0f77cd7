"""The PRISMA counts (and a dual review's agreement) as text, for ``review status``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from peerref.core.dual import Agreement, Disagreement, TeamAgreement
from peerref.core.prisma import PrismaCounts, Stage


def status_lines(counts: PrismaCounts) -> list[str]:
    """The counts in the order of the flow diagram, one line each, indented by level."""
    lines = [f"Records identified: {counts.identified_total}"]
    lines.extend(f"  {name}: {n}" for name, n in counts.identified)
    lines += [
        f"Duplicates removed: {counts.duplicates_removed}",
        f"Records screened: {counts.screened}",
        f"  excluded: {counts.excluded_screening}",
        f"Reports sought for retrieval: {counts.sought}",
        f"  not retrieved: {counts.not_retrieved}",
        f"Reports assessed for eligibility: {counts.assessed}",
        f"  excluded: {counts.excluded_full_text_total}",
    ]
    lines.extend(f"    {reason}: {n}" for reason, n in counts.excluded_full_text)
    lines += [
        f"Studies included: {counts.included}",
        f"Undecided: {counts.undecided}"
        + (
            f" ({counts.undecided_screening} at title/abstract, "
            f"{counts.awaiting_full_text} at full text)"
            if counts.undecided
            else ""
        ),
    ]
    return lines


def kappa_text(agreement: Agreement) -> str:
    """Cohen's kappa to two decimals, or a dash when it is undefined."""
    return "—" if agreement.kappa is None else f"{agreement.kappa:.2f}"


def agreement_lines(
    agreement: Mapping[Stage, Agreement], disagreements: Sequence[Disagreement]
) -> list[str]:
    """Inter-rater agreement per stage, for a dual review's status."""
    open_by_stage = Counter(d.stage for d in disagreements)
    lines = ["Dual screening (independent reviewers):"]
    for stage, found in agreement.items():
        lines.append(
            f"  {_STAGE_NAMES[stage]}: {found.pairs} decided by both, {found.agreed} agreed, "
            f"Cohen's kappa {kappa_text(found)}, {open_by_stage[stage]} to resolve"
        )
    return lines


def team_agreement_lines(team: Mapping[Stage, TeamAgreement]) -> list[str]:
    """Fleiss' kappa and each pair's Cohen's kappa, when three or more reviewers decided."""
    lines: list[str] = []
    for stage, found in team.items():
        if len(found.pairwise) < 3:  # two reviewers: agreement_lines already says it all
            continue
        fleiss = "n/a" if found.fleiss is None else f"{found.fleiss:.2f}"
        lines.append(
            f"  {_STAGE_NAMES[stage]}: Fleiss' kappa {fleiss} over {found.records} records "
            f"decided by {found.raters} reviewers"
        )
        for (a, b), pair in found.pairwise.items():
            lines.append(
                f"    {a} / {b}: {pair.pairs} decided by both, Cohen's kappa {kappa_text(pair)}"
            )
    return lines


def team_agreement_json(team: Mapping[Stage, TeamAgreement]) -> dict[str, object]:
    """Fleiss and pairwise figures per stage, added under each stage of ``"agreement"``.

    Only stages three or more reviewers decided get them, so a two-person review's
    JSON stays exactly what it was.
    """
    return {
        stage.value: {
            "fleiss": found.fleiss,
            "raters": found.raters,
            "fleiss_records": found.records,
            "pairwise": [
                {"reviewers": [a, b], "pairs": p.pairs, "agreed": p.agreed, "kappa": p.kappa}
                for (a, b), p in found.pairwise.items()
            ],
        }
        for stage, found in team.items()
        if len(found.pairwise) >= 3
    }


def agreement_json(
    agreement: Mapping[Stage, Agreement], disagreements: Sequence[Disagreement]
) -> dict[str, object]:
    """The extra ``"agreement"`` object of ``review status --json`` in a dual review."""
    open_by_stage = Counter(d.stage for d in disagreements)
    return {
        stage.value: {
            "pairs": found.pairs,
            "agreed": found.agreed,
            "kappa": found.kappa,
            "disagreements": open_by_stage[stage],
        }
        for stage, found in agreement.items()
    }


_STAGE_NAMES = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}
