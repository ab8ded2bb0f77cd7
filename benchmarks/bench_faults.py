"""The kill -9 drill: an import killed at random moments never leaves a damaged library.

    uv run python benchmarks/bench_faults.py --entries 20000 --kills 10 --seed 17

Generates a RIS file of ``--entries`` references, times one uninterrupted
``peerref-cli import`` of it, then runs the import ``--kills`` more times, each into a
fresh copy of a small library, and kills it with SIGKILL after a seeded random delay
within that time. After each kill it checks what a user relies on:

- the library opens (``Library.open``, daily backup and all);
- ``PRAGMA integrity_check`` says ``ok`` and the full-text index matches the tables;
- the library holds none of the batch or all of it (all-or-nothing import);
- the lock is recoverable: a new writer takes it, and ``peerref-cli tag`` writes.

Prints one JSON object: the uninterrupted import time, and per kill the delay, the
size of the ``-wal`` file at the kill (large: the import's transaction was writing), the
outcome ("none" or "all") and whether every check passed. Exits 1 if any check failed.
POSIX only (SIGKILL). The smaller drill in tests/unit/cli/test_cli_kill_drill.py runs in CI.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peerref.core.model import Reference
from peerref.library import Library
from peerref.lockfile import LibraryLock
from peerref.store import search

BASE_REFERENCES = 25
# A round whose import finished before its kill is run again, killed twice as early.
MAX_ATTEMPTS = 4
WORDS = [
    "peer",
    "support",
    "recovery",
    "community",
    "mental",
    "health",
    "trial",
    "outcome",
    "review",
    "cohort",
    "teams",
    "workers",
    "training",
    "wellbeing",
    "services",
    "qualitative",
    "evaluation",
    "lived",
    "experience",
]


def ris_text(entries: int, seed: int) -> str:
    """``entries`` distinct journal articles (unique DOIs, so none is a duplicate)."""
    rng = random.Random(seed)
    lines: list[str] = []
    for n in range(entries):
        title = " ".join(rng.choice(WORDS) for _ in range(9))
        abstract = " ".join(rng.choice(WORDS) for _ in range(80))
        lines += [
            "TY  - JOUR",
            f"AU  - Author{n % 997}, Given{n % 29}",
            f"AU  - Second{n % 499}, B.",
            f"TI  - {title.capitalize()} (study {n})",
            "JO  - Journal of Synthetic Peer Work",
            f"VL  - {n % 60 + 1}",
            f"SP  - {n % 900 + 1}",
            f"PY  - {1990 + n % 35}",
            f"DO  - 10.5555/drill.{seed}.{n}",
            f"AB  - {abstract}",
            "ER  - ",
            "",
        ]
    return "\n".join(lines)


def make_base_library(path: Path) -> None:
    with Library.open(path, daily_backup=False) as library:
        library.add([Reference(title=f"Already here {n}") for n in range(BASE_REFERENCES)])


def start_import(library: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "peerref.cli", "--library", str(library), "import", str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def check_after_kill(library: Path, entries: int) -> dict[str, object]:
    """What the user finds after the kill; raises AssertionError when a promise is broken."""
    with Library.open(library) as opened:
        count = opened.count()
        batches = opened.stats().batches
        with opened.database.engine.connect() as connection:
            search.check_integrity(connection)
    if count == BASE_REFERENCES:
        outcome = "none"
    elif count == BASE_REFERENCES + entries:
        outcome = "all"
    else:
        raise AssertionError(f"{count - BASE_REFERENCES} of {entries} references imported")
    expected_batches = 0 if outcome == "none" else 1
    if batches != expected_batches:
        raise AssertionError(f"{batches} import batches for outcome {outcome!r}")
    db = sqlite3.connect(library)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
    finally:
        db.close()
    if integrity != ["ok"]:
        raise AssertionError(f"integrity_check: {integrity[:3]}")
    with LibraryLock(library, program="drill") as lock:
        if not lock.held:
            raise AssertionError("the lock could not be taken after the kill")
    tagged = subprocess.run(
        [sys.executable, "-m", "peerref.cli", "--library", str(library), "tag", "1", "--add", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    if tagged.returncode != 0:
        raise AssertionError(f"writing after the kill failed: {tagged.stderr.strip()}")
    return {"outcome": outcome, "references": count}


def drill(entries: int, kills: int, seed: int, directory: Path) -> dict[str, object]:
    source = directory / "import.ris"
    source.write_text(ris_text(entries, seed), encoding="utf-8")
    base = directory / "base.sqlite"
    make_base_library(base)

    def fresh_copy(name: str) -> Path:
        folder = directory / name
        folder.mkdir()
        target = folder / "library.sqlite"
        shutil.copy2(base, target)
        return target

    whole = fresh_copy("whole")
    started = time.perf_counter()
    process = start_import(whole, source)
    if process.wait() != 0:
        raise SystemExit("the uninterrupted import failed")
    full_seconds = time.perf_counter() - started
    baseline = check_after_kill(whole, entries)
    if baseline["outcome"] != "all":
        raise SystemExit("the uninterrupted import did not import everything")

    rng = random.Random(seed)
    rounds: list[dict[str, object]] = []
    for number in range(kills):
        delay = rng.uniform(0.0, full_seconds)
        for attempt in range(MAX_ATTEMPTS):
            library = fresh_copy(f"kill-{number}-{attempt}")
            process = start_import(library, source)
            time.sleep(delay)
            killed = process.poll() is None
            wal = library.with_name(library.name + "-wal")
            # Grown far past the daily backup's pages: the import's transaction was writing.
            wal_bytes = wal.stat().st_size if wal.exists() else 0
            if killed:
                process.send_signal(signal.SIGKILL)
            process.wait()
            if killed:
                break
            # This run was faster than the timed one: try again earlier, so that every
            # round is a real kill.
            delay /= 2
        result: dict[str, object] = {
            "delay_s": round(delay, 2),
            "killed": killed,
            "wal_bytes_at_kill": wal_bytes,
        }
        try:
            result.update(check_after_kill(library, entries))
            result["ok"] = True
        except Exception as error:  # a broken promise is a result to print, not a crash
            result.update(ok=False, error=f"{type(error).__name__}: {error}")
        rounds.append(result)
        print(json.dumps({"kill": number, **result}), file=sys.stderr, flush=True)
    return {
        "entries": entries,
        "kills": kills,
        "seed": seed,
        "uninterrupted_import_s": round(full_seconds, 2),
        "killed": sum(bool(r["killed"]) for r in rounds),
        "outcomes": {
            "none": sum(r.get("outcome") == "none" for r in rounds),
            "all": sum(r.get("outcome") == "all" for r in rounds),
        },
        "all_checks_passed": all(r["ok"] for r in rounds),
        "rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="peerref-drill-") as tmp:
        report = drill(args.entries, args.kills, args.seed, Path(tmp))
    print(json.dumps(report, indent=2))
    return 0 if report["all_checks_passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
