"""PubMed XML: what NCBI's efetch returns and PubMed's "Save → XML" writes.

A ``PubmedArticleSet`` holds ``PubmedArticle`` records (a ``MedlineCitation`` with its
``Article``, and ``PubmedData`` with the article's ids and history) and ``PubmedBookArticle``
records (a Bookshelf book or one of its chapters). NLM's conventions are MEDLINE's, so
the MEDLINE reader's helpers are used: abbreviated page ranges written out, the full stop
NLM ends titles with dropped, three-letter language codes, the publication types that
make a preprint or a book. Structured abstracts come with their labels as attributes,
kept as section headings in the MEDLINE reader's form ("Background", "Methods").

Journal titles are kept as NLM writes them (sentence case); NLM's place qualifier at the
end ("Arthritis & rheumatology (Hoboken, N.J.)") becomes the publisher place. ORCIDs and
affiliations, which the model has no field for, are kept in extra with the author's name;
every other value no field takes is kept in extra under its path
("pubmed-xml:MedlineCitation/MedlineJournalInfo/Country"). Only the list of references an
article cites is not kept, and each entry that had one says so. The file is parsed
safely (``_xmltree``).
"""

from __future__ import annotations

import re

from lxml import etree

from peerref.core.dates import MONTHS
from peerref.core.errors import FormatError
from peerref.core.ids import normalise_doi, normalise_pmcid, normalise_pmid
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
    split_standard_numbers,
    standard_number_warnings,
)
from peerref.formats._people import person
from peerref.formats._xmltree import (
    XmlRecord,
    attribute,
    children,
    joined,
    line_of,
    parse_xml,
    text_of,
)
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity
from peerref.formats.medline import (
    AHEAD_OF_PRINT,
    clean_title,
    date_or_literal,
    expand_nlm_pages,
    heading_name,
    language_code,
    reference_type_for,
    split_structured_abstract,
)

NAME = "pubmed-xml"
LABEL = "PubMed XML (efetch, PubMed's XML export)"
PREFIX = f"{NAME}:"

_ROOTS = ("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle", "MedlineCitationSet")
_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
    r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle|MedlineCitationSet)\b",
    re.S,
)
# The part of a record that is not kept: the references the article cites.
_NOT_KEPT = ("PubmedData/ReferenceList", "PubmedBookData/ReferenceList")
# A "pii" short enough to be the article's locator when it has no pages ("e12516", "EWLS").
_ARTICLE_NUMBER = re.compile(r"^[A-Za-z]{0,4}\d{0,8}$")
# NLM's place qualifier after a journal title: "Arthritis & rheumatology (Hoboken, N.J.)".
_PLACE_QUALIFIER = re.compile(r"\s+\(([^()]+)\)$")
_DATE_PARTS = frozenset({"Year", "Month", "Day", "Hour", "Minute", "Second", "Season"})
_BOOKSHELF = "https://www.ncbi.nlm.nih.gov/books/"
# Extra keys for values kept with the author they belong to ("Name: value" lines).
_LINE_KEYS = (
    "orcid",
    "affiliations",
    "collective-names",
    "initials",
    "equal-contribution",
    "investigators",
)
INCOMPLETE_AUTHORS_WARNING = 'the author list is incomplete (AuthorList CompleteYN="N")'


class PubmedXmlReader:
    """Reads PubMed XML (``PubmedArticleSet``), articles and Bookshelf books alike."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the document element is one of PubMed's."""
        head = text[:4000].lstrip("\ufeff")
        if _SNIFF.match(head):
            return 1.0
        return 0.3 if "<PubmedArticle>" in head or "<MedlineCitation " in head else 0.0

    def read(self, text: str) -> ParseResult:
        root = parse_xml(text, "PubMed XML")
        if root.tag not in _ROOTS:
            raise FormatError(
                f"this XML is not PubMed XML: its document element is <{root.tag}>, "
                "not <PubmedArticleSet>",
                line=line_of(root),
            )
        if root.tag == "MedlineCitationSet":  # NLM's older baseline files
            records = children(root, "MedlineCitation")
        else:
            records = list(root.iter("PubmedArticle", "PubmedBookArticle"))
        if not records:
            raise FormatError("no <PubmedArticle> or <PubmedBookArticle> records in this XML")
        total_lines = max(1, len(text.splitlines()))
        entries: list[ParsedEntry] = []
        refused: list[Diagnostic] = []
        for element in records:
            line = min(line_of(element), total_lines)
            try:
                if element.tag == "PubmedBookArticle":
                    reference, warnings = _book(XmlRecord(element), line)
                else:
                    reference, warnings = _article(XmlRecord(element), line)
            except FormatError as error:
                refused.append(Diagnostic(f"{error}; skipped", error.line))
                continue
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
            raise FormatError(refused[0].message.removesuffix("; skipped"), line=refused[0].line)
        skipped = tuple(refused) + tuple(
            Diagnostic(
                f"a request to delete PubMed records ({joined(_pmids(e), ', ')}): skipped",
                line_of(e),
                Severity.INFO,
            )
            for e in root.iter("DeleteCitation", "DeleteDocument")
        )
        return ParseResult(NAME, LABEL, tuple(entries), skipped=skipped)


def _pmids(element: etree._Element) -> list[str]:
    return [collapse_spaces(text_of(p)) for p in element.iter("PMID")]


# ---------------------------------------------------------------- shared parts


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def date_of(record: XmlRecord, element: etree._Element | None) -> tuple[PartialDate, str]:
    """A PubMed date element (Year, Month, Day or Season, or MedlineDate).

    The parts that went into the date are used; a part that did not (a Day of "0") stays
    for extra. Returns the date and, when it was read only in part, the text as written.
    """
    if element is None:
        return PartialDate(), ""
    medline = record.text("MedlineDate", element)
    if medline:
        date, complete = date_or_literal(medline)
        return date, "" if complete else medline
    texts = {tag: record.peek_text(tag, element) for tag in ("Year", "Month", "Day", "Season")}
    written = " ".join(t for t in texts.values() if t)
    year = _number(texts["Year"])
    if year is None:
        for tag in texts:
            record.text(tag, element)
        return PartialDate(literal=written), written
    record.text("Year", element)
    month = _number(texts["Month"]) or MONTHS.get(texts["Month"].casefold().rstrip("."))
    day = _number(texts["Day"])
    season = texts["Season"]
    if season:
        record.text("Season", element)
    date = PartialDate(year=year, season=season)
    if month is not None and 1 <= month <= 12:
        record.text("Month", element)
        date = PartialDate(year=year, month=month, season=season)
        if day is not None and 1 <= day <= 31:
            record.text("Day", element)
            date = PartialDate(year=year, month=month, day=day, season=season)
    elif texts["Month"] and not season:
        record.text("Month", element)  # "Spring", "Winter": a season written as the month
        date = PartialDate(year=year, season=texts["Month"])
    parts = [element.find(tag) for tag, text in texts.items() if text]
    unused = any(part is not None and not record.is_used(part) for part in parts)
    return date, written if unused else ""


def _compound_date(element: etree._Element) -> str | None:
    """A leftover date (DateRevised, a history date) as one value: "2018-01-02 6:00".

    None for anything else, or for a date some of whose parts were used or repeat: its
    parts are then kept one by one.
    """
    first = next(element.iterchildren(etree.Element), None)
    if first is None or first.tag not in _DATE_PARTS:
        return None
    parts = children(element)
    tags = [str(c.tag) for c in parts]
    if not parts or not set(tags) <= _DATE_PARTS or len(set(tags)) < len(tags):
        return None
    values = {tag: collapse_spaces(text_of(c)) for tag, c in zip(tags, parts, strict=True)}

    def padded(tag: str) -> str:
        value = values.get(tag, "")
        return value.zfill(2) if value.isdigit() else value

    date = "-".join(v for v in (values.get("Year", ""), padded("Month"), padded("Day")) if v)
    if values.get("Season"):
        date = f"{date} {values['Season']}".strip()
    if values.get("Hour"):
        date += f" {values['Hour']}:{padded('Minute') or '00'}"
    return date


def _creators(
    record: XmlRecord,
    author_list: etree._Element,
    extra_lines: dict[str, list[str]],
    person_tag: str = "Author",
) -> list[Creator]:
    """The people and groups of an AuthorList (Type "editors" makes them editors).

    Only the parts read are used: anything else inside an author is kept by its path.
    """
    role = CreatorRole.EDITOR if attribute(author_list, "Type") == "editors" else CreatorRole.AUTHOR
    creators: list[Creator] = []
    for author in children(author_list, person_tag):
        family = record.peek_text("LastName", author)
        given = record.peek_text("ForeName", author) or record.peek_text("FirstName", author)
        initials = record.peek_text("Initials", author)
        collective = record.peek_text("CollectiveName", author)
        suffix = record.peek_text("Suffix", author)
        if family:
            given_tag = "ForeName" if record.peek_text("ForeName", author) else "FirstName"
            for tag in ("LastName", given_tag, "Initials", "CollectiveName", "Suffix"):
                record.text(tag, author)
        elif collective:
            record.text("CollectiveName", author)
        elif given:
            record.text("ForeName", author) or record.text("FirstName", author)
        if family:
            creator = person(family, given or initials, suffix, role)
        elif collective:
            creator = Creator(literal=collective, role=role)
        elif given:
            creator = Creator(family=given, role=role)
        else:
            continue
        creators.append(creator)
        if family and collective:
            extra_lines["collective-names"].append(collective)
        name = creator.display_name()
        derived = "".join(word[0] for word in given.split())
        if family and initials and initials.casefold() != derived.casefold():
            extra_lines["initials"].append(f"{name}: {initials}")
        for identifier in children(author, "Identifier"):
            value = collapse_spaces(text_of(identifier))
            source = attribute(identifier, "Source") or "identifier"
            if value:
                record.use(identifier)
                key = "orcid" if source.upper() == "ORCID" else source
                extra_lines.setdefault(key, []).append(f"{name}: {value}")
        for affiliation in author.findall("AffiliationInfo/Affiliation"):
            value = collapse_spaces(text_of(affiliation))
            if value:
                record.use(affiliation)
                extra_lines["affiliations"].append(f"{name}: {value}")
        if attribute(author, "EqualContrib") == "Y":
            extra_lines["equal-contribution"].append(name)
    return creators


def _pages(record: XmlRecord, element: etree._Element) -> str:
    """MedlinePgn written out ("318-26" is 318-326), else StartPage and EndPage.

    StartPage and EndPage that say the same as MedlinePgn are used with it.
    """
    medline = expand_nlm_pages(record.text("Pagination/MedlinePgn", element))
    start = record.peek_text("Pagination/StartPage", element)
    end = record.peek_text("Pagination/EndPage", element)
    spanned = join_pages(start, end)
    if medline and spanned and medline != spanned:
        return medline
    if spanned:
        record.use(record.peek("Pagination/StartPage", element))
        if last_page_is_kept(spanned, end):
            record.use(record.peek("Pagination/EndPage", element))
    return medline or spanned


def _abstract(record: XmlRecord, abstract: etree._Element | None) -> tuple[AbstractSection, ...]:
    """Labelled AbstractText elements as headed sections; an unlabelled one is split as
    MEDLINE text is ("BACKGROUND: … METHODS: …")."""
    if abstract is None:
        return ()
    sections: list[AbstractSection] = []
    parts = [p for p in children(abstract, "AbstractText") if collapse_spaces(text_of(p))]
    for part in parts:
        record.use(part)
        body = collapse_spaces(text_of(part))
        label = attribute(part, "Label")
        if label and label.upper() != "UNLABELLED":
            sections.append(AbstractSection(heading_name(label), body))
        elif len(parts) == 1:
            sections.extend(split_structured_abstract(body))
        else:
            sections.append(AbstractSection("", body))
    return tuple(sections)


def _keywords(record: XmlRecord, citation: etree._Element, extra: dict[str, str]) -> list[str]:
    """MeSH descriptors, then keywords, in order, repeats dropped.

    Qualifiers and major-topic marks are kept in extra as MEDLINE writes its MH lines
    ("Peer Group/*psychology"), when any heading has them.
    """
    keywords: list[str] = []
    headings: list[str] = []
    marked = False
    for heading in record.peek_all("MeshHeadingList/MeshHeading", citation):
        descriptor = heading.find("DescriptorName")
        name = record.text("DescriptorName", heading)
        if not name:
            continue
        star = "*" if attribute(descriptor, "MajorTopicYN") == "Y" else ""
        parts = [f"{star}{name}"]
        for qualifier in children(heading, "QualifierName"):
            q_star = "*" if attribute(qualifier, "MajorTopicYN") == "Y" else ""
            if collapse_spaces(text_of(qualifier)):
                record.use(qualifier)
                parts.append(f"{q_star}{collapse_spaces(text_of(qualifier))}")
        marked = marked or len(parts) > 1 or bool(star)
        headings.append("/".join(parts))
        if name:
            keywords.append(name)
    if marked:
        extra[f"{PREFIX}mesh"] = "\n".join(headings)
    for keyword_list in record.peek_all("KeywordList", citation):
        keywords.extend(record.texts("Keyword", keyword_list))
    unique: dict[str, str] = {}
    for keyword in keywords:
        if keyword:
            unique.setdefault(keyword.casefold(), keyword)
    return list(unique.values())


def _article_ids(record: XmlRecord, container: etree._Element | None) -> dict[str, str]:
    """ArticleId values by IdType ("doi", "pmc", "pubmed"); the first of each kind."""
    ids: dict[str, str] = {}
    if container is None:
        return ids
    for article_id in container.findall("ArticleIdList/ArticleId"):
        kind = attribute(article_id, "IdType").casefold()
        value = collapse_spaces(text_of(article_id))
        if value and kind and kind not in ids:
            ids[kind] = value
    return ids


def _use_ids(record: XmlRecord, container: etree._Element | None, *used: tuple[str, str]) -> None:
    """Mark the ArticleIds whose (kind, value) went into a field."""
    if container is None:
        return
    for article_id in container.findall("ArticleIdList/ArticleId"):
        key = (attribute(article_id, "IdType").casefold(), collapse_spaces(text_of(article_id)))
        if key in used:
            record.use(article_id)


def _finish(
    record: XmlRecord,
    reference: Reference,
    extra: dict[str, str],
    lines: dict[str, list[str]],
    warnings: list[Diagnostic],
    line: int,
) -> Reference:
    for key, values in lines.items():
        if values:
            extra[f"{PREFIX}{key}"] = "\n".join(dict.fromkeys(values))
    leftovers, not_kept = record.leftovers(not_kept=_NOT_KEPT, compound=_compound_date)
    for path, value in leftovers.items():
        extra.setdefault(f"{PREFIX}{path}", value)
    for path in not_kept:
        count = len(record.element.findall(f"{path}/Reference"))
        warnings.append(
            Diagnostic(
                f"the list of {count} references this work cites ({path}) is not kept",
                line,
                Severity.INFO,
            )
        )
    return reference.with_changes(extra=extra)


def _standard_numbers(
    record: XmlRecord, elements: list[etree._Element], extra: dict[str, str], line: int
) -> tuple[list[str], list[str], list[Diagnostic]]:
    texts = [collapse_spaces(text_of(e)) for e in elements]
    record.use(*elements)
    issns, isbns, other = split_standard_numbers(texts)
    if other:
        extra[f"{PREFIX}standard-numbers"] = " ".join(other)
    warnings = [Diagnostic(m, line) for m in standard_number_warnings(issns, isbns)]
    return issns, isbns, warnings


# ---------------------------------------------------------------- articles


def _article(record: XmlRecord, line: int) -> tuple[Reference, list[Diagnostic]]:
    element = record.element
    citation = element if element.tag == "MedlineCitation" else element.find("MedlineCitation")
    if citation is None:
        raise FormatError("a <PubmedArticle> without a <MedlineCitation>", line=line)
    pubmed_data = element.find("PubmedData")
    article = citation.find("Article")
    article = article if article is not None else etree.Element("Article")
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    lines: dict[str, list[str]] = {key: [] for key in _LINE_KEYS}

    publication_types = record.texts("PublicationTypeList/PublicationType", article)
    if publication_types:
        extra[f"{PREFIX}publication-types"] = "; ".join(publication_types)
    ref_type = reference_type_for(publication_types, has_book_title=False)
    if ref_type is ReferenceType.CHAPTER:
        ref_type = ReferenceType.ARTICLE_JOURNAL

    title = clean_title(record.text("ArticleTitle", article))
    if not title:
        title = clean_title(record.text("VernacularTitle", article))
    if not title:
        warnings.append(Diagnostic("the article has no title", line))

    journal = article.find("Journal")
    container = container_short = place = volume = issue = ""
    issued = PartialDate()
    issns: list[str] = []
    if journal is not None:
        container = record.text("Title", journal)
        qualifier = _PLACE_QUALIFIER.search(container)
        if qualifier:
            container, place = container[: qualifier.start()], qualifier.group(1)
        container_short = record.text("ISOAbbreviation", journal) or record.text(
            "MedlineJournalInfo/MedlineTA", citation
        )
        medline_ta = citation.find("MedlineJournalInfo/MedlineTA")
        if container_short and collapse_spaces(text_of(medline_ta)) == container_short:
            record.use(medline_ta)
        container = container or container_short
        issns, _isbns, issn_warnings = _standard_numbers(
            record, journal.findall("ISSN"), extra, line
        )
        warnings.extend(issn_warnings)
        journal_issue = journal.find("JournalIssue")
        if journal_issue is not None:
            volume = record.text("Volume", journal_issue)
            issue = record.text("Issue", journal_issue)
            issued, partly = date_of(record, record.peek("PubDate", journal_issue))
            if partly:
                warnings.append(Diagnostic(f"date {partly!r} read only in part", line))

    page = _pages(record, article)
    locations = {
        attribute(e, "EIdType").casefold(): e for e in reversed(article.findall("ELocationID"))
    }
    pii = locations.get("pii")
    if not page and pii is not None and ref_type is not ReferenceType.PREPRINT:
        number = collapse_spaces(text_of(pii))
        if _ARTICLE_NUMBER.match(number) and number:
            page = number
            record.use(pii)

    ids = _article_ids(record, pubmed_data)
    doi_text = ids.get("doi", "")
    if not doi_text and "doi" in locations:
        doi_text = collapse_spaces(text_of(locations["doi"]))
    doi = normalise_doi(doi_text)
    if doi:
        for location in article.findall("ELocationID"):
            if attribute(location, "EIdType") == "doi" and normalise_doi(text_of(location)) == doi:
                record.use(location)
    pmid_text = record.peek_text("PMID", citation)
    pmid = normalise_pmid(pmid_text) if pmid_text.isdigit() else ""
    if pmid:
        record.use(citation.find("PMID"))
    pmcid = normalise_pmcid(ids.get("pmc", ""))
    _use_ids(record, pubmed_data, ("doi", doi_text), ("pubmed", pmid), ("pmc", ids.get("pmc", "")))

    creators: list[Creator] = []
    truncated = False
    for author_list in article.findall("AuthorList"):
        creators.extend(_creators(record, author_list, lines))
        truncated = truncated or attribute(author_list, "CompleteYN") == "N"
    if truncated:
        warnings.append(Diagnostic(INCOMPLETE_AUTHORS_WARNING, line))
    for investigators in citation.findall("InvestigatorList"):
        names = _creators(record, investigators, lines, "Investigator")
        lines["investigators"].extend(c.display_name() for c in names)

    languages = record.texts("Language", article)
    if len(languages) > 1:
        extra[f"{PREFIX}languages"] = "; ".join(languages)
    abstract = article.find("Abstract")
    copyright_text = record.text("CopyrightInformation", abstract) if abstract is not None else ""
    if copyright_text:
        extra[f"{PREFIX}copyright"] = copyright_text
    status = ""
    publication_status = pubmed_data.find("PublicationStatus") if pubmed_data is not None else None
    if collapse_spaces(text_of(publication_status)).casefold() == "aheadofprint":
        status = AHEAD_OF_PRINT
        record.use(publication_status)

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container,
        container_title_short=container_short,
        volume=volume,
        issue=issue,
        page=page,
        issued=issued,
        status=status,
        publisher_place=place,
        issn=tuple(issns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        language=language_code(languages[0]) if languages else "",
        abstract=_abstract(record, abstract),
        keywords=tuple(_keywords(record, citation, extra)),
        truncated=frozenset({"author"}) if truncated else frozenset(),
    )
    return _finish(record, reference, extra, lines, warnings, line), warnings


# ---------------------------------------------------------------- Bookshelf books


def _book(record: XmlRecord, line: int) -> tuple[Reference, list[Diagnostic]]:
    document = record.element.find("BookDocument")
    if document is None:
        raise FormatError("a <PubmedBookArticle> without a <BookDocument>", line=line)
    book = document.find("Book")
    book = book if book is not None else etree.Element("Book")
    warnings: list[Diagnostic] = []
    extra: dict[str, str] = {}
    lines: dict[str, list[str]] = {key: [] for key in _LINE_KEYS}
    chapter_title = clean_title(record.text("ArticleTitle", document))
    book_title = clean_title(record.text("BookTitle", book))
    ref_type = ReferenceType.CHAPTER if chapter_title else ReferenceType.BOOK
    title, container = (chapter_title, book_title) if chapter_title else (book_title, "")
    if not title:
        warnings.append(Diagnostic("the book has no title", line))

    creators: list[Creator] = []
    for author_list in [*document.findall("AuthorList"), *book.findall("AuthorList")]:
        creators.extend(_creators(record, author_list, lines))
    issued, partly = date_of(record, record.peek("PubDate", book))
    if partly:
        warnings.append(Diagnostic(f"date {partly!r} read only in part", line))
    _issns, isbns, number_warnings = _standard_numbers(record, book.findall("Isbn"), extra, line)
    warnings.extend(number_warnings)
    page = _pages(record, document)

    ids = _article_ids(record, document)
    pmid_text = record.peek_text("PMID", document)
    pmid = pmid_text if pmid_text.isdigit() else ""
    if pmid:
        record.use(document.find("PMID"))
    accession = ids.get("bookaccession", "")
    doi = normalise_doi(ids.get("doi", ""))
    pmcid = normalise_pmcid(ids.get("pmc", ""))
    _use_ids(record, document, ("doi", ids.get("doi", "")), ("pmc", ids.get("pmc", "")))
    _use_ids(record, record.element.find("PubmedBookData"), ("pubmed", pmid))
    url = f"{_BOOKSHELF}{accession}/" if re.fullmatch(r"NBK\d+", accession) else ""
    if accession:
        extra[f"{PREFIX}bookaccession"] = accession
        _use_ids(record, document, ("bookaccession", accession))
    languages = record.texts("Language", document)
    if len(languages) > 1:
        extra[f"{PREFIX}languages"] = "; ".join(languages)
    abstract = document.find("Abstract")
    copyright_text = record.text("CopyrightInformation", abstract) if abstract is not None else ""
    if copyright_text:
        extra[f"{PREFIX}copyright"] = copyright_text
    sections = [
        joined(
            (
                collapse_spaces(text_of(s.find("LocationLabel"))),
                collapse_spaces(text_of(s.find("SectionTitle"))),
            ),
            ": ",
        )
        for s in record.findall("Sections/Section", document)
    ]
    if any(sections):
        extra[f"{PREFIX}sections"] = "\n".join(s for s in sections if s)

    reference = Reference(
        type=ref_type,
        title=title,
        creators=tuple(creators),
        container_title=container,
        collection_title=record.text("CollectionTitle", book),
        volume=record.text("Volume", book),
        page=page,
        issued=issued,
        publisher=record.text("Publisher/PublisherName", book),
        publisher_place=record.text("Publisher/PublisherLocation", book),
        edition=record.text("Edition", book),
        isbn=tuple(isbns),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        language=language_code(languages[0]) if languages else "",
        abstract=_abstract(record, abstract),
        keywords=tuple(_keywords(record, document, extra)),
    )
    return _finish(record, reference, extra, lines, warnings, line), warnings


READERS = (PubmedXmlReader(),)
