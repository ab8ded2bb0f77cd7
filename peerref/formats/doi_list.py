"""A plain list of DOIs, one per line: the quickest way to collect papers to complete later.

Lines may be bare DOIs, "doi:" forms or doi.org / dx.doi.org links, with list bullets or
numbers in front and punctuation after. Each becomes a reference holding only its DOI;
metadata completion (Crossref) fills the rest. Blank lines and "#" comments are ignored;
any other line is reported as skipped, and the list is only recognised when most lines
are DOIs, so a pasted reference list with DOIs in it goes to the reference-list reader.
"""

from __future__ import annotations

import re

from peerref.core.errors import FormatError
from peerref.core.ids import doi_key, normalise_doi
from peerref.core.model import Reference, ReferenceType
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "doi-list"
LABEL = "List of DOIs"
ONLY_DOI_WARNING = "only a DOI: use Complete from Crossref"

_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,4}[.)])\s+")
_DOI_LINE = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|doi\.org/)?10\.\d{4,9}/\S+$", re.IGNORECASE
)


def _doi_of_line(line: str) -> str:
    """The DOI when the whole line is one DOI (in any usual form), else ""."""
    text = _BULLET.sub("", line).strip().strip("<>").rstrip(".,;")
    if not _DOI_LINE.match(text):
        return ""
    return normalise_doi(text)


class DoiListReader:
    """Reads a list of DOIs, one per line, into DOI-only references."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        lines = [line for line in text[:20000].splitlines() if line.strip()][:200]
        if not lines:
            return 0.0
        dois = sum(1 for line in lines if _doi_of_line(line))
        if dois == 0:
            return 0.0
        share = dois / len(lines)
        return 0.95 if share >= 0.8 else (0.5 if share >= 0.5 else 0.0)

    def read(self, text: str) -> ParseResult:
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        seen: set[str] = set()
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            doi = _doi_of_line(stripped)
            if not doi:
                skipped.append(Diagnostic(f"not a DOI: {stripped[:60]}", number))
                continue
            if doi_key(doi) in seen:
                skipped.append(Diagnostic(f"DOI {doi} is listed twice", number, Severity.INFO))
                continue
            seen.add(doi_key(doi))
            entries.append(
                ParsedEntry(
                    # The type is unknown until completion: say so rather than guess.
                    reference=Reference(type=ReferenceType.OTHER, doi=doi),
                    raw_text=line,
                    first_line=number,
                    last_line=number,
                    warnings=(Diagnostic(ONLY_DOI_WARNING, number),),
                )
            )
        if not entries:
            raise FormatError("no DOI found (one DOI per line is expected)")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


READERS = (DoiListReader(),)
