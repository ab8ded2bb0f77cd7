"""MEDLINE / PubMed ``.nbib`` files: the tagged export PubMed offers as "Save → PubMed".

Each record is a run of lines "TAG - value" (the tag padded to four characters), with
long values continued on lines indented by six spaces, and records separated by blank
lines, each opening with ``PMID-``. Authors come twice: ``FAU`` ("Repper, Julie") and
``AU`` ("Repper J"); the full form wins. The journal comes twice too: ``JT`` (full title)
and ``TA`` (the NLM abbreviation, kept as the short container title).

This module also holds the NLM conventions the PubMed text readers share: abbreviated
page ranges ("205-7" is 205–207), upper-case structured-abstract headings, and the
three-letter language codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import (
    isbn_is_valid,
    issn_is_valid,
    normalise_doi,
    normalise_isbn,
    normalise_issn,
    normalise_pmcid,
    normalise_pmid,
)
from peerref.core.model import (
    KNOWN_ABSTRACT_HEADINGS,
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.core.names import parse_name
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

# The status PubMed's "aheadofprint" and "Online ahead of print." become (CSL ``status``).
AHEAD_OF_PRINT = "ahead-of-print"

_HEADING_LOOKUP = {h.casefold(): h for h in KNOWN_ABSTRACT_HEADINGS}

# MEDLINE writes ISO 639-2/B codes; CSL expects the short BCP 47 form where there is one.
LANGUAGE_CODES: dict[str, str] = {
    "eng": "en",
    "fre": "fr",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "dut": "nl",
    "swe": "sv",
    "nor": "no",
    "dan": "da",
    "fin": "fi",
    "pol": "pl",
    "rus": "ru",
    "jpn": "ja",
    "chi": "zh",
    "kor": "ko",
    "tur": "tr",
    "gre": "el",
    "heb": "he",
    "ara": "ar",
    "cze": "cs",
    "hun": "hu",
}

# MEDLINE publication types that decide the reference type; all others are article kinds.
_TYPE_BY_PUBLICATION_TYPE: dict[str, ReferenceType] = {
    "book": ReferenceType.BOOK,
    "book chapter": ReferenceType.CHAPTER,
    "preprint": ReferenceType.PREPRINT,
    "dataset": ReferenceType.DATASET,
    "technical report": ReferenceType.REPORT,
    "congress": ReferenceType.PAPER_CONFERENCE,
    "academic dissertation": ReferenceType.THESIS,
    "webcast": ReferenceType.WEBPAGE,
}

_PAGE_RANGE = re.compile(
    r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)[-–](?P<prefix2>[A-Za-z]*)(?P<last>\d+)$"
)
# An upper-case heading such as "BACKGROUND:" or "METHODS AND RESULTS:" opening a section.
_INLINE_HEADING = re.compile(r"(?:^|(?<=[.?!)\]] ))(?P<heading>[A-Z][A-Z0-9 ,/&'-]{2,60}): ")
_TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{0,3}) {0,3}-(?: (?P<value>.*))?$")
_CONTINUATION = re.compile(r"^[ \t]+\S")
_ID_KIND = re.compile(r"\[(?P<kind>[a-z]+)\]\s*$")


def expand_nlm_pages(pages: str) -> str:
    """Write NLM's abbreviated page ranges in full: "205-7" → "205-207", "S35-42" → "S35-S42".

    NLM drops the leading digits the last page shares with the first. Ranges that are
    already complete ("512-520"), article numbers ("e15572") and anything unusual are
    returned unchanged, so nothing is ever guessed beyond that rule.
    """
    pages = pages.strip()
    match = _PAGE_RANGE.match(pages)
    if not match:
        return pages
    prefix, first, last = match["prefix"], match["first"], match["last"]
    if match["prefix2"] and match["prefix2"] != prefix:
        return pages
    if len(last) < len(first):
        full_last = first[: len(first) - len(last)] + last
        if int(full_last) > int(first):
            return f"{prefix}{first}-{prefix}{full_last}"
        return pages
    return f"{prefix}{first}-{prefix}{last}" if prefix else pages


def heading_name(raw: str) -> str:
    """ "BACKGROUND" → "Background"; unknown headings are put in sentence case."""
    raw = raw.strip()
    known = _HEADING_LOOKUP.get(raw.casefold())
    if known:
        return known
    return raw[:1].upper() + raw[1:].lower() if raw.isupper() else raw


def split_structured_abstract(text: str) -> tuple[AbstractSection, ...]:
    """Split "BACKGROUND: … METHODS: …" into sections; plain prose stays one section.

    PubMed writes structured abstracts with upper-case labels. Only labels at the start
    or right after the end of a sentence count, so a colon inside a sentence never
    splits it.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    matches = list(_INLINE_HEADING.finditer(text))
    if not matches:
        return (AbstractSection("", text),)
    sections: list[AbstractSection] = []
    if matches[0].start() > 0:
        sections.append(AbstractSection("", text[: matches[0].start()].strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        if body:
            sections.append(AbstractSection(heading_name(match["heading"]), body))
    return tuple(sections)


def clean_title(text: str) -> str:
    """NLM ends every title with a full stop; drop that one, keep "?" and "!"."""
    text = " ".join(text.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text.strip()


def language_code(text: str) -> str:
    """ "eng" → "en"; unknown codes are kept as written."""
    text = text.strip()
    return LANGUAGE_CODES.get(text.casefold(), text)


def date_or_literal(text: str) -> tuple[PartialDate, bool]:
    """Parse an NLM date; when it cannot be read, keep its year and the text as written.

    Returns the date and whether it was read completely.
    """
    text = text.strip()
    if not text:
        return PartialDate(), True
    parsed = parse_date(text)
    if parsed is not None:
        return parsed, True
    # "2019 Jun 1-15", "2020 Jan–": keep what is certain, the year, and the rest verbatim.
    head = parse_date(" ".join(text.split()[:2])) if len(text.split()) > 2 else None
    if head is not None:
        return head, False
    year = find_year(text)
    return PartialDate(year=year, literal="" if year else text), False


@dataclass
class _Field:
    tag: str
    value: str
    line: int


@dataclass
class _Record:
    fields: list[_Field] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0


def _values(record: _Record, tag: str) -> list[str]:
    return [f.value for f in record.fields if f.tag == tag and f.value]


def _first(record: _Record, tag: str) -> str:
    values = _values(record, tag)
    return values[0] if values else ""


def _line_of(record: _Record, tag: str) -> int:
    for f in record.fields:
        if f.tag == tag:
            return f.line
    return record.first_line


class MedlineReader:
    """MEDLINE/.nbib records (PubMed's "Save → PubMed format")."""

    name = "medline"
    label = "MEDLINE / PubMed .nbib file"

    def sniff(self, text: str) -> float:
        """Sure when a line opens with "PMID- " and other MEDLINE tags follow."""
        head = text[:20000]
        if not re.search(r"(?m)^PMID- ?\d", head):
            return 0.0
        if re.search(r"(?m)^TY  - ", head):  # RIS also pads tags to four characters
            return 0.3
        tags = len(re.findall(r"(?m)^(?:TI|FAU|AU|DP|SO|JT|TA)\s*- ", head))
        return 0.95 if tags else 0.6

    def read(self, text: str) -> ParseResult:
        """Read every record; lines that are neither tags nor continuations are reported."""
        records, skipped = _split_records(text)
        if not any(_first(record, "PMID") for record in records):
            raise FormatError("no MEDLINE records found (a record starts with a 'PMID- ' line)")
        lines = text.splitlines()
        entries: list[ParsedEntry] = []
        for record in records:
            reference, warnings = _record_to_reference(record)
            raw = "\n".join(lines[record.first_line - 1 : record.last_line])
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=raw,
                    first_line=record.first_line,
                    last_line=record.last_line,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no MEDLINE records found (a record starts with a 'PMID- ' line)")
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


def _split_records(text: str) -> tuple[list[_Record], list[Diagnostic]]:
    records: list[_Record] = []
    skipped: list[Diagnostic] = []
    current: _Record | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.replace("\ufeff", "").rstrip()
        if not line.strip():
            current = None
            continue
        match = _TAG_LINE.match(line)
        if match:
            tag = match["tag"]
            value = (match["value"] or "").strip()
            if current is None or (tag == "PMID" and any(f.tag == "PMID" for f in current.fields)):
                current = _Record(first_line=number)
                records.append(current)
            current.fields.append(_Field(tag, value, number))
            current.last_line = number
        elif current is not None and current.fields and _CONTINUATION.match(line):
            last = current.fields[-1]
            last.value = f"{last.value} {line.strip()}".strip()
            current.last_line = number
        else:
            skipped.append(Diagnostic("not a MEDLINE tag line; skipped", number, Severity.INFO))
    return [r for r in records if r.fields], skipped


def _creators(record: _Record) -> list[Creator]:
    """Authors (FAU preferred over AU), corporate authors and editors, in file order."""
    people: list[tuple[CreatorRole, str, str]] = []  # (role, full form, short form)
    full_tags = {"FAU": CreatorRole.AUTHOR, "FED": CreatorRole.EDITOR}
    short_tags = {"AU": CreatorRole.AUTHOR, "ED": CreatorRole.EDITOR}
    creators: list[Creator | None] = []
    for f in record.fields:
        if f.tag in full_tags:
            people.append((full_tags[f.tag], f.value, ""))
            creators.append(None)
        elif f.tag in short_tags:
            role = short_tags[f.tag]
            if people and people[-1][0] is role and people[-1][1] and not people[-1][2]:
                people[-1] = (role, people[-1][1], f.value)
            else:
                people.append((role, "", f.value))
                creators.append(None)
        elif f.tag == "CN" and f.value:
            people.append((CreatorRole.AUTHOR, "", ""))
            creators.append(Creator(literal=f.value))
    result: list[Creator] = []
    for (role, full, short), ready in zip(people, creators, strict=True):
        if ready is not None:
            result.append(ready)
        elif full or short:
            result.append(parse_name(full or short, role))
    return result


def _issns(record: _Record, warnings: list[Diagnostic]) -> tuple[str, ...]:
    found: list[str] = []
    for f in record.fields:
        if f.tag != "IS":
            continue
        issn = normalise_issn(f.value)
        if not issn:
            warnings.append(Diagnostic(f"unreadable ISSN {f.value!r} kept out", f.line))
            continue
        if not issn_is_valid(issn):
            warnings.append(Diagnostic(f"ISSN {issn} has a wrong check digit", f.line))
        if issn not in found:
            found.append(issn)
    return tuple(found)


def _isbns(record: _Record, warnings: list[Diagnostic]) -> tuple[str, ...]:
    found: list[str] = []
    for f in record.fields:
        if f.tag != "ISBN":
            continue
        isbn = normalise_isbn(f.value)
        if not isbn:
            continue
        if not isbn_is_valid(isbn):
            warnings.append(Diagnostic(f"ISBN {isbn} has a wrong check digit", f.line))
        if isbn not in found:
            found.append(isbn)
    return tuple(found)


def _doi(record: _Record) -> str:
    for tag in ("LID", "AID"):
        for value in _values(record, tag):
            kind = _ID_KIND.search(value)
            if kind and kind["kind"] == "doi":
                doi = normalise_doi(value[: kind.start()])
                if doi:
                    return doi
    return ""


def _keywords(record: _Record) -> tuple[str, ...]:
    keywords: list[str] = []
    seen: set[str] = set()
    for f in record.fields:
        if f.tag not in {"OT", "MH"} or not f.value:
            continue
        keyword = f.value.replace("*", "").strip()
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return tuple(keywords)


def reference_type_for(publication_types: Iterable[str], *, has_book_title: bool) -> ReferenceType:
    """The reference type named by MEDLINE publication types (PT) or implied by a book title."""
    for publication_type in publication_types:
        mapped = _TYPE_BY_PUBLICATION_TYPE.get(publication_type.casefold())
        if mapped is not None:
            return mapped
    return ReferenceType.CHAPTER if has_book_title else ReferenceType.ARTICLE_JOURNAL


def _record_to_reference(record: _Record) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    title = clean_title(_first(record, "TI"))
    book_title = clean_title(_first(record, "BTI"))
    publication_types = _values(record, "PT")
    ref_type = reference_type_for(publication_types, has_book_title=bool(book_title and title))
    container = _first(record, "JT")
    container_short = _first(record, "TA")
    if not title and book_title:
        title, ref_type = book_title, ReferenceType.BOOK
    elif book_title:
        container, ref_type = book_title, ReferenceType.CHAPTER
    elif not container:
        container = container_short
    issued, complete = date_or_literal(_first(record, "DP"))
    if not complete:
        warnings.append(
            Diagnostic(f"date {_first(record, 'DP')!r} read only in part", _line_of(record, "DP"))
        )
    if not title:
        warnings.append(Diagnostic("the record has no title", record.first_line))
    abstract = split_structured_abstract(" ".join(_values(record, "AB")))
    is_book = ref_type in {ReferenceType.BOOK, ReferenceType.CHAPTER}
    status = AHEAD_OF_PRINT if _first(record, "PST").casefold() == "aheadofprint" else ""
    extra: dict[str, str] = {}
    if publication_types:
        extra["medline:PT"] = "; ".join(publication_types)
    pmid = normalise_pmid(_first(record, "PMID"))
    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(_creators(record)),
        container_title=container,
        container_title_short=container_short,
        collection_title=clean_title(_first(record, "CTI")),
        volume=_first(record, "VI"),
        issue=_first(record, "IP"),
        page=expand_nlm_pages(_first(record, "PG")),
        issued=issued,
        status=status,
        publisher=_first(record, "PB") if is_book else "",
        publisher_place=_first(record, "PL") if is_book else "",
        edition=_first(record, "EN"),
        issn=_issns(record, warnings),
        isbn=_isbns(record, warnings),
        doi=_doi(record),
        pmid=pmid,
        pmcid=normalise_pmcid(_first(record, "PMC")),
        language=language_code(_first(record, "LA")),
        abstract=abstract,
        keywords=_keywords(record),
        extra=extra,
    )
    return reference, warnings


def lines_with_numbers(text: str) -> Sequence[tuple[int, str]]:
    """The input's lines with their 1-based numbers, spaces normalised for matching."""
    return [
        (number, line.replace("\u00a0", " ").replace("\ufeff", "").rstrip())
        for number, line in enumerate(text.splitlines(), start=1)
    ]


READERS = (MedlineReader(),)
