"""When opening runs the integrity check: before a backup is taken, and not otherwise.

``PRAGMA quick_check`` reads the whole file (0.6 s at 100,000 references), so opening
runs it only when the file is about to be copied into a backup (the first open of the
day, or before a migration): a damaged file must never replace a good backup.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from peerref.core.errors import LibraryFileError, StorageError
from peerref.core.model import Reference
from peerref.library import Library
from peerref.store import backup, database


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Counts the integrity checks made, while still making them."""
    made: list[Path] = []
    real = database.quick_check

    def counting(connection: Connection) -> list[str]:
        made.append(Path(str(connection.engine.url.database)))
        return real(connection)

    monkeypatch.setattr(database, "quick_check", counting)
    return made


def _library(path: Path, count: int = 200) -> None:
    with Library.open(path) as library:
        library.add([Reference(title=f"Title {n} " * 40) for n in range(count)])


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 8192
    data[page * 2 : page * 6] = os.urandom(page * 4)
    path.write_bytes(bytes(data))


def test_only_the_open_that_takes_the_daily_backup_checks_the_file(
    tmp_path: Path, checks: list[Path]
) -> None:
    path = tmp_path / "library.sqlite"
    _library(path)
    assert checks == []  # a new library has nothing to check
    Library.open(path).close()  # the first open of the day: backup taken, after a check
    assert len(checks) == 1
    assert not backup.backup_due(path, tmp_path / "backups")
    for _ in range(3):
        with Library.open(path) as library:
            assert library.count() == 200
    assert len(checks) == 1


def test_an_open_without_the_daily_backup_does_not_check(
    tmp_path: Path, checks: list[Path]
) -> None:
    path = tmp_path / "library.sqlite"
    _library(path)
    with Library.open(path, daily_backup=False) as library:
        assert library.count() == 200
    assert checks == []
    assert backup.backup_due(path, tmp_path / "backups")


def test_damage_is_found_before_it_reaches_the_daily_backup(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _library(path)
    _damage(path)
    with pytest.raises(LibraryFileError, match="damaged"):
        Library.open(path)
    assert not list(tmp_path.glob("backups/*.sqlite"))


def _damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of one table, as a failing disk sector would."""
    db = sqlite3.connect(path)
    (page_size,) = db.execute("PRAGMA page_size").fetchone()
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    db.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\x5a" * page_size)


def test_damage_after_todays_backup_is_a_clear_error_when_met(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _library(path)
    Library.open(path).close()  # today's backup
    _damage_table(path, "reference")
    with (
        Library.open(path) as library,  # not checked again today
        pytest.raises(StorageError, match="malformed") as error,
    ):
        library.get_many(library.search_ids("title"))
    assert "\n" not in str(error.value)
    # The next day's first open checks it again, and names the way out.
    for made in (tmp_path / "backups").glob("*.sqlite"):
        made.unlink()
    with pytest.raises(LibraryFileError, match="damaged") as refused:
        Library.open(path)
    assert "restore-backup" in str(refused.value)
