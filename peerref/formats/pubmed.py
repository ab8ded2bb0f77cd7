"""PubMed as text: the results page copied from the browser and the two text exports.

Three readers share NLM's citation line, "Psychiatr Serv. 2019 Jun 1;70(6):512-520. doi:
10.1176/appi.ps.201800417. Epub 2019 Mar 5.", which gives the journal abbreviation, the
date, volume, issue, abbreviated pages and DOI:

- ``pubmed``: the results page (Summary view) — position number, "Cite", "Share", title,
  authors as "Surname Initials", the citation line, "PMID: n" with flags such as "Free PMC
  article. Review.", then a snippet. The snippet is a cut of the abstract and is not kept.
- ``pubmed-summary``: "Save → Summary (text)", one citation per paragraph:
  "1. Authors. Title. Citation line. PMID: n; PMCID: PMCn."
- ``pubmed-abstract``: "Save → Abstract (text)": a numbered citation line, then title,
  authors with affiliation numbers, "Author information:", the abstract paragraphs and
  an identifier block (DOI, PMCID, PMID).

The page gives only the NLM abbreviation of the journal: it is both the container title
and the short container title until metadata completion finds the full one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice

from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi, normalise_pmcid
from peerref.core.model import AbstractSection, Creator, PartialDate, Reference, ReferenceType
from peerref.core.names import looks_like_organisation, parse_name, strip_truncation
from peerref.formats._pageinfo import page_info
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity
from peerref.formats.medline import (
    AHEAD_OF_PRINT,
    clean_title,
    date_or_literal,
    expand_nlm_pages,
    lines_with_numbers,
    split_structured_abstract,
)

# "Psychiatr Serv. 2019 Jun 1" + the rest: journal abbreviations carry no full stops.
_CITATION = re.compile(
    r"(?P<journal>[^.\n]{1,200}?)\. "
    r"(?P<date>(?:1[89]|20)\d\d(?: [A-Z][a-z]{2}(?:[-–/][A-Z][a-z]{2})?(?: \d{1,2})?"
    r"| (?:Spring|Summer|Autumn|Fall|Winter))?)"
    r"(?P<rest>[;:.].*)?$"
)
# ";70(6):512-520" or ";14:39" or ":appips20220456" straight after the date.
_LOCATOR = re.compile(
    r"^(?:;(?P<volume>[^(:.;]{1,40})?(?:\((?P<issue>[^)]{1,40})\))?)?(?::(?P<pages>[^\s;]{1,80}?)(?=\.?(?:\s|$)))?"
)
_DOI_IN_CITATION = re.compile(r"\bdoi: ?(?P<doi>10\.\S+)")
_RELATED_NOTICE = re.compile(
    r"\s(?:Erratum|Comment|Update|Retraction|Retracted|Expression of concern|Republished|"
    r"Corrected and republished|Reprint|Summary for patients)\b[^:]{0,30}:",
    re.IGNORECASE,
)
_BOOK_CITATION = re.compile(
    r"^In: (?P<book>.+?)\. (?P<place>[^:;]{1,80}): (?P<publisher>[^;]{1,200}); (?P<date>.+?)\.?$"
)
_PMID_LINE = re.compile(r"^PMID: ?(?P<pmid>\d{1,9})\b\.?(?P<flags>.*)$")
_POSITION = re.compile(r"^\d{1,5}$")
# One PubMed author: "Repper J", "van der Berg JA", "O'Hagan M", "Ó Súilleabháin M".
_PUBMED_AUTHOR = re.compile(
    r"^[^\W\d_][^\W\d_'’. -]*(?:[ '’-][^\W\d_][^\W\d_'’-]*){0,4} [A-Z]{1,4}$"
)
_ABSTRACT_HEADER = re.compile(r"^(?P<number>\d{1,5})\. (?P<text>\S.*)$")
_SUMMARY_START = re.compile(r"^(?P<number>\d{1,5})[.:)] (?P<text>\S.*)$")
_AFFILIATION_MARK = re.compile(r"\(\d{1,3}\)")

_PAGE_CHROME = frozenset(
    {
        "cite",
        "share",
        "save",
        "email",
        "send to",
        "search results",
        "display options",
        "item in clipboard",
        "items in clipboard",
        "clear all",
        "results by year",
        "timeline",
        "reset",
        "show more",
        "load more results",
        "next page",
        "previous page",
        "first page",
        "last page",
        "pubmed",
        "advanced",
        "create alert",
        "create rss",
        "user guide",
        "filters",
        "my ncbi filters",
        "page",
    }
)
_CHROME_PATTERNS = re.compile(
    r"^(?:[\d,]+ results?|results?: \d[\d,]* to \d[\d,]* of \d[\d,]*|page \d+ of [\d,]+|"
    r"of [\d,]+|filters applied:.*|sorted by:.*|sort by:?.*|display options.*|"
    r"showing results for.*|search instead for.*|see \d+ (?:article|result)s? found.*)$",
    re.IGNORECASE,
)


@dataclass
class Citation:
    """What an NLM citation line says."""

    journal: str = ""
    issued: PartialDate = field(default_factory=PartialDate)
    date_complete: bool = True
    volume: str = ""
    issue: str = ""
    page: str = ""
    elocation: str = ""
    doi: str = ""
    ahead_of_print: bool = False
    preprint: bool = False
    book_title: str = ""
    publisher: str = ""
    publisher_place: str = ""


def parse_citation(text: str) -> Citation | None:
    """Read an NLM citation line; None when ``text`` is not one.

    "Psychiatr Serv. 2019 Jun 1;70(6):512-520. doi: 10.1176/appi.ps.201800417. Epub …"
    Anything after a notice such as "Erratum in:" belongs to another article and is
    ignored, so its DOI never lands on this one.
    """
    text = " ".join(text.split())
    book = _BOOK_CITATION.match(text)
    if book:
        issued, complete = date_or_literal(book["date"].rstrip("–-"))
        return Citation(
            issued=issued,
            date_complete=complete,
            book_title=book["book"].removesuffix("[Internet]").strip(),
            publisher=book["publisher"].strip(),
            publisher_place=book["place"].strip(),
        )
    match = _CITATION.match(text)
    if not match:
        return None
    journal = match["journal"].strip()
    rest = match["rest"] or ""
    notice = _RELATED_NOTICE.search(rest)
    if notice:
        rest = rest[: notice.start()]
    # The results page glues the hidden short form "Psychiatr Serv. 2019." to the line.
    short_form = f"{journal}. {match['date'][:4]}."
    if rest.endswith(short_form) and len(rest) > len(short_form):
        rest = rest[: -len(short_form)]
    issued, complete = date_or_literal(match["date"])
    citation = Citation(journal=journal, issued=issued, date_complete=complete)
    locator = _LOCATOR.match(rest)
    if locator:
        citation.volume = (locator["volume"] or "").strip()
        citation.issue = (locator["issue"] or "").strip()
        pages = (locator["pages"] or "").strip()
        if citation.volume or citation.issue:
            citation.page = expand_nlm_pages(pages)
        else:
            citation.elocation = pages
    doi = _DOI_IN_CITATION.search(rest)
    if doi:
        citation.doi = normalise_doi(doi["doi"])
    citation.ahead_of_print = "online ahead of print" in rest.casefold()
    if journal.endswith("[Preprint]"):
        citation.preprint = True
        citation.journal = journal.removesuffix("[Preprint]").strip()
    return citation


def looks_like_pubmed_authors(text: str) -> bool:
    """True for "Repper J, Watson E." or "Smith J, Doe AB, et al." (PubMed's author line)."""
    text, _ = strip_truncation(text.strip().rstrip("."))
    names = [n.strip() for n in re.split(r"[,;]", text) if n.strip()]
    if not names:
        return False
    people = sum(1 for n in names if _PUBMED_AUTHOR.match(n) or _is_collective(n))
    return people >= max(1, len(names) - 1) and people * 2 > len(names) - 1


def _is_collective(name: str) -> bool:
    """ "Peer Support Evaluation Collaborative": an organisation named in Title Case.

    Titles are in sentence case on PubMed, so a capitalised run of words with an
    organisation word is a group author, not the start of a title.
    """
    words = name.split()
    if not 1 <= len(words) <= 10 or not looks_like_organisation(name):
        return False
    return all(w[:1].isupper() for w in words if len(w) >= 4)


def parse_pubmed_authors(text: str) -> tuple[tuple[Creator, ...], bool]:
    """ "Repper J, Watson E; Peer Study Group." → creators, and whether the list was cut."""
    text = _AFFILIATION_MARK.sub("", " ".join(text.split())).strip().rstrip(".")
    text, truncated = strip_truncation(text)
    creators = tuple(parse_name(n) for n in re.split(r"[,;]", text) if n.strip())
    return creators, truncated


def _reference_from(
    citation: Citation,
    *,
    title: str,
    creators: tuple[Creator, ...],
    pmid: str = "",
    pmcid: str = "",
    doi: str = "",
    abstract: tuple[AbstractSection, ...] = (),
    keywords: tuple[str, ...] = (),
    flags: Sequence[str] = (),
    truncated_authors: bool = False,
) -> Reference:
    ref_type = ReferenceType.ARTICLE_JOURNAL
    if citation.book_title:
        ref_type = ReferenceType.CHAPTER
    if citation.preprint or any(f.casefold() == "preprint" for f in flags):
        ref_type = ReferenceType.PREPRINT
    ahead = citation.ahead_of_print or any(f.casefold() == "online ahead of print" for f in flags)
    extra: dict[str, str] = {}
    kept_flags = [f for f in flags if f.casefold() not in {"online ahead of print", "preprint"}]
    if kept_flags:
        extra["pubmed-flags"] = "; ".join(kept_flags)
    if citation.elocation:
        extra["pubmed-elocation"] = citation.elocation
    return Reference(
        type=ref_type,
        title=title,
        creators=creators,
        container_title=citation.book_title or citation.journal,
        container_title_short=citation.journal,
        volume=citation.volume,
        issue=citation.issue,
        page=citation.page,
        issued=citation.issued,
        status=AHEAD_OF_PRINT if ahead else "",
        publisher=citation.publisher,
        publisher_place=citation.publisher_place,
        doi=doi or citation.doi,
        pmid=pmid,
        pmcid=pmcid,
        abstract=abstract,
        keywords=keywords,
        extra=extra,
        truncated=frozenset({"author"}) if truncated_authors else frozenset(),
    )


def _common_warnings(ref: Reference, citation: Citation, line: int) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    if not ref.title:
        warnings.append(Diagnostic("no title found for this entry", line))
    if not ref.creators:
        warnings.append(Diagnostic("no authors listed", line))
    if not citation.date_complete:
        warnings.append(Diagnostic("the date was read only in part", line))
    if "author" in ref.truncated:
        warnings.append(Diagnostic("the author list is cut short (et al.)", line))
    return warnings


def _split_flags(text: str) -> list[str]:
    return [f.strip() for f in text.split(".") if f.strip()]


# ---------------------------------------------------------------------------------------
# The results page


def _is_chrome(line: str) -> bool:
    stripped = line.strip()
    return stripped.casefold() in _PAGE_CHROME or bool(_CHROME_PATTERNS.match(stripped))


class PubMedPageReader:
    """The PubMed results page (Summary view) copied as text from a browser."""

    name = "pubmed"
    label = "PubMed results page"

    def sniff(self, text: str) -> float:
        """Sure when "PMID: n" lines follow NLM citation lines, as on the results page."""
        lines = [line.strip() for _, line in lines_with_numbers(text[:50000])]
        pmid_lines = [i for i, line in enumerate(lines) if _PMID_LINE.match(line)]
        if not pmid_lines:
            return 0.0
        if any(line.startswith("Author information:") for line in lines):
            return 0.4  # the Abstract (text) export
        with_citation = sum(
            1 for i in pmid_lines if parse_citation(_previous_text(lines, i)) is not None
        )
        if not with_citation:
            return 0.0
        return 0.9 if with_citation * 2 >= len(pmid_lines) else 0.6

    def read(self, text: str) -> ParseResult:
        """Entries are anchored on their "PMID:" line and read backwards from it.

        Above the PMID line come the citation line, the authors and the title, after the
        result's markers (position number, "Cite", "Share"). Below it comes the snippet,
        which runs until the next result begins.
        """
        lines = lines_with_numbers(text)
        original = text.splitlines()
        stripped = [line.strip() for _, line in lines]
        anchors = [i for i, line in enumerate(stripped) if _PMID_LINE.match(line)]
        found: list[_PageEntry] = []
        skipped: list[Diagnostic] = []
        previous_pmid = -1
        for pmid_index in anchors:
            entry = _page_entry(stripped, pmid_index, previous_pmid)
            previous_pmid = pmid_index
            if entry is None:
                skipped.append(
                    Diagnostic("a PMID line without a citation line above it", lines[pmid_index][0])
                )
                continue
            found.append(entry)
        if not found:
            raise FormatError("no PubMed results found (each has a citation and a 'PMID: n' line)")
        entries: list[ParsedEntry] = []
        for position, entry in enumerate(found):
            limit = found[position + 1].start if position + 1 < len(found) else len(lines)
            end = _snippet_end(stripped, entry.flags_end, limit, last=position + 1 == len(found))
            if position == 0:
                skipped.extend(_unrecognised(lines, 0, entry.start, "before the first result"))
            if position + 1 == len(found):
                skipped.extend(_unrecognised(lines, end + 1, len(lines), "after the last result"))
            entries.append(_page_parsed_entry(lines, original, entry, end))
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
            page=page_info(original, entries[0].first_line, entries[-1].last_line),
        )


_FLAG_LINE = re.compile(
    r"^(?:(?:Free PMC article|Free article|Review|Systematic Review|Meta-Analysis|"
    r"Clinical Trial|Randomized Controlled Trial|No abstract available|Online ahead of print|"
    r"Preprint|Retracted Publication|Comment|Editorial|Letter|Case Reports|"
    r"Observational Study|Multicenter Study|Practice Guideline|Guideline|Books & Documents)"
    r"\.\s*)+$"
)


@dataclass
class _PageEntry:
    start: int  # first line index of the result (title, or the citation when untitled)
    title: str
    authors: str
    citation: Citation
    pmid: str
    flags: list[str]
    flags_end: int  # last line index holding the PMID or its flags


def _is_marker(line: str) -> bool:
    return _is_chrome(line) or bool(_POSITION.match(line))


def _previous_text(lines: Sequence[str], index: int) -> str:
    for back in range(index - 1, -1, -1):
        if lines[back]:
            return lines[back]
    return ""


def _page_entry(stripped: Sequence[str], pmid_index: int, previous_pmid: int) -> _PageEntry | None:
    content = [i for i in range(previous_pmid + 1, pmid_index) if stripped[i]]
    if not content:
        return None
    citation_index = content[-1]
    citation = parse_citation(stripped[citation_index])
    if citation is None:
        return None
    above = content[:-1]
    markers = [k for k, i in enumerate(above) if _is_marker(stripped[i])]
    own = above[markers[-1] + 1 :] if markers else above
    authors = ""
    start = citation_index
    if own and looks_like_pubmed_authors(stripped[own[-1]]):
        authors = stripped[own[-1]]
        start = own[-1]
        own = own[:-1]
    if not markers:
        own = own[-1:]  # without markers the title is the one line above the authors
    if own:
        start = own[0]
    pmid_match = _PMID_LINE.match(stripped[pmid_index])
    if pmid_match is None:  # pragma: no cover - the caller found the line by this pattern
        return None
    flags = _split_flags(pmid_match["flags"])
    flags_end = pmid_index
    for index in range(pmid_index + 1, len(stripped)):
        if not stripped[index]:
            continue
        if not _FLAG_LINE.match(stripped[index]):
            break
        flags.extend(_split_flags(stripped[index]))
        flags_end = index
    return _PageEntry(
        start=start,
        title=" ".join(stripped[i] for i in own),
        authors=authors,
        citation=citation,
        pmid=pmid_match["pmid"],
        flags=flags,
        flags_end=flags_end,
    )


def _snippet_end(stripped: Sequence[str], flags_end: int, limit: int, *, last: bool) -> int:
    """The last line of a result's snippet: up to the next result (or, for the last result,
    to the first blank or chrome line)."""
    end = flags_end
    for index in range(flags_end + 1, limit):
        line = stripped[index]
        if not line:
            if last and end > flags_end:
                break
            continue
        if _is_marker(line):
            if last:
                break
            continue
        end = index
    return end


def _unrecognised(
    lines: Sequence[tuple[int, str]], start: int, stop: int, where: str
) -> list[Diagnostic]:
    return [
        Diagnostic(f"text {where}; skipped", number, Severity.INFO)
        for number, line in lines[start:stop]
        if line.strip() and not _is_marker(line.strip())
    ]


def _page_parsed_entry(
    lines: Sequence[tuple[int, str]], original: Sequence[str], entry: _PageEntry, end: int
) -> ParsedEntry:
    creators, truncated = parse_pubmed_authors(entry.authors)
    reference = _reference_from(
        entry.citation,
        title=clean_title(entry.title),
        creators=creators,
        pmid=entry.pmid,
        flags=entry.flags,
        truncated_authors=truncated,
    )
    first_line, last_line = lines[entry.start][0], lines[end][0]
    return ParsedEntry(
        reference=reference,
        raw_text="\n".join(original[entry.start : end + 1]),
        first_line=first_line,
        last_line=last_line,
        warnings=tuple(_common_warnings(reference, entry.citation, first_line)),
    )


# ---------------------------------------------------------------------------------------
# Summary (text) export


class PubMedSummaryReader:
    """PubMed's "Save → Summary (text)": one numbered citation per paragraph."""

    name = "pubmed-summary"
    label = "PubMed summary (text) export"

    def sniff(self, text: str) -> float:
        """Sure when numbered paragraphs end in "PMID: n" after an NLM citation."""
        lines = lines_with_numbers(text[:50000])
        if any(_PMID_LINE.match(line.strip()) for _, line in lines):
            return 0.0  # "PMID:" opening a line belongs to the results page or abstracts
        blocks = _summary_blocks(lines)
        if not blocks:
            return 0.0
        good = sum(1 for block in blocks if _parse_summary(_block_text(block)) is not None)
        if not good:
            return 0.0
        return 0.9 if good * 2 >= len(blocks) else 0.5

    def read(self, text: str) -> ParseResult:
        """Each numbered paragraph is one reference; others are reported as skipped."""
        lines = lines_with_numbers(text)
        original = text.splitlines()
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for block in _summary_blocks(lines):
            parsed = _parse_summary(_block_text(block))
            first, last = block[0][0], block[-1][0]
            if parsed is None:
                skipped.append(Diagnostic("not a PubMed citation; skipped", first, Severity.INFO))
                continue
            reference, citation = parsed
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text="\n".join(original[first - 1 : last]),
                    first_line=first,
                    last_line=last,
                    warnings=tuple(_common_warnings(reference, citation, first)),
                )
            )
        if not entries:
            raise FormatError("no PubMed summary citations found (each ends with 'PMID: n')")
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


def _summary_blocks(lines: Sequence[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Paragraphs, also split where a line starts with a new number ("2. ")."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in lines:
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        if current and _SUMMARY_START.match(line.strip()):
            blocks.append(current)
            current = []
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _block_text(block: Sequence[tuple[int, str]]) -> str:
    return " ".join(" ".join(line.split()) for _, line in block)


_SUMMARY_IDS = re.compile(r"\sPMID: ?(?P<pmid>\d{1,9})(?:; ?PMCID: ?(?P<pmcid>PMC\d+))?\.?")
_SENTENCE_BREAK = re.compile(r"(?<=[.?!]) (?=\S)")


# A citation is never this long; longer paragraphs are prose, and bounding them keeps the
# search for the citation line linear.
MAX_CITATION_CHARS = 5000
MAX_SENTENCES = 40


def _parse_summary(text: str) -> tuple[Reference, Citation] | None:
    if len(text) > MAX_CITATION_CHARS:
        return None
    start = _SUMMARY_START.match(text)
    if start:
        text = start["text"]
    ids = _SUMMARY_IDS.search(text)
    if not ids:
        return None
    body = text[: ids.start()].strip()
    # Authors end at the first full stop; the title runs to the citation line.
    breaks = [m.end() for m in islice(_SENTENCE_BREAK.finditer(body), MAX_SENTENCES)]
    authors_text = ""
    title_start = 0
    if breaks and looks_like_pubmed_authors(body[: breaks[0]]):
        authors_text = body[: breaks[0]]
        title_start = breaks[0]
    citation: Citation | None = None
    title = ""
    for offset in breaks:
        if offset <= title_start:
            continue
        citation = parse_citation(body[offset:])
        if citation is not None:
            title = body[title_start:offset]
            break
    if citation is None:
        return None
    creators, truncated = parse_pubmed_authors(authors_text)
    reference = _reference_from(
        citation,
        title=clean_title(title),
        creators=creators,
        pmid=ids["pmid"],
        pmcid=normalise_pmcid(ids["pmcid"] or ""),
        truncated_authors=truncated,
    )
    return reference, citation


# ---------------------------------------------------------------------------------------
# Abstract (text) export

_ID_BLOCK = re.compile(r"^(?:DOI|PMCID|PMID|NIHMSID): ")
_AFTER_ABSTRACT = re.compile(
    r"^(?:©|Copyright|\(c\) |Keywords: |Conflict of interest statement|Comment in|Comment on|"
    r"Erratum in|Erratum for|Update of|Update in|Retraction in|Retraction of|Collaborators:|"
    r"Expression of concern|Republished|Corrected and republished|Summary for patients|"
    r"Published by|This article is|DOI: |PMCID: |PMID: )",
    re.IGNORECASE,
)


@dataclass
class _Paragraph:
    lines: list[tuple[int, str]]

    @property
    def text(self) -> str:
        return _block_text(self.lines)

    @property
    def first(self) -> int:
        return self.lines[0][0]

    @property
    def last(self) -> int:
        return self.lines[-1][0]


def _paragraphs(lines: Sequence[tuple[int, str]]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[tuple[int, str]] = []
    for number, line in lines:
        if line.strip():
            current.append((number, line))
        elif current:
            paragraphs.append(_Paragraph(current))
            current = []
    if current:
        paragraphs.append(_Paragraph(current))
    return paragraphs


def _abstract_header(paragraph: _Paragraph) -> Citation | None:
    match = _ABSTRACT_HEADER.match(paragraph.text)
    if not match:
        return None
    return parse_citation(match["text"])


class PubMedAbstractReader:
    """PubMed's "Save → Abstract (text)": full records with their abstracts."""

    name = "pubmed-abstract"
    label = "PubMed abstract (text) export"

    def sniff(self, text: str) -> float:
        """Sure when numbered citation paragraphs come with "PMID: n" identifier lines."""
        head = text[:50000]
        if not re.search(r"(?m)^PMID: ?\d", head):
            return 0.0
        headers = sum(
            1 for p in _paragraphs(lines_with_numbers(head)) if _abstract_header(p) is not None
        )
        if not headers:
            return 0.0
        marker = "Author information:" in head or "[Indexed for MEDLINE]" in head
        return 0.95 if marker else 0.7

    def read(self, text: str) -> ParseResult:
        """Group paragraphs from one numbered citation to the next."""
        paragraphs = _paragraphs(lines_with_numbers(text))
        groups: list[tuple[Citation, list[_Paragraph]]] = []
        skipped: list[Diagnostic] = []
        for paragraph in paragraphs:
            citation = _abstract_header(paragraph)
            if citation is not None:
                groups.append((citation, [paragraph]))
            elif groups:
                groups[-1][1].append(paragraph)
            else:
                skipped.append(
                    Diagnostic(
                        "text before the first citation; skipped", paragraph.first, Severity.INFO
                    )
                )
        raw_lines = text.splitlines()
        entries = [_read_abstract_entry(c, group, raw_lines) for c, group in groups]
        if not entries:
            raise FormatError("no PubMed abstract records found (each starts '1. Journal. Year…')")
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


def _read_abstract_entry(
    citation: Citation, group: list[_Paragraph], raw_lines: Sequence[str]
) -> ParsedEntry:
    body = group[1:]
    title = ""
    authors_text = ""
    index = 0
    # Title, then authors ("Repper J(1), Watson E(2)."), then affiliations.
    if index < len(body) and not _ID_BLOCK.match(body[index].text):
        title = body[index].text
        index += 1
    if index < len(body) and looks_like_pubmed_authors(_AFFILIATION_MARK.sub("", body[index].text)):
        authors_text = body[index].text
        index += 1
    abstract_parts: list[str] = []
    keywords: tuple[str, ...] = ()
    pmid = pmcid = doi = ""
    in_abstract = True
    for paragraph in body[index:]:
        text = paragraph.text
        if text.startswith("Author information:"):
            continue
        if text.startswith("Keywords:"):
            keywords = tuple(k.strip() for k in text[9:].rstrip(".").split(";") if k.strip())
            in_abstract = False
            continue
        if _AFTER_ABSTRACT.match(text) or _ID_BLOCK.match(text):
            in_abstract = False
        for _, line in paragraph.lines:
            stripped = line.strip()
            if stripped.startswith("PMID:"):
                pmid = (
                    re.sub(r"\D", " ", stripped[5:]).split()[0]
                    if re.search(r"\d", stripped)
                    else ""
                )
            elif stripped.startswith("PMCID:"):
                pmcid = normalise_pmcid(stripped)
            elif stripped.startswith("DOI:"):
                doi = normalise_doi(stripped[4:])
        if in_abstract:
            abstract_parts.append(text)
    sections: list[AbstractSection] = []
    for part in abstract_parts:
        sections.extend(split_structured_abstract(part))
    creators, truncated = parse_pubmed_authors(authors_text)
    reference = _reference_from(
        citation,
        title=clean_title(title),
        creators=creators,
        pmid=pmid,
        pmcid=pmcid,
        doi=doi,
        abstract=tuple(sections),
        keywords=keywords,
        truncated_authors=truncated,
    )
    first, last = group[0].first, group[-1].last
    raw = "\n".join(raw_lines[first - 1 : last])
    warnings = _common_warnings(reference, citation, first)
    if not pmid:
        warnings.append(Diagnostic("no PMID line in this record", last))
    return ParsedEntry(
        reference=reference,
        raw_text=raw,
        first_line=first,
        last_line=last,
        warnings=tuple(warnings),
    )


READERS = (PubMedPageReader(), PubMedSummaryReader(), PubMedAbstractReader())
