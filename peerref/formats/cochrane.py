"""The Cochrane Library's plain-text export of CENTRAL trials and Cochrane Reviews.

"Export selected citations" in the Cochrane Library offers RIS (read by ``ris``, which
knows the Cochrane dialect) and a plain-text form of its own, which this module reads:

    Record #1 of 2
    ID: CN-01234567
    AU: Okafor C
    TI: Peer support workers on acute mental health wards: a cluster randomised trial
    SO: Journal of Mental Health
    YR: 2021
    VL: 30
    NO: 4
    PG: 411-419
    XR: EMBASE 2011234567
    PT: Journal article
    KY: *Peer Group; Adult; Mental Health Services
    DOI: 10.1080/09638237.2021.0000000
    US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01234567/full
    CC: Common Mental Disorders

Each record opens with "Record #n of N" (and sometimes Wiley's "Provider:" and "Content:"
lines), then one "TAG: value" line per value; a line without a tag continues the value
above it. ``ID`` is the CENTRAL accession number (CN-…) or a review's number (CD…),
``SO`` the journal (a trial registry's address for a registry record), ``NO`` the issue,
``XR`` and ``PM`` the record's numbers in PubMed and Embase ("PUBMED 12345678"), ``PT``
the publication type, ``KY`` the subject headings (a star marks a major one), ``US`` the
record's link, ``CC`` the Cochrane groups that hold it. A Cochrane Review's number is its
article number, cited where pages would be. Every value no field takes is kept in extra
as "cochrane:TAG", through the shared tagged-file helper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from peerref.core.dates import parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi
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
    hyphenated_range,
    is_whole_doi,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._ris_dialects import WILEY_HEADER
from peerref.formats._tagged import (
    RecordBlock,
    TaggedRecord,
    TagSyntax,
    read_fields,
    split_blocks,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "cochrane"
LABEL = "Cochrane Library export (CENTRAL, Cochrane Reviews)"
PREFIX = "cochrane"

_RECORD_HEADER = re.compile(r"^\s*Record #\d+ of \d+\s*$")
_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3}):(?:[ \t]+(?P<value>.*?)|[ \t]*)\s*$")
_SYNTAX = TagSyntax(tag_line=_TAG, is_continuation=lambda line: bool(line.strip()))
# The tags of the export, for recognising it.
_KNOWN_TAGS = re.compile(r"(?m)^(?:ID|AU|TI|SO|YR|VL|NO|PG|XR|PT|KY|DOI|US|CC|AB|PM): ")
_RIS_LINE = re.compile(r"(?m)^TY {1,2}- ")
_CENTRAL_ID = re.compile(r"(?m)^ID: (?:CN-\d{6,}|CD\d{6})\s*$")
_REVIEW_ID = re.compile(r"^CD\d{6}$")
_REVIEW_DOI = "10.1002/14651858."
_REVIEWS = "Cochrane Database of Systematic Reviews"
_CROSS_REFERENCE = re.compile(r"\bPUBMED\s+(\d+)\b")
# "Okafor C, Lindqvist E": several "Surname Initials" names in one AU value.
_INITIALS_NAME = re.compile(r"^\S+(?: \S+)*? [A-Z]{1,3}$")
_URL = re.compile(r"^https?://\S+$")


def _starts_record(line: str, lines_so_far: Sequence[str]) -> bool:
    """A record opens at "Record #n of N", or at a second ID when there is no such line."""
    if _RECORD_HEADER.match(line):
        return True
    return line.startswith("ID: ") and any(previous.startswith("ID: ") for previous in lines_so_far)


def _authors(values: list[str]) -> list[Creator]:
    names: list[str] = []
    for value in values:
        for part in re.split(r"\s*;\s*", value):
            pieces = [p.strip() for p in part.split(",")]
            if len(pieces) > 1 and all(_INITIALS_NAME.match(p) for p in pieces):
                names.extend(pieces)  # "Okafor C, Lindqvist E"
            elif part.strip():
                names.append(part.strip())  # "Okafor, Chidinma" or "Okafor C"
    creators = [parse_name(name, CreatorRole.AUTHOR) for name in names]
    return [c for c in creators if c.family or c.literal or c.given]


def _pmid(record: TaggedRecord) -> str:
    """The PubMed number in PM or XR ("PUBMED 12345678"); the values stay for extra."""
    for value in record.peek("PM", "XR"):
        match = _CROSS_REFERENCE.search(value)
        if match:
            return match.group(1)
    return ""


def _reference_type(record: TaggedRecord, review: bool) -> ReferenceType:
    publication_type = " ".join(record.peek("PT")).casefold()
    if review:
        return ReferenceType.ARTICLE_JOURNAL
    if "conference" in publication_type:
        return ReferenceType.PAPER_CONFERENCE
    if "registry" in publication_type or _URL.match(record.peek_first("SO")):
        return ReferenceType.WEBPAGE  # a trial registry's record, cited as its page
    if "article" in publication_type or record.has("SO"):
        return ReferenceType.ARTICLE_JOURNAL
    return ReferenceType.OTHER


def _reference(record: TaggedRecord) -> tuple[Reference, list[str]]:
    warnings: list[str] = []
    extra: dict[str, str] = {}
    record_id = record.peek_first("ID")
    doi_text = record.peek_first("DOI")
    doi = normalise_doi(doi_text)
    if is_whole_doi(doi_text, doi):
        record.take_first("DOI")
    review = bool(_REVIEW_ID.match(record_id)) or doi.startswith(_REVIEW_DOI)
    ref_type = _reference_type(record, review)

    source = record.take_first("SO")
    url = record.take_first("US")
    if _URL.match(source):  # a registry record: its address is what is cited
        if url and url != source:
            extra[f"{PREFIX}:US"] = url  # the Cochrane Library's own link to it
        url, source = source, ""
    container = source or (_REVIEWS if review else "")

    year_text = record.peek_first("YR")
    issued = parse_date(year_text) if year_text else None
    if issued is not None and issued.year is not None:
        record.take_first("YR")
    else:
        if year_text:
            warnings.append(f"YR {year_text!r} is not a year; kept in extra")
        issued = PartialDate()

    page = hyphenated_range(record.take_first("PG"))
    if not page and review:
        page = record_id  # a review's article number (CD012345), cited as its pages

    issns, isbns, other = split_standard_numbers(record.take("SN", "ISSN"))
    warnings.extend(standard_number_warnings(issns, isbns))
    if other:
        extra[f"{PREFIX}:SN"] = "; ".join(other)

    keywords: list[str] = []
    for line in record.take("KY"):
        for keyword in line.split(";"):
            keyword = collapse_spaces(keyword.replace("*", ""))  # a star: a major heading
            if keyword and keyword not in keywords:
                keywords.append(keyword)

    title = collapse_spaces(record.take_first("TI"))
    if not title:
        warnings.append("the record has no title (TI)")
    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(_authors(record.take("AU"))),
        container_title=collapse_spaces(container),
        volume=record.take_first("VL"),
        issue=record.take_first("NO"),
        page=page,
        issued=issued,
        publisher=record.take_first("PB"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=_pmid(record),
        url=url,
        language=record.take_first("LA"),
        abstract=abstract_from_text(paragraphs_to_abstract_text(record.take_first("AB"))),
        keywords=tuple(keywords),
        extra=extra,
    )
    record.keep_leftovers(extra, PREFIX)
    return reference, warnings


def _read_block(block: RecordBlock) -> TaggedRecord | None:
    """A block's tag values, Wiley's header lines left out; None when it has no tags."""
    lines = list(block.lines)
    offset = 0
    while lines and (WILEY_HEADER.match(lines[0]) or not lines[0].strip()):
        lines.pop(0)
        offset += 1
    found = read_fields(lines, block.first_line + offset, _SYNTAX)
    if not found.values:
        return None
    return TaggedRecord(found.values, block.first_line, block.last_line)


class CochraneReader:
    """Reads the Cochrane Library's plain-text export ("Record #1 of N", "ID: CN-…")."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure at "Record #n of N" followed by the export's tags; likely at CN- ids."""
        head = text[:8000].lstrip("\ufeff")
        if _RIS_LINE.search(head):
            return 0.0  # the Cochrane Library's RIS, which the RIS reader reads
        tags = len(_KNOWN_TAGS.findall(head))
        if re.search(r"(?m)^\s*Record #\d+ of \d+\s*$", head) and tags >= 2:
            return 1.0
        if _CENTRAL_ID.search(head) and tags >= 3:
            return 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        """Every record; text outside records is reported as skipped, with its line."""
        lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for block in split_blocks(lines, _starts_record, blank_line_ends=False):
            record = _read_block(block)
            if record is None or not record.has("ID", "TI", "AU", "SO"):
                if not all(WILEY_HEADER.match(line) for line in block.lines if line.strip()):
                    first = next(line for line in block.lines if line.strip())
                    skipped.append(
                        Diagnostic(
                            f"not a Cochrane record; skipped: {first.strip()[:60]}",
                            block.first_line,
                            Severity.INFO,
                        )
                    )
                continue
            reference, warnings = _reference(record)
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=block.raw_text,
                    first_line=block.first_line,
                    last_line=block.last_line,
                    warnings=tuple(Diagnostic(w, block.first_line) for w in warnings),
                )
            )
        if not entries:
            raise FormatError("no Cochrane Library record found (a record opens with 'ID: ')")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


READERS = (CochraneReader(),)
