"""Writing a file so that it is either wholly the new content or still wholly the old one.

Writing in place (``Path.write_text``) truncates the old file first; when the disk fills
up, the program is killed or the power fails half-way, the user is left with neither the
old export nor the new one. Every file PeerRef writes (exports, bibliographies, settings,
backups) goes through here instead: the data goes to a temporary file in the same folder
(so the final rename never crosses file systems), is flushed to the disk (``fsync``), and
only then replaces the old file with ``os.replace``, which is atomic on POSIX and
Windows. The temporary file is removed when anything fails, and the old file keeps its
permissions.

Errors are the ``OSError`` that caused them, unchanged, so that callers can say what
failed in their own words; :func:`describe_write_error` gives the usual one-line wording.

Stdlib only: used by every layer that writes files, the GUI included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal, overload

TEMP_SUFFIX = ".tmp"


def write_atomically(
    path: Path | str, data: bytes | str, encoding: str = "utf-8", *, newline: str | None = None
) -> Path:
    """Replace ``path`` with ``data`` all at once; returns the file written.

    ``str`` data is encoded with ``encoding`` (newlines translated as ``open`` does
    unless ``newline`` says otherwise); ``bytes`` are written as they are.

    Raises:
        OSError: the file could not be written (the old one, if any, is untouched and no
            temporary file is left behind).
    """
    if isinstance(data, bytes):
        with atomic_output(path, "wb") as binary:
            binary.write(data)
    else:
        with atomic_output(path, "w", encoding=encoding, newline=newline) as text:
            text.write(data)
    return _final_target(Path(path))


@overload
def atomic_output(
    path: Path | str,
    mode: Literal["w"] = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def atomic_output(
    path: Path | str,
    mode: Literal["wb"],
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def atomic_output(
    path: Path | str,
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> contextlib.AbstractContextManager[IO[Any]]:
    """A file object to write the new content of ``path`` to, in a ``with`` block.

    The old file is replaced only when the block ends without an exception; an exception
    (or a failing write, flush or ``fsync``) leaves the old file as it was and removes
    the temporary file. Use it for output written piece by piece::

        with atomic_output(path) as out:
            for chunk in chunks:
                out.write(chunk)
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_output writes new files only: mode 'w' or 'wb', not {mode!r}")
    return _atomic_output(Path(path), mode, encoding, newline)


@contextmanager
def _atomic_output(path: Path, mode: str, encoding: str, newline: str | None) -> Iterator[IO[Any]]:
    target = _final_target(path)
    descriptor, temporary_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
    )
    temporary = Path(temporary_name)
    try:
        if "b" in mode:
            file: IO[Any] = os.fdopen(descriptor, "wb")
        else:
            file = os.fdopen(descriptor, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(descriptor)
        temporary.unlink(missing_ok=True)
        raise
    try:
        with file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        _copy_permissions(target, temporary)
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def durable_replace(complete: Path, target: Path) -> None:
    """Move a finished file (written by someone else, e.g. SQLite) over ``target`` durably.

    The file's data is flushed to the disk before the rename, and the rename itself
    after it, so a crash or power cut leaves either the old ``target`` or the new one.
    """
    descriptor = os.open(complete, os.O_RDWR)  # Windows flushes only files open for writing
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    complete.replace(target)
    sync_folder(target.parent)


def _final_target(path: Path) -> Path:
    """The file to replace: a symbolic link's target, so the link itself survives."""
    path = path.expanduser()
    if path.is_symlink():
        return path.resolve()
    return path


def _copy_permissions(target: Path, temporary: Path) -> None:
    """The new file gets the old one's mode, or what a plain ``open`` would have given.

    ``mkstemp`` creates files readable by their owner only; an export that other users
    or programs used to read must stay readable after it is replaced.
    """
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    except OSError:
        return
    with contextlib.suppress(OSError):  # e.g. a file system without permissions (FAT)
        temporary.chmod(mode)


def _umask() -> int:
    """The process's umask, without changing it where the system can say it directly."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a failure here loses nothing already written."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def is_disk_full(error: BaseException) -> bool:
    """Whether an error means the disk (or the user's quota) has no room left."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(error).lower()
    return "disk is full" in text or "no space left" in text


def error_reason(error: BaseException) -> str:
    """Why a file operation failed, in words: "the disk is full", "Permission denied: F"."""
    if is_disk_full(error):
        return "the disk is full"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def describe_write_error(path: Path | str, error: OSError) -> str:
    """One line for a failed write: what, where, why, and that the old file is intact."""
    if is_disk_full(error):
        reason = "the disk is full; free some space and try again"
    else:
        reason = error.strerror or str(error) or type(error).__name__
    kept = " (the previous file is unchanged)" if Path(path).is_file() else ""
    return f"cannot write {path}: {reason}{kept}"
