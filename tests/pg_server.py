"""A throw-away PostgreSQL server on 127.0.0.1 for the tests and the team benchmark.

Why a real server: the team library's promises (row versions, LISTEN/NOTIFY, full-text
search with tsvector) are PostgreSQL's behaviour, which no fake reproduces. The server
runs from Debian's binaries (``initdb``, ``pg_ctl``) in a temporary folder, with trust
authentication on the loopback interface only, and is stopped when the session ends.
``initdb`` refuses to run as root, so under root it runs as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import psycopg

SERVER_USER = "postgres"
START_TIMEOUT_S = 30


class NoPostgresError(RuntimeError):
    """No PostgreSQL binaries were found (or none could run) on this machine."""


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        real = Path(found).resolve().parent
        if (real / "pg_ctl").exists():
            return real
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server: its port, superuser and a way to make fresh databases."""

    bin_dir: Path
    data_dir: Path
    port: int
    options: str = ""
    log_file: Path | None = None
    superuser: str = SERVER_USER
    _names: Iterator[int] = field(default_factory=lambda: count(1))

    def url(self, database: str, *, user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the maintenance database, as superuser."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.superuser,
            dbname="postgres",
            autocommit=True,
        )

    def create_database(self, prefix: str = "lib", *, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (no one may be connected to it)."""
        name = f"{prefix}_{next(self._names)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def execute(self, database: str, statement: str) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.superuser, dbname=database, autocommit=True
        ) as connection:
            connection.execute(statement)

    def stop(self) -> None:
        """Shut the server down now, its clients cut off (as a crash or a restart would)."""
        subprocess.run(
            _as_server_user(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop"]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        """Start the stopped server again on the same port, with the same data."""
        _pg_ctl_start(self.bin_dir, self.data_dir, self.log_file, self.options)
        _wait_ready(self)


def _pg_ctl_start(bin_dir: Path, data_dir: Path, log_file: Path | None, options: str) -> None:
    log = ["-l", str(log_file)] if log_file is not None else []
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data_dir),
                *log,
                "-o",
                options,
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a private server, yield it, stop it and remove its files.

    Raises:
        NoPostgresError: no binaries, or the server would not start (the message says why).
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise NoPostgresError("no PostgreSQL binaries (initdb, pg_ctl) found")
    root = Path(tempfile.mkdtemp(prefix="peerref-pg-"))
    data_dir = root / "data"
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError as error:
            raise NoPostgresError(f"running as root but there is no {SERVER_USER} user") from error
        os.chown(root, account.pw_uid, account.pw_gid)
    port = _free_port()
    log_file = root / "server.log"
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    SERVER_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off"
        _pg_ctl_start(bin_dir, data_dir, log_file, options)
    except (subprocess.CalledProcessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        log = log_file.read_text(errors="replace") if log_file.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise NoPostgresError(
            f"PostgreSQL did not start: {error} {detail.decode(errors='replace')} {log}"
        ) from error
    server = PostgresServer(bin_dir, data_dir, port, options, log_file)
    try:
        _wait_ready(server)
        yield server
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with server.admin():
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
