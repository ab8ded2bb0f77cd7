"""A small, polite client for Crossref's public REST API.

Crossref is a shared public service: it asks clients to identify themselves (the "polite
pool": a ``mailto`` and a descriptive User-Agent), to follow the rate limit it announces
in ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``, to back off on 429 and 503, and to
keep only a few requests in flight. This module does all of that in one place so the rest
of PeerRef never talks HTTP.

Answers are parsed into frozen ``CrossrefWork`` objects at this boundary: JSON dictionaries
never leave the module. Anything that goes wrong on the way (offline, too slow, an error
status, a garbled body) becomes an ``EnrichError`` whose message can be shown as it is;
the technical detail goes to the log.

A per-read timeout does not bound a request: a server that trickles one byte at a time
never trips it. So every request also runs against a ``Deadline`` (its own, and the
lookup's and the run's when the caller gives them), and ``CrossrefClient.cancel`` ends
every request at once. To make both prompt whatever the socket is doing, the HTTP
exchange runs on a daemon thread the caller waits for; a request given up on is
abandoned (it stops at its next chunk and its answer is dropped) and can never keep the
process alive. Bodies are decoded as they stream in and refused past
``MAX_RESPONSE_BYTES``, so a compressed bomb costs a few megabytes, not gigabytes.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import quote

import httpx

import peerref
from peerref.core.errors import EnrichError
from peerref.core.model import PartialDate

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15.0
# The longest one request may take, from sending it to its last byte, however slowly the
# server sends.
DEFAULT_REQUEST_DEADLINE_SECONDS = 30.0
# A Crossref work record or a page of five search results is a few kilobytes (reference
# lists make some records a few hundred); anything past this decoded size is refused.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# How often a waiting caller looks at the cancel flag and the clock.
_POLL_SECONDS = 0.05
DEFAULT_MAX_IN_FLIGHT = 3
DEFAULT_MAX_RETRIES = 3
# Never sleep longer than this for one back-off; a server asking for more is treated as down.
DEFAULT_MAX_BACKOFF_SECONDS = 60.0
# Crossref's smallest useful answer; the matcher only looks at the top few candidates.
DEFAULT_ROWS = 5

# Only the fields the matcher and the completion use: keeps answers small (reference lists
# can be hundreds of kilobytes). ``select`` is accepted on ``/works`` lists only.
_SELECTED_FIELDS = (
    "DOI",
    "type",
    "title",
    "subtitle",
    "author",
    "editor",
    "container-title",
    "short-container-title",
    "volume",
    "issue",
    "page",
    "ISSN",
    "issued",
    "published-print",
    "published-online",
    "publisher",
    "abstract",
    "score",
)
_RETRY_STATUSES = frozenset({429, 503})
_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_INTERVAL_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class CrossrefUnavailableError(EnrichError):
    """Crossref could not be reached or kept failing; later lookups would fail the same way.

    A batch stops at this error instead of trying every remaining reference against a
    server that is not there.
    """


class CrossrefCancelledError(EnrichError):
    """The lookup was cancelled (the user pressed Cancel, quit, or interrupted the CLI).

    Not a failure of Crossref: a batch reports the references not finished as skipped.
    """

    def __init__(self, message: str = "The lookup was cancelled; nothing was changed.") -> None:
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A moment (``time.monotonic``) by which a request, a lookup or a whole run must end.

    Attributes:
        at: the monotonic time at which it expires.
        message: what the user is told when it does, e.g. "Crossref did not answer
            within 60 seconds …".
    """

    at: float
    message: str

    @classmethod
    def after(cls, seconds: float, message: str = "") -> Deadline:
        """A deadline ``seconds`` from now; the default message names the allowance."""
        return cls(
            at=time.monotonic() + seconds,
            message=message
            or (
                f"Crossref did not finish answering within {seconds:g} "
                f"second{'' if seconds == 1 else 's'}; it may be slow or unreachable right now."
            ),
        )

    def remaining(self) -> float:
        """Seconds left (negative once expired)."""
        return self.at - time.monotonic()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    @staticmethod
    def earliest(*deadlines: Deadline | None) -> Deadline | None:
        """The first of these to expire (None when none is given)."""
        given = [d for d in deadlines if d is not None]
        return min(given, key=lambda d: d.at) if given else None


@dataclass(frozen=True, slots=True)
class CrossrefPerson:
    """One author or editor as Crossref lists them; ``name`` holds an organisation's name."""

    family: str = ""
    given: str = ""
    name: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class CrossrefWork:
    """The parts of a Crossref work record PeerRef uses, already type-checked.

    ``abstract_jats`` is kept as Crossref sends it (JATS XML); ``peerref.enrich.matching``
    turns it into plain abstract sections.
    """

    doi: str
    type: str = ""
    title: str = ""
    subtitle: str = ""
    authors: tuple[CrossrefPerson, ...] = ()
    editors: tuple[CrossrefPerson, ...] = ()
    container_title: str = ""
    short_container_title: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    issn: tuple[str, ...] = ()
    issued: PartialDate = field(default_factory=PartialDate)
    published_print: PartialDate = field(default_factory=PartialDate)
    published_online: PartialDate = field(default_factory=PartialDate)
    publisher: str = ""
    abstract_jats: str = ""
    score: float | None = None

    def years(self) -> frozenset[int]:
        """Every year Crossref gives for this work (issued, print, online).

        Pages cite either the online or the print year, so a year check accepts any of them.
        """
        dates = (self.issued, self.published_print, self.published_online)
        return frozenset(d.year for d in dates if d.year is not None)


@dataclass(frozen=True, slots=True)
class WorkQuery:
    """What to ask ``/works`` for; empty parts are left out of the request.

    Attributes:
        bibliographic: free text matched against title, authors, container, year, pages.
        author: author names only, so a title-less reference still narrows the search.
        issn: restricts results to one journal (filter ``issn:``).
        year: restricts results to ``year - 1`` .. ``year + 1`` (online and print years
            often differ by one).
        rows: how many candidates to fetch.
    """

    bibliographic: str = ""
    author: str = ""
    issn: str = ""
    year: int | None = None
    rows: int = DEFAULT_ROWS

    @property
    def is_empty(self) -> bool:
        return not (self.bibliographic or self.author)

    def params(self) -> dict[str, str]:
        """Query-string parameters for ``/works``."""
        params: dict[str, str] = {}
        if self.bibliographic:
            params["query.bibliographic"] = self.bibliographic
        if self.author:
            params["query.author"] = self.author
        filters: list[str] = []
        if self.issn:
            filters.append(f"issn:{self.issn}")
        if self.year is not None:
            filters.append(f"from-pub-date:{self.year - 1}")
            filters.append(f"until-pub-date:{self.year + 1}")
        if filters:
            params["filter"] = ",".join(filters)
        params["rows"] = str(self.rows)
        params["select"] = ",".join(_SELECTED_FIELDS)
        return params


def user_agent(mailto: str = "") -> str:
    """The User-Agent Crossref asks for: tool name, version and a contact address."""
    agent = f"PeerRef/{peerref.__version__}"
    return f"{agent} (mailto:{mailto})" if mailto else agent


class _RateGate:
    """Spaces request starts by the interval Crossref announces, shared by all threads."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._spacing = 0.0
        self._last_start: float | None = None
        self._not_before = 0.0

    @property
    def spacing(self) -> float:
        return self._spacing

    def wait_turn(self) -> None:
        """Sleep until this thread may start a request, and claim that start time."""
        with self._lock:
            now = self._clock()
            start = max(now, self._not_before)
            if self._last_start is not None:
                start = max(start, self._last_start + self._spacing)
            self._last_start = start
        if start > now:
            self._sleep(start - now)

    def hold_off(self, seconds: float) -> None:
        """Make every thread wait ``seconds`` from now, e.g. after a 429."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)

    def update(self, headers: httpx.Headers) -> None:
        """Adopt the limit from ``X-Rate-Limit-Limit`` requests per ``X-Rate-Limit-Interval``."""
        limit = _parse_float(headers.get("x-rate-limit-limit", ""))
        interval = _parse_interval(headers.get("x-rate-limit-interval", ""))
        if limit is None or interval is None or limit <= 0:
            return
        with self._lock:
            self._spacing = interval / limit


def _parse_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _parse_interval(text: str) -> float | None:
    """ "1s", "60s", "1m", "500ms" or a bare number of seconds."""
    match = _INTERVAL_RE.match(text)
    if not match:
        return None
    return float(match.group(1)) * _INTERVAL_UNITS[(match.group(2) or "s").lower()]


def _retry_after_seconds(value: str, now: datetime) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date (RFC 9110 section 10.2.3)."""
    value = value.strip()
    if not value:
        return None
    seconds = _parse_float(value)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


class CrossrefClient:
    """Looks works up on Crossref, politely; safe to share between a few worker threads.

    Args:
        api_root: e.g. "https://api.crossref.org" or a test server's URL; the caller takes
            it from the settings (``Settings.effective_crossref_url()``).
        mailto: contact address for the polite pool; empty sends none.
        timeout: seconds to wait for connecting and for each read.
        max_in_flight: requests allowed at the same time, whatever the number of threads.
        max_retries: retries after 429/503 before giving up.
        max_backoff: longest single wait; a server asking for more is reported as busy.
        request_deadline: seconds one request may take in all, however slowly the server
            sends (``timeout`` only bounds each read).
        max_response_bytes: decoded size past which an answer is refused.
        sleep: how to wait (tests inject a recorder so they never really sleep); the
            default wakes at once when the client is cancelled.
        clock: monotonic clock matching ``sleep``.
        transport: an httpx transport, for tests that do not need a server.
    """

    def __init__(
        self,
        api_root: str,
        *,
        mailto: str = "",
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_backoff: float = DEFAULT_MAX_BACKOFF_SECONDS,
        request_deadline: float = DEFAULT_REQUEST_DEADLINE_SECONDS,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.api_root = api_root.rstrip("/")
        self.mailto = mailto.strip()
        self.timeout = timeout
        self.max_in_flight = max_in_flight
        self.max_retries = max_retries
        self.max_backoff = max_backoff
        self.request_deadline = request_deadline
        self.max_response_bytes = max_response_bytes
        self._cancelled = threading.Event()
        self._sleep = sleep if sleep is not None else self._wait_unless_cancelled
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._gate = _RateGate(clock, self._sleep)
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={
                "User-Agent": user_agent(self.mailto),
                "Accept": "application/json",
                # Only encodings httpx decodes without optional packages, streamed.
                "Accept-Encoding": "gzip, deflate",
            },
            transport=transport,
            follow_redirects=True,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool (requests given up on are abandoned, not awaited)."""
        self._http.close()

    def cancel(self) -> None:
        """End every request of this client now and refuse new ones, for good.

        Safe from any thread and from a signal handler: requests waiting on the network
        or on a back-off raise ``CrossrefCancelledError`` within a few hundredths of a
        second.
        """
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _wait_unless_cancelled(self, seconds: float) -> None:
        self._cancelled.wait(seconds)

    @property
    def request_spacing(self) -> float:
        """Seconds between request starts, as derived from Crossref's rate-limit headers."""
        return self._gate.spacing

    def work(self, doi: str, *, deadline: Deadline | None = None) -> CrossrefWork | None:
        """The work registered under ``doi``, or None when Crossref does not know it.

        A DOI from another registration agency (DataCite, mEDRA) is not an error: the
        caller falls back to searching. ``deadline`` bounds the whole lookup, retries
        and waits included.
        """
        url = f"{self.api_root}/works/{quote(doi.strip(), safe='/')}"
        response = self._get(url, {}, deadline)
        if response is None:
            return None
        message = _message(response, expected_type="work")
        if not isinstance(message, Mapping):
            raise EnrichError("Crossref sent a work record in a shape PeerRef does not know.")
        work = parse_work(message)
        if work is None:
            raise EnrichError(f"Crossref's record for {doi} has no DOI in it.")
        return work

    def search(
        self, query: WorkQuery, *, deadline: Deadline | None = None
    ) -> tuple[CrossrefWork, ...]:
        """Candidates for ``query``, best first as Crossref ranks them.

        Items too damaged to use (no DOI) are skipped rather than failing the whole answer.
        """
        if query.is_empty:
            return ()
        response = self._get(f"{self.api_root}/works", query.params(), deadline)
        if response is None:
            return ()
        message = _message(response, expected_type="work-list")
        items = message.get("items") if isinstance(message, Mapping) else None
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise EnrichError("Crossref's answer has no list of works in it.")
        works = (parse_work(item) for item in items if isinstance(item, Mapping))
        return tuple(w for w in works if w is not None)

    def _get(
        self, url: str, params: Mapping[str, str], deadline: Deadline | None
    ) -> _Answer | None:
        """GET with the polite pool, rate limit, in-flight limit and bounded back-off.

        Returns None for 404, the answer for 2xx, and raises ``EnrichError`` otherwise.
        """
        full_params = dict(params)
        if self.mailto:
            full_params["mailto"] = self.mailto
        attempt = 0
        while True:
            self._raise_if_cancelled()
            self._gate.wait_turn()
            self._raise_if_cancelled()
            with self._slots:
                answer = self._send(url, full_params, deadline)
            self._gate.update(answer.headers)
            if answer.status_code == 404:
                return None
            if 200 <= answer.status_code < 300:
                return answer
            if answer.status_code not in _RETRY_STATUSES:
                raise EnrichError(_status_message(answer))
            if attempt >= self.max_retries:
                raise CrossrefUnavailableError(
                    f"Crossref is busy (HTTP {answer.status_code}) and still was after "
                    f"{attempt + 1} tries; please try again later."
                )
            wait = self._backoff_seconds(answer, attempt)
            if wait > self.max_backoff:
                raise CrossrefUnavailableError(
                    f"Crossref asked PeerRef to wait {wait:.0f} seconds before asking again; "
                    "please try again later."
                )
            if deadline is not None and wait >= deadline.remaining():
                raise CrossrefUnavailableError(
                    f"Crossref is busy (HTTP {answer.status_code}) and asked PeerRef to wait "
                    f"{wait:.0f} seconds, longer than the time left; please try again later."
                )
            self._gate.hold_off(wait)
            self._sleep(wait)
            self._raise_if_cancelled()
            attempt += 1

    def _raise_if_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise CrossrefCancelledError

    def _send(self, url: str, params: Mapping[str, str], deadline: Deadline | None) -> _Answer:
        """One exchange on a daemon thread, waited for until done, cancelled or too late."""
        own = Deadline.after(self.request_deadline)
        limit = Deadline.earliest(own, deadline) or own
        exchange = _Exchange()
        worker = threading.Thread(
            target=self._exchange,
            args=(url, params, exchange),
            name="crossref-http",
            daemon=True,  # an abandoned exchange never keeps the process alive
        )
        worker.start()
        while not exchange.done.wait(max(0.0, min(_POLL_SECONDS, limit.remaining()))):
            if self._cancelled.is_set():
                exchange.abandon()
                raise CrossrefCancelledError
            if limit.expired:
                exchange.abandon()
                log.info("gave up on %s: %s", url, limit.message)
                raise CrossrefUnavailableError(limit.message)
        if exchange.error is not None:
            raise self._translate(exchange.error, url) from exchange.error
        if exchange.answer is None:  # pragma: no cover - done is set only with one of them
            raise EnrichError("Crossref's answer was lost on the way; please try again.")
        return exchange.answer

    def _exchange(self, url: str, params: Mapping[str, str], exchange: _Exchange) -> None:
        """Runs on the exchange's thread: the request, the body decoded chunk by chunk."""
        try:
            with self._http.stream("GET", url, params=params) as response:
                decoder = _BoundedDecoder(
                    response.headers.get("content-encoding", ""), self.max_response_bytes
                )
                declared = _parse_float(response.headers.get("content-length", ""))
                too_large = declared is not None and declared > self.max_response_bytes
                if decoder.is_identity and too_large:
                    raise _TooLargeError(int(declared or 0))
                chunks: list[bytes] = []
                if response.is_stream_consumed:  # a test transport handed the body whole
                    chunks.append(decoder.take_decoded(response.content))
                else:
                    for raw in response.iter_raw():
                        if exchange.abandoned:
                            return
                        chunks.append(decoder.feed(raw))
                    chunks.append(decoder.flush())
                exchange.finish(
                    _Answer(
                        status_code=response.status_code,
                        reason=response.reason_phrase,
                        headers=response.headers,
                        content=b"".join(chunks),
                    )
                )
        except BaseException as error:  # everything goes back to the waiting caller
            exchange.fail(error)

    def _translate(self, error: BaseException, url: str) -> EnrichError:
        """A network failure in words a user understands; the detail goes to the log."""
        host = httpx.URL(self.api_root).netloc.decode("ascii", "replace") or self.api_root
        log.info("Crossref request %s failed: %r", url, error)
        if isinstance(error, _TooLargeError):
            return EnrichError(
                f"Crossref's answer was larger than {self.max_response_bytes // (1024 * 1024)} "
                "MB, far more than any record; PeerRef refused it and changed nothing."
            )
        if isinstance(error, httpx.TimeoutException):
            return CrossrefUnavailableError(
                f"Crossref ({host}) did not answer within {self.timeout:g} seconds; "
                "it may be slow or unreachable right now."
            )
        if isinstance(error, httpx.TooManyRedirects):
            return CrossrefUnavailableError(
                f"Crossref ({host}) kept redirecting PeerRef elsewhere (a redirect loop); "
                "check the Crossref address in Preferences."
            )
        if isinstance(error, _UnreadableEncodingError):
            return EnrichError(
                f"Crossref answered in an encoding PeerRef cannot read ({error}); "
                "nothing was changed."
            )
        if isinstance(error, httpx.DecodingError | zlib.error):
            return EnrichError(
                "Crossref's answer arrived damaged (its compressed body could not be "
                "decoded); nothing was changed. Please try again later."
            )
        if isinstance(error, httpx.ConnectError):
            return CrossrefUnavailableError(f"Could not reach Crossref ({host}): {_why(error)}")
        if isinstance(error, httpx.HTTPError | OSError):
            return CrossrefUnavailableError(
                f"The connection to Crossref ({host}) failed while it answered; "
                "please try again later."
            )
        if isinstance(error, EnrichError):
            return error
        return EnrichError(
            f"Looking up Crossref failed unexpectedly ({type(error).__name__}); "
            "nothing was changed. The details are in the log."
        )

    @staticmethod
    def _backoff_seconds(response: _Answer, attempt: int) -> float:
        """Retry-After when the server gives it, else 1, 2, 4 … seconds."""
        retry_after = _retry_after_seconds(
            response.headers.get("retry-after", ""), datetime.now(UTC)
        )
        return retry_after if retry_after is not None else float(2**attempt)


@dataclass(frozen=True, slots=True)
class _Answer:
    """A whole HTTP answer, read and decoded within the size cap."""

    status_code: int
    reason: str
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class _TooLargeError(Exception):
    """The answer grew past ``max_response_bytes`` (raised on the exchange thread)."""


class _UnreadableEncodingError(Exception):
    """The answer came in a content encoding PeerRef did not ask for (br, zstd …)."""


class _BoundedDecoder:
    """Decodes a body as it streams in, never holding more than ``limit`` decoded bytes.

    httpx's own decoders inflate each network chunk in full, so 64 KiB of a gzip bomb
    can become 64 MB before anyone can look; ``zlib``'s ``max_length`` stops at the cap.
    """

    def __init__(self, content_encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        encoding = content_encoding.strip().lower()
        self._raw_deflate_fallback = encoding == "deflate"
        self._inflater: zlib._Decompress | None
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj()
        else:
            raise _UnreadableEncodingError(encoding)

    @property
    def is_identity(self) -> bool:
        return self._inflater is None

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise _TooLargeError(self.size)
        return piece

    def take_decoded(self, data: bytes) -> bytes:
        """A body some transport already decoded: only its size is checked."""
        return self._count(data)

    def feed(self, data: bytes) -> bytes:
        inflater = self._inflater
        if inflater is None:
            return self._count(data)
        try:
            return self._inflate(inflater, data)
        except zlib.error:
            if not (self._raw_deflate_fallback and self.size == 0):
                raise
            # "deflate" servers often send raw deflate without the zlib header.
            self._raw_deflate_fallback = False
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._inflate(self._inflater, data)

    def _inflate(self, inflater: zlib._Decompress, data: bytes) -> bytes:
        pieces: list[bytes] = []
        pending = data
        while True:
            piece = self._count(inflater.decompress(pending, self.limit - self.size + 1))
            pieces.append(piece)
            pending = inflater.unconsumed_tail
            if not pending and not piece:
                break
        return b"".join(pieces)

    def flush(self) -> bytes:
        if self._inflater is None:
            return b""
        return self._count(self._inflater.flush())


class _Exchange:
    """One request's outcome, handed from its thread to the caller waiting for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: _Answer | None = None
        self.error: BaseException | None = None
        self._abandoned = threading.Event()

    @property
    def abandoned(self) -> bool:
        return self._abandoned.is_set()

    def abandon(self) -> None:
        self._abandoned.set()

    def finish(self, answer: _Answer) -> None:
        self.answer = answer
        self.done.set()

    def fail(self, error: BaseException) -> None:
        self.error = error
        self.done.set()


def _why(error: httpx.ConnectError) -> str:
    """Why a connection failed, in a user's words (not "[Errno -2] Name or service …")."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return "no network connection, or the name could not be found."
        if isinstance(cause, ConnectionRefusedError):
            return "the server refused the connection (is the Crossref address right?)."
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if "name" in text and ("known" in text or "resolution" in text or "resolve" in text):
        return "no network connection, or the name could not be found."
    if "refused" in text:
        return "the server refused the connection (is the Crossref address right?)."
    if "certificate" in text or "ssl" in text:
        return "the secure connection could not be established (certificate problem)."
    return "no network connection, or the server is not answering."


def _status_message(answer: _Answer) -> str:
    """An error status as a sentence: the server's fault (5xx) or a refused request."""
    if answer.status_code >= 500:
        return (
            f"Crossref had a problem answering (HTTP {answer.status_code} "
            f"{answer.reason}); nothing was changed. Please try again later."
        )
    return f"Crossref refused the request (HTTP {answer.status_code}): {_short_body(answer)}"


def _short_body(response: _Answer) -> str:
    text = " ".join(response.text.split())
    return text[:200] if text else response.reason


def _message(response: _Answer, *, expected_type: str) -> object:
    """The ``message`` of a Crossref envelope, after checking status and type."""
    try:
        body = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise EnrichError(
            "Crossref's answer could not be read (it is not valid JSON); "
            "nothing was changed. Please try again later."
        ) from error
    if not isinstance(body, Mapping):
        raise EnrichError("Crossref's answer is not a JSON object; nothing was changed.")
    if body.get("status") != "ok":
        raise EnrichError(f"Crossref reported an error: {_describe_error(body.get('message'))}")
    if body.get("message-type") != expected_type:
        raise EnrichError(
            f"Crossref sent a {body.get('message-type')!r} where PeerRef asked for a "
            f"{expected_type!r}; nothing was changed."
        )
    return body.get("message")


def _describe_error(message: object) -> str:
    if isinstance(message, Sequence) and not isinstance(message, str) and message:
        message = message[0]
    if isinstance(message, Mapping):
        return str(message.get("message") or message.get("description") or "unknown error")
    return str(message or "unknown error")


# --- JSON to dataclasses -------------------------------------------------------------


def parse_work(item: Mapping[str, object]) -> CrossrefWork | None:
    """A ``CrossrefWork`` from one work record, or None when it carries no DOI.

    Every field is type-checked: Crossref records are deposited by thousands of
    publishers, and a stray number or list where text is expected must not crash a batch.
    """
    doi = _text(item.get("DOI"))
    if not doi:
        return None
    return CrossrefWork(
        doi=doi,
        type=_text(item.get("type")),
        title=_first_text(item.get("title")),
        subtitle=_first_text(item.get("subtitle")),
        authors=_people(item.get("author")),
        editors=_people(item.get("editor")),
        container_title=_first_text(item.get("container-title")),
        short_container_title=_first_text(item.get("short-container-title")),
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        page=_text(item.get("page")),
        issn=_texts(item.get("ISSN")),
        issued=_date(item.get("issued")),
        published_print=_date(item.get("published-print")),
        published_online=_date(item.get("published-online")),
        publisher=_text(item.get("publisher")),
        abstract_jats=_text(item.get("abstract")),
        score=_number(item.get("score")),
    )


def _text(value: object) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        return ()
    texts = (_text(v) for v in value)
    return tuple(t for t in texts if t)


def _first_text(value: object) -> str:
    texts = _texts(value)
    return texts[0] if texts else ""


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _people(value: object) -> tuple[CrossrefPerson, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    people: list[CrossrefPerson] = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        person = CrossrefPerson(
            family=_text(entry.get("family")),
            given=_text(entry.get("given")),
            name=_text(entry.get("name")),
            suffix=_text(entry.get("suffix")),
        )
        if person.family or person.name:
            people.append(person)
    return tuple(people)


def _date(value: object) -> PartialDate:
    """``{"date-parts": [[2012, 6, 15]]}`` to a PartialDate; anything odd gives an empty one."""
    if not isinstance(value, Mapping):
        return PartialDate()
    parts = value.get("date-parts")
    if not isinstance(parts, Sequence) or not parts:
        return PartialDate()
    first = parts[0]
    if not isinstance(first, Sequence) or isinstance(first, str):
        return PartialDate()
    numbers: list[int] = []
    for part in first[:3]:
        if isinstance(part, str) and part.isdigit():
            part = int(part)
        if not isinstance(part, int) or isinstance(part, bool):
            break
        numbers.append(part)
    if not numbers:
        return PartialDate()
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 else None
    try:
        return PartialDate(year=numbers[0], month=month, day=day)
    except ValueError:  # month 13 or day 0 in a deposit: keep the year at least
        return PartialDate(year=numbers[0])
