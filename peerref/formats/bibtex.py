"""BibTeX and BibLaTeX files, read and written with bibtexparser 2.

Reading: bibtexparser splits the file and resolves ``@string`` macros; its
``LatexDecodingMiddleware`` turns LaTeX accents and escapes (``M{\\"u}ller``, ``\\&``)
into Unicode. Two quirks are worked around:

- the decoding middleware skips name fields once they are split into parts, so each
  name part is decoded with pylatexenc (bibtexparser's own LaTeX library) directly;
- decoding treats ``%`` as a comment and cuts URLs such as ``https://x.org/a%20b``, so
  URL, DOI and eprint fields are taken before decoding and only unescaped (``\\_``).

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
written verbatim, as BibLaTeX and the ``url`` package expect.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

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
from peerref.core.ids import normalise_doi, normalise_pmcid, normalise_pmid
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
    abstract_from_text,
)
from peerref.core.names import CAPITAL_PARTICLES
from peerref.formats._fields import (
    collapse_spaces,
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
# Fields read into Reference attributes; every other field is kept in extra.
_MAPPED_FIELDS = frozenset(
    {
        *_NAME_FIELDS,
        "title",
        "shorttitle",
        "journal",
        "journaltitle",
        "booktitle",
        "shortjournal",
        "journal-abbrev",
        "series",
        "volume",
        "number",
        "issue",
        "pages",
        "year",
        "month",
        "day",
        "date",
        "publisher",
        "school",
        "institution",
        "organization",
        "address",
        "location",
        "edition",
        "issn",
        "isbn",
        "doi",
        "url",
        "pmid",
        "pmcid",
        "eprint",
        "eprinttype",
        "archiveprefix",
        "language",
        "langid",
        "abstract",
        "keywords",
        "note",
        "pubstate",
    }
)

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


def _decode_latex(text: str) -> str:
    """LaTeX to Unicode; a bare "%" or "&" (common in exports) is kept, not read as LaTeX."""
    text = re.sub(r"(?<!\\)([%&])", r"\\\1", text)
    text = re.sub(r"\\textasciicircum(?:\{\}|\b)", "^", text)
    try:
        decoded = str(_DECODER.latex_to_text(text))
    except Exception:  # pylatexenc gives up on broken macros: keep the text as written
        return text
    return decoded.replace("\u00a0", " ")


def _unescape_verbatim(text: str) -> str:
    """ "a\\_b" to "a_b" for URL-like fields; no other LaTeX processing."""
    text = re.sub(r"\\([&%$#_{}~^])", r"\1", text.strip())
    return text.replace("\\url{", "").rstrip("}") if text.startswith("\\url{") else text


def _creator_from_parts(parts: NameParts, role: CreatorRole) -> Creator:
    last = [p for p in parts.last if p]
    if not parts.first and not parts.von and not parts.jr and len(last) == 1:
        only = last[0]
        if only.startswith("{") and only.endswith("}"):
            return Creator(literal=_decode_latex(only[1:-1]).strip(), role=role)

    def join(items: list[str]) -> str:
        return collapse_spaces(" ".join(_decode_latex(i) for i in items))

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


def _issued(fields: dict[str, str], warnings: list[str]) -> PartialDate:
    date_text = fields.get("date", "")
    if date_text:
        date = parse_date(date_text.split("/")[0])
        if date is not None:
            return date
        warnings.append(f"date {date_text!r} not understood")
    year_text = fields.get("year", "").strip()
    if not year_text:
        return PartialDate(literal=date_text) if date_text else PartialDate()
    if not re.fullmatch(r"\d{4}", year_text):
        return PartialDate(literal=year_text)
    month_text = fields.get("month", "").strip().casefold().rstrip(".")
    month: int | None = None
    if month_text.isdigit() and 1 <= int(month_text) <= 12:
        month = int(month_text)
    elif month_text:
        month = MONTHS.get(month_text)
        if month is None:
            warnings.append(f"month {fields['month']!r} not understood")
    day_text = fields.get("day", "").strip()
    day = int(day_text) if month and day_text.isdigit() and 1 <= int(day_text) <= 31 else None
    return PartialDate(year=int(year_text), month=month, day=day)


def _split_keywords(text: str) -> tuple[str, ...]:
    separator = ";" if ";" in text else ","
    keywords: list[str] = []
    for keyword in text.split(separator):
        keyword = collapse_spaces(keyword)
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    return tuple(keywords)


def _reference_from_entry(entry: Entry) -> tuple[Reference, list[str]]:
    warnings: list[str] = []
    entry_type = entry.entry_type.casefold()
    ref_type = BIBTEX_TYPES.get(entry_type)
    extra: dict[str, str] = {"bibtex:key": entry.key}
    if ref_type is None:
        ref_type = ReferenceType.OTHER
        extra["bibtex:type"] = entry_type
        warnings.append(f"entry type @{entry_type} is not one PeerRef knows; read as a document")
    creators: list[Creator] = []
    fields: dict[str, str] = {}
    for item in entry.fields:
        key = item.key.casefold()
        if key in _NAME_FIELDS and isinstance(item.value, list):
            creators.extend(
                _creator_from_parts(p, _NAME_FIELDS[key])
                for p in item.value
                if isinstance(p, NameParts)
            )
        elif key in _VERBATIM_FIELDS:
            fields[key] = _unescape_verbatim(str(item.value))
        elif key in {"abstract", "note"}:
            fields[key] = paragraphs_to_abstract_text(_decode_latex(str(item.value)))
        else:
            fields[key] = collapse_spaces(_decode_latex(str(item.value)))

    def get(*keys: str) -> str:
        return next((fields[k] for k in keys if fields.get(k)), "")

    container = get("journaltitle", "journal") if ref_type is not ReferenceType.CHAPTER else ""
    container = container or get("booktitle")
    if ref_type is ReferenceType.BOOK:
        container = ""
    publisher = get("publisher", "school", "institution", "organization")
    issns, isbns, other = split_standard_numbers([get("issn"), get("isbn")])
    warnings.extend(standard_number_warnings(issns, isbns))
    if other:
        extra["bibtex:issn/isbn"] = " ".join(other)
    eprint_type = get("eprinttype", "archiveprefix").casefold()
    pmid = normalise_pmid(get("pmid")) or (
        normalise_pmid(get("eprint")) if eprint_type == "pubmed" else ""
    )
    pmcid = normalise_pmcid(get("pmcid"))
    for key, value in fields.items():
        if key not in _MAPPED_FIELDS and value:
            extra[f"bibtex:{key}"] = value
    if fields.get("note"):
        extra["note"] = fields["note"]
    for key in ("school", "institution", "organization"):
        if fields.get(key) and fields[key] != publisher:
            extra[f"bibtex:{key}"] = fields[key]
    if fields.get("eprint") and not pmid:
        extra["bibtex:eprint"] = fields["eprint"]
        if eprint_type:
            extra["bibtex:eprinttype"] = eprint_type
    reference = Reference(
        type=ref_type,
        title=get("title"),
        title_short=get("shorttitle"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=get("shortjournal", "journal-abbrev"),
        collection_title=get("series"),
        volume=get("volume"),
        issue=get("number", "issue"),
        page=re.sub(r"\s*[-–—]+\s*", "-", get("pages")),
        issued=_issued(fields, warnings),
        status=get("pubstate"),
        publisher=publisher,
        publisher_place=get("location", "address"),
        edition=get("edition"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=normalise_doi(get("doi")),
        pmid=pmid,
        pmcid=pmcid,
        url=get("url"),
        language=get("langid", "language"),
        abstract=abstract_from_text(get("abstract")),
        keywords=_split_keywords(get("keywords")),
        extra=extra,
    )
    return reference, warnings


def _entry_raw_lines(text: str, entry: Entry) -> tuple[str, int, int]:
    raw = entry.raw or ""
    first = entry.start_line + 1 if entry.start_line is not None else 1
    if raw:
        offset = text.find(raw)
        if offset >= 0:
            first = line_number_at(text, offset)
    return raw, first, first + raw.count("\n")


class BibtexReader:
    """Reads BibTeX and BibLaTeX files; LaTeX accents and escapes become Unicode."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:20000]
        entries = re.findall(r"(?m)^\s*@([A-Za-z]+)\s*[{(]", head)
        if not entries:
            return 0.0
        known = [e for e in entries if e.casefold() in BIBTEX_TYPES]
        if known and re.search(r"(?m)^\s*[A-Za-z-]+\s*=\s*[{\"\d]", head):
            return 1.0
        return 0.5 if known else 0.2

    def read(self, text: str) -> ParseResult:
        text = text.lstrip("\ufeff")
        library = parse_string(
            text,
            parse_stack=[
                middlewares.ResolveStringReferencesMiddleware(),
                middlewares.RemoveEnclosingMiddleware(),
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
            ],
        )
        skipped: list[Diagnostic] = []
        entries: list[ParsedEntry] = []
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
            raw, first, last = _entry_raw_lines(text, block)
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


def _keywords_field(keywords: Sequence[str]) -> str:
    """ "a, b"; "a; b" when a keyword holds a comma, so the reader splits it the same way."""
    return ("; " if any("," in word for word in keywords) else ", ").join(keywords)


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
    }.get(ref.type, "journal")
    publisher_field = {
        ReferenceType.THESIS: "school",
        ReferenceType.REPORT: "institution",
    }.get(ref.type, "publisher")
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
    for name, value in (
        ("doi", ref.doi),
        ("url", ref.url),
        ("pmid", ref.pmid),
        ("pmcid", ref.pmcid),
    ):
        if value:
            fields.append(Field(name, value.replace("{", "%7B").replace("}", "%7D")))
    entry_type = _TYPE_TO_BIBTEX.get(ref.type, "misc")
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
