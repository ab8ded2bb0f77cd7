"""Nothing lost (issue 13): every value a tagged or structured file holds is kept somewhere.

For RIS, MEDLINE, Web of Science, BibTeX, EndNote XML and CSL-JSON, every non-empty input
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
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.formats.bibtex import BIBTEX_TYPES
from peerref.formats.endnote_xml import ENDNOTE_TYPES
from peerref.formats.medline import LANGUAGE_CODES
from peerref.formats.registry import parse_text
from peerref.formats.ris import RIS_TYPES

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
            "N2", "PB", "CY", "ET", "LA", "ST", "M3", "DB"]  # fmt: skip


@st.composite
def ris_record(draw: st.DrawFn) -> str:
    lines = [f"TY  - {draw(st.sampled_from([*RIS_TYPES, 'ODD']))}"]
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(_tag(RIS_TAGS))
        if tag in {"TY", "ER"}:
            continue
        lines.append(f"{tag}  - {draw(NAME if tag[0] == 'A' else VALUE)}")
        if draw(st.booleans()) and tag[0] != "A":
            lines.append(draw(VALUE))  # an untagged line under it
    return "\n".join([*lines, "ER  - "]) + "\n"


@PROPERTY
@given(text=ris_record())
def test_nothing_in_a_random_ris_record_is_lost(text: str) -> None:
    result = parse_text(text, "ris")
    assert_nothing_lost(result, [ris_values(e) for e in result.entries], text)


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
