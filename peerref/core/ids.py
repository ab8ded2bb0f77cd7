"""Identifiers: find, normalise and validate DOIs, ISSNs, ISBNs, PMIDs and PMCIDs.

Pages write identifiers in many forms (doi.org URLs, "doi:" prefixes, trailing full stops
from the sentence around them). Normalising once here means duplicates are found by
identifier and exports carry the canonical form. Validation never discards text: a bad
check digit is for the caller to warn about.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# The DOI Handbook (2.5.2) lets a DOI's suffix hold any printable Unicode character, and
# real ones do: SICI-based DOIs hold "<", ">", ";" and brackets, such as
# 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0. Two rules follow.
#
# In a field meant for one DOI (RIS DO, BibTeX doi, a line of a DOI list) the whole value
# is the DOI, only a URL or "doi:" before it and sentence punctuation after it taken away.
_WHOLE_DOI_RE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
# In free text (a reference list, a page) a DOI ends at white space or a quote; "<" only
# opens a SICI's "<693::AID-ASI3>" part (no tag name after it), so "10.1/x</a>" or
# "<10.1/x>" around a DOI is not taken into it.
_DOI_RE = re.compile(
    r"10\.\d{4,9}/(?:[^\s\"<>]|<(?![/A-Za-z!?])[^\s\"<>]*>)+",
    re.IGNORECASE,
)
_DOI_PREFIX_RE = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/|doi:\s*|https?://[^/]+/doi/(?:abs/|full/|pdf/)?)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:)]}>'\""
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}


def _strip_trailing(doi: str) -> str:
    while doi and doi[-1] in _TRAILING_PUNCTUATION:
        # keep a closing bracket that closes one opened inside the DOI, e.g. 10.1002/(sici)…
        opening = _CLOSING.get(doi[-1])
        if opening is not None and doi.count(opening) >= doi.count(doi[-1]):
            break
        doi = doi[:-1]
    return doi


def normalise_doi(text: str) -> str:
    """The DOI in ``text`` ("10.1108/...") without URL, prefix or trailing punctuation.

    When the whole of ``text`` is one DOI it is kept whole, whatever characters the DOI
    Handbook allows it to hold; otherwise the first DOI found in it by the free-text rule
    (which ends a DOI at a space). Returns "" when ``text`` holds no DOI. Case is kept:
    DOIs are compared with ``doi_key``.
    """
    text = _without_prefix(text.strip())
    if _WHOLE_DOI_RE.fullmatch(text):
        return _strip_trailing(text)
    match = _DOI_RE.search(text)
    if not match:
        return ""
    return _strip_trailing(match.group(0))


_DOI_URL_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi\.org/)", re.IGNORECASE)
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _without_prefix(text: str) -> str:
    """``text`` without a doi.org URL or "doi:" before it; a URL's %-escapes decoded.

    In a doi.org link the DOI is percent-encoded ("%3C" for "<", as the DOI Handbook
    requires of URLs); the DOI itself is the decoded name.
    """
    is_url = _DOI_URL_RE.match(text) is not None
    text = _DOI_PREFIX_RE.sub("", text)
    if is_url and _PERCENT_ESCAPE.search(text):
        text = unquote(text)
    return text


# What may follow a space in a DOI field without being part of the DOI: a remark in
# brackets ("(retracted)", "[doi]") or another DOI.
_NOT_DOI_PART = re.compile(r"^(?:[(\[]|(?:doi:|https?://)?10\.\d{4,9}/)", re.IGNORECASE)


def doi_of_field(text: str) -> str:
    """The DOI of a field that is meant to hold one DOI and nothing else (RIS ``DO``).

    As ``normalise_doi``, and a DOI written with a space inside it ("10.1000/abc def") is
    kept whole rather than cut at the space, unless what follows the space is a remark in
    brackets or another DOI. Runs of white space count as one space.
    """
    words = _without_prefix(text.strip()).split()
    if (
        len(words) > 1
        and _WHOLE_DOI_RE.fullmatch(words[0])
        and not any(_NOT_DOI_PART.match(word) for word in words[1:])
    ):
        return _strip_trailing(" ".join(words))
    return normalise_doi(text)


def find_dois(text: str) -> list[str]:
    """Every DOI in a longer text, in order, without repeats (the free-text rule)."""
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
    return (doi_of_field(doi) if " " in doi.strip() else normalise_doi(doi)).casefold()


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
