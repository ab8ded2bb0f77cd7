"""Opening PeerRef must not pay for the review's heavy libraries until they are used.

matplotlib (with numpy) takes a second or more to import and scikit-learn more again;
the window imports the review window's module at start-up, so those imports must wait
until a diagram is drawn or a ranking runs. Each check runs in a fresh interpreter:
this test process has long since imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "sklearn", "numpy", "scipy")


def modules_after_import(module: str) -> list[str]:
    """The heavy top-level packages in ``sys.modules`` after importing ``module`` alone."""
    code = (
        "import json, sys\n"
        f"import {module}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "module",
    [
        "peerref.gui.main_window",
        "peerref.gui.views.review_view",
        "peerref.gui.views.prisma_diagram_widget",
        "peerref.cli",
        "peerref.app",
    ],
)
def test_start_up_does_not_import_the_diagram_or_ranking_libraries(module: str) -> None:
    assert modules_after_import(module) == []


def test_the_check_would_notice_matplotlib() -> None:
    """The probe itself sees a heavy import, so an empty answer above means something."""
    assert "matplotlib" in modules_after_import("matplotlib.figure")


WINDOW_SCRIPT = """
import json, sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication
from peerref.core.model import Reference
from peerref.core.prisma import Verdict
from peerref.gui.views.review_view import ReviewWindow
from peerref.library import Library

app = QApplication([])
with tempfile.TemporaryDirectory() as folder:
    with Library.open(Path(folder) / "library.sqlite", daily_backup=False) as library:
        library.add([Reference(title="Peer work"), Reference(title="Car parking")])
        window = ReviewWindow(library, library.reviews.create("Imports"))
        window.show()
        app.processEvents()
        window.screening_widget.decide(Verdict.INCLUDE)
        window.refresh_counts()
        app.processEvents()
        before = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
        window.tabs.setCurrentWidget(window.diagram_widget)
        while window.diagram_widget.is_drawing:  # drawn on a worker thread
            app.processEvents()
        after = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
        window.close()
print(json.dumps([before, after]))
"""


def test_screening_in_the_window_loads_matplotlib_only_for_the_diagram_tab() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = f"HEAVY = {HEAVY!r}\n" + WINDOW_SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == []  # opened, screened, counted: no diagram drawn, nothing heavy
    assert "matplotlib" in after and "sklearn" not in after
