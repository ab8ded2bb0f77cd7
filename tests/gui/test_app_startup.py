"""Start-up on a full disk or another application's file: a message box, never silence."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from full_disk import FullDisk
from PySide6.QtWidgets import QApplication, QMessageBox

from peerref import app as peerref_app
from peerref.lockfile import LibraryInUseError, LibraryLock, read_holder


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """app.main adds a log handler to the root logger; take it off again."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the critical message boxes PeerRef shows."""
    texts: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: texts.append(text))
    )
    return texts


def test_an_oserror_during_start_up_is_shown_not_swallowed(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restored_logging: None,
    shown: list[str],
) -> None:
    library = tmp_path / "library.sqlite"

    def disk_full(*_args: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "somewhere"))

    monkeypatch.setattr(peerref_app, "_run_window", disk_full)
    assert peerref_app.main(["--library", str(library)]) == 1
    (text,) = shown
    assert "PeerRef cannot start" in text
    assert "The disk is full" in text and str(tmp_path / "somewhere") in text
    with LibraryLock(library) as lock:  # the lock was released on the way out
        assert lock.held


def test_a_full_disk_for_the_lock_record_does_not_stop_the_start(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restored_logging: None,
    shown: list[str],
) -> None:
    library = tmp_path / "lib" / "library.sqlite"
    library.parent.mkdir()
    disk = FullDisk(monkeypatch, library.parent, free=0)
    reached: list[bool] = []

    def window(_app: Any, paths: Any, *_args: Any) -> int:
        # The window would start here: the library is locked against a second writer.
        with pytest.raises(LibraryInUseError):
            LibraryLock(paths.library_file).acquire()
        reached.append(True)
        return 0

    monkeypatch.setattr(peerref_app, "_run_window", window)
    assert peerref_app.main(["--library", str(library)]) == 0
    assert disk.refused
    assert reached == [True]
    assert shown == []
    assert read_holder(library.with_name("library.sqlite.lock")) is None


def test_another_applications_database_is_refused_before_any_lock_file(
    qapp: QApplication, tmp_path: Path, restored_logging: None, shown: list[str]
) -> None:
    path = tmp_path / "history.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE visits (url TEXT)")
    db.commit()
    db.close()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert peerref_app.main(["--library", str(path)]) == 1
    (text,) = shown
    assert "PeerRef cannot open its library" in text
    assert "not a PeerRef library" in text
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert _names(tmp_path) == ["history.db"]  # no .lock, -wal or -shm


def test_a_team_library_url_is_never_taken_for_a_path(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restored_logging: None,
    shown: list[str],
) -> None:
    """``peerref --library postgresql://…`` asks the server, and makes no folder or lock."""
    monkeypatch.chdir(tmp_path)
    assert peerref_app.main(["--library", "postgresql://nobody@127.0.0.1:1/team"]) == 1
    (text,) = shown
    assert "cannot open the team library postgresql://nobody@127.0.0.1:1/team" in text
    assert _names(tmp_path) == []
