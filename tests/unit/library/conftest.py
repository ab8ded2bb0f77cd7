"""Fixtures for Library façade tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerref.library import Library


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite") as opened:
        yield opened
