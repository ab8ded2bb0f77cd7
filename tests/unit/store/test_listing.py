"""Sorted, filtered, paged id lists and the summaries a table shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.library import Library, SortKey

START = datetime(2024, 1, 1, tzinfo=UTC)


def _ref(
    n: int, title: str, family: str, year: int | None, source: str, **more: object
) -> Reference:
    return Reference(
        title=title,
        creators=(Creator(family=family, given="Kim"),) if family else (),
        issued=PartialDate(year),
        container_title=source,
        added=START + timedelta(days=n),
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def ids(library: Library) -> list[ReferenceId]:
    refs = [
        _ref(0, "Zebra crossings", "Ólafsson", 2001, "Urban Studies", type=ReferenceType.REPORT),
        _ref(1, "“Apples” and pears", "Adams", 2019, "British Food Journal"),
        _ref(2, "Mangroves", "Müller", None, "Ecology", type=ReferenceType.BOOK),
        _ref(3, "Ants", "", 2010, "Nature"),
    ]
    return sorted(library.add(refs).added)


@pytest.mark.parametrize(
    ("key", "order"),
    [
        (SortKey.ADDED, [0, 1, 2, 3]),
        (SortKey.AUTHOR, [3, 1, 2, 0]),  # no author first; accents folded: Ó sorts as O
        (SortKey.YEAR, [2, 0, 3, 1]),  # unknown year first
        (SortKey.TITLE, [3, 1, 2, 0]),  # leading quotation marks ignored
        (SortKey.SOURCE, [1, 2, 3, 0]),
        (SortKey.TYPE, [1, 3, 2, 0]),  # article-journal, book, report; ties by id
    ],
)
def test_sorting(library: Library, ids: list[ReferenceId], key: SortKey, order: list[int]) -> None:
    expected = [ids[i] for i in order]
    assert library.search_ids(sort=key) == expected
    assert library.search_ids(sort=key, descending=True) == expected[::-1]


def test_paging_walks_the_same_order(library: Library, ids: list[ReferenceId]) -> None:
    whole = library.search_ids(sort=SortKey.TITLE)
    pages = [library.search_ids(sort=SortKey.TITLE, limit=3, offset=o) for o in (0, 3)]
    assert pages[0] + pages[1] == whole and len(pages[0]) == 3


def test_filters(library: Library, ids: list[ReferenceId]) -> None:
    thesis, _ = library.add_collection("Thesis")
    library.add_to_collection(thesis.id, [ids[0], ids[1]])
    library.tag([ids[1], ids[2]], add=["Reading"])
    library.trash([ids[3]])
    assert library.search_ids(collection=thesis.id) == [ids[0], ids[1]]
    assert library.search_ids(unfiled=True) == [ids[2]]
    assert library.search_ids(tag="reading") == [ids[1], ids[2]]
    assert library.search_ids(trash=True) == [ids[3]]
    assert library.search_ids("year:2000..2020", collection=thesis.id, tag="Reading") == [ids[1]]
    assert library.count(collection=thesis.id) == 2 and library.count(trash=True) == 1


def test_batch_filter(library: Library, ids: list[ReferenceId]) -> None:
    assert library.search_ids(batch=None) == ids  # no batch filter at all


def test_summaries(library: Library) -> None:
    people = (
        Creator(family="Repper", given="Jean-Paul Marie"),
        Creator(family="Gogh", given="Vincent", particle="van"),
        Creator(family="Watson", given="Emma"),
        Creator(literal="WHO", role=CreatorRole.EDITOR),
    )
    refs = [
        Reference(title="Three", creators=people, issued=PartialDate(2020)),
        Reference(title="Two", creators=people[:2], issued=PartialDate(2020)),
        Reference(
            title="",
            creators=(people[3],),
            publisher="Emerald",
            type=ReferenceType.BOOK,
            abstract=(AbstractSection("Purpose", "x" * 200),),
        ),
        Reference(title="Cut", issued=PartialDate(2020), truncated=frozenset({"creators"})),
    ]
    ids = sorted(library.add(refs).added)
    rows = library.summaries([ids[3], ids[0], ReferenceId(999), ids[1], ids[2]])
    assert [r.id for r in rows] == [ids[3], ids[0], ids[1], ids[2]]
    cut, three, two, untitled = rows
    assert three.authors == "Repper, J.-P. M. et al." and three.year == 2020
    assert two.authors == "Repper, J.-P. M. & van Gogh, V."
    assert untitled.authors == "WHO (Ed.)" and untitled.source == "Emerald"
    assert untitled.abstract_start.startswith("Purpose: xxx") and untitled.abstract_start.endswith(
        "…"
    )
    assert len(untitled.abstract_start) == 81
    assert untitled.incomplete and cut.incomplete and not three.incomplete
    assert not three.trashed and three.type is ReferenceType.ARTICLE_JOURNAL
