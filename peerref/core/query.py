"""The search language people type into the search box, parsed into a small tree.

Plain words must all match and match as prefixes (results appear while typing);
``"exact phrases"``; ``author:``, ``title:``, ``tag:``, ``collection:``, ``type:`` with
a word or a quoted value; ``year:2012`` and ``year:2010..2015`` (either end may be
left open); identifiers, typed as they are printed (a DOI or doi.org link, an ISSN, an
ISBN with or without hyphens) or with ``doi:``, ``issn:``, ``isbn:``, ``pmid:``; a
leading ``-`` excludes any of these. The parser never raises: a search
box must not crash on half-typed input, so anything it cannot read as syntax is read
as plain words instead. Turning the tree into SQL is the store's job.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from peerref.core.ids import isbn_digits, isbn_is_valid, normalise_doi, normalise_issn


class Field(enum.StrEnum):
    """Fields a term can be restricted to with ``field:value``."""

    AUTHOR = "author"
    TITLE = "title"
    TAG = "tag"
    COLLECTION = "collection"
    TYPE = "type"


@dataclass(frozen=True, slots=True)
class Word:
    """A plain word: matches any indexed text starting with it."""

    text: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear together, in this order."""

    text: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class FieldTerm:
    """A value looked for in one field; ``exact`` when it was quoted (no prefix match)."""

    field: Field
    value: str
    exact: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class YearRange:
    """Publication years ``start..end``, both inclusive; None leaves that end open."""

    start: int | None
    end: int | None
    negated: bool = False


@dataclass(frozen=True, slots=True)
class IdentifierTerm:
    """A DOI, ISSN, ISBN or PubMed id; any one of its non-empty forms matching is enough.

    People paste identifiers from pages and e-mails, and the text index cannot find them
    (it splits "10.1108/MHSI-05-2019-0015" into numbers). An eight-digit number may be an
    ISSN or a PMID, so both forms are kept. ``doi`` matches as a prefix, so a DOI is found
    while it is being typed; ``isbn`` holds the digits of the ISBN-13 and ISBN-10 forms.
    ``text`` is what was typed, for showing the query back. ``in_text`` (a plain word,
    no ``doi:``-style prefix) lets the word also match as a phrase of the indexed text,
    so a number or DOI quoted in a note or an abstract is still found.
    """

    text: str
    doi: str = ""
    issn: str = ""
    isbn: tuple[str, ...] = ()
    pmid: str = ""
    negated: bool = False
    in_text: bool = False


Term = Word | Phrase | FieldTerm | YearRange | IdentifierTerm


@dataclass(frozen=True, slots=True)
class Query:
    """Every term must hold (negated terms must not)."""

    terms: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms


_FIELD_NAMES: dict[str, Field | None] = {f.value: f for f in Field} | {"year": None}
_IDENTIFIER_FIELDS = frozenset({"doi", "issn", "isbn", "pmid"})

# A year is 1 to 4 digits: anything longer is surely not a year someone means.
_YEAR = r"(\d{1,4})"
_YEAR_EXACT = re.compile(rf"{_YEAR}")
_YEAR_RANGE = re.compile(rf"{_YEAR}?\.\.{_YEAR}?|{_YEAR}-{_YEAR}")


def parse_query(text: str) -> Query:
    """Parse what a person typed; never raises, whatever the text.

    Why never raise: the search box re-runs on every keystroke, so half-typed syntax
    (an unclosed quote, ``author:`` with nothing after it) is normal input. Such
    fragments degrade to plain words or are skipped until they are complete.
    """
    terms: list[Term] = []
    position = 0
    length = len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        term, position = _read_term(text, position)
        if term is not None:
            terms.append(term)
    return Query(tuple(terms))


def _read_term(text: str, start: int) -> tuple[Term | None, int]:
    """Read one term starting at a non-space character; return it and where to go on."""
    position = start
    negated = False
    if text[position] == "-" and position + 1 < len(text) and not text[position + 1].isspace():
        negated = True
        position += 1
    if text[position] == '"':
        value, position, closed = _read_quoted(text, position)
        if not closed:
            # An unclosed quote is someone still typing a phrase: search its words.
            return _plain(value, negated), position
        return (Phrase(value, negated) if value.strip() else None), position

    field_match = re.match(r"([A-Za-z]+):", text[position:])
    if field_match and field_match.group(1).casefold() in _IDENTIFIER_FIELDS:
        end = _word_end(text, position)
        kind = field_match.group(1).casefold()
        value = text[position + field_match.end() : end].strip('"')
        if not value:
            return None, end  # "doi:" alone: the value is not typed yet
        typed = text[start:end]
        found = identifier_term(value, typed, negated=negated, kind=kind)
        return found or _plain(value, negated), end
    if field_match and field_match.group(1).casefold() in _FIELD_NAMES:
        name = field_match.group(1).casefold()
        value_start = position + field_match.end()
        if value_start < len(text) and text[value_start] == '"':
            value, end, closed = _read_quoted(text, value_start)
            exact = closed
        else:
            end = _word_end(text, value_start)
            value, exact = text[value_start:end], False
        if not value.strip():
            return None, end  # "author:" alone: the value is not typed yet
        field = _FIELD_NAMES[name]
        if field is None:
            return _year_term(value, negated) or _plain(text[position:end], negated), end
        return FieldTerm(field, value.strip(), exact=exact, negated=negated), end

    end = _word_end(text, position)
    word = text[position:end]
    found = identifier_term(word, text[start:end], negated=negated)
    return (found or _plain(word, negated)), end


_DOI_START = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi\.org/)?(10\.\d{4,9}/\S*)", re.I)
_ISSN_WORD = re.compile(r"\d{4}[-‐‑–]?\d{3}[\dXx]")
_ISBN_WORD = re.compile(r"(?:97[89][-‐‑ ]?)?[\d][\d\-‐‑]{7,15}[\dXx]")
_PMID_WORD = re.compile(r"\d{7,9}")
_TRAILING = ".,;)]}>'\""


def identifier_term(
    value: str, typed: str, *, negated: bool = False, kind: str = ""
) -> IdentifierTerm | None:
    """The identifier ``value`` reads as, or None when it is no identifier.

    ``kind`` ("doi", "issn", "isbn", "pmid") says which one was asked for with a prefix;
    without it, a word is taken for whichever identifiers it can be. Plain words that
    are not shaped like an identifier (a year, a page range) stay words.
    """
    value = value.strip()
    doi = issn = pmid = ""
    isbn: tuple[str, ...] = ()
    if kind in ("", "doi"):
        match = _DOI_START.fullmatch(value.rstrip(_TRAILING))
        if match is not None:
            doi = normalise_doi(match.group(1)) or match.group(1)
        elif kind == "doi":
            doi = value.removeprefix("doi:")
    if kind in ("", "issn") and _ISSN_WORD.fullmatch(value):
        issn = normalise_issn(value)
    elif kind == "issn":
        issn = normalise_issn(value) or value.upper()
    if kind in ("", "isbn") and not doi:
        digits = isbn_digits(value)
        shaped = kind == "isbn" or (_ISBN_WORD.fullmatch(value) is not None)
        if shaped and len(digits) in (10, 13) and (kind == "isbn" or isbn_is_valid(digits)):
            isbn = isbn_forms(digits)
        elif kind == "isbn" and digits:
            isbn = (digits,)
    if kind in ("", "pmid") and _PMID_WORD.fullmatch(value):
        pmid = value
    elif kind == "pmid" and value.isdigit():
        pmid = value.lstrip("0") or value
    if not (doi or issn or isbn or pmid):
        return None
    return IdentifierTerm(
        typed, doi=doi, issn=issn, isbn=isbn, pmid=pmid, negated=negated, in_text=not kind
    )


def isbn_forms(digits: str) -> tuple[str, ...]:
    """An ISBN's digits with the same book's other form: ISBN-13 and ISBN-10 alike.

    A page may print the ten-digit form of a book stored with thirteen digits.
    """
    digits = digits.upper()
    if len(digits) == 10 and digits[:9].isdigit():
        body = "978" + digits[:9]
        check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
        return (digits, f"{body}{check}")
    if len(digits) == 13 and digits.startswith("978") and digits.isdigit():
        body = digits[3:12]
        total = sum(int(c) * w for c, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        return (digits, body + ("X" if check == 10 else str(check)))
    return (digits,)


def _read_quoted(text: str, quote_at: int) -> tuple[str, int, bool]:
    """The text inside quotes starting at ``quote_at``; closed=False when no end quote."""
    close = text.find('"', quote_at + 1)
    if close == -1:
        return text[quote_at + 1 :], len(text), False
    return text[quote_at + 1 : close], close + 1, True


def _word_end(text: str, start: int) -> int:
    position = start
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def _plain(value: str, negated: bool) -> Term | None:
    """A plain word; stray quotes are dropped since they carry no meaning here."""
    cleaned = " ".join(value.replace('"', " ").split())
    if not cleaned:
        return None
    return Word(cleaned, negated)


def _year_term(value: str, negated: bool) -> YearRange | None:
    value = value.strip()
    if _YEAR_EXACT.fullmatch(value):
        year = int(value)
        return YearRange(year, year, negated)
    match = _YEAR_RANGE.fullmatch(value)
    if match is None:
        return None
    groups = match.groups()
    first, last = (groups[0], groups[1]) if match.group(0).find("..") != -1 else groups[2:]
    start = int(first) if first else None
    end = int(last) if last else None
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        start, end = end, start
    return YearRange(start, end, negated)


def query_to_text(query: Query) -> str:
    """The canonical text of a parsed query, for showing back or saving a search."""
    return " ".join(_term_text(term) for term in query.terms)


def _term_text(term: Term) -> str:
    sign = "-" if term.negated else ""
    if isinstance(term, IdentifierTerm):
        return term.text
    if isinstance(term, Word):
        return f"{sign}{term.text}"
    if isinstance(term, Phrase):
        return f'{sign}"{term.text}"'
    if isinstance(term, YearRange):
        if term.start == term.end:
            return f"{sign}year:{term.start}"
        start = "" if term.start is None else str(term.start)
        end = "" if term.end is None else str(term.end)
        return f"{sign}year:{start}..{end}"
    value = f'"{term.value}"' if term.exact or any(c.isspace() for c in term.value) else term.value
    return f"{sign}{term.field.value}:{value}"
