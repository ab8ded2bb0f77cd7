"""RIS: the tagged format every database and reference manager exports.

Reading is done record by record with the shared tagged-file helper (``_tagged``), so
each entry keeps its raw text and line numbers and every value no field takes is kept in
``extra`` as "ris:XX" (a second ``SN``, a second journal title, an access date). What real
exports do differently from the specification is smoothed on the way:

- a byte-order mark before the first ``TY``;
- tag lines written with one space ("TY - JOUR") instead of two;
- untagged continuation lines: wrapped text is joined to the line above, blank lines in
  abstracts and notes are paragraph breaks, and under ``KW`` each line is a keyword
  (EndNote writes a keyword field of several lines that way);
- dates with month names ("2015/october") as well as numbers;
- Emerald numbers its authors ``A1``, ``A2``, ``A3`` … one per tag, where the
  specification reads ``A2`` as editors and ``A4`` as translators. A record whose
  numbered tags go past ``A4``, or that comes from Emerald (a 10.1108 DOI, an emerald.com
  link or publisher) with one name per numbered tag, is read as one ordered author list.

What ``A2``, ``A3``, ``A4``, ``T2``, ``T3``, ``C1``, ``M1`` … hold depends on the record's
type (a book's ``A2`` is its series editor, a report's ``T2`` its series): the table of
``_ris_types`` says it per type, as the RIS specification and Zotero do. ProCite's field
notes, EBSCOhost's and the Cochrane Library's habits are read by ``_ris_dialects``; the
result's label names EBSCOhost (and its databases) or the Cochrane Library when every
record comes from there.

The writer emits plain RIS (no "1." counters before records, unlike rispy's default),
each field under the tag its type reads it from (a book's editors in ``A3``, a report's
series in ``T2``), and carries: type, title, short title, authors, editors, translators,
container title and its abbreviation, series, volume, issue, pages, date, publisher and
place, edition, ISSN/ISBN, DOI, URL, language, abstract, keywords followed by the library
tags (``KW``, as Zotero exports tags), and PMID, PMCID, status, the reference's note and
its library notes as ``N1`` lines that the reader recognises. Other ``extra`` values (what
the source it was read from recorded, such as Emerald's article type) are not exported.

A structured abstract is written one section per line ("Purpose: …" then
"Design/methodology/approach: …") with no blank line inside ``AB``: several RIS readers
end a field, or a record, at a blank line. Our reader starts a new section at a
continuation line that opens with a known heading, so the sections come back; untitled
paragraphs of an abstract come back as one paragraph. A multi-line note is one ``N1``
with its lines as continuation lines, as rispy writes it; on reading, a single line
break inside a paragraph becomes a space (as it does in markdown) and blank lines are kept.

No value can end its field or its record: every field but the abstract and notes is
written on one line, and a continuation line that a reader could take for a tag line (a
note's "ER  - " or "TY  - JOUR" line) is indented by a space, which readers drop. Control
characters are left out (``core.limits``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rispy

from peerref.core.dates import MONTHS, SEASONS, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_doi
from peerref.core.limits import strip_control_characters
from peerref.core.model import (
    KNOWN_ABSTRACT_HEADINGS,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
    abstract_from_text,
)
from peerref.core.names import parse_name
from peerref.formats._fields import (
    collapse_spaces,
    hyphenated_range,
    is_whole_doi,
    join_pages,
    last_page_is_kept,
    paragraphs_to_abstract_text,
    split_pages,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._ris_dialects import (
    COCHRANE,
    EBSCO,
    WILEY_HEADER,
    cross_reference_pmid,
    database_names,
    dialect_of,
    ebsco_abstract,
    retag_procite,
    review_number,
    take_ebsco_notes,
    without_final_full_stop,
)
from peerref.formats._ris_types import RIS_TYPE_TABLE, RisType
from peerref.formats._tagged import (
    TaggedRecord,
    TagSyntax,
    TagValue,
    continued_lines,
    join_wrapped,
    one_line,
    read_fields,
)
from peerref.formats.base import (
    Diagnostic,
    ExportNotes,
    ParsedEntry,
    ParseResult,
    keywords_for_export,
    notes_for_export,
)

NAME = "ris"
LABEL = "RIS file (EndNote, Zotero, databases)"

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,3}-(?:[ \t](.*)|[ \t]*)$")
_BOM = "\ufeff"

# RIS type -> our type, from the table of what each RIS type's tags mean (``_ris_types``).
# Anything else becomes OTHER, with the original kept in extra.
RIS_TYPES: dict[str, ReferenceType] = {code: t.type for code, t in RIS_TYPE_TABLE.items()}
# What an unknown type's tags are read as: the specification's generic type.
_UNKNOWN_TYPE = RisType("document")
_TYPE_TO_RIS: dict[ReferenceType, str] = {
    ReferenceType.ARTICLE_JOURNAL: "JOUR",
    ReferenceType.CHAPTER: "CHAP",
    ReferenceType.BOOK: "BOOK",
    ReferenceType.PAPER_CONFERENCE: "CPAPER",
    ReferenceType.REPORT: "RPRT",
    ReferenceType.THESIS: "THES",
    ReferenceType.PREPRINT: "UNPB",
    ReferenceType.WEBPAGE: "ELEC",
    ReferenceType.DATASET: "DATA",
    ReferenceType.OTHER: "GEN",
}
# A type beyond the ten (a magazine article, a patent): the first RIS type that is it.
_CSL_TO_RIS: dict[str, str] = {
    meaning.csl: code for code, meaning in reversed(list(RIS_TYPE_TABLE.items()))
}

# Tags whose continuation lines and blank lines are paragraphs, not wrapping.
_PARAGRAPH_TAGS = frozenset({"AB", "N2", "N1"})
# Abstract tags in which a line opening with a section heading starts a new section.
_ABSTRACT_TAGS = frozenset({"AB", "N2"})
_SECTION_START = re.compile(
    "^(?:" + "|".join(re.escape(heading) for heading in KNOWN_ABSTRACT_HEADINGS) + "): "
)
_NUMBERED_AUTHOR = re.compile(r"^A(\d+)$")
# N1 lines the writer uses for values RIS has no tag for.
_NOTE_FIELD = re.compile(r"^(PMID|PMCID|Status):\s*(\S.*)$")
_AHEAD_OF_PRINT = re.compile(r"^(ahead[- ]of[- ]print|in press|early view|online first)$", re.I)
_DOI_LINK = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:)", re.I)


# ---------------------------------------------------------------- reading


def _join_ris(tag: str, value: str, line: str) -> str:
    """Continuation lines: paragraphs in abstracts and notes, wrapping everywhere else."""
    text = line.strip()
    if tag in _ABSTRACT_TAGS and _SECTION_START.match(text):
        return value + "\n\n" + text  # one section per line, as our writer puts them
    if tag in _PARAGRAPH_TAGS:
        return value + "\n" + text
    return join_wrapped(value, text)


# Any line under a tag continues it (RIS has no indentation rule). Keywords are the
# exception: EndNote writes a keyword field of several lines as one KW and the lines
# below it, one keyword each, so a continuation there is the next keyword (as Zotero reads).
_SYNTAX = TagSyntax(
    tag_line=re.compile(r"^(?P<tag>[A-Z][A-Z0-9])[ \t]{1,3}-(?:[ \t](?P<value>.*)|[ \t]*)$"),
    is_continuation=lambda line: True,
    list_tags=frozenset({"KW"}),
    join=_join_ris,
)


@dataclass
class _Record:
    """One record's tag values and where it sits in the input."""

    fields: TaggedRecord
    raw: str
    first_line: int
    last_line: int


def _split_records(text: str) -> tuple[list[_Record], list[Diagnostic]]:
    lines = text.split("\n")
    records: list[_Record] = []
    skipped: list[Diagnostic] = []
    current: list[str] | None = None
    start = 0
    for index, line in enumerate(lines):
        match = _TAG_LINE.match(line.rstrip("\r"))
        tag = match.group(1) if match else None
        if tag == "TY":
            if current is not None:
                skipped.append(Diagnostic("record without an ER line; read up to here", start + 1))
                records.append(_make_record(current, start))
            current, start = [line], index
        elif current is not None:
            current.append(line)
            if tag == "ER":
                records.append(_make_record(current, start))
                current = None
        elif (
            line.strip() and not re.fullmatch(r"\s*\d+\.\s*", line) and not WILEY_HEADER.match(line)
        ):
            skipped.append(
                Diagnostic(f"text outside any record skipped: {line.strip()[:60]}", index + 1)
            )
    if current is not None:
        skipped.append(Diagnostic("the last record has no ER line", start + 1))
        records.append(_make_record(current, start))
    return records, skipped


def _make_record(raw_lines: list[str], start: int) -> _Record:
    while raw_lines and not raw_lines[-1].strip():
        raw_lines = raw_lines[:-1]
    found = read_fields(raw_lines, start + 1, _SYNTAX)
    for value in found.values:
        if value.tag in _PARAGRAPH_TAGS:
            value.value = paragraphs_to_abstract_text(value.value)
        else:
            value.value = value.value.strip()
    retag_procite(found.values)
    return _Record(
        fields=TaggedRecord(found.values, start + 1, start + len(raw_lines)),
        raw="\n".join(line.rstrip("\r") for line in raw_lines),
        first_line=start + 1,
        last_line=start + len(raw_lines),
    )


def _is_emerald(record: TaggedRecord) -> bool:
    doi = record.peek_first("DO")
    urls = " ".join(record.peek("UR"))
    publisher = record.peek_first("PB")
    return (
        doi.startswith("10.1108/")
        or "emerald" in urls.casefold()
        or "emerald" in publisher.casefold()
        or any("emerald" in value.casefold() for value in record.peek("DB", "DP"))
    )


def _numbered_authors(record: TaggedRecord, emerald: bool) -> list[TagValue] | None:
    """Emerald's A1…An authors in order, or None when the record uses the standard meaning."""
    numbered = [(int(m.group(1)), v) for v in record.values if (m := _NUMBERED_AUTHOR.match(v.tag))]
    if not numbered or record.has("AU"):
        return None
    numbers = [n for n, _ in numbered]
    one_each = len(set(numbers)) == len(numbers)
    beyond_four = max(numbers) > 4
    if beyond_four or (emerald and one_each and len(numbers) > 1):
        return [v for _, v in sorted(numbered, key=lambda pair: pair[0]) if v.value.strip()]
    return None


def _ris_date(text: str) -> PartialDate | None:
    """RIS dates: "2012", "2012/06/15", "2012/06//", "2012///Spring", "2015/october" or
    any usual form.
    """
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:/([^/]*)(?:/([^/]*)(?:/(.*))?)?)?", text)
    if match:
        year = int(match.group(1))
        month_text = (match.group(2) or "").strip().rstrip(".")
        day_text = (match.group(3) or "").strip()
        season = (match.group(4) or "").strip()
        month: int | None = None
        if month_text.isdigit():
            month = int(month_text)
        elif month_text.casefold() in MONTHS:
            month = MONTHS[month_text.casefold()]
        elif month_text.casefold() in SEASONS and not season:
            season = month_text
        elif month_text:
            return parse_date(text)  # "2015/Sep-Oct" and other shapes of its own
        day = int(day_text) if day_text.isdigit() and month else None
        if month is not None and not 1 <= month <= 12:
            month = day = None
        if day is not None and not 1 <= day <= 31:
            day = None
        return PartialDate(year=year, month=month, day=day, season=season if not month else "")
    return parse_date(text)


def _precision(date: PartialDate) -> int:
    return len(date.date_parts()) + (1 if date.season else 0)


def _agrees(date: PartialDate, best: PartialDate) -> bool:
    """Whether ``date`` says nothing ``best`` does not: same year, parts a prefix of best's."""
    parts = date.date_parts()
    return parts == best.date_parts()[: len(parts)] and (
        not date.season or date.season == best.season
    )


def _choose_date(record: TaggedRecord, warnings: list[str]) -> PartialDate:
    """The most precise date agreeing with the year; dates saying something else stay.

    Dates that cannot be read, and readable ones that disagree with the chosen one (an
    access date in ``DA``), are not used, so they are kept in extra as "ris:XX".
    """
    parsed: list[tuple[TagValue, PartialDate]] = []
    unreadable: list[TagValue] = []
    for value in record.values_of("PY", "Y1", "DA"):
        date = _ris_date(value.value)
        if date is None or date.year is None:
            unreadable.append(value)
        else:
            parsed.append((value, date))
    if not parsed:
        if unreadable:
            unreadable[0].used = True
            for value in unreadable[1:]:
                warnings.append(f"{value.tag} date {value.value!r} not understood; kept as text")
            return PartialDate(literal=unreadable[0].value)
        return PartialDate()
    for value in unreadable:
        warnings.append(f"{value.tag} date {value.value!r} not understood; kept as text")
    # The publication year decides; DA (the full date) before Y1, which the
    # specification deprecates: Y1 may disagree with both.
    year = next((d.year for tag in ("PY", "DA", "Y1") for v, d in parsed if v.tag == tag), None)
    best = max((d for _, d in parsed if d.year == year), key=_precision)
    for value, date in parsed:
        if _agrees(date, best):
            value.used = True
    return best


_CREATOR_TAGS = ("AU", "A1", "A2", "A3", "A4", "ED")


def _creators(record: TaggedRecord, emerald: bool, meaning: RisType) -> list[Creator]:
    """Authors, editors and translators in file order, as the record's type names them.

    A name under a tag the type gives a role PeerRef has not (a book's series editor in
    ``A2``, a patent's issuing body, a letter's recipient) stays for extra.
    """
    numbered = _numbered_authors(record, emerald)
    if numbered is not None:
        for value in numbered:
            value.used = True
        return [parse_name(v.value, CreatorRole.AUTHOR) for v in numbered]
    creators: list[Creator] = []
    for value in record.values_of(*_CREATOR_TAGS):
        role = meaning.role_of(value.tag)
        if role is None:
            continue
        creator = parse_name(value.value, role)
        if creator.family or creator.literal or creator.given:
            value.used = True
            creators.append(creator)
    return creators


# An abbreviated journal title: a short word closed by a full stop inside the title
# ("J.Neurosurg.", "J. Ment. Health"), not a title's final full stop.
_ABBREVIATED = re.compile(r"\b[A-Za-z]{1,6}\.(?!$)")


def _container(
    record: TaggedRecord, meaning: RisType, title: str, dialect: str
) -> tuple[str, str, str]:
    """(container title, its short form, collection title), the tags used marked.

    Which tags hold the container and the series depends on the type (``RisType``).
    ``JA`` and ``J2`` are the abbreviation, and the container too when nothing else
    names it; ``JO`` is the abbreviation beside a full title, as databases write it
    ("JO  - Augment Altern Commun"), and the container when alone — its abbreviation
    too when it is abbreviated ("J.Neurosurg."). The Cochrane Library writes the journal's
    full name in ``JA``.
    """
    container_tags = meaning.container
    container = record.take_first(*container_tags)
    collection = record.take_first(*meaning.collection)
    if not container and container_tags:
        container = record.take_first("JA", "J2")
        for value in record.values_of("BT"):
            if not container and value.value != title:
                value.used, container = True, value.value
    for value in record.values_of(*container_tags):
        if value.value == container:
            value.used = True  # the same title again (T2 and JF): nothing more to keep
    short = ""
    for value in record.values_of("JA", "J2", "JO"):
        if value.value == container and (value.tag == "JO" or dialect == COCHRANE):
            abbreviation = bool(_ABBREVIATED.search(value.value))
        else:
            abbreviation = True
        if abbreviation:
            value.used, short = True, value.value
            break
    return container, short, collection


def _pages(record: TaggedRecord) -> str:
    """SP and EP as one range; an EP the range does not end with stays for extra.

    A range written with a Unicode hyphen or dash ("1279‐1297", as Wiley writes them) is
    written with a hyphen, as every other range.
    """
    page = join_pages(hyphenated_range(record.take_first("SP")), record.peek_first("EP"))
    if last_page_is_kept(page, record.peek_first("EP")):
        record.take_first("EP")
    return page


def _urls(record: TaggedRecord) -> list[str]:
    """Every URL of the record: UR lines, several on one line separated by ";"."""
    return [u for value in record.take("UR") for u in re.split(r"\s*;\s*", value) if u.strip()]


def _reference_from_record(rec: _Record) -> tuple[Reference, list[Diagnostic]]:
    record = rec.fields
    warnings: list[str] = []
    extra: dict[str, str] = {}
    record.use("ER")

    ris_type = record.take_first("TY").upper()
    meaning = RIS_TYPE_TABLE.get(ris_type)
    if meaning is None:
        meaning = _UNKNOWN_TYPE
        warnings.append(f"RIS type {ris_type!r} is not one PeerRef knows; read as a document")
    ref_type = meaning.type
    if ris_type != (_TYPE_TO_RIS.get(ref_type) or _CSL_TO_RIS.get(ref_type.value)):
        extra["ris:TY"] = ris_type  # MGZN, PAT: more than PeerRef's type says

    dialect = dialect_of(record)
    emerald = _is_emerald(record)
    creators = _creators(record, emerald, meaning)
    title = record.take_first("TI", "T1", "CT", "BT")
    if dialect == EBSCO:
        title = without_final_full_stop(title)
    container, container_short, collection = _container(record, meaning, title, dialect)

    status = ""
    volume = record.take_first("VL")
    issue = record.take_first(*meaning.issue)
    if _AHEAD_OF_PRINT.match(volume):
        status, volume = volume, ""
    if _AHEAD_OF_PRINT.match(issue):
        status, issue = status or issue, ""
    if ris_type == "INPR" and not status:
        status = "in press"

    issued = _choose_date(record, warnings)

    issns, isbns, other_sn = split_standard_numbers(record.take("SN"))
    warnings.extend(standard_number_warnings(issns, isbns))
    if other_sn:
        extra["ris:SN"] = "; ".join(other_sn)

    doi_text = record.peek_first("DO")
    doi = doi_of_field(doi_text)
    if " " in doi:
        warnings.append(f"the DOI {doi!r} has a space in it: kept as written, check it")
    if is_whole_doi(doi_text, doi):
        record.take_first("DO")
    urls = _urls(record)
    if not doi:
        for candidate in urls:
            if _DOI_LINK.match(candidate) and (doi := normalise_doi(candidate)):
                break
    if not doi:
        for value in record.values_of("M3", *(("L3",) if dialect == EBSCO else ())):
            found = normalise_doi(value.value)
            if (value.tag == "L3" or _DOI_LINK.match(value.value)) and found:
                value.used, doi = is_whole_doi(value.value, found), found
                break

    database_fields = take_ebsco_notes(record, extra) if dialect == EBSCO else {}
    pmid = re.sub(r"^NLM", "", database_fields.get("PMID", ""))
    if dialect == COCHRANE:
        pmid = cross_reference_pmid(record)
    pmcid = ""
    notes: list[str] = []
    for note_value in [v for v in record.values_of("N1") if not v.used]:
        note_value.used = True
        for line in note_value.value.split("\n\n"):
            note_match = _NOTE_FIELD.match(line.strip())
            if note_match and note_match.group(1) == "PMID" and not pmid:
                pmid = note_match.group(2).strip()
            elif note_match and note_match.group(1) == "PMCID" and not pmcid:
                pmcid = note_match.group(2).strip()
            elif note_match and note_match.group(1) == "Status" and not status:
                status = note_match.group(2).strip()
            elif line.strip():
                notes.append(line.strip())
    if not doi:
        for note in notes:
            if _DOI_LINK.match(note) and (doi := normalise_doi(note)):
                break
    if notes:
        extra["note"] = "\n\n".join(notes)

    abstract_text = record.take_first("AB", "N2")
    if dialect == EBSCO:
        abstract_text = ebsco_abstract(abstract_text, extra)
    keywords: list[str] = []
    for keyword_line in record.take("KW"):
        for keyword in keyword_line.split(";") if ";" in keyword_line else [keyword_line]:
            if dialect == COCHRANE:
                keyword = keyword.replace("*", "")  # a major heading, as MEDLINE marks it
            keyword = collapse_spaces(keyword)
            if keyword and keyword not in keywords:
                keywords.append(keyword)
    if len(urls) > 1:
        extra["ris:UR"] = "; ".join(urls[1:])
    # The database the record came from, by the name people know it by ("aph" is Academic
    # Search Premier), kept as every other reader keeps it: extra["database"].
    # A short code that was given a name stays in extra as "ris:DB" too.
    if databases := list(dict.fromkeys(name for name in database_names(record) if name)):
        if databases == [value for value in record.peek("DB") if value]:
            record.take("DB")
        extra["database"] = "; ".join(databases)

    reference = Reference(
        type=ref_type,
        title=collapse_spaces(title),
        title_short=collapse_spaces(record.take_first("ST")),
        creators=tuple(creators),
        container_title=collapse_spaces(container),
        container_title_short=collapse_spaces(container_short),
        collection_title=collapse_spaces(collection),
        volume=volume,
        issue=issue,
        page=_pages(record) or (review_number(record) if dialect == COCHRANE else ""),
        issued=issued,
        status=status,
        publisher=record.take_first("PB"),
        publisher_place=record.take_first(*meaning.place),
        edition=record.take_first("ET"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=urls[0] if urls else "",
        language=record.take_first("LA") or database_fields.get("Language", ""),
        abstract=abstract_from_text(abstract_text),
        keywords=tuple(keywords),
        extra=extra,
    )
    record.keep_leftovers(extra, "ris")
    diagnostics = [Diagnostic(message, rec.first_line) for message in warnings]
    return reference, diagnostics


def _label(records: Sequence[_Record]) -> str:
    """The reader's label, naming the source when every record comes from the same one:
    "RIS file from EBSCOhost (APA PsycInfo)", "RIS file from the Cochrane Library".
    """
    dialects = {dialect_of(rec.fields) for rec in records}
    if len(dialects) != 1 or not (dialect := dialects.pop()):
        return LABEL
    databases = list(dict.fromkeys(n for rec in records for n in database_names(rec.fields)))
    named = f" ({', '.join(databases)})" if databases and dialect == EBSCO else ""
    return f"RIS file from {dialect}{named}"


class RisReader:
    """Reads RIS exports (Emerald, Scopus, EndNote, Zotero, Mendeley) with rispy."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:5000].lstrip(_BOM + " \t\r\n")
        if re.match(r"^(?:\d+\.\s*\n)?TY {1,2}- ?\S", head):
            return 1.0
        tagged = re.findall(r"(?m)^(?:TY|ER|AU|A1|TI|T1|PY|JO|T2|DO|SN) {1,2}-", head)
        if any(t.startswith("TY") for t in tagged) and len(tagged) >= 3:
            return 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        text = text.lstrip(_BOM).replace("\r\n", "\n").replace("\r", "\n")
        records, skipped = _split_records(text)
        if not records:
            raise FormatError("no RIS record found (a record starts with a 'TY  - ' line)")
        entries: list[ParsedEntry] = []
        for rec in records:
            try:
                reference, warnings = _reference_from_record(rec)
            except FormatError as error:
                skipped.append(Diagnostic(str(error), rec.first_line))
                continue
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=rec.raw,
                    first_line=rec.first_line,
                    last_line=rec.last_line,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no RIS record could be read")
        return ParseResult(NAME, _label(records), tuple(entries), skipped=tuple(skipped))


# ---------------------------------------------------------------- writing


class _PlainRisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy has no type hints
    """rispy's writer without the "1." counter line it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


# rispy's names for the tags, and ED (the first specification's editor tag) it has none for.
_KEYS = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "ED"]


def _creator_tag(meaning: RisType, role: CreatorRole) -> str:
    """The tag the type reads ``role`` from: a book's editors are A3, a report's ED."""
    for tag in ("AU", "A2", "A3", "A4"):
        if meaning.role_of(tag) is role:
            return tag
    return "ED" if role is CreatorRole.EDITOR else "A4"


def _name_for_ris(creator: Creator) -> str:
    if creator.literal:
        return creator.literal
    family = creator.family_with_particle()
    parts = [family, creator.given] if creator.given else [family]
    if creator.suffix:
        parts.append(creator.suffix)
    return ", ".join(parts)


def _date_for_ris(date: PartialDate) -> str:
    if date.year is None:
        return ""
    month = f"{date.month:02d}" if date.month else ""
    day = f"{date.day:02d}" if date.day else ""
    return f"{date.year:04d}/{month}/{day}/{date.season}"


def reference_to_ris_record(ref: Reference, notes: ExportNotes | None = None) -> dict[str, Any]:
    """The rispy record (field name -> value) for one reference and its library notes."""
    ris_type = (
        _TYPE_TO_RIS.get(ref.type)
        or _CSL_TO_RIS.get(ref.type.value)
        or _TYPE_TO_RIS.get(ref.type.folded, "GEN")
    )
    meaning = RIS_TYPE_TABLE[ris_type]
    record: dict[str, Any] = {"type_of_reference": ris_type}
    for role in CreatorRole:
        names = [_name_for_ris(c) for c in ref.creators if c.role is role]
        if names:
            record[_KEYS[_creator_tag(meaning, role)]] = names
    simple = {
        "title": ref.title,
        "short_title": ref.title_short,
        "alternate_title1": ref.container_title_short,
        "volume": ref.volume,
        "number": ref.issue,
        "publisher": ref.publisher,
        "edition": ref.edition,
        "doi": ref.doi,
        "language": ref.language,
        _KEYS[meaning.place[0]]: ref.publisher_place,
    }
    # The tags the type reads its container and series from (a report's T2 is its series).
    if meaning.container:
        container_tag = "T2" if "T2" in meaning.container else meaning.container[0]
        simple[_KEYS[container_tag]] = ref.container_title
    if meaning.collection:
        simple[_KEYS[meaning.collection[0]]] = ref.collection_title
    first_page, last_page = split_pages(ref.page) if ref.page else ("", "")
    simple["start_page"] = first_page
    simple["end_page"] = last_page
    if ref.issued.year is not None:
        simple["year"] = str(ref.issued.year)
        simple["date"] = _date_for_ris(ref.issued)
    elif ref.issued.literal:
        simple["date"] = ref.issued.literal
    numbers = [*ref.issn, *ref.isbn]
    simple["issn"] = "; ".join(numbers)
    for key, value in simple.items():
        if value:
            record[key] = collapse_spaces(value)
    if ref.abstract:
        # One line per section and no blank line: see the module docstring.
        record["abstract"] = "\n".join(
            collapse_spaces(f"{s.heading}: {s.text}" if s.heading else s.text) for s in ref.abstract
        )
    keywords = keywords_for_export(ref)
    if keywords:
        record["keywords"] = keywords
    if ref.url:
        record["urls"] = [ref.url]
    note_lines: list[str] = []
    if ref.pmid:
        note_lines.append(f"PMID: {ref.pmid}")
    if ref.pmcid:
        note_lines.append(f"PMCID: {ref.pmcid}")
    if ref.status:
        note_lines.append(f"Status: {ref.status}")
    note_lines.extend(notes_for_export(ref, notes))
    if note_lines:
        record["notes"] = note_lines
    return {key: _safe_value(key, value) for key, value in record.items()}


# A line a RIS reader could take for a tag line: two letters or digits, then a dash after
# some white space ("ER  - ", "TY - JOUR", "er -"); looser than our reader on purpose.
_LOOKS_LIKE_TAG = re.compile(r"^\s*[A-Za-z0-9]{2}\s*-")
# Fields whose line breaks are kept (paragraphs, sections); every other one is one line.
_MULTILINE_KEYS = frozenset({"abstract", "notes"})


def _safe_value(key: str, value: Any) -> Any:
    """A record value that cannot end its field or record, without control characters.

    A note holding "\\nER  - \\nTY  - JOUR" would otherwise be written as RIS lines of its
    own and read back as a second record (issue 17).
    """
    if isinstance(value, list):
        return [_safe_value(key, item) for item in value]
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)
    if key in _MULTILINE_KEYS:
        return continued_lines(value, _LOOKS_LIKE_TAG)
    return one_line(value)


class RisWriter:
    """Writes references as RIS through rispy."""

    name = NAME
    label = "RIS"
    extension = ".ris"
    mime_type = "application/x-research-info-systems"

    def write(self, references: Sequence[Reference], *, notes: ExportNotes | None = None) -> str:
        """RIS for ``references``; ``notes`` (library notes by reference id) become ``N1``s."""
        records = [reference_to_ris_record(ref, notes) for ref in references]
        # A note's own line breaks come out as continuation lines, which the reader joins.
        text: str = _PlainRisWriter(mapping=_KEYS, list_tags=_LIST_TAGS).formats(records)
        return text


READERS = (RisReader(),)
WRITERS = (RisWriter(),)
