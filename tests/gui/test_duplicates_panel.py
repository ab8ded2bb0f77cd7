"""The Duplicates view looks for groups off the UI thread, drops stale answers, cancels."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from peerref.core.dedupe import DuplicateGroup
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.gui.views.duplicates_view import CANCELLED_TEXT, LOOKING_TEXT, DuplicatesPanel
from peerref.library import Library

WAIT_MS = 10_000

AUTHORS = (Creator("Okonkwo", "Adaeze"), Creator("Brennan", "Siobhan"))
FIRST = Reference(
    title="Peer workers on inpatient wards: a realist review",
    creators=AUTHORS,
    issued=PartialDate(2021),
    container_title="International Journal of Mental Health Nursing",
)
SECOND = FIRST.with_changes(
    title="Peer Workers on Inpatient Wards - A Realist Review", doi="10.1111/inm.12850"
)


class GatedSearch:
    """Stands in for ``Library.duplicate_groups``: the first call waits for the test."""

    def __init__(self, library: Library) -> None:
        self._search = library.duplicate_groups
        self.gate = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self) -> list[DuplicateGroup]:
        self.threads.append(threading.current_thread())
        if len(self.threads) == 1:
            assert self.gate.wait(WAIT_MS / 1000)
        return self._search()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([FIRST, SECOND])
        yield opened


@pytest.fixture
def search(library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[GatedSearch]:
    gated = GatedSearch(library)
    monkeypatch.setattr(library, "duplicate_groups", gated)
    yield gated
    gated.gate.set()
    QThreadPool.globalInstance().waitForDone(WAIT_MS)


@pytest.fixture
def panel(qtbot: QtBot, library: Library) -> DuplicatesPanel:
    shown = DuplicatesPanel(library, show_message=lambda *_args: None, progress_delay_ms=0)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_groups_are_found_off_the_ui_thread_while_the_panel_says_so(
    qtbot: QtBot, panel: DuplicatesPanel, search: GatedSearch
) -> None:
    op = panel.refresh()  # returns while the (gated) search waits on its worker
    assert op is not None and panel.is_looking and panel.model.rowCount() == 0
    assert panel.summary_label.text() == LOOKING_TEXT
    assert not panel.look_again_button.isEnabled() and not panel.table.isEnabled()
    qtbot.waitUntil(lambda: op.progress_dialog is not None, timeout=WAIT_MS)
    dialog = op.progress_dialog
    assert isinstance(dialog, QProgressDialog) and dialog.labelText() == LOOKING_TEXT

    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        search.gate.set()
    assert search.threads[0] is not threading.main_thread()
    assert panel.model.rowCount() == 2 and "1 group" in panel.summary_label.text()
    assert not panel.is_looking and panel.table.isEnabled()
    panel.table.selectRow(0)
    assert panel.merge_button.isEnabled() and panel.dismiss_button.isEnabled()


def test_a_library_change_while_looking_drops_the_stale_answer(
    qtbot: QtBot, panel: DuplicatesPanel, library: Library, search: GatedSearch
) -> None:
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(panel.model.rowCount()))
    assert panel.refresh() is not None
    library.dismiss_duplicates([ReferenceId(1), ReferenceId(2)])
    assert panel.refresh() is None  # marks the running search stale, starts no other
    # The worker thread may not have reached the search yet.
    qtbot.waitUntil(lambda: len(search.threads) == 1, timeout=WAIT_MS)

    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        search.gate.set()
    assert len(search.threads) == 2  # searched once more, after the first answer
    assert resets == [0]  # the stale answer (one group) was never shown
    assert panel.summary_label.text() == "No duplicates found."


def test_a_change_while_hidden_drops_the_answer_without_searching_again(
    qtbot: QtBot, panel: DuplicatesPanel, library: Library, search: GatedSearch
) -> None:
    op = panel.refresh()
    assert op is not None
    panel.hide()
    library.dismiss_duplicates([ReferenceId(1), ReferenceId(2)])
    panel.refresh_if_shown()
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        search.gate.set()
    assert len(search.threads) == 1 and panel.model.rowCount() == 0
    assert not panel.is_looking

    panel.show()
    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        panel.refresh()
    assert panel.summary_label.text() == "No duplicates found."


def test_cancel_frees_the_panel_at_once_and_ignores_the_late_answer(
    qtbot: QtBot, panel: DuplicatesPanel, search: GatedSearch
) -> None:
    op = panel.refresh()
    assert op is not None
    qtbot.waitUntil(lambda: op.progress_dialog is not None, timeout=WAIT_MS)
    dialog = op.progress_dialog
    assert dialog is not None
    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None
    cancel_button.click()
    # The panel does not wait for the comparison still running on the worker.
    assert not panel.is_looking
    assert panel.summary_label.text() == CANCELLED_TEXT
    assert panel.look_again_button.isEnabled()

    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        search.gate.set()
    assert panel.model.rowCount() == 0 and panel.summary_label.text() == CANCELLED_TEXT

    with qtbot.waitSignal(panel.groups_shown, timeout=WAIT_MS):
        panel.look_again_button.click()
    assert panel.model.rowCount() == 2
