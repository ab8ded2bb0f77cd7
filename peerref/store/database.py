"""Opening a library file: identity, integrity, migrations and the daily backup.

Every way a file can be unusable ends here as a ``LibraryFileError`` (or
``NewerLibraryError``) with a one-line message that says what to do, because the
person reading it cannot act on a traceback.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from peerref.core.errors import LibraryFileError, NewerLibraryError, PeerRefError, StorageError
from peerref.core.model import ReferenceId
from peerref.store import backup, listing, migrations
from peerref.store.engine import (
    APPLICATION_ID,
    WRITE_OPTION,
    application_id,
    has_sqlite_header,
    make_engine,
    quick_check,
    user_table_names,
)
from peerref.store.listing import ListFilter, ReferenceSummary, SortKey
from peerref.store.repository import Repository

log = logging.getLogger(__name__)


def _restore_hint(backup_dir: Path) -> str:
    return f"restore a backup with `peerref-cli restore-backup FILE` (backups are in {backup_dir})"


def describe_error(error: BaseException, path: Path, backup_dir: Path) -> str:
    """A one-line explanation of a database error met while opening ``path``."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is in use by another program (is PeerRef already open?); close it and retry"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{path} is damaged ({detail}); {_restore_hint(backup_dir)}"
    if "unable to open" in lowered or "readonly" in lowered or "permission" in lowered:
        return f"cannot open {path} ({detail}); check that the file and its folder are writable"
    return f"cannot open the library {path} ({detail}); {_restore_hint(backup_dir)}"


def open_engine(path: Path, *, backup_dir: Path, daily_backup: bool) -> Engine:
    """An engine on a checked, up-to-date library file, created when missing.

    Order matters: the file's identity and integrity are checked before anything is
    written to it, a backup is taken before a migration changes it, and the daily
    backup happens only once the file is known to be sound.

    Raises:
        LibraryFileError: missing folder rights, damaged file, not a PeerRef library,
            locked by another program.
        NewerLibraryError: written by a newer PeerRef with a schema this one lacks.
    """
    if path.is_dir():
        raise LibraryFileError(f"{path} is a folder; give the path of a library file instead")
    exists = path.exists()
    if exists and not has_sqlite_header(path):
        raise LibraryFileError(
            f"{path} is not a PeerRef library (not an SQLite database); "
            "choose another file with --library PATH"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LibraryFileError(f"cannot create the folder for {path}: {error}") from error
    engine = make_engine(path)
    try:
        with engine.connect() as connection:
            created = _prepare(connection, path, backup_dir, engine)
        if daily_backup and not created:
            backup.daily_backup(engine, path, backup_dir)
    except PeerRefError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.Error, OSError) as error:
        engine.dispose()
        log.debug("opening %s failed", path, exc_info=True)
        raise LibraryFileError(describe_error(error, path, backup_dir)) from error
    return engine


def _prepare(connection: Connection, path: Path, backup_dir: Path, engine: Engine) -> bool:
    """Check and migrate the file; True when it was a new, empty library just set up."""
    with connection.begin():
        app_id = application_id(connection)
        tables = user_table_names(connection)
        problems = quick_check(connection) if tables else []
    fresh = app_id == 0 and not tables
    if not fresh and app_id != APPLICATION_ID:
        raise LibraryFileError(
            f"{path} is an SQLite database but not a PeerRef library; "
            "choose another file with --library PATH"
        )
    if problems:
        raise LibraryFileError(f"{path} is damaged ({problems[0]}); {_restore_hint(backup_dir)}")
    with connection.begin():
        current = None if fresh else migrations.current_revision(connection)
    if current is not None and current not in migrations.known_revisions():
        raise NewerLibraryError(
            f"{path} was written by a newer version of PeerRef (schema {current}); "
            f"update PeerRef, or {_restore_hint(backup_dir)}"
        )
    if current == migrations.head_revision():
        return False
    if current is not None:
        made = backup.backup_into_dir(engine, path, backup_dir, f"before-upgrade-{current}")
        log.info("backed up %s to %s before upgrading its schema", path, made)
    migrations.upgrade(connection, stamp_application_id=fresh)
    return fresh


class Database:
    """An open library file: units of work over it, backups, and closing it.

    This is the store's boundary: database errors are turned into ``StorageError``
    here, so the layers above never see SQLAlchemy or sqlite3 exceptions.
    """

    def __init__(self, engine: Engine, path: Path, backup_dir: Path) -> None:
        self.path = path
        self.backup_dir = backup_dir
        self._engine: Engine | None = engine

    @classmethod
    def open(cls, path: Path, *, backup_dir: Path, daily_backup: bool) -> Database:
        """Open (or create) the library file; see ``open_engine`` for the checks made."""
        return cls(
            open_engine(path, backup_dir=backup_dir, daily_backup=daily_backup), path, backup_dir
        )

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StorageError(f"the library {self.path} is closed")
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def reading(self) -> Iterator[Repository]:
        """A read-only unit of work: one consistent snapshot of the library."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield Repository(session)
        except PeerRefError:
            raise
        except (DBAPIError, sqlite3.Error) as error:
            raise StorageError(f"reading the library failed: {_detail(error)}") from error

    @contextmanager
    def writing(self) -> Iterator[Repository]:
        """One write transaction: everything inside commits together or not at all."""
        try:
            with (
                Session(
                    self.engine, expire_on_commit=False, execution_options={WRITE_OPTION: True}
                ) as session,
                session.begin(),
            ):
                yield Repository(session)
        except PeerRefError:
            raise
        except (DBAPIError, sqlite3.Error) as error:
            raise StorageError(
                f"the change was not saved ({_detail(error)}); the library is as it was"
            ) from error

    def list_ids(
        self,
        criteria: ListFilter,
        *,
        sort: SortKey,
        descending: bool,
        limit: int | None,
        offset: int,
    ) -> list[ReferenceId]:
        with self.reading() as repo:
            return listing.list_ids(
                repo.session, criteria, sort=sort, descending=descending, limit=limit, offset=offset
            )

    def count(self, criteria: ListFilter) -> int:
        with self.reading() as repo:
            return listing.count(repo.session, criteria)

    def summaries(self, ids: Sequence[ReferenceId]) -> list[ReferenceSummary]:
        with self.reading() as repo:
            return listing.summaries(repo.session, ids)

    def backup(self, destination: Path | None = None) -> Path:
        """Write a consistent copy (SQLite backup API); a folder receives a named file."""
        try:
            if destination is None:
                return backup.backup_into_dir(
                    self.engine, self.path, self.backup_dir, backup.MANUAL
                )
            if destination.is_dir():
                return backup.backup_into_dir(self.engine, self.path, destination, backup.MANUAL)
            return backup.backup_engine(self.engine, destination)
        except (DBAPIError, sqlite3.Error, OSError) as error:
            raise StorageError(f"the backup failed: {_detail(error)}") from error

    @staticmethod
    def restore(backup_file: Path, library_file: Path, backup_dir: Path) -> None:
        """Replace a closed library with a backup (see ``backup.restore``)."""
        try:
            backup.restore(backup_file, library_file, backup_dir, migrations.known_revisions())
        except (sqlite3.Error, OSError) as error:
            raise StorageError(f"restoring the backup failed: {_detail(error)}") from error


def _detail(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
