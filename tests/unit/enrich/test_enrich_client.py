"""The Crossref HTTP client against a fake Crossref: politeness, back-off and failures."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
from crossref_samples import (
    FIRST_DOI,
    JOURNAL,
    ONLINE_ISSN,
    PRINT_ISSN,
    first_paper_item,
    single_work,
    work_list,
)
from enrich_fakes import MAILTO, ClientFactory, FakeClock
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import peerref
from peerref.core.errors import EnrichError
from peerref.core.model import PartialDate
from peerref.enrich.crossref import (
    CrossrefClient,
    CrossrefUnavailableError,
    WorkQuery,
    user_agent,
)

QUERY = WorkQuery(
    bibliographic="Repper Watson " + JOURNAL, author="Repper Watson", issn=PRINT_ISSN, year=2012
)


def test_search_sends_polite_pool_identity_and_narrowing_filters(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request(
        "/works", headers={"User-Agent": f"PeerRef/{peerref.__version__} (mailto:{MAILTO})"}
    ).respond_with_json(work_list(first_paper_item()))

    works = client.search(QUERY)

    (request, _response), *_ = httpserver.log
    assert request.args["query.bibliographic"] == QUERY.bibliographic
    assert request.args["query.author"] == "Repper Watson"
    assert request.args["filter"] == f"issn:{PRINT_ISSN},from-pub-date:2011,until-pub-date:2013"
    assert request.args["rows"] == "5"
    assert request.args["mailto"] == MAILTO
    # Only the fields PeerRef uses are asked for, to keep answers small.
    assert "abstract" in request.args["select"].split(",")

    assert [w.doi for w in works] == [FIRST_DOI]
    work = works[0]
    assert [a.family for a in work.authors] == ["Repper", "Watson"]
    assert work.container_title == JOURNAL
    assert (work.volume, work.issue, work.page) == ("7", "2", "70-80")
    assert work.issn == (PRINT_ISSN, ONLINE_ISSN)
    assert work.issued == PartialDate(2012, 6, 15)
    assert work.score == pytest.approx(38.2)
    assert "<jats:sec>" in work.abstract_jats


def test_direct_doi_lookup_uses_the_works_route(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request(f"/works/{FIRST_DOI}").respond_with_json(
        single_work(first_paper_item())
    )

    work = client.work(FIRST_DOI)

    assert work is not None
    assert work.doi == FIRST_DOI
    assert work.title.startswith("What peer workers do")


def test_unknown_doi_is_none_not_an_error(httpserver: HTTPServer, client: CrossrefClient) -> None:
    httpserver.expect_request("/works/10.5555/not-registered").respond_with_data(
        "Resource not found.", status=404, content_type="text/plain"
    )

    assert client.work("10.5555/not-registered") is None


def test_rate_limit_headers_space_out_requests(
    httpserver: HTTPServer, client: CrossrefClient, clock: FakeClock
) -> None:
    httpserver.expect_request("/works").respond_with_json(
        work_list(first_paper_item()),
        headers={"X-Rate-Limit-Limit": "4", "X-Rate-Limit-Interval": "1s"},
    )

    client.search(QUERY)
    client.search(QUERY)
    client.search(QUERY)

    assert client.request_spacing == pytest.approx(0.25)
    assert clock.sleeps == [pytest.approx(0.25), pytest.approx(0.25)]


def test_429_is_retried_after_the_wait_the_server_asks_for(
    httpserver: HTTPServer, client: CrossrefClient, clock: FakeClock
) -> None:
    httpserver.expect_ordered_request("/works").respond_with_json(
        {"status": "error", "message": "too many requests"},
        status=429,
        headers={"Retry-After": "3", "X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s"},
    )
    httpserver.expect_ordered_request("/works").respond_with_json(work_list(first_paper_item()))

    works = client.search(QUERY)

    assert [w.doi for w in works] == [FIRST_DOI]
    assert clock.sleeps == [3.0]
    assert len(httpserver.log) == 2


def test_503_without_retry_after_backs_off_exponentially(
    httpserver: HTTPServer, client: CrossrefClient, clock: FakeClock
) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/works").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/works").respond_with_json(work_list(first_paper_item()))

    assert len(client.search(QUERY)) == 1
    assert clock.sleeps == [1.0, 2.0]


def test_retries_are_bounded(
    httpserver: HTTPServer, make_client: ClientFactory, clock: FakeClock
) -> None:
    httpserver.expect_request("/works").respond_with_data("slow down", status=429)
    client = make_client(max_retries=2)

    with pytest.raises(CrossrefUnavailableError, match=r"busy \(HTTP 429\).*3 tries"):
        client.search(QUERY)
    assert clock.sleeps == [1.0, 2.0]
    assert len(httpserver.log) == 3


def test_a_wait_longer_than_allowed_is_reported_not_slept(
    httpserver: HTTPServer, client: CrossrefClient, clock: FakeClock
) -> None:
    httpserver.expect_request("/works").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )

    with pytest.raises(EnrichError, match="wait 3600 seconds"):
        client.search(QUERY)
    assert clock.sleeps == []


def test_a_slow_server_times_out_with_a_clear_message(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    def answer_late(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/works").respond_with_handler(answer_late)
    client = make_client(timeout=0.2)

    with pytest.raises(EnrichError, match=r"did not answer within 0\.2 seconds"):
        client.search(QUERY)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"status": "ok", "message-type": "work-list", "message": {"items": [', "not valid JSON"),
        ("<html><body>Gateway</body></html>", "not valid JSON"),
        ('["not", "an", "object"]', "not a JSON object"),
        ('{"status": "ok", "message-type": "work-list", "message": {}}', "no list of works"),
        ('{"status": "ok", "message-type": "member", "message": {}}', "'member'"),
        (
            '{"status": "failed", "message-type": "validation-failure",'
            ' "message": [{"message": "Filter from-pub-date specified but invalid"}]}',
            "Filter from-pub-date specified but invalid",
        ),
    ],
)
def test_garbled_answers_raise_enrich_error(
    httpserver: HTTPServer, client: CrossrefClient, body: str, message: str
) -> None:
    httpserver.expect_request("/works").respond_with_data(body, content_type="application/json")

    with pytest.raises(EnrichError, match=message):
        client.search(QUERY)


def test_damaged_items_are_skipped_and_odd_values_ignored(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    no_doi = first_paper_item()
    del no_doi["DOI"]
    odd = first_paper_item()
    odd.update(
        volume=None,
        issue=2,
        title="not a list",
        author=[{"family": "Repper"}, "garbage", {"given": "only given"}],
        issued={"date-parts": [[2012, 13]]},
        ISSN=None,
    )
    httpserver.expect_request("/works").respond_with_json(work_list(no_doi, odd, 42))  # type: ignore[arg-type]

    (work,) = client.search(QUERY)

    assert work.doi == FIRST_DOI
    assert (work.volume, work.issue, work.title) == ("", "2", "not a list")
    assert [a.family for a in work.authors] == ["Repper"]
    assert work.issued == PartialDate(2012)
    assert work.issn == ()


def test_other_error_statuses_are_not_retried(
    httpserver: HTTPServer, client: CrossrefClient, clock: FakeClock
) -> None:
    httpserver.expect_request("/works").respond_with_data("Bad filter", status=400)

    with pytest.raises(EnrichError, match=r"HTTP 400.*Bad filter"):
        client.search(QUERY)
    assert clock.sleeps == []


def _closed_port() -> int:
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_connection_refused_is_reported_as_unavailable_in_plain_words() -> None:
    port = _closed_port()
    client = CrossrefClient(f"http://127.0.0.1:{port}", timeout=1.0)
    with client, pytest.raises(CrossrefUnavailableError) as raised:
        client.search(QUERY)
    assert str(raised.value) == (
        f"Could not reach Crossref (127.0.0.1:{port}): the server refused the connection "
        "(is the Crossref address right?)."
    )


def test_no_more_than_max_in_flight_requests_at_once() -> None:
    lock = threading.Lock()
    in_flight = 0
    most = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.05)
        with lock:
            in_flight -= 1
        return httpx.Response(200, json=work_list(first_paper_item()))

    with CrossrefClient(
        "https://crossref.invalid", max_in_flight=2, transport=httpx.MockTransport(handler)
    ) as client:
        threads = [threading.Thread(target=client.search, args=(QUERY,)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert most == 2


def test_empty_query_sends_nothing(httpserver: HTTPServer, client: CrossrefClient) -> None:
    assert client.search(WorkQuery()) == ()
    assert httpserver.log == []


def test_without_mailto_no_mailto_is_sent_but_the_tool_is_named(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    httpserver.expect_request(
        "/works", headers={"User-Agent": f"PeerRef/{peerref.__version__}"}
    ).respond_with_json(work_list())
    client = make_client(mailto="")

    assert client.search(QUERY) == ()
    (request, _response), *_ = httpserver.log
    assert "mailto" not in request.args
    assert user_agent("a@b.org") == f"PeerRef/{peerref.__version__} (mailto:a@b.org)"
