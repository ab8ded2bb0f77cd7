"""Time every reader on inputs built to be slow, and the Emerald reader as its page grows.

    uv run python benchmarks/bench_readers.py

Prints one JSON object:

- ``slowest``: the ten slowest (reader, input) pairs from ``tests/data/formats/pathological.json``
  (runs of spaces, 100,000 parentheses, 20,000 author fragments…), with seconds for sniff
  and read together. A pattern that backtracks shows as seconds here where the rest take
  milliseconds; the tests only check that these inputs are read without error.
- ``slowest_s``: the largest of those times (keep it well under a second).
- ``emerald_growth``: seconds per entry for a 2,400-entry page over a 300-entry page;
  about 1 for a reader whose time grows linearly with the page, 8 for a quadratic one.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from bench_parse import build

from peerref.core.errors import FormatError
from peerref.formats import registry
from peerref.formats.base import Reader

TEST_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
PATHOLOGICAL = TEST_DATA / "formats" / "pathological.json"


def pathological_inputs() -> dict[str, str]:
    recipes = json.loads(PATHOLOGICAL.read_text(encoding="utf-8"))
    return {
        kind: "".join(piece * times for piece, times in pieces)
        for kind, pieces in recipes.items()
        if not kind.startswith("_")
    }


def seconds_to_read(reader: Reader, text: str) -> float:
    started = time.perf_counter()
    reader.sniff(text)
    # Most of these inputs are nothing the reader knows: failing fast is the point.
    with contextlib.suppress(FormatError):
        reader.read(text)
    return time.perf_counter() - started


def best_per_entry(text: str, entries: int, runs: int = 3) -> float:
    reader = registry.reader_named("emerald")
    return min(seconds_to_read(reader, text) for _ in range(runs)) / entries


def main() -> None:
    timings = [
        (seconds_to_read(reader, text), reader.name, kind)
        for kind, text in pathological_inputs().items()
        for reader in registry.readers()
    ]
    timings.sort(reverse=True)
    small, large = 300, 2_400
    growth = best_per_entry(build(large, seed=5)[0], large) / best_per_entry(
        build(small, seed=5)[0], small
    )
    print(
        json.dumps(
            {
                "slowest": [
                    {"reader": name, "input": kind, "seconds": round(seconds, 4)}
                    for seconds, name, kind in timings[:10]
                ],
                "slowest_s": round(timings[0][0], 4),
                "emerald_growth": round(growth, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
