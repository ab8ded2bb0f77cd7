"""How long the window takes to show a reference with pathological lengths, offscreen.

A title and an abstract of 1 MB and of 5 MB, each one unbroken word (a pasted page with
no spaces): the details panel shows a bounded part, so selecting such a reference should
take about as long as selecting an ordinary one. Prints one JSON object of milliseconds
from selecting each reference to the window having painted it.

Usage::

    uv run python benchmarks/bench_long_values.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # after choosing the platform above
from PySide6.QtWidgets import QApplication

from peerref.core.model import AbstractSection, Creator, PartialDate, Reference
from peerref.gui.main_window import MainWindow
from peerref.library import Library
from peerref.settings import Settings

SIZES = {"ordinary": 80, "1 MB": 1024 * 1024, "5 MB": 5 * 1024 * 1024}


def main() -> None:
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        with Library.open(directory / "bench.sqlite", daily_backup=False) as library:
            for name, size in SIZES.items():
                library.add(
                    [
                        Reference(
                            title=(name[0] * size),
                            creators=(Creator(family="Okafor", given="Ada"),),
                            issued=PartialDate(2020),
                            abstract=(AbstractSection("", "a" * size),),
                        )
                    ]
                )
            window = MainWindow(
                library,
                Settings(),
                qsettings=QSettings(str(directory / "w.ini"), QSettings.Format.IniFormat),
                show_message=lambda *_args: None,
            )
            window.resize(1380, 820)
            window.show()
            app.processEvents()
            figures: dict[str, float] = {}
            ids = {len(r.title): r.id for r in library.get_many(library.search_ids())}
            for name, size in SIZES.items():
                window.table_view.clearSelection()
                app.processEvents()
                start = time.perf_counter()
                window.select_references([ids[size]])  # type: ignore[list-item]
                app.processEvents()
                window.repaint()
                figures[f"select_{name.replace(' ', '')}_ms"] = round(
                    (time.perf_counter() - start) * 1000, 1
                )
            window.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
