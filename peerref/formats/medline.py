"""MEDLINE / PubMed ``.nbib`` files: the tagged export PubMed offers as "Save → PubMed".

Each record is a run of lines "TAG - value" (the tag padded to four characters), with
long values continued on lines indented by six spaces, and records separated by blank
lines, each opening with ``PMID-`` — or, in the same format from ERIC, with ``OWN - ERIC``
(whose JT names the publisher of a report or book). Authors come twice: ``FAU``
("Repper, Julie") and ``AU`` ("Repper J"); the full form wins, and ``AU - et al.`` marks
the list cut short rather than naming a person. The journal comes twice too: ``JT``
(full title) and ``TA`` (the NLM abbreviation, kept as the short container title).
Every value no field takes (affiliations, dates of entry, the citation in ``SO``) is kept
in extra as "medline:TAG", through the shared tagged-file helper.

This module also holds the NLM conventions the PubMed text readers share: abbreviated
page ranges ("205-7" is 205–207), upper-case structured-abstract headings, and the
three-letter language codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_key, normalise_doi, normalise_pmcid, normalise_pmid
from peerref.core.model import (
    KNOWN_ABSTRACT_HEADINGS,
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.core.names import parse_name
from peerref.formats._fields import split_standard_numbers, standard_number_warnings
from peerref.formats._tagged import TaggedRecord, TagSyntax, read_fields
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

# The status PubMed's "aheadofprint" and "Online ahead of print." become (CSL ``status``).
AHEAD_OF_PRINT = "ahead-of-print"

_HEADING_LOOKUP = {h.casefold(): h for h in KNOWN_ABSTRACT_HEADINGS}

# MEDLINE writes ISO 639-2/B codes; CSL expects the short BCP 47 form where there is one.
LANGUAGE_CODES: dict[str, str] = {
    "eng": "en",
    "fre": "fr",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "dut": "nl",
    "swe": "sv",
    "nor": "no",
    "dan": "da",
    "fin": "fi",
    "pol": "pl",
    "rus": "ru",
    "jpn": "ja",
    "chi": "zh",
    "kor": "ko",
    "tur": "tr",
    "gre": "el",
    "heb": "he",
    "ara": "ar",
    "cze": "cs",
    "hun": "hu",
}

# MEDLINE publication types that decide the reference type; all others are article kinds.
_TYPE_BY_PUBLICATION_TYPE: dict[str, ReferenceType] = {
    "book": ReferenceType.BOOK,
    "book chapter": ReferenceType.CHAPTER,
    "preprint": ReferenceType.PREPRINT,
    "dataset": ReferenceType.DATASET,
    "technical report": ReferenceType.REPORT,
    "congress": ReferenceType.PAPER_CONFERENCE,
    "academic dissertation": ReferenceType.THESIS,
    "webcast": ReferenceType.WEBPAGE,
}

_PAGE_RANGE = re.compile(
    r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)[-–](?P<prefix2>[A-Za-z]*)(?P<last>\d+)$"
)
# An upper-case heading such as "BACKGROUND:" or "METHODS AND RESULTS:" opening a section.
_INLINE_HEADING = re.compile(r"(?:^|(?<=[.?!)\]] ))(?P<heading>[A-Z][A-Z0-9 ,/&'-]{2,60}): ")
_TAG_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{0,3}) {0,3}-(?: (?P<value>.*))?$")
_CONTINUATION = re.compile(r"^[ \t]+\S")
_ID_KIND = re.compile(r"\[(?P<kind>[a-z]+)\]\s*$")


def expand_nlm_pages(pages: str) -> str:
    """Write NLM's abbreviated page ranges in full: "205-7" → "205-207", "S35-42" → "S35-S42".

    NLM drops the leading digits the last page shares with the first. Ranges that are
    already complete ("512-520"), article numbers ("e15572") and anything unusual are
    returned unchanged, so nothing is ever guessed beyond that rule.
    """
    pages = pages.strip()
    match = _PAGE_RANGE.match(pages)
    if not match:
        return pages
    prefix, first, last = match["prefix"], match["first"], match["last"]
    if match["prefix2"] and match["prefix2"] != prefix:
        return pages
    if len(last) < len(first):
        full_last = first[: len(first) - len(last)] + last
        if int(full_last) > int(first):
            return f"{prefix}{first}-{prefix}{full_last}"
        return pages
    return f"{prefix}{first}-{prefix}{last}" if prefix else pages


def heading_name(raw: str) -> str:
    """ "BACKGROUND" → "Background"; unknown headings are put in sentence case."""
    raw = raw.strip()
    known = _HEADING_LOOKUP.get(raw.casefold())
    if known:
        return known
    return raw[:1].upper() + raw[1:].lower() if raw.isupper() else raw


def split_structured_abstract(text: str) -> tuple[AbstractSection, ...]:
    """Split "BACKGROUND: … METHODS: …" into sections; plain prose stays one section.

    PubMed writes structured abstracts with upper-case labels. Only labels at the start
    or right after the end of a sentence count, so a colon inside a sentence never
    splits it.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    matches = list(_INLINE_HEADING.finditer(text))
    if not matches:
        return (AbstractSection("", text),)
    sections: list[AbstractSection] = []
    if matches[0].start() > 0:
        sections.append(AbstractSection("", text[: matches[0].start()].strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        if body:
            sections.append(AbstractSection(heading_name(match["heading"]), body))
    return tuple(sections)


def clean_title(text: str) -> str:
    """NLM ends every title with a full stop; drop that one, keep "?" and "!"."""
    text = " ".join(text.split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text.strip()


def language_code(text: str) -> str:
    """ "eng" → "en"; unknown codes are kept as written."""
    text = text.strip()
    return LANGUAGE_CODES.get(text.casefold(), text)


def date_or_literal(text: str) -> tuple[PartialDate, bool]:
    """Parse an NLM date; when it cannot be read, keep its year and the text as written.

    Returns the date and whether it was read completely.
    """
    text = text.strip()
    if not text:
        return PartialDate(), True
    parsed = parse_date(text)
    if parsed is not None:
        return parsed, True
    # "2019 Jun 1-15", "2020 Jan–": keep what is certain, the year, and the rest verbatim.
    head = parse_date(" ".join(text.split()[:2])) if len(text.split()) > 2 else None
    if head is not None:
        return head, False
    year = find_year(text)
    return PartialDate(year=year, literal="" if year else text), False


# Lines indented under a tag continue its value; anything else unindented is not MEDLINE.
_SYNTAX = TagSyntax(
    tag_line=_TAG_LINE, is_continuation=lambda line: bool(_CONTINUATION.match(line))
)
# The marker PubMed writes for an author list it cut short ("AU  - et al."): not a person.
_ET_AL = re.compile(r"^(?:et\.?\s*al\.?|\.\.\.|…)$", re.IGNORECASE)
# ERIC's publication types, and the ERIC types read as something other than an article.
_ERIC_TYPES = (
    ("journal articles", ReferenceType.ARTICLE_JOURNAL),
    ("books", ReferenceType.BOOK),
    ("dissertations/theses", ReferenceType.THESIS),
    ("reports", ReferenceType.REPORT),
)
_DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
# A "[pii]" that is an electronic article number ("1042", "e15572"), usable as the page.
_ARTICLE_NUMBER = re.compile(r"^[eE]?\d{1,8}$")
TRUNCATED_AUTHORS_WARNING = "the author list is cut short (et al.)"


class MedlineReader:
    """MEDLINE/.nbib records (PubMed's "Save → PubMed format", ERIC's export)."""

    name = "medline"
    label = "MEDLINE / PubMed .nbib file"

    def sniff(self, text: str) -> float:
        """Sure when a line opens with "PMID- " (or ERIC's "OWN - ") and MEDLINE tags follow."""
        head = text[:20000]
        has_pmid = re.search(r"(?m)^PMID- ?\d", head) is not None
        if re.search(r"(?m)^TY  - ", head):  # RIS also pads tags to four characters
            return 0.3 if has_pmid else 0.0
        tags = len(re.findall(r"(?m)^(?:TI|FAU|AU|DP|SO|JT|TA)\s*- ", head))
        if has_pmid:
            return 0.95 if tags else 0.6
        if re.search(r"(?m)^OWN - \S", head) and tags >= 2:
            return 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        """Read every record; lines that are neither tags nor continuations are reported."""
        found, skipped = _split_records(text)
        # A record is PubMed's (opening with PMID) or another database's (ERIC opens
        # with OWN); a block of tag lines with neither is not MEDLINE, and is reported.
        records = [r for r in found if r.has("PMID", "OWN")]
        skipped.extend(
            Diagnostic(
                f"tag lines without PMID or OWN; skipped: {r.values[0].tag} - "
                f"{r.values[0].value[:50]}",
                r.first_line,
            )
            for r in found
            if not r.has("PMID", "OWN")
        )
        if not records:
            raise FormatError(
                "no MEDLINE records found (a record starts with a 'PMID- ' or 'OWN - ' line)"
            )
        lines = text.splitlines()
        entries: list[ParsedEntry] = []
        for record in records:
            reference, warnings = _record_to_reference(record)
            raw = "\n".join(lines[record.first_line - 1 : record.last_line])
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=raw,
                    first_line=record.first_line,
                    last_line=record.last_line,
                    warnings=tuple(warnings),
                )
            )
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


def _split_records(text: str) -> tuple[list[TaggedRecord], list[Diagnostic]]:
    """Records are runs of lines between blank lines; a second PMID also starts one."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.replace("\ufeff", "").rstrip()
        if not line.strip():
            current = None
            continue
        starts_record = line.startswith("PMID-") and current is not None
        if starts_record and any(b.startswith("PMID-") for b in current or ()):
            current = None
        if current is None:
            current = []
            blocks.append((number, current))
        current.append(line)
    records: list[TaggedRecord] = []
    skipped: list[Diagnostic] = []
    for first, block in blocks:
        found = read_fields(block, first, _SYNTAX)
        for number, stray in found.stray:
            skipped.append(
                Diagnostic(f"not a MEDLINE tag line; skipped: {stray[:60]}", number, Severity.INFO)
            )
        if found.values:
            records.append(TaggedRecord(found.values, found.values[0].line, first + len(block) - 1))
    return records, skipped


def _creators(record: TaggedRecord) -> tuple[list[Creator], bool]:
    """Authors (FAU preferred over AU), corporate authors and editors, in file order.

    Returns the creators and whether the list is cut short ("et al." in place of a name).
    """
    people: list[tuple[CreatorRole, str, str]] = []  # (role, full form, short form)
    full_tags = {"FAU": CreatorRole.AUTHOR, "FED": CreatorRole.EDITOR}
    short_tags = {"AU": CreatorRole.AUTHOR, "ED": CreatorRole.EDITOR}
    creators: list[Creator | None] = []
    truncated = False
    for f in record.values_of(*full_tags, *short_tags, "CN"):
        f.used = True
        if _ET_AL.match(f.value.strip()):
            truncated = True
        elif f.tag in full_tags:
            people.append((full_tags[f.tag], f.value, ""))
            creators.append(None)
        elif f.tag in short_tags:
            role = short_tags[f.tag]
            if people and people[-1][0] is role and people[-1][1] and not people[-1][2]:
                if not _same_family(people[-1][1], f.value):
                    f.used = False  # not the short form of the name above: keep it
                people[-1] = (role, people[-1][1], f.value)
            else:
                people.append((role, "", f.value))
                creators.append(None)
        else:
            people.append((CreatorRole.AUTHOR, "", ""))
            creators.append(Creator(literal=f.value))
    result: list[Creator] = []
    for (role, full, short), ready in zip(people, creators, strict=True):
        if ready is not None:
            result.append(ready)
        elif full or short:
            result.append(parse_name(full or short, role))
    return result, truncated


def _same_family(full: str, short: str) -> bool:
    """Whether AU "Okafor CN" is the short form of FAU "Okafor, Chidinma N" above it."""
    return parse_name(full).family.casefold() == parse_name(short).family.casefold()


def _standard_numbers(
    record: TaggedRecord, warnings: list[Diagnostic], extra: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ISSNs (``IS``, ERIC's ``ISSN``) and ISBNs, told apart by shape, labels dropped.

    A wrong check digit is warned about on the line of its value; text that is neither
    ISSN nor ISBN is kept in extra.
    """
    issns: list[str] = []
    isbns: list[str] = []
    other: list[str] = []
    for value in record.take_values("IS", "ISSN", "ISBN"):
        found_issns, found_isbns, found_other = split_standard_numbers([value.value])
        new_issns = [i for i in found_issns if i not in issns]
        new_isbns = [i for i in found_isbns if i not in isbns]
        warnings.extend(
            Diagnostic(m, value.line) for m in standard_number_warnings(new_issns, new_isbns)
        )
        issns += new_issns
        isbns += new_isbns
        other += found_other
    if other:
        extra["medline:IS"] = " ".join(other)
    return tuple(issns), tuple(isbns)


def _doi(record: TaggedRecord) -> str:
    """The DOI of a "[doi]" LID/AID (or of a doi.org link, as ERIC writes them).

    Every LID and AID naming that same DOI is used; other identifiers stay for extra.
    """
    doi = ""
    for value in record.values_of("LID", "AID"):
        kind = _ID_KIND.search(value.value)
        if kind and kind["kind"] == "doi":
            found = normalise_doi(value.value[: kind.start()])
        elif not kind and _DOI_LINK.match(value.value):
            found = normalise_doi(value.value)
        else:
            continue
        if found and (not doi or doi_key(found) == doi_key(doi)):
            doi, value.used = doi or found, True
    return doi


def _article_number(record: TaggedRecord) -> str:
    """The "[pii]" that is an article number, for records without pages (as Zotero reads)."""
    for value in record.values_of("LID"):
        kind = _ID_KIND.search(value.value)
        number = value.value[: kind.start()].strip() if kind else ""
        if kind and kind["kind"] == "pii" and _ARTICLE_NUMBER.match(number):
            value.used = True
            return number
    return ""


def _pmcid(record: TaggedRecord) -> str:
    """The PMC id; a ``PMC`` line that holds none stays for extra."""
    pmcid = normalise_pmcid(record.peek_first("PMC"))
    if pmcid:
        record.take_first("PMC")
    return pmcid


def _url(record: TaggedRecord) -> str:
    """ERIC's link to the full text (an AID that is a web address but no DOI)."""
    for value in record.values_of("AID"):
        if re.match(r"^https?://", value.value) and not value.used and "[" not in value.value:
            value.used = True
            return value.value.strip()
    return ""


def _keywords(record: TaggedRecord) -> tuple[str, ...]:
    keywords: list[str] = []
    seen: set[str] = set()
    for value in record.take("OT", "MH"):
        keyword = value.replace("*", "").strip()
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return tuple(keywords)


def reference_type_for(publication_types: Iterable[str], *, has_book_title: bool) -> ReferenceType:
    """The reference type named by MEDLINE publication types (PT) or implied by a book title."""
    for publication_type in publication_types:
        mapped = _TYPE_BY_PUBLICATION_TYPE.get(publication_type.casefold())
        if mapped is not None:
            return mapped
    return ReferenceType.CHAPTER if has_book_title else ReferenceType.ARTICLE_JOURNAL


def _eric_type(record: TaggedRecord) -> ReferenceType:
    """ERIC's types: an article when it says so or has a volume, else book, thesis, report."""
    kinds = [t.casefold() for t in record.peek("PT")]
    if any(k.startswith("journal articles") for k in kinds) or record.has("VI", "IP"):
        return ReferenceType.ARTICLE_JOURNAL
    for prefix, ref_type in _ERIC_TYPES:
        if any(k.startswith(prefix) for k in kinds):
            return ref_type
    return ReferenceType.ARTICLE_JOURNAL


def _record_to_reference(record: TaggedRecord) -> tuple[Reference, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    eric = record.peek_first("OWN").strip().upper() == "ERIC"
    title = clean_title(record.take_first("TI"))
    book_title = clean_title(record.take_first("BTI"))
    publication_types = record.take("PT")
    ref_type = reference_type_for(publication_types, has_book_title=bool(book_title and title))
    if eric:
        ref_type = _eric_type(record)
    container = record.peek_first("JT")
    container_short = record.take_first("TA")
    publisher = place = ""
    if not title and book_title:
        title, ref_type = book_title, ReferenceType.BOOK
    elif book_title:  # JT beside a book title stays for extra
        container, ref_type = book_title, ReferenceType.CHAPTER
    elif not container:
        container = container_short
    if container and container == record.peek_first("JT"):
        record.take_first("JT")
    if eric and ref_type is not ReferenceType.ARTICLE_JOURNAL:
        # ERIC names the publisher (or the institution of a report) in JT; a thesis's
        # university is in SO ("Ph.D. Dissertation, Drexel University").
        publisher, container = container, ""
        source = record.peek_first("SO")
        degree, comma, university = source.partition(",")
        if ref_type is ReferenceType.THESIS and comma and "dissertation" in degree.casefold():
            extra["medline:JT"] = publisher
            publisher = university.strip()  # SO, with its degree, stays for extra
    date_text = record.take_first("DP")
    issued, complete = date_or_literal(date_text)
    if not complete:
        warnings.append(Diagnostic(f"date {date_text!r} read only in part", record.line_of("DP")))
    if not title:
        warnings.append(Diagnostic("the record has no title", record.first_line))
    abstract = split_structured_abstract(" ".join(record.take("AB")))
    is_book = ref_type in {ReferenceType.BOOK, ReferenceType.CHAPTER}
    if is_book:
        publisher = publisher or record.take_first("PB")
        place = record.take_first("PL")
    status = ""
    if record.peek_first("PST").casefold() == "aheadofprint":
        status = AHEAD_OF_PRINT
        record.take_first("PST")
    if publication_types:
        extra["medline:PT"] = "; ".join(publication_types)
    pmid = normalise_pmid(record.peek_first("PMID"))
    if pmid == record.peek_first("PMID").strip():
        record.take_first("PMID")
    else:
        pmid = ""  # not a PubMed id after all ("000000000000"): kept as written in extra
    creators, truncated = _creators(record)
    if truncated:
        warnings.append(Diagnostic(TRUNCATED_AUTHORS_WARNING, record.line_of("AU")))
    issn, isbn = _standard_numbers(record, warnings, extra)
    doi = _doi(record)
    page = expand_nlm_pages(record.take_first("PG")) or _article_number(record)
    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container,
        container_title_short=container_short,
        collection_title=clean_title(record.take_first("CTI")),
        volume=record.take_first("VI"),
        issue=record.take_first("IP"),
        page=page,
        issued=issued,
        status=status,
        publisher=publisher,
        publisher_place=place,
        edition=record.take_first("EN"),
        issn=issn,
        isbn=isbn,
        doi=doi,
        pmid=pmid,
        pmcid=_pmcid(record),
        url=_url(record),
        language=language_code(record.take_first("LA")),
        abstract=abstract,
        keywords=_keywords(record),
        extra=extra,
        truncated=frozenset({"author"}) if truncated else frozenset(),
    )
    record.keep_leftovers(extra, "medline", joiner="\n")
    return reference, warnings


def lines_with_numbers(text: str) -> Sequence[tuple[int, str]]:
    """The input's lines with their 1-based numbers, spaces normalised for matching."""
    return [
        (number, line.replace("\u00a0", " ").replace("\ufeff", "").rstrip())
        for number, line in enumerate(text.splitlines(), start=1)
    ]


READERS = (MedlineReader(),)
