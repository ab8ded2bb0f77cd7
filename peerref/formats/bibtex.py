"""BibTeX and BibLaTeX files, read and written with bibtexparser 2.

Reading: bibtexparser splits the file; LaTeX accents and escapes (``M{\\"u}ller``,
``\\&``) become Unicode through pylatexenc (bibtexparser's own LaTeX library). What
hand-written and exported files do that bibtexparser alone would misread is handled here:

- field names in any case (``AUTHOR``, ``Author``): without lower-casing them the names
  would not be split and every author would be lost;
- a comma left out between two fields is put back, with a warning, as Zotero recovers
  (otherwise the second field becomes part of the first);
- ``@string`` macros are case-insensitive and joined with ``#``, as in BibTeX itself;
- URL, DOI and eprint fields are taken before decoding (which would read ``%`` as a
  comment and cut ``https://x.org/a%20b``) and only unescaped (``\\_``);
- inline math that is text markup (``$\\alpha$``, ``CO$_2$``) becomes Unicode, ``\\~``
  with nothing to accent is a tilde, and CR-only line ends are line ends;
- "and others" marks the author list cut short; a value no field takes (a second
  ``title``, ``location`` beside ``address``) is kept in extra as "bibtex:<name>".

Writing: every entry gets a stable, unique citation key — first author's family name
folded to lower-case ASCII, then the year ("repper2012"), with "a", "b" … when several
references share it. Suffixes are given in an order that depends only on the
references themselves (title, container, DOI), so the same library always yields the
same keys whatever order it is exported in.

Carried on export: the bibliographic fields, ``keywords`` (the keywords, then the library
tags not already among them, as Zotero exports tags) and ``note`` (the reference's own
note and its library notes, joined by blank lines, which the reader keeps as paragraph
breaks). Other ``extra`` values, the bookkeeping of the source a reference was read from,
are not exported.

Escaping: the ten LaTeX specials (& % $ # _ { } ~ ^ \\) are escaped in text fields;
other non-ASCII characters are written as UTF-8, which biber/BibLaTeX and BibTeX with
``inputenc`` read directly, and which keeps names legible. URL and DOI fields are
written verbatim, as BibLaTeX and the ``url`` package expect: a URL's braces as %7B and
%7D, which mean the same in a URL, a DOI's as they are (balanced) or as ``\\{`` and
``\\}`` (unbalanced), since "%7D" would be another DOI. Control characters are left out.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string, write_string
from bibtexparser.library import Library
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import Block, Entry, Field, ParsingFailedBlock
from pylatexenc.latex2text import (
    LatexNodes2Text,
)

from peerref.core.dates import MONTHS, parse_date, year_suffix
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_pmcid, normalise_pmid
from peerref.core.limits import strip_control_characters
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
    abstract_from_text,
)
from peerref.core.names import CAPITAL_PARTICLES, looks_like_organisation
from peerref.formats._fields import (
    collapse_spaces,
    is_whole_doi,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats.base import (
    Diagnostic,
    ExportNotes,
    ParsedEntry,
    ParseResult,
    keywords_for_export,
    line_number_at,
    notes_for_export,
)

NAME = "bibtex"
LABEL = "BibTeX / BibLaTeX file"

BIBTEX_TYPES: dict[str, ReferenceType] = {
    "article": ReferenceType.ARTICLE_JOURNAL,
    "periodical": ReferenceType.ARTICLE_JOURNAL,
    "book": ReferenceType.BOOK,
    "mvbook": ReferenceType.BOOK,
    "booklet": ReferenceType.BOOK,
    "collection": ReferenceType.BOOK,
    "proceedings": ReferenceType.BOOK,
    "incollection": ReferenceType.CHAPTER,
    "inbook": ReferenceType.CHAPTER,
    "inreference": ReferenceType.CHAPTER,
    "inproceedings": ReferenceType.PAPER_CONFERENCE,
    "conference": ReferenceType.PAPER_CONFERENCE,
    "techreport": ReferenceType.REPORT,
    "report": ReferenceType.REPORT,
    "phdthesis": ReferenceType.THESIS,
    "mastersthesis": ReferenceType.THESIS,
    "thesis": ReferenceType.THESIS,
    "unpublished": ReferenceType.PREPRINT,
    "online": ReferenceType.WEBPAGE,
    "electronic": ReferenceType.WEBPAGE,
    "www": ReferenceType.WEBPAGE,
    "dataset": ReferenceType.DATASET,
    "misc": ReferenceType.OTHER,
}
_TYPE_TO_BIBTEX: dict[ReferenceType, str] = {
    ReferenceType.ARTICLE_JOURNAL: "article",
    ReferenceType.CHAPTER: "incollection",
    ReferenceType.BOOK: "book",
    ReferenceType.PAPER_CONFERENCE: "inproceedings",
    ReferenceType.REPORT: "techreport",
    ReferenceType.THESIS: "phdthesis",
    ReferenceType.PREPRINT: "unpublished",
    ReferenceType.WEBPAGE: "online",
    ReferenceType.DATASET: "dataset",
    ReferenceType.OTHER: "misc",
}
_NAME_FIELDS = {
    "author": CreatorRole.AUTHOR,
    "editor": CreatorRole.EDITOR,
    "translator": CreatorRole.TRANSLATOR,
}
# Fields written and read verbatim: LaTeX decoding would cut them at "%".
_VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pmid", "pmcid"})
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIALS_RE = re.compile(r"[\\{}&%$#_~^]")
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# ---------------------------------------------------------------- reading

_DECODER = LatexNodes2Text(math_mode="verbatim")
_MATH_DECODER = LatexNodes2Text(math_mode="text")
# Inline math that is markup for text ("$\\alpha$-helix", "CO$_2$", "$^{13}$C"): it holds a
# command or a super/subscript. Other "$" signs (prices in an abstract) are left alone.
_TEXT_MATH = re.compile(r"(?<!\\)\$([^$\n]{0,80}(?:\\[A-Za-z]+|[\^_])[^$\n]{0,80})(?<!\\)\$")
_SCRIPT = re.compile(r"([\^_])(?:\{((?:[^{}]|\{[^{}]*\})*)\}|(\\[A-Za-z]+|\S))")
_SCRIPT_CHARACTERS = "0123456789+-=()"
_SUPERSCRIPTS = str.maketrans(_SCRIPT_CHARACTERS, "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SUBSCRIPTS = str.maketrans(_SCRIPT_CHARACTERS, "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _math_as_text(match: re.Match[str]) -> str:
    """Inline math as Unicode text: Greek letters and symbols, digits raised or lowered.

    A superscript Unicode cannot write ("4^{ème}") is written on the line, as plain text
    has no superscripts.
    """

    def script(part: re.Match[str]) -> str:
        body = part.group(2) if part.group(2) is not None else part.group(3)
        with contextlib.suppress(Exception):  # "\\textrm{2}" to "2"; broken macros stay
            body = str(_MATH_DECODER.latex_to_text(body)).strip()
        if not body or any(c not in _SCRIPT_CHARACTERS for c in body):
            return body  # "4^{ème}": no Unicode superscript for it, written on the line
        return body.translate(_SUPERSCRIPTS if part.group(1) == "^" else _SUBSCRIPTS)

    inner = _SCRIPT.sub(script, match.group(1))
    try:
        text = str(_MATH_DECODER.latex_to_text(inner)).strip()
    except Exception:  # pylatexenc gives up on broken macros: keep the math as written
        return match.group(0)
    return text or match.group(0)  # a command it does not know: keep rather than lose it


# ``\~`` with nothing to put the accent on ("\~{}", "\~" at the end or before a non-letter):
# the writer meant a tilde, not a lone combining accent.
_LONE_TILDE = re.compile(r"\\~(?:\{\}|(?=\s*(?:$|[^\sA-Za-z{])))")


def _decode_latex(text: str) -> str:
    """LaTeX to Unicode; a bare "%" or "&" (common in exports) is kept, not read as LaTeX."""
    text = re.sub(r"(?<!\\)([%&])", r"\\\1", text)
    text = re.sub(r"\\textasciicircum(?:\{\}|\b)", "^", text)
    text = _LONE_TILDE.sub(r"\\textasciitilde{}", text)
    text = text.replace("$\\backslash$", "\\textbackslash{}")  # Mendeley's escaped "\\"
    text = _TEXT_MATH.sub(_math_as_text, text)
    try:
        decoded = str(_DECODER.latex_to_text(text))
    except Exception:  # pylatexenc gives up on broken macros: keep the text as written
        return text
    return decoded.replace("\u00a0", " ")


def _unescape_verbatim(text: str) -> str:
    """ "a\\_b" to "a_b" for URL-like fields; no other LaTeX processing."""
    text = re.sub(r"\\([&%$#_{}~^])", r"\1", text.strip())
    return text.replace("\\url{", "").rstrip("}") if text.startswith("\\url{") else text


# Lowercase words BibTeX takes for a "von" part that are no name's particle: a name with
# one ("American Rights at Work", "Corporation for Digital Scholarship") is an organisation
# written without braces, read as one name rather than split into a person, as is a name
# that says it is one ("Mental Health Foundation", as ``core.names`` reads them elsewhere).
_NOT_PARTICLES = frozenset({"at", "for", "of", "the", "on", "from", "with", "against", "für"})


def _creator_from_parts(parts: NameParts, role: CreatorRole) -> Creator:
    last = [p for p in parts.last if p]
    if not parts.first and not parts.von and not parts.jr and len(last) == 1:
        only = last[0]
        if only.startswith("{") and only.endswith("}"):
            return Creator(literal=_decode_latex(only[1:-1]).strip(), role=role)

    def join(items: list[str]) -> str:
        return collapse_spaces(" ".join(_decode_latex(i) for i in items))

    if not parts.jr:
        written_out = join([*parts.first, *parts.von, *last])
        von = {w.casefold() for w in parts.von}
        if not von.isdisjoint(_NOT_PARTICLES) or looks_like_organisation(written_out):
            return Creator(literal=written_out, role=role)
    family, particle = join(last), join(parts.von)
    head, _, rest = family.partition(" ")
    if not particle and rest and head in CAPITAL_PARTICLES:
        particle, family = head, rest  # "{\\'O} S{\\'u}illeabh{\\'a}in": Ó is a particle
    return Creator(
        family=family,
        given=join(parts.first),
        particle=particle,
        suffix=join(parts.jr),
        role=role,
    )


class _Fields:
    """An entry's decoded field values, remembering which ones went into the reference.

    Whatever no field took is kept in extra as "bibtex:<name>" at the end, so a field
    PeerRef reads only one of (``journal`` beside ``journaltitle``, ``location`` beside
    ``address``) is never dropped unnoticed.
    """

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.used: set[str] = set()

    def peek(self, key: str) -> str:
        return self.values.get(key, "")

    def get(self, *keys: str) -> str:
        """The first non-empty value among ``keys``, now used."""
        for key in keys:
            if self.values.get(key):
                self.used.add(key)
                return self.values[key]
        return ""

    def use(self, *keys: str) -> None:
        self.used.update(keys)

    def leftovers(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if k not in self.used and v}


def _issued(fields: _Fields, warnings: list[str]) -> PartialDate:
    date_text = fields.get("date")
    if date_text:
        date = parse_date(date_text.split("/")[0])
        if date is not None:
            _use_agreeing_parts(fields, date)
            return date
        warnings.append(f"date {date_text!r} not understood")
    year_text = fields.get("year").strip()
    if not year_text:
        return PartialDate(literal=date_text) if date_text else PartialDate()
    if not re.fullmatch(r"\d{4}", year_text):
        return PartialDate(literal=year_text)
    month_text = fields.peek("month").strip().casefold().rstrip(".")
    month: int | None = None
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        month = int(month_text)
    elif month_text:
        month = MONTHS.get(month_text)
    if month is not None:
        fields.use("month")
    elif month_text:
        warnings.append(f"month {fields.peek('month')!r} not understood; kept in extra")
    day_text = fields.peek("day").strip()
    day = int(day_text) if month and day_text.isdigit() and 1 <= int(day_text) <= 31 else None
    if day is not None:
        fields.use("day")
    return PartialDate(year=int(year_text), month=month, day=day)


def _use_agreeing_parts(fields: _Fields, date: PartialDate) -> None:
    """Year, month and day fields that repeat what ``date`` says add nothing: use them."""
    if fields.peek("year").strip() == str(date.year):
        fields.use("year")
    month_text = fields.peek("month").strip().casefold().rstrip(".")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    if month_text and month == date.month:
        fields.use("month")
    if fields.peek("day").strip().isdigit() and int(fields.peek("day")) == date.day:
        fields.use("day")


def _split_keywords(text: str) -> tuple[str, ...]:
    separator = ";" if ";" in text else ","
    keywords: list[str] = []
    for keyword in text.split(separator):
        keyword = collapse_spaces(keyword)
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return tuple(keywords)


# "PMID: 123" lines in a note, as Zotero and PubMed's BibTeX put identifiers there.
_NOTE_ID = re.compile(r"^(PMID|PMCID):\s*(\S+)\s*$", re.IGNORECASE)


def _note_and_ids(note: str) -> tuple[str, str, str]:
    """(the note without its identifier paragraphs, PMID, PMCID)."""
    ids = {"PMID": "", "PMCID": ""}
    kept: list[str] = []
    for paragraph in note.split("\n\n"):
        match = _NOTE_ID.match(paragraph.strip())
        if match:
            kind = match.group(1).upper()
            value = match.group(2)
            found = value if kind == "PMID" and value.isdigit() else ""
            found = normalise_pmcid(value) if kind == "PMCID" else found
            if found and not ids[kind]:
                ids[kind] = found
                continue
        kept.append(paragraph)
    return "\n\n".join(p for p in kept if p.strip()), ids["PMID"], ids["PMCID"]


def _is_others(parts: NameParts) -> bool:
    """BibTeX's "and others": the list goes on, no person of that name."""
    return not parts.first and not parts.von and [p for p in parts.last if p] == ["others"]


def _reference_from_entry(entry: Entry) -> tuple[Reference, list[str]]:
    warnings: list[str] = []
    entry_type = entry.entry_type.casefold()
    ref_type = BIBTEX_TYPES.get(entry_type)
    extra: dict[str, str] = {"bibtex:key": entry.key}
    if ref_type is None:
        ref_type = ReferenceType.OTHER
        extra["bibtex:type"] = entry_type
        warnings.append(f"entry type @{entry_type} is not one PeerRef knows; read as a document")
    elif entry_type != _TYPE_TO_BIBTEX.get(ref_type):
        extra["bibtex:type"] = entry_type  # @mastersthesis, @inbook: more than the type says
    creators: list[Creator] = []
    truncated = False
    fields = _Fields()
    for item in entry.fields:
        key = item.key.casefold()
        if key in _NAME_FIELDS and isinstance(item.value, list):
            for parts in item.value:
                if isinstance(parts, NameParts) and _is_others(parts):
                    truncated = True
                elif isinstance(parts, NameParts):
                    creators.append(_creator_from_parts(parts, _NAME_FIELDS[key]))
            continue
        if key in _VERBATIM_FIELDS:
            value = _unescape_verbatim(str(item.value))
        elif key in {"abstract", "note"}:
            value = paragraphs_to_abstract_text(_decode_latex(str(item.value)))
        else:
            value = collapse_spaces(_decode_latex(str(item.value)))
        if key in fields.values:  # "title" and "Title" in one entry: keep both
            if value and value != fields.values[key]:
                extra[f"bibtex:{key}"] = value
                warnings.append(f"field {key} appears twice; the second value is kept in extra")
            continue
        fields.values[key] = value
    if truncated:
        warnings.append("the author list is cut short (and others)")

    def get(*keys: str) -> str:
        return fields.get(*keys)

    container = ""
    if ref_type not in {ReferenceType.CHAPTER, ReferenceType.BOOK}:
        container = get("journaltitle", "fjournal", "journal")
    if ref_type is not ReferenceType.BOOK:  # a book has no container: its fields stay
        container = container or get("booktitle")
    container_short = get("shortjournal", "journal-abbrev")
    if not container_short and fields.peek("journal") not in {"", container}:
        container_short = get("journal")  # beside fjournal, journal is the abbreviation
    publisher = get("publisher", "school", "institution", "organization")
    issns, isbns, other = split_standard_numbers([get("issn"), get("isbn")])
    warnings.extend(standard_number_warnings(issns, isbns))
    if other:
        extra["bibtex:issn/isbn"] = " ".join(other)
    eprint_type = fields.peek("eprinttype") or fields.peek("archiveprefix")
    pmid = normalise_pmid(fields.peek("pmid"))
    if pmid and pmid == fields.peek("pmid").strip():
        fields.use("pmid")
    elif eprint_type.casefold() == "pubmed" and (pmid := normalise_pmid(fields.peek("eprint"))):
        fields.use("eprint", "eprinttype", "archiveprefix")
    else:
        pmid = ""
    pmcid = normalise_pmcid(fields.peek("pmcid"))
    if pmcid:
        fields.use("pmcid")
    note, note_pmid, note_pmcid = _note_and_ids(get("note"))
    pmid, pmcid = pmid or note_pmid, pmcid or note_pmcid
    if note:
        extra["note"] = note
    doi = doi_of_field(fields.peek("doi"))
    if is_whole_doi(fields.peek("doi"), doi):
        fields.use("doi")
    if " " in doi:
        warnings.append(f"the DOI {doi!r} has a space in it: kept as written, check it")
    place = get("address", "location")
    issued = _issued(fields, warnings)
    reference = Reference(
        type=ref_type,
        title=get("title"),
        title_short=get("shorttitle"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=container_short,
        collection_title=get("series"),
        volume=get("volume"),
        issue=get("number", "issue"),
        page=re.sub(r"\s*[-–—]+\s*", "-", get("pages")),
        issued=issued,
        status=get("pubstate"),
        publisher=publisher,
        publisher_place=place,
        edition=get("edition"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=get("url"),
        language=get("langid", "language"),
        abstract=abstract_from_text(get("abstract")),
        keywords=_split_keywords(get("keywords")),
        truncated=frozenset({"author"}) if truncated else frozenset(),
        extra=extra,
    )
    for key, value in fields.leftovers().items():
        extra.setdefault(f"bibtex:{key}", value)
    return reference, warnings


@dataclass
class _Position:
    """Where the previous entry was found: offset in the text and its 1-based line."""

    offset: int = 0
    line: int = 1


def _entry_raw_lines(
    lines: list[str], repaired: str, entry: Entry, after: _Position
) -> tuple[str, int, int]:
    """The entry's own lines of the input as given (``repaired`` has commas put back).

    Entries come in file order, so each is looked for after the one before, and its line
    counted on from there: reading stays linear in the size of the file.
    """
    raw = entry.raw or ""
    first = entry.start_line + 1 if entry.start_line is not None else 1
    if raw:
        offset = repaired.find(raw, after.offset)
        if offset >= 0:
            first = after.line + repaired.count("\n", after.offset, offset)
            after.offset, after.line = offset + 1, first  # the same entry twice: the next one
        elif (offset := repaired.find(raw)) >= 0:
            first = line_number_at(repaired, offset)
    last = first + raw.count("\n")
    return "\n".join(lines[first - 1 : last]), first, last


_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_FIELD_NAME = re.compile(r"[^\s=,{}()\"#%]+")
_NEXT_FIELD = re.compile(r"[A-Za-z][\w:.+/-]*\s*=")


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _value_end(text: str, at: int) -> int | None:
    """Where the field value starting at ``at`` ends (braced, quoted, bare or ``#``-joined)."""
    while True:
        at = _skip_space(text, at)
        if at >= len(text):
            return None
        if text[at] in '{"':
            closing = "}" if text[at] == "{" else '"'
            depth, at = (1 if closing == "}" else 0), at + 1
            while at < len(text):
                char = text[at]
                if char == "\\":
                    at += 2
                    continue
                if char == "\n" and text.startswith("@", at + 1):
                    return None  # a value left open: the next entry starts, as the parser says
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                    if closing == "}" and depth == 0:
                        break
                elif char == '"' and closing == '"' and depth == 0:
                    break
                at += 1
            else:
                return None
            at += 1
        else:
            match = _FIELD_NAME.match(text, at)
            if not match:
                return None
            at = match.end()
        after = _skip_space(text, at)
        if after < len(text) and text[after] == "#":
            at = after + 1
            continue
        return at


def insert_missing_commas(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Put back a comma left out between two fields, as Zotero does when it reads them.

    Without it, bibtexparser reads ``title = {A}`` and the ``author = {B}`` on the next
    line as one title. Returns the repaired text and, for each comma put in, the 1-based
    line and the name of the field it follows. An entry the scan cannot follow (unbalanced
    braces) is left exactly as it is, for the parser to report.
    """
    insertions: list[int] = []
    repairs: list[tuple[int, str]] = []
    position = 0
    while match := _ENTRY_START.search(text, position):
        position = match.end()
        kind = match.group(1).casefold()
        if kind in {"comment", "preamble"}:
            continue
        closing = "}" if match.group(2) == "{" else ")"
        at = position
        if kind != "string":  # the citation key, up to its comma
            comma = text.find(",", at)
            end = text.find(closing, at)
            if comma < 0 or (0 <= end < comma):
                continue
            at = comma + 1
        entry_insertions: list[int] = []
        entry_repairs: list[tuple[int, str]] = []
        while True:
            at = _skip_space(text, at)
            if at >= len(text) or text[at] == closing:
                break
            name = _FIELD_NAME.match(text, at)
            after_name = _skip_space(text, name.end()) if name else at
            if not name or after_name >= len(text) or text[after_name] != "=":
                entry_insertions = []
                break
            end_of_value = _value_end(text, after_name + 1)
            if end_of_value is None:
                entry_insertions = []
                break
            at = _skip_space(text, end_of_value)
            if at < len(text) and text[at] == ",":
                at += 1
                continue
            if at < len(text) and _NEXT_FIELD.match(text, at):
                entry_insertions.append(end_of_value)
                entry_repairs.append((line_number_at(text, end_of_value), name.group(0)))
                continue
            if at >= len(text) or text[at] != closing:
                entry_insertions = []
            break
        insertions += entry_insertions
        repairs += entry_repairs if entry_insertions else []
        position = max(position, at)
    for offset in reversed(insertions):
        text = text[:offset] + "," + text[offset:]
    return text, repairs


class _LowercaseFieldKeys(middlewares.BlockMiddleware):
    """Field names in any case ("AUTHOR", "Author") read as the lower-case ones.

    bibtexparser's name splitting looks for "author" only. Unlike its own
    ``NormalizeFieldKeys``, a name whose lower-case form is already taken keeps its case
    instead of replacing the first value, so the reader can keep both.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=True)

    def transform_entry(self, entry: Entry, library: Library) -> Entry:
        seen: set[str] = set()
        for item in entry.fields:
            lower = item.key.lower()
            if lower not in seen:
                item.key = lower
            seen.add(lower)
        return entry


def _enclosed_inner(value: str) -> str | None:
    """The text inside "…" or {…}; None for a bare word (a macro name or a number)."""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        return value[1:-1]
    return None


def _concatenated_parts(value: str) -> list[str]:
    """ "stefan # { and } # "Doe"" split at the ``#`` outside braces and quotes.

    An escaped character (``\\}``, ``\\#``) is text: it neither closes a brace nor joins.
    """
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return parts


class _ResolveStrings(middlewares.LibraryMiddleware):
    """``@string`` macros, case-insensitive as in BibTeX, and ``#`` concatenation.

    bibtexparser replaces a field that is one macro name; ``author = stefan # and # x``
    it leaves as written, which would become authors called "#". Unknown macro names
    (``month = mar``) stay as they are for the fields that read them.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        for key, string in library.strings_dict.items():
            text = str(string.value).strip()
            inner = _enclosed_inner(text)
            macros[key.casefold()] = (
                inner if inner is not None else macros.get(text.casefold(), text)
            )
        for entry in library.entries:
            for item in entry.fields:
                if isinstance(item.value, str):
                    item.value = self._resolve(item.value.strip(), macros)
        return library

    @staticmethod
    def _resolve(value: str, macros: dict[str, str]) -> str:
        parts = _concatenated_parts(value)
        if len(parts) == 1:
            if _enclosed_inner(value) is not None or value.casefold() not in macros:
                return value
            return "{" + macros[value.casefold()] + "}"
        texts: list[str] = []
        for part in parts:
            inner = _enclosed_inner(part)
            texts.append(inner if inner is not None else macros.get(part.casefold(), part))
        return "{" + "".join(texts) + "}"


class BibtexReader:
    """Reads BibTeX and BibLaTeX files; LaTeX accents and escapes become Unicode."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:20000].replace("\r", "\n")
        entries = re.findall(r"(?m)^\s*@([A-Za-z]+)\s*[{(]", head)
        if not entries:
            return 0.0
        known = [e for e in entries if e.casefold() in BIBTEX_TYPES]
        if known and re.search(r"(?m)^\s*[A-Za-z-]+\s*=\s*[{\"\d]", head):
            return 1.0
        return 0.5 if known else 0.2

    def read(self, text: str) -> ParseResult:
        # Old Mac files end lines with CR alone: one line to bibtexparser, as read here.
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        repaired, repairs = insert_missing_commas(text)
        library = parse_string(
            repaired,
            parse_stack=[
                _LowercaseFieldKeys(),
                _ResolveStrings(),
                middlewares.RemoveEnclosingMiddleware(),
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
            ],
        )
        skipped: list[Diagnostic] = []
        entries: list[ParsedEntry] = []
        lines = text.split("\n")
        position = _Position()
        for block in library.blocks:
            notes: list[str] = []
            if isinstance(block, ParsingFailedBlock):
                recovered = block.ignore_error_block
                if not isinstance(recovered, Entry):
                    line = (block.start_line + 1) if block.start_line is not None else None
                    reason = _failure_reason(block.error)
                    skipped.append(Diagnostic(f"BibTeX block skipped: {reason}", line))
                    continue
                notes.append(f"read despite a problem: {_failure_reason(block.error)}")
                block = recovered
            if not isinstance(block, Entry):
                continue
            reference, warnings = _reference_from_entry(block)
            raw, first, last = _entry_raw_lines(lines, repaired, block, position)
            notes += [
                f"no comma after the {name} field (line {line}): read the next field on its "
                "own, as Zotero does"
                for line, name in repairs
                if first <= line <= last
            ]
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=raw,
                    first_line=first,
                    last_line=last,
                    warnings=tuple(Diagnostic(w, first) for w in [*notes, *warnings]),
                )
            )
        if not entries:
            detail = f": {skipped[0]}" if skipped else ""
            raise FormatError(f"no BibTeX entry found{detail}")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


def _failure_reason(error: object) -> str:
    # bibtexparser's exceptions keep their text in attributes, not in str(error).
    text = getattr(error, "abort_reason", "") or getattr(error, "message", "") or str(error)
    message = str(text).strip().splitlines()
    return " ".join(message)[:200] if message else "could not be read"


# ---------------------------------------------------------------- writing


def escape_latex(text: str) -> str:
    """Escape the ten characters LaTeX treats specially; everything else stays UTF-8."""
    return _LATEX_SPECIALS_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = folded.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    return re.sub(r"[^a-z0-9]", "", folded.casefold())


def _key_base(ref: Reference) -> str:
    people = ref.authors or tuple(c for c in ref.creators if c.role is CreatorRole.EDITOR)
    name = ""
    if people:
        first = people[0]
        name = _ascii_fold(first.literal.split(" ")[0] if first.literal else first.family)
    if not name:
        words = [w for w in re.findall(r"\w+", ref.title) if len(w) > 3]
        name = _ascii_fold(words[0]) if words else ""
    name = name or "anon"
    year = str(ref.issued.year) if ref.issued.year is not None else "nd"
    return f"{name}{year}"


def _stable_order_key(ref: Reference) -> tuple[str, ...]:
    return (
        ref.title.casefold(),
        ref.container_title.casefold(),
        ref.doi.casefold(),
        ref.volume,
        ref.issue,
        ref.page,
        str(ref.id or ""),
    )


def citation_keys(references: Sequence[Reference]) -> list[str]:
    """A unique, stable citation key per reference, in the order given.

    "repper2012" when alone; "repper2012a", "repper2012b" when several references share
    author and year, lettered in an order that depends only on their content.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for index, ref in enumerate(references):
        groups[_key_base(ref)].append(index)
    keys = [""] * len(references)
    taken: set[str] = set()
    for base, members in groups.items():
        if len(members) == 1:
            keys[members[0]] = base
            taken.add(base)
    for base, members in sorted(groups.items()):
        if len(members) == 1:
            continue
        ordered = sorted(members, key=lambda i: _stable_order_key(references[i]))
        letter = 0
        for index in ordered:
            while f"{base}{year_suffix(letter)}" in taken:
                letter += 1
            keys[index] = f"{base}{year_suffix(letter)}"
            taken.add(keys[index])
            letter += 1
    return keys


def _bibtex_name(creator: Creator) -> str:
    if creator.literal:
        return "{" + escape_latex(creator.literal) + "}"
    family = escape_latex(creator.family_with_particle())
    if " " in creator.family:
        family = escape_latex(creator.particle + " " if creator.particle else "")
        family += "{" + escape_latex(creator.family) + "}"
    parts = [family]
    if creator.suffix:
        parts.append(escape_latex(creator.suffix))
    if creator.given:
        parts.append(escape_latex(creator.given))
    elif creator.suffix:
        parts.append("")
    return ", ".join(parts)


def _verbatim_doi(doi: str) -> str:
    """A DOI for BibTeX's verbatim ``doi`` field, exactly as it is, braces and all.

    A DOI is a name, not a URL: "%7D" for "}" would be another DOI. Balanced braces stand
    as they are (BibLaTeX's verbatim fields allow them); a brace without its partner, which
    would end or swallow the field, is written ``\\}``, which the reader takes back.
    """
    unmatched: set[int] = set()
    opened: list[int] = []
    for index, char in enumerate(doi):
        if char == "{":
            opened.append(index)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unmatched.add(index)
    unmatched.update(opened)
    return "".join(f"\\{c}" if i in unmatched else c for i, c in enumerate(doi))


def _keywords_field(keywords: Sequence[str]) -> str:
    """ "a, b"; "a; b" when a keyword holds a comma, so the reader splits it the same way.

    A single keyword with a comma gets a ";" after it for the same reason: the reader
    would split "Peer support, mental health" at its comma otherwise.
    """
    if not any("," in word for word in keywords):
        return ", ".join(keywords)
    return "; ".join(keywords) + (";" if len(keywords) == 1 else "")


def _entry_for(ref: Reference, key: str, notes: ExportNotes | None = None) -> Entry:
    fields: list[Field] = []
    for role_field, role in _NAME_FIELDS.items():
        names = [_bibtex_name(c) for c in ref.creators if c.role is role]
        if names:
            fields.append(Field(role_field, " and ".join(names)))
    container_field = {
        ReferenceType.ARTICLE_JOURNAL: "journal",
        ReferenceType.CHAPTER: "booktitle",
        ReferenceType.PAPER_CONFERENCE: "booktitle",
    }.get(ref.type.folded, "journal")
    publisher_field = {
        ReferenceType.THESIS: "school",
        ReferenceType.REPORT: "institution",
    }.get(ref.type.folded, "publisher")
    text_fields = [
        ("title", ref.title),
        ("shorttitle", ref.title_short),
        (container_field, ref.container_title),
        ("shortjournal", ref.container_title_short),
        ("series", ref.collection_title),
        ("volume", ref.volume),
        ("number", ref.issue),
        (
            "pages",
            ref.page.replace("-", "--") if re.fullmatch(r"[^-]+-[^-]+", ref.page) else ref.page,
        ),
        ("year", str(ref.issued.year) if ref.issued.year is not None else ref.issued.literal),
        ("pubstate", ref.status),
        (publisher_field, ref.publisher),
        ("address", ref.publisher_place),
        ("edition", ref.edition),
        ("issn", ", ".join(ref.issn)),
        ("isbn", ", ".join(ref.isbn)),
        ("language", ref.language),
        ("abstract", ref.abstract_text),
        ("keywords", _keywords_field(keywords_for_export(ref))),
        ("note", "\n\n".join(notes_for_export(ref, notes))),
    ]
    for name, value in text_fields:
        if value:
            fields.append(Field(name, escape_latex(value)))
    if ref.issued.month is not None:
        fields.append(Field("month", _MONTH_MACROS[ref.issued.month - 1], enclosing="no-enclosing"))
    if ref.issued.day is not None:
        fields.append(Field("date", ref.issued.iso()))
    if ref.doi:
        fields.append(Field("doi", _verbatim_doi(ref.doi)))
    for name, value in (
        ("url", ref.url),
        ("pmid", ref.pmid),
        ("pmcid", ref.pmcid),
    ):
        if value:
            # A URL means the same with its braces percent-encoded; the reader keeps them so.
            fields.append(Field(name, value.replace("{", "%7B").replace("}", "%7D")))
    for item in fields:  # a NUL or form feed is no LaTeX and made the file look binary
        if isinstance(item.value, str):
            item.value = strip_control_characters(item.value)
    entry_type = _TYPE_TO_BIBTEX.get(ref.type.folded, "misc")
    return Entry(entry_type, key, fields)


class BibtexWriter:
    """Writes BibTeX with stable unique keys and LaTeX-safe values (UTF-8 kept)."""

    name = NAME
    label = "BibTeX"
    extension = ".bib"
    mime_type = "application/x-bibtex"

    def write(
        self,
        references: Sequence[Reference],
        *,
        notes: ExportNotes | None = None,
    ) -> str:
        """BibTeX for ``references``; ``notes`` (library notes by id) join the ``note`` field."""
        keys = citation_keys(references)
        entries: list[Block] = [
            _entry_for(ref, key, notes) for ref, key in zip(references, keys, strict=True)
        ]
        library = Library(entries)
        text: str = write_string(library)
        return text


READERS = (BibtexReader(),)
WRITERS = (BibtexWriter(),)
