"""Relevance ranking in a worker process of its own, kept for the screening session.

Why a process and not a thread: fitting TF-IDF over 20,000 abstracts and training the
model is Python and C work that holds the GIL for long stretches, and on a thread it
delayed the window's key handling (``benchmarks/bench_screening.py`` measured a p95 of
39 ms from key to next record while ranking, against a 30 ms target). A process of its
own cannot hold the window's GIL.

The process lives as long as the screening session: on its first ranking it reads the
texts and builds the TF-IDF matrix, and keeps both, so each retraining after a few
decisions only trains and orders. It reads the texts itself, from the library's file or
server (``Database.open_reader``), so the window's process never handles the abstracts:
the window sends the decisions and the records to order, and hears back the steps as
they begin (for its progress bar) and then the order, a ``Ranked``.

Stopping a ranking sets a number shared with the process (every job up to it is
stopped), which the process checks between steps; if it has not answered within
``STOP_GRACE_SECONDS`` (it is in the middle of a long TF-IDF fit), it is terminated, and
the next ranking starts a fresh one. ``close`` ends the process when the session ends;
at the application's exit multiprocessing terminates it (it is daemonic); and if the
application dies, the process finds its pipe closed and returns. No orphans either way.

The "spawn" start method everywhere: a fork of a process holding Qt, threads and
database connections is unsafe, and spawn behaves the same on Linux, macOS and Windows.
No Qt here; the window's glue is ``peerref.gui.views.screening_widget``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from peerref.core.errors import PeerRefError
from peerref.core.model import ReferenceId
from peerref.review.ranking import Ranked, RankingStep, RelevanceRanker
from peerref.store import reviews as review_store
from peerref.store.database import Database

log = logging.getLogger(__name__)

# How long a stopped ranking may take to reach its next step before it is terminated.
STOP_GRACE_SECONDS = 0.5
# How long the process may take to finish when told to end, before it is terminated.
CLOSE_GRACE_SECONDS = 0.5
# How often the waiting side looks at the cancel flag while no answer has come.
_POLL_SECONDS = 0.05
# Every job is stopped: what ``close`` sets the shared number to.
_ALL_JOBS = 2**62

# ``progress(done, total, what)``: ``done`` of ``total`` steps, ``what`` is beginning.
ProgressReporter = Callable[[int, int, str], None]


def _no_check() -> None:
    """Nobody can cancel."""


def _no_progress(done: int, total: int, what: str) -> None:
    """Nobody is watching."""


class RankingProcessError(PeerRefError):
    """The ranking's worker process ended before answering; the order stays as it was."""


@dataclass(frozen=True, slots=True)
class TextSource:
    """Where the worker reads what it ranks: the library (file or server) and the records."""

    path: Path
    url: str | None
    ids: tuple[ReferenceId, ...]

    def read(self) -> dict[ReferenceId, str]:
        """Title and abstract of each record, read through a connection of its own."""
        database = Database.open_reader(self.path, self.url)
        try:
            with database.reading() as repo:
                return review_store.screening_texts(repo.session, self.ids)
        finally:
            database.close()


# -- what travels through the pipe (plain, picklable values) -------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    number: int
    labels: dict[ReferenceId, bool]
    candidates: tuple[ReferenceId, ...]


@dataclass(frozen=True, slots=True)
class _Began:
    number: int
    step: RankingStep


@dataclass(frozen=True, slots=True)
class _Answered:
    number: int
    ranked: Ranked


@dataclass(frozen=True, slots=True)
class _Stopped:
    number: int


@dataclass(frozen=True, slots=True)
class _Failed:
    number: int
    error: BaseException
    details: str  # the worker's traceback, for the log


_Final = _Answered | _Stopped | _Failed


class _StopRequested(Exception):  # noqa: N818 - a signal of intent, not an error condition
    """Raised inside the worker when the job it is on has been stopped."""


def _failure(number: int, error: Exception) -> _Failed:
    """``error`` as it can travel: exceptions that do not pickle become RuntimeErrors."""
    details = traceback.format_exc()
    try:
        pickle.dumps(error)
    except Exception:  # anything unpicklable is described instead
        return _Failed(number, RuntimeError(f"{type(error).__name__}: {error}"), details)
    return _Failed(number, error, details)


def _serve(connection: Connection, stopped_up_to: Any, source: TextSource, seed: int) -> None:
    """The worker process: answer jobs until told to end (None) or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the window
    _answer_jobs(connection, stopped_up_to, source, seed)
    connection.close()
    # Nothing is left to save (the texts were read through a connection since closed),
    # and tearing down scikit-learn and SciPy module by module takes longer than the
    # window waits before terminating the process: leave at once, output flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _answer_jobs(connection: Connection, stopped_up_to: Any, source: TextSource, seed: int) -> None:
    texts: dict[ReferenceId, str] | None = None
    ranker: RelevanceRanker | None = None
    try:
        while True:
            job = connection.recv()
            if job is None:
                return
            number = job.number

            def began(step: RankingStep, number: int = number) -> None:
                if stopped_up_to.value >= number:
                    raise _StopRequested
                connection.send(_Began(number, step))

            try:
                if ranker is None:
                    if texts is None:
                        began(RankingStep.READING_TEXTS)
                        texts = source.read()
                    began(RankingStep.BUILDING_FEATURES)
                    ranker = RelevanceRanker(texts, seed=seed)
                ranked = ranker.rank(job.labels, job.candidates, began)
            except _StopRequested:
                connection.send(_Stopped(number))
            except Exception as error:  # every failure goes back to be judged
                connection.send(_failure(number, error))
            else:
                connection.send(_Answered(number, ranked))
    except (EOFError, OSError):
        return  # the window's process has gone: nobody to answer


class RankingProcess:
    """A screening session's ranking worker: started at the first ranking, ended by ``close``.

    ``rank`` blocks its caller (a background thread of the window) until the answer, and
    takes one ranking at a time; ``close`` may be called from any thread.
    """

    def __init__(self, source: TextSource, *, seed: int) -> None:
        self._source = source
        self._seed = seed
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()  # one ranking at a time
        self._send_lock = threading.Lock()  # ``close`` may send while a ranking waits
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._stopped_up_to: Any = None  # a shared 64-bit number
        self._jobs = 0
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The worker's process id, once started (None before and after)."""
        process = self._process
        return process.pid if process is not None else None

    def is_alive(self) -> bool:
        process = self._process
        return process is not None and process.is_alive()

    def rank(
        self,
        labels: Mapping[ReferenceId, bool],
        candidates: Sequence[ReferenceId],
        *,
        check: Callable[[], None] = _no_check,
        progress: ProgressReporter = _no_progress,
    ) -> Ranked:
        """Rank ``candidates`` from ``labels`` in the worker; see ``RelevanceRanker.rank``.

        ``check`` is called while waiting and may raise (a cancelled operation): the
        worker is then stopped and the error goes on up. ``progress`` hears of each step
        as the worker begins it.

        Raises:
            RankingProcessError: the worker died (it is started afresh next time), or
                the session has been closed.
        """
        with self._lock:
            if self._closed:
                raise RankingProcessError("the screening session has ended")
            process, connection = self._start()
            try:
                return self._answer(process, connection, labels, candidates, check, progress)
            finally:
                if self._closed:  # closed meanwhile: ``close`` left the cleaning to us
                    self._discard(process)

    def close(self) -> None:
        """End the worker (the session is over); any thread, any number of times."""
        self._closed = True
        process, connection, stopped = self._process, self._connection, self._stopped_up_to
        if process is None or connection is None:
            return
        stopped.value = _ALL_JOBS
        try:
            with self._send_lock:
                connection.send(None)
        except OSError:
            pass  # already gone
        _end(process, grace=CLOSE_GRACE_SECONDS)
        if self._lock.acquire(blocking=False):  # else the waiting ranking cleans up
            try:
                self._discard(process)
            finally:
                self._lock.release()

    # -- with ``_lock`` held ------------------------------------------------------------------

    def _start(self) -> tuple[BaseProcess, Connection]:
        if self._process is not None and self._connection is not None:
            return self._process, self._connection
        ours, theirs = self._context.Pipe(duplex=True)
        stopped = self._context.Value("q", 0)
        process = self._context.Process(
            target=_serve,
            args=(theirs, stopped, self._source, self._seed),
            name="peerref-ranking",
            daemon=True,  # terminated by multiprocessing when the application exits
        )
        process.start()
        theirs.close()  # the worker's end: only the worker may hold it, so EOF means gone
        self._process, self._connection, self._stopped_up_to = process, ours, stopped
        log.info("relevance ranking process %s started", process.pid)
        return process, ours

    def _answer(
        self,
        process: BaseProcess,
        connection: Connection,
        labels: Mapping[ReferenceId, bool],
        candidates: Sequence[ReferenceId],
        check: Callable[[], None],
        progress: ProgressReporter,
    ) -> Ranked:
        self._jobs += 1
        number = self._jobs
        total = len(RankingStep)
        try:
            with self._send_lock:
                connection.send(_Job(number, dict(labels), tuple(candidates)))
        except OSError as error:
            raise self._lost(process) from error
        while True:
            try:
                check()
            except BaseException:
                self._stop(number, process, connection)
                raise
            try:
                if not connection.poll(_POLL_SECONDS):
                    if not process.is_alive():
                        raise self._lost(process)
                    continue
                message = connection.recv()
            except (EOFError, OSError) as error:
                raise self._lost(process) from error
            if message.number != number:
                continue  # cannot happen: each job ends with one final message
            if isinstance(message, _Began):
                progress(message.step.number, total, message.step.value)
            elif isinstance(message, _Answered):
                progress(total, total, "")
                return message.ranked
            elif isinstance(message, _Failed):
                message.error.add_note(f"in the ranking process:\n{message.details}")
                raise message.error
            else:  # stopped, which only ``close`` asks of a waiting ranking
                raise RankingProcessError("the screening session has ended")

    def _stop(self, number: int, process: BaseProcess, connection: Connection) -> None:
        """Stop job ``number``: asked between steps, terminated when it does not answer."""
        self._stopped_up_to.value = number
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        try:
            while (left := deadline - time.monotonic()) > 0:
                if connection.poll(min(left, _POLL_SECONDS)):
                    message = connection.recv()
                    if message.number == number and isinstance(message, _Final):
                        return  # stopped between steps, matrix kept for the next ranking
                elif not process.is_alive():
                    break
        except (EOFError, OSError):
            pass
        log.info("relevance ranking process %s did not stop in time: ended", process.pid)
        _end(process, grace=0)
        self._discard(process)

    def _lost(self, process: BaseProcess) -> RankingProcessError:
        _end(process, grace=CLOSE_GRACE_SECONDS)
        self._discard(process)
        if self._closed:
            return RankingProcessError("the screening session has ended")
        log.warning(
            "relevance ranking process %s ended unexpectedly (exit code %s)",
            process.pid,
            process.exitcode,
        )
        return RankingProcessError(
            "The relevance ranking stopped: its worker process ended unexpectedly "
            f"(exit code {process.exitcode}). Screening goes on in the current order; "
            "the next ranking starts a new worker."
        )

    def _discard(self, process: BaseProcess) -> None:
        if self._process is not process:
            return
        if self._connection is not None:
            self._connection.close()
        self._process = self._connection = self._stopped_up_to = None


def _end(process: BaseProcess, *, grace: float) -> None:
    """Wait ``grace`` seconds for ``process`` to finish, then terminate it, then kill it."""
    process.join(grace)
    if process.is_alive():
        process.terminate()
        process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join()
