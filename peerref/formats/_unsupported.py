"""Formats PeerRef recognises but cannot read yet, so they are refused instead of misread.

Several export formats look enough like one PeerRef reads for a reader to take them: an
Ovid export is a list of lines a reference-list reader can turn into 57 "references"
with authors like "CP - HOLDER: …", and an OpenAlex work is a JSON object with a
"title" and a "type" that the CSL-JSON reader would accept, hiding its authors, date
and DOI in extra. The registry asks ``identify`` first and refuses such a text with a
message naming the format, until a reader for it exists (issue 13, "Formats to add");
then its entry here is removed.

Each signature looks only at the start of the text and at markers no format PeerRef reads
has there, so a real RIS, BibTeX or CSL-JSON file is never refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How much of the text the signatures look at: every format below shows itself early.
_HEAD = 4000


@dataclass(frozen=True)
class Unsupported:
    """A format PeerRef knows by sight: its name, and what to do instead of importing it."""

    label: str
    signature: re.Pattern[str]
    advice: str
    # A text that also matches this is not the format after all (Ovid's own RIS export).
    unless: re.Pattern[str] | None = None


_XML_START = r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
_RIS_ADVICE = "export the references as RIS or BibTeX instead"

UNSUPPORTED = (
    Unsupported(
        "an Ovid export (PsycINFO, MEDLINE or Embase through Ovid)",
        re.compile(r"(?m)^\s*(?:<\d+\.\s*>\s*$|VN\s+-\s+Ovid Technologies\b)"),
        'in Ovid, export with the RIS ("Reference Manager") or EndNote format instead',
        re.compile(r"(?m)^TY  ?- "),
    ),
    Unsupported(
        "PubMed XML",
        re.compile(_XML_START + r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)\b", re.S),
        'save the PubMed results as "PubMed" (.nbib) or use "Send to: Citation manager"',
    ),
    Unsupported(
        "MODS XML",
        re.compile(_XML_START + r"<(?:\w+:)?mods(?:Collection)?\b", re.S),
        _RIS_ADVICE,
    ),
    Unsupported(
        "MARC XML",
        re.compile(
            _XML_START + r"<(?:\w+:)?(?:collection|record)\b[^>]*loc\.gov/MARC21/slim", re.S
        ),
        _RIS_ADVICE,
    ),
    Unsupported(
        "Crossref XML (unixref)",
        re.compile(_XML_START + r"<(?:doi_records|crossref_result|doi_record|crossref)\b", re.S),
        "import the DOIs as a list of DOIs instead",
    ),
    Unsupported(
        "DataCite JSON",
        re.compile(
            r"\A\s*[\[{].{0,2000}?\"(?:types\"\s*:\s*\{\s*\"resourceTypeGeneral|"
            r"type\"\s*:\s*\"dois\")",
            re.S,
        ),
        "import the DOIs as a list of DOIs instead",
    ),
    Unsupported(
        "OpenAlex JSON",
        re.compile(r"\A\s*[\[{].{0,3000}?\"id\"\s*:\s*\"https://openalex\.org/W\d+\"", re.S),
        "import the works' DOIs as a list of DOIs instead",
    ),
    Unsupported(
        "a RefWorks tagged export",
        re.compile(r"\A\s*(?:RefWorks Export Tagged Format\b|RT [A-Z][^\n]*\n(?:SR|ID|A1) )"),
        "in RefWorks, export with the RIS format instead",
    ),
    Unsupported(
        "a Refer / EndNote tagged (.enw) export",
        re.compile(r"\A\s*%[0ATDJ] \S[^\n]*\n(?:[^\n]*\n){0,5}?%[ATDJKIPVN] "),
        "in EndNote, export with the RIS format instead",
    ),
)


def identify(text: str) -> Unsupported | None:
    """The unsupported format ``text`` is in, or None when it is none of them."""
    head = text[:_HEAD].lstrip("\ufeff")
    for candidate in UNSUPPORTED:
        if candidate.signature.search(head) and not (
            candidate.unless is not None and candidate.unless.search(head)
        ):
            return candidate
    return None
