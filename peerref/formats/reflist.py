"""The fallback: a pasted reference list in APA, Harvard or Vancouver style.

People paste the bibliography of a paper or a reading list. Each reference is a line or
a paragraph; this reader recognises the three common shapes:

- APA: ``Repper, J., & Watson, E. (2012). Title. Journal, 7(2), 70–78. https://doi.org/…``
- Harvard: ``Repper, J. and Watson, E. (2012) 'Title', Journal, 7(2), pp. 70–78.``
- Vancouver: ``Repper J, Watson E. Title. Ment Health Soc Incl. 2012;7(2):70-8.``

Styles vary by journal and by hand, so every entry is a guess: it carries a confidence
below 1 and a warning asking for a check. The sniff score stays low (at most 0.3) so that
any reader that knows the text's real format wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice

from peerref.core.errors import FormatError
from peerref.core.ids import find_dois
from peerref.core.model import Creator, CreatorRole, PartialDate, Reference, ReferenceType
from peerref.core.names import LOWER_PARTICLES, parse_names, strip_truncation
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity
from peerref.formats.medline import lines_with_numbers
from peerref.formats.pubmed import looks_like_pubmed_authors, parse_citation, parse_pubmed_authors

MAX_SNIFF = 0.3
# Entries longer than this are prose, not references; the bound keeps reading linear.
MAX_ENTRY_CHARS = 5000
MAX_SENTENCES = 40

_LIST_MARKER = re.compile(r"^(?:\[\d{1,4}\]|\d{1,4}[.)])\s+")
# "Authors (2012)." or "Authors (2012, June 15)." or "Authors (n.d.)."
_AUTHOR_YEAR = re.compile(
    r"^(?P<authors>[^()]{1,2000}?)\s*\((?P<year>(?:1[5-9]|20)\d\d)[a-z]?(?:, (?P<when>[^)]{1,40}))?"
    r"\)\.?,?\s+(?P<rest>.+)$"
)
_QUOTED_TITLE = re.compile(r"^(?P<open>['‘\"“])(?P<title>.+?)[’'\"”][,.]?\s+(?P<rest>.*)$")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9“\"'‘(\[])")
_JOURNAL_SOURCE = re.compile(
    r"^(?P<container>[^,]{2,300}?),\s*(?:vol\.\s*)?(?P<volume>\d{1,5}[A-Za-z]?)"
    r"(?:\s*\((?:no\.\s*)?(?P<issue>[^)]{1,30})\))?"
    r"(?:,\s*(?:pp?\.\s*|Article\s+)?(?P<pages>[A-Za-z]?\d{1,7}(?:\s*[-–]\s*[A-Za-z]?\d{1,7})?))?"
)
_CHAPTER_SOURCE = re.compile(
    r"^In:?\s+(?:(?P<editors>[^()]{1,500}?)\s*\((?:Eds?|eds?)\.?\),?\s+)?(?P<book>[^()]{2,500}?)"
    r"(?:\s*\((?:pp?\.)\s*(?P<pages>[^)]{1,30})\))?\.\s+(?P<publisher>[^.]{2,200})"
)
_URL = re.compile(r"https?://\S+")
_DOI_TEXT = re.compile(
    r"\s*(?:https?://(?:dx\.)?doi\.org/\S+|doi:\s*\S+|DOI:?\s*\S+|Available at:.*|"
    r"Retrieved from.*|https?://\S+)",
    re.IGNORECASE,
)
_ELLIPSIS_AUTHORS = re.compile(r",?\s*(?:\. \. \.|…|\.\.\.)\s*")
_YEARISH = re.compile(
    r"\((?:1[5-9]|20)\d\d[a-z]?[),]|\. (?:1[5-9]|20)\d\d(?: [A-Z][a-z]{2}(?: \d{1,2})?)?[;:.]"
)


@dataclass
class _Candidate:
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        joined = " ".join(" ".join(line.split()) for _, line in self.lines)
        return _LIST_MARKER.sub("", joined, count=1)


@dataclass
class _Guess:
    reference: Reference
    style: str
    confidence: float
    warnings: list[str]


def _starts_reference(line: str) -> bool:
    stripped = line.strip()
    if _LIST_MARKER.match(stripped):
        return True
    return bool(re.match(r"^[A-Z][^\s,.]{1,40},? ", stripped)) and bool(_YEARISH.search(stripped))


def _candidates(text: str) -> list[_Candidate]:
    """Paragraphs; a paragraph whose lines each start a reference is split into lines."""
    paragraphs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in lines_with_numbers(text):
        if line.strip():
            current.append((number, line))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    candidates: list[_Candidate] = []
    for paragraph in paragraphs:
        starts = [i for i, (_, line) in enumerate(paragraph) if _starts_reference(line)]
        if len(starts) <= 1:
            candidates.append(_Candidate(paragraph))
            continue
        if starts[0] != 0:
            candidates.append(_Candidate(paragraph[: starts[0]]))
        for index, start in enumerate(starts):
            stop = starts[index + 1] if index + 1 < len(starts) else len(paragraph)
            candidates.append(_Candidate(paragraph[start:stop]))
    return candidates


def _identifiers(text: str) -> tuple[str, str]:
    """The DOI and (when there is no DOI) the URL mentioned in an entry."""
    dois = find_dois(text)
    if dois:
        return dois[0], ""
    url = _URL.search(text)
    return "", url.group(0).rstrip(".,;") if url else ""


def _without_links(text: str) -> str:
    return _DOI_TEXT.sub("", text).strip()


def _author_date_guess(text: str) -> _Guess | None:
    """APA and Harvard: "Authors (Year). Title. Source." and "Authors (Year) 'Title', Source"."""
    match = _AUTHOR_YEAR.match(text)
    if not match:
        return None
    warnings: list[str] = []
    authors_text = match["authors"].strip().rstrip(",")
    authors_text, ellipsis = _strip_ellipsis(authors_text)
    authors_text, truncated = strip_truncation(authors_text)
    truncated = truncated or ellipsis
    creators = parse_names(authors_text, inverted="," in authors_text)
    rest = _without_links(match["rest"])
    quoted = _QUOTED_TITLE.match(rest)
    style = "Harvard" if quoted else "APA"
    if quoted:
        title, source = quoted["title"], quoted["rest"]
    else:
        pieces = _SENTENCE_END.split(rest, maxsplit=1)
        title = pieces[0]
        source = pieces[1] if len(pieces) > 1 else ""
    title = title.strip().rstrip(".,")
    reference, confidence = _with_source(source.strip().rstrip("."), title)
    if _reads_like_prose(creators, title):
        confidence = PROSE_CONFIDENCE
        warnings.append("reads like a sentence of prose rather than a reference")
    issued = PartialDate(year=int(match["year"]))
    doi, url = _identifiers(text)
    if truncated:
        warnings.append("the author list is cut short")
    reference = reference.with_changes(
        creators=creators + reference.creators,
        issued=issued,
        doi=doi,
        url=url,
        truncated=frozenset({"author"}) if truncated else frozenset(),
    )
    return _Guess(reference, style, confidence, warnings)


# Words a name or an organisation's name may have in lower case ("van der Berg",
# "Department of Health and Social Care"); other lower-case words are a sentence's.
_NAME_LOWER_WORDS = frozenset(LOWER_PARTICLES) | {"of", "for", "and", "the", "on", "in", "&"}
# The confidence of a guess whose "authors" or "title" read as running text: a paragraph
# such as "Recent work by Smith (2019) argued that peer work changes services."
PROSE_CONFIDENCE = 0.2


def _reads_like_prose(creators: Sequence[Creator], title: str) -> bool:
    """Authors that are clauses ("Recent work by Smith"), or a title starting mid-sentence."""
    if title[:1].islower():
        return True
    for creator in creators:
        words = " ".join((creator.literal, creator.given, creator.family)).split()
        lower = [w for w in words if w[:1].islower() and w not in _NAME_LOWER_WORDS]
        if lower or len(words) > 8:
            return True
    return False


def _strip_ellipsis(text: str) -> tuple[str, bool]:
    """APA 7 lists 19 authors, ". . .", then the last; the ones left out are unknown."""
    if not _ELLIPSIS_AUTHORS.search(text):
        return text, False
    return _ELLIPSIS_AUTHORS.sub(", ", text).strip(" ,"), True


def _with_source(source: str, title: str) -> tuple[Reference, float]:
    """Read what follows the title: a journal, a chapter's book, or a book's publisher."""
    chapter = _CHAPTER_SOURCE.match(source)
    if chapter:
        editors: tuple[Creator, ...] = ()
        if chapter["editors"]:
            editors = parse_names(chapter["editors"], CreatorRole.EDITOR)
        return (
            Reference(
                type=ReferenceType.CHAPTER,
                title=title,
                creators=editors,
                container_title=chapter["book"].strip(),
                page=re.sub(r"\s*[-–]\s*", "-", (chapter["pages"] or "").strip()),
                publisher=chapter["publisher"].strip(),
            ),
            0.6,
        )
    journal = _JOURNAL_SOURCE.match(source)
    if journal:
        return (
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                title=title,
                container_title=journal["container"].strip(),
                volume=journal["volume"],
                issue=(journal["issue"] or "").strip(),
                page=re.sub(r"\s*[-–]\s*", "-", journal["pages"] or ""),
            ),
            0.7,
        )
    if source and not re.search(r"\d", source):
        return Reference(type=ReferenceType.BOOK, title=title, publisher=source), 0.5
    return Reference(title=title), 0.4


def _vancouver_guess(text: str) -> _Guess | None:
    """ "Repper J, Watson E. Title. Ment Health Soc Incl. 2012;7(2):70-8." """
    breaks = [m.end() for m in islice(_SENTENCE_END.finditer(text), MAX_SENTENCES)]
    if not breaks or not looks_like_pubmed_authors(text[: breaks[0]]):
        return None
    for offset in breaks[1:]:
        citation = parse_citation(text[offset:])
        if citation is None or not (citation.volume or citation.page):
            continue
        creators, truncated = parse_pubmed_authors(text[: breaks[0]])
        title = text[breaks[0] : offset].strip().rstrip(".")
        doi, url = _identifiers(text[offset:])
        reference = Reference(
            type=ReferenceType.ARTICLE_JOURNAL,
            title=title,
            creators=creators,
            container_title=citation.journal,
            volume=citation.volume,
            issue=citation.issue,
            page=citation.page,
            issued=citation.issued,
            doi=doi or citation.doi,
            url=url,
            truncated=frozenset({"author"}) if truncated else frozenset(),
        )
        warnings = ["the author list is cut short"] if truncated else []
        return _Guess(reference, "Vancouver", 0.7, warnings)
    return None


def guess_reference(text: str) -> _Guess | None:
    """The best reading of one reference string, or None when it fits no known style."""
    return _vancouver_guess(text) or _author_date_guess(text)


class ReferenceListReader:
    """A pasted list of formatted references (APA, Harvard, Vancouver)."""

    name = "reflist"
    label = "Reference list (APA, Harvard or Vancouver)"

    def sniff(self, text: str) -> float:
        """Never above 0.3: a list of formatted references is the last guess to try."""
        candidates = _candidates(text[:20000])[:200]
        if not candidates:
            return 0.0
        matching = sum(
            1 for c in candidates if _YEARISH.search(c.text) and len(c.text) < MAX_ENTRY_CHARS
        )
        share = matching / len(candidates)
        if share >= 0.6:
            return MAX_SNIFF
        if share >= 0.3:
            return 0.2
        return 0.0

    def read(self, text: str) -> ParseResult:
        """Each line or paragraph that reads as a reference becomes an entry."""
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        original = text.splitlines()
        for candidate in _candidates(text):
            first, last = candidate.lines[0][0], candidate.lines[-1][0]
            guess = (
                guess_reference(candidate.text) if len(candidate.text) < MAX_ENTRY_CHARS else None
            )
            if guess is None:
                skipped.append(
                    Diagnostic(
                        "not recognised as a formatted reference; skipped", first, Severity.INFO
                    )
                )
                continue
            warnings = [Diagnostic(f"read as {guess.style} style; check the fields", first)]
            warnings.extend(Diagnostic(message, first) for message in guess.warnings)
            if not guess.reference.title:
                warnings.append(Diagnostic("no title found", first))
            entries.append(
                ParsedEntry(
                    reference=guess.reference,
                    raw_text="\n".join(original[first - 1 : last]),
                    first_line=first,
                    last_line=last,
                    warnings=tuple(warnings),
                    confidence=guess.confidence,
                )
            )
        if not entries:
            raise FormatError(
                "no formatted references recognised (expected APA, Harvard or Vancouver style)"
            )
        return ParseResult(
            format_name=self.name,
            format_label=self.label,
            entries=tuple(entries),
            skipped=tuple(skipped),
        )


READERS = (ReferenceListReader(),)
