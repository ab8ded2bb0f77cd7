"""EndNote XML exports (``<xml><records><record>…``).

EndNote wraps almost every value in ``<style face="normal" …>`` elements, sometimes
several per field (one per formatting run), so a field's value is all its text joined.
Both ISSNs and ISBNs live in ``<isbn>``; they are told apart by shape. The file is parsed
with entity resolution, DTD loading and network access off and without lxml's huge-tree
mode, so a hostile file can neither fetch anything nor expand entities.
"""

from __future__ import annotations

import re

from lxml import etree

from peerref.core.dates import parse_date
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
from peerref.core.names import parse_name
from peerref.formats._fields import (
    collapse_spaces,
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
# Elements read into fields; the text of any other direct child is kept in extra.
_MAPPED = frozenset(
    {
        "rec-number", "foreign-keys", "ref-type", "contributors", "titles", "periodical",
        "alt-periodical", "full-title", "pages", "volume", "number", "issue", "edition", "dates",
        "isbn", "electronic-resource-num", "abstract", "keywords", "urls", "publisher",
        "pub-location", "language", "notes", "accession-num", "remote-database-name",
        "remote-database-provider", "database-provider", "section",
        # Bookkeeping about the user's EndNote file, not about the reference.
        "database", "source-app",
    }
)  # fmt: skip


def _text(element: etree._Element | None) -> str:
    """All text of an element and its style runs; EndNote's CR line breaks become LF."""
    if element is None:
        return ""
    text = "".join(str(t) for t in element.itertext())
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _field(record: etree._Element, path: str) -> str:
    return collapse_spaces(_text(record.find(path)))


def _names(record: etree._Element, path: str, role: CreatorRole) -> list[Creator]:
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


def _issued(record: etree._Element) -> PartialDate:
    year_text = _field(record, "dates/year")
    date_text = _field(record, "dates/pub-dates/date")
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
    if date_text:
        candidate = parse_date(date_text)
        if candidate is None and year is not None:
            candidate = parse_date(f"{date_text} {year}")
        if candidate is not None and (year is None or candidate.year == year):
            return candidate
    if year is not None:
        return PartialDate(year=year)
    return PartialDate(literal=year_text or date_text)


def _record(record: etree._Element) -> tuple[Reference, list[str]]:
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
    tertiary = [
        collapse_spaces(_text(a)) for a in record.findall("contributors/tertiary-authors/author")
    ]
    if any(tertiary):
        extra["endnote:tertiary-authors"] = "; ".join(t for t in tertiary if t)

    secondary_title = _field(record, "titles/secondary-title")
    periodical = _field(record, "periodical/full-title")
    container = secondary_title or periodical
    collection = _field(record, "titles/tertiary-title")
    if ref_type is ReferenceType.BOOK:
        collection = collection or container
        container = ""
    short_container = (
        _field(record, "titles/alt-title")
        or _field(record, "periodical/abbr-1")
        or _field(record, "alt-periodical/abbr-1")
    )
    issns, isbns, other = split_standard_numbers(_text(record.find("isbn")).splitlines())
    warnings.extend(standard_number_warnings(issns, isbns))
    if other:
        extra["endnote:isbn"] = " ".join(other)
    keywords: list[str] = []
    for keyword_el in record.findall("keywords/keyword"):
        keyword = collapse_spaces(_text(keyword_el))
        if keyword and keyword not in keywords:
            keywords.append(keyword)
    urls = [collapse_spaces(_text(u)) for u in record.findall("urls/related-urls/url")]
    urls = [u for u in urls if u]
    database = _field(record, "remote-database-name") + _field(record, "remote-database-provider")
    accession = _field(record, "accession-num")
    pmid = (
        normalise_pmid(accession)
        if "pubmed" in database.casefold() or "medline" in database.casefold()
        else ""
    )
    if accession and not pmid:
        extra["endnote:accession-num"] = accession
    notes = _text(record.find("notes")).strip()
    pmcid = ""
    if notes:
        extra["note"] = paragraphs_to_abstract_text(notes)
        pmcid_match = re.search(r"\bPMCID:\s*(PMC\d+)", notes)
        pmcid = normalise_pmcid(pmcid_match.group(1)) if pmcid_match else ""
    if len(urls) > 1:
        extra["endnote:urls"] = "\n".join(urls[1:])
    for child in record:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in _MAPPED:
            value = collapse_spaces(_text(child))
            if value:
                extra[f"endnote:{tag}"] = value
    doi_text = _field(record, "electronic-resource-num")
    doi = normalise_doi(doi_text)
    if doi_text and not doi:
        extra["endnote:electronic-resource-num"] = doi_text
    reference = Reference(
        type=ref_type,
        title=_field(record, "titles/title"),
        title_short=_field(record, "titles/short-title"),
        creators=tuple(c for c in creators if c.family or c.literal or c.given),
        container_title=container,
        container_title_short=short_container if short_container != container else "",
        collection_title=collection,
        volume=_field(record, "volume"),
        issue=_field(record, "number") or _field(record, "issue"),
        page=re.sub(r"\s*[–—]\s*", "-", _field(record, "pages")),
        issued=_issued(record),
        publisher=_field(record, "publisher"),
        publisher_place=_field(record, "pub-location"),
        edition=_field(record, "edition"),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=urls[0] if urls else "",
        language=_field(record, "language"),
        abstract=abstract_from_text(paragraphs_to_abstract_text(_text(record.find("abstract")))),
        keywords=tuple(keywords),
        extra=extra,
    )
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
