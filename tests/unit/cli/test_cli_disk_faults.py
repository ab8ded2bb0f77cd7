"""peerref-cli on a full disk and on other applications' files: one line on stderr,
the documented exit codes, no file cut short and no foreign file changed."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import Cli
from full_disk import FullDisk, fill_disk_for_backups

from peerref.cli import run
from peerref.lockfile import read_holder

REPO = Path(__file__).resolve().parents[3]


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _csl_items(count: int) -> list[dict[str, object]]:
    return [
        {
            "type": "article-journal",
            "title": f"Community peer support, study {n}: outcomes after {n} months",
            "author": [{"family": f"Okonkwo{n}", "given": "Ada"}, {"family": "Berg", "given": "L"}],
            "issued": {"date-parts": [[2000 + n % 25]]},
            "container-title": "Journal of Peer Work",
            "DOI": f"10.5555/peer.{n}",
        }
        for n in range(count)
    ]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "lib" / "library.sqlite")


def _import(cli: Cli, tmp_path: Path, count: int) -> None:
    source = tmp_path / f"refs-{count}.json"
    source.write_text(json.dumps(_csl_items(count)), encoding="utf-8")
    code, _, err = cli("import", str(source))
    assert code == 0, err


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_export_onto_a_full_disk_keeps_the_previous_export(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(cli, tmp_path, 3)
    exports = tmp_path / "exports"
    exports.mkdir()
    target = exports / "library.ris"
    assert cli("export", "--format", "ris", "-o", str(target))[0] == 0
    previous = target.read_bytes()
    _import(cli, tmp_path, 40)  # today's export is much longer than yesterday's
    disk = FullDisk(monkeypatch, exports, free=len(previous))
    code, _, err = cli("export", "--format", "ris", "-o", str(target))
    assert disk.refused
    assert code == 1
    line = _one_line(err)
    assert line.startswith("peerref-cli: ")
    assert "the disk is full" in line and str(target) in line
    assert "previous file is unchanged" in line
    assert target.read_bytes() == previous  # not cut mid-record
    assert _names(exports) == ["library.ris"]  # no temporary file left


def test_a_formatted_bibliography_onto_a_full_disk_leaves_no_half_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(cli, tmp_path, 5)
    target = tmp_path / "out" / "bibliography.html"
    target.parent.mkdir()
    FullDisk(monkeypatch, target.parent, free=100)
    code, _, err = cli(
        "export", "--format", "bibliography", "--bibliography-format", "html", "-o", str(target)
    )
    assert code == 1
    assert "the disk is full" in _one_line(err)
    assert _names(target.parent) == []


def test_a_full_disk_for_the_daily_backup_does_not_stop_read_only_commands(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(cli, tmp_path, 3)
    backups = cli.library.parent / "backups"
    for old in backups.glob("*"):  # the import's own open took today's backup
        old.unlink()
    refused = fill_disk_for_backups(monkeypatch)
    code, out, err = cli("list", "--json")
    assert refused
    assert code == 0
    assert len(json.loads(out)) == 3
    warning = err.strip().splitlines()[0]
    assert warning.startswith("peerref-cli: warning: ")
    assert "the disk is full" in warning
    assert "restore" not in err
    assert list(backups.iterdir()) == []  # no empty .partial left, run after run
    assert cli("stats")[0] == 0
    assert list(backups.iterdir()) == []


def test_a_full_disk_for_the_lock_holders_name_does_not_stop_a_write(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The lock is the kernel's; the name written into the file is only for messages."""
    _import(cli, tmp_path, 2)
    lock_file = cli.library.with_name(cli.library.name + ".lock")
    disk = FullDisk(monkeypatch, cli.library.parent, free=0)
    code, _, err = cli("tag", "1", "--add", "written on a full disk")
    assert disk.refused
    assert code == 0, err
    assert "Traceback" not in err
    assert "cannot record the holder in the lock file" in caplog.text  # on stderr, logged
    assert read_holder(lock_file) is None  # no half-written record
    _, out, _ = cli("list", "--tag", "written on a full disk", "--json")
    assert [item["id"] for item in json.loads(out)] == [1]


def _foreign(path: Path, journal_mode: str) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA journal_mode={journal_mode}")
    db.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, title TEXT)")
    db.executemany("INSERT INTO moz_bookmarks (title) VALUES (?)", [("a page",)] * 20)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("journal_mode", "command"),
    [
        ("delete", ["list"]),
        ("delete", ["show", "1"]),
        ("delete", ["export", "--format", "ris"]),
        ("delete", ["stats"]),
        ("delete", ["duplicates"]),
        ("delete", ["backup"]),
        ("delete", ["tag", "1", "--add", "x"]),
        ("delete", ["import", "-"]),
        ("wal", ["list"]),
        ("wal", ["empty-trash"]),
    ],
)
def test_another_applications_database_is_refused_and_left_alone(
    tmp_path: Path, journal_mode: str, command: list[str]
) -> None:
    path = tmp_path / "places.sqlite"
    _foreign(path, journal_mode)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    time.sleep(0.01)
    code, out, err = Cli(path)(*command, stdin="TY  - JOUR\nTI  - x\nER  - \n")
    assert code == 1
    assert "not a PeerRef library" in _one_line(err)
    assert out == ""
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert _names(tmp_path) == ["places.sqlite"]  # no -wal, -shm, .lock, backups


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_standard_output_on_a_full_disk_is_one_line_and_exit_1(cli: Cli, tmp_path: Path) -> None:
    _import(cli, tmp_path, 30)
    with Path("/dev/full").open("w") as full:
        process = subprocess.run(
            [sys.executable, "-m", "peerref.cli", "--library", str(cli.library), "list", "--json"],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert process.returncode == 1
    line = _one_line(process.stderr)
    assert line.startswith("peerref-cli: error: ")
    assert "the disk is full" in line


def test_output_left_in_the_buffer_at_exit_is_flushed_with_one_line_on_failure(
    cli: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``stats > file`` on a full disk: the few bytes fail only when flushed at exit."""
    _import(cli, tmp_path, 2)
    redirected = tmp_path / "out"
    redirected.mkdir()
    disk = FullDisk(monkeypatch, redirected, free=0)
    with (redirected / "stats.txt").open("w", encoding="utf-8") as stdout:
        monkeypatch.setattr(sys, "stdout", stdout)
        monkeypatch.setattr(sys, "argv", ["peerref-cli", "--library", str(cli.library), "stats"])
        with pytest.raises(SystemExit) as exit_:
            run()
        monkeypatch.undo()  # the real stdout again before the file closes
    assert disk.refused
    assert exit_.value.code == 1
    line = _one_line(capsys.readouterr().err)
    assert line == "peerref-cli: error: <stdout>: the disk is full; free some space and try again"
