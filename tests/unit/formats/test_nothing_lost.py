"""Nothing lost (issue 13): every value a tagged or structured file holds is kept somewhere.

For RIS, MEDLINE, Web of Science, the Cochrane Library's export, Ovid, RefWorks, Refer,
BibTeX, EndNote XML, CSL-JSON and the Scopus and Web of Science tables, every non-empty input
value must end up in a field, in ``extra``, or in a warning naming it. The check is by
words: each word of an input value must be among the words PeerRef kept for that entry
(its fields, ``extra`` keys and values, its warnings and the file's), so a value read into
a field in another form (a name turned round, pages written out, a date parsed) still
counts as kept, while a value dropped on the floor does not.

The input values are found here, independently of the readers: tag lines and the lines
under them for the tagged formats, bibtexparser's raw fields for BibTeX, the elements of
each record for EndNote XML, every leaf of each item for CSL-JSON. The property is checked
on random records (hypothesis) and on every fixture of those formats.

Words that are markup rather than data are not asked for, and are listed in
``MARKUP_WORDS``. Values a reader writes in another vocabulary (type codes, language
codes, month names) are matched by adding the source's forms of what was read to the
kept words (``_derived_words``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string
from formats_golden import FORMATS_DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pylatexenc.latex2text import LatexNodes2Text

from peerref.core.dates import MONTHS
from peerref.formats._ris_dialects import PROCITE_LABELS, PROCITE_RECORD, WILEY_HEADER
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.formats.bibtex import BIBTEX_TYPES
from peerref.formats.endnote_xml import ENDNOTE_TYPES
from peerref.formats.medline import LANGUAGE_CODES
from peerref.formats.refer import REFER_TYPES
from peerref.formats.refworks import KNOWN_TAGS as REFWORKS_TAGS
from peerref.formats.refworks import RT_TYPES
from peerref.formats.registry import decode, parse_text
from peerref.formats.ris import RIS_TYPES
from peerref.formats.scopus_csv import PLACEHOLDERS as SCOPUS_PLACEHOLDERS

# Markup, not data: labels of standard numbers ("(Print)") and identifiers ("PMID: 123",
# MEDLINE's "[doi]"), BibTeX's name separator ("and").
MARKUP_WORDS = frozenset(
    {
        "print",
        "electronic",
        "linking",
        "online",
        "issn",
        "eissn",
        "isbn",
        "pbk",
        "hbk",
        "paper",
        "doi",
        "pii",
        "pmc",
        "pmid",
        "pmcid",
        "and",
    }
)
# Web of Science's document codes: J, B, S and P are the reference type itself.
WOS_TYPE_CODES = frozenset({"J", "B", "S", "P"})


def words(text: str) -> set[str]:
    """Case- and accent-folded words: what "the same value" means for this check."""
    folded = unicodedata.normalize("NFKD", re.sub(r"[_^]", "", text).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return set(re.findall(r"[^\W_]+", folded))


def _derived_words(entry: ParsedEntry) -> set[str]:
    """The source's own forms of what the reader read in its own vocabulary."""
    ref = entry.reference
    derived = {ref.type.value, ref.status.replace("-", "")}  # "aheadofprint"
    derived |= {code for code, t in RIS_TYPES.items() if t is ref.type}
    derived |= {name for name, t in BIBTEX_TYPES.items() if t is ref.type}
    derived |= {name for name, t in ENDNOTE_TYPES.items() if t is ref.type}
    derived |= {code for code, language in LANGUAGE_CODES.items() if language == ref.language}
    if ref.issued.month:
        derived |= {name for name, number in MONTHS.items() if number == ref.issued.month}
    if ref.doi:
        derived |= {"https", "http", "dx", "doi", "org"}  # a DOI given as a link
    derived |= {issn.replace("-", "") for issn in ref.issn}  # EBSCOhost's "13510126"
    notes = (line.partition("-")[2].strip() for line in entry.raw_text.splitlines())
    if any(PROCITE_RECORD.match(note) for note in notes):  # "N1  - Language: English"
        derived |= PROCITE_LABELS
    for creator in ref.creators:  # "Okafor CN" beside "Okafor, Chidinma N"; "LL" as "L. L."
        parts = creator.given.split()
        derived.add("".join(part[0] for part in parts))
        initials = [p[0] for p in parts if len(p.rstrip(".")) == 1 and p[0].isalpha()]
        derived |= {
            "".join(initials[i:j])
            for i in range(len(initials))
            for j in range(i + 1, len(initials) + 1)
        }
    return {w for text in derived for w in words(text)}


def kept_words(entry: ParsedEntry, result: ParseResult) -> set[str]:
    """Every word PeerRef kept for ``entry``: fields, extra, warnings, derived forms."""
    ref = entry.reference
    texts = [
        ref.title,
        ref.title_short,
        ref.container_title,
        ref.container_title_short,
        ref.collection_title,
        ref.volume,
        ref.issue,
        ref.page,
        ref.status,
        ref.publisher,
        ref.publisher_place,
        ref.edition,
        ref.doi,
        ref.pmid,
        ref.pmcid,
        ref.url,
        ref.language,
        ref.abstract_text,
        ref.issued.iso(),
        ref.issued.season,
        ref.issued.literal,
        *ref.issn,
        *ref.isbn,
        *ref.keywords,
        *(" ".join((c.display_name(), c.family, c.given, c.particle)) for c in ref.creators),
        *(f"{key} {value}" for key, value in ref.extra.items()),
        *(str(d) for d in (*entry.warnings, *result.warnings, *result.skipped)),
    ]
    found: set[str] = set()
    for text in texts:
        found |= words(text)
    return found | _derived_words(entry)


def missing(value: str, kept: set[str]) -> set[str]:
    """The words of ``value`` not kept. A number is kept as the end of a kept number
    ("6913-7" is kept as 6913-6917) or with other leading zeros ("06" as "6")."""
    absent = set()
    numbers = [w for w in kept if w.isdigit()]
    for word in words(value) - kept - MARKUP_WORDS:
        if word.isdigit() and any(n.endswith(word) or int(n) == int(word) for n in numbers):
            continue
        absent.add(word)
    return absent


def assert_nothing_lost(
    result: ParseResult, values_by_entry: list[list[tuple[str, str]]], source: str
) -> None:
    """Each entry's input values (label, value) are kept; the message names what is not."""
    assert len(result.entries) == len(values_by_entry), source
    lost: list[str] = []
    for index, (entry, values) in enumerate(zip(result.entries, values_by_entry, strict=True)):
        kept = kept_words(entry, result)
        for label, value in values:
            if absent := missing(value, kept):
                lost.append(f"entry {index} {label} {value!r}: {sorted(absent)}")
    assert not lost, f"{source}:\n" + "\n".join(lost)


# ---------------------------------------------------------------- input values, per format

RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,3}-(?:[ \t](.*)|[ \t]*)$")
MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}-(?: (.*))?$")
WOS_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")


def tagged_values(raw: str, tag_line: re.Pattern[str]) -> list[tuple[str, str]]:
    """(tag, value) of each tag line, and ("…", text) of each line under one."""
    values: list[tuple[str, str]] = []
    for line in raw.replace("\ufeff", "").splitlines():
        match = tag_line.match(line.rstrip())
        if match:
            values.append((match.group(1), (match.group(2) or "").strip()))
        elif line.strip():
            values.append(("…", line.strip()))
    return [(tag, value) for tag, value in values if value]


def ris_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    return tagged_values(entry.raw_text, RIS_TAG)


COCHRANE_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}):(?:[ \t]+(.*)|[ \t]*)$")


def cochrane_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    """The values of a Cochrane record; Wiley's "Record #1 of 3" lines hold no data."""
    values = tagged_values(entry.raw_text, COCHRANE_TAG)
    return [(tag, value) for tag, value in values if not WILEY_HEADER.match(value)]


def medline_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    return tagged_values(entry.raw_text, MEDLINE_TAG)


def wos_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    return [
        (tag, value)
        for tag, value in tagged_values(entry.raw_text, WOS_TAG)
        if not (tag == "PT" and value in WOS_TYPE_CODES)
    ]


_LATEX = LatexNodes2Text(math_mode="text")
_STRING = re.compile(r"@string\s*[{(]\s*([^\s=]+)\s*=\s*[\"{](.*?)[\"}]\s*[})]", re.I | re.S)


def bibtex_values(entry: ParsedEntry, whole_text: str) -> list[tuple[str, str]]:
    """The raw fields of the entry, LaTeX read and ``@string`` names replaced by values."""
    macros = {name.casefold(): value for name, value in _STRING.findall(whole_text)}
    library = parse_string(entry.raw_text, parse_stack=[])
    values: list[tuple[str, str]] = []
    for bib_entry in library.entries:
        if bib_entry.entry_type.casefold() not in BIBTEX_TYPES:
            values.append(("@type", bib_entry.entry_type))
        values.append(("key", bib_entry.key))
        for item in bib_entry.fields:
            text = " ".join(macros.get(w.casefold(), w) for w in re.split(r"(\s+)", item.value))
            with contextlib.suppress(
                Exception
            ):  # broken LaTeX is kept as written, as the reader does
                text = str(_LATEX.latex_to_text(text))
            values.append((item.key, text))
    return values


def endnote_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    """The text of every element of the record but its type code."""
    record = etree.fromstring(entry.raw_text.encode("utf-8"))
    values: list[tuple[str, str]] = []
    for element in record.iter():
        if not isinstance(element.tag, str) or element.tag == "ref-type":
            continue
        own = "".join([element.text or "", *(c.tail or "" for c in element if c.tag != "style")])
        if element.tag == "style":
            own = element.text or ""
        if own.strip():
            values.append((str(element.tag), own))
    return values


# Keys of which one makes a JSON object a CSL item (the reader's own rule).
CSL_ITEM_KEYS = frozenset({"type", "title", "author", "issued", "container-title", "DOI", "editor"})


def csl_values(item: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every leaf of a CSL item; a numeric id is the library's own key, not data."""
    if isinstance(item, dict):
        for key, value in item.items():
            if not (path == "" and key == "id" and isinstance(value, int)):
                yield from csl_values(value, f"{path}/{key}")
    elif isinstance(item, list):
        for value in item:
            yield from csl_values(value, path)
    elif item is not None and str(item).strip():
        yield path, str(item)


# ---------------------------------------------------------------- the fixtures


def _fixtures(folder: str, *suffixes: str) -> list[Path]:
    return sorted(p for p in (FORMATS_DATA / folder).iterdir() if p.suffix in suffixes)


TAGGED_FIXTURES = [
    *((p, ris_values) for p in _fixtures("ris", ".ris")),
    *((p, medline_values) for p in _fixtures("medline", ".nbib")),
    *((p, wos_values) for p in _fixtures("wos", ".txt")),
    *((p, cochrane_values) for p in _fixtures("cochrane", ".txt")),
    *((p, endnote_values) for p in _fixtures("endnote_xml", ".xml")),
]


@pytest.mark.parametrize(
    ("path", "values_of"), TAGGED_FIXTURES, ids=[p.name for p, _ in TAGGED_FIXTURES]
)
def test_nothing_in_a_fixture_is_lost(path: Path, values_of: Any) -> None:
    result = parse_text(path.read_bytes().decode("utf-8"))
    assert_nothing_lost(result, [values_of(e) for e in result.entries], path.name)


@pytest.mark.parametrize("path", _fixtures("bibtex", ".bib"), ids=lambda p: p.name)
def test_nothing_in_a_bibtex_fixture_is_lost(path: Path) -> None:
    text = path.read_text("utf-8")
    result = parse_text(text)
    assert_nothing_lost(result, [bibtex_values(e, text) for e in result.entries], path.name)


@pytest.mark.parametrize(
    "path", [FORMATS_DATA / "csl_json" / n for n in ("single_item.json", "zotero_export.json")]
)
def test_nothing_in_a_csl_json_fixture_is_lost(path: Path) -> None:
    document = json.loads(path.read_text("utf-8"))
    items = document if isinstance(document, list) else [document]
    result = parse_text(path.read_text("utf-8"))
    read = [i for i in items if isinstance(i, dict) and set(i) & CSL_ITEM_KEYS]
    assert_nothing_lost(result, [list(csl_values(i)) for i in read], path.name)
    # What is not an item is skipped with a message that shows it.
    reported = " ".join(str(d) for d in result.skipped)
    for item in items:
        if item not in read:
            assert not missing(json.dumps(item), words(reported)), item


# ---------------------------------------------------------------- random records

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORD = st.text("abcdefghijkLMNOPQRSTxyz0123456789", min_size=1, max_size=8)
# Values as exports write them: words with spaces, commas, semicolons, slashes, dashes.
VALUE = st.lists(WORD, min_size=1, max_size=5).flatmap(
    lambda ws: st.sampled_from([" ", ", ", "; ", "/", "-"]).map(lambda sep: sep.join(ws))
)
# Names: at most one comma, as "Family, Given" (core.names reads three comma parts).
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join) | st.tuples(WORD, WORD).map(", ".join)


def _tag(known: list[str]) -> st.SearchStrategy[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    random_tag = st.tuples(st.sampled_from(letters), st.sampled_from(letters + "0123456789"))
    return st.sampled_from(known) | random_tag.map("".join)


RIS_TAGS = ["AU", "A1", "A2", "A3", "A4", "TI", "T1", "T2", "T3", "JO", "JF", "JA", "J2",
            "VL", "IS", "SP", "EP", "PY", "Y1", "DA", "SN", "DO", "UR", "KW", "AB", "N1",
            "N2", "PB", "CY", "ET", "LA", "ST", "M3", "DB", "L3", "C1", "C3", "AN",
            "M1"]  # fmt: skip
# Lines that make a record one of the RIS dialects PeerRef reads (EBSCOhost, the Cochrane
# Library, ProCite), so the random records go through their rules too.
RIS_DIALECT_LINES = ["DP  - EBSCOhost", "AN  - CN-01234567", "N1  - Record ID: 7", "DB  - psyh"]


@st.composite
def ris_record(draw: st.DrawFn) -> str:
    lines = [f"TY  - {draw(st.sampled_from([*RIS_TYPES, 'ODD']))}"]
    lines += draw(st.lists(st.sampled_from(RIS_DIALECT_LINES), max_size=2, unique=True))
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(RIS_TAGS))
        if tag in {"TY", "ER"}:
            continue
        note = st.sampled_from(["Accession Number: ", "Language: ", "Series Title: ", ""])
        value = draw(NAME if tag[0] == "A" else VALUE)
        lines.append(f"{tag}  - {draw(note) if tag == 'N1' else ''}{value}")
        if draw(st.booleans()) and tag[0] != "A":
            lines.append(draw(VALUE))  # an untagged line under it
    return "\n".join([*lines, "ER  - "]) + "\n"


@PROPERTY
@given(text=ris_record())
def test_nothing_in_a_random_ris_record_is_lost(text: str) -> None:
    result = parse_text(text, "ris")
    assert_nothing_lost(result, [ris_values(e) for e in result.entries], text)


COCHRANE_TAGS = ["AU", "TI", "SO", "YR", "VL", "NO", "PG", "XR", "PM", "PT", "KY", "DOI",
                 "US", "CC", "AB", "PB", "LA", "SN", "EM"]  # fmt: skip


@st.composite
def cochrane_record(draw: st.DrawFn) -> str:
    lines = ["Record #1 of 1", f"ID: {draw(st.sampled_from(['CN-01234567', 'CD012345']))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(COCHRANE_TAGS))
        lines.append(f"{tag}: {draw(NAME if tag == 'AU' else VALUE)}")
        if draw(st.booleans()) and tag != "AU":
            lines.append(draw(VALUE))  # an untagged line under it
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=cochrane_record())
def test_nothing_in_a_random_cochrane_record_is_lost(text: str) -> None:
    result = parse_text(text, "cochrane")
    assert_nothing_lost(result, [cochrane_values(e) for e in result.entries], text)


MEDLINE_TAGS = ["TI", "AB", "FAU", "AU", "CN", "FED", "ED", "DP", "JT", "TA", "VI", "IP",
                "PG", "LID", "AID", "IS", "ISBN", "PT", "MH", "OT", "LA", "PMC", "AD", "SO",
                "PL", "PB", "BTI", "CTI", "EN", "PST", "OWN", "STAT"]  # fmt: skip


@st.composite
def medline_record(draw: st.DrawFn) -> str:
    lines = [f"PMID- {draw(st.integers(1, 99999999))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(MEDLINE_TAGS))
        if tag == "PMID":
            continue
        person = tag in {"FAU", "AU", "FED", "ED"}
        lines.append(f"{tag:<4}- {draw(NAME if person else VALUE)}")
        if draw(st.booleans()) and not person:
            lines.append(f"      {draw(VALUE)}")
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=medline_record())
def test_nothing_in_a_random_medline_record_is_lost(text: str) -> None:
    result = parse_text(text, "medline")
    assert_nothing_lost(result, [medline_values(e) for e in result.entries], text)


WOS_TAGS = ["AU", "AF", "CA", "BE", "TI", "SO", "SE", "JI", "J9", "VL", "IS", "BP", "EP",
            "PS", "AR", "PY", "PD", "DI", "SN", "EI", "BN", "AB", "DE", "ID", "BD", "LA",
            "PU", "PI", "PM", "DT", "UT", "C1", "EM"]  # fmt: skip


@st.composite
def wos_record(draw: st.DrawFn) -> str:
    lines = [
        "FN Clarivate Analytics Web of Science",
        "VR 1.0",
        f"PT {draw(st.sampled_from('JBSP'))}",
    ]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(WOS_TAGS))
        if tag in {"PT", "ER", "EF", "FN", "VR"}:
            continue
        person = tag in {"AU", "AF", "BE"}
        lines.append(f"{tag} {draw(NAME if person else VALUE)}")
        if draw(st.booleans()):
            indent = draw(st.sampled_from(["   ", ""]))
            continuation = draw(NAME if person else VALUE)
            if not WOS_TAG.match(indent + continuation):
                lines.append(indent + continuation)
    return "\n".join([*lines, "ER", "", "EF"]) + "\n"


@PROPERTY
@given(text=wos_record())
def test_nothing_in_a_random_web_of_science_record_is_lost(text: str) -> None:
    result = parse_text(text, "wos")
    assert_nothing_lost(result, [wos_values(e) for e in result.entries], text)


BIBTEX_FIELDS = ["author", "editor", "title", "journal", "journaltitle", "booktitle", "series",
                 "volume", "number", "pages", "year", "month", "date", "publisher", "school",
                 "address", "location", "edition", "issn", "isbn", "doi", "url", "pmid",
                 "keywords", "abstract", "note", "language", "shorttitle", "fjournal"]  # fmt: skip


@st.composite
def bibtex_entry(draw: st.DrawFn) -> str:
    entry_type = draw(st.sampled_from([*BIBTEX_TYPES, "odd"]))
    names = draw(st.lists(st.sampled_from(BIBTEX_FIELDS) | WORD.map(str.lower), max_size=10))
    fields: list[str] = []
    for name in dict.fromkeys(names):  # one of each: a repeated field is its own test
        person = name in {"author", "editor"}
        value = " and ".join(draw(st.lists(NAME, min_size=1, max_size=3))) if person else None
        fields.append(f"  {name} = {{{value or draw(VALUE)}}}")
    return f"@{entry_type}{{{draw(WORD)},\n" + ",\n".join(fields) + "\n}\n"


@PROPERTY
@given(text=bibtex_entry())
def test_nothing_in_a_random_bibtex_entry_is_lost(text: str) -> None:
    result = parse_text(text, "bibtex")
    assert_nothing_lost(result, [bibtex_values(e, text) for e in result.entries], text)


ENDNOTE_PATHS = ["titles/title", "titles/secondary-title", "titles/tertiary-title",
                 "titles/alt-title", "titles/short-title", "periodical/full-title",
                 "periodical/abbr-1", "pages", "volume", "number", "issue", "edition",
                 "dates/year", "dates/pub-dates/date", "isbn", "electronic-resource-num",
                 "abstract", "keywords/keyword", "urls/related-urls/url", "urls/web-urls/url",
                 "publisher", "pub-location", "language", "notes", "accession-num",
                 "remote-database-name", "section", "label", "custom1"]  # fmt: skip
ENDNOTE_PEOPLE = ["contributors/authors/author", "contributors/secondary-authors/author",
                  "contributors/tertiary-authors/author"]  # fmt: skip


@st.composite
def endnote_record(draw: st.DrawFn) -> str:
    record = etree.Element("record")
    type_name = draw(st.sampled_from([*(n.title() for n in ENDNOTE_TYPES), "Odd Type"]))
    etree.SubElement(record, "ref-type", name=type_name).text = "17"
    for path in draw(st.lists(st.sampled_from(ENDNOTE_PATHS + ENDNOTE_PEOPLE), max_size=10)):
        parent = record
        *containers, leaf = path.split("/")
        for tag in containers:
            found = parent.find(tag)
            parent = found if found is not None else etree.SubElement(parent, tag)
        element = etree.SubElement(parent, leaf)
        style = etree.SubElement(element, "style", face="normal")
        style.text = draw(NAME if path in ENDNOTE_PEOPLE else VALUE)
    records = etree.Element("records")
    records.append(record)
    root = etree.Element("xml")
    root.append(records)
    return etree.tostring(root, encoding="unicode")


@PROPERTY
@given(text=endnote_record())
def test_nothing_in_a_random_endnote_record_is_lost(text: str) -> None:
    result = parse_text(text, "endnote-xml")
    assert_nothing_lost(result, [endnote_values(e) for e in result.entries], text)


CSL_KEYS = ["title", "title-short", "container-title", "container-title-short",
            "collection-title", "volume", "issue", "page", "status", "publisher",
            "publisher-place", "edition", "DOI", "PMID", "PMCID", "URL", "language",
            "ISSN", "ISBN", "abstract", "keyword", "note", "event-title", "number"]  # fmt: skip
CSL_NAME = st.fixed_dictionaries({"family": WORD}, optional={"given": WORD}) | (
    st.fixed_dictionaries({"literal": VALUE})
)
CSL_DATE = st.fixed_dictionaries(
    {"date-parts": st.lists(st.integers(1, 2100), min_size=1, max_size=3).map(lambda p: [p])}
)


@st.composite
def csl_item(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {"type": draw(st.sampled_from(["article-journal", "chapter", "patent"]))}
    for key in draw(st.lists(st.sampled_from(CSL_KEYS) | WORD, max_size=8)):
        item[key] = draw(VALUE | st.integers(0, 9999))
    if draw(st.booleans()):
        item["author"] = draw(st.lists(CSL_NAME, min_size=1, max_size=3))
    if draw(st.booleans()):
        item["issued"] = draw(CSL_DATE)
    return item


@PROPERTY
@given(items=st.lists(csl_item(), min_size=1, max_size=3))
def test_nothing_in_a_random_csl_json_item_is_lost(items: list[dict[str, Any]]) -> None:
    result = parse_text(json.dumps(items), "csl-json")
    assert_nothing_lost(result, [list(csl_values(i)) for i in items], json.dumps(items))


# ---------------------------------------------------------------- structured formats
# PubMed XML, MODS and Crossref XML (every element's own text), DataCite and OpenAlex JSON
# (every leaf). A reader may leave out a part it names in a note (a list of cited works,
# OpenAlex's citation counts): values under a path a diagnostic names are not asked for.

_PATH_TOKEN = re.compile(r"[\w@\[\]=/.-]+")


def xml_values(raw: str) -> list[tuple[str, str]]:
    """(path, own text) of every element of a record, namespaces dropped."""
    record = etree.fromstring(raw.encode("utf-8"))
    values: list[tuple[str, str]] = []

    def walk(element: Any, path: str) -> None:
        own = "".join([element.text or "", *(c.tail or "" for c in element)])
        if own.strip():
            values.append((path, own))
        for child in element:
            if isinstance(child.tag, str):
                walk(
                    child,
                    f"{path}/{etree.QName(child).localname}"
                    if path
                    else etree.QName(child).localname,
                )

    for child in record:
        if isinstance(child.tag, str):
            walk(child, etree.QName(child).localname)
    own = "".join([record.text or "", *(c.tail or "" for c in record)])
    if own.strip():
        values.append(("", own))
    return values


def json_values(item: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path without list indices, text) of every leaf; null and false are no value."""
    if isinstance(item, dict):
        for key, value in item.items():
            yield from json_values(value, f"{path}/{key}" if path else str(key))
    elif isinstance(item, list):
        for value in item:
            yield from json_values(value, path)
    elif item is True:
        yield path, "true"
    elif item is not None and item is not False and str(item).strip():
        yield path, str(item)


def _named(path: str, entry: ParsedEntry, result: ParseResult) -> bool:
    """Whether a diagnostic names ``path`` or a part it is under."""
    named = {
        token.strip(".,:;()")
        for d in (*entry.warnings, *result.warnings, *result.skipped)
        for token in _PATH_TOKEN.findall(str(d))
    }
    steps = [re.sub(r"\[.*?\]", "", step) for step in path.split("/")]
    return any("/".join(steps[:end]) in named for end in range(1, len(steps) + 1))


# The words that name the creator roles PeerRef read (MODS roleTerm, MARC relator codes).
ROLE_WORDS = {
    "author": {"author", "aut", "cre", "creator"},
    "editor": {"editor", "edt"},
    "translator": {"translator", "trl"},
}


# Keys and elements that say how a value is meant (a name's type, a date's kind, a caption
# "no."), not values: a reader uses them to place the value they qualify.
QUALIFIERS = frozenset(
    {"nameType", "titleType", "dateType", "descriptionType", "relationType", "lang", "caption"}
)
# Links that stand for an identifier PeerRef keeps (as "https://doi.org/…" does for a DOI).
ID_LINK_WORDS = {
    "pmid": words("https://pubmed.ncbi.nlm.nih.gov/ http://www.ncbi.nlm.nih.gov/pubmed/"),
    "pmcid": words("https://www.ncbi.nlm.nih.gov/pmc/articles/"),
}


def _is_qualifier(path: str, value: str) -> bool:
    leaf = path.rsplit("/", 1)[-1]
    return leaf in QUALIFIERS or (leaf == "title" and path.endswith("abstract/title"))


def assert_structured_nothing_lost(
    result: ParseResult, values_by_entry: list[list[tuple[str, str]]], source: str
) -> None:
    """As ``assert_nothing_lost``; values under a part a diagnostic names are not asked for,
    and the role words of the creators read count as kept."""
    assert len(result.entries) == len(values_by_entry), source
    lost: list[str] = []
    for index, (entry, values) in enumerate(zip(result.entries, values_by_entry, strict=True)):
        kept = kept_words(entry, result)
        for creator in entry.reference.creators:
            kept |= ROLE_WORDS[creator.role.value]
        for identifier, link_words in ID_LINK_WORDS.items():
            if number := getattr(entry.reference, identifier):
                kept |= link_words | {number.removeprefix("PMC")}
        for label, value in values:
            if _is_qualifier(label, value) or _named(label, entry, result):
                continue
            if label.startswith("abstract_inverted_index/"):
                # OpenAlex's abstract: word -> positions. The word is the value.
                label, value = "abstract_inverted_index", label.partition("/")[2]
            if absent := missing(value, kept):
                lost.append(f"entry {index} {label} {value!r}: {sorted(absent)}")
    assert not lost, f"{source}:\n" + "\n".join(lost)


def _structured_fixtures(folder: str, suffix: str) -> list[Path]:
    return [p for p in _fixtures(folder, suffix) if not p.name.endswith(".expected.json")]


STRUCTURED_XML_FIXTURES = [
    *_structured_fixtures("pubmed_xml", ".xml"),
    *_structured_fixtures("mods", ".xml"),
    *_structured_fixtures("crossref_xml", ".xml"),
]
STRUCTURED_JSON_FIXTURES = [
    *_structured_fixtures("datacite_json", ".json"),
    *_structured_fixtures("openalex_json", ".json"),
]


@pytest.mark.parametrize("path", STRUCTURED_XML_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_nothing_in_a_structured_xml_fixture_is_lost(path: Path) -> None:
    result = parse_text(path.read_text("utf-8"))
    values = [xml_values(e.raw_text) for e in result.entries]
    assert_structured_nothing_lost(result, values, path.name)


@pytest.mark.parametrize(
    "path", STRUCTURED_JSON_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_nothing_in_a_structured_json_fixture_is_lost(path: Path) -> None:
    result = parse_text(path.read_text("utf-8"))
    values = [list(json_values(json.loads(e.raw_text))) for e in result.entries]
    assert_structured_nothing_lost(result, values, path.name)


def _xml_record(draw: st.DrawFn, root: str, paths: list[str], people: dict[str, list[str]]) -> Any:
    """An element ``root`` with random values at some of ``paths`` and random people.

    ``people`` maps a list path ("MedlineCitation/Article/AuthorList/Author") to the parts
    of one person; each drawn person is a new element there.
    """
    record = etree.Element(root)

    def element_at(path: str, new_leaf: bool) -> Any:
        parent = record
        *containers, leaf = path.split("/")
        for tag in containers:
            found = parent.find(tag)
            parent = found if found is not None else etree.SubElement(parent, tag)
        return etree.SubElement(parent, leaf) if new_leaf else parent

    for path in draw(st.lists(st.sampled_from(paths) | WORD.map(lambda w: f"x{w}"), max_size=10)):
        element_at(path, True).text = draw(VALUE)
    for path, parts in people.items():
        for _ in range(draw(st.integers(0, 2))):
            person = element_at(path, True)
            for part in draw(st.lists(st.sampled_from(parts), min_size=1, max_size=3, unique=True)):
                etree.SubElement(person, part).text = draw(WORD)
    return record


PUBMED_PATHS = [
    f"MedlineCitation/{p}"
    for p in (
        "PMID", "Article/ArticleTitle", "Article/VernacularTitle", "Article/Journal/Title",
        "Article/Journal/ISOAbbreviation", "Article/Journal/ISSN",
        "Article/Journal/JournalIssue/Volume", "Article/Journal/JournalIssue/Issue",
        "Article/Journal/JournalIssue/PubDate/Year",
        "Article/Journal/JournalIssue/PubDate/Month",
        "Article/Journal/JournalIssue/PubDate/Day",
        "Article/Journal/JournalIssue/PubDate/MedlineDate",
        "Article/Pagination/MedlinePgn", "Article/Pagination/StartPage", "Article/ELocationID",
        "Article/Abstract/AbstractText", "Article/Abstract/CopyrightInformation",
        "Article/Language", "Article/PublicationTypeList/PublicationType",
        "MeshHeadingList/MeshHeading/DescriptorName", "MeshHeadingList/MeshHeading/QualifierName",
        "KeywordList/Keyword", "MedlineJournalInfo/MedlineTA", "MedlineJournalInfo/Country",
        "DateRevised/Year",
    )
] + ["PubmedData/ArticleIdList/ArticleId", "PubmedData/PublicationStatus"]  # fmt: skip
PUBMED_PEOPLE = {
    "MedlineCitation/Article/AuthorList/Author": [
        "LastName", "ForeName", "Initials", "Suffix", "CollectiveName", "Identifier"
    ],
}  # fmt: skip


@st.composite
def pubmed_article(draw: st.DrawFn) -> str:
    article = _xml_record(draw, "PubmedArticle", PUBMED_PATHS, PUBMED_PEOPLE)
    if article.find("MedlineCitation") is None:
        etree.SubElement(article, "MedlineCitation")
    root = etree.Element("PubmedArticleSet")
    root.append(article)
    return etree.tostring(root, encoding="unicode")


@PROPERTY
@given(text=pubmed_article())
def test_nothing_in_a_random_pubmed_article_is_lost(text: str) -> None:
    result = parse_text(text, "pubmed-xml")
    assert_structured_nothing_lost(result, [xml_values(e.raw_text) for e in result.entries], text)


MODS_PATHS = [
    "titleInfo/title", "titleInfo/subTitle", "titleInfo/partNumber", "genre", "typeOfResource",
    "originInfo/publisher", "originInfo/dateIssued", "originInfo/place/placeTerm",
    "originInfo/edition", "language/languageTerm", "abstract", "note", "subject/topic",
    "subject/geographic", "identifier", "location/url", "accessCondition", "classification",
    "relatedItem/titleInfo/title", "relatedItem/part/detail/number",
    "relatedItem/part/extent/start", "relatedItem/part/date", "physicalDescription/extent",
    "recordInfo/recordIdentifier", "tableOfContents",
]  # fmt: skip
MODS_PEOPLE = {"name": ["namePart", "displayForm", "affiliation"]}


@st.composite
def mods_record(draw: st.DrawFn) -> str:
    return etree.tostring(_xml_record(draw, "mods", MODS_PATHS, MODS_PEOPLE), encoding="unicode")


@PROPERTY
@given(text=mods_record())
def test_nothing_in_a_random_mods_record_is_lost(text: str) -> None:
    result = parse_text(text, "mods")
    assert_structured_nothing_lost(result, [xml_values(e.raw_text) for e in result.entries], text)


CROSSREF_PATHS = [
    "journal_metadata/full_title", "journal_metadata/abbrev_title", "journal_metadata/issn",
    "journal_issue/journal_volume/volume", "journal_issue/issue",
    "journal_issue/publication_date/year", "journal_article/titles/title",
    "journal_article/titles/subtitle", "journal_article/publication_date/year",
    "journal_article/publication_date/month", "journal_article/publication_date/day",
    "journal_article/pages/first_page", "journal_article/pages/last_page",
    "journal_article/publisher_item/item_number", "journal_article/doi_data/doi",
    "journal_article/doi_data/resource", "journal_article/abstract/p",
    "journal_article/program/license_ref",
]  # fmt: skip
CROSSREF_PEOPLE = {
    "journal_article/contributors/person_name": [
        "given_name", "surname", "suffix", "affiliation", "ORCID"
    ],
}  # fmt: skip


@st.composite
def crossref_record(draw: st.DrawFn) -> str:
    journal = _xml_record(draw, "journal", CROSSREF_PATHS, CROSSREF_PEOPLE)
    crossref = etree.Element("crossref")
    crossref.append(journal)
    record = etree.Element("doi_record")
    record.append(crossref)
    root = etree.Element("doi_records")
    root.append(record)
    return etree.tostring(root, encoding="unicode")


@PROPERTY
@given(text=crossref_record())
def test_nothing_in_a_random_crossref_record_is_lost(text: str) -> None:
    result = parse_text(text, "crossref-xml")
    assert_structured_nothing_lost(result, [xml_values(e.raw_text) for e in result.entries], text)


JSON_LEAF = VALUE | st.integers(0, 3000) | st.booleans()


def _json_object(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys) | WORD, JSON_LEAF, max_size=4)


DATACITE_PERSON = _json_object(
    ["name", "givenName", "familyName", "nameType", "affiliation", "contributorType"]
)


@st.composite
def datacite_record(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {
        "types": draw(_json_object(["resourceTypeGeneral", "citeproc", "resourceType", "ris"])),
        "titles": draw(st.lists(_json_object(["title", "titleType", "lang"]), max_size=2)),
    }
    for key in draw(
        st.lists(
            st.sampled_from(
                ["doi", "url", "publisher", "publicationYear", "language", "version", "state"]
            )
            | WORD,
            max_size=5,
        )
    ):
        record[key] = draw(JSON_LEAF)
    record["creators"] = draw(st.lists(DATACITE_PERSON, max_size=2))
    record["contributors"] = draw(st.lists(DATACITE_PERSON, max_size=2))
    for key, fields in (
        ("subjects", ["subject", "subjectScheme"]),
        ("dates", ["date", "dateType"]),
        ("descriptions", ["description", "descriptionType", "lang"]),
        ("relatedIdentifiers", ["relatedIdentifier", "relatedIdentifierType", "relationType"]),
        ("rightsList", ["rights", "rightsUri"]),
        ("identifiers", ["identifier", "identifierType"]),
    ):
        if draw(st.booleans()):
            record[key] = draw(st.lists(_json_object(fields), max_size=2))
    if draw(st.booleans()):
        record["container"] = draw(
            _json_object(["type", "title", "volume", "issue", "firstPage", "lastPage"])
        )
    return record


@PROPERTY
@given(records=st.lists(datacite_record(), min_size=1, max_size=2))
def test_nothing_in_a_random_datacite_record_is_lost(records: list[dict[str, Any]]) -> None:
    text = json.dumps(records)
    result = parse_text(text, "datacite-json")
    assert_structured_nothing_lost(result, [list(json_values(r)) for r in records], text)


@st.composite
def openalex_work(draw: st.DrawFn) -> dict[str, Any]:
    work: dict[str, Any] = {"id": f"https://openalex.org/W{draw(st.integers(1, 10**9))}"}
    for key in draw(
        st.lists(
            st.sampled_from(
                ["title", "display_name", "doi", "publication_date", "publication_year",
                 "language", "type", "type_crossref", "cited_by_count", "is_retracted"]
            )
            | WORD,
            max_size=6,
        )
    ):  # fmt: skip
        work[key] = draw(JSON_LEAF)
    work["biblio"] = draw(_json_object(["volume", "issue", "first_page", "last_page"]))
    work["primary_location"] = {
        "source": draw(_json_object(["display_name", "issn_l", "host_organization_name", "type"])),
        **draw(_json_object(["landing_page_url", "pdf_url", "license", "version"])),
    }
    work["authorships"] = [
        {
            "author": draw(_json_object(["display_name", "orcid", "id"])),
            **draw(_json_object(["raw_author_name", "raw_affiliation_string", "author_position"])),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    work["keywords"] = draw(st.lists(_json_object(["display_name", "score"]), max_size=2))
    return work


@PROPERTY
@given(works=st.lists(openalex_work(), min_size=1, max_size=2))
def test_nothing_in_a_random_openalex_work_is_lost(works: list[dict[str, Any]]) -> None:
    text = json.dumps({"results": works})
    result = parse_text(text, "openalex-json")
    assert_structured_nothing_lost(result, [list(json_values(w)) for w in works], text)


# ---------------------------------------------------------------- Ovid, RefWorks, Refer, tables

OVID_TAG = re.compile(r"^\s*([A-Z][A-Z0-9]{1,5}) {1,3}-(?: (.*)|[ \t]*)$")
OVID_RECORD_NUMBER = re.compile(r"^\s*<\s*\d+\s*\.?\s*>\s*$")


def ovid_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    """An Ovid record's values: tag lines (or, in the display export, the lines under each
    label) and the lines under them. The record number, Ovid's signature "VN - Ovid
    Technologies" and the display export's labels are markup."""
    lines = entry.raw_text.splitlines()
    long_labels = not any(OVID_TAG.match(line) for line in lines)
    values: list[tuple[str, str]] = []
    for line in lines:
        match = OVID_TAG.match(line)
        if OVID_RECORD_NUMBER.match(line) or not line.strip():
            continue
        if match:
            if not (match.group(1) == "VN" and match.group(2) == "Ovid Technologies"):
                values.append((match.group(1), (match.group(2) or "").strip()))
        elif not (long_labels and line[:1] not in {" ", "\t"}):
            values.append(("…", line.strip()))
    return [(tag, value) for tag, value in values if value]


REFWORKS_TAG = re.compile(
    r"^(" + "|".join(sorted(REFWORKS_TAGS, key=len, reverse=True)) + r")(?: (.*)|[ \t]*)$"
)


def refworks_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    """A RefWorks record's values; its RT is the reference type when it names one."""
    return [
        (tag, value)
        for tag, value in tagged_values(entry.raw_text, REFWORKS_TAG)
        if not (tag == "RT" and RT_TYPES.get(value.casefold()) is entry.reference.type)
    ]


REFER_TAG = re.compile(r"^%(.) ?(.*)$")


def refer_values(entry: ParsedEntry) -> list[tuple[str, str]]:
    """A Refer record's values; a %0 is the reference type when it names one."""
    return [
        (tag, value)
        for tag, value in tagged_values(entry.raw_text, REFER_TAG)
        if not (tag == "0" and REFER_TYPES.get(value.casefold()) is entry.reference.type)
    ]


def scopus_values(entry: ParsedEntry, header: list[str]) -> list[tuple[str, str]]:
    """The cells of a Scopus row by column; Scopus's "[No … available]" are not values, nor
    are the short names ("Repper J.") of the very people "Author full names" lists."""
    cells = dict(zip(header, next(csv.reader(io.StringIO(entry.raw_text))), strict=False))
    short = [n.split()[0] for n in cells.get("Authors", "").split(";") if n.strip()]
    full = [n.split(",")[0].strip() for n in cells.get("Author full names", "").split(";")]
    if short and [s.casefold() for s in short] == [f.casefold() for f in full]:
        del cells["Authors"]
    return [
        (name, cell)
        for name, cell in cells.items()
        if cell.strip() and cell.strip().casefold() not in SCOPUS_PLACEHOLDERS
    ]


def wos_tsv_values(entry: ParsedEntry, header: list[str]) -> list[tuple[str, str]]:
    """The cells of a Web of Science row by tag; PT's one-letter codes are the type."""
    cells = entry.raw_text.split("\t")
    return [
        (tag, cell)
        for tag, cell in zip(header, cells, strict=False)
        if cell.strip() and not (tag == "PT" and cell.strip() in WOS_TYPE_CODES)
    ]


NEW_TAGGED_FIXTURES = [
    *((p, ovid_values) for p in _fixtures("ovid", ".txt")),
    *((p, refworks_values) for p in _fixtures("refworks", ".txt")),
    *((p, refer_values) for p in _fixtures("refer", ".enw", ".txt")),
]


@pytest.mark.parametrize(
    ("path", "values_of"), NEW_TAGGED_FIXTURES, ids=[p.name for p, _ in NEW_TAGGED_FIXTURES]
)
def test_nothing_in_an_ovid_refworks_or_refer_fixture_is_lost(path: Path, values_of: Any) -> None:
    result = parse_text(path.read_bytes().decode("utf-8"))
    assert_nothing_lost(result, [values_of(e) for e in result.entries], path.name)


TABLE_FIXTURES = [
    *((p, scopus_values) for p in _fixtures("scopus_csv", ".csv")),
    *((p, wos_tsv_values) for p in _fixtures("wos_tsv", ".txt")),
]


def _table_header(text: str, values_of: Any) -> list[str]:
    first = text.lstrip("\ufeff").splitlines()[0]
    if values_of is wos_tsv_values:
        return first.split("\t")
    return next(csv.reader([first]))


@pytest.mark.parametrize(
    ("path", "values_of"), TABLE_FIXTURES, ids=[p.name for p, _ in TABLE_FIXTURES]
)
def test_nothing_in_a_scopus_or_web_of_science_table_is_lost(path: Path, values_of: Any) -> None:
    text = decode(path.read_bytes())
    result = parse_text(text)
    header = _table_header(text, values_of)
    assert_nothing_lost(result, [values_of(e, header) for e in result.entries], path.name)


OVID_TAGS = ["AU", "FA", "ED", "TI", "SO", "JN", "VO", "VI", "IP", "PG", "YR", "DP", "MO",
             "IS", "IT", "ES", "IB", "DO", "DI", "PM", "UI", "LG", "PU", "PB", "PL", "KW",
             "MH", "ID", "DE", "AB", "PT", "DT", "XL", "UR", "IN", "AN", "DB", "BT", "ET",
             "TT", "SCORE"]  # fmt: skip
OVID_DATABASES = ["APA PsycInfo", "Ovid MEDLINE(R) ALL", "Embase", "Journals@Ovid", "BIOSIS"]


@st.composite
def ovid_record(draw: st.DrawFn) -> str:
    lines = ["<1. >", "VN  - Ovid Technologies", f"DB  - {draw(st.sampled_from(OVID_DATABASES))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(OVID_TAGS))
        if tag in {"VN", "DB"}:
            continue
        person = tag in {"AU", "FA", "ED"}
        lines.append(f"{tag}  - {draw(NAME if person else VALUE)}")
        if draw(st.booleans()) and not person:
            lines.append(f"      {draw(VALUE)}")
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=ovid_record())
def test_nothing_in_a_random_ovid_record_is_lost(text: str) -> None:
    result = parse_text(text, "ovid")
    assert_nothing_lost(result, [ovid_values(e) for e in result.entries], text)


REFWORKS_RANDOM_TAGS = ["A1", "A2", "A3", "A4", "T1", "T2", "T3", "JF", "JO", "YR", "FD",
                        "VO", "IS", "SP", "OP", "K1", "AB", "NO", "ED", "PB", "PP", "SN",
                        "AD", "AN", "LA", "LK", "DO", "DB", "UL", "ST", "WT", "PMID"]  # fmt: skip


@st.composite
def refworks_record(draw: st.DrawFn) -> str:
    lines = [f"RT {draw(st.sampled_from([*(t.title() for t in RT_TYPES), 'Odd Type']))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(st.sampled_from(REFWORKS_RANDOM_TAGS))
        person = tag[0] == "A" and tag[1].isdigit()
        lines.append(f"{tag} {draw(NAME if person else VALUE)}")
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=refworks_record())
def test_nothing_in_a_random_refworks_record_is_lost(text: str) -> None:
    result = parse_text(text, "refworks")
    assert_nothing_lost(result, [refworks_values(e) for e in result.entries], text)


REFER_TAGS = list("0AEY?TJBSDVNP7CI@RUKXGZW~HM+!8L9")


@st.composite
def refer_record(draw: st.DrawFn) -> str:
    lines = [f"%0 {draw(st.sampled_from([*(t.title() for t in REFER_TYPES), 'Odd Type']))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(st.sampled_from(REFER_TAGS))
        lines.append(f"%{tag} {draw(NAME if tag in 'AEY?' else VALUE)}")
        if draw(st.booleans()) and tag not in "AEY?0":
            lines.append(draw(VALUE))  # a line under it: the next keyword, or running text
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=refer_record())
def test_nothing_in_a_random_refer_record_is_lost(text: str) -> None:
    result = parse_text(text, "refer")
    assert_nothing_lost(result, [refer_values(e) for e in result.entries], text)


SCOPUS_COLUMNS = ["Authors", "Author full names", "Author(s) ID", "Title", "Year",
                  "Source title", "Volume", "Issue", "Art. No.", "Page start", "Page end",
                  "Page count", "Cited by", "DOI", "Link", "Abstract", "Author Keywords",
                  "Index Keywords", "Editors", "Publisher", "ISSN", "ISBN", "PubMed ID",
                  "Language of Original Document", "Abbreviated Source Title",
                  "Document Type", "Publication Stage", "Open Access", "Source", "EID"]  # fmt: skip


@st.composite
def scopus_table(draw: st.DrawFn) -> tuple[str, list[str]]:
    chosen = draw(st.lists(st.sampled_from(SCOPUS_COLUMNS), unique=True))
    columns = ["Title", "Source title", "EID", *chosen]  # enough to be a Scopus header
    columns = list(dict.fromkeys(columns))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for _ in range(draw(st.integers(1, 3))):
        row = [draw(VALUE)]  # every row has a title
        row += [draw(NAME if c == "Authors" else VALUE | st.just("")) for c in columns[1:]]
        writer.writerow(row)
    return out.getvalue(), columns


@PROPERTY
@given(table=scopus_table())
def test_nothing_in_a_random_scopus_table_is_lost(table: tuple[str, list[str]]) -> None:
    text, header = table
    result = parse_text(text, "scopus-csv")
    assert_nothing_lost(result, [scopus_values(e, header) for e in result.entries], text)


@st.composite
def wos_table(draw: st.DrawFn) -> tuple[str, list[str]]:
    columns = list(dict.fromkeys(["PT", "TI", *draw(st.lists(st.sampled_from(WOS_TAGS)))]))
    lines = ["\t".join(columns)]
    for _ in range(draw(st.integers(1, 3))):
        cells = [draw(st.sampled_from("JBSP")), draw(VALUE)]
        for tag in columns[2:]:
            names = st.lists(NAME, min_size=1, max_size=3).map("; ".join)
            cells.append(draw(names if tag in {"AU", "AF", "BE"} else VALUE | st.just("")))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n", columns


@PROPERTY
@given(table=wos_table())
def test_nothing_in_a_random_web_of_science_table_is_lost(table: tuple[str, list[str]]) -> None:
    text, header = table
    result = parse_text(text, "wos-tsv")
    assert_nothing_lost(result, [wos_tsv_values(e, header) for e in result.entries], text)
