"""The search language parser: what people type becomes terms, and nothing raises."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from peerref.core.query import (
    Field,
    FieldTerm,
    Phrase,
    Query,
    Word,
    YearRange,
    parse_query,
    query_to_text,
)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("", ()),
        ("   ", ()),
        ("learning networks", (Word("learning"), Word("networks"))),
        ('"supply chain" risk', (Phrase("supply chain"), Word("risk"))),
        ("author:smith", (FieldTerm(Field.AUTHOR, "smith"),)),
        ('author:"van Gogh"', (FieldTerm(Field.AUTHOR, "van Gogh", exact=True),)),
        ("Title:Trust", (FieldTerm(Field.TITLE, "Trust"),)),
        ("tag:to-read", (FieldTerm(Field.TAG, "to-read"),)),
        ("collection:Thesis", (FieldTerm(Field.COLLECTION, "Thesis"),)),
        ("type:book", (FieldTerm(Field.TYPE, "book"),)),
        ("year:2012", (YearRange(2012, 2012),)),
        ("year:2010..2015", (YearRange(2010, 2015),)),
        ("year:2015..2010", (YearRange(2010, 2015),)),
        ("year:2010-2015", (YearRange(2010, 2015),)),
        ("year:..1999", (YearRange(None, 1999),)),
        ("year:2020..", (YearRange(2020, None),)),
        ("-student", (Word("student", negated=True),)),
        ('-"case study"', (Phrase("case study", negated=True),)),
        ("-author:smith", (FieldTerm(Field.AUTHOR, "smith", negated=True),)),
        ("-year:2012", (YearRange(2012, 2012, negated=True),)),
    ],
)
def test_parses_the_search_language(text: str, terms: tuple[object, ...]) -> None:
    assert parse_query(text) == Query(terms)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # Half-typed or malformed syntax degrades to plain words.
        ('"supply cha', (Word("supply cha"),)),
        ("year:soon", (Word("year:soon"),)),
        ("year:12345", (Word("year:12345"),)),
        ("colour:red", (Word("colour:red"),)),
        ("author:", ()),
        ('""', ()),
        ("-", (Word("-"),)),
        ("- word", (Word("-"), Word("word"))),
        ('a"b', (Word("a b"),)),
        ('author:"van ge', (FieldTerm(Field.AUTHOR, "van ge"),)),
    ],
)
def test_malformed_syntax_degrades_to_words(text: str, terms: tuple[object, ...]) -> None:
    assert parse_query(text) == Query(terms)  # type: ignore[arg-type]


def test_canonical_text_parses_back_to_the_same_query() -> None:
    text = 'learning "supply chain" -student author:"van Gogh" year:2010..2015 -tag:old year:..1999'
    query = parse_query(text)
    assert parse_query(query_to_text(query)) == query


@given(st.text())
@example('"0\r0')  # an unclosed quote around a carriage return once gave an unstable text
def test_any_text_parses_and_its_canonical_text_is_stable(text: str) -> None:
    canonical = query_to_text(parse_query(text))
    assert query_to_text(parse_query(canonical)) == canonical


SYNTAX = st.sampled_from(
    ['"', "-", ":", "author:", "year:", "..", "title:", "tag:", "*", " ", "x", "é", "2012", "\t"]
)


@given(st.lists(SYNTAX, max_size=12).map("".join))
def test_syntax_soup_parses_without_raising(text: str) -> None:
    assert isinstance(parse_query(text), Query)
