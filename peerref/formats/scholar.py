"""Google Scholar results copied as text.

A result is: an optional full-text link line ("[PDF] nih.gov"), the title (possibly
prefixed "[BOOK][B]" or "[CITATION][C]"), the byline "CN Okafor, JA van der Berg… -
Psychiatric Services, 2019 - Am Psychiatric Assoc", a snippet, and the action line
"Save Cite Cited by 214 Related articles All 9 versions" that ends it.

Scholar cuts long author lists and long venue names with "…". What was cut is not
known, so the reference says so (``Reference.truncated``) and the entry carries a
warning; the venue is kept exactly as shown, ellipsis included, rather than passed off
as a complete journal name. The snippet is a preview and is not kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from peerref.core.errors import FormatError
from peerref.core.model import Creator, PartialDate, Reference, ReferenceType
from peerref.core.names import LOWER_PARTICLES, parse_name
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

_ACTION_TOKEN = (
    r"(?:☆|★|❞|Save|Saved|Cite|Cited by \d[\d,]*|Related articles|All \d[\d,]* versions|"
    r"Import into [A-Za-z]+|Library Search|View as HTML|Web of Science: \d+|More|Fewer|"
    r"Full View|Translate this page)"
)
_ACTION_LINE = re.compile(rf"^(?:{_ACTION_TOKEN}\s*)+$")
_CITED_BY = re.compile(r"Cited by (\d[\d,]*)")
_LINK_LINE = re.compile(r"^\[(?P<kind>PDF|HTML|DOC|PS|DOCX)\] (?P<host>\S+)$")
_TITLE_TAGS = re.compile(r"^(?P<tags>(?:\[[A-Z]+\]\s*)+)")
_YEAR_AT_END = re.compile(r"(?:^|, )(?P<year>(?:1[5-9]|20)\d\d)$")
# One byline name: "CN Okafor", "JA van der Berg", "L Reyes-García", "Y Chen…".
_SCHOLAR_NAME = re.compile(
    r"^(?:[A-Z]{1,4} )?[^\W\d_][^\s,]*(?: [^\W\d_][^\s,]*){0,3}(?:…|\.\.\.)?$"
)
_INITIALS = re.compile(r"^[A-Z]{1,4}$")
_ELLIPSIS = ("…", "...")
_PREPRINT_VENUE = re.compile(r"\b(?:preprint|arXiv|bioRxiv|medRxiv|PsyArXiv|SSRN)\b", re.I)
_CHROME = re.compile(
    r"^(?:Articles|Case law|Profiles|Scholar|My profile|My library|Any time|Since \d{4}|"
    r"Custom range\.*|Sort by relevance|Sort by date|Any type|Review articles|"
    r"include patents|include citations|Create alert|Search|Previous|Next|"
    r"About [\d,]+ results.*|[\d,]+ results.*|Showing the best result.*|See all results|"
    r"Did you mean:.*|Related searches|(?:Previous )?(?:\d{1,3} ){1,10}Next|"
    r"(?:Previous )?(?:\d{1,3} )*\d{1,3}(?: Next)?)$",
    re.IGNORECASE,
)


@dataclass
class _Block:
    lines: list[tuple[int, str]]
    action: tuple[int, str] | None  # the "Save Cite Cited by …" line that closed it


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, " ".join(line.replace("\u00a0", " ").split()))
        for number, line in enumerate(text.splitlines(), start=1)
    ]


def _blocks(lines: Sequence[tuple[int, str]]) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    for number, line in lines:
        if _ACTION_LINE.match(line) and ("Cite" in line or "Related" in line or "version" in line):
            blocks.append(_Block(current, (number, line)))
            current = []
        elif line:
            current.append((number, line))
    if current:
        blocks.append(_Block(current, None))
    return blocks


@dataclass
class Byline:
    """The parts of "Authors - Venue, Year - Host"."""

    authors: str
    venue: str
    year: str
    host: str


def _looks_like_name(name: str) -> bool:
    """ "CN Okafor", "JA van der Berg", "Y Chen…": capitalised words, particles allowed."""
    if not _SCHOLAR_NAME.match(name):
        return False
    words = name.rstrip(".…").split(" ")
    return all(w[:1].isupper() or w in LOWER_PARTICLES for w in words)


def parse_byline(line: str) -> Byline | None:
    """Split a Scholar byline; None when ``line`` does not look like one."""
    parts = [p.strip() for p in line.split(" - ")]
    if len(parts) < 2 or not parts[0]:
        return None
    authors = parts[0]
    names = [n.strip() for n in authors.split(",")]
    named = all(_looks_like_name(n) for n in names if n)
    if len(parts) == 2:
        second = parts[1]
        year_match = _YEAR_AT_END.search(second)
        if year_match:
            venue, year, host = second[: year_match.start()].strip(), year_match["year"], ""
        else:
            venue, year, host = "", "", second
    else:
        middle, host = " - ".join(parts[1:-1]), parts[-1]
        year_match = _YEAR_AT_END.search(middle)
        if year_match:
            venue, year = middle[: year_match.start()].strip(), year_match["year"]
        else:
            venue, year = middle, ""
    if not named and not (year and len(parts) >= 3):
        return None
    if not named and not year:
        return None
    return Byline(authors=authors, venue=venue.strip(" ,"), year=year, host=host)


def scholar_creators(text: str) -> tuple[tuple[Creator, ...], bool]:
    """ "CN Okafor, JA van der Berg, Y Chen…" → creators, and whether the list was cut."""
    truncated = False
    creators: list[Creator] = []
    for raw in text.split(","):
        name = raw.strip()
        for marker in _ELLIPSIS:
            if name.endswith(marker):
                name, truncated = name[: -len(marker)].strip(), True
        if not name:
            continue
        tokens = name.split(" ")
        if len(tokens) >= 2 and _INITIALS.match(tokens[0]):
            # Scholar writes initials first; PubMed's order lets the name parser see them.
            creators.append(parse_name(f"{' '.join(tokens[1:])} {tokens[0]}"))
        else:
            creators.append(parse_name(name))
    return tuple(creators), truncated


class ScholarReader:
    """Google Scholar result lists, copied from the browser as text."""

    name = "scholar"
    label = "Google Scholar results page"

    def sniff(self, text: str) -> float:
        """Sure when action lines ("Cited by", "Related articles") follow Scholar bylines."""
        lines = _lines(text[:50000])
        actions = sum(
            1
            for _, line in lines
            if _ACTION_LINE.match(line) and ("Cite" in line or "Related" in line)
        )
        bylines = sum(1 for _, line in lines if " - " in line and parse_byline(line) is not None)
        if actions and bylines:
            return 0.9
        if bylines >= 2 and any(_LINK_LINE.match(line) for _, line in lines):
            return 0.6
        return 0.0

    def read(self, text: str) -> ParseResult:
        """One result per action line; a last result without one is read too."""
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        raw_lines = text.splitlines()
        for block in _blocks(_lines(text)):
            entry = _read_block(block, raw_lines, skipped)
            if entry is not None:
                entries.append(entry)
        if not entries:
            raise FormatError(
                "no Google Scholar results found (a result has a byline "
                "'Authors - Venue, Year - Host')"
            )
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


def _read_block(
    block: _Block, raw_lines: Sequence[str], skipped: list[Diagnostic]
) -> ParsedEntry | None:
    lines = block.lines
    byline_index = next(
        (i for i, (_, line) in enumerate(lines) if i > 0 and parse_byline(line) is not None), None
    )
    if byline_index is None:
        for number, line in lines:
            if not _CHROME.match(line):
                skipped.append(
                    Diagnostic("not part of a Scholar result; skipped", number, Severity.INFO)
                )
        return None
    title_index = byline_index - 1
    link_index = (
        title_index - 1 if title_index > 0 and _LINK_LINE.match(lines[title_index - 1][1]) else None
    )
    start_index = link_index if link_index is not None else title_index
    for number, line in lines[:start_index]:
        if not _CHROME.match(line):
            skipped.append(
                Diagnostic("not part of a Scholar result; skipped", number, Severity.INFO)
            )
    byline = parse_byline(lines[byline_index][1])
    if byline is None:  # pragma: no cover - found by the same test above
        return None
    title = lines[title_index][1]
    tags_match = _TITLE_TAGS.match(title)
    tags = tags_match["tags"] if tags_match else ""
    title = title[len(tags) :].strip() if tags else title
    first_line = lines[start_index][0]
    last_line = block.action[0] if block.action else lines[-1][0]
    warnings: list[Diagnostic] = []
    truncated: set[str] = set()
    creators, authors_cut = scholar_creators(byline.authors)
    byline_line = lines[byline_index][0]
    if authors_cut:
        truncated.add("author")
        warnings.append(Diagnostic("Scholar cut the author list short (…)", byline_line))
    ref_type = ReferenceType.ARTICLE_JOURNAL
    if "[BOOK]" in tags or "[B]" in tags:
        ref_type = ReferenceType.BOOK
    elif _PREPRINT_VENUE.search(byline.venue):
        ref_type = ReferenceType.PREPRINT
    extra: dict[str, str] = {}
    container = byline.venue
    if container.startswith(_ELLIPSIS) or container.endswith(_ELLIPSIS):
        truncated.add("container-title")
        warnings.append(Diagnostic("Scholar cut the venue name short (…)", byline_line))
    if ref_type is ReferenceType.BOOK and container:
        extra["scholar-venue"], container = container, ""
    if byline.host:
        extra["scholar-host"] = byline.host
    if link_index is not None:
        extra["scholar-full-text"] = lines[link_index][1]
    if block.action:
        cited = _CITED_BY.search(block.action[1])
        if cited:
            extra["scholar-cited-by"] = cited.group(1).replace(",", "")
    if "[CITATION]" in tags or "[C]" in tags:
        extra["scholar-kind"] = "citation"
    if not byline.year:
        warnings.append(Diagnostic("no year in the byline", byline_line))
    reference = Reference(
        type=ref_type,
        title=title,
        creators=creators,
        container_title=container,
        issued=PartialDate(year=int(byline.year)) if byline.year else PartialDate(),
        extra=extra,
        truncated=frozenset(truncated),
    )
    raw = "\n".join(raw_lines[first_line - 1 : last_line])
    return ParsedEntry(
        reference=reference,
        raw_text=raw,
        first_line=first_line,
        last_line=last_line,
        warnings=tuple(warnings),
    )


READERS = (ScholarReader(),)
