"""Backups through SQLite's online backup API, and restoring them.

A file copy of a database in WAL mode is not a backup: recent commits may still sit in
the ``-wal`` file. The backup API copies a consistent snapshot while the library stays
open. Backups are single files in rollback-journal mode, so they can be copied freely.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from peerref.core.atomic import durable_replace
from peerref.core.errors import LibraryFileError, NewerLibraryError, NotFoundError
from peerref.store.engine import APPLICATION_ID, SQLITE_HEADER

# Automatic backups: at most one a day, taken on open; the newest ones are kept.
AUTO_BACKUPS_KEPT = 7

AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"

PARTIAL_SUFFIX = ".partial"
# A ``.partial`` file older than this is left from a backup that was killed; younger
# ones may belong to a backup another PeerRef program is taking right now.
STALE_PARTIAL_SECONDS = 3600


def backup_name(library_file: Path, kind: str, when: datetime) -> str:
    """ "library-auto-20260509-141500.sqlite": the library's name, the kind and the time."""
    return f"{library_file.stem}-{kind}-{when:%Y%m%d-%H%M%S}.sqlite"


def _free_path(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def _copy_into(source: sqlite3.Connection, destination: Path) -> None:
    """Write a snapshot of ``source`` to ``destination`` atomically (temp file, rename).

    When anything fails (typically a full disk) the half-written ``.partial`` file is
    removed again: each failed attempt would otherwise leave one behind, taking the very
    space the user is short of.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + PARTIAL_SUFFIX)
    try:
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        durable_replace(partial, destination)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        raise


def backup_engine(engine: Engine, destination: Path) -> Path:
    """Snapshot the open library into ``destination`` (a file, replaced if present)."""
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        _copy_into(driver, destination)
    return destination


def backup_into_dir(engine: Engine, library_file: Path, backup_dir: Path, kind: str) -> Path:
    """A new backup of ``kind`` in ``backup_dir``, named after the library and the time."""
    destination = _free_path(backup_dir / backup_name(library_file, kind, datetime.now()))
    return backup_engine(engine, destination)


def automatic_backups(library_file: Path, backup_dir: Path) -> list[Path]:
    """This library's automatic backups, oldest first (names sort by time)."""
    if not backup_dir.is_dir():
        return []
    return sorted(backup_dir.glob(f"{library_file.stem}-{AUTO}-*.sqlite"))


def backup_due(library_file: Path, backup_dir: Path) -> bool:
    """Whether today's automatic backup is still to be taken (no file made today yet).

    Opening asks this first: the file's integrity is checked only when a backup is about
    to be taken, so a damaged library never replaces a good backup, while the other opens
    of the day skip a check that reads the whole file (0.6 s at 100,000 references).
    """
    today = f"{library_file.stem}-{AUTO}-{datetime.now():%Y%m%d}-"
    return not any(p.name.startswith(today) for p in automatic_backups(library_file, backup_dir))


def daily_backup(engine: Engine, library_file: Path, backup_dir: Path) -> Path | None:
    """Back up unless today's automatic backup exists; keep the newest few. Returns the new file.

    Why daily and on open: it costs one copy a day and means a damaged or mistaken
    library is never more than a day from a good copy.
    """
    if not backup_due(library_file, backup_dir):
        return None
    made = backup_into_dir(engine, library_file, backup_dir, AUTO)
    prune(library_file, backup_dir)
    return made


def prune(library_file: Path, backup_dir: Path, keep: int = AUTO_BACKUPS_KEPT) -> None:
    """Delete all but the newest ``keep`` automatic backups (others are left alone).

    Also removes this library's ``.partial`` files left by backups that were killed
    half-way (kill -9, power cut), once they are old enough not to be in progress.
    """
    existing = automatic_backups(library_file, backup_dir)
    for old in existing[: max(0, len(existing) - keep)]:
        old.unlink(missing_ok=True)
    now = time.time()
    for partial in backup_dir.glob(f"{library_file.stem}-*.sqlite{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                partial.unlink()


def check_backup(backup_file: Path, known_revisions: frozenset[str]) -> None:
    """Refuse to restore a file that is not a sound PeerRef library this version can read."""
    if not backup_file.is_file():
        raise NotFoundError(f"no backup file {backup_file}")
    with backup_file.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise LibraryFileError(f"{backup_file} is not a PeerRef library backup")
    try:
        connection = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (app_id,) = connection.execute("PRAGMA application_id").fetchone()
            if app_id != APPLICATION_ID:
                raise LibraryFileError(f"{backup_file} is not a PeerRef library backup")
            problems = [r[0] for r in connection.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise LibraryFileError(
                    f"the backup {backup_file} is damaged too ({problems[0]}); choose another one"
                )
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise LibraryFileError(f"{backup_file} cannot be read as a backup: {error}") from error
    if revision is not None and revision[0] not in known_revisions:
        raise NewerLibraryError(
            f"the backup {backup_file} was written by a newer PeerRef; update PeerRef to restore it"
        )


def _side_files(library_file: Path) -> list[Path]:
    return [library_file.with_name(library_file.name + s) for s in ("-wal", "-shm", "-journal")]


def _save_current(library_file: Path, backup_dir: Path) -> Path | None:
    """Keep the library about to be replaced, even when it is damaged."""
    if not library_file.exists():
        return None
    destination = _free_path(backup_dir / backup_name(library_file, BEFORE_RESTORE, datetime.now()))
    try:
        source = sqlite3.connect(f"{library_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _copy_into(source, destination)
        finally:
            source.close()
    except sqlite3.Error:
        # Damaged beyond the backup API: keep its files as they are.
        backup_dir.mkdir(parents=True, exist_ok=True)
        _copy_file(library_file, destination)
        for side in _side_files(library_file):
            if side.exists():
                _copy_file(side, destination.with_name(destination.name + side.name[-4:]))
    return destination


def _copy_file(source: Path, destination: Path) -> None:
    """``shutil.copy2`` through a temporary file, so a full disk leaves no half copy."""
    partial = destination.with_name(destination.name + PARTIAL_SUFFIX)
    try:
        shutil.copy2(source, partial)
        durable_replace(partial, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def restore(
    backup_file: Path, library_file: Path, backup_dir: Path, known_revisions: frozenset[str]
) -> Path | None:
    """Replace the library with a backup; the replaced library is itself kept first.

    PeerRef must not have the library open while this runs. Returns where the replaced
    library was saved, if there was one.
    """
    check_backup(backup_file, known_revisions)
    saved = _save_current(library_file, backup_dir)
    library_file.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        incoming = library_file.with_name(library_file.name + ".restoring")
        _copy_into(source, incoming)
    finally:
        source.close()
    for side in _side_files(library_file):
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
    durable_replace(incoming, library_file)
    return saved
