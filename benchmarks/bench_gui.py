"""How the window copes with a large library, offscreen.

Builds (or reuses) a library of 100,000 references with ``Library.add`` in bulk, then
measures, with the real ``MainWindow``:

- ``first_rows_ms``: from constructing the window to its first rows being shown (< 1 s):
  the UI thread's whole share of opening the window; ``sidebar_model_ms``, the sidebar
  model's part of it, and ``sidebar_counts_in_ms``, until the sidebar's counts are in
  (read on a pool thread above ``SYNC_COUNT_LIMIT``, so later than the first rows);
  ``*_cpu_ms``, the UI thread's CPU time over the same span (``time.thread_time``): a
  pool thread holding the GIL stretches the wall figures, not these;
  ``sidebar_model_alone_ms``, the median of 5 sidebar models made once the window is idle
  (what opening costs the UI thread without the table's read competing);
- ``rows_loaded_after_scroll_to_end``: summaries the table model holds after scrolling to the
  last row (a page or two, not the table);
- ``search_ms``: from a search being applied to the table showing its first rows (< 100 ms),
  per query; the search field waits ``debounce_ms`` after the last key before applying;
- ``change_sets``: for an edit, an import of 5 references and a trash of one, listed in My
  Library: ``ui_ms``, the UI thread's handling of the change set (``MainWindow.apply_changes``)
  and ``table_ms``, the table model's share of it; ``list_in_ms``, until the id list re-read
  in the background is in, and ``merge_ms``, the UI thread's share of that (the rows it moves).
  The library is put back as it was afterwards.
- ``sorts``: per column sort (a click on the header), ``ui_ms``, the UI thread's handling
  (the model's first page in the new order, shown), ``ui_cpu_ms``, its CPU time,
  ``list_in_ms``, until the whole id list in that order is in, and ``selection_kept``,
  whether the row selected before the sort is still the one selected after it.

Prints one JSON object. Usage::

    uv run python benchmarks/bench_gui.py [--references 100000] [--library PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, Qt, QThreadPool, QTimer  # after the platform
from PySide6.QtWidgets import QApplication

from peerref.core.changes import ChangeSet
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.gui import main_window as main_window_module
from peerref.gui.main_window import SEARCH_DELAY_MS, MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.models.sidebar_model import SidebarModel
from peerref.library import Library
from peerref.settings import Settings

FAMILIES = (
    "Repper", "Watson", "Okafor", "Lindqvist", "Brennan", "Mensah", "Raman", "Fairweather",
    "van der Berg", "Ó Rourke", "Nakamura", "García", "Kowalski", "Haddad", "Chen", "Dubois",
)  # fmt: skip
GIVEN = ("Julie", "Emma", "Ada", "Kwame", "Priya", "Lucy", "Henrik", "Tomás", "Mei", "Omar")
JOURNALS = (
    "Mental Health Review Journal",
    "Journal of Public Mental Health",
    "The Journal of Adult Protection",
    "Journal of Documentation",
    "Library Hi Tech",
    "Health Education",
)
SUBJECTS = (
    "peer support", "recovery colleges", "loneliness", "safeguarding", "trust", "open dialogue",
    "carers", "digital inclusion", "night shifts", "restraint", "reading groups", "discharge",
)  # fmt: skip
FRAMES = (
    "Experiences of {a} in {b}",
    "{a} and {b}: a qualitative study",
    "What {a} means for {b}",
    "A review of {a} across {b}",
)
QUERIES = ("trust", "author:repper", "year:2010..2012", "loneliness carers", "tag:zzz")


def make_references(count: int, seed: int = 7) -> list[Reference]:
    rng = random.Random(seed)
    references = []
    for i in range(count):
        a, b = rng.sample(SUBJECTS, 2)
        authors = tuple(
            Creator(family=rng.choice(FAMILIES), given=rng.choice(GIVEN))
            for _ in range(rng.randint(1, 4))
        )
        title = "" if i % 97 == 0 else rng.choice(FRAMES).format(a=a, b=b).capitalize()
        references.append(
            Reference(
                type=ReferenceType.ARTICLE_JOURNAL,
                title=title,
                creators=authors,
                container_title=rng.choice(JOURNALS),
                issued=PartialDate(rng.randint(1995, 2026)),
                volume=str(rng.randint(1, 40)),
                abstract=(AbstractSection("Purpose", f"This paper looks at {a} and {b}."),),
            )
        )
    return references


def build_library(path: Path, count: int) -> float:
    """Fill a new library in batches; returns the seconds it took."""
    start = time.perf_counter()
    with Library.open(path, daily_backup=False) as library:
        references = make_references(count)
        for first in range(0, count, 5000):
            library.add(references[first : first + 5000])
    return time.perf_counter() - start


def show_rows(app: QApplication, window: MainWindow) -> None:
    """Let the window lay itself out and paint the table once, as the first frame would.

    A handful of explicit steps rather than a busy loop: PySide6 6.12 on CPython 3.11 loses
    a reference to None on every void call, so a loop of thousands of processEvents() calls
    ends the process (see the report on the window's issue).
    """
    app.processEvents()
    window.table_view.viewport().repaint()


def wait_for_full_listing(window: MainWindow, timeout_ms: int = 60_000) -> None:
    """Run the event loop until the table's id list is in (one loop, not a busy one)."""
    model = window.table_model
    if model.is_complete:
        return
    loop = QEventLoop()
    model.full_listing_loaded.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    model.full_listing_loaded.disconnect(loop.quit)


def wait_for_sidebar_counts(window: MainWindow, timeout_ms: int = 60_000) -> None:
    """Run the event loop until the sidebar's counts are in (read in the background)."""
    model = window.sidebar_model
    if not model.is_refreshing:
        return
    loop = QEventLoop()
    model.counts_refreshed.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    while model.is_refreshing:
        loop.exec()
    model.counts_refreshed.disconnect(loop.quit)


def timed_sidebar_model(seconds: list[float]) -> type:
    """The window's sidebar model class, timing its construction into ``seconds``."""
    base = main_window_module.SidebarModel

    class Timed(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            began, cpu = time.perf_counter(), time.thread_time()
            super().__init__(*args, **kwargs)
            seconds.extend((time.perf_counter() - began, time.thread_time() - cpu))

    return Timed


SORTS = (
    ("title_ascending", Column.TITLE, Qt.SortOrder.AscendingOrder),
    ("year_descending", Column.YEAR, Qt.SortOrder.DescendingOrder),
    ("authors_ascending", Column.AUTHORS, Qt.SortOrder.AscendingOrder),
    ("added_descending", Column.ADDED, Qt.SortOrder.DescendingOrder),
)


def measure_sidebar_alone(library: Library, repeats: int = 5) -> float:
    """Median milliseconds to make a sidebar model with nothing else running."""
    pool = QThreadPool()
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        model = SidebarModel(library, thread_pool=pool)
        seconds.append(time.perf_counter() - began)
        if hasattr(model, "close"):
            model.close()  # a background first read, if any, stops before its next query
        pool.waitForDone()
        model.deleteLater()
    return statistics.median(seconds) * 1000


def measure_sorts(app: QApplication, window: MainWindow) -> dict[str, dict[str, object]]:
    """Time header-click sorts of the whole library, keeping one row selected throughout."""
    view, model = window.table_view, window.table_model
    wait_for_full_listing(window)
    view.selectRow(min(150_000, model.rowCount() - 1))
    figures: dict[str, dict[str, object]] = {}
    for name, column, order in SORTS:
        show_rows(app, window)
        selected = view.selected_ids()
        began, cpu = time.perf_counter(), time.thread_time()
        view.horizontalHeader().setSortIndicator(int(column), order)  # as a click does
        show_rows(app, window)
        ui_ms = (time.perf_counter() - began) * 1000
        ui_cpu_ms = (time.thread_time() - cpu) * 1000
        wait_for_full_listing(window)
        list_in_ms = (time.perf_counter() - began) * 1000
        figures[name] = {
            "ui_ms": round(ui_ms, 1),
            "ui_cpu_ms": round(ui_cpu_ms, 1),
            "list_in_ms": round(list_in_ms, 1),
            "selection_kept": view.selected_ids() == selected,
        }
    return figures


def measure_change_sets(
    app: QApplication, window: MainWindow, library: Library
) -> dict[str, dict[str, float | None]]:
    """Time how the window takes in an edit, an import and a trash, then undo them."""
    model = window.table_model
    wait_for_full_listing(window)
    table_seconds: list[float] = []
    apply_to_table = model.apply_changes

    def timed_apply(changes: ChangeSet, *, force: bool = False) -> None:
        began = time.perf_counter()
        apply_to_table(changes, force=force)
        table_seconds.append(time.perf_counter() - began)

    merge_seconds: list[float] = []
    merge_began: list[float] = []
    refresh_signals = hasattr(model, "rows_about_to_refresh")  # absent before issue 16
    if refresh_signals:
        model.rows_about_to_refresh.connect(lambda: merge_began.append(time.perf_counter()))
        model.rows_refreshed.connect(
            lambda: merge_seconds.append(time.perf_counter() - merge_began[-1])
        )
    model.apply_changes = timed_apply  # type: ignore[method-assign]

    edited = library.get(model.reference_id(3))
    added: list[ReferenceId] = []
    trashed = [model.reference_id(5)]
    steps: dict[str, Callable[[], ChangeSet]] = {
        "edit": lambda: library.update(edited.with_changes(title=edited.title + " (edited)")),
        "import_5": lambda: library.add(make_references(5, seed=99)),
        "trash_1": lambda: library.trash(trashed),
    }
    figures: dict[str, dict[str, float | None]] = {}
    try:
        for name, step in steps.items():
            changes = step()
            added.extend(changes.added)
            table_seconds.clear()
            merge_seconds.clear()
            began = time.perf_counter()
            window.apply_changes(changes)
            ui_ms = (time.perf_counter() - began) * 1000
            merges_during_apply = len(merge_seconds)
            show_rows(app, window)
            wait_for_full_listing(window)
            list_in_ms = (time.perf_counter() - began) * 1000
            later_merges = merge_seconds[merges_during_apply:]
            figures[name] = {
                "ui_ms": round(ui_ms, 1),
                "table_ms": round(sum(table_seconds) * 1000, 1),
                "list_in_ms": round(list_in_ms, 1),
                "merge_ms": round(sum(later_merges) * 1000, 1) if refresh_signals else None,
            }
    finally:
        del model.apply_changes  # the model's own method again
        library.update(library.get(edited.id).with_changes(title=edited.title))  # type: ignore[arg-type]
        if added:
            library.delete_permanently(added)
        library.restore(trashed)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=100_000)
    parser.add_argument("--library", type=Path, help="reuse (or create) this library file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="peerref-bench-gui-"))
    library_path = args.library or workdir / "library.sqlite"
    build_seconds = None
    if not library_path.exists():
        build_seconds = build_library(library_path, args.references)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    qsettings = QSettings(str(workdir / "window.ini"), QSettings.Format.IniFormat)
    with Library.open(library_path, daily_backup=False) as library:
        total = library.count()
        sidebar_seconds: list[float] = []
        main_window_module.SidebarModel = timed_sidebar_model(sidebar_seconds)  # type: ignore[misc]
        start, start_cpu = time.perf_counter(), time.thread_time()
        window = MainWindow(library=library, settings=Settings(), qsettings=qsettings)
        window.resize(1280, 800)
        window.show()
        model = window.table_model
        show_rows(app, window)
        first_rows_ms = (time.perf_counter() - start) * 1000
        first_rows_cpu_ms = (time.thread_time() - start_cpu) * 1000
        assert model.cached_row_count > 0, "no rows were shown"
        wait_for_sidebar_counts(window)
        sidebar_counts_in_ms = (time.perf_counter() - start) * 1000

        window.table_view.scrollToBottom()
        show_rows(app, window)
        last_row_shown = model.is_row_loaded(model.rowCount() - 1)

        search_ms: dict[str, float] = {}
        counts: dict[str, int] = {}
        for query in QUERIES:
            window.search_field.blockSignals(True)
            window.search_field.setText(query)
            window.search_field.blockSignals(False)
            began = time.perf_counter()
            window.apply_search()
            show_rows(app, window)
            search_ms[query] = round((time.perf_counter() - began) * 1000, 1)
            counts[query] = model.rowCount()
        window.search_field.clear()
        window.apply_search()
        change_sets = measure_change_sets(app, window, library)
        sorts = measure_sorts(app, window)
        sidebar_alone_ms = measure_sidebar_alone(library)

        result = {
            "references": total,
            "build_library_s": round(build_seconds, 1) if build_seconds is not None else None,
            "first_rows_ms": round(first_rows_ms, 1),
            "first_rows_target_ms": 1000,
            "first_rows_cpu_ms": round(first_rows_cpu_ms, 1),
            "sidebar_model_ms": round(sidebar_seconds[0] * 1000, 1),
            "sidebar_model_cpu_ms": round(sidebar_seconds[1] * 1000, 1),
            "sidebar_counts_in_ms": round(sidebar_counts_in_ms, 1),
            "sidebar_model_alone_ms": round(sidebar_alone_ms, 1),
            "rows_loaded_after_scroll_to_end": model.cached_row_count,
            "summaries_read_in_total": model.summaries_loaded,
            "last_row_reached": last_row_shown,
            "search_ms": search_ms,
            "search_matches": counts,
            "search_median_ms": round(statistics.median(search_ms.values()), 1),
            "search_target_ms": 100,
            "debounce_ms": SEARCH_DELAY_MS,
            "change_sets": change_sets,
            "sorts": sorts,
        }
        window.close()
        window.deleteLater()
        app.processEvents()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
