"""The PRISMA counts as lines of text, for ``peerref-cli review status`` and tooltips."""

from __future__ import annotations

from peerref.core.prisma import PrismaCounts


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
