"""A small, polite client for Crossref's public REST API.

Crossref is a shared public service: it asks clients to identify themselves (the "polite
pool": a ``mailto`` and a descriptive User-Agent), to follow the rate limit it announces
in ``X-Rate-Limit-Limit`` / ``X-Rate-Limit-Interval``, to back off on 429 and 503, and to
keep only a few requests in flight. This module does all of that in one place so the rest
of PeerRef never talks HTTP.

Answers are parsed into frozen ``CrossrefWork`` objects at this boundary: JSON dictionaries
never leave the module. Anything that goes wrong on the way (offline, too slow, an error
status, a garbled body) becomes an ``EnrichError`` whose message can be shown as it is.
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
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

DEFAULT_TIMEOUT_SECONDS = 15.0
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
        sleep: how to wait (tests inject a recorder so they never really sleep).
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
        sleep: Callable[[float], None] = time.sleep,
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
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._gate = _RateGate(clock, sleep)
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent(self.mailto), "Accept": "application/json"},
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
        """Release the connection pool."""
        self._http.close()

    @property
    def request_spacing(self) -> float:
        """Seconds between request starts, as derived from Crossref's rate-limit headers."""
        return self._gate.spacing

    def work(self, doi: str) -> CrossrefWork | None:
        """The work registered under ``doi``, or None when Crossref does not know it.

        A DOI from another registration agency (DataCite, mEDRA) is not an error: the
        caller falls back to searching.
        """
        url = f"{self.api_root}/works/{quote(doi.strip(), safe='/')}"
        response = self._get(url, {})
        if response is None:
            return None
        message = _message(response, expected_type="work")
        if not isinstance(message, Mapping):
            raise EnrichError("Crossref sent a work record in a shape PeerRef does not know.")
        work = parse_work(message)
        if work is None:
            raise EnrichError(f"Crossref's record for {doi} has no DOI in it.")
        return work

    def search(self, query: WorkQuery) -> tuple[CrossrefWork, ...]:
        """Candidates for ``query``, best first as Crossref ranks them.

        Items too damaged to use (no DOI) are skipped rather than failing the whole answer.
        """
        if query.is_empty:
            return ()
        response = self._get(f"{self.api_root}/works", query.params())
        if response is None:
            return ()
        message = _message(response, expected_type="work-list")
        items = message.get("items") if isinstance(message, Mapping) else None
        if not isinstance(items, Sequence) or isinstance(items, str):
            raise EnrichError("Crossref's answer has no list of works in it.")
        works = (parse_work(item) for item in items if isinstance(item, Mapping))
        return tuple(w for w in works if w is not None)

    def _get(self, url: str, params: Mapping[str, str]) -> httpx.Response | None:
        """GET with the polite pool, rate limit, in-flight limit and bounded back-off.

        Returns None for 404, the response for 2xx, and raises ``EnrichError`` otherwise.
        """
        full_params = dict(params)
        if self.mailto:
            full_params["mailto"] = self.mailto
        attempt = 0
        while True:
            self._gate.wait_turn()
            with self._slots:
                response = self._send(url, full_params)
            self._gate.update(response.headers)
            if response.status_code == 404:
                return None
            if response.is_success:
                return response
            if response.status_code not in _RETRY_STATUSES:
                raise EnrichError(
                    f"Crossref refused the request (HTTP {response.status_code}): "
                    f"{_short_body(response)}"
                )
            if attempt >= self.max_retries:
                raise CrossrefUnavailableError(
                    f"Crossref is busy (HTTP {response.status_code}) and still was after "
                    f"{attempt + 1} tries; please try again later."
                )
            wait = self._backoff_seconds(response, attempt)
            if wait > self.max_backoff:
                raise CrossrefUnavailableError(
                    f"Crossref asked PeerRef to wait {wait:.0f} seconds before asking again; "
                    "please try again later."
                )
            self._gate.hold_off(wait)
            self._sleep(wait)
            attempt += 1

    def _send(self, url: str, params: Mapping[str, str]) -> httpx.Response:
        try:
            return self._http.get(url, params=params)
        except httpx.TimeoutException as error:
            raise CrossrefUnavailableError(
                f"Crossref did not answer within {self.timeout:g} seconds; "
                "it may be slow or unreachable right now."
            ) from error
        except httpx.TransportError as error:
            raise CrossrefUnavailableError(
                f"Could not reach Crossref at {self.api_root} ({error}); are you offline?"
            ) from error

    @staticmethod
    def _backoff_seconds(response: httpx.Response, attempt: int) -> float:
        """Retry-After when the server gives it, else 1, 2, 4 … seconds."""
        retry_after = _retry_after_seconds(
            response.headers.get("retry-after", ""), datetime.now(UTC)
        )
        return retry_after if retry_after is not None else float(2**attempt)


def _short_body(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text[:200] if text else response.reason_phrase


def _message(response: httpx.Response, *, expected_type: str) -> object:
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
