"""Relevance ranking in the Review window: retrained off the UI thread, never in the way."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from processes import gone
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerref.core.errors import StorageError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import ScreeningOrder
from peerref.gui.views.review_view import ReviewWindow
from peerref.gui.views.screening_widget import RANKING_STOPPED_TEXT, RANKING_TEXT, UNTRAINED_TEXT
from peerref.library import Library
from peerref.review.ranking import RETRAIN_EVERY, Ranked, RankingStep
from peerref.review.ranking_process import ProgressReporter as Progress
from peerref.review.screening import RankingRequest

WAIT_MS = 30_000
# In import order; the first five are decided I E E E I, which trains the model.
TITLES = (
    "Peer support workers in mental health teams",
    "Hospital car parking charges",
    "Car parking at railway stations",
    "Parking fines in city centres",
    "Peer support for carers of people with psychosis",
    "Multi-storey car parking design",
    "Parking permits for residents",
    "Peer support and peer mentoring in prisons",
    "Car parking and retail footfall",
    "Peer support workers and recovery colleges",
)
FIRST_KEYS = "IEEEI"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


@pytest.fixture
def ids(library: Library) -> list[ReferenceId]:
    return sorted(library.add([Reference(title=t) for t in TITLES]).added)


@pytest.fixture
def review_window(qtbot: QtBot, library: Library, ids: list[ReferenceId]) -> Iterator[ReviewWindow]:
    messages: list[str] = []
    window = ReviewWindow(
        library,
        library.reviews.create("Relevance", seed=5),
        show_message=lambda _parent, _title, text: messages.append(text),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    assert messages == []
    # No ranking may outlive the test's library.
    qtbot.waitUntil(lambda: not window.screening_widget.is_ranking, timeout=WAIT_MS)


def key(qtbot: QtBot, window: ReviewWindow, letter: str) -> None:
    qtbot.keyClick(window.screening_widget, getattr(Qt.Key, f"Key_{letter}"))


def choose_relevance(qtbot: QtBot, window: ReviewWindow) -> None:
    box = window.screening_widget.order_box
    box.setCurrentIndex(box.findData(ScreeningOrder.RELEVANCE.value))


def test_ranking_runs_in_the_background_and_reorders_after_the_record_on_screen(
    qtbot: QtBot, review_window: ReviewWindow, ids: list[ReferenceId]
) -> None:
    widget = review_window.screening_widget
    screening = review_window.screening
    assert not widget.ranking_label.isVisible()  # import order: nothing to explain
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        choose_relevance(qtbot, review_window)
        assert widget.is_ranking
        assert widget.ranking_label.text() == RANKING_TEXT
        assert widget.stop_ranking_button.isVisible()
    assert widget.ranking_label.isVisible() and widget.ranking_label.text() == UNTRAINED_TEXT
    assert not widget.stop_ranking_button.isVisible()
    assert screening.pending == tuple(ids)  # nothing learnt yet: import order

    assert len(FIRST_KEYS) == RETRAIN_EVERY
    for letter in FIRST_KEYS[:-1]:
        key(qtbot, review_window, letter)
        assert not widget.is_ranking
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        key(qtbot, review_window, FIRST_KEYS[-1])
        # The next record is on screen before the model has learnt anything.
        assert widget.is_ranking
        assert screening.current_id() == ids[5]
        assert "Multi-storey car parking design" in widget.title_label.text()
    ranking = screening.last_ranking
    assert ranking is not None and ranking.trained
    assert screening.current_id() == ids[5]  # the record on screen stayed
    assert set(screening.pending[1:3]) == {ids[7], ids[9]}  # then the peer-support ones
    text = widget.ranking_label.text()
    assert "for: " in text and "peer" in text and "against: " in text and "parking" in text
    progress = widget.progress_label.text()
    assert "5 of 10 decided" in progress
    assert "relevant found: 2 of 5 screened" in progress
    assert "1 since the last relevant" not in progress and "0 since the last relevant" in progress


def test_screening_goes_on_while_the_ranking_runs_and_stop_keeps_the_order(
    qtbot: QtBot,
    review_window: ReviewWindow,
    ids: list[ReferenceId],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    widget = review_window.screening_widget
    screening = review_window.screening
    release = threading.Event()
    started = threading.Event()
    real = screening.run_ranking

    def slow(request: RankingRequest, check: Callable[[], None], progress: Progress) -> Ranked:
        started.set()
        release.wait(WAIT_MS / 1000)
        return real(request, check, progress)

    monkeypatch.setattr(screening, "run_ranking", slow)
    try:
        choose_relevance(qtbot, review_window)
        qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
        op = widget._ranking_op
        assert op is not None and op.is_running
        # The window answers every key while the worker is busy.
        for n, letter in enumerate(FIRST_KEYS):
            key(qtbot, review_window, letter)
            assert screening.current_id() == ids[n + 1]
        assert widget.is_ranking  # one ranking at a time: the due one waits for this one
        with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
            qtbot.mouseClick(widget.stop_ranking_button, Qt.MouseButton.LeftButton)
        assert not widget.is_ranking
        assert widget.ranking_label.text() == RANKING_STOPPED_TEXT
        assert not widget.stop_ranking_button.isVisible()
    finally:
        release.set()
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    # The stopped ranking's answer never lands: the order is still import order.
    assert screening.pending == tuple(ids[len(FIRST_KEYS) :])
    assert screening.last_ranking is None
    # The next decision asks again, and this time the ranking is allowed to finish.
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        key(qtbot, review_window, "E")
    ranking = screening.last_ranking
    assert ranking is not None and ranking.trained


def test_closing_the_window_stops_the_ranking(
    qtbot: QtBot, review_window: ReviewWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    widget = review_window.screening_widget
    release = threading.Event()
    real = review_window.screening.run_ranking

    def slow(request: RankingRequest, check: Callable[[], None], progress: Progress) -> Ranked:
        release.wait(WAIT_MS / 1000)
        return real(request, check, progress)

    monkeypatch.setattr(review_window.screening, "run_ranking", slow)
    choose_relevance(qtbot, review_window)
    op = widget._ranking_op
    assert op is not None
    review_window.close()
    assert not widget.is_ranking and op.was_cancel_requested
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        release.set()


def test_a_failed_ranking_is_told_and_screening_goes_on(
    qtbot: QtBot, library: Library, ids: list[ReferenceId], monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    window = ReviewWindow(
        library,
        library.reviews.create("Failing", seed=5),
        show_message=lambda _parent, _title, text: messages.append(text),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def broken(request: RankingRequest, check: Callable[[], None], progress: Progress) -> Ranked:
        raise StorageError("the library file went away")

    monkeypatch.setattr(window.screening, "run_ranking", broken)
    widget = window.screening_widget
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        choose_relevance(qtbot, window)
    assert messages == ["the library file went away"]
    assert "Could not rank" in widget.ranking_label.text()
    assert not widget.is_ranking
    key(qtbot, window, "E")
    assert window.screening.current_id() == ids[1]  # the import order still serves


def test_the_progress_bar_follows_the_workers_steps_and_hides_after(
    qtbot: QtBot, review_window: ReviewWindow
) -> None:
    widget = review_window.screening_widget
    bar = widget.ranking_progress
    assert not bar.isVisible()  # idle
    values: list[int] = []
    bar.valueChanged.connect(values.append)
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        choose_relevance(qtbot, review_window)
        assert bar.isVisible() and bar.value() == 0 and bar.maximum() == len(RankingStep)
        qtbot.waitUntil(lambda: bar.value() >= 1, timeout=WAIT_MS)
        assert bar.isVisible()
    assert not bar.isVisible()
    # Reading texts (0), building features (1), done (4): nothing to train on yet.
    assert values == [0, 1, len(RankingStep)]
    pid = review_window.screening.ranking_process.pid
    assert pid is not None  # a worker process ranked, kept for the session

    values.clear()
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        for letter in FIRST_KEYS:
            key(qtbot, review_window, letter)
        assert bar.isVisible()
    assert not bar.isVisible()
    # A retraining: the kept worker goes straight to training (2) and ordering (3).
    assert values == [0, 2, 3, len(RankingStep)]
    assert review_window.screening.ranking_process.pid == pid


def test_a_killed_worker_is_told_and_screening_goes_on_in_the_current_order(
    qtbot: QtBot, library: Library, ids: list[ReferenceId]
) -> None:
    messages: list[str] = []
    window = ReviewWindow(
        library,
        library.reviews.create("Killed", seed=5),
        show_message=lambda _parent, _title, text: messages.append(text),
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    widget = window.screening_widget
    screening = window.screening
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        choose_relevance(qtbot, window)
    process = screening.ranking_process
    assert process is not None and process.pid is not None
    pid = process.pid
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: gone(pid), timeout=WAIT_MS)
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        for letter in FIRST_KEYS:  # the fifth asks the dead worker for a retraining
            key(qtbot, window, letter)
    assert len(messages) == 1 and "ended unexpectedly" in messages[0]
    assert "Could not rank" in widget.ranking_label.text()
    assert not widget.ranking_progress.isVisible()
    # Screening goes on in the order it had (import order: nothing was learnt).
    assert screening.current_id() == ids[len(FIRST_KEYS)]
    key(qtbot, window, "E")
    assert screening.current_id() == ids[len(FIRST_KEYS) + 1]
    window.close()


def test_closing_the_window_ends_the_worker_process(
    qtbot: QtBot, review_window: ReviewWindow
) -> None:
    widget = review_window.screening_widget
    with qtbot.waitSignal(widget.ranking_finished, timeout=WAIT_MS):
        choose_relevance(qtbot, review_window)
    process = review_window.screening.ranking_process
    assert process is not None
    pid = process.pid
    assert pid is not None and not gone(pid)
    review_window.close()
    assert process.pid is None
    qtbot.waitUntil(lambda: gone(pid), timeout=WAIT_MS)
