"""One window per library: a second launch hands its files to the running one.

Double-clicking a ``.ris`` file while PeerRef is open starts a second process. That
process connects to a local socket (a Unix socket, or a named pipe on Windows) named after
the user and the library, sends the files' absolute paths, waits for "ok" and exits; the
running window puts the files through its import preview.

The name is derived from the user and the library path, so two users on one machine,
or one user with two libraries, never meet. The server listens only after the process
holds the library's lock (:mod:`peerref.lockfile`), which makes taking over a socket
left behind by a crash (``kill -9``) safe: whoever holds the lock is the only live
PeerRef on that library, so an existing socket of that name can only be stale.

Messages are one line of UTF-8 JSON: ``{"peerref": 1, "command": "open", "files": [...]}``
(no files: just bring the window forward). ``"quit"`` closes the running instance and is
honoured only when the server was created with ``accept_quit=True`` (the test hook).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
REPLY_OK = b"ok\n"
REPLY_REFUSED = b"refused\n"
# A launch that cannot reach a live window within this time starts on its own.
DEFAULT_TIMEOUT_MS = 3000
# Paths of a few thousand files fit easily; anything bigger is not from PeerRef.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
# Files opened in quick succession (macOS sends one open event per file) become one import.
BATCH_DELAY_MS = 150


def server_name(library_file: Path | str) -> str:
    """The socket name for this user and library: the same in every PeerRef process.

    Hashed so that odd characters in user names or paths never reach the socket name,
    and so it stays short enough for the 108-byte limit of a Unix socket path. A team
    library's URL is used as it is (it is no path to resolve).
    """
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        user = str(Path.home())
    library = (
        library_file
        if isinstance(library_file, str)
        else str(Path(library_file).expanduser().resolve())
    )
    digest = hashlib.sha256(f"{user}\0{library}".encode()).hexdigest()[:24]
    return f"peerref-{digest}"


def encode_message(command: str, files: Sequence[Path] = ()) -> bytes:
    """One protocol line; file paths are made absolute because the receiver's folder differs."""
    message = {
        "peerref": PROTOCOL_VERSION,
        "command": command,
        "files": [str(Path(f).expanduser().absolute()) for f in files],
    }
    return json.dumps(message).encode("utf-8") + b"\n"


def send_message(name: str, message: bytes, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Deliver one message to the instance listening on ``name``; True when it said "ok".

    Blocking on purpose: the sender is a launch that has nothing else to do, and it runs
    before any window exists. False when nothing is listening (or only a stale socket
    is left), or the listener did not answer in time.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    try:
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(message)
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while not reply.endswith(b"\n"):
            if not socket.waitForReadyRead(timeout_ms):
                return False
            reply += bytes(socket.readAll().data())
        return reply == REPLY_OK
    finally:
        socket.abort()


def hand_over(name: str, files: Sequence[Path], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Give ``files`` to the running PeerRef (none: just raise its window); True on success."""
    return send_message(name, encode_message("open", files), timeout_ms)


class InstanceServer(QObject):
    """Listens for later launches on the same library and passes on what they send.

    Signals:
        files_received(list[Path]): a launch handed over these files (possibly none:
            then the window should just come forward).
        quit_requested(): the test hook asked the application to quit.
    """

    files_received = Signal(list)
    quit_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None, *, accept_quit: bool = False):
        super().__init__(parent)
        self.name = name
        self._accept_quit = accept_quit
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    @property
    def is_listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Start listening, taking over a socket a crashed PeerRef left behind.

        Call only while holding the library lock (see the module docstring). Returns
        False, after logging why, when the socket cannot be created at all; PeerRef
        then runs without forwarding rather than not at all.
        """
        if self._server.listen(self.name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            log.info("taking over the stale single-instance socket %s", self.name)
            QLocalServer.removeServer(self.name)
            if self._server.listen(self.name):
                return True
        log.warning(
            "cannot listen on %s (%s); later launches will not hand their files over",
            self.name,
            self._server.errorString(),
        )
        return False

    def close(self) -> None:
        self._server.close()
        for connection in list(self._buffers):
            connection.abort()
        self._buffers.clear()

    @Slot()
    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            if connection is None:
                break
            self._buffers[connection] = b""
            connection.readyRead.connect(lambda c=connection: self._on_ready_read(c))
            connection.disconnected.connect(lambda c=connection: self._forget(c))

    def _forget(self, connection: QLocalSocket) -> None:
        self._buffers.pop(connection, None)
        connection.deleteLater()

    def _on_ready_read(self, connection: QLocalSocket) -> None:
        if connection not in self._buffers:
            return
        data = self._buffers[connection] + bytes(connection.readAll().data())
        if len(data) > MAX_MESSAGE_BYTES:
            log.warning("ignoring an oversized single-instance message")
            self._reply(connection, REPLY_REFUSED)
            return
        if b"\n" not in data:
            self._buffers[connection] = data
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[connection] = b""
        self._handle(connection, line)

    def _handle(self, connection: QLocalSocket, line: bytes) -> None:
        try:
            message = json.loads(line.decode("utf-8"))
            command = message["command"]
            files = [Path(str(f)) for f in message.get("files", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignoring a malformed single-instance message")
            self._reply(connection, REPLY_REFUSED)
            return
        if command == "open":
            self._reply(connection, REPLY_OK)
            log.info("another launch handed over %d file(s)", len(files))
            self.files_received.emit(files)
        elif command == "quit" and self._accept_quit:
            self._reply(connection, REPLY_OK)
            log.info("quit requested over the single-instance socket")
            self.quit_requested.emit()
        else:
            log.warning("ignoring single-instance command %r", command)
            self._reply(connection, REPLY_REFUSED)

    @staticmethod
    def _reply(connection: QLocalSocket, reply: bytes) -> None:
        connection.write(reply)
        connection.flush()
        connection.disconnectFromServer()


class IncomingFiles(QObject):
    """Files that reach PeerRef after it started: from later launches and macOS open events.

    They are collected for a moment (macOS sends one event per file) and then go through
    the window's import preview together; until the window is attached they wait.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[Path] = []
        self._window: QWidget | None = None
        self._import_files: Callable[[list[Path]], object] | None = None
        self._bring_forward = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BATCH_DELAY_MS)
        self._timer.timeout.connect(self._deliver)

    def attach(self, window: QWidget, import_files: Callable[[list[Path]], object]) -> None:
        """From now on files go to ``import_files`` and ``window`` comes forward for them."""
        self._window = window
        self._import_files = import_files
        if self._pending:
            self._timer.start()

    def add(self, paths: Sequence[Path], *, bring_forward: bool = True) -> None:
        """Queue files; an empty list from a later launch still brings the window forward.

        ``bring_forward=False`` for the files named on PeerRef's own command line: its
        window is new and in front already.
        """
        self._pending.extend(Path(p) for p in paths)
        self._bring_forward = self._bring_forward or bring_forward
        if self._window is not None:
            self._timer.start()

    @Slot()
    def _deliver(self) -> None:
        window, import_files = self._window, self._import_files
        if window is None or import_files is None:
            return
        files, self._pending = self._pending, []
        if self._bring_forward:
            self._bring_forward = False
            if window.isMinimized():
                window.showNormal()
            window.raise_()
            window.activateWindow()
        if files:
            log.info("opening %d file(s) in the import preview", len(files))
            import_files(files)


class FileOpenFilter(QObject):
    """macOS: a document double-clicked in Finder arrives as a ``QFileOpenEvent``.

    Installed on the QApplication; the paths go to :class:`IncomingFiles`.
    """

    def __init__(self, incoming: IncomingFiles, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incoming = incoming

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self._incoming.add([Path(path)])
                return True
        return bool(super().eventFilter(watched, event))
