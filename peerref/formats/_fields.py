"""Field helpers shared by the tagged and structured file readers (RIS, BibTeX, WoS, EndNote).

Every export format has the same few field problems: one field holding both ISSNs and
ISBNs, pages split over two tags, wrapped lines and paragraph breaks in abstracts. They
are solved once here so the readers agree on the result. The leading underscore keeps
the registry from taking this module for a format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from peerref.core.ids import isbn_is_valid, issn_is_valid, normalise_isbn, normalise_issn

_SN_LABELS = re.compile(
    r"\((?:print|online|electronic|pbk|hbk|e-?book|paper|linking)\)|\b(?:e?ISSN|ISBN(?:-1[03])?)\b:?",
    re.IGNORECASE,
)


def split_standard_numbers(values: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Sort the values of an "SN"-like field into ISSNs, ISBNs and text that is neither.

    Databases put both kinds in one tag, sometimes several per line with "(Print)"
    labels, so the decision is by shape: 8 characters make an ISSN, 10 or 13 an ISBN.
    """
    issns: list[str] = []
    isbns: list[str] = []
    other: list[str] = []

    def classify(chunk: str) -> bool:
        core = _SN_LABELS.sub(" ", chunk).strip()
        digits = re.sub(r"[^0-9Xx]", "", core)
        if len(digits) == 8 and not re.search(r"[^0-9Xx\-‐‑– ]", core) and normalise_issn(core):
            if (issn := normalise_issn(core)) not in issns:
                issns.append(issn)
            return True
        if len(digits) in (10, 13) and not re.search(r"[^0-9Xx\-‐‑ ]", core):
            if (isbn := normalise_isbn(core)) and isbn not in isbns:
                isbns.append(isbn)
            return bool(isbn)
        return False

    for value in values:
        for chunk in re.split(r"[;,\n]", value):
            if not chunk.strip() or classify(chunk):
                continue
            for token in chunk.split():
                if _SN_LABELS.sub("", token).strip() and not classify(token):
                    other.append(token)
    return issns, isbns, other


def standard_number_warnings(issns: Sequence[str], isbns: Sequence[str]) -> list[str]:
    """Messages for ISSNs and ISBNs whose check digit is wrong (the values are kept)."""
    messages = [f"ISSN {issn} has a wrong check digit" for issn in issns if not issn_is_valid(issn)]
    messages += [
        f"ISBN {isbn} has a wrong check digit" for isbn in isbns if not isbn_is_valid(isbn)
    ]
    return messages


_DOI_LINK_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def is_whole_doi(text: str, doi: str) -> bool:
    """Whether ``text`` is just ``doi``, maybe as a doi.org link or with "doi:" before it.

    A reader that finds a DOI inside a longer value ("10.1/x (retracted)") keeps the whole
    value in extra too, so the rest of it is not lost.
    """
    rest = " ".join(_DOI_LINK_PREFIX.sub("", text.strip()).split()).rstrip(".,;")
    return bool(doi) and rest.casefold() == doi.casefold()


def join_pages(first: str, last: str) -> str:
    """ "149" and "152" to "149-152"; a first page that already is a range stays as it is."""
    first, last = first.strip(), last.strip()
    if not first:
        return last
    if not last or last == first or re.search(r"[-–]", first):
        return first
    return f"{first}-{last}"


def hyphenated_range(page: str) -> str:
    """A range written with a Unicode hyphen or dash ("1279‐1297") written with a hyphen."""
    return re.sub(r"(?<=\w)\s*[‐‑‒–—]\s*(?=\w)", "-", page)


def last_page_is_kept(page: str, last: str) -> bool:
    """Whether ``join_pages(first, last)`` kept ``last`` ("149-152" + "160" does not)."""
    last = last.strip()
    return not last or page == last or split_pages(page)[1] == last


def split_pages(page: str) -> tuple[str, str]:
    """ "149-152" to ("149", "152"); a single page or article number to (page, "")."""
    parts = re.split(r"\s*[-–—]+\s*", page.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    return page.strip(), ""


def collapse_spaces(text: str) -> str:
    """One line of text with runs of white space (line breaks too) as single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def paragraphs_to_abstract_text(text: str) -> str:
    """Wrapped lines joined, blank lines kept as paragraph breaks (``abstract_from_text`` form)."""
    paragraphs = [collapse_spaces(p) for p in re.split(r"\n[ \t]*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)
