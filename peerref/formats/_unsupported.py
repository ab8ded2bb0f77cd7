"""Formats PeerRef recognises but cannot read yet, so they are refused instead of misread.

Several export formats look enough like one PeerRef reads for a reader to take them: an
Ovid export, before PeerRef read Ovid, became 57 "references" of a reference list with
authors like "CP - HOLDER: …", and an OpenAlex work, before PeerRef read OpenAlex, was
taken by the CSL-JSON reader, its authors, date and DOI hidden in extra.
The registry asks ``identify`` first and refuses such a text with a
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
    # A text that also matches this is not the format after all (as Ovid's own RIS export
    # was not an Ovid export, when Ovid was refused here).
    unless: re.Pattern[str] | None = None


_XML_START = r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?"
_RIS_ADVICE = "export the references as RIS or BibTeX instead"

UNSUPPORTED = (
    Unsupported(
        "MARC XML",
        re.compile(
            _XML_START + r"<(?:\w+:)?(?:collection|record)\b[^>]*loc\.gov/MARC21/slim", re.S
        ),
        _RIS_ADVICE,
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
