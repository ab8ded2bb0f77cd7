"""Emerald Insight search results, copied from the browser as plain text.

The copied page has no titles (they are links the selection leaves behind) and mixes
each entry's data with things that are not data: a preview snippet of the abstract, a
download count, pagination. An entry looks like this::

    Article
    Publication date: 15 June 2012

    First Author and Second Author

    Preview of the abstract, cut off with an ellipsis…

    499                                   <- a page metric, not data

    Abstract

    Purpose

    Text of the section.

    Details

    Journal Name, vol. 7 no. 2
    Type: Research Article
    ISSN: 1755-6228

    Keywords

    Keyword one

The reader walks the lines once, as a small state machine, so a page of ten thousand
entries costs no more than reading its lines. It keeps what the page says and invents
nothing: the title stays empty and each entry carries a warning saying so.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from peerref.core import dates, ids, names
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
from peerref.formats._pagetext import (
    ODD_SPACE,
    SkippedLines,
    clean_line,
    needs_cleaning,
    split_page_lines,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

# The content-type line that opens an entry, and the reference type it stands for.
CONTENT_TYPES: dict[str, ReferenceType] = {
    "Article": ReferenceType.ARTICLE_JOURNAL,
    "Case study": ReferenceType.ARTICLE_JOURNAL,
    "Review": ReferenceType.ARTICLE_JOURNAL,
    "Book review": ReferenceType.ARTICLE_JOURNAL,
    "Book part": ReferenceType.CHAPTER,
    "Chapter": ReferenceType.CHAPTER,
    "Book": ReferenceType.BOOK,
    "Expert briefing": ReferenceType.REPORT,
}

DATE_LABEL = "Publication date:"
AHEAD_OF_PRINT = "ahead-of-print"
NO_TITLE_WARNING = "no title in the copied text"
TRUNCATED_AUTHORS_WARNING = "author list truncated"

# Page furniture around the list: it ends the entry before it.
_PAGE_CHROME = frozenset({"Search results"})
# Access badges that may sit next to an entry: dropped without ending it.
_BADGES = frozenset({"Open Access", "Free Access"})
# "1 – 10 of over 67000": the result counter above and below the list.
_RESULT_COUNTER = re.compile(r"\d[\d,.]*\s?[–—-]\s?\d[\d,.]*\sof\s(?:over\s|about\s)?\d[\d,.]*")
# "Journal, vol. 7 no. 2" with optional pages; searched in one line only.
_VOLUME_ISSUE = re.compile(
    r",\s?vol\.\s?(?P<volume>[^\s,]+)(?:\s(?:no|iss)\.\s?(?P<issue>[^\s,]+))?"
    r"(?:,\s?pp?\.\s?(?P<page>[^\s,]+))?$",
    re.IGNORECASE,
)
_HEADINGS = frozenset(KNOWN_ABSTRACT_HEADINGS)
# Lower-case words allowed in an author line: particles and organisation connectors.
_NAME_LOWER_WORDS = names.LOWER_PARTICLES | {"of", "for", "the", "and", "on", "in", "&"}
_MAX_NAME_WORDS = 6
_MAX_KEYWORD_LENGTH = 100
_ELLIPSES = ("…", "...")


class _State(enum.Enum):
    OUTSIDE = enum.auto()
    DATE = enum.auto()
    AUTHORS = enum.auto()
    PREVIEW = enum.auto()
    ABSTRACT = enum.auto()
    DETAILS = enum.auto()
    KEYWORDS = enum.auto()


class _Kind(enum.Enum):
    """What a whole line is, when its text alone says so (looked up in ``_LINE_KINDS``)."""

    CONTENT_TYPE = enum.auto()
    ABSTRACT = enum.auto()
    DETAILS = enum.auto()
    KEYWORDS = enum.auto()
    HEADING = enum.auto()
    PAGE_CHROME = enum.auto()
    BADGE = enum.auto()


_LINE_KINDS: dict[str, _Kind] = {
    **dict.fromkeys(CONTENT_TYPES, _Kind.CONTENT_TYPE),
    **dict.fromkeys(_HEADINGS, _Kind.HEADING),
    **dict.fromkeys((f"{h}:" for h in _HEADINGS), _Kind.HEADING),
    **dict.fromkeys(_PAGE_CHROME, _Kind.PAGE_CHROME),
    **dict.fromkeys(_BADGES, _Kind.BADGE),
    "Abstract": _Kind.ABSTRACT,
    "Details": _Kind.DETAILS,
    "Keywords": _Kind.KEYWORDS,
}
_DETAIL_LABELS = frozenset({"type", "issn", "eissn", "isbn", "eisbn", "doi"})
_DIGITS = frozenset("0123456789")
# No line longer than this is in ``_LINE_KINDS``: longer lines skip the look-up (and hashing).
_LONGEST_KIND = max(map(len, _LINE_KINDS))
_NO_DATE = PartialDate()
_KEYWORD_ENDINGS = (".", *_ELLIPSES)

# Local aliases: the line loop compares states and kinds by identity many times per entry.
_OUTSIDE, _DATE, _AUTHORS, _PREVIEW = _State.OUTSIDE, _State.DATE, _State.AUTHORS, _State.PREVIEW
_ABSTRACT, _DETAILS, _KEYWORDS = _State.ABSTRACT, _State.DETAILS, _State.KEYWORDS
_CONTENT_TYPE_LINE, _HEADING_LINE = _Kind.CONTENT_TYPE, _Kind.HEADING
_ABSTRACT_LINE, _DETAILS_LINE, _KEYWORDS_LINE = _Kind.ABSTRACT, _Kind.DETAILS, _Kind.KEYWORDS
_CHROME_LINE, _BADGE_LINE = _Kind.PAGE_CHROME, _Kind.BADGE


@dataclass(slots=True)
class _Draft:
    """What has been read of one entry so far."""

    first_line: int
    content_type: str
    last_line: int = 0
    issued: PartialDate = _NO_DATE
    creators: tuple[Creator, ...] = ()
    authors_truncated: bool = False
    saw_preview: bool = False
    saw_abstract: bool = False
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    container_line: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    def warn(self, message: str, line: int) -> None:
        self.warnings.append(Diagnostic(message, line))


def _looks_like_name(name: str) -> bool:
    """A name has a few words, each capitalised unless it is a particle ("de", "van")."""
    words = name.split(" ")
    if len(words) > _MAX_NAME_WORDS:
        return False
    for word in words:  # a loop, not all(): this runs for every name on the page
        if word and word[0].islower() and word.casefold() not in _NAME_LOWER_WORDS:
            return False
    return True


def _is_metric(text: str) -> bool:
    """A bare number line: downloads or citations shown next to an entry, never data."""
    return text.replace(",", "").isdigit()


def _date_follows(lines: list[str], index: int) -> bool:
    """Whether the next non-blank line after ``index`` is a "Publication date:" line."""
    for following in range(index + 1, len(lines)):
        text = lines[following].strip()
        if text:
            return clean_line(text).startswith(DATE_LABEL)
    return False


class _Memo:
    """Per-page memory of values already read: pages repeat authors, dates and journals."""

    def __init__(self) -> None:
        self.authors: dict[str, tuple[tuple[Creator, ...], bool] | None] = {}
        # A name as written -> its creator, or None when it does not look like a name.
        self.people: dict[str, Creator | None] = {}
        self.dates: dict[str, PartialDate | None] = {}
        self.containers: dict[str, tuple[str, str, str, str, str]] = {}
        self.issns: dict[str, tuple[str, bool]] = {}
        self.isbns: dict[str, tuple[str, bool]] = {}

    def author_list(self, line: str) -> tuple[tuple[Creator, ...], bool] | None:
        """(creators, truncated) for "A, B and C"; None when the line is no author list.

        In place of the authors an entry may show its preview snippet straight away; a
        snippet is prose: it ends in an ellipsis or has lower-case words no name has.
        """
        if line in self.authors:
            return self.authors[line]
        text = clean_line(line)
        result: tuple[tuple[Creator, ...], bool] | None = None
        if not text.endswith(_ELLIPSES) or text.endswith("et al..."):
            stripped, truncated = names.strip_truncation(text)
            parts = names.split_names(stripped)
            if parts:
                creators: list[Creator] = []
                for part in parts:
                    creator = self.person(part)
                    if creator is None:
                        break
                    creators.append(creator)
                else:
                    result = (tuple(creators), truncated)
        self.authors[line] = result
        return result

    def person(self, name: str) -> Creator | None:
        """The creator a name stands for; None when the text does not look like a name."""
        if name in self.people:
            return self.people[name]
        creator = names.parse_name(name) if _looks_like_name(name) else None
        self.people[name] = creator
        return creator

    def date(self, text: str) -> PartialDate | None:
        if text in self.dates:
            return self.dates[text]
        parsed = self.dates[text] = dates.parse_date(text)
        return parsed

    def container(self, line: str) -> tuple[str, str, str, str, str]:
        if line not in self.containers:
            self.containers[line] = _split_container(clean_line(line))
        return self.containers[line]

    def issn(self, text: str) -> tuple[str, bool]:
        if text not in self.issns:
            issn = ids.normalise_issn(text) or clean_line(text)
            self.issns[text] = (issn, ids.issn_is_valid(issn))
        return self.issns[text]

    def isbn(self, text: str) -> tuple[str, bool]:
        if text not in self.isbns:
            isbn = ids.normalise_isbn(text) or clean_line(text)
            self.isbns[text] = (isbn, ids.isbn_is_valid(isbn))
        return self.isbns[text]


class EmeraldReader:
    """Reads Emerald Insight search results copied as text (issue 3, "Results pages")."""

    name = "emerald"
    label = "Emerald Insight results page"

    def sniff(self, text: str) -> float:
        """Sure when a content-type line is directly followed by "Publication date:"."""
        if DATE_LABEL not in text:
            return 0.0
        return 0.95 if _SNIFF_ENTRY.search(text) else 0.4

    def read(self, text: str) -> ParseResult:
        """Every entry on the page; lines that fit no entry are reported as skipped.

        One pass over the lines; each non-blank line costs a strip and a dictionary look-up
        unless it carries data, so a 20 MB page of 10,000 entries reads in well under the
        five seconds issue 3 allows.

        Raises:
            FormatError: when the text holds no Emerald entry at all.
        """
        lines = split_page_lines(text)
        # Most copied pages have no tabs, double or odd spaces anywhere: then no line needs
        # the per-line test below (a page-wide search is far cheaper than one per line).
        page_needs_cleaning = needs_cleaning(text)
        memo = _Memo()
        skipped = SkippedLines("an Emerald Insight entry")
        entries: list[ParsedEntry] = []
        draft = _Draft(first_line=0, content_type="")  # replaced when the first entry starts
        state = _OUTSIDE
        line_kinds = _LINE_KINDS.get
        longest_kind = _LONGEST_KIND
        odd_space = ODD_SPACE.search
        finish = self._finish

        for number, line in enumerate(lines, 1):
            text_line = line.strip()
            if not text_line:
                continue
            # Most lines are prose: only a short line can be a label, and only a line with
            # odd spacing needs cleaning (checked inline: this is the hot loop).
            kind = line_kinds(text_line) if len(text_line) <= longest_kind else None
            if (
                kind is None
                and page_needs_cleaning
                and (
                    "  " in text_line
                    or "\t" in text_line
                    or (not text_line.isascii() and odd_space(text_line) is not None)
                )
            ):
                text_line = clean_line(text_line)
                kind = line_kinds(text_line) if len(text_line) <= longest_kind else None
            if kind is None:
                if text_line.startswith(DATE_LABEL):
                    if state is not _DATE:
                        if draft.first_line:
                            entries.append(finish(draft, lines, memo))
                        draft = _Draft(first_line=number, content_type="", last_line=number)
                        draft.warn("no content type line before the publication date", number)
                    self._take_date(draft, memo, text_line, number)
                    state = _AUTHORS
                    continue
                if text_line[0] in _DIGITS:
                    if _is_metric(text_line):
                        continue
                    if _RESULT_COUNTER.fullmatch(clean_line(text_line)):
                        state = _OUTSIDE
                        continue
                # Fast paths for the states most lines are read in; each does exactly what
                # the general dispatch below does for a line of no particular kind.
                if state is _ABSTRACT:  # a paragraph of the abstract
                    if draft.sections:
                        draft.sections[-1][1].append(text_line)
                    else:
                        draft.sections.append(("", [text_line]))
                    draft.last_line = number
                    continue
                if state is _KEYWORDS:
                    if len(text_line) <= _MAX_KEYWORD_LENGTH and not text_line.endswith(
                        _KEYWORD_ENDINGS
                    ):
                        draft.keywords.append(clean_line(text_line))
                        draft.last_line = number
                    else:
                        skipped.add(number)
                    continue
                if state is _DETAILS:
                    if self._take_detail(draft, text_line):
                        draft.last_line = number
                    else:
                        skipped.add(number)
                    continue
            elif kind is _HEADING_LINE and state is _ABSTRACT:
                draft.sections.append((text_line.removesuffix(":"), []))
                draft.last_line = number
                continue
            elif kind is _CONTENT_TYPE_LINE:
                if _date_follows(lines, number - 1):
                    if draft.first_line:
                        entries.append(finish(draft, lines, memo))
                    draft = _Draft(first_line=number, content_type=text_line, last_line=number)
                    state = _DATE
                    continue
                kind = None
            elif kind is _BADGE_LINE:
                continue
            elif kind is _CHROME_LINE:
                state = _OUTSIDE
                continue

            if state is _OUTSIDE:
                skipped.add(number)
                continue
            if state is _AUTHORS:
                authors = memo.author_list(text_line) if kind is None else None
                if authors is not None:
                    draft.creators, draft.authors_truncated = authors
                    draft.last_line = number
                    state = _PREVIEW
                    continue
                draft.warn("no authors in the copied text", number)
                state = _PREVIEW
            # Section labels move the entry on.
            if kind is _ABSTRACT_LINE and (state is _PREVIEW or state is _ABSTRACT):
                draft.saw_abstract = True
                draft.last_line = number
                state = _ABSTRACT
            elif kind is _DETAILS_LINE:
                draft.last_line = number
                state = _DETAILS
            elif kind is _KEYWORDS_LINE:
                draft.last_line = number
                state = _KEYWORDS
            elif state is _ABSTRACT:
                if kind is _HEADING_LINE:
                    draft.sections.append((text_line.removesuffix(":"), []))
                elif draft.sections:
                    draft.sections[-1][1].append(text_line)
                else:
                    draft.sections.append(("", [text_line]))
                draft.last_line = number
            elif state is _PREVIEW:
                if kind is _HEADING_LINE:  # the "Abstract" label was not copied
                    draft.saw_abstract = True
                    draft.sections.append((text_line.removesuffix(":"), []))
                    state = _ABSTRACT
                else:
                    draft.saw_preview = True  # the snippet repeats the abstract's start
                draft.last_line = number
            elif state is _DETAILS:
                if self._take_detail(draft, text_line):
                    draft.last_line = number
                else:
                    skipped.add(number)
            elif len(text_line) <= _MAX_KEYWORD_LENGTH and not text_line.endswith(_KEYWORD_ENDINGS):
                draft.keywords.append(clean_line(text_line))
                draft.last_line = number
            else:
                skipped.add(number)

        if draft.first_line:
            entries.append(self._finish(draft, lines, memo))
        if not entries:
            raise FormatError(
                "no Emerald Insight entries found: an entry starts with a content type line "
                "such as 'Article' followed by 'Publication date: …'"
            )
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=skipped.diagnostics(),
            page=page_info(lines, entries[0].first_line, entries[-1].last_line),
        )

    @staticmethod
    def _take_date(draft: _Draft, memo: _Memo, line: str, number: int) -> None:
        """Read "Publication date: 15 June 2012"; an unreadable date is kept as text."""
        date_text = clean_line(line[len(DATE_LABEL) :])
        parsed = memo.date(date_text)
        if parsed is None:
            draft.warn(f"the publication date {date_text!r} could not be read", number)
            parsed = PartialDate(literal=date_text) if date_text else PartialDate()
        draft.issued = parsed
        draft.last_line = number

    @staticmethod
    def _take_detail(draft: _Draft, line: str) -> bool:
        """Read a line of the Details block; False when it is not one Emerald writes."""
        label, colon, value = line.partition(":")
        if colon:
            key = label.strip().casefold()
            if key in _DETAIL_LABELS:
                draft.labels.setdefault(key, value.strip())
                return True
        # Case folding works letter by letter, so folding the first 16 letters is enough.
        if line[:16].casefold().startswith(("https://doi.org/", "doi.org/")):
            draft.labels.setdefault("doi", line)
            return True
        if not draft.container_line:
            draft.container_line = line
            return True
        return False

    def _finish(self, draft: _Draft, lines: list[str], memo: _Memo) -> ParsedEntry:
        """Turn a draft into a reference with its raw text and warnings."""
        first_line = draft.first_line
        content_type = draft.content_type
        warnings = [Diagnostic(NO_TITLE_WARNING, first_line), *draft.warnings]
        extra: dict[str, str] = {}
        if content_type:
            extra["emerald-content-type"] = content_type
        ref_type = CONTENT_TYPES.get(content_type, ReferenceType.ARTICLE_JOURNAL)
        labels = draft.labels
        emerald_type = clean_line(labels["type"]) if "type" in labels else ""
        if emerald_type:
            extra["emerald-type"] = emerald_type
            if content_type == "Book part" and emerald_type.casefold() == "book":
                ref_type = ReferenceType.CHAPTER

        container, volume, issue, page, status = memo.container(draft.container_line)

        issns: list[str] = []
        isbns: list[str] = []
        if labels:
            for key in ("issn", "eissn"):
                if labels.get(key):
                    issn, valid = memo.issn(labels[key])
                    if not valid:
                        warnings.append(
                            Diagnostic(f"ISSN {issn} has a wrong check digit", first_line)
                        )
                    if issn not in issns:
                        issns.append(issn)
            for key in ("isbn", "eisbn"):
                if labels.get(key):
                    isbn, valid = memo.isbn(labels[key])
                    if not valid:
                        warnings.append(
                            Diagnostic(f"ISBN {isbn} has a wrong check digit", first_line)
                        )
                    if isbn not in isbns:
                        isbns.append(isbn)
        doi = ids.normalise_doi(labels["doi"]) if "doi" in labels else ""

        sections = tuple(
            [
                AbstractSection(heading, "\n".join(paragraphs))
                for heading, paragraphs in draft.sections
                if paragraphs
            ]
        )
        if draft.saw_preview and not draft.saw_abstract:
            warnings.append(
                Diagnostic(
                    "only a preview of the abstract was copied; it is not kept",
                    first_line,
                    Severity.INFO,
                )
            )
        truncated = _NOT_TRUNCATED
        if draft.authors_truncated:
            truncated = _AUTHOR_TRUNCATED
            warnings.append(Diagnostic(TRUNCATED_AUTHORS_WARNING, first_line))

        reference = Reference(
            type=ref_type,
            creators=draft.creators,
            container_title=container,
            volume=volume,
            issue=issue,
            page=page,
            issued=draft.issued,
            status=status,
            issn=tuple(issns),
            isbn=tuple(isbns),
            doi=doi,
            abstract=sections,
            keywords=tuple(draft.keywords),
            extra=extra,
            truncated=truncated,
        )
        last_line = max(draft.last_line, first_line)
        raw_text = "\n".join(lines[first_line - 1 : last_line])
        return ParsedEntry(
            reference=reference,
            raw_text=raw_text,
            first_line=first_line,
            last_line=last_line,
            warnings=tuple(warnings),
        )


_AUTHOR_TRUNCATED = frozenset({"author"})
_NOT_TRUNCATED: frozenset[str] = frozenset()  # shared: a new empty set per entry costs GC time
_SNIFF_ENTRY = re.compile(
    r"(?:^|\n)[^\S\n]*(?:"
    + "|".join(re.escape(t) for t in CONTENT_TYPES)
    + r")[^\S\n]*\n(?:[^\S\n]*\n)*[^\S\n]*"
    + re.escape(DATE_LABEL)
)


def _split_container(line: str) -> tuple[str, str, str, str, str]:
    """ "Journal, vol. 7 no. 2" to (container, volume, issue, page, status).

    "vol. ahead-of-print no. ahead-of-print" is a publication status, not a volume.
    A line without "vol." (a book's title for a book part) is all container.
    """
    if not line:
        return "", "", "", "", ""
    match = _VOLUME_ISSUE.search(line)
    if match is None:
        return line, "", "", "", ""
    volume = match.group("volume") or ""
    issue = match.group("issue") or ""
    page = match.group("page") or ""
    status = ""
    if volume.casefold() == AHEAD_OF_PRINT:
        status, volume = AHEAD_OF_PRINT, ""
    if issue.casefold() == AHEAD_OF_PRINT:
        status, issue = AHEAD_OF_PRINT, ""
    return line[: match.start()].strip(), volume, issue, page, status


READERS = (EmeraldReader(),)
