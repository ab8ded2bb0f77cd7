"""Build a large synthetic library and print how fast it is, as one JSON object.

    uv run python benchmarks/bench_library.py --items 100000

Figures (targets at 100,000 references): bulk insert rate (>= 5,000 references/s,
notes included) over the build and of three imports of 5,000 into the finished library
(``import_at_size_refs_per_s``; they are deleted again afterwards), open time (< 0.5 s,
a normal open: today's backup already taken),
p50/p95 latency of 20 typical searches returning every matching id (< 50 ms), and
of the same searches' first page (100 ids sorted by author with their summaries, what
the window shows first), time to the first 100 rows sorted by author, year and title
with their summaries (< 50 ms), the Duplicates view's ``duplicate_groups`` over the
whole library (< 2 s at 100,000; ``--no-duplicates`` skips it), file size, and peak
resident memory of the whole run (< 300 MB). The first page is what the window shows
before its full id list arrives (read off the UI thread); the count of each search and
the five slowest first pages are printed separately. ``--keep DIR --reuse`` times a
library already built in DIR instead of building it again (with ``--library URL``, the
team library there when it already holds references). Before timing, the search
index is tidied as the window does once a library is quiet (``tidy_s``, with the
segments it was in); ``--no-tidy`` times the index as the imports left it.

    uv run python benchmarks/bench_library.py --backend postgresql --items 100000
    uv run python benchmarks/bench_library.py --library postgresql://me@host/bench

The same figures for a team library: ``--library URL`` uses an empty database on a
server you run, ``--backend postgresql`` starts a private throw-away server the way
the tests do (``tests/pg_server.py``). There the size is the database's
(``pg_database_size``) and the peak memory is this client's alone, not the server's.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from private_postgres import library_url

from peerref.core.model import (
    AbstractSection,
    CollectionId,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.library import Library, SortKey

BATCH = 5000
COLLECTIONS = 200
TAGS = 500
ABSTRACT_CHARS = 1500

# Words a researcher searches for; the rest of the vocabulary is synthetic.
TOPIC_WORDS = [
    "learning",
    "network",
    "climate",
    "change",
    "health",
    "policy",
    "education",
    "model",
    "analysis",
    "data",
    "social",
    "media",
    "student",
    "teacher",
    "patient",
    "care",
    "management",
    "innovation",
    "supply",
    "chain",
    "performance",
    "sustainability",
    "energy",
    "water",
    "urban",
    "rural",
    "gender",
    "digital",
    "marketing",
    "leadership",
    "knowledge",
    "organisation",
    "quality",
    "risk",
    "finance",
    "banking",
    "trust",
    "behaviour",
]
STOP_WORDS = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "for",
    "with",
    "on",
    "by",
    "this",
    "that",
    "is",
    "are",
    "was",
    "we",
    "from",
    "as",
    "an",
    "be",
    "study",
    "results",
    "these",
    "their",
    "which",
    "were",
    "our",
    "also",
    "has",
    "have",
    "between",
    "more",
    "its",
    "using",
    "it",
]
FAMILY_NAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Patel",
    "Young",
    "Allen",
    "Mitchell",
    "James",
    "Anderson",
    "Phillips",
    "Lee",
    "Bell",
    "Parker",
    "Müller",
    "Schmidt",
    "García",
    "Martínez",
    "Rossi",
    "Nguyen",
    "Wang",
    "Li",
    "Zhang",
    "Chen",
    "Kim",
    "Park",
    "Sato",
    "Suzuki",
    "Silva",
    "Santos",
    "Kowalski",
    "Novak",
    "Ivanova",
    "Horváth",
    "Dubois",
    "Lefèvre",
    "Jensen",
    "Hansen",
    "Johansson",
]
PARTICLES = ("van", "de", "von", "da", "Ó")
GIVEN_NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Eva",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Luca",
    "Maria",
    "Nils",
    "Olga",
    "Pedro",
    "Qing",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Jean-Paul",
    "Mary-Ann",
]
TYPES = (
    [ReferenceType.ARTICLE_JOURNAL] * 8
    + [ReferenceType.CHAPTER, ReferenceType.BOOK, ReferenceType.PAPER_CONFERENCE]
    + [ReferenceType.REPORT, ReferenceType.THESIS, ReferenceType.PREPRINT]
)
QUERIES = (
    "learning",
    "climate change",
    '"supply chain"',
    "educ",
    "health policy",
    "author:smith",
    "author:müller",
    "title:network",
    "year:2015",
    "year:2010..2015",
    "tag:topic-7",
    "collection:Area",
    "type:book",
    "learning -student",
    "data analysis year:2000..2020",
    "social media marketing",
    "trust banking",
    "author:van",
    "sustainability energy",
    "innovation -type:chapter",
    "-learning",
)


class Synthetic:
    """Deterministic synthetic references with a Zipf-like vocabulary."""

    def __init__(self, seed: int = 20260509) -> None:
        self.random = random.Random(seed)
        syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"]
        synthetic = {
            "".join(self.random.choice(syllables) for _ in range(self.random.randint(2, 4)))
            for _ in range(6000)
        }
        # Function words take the top ranks, as in real text; the words people search
        # for sit lower, spread so that each matches a few to a few dozen percent.
        vocabulary = STOP_WORDS + sorted(synthetic)
        for number, word in enumerate(TOPIC_WORDS):
            vocabulary.insert(100 + number * 15, word)
        self.vocabulary = vocabulary
        self.cum_weights = list(
            itertools.accumulate(1 / (rank + 8) for rank in range(len(self.vocabulary)))
        )
        self.journals = [
            f"Journal of {' '.join(self.words(2)).title()} Studies" for _ in range(500)
        ]

    def words(self, count: int) -> list[str]:
        return self.random.choices(self.vocabulary, cum_weights=self.cum_weights, k=count)

    def sentence(self, count: int) -> str:
        return " ".join(self.words(count)).capitalize() + "."

    def abstract(self) -> tuple[AbstractSection, ...]:
        sections: list[AbstractSection] = []
        length = 0
        for heading in ("Purpose", "Design/methodology/approach", "Findings", "Originality/value"):
            parts: list[str] = []
            while sum(len(p) + 1 for p in parts) < ABSTRACT_CHARS // 4 - 60:
                parts.append(self.sentence(self.random.randint(8, 20)))
            text = " ".join(parts)
            sections.append(AbstractSection(heading, text))
            length += len(text)
        return tuple(sections)

    def creator(self) -> Creator:
        particle = self.random.choice(PARTICLES) if self.random.random() < 0.08 else ""
        return Creator(
            family=self.random.choice(FAMILY_NAMES),
            given=self.random.choice(GIVEN_NAMES),
            particle=particle,
        )

    def reference(self, collection_ids: list[CollectionId]) -> Reference:
        rng = self.random
        kind = rng.choice(TYPES)
        return Reference(
            type=kind,
            title=self.sentence(rng.randint(6, 14)).rstrip("."),
            creators=tuple(self.creator() for _ in range(rng.randint(1, 8))),
            container_title=rng.choice(self.journals),
            volume=str(rng.randint(1, 60)),
            issue=str(rng.randint(1, 12)),
            page=f"{(start := rng.randint(1, 900))}-{start + rng.randint(5, 30)}",
            issued=PartialDate(rng.randint(1970, 2025), rng.randint(1, 12)),
            publisher="Emerald Publishing Limited" if kind is ReferenceType.BOOK else "",
            issn=(f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",),
            doi=f"10.{rng.randint(1000, 9999)}/bench.{rng.getrandbits(40):x}",
            abstract=self.abstract(),
            keywords=tuple(self.words(rng.randint(3, 6))),
            tags=tuple(f"topic-{rng.randint(1, TAGS)}" for _ in range(rng.randint(0, 3))),
            collection_ids=tuple(rng.sample(collection_ids, rng.randint(0, 3))),
        )

    def note(self) -> str:
        return f"**{self.sentence(3)}** " + " ".join(
            self.sentence(self.random.randint(6, 15)) for _ in range(3)
        )


def _batches(
    synthetic: Synthetic, items: int, collections: list[CollectionId]
) -> Iterator[list[Reference]]:
    remaining = items
    while remaining > 0:
        size = min(BATCH, remaining)
        remaining -= size
        yield [synthetic.reference(collections) for _ in range(size)]


def build(library: Library, items: int, synthetic: Synthetic) -> float:
    """Fill the library; returns seconds spent in the library (generation excluded)."""
    collections: list[CollectionId] = []
    for number in range(COLLECTIONS // 10):
        parent, _ = library.add_collection(f"Area {number + 1}")
        collections.append(parent.id)
        for child in range(9):
            created, _ = library.add_collection(f"Topic {number + 1}.{child + 1}", parent.id)
            collections.append(created.id)
    spent = 0.0
    for batch in _batches(synthetic, items, collections):
        seconds, _ = _timed_add(library, synthetic, batch)
        spent += seconds
    return spent


def _timed_add(
    library: Library, synthetic: Synthetic, batch: list[Reference]
) -> tuple[float, frozenset[ReferenceId]]:
    """Add a batch with zero to three notes each; seconds in the library, and the ids."""
    notes = [[synthetic.note() for _ in range(synthetic.random.randint(0, 3))] for _ in batch]
    started = time.perf_counter()
    added = library.add(batch, notes=notes).added
    return time.perf_counter() - started, added


# Batches timed by ``import_at_size``, each of BATCH references, and their seed.
AT_SIZE_BATCHES = 3
AT_SIZE_SEED = 20261204


def import_at_size(library: Library) -> float:
    """References a second of imports into the library at its full size, which stays it.

    Why apart from the build's rate: that rate averages over a library growing from
    empty, while the target is for one already holding them all. Three batches of new
    references (their own seed: other titles, other DOIs) are timed, then deleted for
    good, untimed, so a library kept for ``--reuse`` keeps its size.
    """
    synthetic = Synthetic(seed=AT_SIZE_SEED)
    collections = [collection.id for collection in library.collections()]
    spent = 0.0
    added: list[ReferenceId] = []
    try:
        for batch in _batches(synthetic, BATCH * AT_SIZE_BATCHES, collections):
            seconds, ids = _timed_add(library, synthetic, batch)
            spent += seconds
            added.extend(ids)
    finally:
        library.delete_permanently(added)
    return BATCH * AT_SIZE_BATCHES / spent


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _size_mb(location: Path | str) -> float:
    if isinstance(location, str):
        import psycopg  # only a team library needs the driver here

        with psycopg.connect(location) as connection:
            row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
        return round(int(row[0]) / 1_000_000, 1) if row else 0.0
    wal = location.with_name(location.name + "-wal")
    size = location.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return round(size / 1_000_000, 1)


def _already_built(location: Path | str) -> bool:
    """Whether the kept file exists, or the team library at the URL holds references."""
    if isinstance(location, Path):
        return location.exists()
    with Library.open(location) as library:
        return library.count("") > 0


def run(
    items: int,
    directory: Path,
    *,
    duplicates: bool = True,
    url: str | None = None,
    reuse: bool = False,
    tidy: bool = True,
) -> dict[str, object]:
    location: Path | str = url if url else directory / "bench.sqlite"
    synthetic = Synthetic()
    insert_seconds = 0.0
    # Building a million references takes a long while: --reuse times a kept file (or a
    # team library that already holds references) again.
    if not (reuse and _already_built(location)):
        with Library.open(location, backup_dir=directory / "backups") as library:
            insert_seconds = build(library, items, synthetic)
    # The first open of the day takes the daily backup; time a normal open after it.
    tidy_figures: dict[str, object] = {}
    with Library.open(location, backup_dir=directory / "backups") as library:
        if tidy:
            # What the window does once the library has been quiet (gui.maintenance).
            started = time.perf_counter()
            tidied = library.tidy_search_index()
            tidy_figures = {
                "tidy_s": round(time.perf_counter() - started, 1),
                "tidy_segments_before": tidied.segments_before,
            }
    started = time.perf_counter()
    library = Library.open(location, backup_dir=directory / "backups")
    open_seconds = time.perf_counter() - started
    try:
        timings: list[float] = []
        for _round in range(3):
            for query in QUERIES:
                started = time.perf_counter()
                library.search_ids(query)
                timings.append(time.perf_counter() - started)
        page_timings: list[float] = []
        for _round in range(3):
            for query in QUERIES:
                started = time.perf_counter()
                library.summaries(library.search_ids(query, sort=SortKey.AUTHOR, limit=100))
                page_timings.append(time.perf_counter() - started)
        count_timings: list[float] = []
        slowest_page: dict[str, float] = {}
        for query in QUERIES:
            started = time.perf_counter()
            library.count(query)
            count_timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            library.summaries(library.search_ids(query, sort=SortKey.AUTHOR, limit=100))
            slowest_page[query] = _ms(time.perf_counter() - started)
        first_page: dict[str, float] = {}
        for key in (SortKey.AUTHOR, SortKey.YEAR, SortKey.TITLE):
            started = time.perf_counter()
            library.summaries(library.search_ids(sort=key, limit=100))
            first_page[key.value] = _ms(time.perf_counter() - started)
        # The sidebar's Unfiled view: references in no collection (a quarter of them).
        started = time.perf_counter()
        library.summaries(library.search_ids(unfiled=True, sort=SortKey.AUTHOR, limit=100))
        first_page["unfiled"] = _ms(time.perf_counter() - started)
        at_size_rate = import_at_size(library)
        duplicate_figures: dict[str, object] = {}
        if duplicates:
            started = time.perf_counter()
            groups = library.duplicate_groups()
            duplicate_figures = {
                "duplicates_s": round(time.perf_counter() - started, 3),
                "duplicate_groups": len(groups),
            }
    finally:
        library.close()
    return {
        "backend": "postgresql" if url else "sqlite",
        "items": items,
        "insert_refs_per_s": round(items / insert_seconds, 1) if insert_seconds else None,
        "import_at_size_refs_per_s": round(at_size_rate, 1),
        "open_s": round(open_seconds, 4),
        **tidy_figures,
        "search_p50_ms": _ms(statistics.median(timings)),
        "search_p95_ms": _ms(statistics.quantiles(timings, n=20)[18]),
        "search_first_page_p50_ms": _ms(statistics.median(page_timings)),
        "search_first_page_p95_ms": _ms(statistics.quantiles(page_timings, n=20)[18]),
        "search_count_p50_ms": _ms(statistics.median(count_timings)),
        "search_count_p95_ms": _ms(statistics.quantiles(count_timings, n=20)[18]),
        "search_first_page_slowest_ms": dict(
            sorted(slowest_page.items(), key=lambda item: -item[1])[:5]
        ),
        "first_page_ms": first_page,
        **duplicate_figures,
        "file_mb": _size_mb(location),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=10_000, help="references to generate")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the library")
    parser.add_argument(
        "--no-duplicates",
        dest="duplicates",
        action="store_false",
        help="do not time the Duplicates view (duplicate_groups over the whole library)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: time the library file already built there instead of building again",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a team library on a private throw-away server (unless --library)",
    )
    parser.add_argument(
        "--library",
        metavar="URL",
        help="a postgresql:// URL of an empty database to fill (implies --backend postgresql)",
    )
    parser.add_argument(
        "--no-tidy",
        dest="tidy",
        action="store_false",
        help="time the search index as the imports left it (the window tidies it when idle)",
    )
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url: str | None = args.library
        if url is None and args.backend == "postgresql":
            url = stack.enter_context(library_url())
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            directory = args.keep
        else:
            directory = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="peerref-bench-"))
            )
        figures = run(
            args.items,
            directory,
            duplicates=args.duplicates,
            url=url,
            reuse=args.reuse,
            tidy=args.tidy,
        )
    json.dump(figures, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
