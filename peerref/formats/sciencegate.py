"""ScienceGate search results, copied from the browser as plain text.

ScienceGate writes each entry's facts on short lines joined by "◽" (U+25FD) and pads
them with non-breaking spaces; journal names are links the copy leaves out::

    Optional title line

    2016 ◽
    Vol 20 (3) ◽
    pp. 149-152
    Author(s):
    First Author ◽
    Second Author ◽
    ...                                <- "more authors": the list is truncated

    Purpose – inline structured abstract … Findings – …


    2014 ◽                            <- the next entry

A line ending in "◽" says another line of the same kind follows, which is how the
author list ends without a blank line. The hard part is a line just above a year line:
it is either the next entry's title or the last paragraph of the previous abstract.
A title sits directly above its year line (at most one blank line between) and is short;
abstract paragraphs are long, end like sentences and, on the page, are followed by two
blank lines. The reader decides with those facts (see ``_is_title``) in one pass.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from peerref.core import names
from peerref.core.errors import FormatError
from peerref.core.model import (
    KNOWN_ABSTRACT_HEADINGS,
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats._pageinfo import page_info
from peerref.formats._pagetext import SkippedLines, clean_line, split_page_lines
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

JOINER = "◽"
AUTHORS_LABEL = "Author(s):"
AHEAD_OF_PRINT = "ahead-of-print"
NO_TITLE_WARNING = "no title in the copied text"
TRUNCATED_AUTHORS_WARNING = "author list truncated"

# Footer and toolbar text: it ends the entry before it.
_CHROME = frozenset({"Sign in / Sign up", "Export Citation Format", "Share Document"})
_YEAR = re.compile(r"(?:1[5-9]|20|21)\d\d")
_VOLUME = re.compile(
    r"Vol(?:\.\s?|\s)(?P<volume>[^\s()]+)?\s?(?:\((?P<issue>[^()]*)\))?", re.IGNORECASE
)
_PAGES = re.compile(r"pp?\.\s?(?P<page>\S+(?:\s?[-–]\s?\S+)?)", re.IGNORECASE)
_AUTHOR_ELLIPSES = frozenset({"...", "…", "et al.", "et al"})

# A structured abstract written inline: "Purpose – … Findings – …" or "Background: … Methods: …".
# Headings are tried longest first; the character before one must end a word or a sentence.
_HEADING_ALTERNATIVES = "|".join(
    re.escape(h) for h in sorted(KNOWN_ABSTRACT_HEADINGS, key=len, reverse=True)
)
_INLINE_HEADING = re.compile(
    rf"(?<![^\s.?!;)\]\"'”’])(?P<heading>{_HEADING_ALTERNATIVES})"
    r"(?:(?P<dash>\s[–—-]\s)|(?P<colon>\s?:\s?))"
)
_ABSTRACT_LABEL = re.compile(r"Abstract(?::\s?|\s)(?=\S)")

_MAX_TITLE_LENGTH = 300
_MAX_LOOSE_TITLE_LENGTH = 250
_MAX_AUTHOR_LENGTH = 100
_MAX_AUTHOR_WORDS = 8


class _State(enum.Enum):
    OUTSIDE = enum.auto()
    META = enum.auto()
    AUTHORS = enum.auto()
    BODY = enum.auto()


def _without_joiner(line: str) -> tuple[str, bool]:
    """The line's text without a trailing "◽", and whether it had one."""
    if line.endswith(JOINER):
        return line[: -len(JOINER)].rstrip(), True
    return line, False


def _is_year_line(line: str) -> bool:
    value, _joined = _without_joiner(line)
    return len(value) == 4 and _YEAR.fullmatch(value) is not None


def _is_meta_line(line: str) -> bool:
    value, _joined = _without_joiner(line)
    return (
        value.startswith(AUTHORS_LABEL)
        or _VOLUME.fullmatch(value) is not None
        or _PAGES.fullmatch(value) is not None
    )


def _looks_like_title(line: str, *, strict: bool) -> bool:
    """A title is one short line; it does not read like the end of an abstract paragraph.

    ``strict`` applies when the blank lines around the line do not already say it is a
    title: then it must also not end like a sentence.
    """
    if JOINER in line or line.startswith(AUTHORS_LABEL) or line in _CHROME:
        return False
    if _INLINE_HEADING.match(line) or _ABSTRACT_LABEL.match(line):
        return False
    if strict:
        return len(line) <= _MAX_LOOSE_TITLE_LENGTH and not line.endswith((".", "…"))
    multi_sentence = line.endswith(".") and ". " in line
    return len(line) <= _MAX_TITLE_LENGTH and not multi_sentence and not line.endswith("…")


def _looks_like_author(value: str) -> bool:
    if not value or len(value) > _MAX_AUTHOR_LENGTH or ": " in value:
        return False
    return len(value.split(" ")) <= _MAX_AUTHOR_WORDS


def split_inline_abstract(text: str) -> tuple[AbstractSection, ...]:
    """Sections of an abstract written as one paragraph with inline headings.

    Only a text that *starts* with a known heading ("Purpose – ", "Background: ", after an
    optional "Abstract" label) is split, and only at headings written the same way as the
    first, so prose that mentions "results: " somewhere stays whole.
    """
    label = _ABSTRACT_LABEL.match(text)
    if label:
        text = text[label.end() :]
    text = text.strip()
    if not text:
        return ()
    first = _INLINE_HEADING.match(text)
    if first is None:
        return (AbstractSection("", text),)
    kind = "dash" if first.group("dash") else "colon"
    marks = [m for m in _INLINE_HEADING.finditer(text) if m.group(kind)]
    sections: list[AbstractSection] = []
    for position, mark in enumerate(marks):
        end = marks[position + 1].start() if position + 1 < len(marks) else len(text)
        body = " ".join(text[mark.end() : end].split())
        sections.append(AbstractSection(mark.group("heading"), body))
    return tuple(s for s in sections if s.text)


@dataclass(slots=True)
class _Draft:
    """What has been read of one entry so far."""

    first_line: int
    title: str = ""
    last_line: int = 0
    issued: PartialDate = field(default_factory=PartialDate)
    volume: str = ""
    issue: str = ""
    page: str = ""
    status: str = ""
    creators: list[Creator] = field(default_factory=list)
    authors_truncated: bool = False
    paragraphs: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


class ScienceGateReader:
    """Reads ScienceGate search results copied as text (issue 3, "Results pages")."""

    name = "sciencegate"
    label = "ScienceGate results page"

    def sniff(self, text: str) -> float:
        """Sure when a "2016 ◽" year line and an "Author(s):" line are both present."""
        if JOINER not in text:
            return 0.0
        has_authors = AUTHORS_LABEL in text
        for line in split_page_lines(text):
            if JOINER in line and _is_year_line(clean_line(line)):
                return 0.95 if has_authors else 0.6
        return 0.3 if has_authors else 0.0

    def read(self, text: str) -> ParseResult:
        """Every entry on the page; lines that fit no entry are reported as skipped.

        Raises:
            FormatError: when the text holds no ScienceGate entry at all.
        """
        raw_lines = split_page_lines(text)
        cleaned = [clean_line(line) for line in raw_lines]
        starts = self._entry_starts(cleaned)
        skipped = SkippedLines("a ScienceGate entry")
        drafts: list[_Draft] = []
        draft: _Draft | None = None
        state = _State.OUTSIDE
        pending_title: tuple[str, int] | None = None
        previous_index = -1  # index of the previous non-blank line
        authors_open = False  # the last author line ended in "◽"

        for index, line in enumerate(cleaned):
            if not line:
                continue
            number = index + 1
            gap_before = index - previous_index - 1
            previous_index = index
            if starts[index]:
                draft = _Draft(first_line=number, last_line=number)
                if pending_title is not None:
                    draft.title, draft.first_line = pending_title
                    pending_title = None
                else:
                    draft.warnings.append(Diagnostic(NO_TITLE_WARNING, number))
                drafts.append(draft)
                value, _joined = _without_joiner(line)
                draft.issued = PartialDate(year=int(value))
                state = _State.META
                continue
            if line in _CHROME:
                state = _State.OUTSIDE
                continue
            if state is _State.AUTHORS and draft is not None:
                value, joined = _without_joiner(line)
                continues_list = gap_before == 0 and (authors_open or not draft.creators)
                if continues_list and self._take_author(draft, value):
                    draft.last_line = number
                    authors_open = joined
                    continue
                state = _State.BODY
            if self._title_position(cleaned, starts, index, gap_before, state, draft):
                pending_title = (line, number)
                continue
            if draft is None or state is _State.OUTSIDE:
                skipped.add(number)
            elif state is _State.META:
                if self._take_meta(draft, line):
                    draft.last_line = number
                    if line.startswith(AUTHORS_LABEL):
                        state = _State.AUTHORS
                        authors_open = True
                else:
                    skipped.add(number)
            else:
                if line != "Abstract":  # a label on its own line, not text
                    draft.paragraphs.append(line)
                draft.last_line = number

        if not drafts:
            raise FormatError(
                "no ScienceGate entries found: an entry starts with a year line such as "
                "'2016 ◽' followed by 'Vol …', 'pp. …' or 'Author(s):'"
            )
        entries = tuple(self._finish(d, raw_lines) for d in drafts)
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=entries,
            skipped=skipped.diagnostics(),
            page=page_info(raw_lines, entries[0].first_line, entries[-1].last_line),
        )

    @staticmethod
    def _entry_starts(cleaned: list[str]) -> list[bool]:
        """Which lines open an entry: "2016 ◽", or a bare year with entry facts below it."""
        starts = [False] * len(cleaned)
        for index, line in enumerate(cleaned):
            if not line or not _is_year_line(line):
                continue
            facts_below = index + 1 < len(cleaned) and _is_meta_line(cleaned[index + 1])
            starts[index] = line.endswith(JOINER) or facts_below
        return starts

    @staticmethod
    def _title_position(
        cleaned: list[str],
        starts: list[bool],
        index: int,
        gap_before: int,
        state: _State,
        draft: _Draft | None,
    ) -> bool:
        """Whether the line at ``index`` is the title of the entry that starts just below it."""
        following = index + 1
        if following < len(cleaned) and not cleaned[following]:
            following += 1  # one blank line may separate a title from its year line
        if following >= len(cleaned) or not starts[following]:
            return False
        line = cleaned[index]
        if draft is None or state is _State.OUTSIDE:
            return _looks_like_title(line, strict=False)
        if state is _State.META:
            return False  # unrecognised facts of the entry above, not a title
        if gap_before >= 2 or (gap_before == 0 and not draft.paragraphs):
            # After an abstract's two blank lines, or right under the author list where an
            # abstract would have been set off by a blank line: the structure says title.
            return _looks_like_title(line, strict=False)
        return _looks_like_title(line, strict=True)

    @staticmethod
    def _take_meta(draft: _Draft, line: str) -> bool:
        """Read "Vol 20 (3) ◽", "pp. 149-152" or "Author(s):"; False for anything else."""
        value, _joined = _without_joiner(line)
        if value.startswith(AUTHORS_LABEL):
            first_author = value[len(AUTHORS_LABEL) :].strip()
            if first_author:
                ScienceGateReader._take_author(draft, first_author)
            return True
        volume = _VOLUME.fullmatch(value)
        if volume is not None:
            draft.volume = volume.group("volume") or ""
            draft.issue = (volume.group("issue") or "").strip()
            if draft.volume.casefold() == AHEAD_OF_PRINT:
                draft.status, draft.volume = AHEAD_OF_PRINT, ""
            if draft.issue.casefold() == AHEAD_OF_PRINT:
                draft.status, draft.issue = AHEAD_OF_PRINT, ""
            return True
        pages = _PAGES.fullmatch(value)
        if pages is not None:
            draft.page = "".join(pages.group("page").split()).replace("–", "-")
            return True
        return False

    @staticmethod
    def _take_author(draft: _Draft, value: str) -> bool:
        """Add one author line; "..." marks a truncated list. False when it is no name."""
        if value in _AUTHOR_ELLIPSES:
            draft.authors_truncated = True
            return True
        stripped, truncated = names.strip_truncation(value)
        if not _looks_like_author(stripped):
            return False
        if truncated:
            draft.authors_truncated = True
        if stripped:
            draft.creators.append(names.parse_name(stripped))
        return True

    def _finish(self, draft: _Draft, raw_lines: list[str]) -> ParsedEntry:
        """Turn a draft into a reference with its raw text and warnings."""
        warnings = list(draft.warnings)
        if not draft.creators:
            warnings.append(Diagnostic("no authors in the copied text", draft.first_line))
        truncated: frozenset[str] = frozenset()
        if draft.authors_truncated:
            truncated = frozenset({"author"})
            warnings.append(Diagnostic(TRUNCATED_AUTHORS_WARNING, draft.first_line))
        if draft.paragraphs and len(draft.paragraphs) > 1:
            warnings.append(
                Diagnostic(
                    f"the abstract has {len(draft.paragraphs)} paragraphs; check that none "
                    "belongs to another entry",
                    draft.first_line,
                    Severity.INFO,
                )
            )
        reference = Reference(
            type=ReferenceType.ARTICLE_JOURNAL,
            title=draft.title,
            creators=tuple(draft.creators),
            volume=draft.volume,
            issue=draft.issue,
            page=draft.page,
            issued=draft.issued,
            status=draft.status,
            abstract=_abstract(draft.paragraphs),
            truncated=truncated,
        )
        last_line = max(draft.last_line, draft.first_line)
        return ParsedEntry(
            reference=reference,
            raw_text="\n".join(raw_lines[draft.first_line - 1 : last_line]),
            first_line=draft.first_line,
            last_line=last_line,
            warnings=tuple(warnings),
        )


def _abstract(paragraphs: list[str]) -> tuple[AbstractSection, ...]:
    """Sections of the abstract: inline headings split, other paragraphs kept as they are."""
    if not paragraphs:
        return ()
    sections = split_inline_abstract(" ".join(paragraphs))
    if len(sections) == 1 and not sections[0].heading and len(paragraphs) > 1:
        label = _ABSTRACT_LABEL.match(paragraphs[0])
        first = paragraphs[0][label.end() :] if label else paragraphs[0]
        return (AbstractSection("", "\n".join([first, *paragraphs[1:]])),)
    return sections


READERS = (ScienceGateReader(),)
