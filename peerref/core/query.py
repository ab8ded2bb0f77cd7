"""The search language people type into the search box, parsed into a small tree.

Plain words must all match and match as prefixes (results appear while typing);
``"exact phrases"``; ``author:``, ``title:``, ``tag:``, ``collection:``, ``type:`` with
a word or a quoted value; ``year:2012`` and ``year:2010..2015`` (either end may be
left open); a leading ``-`` excludes any of these. The parser never raises: a search
box must not crash on half-typed input, so anything it cannot read as syntax is read
as plain words instead. Turning the tree into SQL is the store's job.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


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


Term = Word | Phrase | FieldTerm | YearRange


@dataclass(frozen=True, slots=True)
class Query:
    """Every term must hold (negated terms must not)."""

    terms: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms


_FIELD_NAMES: dict[str, Field | None] = {f.value: f for f in Field} | {"year": None}

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
    return _plain(text[position:end], negated), end


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
