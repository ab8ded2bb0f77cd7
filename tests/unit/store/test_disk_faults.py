"""A full disk and other applications' files: opening never fails for a backup, never
changes a file that is not a PeerRef library, and never leaves half-written files."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from full_disk import disk_full_error, fill_disk_for_backups

from peerref.core.errors import LibraryFileError, StorageError
from peerref.core.model import Reference
from peerref.library import Library
from peerref.store import backup
from peerref.store.database import describe_error

_real_connect = sqlite3.connect


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def make_library(path: Path, count: int = 30) -> None:
    with Library.open(path, daily_backup=False) as library:
        library.add([Reference(title=f"Kept reference number {n} " * 20) for n in range(count)])


def test_a_full_disk_during_the_daily_backup_is_a_warning_not_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite"
    make_library(path)
    refused = fill_disk_for_backups(monkeypatch)
    with Library.open(path) as library:
        assert library.count() == 30  # the library opened and reads as usual
        (warning,) = library.open_warnings
    assert refused  # the backup really ran into the full disk
    assert "automatic backup" in warning and "the disk is full" in warning
    assert "restore" not in warning  # nothing is wrong with the library itself
    assert "\n" not in warning
    backups = tmp_path / "backups"
    assert [p.name for p in backups.iterdir()] == []  # no .partial left behind


def test_a_failed_backup_after_the_copy_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy fits but flushing it to the disk fails (fsync reports the full disk)."""
    path = tmp_path / "library.sqlite"
    make_library(path)

    def full(_descriptor: int) -> None:
        raise disk_full_error()

    monkeypatch.setattr(os, "fsync", full)
    with Library.open(path) as library:
        assert library.open_warnings
        with pytest.raises(StorageError, match="the backup failed"):
            library.backup(tmp_path / "mine.sqlite")
    assert not (tmp_path / "mine.sqlite").exists()
    assert not (tmp_path / "mine.sqlite.partial").exists()
    assert list((tmp_path / "backups").iterdir()) == []


def test_the_next_day_the_backup_is_taken_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "library.sqlite"
    make_library(path)
    with monkeypatch.context() as full:
        fill_disk_for_backups(full)
        Library.open(path).close()
    with Library.open(path) as library:  # room again: today's backup is made now
        assert library.open_warnings == ()
    assert len(list((tmp_path / "backups").glob("library-auto-*.sqlite"))) == 1


def test_partial_files_of_killed_backups_are_cleared_once_stale(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    make_library(path)
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "library-auto-20260101-101010.sqlite.partial"
    in_progress = backups / "library-manual-20260101-101011.sqlite.partial"
    someone_elses = backups / "other-auto-20260101-101010.sqlite.partial"
    for partial in (stale, in_progress, someone_elses):
        partial.write_bytes(b"half a backup")
    old = time.time() - backup.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(someone_elses, (old, old))
    Library.open(path).close()
    assert not stale.exists()
    assert in_progress.exists()  # may be another program's backup under way
    assert someone_elses.exists()  # another library's


def test_disk_full_while_opening_says_so_instead_of_restore(tmp_path: Path) -> None:
    error = sqlite3.OperationalError("database or disk is full")
    message = describe_error(error, tmp_path / "library.sqlite", tmp_path / "backups")
    assert "full" in message and "free some space" in message
    assert "restore" not in message


# --- other applications' files -------------------------------------------------------------


def _foreign_database(path: Path, journal_mode: str) -> None:
    db = _real_connect(path)
    db.execute(f"PRAGMA journal_mode={journal_mode}")
    db.execute("CREATE TABLE songs (title TEXT, artist TEXT)")
    db.executemany("INSERT INTO songs VALUES (?, ?)", [("Song", "Artist")] * 50)
    db.commit()
    db.close()


def _snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, _names(path.parent)


ForeignMaker = Callable[[Path], None]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_another_applications_database_is_left_exactly_as_it_was(
    tmp_path: Path, journal_mode: str
) -> None:
    path = tmp_path / "music.db"
    _foreign_database(path, journal_mode)
    before = _snapshot(path)
    time.sleep(0.01)  # so that any write would show in the modification time
    for attempt in (Library.check_file, Library.open):
        with pytest.raises(LibraryFileError, match="SQLite database but not a PeerRef library"):
            attempt(path)
    assert _snapshot(path) == before  # same bytes, same time, no -wal, -shm or backups


def test_an_empty_file_and_a_missing_file_are_set_up(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    for path in (empty, tmp_path / "missing.sqlite"):
        Library.check_file(path)
        with Library.open(path) as library:
            library.add([Reference(title="First")])
        with Library.open(path) as library:
            assert library.count() == 1


def test_an_sqlite_file_without_tables_is_set_up(tmp_path: Path) -> None:
    path = tmp_path / "blank.sqlite"
    db = _real_connect(path)
    db.execute("VACUUM")  # writes the header of an empty database
    db.close()
    with Library.open(path) as library:
        library.add([Reference(title="First")])
    with Library.open(path) as library:
        assert library.count() == 1


def test_a_library_whose_latest_commits_are_only_in_the_wal_is_recognised(
    tmp_path: Path,
) -> None:
    """A PeerRef killed right after creating its library: the main file has no stamp yet."""
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        library.add([Reference(title="Only in the WAL")])
        copy = tmp_path / "copy.sqlite"
        # The files a crash leaves: the main file as it is on disk, and its -wal.
        copy.write_bytes(path.read_bytes())
        Path(f"{copy}-wal").write_bytes(Path(f"{path}-wal").read_bytes())
    header = copy.read_bytes()[:100]
    assert header[68:72] == b"\x00\x00\x00\x00"  # the stamp is not in the main file
    Library.check_file(copy)
    with Library.open(copy) as recovered:
        assert recovered.count() == 1


def test_text_file_and_short_sqlite_file_are_refused_unchanged(tmp_path: Path) -> None:
    short = tmp_path / "short.sqlite"
    short.write_bytes(b"SQLite format 3\x00\x10\x00")
    with pytest.raises(LibraryFileError, match="damaged"):
        Library.open(short)
    assert short.read_bytes() == b"SQLite format 3\x00\x10\x00"
    assert _names(tmp_path) == ["short.sqlite"]
