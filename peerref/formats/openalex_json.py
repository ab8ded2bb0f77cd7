"""OpenAlex work JSON: one work, a list of works, or a page of the API (``{"results": […]}``).

OpenAlex (openalex.org) describes a work with its own names: authors are
``authorships``, the journal is the ``primary_location``'s ``source``, volume and pages
are under ``biblio``, and the abstract comes as an inverted index (each word with the
positions it stands at), which is put back into text. The type is OpenAlex's, corrected
by the source as OpenAlex itself does: an "article" in a conference's proceedings is a
conference paper, a submitted version is a preprint.

ORCIDs and affiliations, which the model has no field for, are kept in extra with the
author's name, the OpenAlex id as "openalex:id", topics as "openalex:topics"; every other
value no field takes is kept in extra under its path ("openalex:primary_location/license").
What OpenAlex computes about a work rather than records of it (citation counts, lists of
cited and related works, concept scores, its other copies) is not kept: the result names
each such part in one note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from peerref.core.dates import parse_date
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi, normalise_issn, normalise_pmcid, normalise_pmid
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats._fields import (
    collapse_spaces,
    join_pages,
    last_page_is_kept,
    standard_number_warnings,
)
from peerref.formats._jsontree import JsonRecord, array, load_json, mapping, scalar_text
from peerref.formats._people import named
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "openalex-json"
LABEL = "OpenAlex work JSON"
PREFIX = "openalex:"

OPENALEX_TYPES: dict[str, ReferenceType] = {
    "article": ReferenceType.ARTICLE_JOURNAL,
    "editorial": ReferenceType.ARTICLE_JOURNAL,
    "letter": ReferenceType.ARTICLE_JOURNAL,
    "erratum": ReferenceType.ARTICLE_JOURNAL,
    "review": ReferenceType.ARTICLE_JOURNAL,
    "retraction": ReferenceType.ARTICLE_JOURNAL,
    "supplementary-materials": ReferenceType.ARTICLE_JOURNAL,
    "book": ReferenceType.BOOK,
    "book-chapter": ReferenceType.CHAPTER,
    "reference-entry": ReferenceType.CHAPTER,
    "libguides": ReferenceType.CHAPTER,
    "dissertation": ReferenceType.THESIS,
    "report": ReferenceType.REPORT,
    "dataset": ReferenceType.DATASET,
    "preprint": ReferenceType.PREPRINT,
    "standard": ReferenceType.OTHER,
    "peer-review": ReferenceType.OTHER,
    "grant": ReferenceType.OTHER,
    "paratext": ReferenceType.OTHER,
    "other": ReferenceType.OTHER,
}

# What OpenAlex computes about a work (counts, scores, links to other works, its other
# copies): not part of the reference, so not kept; the result names them in a note.
NOT_KEPT = frozenset(
    {
        "abstract_inverted_index",
        "apc_list",
        "apc_paid",
        "best_oa_location",
        "citation_normalized_percentile",
        "cited_by_api_url",
        "cited_by_count",
        "cited_by_percentile_year",
        "concepts",
        "corresponding_author_ids",
        "corresponding_institution_ids",
        "countries_distinct_count",
        "counts_by_year",
        "created_date",
        "datasets",
        "fulltext_origin",
        "fwci",
        "has_fulltext",
        "indexed_in",
        "institution_assertions",
        "institutions_distinct_count",
        "is_paratext",
        "locations",
        "locations_count",
        "ngrams_url",
        "primary_topic",
        "referenced_works",
        "referenced_works_count",
        "related_works",
        "relevance_score",
        "sustainable_development_goals",
        "topics",
        "updated_date",
        "versions",
        "authorships/author_position",
        "authorships/countries",
        "authorships/institutions",
        "authorships/is_corresponding",
        "authorships/author/id",
        "authorships/affiliations",
        "primary_location/source/id",
        "primary_location/source/host_organization",
        "primary_location/source/host_organization_lineage",
        "primary_location/source/host_organization_lineage_names",
        "primary_location/source/is_core",
        "primary_location/source/is_in_doaj",
        "primary_location/source/is_oa",
        "primary_location/source/type",
        "primary_location/is_oa",
        "primary_location/is_accepted",
        "primary_location/is_published",
        "keywords/id",
        "keywords/score",
        "mesh/descriptor_ui",
        "mesh/qualifier_ui",
        "mesh/is_major_topic",
    }
)
_DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_WORK_ID = re.compile(r'"(?:id|openalex)"\s*:\s*"https://openalex\.org/W\d+"')
# The abstract's inverted index is OpenAlex's word list: a sane work has a few hundred words.
_MAX_ABSTRACT_POSITION = 20000


def _is_work(value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    work_id = scalar_text(value.get("id")) or scalar_text(mapping(value.get("ids")).get("openalex"))
    return work_id.startswith("https://openalex.org/W") or (
        "authorships" in value and ("display_name" in value or "title" in value)
    )


def _works_of(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        results = document.get("results")
        if isinstance(results, list) and not _is_work(document):
            return results
        return [document]
    raise FormatError("OpenAlex JSON must be a work, a list of works or an API results page")


class OpenalexJsonReader:
    """Reads OpenAlex works: single, a list of them, or an API page of results."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when a work's OpenAlex id ("https://openalex.org/W…") is among the first keys."""
        head = text[:6000].lstrip("\ufeff \t\r\n")
        if not head.startswith(("[", "{")):
            return 0.0
        return 1.0 if _WORK_ID.search(head) else 0.0

    def read(self, text: str) -> ParseResult:
        works = _works_of(load_json(text, "OpenAlex JSON"))
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        not_kept: dict[str, None] = {}
        last_line = max(1, len(text.splitlines()))
        for index, work in enumerate(works, start=1):
            if not _is_work(work):
                shown = json.dumps(work, ensure_ascii=False)
                shown = shown if len(shown) <= 80 else shown[:79] + "…"
                skipped.append(
                    Diagnostic(f"item {index} is not an OpenAlex work; skipped: {shown}")
                )
                continue
            reference, warnings, unkept = _work(JsonRecord(work), index)
            not_kept.update(dict.fromkeys(unkept))
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=json.dumps(work, ensure_ascii=False, indent=2),
                    first_line=1,
                    last_line=last_line,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no OpenAlex works found (a work has an id https://openalex.org/W…)")
        notes: tuple[Diagnostic, ...] = ()
        if not_kept:
            notes = (
                Diagnostic(
                    "not kept, as OpenAlex's own figures rather than part of a reference: "
                    + ", ".join(sorted(not_kept)),
                    severity=Severity.INFO,
                ),
            )
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped), warnings=notes)


def _reference_type(record: JsonRecord, extra: dict[str, str]) -> ReferenceType:
    """OpenAlex's type, corrected by the source; a type PeerRef names otherwise is kept."""
    kind = record.text("type")
    ref_type = OPENALEX_TYPES.get(kind.casefold(), ReferenceType.OTHER)
    source_type = record.peek_text("primary_location", "source", "type")
    if source_type == "journal":
        ref_type = ReferenceType.ARTICLE_JOURNAL
    elif source_type == "conference":
        ref_type = ReferenceType.PAPER_CONFERENCE
    if record.peek_text("primary_location", "version") == "submittedVersion":
        ref_type = ReferenceType.PREPRINT
    if kind and kind != ref_type.value:
        extra[f"{PREFIX}type"] = kind
    return ref_type


def _issued(record: JsonRecord, warnings: list[Diagnostic], index: int) -> PartialDate:
    """The publication date, else the year; a date that cannot be read stays for extra."""
    written = record.peek_text("publication_date")
    year = record.peek_text("publication_year")
    parsed = parse_date(written) if written else None
    if parsed is not None:
        record.use("publication_date")
        if year == str(parsed.year):
            record.use("publication_year")
        return parsed
    if written:
        warnings.append(Diagnostic(f"work {index}: date {written!r} read only in part"))
    if year.isdigit():
        record.use("publication_year")
        return PartialDate(year=int(year))
    return PartialDate()


def _abstract(record: JsonRecord) -> tuple[AbstractSection, ...]:
    """The abstract, its words put back in place from OpenAlex's inverted index."""
    index = record.mapping("abstract_inverted_index")
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in array(positions):
            if isinstance(position, int) and 0 <= position <= _MAX_ABSTRACT_POSITION:
                placed[position] = str(word)
    if not placed:
        return ()
    record.use("abstract_inverted_index")
    text = collapse_spaces(" ".join(placed[p] for p in sorted(placed)))
    return (AbstractSection("", text),) if text else ()


def _creators(record: JsonRecord, extra: dict[str, str]) -> tuple[list[Creator], str]:
    """The authors, and the first author's affiliation (a thesis's university)."""
    creators: list[Creator] = []
    orcids: list[str] = []
    affiliations: list[str] = []
    first_affiliation = ""
    for position, authorship in enumerate(record.array("authorships")):
        author = mapping(mapping(authorship).get("author"))
        name = scalar_text(author.get("display_name"))
        raw_name = mapping(authorship).get("raw_author_name")
        if name:
            record.use_leaf("authorships", position, "author", "display_name")
            if raw_name is None or scalar_text(raw_name) == name:
                record.use_leaf("authorships", position, "raw_author_name")
        elif scalar_text(raw_name):
            name = scalar_text(raw_name)
            record.use_leaf("authorships", position, "raw_author_name")
        else:
            continue
        creator = named(name)
        creators.append(creator)
        shown = creator.display_name() or name
        orcid = scalar_text(author.get("orcid"))
        if orcid:
            orcids.append(f"{shown}: {orcid}")
            record.use_leaf("authorships", position, "author", "orcid")
        places = [scalar_text(a) for a in array(mapping(authorship).get("raw_affiliation_strings"))]
        single = scalar_text(mapping(authorship).get("raw_affiliation_string"))
        places = [p for p in places if p]
        if single and single not in places:
            places.append(single)
        if not places:
            institutions = array(mapping(authorship).get("institutions"))
            places = [scalar_text(mapping(i).get("display_name")) for i in institutions]
            places = [p for p in places if p]
        for number in range(len(array(mapping(authorship).get("raw_affiliation_strings")))):
            record.use_leaf("authorships", position, "raw_affiliation_strings", number)
        record.use_leaf("authorships", position, "raw_affiliation_string")
        affiliations.extend(f"{shown}: {place}" for place in places)
        if places and not first_affiliation and not creators[:-1]:
            first_affiliation = places[0]
    if orcids:
        extra[f"{PREFIX}orcid"] = "\n".join(orcids)
    if affiliations:
        extra[f"{PREFIX}affiliations"] = "\n".join(affiliations)
    return creators, first_affiliation


def _keywords(record: JsonRecord, extra: dict[str, str]) -> list[str]:
    """OpenAlex's keywords, then MeSH descriptors, repeats dropped.

    MeSH headings with a qualifier are kept whole in extra as MEDLINE writes them
    ("Peer Group/psychology").
    """
    found: dict[str, str] = {}
    for position, keyword in enumerate(record.array("keywords")):
        item = mapping(keyword)
        for key in ("display_name", "keyword"):
            word = scalar_text(item.get(key))
            if word:
                found.setdefault(word.casefold(), word)
                record.use_leaf("keywords", position, key)
        if scalar_text(keyword):
            found.setdefault(scalar_text(keyword).casefold(), scalar_text(keyword))
            record.use("keywords", position)
    qualified: list[str] = []
    for position, heading in enumerate(record.array("mesh")):
        descriptor = scalar_text(mapping(heading).get("descriptor_name"))
        qualifier = scalar_text(mapping(heading).get("qualifier_name"))
        if descriptor:
            found.setdefault(descriptor.casefold(), descriptor)
            record.use_leaf("mesh", position, "descriptor_name")
        if descriptor and qualifier:
            qualified.append(f"{descriptor}/{qualifier}")
            record.use_leaf("mesh", position, "qualifier_name")
    if qualified:
        extra[f"{PREFIX}mesh"] = "\n".join(dict.fromkeys(qualified))
    return list(found.values())


def _topics(record: JsonRecord) -> str:
    """The names of the work's topics, primary first; their ids and scores are not kept."""
    names: dict[str, None] = {}
    primary = scalar_text(record.mapping("primary_topic").get("display_name"))
    if primary:
        names[primary] = None
    for topic in record.array("topics"):
        name = scalar_text(mapping(topic).get("display_name"))
        if name:
            names[name] = None
    return "; ".join(names)


def _work(record: JsonRecord, index: int) -> tuple[Reference, list[Diagnostic], list[str]]:
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    ref_type = _reference_type(record, extra)
    title = record.text("title")
    if not title:
        title = record.text("display_name")
    elif title == record.peek_text("display_name"):
        record.use_leaf("display_name")
    if not title:
        warnings.append(Diagnostic(f"work {index} has no title"))

    source = record.mapping("primary_location", "source")
    source_name = record.text("primary_location", "source", "display_name")
    host = record.text("primary_location", "source", "host_organization_name")
    container = publisher = ""
    if ref_type in {ReferenceType.THESIS, ReferenceType.DATASET}:
        publisher = source_name
    elif ref_type is ReferenceType.BOOK:
        publisher = host
        if source_name:
            extra[f"{PREFIX}source"] = source_name
    else:
        container, publisher = source_name, host
    issns: list[str] = []
    for value in [*array(source.get("issn")), source.get("issn_l")]:
        issn = normalise_issn(scalar_text(value))
        if issn and issn not in issns:
            issns.append(issn)
    if issns:
        record.use("primary_location", "source", "issn")
        record.use("primary_location", "source", "issn_l")
    warnings.extend(Diagnostic(f"work {index}: {m}") for m in standard_number_warnings(issns, ()))

    doi = normalise_doi(record.peek_text("doi")) or normalise_doi(record.peek_text("ids", "doi"))
    if doi:
        for doi_path in (("doi",), ("ids", "doi")):
            if normalise_doi(record.peek_text(*doi_path)) == doi:
                record.use_leaf(*doi_path)
    pmid = normalise_pmid(record.peek_text("ids", "pmid"))
    if pmid:
        record.use_leaf("ids", "pmid")
    pmcid_text = record.peek_text("ids", "pmcid")
    pmcid = normalise_pmcid(pmcid_text) or (
        f"PMC{digits.group(1)}" if (digits := re.search(r"(\d+)/?$", pmcid_text)) else ""
    )
    if pmcid:
        record.use_leaf("ids", "pmcid")
    work_id = record.text("id") or record.peek_text("ids", "openalex")
    if work_id:
        extra[f"{PREFIX}id"] = work_id
        if record.peek_text("ids", "openalex") == work_id:
            record.use_leaf("ids", "openalex")

    url = record.peek_text("primary_location", "landing_page_url")
    if url and doi and _DOI_LINK.match(url) and normalise_doi(url) == doi:
        record.use("primary_location", "landing_page_url")
        url = ""
    elif url:
        record.use("primary_location", "landing_page_url")

    creators, first_affiliation = _creators(record, extra)
    if ref_type is ReferenceType.THESIS and not publisher and first_affiliation:
        publisher = first_affiliation

    biblio = ("biblio",)
    first, last = record.text(*biblio, "first_page"), record.peek_text(*biblio, "last_page")
    if last_page_is_kept(join_pages(first, last), last):
        record.text(*biblio, "last_page")
    topics = _topics(record)
    if topics:
        extra[f"{PREFIX}topics"] = topics
    if record.peek("is_retracted") is True:
        warnings.append(Diagnostic(f"work {index} is marked as retracted"))

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container,
        volume=record.text(*biblio, "volume"),
        issue=record.text(*biblio, "issue"),
        page=join_pages(first, last),
        issued=_issued(record, warnings, index),
        publisher=publisher,
        issn=tuple(issns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        language=record.text("language"),
        abstract=_abstract(record),
        keywords=tuple(_keywords(record, extra)),
        extra=extra,
    )
    leftovers, not_kept = record.leftovers(not_kept=NOT_KEPT)
    for path, value in leftovers.items():
        extra.setdefault(f"{PREFIX}{path}", value)
    return reference, warnings, not_kept


READERS = (OpenalexJsonReader(),)
