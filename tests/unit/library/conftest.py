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


@pytest.fixture
def two(library_location: Path | str) -> Iterator[tuple[Library, Library]]:
    """Ann's and Bob's libraries: the same library, opened twice."""
    with Library.open(library_location) as ann, Library.open(library_location) as bob:
        ann.set_user("Ann")
        bob.set_user("Bob")
        yield ann, bob
