"""The kill -9 drill, small: ``peerref-cli import`` killed at random moments.

After every kill the library opens, passes ``PRAGMA integrity_check``, its full-text index
matches its tables, it holds none or all of the batch, and the lock is free for the next
writer. benchmarks/bench_faults.py runs the full drill (20,000 entries, 10 kills).
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peerref.core.model import Reference, ReferenceId
from peerref.library import Library
from peerref.lockfile import LibraryLock
from peerref.store import search

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

REPO = Path(__file__).resolve().parents[3]
ENTRIES = 5000
KILLS = 3
SEED = 20260517
BASE = 12


def _ris(entries: int) -> str:
    rng = random.Random(SEED)
    words = [
        "peer",
        "recovery",
        "outcome",
        "cohort",
        "trial",
        "review",
        "services",
        "lived",
        "experience",
    ]
    records = []
    for n in range(entries):
        title = " ".join(rng.choice(words) for _ in range(8))
        records.append(
            "\n".join(
                [
                    "TY  - JOUR",
                    f"AU  - Adeyemi{n % 311}, Funmi",
                    f"TI  - {title.capitalize()}, report {n}",
                    "JO  - Drill Quarterly",
                    f"PY  - {1995 + n % 30}",
                    f"DO  - 10.5555/kill.{n}",
                    f"AB  - {' '.join(rng.choice(words) for _ in range(40))}",
                    "ER  - ",
                ]
            )
        )
    return "\n\n".join(records) + "\n"


def _import(library: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "peerref.cli", "--library", str(library), "import", str(source)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _check(library: Path) -> int:
    """The promises after a kill; returns how many of the batch are in the library."""
    with Library.open(library) as opened:
        count = opened.count()
        batches = opened.stats().batches
        with opened.database.engine.connect() as connection:
            search.check_integrity(connection)
    db = sqlite3.connect(library)
    try:
        assert [row[0] for row in db.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        db.close()
    imported = count - BASE
    assert imported in (0, ENTRIES), f"{imported} of {ENTRIES} imported: not all-or-nothing"
    assert batches == (1 if imported else 0)
    # The killed process's lock went with it: the next writer takes it and writes.
    with LibraryLock(library, program="after the kill"), Library.open(library) as opened:
        opened.tag([ReferenceId(1)], add=["checked after the kill"])
    return imported


def test_an_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    source = tmp_path / "big.ris"
    source.write_text(_ris(ENTRIES), encoding="utf-8")
    base = tmp_path / "base.sqlite"
    with Library.open(base, daily_backup=False) as library:
        library.add([Reference(title=f"Already in the library {n}") for n in range(BASE)])

    def fresh(name: str) -> Path:
        (tmp_path / name).mkdir()
        return Path(shutil.copy2(base, tmp_path / name / "library.sqlite"))

    whole = fresh("whole")
    started = time.monotonic()
    assert _import(whole, source).wait(timeout=600) == 0
    duration = time.monotonic() - started
    assert _check(whole) == ENTRIES

    rng = random.Random(SEED)
    outcomes = []
    for number in range(KILLS):
        library = fresh(f"kill-{number}")
        process = _import(library, source)
        time.sleep(rng.uniform(0.0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        outcomes.append(_check(library))
    print(f"uninterrupted import {duration:.1f} s; after each kill: {outcomes} imported")
