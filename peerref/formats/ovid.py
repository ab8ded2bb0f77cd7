"""Ovid exports: PsycINFO, MEDLINE, Embase, Journals@Ovid and the other Ovid databases.

Ovid writes a record as tag lines "TI  - value" (two spaces, sometimes one, sometimes a
longer tag such as ``SCORE``) under a record number "<1. >" and a first line
"VN  - Ovid Technologies"; long values run on over indented or blank-separated lines. Its
plain-text display export writes the same fields under long labels instead ("Authors Full
Name", then the values indented by two spaces); both are read here, the labels turned
into the tags they stand for.

Each database fills the tags its own way, so the reader looks at the values:

- Authors come as "Family, Given" with what Ovid adds after the name: degrees
  ("MD, PhD"), affiliation markers ("1,2,+"), roles and e-mail addresses in brackets
  ("[Author, Reprint Author; E-mail: …]"), or a family name in capitals ("AHMED,
  Mughees."). They are read without those; the names as written are kept in extra
  ("ovid:AU"). Full names (``FA``) are preferred over short ones. ``ED`` names editors,
  unless it holds a date (Ovid MEDLINE's entry date).
- Journal, volume, issue, pages and date come from their own tags where the database has
  them (PsycINFO's ``JN``/``VO``/``IP``/``PG``/``DP``), else from the citation in ``SO``,
  which each database writes differently ("Journal. 201(2-3):327-334, November 15, 2004.",
  "Journal January/February 2010;14(1):56", "Journal. Vol.43(5), Sep 2015, pp. 623-634.").
  ``SO`` itself is always kept in extra, as Ovid wrote it.
- A chapter's book, its editors ("[Ed]") and pages come from ``SO`` or ``BT``.
- Titles lose Ovid's trailing labels ("[Article]", "[References]"), kept in extra.
- ``DB`` is the database the record came from, kept in extra as "database".

Every value no field takes stays in extra as "ovid:TAG". Ovid's own RIS export (with a
``TY`` line) is RIS, not this format, and is left to the RIS reader.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_pmid
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats._export_fields import abstract_sections, parse_short_name, same_people
from peerref.formats._fields import (
    collapse_spaces,
    is_whole_doi,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._tagged import (
    RecordBlock,
    TaggedRecord,
    TagSyntax,
    join_paragraphs,
    read_block,
    split_blocks,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity
from peerref.formats.medline import expand_nlm_pages

NAME = "ovid"
LABEL = "Ovid export (PsycINFO, MEDLINE, Embase)"

_RECORD_NUMBER = re.compile(r"^\s*<\s*\d+\s*\.?\s*>\s*$")
_VERSION_LINE = re.compile(r"^\s*VN\s{1,3}-\s+Ovid Technologies\b")
_TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,5}) {1,3}-(?: (?P<value>.*)|[ \t]*)$")
_SYNTAX = TagSyntax(
    tag_line=_TAG_LINE,
    is_continuation=lambda line: True,
    join=lambda _tag, value, line: join_paragraphs(value, line),
)

# The long labels of Ovid's display export, and the tags they stand for. Labels not here
# are kept in extra under their own name ("ovid:Entry Date").
LONG_LABELS: dict[str, str] = {
    "version id": "VN",
    "database": "DB",
    "accession number": "AN",
    "unique identifier": "UI",
    "author": "AU",
    "authors": "AU",
    "author name": "AU",
    "authors full name": "FA",
    "author full name": "FA",
    "editor": "ED",
    "editors": "ED",
    "institution": "IN",
    "title": "TI",
    "translated title": "TT",
    "original title": "OT",
    "source": "SO",
    "journal name": "JN",
    "book title": "BT",
    "volume": "VO",
    "issue": "IP",
    "issue/part": "IP",
    "page": "PG",
    "pages": "PG",
    "pagination": "PG",
    "date of publication": "DP",
    "year of publication": "YR",
    "publication year": "YR",
    "issn": "IS",
    "issn print": "IS",
    "print issn": "IS",
    "issn electronic": "ES",
    "electronic issn": "ES",
    "issn linking": "IL",
    "isbn": "IB",
    "language": "LG",
    "publication type": "PT",
    "document type": "DT",
    "abstract": "AB",
    "keyword heading": "KW",
    "keywords": "KW",
    "author keywords": "KW",
    "key concepts": "ID",
    "mesh subject headings": "MH",
    "subject headings": "MH",
    "major subject headings": "MH",
    "digital object identifier": "DO",
    "doi": "DO",
    "pubmed id": "PM",
    "pmid": "PM",
    "publisher": "PU",
    "edition": "ET",
    "url": "UR",
    "link to the ovid full text or citation": "XL",
    "link to the external link resolver": "XL",
}
# Long labels whose indented lines are one value each (one author, one heading per line),
# as Ovid capitalises them ("Authors Full Name", "MeSH Subject Headings").
_LIST_LABELS = (
    {"author", "authors", "author name", "authors full name", "author full name", "editor"}
    | {"editors", "publication type", "mesh subject headings", "subject headings"}
    | {"major subject headings", "keyword heading", "keywords", "author keywords"}
    | {"link to the ovid full text or citation", "link to the external link resolver"}
)
_LONG_LIST_LABELS = frozenset(
    {form for label in _LIST_LABELS for form in (label, label.capitalize(), label.title())}
    | {"MeSH Subject Headings", "Major MeSH Subject Headings"}
)
_LONG_RECORD_NUMBER = re.compile(r"^<\s*\d+\s*>\s*$")
_LONG_SYNTAX = TagSyntax(
    tag_line=re.compile(r"^(?P<tag>\S.*?)\s*(?P<value>)$"),
    is_continuation=lambda line: line[:1] in {" ", "\t"} or not line.strip(),
    list_tags=_LONG_LIST_LABELS,
    join=lambda _tag, value, line: join_paragraphs(value, line),
)


# ---------------------------------------------------------------- names


# Degrees and honours Ovid writes after a name ("Gazic, Barbara MD, PhD"). A token is only
# taken for one when a given name stays before it, so initials such as "MB" stay initials.
_DEGREE = re.compile(
    r"^(?:Ph\.?\s?D|M\.?D|M\.?P\.?H|[BM]\.?Sc|M\.?A|B\.?A|MBBS|MBChB|ChB|RN|BSN|MSN|DNP|PsyD|"
    r"DPhil|D\.?Phil|EdD|DrPH|MSW|LCSW|LICSW|FRC\w*|FAC\w*|FAAN|PharmD|MPhil|MRCPsych|"
    r"DClinPsy|OTR|MHSc|MS|MBA|MEd|MSN|CPsychol|Dr)\.?,?$"
)
_MARKERS = re.compile(r"[\s\d,+*†‡§#]+$")
_BRACKET = re.compile(r"\s*\[([^\]]*)\]?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE_LIKE = re.compile(r"^\d{6,8}$|^\d{4}[-/.]\d{2}[-/.]\d{2}$")


def _clean_person(text: str) -> tuple[str, CreatorRole | None]:
    """ "Werner, S. M. [Author, Reprint Author; E-mail: …]" → ("Werner, S. M.", AUTHOR)."""
    role: CreatorRole | None = None
    for content in _BRACKET.findall(text):
        if re.search(r"\bEd(?:itor|s?\.?)?\b", content):
            role = CreatorRole.EDITOR
        elif re.search(r"\b(?:Author|Inventor)\b", content):
            role = CreatorRole.AUTHOR
    name = _BRACKET.sub(" ", text)
    name = _MARKERS.sub("", " ".join(name.split())).strip()
    family, comma, given = name.partition(",")
    tokens = given.replace(",", " ").split()
    while len(tokens) > 1 and _DEGREE.match(tokens[-1]):
        tokens.pop()
    if tokens and re.fullmatch(r"[^\W\d_]{2,}\.", tokens[-1]) and not tokens[-1].isupper():
        tokens[-1] = tokens[-1][:-1]  # "Mughees." → "Mughees"; "D." and "V.D." stay
    family = family.strip()
    given = " ".join(tokens)
    if family.isupper() and len(family) > 1 and given and not given.isupper():
        family = family.title()  # "AHMED, Mughees": capitals mark the family name
    return (f"{family}, {given}" if comma and given else family), role


def _split_people(value: str) -> list[str]:
    """One value of a name tag as names: "A, B;  C, D" (Books@Ovid) or one name.

    A semicolon inside brackets ("[Author; E-mail: …]") does not separate names.
    """
    return [part.strip() for part in re.split(r";(?![^\[]*\])", value) if part.strip()]


def _full_names(value: str) -> list[str]:
    """Ovid MEDLINE's display writes full names as "Repper, Julie. Carter, Tim."."""
    if value.count(",") < 2:
        return _split_people(value)
    names = re.split(r"(?<=[a-z\u00c0-\u024f])\.\s+(?=[^\s,]+(?:\s[^\s,]+)*,)", value)
    return [n.strip().rstrip(".") for name in names for n in _split_people(name)]


@dataclass
class _People:
    creators: list[Creator] = field(default_factory=list)
    as_written: list[str] = field(default_factory=list)

    def add(self, text: str, role: CreatorRole) -> None:
        cleaned, bracket_role = _clean_person(text)
        if not cleaned:
            self.as_written.append(text)
            return
        creator = parse_short_name(cleaned, bracket_role or role)
        self.creators.append(creator)
        if cleaned != text.strip() and text.strip() not in self.as_written:
            self.as_written.append(text.strip())


def _creators(record: TaggedRecord, extra: dict[str, str]) -> _People:
    people = _People()
    full = [n for v in record.values_of("FA") for n in _full_names(v.value)]
    short = [n for v in record.values_of("AU") for n in _split_people(v.value)]
    if full:
        record.use("FA")
        for name in full:
            people.add(name, CreatorRole.AUTHOR)
        if same_people([parse_short_name(_clean_person(n)[0]) for n in short], people.creators):
            record.use("AU")  # the same people, initialled
    else:
        record.use("AU")
        for name in short:
            people.add(name, CreatorRole.AUTHOR)
    for value in record.values_of("ED"):
        if _DATE_LIKE.match(value.value.strip()):
            continue  # Ovid MEDLINE's entry date, not an editor: left for extra
        value.used = True
        for name in _split_people(value.value):
            people.add(name, CreatorRole.EDITOR)
    if people.as_written:
        extra["ovid:AU"] = "\n".join(people.as_written)
    return people


# ---------------------------------------------------------------- dates


_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_WORD = rf"(?:{_MONTH_NAME}|Spring|Summer|Fall|Autumn|Winter)"
_DATE_WORDS = rf"{_DATE_WORD}(?:\s*[/-]\s*{_DATE_WORD})*"


def source_date(text: str) -> PartialDate | None:
    """A date as Ovid's citations write it: "Sep 2015", "November 15, 2004", "2007 15
    June", "January/February 2010" (kept as a season), "Winter 2007", "2021 03"."""
    text = collapse_spaces(text).strip(" .,;")
    if not text:
        return None
    text = re.sub(r"\b([A-Za-z]{3,9})\.(?=\s|$)", r"\1", text)  # "Nov. 16" → "Nov 16"
    match = re.fullmatch(r"(\d{4})\s+(\d{1,2})\s+([A-Za-z]+)", text)
    if match:  # Zoological Record: "2007 15 June"
        text = f"{match[2]} {match[3]} {match[1]}"
    match = re.fullmatch(r"(\d{4})\s+(\d{2})", text)
    if match:  # "2021 03"
        text = f"{match[1]}-{match[2]}"
    match = re.fullmatch(rf"({_DATE_WORD}\s*[/-]\s*{_DATE_WORDS})\s+(\d{{4}})", text)
    if match:  # "January/February 2010" → the range as a season
        return PartialDate(year=int(match[2]), season=re.sub(r"\s*([/-])\s*", r"\1", match[1]))
    return parse_date(text)


# ---------------------------------------------------------------- the citation in SO


@dataclass
class _Source:
    """What the citation line says, for the fields the record has no tag for."""

    container: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    date: PartialDate | None = None
    book_title: str = ""
    series: str = ""
    place: str = ""
    editors: list[str] = field(default_factory=list)


_ISSUE = r"\((?P<i>(?:[^()]|\([^()]*\))*)\)"
_VOLUME = r"(?P<v>\d[\w.-]*)"
_SOURCE_SHAPES = (
    # PsycINFO: "Journal. Vol.43(5), Sep 2015, pp. 623-634."
    re.compile(
        rf"^(?P<c>.+?)\.\s+Vol\.?\s*(?P<v>[^(,]+?)\s*(?:{_ISSUE})?\s*,\s*"
        rf"(?:(?P<d>[^,]*?\d{{4}}[^,]*?)\s*,\s*)?(?:pp\.?\s*(?P<p>.+?))?\.?$"
    ),
    # Embase: "Journal. 30 (2) (pp 150-157), 2021. Date of Publication: April 2021."
    re.compile(
        rf"^(?P<c>.+?)\.\s+{_VOLUME}\s*(?:\((?P<i>[^)]*)\))?\s*"
        rf"\((?:pp\s*(?P<p>[^)]*)|no pagination)\)\s*,\s*(?P<y>\d{{4}})\b.*$",
        re.IGNORECASE,
    ),
    # Journals@Ovid: "Journal January/February 2010;14(1):56"
    re.compile(
        rf"^(?P<c>.+?)(?<!\.)\s+(?P<d>(?:{_DATE_WORDS}(?:\s+\d{{1,2}})?,?\s+)?\d{{4}})\s*;\s*"
        rf"(?P<v>\d[^(:;]*?)?\s*(?:{_ISSUE})?\s*(?::\s*(?P<p>[^;]+?))?\.?$"
    ),
    # Zoological Record: "Hydrobiologia. 2007 15 June; 433-441."
    re.compile(
        rf"^(?P<c>.+?)\.\s+(?P<d>\d{{4}}(?:\s+\d{{1,2}})?(?:\s+{_DATE_WORDS})?)\s*;"
        rf"\s*(?P<p>.+?)\.*$"
    ),
    # BIOSIS, Ovid MEDLINE: "Journal. 201(2-3):327-334, November 15, 2004."
    re.compile(
        rf"^(?P<c>.+?)\.\s+{_VOLUME}\s*(?:{_ISSUE})?\s*(?::\s*(?P<p>[^,;]+?))?\s*"
        rf"(?:[,;]\s*(?P<d>[^,;]+(?:,\s*\d{{4}})?))?\.?$"
    ),
    # International Political Science Abstracts: "Journal 12, Winter 2007: 7-14."
    re.compile(rf"^(?P<c>.+?)\s+{_VOLUME},\s*(?P<d>[^:;,]*?\d{{4}})\s*:\s*(?P<p>.+?)\.?$"),
    # and "Journal, 2013(1): 3-28."
    re.compile(rf"^(?P<c>.+?),\s*{_VOLUME}\s*{_ISSUE}\s*:\s*(?P<p>.+?)\.?$"),
)
_PAGES = re.compile(r"^[A-Za-z]{0,3}\d+[A-Za-z]{0,3}(?:\s*[-–]\s*[A-Za-z]{0,3}\d+[A-Za-z]{0,3})?$")


def _page(text: str) -> str:
    """A page or range from a citation ("623-634", "e0102", "56"); not "9pp." or "No …"."""
    text = collapse_spaces(text).strip(" .,;")
    return expand_nlm_pages(re.sub(r"\s*[-–]\s*", "-", text)) if _PAGES.match(text) else ""


def parse_article_source(text: str) -> _Source:
    """The journal, volume, issue, pages and date of an article's citation line."""
    text = collapse_spaces(text)
    for shape in _SOURCE_SHAPES:
        match = shape.match(text)
        if not match:
            continue
        groups = {k: (v or "").strip() for k, v in match.groupdict().items()}
        date = source_date(groups.get("d", ""))
        if date is None and groups.get("y"):
            date = PartialDate(year=int(groups["y"]))
            published = re.search(r"Date of Publication:\s*(.+?)\.?$", text)
            date = (source_date(published[1]) if published else None) or date
        article = re.search(r"Article Number:\s*([^\s.]+)", text)
        return _Source(
            container=groups["c"].strip(" .,"),
            volume=groups.get("v", "").strip(" .,"),
            issue=groups.get("i", ""),
            page=_page(groups.get("p", "")) or (_page(article[1]) if article else ""),
            date=date,
        )
    # Anything else: the journal is the text before the first full stop or semicolon.
    container = re.split(r"[.;]|,\s*vol\.", text, maxsplit=1, flags=re.IGNORECASE)[0]
    pages = re.search(r"(?:pp\.?|:)\s*(\d+\s*-\s*\d+)", text)
    return _Source(container=container.strip(), page=_page(pages[1]) if pages else "")


_EDITOR_BRACKET = re.compile(r"\[([^\]]*)\]")


def parse_book_source(text: str, publisher: str) -> _Source:
    """A chapter's citation: its book's editors ("[Ed]"), title, pages, series and place.

    "Kamp, Roza Maria [Editor], Calvete, Juan J. [Editor]. Methods in proteome and protein
    analysis.:371-397, 2004. Series Information: Principles and Practice." (BIOSIS), or
    "Neenan, Michael [Ed]; Palmer, Stephen [Ed]. (2012). Book title. (pp. 11-31). xvii,
    254 pp. New York, NY, US: Routledge; US." (PsycINFO).
    """
    text = collapse_spaces(text)
    source = _Source()
    pieces = _EDITOR_BRACKET.split(text)
    rest_start = 0
    position = 0
    for index in range(0, len(pieces) - 1, 2):
        position += len(pieces[index]) + len(pieces[index + 1]) + 2
        if re.match(r"\s*Ed(?:itor|s?\.?)?\b", pieces[index + 1]):
            name = pieces[index].strip(" ,;")
            if name:
                source.editors.append(name)
            rest_start = position
    rest = text[rest_start:].lstrip(" .,;")
    year = re.match(r"\((\d{4})\)\.?\s*", rest)
    if year:
        source.date = PartialDate(year=int(year[1]))
        rest = rest[year.end() :]
    if rest.startswith("["):
        end = rest.find("]")
        source.book_title = rest[: end + 1] if end > 0 else rest
    elif rest:
        source.book_title = re.split(r"\.\s*(?=[:(\d]|$)|\.\s+(?=[A-Z][^.]*\d)", rest)[0].strip()
    pages = (
        re.search(r"Chapter pagination:\s*([^\s.,;]+)", text)
        or re.search(r"\(pp\.?\s*([^)]+)\)", text)
        or re.search(r"\.:\s*(\d+\s*-\s*\d+)", text)
    )
    if pages:
        source.page = _page(pages[1])
    series = re.search(r"Series Information:\s*(.+?)\.?$", text)
    if series:
        source.series = series[1].strip()
    if publisher:
        place = re.search(rf"\.\s+([^.:]+?):\s*{re.escape(publisher)}\.?$", text)
        if place:
            source.place = place[1].strip()
    return source


# ---------------------------------------------------------------- types, titles, abstracts


def _type(record: TaggedRecord, database: str) -> ReferenceType:
    """The type named by DT (PsycINFO's document type), then PT; an article otherwise."""
    if "books@ovid" in database.casefold():
        return ReferenceType.BOOK
    for kind in (v.casefold() for v in (*record.peek("DT"), *record.peek("PT"))):
        if _DATE_LIKE.match(kind.strip()):
            continue  # Ovid MEDLINE's DT is a date
        if "chapter" in kind:
            return ReferenceType.CHAPTER
        if "dissertation" in kind or "thesis" in kind:
            return ReferenceType.THESIS
        if re.search(r"\bbooks?\b", kind):
            return ReferenceType.BOOK
        if "patent" in kind:
            return ReferenceType.OTHER
        if re.search(r"conference|meeting|congress|proceedings", kind):
            return ReferenceType.PAPER_CONFERENCE
        if re.search(r"journal|article|review|letter|editorial|comment|case report", kind):
            return ReferenceType.ARTICLE_JOURNAL
        if re.fullmatch(r"(?:technical )?reports?\.?", kind.strip()):
            return ReferenceType.REPORT
        if "dataset" in kind or "data set" in kind:
            return ReferenceType.DATASET
    return ReferenceType.ARTICLE_JOURNAL


_TITLE_LABEL = re.compile(r"^(?P<title>.*?\S)\.?\s*\[(?P<label>[A-Z][\w ,&/-]{1,40})\][.\s]*$")


def clean_title(text: str) -> tuple[str, str]:
    """Ovid's title without its trailing label and full stop, and the label.

    "Peer work in crisis teams. [References]." → ("Peer work in crisis teams", "[References]");
    a title in brackets as a whole (Zoological Record's translated titles) stays as it is.
    """
    text = collapse_spaces(text)
    label = ""
    match = _TITLE_LABEL.match(text)
    if match and len(match["label"].split()) <= 4:
        text, label = match["title"], f"[{match['label']}]"
    if re.fullmatch(r'"[^"]+"\.?', text):
        text = text.strip('."')
    if text.endswith(".") and not text.endswith("..") and not text.startswith("["):
        text = text[:-1]
    return text.strip(), label


_IDENTIFIER = re.compile(r"\[(?:doi|pii|pmc|pmid)\]\s*$", re.IGNORECASE)


def _keywords(record: TaggedRecord, database: str) -> tuple[str, ...]:
    """Keywords (KW, split at ";"), subject headings (MH, and Embase's Emtree terms in DE,
    major-topic stars dropped) and PsycINFO's key concepts (ID, split at commas)."""
    headings = ("MH", "DE") if "embase" in database.casefold() else ("MH",)
    keywords: list[str] = []
    seen: set[str] = set()
    for value in record.values_of("KW", *headings, "ID"):
        if _IDENTIFIER.search(value.value):
            continue  # an article identifier ("10.1080/… [doi]"), left for extra
        value.used = True
        heading = value.tag in headings
        separator = ";" if value.tag == "KW" or heading or ";" in value.value else ","
        for word in value.value.split(separator):
            word = collapse_spaces(word.replace("*", "") if heading else word)
            word = word.strip(" .")
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                keywords.append(word)
    return tuple(keywords)


# ---------------------------------------------------------------- one record


def _first_url(record: TaggedRecord) -> str:
    """The record's own link: UR, a database's IU, or Ovid's link to the record (XL)."""
    for value in record.values_of("UR", "IU", "XL", "XP"):
        text = re.sub(r"^XL\s{1,3}-\s*", "", value.value.strip())
        match = re.match(r"https?://\S+", text)
        if not match:
            continue
        if value.tag in {"XL", "XP"} and "ovid.com" not in match[0]:
            continue  # a library's link resolver, kept in extra
        value.used = match[0] == value.value.strip()
        return match[0]
    return ""


def _standard_numbers(
    record: TaggedRecord, extra: dict[str, str], warnings: list[Diagnostic]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ISSNs (IS, IT, ES, IL) and ISBNs (IB); a value with more than numbers stays in extra."""
    issns: list[str] = []
    isbns: list[str] = []
    values = [v for tag in ("IS", "IL", "IT", "ES", "IB") for v in record.values_of(tag)]
    for value in values:  # print before electronic, whatever order the tags come in
        found_issns, found_isbns, other = split_standard_numbers([value.value])
        if not found_issns and not found_isbns:
            continue
        value.used = not other
        new_issns = [i for i in found_issns if i not in issns]
        new_isbns = [i for i in found_isbns if i not in isbns]
        warnings.extend(
            Diagnostic(m, value.line) for m in standard_number_warnings(new_issns, new_isbns)
        )
        issns += new_issns
        isbns += new_isbns
    return tuple(issns), tuple(isbns)


def _split_publisher(text: str) -> tuple[str, str]:
    """ "ISiEZH SO RAN, Novosibirsk" → publisher and place (Zoological Record's PB)."""
    publisher, comma, place = text.partition(",")
    return (publisher.strip(), place.strip()) if comma else (text.strip(), "")


def _record_to_reference(record: TaggedRecord) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    for value in record.values_of("VN"):
        value.used = value.value.strip().startswith("Ovid Technologies")
    database = record.take_first("DB").strip()
    if database:
        extra["database"] = database
    ref_type = _type(record, database)
    is_book = ref_type is ReferenceType.BOOK
    is_chapter = ref_type is ReferenceType.CHAPTER

    title, label = clean_title(record.take_first("TI"))
    if label:
        extra["ovid:TI"] = label
    if not title:
        warnings.append(Diagnostic("the record has no title", record.first_line))

    people = _creators(record, extra)
    publisher = place = ""
    if ref_type is ReferenceType.THESIS and record.has("IN"):
        # A thesis's institution is its publisher ("Sudler, Eric L.: St. John's U."); PU
        # names the service that distributes it (ProQuest), kept in extra.
        publisher = re.sub(r"^[^:]*:\s*", "", collapse_spaces(record.take_first("IN")))
    publisher = publisher or collapse_spaces(record.take_first("PU"))
    place = collapse_spaces(record.take_first("PL"))
    if not publisher and record.has("PB"):
        publisher, pb_place = _split_publisher(collapse_spaces(record.peek_first("PB")))
        if not place or pb_place in {"", place}:
            place = place or pb_place
            record.take_first("PB")  # else PB, with its other place, stays in extra

    citation = collapse_spaces(record.peek_first("SO"))
    book = collapse_spaces(record.peek_first("BT"))
    source = _Source()
    if is_chapter:
        source = parse_book_source(citation or book, publisher)
        if not source.book_title and book and citation:
            source = parse_book_source(book, publisher)
        if not people.creators or all(c.role is not CreatorRole.EDITOR for c in people.creators):
            for name in source.editors:
                people.add(name, CreatorRole.EDITOR)
    elif not is_book and citation:
        source = parse_article_source(citation)

    container = collapse_spaces(record.take_first("JN", "JT"))
    if is_chapter:
        container = container or source.book_title
    elif not is_book:
        container = container or source.container
    volume = record.take_first("VO", "VI").strip() or source.volume
    issue = record.take_first("IP").strip() or source.issue
    page = _page(record.peek_first("PG")) or source.page
    if page and page == _page(record.peek_first("PG")):
        record.take_first("PG")

    issued = _date(record, source.date)
    issns, isbns = _standard_numbers(record, extra, warnings)
    doi = ""
    for value in record.values_of("DO", "DI"):
        doi = doi_of_field(value.value)
        if doi:
            value.used = is_whole_doi(value.value, doi)
            break
    pmid = normalise_pmid(record.peek_first("PM"))
    if pmid and pmid == record.peek_first("PM").strip():
        record.take_first("PM")
    elif "medline" in database.casefold() or "pubmed" in database.casefold():
        pmid = normalise_pmid(record.peek_first("UI"))
        if pmid and pmid == record.peek_first("UI").strip():
            record.take_first("UI")
        else:
            pmid = ""
    else:
        pmid = ""

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(people.creators),
        container_title=container,
        container_title_short=collapse_spaces(record.take_first("TA")),
        collection_title=source.series,
        volume=volume,
        issue=issue,
        page=page,
        issued=issued,
        publisher=publisher,
        publisher_place=place or source.place,
        edition=collapse_spaces(record.take_first("ET", "EN")),
        issn=issns,
        isbn=isbns,
        doi=doi,
        pmid=pmid,
        url=_first_url(record),
        language=collapse_spaces(record.take_first("LG", "LA")).rstrip("."),
        abstract=abstract_sections(" ".join(record.take("AB"))),
        keywords=_keywords(record, database),
        extra=extra,
    )
    record.keep_leftovers(extra, "ovid", joiner="\n")
    return reference, warnings


def _date(record: TaggedRecord, from_source: PartialDate | None) -> PartialDate:
    """DP when it reads as a date, else the citation's date (if its year is YR's), else YR."""
    year_text = record.peek_first("YR").strip()
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else find_year(year_text)
    published = source_date(record.peek_first("DP"))
    if published is not None and published.year is not None:
        record.take_first("DP")
        if year == published.year:
            record.take_first("YR")
        month = source_date(f"{record.peek_first('MO')} {published.year}")
        if month is not None and month.month is not None and month.month == published.month:
            record.take_first("MO")  # PsycINFO's month again
        return published
    source_year = from_source.year if from_source is not None else None
    if from_source is not None and source_year is not None and year in (None, source_year):
        if year is not None:
            record.take_first("YR")
        return from_source
    if year is not None:
        if str(year) == year_text:
            record.take_first("YR")
        month_text = record.peek_first("MO").strip()
        with_month = source_date(f"{month_text} {year}") if month_text else None
        if with_month is not None:
            record.take_first("MO")
            return with_month
        return PartialDate(year=year)
    return PartialDate()


# ---------------------------------------------------------------- the reader


def _starts_record(line: str, current: Sequence[str]) -> bool:
    """A record number ("<1. >") or, after tag lines, a "VN  - Ovid Technologies" line."""
    if _RECORD_NUMBER.match(line):
        return True
    return bool(_VERSION_LINE.match(line)) and any(
        not _RECORD_NUMBER.match(c) and c.strip() for c in current
    )


def _is_long_label_block(lines: Sequence[str]) -> bool:
    """A display-format record: "<1>", then a known label with its value indented under it."""
    body = [line for line in lines[1:] if line.strip()]
    return (
        bool(lines)
        and bool(_LONG_RECORD_NUMBER.match(lines[0].strip()))
        and len(body) >= 2
        and body[0].strip().casefold() in LONG_LABELS
        and body[1][:1] in {" ", "\t"}
    )


def _parse_block(block: RecordBlock) -> tuple[TaggedRecord, list[tuple[int, str]]]:
    """The block's tag values: tagged lines, or long labels turned into their tags."""
    lines = textwrap.dedent("\n".join(block.lines)).split("\n")
    if len(lines) != len(block.lines):  # dedent keeps lines; be safe all the same
        lines = list(block.lines)
    numbered = bool(_RECORD_NUMBER.match(lines[0]))
    body = RecordBlock(block.first_line + numbered, tuple(lines[numbered:]))
    if _is_long_label_block(lines):
        record, stray = read_block(body, _LONG_SYNTAX)
        for value in record.values:
            label = value.tag.casefold()
            value.tag = LONG_LABELS.get(label, value.tag)
        record = TaggedRecord(record.values, block.first_line, block.last_line)
        return record, stray
    record, stray = read_block(body, _SYNTAX)
    return TaggedRecord(record.values, block.first_line, block.last_line), stray


def _is_record(record: TaggedRecord) -> bool:
    return record.has("VN", "DB", "TI", "AU", "SO", "AN", "UI")


class OvidReader:
    """Reads Ovid's tagged and display (long-label) exports."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure at "VN  - Ovid Technologies" near the top; not when it is Ovid's RIS."""
        head = text[:6000].lstrip("\ufeff")
        if re.search(r"(?m)^\s*TY {1,2}- ", head):
            return 0.0  # Ovid's RIS export is RIS
        if re.search(r"(?m)^\s*VN\s{1,3}-\s+Ovid Technologies\b", head):
            return 1.0
        numbered = re.search(r"(?m)^\s*<\s*\d+\s*\.?\s*>\s*$", head)
        if not numbered:
            return 0.0
        after = head[numbered.end() :]
        tags = re.findall(r"(?m)^\s*(?:DB|AN|UI|TI|AU|SO|AB|PT)\s{1,3}- ", after[:3000])
        if len(tags) >= 2:
            return 0.85
        labels = re.findall(r"(?m)^(\S[^\n]*)\n[ \t]+\S", after[:3000])
        if sum(label.strip().casefold() in LONG_LABELS for label in labels) >= 3:
            return 0.8
        return 0.0

    def read(self, text: str) -> ParseResult:
        """Every record; text outside records (a search history) is reported as skipped."""
        lines = text.lstrip("\ufeff").splitlines()
        skipped: list[Diagnostic] = []
        entries: list[ParsedEntry] = []
        for block in split_blocks(lines, _starts_record, blank_line_ends=False):
            record, stray = _parse_block(block)
            if not _is_record(record):
                first = next((line.strip() for line in block.lines if line.strip()), "")
                message = f"not an Ovid record; skipped: {first[:60]}"
                skipped.append(Diagnostic(message, block.first_line, Severity.INFO))
                continue
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
            raise FormatError(
                "no Ovid records found (a record starts with '<1. >' and 'VN  - Ovid Technologies')"
            )
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


READERS = (OvidReader(),)
