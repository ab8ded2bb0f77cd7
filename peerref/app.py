"""Composition root: paths -> settings -> Library -> QApplication -> MainWindow.

The only place that wires the parts together (STYLE.md: no globals, nothing at import
time). ``peerref [--library PATH] [FILE...]`` opens the window on the library and sends
any files through the import preview.

One app, one writer: a launch first offers its files to a PeerRef already running on the
same library (:mod:`peerref.gui.single_instance`) and exits when that one takes them;
otherwise it takes the library's lock (:mod:`peerref.lockfile`), so no two programs ever
write one library, and listens for later launches itself.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from peerref import __version__
from peerref import settings as settings_store
from peerref.core.atomic import is_disk_full
from peerref.core.errors import LibraryFileError, PeerRefError
from peerref.lockfile import LibraryInUseError, LibraryLock
from peerref.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from peerref.gui.main_window import MainWindow
    from peerref.settings import Settings

log = logging.getLogger("peerref")

APPLICATION_ID = "org.peerref.PeerRef"
LOG_FILE_NAME = "peerref.log"

# Test hook: "1" lets the single-instance socket accept a "quit" command, so tests can
# end a real PeerRef process cleanly (tests/packaging). Off in normal use.
TEST_HOOKS_ENV = "PEERREF_TEST_HOOKS"

# When the library is locked but nothing answers on the socket yet, the holder may be a
# PeerRef still starting up (two files double-clicked at once): keep offering this long.
IN_USE_RETRY_SECONDS = 5.0


def parse_arguments(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options and files; whatever is left (Qt's own -style, -platform …) goes to Qt."""
    parser = argparse.ArgumentParser(prog="peerref", description="PeerRef reference manager")
    parser.add_argument(
        "--library",
        metavar="PATH|URL",
        help="open this library file, or a team library (postgresql://user@host/dbname)",
    )
    parser.add_argument("--version", action="version", version=f"PeerRef {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE", help="reference files to import")
    return parser.parse_known_args(list(argv))


def configure_logging(log_dir: Path) -> Path | None:
    """Log to a rotating file: a windowed app has no console to print to.

    Returns the log file, or None when it cannot be created (then stderr is used).
    """
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    log_file: Path | None = log_dir / LOG_FILE_NAME
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE_NAME, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
        log_file = None
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    return log_file


def main(argv: Sequence[str] | None = None) -> int:
    """Start the application; returns the process exit code."""
    args, qt_args = parse_arguments(sys.argv[1:] if argv is None else argv)
    paths = AppPaths.from_platformdirs(args.library)
    log_file = configure_logging(paths.log_dir)
    settings = settings_store.load(paths.settings_file)

    from PySide6.QtWidgets import QApplication

    from peerref.gui.crash_dialog import CrashReporter

    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else "peerref", *qt_args])
    )
    app.setApplicationName("PeerRef")
    app.setOrganizationName("PeerRef")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APPLICATION_ID)

    reporter = CrashReporter(log_file, app)
    reporter.install()
    try:
        files = [Path(f).expanduser().absolute() for f in args.files]
        return _run(app, paths, settings, files)
    except OSError as error:
        # A full disk or a vanished folder at start-up: say so, never exit in silence.
        log.debug("start-up failed", exc_info=True)
        return _fail(f"PeerRef cannot start.\n\n{describe_os_error(error)}")
    finally:
        reporter.uninstall()


def describe_os_error(error: OSError) -> str:
    """What an operating-system error means for the user, in a sentence."""
    where = f" ({error.filename})" if error.filename else ""
    if is_disk_full(error):
        return f"The disk is full{where}. Free some space and start PeerRef again."
    return f"{error.strerror or error}{where}."


def _run(app: QApplication, paths: AppPaths, settings: Settings, files: list[Path]) -> int:
    """Hand over to a running PeerRef, or become the one that runs."""
    from peerref.gui.single_instance import hand_over, server_name

    name = server_name(paths.library_location)
    if hand_over(name, files):
        log.info("handed %d file(s) to the PeerRef already running on this library", len(files))
        return 0

    from peerref.library import Library

    if paths.library_url is not None:
        # A team library has many writers and no lock file: PostgreSQL keeps them apart.
        return _run_window(app, paths, settings, files, name)
    lock = LibraryLock(paths.library_file, program="PeerRef")
    try:
        # Another application's database is refused before a lock file is put beside it.
        Library.check_file(paths.library_file)
        lock.acquire()
    except LibraryInUseError as error:
        if _hand_over_while_starting(name, files):
            return 0
        return _fail(str(error))
    except LibraryFileError as error:
        return _fail(f"PeerRef cannot open its library.\n\n{error}")
    try:
        return _run_window(app, paths, settings, files, name)
    finally:
        lock.release()


def _hand_over_while_starting(name: str, files: Sequence[Path]) -> bool:
    from peerref.gui.single_instance import hand_over

    deadline = time.monotonic() + IN_USE_RETRY_SECONDS
    while time.monotonic() < deadline:
        if hand_over(name, files, timeout_ms=500):
            log.info("handed %d file(s) to a PeerRef that was starting", len(files))
            return True
        time.sleep(0.2)
    return False


def _fail(message: str) -> int:
    """Tell the user why PeerRef cannot start: in the log, on stderr, and in a message box."""
    from PySide6.QtWidgets import QMessageBox

    log.error("%s", message)
    if sys.stderr is not None:  # None in a windowed Windows app
        print(message, file=sys.stderr)
    QMessageBox.critical(None, "PeerRef", message)
    return 1


def _run_window(
    app: QApplication, paths: AppPaths, settings: Settings, files: list[Path], name: str
) -> int:
    from PySide6.QtCore import QThreadPool, QTimer

    # Imported only by the launch that keeps running: a launch that hands its files over
    # exits before paying for the storage layer and the window's modules.
    from peerref.gui.main_window import MainWindow
    from peerref.gui.single_instance import FileOpenFilter, IncomingFiles, InstanceServer
    from peerref.gui.team_window import prepare_team_window
    from peerref.library import Library

    server = InstanceServer(name, app, accept_quit=os.environ.get(TEST_HOOKS_ENV) == "1")
    server.listen()
    incoming = IncomingFiles(app)
    server.files_received.connect(incoming.add)
    open_events = FileOpenFilter(incoming, app)
    app.installEventFilter(open_events)
    try:
        try:
            library = Library.open(paths.library_location)
        except PeerRefError as error:
            return _fail(f"PeerRef cannot open its library.\n\n{error}")
        # Changes are recorded as the name set in Preferences, else the login (role).
        library.set_user(settings.reviewer_name)
        try:
            window = MainWindow(library, settings, paths.settings_file)
            window.importer.preview_opened.connect(
                lambda dialog: log.info("import preview opened: %s", dialog.windowTitle())
            )
            server.quit_requested.connect(lambda: _quit(app, window))
            # A team library: its name, read-only mode, other people's changes live.
            live = prepare_team_window(window, library)
            window.settings_changed.connect(lambda new: library.set_user(new.reviewer_name))
            window.show()
            for warning in library.open_warnings:  # e.g. today's backup failed: disk full
                log.warning("%s", warning)
                window.statusBar().showMessage(warning)
            incoming.attach(window, window.importer.import_files)
            incoming.add(files, bring_forward=False)
            QTimer.singleShot(0, lambda: log.info("window ready on %s", library.path))
            code = app.exec()
            if live is not None:
                live.stop()
            QThreadPool.globalInstance().waitForDone()
            log.info("PeerRef exits with code %d", code)
            return int(code)
        finally:
            library.close()
    finally:
        app.removeEventFilter(open_events)
        server.close()


def _quit(app: QApplication, window: MainWindow) -> None:
    window.close()
    app.quit()


if __name__ == "__main__":
    raise SystemExit(main())
