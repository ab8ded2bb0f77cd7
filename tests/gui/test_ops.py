"""Background operations: work off the UI thread, delayed progress, cancel, errors shown."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.errors import FormatError
from peerref.gui.ops import BackgroundOp, OpContext, OperationCancelled, report_error

# The offscreen platform cannot pass a window's size limits on and says so; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 5000


class Messages:
    """Records what would have been shown to the user."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_work_runs_off_the_ui_thread_and_result_comes_back_on_it(
    qtbot: QtBot, window: QWidget
) -> None:
    ui_thread = threading.current_thread()
    seen: dict[str, object] = {}

    def work(context: OpContext) -> int:
        seen["work_thread"] = threading.current_thread()
        return 6 * 7

    def done(value: int) -> None:
        seen["callback_thread"] = threading.current_thread()
        seen["value"] = value

    op = BackgroundOp(work, parent=window, label="Adding up", on_success=done)
    with qtbot.waitSignal(op.succeeded, timeout=WAIT_MS) as blocker:
        op.start()
    assert blocker.args == [42]
    assert seen["value"] == 42
    assert seen["work_thread"] is not ui_thread
    assert seen["callback_thread"] is ui_thread
    assert not op.is_running


def test_quick_work_never_shows_a_progress_dialog(qtbot: QtBot, window: QWidget) -> None:
    shown: list[object] = []
    op = BackgroundOp(lambda context: "done", parent=window, label="Quick")
    op.progress_dialog_shown.connect(shown.append)
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.start()
    qtbot.wait(350)  # past the delay: the dialog must not appear after the work ended
    assert shown == []
    assert window.findChildren(QProgressDialog) == []


def test_slow_work_shows_progress_and_stays_responsive_then_cancels(
    qtbot: QtBot, window: QWidget
) -> None:
    may_finish = threading.Event()
    steps_done: list[int] = []
    successes: list[object] = []

    def work(context: OpContext) -> str:
        for step in range(1000):
            context.raise_if_cancelled()
            context.report_progress(step, 1000, f"Step {step}")
            steps_done.append(step)
            may_finish.wait(0.01)
        return "completed"

    op = BackgroundOp(
        work, parent=window, label="Working", on_success=successes.append, progress_delay_ms=100
    )
    with qtbot.waitSignal(op.progress_dialog_shown, timeout=WAIT_MS) as shown:
        op.start()
    dialog = shown.args[0]
    assert isinstance(dialog, QProgressDialog)
    assert dialog.isVisible()

    # The event loop keeps running while the work runs: a timer still fires.
    ticks: list[int] = []
    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.maximum() == 1000 and dialog.value() > 0, timeout=WAIT_MS)
    assert dialog.labelText().startswith("Step ")

    cancel_button = dialog.findChild(QPushButton)
    assert cancel_button is not None
    with qtbot.waitSignal(op.cancelled, timeout=WAIT_MS):
        cancel_button.click()
    assert successes == []
    assert len(steps_done) < 1000
    assert op.progress_dialog is None
    assert op.was_cancel_requested


def test_progress_reaches_the_ui_thread_as_a_signal_without_a_dialog(
    qtbot: QtBot, window: QWidget
) -> None:
    ui_thread = threading.get_ident()
    heard: list[tuple[int, int, str, bool]] = []

    def work(context: OpContext) -> str:
        for step in range(3):
            context.report_progress(step, 3, f"Step {step}")
        return "done"

    op = BackgroundOp(work, parent=window, label="Working", progress_delay_ms=2**31 - 1)
    op.progressed.connect(
        lambda done, total, what: heard.append(
            (done, total, what, threading.get_ident() == ui_thread)
        )
    )
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.start()
    assert heard == [(n, 3, f"Step {n}", True) for n in range(3)]
    assert op.progress_dialog is None


def test_peerref_error_is_shown_with_its_own_text(qtbot: QtBot, window: QWidget) -> None:
    messages = Messages()

    def work(context: OpContext) -> None:
        raise FormatError("no references recognised (tried emerald, ris)")

    op = BackgroundOp(work, parent=window, label="Parsing", title="Import", show_message=messages)
    with qtbot.waitSignal(op.failed, timeout=WAIT_MS) as blocker:
        op.start()
    assert isinstance(blocker.args[0], FormatError)
    assert messages.shown == [("Import", "no references recognised (tried emerald, ris)")]


def test_unexpected_error_is_logged_and_shown_as_unexpected(
    qtbot: QtBot, window: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    messages = Messages()

    def work(context: OpContext) -> None:
        raise KeyError("volume")

    op = BackgroundOp(work, parent=window, label="Working", show_message=messages)
    with (
        caplog.at_level(logging.ERROR, logger="peerref.gui.ops"),
        qtbot.waitSignal(op.finished, timeout=WAIT_MS),
    ):
        op.start()
    assert len(messages.shown) == 1
    assert "unexpected error" in messages.shown[0][1]
    assert "KeyError" in messages.shown[0][1]
    record = caplog.records[-1]
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_failure_callback_replaces_the_default_message(qtbot: QtBot, window: QWidget) -> None:
    messages = Messages()
    handled: list[BaseException] = []

    def work(context: OpContext) -> None:
        raise FormatError("bad page")

    op = BackgroundOp(
        work, parent=window, label="x", on_failure=handled.append, show_message=messages
    )
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.start()
    assert [str(e) for e in handled] == ["bad page"]
    assert messages.shown == []


def test_work_that_checks_the_flag_after_a_step_ends_cancelled(
    qtbot: QtBot, window: QWidget
) -> None:
    started = threading.Event()
    release = threading.Event()

    def work(context: OpContext) -> str:
        started.set()
        release.wait(WAIT_MS / 1000)
        if context.cancelled:
            raise OperationCancelled
        return "kept"

    op = BackgroundOp(work, parent=window, label="Step", progress_delay_ms=0)
    op.start()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    op.cancel()
    with qtbot.waitSignal(op.cancelled, timeout=WAIT_MS):
        release.set()


def test_default_message_box_does_not_block(qtbot: QtBot, window: QWidget) -> None:
    report_error(window, FormatError("this is binary data, not text"), title="Nothing imported")
    boxes = window.findChildren(QMessageBox)
    assert len(boxes) == 1
    box = boxes[0]
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    assert box.text() == "this is binary data, not text"
    assert box.windowTitle() == "Nothing imported"
    box.close()
