"""Refer and EndNote tagged files (``.enw``): "%0 Journal Article", "%A Repper, Julie", "%T …".

A record is a run of lines "%X value", one character after the percent sign naming the
field, and records are separated by blank lines. A line that does not start with "%"
continues the value above: under ``%K`` it is the next keyword (EndNote writes one per
line), elsewhere the text runs on. The tags are EndNote's (which extended Unix refer's):

``%0`` type (the last one counts), ``%A`` author, ``%E`` editor, ``%Y`` and ``%?``
translator (as Zotero reads ``%Y``), ``%T`` title, ``%J`` journal, ``%B`` a chapter's book
or an article's journal, ``%S`` series, ``%!`` short title, ``%D`` year, ``%8`` date,
``%V`` volume, ``%N`` issue, ``%P`` pages, ``%7`` edition, ``%C`` place, ``%I`` publisher,
``%@`` ISBN or ISSN, ``%R`` DOI (when it is one), ``%U`` URL, ``%K`` keywords, ``%X``
abstract, ``%G`` language, ``%Z`` note, ``%W`` / ``%~`` the database (kept in extra as
"database"). Every other value (translated names ``%H``, addresses ``%+``, accession
numbers ``%M`` …) is kept in extra as "refer:X". A record without ``%0`` is an article
when it names a journal, a chapter when it names a book, a book when it names a
publisher.
"""

from __future__ import annotations

import re

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field
from peerref.core.model import Creator, CreatorRole, PartialDate, Reference, ReferenceType
from peerref.core.names import parse_name
from peerref.formats._export_fields import abstract_sections
from peerref.formats._fields import (
    collapse_spaces,
    is_whole_doi,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._tagged import (
    TaggedRecord,
    TagSyntax,
    join_paragraphs,
    read_block,
    split_blocks,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult

NAME = "refer"
LABEL = "EndNote / Refer tagged file (.enw)"

# "%A Repper, Julie": the tag is the one character after "%" (letters, digits, signs).
_TAG_LINE = re.compile(r"^%(?P<tag>[A-Za-z0-9!@#$&()*+<=>?\[\]^~]) ?(?P<value>.*)$")
_SYNTAX = TagSyntax(
    tag_line=_TAG_LINE,
    is_continuation=lambda line: True,
    list_tags=frozenset({"K"}),
    join=lambda _tag, value, line: join_paragraphs(value, line),
)

# %0 → reference type. Types not here become OTHER, with the %0 kept in extra.
REFER_TYPES: dict[str, ReferenceType] = {
    "journal article": ReferenceType.ARTICLE_JOURNAL,
    "electronic article": ReferenceType.ARTICLE_JOURNAL,
    "magazine article": ReferenceType.ARTICLE_JOURNAL,
    "newspaper article": ReferenceType.ARTICLE_JOURNAL,
    "book": ReferenceType.BOOK,
    "edited book": ReferenceType.BOOK,
    "electronic book": ReferenceType.BOOK,
    "ancient text": ReferenceType.BOOK,
    "classical work": ReferenceType.BOOK,
    "book section": ReferenceType.CHAPTER,
    "electronic book section": ReferenceType.CHAPTER,
    "encyclopedia": ReferenceType.CHAPTER,
    "dictionary": ReferenceType.CHAPTER,
    "thesis": ReferenceType.THESIS,
    "conference proceedings": ReferenceType.PAPER_CONFERENCE,
    "conference paper": ReferenceType.PAPER_CONFERENCE,
    "report": ReferenceType.REPORT,
    "government document": ReferenceType.REPORT,
    "web page": ReferenceType.WEBPAGE,
    "electronic source": ReferenceType.WEBPAGE,
    "online multimedia": ReferenceType.WEBPAGE,
    "blog": ReferenceType.WEBPAGE,
    "dataset": ReferenceType.DATASET,
    "online database": ReferenceType.DATASET,
    "generic": ReferenceType.OTHER,
    "unpublished work": ReferenceType.OTHER,
    "manuscript": ReferenceType.OTHER,
}
_ROLES = {
    "A": CreatorRole.AUTHOR,
    "E": CreatorRole.EDITOR,
    "Y": CreatorRole.TRANSLATOR,
    "?": CreatorRole.TRANSLATOR,
}


def _type(record: TaggedRecord) -> ReferenceType:
    """The last %0 (Zotero reads it so); without one, guessed from the fields there are."""
    names = record.values_of("0")
    if names:
        last = names[-1]
        found = REFER_TYPES.get(collapse_spaces(last.value).casefold())
        if found is not None:
            last.used = True
            return found
        return ReferenceType.OTHER  # the type's name stays in extra
    if record.has("J"):
        return ReferenceType.ARTICLE_JOURNAL
    if record.has("B"):
        return ReferenceType.CHAPTER
    if record.has("I"):
        return ReferenceType.BOOK
    return ReferenceType.OTHER


def _date(record: TaggedRecord) -> tuple[PartialDate, list[str]]:
    """%D (year, sometimes a whole date) with %8 (the rest of the date: "June 15")."""
    problems: list[str] = []
    year_text = collapse_spaces(record.peek_first("D"))
    rest = collapse_spaces(record.peek_first("8"))
    year_date = parse_date(year_text) if year_text else None
    if year_text and year_date is None:
        year = find_year(year_text)
        year_date = PartialDate(year=year) if year else None
        problems.append(f"date {year_text!r} read only in part")
    else:
        record.take_first("D")
    if rest:
        whole = parse_date(rest)
        if whole is None and year_date is not None and year_date.year is not None:
            whole = parse_date(f"{rest} {year_date.year}") or parse_date(f"{year_date.year} {rest}")
        if whole is not None and (year_date is None or whole.year == year_date.year):
            record.take_first("8")
            return whole, problems
    return year_date or PartialDate(), problems


def _keywords(record: TaggedRecord) -> tuple[str, ...]:
    keywords: list[str] = []
    seen: set[str] = set()
    for value in record.take("K"):
        word = collapse_spaces(value)
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            keywords.append(word)
    return tuple(keywords)


def _record_to_reference(record: TaggedRecord) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    ref_type = _type(record)
    title = collapse_spaces(record.take_first("T"))
    if not title:
        warnings.append(Diagnostic("the record has no title", record.first_line))
    creators: list[Creator] = []
    for value in record.take_values(*_ROLES):
        for name in value.value.split(";") if ";" in value.value else [value.value]:
            if collapse_spaces(name):
                creators.append(parse_name(collapse_spaces(name), _ROLES[value.tag]))

    container = collapse_spaces(record.take_first("J"))
    series = collapse_spaces(record.take_first("S"))
    if ref_type is ReferenceType.BOOK:
        series = series or collapse_spaces(record.take_first("B"))
    elif not container:
        container = collapse_spaces(record.take_first("B"))

    issued, problems = _date(record)
    warnings.extend(Diagnostic(p, record.line_of("D")) for p in problems)

    issns: list[str] = []
    isbns: list[str] = []
    for value in record.values_of("@"):
        found_issns, found_isbns, other = split_standard_numbers([value.value])
        value.used = bool(found_issns or found_isbns) and not other
        issns += [i for i in found_issns if i not in issns]
        isbns += [i for i in found_isbns if i not in isbns]
        warnings.extend(
            Diagnostic(m, value.line) for m in standard_number_warnings(found_issns, found_isbns)
        )
    doi = ""
    for value in record.values_of("R"):
        doi = doi_of_field(value.value)
        if doi:
            value.used = is_whole_doi(value.value, doi)
            break
    url = ""
    for value in record.values_of("U"):
        match = re.match(r"\s*(https?://\S+)\s*$", value.value)
        if match:
            url, value.used = match[1], True
            break
    notes = [paragraphs_to_abstract_text(n) for n in record.take("Z")]
    if notes:
        extra["note"] = "\n\n".join(notes)
    database = collapse_spaces(record.take_first("~", "W"))
    if database:
        extra["database"] = database
    languages = [collapse_spaces(v) for v in record.take("G")]

    reference = Reference(
        type=ref_type,
        title=title,
        title_short=collapse_spaces(record.take_first("!")),
        creators=tuple(creators),
        container_title=container,
        collection_title=series,
        volume=collapse_spaces(record.take_first("V")),
        issue=collapse_spaces(record.take_first("N")),
        page=(
            collapse_spaces(record.take_first("P"))
            if ref_type not in {ReferenceType.BOOK, ReferenceType.THESIS}
            else ""  # a book's or thesis's %P is its number of pages ("173 s."): in extra
        ),
        issued=issued,
        publisher=collapse_spaces(record.take_first("I")),
        publisher_place=collapse_spaces(record.take_first("C")),
        edition=collapse_spaces(record.take_first("7")),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        url=url,
        language=", ".join(v for v in languages if v),
        abstract=abstract_sections(" ".join(record.take("X"))),
        keywords=_keywords(record),
        extra=extra,
    )
    record.keep_leftovers(extra, "refer", joiner="\n")
    return reference, warnings


class ReferReader:
    """Reads Refer / EndNote tagged (.enw) files."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the first lines are "%X value" lines, most of them known tags."""
        lines = [line for line in text[:4000].lstrip("\ufeff").splitlines() if line.strip()][:8]
        if not lines or not _TAG_LINE.match(lines[0].lstrip()):
            return 0.0
        tagged = [m for line in lines if (m := _TAG_LINE.match(line.lstrip()))]
        known = [m for m in tagged if m["tag"] in "0ATJDEBIKVNPX@U"]
        if len(tagged) >= 2 and len(known) >= 2:
            return 0.95 if lines[0].startswith("%0 ") or len(known) >= 3 else 0.7
        return 0.0

    def read(self, text: str) -> ParseResult:
        """Every blank-line-separated record; text that is not a record is reported."""
        lines = text.lstrip("\ufeff").splitlines()
        skipped: list[Diagnostic] = []
        entries: list[ParsedEntry] = []
        for block in split_blocks(lines):
            record, stray = read_block(block, _SYNTAX)
            if not record.values:
                skipped.append(
                    Diagnostic(
                        f"not a Refer record; skipped: {block.lines[0].strip()[:60]}",
                        block.first_line,
                    )
                )
                continue
            skipped.extend(
                Diagnostic(f"text before the first field; skipped: {line[:60]}", number)
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
            raise FormatError("no Refer records found (a record is lines like '%T Title')")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


READERS = (ReferReader(),)
