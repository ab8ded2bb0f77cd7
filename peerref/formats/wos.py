"""Web of Science "plain text" exports (the tagged format with FN/VR headers).

Each record starts at ``PT`` and ends at ``ER``; a tag is two characters at the start
of a line, and lines starting with three spaces continue the tag above — one author,
keyword-line or cited reference per line. Full author names (``AF``) are preferred over
the initialled ones (``AU``). ``SO`` is upper case in WoS; it is kept as written rather
than guessed back into title case. Author keywords (``DE``) come first, then
KeyWords Plus (``ID``) that are not already there. Tags with no field of their own are
kept in ``extra`` as "wos:XX", so nothing read is dropped.
"""

from __future__ import annotations

import re

from peerref.core.dates import MONTHS, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi, normalise_pmid
from peerref.core.model import (
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
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult

NAME = "wos"
LABEL = "Web of Science tagged export"

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
# Tags whose continuation lines are separate values (one per line), not wrapping.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "RI", "OI", "EM"})
_MAPPED = frozenset(
    {
        "PT", "DT", "AU", "AF", "CA", "BE", "TI", "SO", "SE", "J9", "JI", "VL", "IS", "BP",
        "EP", "AR", "PY", "PD", "DI", "SN", "EI", "BN", "AB", "DE", "ID", "LA", "PU", "PI",
        "PM", "ER",
    }
)  # fmt: skip
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})
_SEASONS = {"SPR": "Spring", "SUM": "Summer", "FAL": "Autumn", "WIN": "Winter"}


def _tokenise(lines: list[str]) -> list[tuple[str, list[str]]]:
    tags: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("   ") and tags:
            value = line.strip()
            if tags[-1][0] in _LIST_TAGS:
                tags[-1][1].append(value)
            else:
                tags[-1][1][-1] = f"{tags[-1][1][-1]} {value}".strip()
            continue
        match = _TAG.match(line.rstrip())
        if match:
            tags.append((match.group(1), [(match.group(2) or "").strip()]))
    return tags


def _date(year_text: str, pd_text: str) -> PartialDate:
    """WoS dates: PY "2021" with PD "JUN 15", "JUN", "MAY-JUN", "SPR" or "2021 JUN"."""
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
    pd_text = re.sub(r"\b\d{4}\b", "", pd_text).strip()
    if year is None:
        found = parse_date(pd_text) if pd_text else None
        return found or (PartialDate(literal=year_text) if year_text else PartialDate())
    if not pd_text:
        return PartialDate(year=year)
    if pd_text.upper() in _SEASONS:
        return PartialDate(year=year, season=_SEASONS[pd_text.upper()])
    match = re.fullmatch(r"([A-Za-z]{3})(?:\s+(\d{1,2}))?", pd_text)
    if match and match.group(1).casefold() in MONTHS:
        month = MONTHS[match.group(1).casefold()]
        day = int(match.group(2)) if match.group(2) and 1 <= int(match.group(2)) <= 31 else None
        return PartialDate(year=year, month=month, day=day)
    if re.fullmatch(r"[A-Za-z]{3}-[A-Za-z]{3}", pd_text):
        return PartialDate(year=year, season=pd_text.title())
    return PartialDate(year=year)


def _type(pt: str, dt: str) -> ReferenceType:
    dt = dt.casefold()
    if "proceedings paper" in dt or "meeting" in dt:
        return ReferenceType.PAPER_CONFERENCE
    if "book chapter" in dt:
        return ReferenceType.CHAPTER
    if dt == "book" or (pt in {"B", "S"} and not dt):
        return ReferenceType.BOOK
    if "data" in dt:
        return ReferenceType.DATASET
    if pt == "J" or dt in {"article", "review", "editorial material", "letter", "early access"}:
        return ReferenceType.ARTICLE_JOURNAL
    return ReferenceType.OTHER


def _record(tags: list[tuple[str, list[str]]]) -> tuple[Reference, list[str]]:
    values: dict[str, list[str]] = {}
    for tag, lines in tags:
        values.setdefault(tag, []).extend(v for v in lines if v)

    def one(tag: str) -> str:
        return collapse_spaces(" ".join(values.get(tag, [])))

    warnings: list[str] = []
    creators: list[Creator] = []
    full = values.get("AF") or values.get("AU") or []
    creators.extend(parse_name(name, CreatorRole.AUTHOR) for name in full)
    creators.extend(Creator(literal=name, role=CreatorRole.AUTHOR) for name in values.get("CA", []))
    creators.extend(parse_name(name, CreatorRole.EDITOR) for name in values.get("BE", []))

    ref_type = _type(one("PT"), one("DT"))
    issns, isbns, other = split_standard_numbers(
        [*values.get("SN", []), *values.get("EI", []), *values.get("BN", [])]
    )
    warnings.extend(standard_number_warnings(issns, isbns))
    keywords: list[str] = []
    for tag in ("DE", "ID"):
        for keyword in one(tag).split(";"):
            keyword = keyword.strip()
            if keyword and keyword.casefold() not in {k.casefold() for k in keywords}:
                keywords.append(keyword)
    extra: dict[str, str] = {}
    if one("DT"):
        extra["wos:DT"] = one("DT")
    if other:
        extra["wos:SN"] = " ".join(other)
    for tag, lines in values.items():
        if tag not in _MAPPED and tag not in _HEADER_TAGS and lines:
            joiner = "\n" if tag in _LIST_TAGS else " "
            extra[f"wos:{tag}"] = joiner.join(lines)
    container = one("SO")
    collection = one("SE")
    if ref_type is ReferenceType.BOOK:
        collection = collection or container
        container = ""
    reference = Reference(
        type=ref_type,
        title=one("TI"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=one("JI") or one("J9"),
        collection_title=collection,
        volume=one("VL"),
        issue=one("IS"),
        page=join_pages(one("BP"), one("EP")) or one("AR"),
        issued=_date(one("PY"), one("PD")),
        publisher=one("PU"),
        publisher_place=one("PI"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=normalise_doi(one("DI")),
        pmid=normalise_pmid(one("PM")),
        language=one("LA"),
        abstract=abstract_from_text(one("AB")),
        keywords=tuple(keywords),
        extra=extra,
    )
    return reference, warnings


class WosReader:
    """Reads Web of Science plain-text (tagged) exports."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:5000].lstrip("\ufeff \r\n")
        if re.match(r"FN (?:Clarivate|Thomson Reuters)", head):
            return 1.0
        if re.search(r"(?m)^PT [A-Z]\s*$", head) and re.search(r"(?m)^(?:AU|TI|SO) ", head):
            return 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        start: int | None = None
        for index, line in enumerate(lines):
            tag = line[:2] if _TAG.match(line.rstrip()) else ""
            if tag == "PT":
                if start is not None:
                    skipped.append(Diagnostic("record without ER; read up to here", start + 1))
                    entries.append(self._entry(lines, start, index - 1))
                start = index
            elif tag == "ER" and start is not None:
                entries.append(self._entry(lines, start, index))
                start = None
            elif start is None and line.strip() and tag not in _HEADER_TAGS:
                skipped.append(
                    Diagnostic(f"text outside any record: {line.strip()[:60]}", index + 1)
                )
        if start is not None:
            skipped.append(Diagnostic("the last record has no ER line", start + 1))
            entries.append(self._entry(lines, start, len(lines) - 1))
        if not entries:
            raise FormatError("no Web of Science record found (a record starts with 'PT ')")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))

    def _entry(self, lines: list[str], start: int, end: int) -> ParsedEntry:
        block = lines[start : end + 1]
        while block and not block[-1].strip():
            block.pop()
        reference, warnings = _record(_tokenise(block))
        return ParsedEntry(
            reference=reference,
            raw_text="\n".join(block),
            first_line=start + 1,
            last_line=start + len(block),
            warnings=tuple(Diagnostic(w, start + 1) for w in warnings),
        )


READERS = (WosReader(),)
