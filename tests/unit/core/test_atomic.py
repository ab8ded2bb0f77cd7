"""Atomic file writes: a file is wholly the new content or still wholly the old one."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest
from full_disk import FullDisk, disk_full_error

from peerref.core.atomic import (
    atomic_output,
    describe_write_error,
    error_reason,
    is_disk_full,
    write_atomically,
)

OLD = "TY  - JOUR\nTI  - The export made yesterday\nER  - \n" * 20
NEW = "TY  - BOOK\nTI  - Today's much longer export that will not fit\nER  - \n" * 200


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "export.ris"
    assert write_atomically(target, NEW) == target
    assert target.read_text(encoding="utf-8") == NEW
    assert _leftovers(tmp_path, {"export.ris"}) == []


def test_bytes_and_other_encodings(tmp_path: Path) -> None:
    target = tmp_path / "export.bib"
    write_atomically(target, b"\x00\x01binary")
    assert target.read_bytes() == b"\x00\x01binary"
    write_atomically(target, "Müller", encoding="latin-1")
    assert target.read_bytes() == "Müller".encode("latin-1")


def test_a_full_disk_leaves_the_old_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.ris"
    target.write_text(OLD, encoding="utf-8")
    disk = FullDisk(monkeypatch, tmp_path, free=len(NEW) // 3)
    with pytest.raises(OSError) as caught:
        write_atomically(target, NEW)
    assert caught.value.errno == errno.ENOSPC
    assert disk.refused >= 1  # the write really ran out of room
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path, {"export.ris"}) == []


def test_a_failing_fsync_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems (NFS, delayed allocation) only report a full disk on fsync."""
    target = tmp_path / "export.ris"
    target.write_text(OLD, encoding="utf-8")

    def full(_descriptor: int) -> None:
        raise disk_full_error()

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, NEW)
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path, {"export.ris"}) == []


def test_an_error_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "bibliography.html"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("<p>half a bibliography")
        raise RuntimeError("rendering failed half-way")
    assert target.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path, {"bibliography.html"}) == []


def test_written_piece_by_piece(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_output(target, "wb") as out:
        for number in range(3):
            out.write(bytes([number]))
        assert not target.exists()  # nothing replaced until the block ends
    assert target.read_bytes() == b"\x00\x01\x02"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_old_files_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "shared.ris"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, NEW)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    target = tmp_path / "atomic.txt"
    write_atomically(target, "x")
    # mkstemp's owner-only 0600 would hide an export from the other programs that read it.
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_a_symbolic_link_keeps_pointing_at_the_new_content(tmp_path: Path) -> None:
    real = tmp_path / "real.ris"
    real.write_text(OLD, encoding="utf-8")
    link = tmp_path / "link.ris"
    link.symlink_to(real)
    write_atomically(link, NEW)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == NEW


def test_a_missing_folder_is_an_oserror_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no" / "such" / "folder.ris", NEW)
    assert _leftovers(tmp_path, set()) == []


def test_only_new_file_modes() -> None:
    with pytest.raises(ValueError, match="mode"):
        atomic_output("x", "a")  # type: ignore[call-overload]


def test_messages_say_what_and_that_the_old_file_is_intact(tmp_path: Path) -> None:
    existing = tmp_path / "export.ris"
    existing.write_text(OLD, encoding="utf-8")
    message = describe_write_error(existing, disk_full_error())
    assert message == (
        f"cannot write {existing}: the disk is full; free some space and try again "
        "(the previous file is unchanged)"
    )
    denied = describe_write_error(tmp_path / "new.ris", PermissionError(errno.EACCES, "denied"))
    assert denied == f"cannot write {tmp_path / 'new.ris'}: denied"
    assert is_disk_full(OSError(errno.EDQUOT, "quota"))
    assert not is_disk_full(OSError(errno.EACCES, "denied"))


def test_reasons_in_words() -> None:
    assert error_reason(disk_full_error()) == "the disk is full"
    assert error_reason(OSError("database or disk is full")) == "the disk is full"
    assert error_reason(FileExistsError(errno.EEXIST, "File exists", "/b")) == "File exists: /b"
    assert error_reason(PermissionError(errno.EACCES, "Permission denied")) == "Permission denied"
    assert error_reason(RuntimeError("first line\nsecond")) == "first line"


def test_a_folder_in_the_way_is_not_called_a_previous_file(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        write_atomically(tmp_path, "x")
    assert "previous file" not in describe_write_error(tmp_path, caught.value)
    assert _leftovers(tmp_path, set()) == []
