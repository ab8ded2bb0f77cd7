"""LibraryLock: one writer per library, and no stale lock after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from peerref.core.errors import LibraryFileError
from peerref.lockfile import LibraryInUseError, LibraryLock, lock_path_for, read_holder

REPO = Path(__file__).resolve().parents[2]


def test_lock_file_sits_next_to_the_library(tmp_path: Path) -> None:
    library = tmp_path / "nested" / "library.sqlite"
    with LibraryLock(library) as lock:
        assert lock.held
        assert lock.path == tmp_path / "nested" / "library.sqlite.lock"
        assert lock_path_for(library) == lock.path
        holder = read_holder(lock.path)
        assert holder is not None
        assert holder.pid == os.getpid()
        assert holder.program == "PeerRef"
    assert not lock.held


def test_second_writer_is_refused_with_a_message_naming_the_first(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    with LibraryLock(library, program="peerref-cli"):
        second = LibraryLock(library)
        with pytest.raises(LibraryInUseError) as caught:
            second.acquire()
        assert not second.held
    message = str(caught.value)
    assert str(library) in message
    assert f"peerref-cli (process {os.getpid()})" in message
    assert "already open" in message
    assert isinstance(caught.value, LibraryFileError)  # shown as a known error, not a crash
    assert caught.value.holder is not None
    assert caught.value.holder.program == "peerref-cli"


def test_released_lock_can_be_taken_again_and_is_emptied(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    first = LibraryLock(library)
    first.acquire()
    first.release()
    first.release()  # releasing twice is harmless
    assert read_holder(first.path) is None
    with LibraryLock(library, program="second") as second:
        holder = read_holder(second.path)
        assert holder is not None
        assert holder.program == "second"


def test_lock_held_by_a_killed_process_is_not_stale(tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    holder_script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from peerref.lockfile import LibraryLock
        lock = LibraryLock(Path({str(library)!r}), program="doomed")
        lock.acquire()
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", holder_script], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "locked"
        with pytest.raises(LibraryInUseError, match="doomed"):
            LibraryLock(library).acquire()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    # The file still names the dead process, but the kernel dropped its lock with it.
    stale = read_holder(lock_path_for(library))
    assert stale is not None
    assert stale.program == "doomed"
    with LibraryLock(library) as lock:
        assert lock.held


def test_unusable_folder_is_a_library_file_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(LibraryFileError, match="cannot create the lock file"):
        LibraryLock(blocker / "library.sqlite").acquire()


@pytest.mark.parametrize("content", ["", "garbage", "12\nhost\n", "x\nhost\nprogram\n"])
def test_unreadable_holder_is_none(tmp_path: Path, content: str) -> None:
    path = tmp_path / "library.sqlite.lock"
    path.write_text(content, encoding="utf-8")
    assert read_holder(path) is None


def test_a_full_disk_keeps_the_lock_without_the_holders_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing who holds the lock can fail on a full disk; the lock itself must not."""
    from full_disk import FullDisk

    library = tmp_path / "library.sqlite"
    disk = FullDisk(monkeypatch, tmp_path, free=5)  # room for part of the record only
    lock = LibraryLock(library, program="peerref-cli")
    lock.acquire()
    try:
        assert disk.refused
        assert lock.held
        assert read_holder(lock.path) is None  # no half-written record left
        with pytest.raises(LibraryInUseError, match="another PeerRef program"):
            LibraryLock(library).acquire()
    finally:
        lock.release()
    with LibraryLock(library) as again:
        assert again.held
