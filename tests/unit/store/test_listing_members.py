"""Listing a small collection or tag starts from its members, and lists the same ids.

``listing._few_members`` lets SQLite start from the members of a small collection or tag
(the sidebar's, or a ``tag:``/``collection:`` term) instead of walking a sort index over
the whole library; both plans must give the same ids in the same order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peerref.core.model import Creator, PartialDate, Reference, ReferenceId, ReferenceType
from peerref.library import Library, SortKey
from peerref.store import listing


@pytest.fixture
def library_location(tmp_path: Path) -> Path:
    """SQLite only: starting from the members is a plan for SQLite's planner, which
    PostgreSQL (planning from its statistics) is never given."""
    return tmp_path / "library.sqlite"


@pytest.fixture
def filed(library: Library) -> dict[str, object]:
    """Sixty references in two collections (one nested) and two tags, some trashed."""
    area, _ = library.add_collection("Area")
    topic, _ = library.add_collection("Topic", area.id)
    families = ("Repper", "Watson", "Mahon", "Repton")
    references = [
        Reference(
            title=f"Peer support number {number % 9}",
            creators=(Creator(families[number % 4], "Ann"),),
            issued=PartialDate(2005 + number % 7) if number % 6 else PartialDate(),
            type=ReferenceType.BOOK if number % 5 == 0 else ReferenceType.ARTICLE_JOURNAL,
            tags=("core",) if number % 3 == 0 else ("rare",) if number % 11 == 0 else (),
            collection_ids=(area.id,)
            if number % 4 == 0
            else (topic.id,)
            if number % 9 == 0
            else (),
        )
        for number in range(60)
    ]
    ids = sorted(library.add(references).added)
    library.trash(ids[::7])
    return {"area": area.id, "topic": topic.id, "ids": ids}


def _listings(library: Library, filed: dict[str, object]) -> list[list[ReferenceId]]:
    cases: list[dict[str, object]] = [
        {"collection": filed["area"]},
        {"collection": filed["topic"]},
        {"tag": "core"},
        {"tag": "rare"},
        {"query": "tag:rare"},
        {"query": "collection:topic"},
        {"query": "tag:core peer"},
        {"query": "tag:co -tag:rare year:2006..2010"},
        {"query": "collection:area type:book", "tag": "core"},
    ]
    found = []
    for case in cases:
        query = str(case.pop("query", ""))
        for key in SortKey:
            for descending in (False, True):
                for trash in (False, True):
                    found.append(
                        library.search_ids(
                            query,
                            sort=key,
                            descending=descending,
                            trash=trash,
                            **case,  # type: ignore[arg-type]
                        )
                    )
    return found


def test_both_plans_list_the_same_ids_in_the_same_order(
    library: Library, filed: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[bool] = []
    real = listing._few_members

    def spying(*args: object) -> bool:
        chosen.append(real(*args))  # type: ignore[arg-type]
        return chosen[-1]

    monkeypatch.setattr(listing, "_few_members", spying)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM", 0.0)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM_FILTERED", 0.0)
    walking = _listings(library, filed)
    assert not any(chosen)
    chosen.clear()
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM", 2.0)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM_FILTERED", 2.0)
    from_members = _listings(library, filed)
    assert any(chosen)
    assert from_members == walking
    assert sum(1 for ids in walking if ids) > len(walking) // 2  # the cases list something


def test_a_large_collection_is_walked_in_sort_order(
    library: Library, filed: dict[str, object]
) -> None:
    """Half the library in one collection: the sort index is walked, not the members."""
    big, _ = library.add_collection("Big")
    members = list(filed["ids"])[::2]  # type: ignore[call-overload]
    library.add_to_collection(big.id, members)
    with library.database.reading() as repo:
        assert not listing._few_members(
            repo.session, listing.ListFilter(collection=big.id), listing.Query()
        )
        assert listing._few_members(
            repo.session,
            listing.ListFilter(collection=filed["topic"]),
            listing.Query(),  # type: ignore[arg-type]
        )
    listed = library.search_ids(collection=big.id, sort=SortKey.TITLE)
    assert sorted(listed) == sorted(set(members) - set(library.search_ids(trash=True)))
