"""The PostgreSQL engine of a team library: connecting, identity, migrations, who is working.

Everything specific to PostgreSQL's connection handling lives here, as ``engine`` holds
SQLite's, so that nothing above ``store`` knows which backend a library has. There is
no lock file: several people write at once, and row versions (``repository``) refuse an
edit made on a stale copy. Passwords are never PeerRef's to keep: libpq reads
``~/.pgpass`` and service files itself, and otherwise the OS keyring is asked.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from peerref.core.errors import LibraryFileError, NewerLibraryError
from peerref.paths import is_library_url

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
KEYRING_SERVICE = "PeerRef"

# pg_advisory_xact_lock keys: one for migrations (two people opening a new library at
# once must not both create its tables), one that serialises imports and merges, so
# that two people importing the same page end with one copy of each reference.
MIGRATION_LOCK = 0x50526566
IMPORT_LOCK = 0x50526567

# The channel on which every committed change of a team library is announced.
CHANGES_CHANNEL = "peerref_changes"
# NOTIFY payloads must stay under 8000 bytes; a larger change set is sent as "reload".
MAX_PAYLOAD_BYTES = 7000


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of a team library, always with the psycopg 3 driver.

    Raises:
        LibraryFileError: not a PostgreSQL URL, or not one SQLAlchemy can read.
    """
    if not is_library_url(url):
        raise LibraryFileError(f"{url!r} is not a postgresql:// URL")
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise LibraryFileError(
            f"cannot read the library URL {display_url(url)}: {error}"
        ) from error
    return parsed.set(drivername=DRIVER)


def display_url(url: str | URL) -> str:
    """The URL with any password masked, for titles, messages and logs."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "postgresql://…"
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


def keyring_account(url: URL) -> str:
    """The keyring account a team library's password is stored under: user@host:port/db."""
    return f"{url.username or ''}@{url.host or ''}:{url.port or 5432}/{url.database or ''}"


def keyring_password(url: URL) -> str | None:
    """The password saved in the OS keyring for this library, if there is a keyring."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_account(url))
    except (KeyringError, RuntimeError, OSError):
        log.debug("no usable keyring for %s", keyring_account(url), exc_info=True)
        return None


def remember_password(url: str, password: str) -> bool:
    """Save the password in the OS keyring for ``keyring_password`` to find; False if none."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_account(parse_url(url)), password)
    except (KeyringError, RuntimeError, OSError):
        log.info("no usable keyring to keep the password of %s", display_url(url), exc_info=True)
        return False
    return True


def make_engine(url: str) -> Engine:
    """An engine on a team library; the password comes from libpq's files or the keyring.

    ``pool_pre_ping``: a window stays open for hours, and a server restart in between
    must cost one reconnect, not an error on the next click.
    """
    parsed = parse_url(url)
    # jit=off: PeerRef's statements are short, and right after a bulk import (before the
    # server has statistics) PostgreSQL would spend a third of a second compiling each.
    connect_args: dict[str, object] = {
        "application_name": "PeerRef",
        "connect_timeout": 10,
        "options": "-c jit=off",
    }
    if parsed.password is None:
        password = keyring_password(parsed)
        if password:
            connect_args["password"] = password
    engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


# PostgreSQL text cannot hold NUL characters, which a pasted page occasionally carries;
# they are stored as U+FFFD, the replacement character, visibly, instead of failing
# the whole import.
NUL_REPLACEMENT = "\ufffd"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", NUL_REPLACEMENT) if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    return value


def _without_nul(
    connection: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    return statement, _clean(parameters)


def database_name(url: str) -> str:
    return parse_url(url).database or ""


def user_tables(connection: Connection) -> list[str]:
    rows = connection.execute(
        text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    )
    return [str(name) for name in rows.scalars()]


def prepare(connection: Connection, location: str) -> None:
    """Check that the database is a team library (or empty) and bring its schema up to date.

    One transaction under an advisory lock: two people opening a new library at once
    see one create the tables and the other find them made.

    Raises:
        LibraryFileError: the database holds another application's tables.
        NewerLibraryError: a newer PeerRef has migrated it.
    """
    from peerref.store import migrations

    with connection.begin():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        tables = user_tables(connection)
        if tables and "alembic_version" not in tables:
            raise LibraryFileError(
                f"{location} holds tables that are not a PeerRef library "
                f"({', '.join(tables[:3])}…); use an empty database"
            )
        current = migrations.current_revision(connection) if tables else None
        if current is not None and current not in migrations.known_revisions():
            raise NewerLibraryError(
                f"{location} was written by a newer version of PeerRef (schema {current}); "
                "update PeerRef"
            )
        if current != migrations.head_revision():
            migrations.upgrade_in_transaction(connection)
            if migrations.rebuilds_search_documents(current):
                # The documents are made another way now (or the index was re-created):
                # make them again from the tables.
                from peerref.store import search

                search.rebuild(connection)


def current_user(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_user")).scalar_one())


def is_read_only(connection: Connection) -> bool:
    """Whether this role may only read the library (no INSERT or UPDATE on references)."""
    writable = connection.execute(
        text(
            "SELECT has_table_privilege('reference', 'INSERT') "
            "AND has_table_privilege('reference', 'UPDATE') "
            "AND NOT current_setting('transaction_read_only')::boolean"
        )
    ).scalar_one()
    return not bool(writable)


def database_bytes(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def serialise(connection: Connection) -> None:
    """Wait for other imports and merges to commit before this transaction goes on."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def notify(connection: Connection, payload: str) -> None:
    """Announce a change; PostgreSQL delivers it when (and only if) the transaction commits."""
    connection.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANGES_CHANNEL, "payload": payload},
    )


class ChangeFeed:
    """The announcements of other clients of a team library, on a connection of its own.

    The connection is taken out of the engine's pool (same credentials) and kept for
    LISTEN; ``close`` discards it rather than giving a listening connection back.
    """

    def __init__(self, engine: Engine) -> None:
        """Take a connection and LISTEN on it.

        Raises:
            ConnectionError: the server cannot be reached (psycopg's own error, which
                the pool passes on unwrapped when a reconnect fails, is turned into it).
        """
        import psycopg  # loaded already: the engine's dialect uses it

        try:
            self._pooled = engine.raw_connection()
        except psycopg.Error as error:
            raise ConnectionError(f"cannot reach the server: {error}") from error
        driver = self._pooled.driver_connection
        assert driver is not None
        self._driver: Any = driver
        try:
            self._driver.autocommit = True
            self._driver.execute(f"LISTEN {CHANGES_CHANNEL}")
        except psycopg.Error as error:
            self.close()
            raise ConnectionError(f"cannot listen for changes: {error}") from error

    def wait(self, timeout: float) -> list[str]:
        """Payloads that arrived, waiting up to ``timeout`` seconds for the first one."""
        payloads: list[str] = []
        try:
            for notice in self._driver.notifies(timeout=timeout, stop_after=1):
                payloads.append(str(notice.payload))
            # Whatever else already arrived comes with it, without waiting again.
            for notice in self._driver.notifies(timeout=0):
                payloads.append(str(notice.payload))
        except Exception as error:  # the server went away: the caller decides to reopen
            raise ConnectionError(f"the team library's change feed stopped: {error}") from error
        return payloads

    def close(self) -> None:
        try:
            self._pooled.invalidate()
        finally:
            self._pooled.close()
