"""Turn Crossref works into references and decide, field by field, whether one is ours.

A wrong match is worse than none: a reference silently given another paper's DOI and
title is cited wrongly for ever. So no candidate is trusted because Crossref ranked it
first. Each is checked locally against what we already know — authors' family names,
year (±1), journal, volume, issue, first page, title, DOI and abstract — and accepted
automatically only when at least three independent fields agree and none contradicts.
The same DOI is decisive: it names the record, so it is accepted whatever else differs
(the differences are still shown, and proposed rather than applied).

The abstract matters for pages such as Emerald's, which give no title: two papers by the
same authors in the same issue share everything else, and only the abstract tells them
apart. But Crossref often holds less of it than the page — the first section only, or
the text without the structured headings ("Purpose", "Design/methodology/approach" …) —
so an abstract contained in the other agrees; only different texts contradict.
"""

from __future__ import annotations

import enum
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from rapidfuzz import fuzz

from peerref.core.ids import doi_key, normalise_doi, normalise_issn
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.enrich.crossref import CrossrefPerson, CrossrefWork, WorkQuery

# Fields that must agree before a candidate is accepted without asking.
MIN_AGREEING_FIELDS = 3
# Abstract similarity (0-100, the shorter abstract's best alignment within the longer):
# at or above AGREE one is the other, or a part of it, give or take typography; below
# CONTRADICT they are different texts. Two papers of one project often share their
# opening sentences, which lands between the two: undecided on its own, and settled by
# comparing the rivals (ABSTRACT_MARGIN).
ABSTRACT_AGREE = 90.0
ABSTRACT_CONTRADICT = 70.0
# An abstract this short (in words) could be contained in another by chance: it is
# compared whole, not as a part.
ABSTRACT_MIN_PART_WORDS = 15
# How much better one candidate's abstract must match than its rivals' to settle a tie.
ABSTRACT_MARGIN = 10.0
# Title similarity (0-100, word-order insensitive).
TITLE_AGREE = 90.0
TITLE_CONTRADICT = 50.0
CONTAINER_AGREE = 90.0

# Crossref work types (api.crossref.org/types) to CSL types.
CROSSREF_TYPES: dict[str, ReferenceType] = {
    "journal-article": ReferenceType.ARTICLE_JOURNAL,
    "journal-issue": ReferenceType.ARTICLE_JOURNAL,
    "book-chapter": ReferenceType.CHAPTER,
    "book-section": ReferenceType.CHAPTER,
    "book-part": ReferenceType.CHAPTER,
    "reference-entry": ReferenceType.CHAPTER,
    "book": ReferenceType.BOOK,
    "edited-book": ReferenceType.BOOK,
    "monograph": ReferenceType.BOOK,
    "reference-book": ReferenceType.BOOK,
    "book-set": ReferenceType.BOOK,
    "book-series": ReferenceType.BOOK,
    "proceedings-article": ReferenceType.PAPER_CONFERENCE,
    "proceedings": ReferenceType.PAPER_CONFERENCE,
    "report": ReferenceType.REPORT,
    "report-component": ReferenceType.REPORT,
    "report-series": ReferenceType.REPORT,
    "dissertation": ReferenceType.THESIS,
    "posted-content": ReferenceType.PREPRINT,
    "dataset": ReferenceType.DATASET,
    "database": ReferenceType.DATASET,
    "component": ReferenceType.OTHER,
    "standard": ReferenceType.OTHER,
    "peer-review": ReferenceType.OTHER,
    "other": ReferenceType.OTHER,
}

_ELLIPSIS_RE = re.compile(r"(?:\.\.\.|…)\s*$")
_NAMED_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_TAG_RE = re.compile(r"<[^>]*>")
_PAGE_RANGE_RE = re.compile(r"[-‐‑‒–—]")
_ISSUE_SPLIT_RE = re.compile(r"[-‐‑‒–—/&,]|\band\b")
# Headings of structured abstracts when they are run into the text ("Purpose – The …"):
# Emerald's, which never occur in prose, anywhere; the common one-word ones only where a
# heading stands (the text's start or a sentence's) and followed by a dash, a colon or a
# capital letter, so "Results show that …" stays.
_EMERALD_HEADINGS = (
    r"Design/methodology/approach|Research limitations/implications|Practical implications"
    r"|Social implications|Originality/value|Research implications|Methodology/approach"
)
_ONE_WORD_HEADINGS = (
    r"Purpose|Findings|Background|Aims?|Objectives?|Methods?|Methodology|Results|"
    r"Conclusions?|Introduction|Discussion|Abstract|Summary|Context|Value|Limitations"
)
_HEADING_TAIL = r"(?:\s*[:\u2013\u2014-]+\s*|\s+(?=[A-Z]))"
_EMERALD_HEADING_RE = re.compile(rf"(?i:{_EMERALD_HEADINGS}){_HEADING_TAIL}")
_ONE_WORD_HEADING_RE = re.compile(
    rf"(?:^|(?<=[.!?])\s+)(?:{_ONE_WORD_HEADINGS}|{_ONE_WORD_HEADINGS.upper()}){_HEADING_TAIL}"
)


class Verdict(enum.Enum):
    """What one field says about a candidate."""

    AGREES = "agrees"
    CONTRADICTS = "contradicts"
    UNKNOWN = "unknown"  # one side lacks the field, or the evidence is too weak either way


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """The comparison of one field, kept so the user can see why a candidate was chosen."""

    field: str
    verdict: Verdict
    ours: str
    theirs: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A Crossref work, converted, with the checks that decide whether it is ours.

    Attributes:
        work: the parsed Crossref record.
        reference: the work as a PeerRef reference (no library fields).
        checks: one entry per independent field that was compared.
        abstract_similarity: 0-100 when both sides have an abstract, else None.
    """

    work: CrossrefWork
    reference: Reference
    checks: tuple[FieldCheck, ...]
    abstract_similarity: float | None = None

    @property
    def doi(self) -> str:
        return self.work.doi

    @property
    def agreeing(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.checks if c.verdict is Verdict.AGREES)

    @property
    def contradicting(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.checks if c.verdict is Verdict.CONTRADICTS)

    @property
    def agreements(self) -> tuple[FieldCheck, ...]:
        """The checks that agreed, with both values, for showing the user."""
        return tuple(c for c in self.checks if c.verdict is Verdict.AGREES)

    @property
    def disagreements(self) -> tuple[FieldCheck, ...]:
        """The checks that contradicted, with both values, for showing the user."""
        return tuple(c for c in self.checks if c.verdict is Verdict.CONTRADICTS)

    @property
    def same_doi(self) -> bool:
        """Our DOI is this record's: decisive, whatever else differs."""
        return any(c.field == "DOI" and c.verdict is Verdict.AGREES for c in self.checks)

    @property
    def is_refused(self) -> bool:
        """Something contradicts and the DOI does not settle it: never taken unasked."""
        return bool(self.contradicting) and not self.same_doi

    @property
    def is_acceptable(self) -> bool:
        """Safe to take without asking: the same DOI, or enough agreement and no contradiction."""
        if self.same_doi:
            return True
        return len(self.agreeing) >= MIN_AGREEING_FIELDS and not self.contradicting

    @property
    def is_plausible(self) -> bool:
        """Nothing contradicts (or the DOI is ours), so the user may reasonably pick it."""
        return not self.is_refused and bool(self.agreeing)


@dataclass(frozen=True, slots=True)
class MatchDecision:
    """The outcome of verifying candidates for one reference.

    Attributes:
        accepted: the one candidate safe to apply without asking, if any.
        choices: plausible candidates for the user to pick from (empty when accepted).
        rejected: candidates that contradict what we know, with their checks.
    """

    accepted: Candidate | None
    choices: tuple[Candidate, ...]
    rejected: tuple[Candidate, ...]


# --- building the query -------------------------------------------------------------


def build_query(reference: Reference, *, rows: int = 5) -> WorkQuery:
    """The ``/works`` query that best narrows Crossref down to this reference.

    Everything textual we know goes into ``query.bibliographic`` (Crossref ranks on it);
    the authors also go into ``query.author`` so title-less references still narrow the
    search; the ISSN and year become filters because they are exact.
    """
    families = [_family_for_query(c) for c in reference.authors]
    families = [f for f in families if f]
    bibliographic = " ".join(
        part for part in (reference.title, " ".join(families), reference.container_title) if part
    )
    issns = [normalise_issn(i) for i in reference.issn]
    return WorkQuery(
        bibliographic=bibliographic,
        author=" ".join(families),
        issn=next((i for i in issns if i), ""),
        year=reference.issued.year,
        rows=rows,
    )


def _family_for_query(creator: Creator) -> str:
    return creator.literal or creator.family_with_particle()


# --- converting Crossref works ------------------------------------------------------


def work_to_reference(work: CrossrefWork) -> Reference:
    """A ``Reference`` holding what Crossref knows about ``work``.

    Titles are cleaned of the inline markup (``<i>``, ``<sub>``) some publishers deposit;
    the JATS abstract becomes headed sections.
    """
    title = _clean_inline(work.title)
    subtitle = _clean_inline(work.subtitle)
    if subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}" if title else subtitle
    creators = tuple(_creator(p, CreatorRole.AUTHOR) for p in work.authors) + tuple(
        _creator(p, CreatorRole.EDITOR) for p in work.editors
    )
    container = _clean_inline(work.container_title)
    short_container = _clean_inline(work.short_container_title)
    if short_container.casefold() == container.casefold():
        short_container = ""
    issns = (normalise_issn(i) for i in work.issn)
    return Reference(
        type=CROSSREF_TYPES.get(work.type, ReferenceType.OTHER),
        title=title,
        creators=creators,
        container_title=container,
        container_title_short=short_container,
        volume=work.volume,
        issue=work.issue,
        page=_PAGE_RANGE_RE.sub("-", work.page),
        issued=_best_date(work),
        publisher=work.publisher,
        issn=tuple(dict.fromkeys(i for i in issns if i)),
        doi=normalise_doi(work.doi) or work.doi,
        abstract=jats_to_sections(work.abstract_jats),
    )


def _creator(person: CrossrefPerson, role: CreatorRole) -> Creator:
    if not person.family and person.name:
        return Creator(literal=person.name, role=role)
    return Creator(family=person.family, given=person.given, suffix=person.suffix, role=role)


def _best_date(work: CrossrefWork) -> PartialDate:
    """Crossref's ``issued`` (the earlier of print and online), falling back to either."""
    for date in (work.issued, work.published_print, work.published_online):
        if not date.is_empty:
            return date
    return PartialDate()


def _clean_inline(text: str) -> str:
    """Plain text from a title that may carry HTML/JATS inline tags and entities."""
    if "<" not in text and "&" not in text:
        return text
    return " ".join(html.unescape(_TAG_RE.sub("", text)).split())


def jats_to_sections(jats: str) -> tuple[AbstractSection, ...]:
    """Abstract sections from Crossref's JATS abstract.

    ``<jats:sec>`` with a ``<jats:title>`` becomes a headed section; loose paragraphs
    become unheaded ones; a leading "Abstract" title is dropped. The XML is parsed
    without network access, DTDs or entity expansion, because it is text from the
    internet; if it cannot be parsed at all the tags are stripped instead.
    """
    if not jats.strip():
        return ()
    if "<" not in jats:
        return (AbstractSection("", " ".join(html.unescape(jats).split())),)
    root = _parse_fragment(jats)
    if root is None:
        return (AbstractSection("", _clean_inline(jats)),) if _clean_inline(jats) else ()
    sections: list[AbstractSection] = []
    _collect_sections(root, sections)
    if not sections:
        text = _element_text(root)
        return (AbstractSection("", text),) if text else ()
    return tuple(sections)


def _parse_fragment(markup: str) -> etree._Element | None:
    # HTML entities (&nbsp;) are not XML; turn them into characters, keep the XML five.
    def replace_entity(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        return html.unescape(match.group(0))

    markup = _NAMED_ENTITY_RE.sub(replace_entity, markup)
    # Prefixed tags need declared namespaces; declare every prefix the text uses.
    prefixes = sorted(set(re.findall(r"</?([A-Za-z][\w.-]*):", markup)))
    declarations = " ".join(f'xmlns:{p}="urn:peerref:{p}"' for p in prefixes)
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(f"<root {declarations}>{markup}</root>".encode(), parser)
    except etree.XMLSyntaxError:
        return None
    return root


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return etree.QName(tag).localname.lower()


def _element_text(element: etree._Element) -> str:
    return " ".join("".join(t for t in element.itertext() if isinstance(t, str)).split())


def _collect_sections(element: etree._Element, sections: list[AbstractSection]) -> None:
    """Walk the abstract: sections carry their heading, paragraphs outside them stand alone."""
    for child in element:
        name = _local(child)
        if name == "sec":
            heading = ""
            paragraphs: list[str] = []
            for part in child:
                part_name = _local(part)
                if part_name == "title" and not heading:
                    heading = _element_text(part).rstrip(":")
                elif part_name == "sec":
                    _collect_sections(part, sections)
                elif part_name:
                    text = _element_text(part)
                    if text:
                        paragraphs.append(text)
            if paragraphs:
                sections.append(AbstractSection(heading, " ".join(paragraphs)))
        elif name == "p":
            text = _element_text(child)
            if text:
                sections.append(AbstractSection("", text))
        elif name in ("abstract", "trans-abstract"):
            _collect_sections(child, sections)
        # a top-level <title> ("Abstract") is a label, not content


# --- verification -------------------------------------------------------------------


def verify(reference: Reference, work: CrossrefWork) -> Candidate:
    """Compare one Crossref work with what we know about ``reference``."""
    theirs = work_to_reference(work)
    similarity = abstract_similarity(reference, theirs)
    checks = (
        _check_doi(reference, theirs),
        _check_authors(reference, theirs),
        _check_year(reference, work),
        _check_journal(reference, theirs),
        _check_plain("volume", reference.volume, theirs.volume),
        _check_issue(reference.issue, theirs.issue),
        _check_plain("first page", first_page(reference.page), first_page(theirs.page)),
        _check_title(reference.title, theirs.title),
        _check_abstract(reference, theirs, similarity),
    )
    return Candidate(
        work=work,
        reference=theirs,
        checks=tuple(c for c in checks if c.verdict is not Verdict.UNKNOWN or c.ours),
        abstract_similarity=similarity,
    )


def decide(reference: Reference, works: Sequence[CrossrefWork]) -> MatchDecision:
    """Verify every candidate and accept one only when it is unambiguous.

    If several candidates pass, the abstract may still single one out (it must match
    clearly better than every rival); otherwise the user chooses.
    """
    seen: set[str] = set()
    candidates: list[Candidate] = []
    for work in works:
        key = doi_key(work.doi) or work.doi.casefold()
        if key in seen:
            continue
        seen.add(key)
        candidates.append(verify(reference, work))
    rejected = tuple(c for c in candidates if c.is_refused)
    plausible = [c for c in candidates if c.is_plausible]
    plausible.sort(key=_rank, reverse=True)
    acceptable = [c for c in plausible if c.is_acceptable]
    accepted: Candidate | None = None
    same_doi = [c for c in acceptable if c.same_doi]
    if len(same_doi) == 1:
        accepted = same_doi[0]
    elif len(acceptable) == 1:
        accepted = acceptable[0]
    elif len(acceptable) > 1:
        accepted = _settled_by_abstract(acceptable)
    if accepted is not None:
        return MatchDecision(accepted=accepted, choices=(), rejected=rejected)
    return MatchDecision(accepted=None, choices=tuple(plausible), rejected=rejected)


def describe_differences(candidate: Candidate, *, limit: int = 60) -> str:
    """ "issue: 2 here, 3 on Crossref; year: 2012 here, 2015 on Crossref", or ""."""
    parts = []
    for check in candidate.disagreements:
        ours = _shorten(check.ours, limit)
        theirs = _shorten(check.theirs, limit)
        parts.append(f"{check.field}: {ours} here, {theirs} on Crossref")
    return "; ".join(parts)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _rank(candidate: Candidate) -> tuple[bool, int, float, float]:
    return (
        candidate.same_doi,
        len(candidate.agreeing),
        candidate.abstract_similarity or 0.0,
        candidate.work.score or 0.0,
    )


def _settled_by_abstract(candidates: Sequence[Candidate]) -> Candidate | None:
    """The one candidate whose abstract clearly matches ours better than every other's."""
    scored = sorted(
        (c for c in candidates if c.abstract_similarity is not None),
        key=lambda c: c.abstract_similarity or 0.0,
        reverse=True,
    )
    if len(scored) != len(candidates):
        return None  # a rival without an abstract cannot be ruled out
    best, runner_up = scored[0], scored[1]
    best_score = best.abstract_similarity or 0.0
    if best_score >= ABSTRACT_AGREE and best_score - (runner_up.abstract_similarity or 0.0) >= (
        ABSTRACT_MARGIN
    ):
        return best
    return None


def _check(field: str, verdict: Verdict, ours: str, theirs: str) -> FieldCheck:
    return FieldCheck(field=field, verdict=verdict, ours=ours, theirs=theirs)


def _check_doi(ours: Reference, theirs: Reference) -> FieldCheck:
    if not ours.doi or not theirs.doi:
        return _check("DOI", Verdict.UNKNOWN, ours.doi, theirs.doi)
    same = doi_key(ours.doi) == doi_key(theirs.doi)
    return _check("DOI", Verdict.AGREES if same else Verdict.CONTRADICTS, ours.doi, theirs.doi)


def fold(text: str) -> str:
    """Lower-case letters and digits only, accents removed: "Ó Súilleabháin" -> "osuilleabhain"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch.isalnum())


def _family_key(creator: Creator) -> str:
    return fold(creator.literal or creator.family_with_particle())


def _same_family(ours: str, theirs: str) -> bool:
    """Family names compared forgivingly: "Ó Súilleabháin" vs "O'Suilleabhain", "van Os" vs "Os"."""
    if not ours or not theirs:
        return False
    return ours == theirs or ours.endswith(theirs) or theirs.endswith(ours)


def _check_authors(ours: Reference, theirs: Reference) -> FieldCheck:
    """All our authors, in order, among theirs; a short list only if ours was cut short."""
    our_names = [_family_key(c) for c in ours.authors]
    their_names = [_family_key(c) for c in theirs.authors]
    shown_ours = ", ".join(c.family_with_particle() for c in ours.authors)
    shown_theirs = ", ".join(c.family_with_particle() for c in theirs.authors)
    if not our_names or not their_names:
        return _check("authors", Verdict.UNKNOWN, shown_ours, shown_theirs)
    truncated = bool({"creators", "author", "authors"} & ours.truncated)
    if len(our_names) > len(their_names):
        return _check("authors", Verdict.CONTRADICTS, shown_ours, shown_theirs)
    pairs = zip(our_names, their_names[: len(our_names)], strict=True)
    in_order = all(_same_family(a, b) for a, b in pairs)
    if in_order and (len(our_names) == len(their_names) or truncated):
        return _check("authors", Verdict.AGREES, shown_ours, shown_theirs)
    if in_order:
        # Ours lists fewer authors without saying it was cut short: same first authors,
        # but not the same list. Not proof either way.
        return _check("authors", Verdict.UNKNOWN, shown_ours, shown_theirs)
    return _check("authors", Verdict.CONTRADICTS, shown_ours, shown_theirs)


def _check_year(ours: Reference, work: CrossrefWork) -> FieldCheck:
    years = work.years()
    shown_theirs = "/".join(str(y) for y in sorted(years))
    if ours.issued.year is None or not years:
        return _check("year", Verdict.UNKNOWN, ours.issued.iso(), shown_theirs)
    close = any(abs(ours.issued.year - y) <= 1 for y in years)
    verdict = Verdict.AGREES if close else Verdict.CONTRADICTS
    return _check("year", verdict, str(ours.issued.year), shown_theirs)


def _check_journal(ours: Reference, theirs: Reference) -> FieldCheck:
    """ISSN decides when both sides have one; otherwise a close journal name agrees.

    Different journal names never contradict on their own, because pages abbreviate
    names in too many ways ("J Ment Health Train Educ Pract").
    """
    our_issns = {normalise_issn(i) for i in ours.issn} - {""}
    their_issns = set(theirs.issn)
    if our_issns and their_issns:
        verdict = Verdict.AGREES if our_issns & their_issns else Verdict.CONTRADICTS
        return _check("journal", verdict, ", ".join(sorted(our_issns)), ", ".join(theirs.issn))
    if ours.container_title and theirs.container_title:
        names = [theirs.container_title, theirs.container_title_short]
        best = max(
            fuzz.token_sort_ratio(fold_words(ours.container_title), fold_words(n))
            for n in names
            if n
        )
        verdict = Verdict.AGREES if best >= CONTAINER_AGREE else Verdict.UNKNOWN
        return _check("journal", verdict, ours.container_title, theirs.container_title)
    return _check(
        "journal",
        Verdict.UNKNOWN,
        ours.container_title or ", ".join(ours.issn),
        theirs.container_title,
    )


def fold_words(text: str) -> str:
    """Words folded as in ``fold`` but kept apart, for word-order-insensitive comparisons."""
    words = (fold(w) for w in re.split(r"[\s\-/:,.;&]+", text.replace("&", " and ")))
    return " ".join(w for w in words if w)


def _norm_number(text: str) -> str:
    """ "Vol. 07" -> "7", "No. 2" -> "2": compare volume and issue numbers as numbers."""
    text = re.sub(r"^\s*(?:vol(?:ume)?|no|nr|issue|iss)\.?\s*", "", text.strip(), flags=re.I)
    text = text.strip().casefold()
    return text.lstrip("0") or text


def _check_plain(field: str, ours: str, theirs: str) -> FieldCheck:
    if not ours or not theirs:
        return _check(field, Verdict.UNKNOWN, ours, theirs)
    same = _norm_number(ours) == _norm_number(theirs)
    return _check(field, Verdict.AGREES if same else Verdict.CONTRADICTS, ours, theirs)


def _check_issue(ours: str, theirs: str) -> FieldCheck:
    """Issues agree when equal or when one is part of a combined issue ("3-4", "3/4")."""
    if not ours or not theirs:
        return _check("issue", Verdict.UNKNOWN, ours, theirs)
    our_parts = {_norm_number(p) for p in _ISSUE_SPLIT_RE.split(ours) if p.strip()}
    their_parts = {_norm_number(p) for p in _ISSUE_SPLIT_RE.split(theirs) if p.strip()}
    same = _norm_number(ours) == _norm_number(theirs) or bool(our_parts & their_parts)
    return _check("issue", Verdict.AGREES if same else Verdict.CONTRADICTS, ours, theirs)


def first_page(page: str) -> str:
    """ "pp. 70-80" -> "70"; "e1234" stays "e1234"."""
    text = re.sub(r"^\s*(?:pp?\.?)\s*", "", page.strip(), flags=re.I)
    return _PAGE_RANGE_RE.split(text, maxsplit=1)[0].strip()


def _check_title(ours: str, theirs: str) -> FieldCheck:
    if not ours or not theirs:
        return _check("title", Verdict.UNKNOWN, ours, theirs)
    ours_clean = _ELLIPSIS_RE.sub("", ours)
    if ours_clean != ours:  # cut short on the page: compare with the start of theirs
        score = fuzz.partial_ratio(fold_words(ours_clean), fold_words(theirs))
    else:
        score = fuzz.token_set_ratio(fold_words(ours), fold_words(theirs))
    if score >= TITLE_AGREE:
        verdict = Verdict.AGREES
    elif score < TITLE_CONTRADICT:
        verdict = Verdict.CONTRADICTS
    else:
        verdict = Verdict.UNKNOWN
    return _check("title", verdict, ours, theirs)


def strip_headings(text: str) -> str:
    """An abstract's text without structured headings run into it ("Purpose – The …")."""
    text = _EMERALD_HEADING_RE.sub(" ", text)
    return _ONE_WORD_HEADING_RE.sub(" ", text)


def _abstract_parts(sections: tuple[AbstractSection, ...]) -> tuple[str, tuple[str, ...]]:
    """The abstract's folded words, whole and per section, without any headings.

    Headings are dropped (they differ in wording between sources, and some sources run
    them into the text); JATS tags and typography were already removed when the
    sections were built, and folding drops case, accents, punctuation and spacing.
    """
    folded = tuple(fold_words(strip_headings(s.text)) for s in sections)
    parts = tuple(p for p in folded if p)
    return " ".join(parts), parts


def abstract_similarity(ours: Reference, theirs: Reference) -> float | None:
    """0-100: how well the shorter abstract fits within the longer; None if either has none.

    An abstract contained in the other agrees — Crossref often holds only the first
    section, or the text without its headings, and a page may cut it short ("…") — so
    the shorter is aligned with its best place in the longer, and each of its sections
    may sit anywhere in the longer (a missing middle section is still the same text).
    Abstracts too short to be a telling part are compared whole.
    """
    if not ours.abstract or not theirs.abstract:
        return None
    our_text, our_parts = _abstract_parts(ours.abstract)
    their_text, their_parts = _abstract_parts(theirs.abstract)
    if not our_text or not their_text:
        return None
    if our_text == their_text:
        return 100.0
    if len(our_text) <= len(their_text):
        shorter, parts, longer = our_text, our_parts, their_text
    else:
        shorter, parts, longer = their_text, their_parts, our_text
    if len(shorter.split()) < ABSTRACT_MIN_PART_WORDS:
        return float(fuzz.ratio(shorter, longer))
    whole = float(fuzz.partial_ratio(shorter, longer))
    telling = [p for p in parts if len(p.split()) >= ABSTRACT_MIN_PART_WORDS]
    if len(telling) > 1 and len(telling) == len(parts):
        whole = max(whole, min(float(fuzz.partial_ratio(p, longer)) for p in telling))
    if whole >= ABSTRACT_AGREE:
        return whole
    return min(whole, _beyond_shared_opening(shorter, longer))


def _beyond_shared_opening(shorter: str, longer: str) -> float:
    """Similarity of what follows the words two abstracts open (and close) with alike.

    Two papers of one project often open with the same sentences; what they go on to say
    is what tells them apart, so a shared opening must not make them look alike.
    Without a telling shared opening this is 100 (no evidence either way).
    """
    a, b = shorter.split(), longer.split()
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    if start + end < ABSTRACT_MIN_PART_WORDS:
        return 100.0
    rest_a = " ".join(a[start : len(a) - end])
    rest_b = " ".join(b[start : len(b) - end])
    if not rest_a or not rest_b:
        return 100.0
    return float(fuzz.ratio(rest_a, rest_b))


def _check_abstract(ours: Reference, theirs: Reference, similarity: float | None) -> FieldCheck:
    shown_ours = ours.abstract_text[:80]
    shown_theirs = theirs.abstract_text[:80]
    if similarity is None:
        return _check("abstract", Verdict.UNKNOWN, shown_ours, shown_theirs)
    if similarity >= ABSTRACT_AGREE:
        verdict = Verdict.AGREES
    elif similarity < ABSTRACT_CONTRADICT:
        verdict = Verdict.CONTRADICTS
    else:
        verdict = Verdict.UNKNOWN
    return _check("abstract", verdict, shown_ours, shown_theirs)
