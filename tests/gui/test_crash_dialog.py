"""Uncaught errors reach the log and a dialog with "Copy details", from any thread."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from peerref.gui.crash_dialog import CrashReporter


class ImportGlitchError(RuntimeError):
    """A bug stand-in with a recognisable name."""


def raise_glitch() -> None:
    raise ImportGlitchError("the preview lost its batch")


@pytest.fixture
def reporter(qtbot: QtBot, tmp_path: Path) -> Iterator[CrashReporter]:
    installed = CrashReporter(tmp_path / "peerref.log")
    installed.install()
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


def test_uncaught_exception_is_logged_and_shown_with_copyable_details(
    qtbot: QtBot, reporter: CrashReporter, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise_glitch()
    except ImportGlitchError:
        with caplog.at_level(logging.CRITICAL, logger="peerref.gui.crash_dialog"):
            sys.excepthook(*sys.exc_info())  # what Python does with an uncaught exception

    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ImportGlitchError]
    dialog = reporter.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    details = dialog.details_text()
    assert "ImportGlitchError: the preview lost its batch" in details
    assert "in raise_glitch" in details
    assert details.startswith("PeerRef ")
    assert str(reporter.log_file) in dialog.message.text()

    copy_button = dialog.findChild(QPushButton, "copyDetails")
    assert copy_button is not None
    copy_button.click()
    assert QGuiApplication.clipboard().text() == details


def test_exception_in_a_worker_thread_reaches_the_dialog_on_the_ui_thread(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    worker = threading.Thread(target=raise_glitch, name="parse-worker")
    with qtbot.waitSignal(reporter.error_reported, timeout=5000) as reported:
        worker.start()
        worker.join()
    assert "in thread parse-worker" in reported.args[0]
    assert reporter.dialog is not None
    assert "ImportGlitchError" in reporter.dialog.details_text()


def test_second_error_is_added_to_the_open_dialog(qtbot: QtBot, reporter: CrashReporter) -> None:
    for message in ("first failure", "second failure"):
        try:
            raise ValueError(message)
        except ValueError:
            sys.excepthook(*sys.exc_info())
    dialog = reporter.dialog
    assert dialog is not None
    text = dialog.details_text()
    assert "ValueError: first failure" in text
    assert "ValueError: second failure" in text
    dialog.close()
    assert reporter.dialog is None  # the next error opens a fresh dialog


def test_uninstall_restores_the_previous_hooks(qtbot: QtBot, tmp_path: Path) -> None:
    before = (sys.excepthook, threading.excepthook)
    reporter = CrashReporter(tmp_path / "peerref.log")
    reporter.install()
    assert sys.excepthook == reporter.handle_exception
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
