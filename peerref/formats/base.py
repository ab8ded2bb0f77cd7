"""The contract every reader of references fulfils.

A reader says how well it recognises a text (``sniff``) and turns it into entries
(``read``). Each entry keeps the raw text it came from and its own warnings with line
numbers, so the import preview can show the original and explain doubts. Readers raise
nothing but ``FormatError``: the registry turns any other exception into one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from peerref.core.model import Reference, ReferenceId

# A library's notes per reference (markdown texts, oldest first), handed to writers on export:
# a Reference does not hold its notes, the Library does.
ExportNotes = Mapping[ReferenceId, Sequence[str]]


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A remark about the input: ``line`` is 1-based in the whole input, None when global."""

    message: str
    line: int | None = None
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One reference found in the input, with where it came from and what was doubtful.

    ``confidence`` is 1.0 for structured formats and lower for guesses (the generic
    reference-list reader), so a preview can sort or flag them.
    """

    reference: Reference
    raw_text: str
    first_line: int
    last_line: int
    warnings: tuple[Diagnostic, ...] = ()
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What a search results page says about the search itself, when it says it.

    A literature review's search log (PRISMA-S) names each search's query and hit count;
    a copied page often shows them ("1 – 10 of over 67000", "Search results for …").
    ``hit_count`` is the number read (67000), ``hit_text`` the words as shown.
    """

    query: str = ""
    hit_count: int | None = None
    hit_text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.query and self.hit_count is None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything a reader found: entries, the lines it skipped, and global warnings.

    ``page`` holds what a results page said about its search (query, hit count).
    """

    format_name: str
    format_label: str
    entries: tuple[ParsedEntry, ...]
    skipped: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    tried: tuple[str, ...] = field(default=())
    page: PageInfo = field(default=PageInfo())

    @property
    def references(self) -> tuple[Reference, ...]:
        return tuple(e.reference for e in self.entries)


@runtime_checkable
class Reader(Protocol):
    """Something that recognises and reads one format.

    Attributes:
        name: short stable id used by ``--format`` ("emerald", "ris").
        label: what a person reads in the preview ("Emerald Insight results page").
    """

    name: str
    label: str

    def sniff(self, text: str) -> float:
        """How sure this reader is that ``text`` is its format, from 0.0 to 1.0."""
        ...

    def read(self, text: str) -> ParseResult:
        """Parse ``text``; raise ``FormatError`` when nothing usable is found."""
        ...


@runtime_checkable
class Writer(Protocol):
    """Something that writes references in one format (export, clipboard).

    ``notes`` is keyword-only and optional so callers without a library (an unsaved
    parse, the clipboard of a view) keep calling ``write(references)``; a writer whose
    format has nowhere to put notes accepts and ignores them.
    """

    name: str
    label: str
    extension: str
    mime_type: str

    def write(self, references: Sequence[Reference], *, notes: ExportNotes | None = None) -> str:
        """The whole document for ``references``, with each one's library notes if given."""
        ...


def keywords_for_export(reference: Reference) -> list[str]:
    """The keywords, then the library tags not already among them (case-insensitively).

    Other reference managers (Zotero, EndNote) have one list where we keep two, and
    Zotero exports its tags as keywords: a person's tags must reach the other program.
    """
    merged: list[str] = []
    seen: set[str] = set()
    for word in (*reference.keywords, *reference.tags):
        word = " ".join(word.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            merged.append(word)
    return merged


def notes_for_export(reference: Reference, notes: ExportNotes | None) -> list[str]:
    """The reference's own note (``extra["note"]``) and its library notes, blank ones dropped.

    Only ``extra["note"]`` leaves with the reference: every other ``extra`` key is
    bookkeeping of the source it was read from ("emerald-type", "ris:M3", "pubmed-flags")
    and means nothing to the program the export goes to.
    """
    texts = [reference.extra.get("note", "")]
    if notes is not None and reference.id is not None:
        texts.extend(notes.get(reference.id, ()))
    return [text.strip() for text in texts if text.strip()]


def line_number_at(text: str, offset: int) -> int:
    """1-based line number of a character offset, for diagnostics."""
    return text.count("\n", 0, offset) + 1
