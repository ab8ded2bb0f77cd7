"""A misbehaving Crossref on 127.0.0.1 for the fault tests (issue 17), shared by the layers.

pytest-httpserver answers whole responses; the faults here need control of the socket
itself: a server that trickles one byte every half second (in the status line or in the
body) and never finishes. The server is threaded, its handler threads are daemons, and
``stop`` ends every trickle, so a test that gives up on a request never hangs the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from typing import ClassVar

# One byte every this many seconds: slow enough that a per-read timeout never fires.
TRICKLE_INTERVAL_SECONDS = 0.5


class TricklingCrossref:
    """Answers every request by trickling, until ``stop``.

    Args:
        where: "body" sends the status and headers at once and then the body one byte at
            a time; "headers" trickles the status line itself.
        quick: given a request's path and query, the JSON body to answer at once, or
            None to trickle (a Crossref that is slow for some requests only).

    Attributes:
        url: the API root to give a client, e.g. "http://127.0.0.1:43121".
        request_arrived: set when the first trickled request has been read.
        requests: how many requests were trickled.
    """

    def __init__(
        self, where: str = "body", quick: Callable[[str], bytes | None] | None = None
    ) -> None:
        if where not in ("body", "headers"):
            raise ValueError(f"where must be 'body' or 'headers', not {where!r}")
        self.where = where
        self.quick = quick
        self.request_arrived = threading.Event()
        self.requests = 0
        self._stopped = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version: ClassVar[str] = "HTTP/1.1"  # type: ignore[misc]

            def do_GET(self) -> None:
                answer = owner.quick(self.path) if owner.quick is not None else None
                if answer is not None:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                owner.requests += 1
                owner.request_arrived.set()
                try:
                    if owner.where == "body":
                        self.wfile.write(
                            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100000\r\n\r\n"
                        )
                        self.wfile.flush()
                        owner._trickle(self.wfile, b'{"status": "ok", ' + b" " * 99_983)
                    else:
                        owner._trickle(self.wfile, b"HTTP/1.1 200 OK\r\n" * 1000)
                except OSError:  # the client gave up and closed the connection
                    return

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="trickling-crossref", daemon=True
        )

    def _trickle(self, stream: BufferedIOBase, data: bytes) -> None:
        for index in range(len(data)):
            if self._stopped.wait(TRICKLE_INTERVAL_SECONDS):
                return
            stream.write(data[index : index + 1])
            stream.flush()

    def start(self) -> TricklingCrossref:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def trickling_crossref(
    where: str = "body", quick: Callable[[str], bytes | None] | None = None
) -> Iterator[TricklingCrossref]:
    """A ``TricklingCrossref`` running for the ``with`` block."""
    server = TricklingCrossref(where, quick).start()
    try:
        yield server
    finally:
        server.stop()
