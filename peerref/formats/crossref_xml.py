"""Crossref XML in the "unixref" form: what Crossref returns for a DOI as XML.

A ``doi_records`` document holds one ``doi_record`` per DOI (``crossref_result`` answers
wrap them in a query), each with a ``crossref`` element naming what the DOI is: a
``journal`` (article), ``book`` (a chapter when it has a ``content_item``), ``conference``
paper, ``report-paper``, ``standard``, ``database`` (dataset), ``dissertation``,
``posted_content`` (a preprint or a blog post) or ``peer_review``. Each kind keeps the
work in one element and what it is part of in another (``journal_metadata`` and
``journal_issue``, ``book_metadata``, ``proceedings_metadata``); both are read.

Titles keep no markup ("CO<sub>2</sub>" reads "CO2"); JATS abstracts keep their sections.
ORCIDs and affiliations are kept in extra with the person's name; every other value no
field takes is kept in extra under its path ("crossref:journal_metadata/coden"). Only the
list of works the DOI cites, its links for text mining and its sub-components are not
kept, and each entry that had them says so. The file is parsed safely (``_xmltree``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
    abstract_from_text,
)
from peerref.formats._fields import (
    collapse_spaces,
    join_pages,
    last_page_is_kept,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._people import person
from peerref.formats._xmltree import (
    XmlRecord,
    attribute,
    children,
    inline_text,
    line_of,
    parse_xml,
    text_of,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "crossref-xml"
LABEL = "Crossref XML (unixref)"
PREFIX = "crossref:"

_KINDS: dict[str, ReferenceType] = {
    "journal": ReferenceType.ARTICLE_JOURNAL,
    "book": ReferenceType.BOOK,
    "conference": ReferenceType.PAPER_CONFERENCE,
    "report-paper": ReferenceType.REPORT,
    "standard": ReferenceType.OTHER,
    "database": ReferenceType.DATASET,
    "dissertation": ReferenceType.THESIS,
    "posted_content": ReferenceType.PREPRINT,
    "peer_review": ReferenceType.OTHER,
    "sa_component": ReferenceType.OTHER,
}
# posted_content's own types; "other" is mostly blog posts (Rogue Scholar and others).
_POSTED_TYPES: dict[str, ReferenceType] = {
    "preprint": ReferenceType.PREPRINT,
    "working_paper": ReferenceType.REPORT,
    "report": ReferenceType.REPORT,
    "dissertation": ReferenceType.THESIS,
    "letter": ReferenceType.WEBPAGE,
    "other": ReferenceType.WEBPAGE,
}
# Where each kind keeps the work itself, and the work it is part of.
_WORK_ELEMENTS = (
    "journal_article",
    "content_item",
    "conference_paper",
    "dataset",
    "report-paper_metadata",
    "report-paper_series_metadata",
    "standard_metadata",
)
_HOST_ELEMENTS = (
    "journal_metadata",
    "book_metadata",
    "book_series_metadata",
    "book_set_metadata",
    "proceedings_metadata",
    "proceedings_series_metadata",
    "database_metadata",
)
# Crossref writes seasons and quarters as months 21-24 and 31-34.
_SEASONS = {
    21: "Spring",
    22: "Summer",
    23: "Autumn",
    24: "Winter",
    31: "First Quarter",
    32: "Second Quarter",
    33: "Third Quarter",
    34: "Fourth Quarter",
}
# Not kept: the works it cites, links for crawlers and text mining, its sub-components.
_NOT_KEPT_TAILS = ("citation_list", "doi_data/collection", "component_list")
_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
    r"<(?:\w+:)?(?:doi_records|doi_record|crossref_result|crossref)\b",
    re.S,
)
_ROLES = {
    "author": CreatorRole.AUTHOR,
    "editor": CreatorRole.EDITOR,
    "translator": CreatorRole.TRANSLATOR,
}


class CrossrefXmlReader:
    """Reads Crossref's unixref XML: one work per ``doi_record``."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the document element is ``doi_records``, ``doi_record`` or ``crossref``."""
        head = text[:4000].lstrip("\ufeff")
        if _SNIFF.match(head):
            return 1.0
        return 0.3 if "<doi_record" in head and "<crossref>" in head else 0.0

    def read(self, text: str) -> ParseResult:
        root = parse_xml(text, "Crossref XML")
        containers = [e for e in root.iter("crossref") if is_record_container(e)]
        if not containers:
            raise FormatError(
                f"no Crossref records in this XML: its document element is <{root.tag}>, "
                "and it has no <doi_record><crossref> inside",
                line=line_of(root),
            )
        total_lines = max(1, len(text.splitlines()))
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for container in containers:
            line = min(line_of(container), total_lines)
            error = container.find("error")
            kinds = [c for c in children(container) if c.tag != "error"]
            if not kinds:
                message = collapse_spaces(text_of(error)) or "an empty <crossref> record"
                skipped.append(Diagnostic(f"Crossref answered: {message}; skipped", line))
                continue
            element = kinds[0]
            reference, warnings = _record(XmlRecord(element), line)
            for other in kinds[1:]:
                skipped.append(
                    Diagnostic(
                        f"a second work (<{other.tag}>) in one record; skipped", line_of(other)
                    )
                )
            raw = etree.tostring(element, encoding="unicode", with_tail=False)
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=raw,
                    first_line=line,
                    last_line=min(line + raw.count("\n"), total_lines),
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError(
                "no Crossref works in this XML: " + "; ".join(d.message for d in skipped)
            )
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


def is_record_container(element: etree._Element) -> bool:
    """A ``crossref`` element holding a work (not Crossref's namespace element of another)."""
    return any(c.tag in _KINDS or c.tag == "error" for c in children(element))


def _date(record: XmlRecord, element: etree._Element | None) -> PartialDate:
    """A Crossref date (year, month, day, seasons as months 21–34).

    The parts that went into the date are used; one that did not stays for extra.
    """
    if element is None:
        return PartialDate()
    texts = {tag: record.peek_text(tag, element) for tag in ("year", "month", "day")}
    numbers = {tag: int(text) if text.isdigit() else None for tag, text in texts.items()}
    year, month, day = numbers["year"], numbers["month"], numbers["day"]
    if year is None:
        written = " ".join(t for t in texts.values() if t)
        if written:
            for tag in texts:
                record.text(tag, element)
        return PartialDate(literal=written)
    record.text("year", element)
    if month in _SEASONS:
        record.text("month", element)
        return PartialDate(year=year, season=_SEASONS[month])
    if month is None or not 1 <= month <= 12:
        return PartialDate(year=year)
    record.text("month", element)
    if day is None or not 1 <= day <= 31:
        return PartialDate(year=year, month=month)
    record.text("day", element)
    return PartialDate(year=year, month=month, day=day)


def _publication_date(
    record: XmlRecord, *elements: etree._Element | None
) -> tuple[PartialDate, list[str]]:
    """The print date of the first element that has dates, else its first date.

    Returns the date and every other date, once each ("online: 2012-12-10"), for extra.
    """
    chosen: etree._Element | None = None
    found: list[etree._Element] = []
    for element in elements:
        if element is None:
            continue
        dates = children(element, "publication_date", "posted_date", "approval_date", "review_date")
        dates += children(element.find("database_date"), "publication_date")
        if dates and chosen is None:
            chosen = next((d for d in dates if attribute(d, "media_type") == "print"), dates[0])
        found += dates
    if chosen is None:
        return PartialDate(), []
    issued = _date(record, chosen)
    others: dict[str, None] = {}
    for date in found:
        value = _date(record, date)
        kind = attribute(date, "media_type") or str(date.tag)
        written = value.iso() or value.literal or value.season
        if (
            date is not chosen
            and written
            and not (
                value == issued and kind == (attribute(chosen, "media_type") or str(chosen.tag))
            )
        ):
            others[f"{kind}: {written}"] = None
    return issued, list(others)


def _contributors(
    record: XmlRecord,
    element: etree._Element | None,
    lines: dict[str, list[str]],
    *,
    book_level: bool = False,
) -> list[Creator]:
    """People and organisations with a PeerRef role; others (chairs, reviewers) to extra.

    ``book_level``: the contributors of the book a chapter is in; its authors are kept
    in extra, its editors are the chapter's editors.
    """
    if element is None:
        return []
    found = children(element.find("contributors"), "person_name", "organization", "anonymous")
    if not found:
        found = children(element, "person_name", "organization", "anonymous")
    creators: list[Creator] = []
    for contributor in found:
        role_name = attribute(contributor, "contributor_role").casefold() or "author"
        role = _ROLES.get(role_name)
        if contributor.tag == "organization":
            record.use(contributor)
            creator = Creator(literal=collapse_spaces(text_of(contributor)))
        elif contributor.tag == "anonymous":
            record.use(contributor)
            label = "Anonymous Reviewer" if role_name == "reviewer" else "Anonymous"
            creator = Creator(literal=label)
            role = role or CreatorRole.AUTHOR
        else:
            family = record.peek_text("surname", contributor)
            given = record.peek_text("given_name", contributor)
            suffix = record.peek_text("suffix", contributor)
            creator = person(family or given, given if family else "", suffix)
            if creator.family:
                for tag in ("surname", "given_name", "suffix"):
                    record.text(tag, contributor)
        if not (creator.family or creator.literal):
            continue
        name = creator.display_name()
        if book_level and role is CreatorRole.AUTHOR:
            lines["book-authors"].append(name)
        elif role is None:
            lines["contributors"].append(f"{name} ({role_name})")
        else:
            creators.append(replace(creator, role=role))
        for key, tags in (
            ("orcid", ("ORCID",)),
            ("affiliations", ("affiliation", "institution_name")),
            ("alternative-names", ("alt-name",)),
        ):
            for found_element in contributor.iter(*tags):
                value = collapse_spaces(text_of(found_element))
                if value:
                    record.use(found_element)
                    lines[key].append(f"{name}: {value}")
    return creators


_C1_CONTROLS = re.compile("[\x80-\x9f]")


def repair_text(text: str) -> str:
    """Text with the C1 control characters Crossref sometimes serves read as intended.

    They are UTF-8 read as Latin-1 ("â\x80\x93" for "–"), which reading the characters as
    bytes again undoes, or lone Windows-1252 bytes ("\x97" for "—").
    """
    if not _C1_CONTROLS.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return _C1_CONTROLS.sub(lambda m: m.group(0).encode("latin-1").decode("cp1252", "ignore"), text)


def _title(record: XmlRecord, *elements: etree._Element | None) -> str:
    """titles/title with its subtitle, of the first element that has one."""
    for element in elements:
        titles = element.find("titles") if element is not None else None
        if titles is None:
            continue
        title_element = titles.find("title")
        title = repair_text(inline_text(title_element))
        if not title:
            continue
        record.use(title_element)
        subtitle_element = titles.find("subtitle")
        subtitle = repair_text(inline_text(subtitle_element))
        if subtitle:
            record.use(subtitle_element)
            title = f"{title.rstrip(':')}: {subtitle}"
        return title
    return ""


def _abstract(record: XmlRecord, element: etree._Element | None) -> tuple[AbstractSection, ...]:
    """A JATS abstract (its sections headed by their titles) or a plain one."""
    if element is None:
        return ()
    abstract = element.find("abstract")
    if abstract is None:
        abstract = element.find("description")
    if abstract is None or not collapse_spaces(text_of(abstract)):
        return ()
    record.use(abstract)
    sections: list[AbstractSection] = []
    parts = children(abstract, "sec", "p")
    if not parts:
        return abstract_from_text(inline_text(abstract))
    for part in parts:
        if part.tag == "p":
            text = inline_text(part)
            if text:
                sections.append(AbstractSection("", text))
            continue
        heading = inline_text(part.find("title")).rstrip(":")
        body = " ".join(inline_text(p) for p in children(part, "p") if inline_text(p))
        if body:
            sections.append(AbstractSection(heading, body))
    if not sections:
        return abstract_from_text(inline_text(abstract))
    return tuple(sections)


def _record(record: XmlRecord, line: int) -> tuple[Reference, list[Diagnostic]]:
    kind_element = record.element
    kind = str(kind_element.tag)
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    lines: dict[str, list[str]] = {
        key: []
        for key in (
            "orcid",
            "affiliations",
            "alternative-names",
            "contributors",
            "book-authors",
            "dates",
        )
    }
    if _KINDS.get(kind, ReferenceType.OTHER) is ReferenceType.OTHER:
        extra[f"{PREFIX}type"] = kind.replace("_", " ").replace("-", " ")
    for key, value in kind_element.attrib.items():
        if collapse_spaces(str(value)) and str(key) != "language":
            extra[f"{PREFIX}{kind}@{key!s}"] = collapse_spaces(str(value))
    work = next(
        (kind_element.find(t) for t in _WORK_ELEMENTS if kind_element.find(t) is not None), None
    )
    host = next(
        (kind_element.find(t) for t in _HOST_ELEMENTS if kind_element.find(t) is not None), None
    )
    if work is None:
        work = kind_element  # dissertation, posted_content, peer_review: the work itself
    ref_type = _KINDS.get(kind, ReferenceType.OTHER)
    if kind == "posted_content":
        ref_type = _POSTED_TYPES.get(
            attribute(kind_element, "type").casefold(), ReferenceType.PREPRINT
        )
    if kind == "book" and kind_element.find("content_item") is not None:
        ref_type = ReferenceType.CHAPTER
    if kind in {"report-paper", "standard"} and work is host:
        host = None
    series = None
    for element in (work, host):
        found = element.find("series_metadata") if element is not None else None
        if found is not None:
            series = found
            break

    title = _title(record, work) or (
        _title(record, host) if ref_type is not ReferenceType.CHAPTER else ""
    )
    if not title:
        warnings.append(Diagnostic("the record has no title", line))
    container = container_short = collection = ""
    if kind == "journal":
        container = record.text("full_title", host) if host is not None else ""
        container_short = record.text("abbrev_title", host) if host is not None else ""
    elif kind == "conference" and host is not None:
        container = record.text("proceedings_title", host)
    elif ref_type is ReferenceType.CHAPTER:
        container = _title(record, host)
    if series is not None:
        collection = _title(record, series)
        number = record.text("series_number", series)
        if number:
            extra[f"{PREFIX}series-number"] = number

    creators = _contributors(record, work, lines)
    if ref_type is ReferenceType.CHAPTER:
        creators += _contributors(record, host, lines, book_level=True)
    elif host is not None and not creators:
        creators = _contributors(record, host, lines)
    if series is not None:
        for editor in _contributors(record, series, lines):
            lines["contributors"].append(f"{editor.display_name()} (series {editor.role.value})")

    issued, other_dates = _publication_date(record, work, kind_element.find("journal_issue"), host)
    lines["dates"].extend(other_dates)
    volume = issue = ""
    journal_issue = kind_element.find("journal_issue")
    if journal_issue is not None:
        volume = record.text("journal_volume/volume", journal_issue)
        issue = record.text("issue", journal_issue) or record.text(
            "journal_volume/issue", journal_issue
        )
    for element in (work, host):
        if element is not None and not volume:
            volume = record.text("volume", element)

    pages = work.find("pages") if work is not None else None
    page = ""
    if pages is not None:
        first, last = record.text("first_page", pages), record.peek_text("last_page", pages)
        page = join_pages(first, last)
        if last_page_is_kept(page, last):
            record.text("last_page", pages)
        other_pages = record.text("other_pages", pages)
        if other_pages:
            page = f"{page}, {other_pages}" if page else other_pages
    if not page and work is not None:
        item_number = work.find("publisher_item/item_number")
        number_type = attribute(item_number, "item_number_type").casefold()
        if number_type in {"", "article_number", "arnumber", "article-number"}:
            page = record.text("publisher_item/item_number", work)

    numbers: list[etree._Element] = []
    for element in (work, host, series):
        if element is not None:
            numbers += children(element, "issn", "isbn")
    record.use(*numbers)
    issns, isbns, other = split_standard_numbers(collapse_spaces(text_of(n)) for n in numbers)
    if other:
        extra[f"{PREFIX}standard-numbers"] = " ".join(other)
    warnings.extend(Diagnostic(m, line) for m in standard_number_warnings(issns, isbns))

    publisher = place = ""
    for element in (work, host, series):
        if element is not None and not publisher:
            publisher = record.text("publisher/publisher_name", element)
            place = place or record.text("publisher/publisher_place", element)
    institution = kind_element.find("institution")
    if institution is None and work is not None:
        institution = work.find("institution")
    if institution is None and host is not None:
        institution = host.find("institution")
    if institution is not None:
        name = record.text("institution_name", institution)
        if ref_type is ReferenceType.WEBPAGE and name and not container:
            container = name  # a blog's name
        elif name and not publisher:
            publisher = name
        if not place:
            place = record.text("institution_place", institution)
    if kind == "posted_content" and ref_type is not ReferenceType.WEBPAGE:
        group = record.text("group_title")
        if group and not publisher:
            publisher = group
    if kind == "conference":
        event = kind_element.find("event_metadata")
        conference = record.text("conference_name", event) if event is not None else ""
        if conference:
            extra[f"{PREFIX}conference"] = conference
        if event is not None and not place:
            place = record.text("conference_location", event)
    if kind == "dissertation":
        degree = record.text("degree")
        if degree:
            extra[f"{PREFIX}degree"] = degree

    doi_element = work.find("doi_data/doi") if work is not None else None
    doi = normalise_doi(text_of(doi_element))
    if doi:
        record.use(doi_element)
    url = record.text("doi_data/resource", work) if work is not None else ""
    for element in (host, journal_issue, series):
        if element is not None and element is not work:
            host_doi = record.text("doi_data/doi", element)
            if host_doi and host_doi.casefold() != doi.casefold():
                extra[f"{PREFIX}{element.tag}/doi"] = host_doi
            record.text("doi_data/resource", element)
    language = (
        attribute(work, "language")
        or attribute(host, "language")
        or attribute(kind_element, "language")
    )

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container,
        container_title_short=container_short,
        collection_title=collection,
        volume=volume,
        issue=issue,
        page=page,
        issued=issued,
        publisher=publisher,
        publisher_place=place,
        edition=next(
            (
                record.text("edition_number", e)
                for e in (work, host)
                if e is not None and record.peek_text("edition_number", e)
            ),
            "",
        ),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        url=url,
        language=language,
        abstract=_abstract(record, work),
        extra=extra,
    )
    for key, values in lines.items():
        if values:
            extra[f"{PREFIX}{key}"] = "\n".join(dict.fromkeys(values))
    not_kept = {
        f"{prefix}{tail}"
        for prefix in ("", *(f"{c.tag}/" for c in children(kind_element)))
        for tail in _NOT_KEPT_TAILS
    }
    leftovers, unkept = record.leftovers(not_kept=not_kept)
    for path, value in leftovers.items():
        extra.setdefault(f"{PREFIX}{path}", value)
    for path in unkept:
        what = {
            "citation_list": "the list of works it cites",
            "doi_data/collection": "the links for crawlers and text mining",
            "component_list": "its components (figures, supplements)",
        }[next(t for t in _NOT_KEPT_TAILS if path.endswith(t))]
        warnings.append(Diagnostic(f"not kept: {what} ({path})", line, Severity.INFO))
    return reference, warnings


READERS = (CrossrefXmlReader(),)
