"""RefWorks tagged exports ("RefWorks Tagged Format"): "RT Journal Article", "A1 …", "T1 …".

A record starts at its ``RT`` line (the reference type) and runs to the next one; each
line is a tag of two characters (``PMID``, ``PMCID`` and ``U10``–``U15`` are longer), a
space and the value, and lines that are not tag lines continue the value above. A file
may open with RefWorks' own header and tag legend ("RefWorks Export Tagged Format …
BEGIN EXPORTED REFERENCES"), which is skipped. The tags mean the same in every record
but a few, whose meaning is the reference type's (as RefWorks documents and Zotero reads
them): ``T2`` is a chapter's book, a journal article's journal and a book's series;
``A2`` names editors (a book's series editors, kept in extra); ``A3`` a book's editors;
``A4`` translators; ``SP`` alone is a thesis's or book's page count; ``OP`` is the last
page, or the page count when ``SP`` is already a range. ``YR`` is the year and ``FD`` the
rest of the date ("Feb", "01/15"). ``NO`` is the record's note; ``DB`` the database it
came from ("database" in extra). Everything else is kept in extra as "refworks:XX".
"""

from __future__ import annotations

import re

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_doi, normalise_pmcid, normalise_pmid
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.core.names import parse_name
from peerref.formats._export_fields import abstract_sections
from peerref.formats._fields import (
    collapse_spaces,
    is_whole_doi,
    join_pages,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._tagged import (
    TaggedRecord,
    TagSyntax,
    join_paragraphs,
    read_block,
    split_blocks,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "refworks"
LABEL = "RefWorks tagged export"

# The tags RefWorks documents; a line starting with anything else continues the value
# above (an abstract line "US veterans …" is not a tag).
KNOWN_TAGS = frozenset(
    {"RT", "SR", "ID", "A1", "A2", "A3", "A4", "A5", "A6", "T1", "T2", "T3", "JF", "JO"}
    | {"YR", "FD", "VO", "IS", "SP", "OP", "K1", "AB", "NO", "ED", "PB", "PP", "SN", "AV"}
    | {"AD", "AN", "LA", "CL", "SF", "OT", "LK", "DO", "CN", "DB", "DS", "IP", "RD", "ST"}
    | {"UL", "SL", "LL", "CR", "WT", "WV", "WP", "OL", "PMID", "PMCID"}
    | {f"U{n}" for n in range(1, 16)}
)
_TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,4})(?: (?P<value>.*)|\s*)$")
_SYNTAX = TagSyntax(
    tag_line=re.compile(
        r"^(?P<tag>" + "|".join(sorted(KNOWN_TAGS, key=len, reverse=True)) + r")"
        r"(?: (?P<value>.*)|[ \t]*)$"
    ),
    is_continuation=lambda line: True,
    join=lambda _tag, value, line: join_paragraphs(value, line),
)
_HEADER = re.compile(r"^\s*RefWorks Export Tagged Format\b", re.IGNORECASE)

# RT → reference type. Types not here become OTHER, with the RT kept in extra.
RT_TYPES: dict[str, ReferenceType] = {
    "journal article": ReferenceType.ARTICLE_JOURNAL,
    "journal, electronic": ReferenceType.ARTICLE_JOURNAL,
    "magazine article": ReferenceType.ARTICLE_JOURNAL,
    "newspaper article": ReferenceType.ARTICLE_JOURNAL,
    "abstract": ReferenceType.ARTICLE_JOURNAL,
    "book, whole": ReferenceType.BOOK,
    "book, edited": ReferenceType.BOOK,
    "monograph": ReferenceType.BOOK,
    "book, section": ReferenceType.CHAPTER,
    "dissertation": ReferenceType.THESIS,
    "dissertation/thesis": ReferenceType.THESIS,
    "dissertation/thesis, unpublished": ReferenceType.THESIS,
    "thesis": ReferenceType.THESIS,
    "thesis, unpublished": ReferenceType.THESIS,
    "conference proceedings": ReferenceType.PAPER_CONFERENCE,
    "conference paper": ReferenceType.PAPER_CONFERENCE,
    "report": ReferenceType.REPORT,
    "grant": ReferenceType.REPORT,
    "web page": ReferenceType.WEBPAGE,
    "online discussion forum": ReferenceType.WEBPAGE,
    "online discussion forum/blogs": ReferenceType.WEBPAGE,
    "data": ReferenceType.DATASET,
    "dataset": ReferenceType.DATASET,
    "generic": ReferenceType.OTHER,
    "unpublished material": ReferenceType.OTHER,
}
_SERIAL = frozenset({ReferenceType.ARTICLE_JOURNAL})


def _type(rt: str) -> ReferenceType:
    return RT_TYPES.get(collapse_spaces(rt).casefold(), ReferenceType.OTHER)


def _date(year_text: str, free_form: str) -> tuple[PartialDate, bool, bool]:
    """YR with FD ("2002" + "Feb", "2003" + "01/01"): the date, and whether each was read."""
    year_text, free_form = collapse_spaces(year_text), collapse_spaces(free_form)
    parts = [p for p in re.split(r"\s*/\s*", year_text) if p]
    year = int(parts[0]) if parts and re.fullmatch(r"\d{4}", parts[0]) else None
    if year is None:
        whole = parse_date(free_form) if free_form else None
        if whole is not None:
            return whole, not year_text, True
        found = find_year(year_text)
        return PartialDate(year=found), bool(found) and str(found) == year_text, False
    date = PartialDate(year=year)
    if len(parts) > 1 and all(p.isdigit() for p in parts[1:3]):  # "2002/02/15", RIS-style
        month = int(parts[1]) if 1 <= int(parts[1]) <= 12 else None
        day = int(parts[2]) if month and len(parts) > 2 and 1 <= int(parts[2]) <= 31 else None
        date = PartialDate(year=year, month=month, day=day)
    year_read = len(parts) == 1 or date.month is not None
    if not free_form:
        return date, year_read, True
    numeric = re.fullmatch(r"(\d{1,2})(?:\s*/\s*(\d{1,2}))?", free_form)
    if numeric:  # "01/15" is month and day
        month = int(numeric[1])
        day = int(numeric[2]) if numeric[2] else None
        if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            return PartialDate(year=year, month=month, day=day), year_read, True
    with_year = free_form if re.search(r"\b\d{4}\b", free_form) else f"{free_form} {year}"
    parsed = parse_date(with_year) or parse_date(f"{year} {free_form}")
    if parsed is not None and parsed.year == year:
        return parsed, year_read, True
    return date, year_read, False


def _people(record: TaggedRecord, ref_type: ReferenceType, extra: dict[str, str]) -> list[Creator]:
    """A1 authors, A2/A3 editors (by type), A4 translators; others stay for extra."""
    roles: dict[str, CreatorRole] = {"A1": CreatorRole.AUTHOR, "A4": CreatorRole.TRANSLATOR}
    if ref_type is ReferenceType.BOOK:
        roles["A3"] = CreatorRole.EDITOR  # A2 is the series editor: kept in extra
    else:
        roles["A2"] = CreatorRole.EDITOR  # A3 is the series editor: kept in extra
    creators: list[Creator] = []
    for value in record.take_values(*roles):
        for name in value.value.split(";"):
            name = collapse_spaces(name)
            if name:
                creators.append(parse_name(name, roles[value.tag]))
    return creators


def _keywords(record: TaggedRecord) -> tuple[str, ...]:
    keywords: list[str] = []
    seen: set[str] = set()
    for value in record.take("K1"):
        for word in re.split(r"\s*[;\n]\s*", value):
            word = collapse_spaces(word)
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                keywords.append(word)
    return tuple(keywords)


def _pages(record: TaggedRecord, ref_type: ReferenceType) -> str:
    """SP and OP as a range; SP alone for a thesis or book is its page count (extra)."""
    first = collapse_spaces(record.peek_first("SP"))
    other = collapse_spaces(record.peek_first("OP"))
    if ref_type in {ReferenceType.THESIS, ReferenceType.BOOK} and not other:
        return ""  # the number of pages, kept in extra as refworks:SP
    if first and re.search(r"[-–]", first):
        record.take_first("SP")
        return first  # OP is then the page count: left for extra
    record.take_first("SP")
    record.take_first("OP")
    return join_pages(first, other)


def _record_to_reference(record: TaggedRecord) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    rt = record.peek_first("RT")
    ref_type = _type(rt)
    if ref_type is not ReferenceType.OTHER or collapse_spaces(rt).casefold() in RT_TYPES:
        record.take_first("RT")
    title = collapse_spaces(record.take_first("T1"))
    if not title:
        warnings.append(Diagnostic("the record has no title", record.first_line))
    creators = _people(record, ref_type, extra)

    container = collapse_spaces(record.take_first("JF"))
    series = collapse_spaces(record.take_first("T3"))
    secondary = collapse_spaces(record.peek_first("T2"))
    if ref_type is ReferenceType.BOOK:
        if secondary and not series:
            series = collapse_spaces(record.take_first("T2"))
    elif not container and secondary:
        container = collapse_spaces(record.take_first("T2"))
    if ref_type is ReferenceType.WEBPAGE and not container:
        container = collapse_spaces(record.take_first("WT"))

    issued, year_read, free_read = _date(record.peek_first("YR"), record.peek_first("FD"))
    if year_read:
        record.take_first("YR")
    if free_read:
        record.take_first("FD")
    else:
        warnings.append(
            Diagnostic(f"date {record.peek_first('FD')!r} read only in part", record.line_of("FD"))
        )

    issns: list[str] = []
    isbns: list[str] = []
    for value in record.values_of("SN"):
        found_issns, found_isbns, other = split_standard_numbers([value.value])
        value.used = (bool(found_issns) or bool(found_isbns)) and not other
        if not value.used and (found_issns or found_isbns):
            value.used = all(re.fullmatch(r"\(?[A-Za-z]+\)?", word) for word in other)
            if value.used:  # "0727912771 (paperback)": the binding is kept in extra
                extra["refworks:SN"] = collapse_spaces(value.value)
        issns += [i for i in found_issns if i not in issns]
        isbns += [i for i in found_isbns if i not in isbns]
        warnings.extend(
            Diagnostic(m, value.line) for m in standard_number_warnings(found_issns, found_isbns)
        )

    doi = ""
    for value in record.values_of("DO"):
        doi = doi_of_field(value.value)
        if doi:
            value.used = is_whole_doi(value.value, doi)
            break
    notes = [paragraphs_to_abstract_text(n) for n in record.take("NO")]
    if not doi:  # RefWorks puts a DOI it has no tag for in the note ("doi: 10.1086/374030")
        doi = next((normalise_doi(n) for n in notes if re.match(r"^doi:\s*10\.", n, re.I)), "")
    if notes:
        extra["note"] = "\n\n".join(notes)
    database = collapse_spaces(record.take_first("DB"))
    if database:
        extra["database"] = database
    pmid = normalise_pmid(record.peek_first("PMID"))
    if pmid and pmid == record.peek_first("PMID").strip():
        record.take_first("PMID")
    else:
        pmid = ""
    pmcid = normalise_pmcid(record.peek_first("PMCID"))
    if pmcid:
        record.take_first("PMCID")
    url = ""
    for value in record.values_of("UL", "LK"):
        match = re.match(r"\s*(https?://\S+)\s*$", value.value)
        if match:
            url, value.used = match[1], True
            break
    reference = Reference(
        type=ref_type,
        title=title,
        title_short=collapse_spaces(record.take_first("ST")),
        creators=tuple(creators),
        container_title=container,
        container_title_short=collapse_spaces(record.take_first("JO")),
        collection_title=series,
        volume=collapse_spaces(record.take_first("VO")),
        issue=collapse_spaces(record.take_first("IS")),
        page=_pages(record, ref_type),
        issued=issued,
        publisher=collapse_spaces(record.take_first("PB")),
        publisher_place=collapse_spaces(record.take_first("PP")),
        edition=collapse_spaces(record.take_first("ED")),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        language=collapse_spaces(record.take_first("LA")),
        abstract=abstract_sections(" ".join(record.take("AB"))),
        keywords=_keywords(record),
        extra=extra,
    )
    record.keep_leftovers(extra, "refworks", joiner="\n")
    return reference, warnings


class RefWorksReader:
    """Reads RefWorks tagged exports, with or without RefWorks' header and legend."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure at RefWorks' header, or an "RT Type" line followed by RefWorks tags."""
        head = text[:6000].lstrip("\ufeff \r\n")
        if _HEADER.match(head):
            return 1.0
        first = re.search(r"(?m)^RT [A-Z][^\n]*\n((?:[^\n]*\n){1,6})", head + "\n")
        if not first:
            return 0.0
        tags = re.findall(r"(?m)^(SR|ID|A1|T1|JF|YR|K1|AB) \S", first.group(1))
        if len(tags) >= 2:
            return 0.95
        return 0.5 if tags else 0.0

    def read(self, text: str) -> ParseResult:
        """Every record from its RT line on; the header and stray text are reported."""
        lines = text.lstrip("\ufeff").splitlines()
        skipped: list[Diagnostic] = []
        entries: list[ParsedEntry] = []
        blocks = split_blocks(
            lines, lambda line, _current: line.startswith("RT "), blank_line_ends=False
        )
        for block in blocks:
            if not block.lines[0].startswith("RT "):
                if not _HEADER.match(block.lines[0]):
                    skipped.append(
                        Diagnostic(
                            f"text before the first record; skipped: {block.lines[0][:60]}",
                            block.first_line,
                        )
                    )
                else:
                    header = "RefWorks' header and tag legend"
                    skipped.append(Diagnostic(header, block.first_line, Severity.INFO))
                continue
            record, stray = read_block(block, _SYNTAX)
            skipped.extend(
                Diagnostic(f"a line outside any field; skipped: {line[:60]}", number)
                for number, line in stray
            )
            reference, warnings = _record_to_reference(record)
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=block.raw_text,
                    first_line=block.first_line,
                    last_line=block.last_line,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no RefWorks records found (a record starts with an 'RT ' line)")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


READERS = (RefWorksReader(),)
