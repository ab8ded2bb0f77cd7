"""Fixtures for Library façade tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerref.library import Library


@pytest.fixture
def library(library_location: Path | str) -> Iterator[Library]:
    """A new library on each backend (a file, a team library on PostgreSQL)."""
    with Library.open(library_location) as opened:
        yield opened
