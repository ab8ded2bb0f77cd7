"""Fixtures for store tests: a fresh library file, checked for index integrity after use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerref.library import Library
from peerref.store import search


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    path = tmp_path / "library.sqlite"
    with Library.open(path) as opened:
        yield opened
    # Whatever the test did, the search index must match the tables exactly.
    with (
        Library.open(path, daily_backup=False) as reopened,
        reopened.database.engine.connect() as db,
    ):
        search.check_integrity(db)
