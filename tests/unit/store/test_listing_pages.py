"""A page of a listing, found by a bounded walk of its sort index, is the list's own page.

``listing._walked_page`` finds the first rows of a large library's listing by reading
the sort index in order and testing each reference, instead of the plan for the whole
list; when the walk holds too few it gives up and that plan runs. Whichever way a page
is found, it must be exactly the slice of the whole sorted list. The walk only runs in
libraries larger than it, so these tests shrink it to fit a small library.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peerref.core.model import Creator, PartialDate, Reference, ReferenceId, ReferenceType
from peerref.library import Library, SortKey
from peerref.store import listing


@pytest.fixture
def library_location(tmp_path: Path) -> Path:
    """SQLite only: the walk is a plan for SQLite's planner; PostgreSQL plans itself."""
    return tmp_path / "library.sqlite"


@pytest.fixture
def filed(library: Library) -> dict[str, object]:
    """120 references in nested collections, with common and rare tags, some trashed."""
    area, _ = library.add_collection("Area")
    topic, _ = library.add_collection("Topic", area.id)
    families = ("Repper", "Watson", "Mahon", "Repton", "Álvarez", "")
    words = ("peer", "support", "recovery", "mental", "health", "workers")
    references = [
        Reference(
            title=" ".join(words[(number + k) % len(words)] for k in range(1 + number % 3)),
            creators=(Creator(families[number % 6], "Ann"),) if families[number % 6] else (),
            issued=PartialDate(2005 + number % 7) if number % 6 else PartialDate(),
            type=ReferenceType.BOOK if number % 5 == 0 else ReferenceType.ARTICLE_JOURNAL,
            tags=("core",) if number % 3 == 0 else ("rare",) if number % 29 == 0 else (),
            collection_ids=(area.id,)
            if number % 4 == 0
            else (topic.id,)
            if number % 9 == 0
            else (),
        )
        for number in range(120)
    ]
    ids = sorted(library.add(references).added)
    library.trash(ids[::7])
    return {"area": area.id, "topic": topic.id}


CASES: list[dict[str, object]] = [
    {"query": "year:2006..2010"},
    {"query": "type:book"},
    {"query": "-type:book peer"},
    {"query": "tag:core"},
    {"query": "tag:rare"},
    {"query": "collection:area"},
    {"query": "collection:topic peer"},
    {"query": "tag:co -tag:rare year:2006..2010"},
    {"query": "support", "tag": "core"},
    {"query": "", "unfiled": True},
    {"query": "health", "unfiled": True},
    {"query": "", "collection": "area"},
    {"query": "year:2011", "collection": "topic"},
    # Text alone: walked testing each reference against the words (search.term_probe).
    {"query": "health"},
    {"query": "rec"},
    {"query": "sup -health"},
    {"query": 'peer -"mental health"'},
    # Text and a test of each row: walked among the matches (listing._walked_matches).
    {"query": "peer year:2006..2011"},
    {"query": "health -type:book"},
]


def _pages_and_lists(library: Library, filed: dict[str, object]) -> list[tuple[list, list]]:
    """(page as listed, the same slice of the whole list) for every case, sort and page."""
    found = []
    for case in CASES:
        options = dict(case)
        query = str(options.pop("query"))
        if "collection" in options:
            options["collection"] = filed[str(options["collection"])]
        for key in (SortKey.AUTHOR, SortKey.TITLE, SortKey.YEAR, SortKey.ADDED):
            for descending in (False, True):
                for trash in (False, True):
                    whole = library.search_ids(
                        query, sort=key, descending=descending, trash=trash, **options
                    )
                    for limit, offset in ((5, 0), (10, 0), (7, 3), (20, 15)):
                        page = library.search_ids(
                            query,
                            sort=key,
                            descending=descending,
                            trash=trash,
                            limit=limit,
                            offset=offset,
                            **options,
                        )
                        found.append((page, whole[offset : offset + limit]))
    return found


def test_a_walked_page_is_the_slice_of_the_whole_list(
    library: Library, filed: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    walks: list[tuple[int, int]] = []
    probed: list[int] = []
    real_walk = listing._walk

    def counting_walk(*args: object) -> list[ReferenceId]:
        page = real_walk(*args)  # type: ignore[arg-type]
        walks.append((len(page), int(args[5])))  # type: ignore[call-overload]
        if len(args) > 8 and args[8] is not None:
            probed.append(len(page))
        return page

    monkeypatch.setattr(listing, "_walk", counting_walk)
    # A walk of at most 40 rows (a first try of 8) in a library of 120.
    monkeypatch.setattr(listing, "WALK_MIN_ROWS", 40)
    monkeypatch.setattr(listing, "WALK_ROWS_PER_ROW_WANTED", 2)
    monkeypatch.setattr(listing, "PAGE_MATCHES_DIVISOR", 10**9)  # never start from matches
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM", 0.0)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM_FILTERED", 0.0)
    # Testing a reference against the words costs nothing: text alone always walks.
    monkeypatch.setattr(listing, "PROBE_MICROSECONDS", 0.0)
    monkeypatch.setattr(listing, "PROBE_MICROSECONDS_PER_SEGMENT", 0.0)
    for page, expected in _pages_and_lists(library, filed):
        assert page == expected
    found_by_walking = [size for size, limit in walks if size == limit]
    given_up = [size for size, limit in walks if size < limit]
    assert found_by_walking, "no page was found by the walk"
    assert given_up, "no walk gave up for the plan of the whole list"
    assert probed, "no page of text alone was walked"


def test_without_the_walk_pages_are_the_same(
    library: Library, filed: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan for the whole list, cut to a page (the walk is longer than the library)."""
    walked: list[object] = []
    monkeypatch.setattr(listing, "_walk", lambda *args: walked.append(args) or [])
    for page, expected in _pages_and_lists(library, filed):
        assert page == expected
    assert not walked


def test_a_page_walked_among_the_matches_is_the_slice_of_the_whole_list(
    library: Library, filed: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listings that start from their matches and test rows may walk among the matches."""
    outcomes: list[bool] = []
    real_walk = listing._walked_matches

    def recording_walk(*args: object) -> list[ReferenceId] | None:
        page = real_walk(*args)  # type: ignore[arg-type]
        outcomes.append(page is not None)
        return page

    monkeypatch.setattr(listing, "_walked_matches", recording_walk)
    monkeypatch.setattr(
        listing, "_start_limit", lambda *_args, **_kwargs: 10**9
    )  # always start there
    # The first match per row wanted; walking costs nothing: walk whenever they are more.
    monkeypatch.setattr(listing, "MATCHED_WALK_ROWS_PER_ROW_WANTED", 1)
    monkeypatch.setattr(listing, "INDEX_ENTRY_MICROSECONDS", 0.0)
    monkeypatch.setattr(listing, "ROW_MICROSECONDS", 1.0)
    for page, expected in _pages_and_lists(library, filed):
        assert page == expected
    assert True in outcomes, "no page was found among the matches"
    assert False in outcomes, "no walk among the matches gave up"


def test_a_page_of_a_large_library_starts_from_fewer_matches_than_the_whole_list() -> None:
    """A page starts from the matches below about sqrt(rows x library / 5), not a tenth."""
    assert listing._start_limit(1_000_000, 0.1, None) == 100_001
    assert listing._start_limit(1_000_000, 0.1, 100) == 4473
    assert listing._start_limit(1000, 0.1, 100) == 101  # a small library: the share decides
    # A walk of 5,000 rows finds 100 only when one in 50 qualifies: below that, start.
    assert listing._start_limit(1_000_000, 0.1, 100, 5000) == 20_001
    assert listing._start_limit(1_000_000, 0.1, 100, 1000) == 100_001


def test_a_team_librarys_page_starts_from_more_matches_as_its_walk_reads_documents() -> None:
    """PostgreSQL's walk tests each reference's document, read out of line: a page starts
    from the matches below about sqrt(rows x library x 25 / 1.6)."""
    assert listing._start_limit(1_000_000, 0.1, 100, postgres=True) == 39_529
    assert listing._start_limit(1_000_000, 0.1, None, postgres=True) == 100_001
    assert listing._start_limit(100_000, 0.1, 100, postgres=True) == 10_001  # the share
