"""Identifiers in the search box: DOIs, ISSNs, ISBNs and PMIDs read as themselves."""

from __future__ import annotations

import pytest

from peerref.core.ids import isbn_is_valid
from peerref.core.query import (
    IdentifierTerm,
    Word,
    isbn_forms,
    parse_query,
    query_to_text,
)


def only(text: str) -> object:
    (term,) = parse_query(text).terms
    return term


@pytest.mark.parametrize(
    ("typed", "doi"),
    [
        ("10.1108/MHSI-05-2019-0015", "10.1108/MHSI-05-2019-0015"),
        ("https://doi.org/10.1108/MHSI-05-2019-0015.", "10.1108/MHSI-05-2019-0015"),
        ("doi.org/10.5555/x", "10.5555/x"),
        ("10.1108/", "10.1108/"),  # half typed: a prefix
        ("doi:10.1108", "10.1108"),
    ],
)
def test_dois_as_printed_or_linked(typed: str, doi: str) -> None:
    term = only(typed)
    assert isinstance(term, IdentifierTerm)
    assert term.doi == doi and not term.issn and not term.isbn


def test_an_issn_with_or_without_its_hyphen() -> None:
    assert only("1755-6228") == IdentifierTerm("1755-6228", issn="1755-6228", in_text=True)
    eight = only("17556228")
    assert isinstance(eight, IdentifierTerm)
    assert eight.issn == "1755-6228" and eight.pmid == "17556228"  # either may be meant
    assert only("issn:0000-000x") == IdentifierTerm("issn:0000-000x", issn="0000-000X")


def test_an_isbn_in_either_form_finds_both() -> None:
    thirteen = only("978-0-19-852663-6")
    assert isinstance(thirteen, IdentifierTerm)
    assert thirteen.isbn == ("9780198526636", "0198526636")
    ten = only("0-19-852663-6")
    assert isinstance(ten, IdentifierTerm) and set(ten.isbn) == set(thirteen.isbn)
    assert all(isbn_is_valid(form) for form in isbn_forms("9780198526636"))


def test_words_that_only_look_numeric_stay_words() -> None:
    for text in ("2012", "11-25", "1234567890", "10.5", "covid-19"):
        assert isinstance(only(text), Word), text


def test_prefixes_negation_and_round_trip() -> None:
    query = parse_query("-isbn:0198526636 pmid:31234567 peer")
    first, second, third = query.terms
    assert isinstance(first, IdentifierTerm) and first.negated
    assert isinstance(second, IdentifierTerm) and second.pmid == "31234567"
    assert not first.in_text and not second.in_text  # named: identifiers only
    assert third == Word("peer")
    assert query_to_text(query) == "-isbn:0198526636 pmid:31234567 peer"
    assert parse_query("doi:").terms == ()
    assert parse_query('isbn:"nonsense"').terms == (Word("nonsense"),)
