"""The same library on both backends answers every search with the same references.

FTS5 on SQLite and tsvector on PostgreSQL are different engines behind one search
language; this builds one library twice and compares the answers, for chosen queries
and for arbitrary ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.library import Library

WORDS = [
    "peer",
    "support",
    "Müller",
    "self-efficacy",
    "e-mail",
    "10.1108/JD-2012",
    "naïve",
    "café",
    "œuvre",
    "über",
    "recovery",
    "Recovery",
    "RECOVERY",
    "co-production",
    "ward",
    "wards",
    "acute",
    "2012",
    "covid-19",
    "O'Brien",
    "التعلم",
    "الرقمي",
    "精神",
    "health",
    "mental-health",
    "randomised",
    "randomized",
    "trial",
    "trials",
]


def _references() -> list[Reference]:
    refs = []
    for n in range(36):
        words = [WORDS[(n * 7 + k) % len(WORDS)] for k in range(6)]
        refs.append(
            Reference(
                type=(ReferenceType.ARTICLE_JOURNAL, ReferenceType.BOOK, ReferenceType.CHAPTER)[
                    n % 3
                ],
                title=" ".join(words[:4]),
                creators=(
                    Creator(family=WORDS[n % len(WORDS)].title(), given="Ann"),
                    Creator(family="van Dijk" if n % 4 == 0 else "Ó Súilleabháin", given="Jo"),
                ),
                container_title=f"Journal of {words[4]}",
                issued=PartialDate(1995 + n % 30) if n % 5 else PartialDate(),
                abstract=(AbstractSection("Purpose", " ".join(words)),),
                keywords=(words[5],),
                tags=(("to-read",) if n % 2 else ()) + (("ML",) if n % 3 == 0 else ()),
            )
        )
    return refs


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: object, postgres_template: str
) -> Iterator[tuple[Library, Library]]:
    path: Path = tmp_path_factory.mktemp("parity") / "library.sqlite"
    url: str = postgres_server.create_database(template=postgres_template)  # type: ignore[attr-defined]
    with Library.open(path) as lite, Library.open(url) as team:
        for library in (lite, team):
            ids = sorted(library.add(_references()).added)
            collection, _ = library.add_collection("Thesis chapter")
            library.add_to_collection(collection.id, ids[::4])
            library.add_note(ids[1], "Discussed with the café group")
        yield lite, team


QUERIES = [
    *WORDS,
    "rec",
    "reco",
    "pe",
    "muller",
    "MÜLLER",
    "naive",
    "cafe",
    "oeuvre",
    '"peer support"',
    '"support peer"',
    "author:van",
    "author:dijk",
    'author:"van dijk"',
    "author:o",
    "title:recovery",
    "title:rec -acute",
    "-recovery",
    "-tag:to-read",
    "tag:to",
    "tag:ml",
    "tag:ML",
    "collection:thesis",
    'collection:"thesis chapter"',
    "type:book",
    "type:chap",
    "year:2012",
    "year:2000..2010",
    "year:..2000",
    "recovery year:2010..2020 -type:book",
    "10.1108",
    "jd-2012",
    "covid",
    "19",
    "café group",
    "discussed",
    "الرقمي",
    "精神",
    "o'brien",
    "obrien",
    "random* trial",
    "AND OR NOT",
    '"',
    "-",
    "title:",
]


@pytest.mark.parametrize("query", QUERIES)
def test_both_backends_find_the_same_references(pair: tuple[Library, Library], query: str) -> None:
    lite, team = pair
    assert team.search_ids(query) == lite.search_ids(query)
    assert team.count(query) == lite.count(query)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from([*WORDS, "-", '"', ":", "author:", "title:", "tag:", " ", "*", "ü"]),
        max_size=5,
    ).map(" ".join)
)
def test_arbitrary_queries_agree(pair: tuple[Library, Library], query: str) -> None:
    lite, team = pair
    assert team.search_ids(query) == lite.search_ids(query)
