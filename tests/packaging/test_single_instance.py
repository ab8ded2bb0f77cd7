"""One window per library: hand-over between two real processes, and crash recovery."""

from __future__ import annotations

import json
import logging
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from peerref_process import Launcher, log_lines, wait_for_log
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from peerref import app as peerref_app
from peerref.gui.single_instance import (
    REPLY_OK,
    REPLY_REFUSED,
    InstanceServer,
    encode_message,
    send_message,
    server_name,
)
from peerref.lockfile import LibraryLock

HAND_OVER_LIMIT_S = 20.0  # interpreter + PySide6 start-up on a loaded CI machine; not the window


def quit_instance(library: Path) -> None:
    assert send_message(server_name(library), encode_message("quit"), timeout_ms=10_000)


def test_second_launch_hands_its_file_to_the_running_window(
    launcher: Launcher, tmp_path: Path, ris_file: Path
) -> None:
    library = tmp_path / "library.sqlite"
    first = launcher.start(library)
    wait_for_log(r"window ready on", first.pid, process=first)

    started = time.monotonic()
    second = launcher.start(library, ris_file)
    assert second.wait(timeout=HAND_OVER_LIMIT_S) == 0
    elapsed = time.monotonic() - started
    print(f"second launch handed over and exited in {elapsed:.1f} s")

    wait_for_log(r"handed 1 file\(s\) to the PeerRef already running", second.pid)
    assert not [line for line in log_lines(second.pid) if "window ready" in line]
    wait_for_log(r"another launch handed over 1 file\(s\)", first.pid)
    wait_for_log(rf"import preview opened: Import from {ris_file.name}", first.pid)

    quit_instance(library)
    assert first.wait(timeout=30) == 0
    wait_for_log(r"PeerRef exits with code 0", first.pid)


def test_launch_after_kill_9_takes_over_the_stale_socket(
    launcher: Launcher, tmp_path: Path, ris_file: Path
) -> None:
    library = tmp_path / "library.sqlite"
    crashed = launcher.start(library)
    wait_for_log(r"window ready on", crashed.pid, process=crashed)
    crashed.send_signal(signal.SIGKILL)
    assert crashed.wait(timeout=10) == -signal.SIGKILL
    if sys.platform.startswith("linux"):  # Qt's Unix socket file is left behind by the crash
        assert (Path(tempfile.gettempdir()) / server_name(library)).exists()

    successor = launcher.start(library, ris_file)
    wait_for_log(r"window ready on", successor.pid, process=successor)
    wait_for_log(rf"import preview opened: Import from {ris_file.name}", successor.pid)

    # The successor now owns the socket: the next launch hands over to it.
    third = launcher.start(library)
    assert third.wait(timeout=HAND_OVER_LIMIT_S) == 0
    wait_for_log(r"another launch handed over 0 file\(s\)", successor.pid)

    quit_instance(library)
    assert successor.wait(timeout=30) == 0


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """app.main adds a log handler to the root logger; take it off again."""
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_second_writer_gets_a_clear_message(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    restored_logging: None,
) -> None:
    library = tmp_path / "library.sqlite"
    shown: list[str] = []
    monkeypatch.setattr(peerref_app, "IN_USE_RETRY_SECONDS", 0.5)
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    with LibraryLock(library, program="peerref-cli"):
        assert peerref_app.main(["--library", str(library)]) == 1
    assert len(shown) == 1
    assert "already open in peerref-cli (process" in shown[0]
    assert str(library) in shown[0]
    assert not library.exists()  # the second program never touched the library


def test_server_accepts_quit_only_with_the_test_hook(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(tmp_path / "library.sqlite")
    guarded = InstanceServer(name, accept_quit=False)
    assert guarded.listen()
    received: list[list[Path]] = []
    guarded.files_received.connect(received.append)
    quits: list[bool] = []
    guarded.quit_requested.connect(lambda: quits.append(True))
    try:
        assert _exchange(qtbot, name, encode_message("quit")) == REPLY_REFUSED
        assert _exchange(qtbot, name, b"this is not json\n") == REPLY_REFUSED
        assert _exchange(qtbot, name, json.dumps({"files": []}).encode() + b"\n") == REPLY_REFUSED
        assert _exchange(qtbot, name, encode_message("open", [Path("a.ris")])) == REPLY_OK
        assert quits == []
        assert received == [[Path("a.ris").absolute()]]
    finally:
        guarded.close()


def _exchange(qtbot: QtBot, name: str, message: bytes) -> bytes:
    """Send one message without blocking the event loop the server needs."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    qtbot.waitUntil(lambda: socket.state() == QLocalSocket.LocalSocketState.ConnectedState)
    # Sent in two parts: the server must wait for the end of the line.
    socket.write(message[:5])
    socket.flush()
    socket.write(message[5:])
    reply = bytearray()

    def replied() -> bool:
        reply.extend(bytes(socket.readAll().data()))
        return reply.endswith(b"\n")

    qtbot.waitUntil(replied)
    socket.abort()
    return bytes(reply)
