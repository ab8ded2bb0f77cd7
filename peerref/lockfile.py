"""One writer per library: an advisory lock file next to the library.

SQLite's own locking only protects single transactions; two PeerRef programs working on
the same library (two windows, or the window and a long ``peerref-cli import``) would
still interleave their undo stacks, backups and migrations. So every program that
writes a library holds ``<library>.lock`` for as long as the library is open.

The lock is an operating-system lock on an open file (``fcntl.flock`` on POSIX,
``msvcrt.locking`` on Windows), not the file's existence: the kernel drops it when the
process dies, so a crash or ``kill -9`` never leaves a stale lock behind. The file itself
stays (removing it would let two programs lock two different files of the same name);
it only records who holds it, for the message the second program shows.

Stdlib only: used by the GUI and the CLI alike.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from peerref.core.errors import LibraryFileError

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"

# Windows locks byte ranges and refuses reads of a locked range, so the lock sits on a
# byte far beyond the holder's description, which others can then still read.
_WINDOWS_LOCK_OFFSET = 1 << 30


class LibraryInUseError(LibraryFileError):
    """Another PeerRef program has the library open for writing.

    Attributes:
        holder: who holds the lock, as far as the lock file says.
    """

    def __init__(self, message: str, holder: LockHolder | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True, slots=True)
class LockHolder:
    """What the lock file says about the program holding it."""

    pid: int
    host: str
    program: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"{self.program} (process {self.pid}{where})"


def lock_path_for(library_file: Path) -> Path:
    """``library.sqlite`` -> ``library.sqlite.lock``, beside it so every program finds it."""
    return library_file.with_name(library_file.name + LOCK_SUFFIX)


class LibraryLock:
    """Exclusive, non-blocking lock on one library; use it in ``with`` or acquire/release.

    Args:
        library_file: the library the lock protects (need not exist yet).
        program: how the holder is described to a second program ("PeerRef", "peerref-cli").
    """

    def __init__(self, library_file: Path, program: str = "PeerRef") -> None:
        self.library_file = Path(library_file).expanduser().absolute()
        self.path = lock_path_for(self.library_file)
        self.program = program
        self._handle: BinaryIO | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock or fail at once: waiting would freeze a double-clicked launch.

        Raises:
            LibraryInUseError: another live process holds it; the message names it.
            LibraryFileError: the lock file cannot be created (read-only folder).
        """
        if self._handle is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Append mode creates the file without truncating what the current holder wrote.
            # Unbuffered, so a write that fails (a full disk) leaves nothing pending that a
            # later seek or close would try, and fail, to write again.
            handle = self.path.open("a+b", buffering=0)
        except OSError as error:
            raise LibraryFileError(
                f"PeerRef cannot create the lock file {self.path}: {error.strerror or error}"
            ) from error
        try:
            _lock(handle)
        except OSError as error:
            holder = read_holder(self.path)
            handle.close()
            who = holder.describe() if holder else "another PeerRef program"
            raise LibraryInUseError(
                f"The library {self.library_file} is already open in {who}. "
                "Only one program at a time may change a library: close the other one "
                "(or wait for it to finish) and try again.",
                holder,
            ) from error
        self._handle = handle
        self._describe_holder(handle)

    def _describe_holder(self, handle: BinaryIO) -> None:
        """Write who holds the lock, for a second program's message.

        The lock is the kernel's, not these bytes: when they cannot be written (a full
        disk), the lock still holds and the program goes on; a second program then only
        says "another PeerRef program" instead of naming this one.
        """
        record = f"{os.getpid()}\n{socket.gethostname()}\n{self.program}\n".encode()
        try:
            handle.seek(0)
            handle.truncate()
            while record:  # an unbuffered write may write less than asked
                written = handle.write(record)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                record = record[written:]
        except OSError as error:
            log.warning(
                "cannot record the holder in the lock file %s (%s); the lock is held",
                self.path,
                error.strerror or error,
            )
            with contextlib.suppress(OSError):  # a half-written record would only mislead
                handle.truncate(0)

    def release(self) -> None:
        """Let the next program in; the file stays (see the module docstring)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            with contextlib.suppress(OSError):  # emptying it is a courtesy; unlocking is not
                handle.seek(0)
                handle.truncate()
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> LibraryLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def read_holder(lock_path: Path) -> LockHolder | None:
    """Who the lock file names, or None when it is empty, unreadable or garbled."""
    try:
        lines = lock_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) < 3 or not lines[0].strip().isdigit():
        return None
    return LockHolder(pid=int(lines[0]), host=lines[1].strip(), program=lines[2].strip())


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: BinaryIO) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: BinaryIO) -> None:
        handle.seek(_WINDOWS_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: BinaryIO) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
