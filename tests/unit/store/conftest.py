"""Fixtures for store tests: a fresh library file, checked for index integrity after use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerref.library import Library
from peerref.store import search


@pytest.fixture
def library(library_location: Path | str) -> Iterator[Library]:
    """A new library on each backend (a file, a team library on PostgreSQL)."""
    path = library_location
    with Library.open(path) as opened:
        yield opened
    # Whatever the test did, the search index must match the tables exactly.
    with (
        Library.open(path, daily_backup=False) as reopened,
        reopened.database.engine.connect() as db,
    ):
        search.check_integrity(db)
