"""Identifiers: find, normalise and validate DOIs, ISSNs, ISBNs, PMIDs and PMCIDs.

Pages write identifiers in many forms (doi.org URLs, "doi:" prefixes, trailing full stops
from the sentence around them). Normalising once here means duplicates are found by
identifier and exports carry the canonical form. Validation never discards text: a bad
check digit is for the caller to warn about.
"""

from __future__ import annotations

import re

# A DOI is "10.<registrant>/<suffix>"; the suffix may contain almost anything but spaces.
_DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
_DOI_PREFIX_RE = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|https?://[^/]+/doi/(?:abs/|full/|pdf/)?)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:)]}>'\""


def _strip_trailing(doi: str) -> str:
    while doi and doi[-1] in _TRAILING_PUNCTUATION:
        # keep a closing bracket that closes one opened inside the DOI, e.g. 10.1002/(sici)…
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        doi = doi[:-1]
    return doi


def normalise_doi(text: str) -> str:
    """The DOI in ``text`` ("10.1108/...") without URL, prefix or trailing punctuation.

    Returns "" when ``text`` holds no DOI. Case is kept: DOIs are compared with ``doi_key``.
    """
    text = text.strip()
    text = _DOI_PREFIX_RE.sub("", text)
    match = _DOI_RE.search(text)
    if not match:
        return ""
    return _strip_trailing(match.group(0))


def find_dois(text: str) -> list[str]:
    """Every DOI in a longer text, in order, without repeats."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _DOI_RE.finditer(text):
        doi = _strip_trailing(match.group(0))
        if doi_key(doi) not in seen:
            seen.add(doi_key(doi))
            found.append(doi)
    return found


def doi_key(doi: str) -> str:
    """Comparison key: DOIs are case-insensitive (the DOI Handbook, section 2.4)."""
    return normalise_doi(doi).casefold()


_ISSN_RE = re.compile(r"\b(\d{4})\s*[-‐‑–]?\s*(\d{3}[\dXx])\b")


def normalise_issn(text: str) -> str:
    """ "17556228" or "1755 6228" to "1755-6228"; "" when there are not 8 ISSN characters."""
    match = _ISSN_RE.search(text)
    if not match:
        return ""
    return f"{match.group(1)}-{match.group(2).upper()}"


def issn_is_valid(issn: str) -> bool:
    """Check the ISSN check digit (mod 11, X for 10)."""
    chars = re.sub(r"[^0-9Xx]", "", issn).upper()
    if len(chars) != 8 or "X" in chars[:7]:
        return False
    total = sum(int(c) * w for c, w in zip(chars[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return chars[7] == ("X" if check == 10 else str(check))


def normalise_isbn(text: str) -> str:
    """The ISBN as written (hyphens kept), without an "ISBN" label or spaces."""
    text = re.sub(r"^\s*ISBN(?:-1[03])?:?\s*", "", text.strip(), flags=re.IGNORECASE)
    match = re.search(r"[0-9][0-9\-‐‑ ]{8,16}[0-9Xx]", text)
    if not match:
        return ""
    return re.sub(r"[‐‑ ]", "-", match.group(0)).strip("-")


def isbn_digits(isbn: str) -> str:
    """Digits (and a final X) only, for comparing ISBNs written with different hyphens."""
    return re.sub(r"[^0-9Xx]", "", isbn).upper()


def isbn_is_valid(isbn: str) -> bool:
    """Check an ISBN-10 (mod 11) or ISBN-13 (mod 10) check digit."""
    digits = isbn_digits(isbn)
    if len(digits) == 10:
        if "X" in digits[:9]:
            return False
        total = sum(
            (10 if c == "X" else int(c)) * w for c, w in zip(digits, range(10, 0, -1), strict=True)
        )
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def normalise_pmid(text: str) -> str:
    """ "PMID: 12345678" to "12345678"; "" when there is no 1–9 digit number."""
    match = re.search(r"\b(\d{1,9})\b", text)
    return match.group(1) if match else ""


def normalise_pmcid(text: str) -> str:
    """ "pmc1234567" or "PMCID: PMC1234567" to "PMC1234567"; "" when absent."""
    match = re.search(r"\bPMC\s*(\d+)\b", text, re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else ""
