"""DataCite JSON: the metadata DataCite keeps for a DOI (datasets, software, theses, papers).

Read in the forms DataCite hands out: a record's attributes as one object (what
``api.datacite.org/dois/…`` calls ``attributes``, and what Zenodo and the DataCite Fabrica
export), the API's answer around it (``{"data": {"type": "dois", "attributes": …}}``, or
a list of them under ``data``), or a list of records. The reference type is the record's
CSL type (``types.citeproc``), corrected as DataCite's own data warrants: software is a
document, a ``BookChapter`` a chapter. The work a record is part of comes from
``relatedItems`` (kernel 4.4: "IsPublishedIn", with its volume, pages and editors) or the
older ``container``; a "size" such as "42-79 Seiten" gives the pages when nothing else does.

ORCIDs and affiliations are kept in extra with the person's name, other titles,
descriptions, dates, contributors and related works each under their own key; every other
value no field takes is kept in extra under its path ("datacite:geoLocations/geoLocationPlace").
What DataCite records about the record itself (counts of views and citations, its state,
the XML it was registered with) is not kept: the result names each such part in one note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from peerref.core.dates import parse_date
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
    join_pages,
    last_page_is_kept,
    paragraphs_to_abstract_text,
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._jsontree import (
    JsonRecord,
    array,
    is_empty,
    load_json,
    mapping,
    scalar_text,
)
from peerref.formats._people import named, person
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "datacite-json"
LABEL = "DataCite JSON"
PREFIX = "datacite:"

# resourceTypeGeneral, for records without a CSL type.
RESOURCE_TYPES: dict[str, ReferenceType] = {
    "audiovisual": ReferenceType.OTHER,
    "book": ReferenceType.BOOK,
    "bookchapter": ReferenceType.CHAPTER,
    "collection": ReferenceType.OTHER,
    "conferencepaper": ReferenceType.PAPER_CONFERENCE,
    "conferenceproceeding": ReferenceType.BOOK,
    "datapaper": ReferenceType.ARTICLE_JOURNAL,
    "dataset": ReferenceType.DATASET,
    "dissertation": ReferenceType.THESIS,
    "image": ReferenceType.OTHER,
    "journalarticle": ReferenceType.ARTICLE_JOURNAL,
    "journal": ReferenceType.OTHER,
    "model": ReferenceType.OTHER,
    "outputmanagementplan": ReferenceType.REPORT,
    "peerreview": ReferenceType.OTHER,
    "preprint": ReferenceType.PREPRINT,
    "report": ReferenceType.REPORT,
    "software": ReferenceType.OTHER,
    "sound": ReferenceType.OTHER,
    "standard": ReferenceType.OTHER,
    "text": ReferenceType.ARTICLE_JOURNAL,
    "workflow": ReferenceType.OTHER,
}
# schema.org types that make a record a program, whatever its CSL type says.
_SOFTWARE = frozenset(
    {
        "softwaresourcecode",
        "softwareapplication",
        "mobileapplication",
        "videogame",
        "webapplication",
    }
)
# Dates in the order they stand for the publication date.
_DATE_ORDER = ("Issued", "Available", "Accepted", "Submitted", "Created", "Updated")
# What DataCite records about its record rather than the work: not kept, named in a note.
NOT_KEPT = frozenset(
    {
        "xml",
        "agency",
        "state",
        "isActive",
        "metadataVersion",
        "schemaVersion",
        "source",
        "reason",
        "landingPage",
        "providerId",
        "clientId",
        "created",
        "registered",
        "updated",
        "viewCount",
        "viewsOverTime",
        "downloadCount",
        "downloadsOverTime",
        "citationCount",
        "citationsOverTime",
        "referenceCount",
        "partCount",
        "partOfCount",
        "versionCount",
        "versionOfCount",
        "types/ris",
        "types/bibtex",
        "types/citeproc",
        "types/schemaOrg",
    }
)
_SIGNATURE = re.compile(
    r'"(?:resourceTypeGeneral|schemaVersion"\s*:\s*"https?://datacite\.org/schema/'
    r'|agency"\s*:\s*"[Dd]ata[Cc]ite"|type"\s*:\s*"dois")'
)
# A size that is a page range: "42-79 Seiten", "33–52 Pages", "pp. 5-25".
_SIZE_PAGES = re.compile(
    r"^(?:pp?\.?\s*)?([A-Za-z]?\d+\s*[-–]\s*[A-Za-z]?\d+)\s*(?:pages?|seiten|pp\.?|s\.?)?$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^[A-Za-z]{0,2}\d+[A-Za-z]?$|^[ivxlcdm]+$", re.IGNORECASE)


def _attributes(value: Any) -> Mapping[str, Any] | None:
    """The DataCite record in ``value`` (its attributes when it is a JSON:API resource)."""
    if not isinstance(value, Mapping):
        return None
    attributes = value.get("attributes")
    if isinstance(attributes, Mapping) and (
        value.get("type") == "dois" or "types" in attributes or "titles" in attributes
    ):
        return attributes
    if "titles" in value or "types" in value or "creators" in value:
        return value
    return None


def _records_of(document: Any) -> list[Any]:
    if isinstance(document, Mapping) and "data" in document and _attributes(document) is None:
        data = document["data"]
        return data if isinstance(data, list) else [data]
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        return [document]
    raise FormatError("DataCite JSON must be a record, a list of records or an API answer")


class DataciteJsonReader:
    """Reads DataCite JSON records: single, listed, or wrapped in an API answer."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when DataCite's own keys ("resourceTypeGeneral", its schema) are near the top."""
        head = text[:6000].lstrip("\ufeff \t\r\n")
        if not head.startswith(("[", "{")):
            return 0.0
        return 1.0 if _SIGNATURE.search(head) else 0.0

    def read(self, text: str) -> ParseResult:
        records = _records_of(load_json(text, "DataCite JSON"))
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        not_kept: dict[str, None] = {}
        last_line = max(1, len(text.splitlines()))
        for index, item in enumerate(records, start=1):
            attributes = _attributes(item)
            if attributes is None:
                shown = json.dumps(item, ensure_ascii=False)
                shown = shown if len(shown) <= 80 else shown[:79] + "…"
                skipped.append(
                    Diagnostic(f"item {index} is not a DataCite record; skipped: {shown}")
                )
                continue
            record = JsonRecord(attributes)
            reference, warnings, unkept = _record(record, index)
            if attributes is not item:
                # A JSON:API resource: its id is the DOI, its type "dois"; the record's own
                # parts are named by their place in it ("attributes/state").
                unkept = [f"attributes/{path}" for path in unkept]
                for key, value in mapping(item).items():
                    same_doi = key == "id" and normalise_doi(scalar_text(value)).casefold() == (
                        reference.doi.casefold()
                    )
                    if key != "attributes" and not same_doi and not is_empty(value):
                        unkept.append(key)
            not_kept.update(dict.fromkeys(unkept))
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=json.dumps(item, ensure_ascii=False, indent=2),
                    first_line=1,
                    last_line=last_line,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no DataCite records found (a record has titles, creators, types)")
        notes: tuple[Diagnostic, ...] = ()
        if not_kept:
            notes = (
                Diagnostic(
                    "not kept, as DataCite's records about the record rather than part of a "
                    "reference: " + ", ".join(sorted(not_kept)),
                    severity=Severity.INFO,
                ),
            )
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped), warnings=notes)


def _reference_type(record: JsonRecord) -> ReferenceType:
    types = record.mapping("types")
    citeproc = scalar_text(types.get("citeproc"))
    general = scalar_text(types.get("resourceTypeGeneral"))
    ref_type = (
        ReferenceType.from_csl(citeproc).folded
        if citeproc
        else RESOURCE_TYPES.get(general.casefold(), ReferenceType.ARTICLE_JOURNAL)
    )
    if scalar_text(types.get("schemaOrg")).casefold() in _SOFTWARE:
        ref_type = ReferenceType.OTHER
    if general.casefold() == "bookchapter":
        ref_type = ReferenceType.CHAPTER
    elif general.casefold() == "dataset" and not citeproc:
        ref_type = ReferenceType.DATASET
    if citeproc == ref_type.value:
        record.use("types", "citeproc")  # DataCite's crosswalks to RIS and BibTeX are not kept
    return ref_type


def _person(value: Any, role: CreatorRole) -> Creator | None:
    fields = mapping(value)
    family = scalar_text(fields.get("familyName"))
    given = scalar_text(fields.get("givenName"))
    name = scalar_text(fields.get("name"))
    if family:
        return person(family, given, role=role)
    if not name:
        return None
    if scalar_text(fields.get("nameType")) == "Personal":
        return named(name, role)
    return Creator(literal=name, role=role)


def _affiliations(value: Any) -> list[str]:
    places = value if isinstance(value, list) else [value]
    found = [scalar_text(mapping(p).get("name")) or scalar_text(p) for p in places]
    return [p for p in found if p]


def _people(
    record: JsonRecord, key: str, lines: dict[str, list[str]], *within: str | int
) -> list[Creator]:
    """Creators or contributors at ``within``/``key``: editors among contributors are
    editors; other contributors are kept in extra with their role."""
    creators: list[Creator] = []
    for position, value in enumerate(record.array(*within, key)):
        entry = mapping(value)
        kind = scalar_text(entry.get("contributorType"))
        role = CreatorRole.EDITOR if kind.casefold() == "editor" else CreatorRole.AUTHOR
        creator = _person(entry, role)
        if creator is None:
            continue
        used = ["nameType"] if key == "creators" else ["nameType", "contributorType"]
        if creator.family and scalar_text(entry.get("familyName")):
            used += ["familyName", "givenName"]
            written = re.findall(r"\w+", scalar_text(entry.get("name")).casefold())
            if set(written) <= set(re.findall(r"\w+", creator.display_name().casefold())):
                used.append("name")  # "Family, Given", the same name written out
        else:
            used.append("name")
        for part in used:
            record.use_leaf(*within, key, position, part)
        name = creator.display_name()
        if key == "creators" or role is CreatorRole.EDITOR:
            creators.append(creator)
        else:
            lines["contributors"].append(f"{name} ({kind})" if kind else name)
        path = (*within, key, position)
        for number, identifier in enumerate(array(entry.get("nameIdentifiers"))):
            value_text = scalar_text(mapping(identifier).get("nameIdentifier"))
            scheme = scalar_text(mapping(identifier).get("nameIdentifierScheme")) or "identifier"
            if value_text:
                bucket = "orcid" if scheme.upper() == "ORCID" else "name-identifiers"
                shown = value_text if bucket == "orcid" else f"{scheme} {value_text}"
                lines[bucket].append(f"{name}: {shown}")
                for part in ("nameIdentifier", "nameIdentifierScheme", "schemeUri", "schemeURI"):
                    record.use_leaf(*path, "nameIdentifiers", number, part)
        affiliation = entry.get("affiliation")
        places = _affiliations(affiliation)
        lines["affiliations"].extend(f"{name}: {place}" for place in places)
        if isinstance(affiliation, str):
            record.use(*path, "affiliation")
        for number, place in enumerate(array(affiliation)):
            record.use(*path, "affiliation", number, *(() if isinstance(place, str) else ("name",)))
    unique: list[Creator] = []
    for creator in creators:
        if creator not in unique:
            unique.append(creator)
    return unique


def _titles(record: JsonRecord, lines: dict[str, list[str]]) -> str:
    """The main title (with its subtitle); translated and other titles go to extra."""
    title = subtitle = ""
    for position, value in enumerate(record.array("titles")):
        item = mapping(value)
        text = scalar_text(item.get("title"))
        kind = scalar_text(item.get("titleType"))
        if not text:
            continue
        for part in ("title", "titleType", "lang"):
            record.use_leaf("titles", position, part)
        lang = scalar_text(item.get("lang"))
        if not kind and not title:
            title = text
        elif kind.casefold() == "subtitle" and not subtitle:
            subtitle = text
        else:
            label = f"{kind or 'Title'} ({lang})" if lang else kind or "Title"
            lines["other-titles"].append(f"{label}: {text}")
    if subtitle:
        title = f"{title.rstrip(':')}: {subtitle}" if title else subtitle
    if not title and lines["other-titles"]:
        title = lines["other-titles"].pop(0).partition(": ")[2]
    return title


def _descriptions(
    record: JsonRecord, language: str, lines: dict[str, list[str]]
) -> tuple[AbstractSection, ...]:
    """The abstract in the record's language (else the first); other descriptions to extra."""
    abstracts: list[tuple[str, str]] = []
    for position, value in enumerate(record.array("descriptions")):
        item = mapping(value)
        raw = item.get("description")
        text = "\n\n".join(scalar_text(p) for p in raw) if isinstance(raw, list) else ""
        text = text or (raw if isinstance(raw, str) else "")
        text = paragraphs_to_abstract_text(text)
        if not text:
            continue
        for part in ("description", "descriptionType", "lang"):
            record.use_leaf("descriptions", position, part)
        kind = scalar_text(item.get("descriptionType")) or "Other"
        lang = scalar_text(item.get("lang"))
        if kind == "Abstract":
            abstracts.append((lang, text))
        else:
            lines["descriptions"].append(f"{kind}: {text}")
    if not abstracts:
        return ()
    chosen = next(
        (a for a in abstracts if language and a[0].casefold() == language.casefold()), abstracts[0]
    )
    for lang, text in abstracts:
        if (lang, text) != chosen:
            lines["descriptions"].append(f"Abstract{f' ({lang})' if lang else ''}: {text}")
    return abstract_from_text(chosen[1])


def _dates(record: JsonRecord, lines: dict[str, list[str]]) -> PartialDate:
    """The publication date by DataCite's date types; the others are kept in extra."""
    dated: list[tuple[str, str, str]] = []  # (type, date, information)
    for position, value in enumerate(record.array("dates")):
        item = mapping(value)
        date = scalar_text(item.get("date"))
        if date:
            for part in ("date", "dateType", "dateInformation"):
                record.use_leaf("dates", position, part)
            kind = scalar_text(item.get("dateType")) or "Date"
            dated.append((kind, date, scalar_text(item.get("dateInformation"))))
    chosen = next((d for k in _DATE_ORDER for d in dated if d[0] == k), None)
    parsed = None
    if chosen is not None:
        # ISO date-times and ranges ("2016-06-28T10:00:00Z", "2015/2017"): the first date.
        parsed = parse_date(chosen[1]) or parse_date(re.split(r"[T/ ]", chosen[1])[0])
    for dated_value in dated:
        if dated_value is not chosen or parsed is None:
            kind, date, information = dated_value
            lines["dates"].append(f"{kind}: {date}" + (f" ({information})" if information else ""))
    year = record.peek_text("publicationYear")
    if parsed is not None:
        if year == str(parsed.year):
            record.use("publicationYear")
        return parsed
    if year.isdigit():
        record.use("publicationYear")
        return PartialDate(year=int(year))
    return PartialDate()


def _container(record: JsonRecord, lines: dict[str, list[str]]) -> dict[str, Any]:
    """What the record says of the work it is part of: relatedItems, else ``container``."""
    found: dict[str, Any] = {}
    for position, value in enumerate(record.array("relatedItems")):
        item = mapping(value)
        if scalar_text(item.get("relationType")) != "IsPublishedIn":
            continue
        path = ("relatedItems", position)
        record.use_leaf(*path, "relationType")
        titles = item.get("titles")
        title_list = titles if isinstance(titles, list) else [titles]
        for t_position, title_value in enumerate(title_list):
            title = scalar_text(mapping(title_value).get("title"))
            if title and "title" not in found:
                found["title"] = title
                at = (t_position,) if isinstance(titles, list) else ()
                record.use_leaf(*path, "titles", *at, "title")
        for key in (
            "volume",
            "issue",
            "number",
            "edition",
            "publicationYear",
            "firstPage",
            "lastPage",
        ):
            value_text = record.text(*path, key)
            if value_text:
                found[key] = value_text
        identifier = mapping(item.get("relatedItemIdentifier"))
        kind = scalar_text(identifier.get("relatedItemIdentifierType"))
        if kind in {"ISSN", "ISBN"} and scalar_text(identifier.get("relatedItemIdentifier")):
            found.setdefault("identifiers", []).append(
                scalar_text(identifier.get("relatedItemIdentifier"))
            )
            record.use(*path, "relatedItemIdentifier")
        found["type"] = record.text(*path, "relatedItemType")
        found["editors"] = _people(record, "contributors", lines, *path)
        found["authors"] = _people(record, "creators", lines, *path)
        publisher = record.peek(*path, "publisher")
        found["publisher"] = scalar_text(mapping(publisher).get("name")) or scalar_text(publisher)
        if found["publisher"]:
            record.use_leaf(*path, "publisher")
        break
    container = record.mapping("container")
    if container:
        kind = scalar_text(container.get("type"))
        title = scalar_text(container.get("title"))
        if title and "title" not in found:
            found["title" if kind == "Series" else "collection"] = title
            record.use_leaf("container", "title")
        for key in ("volume", "issue", "firstPage", "lastPage"):
            value_text = scalar_text(container.get(key))
            if value_text and key not in found:
                if key in {"firstPage", "lastPage"} and not _PAGE_NUMBER.match(value_text):
                    continue  # "Bd. 1 Nr. 1 (2018)": not a page, kept for extra
                found[key] = value_text
                record.use_leaf("container", key)
        id_kind = scalar_text(container.get("identifierType"))
        if id_kind in {"ISSN", "ISBN"} and scalar_text(container.get("identifier")):
            found.setdefault("identifiers", []).append(scalar_text(container.get("identifier")))
            record.use_leaf("container", "identifier")
            record.use_leaf("container", "identifierType")
    return found


def _related(record: JsonRecord, lines: dict[str, list[str]]) -> list[str]:
    """ISSNs and ISBNs of the work it is part of; other relations (citations too) kept in
    extra as "IsSupplementTo: DOI 10.…"."""
    numbers: list[str] = []
    for position, value in enumerate(record.array("relatedIdentifiers")):
        item = mapping(value)
        identifier = scalar_text(item.get("relatedIdentifier"))
        kind = scalar_text(item.get("relatedIdentifierType"))
        relation = scalar_text(item.get("relationType"))
        if not identifier:
            continue
        for part in (
            "relatedIdentifier",
            "relatedIdentifierType",
            "relationType",
            "resourceTypeGeneral",
        ):
            record.use_leaf("relatedIdentifiers", position, part)
        if kind in {"ISSN", "ISBN"} and relation in {"IsPartOf", "IsPublishedIn", ""}:
            numbers.append(identifier)
        else:
            general = scalar_text(item.get("resourceTypeGeneral"))
            shown = f"{relation or 'Related'}: {kind} {identifier}".strip()
            lines["related"].append(f"{shown} ({general})" if general else shown)
    return numbers


def _pages_from_sizes(record: JsonRecord) -> str:
    for position, value in enumerate(record.array("sizes")):
        match = _SIZE_PAGES.match(scalar_text(value))
        if match:
            record.use("sizes", position)
            return re.sub(r"\s*[-–]\s*", "-", match.group(1))
    return ""


def _record(record: JsonRecord, index: int) -> tuple[Reference, list[Diagnostic], list[str]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    lines: dict[str, list[str]] = {
        key: []
        for key in (
            "other-titles",
            "orcid",
            "name-identifiers",
            "affiliations",
            "contributors",
            "dates",
            "descriptions",
            "related",
            "identifiers",
            "rights",
            "funding",
            "subject-schemes",
        )
    }
    not_kept: list[str] = []
    ref_type = _reference_type(record)
    title = _titles(record, lines)
    if not title:
        warnings.append(Diagnostic(f"record {index} has no title"))
    creators = _people(record, "creators", lines) + _people(record, "contributors", lines)
    language = record.text("language")
    issued = _dates(record, lines)
    container = _container(record, lines)
    if "publicationYear" in container and container["publicationYear"].isdigit():
        year = int(container["publicationYear"])
        if issued.year != year:
            if issued.year is not None:
                lines["dates"].insert(0, f"Issued: {issued.iso()}")
            issued = PartialDate(year=year)
    for editor in [*container.get("editors", []), *container.get("authors", [])]:
        role = CreatorRole.EDITOR if editor.role is CreatorRole.EDITOR else CreatorRole.AUTHOR
        candidate = Creator(
            family=editor.family, given=editor.given, literal=editor.literal, role=role
        )
        if candidate not in creators:
            if role is CreatorRole.AUTHOR:
                lines["contributors"].append(f"{candidate.display_name()} (author of the book)")
            else:
                creators.append(candidate)

    numbers = [*container.get("identifiers", []), *_related(record, lines)]
    issns, isbns, other = split_standard_numbers(numbers)
    if other:
        extra[f"{PREFIX}standard-numbers"] = " ".join(other)
    warnings.extend(
        Diagnostic(f"record {index}: {m}") for m in standard_number_warnings(issns, isbns)
    )

    doi = normalise_doi(record.peek_text("doi")) or normalise_doi(record.peek_text("id"))
    for key in ("doi", "id"):
        if doi and normalise_doi(record.peek_text(key)).casefold() == doi.casefold():
            record.use(key)
    for key in ("identifiers", "alternateIdentifiers"):
        for position, value in enumerate(record.array(key)):
            item = mapping(value)
            identifier = scalar_text(item.get("identifier") or item.get("alternateIdentifier"))
            kind = scalar_text(item.get("identifierType") or item.get("alternateIdentifierType"))
            if not identifier:
                continue
            for part in (
                "identifier",
                "identifierType",
                "alternateIdentifier",
                "alternateIdentifierType",
            ):
                record.use_leaf(key, position, part)
            if kind.upper() == "DOI" and normalise_doi(identifier).casefold() == doi.casefold():
                continue
            lines["identifiers"].append(f"{kind}: {identifier}" if kind else identifier)
    for position, value in enumerate(record.array("rightsList")):
        item = mapping(value)
        rights = scalar_text(item.get("rights"))
        uri = scalar_text(item.get("rightsUri"))
        if rights or uri:
            record.use_leaf("rightsList", position, "rights")
            record.use_leaf("rightsList", position, "rightsUri")
            lines["rights"].append(f"{rights} <{uri}>" if rights and uri else rights or uri)
    for position, value in enumerate(record.array("fundingReferences")):
        item = mapping(value)
        keys = ("funderName", "awardNumber", "awardTitle", "funderIdentifier")
        parts = [scalar_text(item.get(k)) for k in keys]
        if any(parts):
            for key in keys:
                record.use_leaf("fundingReferences", position, key)
            lines["funding"].append(", ".join(p for p in parts if p))

    page = join_pages(container.get("firstPage", ""), container.get("lastPage", ""))
    if not last_page_is_kept(page, container.get("lastPage", "")):
        extra[f"{PREFIX}lastPage"] = container["lastPage"]
    page = page or _pages_from_sizes(record)
    publisher_value = record.peek("publisher")
    publisher = scalar_text(mapping(publisher_value).get("name")) or scalar_text(publisher_value)
    if publisher:
        record.use_leaf("publisher", *(("name",) if isinstance(publisher_value, Mapping) else ()))
    if not publisher and container.get("publisher"):
        publisher = container["publisher"]
    keywords: dict[str, str] = {}
    for position, value in enumerate(record.array("subjects")):
        subject = scalar_text(mapping(value).get("subject")) or scalar_text(value)
        if subject:
            keywords.setdefault(subject.casefold(), subject)
            record.use_leaf("subjects", position, "subject")
            if isinstance(value, str):
                record.use("subjects", position)
            scheme = scalar_text(mapping(value).get("subjectScheme"))
            if scheme:
                lines["subject-schemes"].append(f"{subject}: {scheme}")
                record.use_leaf("subjects", position, "subjectScheme")
    version = record.text("version")
    if version:
        extra[f"{PREFIX}version"] = version

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container.get("title", ""),
        collection_title=container.get("collection", ""),
        volume=container.get("volume", ""),
        issue=container.get("issue", "") or container.get("number", ""),
        page=page,
        issued=issued,
        publisher=publisher,
        edition=container.get("edition", ""),
        issn=tuple(issns),
        isbn=tuple(isbns),
        doi=doi,
        url=record.text("url"),
        language=language,
        abstract=_descriptions(record, language, lines),
        keywords=tuple(keywords.values()),
        extra=extra,
    )
    for key, values in lines.items():
        if values:
            extra[f"{PREFIX}{key}"] = "\n".join(dict.fromkeys(values))
    leftovers, unkept = record.leftovers(not_kept=NOT_KEPT)
    for path, value in leftovers.items():
        extra.setdefault(f"{PREFIX}{path}", value)
    return reference, warnings, [*not_kept, *unkept]


READERS = (DataciteJsonReader(),)
