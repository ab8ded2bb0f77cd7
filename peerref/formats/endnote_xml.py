"""EndNote XML exports (``<xml><records><record>…``).

EndNote wraps almost every value in ``<style face="normal" …>`` elements, sometimes
several per field (one per formatting run), so a field's value is all its text joined.
Both ISSNs and ISBNs live in ``<isbn>``; they are told apart by shape. Links come from
``related-urls`` or ``web-urls``. Every value element no field takes is kept in extra
under its path ("endnote:titles/translated-title"), so nothing is dropped. The file is parsed
with entity resolution, DTD loading and network access off and without lxml's huge-tree
mode, so a hostile file can neither fetch anything nor expand entities.
"""

from __future__ import annotations

import re

from lxml import etree

from peerref.core.dates import parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import doi_of_field, normalise_pmcid, normalise_pmid
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
    is_whole_doi,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult

NAME = "endnote-xml"
LABEL = "EndNote XML export"

ENDNOTE_TYPES: dict[str, ReferenceType] = {
    "journal article": ReferenceType.ARTICLE_JOURNAL,
    "electronic article": ReferenceType.ARTICLE_JOURNAL,
    "magazine article": ReferenceType.ARTICLE_JOURNAL,
    "newspaper article": ReferenceType.ARTICLE_JOURNAL,
    "book": ReferenceType.BOOK,
    "edited book": ReferenceType.BOOK,
    "electronic book": ReferenceType.BOOK,
    "book section": ReferenceType.CHAPTER,
    "electronic book section": ReferenceType.CHAPTER,
    "conference proceedings": ReferenceType.PAPER_CONFERENCE,
    "conference paper": ReferenceType.PAPER_CONFERENCE,
    "report": ReferenceType.REPORT,
    "government document": ReferenceType.REPORT,
    "thesis": ReferenceType.THESIS,
    "unpublished work": ReferenceType.PREPRINT,
    "manuscript": ReferenceType.PREPRINT,
    "web page": ReferenceType.WEBPAGE,
    "blog": ReferenceType.WEBPAGE,
    "dataset": ReferenceType.DATASET,
    "generic": ReferenceType.OTHER,
}


def _text(element: etree._Element | None) -> str:
    """All text of an element and its style runs; EndNote's CR line breaks become LF."""
    if element is None:
        return ""
    text = "".join(str(t) for t in element.itertext())
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Record:
    """One ``<record>``, remembering which of its value elements went into a field.

    A value element is one whose children are only style runs (``<title>``, each
    ``<author>``, each ``<url>``). Those no field took are kept in extra as
    "endnote:<path>" ("endnote:titles/translated-title"), so nothing is dropped unseen.
    """

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        # lxml makes a new Python object for a node each time unless one is alive, so
        # the used elements are held here: that keeps their ids stable for ``leftovers``.
        self._held: list[etree._Element] = []
        self.used: set[int] = set()

    def _mark(self, element: etree._Element) -> None:
        self._held.append(element)
        self.used.add(id(element))

    def find(self, path: str) -> etree._Element | None:
        found = self.element.find(path)
        if found is not None:
            self._mark(found)
        return found

    def findall(self, path: str) -> list[etree._Element]:
        found = self.element.findall(path)
        for element in found:
            self._mark(element)
        return found

    def field(self, path: str) -> str:
        """The value of the first element at ``path``, white space collapsed; now used."""
        return collapse_spaces(_text(self.find(path)))

    def peek(self, path: str) -> str:
        return collapse_spaces(_text(self.element.find(path)))

    def leftovers(self) -> dict[str, str]:
        """Path -> text of every non-empty value element no field took (repeats joined)."""
        found: dict[str, list[str]] = {}
        # (element, its path, whether it or an element around it was taken), depth first.
        pending = [(child, "", False) for child in reversed(self.element)]
        while pending:
            element, parent_path, taken = pending.pop()
            if not isinstance(element.tag, str) or element.tag == "style":
                continue
            path = f"{parent_path}/{element.tag}" if parent_path else str(element.tag)
            taken = taken or id(element) in self.used
            children = [c for c in element if isinstance(c.tag, str) and c.tag != "style"]
            if children:
                pending.extend((child, path, taken) for child in reversed(children))
            elif not taken and (text := collapse_spaces(_text(element))):
                found.setdefault(path, []).append(text)
        return {path: "; ".join(texts) for path, texts in found.items()}


def _names(record: _Record, path: str, role: CreatorRole) -> list[Creator]:
    creators: list[Creator] = []
    for author in record.findall(path):
        name = collapse_spaces(_text(author))
        if not name:
            continue
        # A trailing comma ("World Health Organization,") is EndNote's corporate-name mark.
        if name.endswith(","):
            creators.append(Creator(literal=name.rstrip(", "), role=role))
        else:
            creators.append(parse_name(name, role))
    return creators


def _issued(record: _Record) -> PartialDate:
    year_text = record.field("dates/year")
    date_text = record.peek("dates/pub-dates/date")
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
    if date_text:
        candidate = parse_date(date_text)
        if candidate is None and year is not None:
            candidate = parse_date(f"{date_text} {year}")
        if candidate is not None and (year is None or candidate.year == year):
            record.find("dates/pub-dates/date")
            return candidate
    if year is not None:
        return PartialDate(year=year)
    if not year_text and date_text:
        record.find("dates/pub-dates/date")
    return PartialDate(literal=year_text or date_text)


def _record(element: etree._Element) -> tuple[Reference, list[str]]:
    record = _Record(element)
    warnings: list[str] = []
    extra: dict[str, str] = {}
    ref_type_el = record.find("ref-type")
    type_name = (ref_type_el.get("name", "") if ref_type_el is not None else "").strip()
    ref_type = ENDNOTE_TYPES.get(type_name.casefold())
    if ref_type is None:
        ref_type = ReferenceType.OTHER
        if type_name:
            extra["endnote:ref-type"] = type_name
            warnings.append(f"EndNote type {type_name!r} is not one PeerRef knows")
    creators = [
        *_names(record, "contributors/authors/author", CreatorRole.AUTHOR),
        *_names(record, "contributors/secondary-authors/author", CreatorRole.EDITOR),
        *_names(record, "contributors/subsidiary-authors/author", CreatorRole.TRANSLATOR),
    ]
    collection = record.field("titles/tertiary-title")
    container = ""
    if ref_type is not ReferenceType.BOOK or not collection:
        container = record.field("titles/secondary-title")
        periodical = record.peek("periodical/full-title")
        if not container or periodical == container:
            container = container or periodical
            record.find("periodical/full-title")
    if ref_type is ReferenceType.BOOK:  # a book's secondary title is its series
        collection, container = collection or container, ""
    short_container = ""
    for path in ("titles/alt-title", "periodical/abbr-1", "alt-periodical/abbr-1"):
        value = record.peek(path)
        if value and not short_container:
            short_container = value
        if value and value in {short_container, container}:
            record.find(path)
    issns, isbns, other = split_standard_numbers(
        line for element in record.findall("isbn") for line in _text(element).splitlines()
    )
    warnings.extend(standard_number_warnings(issns, isbns))
    if other:
        extra["endnote:isbn"] = " ".join(other)
    keywords: list[str] = []
    for keyword_el in record.findall("keywords/keyword"):
        keyword = collapse_spaces(_text(keyword_el))
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    # Links to the work: EndNote keeps them in related-urls or, from some databases and
    # from Zotero, in web-urls. PDF and text links point into the user's own files.
    urls = [
        collapse_spaces(_text(u))
        for u in record.findall("urls/related-urls/url") + record.findall("urls/web-urls/url")
    ]
    urls = [u for u in urls if u]
    database = record.peek("remote-database-name") + record.peek("remote-database-provider")
    accession = record.peek("accession-num")
    pmid = (
        normalise_pmid(accession)
        if "pubmed" in database.casefold() or "medline" in database.casefold()
        else ""
    )
    if pmid:
        record.find("accession-num")
    notes = _text(record.find("notes")).strip()
    pmcid = ""
    if notes:
        extra["note"] = paragraphs_to_abstract_text(notes)
        pmcid_match = re.search(r"\bPMCID:\s*(PMC\d+)", notes)
        pmcid = normalise_pmcid(pmcid_match.group(1)) if pmcid_match else ""
    if len(urls) > 1:
        extra["endnote:urls"] = "\n".join(urls[1:])
    doi_text = record.peek("electronic-resource-num")
    doi = doi_of_field(doi_text)
    if is_whole_doi(doi_text, doi):
        record.find("electronic-resource-num")
    reference = Reference(
        type=ref_type,
        title=record.field("titles/title"),
        title_short=record.field("titles/short-title"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=short_container if short_container != container else "",
        collection_title=collection,
        volume=record.field("volume"),
        issue=record.field("number") or record.field("issue"),
        page=re.sub(r"\s*[–—]\s*", "-", record.field("pages")),
        issued=_issued(record),
        publisher=record.field("publisher"),
        publisher_place=record.field("pub-location"),
        edition=record.field("edition"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=urls[0] if urls else "",
        language=record.field("language"),
        abstract=abstract_from_text(paragraphs_to_abstract_text(_text(record.find("abstract")))),
        keywords=tuple(keywords),
        extra=extra,
    )
    for path, value in record.leftovers().items():
        extra.setdefault(f"endnote:{path}", value)
    return reference, warnings


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class EndnoteXmlReader:
    """Reads EndNote's XML export format."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:3000]
        if "<records>" in head and "<record>" in head:
            return 1.0 if ("<ref-type" in text[:20000] or "<xml>" in head) else 0.8
        return 0.0

    def read(self, text: str) -> ParseResult:
        data = text.lstrip("\ufeff").encode("utf-8")
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data)  # the text is already decoded
        try:
            root = etree.fromstring(data, _safe_parser())
        except etree.XMLSyntaxError as error:
            line = error.lineno if isinstance(error.lineno, int) else None
            raise FormatError(f"not well-formed EndNote XML: {error.msg}", line=line) from error
        records = root.findall(".//record")
        if not records:
            raise FormatError("no <record> elements in this XML")
        entries: list[ParsedEntry] = []
        for record in records:
            reference, warnings = _record(record)
            line = record.sourceline if isinstance(record.sourceline, int) else 1
            raw = etree.tostring(record, encoding="unicode")
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=raw,
                    first_line=line,
                    last_line=line + raw.count("\n"),
                    warnings=tuple(Diagnostic(w, line) for w in warnings),
                )
            )
        return ParseResult(NAME, LABEL, tuple(entries))


READERS = (EndnoteXmlReader(),)
