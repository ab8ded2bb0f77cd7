"""Web of Science "plain text" exports (the tagged format with FN/VR headers).

Each record starts at ``PT`` and ends at ``ER``; a tag is two characters at the start of
a line followed by a space. Any other line continues the tag above, indented by three
spaces (Web of Science) or not (BIOSIS and CABI records, Derwent patents), as Zotero
reads them. Under list tags (authors, addresses, cited references) each line is one value;
an ISI ``AU`` line may also hold several names separated by semicolons. Names come as
"Family, Given" or, in Derwent records, "FAMILY I" without a comma; an e-mail address
after a name ("(a.b@c.edu)") is kept in extra, not in the given name.

Full author names (``AF``) are preferred over the initialled ones (``AU``). ``SO`` is
upper case in WoS; it is kept as written rather than guessed back into title case. Author
keywords (``DE``) come first, then KeyWords Plus (``ID``) and the BIOSIS/CABI descriptors
(``BD``, ``OR``, ``MC``, ``MQ``) that are not already there. Pages come from ``BP``/``EP``,
the page span ``PS`` or the article number ``AR``. Every value no field takes is kept in
``extra`` as "wos:XX" (through the shared tagged-file helper), so nothing read is dropped.
"""

from __future__ import annotations

import re
import unicodedata

from peerref.core.dates import MONTHS, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_pmid
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
    is_whole_doi,
    join_pages,
    last_page_is_kept,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._tagged import TaggedRecord, TagSyntax, read_fields
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult

NAME = "wos"
LABEL = "Web of Science tagged export"

_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])(?: (?P<value>.*))?$")
# Tags whose continuation lines are separate values (one per line), not wrapping.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "RI", "OI", "EM"})
_NAME_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA"})
_SYNTAX = TagSyntax(tag_line=_TAG, is_continuation=lambda line: True, list_tags=_LIST_TAGS)
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})
_KEYWORD_TAGS = ("DE", "ID", "BD", "OR", "MC", "MQ")
_SEASONS = {"SPR": "Spring", "SUM": "Summer", "FAL": "Autumn", "WIN": "Winter"}
_EMAIL = re.compile(r"\s*\(([^()]*@[^()]*)\)\s*")
_INITIALS = re.compile(r"^[A-Z]{1,3}$")


def _date(year_text: str, pd_text: str) -> tuple[PartialDate, bool]:
    """WoS dates: PY "2021" with PD "JUN 15", "JUN", "MAY-JUN", "SPR" or "2021 JUN".

    Returns the date and whether ``PD`` was understood whole (else it is kept in extra).
    """
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
    rest = re.sub(r"\b\d{4}\b", "", pd_text).strip()
    if year is None:
        found = parse_date(pd_text) if pd_text else None
        if found is not None:
            return found, True
        year_in_pd = re.search(r"\b(\d{4})\b", pd_text)
        if year_in_pd and not rest:
            return PartialDate(year=int(year_in_pd.group(1))), True
        return (PartialDate(literal=year_text) if year_text else PartialDate()), not pd_text
    if not rest:
        return PartialDate(year=year), True
    if rest.upper() in _SEASONS:
        return PartialDate(year=year, season=_SEASONS[rest.upper()]), True
    match = re.fullmatch(r"([A-Za-z]{3})(?:\s+(\d{1,2}))?", rest)
    if match and match.group(1).casefold() in MONTHS:
        month = MONTHS[match.group(1).casefold()]
        day = int(match.group(2)) if match.group(2) and 1 <= int(match.group(2)) <= 31 else None
        return PartialDate(year=year, month=month, day=day), True
    if re.fullmatch(r"[A-Za-z]{3}-[A-Za-z]{3}", rest):
        return PartialDate(year=year, season=rest.title()), True
    return PartialDate(year=year), False


def _type(pt: str, dt: str) -> ReferenceType:
    dt = dt.casefold()
    if "proceedings paper" in dt or "meeting" in dt:
        return ReferenceType.PAPER_CONFERENCE
    if "book chapter" in dt:
        return ReferenceType.CHAPTER
    if dt == "book" or (pt == "B" and not dt):
        return ReferenceType.BOOK
    if "data" in dt:
        return ReferenceType.DATASET
    if pt == "S":  # a paper in a book series (Annual Review of …, Lecture Notes in …)
        return ReferenceType.CHAPTER
    if pt == "J" or dt in {"article", "review", "editorial material", "letter", "early access"}:
        return ReferenceType.ARTICLE_JOURNAL
    return ReferenceType.OTHER


def _names(record: TaggedRecord, tag: str, emails: list[str]) -> list[str]:
    """The names of one name tag, ";"-separated ones split, e-mail addresses taken out."""
    names: list[str] = []
    for value in record.take(tag):
        for name in value.split(";"):
            for email in _EMAIL.findall(name):
                emails.append(email.strip())
            name = _EMAIL.sub(" ", name).strip()
            if name:
                names.append(name)
    return names


def _person(name: str, role: CreatorRole) -> Creator:
    """ "Zelle, Rintze M." as usual; Derwent's "YANG Y" (no comma) as family then initials."""
    tokens = name.split()
    if "," not in name and len(tokens) >= 2 and _INITIALS.match(tokens[-1]):
        name = f"{' '.join(tokens[:-1])}, {tokens[-1]}"
    return parse_name(name, role)


def _folded(name: str) -> str:
    """A family name for matching AU to AF: no accents, case or spaces ("Ó Súilleabháin")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def _name_key(creator: Creator) -> tuple[str, str]:
    """(family, initials) to match AU "Zelle, RM" with AF "Zelle, Rintze M."."""
    initials = "".join(part[0] for part in re.split(r"[\s.\-]+", creator.given) if part)
    if re.fullmatch(r"[A-Z]{1,4}", creator.given.replace(".", "").replace(" ", "")):
        initials = creator.given.replace(".", "").replace(" ", "")
    return _folded(creator.family_with_particle() or creator.literal), initials.casefold()


def record_to_reference(record: TaggedRecord, file_name: str) -> tuple[Reference, list[str]]:
    """One Web of Science record as a reference, with warnings for what it could not place.

    Public because the tab-delimited export (``wos_tsv``) carries the same field tags in
    columns and is read by the same rules.
    """

    def one(tag: str) -> str:
        return collapse_spaces(" ".join(record.take(tag)))

    warnings: list[str] = []
    extra: dict[str, str] = {}
    record.use("ER", *_HEADER_TAGS)
    emails: list[str] = []
    creators: list[Creator] = []
    full_tag = "AF" if record.has("AF") else "AU"
    creators.extend(_person(n, CreatorRole.AUTHOR) for n in _names(record, full_tag, emails))
    groups = _names(record, "CA", emails)
    if full_tag == "AF":
        # The initialled forms of the same people add nothing; a name only AU has does.
        known = {_name_key(c) for c in creators} | {(_folded(g), "") for g in groups}
        only_short = [
            n
            for n in _names(record, "AU", [])
            if _name_key(_person(n, CreatorRole.AUTHOR)) not in known
        ]
        if only_short:
            extra["wos:AU"] = "\n".join(only_short)
    creators.extend(Creator(literal=name, role=CreatorRole.AUTHOR) for name in groups)
    creators.extend(_person(n, CreatorRole.EDITOR) for n in _names(record, "BE", emails))
    if emails:
        extra["wos:EM"] = "\n".join(emails)

    pt = record.peek_first("PT")
    ref_type = _type(one("PT"), record.peek_first("DT"))
    issns, isbns, other = split_standard_numbers(record.take("SN", "EI", "BN"))
    warnings.extend(standard_number_warnings(issns, isbns))
    keywords: list[str] = []
    seen: set[str] = set()
    for tag in _KEYWORD_TAGS:
        for keyword in one(tag).split(";"):
            keyword = keyword.strip()
            if keyword and keyword.casefold() not in seen:
                seen.add(keyword.casefold())
                keywords.append(keyword)
    if record.has("DT"):
        extra["wos:DT"] = one("DT")
    if other:
        extra["wos:SN"] = " ".join(other)
    if ref_type is ReferenceType.BOOK:  # a book's SO is its series, unless SE names one
        container, collection = "", one("SE") or one("SO")
    else:
        container, collection = one("SO"), one("SE")
    page = join_pages(one("BP"), collapse_spaces(record.peek_first("EP")))
    if last_page_is_kept(page, collapse_spaces(record.peek_first("EP"))):
        record.take_first("EP")
    page = page or one("PS") or one("AR")
    year_text = record.peek_first("PY")
    pd_text = record.peek_first("PD")
    issued, complete = _date(collapse_spaces(year_text), collapse_spaces(pd_text))
    record.take_first("PY")
    if complete:
        record.take_first("PD")
    doi = doi_of_field(record.peek_first("DI"))
    if is_whole_doi(record.peek_first("DI"), doi):
        record.take_first("DI")
    pmid = normalise_pmid(record.peek_first("PM"))
    if pmid and pmid == record.peek_first("PM").strip():
        record.take_first("PM")
    reference = Reference(
        type=ref_type,
        title=one("TI"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=collapse_spaces(record.take_first("JI", "J9")),
        collection_title=collection,
        volume=one("VL"),
        issue=one("IS"),
        page=page,
        issued=issued,
        publisher=one("PU"),
        publisher_place=one("PI"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        language=one("LA"),
        abstract=abstract_from_text(one("AB")),
        keywords=tuple(keywords),
        extra=extra,
    )
    if pt and pt not in {"J", "B", "S", "P"}:
        extra["wos:PT"] = pt
    if file_name:  # the database the file came from ("Clarivate Analytics Web of Science")
        extra["wos:FN"] = file_name
    record.keep_leftovers(extra, "wos", joiner="\n")
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
        header = next((line for line in lines[:5] if line.startswith("FN ")), "")
        file_name = header[3:].strip()
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        start: int | None = None
        for index, line in enumerate(lines):
            match = _TAG.match(line.rstrip())
            tag = match["tag"] if match else ""
            if tag == "PT":
                if start is not None:
                    skipped.append(Diagnostic("record without ER; read up to here", start + 1))
                    entries.append(self._entry(lines, start, index - 1, file_name))
                start = index
            elif tag == "ER" and start is not None:
                entries.append(self._entry(lines, start, index, file_name))
                start = None
            elif start is None and line.strip() and tag not in _HEADER_TAGS:
                skipped.append(
                    Diagnostic(f"text outside any record: {line.strip()[:60]}", index + 1)
                )
        if start is not None:
            skipped.append(Diagnostic("the last record has no ER line", start + 1))
            entries.append(self._entry(lines, start, len(lines) - 1, file_name))
        if not entries:
            raise FormatError("no Web of Science record found (a record starts with 'PT ')")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))

    def _entry(self, lines: list[str], start: int, end: int, file_name: str) -> ParsedEntry:
        block = lines[start : end + 1]
        while block and not block[-1].strip():
            block.pop()
        found = read_fields([line.rstrip() for line in block], start + 1, _SYNTAX)
        record = TaggedRecord(found.values, start + 1, start + len(block))
        reference, warnings = record_to_reference(record, file_name)
        return ParsedEntry(
            reference=reference,
            raw_text="\n".join(block),
            first_line=start + 1,
            last_line=start + len(block),
            warnings=tuple(Diagnostic(w, start + 1) for w in warnings),
        )


READERS = (WosReader(),)
