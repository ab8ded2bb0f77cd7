"""MODS XML: the Library of Congress's Metadata Object Description Schema.

Library catalogues, institutional repositories and digital collections export records as
``<mods>`` elements, one or many in a ``<modsCollection>`` (or inside OAI-PMH and METS
wrappers), in MODS's namespace or with a ``mods:`` prefix. A record describes the work;
what it is part of is a ``relatedItem type="host"`` (the journal, the book) with its own
title, ``part`` (volume, issue, pages) and ``originInfo`` (publisher, date), and its
series a ``relatedItem type="series"``.

The type comes, as MODS intends, from the genre (MARC, DCT or local terms), then the type
of resource, then the host: part of a serial is an article, part of anything else a
chapter. People keep their MARC relator roles: authors, editors and translators are
creators; other roles (recipient, contributor, performer of a host) are kept in extra
with the name. Topics are keywords; places, periods and names a record is about are kept
in extra as subjects; notes become the reference's note. Every other value no field
takes is kept in extra under its path ("mods:recordInfo/recordIdentifier"); only a list
of cited works (``relatedItem type="references"``) is not kept, and the entry says so.
The file is parsed safely (``_xmltree``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from lxml import etree

from peerref.core.dates import find_year, parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats._fields import (
    collapse_spaces,
    join_pages,
    last_page_is_kept,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._people import named, person
from peerref.formats._xmltree import (
    XmlRecord,
    attribute,
    children,
    line_of,
    parse_xml,
    text_of,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity
from peerref.formats.medline import language_code

NAME = "mods"
LABEL = "MODS XML (library catalogues, repositories)"
PREFIX = "mods:"

_ARTICLE = ReferenceType.ARTICLE_JOURNAL
_BOOK = ReferenceType.BOOK
_CHAPTER = ReferenceType.CHAPTER
_OTHER = ReferenceType.OTHER
# Genre terms (MARC genre terms, DCMI types, common local words) and the type they mean.
GENRES: dict[str, ReferenceType] = {
    "article": _ARTICLE,
    "journal article": _ARTICLE,
    "journal": _ARTICLE,
    "periodical": _ARTICLE,
    "academic journal": _ARTICLE,
    "magazine article": _ARTICLE,
    "newspaper": _ARTICLE,
    "newspaper article": _ARTICLE,
    "law report or digest": _ARTICLE,
    "legal article": _ARTICLE,
    "book": _BOOK,
    "autobiography": _BOOK,
    "bibliography": _BOOK,
    "biography": _BOOK,
    "comic or graphic novel": _BOOK,
    "drama": _BOOK,
    "festschrift": _BOOK,
    "fiction": _BOOK,
    "folktale": _BOOK,
    "handbook": _BOOK,
    "history": _BOOK,
    "humor, satire": _BOOK,
    "hymnal": _BOOK,
    "memoir": _BOOK,
    "novel": _BOOK,
    "script": _BOOK,
    "yearbook": _BOOK,
    "monograph": _BOOK,
    "book chapter": _CHAPTER,
    "chapter": _CHAPTER,
    "book section": _CHAPTER,
    "encyclopedia": _CHAPTER,
    "dictionary": _CHAPTER,
    "conference publication": ReferenceType.PAPER_CONFERENCE,
    "conference paper": ReferenceType.PAPER_CONFERENCE,
    "thesis": ReferenceType.THESIS,
    "theses": ReferenceType.THESIS,
    "dissertation": ReferenceType.THESIS,
    "technical report": ReferenceType.REPORT,
    "report": ReferenceType.REPORT,
    "standard or specification": ReferenceType.REPORT,
    "web site": ReferenceType.WEBPAGE,
    "website": ReferenceType.WEBPAGE,
    "online system or service": ReferenceType.WEBPAGE,
    "blog": ReferenceType.WEBPAGE,
    "dataset": ReferenceType.DATASET,
    "numeric data": ReferenceType.DATASET,
    "preprint": ReferenceType.PREPRINT,
    # Zotero's item type names, which Zotero writes as local genres.
    "journalarticle": _ARTICLE,
    "magazinearticle": _ARTICLE,
    "newspaperarticle": _ARTICLE,
    "booksection": _CHAPTER,
    "encyclopediaarticle": _CHAPTER,
    "dictionaryentry": _CHAPTER,
    "conferencepaper": ReferenceType.PAPER_CONFERENCE,
    "webpage": ReferenceType.WEBPAGE,
    "blogpost": ReferenceType.WEBPAGE,
    "forumpost": ReferenceType.WEBPAGE,
    "manuscript": _OTHER,
    "document": _OTHER,
}
# Genres of things PeerRef reads as documents (pictures, maps, laws, letters, recordings).
_OTHER_GENRES = (
    "art original art reproduction chart comic strip diorama graphic globe kit map "
    "microscope slide model picture realia slide transparency sound speech videorecording "
    "filmstrip motion picture letter legislation legal case and case notes patent "
    "image interactive resource moving image still image software physical object "
    "artwork audiorecording videorecording film computerprogram map letter statute bill "
    "case patent presentation podcast"
)
_TYPES_OF_RESOURCE: dict[str, ReferenceType] = {
    "cartographic": _OTHER,
    "sound recording": _OTHER,
    "sound recording-musical": _OTHER,
    "sound recording-nonmusical": _OTHER,
    "still image": _OTHER,
    "moving image": _OTHER,
    "three dimensional object": _OTHER,
    "software, multimedia": _OTHER,
}
# MARC relator codes and role words for the creator roles PeerRef has. Makers of the
# work itself (composer, artist, photographer, cartographer …) are its authors.
_AUTHOR_ROLES = frozenset(
    {
        "aut",
        "cre",
        "cmp",
        "art",
        "pht",
        "ctg",
        "prg",
        "aus",
        "author",
        "creator",
        "composer",
        "artist",
        "photographer",
        "cartographer",
        "programmer",
        "verfasser",
        "auteur",
    }
)
_EDITOR_ROLES = frozenset({"edt", "editor", "herausgeber", "hrsg", "éditeur", "pbd"})
_TRANSLATOR_ROLES = frozenset({"trl", "translator", "übersetzer", "traducteur"})
# Publisher and distributor: not creators (the publisher is read from originInfo).
_PUBLISHER_ROLES = frozenset({"pbl", "dst", "publisher", "distributor"})
_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<(?:\w+:)?mods(?:Collection)?\b",
    re.S,
)
_MODS_NAMESPACE = "www.loc.gov/mods"
_DATE_SOURCES = ("dateIssued", "copyrightDate", "dateCreated", "dateOther")


class ModsReader:
    """Reads MODS records (``mods``, ``modsCollection``, or MODS inside a wrapper)."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the document element is MODS; likely when MODS records are inside."""
        head = text[:4000].lstrip("\ufeff")
        if _SNIFF.match(head):
            return 1.0 if _MODS_NAMESPACE in head else 0.9
        if _MODS_NAMESPACE in head and re.search(r"<(?:\w+:)?mods\b", text[:20000]):
            return 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        root = parse_xml(text, "MODS XML")
        records = [root] if root.tag == "mods" else list(root.iter("mods"))
        if not records:
            raise FormatError(
                f"no MODS records in this XML: its document element is <{root.tag}>, "
                "and it holds no <mods> element",
                line=line_of(root),
            )
        total_lines = max(1, len(text.splitlines()))
        entries: list[ParsedEntry] = []
        for element in records:
            line = min(line_of(element), total_lines)
            reference, warnings = _record(XmlRecord(element), line)
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
        return ParseResult(NAME, LABEL, tuple(entries))


def _relatives(element: etree._Element, kind: str) -> list[etree._Element]:
    return [r for r in children(element, "relatedItem") if attribute(r, "type") == kind]


def _title_of(record: XmlRecord, title_info: etree._Element) -> str:
    """nonSort, title, subTitle, partNumber and partName as one title; those now used."""
    title = record.text("title", title_info)
    subtitle = record.text("subTitle", title_info)
    if subtitle:
        title = f"{title.rstrip(':').rstrip()}: {subtitle}" if title else subtitle
    non_sort = record.text("nonSort", title_info)
    if non_sort:
        title = f"{non_sort} {title}" if not non_sort.endswith(("'", "’")) else non_sort + title
    parts = [
        collapse_spaces(text_of(p))
        for p in children(title_info, "partNumber", "partName")
        if collapse_spaces(text_of(p))
    ]
    record.use(*children(title_info, "partNumber", "partName"))
    if parts:
        title = f"{title.rstrip('.')}. {': '.join(parts)}" if title else ": ".join(parts)
    if not title and not children(title_info):
        title = collapse_spaces(text_of(title_info))
        record.use(title_info)
    return title


def _is_taken(record: XmlRecord, title_info: etree._Element) -> bool:
    return record.is_used(title_info) or any(record.is_used(c) for c in children(title_info))


def _main_title(record: XmlRecord, element: etree._Element) -> str:
    """The title without a type (a translated or alternative title only when there is none)."""
    infos = children(element, "titleInfo")
    plain = [t for t in infos if not attribute(t, "type") and t.find("title") is not None]
    chosen = plain or [t for t in infos if not attribute(t, "type")] or infos
    return _title_of(record, chosen[0]) if chosen else ""


# The long title an act or bill is enacted under ("An Act To amend title 38 …"); GovInfo's
# MODS gives the short title it is known and cited by as the first alternative title.
_LONG_TITLE_OF_AN_ACT = re.compile(
    r"^(?:an act|a bill|a joint resolution|joint resolution|a resolution|a concurrent "
    r"resolution)\b",
    re.IGNORECASE,
)


def _title_an_act_is_cited_by(record: XmlRecord, element: etree._Element, title: str) -> str:
    """The short title of an act or bill when its title is the long one it is enacted under
    (the caller keeps that among the record's other titles); any other title as it is."""
    if not _LONG_TITLE_OF_AN_ACT.match(title):
        return title
    for info in children(element, "titleInfo"):
        if attribute(info, "type") == "alternative" and info.find("title") is not None:
            short = _title_of(record, info)
            if short and not _LONG_TITLE_OF_AN_ACT.match(short):
                return short
    return title


def _short_title(record: XmlRecord, element: etree._Element) -> str:
    for info in children(element, "titleInfo"):
        if attribute(info, "type") == "abbreviated":
            return _title_of(record, info)
    return ""


def _genre_type(element: etree._Element) -> ReferenceType | None:
    """The type named by the record's genres: local first, then MARC and DCT, then others."""
    genres = children(element, "genre")
    ordered = sorted(
        genres,
        key=lambda g: {"local": 0, "marcgt": 1, "marc": 1, "dct": 2}.get(
            attribute(g, "authority"), 3
        ),
    )
    for genre in ordered:
        term = collapse_spaces(text_of(genre)).casefold()
        mapped = GENRES.get(term) or GENRES.get(term.replace(" ", ""))
        if mapped is not None:
            return mapped
        if term and (f" {term} " in f" {_OTHER_GENRES} " or term.replace(" ", "") in _OTHER_GENRES):
            return _OTHER
        if re.search(r"journal\s*article|magazine\s*article", term):
            return _ARTICLE
        if re.search(r"\bblog", term):
            return ReferenceType.WEBPAGE
    return None


def _reference_type(element: etree._Element) -> ReferenceType:
    mapped = _genre_type(element)
    if mapped is not None:
        return mapped
    for resource in children(element, "typeOfResource"):
        found = _TYPES_OF_RESOURCE.get(collapse_spaces(text_of(resource)).casefold())
        if found is not None:
            return found
    hosts = _relatives(element, "host")
    for host in hosts:
        mapped = _genre_type(host)
        if mapped is not None:
            if mapped in {_ARTICLE, ReferenceType.WEBPAGE, _OTHER}:
                return mapped
            return _CHAPTER if mapped in {_BOOK, _CHAPTER} else mapped
    serial = any(
        collapse_spaces(text_of(i)) in {"continuing", "serial", "integrating resource"}
        for host in hosts
        for i in host.iter("issuance")
    )
    for media in element.iter("internetMediaType"):
        if collapse_spaces(text_of(media)) == "text/html":
            return ReferenceType.WEBPAGE
    if any(_role_words(n) & {"rcp", "recipient"} for n in children(element, "name")):
        return _OTHER  # a letter
    if hosts:
        return _ARTICLE if serial else _CHAPTER
    return _OTHER


def _role_words(name: etree._Element) -> set[str]:
    return {
        collapse_spaces(text_of(term)).casefold().rstrip(".")
        for term in name.iter("roleTerm")
        if collapse_spaces(text_of(term))
    }


def _name_text(name: etree._Element) -> tuple[Creator | None, list[str]]:
    """A MODS name as a creator (role not set yet), and its dates and titles for extra."""
    given = " ".join(
        collapse_spaces(text_of(p))
        for p in children(name, "namePart")
        if attribute(p, "type") == "given"
    ).strip()
    family = " ".join(
        collapse_spaces(text_of(p))
        for p in children(name, "namePart")
        if attribute(p, "type") == "family"
    ).strip()
    details = [
        collapse_spaces(text_of(p))
        for p in children(name, "namePart")
        if attribute(p, "type") in {"date", "termsOfAddress"} and collapse_spaces(text_of(p))
    ]
    plain = [
        collapse_spaces(text_of(p)).rstrip(",").strip()
        for p in children(name, "namePart")
        if not attribute(p, "type") and collapse_spaces(text_of(p))
    ]
    kind = attribute(name, "type")
    if family:
        return person(family, given), details
    if not plain:
        display = collapse_spaces(text_of(name.find("displayForm")))
        if display:
            return named(display), details
        return (Creator(family=given) if given else None), details
    if kind in {"corporate", "conference", "family"}:
        return Creator(literal=": ".join(plain)), details
    written = " ".join(plain)
    # Life dates written into the name ("Alleman, Tillie Pierce [1848-1914]").
    bracketed = re.search(r"\s*[\[(]([^A-Za-z\])]*)[\])]\s*$", written)
    if bracketed:
        details.append(bracketed.group(1).strip())
        written = written[: bracketed.start()]
    return named(written), details


def _names(
    record: XmlRecord,
    element: etree._Element,
    lines: dict[str, list[str]],
    *,
    context: str,
) -> list[Creator]:
    """Creators with a PeerRef role; other roles are kept in extra with the name.

    ``context`` is "record" for the work's own names (no role means author), "host" for
    the work it is part of (its editors are editors; its authors and unroled names go to
    extra), "series" for a series (all to extra).
    """
    creators: list[Creator] = []
    for name in children(element, "name"):
        creator, details = _name_text(name)
        if creator is None:
            continue
        roles = _role_words(name)
        shown = creator.display_name()
        record.use(*children(name, "namePart", "role", "nameIdentifier", "affiliation"))
        written = " ".join(collapse_spaces(text_of(p)) for p in children(name, "namePart"))
        for display in children(name, "displayForm"):
            form = collapse_spaces(text_of(display))
            if not children(name, "namePart") or form in {shown, written, creator.literal}:
                record.use(display)
        if details:
            lines["name-details"].append(f"{shown}: {'; '.join(details)}")
        for identifier in children(name, "nameIdentifier"):
            value = collapse_spaces(text_of(identifier))
            if value:
                lines["name-identifiers"].append(
                    f"{shown}: {attribute(identifier, 'type') or 'id'} {value}".replace("  ", " ")
                )
        for affiliation in children(name, "affiliation"):
            value = collapse_spaces(text_of(affiliation))
            if value:
                lines["affiliations"].append(f"{shown}: {value}")
        role: CreatorRole | None
        if roles & _EDITOR_ROLES:
            role = CreatorRole.EDITOR
        elif roles & _TRANSLATOR_ROLES:
            role = CreatorRole.TRANSLATOR
        elif roles & _AUTHOR_ROLES or not roles:
            role = CreatorRole.AUTHOR
        else:
            role = None
        if context == "series" or (context == "host" and role is not CreatorRole.EDITOR):
            role = None
        if role is None:
            label = ", ".join(sorted(roles)) or "no role"
            where = "" if context == "record" else f" of the {context}"
            lines["contributors"].append(f"{shown} ({label}{where})")
            continue
        creators.append(replace(creator, role=role))
    return creators


def _date_text(text: str) -> PartialDate | None:
    """A MODS date: W3CDTF ("2009-12-02"), MARC ("c1999", "[1980?]", "19uu"), or prose."""
    cleaned = re.sub(r"^[cp©℗]\s*(?=\d)", "", text.strip()).strip("[]?. ")
    cleaned = re.sub(r"T.*$", "", cleaned) if re.match(r"\d{4}-\d\d-\d\dT", cleaned) else cleaned
    if re.fullmatch(r"\d{8}", cleaned):
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    parsed = parse_date(cleaned)
    if parsed is not None:
        return parsed
    year = find_year(cleaned)
    return PartialDate(year=year) if year else None


def _origin(
    record: XmlRecord, infos: list[etree._Element], lines: dict[str, list[str]]
) -> tuple[PartialDate, str, str, str]:
    """Date, publisher, place and edition from originInfo elements, first found first.

    The date is the one marked keyDate, else the issue date, the copyright date, the date
    of creation; an end date of a range is kept in extra.
    """
    dates: list[etree._Element] = [
        d for info in infos for d in children(info, *_DATE_SOURCES) if collapse_spaces(text_of(d))
    ]
    keyed = [d for d in dates if attribute(d, "keyDate") == "yes"]
    ordered = keyed + sorted(
        (d for d in dates if attribute(d, "point") != "end"),
        key=lambda d: (_DATE_SOURCES.index(str(d.tag)), 0 if attribute(d, "encoding") else 1),
    )
    issued = PartialDate()
    for candidate in ordered:
        parsed = _date_text(collapse_spaces(text_of(candidate)))
        if parsed is not None:
            issued = parsed
            # The same date written twice (MARC's "c1999" and encoded "1999") is one value.
            for date in dates:
                if (
                    date.tag == candidate.tag
                    and _date_text(collapse_spaces(text_of(date))) == parsed
                ):
                    record.use(date)
            break
    publisher = place = edition = ""
    for info in infos:
        if not publisher:
            publisher = record.text("publisher", info)
        if not edition:
            edition = record.text("edition", info)
        for place_term in info.findall("place/placeTerm"):
            kind = attribute(place_term, "type")
            if kind == "code" or (not kind and attribute(place_term, "authority")):
                continue
            value = collapse_spaces(text_of(place_term))
            if value and not place:
                place = value.strip(" :[]")
                record.use(place_term)
    return issued, publisher, place, edition


def _part(
    record: XmlRecord, parts: list[etree._Element]
) -> tuple[str, str, str, PartialDate | None]:
    """Volume, issue, pages and date from ``part`` elements (the host's first)."""
    volume = issue = page = ""
    date: PartialDate | None = None
    for part in parts:
        for detail in children(part, "detail"):
            kind = attribute(detail, "type").casefold()
            value = collapse_spaces(text_of(detail.find("number"))) or (
                collapse_spaces(text_of(detail)) if not children(detail) else ""
            )
            if not value:
                continue
            if kind == "volume" and not volume:
                volume = value
                record.use(detail)
            elif kind in {"issue", "number"} and not issue:
                issue = value
                record.use(detail)
        for extent in children(part, "extent"):
            unit = attribute(extent, "unit").casefold()
            if page or unit not in {"page", "pages", "pp", ""}:
                continue
            start = collapse_spaces(text_of(extent.find("start")))
            end = collapse_spaces(text_of(extent.find("end")))
            if start or end:
                page = join_pages(start, end)
                record.use(extent.find("start"))
                if last_page_is_kept(page, end):
                    record.use(extent.find("end"))
                continue
            written = collapse_spaces(text_of(extent))
            pages = re.search(
                r"\bp(?:ages?|p)?\.?\s*([A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)", written
            )
            if pages:
                page = re.sub(r"\s*[-–]\s*", "-", pages.group(1))
                record.use(extent)
        if date is None:
            for date_element in children(part, "date"):
                parsed = _date_text(collapse_spaces(text_of(date_element)))
                if parsed is not None:
                    date = parsed
                    record.use(date_element)
                    break
    return volume, issue, page, date


def _identifiers(
    record: XmlRecord, elements: list[etree._Element], lines: dict[str, list[str]]
) -> tuple[list[str], list[str], str, str]:
    """ISSNs, ISBNs, the DOI and a URI from ``identifier`` elements; others go to extra."""
    numbers: list[str] = []
    doi = uri = ""
    for element in elements:
        for identifier in children(element, "identifier"):
            kind = attribute(identifier, "type").casefold()
            value = collapse_spaces(text_of(identifier))
            if not value or attribute(identifier, "invalid") == "yes":
                continue
            if kind in {"isbn", "issn", "issn-l"}:
                # "0801486394 (pbk. : acid-free, recycled paper)": the number, not the note.
                numbers.append(re.sub(r"\s*\(.*$", "", value))
                record.use(identifier)
                qualifier = re.search(r"\((.*)\)", value)
                if qualifier:
                    lines["identifiers"].append(f"{kind}: {value}")
            elif kind == "doi" and not doi and normalise_doi(value):
                doi = normalise_doi(value)
                record.use(identifier)
            elif kind in {"uri", "url"} and not uri and re.match(r"https?://", value):
                uri = value
                record.use(identifier)
    issns, isbns, other = split_standard_numbers(numbers)
    if other:
        lines["identifiers"].append(f"standard numbers: {' '.join(other)}")
    return issns, isbns, doi, uri


def _url(record: XmlRecord, element: etree._Element) -> str:
    """The primary location's URL, else the first that is not a preview."""
    chosen: etree._Element | None = None
    for url in element.findall("location/url"):
        if not collapse_spaces(text_of(url)) or attribute(url, "access") == "preview":
            continue
        if chosen is None or attribute(url, "usage") in {"primary", "primary display"}:
            chosen = url
    if chosen is None:
        return ""
    record.use(chosen)
    return collapse_spaces(text_of(chosen))


def _language(record: XmlRecord, element: etree._Element, extra: dict[str, str]) -> str:
    """The first language's code in CSL's form ("eng" → "en"); several are kept in extra."""
    codes: list[str] = []
    names: list[str] = []
    for language in children(element, "language"):
        terms = children(language, "languageTerm")
        if not terms and collapse_spaces(text_of(language)):
            codes.append(collapse_spaces(text_of(language)))
            record.use(language)
        for term in terms:
            value = collapse_spaces(text_of(term))
            if not value:
                continue
            if attribute(term, "type") == "text" and not attribute(term, "authority"):
                names.append(value)
            else:
                codes.append(value)
            record.use(term)
    found = list(dict.fromkeys(codes or names))
    if len(found) > 1 or (codes and names):
        extra[f"{PREFIX}languages"] = "; ".join(dict.fromkeys([*codes, *names]))
    return language_code(found[0]) if found else ""


def _subjects(record: XmlRecord, element: etree._Element, lines: dict[str, list[str]]) -> list[str]:
    """Topics as keywords; places, periods, names and titles a record is about to extra."""
    keywords: dict[str, str] = {}
    for subject in children(element, "subject"):
        record.use(subject)
        for part in children(subject):
            value = collapse_spaces(text_of(part)) if part.tag != "name" else ""
            if part.tag == "topic" and value:
                keywords.setdefault(value.casefold(), value)
            elif part.tag == "name":
                creator, details = _name_text(part)
                if creator is not None:
                    lines["subjects"].append(
                        f"name: {creator.display_name()}"
                        + (f" ({'; '.join(details)})" if details else "")
                    )
            elif part.tag == "hierarchicalGeographic":
                places = [
                    collapse_spaces(text_of(p))
                    for p in children(part)
                    if collapse_spaces(text_of(p))
                ]
                if places:
                    lines["subjects"].append(f"geographic: {' -- '.join(places)}")
            elif part.tag == "cartographics":
                for detail in children(part):
                    if collapse_spaces(text_of(detail)):
                        lines["subjects"].append(
                            f"{detail.tag}: {collapse_spaces(text_of(detail))}"
                        )
            elif value:
                lines["subjects"].append(f"{part.tag}: {value}")
        if not children(subject) and collapse_spaces(text_of(subject)):
            value = collapse_spaces(text_of(subject))
            keywords.setdefault(value.casefold(), value)
    return list(keywords.values())


def _record(record: XmlRecord, line: int) -> tuple[Reference, list[Diagnostic]]:
    element = record.element
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    lines: dict[str, list[str]] = {
        key: []
        for key in (
            "other-titles",
            "name-details",
            "name-identifiers",
            "affiliations",
            "contributors",
            "subjects",
            "identifiers",
            "series-numbers",
            "dates",
        )
    }
    ref_type = _reference_type(element)
    long_title = _main_title(record, element)
    title = _title_an_act_is_cited_by(record, element, long_title)
    if title != long_title:
        lines["other-titles"].append(f"long title: {long_title}")
    if not title:
        warnings.append(Diagnostic("the record has no title", line))
    title_short = _short_title(record, element)
    for info in children(element, "titleInfo"):
        if not _is_taken(record, info):
            kind = attribute(info, "type") or "title"
            lines["other-titles"].append(f"{kind}: {_title_of(record, info)}")

    hosts = _relatives(element, "host")
    container = container_short = ""
    for host in hosts:
        if not container and host.find("titleInfo") is not None:
            container = _main_title(record, host)
        if not container_short:
            container_short = _short_title(record, host)
    collection = ""
    series_list = [s for s in element.iter("relatedItem") if attribute(s, "type") == "series"]
    for series in series_list:
        name = _main_title(record, series) if series.find("titleInfo") is not None else ""
        collection = collection or name
        number = collapse_spaces(text_of(series.find("part/detail/number"))) or collapse_spaces(
            text_of(series.find("titleInfo/partNumber"))
        )
        if number:
            lines["series-numbers"].append(f"{name}: {number}" if name else number)
            for found in (series.find("part/detail"), series.find("titleInfo/partNumber")):
                record.use(found)
    if ref_type in {_BOOK, _OTHER, ReferenceType.THESIS, ReferenceType.REPORT} and container:
        # A book's "host" is the series or journal it appears in.
        collection, container = collection or container, ""
    if not container and container_short and ref_type is _ARTICLE:
        container = container_short

    creators = _names(record, element, lines, context="record")
    for host in hosts:
        creators += _names(record, host, lines, context="host")
    for series in series_list:
        _names(record, series, lines, context="series")

    parts = [p for host in hosts for p in children(host, "part")] + children(element, "part")
    volume, issue, page, part_date = _part(record, parts)
    infos = children(element, "originInfo") + [
        i for host in hosts for i in children(host, "originInfo")
    ]
    issued, publisher, place, edition = _origin(record, infos, lines)
    if issued.is_empty and part_date is not None:
        issued = part_date
    elif part_date is not None and not record_uses_date(part_date, issued):
        lines["dates"].append(f"date of the part: {part_date.iso() or part_date.literal}")
    if ref_type is ReferenceType.WEBPAGE and not container and publisher:
        container = publisher

    issns, isbns, doi, uri = _identifiers(record, [element, *hosts], lines)
    warnings.extend(Diagnostic(m, line) for m in standard_number_warnings(issns, isbns))
    url = _url(record, element) or uri
    if uri and uri != url:
        lines["identifiers"].append(f"uri: {uri}")

    abstract = tuple(
        AbstractSection("", paragraphs_to_abstract_text(text_of(a)))
        for a in record.findall("abstract")
        if collapse_spaces(text_of(a))
    )
    notes = []
    for note in record.findall("note"):
        text = paragraphs_to_abstract_text(text_of(note))
        if text:
            kind = attribute(note, "type")
            notes.append(f"{kind}: {text}" if kind else text)
    for contents in record.findall("tableOfContents"):
        text = paragraphs_to_abstract_text(text_of(contents))
        if text:
            notes.append(f"Table of contents: {text}")
    if notes:
        extra["note"] = "\n\n".join(notes)
    for condition in record.findall("accessCondition"):
        text = collapse_spaces(text_of(condition))
        if text:
            kind = attribute(condition, "type")
            extra.setdefault(f"{PREFIX}rights", "")
            entry = f"{kind}: {text}" if kind and kind not in {"use and reproduction"} else text
            extra[f"{PREFIX}rights"] = "\n".join(filter(None, (extra[f"{PREFIX}rights"], entry)))
    calls = [collapse_spaces(text_of(c)) for c in record.findall("classification")]
    if any(calls):
        extra[f"{PREFIX}classification"] = "; ".join(c for c in calls if c)

    language = _language(record, element, extra)
    keywords = _subjects(record, element, lines)
    reference = Reference(
        type=ref_type,
        title=title,
        title_short=title_short,
        creators=tuple(creators),
        container_title=container,
        container_title_short=container_short if ref_type is _ARTICLE else "",
        collection_title=collection,
        volume=volume,
        issue=issue,
        page=page,
        issued=issued,
        publisher=publisher,
        publisher_place=place,
        edition=edition,
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        url=url,
        language=language,
        abstract=abstract,
        keywords=tuple(keywords),
        extra=extra,
    )
    for key, values in lines.items():
        if values:
            extra[f"{PREFIX}{key}"] = "\n".join(dict.fromkeys(values))
    leftovers, not_kept = record.leftovers(not_kept=("relatedItem[references]",))
    for path, value in leftovers.items():
        extra.setdefault(f"{PREFIX}{path}", value)
    if not_kept:
        warnings.append(
            Diagnostic(
                "the list of works it cites (relatedItem type=references) is not kept",
                line,
                Severity.INFO,
            )
        )
    return reference, warnings


def record_uses_date(part_date: PartialDate, issued: PartialDate) -> bool:
    """Whether the part's date says nothing the publication date does not."""
    return part_date.year == issued.year and (
        part_date.month is None or part_date.month == issued.month
    )


READERS = (ModsReader(),)
