"""A query's text spelled out as whole words (``search.term_probe``) matches what it matches.

A walk for a page of text alone tests each reference against the text with its prefixes
replaced by the index's own words, read from its dictionary: cheap to test one
reference at a time, where a prefix costs a merge of every match. The spelled-out
expression must match exactly the documents the query's own expression matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from peerref.core.model import AbstractSection, Creator, PartialDate, Reference
from peerref.core.query import parse_query
from peerref.library import Library
from peerref.store import search


@pytest.fixture
def library_location(tmp_path: Path) -> Path:
    """SQLite only: the dictionary is FTS5's (a team library has no probe)."""
    return tmp_path / "library.sqlite"


WORDS = (
    "learning",
    "learner",
    "learners",
    "learned",
    "lead",
    "leadership",
    "health",
    "peer",
    "support",
    "Leaning",
)


@pytest.fixture
def connection(library: Library) -> Iterator[Connection]:
    """A connection to a library of 40 references mixing words that share prefixes."""
    families = ("Repper", "Learmonth", "Watson", "Leavey")
    references = [
        Reference(
            title=" ".join(WORDS[(number + k) % len(WORDS)] for k in range(1 + number % 3)),
            creators=(Creator(families[number % len(families)], "Ann"),),
            issued=PartialDate(2000 + number % 9),
            abstract=(AbstractSection("Findings", WORDS[(number * 7) % len(WORDS)]),),
            tags=("leadership",) if number % 5 == 0 else (),
        )
        for number in range(40)
    ]
    library.add(references, notes=[["peer support notes"] if n % 6 == 0 else [] for n in range(40)])
    with library.database.engine.connect() as opened:
        yield opened


def _matching(connection: Connection, expression: str) -> set[int]:
    rows = connection.execute(
        text(f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH :m"),
        {"m": expression},
    )
    return {int(row[0]) for row in rows}


@pytest.mark.parametrize(
    "query",
    [
        "lea",
        "learn",
        "learning",
        '"learner"',
        "LEARN",
        "learn -lead",
        "learn -leadership",
        'lea -"peer support"',
        "learn -title:lead",
        "learn -author:lea",
        "lea -he",  # a last word of two letters is exact
        "learn -zzz",  # excludes nothing: the index has no word starting so
        "learn -tag:leadership",  # the tag is in the text too
    ],
)
def test_the_spelled_out_words_match_what_the_query_matches(
    connection: Connection, query: str
) -> None:
    parsed = parse_query(query)
    probe = search.term_probe(connection, parsed)
    assert probe is not None
    expected = search.text_match(parsed)
    assert expected is not None
    assert "*" not in probe.expression
    found = _matching(connection, probe.expression)
    assert found == _matching(connection, expected)
    assert found, "the case should match something"
    # The documents holding the positive word's words: at least every match.
    assert probe.documents >= len(found)
    assert probe.segments >= 1
    assert probe.words >= 1


def test_the_documents_are_the_words_documents(connection: Connection) -> None:
    probe = search.term_probe(connection, parse_query("learner"))
    assert probe is not None
    learner = _matching(connection, '"learner"')
    learners = _matching(connection, '"learners"')
    assert probe.documents == len(learner) + len(learners)
    assert probe.words == 2


@pytest.mark.parametrize(
    "query",
    [
        "peer support",  # two positive words: how many hold both is not known
        '"peer support"',  # a phrase of two words
        "title:learn",  # the dictionary counts documents, not fields
        "müll",  # only an ASCII word is folded here as the tokenizer folds it
        "learn -müll",
        "-learn",  # nothing positive
        "year:2001",
        "zzzz",  # no word: nothing matches, the listing's own plan says so
    ],
)
def test_no_probe_when_the_words_cannot_be_spelled_out(connection: Connection, query: str) -> None:
    assert search.term_probe(connection, parse_query(query)) is None


def test_a_prefix_of_too_many_words_is_left_a_prefix(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MAX_PREFIX_WORDS", 3)
    assert search.term_probe(connection, parse_query("learner")) is not None  # two words
    assert search.term_probe(connection, parse_query("lea")) is None  # eight
    assert search.term_probe(connection, parse_query("health -lea")) is None


def test_segments_are_counted(library: Library) -> None:
    """Each write adds a segment to the index; a rebuild leaves one."""
    counts = []
    for number in range(3):
        library.add([Reference(title=f"segment {number}")])
        with library.database.engine.connect() as opened:
            counts.append(search.index_segments(opened))
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]
    with library.database.engine.begin() as opened:
        search.rebuild(opened)
    with library.database.engine.connect() as opened:
        assert search.index_segments(opened) == 1
