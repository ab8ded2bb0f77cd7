"""Every write is one transaction: a failure half-way leaves the library as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from peerref.core.errors import StorageError, UserInputError
from peerref.core.model import ImportMethod, Reference, ReferenceId
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.library import Library
from peerref.store import repository, search, search_pg


def _snapshot(library: Library) -> tuple[object, ...]:
    ids = library.search_ids(trash=False) + library.search_ids(trash=True)
    return (
        library.get_many(ids),
        [(n.id, n.text) for i in ids for n in library.notes(i)],
        library.collections(),
        library.tags.counts(),
        library.batches(),
        {q: library.search_ids(q) for q in ("trust", "banking", "logistics", "porter")},
    )


def _fail(*_args: Any, **_kwargs: Any) -> None:
    raise sqlite3.OperationalError("disk I/O error")


@pytest.fixture
def filled(library: Library) -> Library:
    ids = sorted(library.add([Reference(title="Trust in banking", tags=("fintech",))]).added)
    collection, _ = library.add_collection("Thesis")
    library.add_to_collection(collection.id, ids)
    library.add_note(ids[0], "Porter says so")
    return library


WRITES: dict[str, Callable[[Library], object]] = {
    "add": lambda lib: lib.add([Reference(title="Logistics", tags=("new-tag",))]),
    "update": lambda lib: lib.update(
        lib.get(ReferenceId(1)).with_changes(title="Logistics", tags=("other",))
    ),
    "tag": lambda lib: lib.tag([ReferenceId(1)], add=["logistics"], remove=["fintech"]),
    "note": lambda lib: lib.add_note(ReferenceId(1), "logistics"),
    "delete": lambda lib: lib.delete_permanently([ReferenceId(1)]),
    "import": lambda lib: lib.import_parsed(
        ParseResult(
            "csl-json", "CSL-JSON", (ParsedEntry(Reference(title="Logistics"), "{}", 1, 1),)
        ),
        raw_input="{}",
        method=ImportMethod.PASTE,
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_failure_half_way_changes_nothing(
    filled: Library, monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    before = _snapshot(filled)
    # Fail at the last steps, after rows were written and old index entries removed:
    # re-indexing (every write but delete) and dropping unused tags (delete, tag, update).
    monkeypatch.setattr(search, "index", _fail)
    monkeypatch.setattr(search_pg, "add_documents", _fail)  # an import on PostgreSQL
    monkeypatch.setattr(repository.Repository, "_delete_unused_tags", _fail)
    with pytest.raises(StorageError, match=r"disk I/O error.*library is as it was"):
        WRITES[write](filled)
    monkeypatch.undo()
    assert _snapshot(filled) == before


def test_a_failure_after_some_rows_rolls_them_back(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(filled)
    real_insert = repository.bulk_insert
    calls: list[str] = []

    def insert_then_fail(connection: Any, table: Any, rows: Any) -> None:
        real_insert(connection, table, rows)
        calls.append(table.name)
        if table.name == "creator":
            raise sqlite3.IntegrityError("injected after the reference rows were written")

    monkeypatch.setattr(repository, "bulk_insert", insert_then_fail)
    with pytest.raises(StorageError):
        filled.add([Reference(title="Logistics")] * 3)
    assert calls[:2] == ["reference", "reference_detail"]
    monkeypatch.undo()
    assert _snapshot(filled) == before
    # Ids are not used up by the failed attempt either (in a file: a team library's
    # sequence is shared by every writer, and skips the numbers of a rolled-back insert).
    (new_id,) = filled.add([Reference(title="After")]).added
    assert new_id == ReferenceId(2) or filled.is_team


def test_refused_input_changes_nothing(filled: Library) -> None:
    before = _snapshot(filled)
    with pytest.raises(UserInputError, match="rating"):
        filled.add([Reference(title="Fine"), Reference(title="Bad", rating=9)])
    assert _snapshot(filled) == before
