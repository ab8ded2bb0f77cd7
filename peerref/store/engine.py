"""The SQLite engine: connection pragmas and file identity, and nothing else SQLite-only.

Everything specific to SQLite's connection handling lives here (full-text search lives
in ``search``); a team library's PostgreSQL engine is in ``postgres``. The few helpers
the rest of the store calls on either backend (``fetch_rows``, ``reserve_ids``,
``bulk_cache``) answer for both, so nothing above them asks which backend it has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, create_engine, event, text
from sqlalchemy.pool import ConnectionPoolEntry

# Stamped into the SQLite header (PRAGMA application_id) so PeerRef, and `file`, can tell
# a PeerRef library from any other SQLite database. The bytes spell "PRef".
APPLICATION_ID = 0x50526566

SQLITE_HEADER = b"SQLite format 3\x00"
# The database header's length: the application id and the page count are in it.
SQLITE_HEADER_BYTES = 100

# How long a connection waits for another writer (the app and the CLI at once) before
# giving up with "database is locked".
BUSY_TIMEOUT_MS = 5000

# Page cache per connection, in KiB (negative means KiB to SQLite): enough for the sort
# indexes and the hot part of the full-text index of a 100,000-reference library.
CACHE_KIB = 32_000

# Page cache, in KiB, while a large batch of references is inserted (``bulk_cache``).
BULK_CACHE_KIB = 64_000
# Fewer references than this are added with the normal cache.
BULK_ROWS = 1000

PAGE_SIZE = 8192

# Execution option that makes a transaction take the write lock at BEGIN: a writer then
# waits for the lock up front instead of failing half-way with SQLITE_BUSY.
WRITE_OPTION = "peerref_write"


def make_engine(path: Path) -> Engine:
    """An engine for the library file with PeerRef's pragmas on every connection.

    Why the listeners: pysqlite begins transactions lazily and not before DDL, which
    would let a failed migration or write leave half its work behind. Turning its own
    transaction handling off and emitting BEGIN ourselves makes every unit of work,
    schema changes included, one real transaction. ``check_same_thread`` is off because
    a connection may be used by a worker thread; each operation still takes its own.
    """
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def is_postgres(connection: Connection) -> bool:
    """Whether the connection is to a team library (PostgreSQL) rather than a file."""
    return connection.dialect.name == "postgresql"


def _on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # Only takes effect while the file is new: rows with a 1.5 kB abstract fit
        # three to a page instead of one to a 4 kB page.
        cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.execute("PRAGMA temp_store=MEMORY")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def bulk_cache(connection: Connection) -> Iterator[None]:
    """A larger page cache for the length of a bulk insert, then the normal one again.

    Why: a large import writes at scattered places of a dozen indexes (sort keys, DOIs,
    duplicate keys) and of the full-text index; with the normal cache those pages keep
    being evicted and read back (a tenth of the time of a 5,000-reference batch at
    100,000). The normal size comes back afterwards so an open library keeps its usual
    footprint; SQLite frees the extra pages as they become clean. PostgreSQL's shared
    buffers are the server's to size: nothing to do there.
    """
    if is_postgres(connection):
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")


def has_sqlite_header(path: Path) -> bool:
    """Whether the file starts like an SQLite database (an empty file counts as new)."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    return head == SQLITE_HEADER or head == b""


def header_application_id(header: bytes) -> int:
    """The application id stamped in a database header's 100 bytes (offset 68, big-endian)."""
    return int.from_bytes(header[68:72], "big")


def read_identity(path: Path) -> tuple[int, list[str]]:
    """The application id and table names of a database file, read without changing it.

    Why not simply ``mode=ro``: SQLite then still creates ``-wal`` and ``-shm`` files
    beside a WAL database, and cannot remove them afterwards. While the file has no
    ``-wal`` beside it, its main file is the whole database, and ``immutable=1`` reads it
    with no locks and no side files at all; with a ``-wal`` (its program is running, or
    crashed) the ``-wal`` holds recent commits, which only a normal read-only open sees.

    Raises:
        sqlite3.Error: the file cannot be read as a database.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    try:
        (app_id,) = connection.execute("PRAGMA application_id").fetchone()
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        connection.close()
    return int(app_id), [str(name) for (name,) in rows]


def application_id(connection: Connection) -> int:
    return int(connection.exec_driver_sql("PRAGMA application_id").scalar_one())


def stamp_application_id(connection: Connection) -> None:
    connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def user_table_names(connection: Connection) -> list[str]:
    rows = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    )
    return [str(name) for name in rows.scalars()]


# Page cache, in KiB, while ``quick_check`` reads the whole file.
CHECK_CACHE_KIB = 2000


def quick_check(connection: Connection) -> list[str]:
    """Problems SQLite finds in the file's structure; empty when the file is sound.

    Runs with a small page cache: the check reads every page once, so a large cache
    only costs time to fill (a tenth of the check on a 500 MB library) and would keep
    memory full of pages nobody asked for.
    """
    connection.exec_driver_sql(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")
    try:
        rows = [str(r) for r in connection.exec_driver_sql("PRAGMA quick_check").scalars()]
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
    return [] if rows == ["ok"] else rows


def fetch_rows(connection: Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Run a SELECT on the driver connection, inside the same transaction; plain tuples.

    Why: SQLAlchemy's result rows cost about a microsecond each, which dominates reads of
    tens of thousands of small rows (a duplicate check's keys and candidates). The
    statement still comes from SQLAlchemy; only the fetching is done directly, so result
    types get no conversion (use it for integer and text columns). On PostgreSQL the
    rows come through SQLAlchemy (psycopg's own rows are already cheap tuples).
    """
    if is_postgres(connection):
        return [tuple(row) for row in connection.execute(statement)]
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    values = compiled.params  # built anew on every access
    parameters = [values[name] for name in compiled.positiontup or ()]
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.execute(str(compiled), parameters)
    try:
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def set_foreign_keys(connection: Connection, enabled: bool) -> None:
    """Switch enforcement outside any transaction (SQLite ignores it inside one).

    Goes to the driver connection directly: through SQLAlchemy the statement would
    first begin a transaction and so be silently ignored. PostgreSQL always enforces
    them, statement by statement: nothing to switch.
    """
    if is_postgres(connection):
        return
    if connection.in_transaction():
        raise RuntimeError("foreign key enforcement can only change between transactions")
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def foreign_key_violations(connection: Connection) -> list[tuple[Any, ...]]:
    """Rows whose foreign keys point nowhere, as ``PRAGMA foreign_key_check`` lists them."""
    if is_postgres(connection):
        return []  # PostgreSQL refuses such a row when it is written
    return [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]


def reserve_ids(connection: Connection, table: str, count: int) -> Sequence[int]:
    """The next ``count`` ids of an AUTOINCREMENT table, for a bulk insert with set ids.

    Why: a multi-row INSERT ... RETURNING in parameter order runs one statement per row
    on SQLite, while a plain executemany with ids chosen up front is many times faster.
    Safe only inside a write transaction (BEGIN IMMEDIATE holds the write lock), and it
    never reuses the id of a deleted row, as AUTOINCREMENT promises. On PostgreSQL the
    ids come from the table's sequence, which several writers share safely (they need
    not be consecutive).
    """
    if is_postgres(connection):
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table, "n": count},
        )
        return [int(i) for i in rows.scalars()]
    sequence = connection.execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
    ).scalar()
    highest = connection.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar()
    start = max(int(sequence or 0), int(highest or 0)) + 1
    return range(start, start + count)


def advance_sequence(connection: Connection, table: str) -> None:
    """After rows were inserted with ids of their own, keep new ids above them.

    SQLite's AUTOINCREMENT does this by itself; a PostgreSQL sequence does not know
    about ids it did not hand out, and would later hand out one already taken.
    """
    if not is_postgres(connection):
        return
    # nextval as the lower bound: the sequence never goes back below an id it handed
    # out (ids of deleted rows are never reused), at the cost of skipping one number.
    connection.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            f'GREATEST((SELECT coalesce(max(id), 0) FROM "{table}"), '
            "nextval(pg_get_serial_sequence(:table, 'id'))))"
        ),
        {"table": table},
    )


def placeholder(connection: Connection) -> str:
    """The driver's positional parameter marker, for statements sent with exec_driver_sql."""
    return "%s" if is_postgres(connection) else "?"
