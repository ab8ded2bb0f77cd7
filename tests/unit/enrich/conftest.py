"""A fake Crossref on 127.0.0.1 and clients that never really sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from enrich_fakes import MAILTO, ClientFactory, FakeClock
from pytest_httpserver import HTTPServer

from peerref.enrich.crossref import CrossrefClient


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """The fake Crossref listens on the loopback address only (pytest-httpserver's hook)."""
    return ("127.0.0.1", 0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(httpserver: HTTPServer, clock: FakeClock) -> Iterator[ClientFactory]:
    """Build clients pointed at the fake Crossref; every one is closed after the test."""
    clients: list[CrossrefClient] = []

    def factory(**options: object) -> CrossrefClient:
        settings: dict[str, object] = {
            "mailto": MAILTO,
            "timeout": 2.0,
            "sleep": clock.sleep,
            "clock": clock,
        }
        settings.update(options)
        client = CrossrefClient(httpserver.url_for("/"), **settings)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> CrossrefClient:
    return make_client()
