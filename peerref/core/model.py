"""Immutable reference objects, aligned with CSL-JSON.

Every layer passes these frozen dataclasses around; the store maps them to rows and
back, parsers produce them, citations render them. They never hold live ORM state.
Field names follow CSL-JSON variables with ``-`` written as ``_``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NewType

ReferenceId = NewType("ReferenceId", int)
CollectionId = NewType("CollectionId", int)
NoteId = NewType("NoteId", int)
BatchId = NewType("BatchId", int)


class ReferenceType(enum.StrEnum):
    """Every CSL 1.0.2 item type; values are CSL type names.

    The first ten are the types PeerRef's importers and writers tell apart; each other
    type :attr:`folded` into one of them where a format (RIS, BibTeX) or a rule (duplicate
    detection) only knows those ten, so a magazine article still writes as a journal
    article where no closer type exists.
    """

    ARTICLE_JOURNAL = "article-journal"
    CHAPTER = "chapter"
    BOOK = "book"
    PAPER_CONFERENCE = "paper-conference"
    REPORT = "report"
    THESIS = "thesis"
    PREPRINT = "article"
    WEBPAGE = "webpage"
    DATASET = "dataset"
    OTHER = "document"
    ARTICLE_MAGAZINE = "article-magazine"
    ARTICLE_NEWSPAPER = "article-newspaper"
    BILL = "bill"
    BROADCAST = "broadcast"
    CLASSIC = "classic"
    COLLECTION = "collection"
    ENTRY = "entry"
    ENTRY_DICTIONARY = "entry-dictionary"
    ENTRY_ENCYCLOPEDIA = "entry-encyclopedia"
    EVENT = "event"
    FIGURE = "figure"
    GRAPHIC = "graphic"
    HEARING = "hearing"
    INTERVIEW = "interview"
    LEGAL_CASE = "legal_case"
    LEGISLATION = "legislation"
    MANUSCRIPT = "manuscript"
    MAP = "map"
    MOTION_PICTURE = "motion_picture"
    MUSICAL_SCORE = "musical_score"
    PAMPHLET = "pamphlet"
    PATENT = "patent"
    PERFORMANCE = "performance"
    PERIODICAL = "periodical"
    PERSONAL_COMMUNICATION = "personal_communication"
    POST = "post"
    POST_WEBLOG = "post-weblog"
    REGULATION = "regulation"
    REVIEW = "review"
    REVIEW_BOOK = "review-book"
    SOFTWARE = "software"
    SONG = "song"
    SPEECH = "speech"
    STANDARD = "standard"
    TREATY = "treaty"

    @classmethod
    def from_csl(cls, value: str) -> ReferenceType:
        """Map any CSL type name onto ours; unknown names become OTHER rather than failing."""
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER

    @property
    def folded(self) -> ReferenceType:
        """The one of the ten core types this type is written and compared as."""
        return _FOLDED.get(self, self)


_FOLDED_NOT_OTHER = {
    ReferenceType.ARTICLE_MAGAZINE: ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.ARTICLE_NEWSPAPER: ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.REVIEW: ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.REVIEW_BOOK: ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.PERIODICAL: ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.ENTRY: ReferenceType.CHAPTER,
    ReferenceType.ENTRY_ENCYCLOPEDIA: ReferenceType.CHAPTER,
    ReferenceType.ENTRY_DICTIONARY: ReferenceType.CHAPTER,
    ReferenceType.CLASSIC: ReferenceType.BOOK,
    ReferenceType.COLLECTION: ReferenceType.BOOK,
    ReferenceType.PAMPHLET: ReferenceType.BOOK,
    ReferenceType.POST_WEBLOG: ReferenceType.WEBPAGE,
    ReferenceType.POST: ReferenceType.WEBPAGE,
    ReferenceType.SPEECH: ReferenceType.PAPER_CONFERENCE,
    ReferenceType.STANDARD: ReferenceType.REPORT,
}
# Every type after the first ten folds into OTHER unless it is listed above.
_FOLDED: dict[ReferenceType, ReferenceType] = {
    kind: _FOLDED_NOT_OTHER.get(kind, ReferenceType.OTHER) for kind in list(ReferenceType)[10:]
}


class CreatorRole(enum.StrEnum):
    """What a creator did; values are CSL name variables."""

    AUTHOR = "author"
    EDITOR = "editor"
    TRANSLATOR = "translator"


class ReadingStatus(enum.StrEnum):
    """Optional reading progress a user can set on a reference."""

    UNREAD = "unread"
    READING = "reading"
    READ = "read"


@dataclass(frozen=True, slots=True)
class Creator:
    """A person (family/given with particles) or an organisation (``literal``).

    ``particle`` is CSL's non-dropping particle ("van", "de", "Ó"): it sorts and prints
    with the family name. ``dropping_particle`` is printed but ignored for sorting.
    """

    family: str = ""
    given: str = ""
    particle: str = ""
    dropping_particle: str = ""
    suffix: str = ""
    literal: str = ""
    role: CreatorRole = CreatorRole.AUTHOR

    @property
    def is_organisation(self) -> bool:
        return bool(self.literal)

    @property
    def sort_key(self) -> str:
        """Family name without particles, then given name, folded for sorting."""
        if self.literal:
            return self.literal.casefold()
        return f"{self.family} {self.given}".casefold()

    def display_name(self) -> str:
        """ "Given particle Family, suffix" for people, the literal for organisations."""
        if self.literal:
            return self.literal
        parts = [self.given, self.dropping_particle, self.particle, self.family]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name

    def family_with_particle(self) -> str:
        """The family name as cited: "van Gogh", "Ó Súilleabháin"."""
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.particle, self.family) if p)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which only the year, or year and month, may be known.

    ``season`` keeps ranges such as "Sep-Oct" that do not fit a single month;
    ``literal`` keeps dates that could not be parsed at all, so nothing is dropped.
    ``end`` is the last day of a range ("2012-05/2012-07", a conference's days), as CSL's
    second ``date-parts``; it has a year and no end of its own.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str = ""
    literal: str = ""
    end: PartialDate | None = None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"day out of range: {self.day}")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if self.end is not None and (self.end.year is None or self.end.end is not None):
            raise ValueError("a range's end needs a year and has no end of its own")

    @property
    def is_empty(self) -> bool:
        return self.year is None and not self.literal

    def date_parts(self) -> list[int]:
        """CSL ``date-parts`` for this date: [year], [year, month] or [year, month, day]."""
        parts: list[int] = []
        for value in (self.year, self.month, self.day):
            if value is None:
                break
            parts.append(value)
        return parts

    def iso(self) -> str:
        """ "2012", "2012-06" or "2012-06-15"; empty when no year is known."""
        if self.year is None:
            return ""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True, slots=True)
class AbstractSection:
    """One headed part of a structured abstract ("Purpose", "Findings"); heading may be empty."""

    heading: str
    text: str


# ``extra`` keys with this prefix are PeerRef's own bookkeeping (for example the record of a
# completion from Crossref), not bibliographic data: exports to other programs leave them out.
INTERNAL_EXTRA_PREFIX = "peerref:"


# The separator between sections in the flat text form of a structured abstract.
ABSTRACT_SECTION_BREAK = "\n\n"


@dataclass(frozen=True, slots=True)
class Reference:
    """One bibliographic reference, as parsed or as stored.

    Bibliographic fields mirror CSL-JSON. Library fields (``id``, tags, times, ratings,
    provenance) are filled by the store and left at their defaults by parsers.

    ``truncated`` names the fields the source itself cut short (an author list ending
    in "...", a venue ending in "…"): they are known to be incomplete.
    ``extra`` keeps source-specific values no other field holds, so a parsed value is
    never dropped (for example Emerald's "Type: Research Article").
    """

    type: ReferenceType = ReferenceType.ARTICLE_JOURNAL
    title: str = ""
    title_short: str = ""
    creators: tuple[Creator, ...] = ()
    container_title: str = ""
    container_title_short: str = ""
    collection_title: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    issued: PartialDate = field(default_factory=PartialDate)
    status: str = ""
    publisher: str = ""
    publisher_place: str = ""
    edition: str = ""
    issn: tuple[str, ...] = ()
    isbn: tuple[str, ...] = ()
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    language: str = ""
    abstract: tuple[AbstractSection, ...] = ()
    keywords: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)
    truncated: frozenset[str] = frozenset()

    # Library fields, owned by the store.
    id: ReferenceId | None = None
    tags: tuple[str, ...] = ()
    collection_ids: tuple[CollectionId, ...] = ()
    added: datetime | None = None
    modified: datetime | None = None
    reading_status: ReadingStatus | None = None
    rating: int | None = None
    batch_id: BatchId | None = None
    source_text: str = ""
    trashed: bool = False
    # Row version and authorship, owned by the store and left out of comparisons (two
    # copies of a reference are equal whoever saved them). ``version`` 0 means "not
    # read from a library": an update then has no copy to be stale against.
    version: int = field(default=0, compare=False)
    added_by: str = field(default="", compare=False)
    modified_by: str = field(default="", compare=False)

    def __hash__(self) -> int:  # extra is a mapping; hash the identity-relevant fields only
        return hash((self.id, self.type, self.title, self.doi, self.creators, self.issued))

    @property
    def authors(self) -> tuple[Creator, ...]:
        return tuple(c for c in self.creators if c.role is CreatorRole.AUTHOR)

    @property
    def year(self) -> int | None:
        return self.issued.year

    @property
    def abstract_text(self) -> str:
        """The abstract as one string: "Heading: text" paragraphs separated by blank lines."""
        return abstract_to_text(self.abstract)

    def with_changes(self, **changes: object) -> Reference:
        """A copy with some fields replaced (``dataclasses.replace`` with a friendlier name)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def abstract_to_text(sections: tuple[AbstractSection, ...]) -> str:
    """Flatten abstract sections to text; ``abstract_from_text`` reverses it exactly."""
    return ABSTRACT_SECTION_BREAK.join(
        f"{s.heading}: {s.text}" if s.heading else s.text for s in sections
    )


# Headings used by structured abstracts (Emerald's house headings, IMRaD, PubMed's).
KNOWN_ABSTRACT_HEADINGS: tuple[str, ...] = (
    "Purpose",
    "Design/methodology/approach",
    "Findings",
    "Research limitations/implications",
    "Practical implications",
    "Social implications",
    "Originality/value",
    "Background",
    "Introduction",
    "Objective",
    "Objectives",
    "Aim",
    "Aims",
    "Methods",
    "Method",
    "Results",
    "Conclusion",
    "Conclusions",
    "Discussion",
    "Limitations",
    "Implications",
    "Context",
    "Setting",
    "Participants",
    "Interventions",
    "Main outcome measures",
    "Trial registration",
)
_HEADING_LOOKUP = {h.casefold(): h for h in KNOWN_ABSTRACT_HEADINGS}


def abstract_from_text(text: str) -> tuple[AbstractSection, ...]:
    """Split flat abstract text back into sections.

    A paragraph becomes a headed section only when it starts with a known heading
    followed by ": ", so ordinary prose that happens to contain a colon stays whole.
    """
    if not text:
        return ()
    sections: list[AbstractSection] = []
    for paragraph in text.split(ABSTRACT_SECTION_BREAK):
        head, sep, rest = paragraph.partition(": ")
        if sep and head.casefold() in _HEADING_LOOKUP and head == _HEADING_LOOKUP[head.casefold()]:
            sections.append(AbstractSection(head, rest))
        else:
            sections.append(AbstractSection("", paragraph))
    return tuple(sections)


@dataclass(frozen=True, slots=True)
class Note:
    """A markdown note attached to a reference."""

    reference_id: ReferenceId
    text: str
    id: NoteId | None = None
    created: datetime | None = None
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Collection:
    """A node of the collections tree; ``parent_id`` is None at the top level."""

    id: CollectionId
    name: str
    parent_id: CollectionId | None = None
    position: int = 0


class ImportMethod(enum.StrEnum):
    """How text reached PeerRef, kept in each import batch's provenance."""

    PASTE = "paste"
    DROP = "drop"
    FILE = "file"
    COMMAND_LINE = "command-line"


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """One import: when, how, which format was detected, the raw input verbatim, counts."""

    id: BatchId
    created: datetime
    method: ImportMethod
    format_name: str
    raw_input: str
    source_name: str = ""
    entries_found: int = 0
    entries_added: int = 0
    entries_skipped: int = 0
    entries_merged: int = 0
