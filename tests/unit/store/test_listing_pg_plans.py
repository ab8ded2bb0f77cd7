"""How PostgreSQL plans a team library's first pages: sorted by year, and of a search.

Empty years come first going up and last going down (SQLite's order of NULLs); only
revision 0011's index holds rows in that order, so without it the server reads and
sorts every reference for a page of 100.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

from peerref.core.model import PartialDate, Reference
from peerref.library import Library, SortKey
from peerref.store import search, search_pg

REFERENCES = 3000
PAGE = 100


@pytest.fixture
def dated_library(postgres_url: str) -> Iterator[Library]:
    """A team library where a year is missing from every seventh reference, analysed."""
    with Library.open(postgres_url) as library:
        library.add(
            [
                Reference(
                    title=f"Paper {n}",
                    issued=PartialDate() if n % 7 == 0 else PartialDate(1950 + n % 70),
                )
                for n in range(REFERENCES)
            ]
        )
        with library.database.engine.begin() as db:
            db.execute(text("ANALYZE reference"))
        yield library


def _page_statement(library: Library, *, descending: bool) -> tuple[str, Any, list[int]]:
    """The statement (and parameters) of the first page by year, and the ids it gave."""
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "issued_year" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    engine = library.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        ids = library.search_ids(sort=SortKey.YEAR, descending=descending, limit=PAGE)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(seen) == 1
    return seen[0][0], seen[0][1], [int(i) for i in ids]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("descending", [False, True])
def test_the_first_page_by_year_is_read_from_an_index_without_a_sort(
    dated_library: Library, descending: bool
) -> None:
    statement, parameters, ids = _page_statement(dated_library, descending=descending)
    with dated_library.database.engine.connect() as db:
        raw = db.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    kinds = [node["Node Type"] for node in _nodes(plan)]

    assert not [kind for kind in kinds if "Sort" in kind]
    scans = [node for node in _nodes(plan) if node["Node Type"].startswith("Index")]
    assert [node["Index Name"] for node in scans] == ["ix_reference_sort_year_nulls_first"]
    assert scans[0]["Scan Direction"] == ("Backward" if descending else "Forward")
    # And the page is the listing's order: empty years first going up, last going down.
    every = dated_library.search_ids(sort=SortKey.YEAR, descending=descending)
    assert ids == every[:PAGE]
    years = {ref.id: ref.issued.year for ref in dated_library.get_many(ids)}
    if descending:
        assert years[ids[0]] == 1950 + 69  # the latest year given
    else:
        assert {years[i] for i in ids} == {None}


@pytest.fixture
def worded_library(postgres_url: str) -> Iterator[Library]:
    """A team library where every reference says "common" and one in 300 "rare", analysed."""
    with Library.open(postgres_url) as library:
        library.add(
            [
                Reference(title=f"Common study {n}" + (" rare" if n % 300 == 0 else ""))
                for n in range(REFERENCES)
            ]
        )
        with library.database.engine.begin() as db:
            db.execute(text("ANALYZE reference_fts"))
        yield library


def _match_reads(library: Library, expression: str, limit: int) -> tuple[str | None, int]:
    """``matches_if_fewer``'s answer, and how many statements read matching documents."""
    reads: list[str] = []

    def record(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "json_agg" in statement:
            reads.append(statement)

    engine = library.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.connect() as db:
            answer = search.matches_if_fewer(db, expression, limit)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return answer, len(reads)


def test_matches_the_planner_expects_to_be_many_are_not_read(worded_library: Library) -> None:
    with worded_library.database.engine.connect() as db:
        assert search_pg.estimated_matches(db, "'common'") > REFERENCES * 0.9

    assert _match_reads(worded_library, "'common'", 1000) == (None, 0)
    few, reads = _match_reads(worded_library, "'rare'", 1000)
    assert reads == 1 and len(json.loads(few or "[]")) == REFERENCES // 300
    # A phrase's estimate is that of its words anywhere: only reading tells.
    assert _match_reads(worded_library, "'common' <-> 'rare'", 1000)[1] == 1
    # The listings read the same either way.
    assert (
        worded_library.search_ids("common", sort=SortKey.TITLE, limit=PAGE)
        == (worded_library.search_ids("common", sort=SortKey.TITLE)[:PAGE])
    )


def _plans_of_reads(
    library: Library, run: Any, table: str = search_pg.INDEX_TABLE
) -> list[dict[str, Any]]:
    """The plans, as the server made them in the listing's transaction, of each
    statement ``run`` sends that reads the full-text table (or ``table``)."""
    plans: list[dict[str, Any]] = []

    def record(_c: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if f"FROM {table}" in statement and statement.lstrip().startswith("SELECT"):
            with cursor.connection.cursor() as explain:
                explain.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
                raw = explain.fetchone()[0]
            plans.append((raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"])

    engine = library.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return plans


@pytest.mark.parametrize(
    "words", ["common", "rare", "common -rare", "study common", "-rare", "-common"]
)
def test_searches_read_matches_through_the_index_never_the_whole_table(
    worded_library: Library, words: str
) -> None:
    """Revision 0014 keeps the documents in TOAST, where a scan of the whole table would
    read every one back to test it; the GIN index gives the same ids without them."""
    library = worded_library
    expected = sorted(
        ref.id
        for ref in library.get_many(library.search_ids())
        if all(
            (word.lstrip("-") in ref.title.lower().split()) != word.startswith("-")
            for word in words.split()
        )
    )
    plans = _plans_of_reads(
        library,
        lambda: (
            library.count(words),
            library.search_ids(words, sort=SortKey.TITLE),
            library.search_ids(words, sort=SortKey.TITLE, limit=PAGE),
        ),
    )

    assert plans, "no statement read the full-text table"
    for plan in plans:
        scans = [node for node in _nodes(plan) if node.get("Relation Name") == "reference_fts"]
        assert [node["Node Type"] for node in scans if node["Node Type"] == "Seq Scan"] == []
    assert library.count(words) == len(expected)
    assert sorted(library.search_ids(words)) == expected


def _anti_joins_only(plans: list[dict[str, Any]]) -> None:
    """Each plan answers its exclusion as an anti join, none by testing a list per row."""
    assert plans
    for plan in plans:
        nodes = list(_nodes(plan))
        assert [node for node in nodes if node.get("Parent Relationship") == "SubPlan"] == []
        assert [node for node in nodes if node.get("Join Type") == "Anti"]


@pytest.mark.parametrize("words", ["-rare", "-common", "-rare -nothing"])
def test_a_search_of_exclusions_only_is_an_anti_join(worded_library: Library, words: str) -> None:
    """Once the excluded matches outgrow ``work_mem``, a NOT IN list is tested against
    each reference in turn (26 s for "-learning" in a million); an anti join probes
    each reference's document once, or hashes the matches once."""
    library = worded_library
    plans = _plans_of_reads(
        library,
        lambda: (library.count(words), library.search_ids(words, sort=SortKey.TITLE, limit=PAGE)),
    )

    assert len(plans) == 2
    _anti_joins_only(plans)
    excluded = "rare" if "rare" in words else "common"
    expected = [
        ref.id
        for ref in library.get_many(library.search_ids())
        if excluded not in ref.title.lower().split()
    ]
    assert library.count(words) == len(expected)
    assert sorted(library.search_ids(words)) == sorted(expected)


@pytest.fixture
def filed_library(postgres_url: str) -> Iterator[Library]:
    """A team library where two references in three are filed and one in five tagged."""
    with Library.open(postgres_url) as library:
        ids = library.add([Reference(title=f"Paper {n}") for n in range(REFERENCES)]).added
        area, _ = library.add_collection("Area one")
        library.add_to_collection(area.id, [i for n, i in enumerate(ids) if n % 3])
        library.tag([i for n, i in enumerate(ids) if n % 5 == 0], add=["screened"])
        with library.database.engine.begin() as db:
            db.execute(text("ANALYZE"))
        yield library


@pytest.mark.parametrize(
    ("query", "unfiled", "table", "kept"),
    [
        ("", True, "reference_collection", lambda n: n % 3 == 0),
        ("-collection:area", False, "reference_collection", lambda n: n % 3 == 0),
        ("-tag:screened", False, "reference_tag", lambda n: n % 5 != 0),
    ],
    ids=["unfiled", "not-in-collection", "not-tagged"],
)
def test_references_outside_a_collection_or_tag_are_an_anti_join(
    filed_library: Library, query: str, unfiled: bool, table: str, kept: Any
) -> None:
    """The Unfiled view of a million references (750,000 filed) did not show its first
    page in five minutes: PostgreSQL tested each reference against a NOT IN list of
    every filed one, too long to hash within work_mem."""
    library = filed_library
    plans = _plans_of_reads(
        library,
        lambda: (
            library.count(query, unfiled=unfiled),
            library.search_ids(query, unfiled=unfiled, sort=SortKey.TITLE, limit=PAGE),
        ),
        table=table,
    )

    _anti_joins_only(plans)
    titles = {ref.id: ref.title for ref in library.get_many(library.search_ids())}
    expected = sorted(i for i, title in titles.items() if kept(int(title.split()[1])))
    assert library.count(query, unfiled=unfiled) == len(expected)
    assert sorted(library.search_ids(query, unfiled=unfiled)) == expected
