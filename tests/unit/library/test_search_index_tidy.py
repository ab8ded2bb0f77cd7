"""Tidying the search index: merged into one segment in short steps, searches unchanged."""

from __future__ import annotations

import pytest

from peerref.core.model import AbstractSection, Creator, PartialDate, Reference
from peerref.library import Library, SearchIndexTidied
from peerref.store import search

QUERIES = ("peer", "support -recovery", '"mental health"', "title:work", "author:rep", "zzz")


def _grow_by_imports(library: Library, imports: int) -> None:
    """One import per batch of references: FTS5 writes a segment for each.

    Abstracts of many different words make each segment several pages long, so that
    a merge of one page at a time takes several steps.
    """
    words = ("peer", "support", "recovery", "mental", "health", "workers")
    for number in range(imports):
        library.add(
            [
                Reference(
                    title=" ".join(words[(number + k) % len(words)] for k in range(1 + k % 3)),
                    creators=(Creator(("Repper", "Watson")[k % 2], "Ann"),),
                    issued=PartialDate(2000 + number),
                    abstract=(
                        AbstractSection(
                            "Findings",
                            " ".join(f"term{(number * 31 + k * 7 + i) % 900}" for i in range(150)),
                        ),
                    ),
                )
                for k in range(20)
            ],
            notes=[[f"note {number} {k}"] for k in range(20)],
        )


def _results(library: Library) -> dict[str, list[int]]:
    return {query: library.search_ids(query) for query in QUERIES}


def test_tidying_leaves_one_segment_and_the_same_results(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow_by_imports(library, 6)
    segments = library.database.search_index_segments()
    if library.database.is_team:
        assert segments == 1  # one GIN index: nothing to tidy
        assert library.tidy_search_index(force=True).steps == 0
        return
    assert segments >= 6
    before = _results(library)
    monkeypatch.setattr(search, "TIDY_ABOVE_SEGMENTS", 3)
    monkeypatch.setattr(search, "TIDY_STEP_PAGES", 1)  # several steps, each committed
    assert library.search_index_needs_tidying()
    tidied = library.tidy_search_index()
    assert (tidied.segments_before, tidied.segments_after) == (segments, 1)
    assert tidied.steps > 1
    assert not tidied.stopped
    assert not library.search_index_needs_tidying()
    assert _results(library) == before
    with library.database.engine.connect() as connection:
        search.check_integrity(connection)


def test_a_tidy_index_is_left_alone_unless_forced(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow_by_imports(library, 3)
    segments = library.database.search_index_segments()
    monkeypatch.setattr(search, "TIDY_ABOVE_SEGMENTS", 8)
    assert not library.search_index_needs_tidying()
    assert library.tidy_search_index() == SearchIndexTidied(segments, segments, 0)
    assert library.tidy_search_index(force=True).segments_after == 1


def test_tidying_stops_when_asked(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    if library.database.is_team:
        pytest.skip("a team library has no segments to merge")
    _grow_by_imports(library, 4)
    segments = library.database.search_index_segments()
    asked = []

    def stop_after_two_questions() -> bool:
        asked.append(True)
        return len(asked) > 2

    monkeypatch.setattr(search, "TIDY_STEP_PAGES", 1)
    tidied = library.tidy_search_index(force=True, should_stop=stop_after_two_questions)
    assert tidied.stopped
    assert tidied.steps == 2
    assert tidied.segments_before == segments
    assert library.search_ids("peer")  # a half-merged index still answers
    with library.database.engine.connect() as connection:
        search.check_integrity(connection)
