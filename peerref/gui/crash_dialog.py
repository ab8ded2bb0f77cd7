"""Uncaught errors: logged with their traceback and shown, never silently lost.

A windowed application has no console, so the default ``sys.excepthook`` (print to
stderr) would hide every bug from the user and from us. :class:`CrashReporter` replaces
``sys.excepthook`` and ``threading.excepthook``: each uncaught exception is written to
the log file and shown in a :class:`CrashDialog` with the details and a "Copy details"
button, so the user can paste them into a bug report. Qt carries on after an exception
in a slot, so the dialog lets the user continue rather than quitting.

Exceptions in worker threads are passed to the UI thread through a queued signal;
widgets are only ever touched there.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

import PySide6
from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerref import __version__

log = logging.getLogger(__name__)

TITLE = "PeerRef ran into a problem"


def environment_summary() -> str:
    """Versions that make a bug report reproducible."""
    return (
        f"PeerRef {__version__}\n"
        f"Python {platform.python_version()} ({sys.executable})\n"
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}\n"
        f"Platform {platform.platform()}\n"
        f"Frozen bundle: {'yes' if getattr(sys, 'frozen', False) else 'no'}"
    )


def format_details(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    thread_name: str | None = None,
) -> str:
    """The text shown in the dialog and copied by "Copy details"."""
    where = f" in thread {thread_name}" if thread_name else ""
    trace = "".join(traceback.format_exception(exc_type, exc, tb))
    return f"{environment_summary()}\n\nUncaught exception{where}:\n{trace}"


class CrashDialog(QDialog):
    """Shows the details of one or more uncaught errors, with "Copy details"."""

    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 420)

        where = (
            f"They were also written to the log file<br><code>{log_file}</code>."
            if log_file is not None
            else ""
        )
        self.message = QLabel(
            "<b>Something went wrong that PeerRef did not expect.</b><br>"
            "You can keep working, but please save what you are doing. "
            "If you report the problem, include the details below. " + where,
            self,
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText(details)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setObjectName("copyDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def details_text(self) -> str:
        return self.details.toPlainText()

    def add_details(self, details: str) -> None:
        """A further error while the dialog is open goes below the first one."""
        self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")


class CrashReporter(QObject):
    """Installs the exception hooks and owns the one crash dialog on screen.

    Args:
        log_file: shown to the user as where the details were also written.
        parent: usually the QApplication, so the reporter lives as long as it does.
    """

    error_reported = Signal(str)
    """An uncaught error's details (emitted on the UI thread, after logging)."""

    _details_arrived = Signal(str)

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: CrashDialog | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._installed = False
        # Queued across threads by Qt's automatic connection type.
        self._details_arrived.connect(self._show)

    def install(self) -> None:
        if self._installed:
            return
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle_exception
        threading.excepthook = self.handle_thread_exception
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        self._installed = False

    def handle_exception(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread_name: str | None = None,
    ) -> None:
        """``sys.excepthook``: log, then show (Ctrl+C in a terminal keeps its usual meaning)."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        try:
            self._details_arrived.emit(format_details(exc_type, exc, tb, thread_name))
        except RuntimeError:  # the reporter's Qt object is gone (the application is ending)
            self._previous_hook(exc_type, exc, tb)

    def handle_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: same as the main thread; SystemExit ends a thread quietly."""
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else None
        self.handle_exception(args.exc_type, args.exc_value, args.exc_traceback, name)

    @Slot(str)
    def _show(self, details: str) -> None:
        if QApplication.instance() is None:
            return
        if self.dialog is not None:
            self.dialog.add_details(details)
        else:
            parent = QApplication.activeWindow()
            dialog = CrashDialog(details, self.log_file, parent)
            dialog.finished.connect(self._on_dialog_closed)
            self.dialog = dialog
            dialog.show()
        self.error_reported.emit(details)

    @Slot()
    def _on_dialog_closed(self) -> None:
        self.dialog = None
