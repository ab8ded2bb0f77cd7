"""Five people on one team library at once: import, edit and screen for a minute.

    uv run python benchmarks/bench_team.py                 # a private server, 5 clients, 60 s
    uv run python benchmarks/bench_team.py --url postgresql://ann@db/bench --seconds 30

Each client is a process of its own with its own connections, as a window would be.
It repeatedly imports a small page whose DOIs overlap the other clients' pages (so
imports race to add the same references), edits a shared reference (raising a counter
kept in its volume field: every edit a client saw succeed adds one), and screens a
reference in a shared review. Printed as one JSON object: operations per second, p50
and p95 latency (overall and per kind), edit conflicts detected (refused stale edits),
lost updates (successful edits that the counters do not show; must be 0), and
duplicate copies left by concurrent imports (must be 0).

Without ``--url`` a throw-away server is started from Debian's PostgreSQL binaries
(``tests/pg_server.py``, which the tests use too).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
from collections import Counter, defaultdict

from private_postgres import library_url

from peerref.core.errors import ConflictError
from peerref.core.model import ImportMethod, Reference, ReferenceId
from peerref.core.prisma import Verdict
from peerref.library import Library

SHARED_REFERENCES = 40
DOI_POOL = 400
PAGE_SIZE = 5
REVIEW_NAME = "Bench review"
KINDS = ("import", "edit", "screen")
WEIGHTS = (1, 3, 2)


def _page(rng: random.Random) -> str:
    items = []
    for n in rng.sample(range(DOI_POOL), PAGE_SIZE):
        items.append(
            {
                "id": f"w{n}",
                "type": "article-journal",
                "title": f"Peer support study number {n}",
                "author": [{"family": f"Author{n % 37}", "given": "Sam"}],
                "issued": {"date-parts": [[2000 + n % 25]]},
                "DOI": f"10.5555/bench.{n}",
            }
        )
    return json.dumps(items)


def _client(
    url: str, number: int, seconds: float, shared: list[int], out: object, start: object
) -> None:
    rng = random.Random(number)
    latencies: dict[str, list[float]] = defaultdict(list)
    edits: Counter[int] = Counter()
    conflicts = 0
    errors: list[str] = []
    with Library.open(url) as library:
        library.set_user(f"client{number}")
        review = next(r for r in library.reviews.all() if r.name == REVIEW_NAME)
        library.reviews.reviewer = f"client{number}"
        start.wait()  # type: ignore[attr-defined]  # every client begins at once
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            started = time.perf_counter()
            try:
                if kind == "import":
                    library.import_text(_page(rng), method=ImportMethod.PASTE)
                elif kind == "edit":
                    ref_id = ReferenceId(rng.choice(shared))
                    copy = library.get(ref_id)
                    library.update(copy.with_changes(volume=str(int(copy.volume) + 1)))
                    edits[ref_id] += 1
                else:
                    verdict = rng.choice((Verdict.INCLUDE, Verdict.MAYBE))
                    library.reviews.decide(review, ReferenceId(rng.choice(shared)), verdict)
            except ConflictError:
                conflicts += 1
            except Exception as error:  # counted and reported, the run goes on
                errors.append(f"{kind}: {error}")
            latencies[kind].append(time.perf_counter() - started)
    out.put(  # type: ignore[attr-defined]
        {
            "latencies": dict(latencies),
            "edits": dict(edits),
            "conflicts": conflicts,
            "errors": errors,
        }
    )


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, clients: int, seconds: float) -> dict[str, object]:
    with Library.open(url) as library:
        shared = sorted(
            library.add(
                [
                    Reference(title=f"Shared reference {n}", volume="0")
                    for n in range(SHARED_REFERENCES)
                ]
            ).added
        )
        library.reviews.create(REVIEW_NAME, seed=1)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    # Clients start working together, once each has started Python and connected.
    start = context.Barrier(clients + 1)
    processes = [
        context.Process(target=_client, args=(url, n, seconds, shared, results, start))
        for n in range(clients)
    ]
    for process in processes:
        process.start()
    start.wait(timeout=300)
    started = time.monotonic()
    reports = [results.get(timeout=seconds + 120) for _ in processes]
    elapsed = time.monotonic() - started
    for process in processes:
        process.join(timeout=30)
    latencies: dict[str, list[float]] = defaultdict(list)
    edits: Counter[int] = Counter()
    conflicts = 0
    errors: list[str] = []
    for report in reports:
        for kind, values in report["latencies"].items():
            latencies[kind].extend(values)
        edits.update({int(k): v for k, v in report["edits"].items()})
        conflicts += report["conflicts"]
        errors.extend(report["errors"])
    with Library.open(url) as library:
        stored = {ref_id: int(library.get(ReferenceId(ref_id)).volume) for ref_id in shared}
        dois = Counter(ref.doi for ref in library.get_many(library.search_ids("")) if ref.doi)
    lost = sum(max(0, edits[ref_id] - stored[ref_id]) for ref_id in shared)
    every = [value for values in latencies.values() for value in values]
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "operations": len(every),
        "ops_per_second": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1) if every else 0.0,
        "p95_ms": round(_percentile(every, 0.95) * 1000, 1),
        "by_kind": {
            kind: {
                "operations": len(values),
                "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
            }
            for kind, values in sorted(latencies.items())
        },
        "conflicts_detected": conflicts,
        "successful_edits": sum(edits.values()),
        "lost_updates": lost,
        "duplicate_copies": sum(count - 1 for count in dois.values() if count > 1),
        "errors": errors[:5],
        "error_count": len(errors),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a team library to use (default: a private server)")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    with library_url(args.url) as url:
        figures = run(url, args.clients, args.seconds)
    print(json.dumps(figures, indent=2))
    ok = figures["lost_updates"] == 0 and figures["duplicate_copies"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
