"""A disk that fills up, in-process: Python file writes under one folder run out of room.

Every file opened for writing through ``io.open`` (``open``, ``Path.open``,
``Path.write_text``, ``os.fdopen``) below the folder gets a raw layer that accepts
``free`` more bytes in all and then fails with ``OSError(ENOSPC)``, as a full disk does:
the bytes that fitted are on the disk, the rest is refused. The buffered and text layers
above it are Python's own, so flushing, closing and partial writes behave as on a real
full disk. SQLite's own writes are not affected (they do not go through ``io``);
:func:`fill_disk_for_backups` fills the disk for SQLite's backup copies instead.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

_real_open = io.open


def disk_full_error() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FillingRaw(io.RawIOBase):
    """A raw file that writes only while the disk has room."""

    def __init__(self, raw: io.FileIO, disk: FullDisk) -> None:
        super().__init__()
        self._raw = raw
        self._disk = disk

    @property
    def name(self) -> Any:
        return self._raw.name

    @property
    def mode(self) -> str:
        return self._raw.mode

    def readable(self) -> bool:
        return self._raw.readable()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def readinto(self, buffer: Any) -> int | None:
        return self._raw.readinto(buffer)

    def write(self, data: Any) -> int:
        if self._points_at_null_device():  # redirected to os.devnull, which never fills up
            return self._raw.write(data) or 0
        chunk = bytes(data)[: self._disk.free]
        if not chunk and len(data):
            self._disk.refused += 1
            raise disk_full_error()
        written = self._raw.write(chunk) or 0
        self._disk.free -= written
        return written

    def _points_at_null_device(self) -> bool:
        here, null = os.fstat(self._raw.fileno()), Path(os.devnull).stat()
        return (here.st_dev, here.st_ino) == (null.st_dev, null.st_ino)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def truncate(self, size: int | None = None) -> int:
        return self._raw.truncate(size)

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class FullDisk:
    """Install with ``FullDisk(monkeypatch, folder, free=...)``; ``free`` may be changed later.

    Attributes:
        free: bytes that still fit on the "disk".
        refused: how many writes were refused, to check that the test really hit the limit.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, free: int = 0) -> None:
        self.folder = folder.resolve()
        self.free = free
        self.refused = 0
        monkeypatch.setattr(io, "open", self._open)

    def _covers(self, file: Any) -> bool:
        if isinstance(file, int):
            try:
                file = Path(f"/proc/self/fd/{file}").readlink()
            except OSError:
                return True
        try:
            return Path(os.fsdecode(file)).resolve().is_relative_to(self.folder)
        except (TypeError, ValueError):
            return False

    def _open(
        self,
        file: Any,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        closefd: bool = True,
        opener: Any = None,
    ) -> Any:
        writing = any(flag in mode for flag in "wax+")
        if not writing or not self._covers(file):
            return _real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
        binary_mode = mode.replace("t", "") if "b" in mode else mode.replace("t", "") + "b"
        raw = _real_open(file, binary_mode, buffering=0, closefd=closefd, opener=opener)
        filling = _FillingRaw(raw, self)
        if buffering == 0:
            return filling
        buffered: io.BufferedIOBase = (
            io.BufferedRandom(filling) if "+" in mode else io.BufferedWriter(filling)
        )
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(
            buffered, encoding=encoding or "utf-8", errors=errors, newline=newline
        )


_real_connect = sqlite3.connect


def fill_disk_for_backups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Backups run out of room: SQLite reports SQLITE_FULL while copying into ``.partial``.

    ``max_page_count`` makes SQLite itself refuse to grow the file, exactly as it does when
    the disk is full; every other connection is left alone. Returns the files it refused.
    """
    refused: list[str] = []

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = _real_connect(database, *args, **kwargs)
        if str(database).endswith(".partial"):
            refused.append(str(database))
            connection.execute("PRAGMA max_page_count=1")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    return refused
