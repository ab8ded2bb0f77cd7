"""Fixtures for the packaging tests: PeerRef processes that never outlive a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peerref_process import RIS_TEXT, Launcher, python_command


@pytest.fixture
def launcher() -> Iterator[Launcher]:
    started = Launcher(python_command())
    yield started
    started.close()


@pytest.fixture
def ris_file(tmp_path: Path) -> Path:
    path = tmp_path / "okafor-2024.ris"
    path.write_text(RIS_TEXT, encoding="utf-8")
    return path
