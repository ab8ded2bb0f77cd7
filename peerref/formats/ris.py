"""RIS: the tagged format every database and reference manager exports.

Reading goes through rispy, one record at a time, so that each entry keeps its raw
text and line numbers. Before rispy sees a record we smooth what real exports do
differently from the specification:

- a byte-order mark before the first ``TY`` (rispy would skip the whole first record);
- tag lines written with one space ("TY - JOUR") instead of two;
- untagged continuation lines (wrapped abstracts, multi-paragraph notes): rispy would
  append them to list tags as new items (a wrapped author becoming a second author),
  so we join them to the line above, keeping blank lines as paragraph breaks;
- Emerald numbers its authors ``A1``, ``A2``, ``A3`` … one per tag, where the
  specification reads ``A2`` as editors and ``A4`` as translators. A record whose
  numbered tags go past ``A4``, or that comes from Emerald (a 10.1108 DOI, an emerald.com
  link or publisher) with one name per numbered tag, is read as one ordered author list.

The writer emits plain RIS (no "1." counters before records, unlike rispy's default)
and carries: type, title, short title, authors, editors, translators, container title
and its abbreviation, series, volume, issue, pages, date, publisher and place, edition,
ISSN/ISBN, DOI, URL, language, abstract, keywords followed by the library tags (``KW``,
as Zotero exports tags), and PMID, PMCID, status, the reference's note and its library
notes as ``N1`` lines that the reader recognises. Other ``extra`` values (what the source
it was read from recorded, such as Emerald's article type) are not exported.

A structured abstract is written one section per line ("Purpose: …" then
"Design/methodology/approach: …") with no blank line inside ``AB``: several RIS readers
end a field, or a record, at a blank line. Our reader starts a new section at a
continuation line that opens with a known heading, so the sections come back; untitled
paragraphs of an abstract come back as one paragraph. A multi-line note is one ``N1``
with its lines as continuation lines, as rispy writes it; on reading, a single line
break inside a paragraph becomes a space (as it does in markdown) and blank lines are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import rispy

from peerref.core.dates import parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi
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
    join_pages,
    paragraphs_to_abstract_text,
    split_pages,
    split_standard_numbers,
    standard_number_warnings,
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

# RIS type -> our type. Anything else becomes OTHER, with the original kept in extra.
RIS_TYPES: dict[str, ReferenceType] = {
    "JOUR": ReferenceType.ARTICLE_JOURNAL,
    "EJOUR": ReferenceType.ARTICLE_JOURNAL,
    "JFULL": ReferenceType.ARTICLE_JOURNAL,
    "MGZN": ReferenceType.ARTICLE_JOURNAL,
    "NEWS": ReferenceType.ARTICLE_JOURNAL,
    "INPR": ReferenceType.ARTICLE_JOURNAL,
    "ABST": ReferenceType.ARTICLE_JOURNAL,
    "BOOK": ReferenceType.BOOK,
    "EBOOK": ReferenceType.BOOK,
    "EDBOOK": ReferenceType.BOOK,
    "CHAP": ReferenceType.CHAPTER,
    "ECHAP": ReferenceType.CHAPTER,
    "ENCYC": ReferenceType.CHAPTER,
    "DICT": ReferenceType.CHAPTER,
    "CONF": ReferenceType.PAPER_CONFERENCE,
    "CPAPER": ReferenceType.PAPER_CONFERENCE,
    "RPRT": ReferenceType.REPORT,
    "GOVDOC": ReferenceType.REPORT,
    "THES": ReferenceType.THESIS,
    "UNPB": ReferenceType.PREPRINT,
    "ELEC": ReferenceType.WEBPAGE,
    "BLOG": ReferenceType.WEBPAGE,
    "ICOMM": ReferenceType.WEBPAGE,
    "DATA": ReferenceType.DATASET,
    "DBASE": ReferenceType.DATASET,
    "AGGR": ReferenceType.DATASET,
    "GEN": ReferenceType.OTHER,
}
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

# Tags whose continuation lines and blank lines are paragraphs, not wrapping.
_PARAGRAPH_TAGS = frozenset({"AB", "N2", "N1"})
# Abstract tags in which a line opening with a section heading starts a new section.
_ABSTRACT_TAGS = frozenset({"AB", "N2"})
_SECTION_START = re.compile(
    "^(?:" + "|".join(re.escape(heading) for heading in KNOWN_ABSTRACT_HEADINGS) + "): "
)
# Tags consumed into fields; every other tag's value is kept in extra as "ris:XX".
_MAPPED_TAGS = frozenset(
    {
        "TY",
        "ER",
        "AU",
        "A1",
        "A2",
        "A3",
        "A4",
        "ED",
        "TI",
        "T1",
        "CT",
        "BT",
        "ST",
        "T2",
        "T3",
        "JO",
        "JF",
        "JA",
        "J2",
        "VL",
        "IS",
        "CP",
        "SP",
        "EP",
        "PY",
        "Y1",
        "DA",
        "SN",
        "DO",
        "AB",
        "N2",
        "KW",
        "UR",
        "PB",
        "CY",
        "ET",
        "LA",
        "N1",
    }
)
_NUMBERED_AUTHOR = re.compile(r"^A(\d+)$")
# N1 lines the writer uses for values RIS has no tag for.
_NOTE_FIELD = re.compile(r"^(PMID|PMCID|Status):\s*(\S.*)$")
_AHEAD_OF_PRINT = re.compile(r"^(ahead[- ]of[- ]print|in press|early view|online first)$", re.I)


# ---------------------------------------------------------------- reading


@dataclass
class _Record:
    """One record's smoothed lines and where it sits in the input."""

    lines: list[str]
    raw: str
    first_line: int
    last_line: int
    tags_in_order: list[tuple[str, str]] = field(default_factory=list)


def _smooth_record(raw_lines: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Canonical "XX  - value" lines with continuations joined; also (tag, value) in order."""
    entries: list[list[str]] = []  # [tag, value]
    for line in raw_lines:
        match = _TAG_LINE.match(line.rstrip("\r"))
        if match:
            entries.append([match.group(1), (match.group(2) or "").strip()])
            continue
        if not entries:
            continue
        tag = entries[-1][0]
        text = line.strip()
        if tag in _ABSTRACT_TAGS and _SECTION_START.match(text):
            entries[-1][1] += "\n\n" + text  # one section per line, as our writer puts them
        elif tag in _PARAGRAPH_TAGS:
            entries[-1][1] += "\n" + text
        elif text:
            entries[-1][1] = f"{entries[-1][1]} {text}".strip()
    pairs: list[tuple[str, str]] = []
    for tag, value in entries:
        value = paragraphs_to_abstract_text(value) if tag in _PARAGRAPH_TAGS else value.strip()
        pairs.append((tag, value))
    # rispy reads line by line: a paragraph break must travel inside one line.
    lines = [f"{tag}  - {value}".replace("\n", "\u2029") for tag, value in pairs]
    if not pairs or pairs[-1][0] != "ER":
        lines.append("ER  - ")
    return lines, pairs


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
                records.append(_make_record(current, start, index - 1))
            current, start = [line], index
        elif current is not None:
            current.append(line)
            if tag == "ER":
                records.append(_make_record(current, start, index))
                current = None
        elif line.strip() and not re.fullmatch(r"\s*\d+\.\s*", line):
            skipped.append(
                Diagnostic(f"text outside any record skipped: {line.strip()[:60]}", index + 1)
            )
    if current is not None:
        skipped.append(Diagnostic("the last record has no ER line", start + 1))
        records.append(_make_record(current, start, start + len(current) - 1))
    return records, skipped


def _make_record(raw_lines: list[str], start: int, end: int) -> _Record:
    while raw_lines and not raw_lines[-1].strip():
        raw_lines = raw_lines[:-1]
    lines, pairs = _smooth_record(raw_lines)
    return _Record(
        lines=lines,
        raw="\n".join(line.rstrip("\r") for line in raw_lines),
        first_line=start + 1,
        last_line=start + len(raw_lines),
        tags_in_order=pairs,
    )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).replace("\u2029", "\n") for v in value if str(v).strip()]
    text = str(value).replace("\u2029", "\n")
    return [text] if text.strip() else []


def _first(record: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        values = _as_list(record.get(key))
        if values and values[0].strip():
            return values[0].strip()
    return ""


def _is_emerald(record: Mapping[str, Any], tags: list[tuple[str, str]]) -> bool:
    doi = _first(record, "doi")
    urls = " ".join(_as_list(record.get("urls")))
    publisher = _first(record, "publisher")
    return (
        doi.startswith("10.1108/")
        or "emerald" in urls.casefold()
        or "emerald" in publisher.casefold()
        or any(tag in {"DB", "DP"} and "emerald" in value.casefold() for tag, value in tags)
    )


def _numbered_authors(tags: list[tuple[str, str]], emerald: bool) -> list[str] | None:
    """Emerald's A1…An authors in order, or None when the record uses the standard meaning."""
    numbered = [(int(m.group(1)), v) for t, v in tags if (m := _NUMBERED_AUTHOR.match(t))]
    if not numbered or any(t == "AU" for t, _ in tags):
        return None
    numbers = [n for n, _ in numbered]
    one_each = len(set(numbers)) == len(numbers)
    beyond_four = max(numbers) > 4
    if beyond_four or (emerald and one_each and len(numbers) > 1):
        return [v for _, v in sorted(numbered, key=lambda pair: pair[0]) if v.strip()]
    return None


def _ris_date(text: str) -> PartialDate | None:
    """RIS dates: "2012", "2012/06/15", "2012/06//", "2012///Spring" or any usual form."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:/(\d{0,2})(?:/(\d{0,2})(?:/(.*))?)?)?", text)
    if match:
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) and month else None
        season = (match.group(4) or "").strip()
        if month is not None and not 1 <= month <= 12:
            month = day = None
        if day is not None and not 1 <= day <= 31:
            day = None
        return PartialDate(year=year, month=month, day=day, season=season if not month else "")
    return parse_date(text)


def _precision(date: PartialDate) -> int:
    return len(date.date_parts()) + (1 if date.season else 0)


def _choose_date(
    candidates: list[tuple[str, str]], warnings: list[str]
) -> tuple[PartialDate, dict[str, str]]:
    """The most precise date agreeing with the year; unreadable ones go to extra."""
    parsed: list[PartialDate] = []
    leftovers: dict[str, str] = {}
    for tag, text in candidates:
        if not text:
            continue
        date = _ris_date(text)
        if date is None or date.year is None:
            leftovers[f"ris:{tag}"] = text
            warnings.append(f"{tag} date {text!r} not understood; kept as text")
            continue
        parsed.append(date)
    if not parsed:
        literal = next(iter(leftovers.values()), "")
        if literal:
            return PartialDate(literal=literal), {}
        return PartialDate(), leftovers
    year = parsed[0].year
    agreeing = [d for d in parsed if d.year == year]
    best = max(agreeing, key=_precision)
    return best, leftovers


def _creators(tags: list[tuple[str, str]], emerald: bool, extra: dict[str, str]) -> list[Creator]:
    numbered = _numbered_authors(tags, emerald)
    if numbered is not None:
        return [parse_name(name, CreatorRole.AUTHOR) for name in numbered]
    creators: list[Creator] = []
    roles = {
        "AU": CreatorRole.AUTHOR,
        "A1": CreatorRole.AUTHOR,
        "A2": CreatorRole.EDITOR,
        "ED": CreatorRole.EDITOR,
        "A4": CreatorRole.TRANSLATOR,
    }
    series_editors: list[str] = []
    for tag, value in tags:
        if not value.strip():
            continue
        if tag in roles:
            creators.append(parse_name(value, roles[tag]))
        elif tag == "A3":
            series_editors.append(value.strip())
        elif _NUMBERED_AUTHOR.match(tag):
            extra.setdefault(f"ris:{tag}", value.strip())
    if series_editors:
        extra["ris:A3"] = "; ".join(series_editors)
    return [c for c in creators if c.family or c.literal or c.given]


def _reference_from_record(rec: _Record) -> tuple[Reference, list[Diagnostic]]:
    try:
        parsed = rispy.RisParser(skip_unknown_tags=False).parse("\n".join(rec.lines))
    except Exception as error:  # rispy raises bare exceptions on malformed input
        raise FormatError(f"RIS record could not be read: {error}", line=rec.first_line) from error
    if not parsed:
        raise FormatError("RIS record has no TY line", line=rec.first_line)
    record: dict[str, Any] = parsed[0]
    tags = rec.tags_in_order
    notes: list[str] = []
    warnings: list[str] = []
    extra: dict[str, str] = {}

    ris_type = _first(record, "type_of_reference").upper()
    ref_type = RIS_TYPES.get(ris_type)
    if ref_type is None:
        ref_type = ReferenceType.OTHER
        extra["ris:TY"] = ris_type
        warnings.append(f"RIS type {ris_type!r} is not one PeerRef knows; read as a document")

    emerald = _is_emerald(record, tags)
    creators = _creators(tags, emerald, extra)

    title = _first(record, "title", "primary_title")
    if not title:
        title = next((v for t, v in tags if t in {"CT", "BT"} and v.strip()), "")
    secondary = _first(record, "secondary_title")
    tertiary = _first(record, "tertiary_title")
    journal_full = _first(record, "alternate_title3", "journal_name")
    journal_abbrev = _first(record, "alternate_title2", "alternate_title1")
    container = ""
    collection = tertiary
    if ref_type is ReferenceType.BOOK:
        collection = secondary or tertiary
    else:
        container = secondary or journal_full or journal_abbrev
        if not container:
            container = next((v for t, v in tags if t == "BT" and v.strip() and v != title), "")
    container_short = journal_abbrev if journal_abbrev and journal_abbrev != container else ""

    status = ""
    volume = _first(record, "volume")
    issue = _first(record, "number") or next((v for t, v in tags if t == "CP" and v), "")
    if _AHEAD_OF_PRINT.match(volume):
        status, volume = volume, ""
    if _AHEAD_OF_PRINT.match(issue):
        status, issue = status or issue, ""
    if ris_type == "INPR" and not status:
        status = "in press"

    date_tags = [(t, v) for t, v in tags if t in {"PY", "Y1", "DA"}]
    issued, date_extra = _choose_date(date_tags, warnings)
    extra.update(date_extra)

    sn_values = _as_list(record.get("issn"))
    issns, isbns, other_sn = split_standard_numbers(sn_values)
    warnings.extend(standard_number_warnings(issns, isbns))
    if other_sn:
        extra["ris:SN"] = "; ".join(other_sn)

    doi = normalise_doi(_first(record, "doi"))
    urls = [u for u in _as_list(record.get("urls")) if u.strip()]
    if not doi:
        for candidate in [*urls, *(v for t, v in tags if t in {"M3", "N1"})]:
            if re.match(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:)", candidate, re.I):
                doi = normalise_doi(candidate)
                if doi:
                    break

    pmid = pmcid = ""
    for tag, value in tags:
        if tag != "N1":
            continue
        for line in value.split("\n\n"):
            note_match = _NOTE_FIELD.match(line.strip())
            if note_match and note_match.group(1) == "PMID" and not pmid:
                pmid = note_match.group(2).strip()
            elif note_match and note_match.group(1) == "PMCID" and not pmcid:
                pmcid = note_match.group(2).strip()
            elif note_match and note_match.group(1) == "Status" and not status:
                status = note_match.group(2).strip()
            elif line.strip():
                notes.append(line.strip())
    if notes:
        extra["note"] = "\n\n".join(notes)

    abstract_text = _first(record, "abstract") or _first(record, "notes_abstract")
    keywords: list[str] = []
    for value in _as_list(record.get("keywords")):
        for keyword in value.split(";") if ";" in value else [value]:
            keyword = collapse_spaces(keyword)
            if keyword and keyword not in keywords:
                keywords.append(keyword)

    for tag, value in tags:
        if tag not in _MAPPED_TAGS and not _NUMBERED_AUTHOR.match(tag) and value.strip():
            key = f"ris:{tag}"
            extra[key] = f"{extra[key]}; {value.strip()}" if key in extra else value.strip()
    if _first(record, "notes_abstract") and _first(record, "abstract"):
        extra["ris:N2"] = _first(record, "notes_abstract")
    if len(urls) > 1:
        extra["ris:UR"] = "; ".join(urls[1:])

    reference = Reference(
        type=ref_type,
        title=collapse_spaces(title),
        title_short=collapse_spaces(_first(record, "short_title")),
        creators=tuple(creators),
        container_title=collapse_spaces(container),
        container_title_short=collapse_spaces(container_short),
        collection_title=collapse_spaces(collection),
        volume=volume,
        issue=issue,
        page=join_pages(_first(record, "start_page"), _first(record, "end_page")),
        issued=issued,
        status=status,
        publisher=_first(record, "publisher"),
        publisher_place=_first(record, "place_published"),
        edition=_first(record, "edition"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=urls[0] if urls else "",
        language=_first(record, "language"),
        abstract=abstract_from_text(abstract_text),
        keywords=tuple(keywords),
        extra=extra,
    )
    diagnostics = [Diagnostic(message, rec.first_line) for message in warnings]
    return reference, diagnostics


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
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


# ---------------------------------------------------------------- writing


class _PlainRisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy has no type hints
    """rispy's writer without the "1." counter line it puts before each record."""

    def set_header(self, count: int) -> str:
        return ""


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
    record: dict[str, Any] = {"type_of_reference": _TYPE_TO_RIS.get(ref.type, "GEN")}
    roles = {
        CreatorRole.AUTHOR: "authors",
        CreatorRole.EDITOR: "secondary_authors",
        CreatorRole.TRANSLATOR: "subsidiary_authors",
    }
    for role, key in roles.items():
        names = [_name_for_ris(c) for c in ref.creators if c.role is role]
        if names:
            record[key] = names
    simple = {
        "title": ref.title,
        "short_title": ref.title_short,
        "alternate_title1": ref.container_title_short,
        "volume": ref.volume,
        "number": ref.issue,
        "publisher": ref.publisher,
        "place_published": ref.publisher_place,
        "edition": ref.edition,
        "doi": ref.doi,
        "language": ref.language,
    }
    if ref.type is ReferenceType.BOOK:
        simple["secondary_title"] = ref.collection_title
    else:
        simple["secondary_title"] = ref.container_title
        simple["tertiary_title"] = ref.collection_title
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
    return record


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
        text: str = _PlainRisWriter().formats(records)
        return text


READERS = (RisReader(),)
WRITERS = (RisWriter(),)
