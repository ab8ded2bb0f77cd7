"""A large batch takes the bulk path (bigger cache, keys in index order) with the same result."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import text

from peerref.core.dedupe import blocking_keys
from peerref.core.errors import StorageError
from peerref.core.model import Creator, PartialDate, Reference
from peerref.library import Library
from peerref.store import search, search_pg
from peerref.store.engine import BULK_ROWS
from peerref.store.repository import NO_KEYS

# Enough references that add_references and search.index take their bulk branches.
COUNT = BULK_ROWS + 250


def _reference(number: int) -> Reference:
    """A reference whose title, author and abstract words are its own, plus a shared word."""
    return Reference(
        title=f"Caregiver burden study {number} quokka{number}",
        creators=(Creator(family=f"Wallaby{number}", given="Ann"),),
        issued=PartialDate(1990 + number % 30),
        doi=f"10.9999/bulk.{number}" if number % 3 == 0 else "",
        tags=("bulk",) if number % 2 == 0 else (),
    )


def test_a_bulk_add_is_searchable_and_keyed_like_single_adds(library: Library) -> None:
    references = [_reference(n) for n in range(COUNT)]
    notes = [[f"margin note wombat{n}"] if n % 5 == 0 else [] for n in range(COUNT)]

    ids = sorted(library.add(references, notes=notes).added)

    assert len(ids) == COUNT
    assert len(library.search_ids("caregiver burden")) == COUNT
    assert len(library.search_ids("wombat0")) == 1
    assert library.search_ids("quokka1234") == library.search_ids('author:"Wallaby1234"')
    assert len(library.search_ids("tag:bulk")) == (COUNT + 1) // 2
    stored = library.get_many(ids)
    with library.database.engine.connect() as db:
        keys = db.execute(text("SELECT reference_id, key FROM dedupe_key")).all()
    by_id: dict[int, set[str]] = {}
    for ref_id, key in keys:
        by_id.setdefault(ref_id, set()).add(key)
    for ref in stored:
        assert ref.id is not None
        assert by_id[ref.id] == (set(blocking_keys(ref)) or {NO_KEYS})


def test_a_failing_bulk_add_leaves_nothing(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.add([_reference(-1)])
    # The last write of an add: the text index (on PostgreSQL, the new documents' COPY).
    postgres = library.database.engine.dialect.name == "postgresql"
    module: Any = search_pg if postgres else search
    name = "add_documents" if postgres else "index"
    real_index = getattr(module, name)

    def index_then_fail(connection: Any, ids: Any) -> None:
        real_index(connection, ids)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(module, name, index_then_fail)
    with pytest.raises(StorageError):
        library.add([_reference(n) for n in range(COUNT)])
    monkeypatch.undo()

    assert len(library.search_ids("caregiver")) == 1
    with library.database.engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM dedupe_key")).scalar() == 2
