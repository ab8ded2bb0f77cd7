"""Scopus CSV exports ("Export → CSV"): one reference per row under Scopus's column names.

The header names the columns Scopus was asked for, in its own words: "Authors", "Author
full names", "Author(s) ID", "Title", "Year", "Source title", "Volume", "Issue", "Art.
No.", "Page start", "Page end", … "Document Type", "Publication Stage", "Open Access",
"Source", "EID". Cells are quoted when they hold commas, quotes or line breaks. Columns
are found by name, so an export of any selection of fields (and in any order) is read.

Names come from "Author full names" ("Repper, Julie (7003462111); …") when the export has
them, else from "Authors" ("Repper J.; Carter T.", or with commas between the names in
older exports). Keywords are the authors' then Scopus's index terms. "Art. No." is the
page of an article without pages; "Source" is the database ("Scopus", kept in extra as
"database"). Scopus's placeholders ("[No abstract available]", "[No author name
available]") are not data and are left out. Every other non-empty cell is kept in extra
as "scopus:<column>", so nothing is dropped.
"""

from __future__ import annotations

import csv
import re

from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_pmid
from peerref.core.model import Creator, CreatorRole, PartialDate, Reference, ReferenceType
from peerref.core.names import parse_name
from peerref.formats._export_fields import abstract_sections, parse_short_name, same_people
from peerref.formats._fields import (
    collapse_spaces,
    is_whole_doi,
    join_pages,
    last_page_is_kept,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._tagged import TableRow, TaggedRecord, read_table, table_record
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult
from peerref.formats.medline import AHEAD_OF_PRINT

NAME = "scopus-csv"
LABEL = "Scopus CSV export"

# Columns that tell a Scopus export from any other CSV file: its own names for them.
_SCOPUS_COLUMNS = frozenset(
    {"Author(s) ID", "Source title", "Art. No.", "Page start", "Page end", "Cited by"}
    | {"Author Keywords", "Index Keywords", "Document Type", "Publication Stage", "EID"}
    | {"Author full names", "Language of Original Document", "Abbreviated Source Title"}
)
# Scopus's words for "nothing here", which are not values.
PLACEHOLDERS = frozenset({"[no abstract available]", "[no author name available]"})

DOCUMENT_TYPES: dict[str, ReferenceType] = {
    "article": ReferenceType.ARTICLE_JOURNAL,
    "review": ReferenceType.ARTICLE_JOURNAL,
    "letter": ReferenceType.ARTICLE_JOURNAL,
    "editorial": ReferenceType.ARTICLE_JOURNAL,
    "note": ReferenceType.ARTICLE_JOURNAL,
    "short survey": ReferenceType.ARTICLE_JOURNAL,
    "erratum": ReferenceType.ARTICLE_JOURNAL,
    "retracted": ReferenceType.ARTICLE_JOURNAL,
    "data paper": ReferenceType.ARTICLE_JOURNAL,
    "article in press": ReferenceType.ARTICLE_JOURNAL,
    "business article": ReferenceType.ARTICLE_JOURNAL,
    "book chapter": ReferenceType.CHAPTER,
    "book": ReferenceType.BOOK,
    "conference paper": ReferenceType.PAPER_CONFERENCE,
    "conference review": ReferenceType.PAPER_CONFERENCE,
    "report": ReferenceType.REPORT,
}

_SCOPUS_ID = re.compile(r"\s*\((\d+)\)\s*$")


def _short_names(cell: str) -> list[str] | None:
    """ "Repper J.; Carter T." or, in older exports, "Repper J., Carter T.".

    None when a name would have more than one comma left in it: not a list of names
    Scopus writes, so the cell is kept in extra as it is rather than read in part.
    """
    if ";" in cell:
        names = [n.strip() for n in cell.split(";") if n.strip()]
    else:
        names = [n.strip() for n in re.split(r"(?<=\.),\s+", cell) if n.strip()]
    return None if any(name.count(",") > 1 for name in names) else names


def _creators(record: TaggedRecord) -> list[Creator]:
    creators: list[Creator] = []
    short_names = _short_names(record.peek_first("Authors"))
    short = [n for n in short_names or () if n.casefold() not in PLACEHOLDERS]
    full = [n.strip() for n in record.peek_first("Author full names").split(";") if n.strip()]
    if any(name.count(",") > 1 for name in full):
        full = []  # not "Family, Given (id)": the cell stays in extra as it is
    if full:
        # The Scopus author ids ("Repper, Julie (7003462111)") are in "Author(s) ID" too,
        # kept in extra from there; without that column the names keep theirs in extra.
        ids = {m for name in full for m in _SCOPUS_ID.findall(name)}
        if ids <= set(re.findall(r"\d+", record.peek_first("Author(s) ID"))):
            record.take_first("Author full names")
        for name in full:
            creators.append(parse_name(_SCOPUS_ID.sub("", name), CreatorRole.AUTHOR))
        if same_people([parse_short_name(n) for n in short], creators):
            record.take_first("Authors")  # the same people, initialled
    elif short_names is not None:
        record.take_first("Authors")
        creators.extend(parse_short_name(n, CreatorRole.AUTHOR) for n in short)
    editors = _short_names(record.peek_first("Editors"))
    if editors is not None:
        record.take_first("Editors")
        creators.extend(parse_short_name(n, CreatorRole.EDITOR) for n in editors)
    return creators


def _keywords(record: TaggedRecord) -> tuple[str, ...]:
    keywords: list[str] = []
    seen: set[str] = set()
    for cell in record.take("Author Keywords", "Index Keywords"):
        for word in cell.split(";"):
            word = collapse_spaces(word)
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                keywords.append(word)
    return tuple(keywords)


def _record_to_reference(record: TaggedRecord) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    line = record.first_line
    document_type = collapse_spaces(record.peek_first("Document Type"))
    ref_type = DOCUMENT_TYPES.get(document_type.casefold(), ReferenceType.OTHER)
    if document_type:
        extra["scopus:Document Type"] = document_type
        record.take_first("Document Type")
    title = collapse_spaces(record.take_first("Title"))
    if not title:
        warnings.append(Diagnostic("the row has no title", line))
    source_title = collapse_spaces(record.take_first("Source title"))
    container, series = source_title, ""
    if ref_type is ReferenceType.BOOK:  # a book's source title is its series, or itself
        container, series = "", "" if source_title == title else source_title

    year_text = collapse_spaces(record.peek_first("Year"))
    issued = PartialDate()
    if re.fullmatch(r"\d{4}", year_text):
        issued = PartialDate(year=int(year_text))
        record.take_first("Year")
    elif year_text:
        warnings.append(Diagnostic(f"year {year_text!r} is not a year (kept in extra)", line))

    first, last = record.peek_first("Page start"), record.peek_first("Page end")
    page = join_pages(first, last)
    record.take_first("Page start")
    if last_page_is_kept(page, last):
        record.take_first("Page end")
    if not page:
        page = collapse_spaces(record.take_first("Art. No."))

    issns, isbns, other = split_standard_numbers(record.peek("ISSN", "ISBN"))
    if not other:
        record.take("ISSN", "ISBN")
    warnings.extend(Diagnostic(m, line) for m in standard_number_warnings(issns, isbns))
    doi = doi_of_field(record.peek_first("DOI"))
    if is_whole_doi(record.peek_first("DOI"), doi):
        record.take_first("DOI")
    pmid = normalise_pmid(record.peek_first("PubMed ID"))
    if pmid and pmid == record.peek_first("PubMed ID").strip():
        record.take_first("PubMed ID")
    else:
        pmid = ""
    # "Article in Press" is our status; the stage itself ("Final" too) stays in extra.
    stage = collapse_spaces(record.peek_first("Publication Stage")).casefold()
    in_press = "article in press" in {stage, document_type.casefold()}
    status = AHEAD_OF_PRINT if in_press else ""
    database = collapse_spaces(record.take_first("Source"))
    if database:
        extra["database"] = database
    abstract = record.peek_first("Abstract")
    if abstract.strip().casefold() in PLACEHOLDERS:
        record.take_first("Abstract")
        abstract = ""
    else:
        abstract = " ".join(record.take("Abstract"))
    url = collapse_spaces(record.peek_first("Link"))
    if re.fullmatch(r"https?://\S+", url):
        record.take_first("Link")
    else:
        url = ""

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(_creators(record)),
        container_title=container,
        container_title_short=collapse_spaces(record.take_first("Abbreviated Source Title")),
        collection_title=series,
        volume=collapse_spaces(record.take_first("Volume")),
        issue=collapse_spaces(record.take_first("Issue")),
        page=page,
        issued=issued,
        status=status,
        publisher=collapse_spaces(record.take_first("Publisher")),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        url=url,
        language=collapse_spaces(record.take_first("Language of Original Document")),
        abstract=abstract_sections(abstract),
        keywords=_keywords(record),
        extra=extra,
    )
    record.keep_leftovers(extra, "scopus", joiner="\n")
    return reference, warnings


def _is_header(cells: list[str]) -> bool:
    names = {c.strip().lstrip("\ufeff") for c in cells}
    return "Title" in names and len(names & _SCOPUS_COLUMNS) >= 2


class ScopusCsvReader:
    """Reads Scopus CSV exports of any selection of fields."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the first row names Scopus's columns ("Source title", "EID" …)."""
        head = text[:8000].lstrip("\ufeff \r\n")
        try:
            first = next(csv.reader([head.split("\n", 1)[0]]), [])
        except csv.Error:
            return 0.0
        if not _is_header(first):
            return 0.0
        return 1.0 if {"EID", "Source title"} & {c.strip() for c in first} else 0.9

    def read(self, text: str) -> ParseResult:
        """One reference per row after the header; rows without a title are reported."""
        try:
            rows = read_table(text, delimiter=",", quoted=True)
        except csv.Error as error:
            raise FormatError(f"the CSV file cannot be read: {error}") from error
        if not rows or not _is_header(list(rows[0].cells)):
            raise FormatError(
                "no Scopus CSV header found (a first row naming columns such as "
                '"Authors","Title","Year","Source title" … "EID")'
            )
        header = list(rows[0].cells)
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for row in rows[1:]:
            entry = _entry(header, row)
            if entry is None:
                skipped.append(
                    Diagnostic(
                        f"a row without a title; skipped: {' '.join(row.cells)[:60]}",
                        row.first_line,
                    )
                )
            else:
                entries.append(entry)
        if not entries:
            raise FormatError("the Scopus CSV file has a header but no references")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


def _entry(header: list[str], row: TableRow) -> ParsedEntry | None:
    record = table_record(header, row)
    if not record.has("Title"):
        return None
    reference, warnings = _record_to_reference(record)
    return ParsedEntry(
        reference=reference,
        raw_text=row.raw_text,
        first_line=row.first_line,
        last_line=row.last_line,
        warnings=tuple(warnings),
    )


READERS = (ScopusCsvReader(),)
