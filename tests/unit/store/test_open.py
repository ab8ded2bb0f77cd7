"""Opening library files: clear one-line errors for unusable files, and the backups."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from peerref.core.errors import LibraryFileError, NewerLibraryError, NotFoundError
from peerref.core.model import Reference, ReferenceId
from peerref.library import Library
from peerref.store.backup import AUTO_BACKUPS_KEPT, backup_name
from peerref.store.engine import APPLICATION_ID


def _make_library(path: Path, titles: tuple[str, ...] = ("One", "Two")) -> None:
    with Library.open(path) as library:
        library.add([Reference(title=t) for t in titles])


def _assert_one_line(error: pytest.ExceptionInfo[BaseException]) -> None:
    assert "\n" not in str(error.value)
    assert str(error.value)


def test_a_new_library_is_created_and_stamped(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "library.sqlite"
    Library.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
    assert not (path.parent / "backups").exists()  # nothing to protect yet


def test_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Not a database at all, just some notes.\n")
    with pytest.raises(LibraryFileError, match="not a PeerRef library") as error:
        Library.open(path)
    _assert_one_line(error)
    assert path.read_text() == "Not a database at all, just some notes.\n"


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE songs (title TEXT)")
    db.commit()
    db.close()
    with pytest.raises(LibraryFileError, match="SQLite database but not a PeerRef") as error:
        Library.open(path)
    _assert_one_line(error)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="folder"):
        Library.open(tmp_path)


def test_a_damaged_library_names_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path, tuple(f"Title {n} " * 40 for n in range(200)))
    data = bytearray(path.read_bytes())
    page = 8192
    data[page * 2 : page * 6] = os.urandom(page * 4)
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryFileError, match="damaged") as error:
        Library.open(path)
    _assert_one_line(error)
    assert "peerref-cli restore-backup FILE" in str(error.value)


def test_a_truncated_library_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path, tuple(f"Title {n} " * 40 for n in range(200)))
    path.write_bytes(path.read_bytes()[: 8192 * 3])
    with pytest.raises(LibraryFileError, match=r"damaged|restore-backup") as error:
        Library.open(path)
    _assert_one_line(error)


def test_a_library_from_a_newer_peerref_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '9999_future'")
    db.commit()
    db.close()
    with pytest.raises(NewerLibraryError, match="newer version of PeerRef") as error:
        Library.open(path)
    _assert_one_line(error)


def test_one_automatic_backup_a_day_and_only_the_newest_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path)
    backups = tmp_path / "backups"
    backups.mkdir(exist_ok=True)
    for days in range(1, AUTO_BACKUPS_KEPT + 3):
        old = backups / backup_name(path, "auto", datetime.now() - timedelta(days=days))
        old.write_bytes(b"")
    keep_manual = backups / backup_name(path, "manual", datetime.now() - timedelta(days=30))
    keep_manual.write_bytes(b"")

    Library.open(path).close()
    Library.open(path).close()

    autos = sorted(backups.glob("library-auto-*.sqlite"))
    assert len(autos) == AUTO_BACKUPS_KEPT
    today = datetime.now().strftime("%Y%m%d")
    assert len([p for p in autos if f"-auto-{today}-" in p.name]) == 1
    assert keep_manual.exists()
    with Library.open(autos[-1], daily_backup=False) as copy:
        assert copy.count() == 2


def test_custom_backup_folder_and_no_daily_backup(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path)
    Library.open(path, backup_dir=tmp_path / "elsewhere").close()
    assert len(list((tmp_path / "elsewhere").glob("*.sqlite"))) == 1
    Library.open(path, backup_dir=tmp_path / "none", daily_backup=False).close()
    assert not (tmp_path / "none").exists()


def test_backup_and_restore(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    (tmp_path / "mine").mkdir()
    with Library.open(path, daily_backup=False) as library:
        library.add([Reference(title="Kept")])
        made = library.backup()
        into_folder = library.backup(tmp_path / "mine")
        exact = library.backup(tmp_path / "exact.sqlite")
        library.add([Reference(title="Added after the backup")])
    assert made.parent == tmp_path / "backups" and into_folder.parent == tmp_path / "mine"
    assert exact == tmp_path / "exact.sqlite"
    for copy in (made, into_folder, exact):
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert db.execute("SELECT count(*) FROM reference").fetchone() == (1,)
        db.close()

    Library.restore_backup(made, path)
    with Library.open(path, daily_backup=False) as library:
        assert [r.title for r in library.get_many(library.search_ids())] == ["Kept"]
        assert library.search_ids("kept") == [ReferenceId(1)]
    (saved,) = (tmp_path / "backups").glob("library-before-restore-*.sqlite")
    with Library.open(saved, daily_backup=False) as previous:
        assert previous.count() == 2


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    _make_library(path)
    with pytest.raises(NotFoundError):
        Library.restore_backup(tmp_path / "missing.sqlite", path)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("junk")
    with pytest.raises(LibraryFileError, match="not a PeerRef library backup"):
        Library.restore_backup(junk, path)
    with Library.open(path, daily_backup=False) as library:
        assert library.count() == 2
