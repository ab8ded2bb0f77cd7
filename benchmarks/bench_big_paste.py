"""A 200 MB paste is refused at once; the largest paste accepted is read in bounded memory.

    uv run python benchmarks/bench_big_paste.py            # both scenarios, one JSON object
    uv run python benchmarks/bench_big_paste.py --size-mb 200 --scenario refuse

Issue 17 #12: a 200 MB paste took up to 24 s and 2.6 GB. PeerRef now refuses any paste,
drop or file above ``core.limits.MAX_INPUT_BYTES`` (50 MB) with a message saying how to
split it. Each scenario runs in a process of its own, so its peak memory (the process's
maximum resident set size, which includes the text itself; the peak before PeerRef was
called is printed beside it) is its own:

- ``refuse``: a ``--size-mb`` (200) MB RIS text handed to ``Library.import_text``, as the
  window's paste and ``peerref-cli import -`` do; it must end in the size message, fast.
- ``largest``: an RIS text just under the limit parsed as a paste is (``parse_text``)
  and imported into a new library, the worst case still accepted; the figures say what
  the limit allows.

The RIS is made here (titles, three authors, a journal, a 1,200-character abstract,
keywords, a DOI per record) with a seeded generator.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peerref.core.errors import FormatError
from peerref.core.limits import MAX_INPUT_BYTES
from peerref.core.model import ImportMethod
from peerref.formats import registry
from peerref.library import Library

_WORDS = [
    "peer",
    "support",
    "mental",
    "health",
    "recovery",
    "service",
    "users",
    "workers",
    "training",
    "outcomes",
    "community",
    "hospital",
    "wards",
    "trial",
    "qualitative",
    "study",
    "experience",
    "evaluation",
    "practice",
]


def ris_text(size: int, seed: int = 17) -> tuple[str, int]:
    """RIS records until the text is ``size`` characters; (the text, how many records)."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = count = 0
    while total < size:
        count += 1
        title = " ".join(rng.choice(_WORDS) for _ in range(10)).capitalize()
        abstract = " ".join(rng.choice(_WORDS) for _ in range(160))[:1200]
        record = (
            f"TY  - JOUR\nAU  - Doe{count}, Jane\nAU  - Roe, Richard\nAU  - Poe, Ann\n"
            f"TI  - {title}\nT2  - Journal of Mental Health\nPY  - 2020\nVL  - 12\nIS  - 3\n"
            f"SP  - 100\nEP  - 112\nDO  - 10.1108/BENCH-{count:08d}\nAB  - {abstract}\n"
            "KW  - peer support\nKW  - recovery\nER  - \n\n"
        )
        parts.append(record)
        total += len(record)
    text = "".join(parts)
    return text[:size] if len(text) > size else text, count


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_refuse(size_mb: int) -> dict[str, object]:
    # One megabyte of records repeated: the text is made in one allocation of its size.
    chunk, per_chunk = ris_text(1024 * 1024)
    text = chunk * size_mb
    records = per_chunk * size_mb
    before = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder) / "library.sqlite")
        start = time.perf_counter()
        try:
            library.import_text(text, method=ImportMethod.PASTE, source_name="the clipboard")
            message = "imported (not refused!)"
        except FormatError as error:
            message = str(error)
        seconds = time.perf_counter() - start
        library.close()
    return {
        "scenario": "refuse",
        "text_mb": round(len(text) / (1024 * 1024), 1),
        "records": records,
        "seconds": round(seconds, 3),
        "peak_memory_mb": round(_peak_mb()),
        "peak_memory_before_import_mb": round(before),
        "message": message,
    }


def run_largest() -> dict[str, object]:
    text, _ = ris_text(MAX_INPUT_BYTES - 1024)
    text = text[: text.rfind("ER  - \n") + 7]  # whole records only
    before = _peak_mb()
    start = time.perf_counter()
    result = registry.parse_text(text)
    parsed = time.perf_counter() - start
    peak_parsed = _peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder) / "library.sqlite")
        start = time.perf_counter()
        outcome = library.import_parsed(result, raw_input=text, method=ImportMethod.PASTE)
        stored = time.perf_counter() - start
        library.close()
    return {
        "scenario": "largest",
        "text_mb": round(len(text) / (1024 * 1024), 1),
        "records": text.count("ER  - \n"),
        "entries_read": len(result.entries),
        "entries_added": outcome.added,
        "parse_seconds": round(parsed, 2),
        "import_seconds": round(stored, 2),
        "peak_memory_before_parse_mb": round(before),
        "peak_memory_after_parse_mb": round(peak_parsed),
        "peak_memory_mb": round(_peak_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200, help="size of the refused paste")
    parser.add_argument("--scenario", choices=("refuse", "largest"), help="run only this one")
    args = parser.parse_args()
    if args.scenario == "refuse":
        print(json.dumps(run_refuse(args.size_mb)))
        return
    if args.scenario == "largest":
        print(json.dumps(run_largest()))
        return
    figures = []
    for scenario in ("refuse", "largest"):
        done = subprocess.run(
            [sys.executable, __file__, "--scenario", scenario, "--size-mb", str(args.size_mb)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures.append(json.loads(done.stdout))
    print(json.dumps({"limit_mb": MAX_INPUT_BYTES // (1024 * 1024), "runs": figures}, indent=2))


if __name__ == "__main__":
    main()
