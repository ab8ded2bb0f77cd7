"""Test doubles for the enrich tests: a clock that never really sleeps, a client factory type."""

from __future__ import annotations

from collections.abc import Callable

from peerref.enrich.crossref import CrossrefClient

MAILTO = "tests@example.org"

ClientFactory = Callable[..., CrossrefClient]


class FakeClock:
    """A monotonic clock that moves only when the client sleeps, so waits are instant."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
