"""Screening decisions of a literature review and the PRISMA 2020 counts they imply.

Pure arithmetic, stdlib only: the counts are always computed from the decisions (never
typed in), so the flow diagram, ``peerref-cli review status`` and the window agree, and a
property test can check PRISMA's sums for any sequence of decisions.

The two stages follow PRISMA 2020: records are screened on title and abstract; those
included there are *sought for retrieval* and assessed on their full text. A full-text
exclusion whose reason is ``NOT_RETRIEVED`` counts as "reports not retrieved" rather than
as an exclusion for a reason, as the template has a box of its own for it.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from peerref.core.model import BatchId, CollectionId, ReferenceId

ReviewId = NewType("ReviewId", int)
DecisionId = NewType("DecisionId", int)

# The reason that stands for PRISMA's "reports not retrieved" box.
NOT_RETRIEVED = "Not retrieved"
# Reasons a new review offers for full-text exclusions; each review edits its own list.
DEFAULT_REASONS: tuple[str, ...] = (
    NOT_RETRIEVED,
    "Wrong population",
    "Wrong intervention",
    "Wrong outcome",
    "Wrong study design",
    "Not in English",
)
# The source name of references that came from no import (typed in, or their batch gone).
OTHER_SOURCE = "Other sources"


class Stage(enum.StrEnum):
    TITLE_ABSTRACT = "title-abstract"
    FULL_TEXT = "full-text"


class Verdict(enum.StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"


class ScreeningOrder(enum.StrEnum):
    """The order records are offered in (see ``peerref.review.screening``)."""

    IMPORT = "import"
    RANDOM = "random"
    RELEVANCE = "relevance"


@dataclass(frozen=True, slots=True)
class Review:
    """A named screening project over a collection, or the whole library (``collection_id``
    None and ``whole_library`` True). A review whose collection was deleted keeps its
    decisions and has an empty pool (``whole_library`` False, ``collection_id`` None).
    """

    id: ReviewId
    name: str
    whole_library: bool
    collection_id: CollectionId | None
    created: datetime
    seed: int
    reasons: tuple[str, ...] = DEFAULT_REASONS
    include_terms: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    # Dual independent screening: every reviewer screens every record, and a record is
    # decided when they agree or a disagreement is resolved (``peerref.core.dual``).
    dual: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """One screening decision; the latest one per reference and stage is the one in force."""

    id: DecisionId
    review_id: ReviewId
    reference_id: ReferenceId
    stage: Stage
    verdict: Verdict
    created: datetime
    reason: str = ""
    reviewer: str = ""
    # Settles a disagreement of dual screening; it outranks the reviewers' own decisions.
    resolution: bool = False


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """One search that fed a review (PRISMA-S): an import batch and what it contributed.

    ``records`` is how many records of the search count for the review; ``duplicates``
    how many of those were not screened because PeerRef found them to be duplicates
    (skipped or merged at import, merged later).
    """

    batch_id: BatchId | None
    database: str
    created: datetime | None
    query: str
    hit_count: int | None
    hit_text: str
    records: int
    duplicates: int
    source_name: str = ""
    method: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateRecord:
    """A record removed before screening: who it duplicated and from which search it came."""

    database: str
    kept_id: ReferenceId | None
    description: str
    how: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class PrismaCounts:
    """The numbers of a PRISMA 2020 flow diagram (databases and registers).

    Invariants (``arithmetic_errors`` lists any that fail):
    identified − duplicates_removed = screened + undecided_screening;
    screened = excluded_screening + sought;
    sought = not_retrieved + assessed + awaiting_full_text;
    assessed = Σ excluded_full_text + included.
    """

    identified: tuple[tuple[str, int], ...]
    duplicates_removed: int
    screened: int
    excluded_screening: int
    sought: int
    not_retrieved: int
    assessed: int
    excluded_full_text: tuple[tuple[str, int], ...]
    included: int
    undecided_screening: int
    awaiting_full_text: int

    @property
    def identified_total(self) -> int:
        return sum(n for _, n in self.identified)

    @property
    def excluded_full_text_total(self) -> int:
        return sum(n for _, n in self.excluded_full_text)

    @property
    def undecided(self) -> int:
        """Records with no final decision yet, at either stage."""
        return self.undecided_screening + self.awaiting_full_text

    def as_json(self) -> dict[str, object]:
        """The object ``peerref-cli review status --json`` prints (a contract: keep keys)."""
        return {
            "identified": dict(self.identified),
            "duplicates_removed": self.duplicates_removed,
            "screened": self.screened,
            "excluded_screening": self.excluded_screening,
            "sought": self.sought,
            "not_retrieved": self.not_retrieved,
            "assessed": self.assessed,
            "excluded_full_text": dict(self.excluded_full_text),
            "included": self.included,
            "undecided": self.undecided,
        }

    def arithmetic_errors(self) -> list[str]:
        """The PRISMA sums that do not hold, as sentences (empty when all hold)."""
        errors: list[str] = []
        pool = self.identified_total - self.duplicates_removed
        if pool != self.screened + self.undecided_screening:
            errors.append("identified − duplicates ≠ screened + undecided")
        if self.screened != self.excluded_screening + self.sought:
            errors.append("screened ≠ excluded + sought")
        if self.sought != self.not_retrieved + self.assessed + self.awaiting_full_text:
            errors.append("sought ≠ not retrieved + assessed + awaiting")
        if self.assessed != self.excluded_full_text_total + self.included:
            errors.append("assessed ≠ excluded with reasons + included")
        values = [
            self.duplicates_removed,
            self.screened,
            self.excluded_screening,
            self.sought,
            self.not_retrieved,
            self.assessed,
            self.included,
            self.undecided_screening,
            self.awaiting_full_text,
            *(n for _, n in self.identified),
            *(n for _, n in self.excluded_full_text),
        ]
        if any(value < 0 for value in values):
            errors.append("a count is negative")
        return errors


def current_decisions(
    decisions: Iterable[Decision],
) -> dict[tuple[ReferenceId, Stage], Decision]:
    """The decision in force per reference and stage: the latest (highest id) one."""
    latest: dict[tuple[ReferenceId, Stage], Decision] = {}
    for decision in decisions:
        key = (decision.reference_id, decision.stage)
        held = latest.get(key)
        if held is None or decision.id > held.id:
            latest[key] = decision
    return latest


def is_not_retrieved(reason: str) -> bool:
    return reason.strip().casefold() == NOT_RETRIEVED.casefold()


def prisma_counts(
    identified: Mapping[str, int],
    pool: Sequence[ReferenceId],
    decisions: Iterable[Decision],
) -> PrismaCounts:
    """The PRISMA counts of a review from its sources, its pool and its decisions.

    Args:
        identified: records per database, duplicates included.
        pool: the references to screen (duplicates already removed), each once.
        decisions: every decision ever recorded (undone ones already deleted); those on
            references outside the pool are ignored, and a full-text decision counts only
            while the reference is included at title/abstract.

    Duplicates removed are what the sources identified beyond the pool. Should the
    sources name fewer records than the pool holds (references added to a collection by
    hand), the difference is shown as ``OTHER_SOURCE`` so that the sums still hold.
    """
    in_pool = set(pool)
    latest = current_decisions(d for d in decisions if d.reference_id in in_pool)
    by_source = {name: n for name, n in identified.items() if n > 0}
    shortfall = len(in_pool) - sum(by_source.values())
    if shortfall > 0:
        by_source[OTHER_SOURCE] = by_source.get(OTHER_SOURCE, 0) + shortfall
    screened = excluded = sought = not_retrieved = included = awaiting = 0
    reasons: Counter[str] = Counter()
    for ref_id in in_pool:
        first = latest.get((ref_id, Stage.TITLE_ABSTRACT))
        if first is None or first.verdict is Verdict.MAYBE:
            continue
        screened += 1
        if first.verdict is Verdict.EXCLUDE:
            excluded += 1
            continue
        sought += 1
        second = latest.get((ref_id, Stage.FULL_TEXT))
        if second is None or second.verdict is Verdict.MAYBE:
            awaiting += 1
        elif second.verdict is Verdict.INCLUDE:
            included += 1
        elif is_not_retrieved(second.reason):
            not_retrieved += 1
        else:
            reasons[second.reason.strip() or "No reason given"] += 1
    assessed = included + sum(reasons.values())
    return PrismaCounts(
        identified=tuple(sorted(by_source.items())),
        duplicates_removed=sum(by_source.values()) - len(in_pool),
        screened=screened,
        excluded_screening=excluded,
        sought=sought,
        not_retrieved=not_retrieved,
        assessed=assessed,
        excluded_full_text=tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        included=included,
        undecided_screening=len(in_pool) - screened,
        awaiting_full_text=awaiting,
    )


# The database each reader's format comes from, as PRISMA names sources; formats that
# are not a database's own (RIS, BibTeX, CSL-JSON) keep their reader's name.
_DATABASES = {
    "emerald": "Emerald Insight",
    "sciencegate": "ScienceGate",
    "pubmed": "PubMed",
    "pubmed-abstract": "PubMed",
    "pubmed-summary": "PubMed",
    "pubmed-xml": "PubMed",
    "medline": "PubMed",
    "scopus-csv": "Scopus",
    "wos": "Web of Science",
    "wos-tsv": "Web of Science",
    "scholar": "Google Scholar",
    "cochrane": "Cochrane Library",
    "ovid": "Ovid",
    "openalex-json": "OpenAlex",
    "crossref-xml": "Crossref",
    "datacite-json": "DataCite",
}


def database_name(format_name: str) -> str:
    """The database a search came from, judged by the format its results were read in."""
    return _DATABASES.get(format_name, format_name or OTHER_SOURCE)
