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

from peerref.core.atomic import error_reason, is_disk_full
from peerref.core.errors import (
    LibraryFileError,
    NewerLibraryError,
    PeerRefError,
    StorageError,
    UserInputError,
)
from peerref.core.model import ReferenceId
from peerref.store import backup, listing, migrations, postgres, search
from peerref.store.engine import (
    APPLICATION_ID,
    SQLITE_HEADER,
    SQLITE_HEADER_BYTES,
    WRITE_OPTION,
    application_id,
    header_application_id,
    make_engine,
    quick_check,
    read_identity,
    user_table_names,
)
from peerref.store.listing import ListFilter, ReferenceSummary, SortKey
from peerref.store.repository import Repository

log = logging.getLogger(__name__)


def _restore_hint(backup_dir: Path) -> str:
    return f"restore a backup with `peerref-cli restore-backup FILE` (backups are in {backup_dir})"


def describe_error(error: BaseException, path: Path, backup_dir: Path) -> str:
    """A one-line explanation of a database error met while opening ``path``."""
    detail = _detail(error)
    lowered = detail.lower()
    if is_disk_full(getattr(error, "orig", None) or error):
        # Nothing is wrong with the library: restoring a backup would be the wrong advice.
        return f"the disk holding {path} is full; free some space and try again"
    if "locked" in lowered or "busy" in lowered:
        return f"{path} is in use by another program (is PeerRef already open?); close it and retry"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{path} is damaged ({detail}); {_restore_hint(backup_dir)}"
    if "unable to open" in lowered or "readonly" in lowered or "permission" in lowered:
        return f"cannot open {path} ({detail}); check that the file and its folder are writable"
    return f"cannot open the library {path} ({detail}); {_restore_hint(backup_dir)}"


def _not_a_library(path: Path, why: str) -> LibraryFileError:
    return LibraryFileError(f"{path} is {why}; choose another file with --library PATH")


def check_identity(path: Path, backup_dir: Path) -> None:
    """Refuse a file that is not a PeerRef library, without changing anything about it.

    Opening a database the usual way already writes to it (WAL mode is switched on by
    the first connection), and the caller may be about to put a lock file beside it,
    so another application's database must be recognised before that: from the file's
    header, and if need be from its schema read with SQLite's ``immutable`` mode, which
    creates no ``-wal`` or ``-shm`` file. A missing or empty file, or an SQLite file with
    no tables at all, is a library still to be set up.

    Raises:
        LibraryFileError: a folder, an unreadable file, not an SQLite database, another
            application's database, or damaged beyond telling.
    """
    if path.is_dir():
        raise LibraryFileError(f"{path} is a folder; give the path of a library file instead")
    try:
        with path.open("rb") as file:
            header = file.read(SQLITE_HEADER_BYTES)
    except FileNotFoundError:
        return
    except OSError as error:
        raise LibraryFileError(
            f"cannot read {path} ({error.strerror or error}); check that the file is readable"
        ) from error
    if not header:
        return
    if not header.startswith(SQLITE_HEADER):
        raise _not_a_library(path, "not a PeerRef library (not an SQLite database)")
    if len(header) < SQLITE_HEADER_BYTES:
        raise LibraryFileError(f"{path} is damaged (cut short); {_restore_hint(backup_dir)}")
    if header_application_id(header) == APPLICATION_ID:
        return
    try:
        app_id, tables = read_identity(path)
    except sqlite3.Error as error:
        raise LibraryFileError(
            f"{path} cannot be read as a PeerRef library ({_detail(error)}); "
            f"choose another file with --library PATH, or {_restore_hint(backup_dir)}"
        ) from error
    if app_id == APPLICATION_ID or (app_id == 0 and not tables):
        return
    raise _not_a_library(path, "an SQLite database but not a PeerRef library")


def open_engine(path: Path, *, backup_dir: Path, daily_backup: bool) -> tuple[Engine, list[str]]:
    """An engine on a checked, up-to-date library file, created when missing.

    Order matters: the file's identity is checked before anything is written to it (see
    ``check_identity``), its integrity before it is migrated, a backup is taken before a
    migration changes it, and the daily backup happens only once the file is known to
    be sound. The integrity check reads the whole file, so it runs only before one of
    those backups: the other opens of the day take milliseconds, and damage that appears
    in between is still met (as a clear error) by the reads it affects. A daily backup
    that fails (a full disk) does not stop the opening: it is returned as a warning, as
    the library itself is fine.

    Returns:
        The engine, and warnings to show the user.

    Raises:
        LibraryFileError: missing folder rights, damaged file, not a PeerRef library,
            locked by another program, a full disk.
        NewerLibraryError: written by a newer PeerRef with a schema this one lacks.
    """
    check_identity(path, backup_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LibraryFileError(f"cannot create the folder for {path}: {error}") from error
    engine = make_engine(path)
    backing_up = daily_backup and backup.backup_due(path, backup_dir)
    try:
        with engine.connect() as connection:
            created = _prepare(connection, path, backup_dir, engine, check=backing_up)
    except PeerRefError:
        engine.dispose()
        raise
    except (DBAPIError, sqlite3.Error, OSError) as error:
        engine.dispose()
        log.debug("opening %s failed", path, exc_info=True)
        raise LibraryFileError(describe_error(error, path, backup_dir)) from error
    warnings: list[str] = []
    if backing_up and not created:
        warning = _daily_backup(engine, path, backup_dir)
        if warning:
            warnings.append(warning)
    return engine, warnings


def _daily_backup(engine: Engine, path: Path, backup_dir: Path) -> str | None:
    """Take the daily backup; a failure is a warning to show, never a reason not to open."""
    try:
        backup.daily_backup(engine, path, backup_dir)
    except (DBAPIError, sqlite3.Error, OSError) as error:
        log.debug("the daily backup of %s failed", path, exc_info=True)
        why = error_reason(getattr(error, "orig", None) or error)
        warning = (
            f"today's automatic backup of {path} could not be made ({why}); "
            f"the library opened as usual, and older backups in {backup_dir} are kept"
        )
        log.info("%s", warning)  # the caller shows it (and logs it as a warning)
        return warning
    return None


def _prepare(
    connection: Connection, path: Path, backup_dir: Path, engine: Engine, *, check: bool
) -> bool:
    """Check and migrate the file; True when it was a new, empty library just set up.

    ``check`` asks for the integrity check of a file about to be backed up; a file about
    to be migrated is checked (and backed up) in any case.
    """
    with connection.begin():
        app_id = application_id(connection)
        tables = user_table_names(connection)
    fresh = app_id == 0 and not tables
    if not fresh and app_id != APPLICATION_ID:
        raise LibraryFileError(
            f"{path} is an SQLite database but not a PeerRef library; "
            "choose another file with --library PATH"
        )
    with connection.begin():
        current = None if fresh else migrations.current_revision(connection)
    migrating = current != migrations.head_revision()
    if tables and (check or migrating):
        with connection.begin():
            problems = quick_check(connection)
        if problems:
            raise LibraryFileError(
                f"{path} is damaged ({problems[0]}); {_restore_hint(backup_dir)}"
            )
    if current is not None and current not in migrations.known_revisions():
        raise NewerLibraryError(
            f"{path} was written by a newer version of PeerRef (schema {current}); "
            f"update PeerRef, or {_restore_hint(backup_dir)}"
        )
    if not migrating:
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

    def __init__(
        self,
        engine: Engine,
        path: Path,
        backup_dir: Path,
        warnings: Sequence[str] = (),
        *,
        url: str | None = None,
        user: str = "",
        read_only: bool = False,
    ) -> None:
        # A team library has no file: ``path`` is then only its database name (for a
        # window title), and ``url`` says where it is.
        self.path = path
        self.url = url
        self.backup_dir = backup_dir
        # What went wrong on the way without stopping the opening (a failed daily backup).
        self.open_warnings: tuple[str, ...] = tuple(warnings)
        # Who is working: recorded as added_by / modified_by (the PostgreSQL role, or the
        # name set in Preferences), and whether this role may only read.
        self.user = user
        # The login (PostgreSQL role) itself, which ``user`` falls back to.
        self.login = user
        self.read_only = read_only
        self._engine: Engine | None = engine

    @classmethod
    def open(cls, path: Path, *, backup_dir: Path, daily_backup: bool) -> Database:
        """Open (or create) the library file; see ``open_engine`` for the checks made."""
        engine, warnings = open_engine(path, backup_dir=backup_dir, daily_backup=daily_backup)
        return cls(engine, path, backup_dir, warnings)

    @classmethod
    def open_url(cls, url: str) -> Database:
        """Open (or set up) a team library on a PostgreSQL server.

        Raises:
            LibraryFileError: cannot connect (the server's reason is given), or the
                database holds another application's tables.
            NewerLibraryError: a newer PeerRef has migrated it.
        """
        location = postgres.display_url(url)
        engine = postgres.make_engine(url)
        try:
            with engine.connect() as connection:
                postgres.prepare(connection, location)
                with connection.begin():
                    user = postgres.current_user(connection)
                    read_only = postgres.is_read_only(connection)
        except PeerRefError:
            engine.dispose()
            raise
        except DBAPIError as error:
            engine.dispose()
            log.debug("opening %s failed", location, exc_info=True)
            raise LibraryFileError(
                f"cannot open the team library {location} ({_detail(error)})"
            ) from error
        name = Path(postgres.database_name(url) or "team library")
        return cls(engine, name, name, url=url, user=user, read_only=read_only)

    @classmethod
    def open_reader(cls, path: Path, url: str | None = None) -> Database:
        """A second, read-only view of a library this PeerRef already has open.

        For a helper process (the relevance ranking's, which reads the texts it ranks):
        no identity check, migration or backup, because the process that opened the
        library has done them; ``path`` and ``url`` are that library's.
        """
        engine = make_engine(path) if url is None else postgres.make_engine(url)
        return cls(engine, path, path.parent, url=url, read_only=True)

    def size_bytes(self) -> int:
        """How much room the library takes: its files, or its database on the server."""
        if self.url is not None:
            with self.reading() as repo:
                return postgres.database_bytes(repo.connection)
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

    def announce(self, payload: str) -> None:
        """Tell the other clients of a team library what changed (nothing for a file).

        A failed announcement is logged, never raised: the change itself is committed,
        and the others see it at their next refresh.
        """
        if self.url is None:
            return
        if len(payload.encode()) > postgres.MAX_PAYLOAD_BYTES:
            payload = '{"reload": true}'
        try:
            with self.engine.connect() as connection, connection.begin():
                postgres.notify(connection, payload)
        except DBAPIError:
            log.warning("could not announce a change to %s", self.location, exc_info=True)

    def change_feed(self) -> postgres.ChangeFeed:
        """A feed of what other clients change (team libraries only).

        Raises:
            UserInputError: a library file has no other clients to hear from.
            StorageError: the server cannot be reached.
        """
        if self.url is None:
            raise UserInputError(f"{self.location} is a file: only team libraries change live")
        try:
            return postgres.ChangeFeed(self.engine)
        except (DBAPIError, ConnectionError) as error:
            raise StorageError(f"cannot listen for changes ({_detail(error)})") from error

    @property
    def is_team(self) -> bool:
        """Whether this is a team library on a PostgreSQL server."""
        return self.url is not None

    @property
    def location(self) -> str:
        """Where the library is, for messages: its file, or its URL without a password."""
        return postgres.display_url(self.url) if self.url is not None else str(self.path)

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
        """A read-only unit of work: one consistent snapshot of the library.

        On PostgreSQL that takes REPEATABLE READ: under the default READ COMMITTED each
        statement would see other people's latest commits, and a reference could be
        read with the creators of a later edit.
        """
        engine = self.engine
        if self.url is not None:
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        try:
            with Session(engine, expire_on_commit=False) as session:
                yield Repository(session, user=self.user)
        except PeerRefError:
            raise
        except (DBAPIError, sqlite3.Error) as error:
            raise StorageError(f"reading the library failed: {_detail(error)}") from error

    @contextmanager
    def writing(self, *, serialised: bool = False) -> Iterator[Repository]:
        """One write transaction: everything inside commits together or not at all.

        ``serialised`` (imports and merges): the transaction waits for any other one
        asking the same, so two people importing the same page at once end with one
        copy of each reference; the second sees the first's references as duplicates.
        SQLite's BEGIN IMMEDIATE already lets one writer in at a time.
        """
        if self.read_only:
            raise StorageError(f"{self.location} is read-only for {self.user or 'you'}")
        try:
            with (
                Session(
                    self.engine, expire_on_commit=False, execution_options={WRITE_OPTION: True}
                ) as session,
                session.begin(),
            ):
                if serialised and self.is_team:
                    postgres.serialise(session.connection())
                yield Repository(session, user=self.user)
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

    def search_index_segments(self) -> int:
        """How many segments the full-text index is in (``search.index_segments``)."""
        with self.reading() as repo:
            return search.index_segments(repo.connection)

    def tidy_search_index_step(self) -> bool:
        """One step of merging the index's segments, in its own transaction (see ``search``)."""
        with self.writing() as repo:
            return search.tidy_step(repo.connection, search.TIDY_STEP_PAGES)

    def backup(self, destination: Path | None = None) -> Path:
        """Write a consistent copy (SQLite backup API); a folder receives a named file."""
        if self.is_team:
            raise UserInputError(
                f"{self.location} is a team library: back it up on the server with pg_dump"
            )
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
