"""Crossref misbehaving (issue 17): every fault ends, in bounded memory, with one clear message.

Each test talks to a server it starts on 127.0.0.1: pytest-httpserver for whole answers,
``crossref_faults.TricklingCrossref`` for a server that sends one byte every half second.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import tracemalloc
import zlib

import pytest
from crossref_faults import trickling_crossref
from crossref_samples import (
    FIRST_DOI,
    FIRST_PAPER_FINDINGS,
    FIRST_PAPER_PURPOSE,
    SECOND_PAPER_FINDINGS,
    SECOND_PAPER_PURPOSE,
    emerald_reference,
    first_paper_item,
    single_work,
    work_list,
)
from enrich_fakes import ClientFactory
from pytest_httpserver import HTTPServer

from peerref.core.errors import EnrichError
from peerref.enrich import CompletionStatus, complete_many
from peerref.enrich.crossref import (
    CrossrefCancelledError,
    CrossrefClient,
    CrossrefUnavailableError,
    Deadline,
    WorkQuery,
)

QUERY = WorkQuery(bibliographic="Repper Watson peer workers", author="Repper Watson", year=2012)
MB = 1024 * 1024
FIRST = emerald_reference(purpose=FIRST_PAPER_PURPOSE, findings=FIRST_PAPER_FINDINGS)
SECOND = emerald_reference(purpose=SECOND_PAPER_PURPOSE, findings=SECOND_PAPER_FINDINGS)


def gzip_bomb(decoded_size: int) -> bytes:
    """``decoded_size`` bytes of spaces, gzipped: about a thousandth of that on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * MB
    parts = [compressor.compress(block) for _ in range(decoded_size // MB)]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_server_ends_at_the_request_deadline(where: str) -> None:
    with (
        trickling_crossref(where) as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=1.5) as client,
        pytest.raises(CrossrefUnavailableError) as raised,
    ):
        client.search(QUERY)

    assert server.requests == 1
    assert str(raised.value) == (
        "Crossref did not finish answering within 1.5 seconds; "
        "it may be slow or unreachable right now."
    )


def test_the_callers_deadline_bounds_a_lookup_that_would_outlast_it() -> None:
    lookup = Deadline.after(1.0, "This lookup ran out of time.")
    with (
        trickling_crossref() as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=600) as client,
        pytest.raises(CrossrefUnavailableError, match=r"This lookup ran out of time\."),
    ):
        client.work(FIRST_DOI, deadline=lookup)
    assert lookup.expired


def test_cancel_ends_a_request_in_flight_from_another_thread() -> None:
    errors: list[BaseException] = []
    with (
        trickling_crossref() as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=600) as client,
    ):

        def look_up() -> None:
            try:
                client.search(QUERY)
            except BaseException as error:  # the test inspects it below
                errors.append(error)

        worker = threading.Thread(target=look_up, daemon=True)
        worker.start()
        assert server.request_arrived.wait(30)
        client.cancel()
        worker.join(30)
        assert not worker.is_alive()

    (error,) = errors
    assert isinstance(error, CrossrefCancelledError)
    assert "cancelled" in str(error)
    # A cancelled client sends nothing more.
    with pytest.raises(CrossrefCancelledError):
        client.search(QUERY)
    assert server.requests == 1


def test_a_back_off_is_cut_short_by_cancel(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/works").respond_with_data(
        "busy", status=503, headers={"Retry-After": "50"}
    )
    client = CrossrefClient(httpserver.url_for("/"), max_backoff=120)
    timer = threading.Timer(0.3, client.cancel)
    timer.start()
    with client, pytest.raises(CrossrefCancelledError):
        client.search(QUERY)
    timer.join()


def test_a_gzip_bomb_is_refused_in_bounded_memory(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    bomb = gzip_bomb(64 * MB)
    httpserver.expect_request("/works").respond_with_data(
        bomb, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
    client = make_client(max_response_bytes=1 * MB)

    tracemalloc.start()
    try:
        with pytest.raises(EnrichError) as raised:
            client.search(QUERY)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert str(raised.value) == (
        "Crossref's answer was larger than 1 MB, far more than any record; "
        "PeerRef refused it and changed nothing."
    )
    # Decoding stopped at the cap: never anything like the 64 MB the body inflates to.
    assert peak < 24 * MB


def test_an_answer_declared_too_large_is_refused_unread(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    httpserver.expect_request("/works").respond_with_data(
        b" " * (2 * MB), content_type="application/json"
    )
    with pytest.raises(EnrichError, match="larger than 1 MB"):
        make_client(max_response_bytes=1 * MB).search(QUERY)


def test_a_gzipped_answer_under_the_cap_is_read(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    body = gzip.compress(json.dumps(single_work(first_paper_item())).encode())
    httpserver.expect_request(f"/works/{FIRST_DOI}").respond_with_data(
        body, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
    work = client.work(FIRST_DOI)
    assert work is not None and work.doi == FIRST_DOI


def test_a_damaged_gzip_body_is_one_clear_message(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works").respond_with_data(
        b"this was never gzip",
        content_type="application/json",
        headers={"Content-Encoding": "gzip"},
    )
    with pytest.raises(EnrichError) as raised:
        client.search(QUERY)
    assert str(raised.value) == (
        "Crossref's answer arrived damaged (its compressed body could not be decoded); "
        "nothing was changed. Please try again later."
    )


def test_an_encoding_not_asked_for_is_refused(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works").respond_with_data(
        b"\x00\x01", content_type="application/json", headers={"Content-Encoding": "br"}
    )
    with pytest.raises(EnrichError, match=r"an encoding PeerRef cannot read \(br\)"):
        client.search(QUERY)


def test_a_redirect_loop_is_one_clear_message(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works").respond_with_data(
        "", status=302, headers={"Location": "/elsewhere"}
    )
    httpserver.expect_request("/elsewhere").respond_with_data(
        "", status=302, headers={"Location": "/works"}
    )
    with pytest.raises(CrossrefUnavailableError) as raised:
        client.search(QUERY)
    assert "kept redirecting PeerRef elsewhere (a redirect loop)" in str(raised.value)
    assert "check the Crossref address in Preferences" in str(raised.value)


def test_a_name_that_cannot_be_resolved_is_said_in_a_users_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_dns(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = CrossrefClient("https://api.crossref.org")
    with (
        caplog.at_level("INFO", logger="peerref.enrich.crossref"),
        client,
        pytest.raises(CrossrefUnavailableError) as raised,
    ):
        client.search(QUERY)

    assert str(raised.value) == (
        "Could not reach Crossref (api.crossref.org): "
        "no network connection, or the name could not be found."
    )
    assert "Errno" not in str(raised.value)
    assert "Name or service not known" in caplog.text  # the detail stays in the log


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<html><body>Service Temporarily Down</body></html>", "not valid JSON"),
        ("\x89PNG\r\n\x1a\n", "not valid JSON"),
    ],
)
def test_non_json_is_one_clear_message(
    httpserver: HTTPServer, client: CrossrefClient, body: str, message: str
) -> None:
    httpserver.expect_request("/works").respond_with_data(body, content_type="text/html")
    with pytest.raises(EnrichError, match=message):
        client.search(QUERY)


def test_http_500_says_the_fault_is_crossrefs(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works").respond_with_data("Internal error", status=500)
    with pytest.raises(EnrichError) as raised:
        client.search(QUERY)
    assert str(raised.value) == (
        "Crossref had a problem answering (HTTP 500 INTERNAL SERVER ERROR); nothing was "
        "changed. Please try again later."
    )


def test_http_429_for_ever_is_busy_not_a_traceback(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    httpserver.expect_request("/works").respond_with_data("slow down", status=429)
    with pytest.raises(CrossrefUnavailableError, match=r"Crossref is busy \(HTTP 429\)"):
        make_client(max_retries=1).search(QUERY)


def test_a_search_after_faults_still_works(httpserver: HTTPServer, client: CrossrefClient) -> None:
    httpserver.expect_request("/works").respond_with_json(work_list(first_paper_item()))
    assert [w.doi for w in client.search(QUERY)] == [FIRST_DOI]


# --- batches against a trickling Crossref ---------------------------------------------


def test_a_batch_against_a_trickling_server_ends_at_the_lookup_deadline() -> None:
    with (
        trickling_crossref() as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=600) as client,
    ):
        result = complete_many([FIRST, SECOND], client, workers=1, lookup_seconds=1.0)

    first, second = result.completions
    assert first.status is CompletionStatus.FAILED
    assert first.message == (
        "Crossref did not finish answering within 1 second; "
        "it may be slow or unreachable right now."
    )
    assert second.status is CompletionStatus.SKIPPED  # the batch stops: Crossref is unwell
    assert result.stopped_by == first.message
    assert server.requests == 1


def test_a_batch_ends_at_the_runs_deadline() -> None:
    run = Deadline.after(1.0, "The run took too long; what was found is kept.")
    with (
        trickling_crossref() as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=600) as client,
    ):
        result = complete_many([FIRST, SECOND], client, lookup_seconds=600, run_deadline=run)

    assert result.stopped_by == "The run took too long; what was found is kept."
    assert {c.status for c in result.completions} <= {
        CompletionStatus.FAILED,
        CompletionStatus.SKIPPED,
    }


def test_cancelling_a_batch_ends_the_lookups_in_flight() -> None:
    with (
        trickling_crossref() as server,
        CrossrefClient(server.url, timeout=5.0, request_deadline=600) as client,
    ):
        result = complete_many(
            [FIRST, SECOND, FIRST],
            client,
            is_cancelled=server.request_arrived.is_set,  # cancel once Crossref is asked
            lookup_seconds=600,
        )

    assert result.cancelled
    assert result.stopped_by == ""
    assert {c.status for c in result.completions} == {CompletionStatus.SKIPPED}
    assert "cancelled" in result.completions[0].message
    assert client.cancelled


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_answers_are_read_with_or_without_the_zlib_header(
    httpserver: HTTPServer, client: CrossrefClient, wbits: int
) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = json.dumps(single_work(first_paper_item())).encode()
    httpserver.expect_request(f"/works/{FIRST_DOI}").respond_with_data(
        compressor.compress(body) + compressor.flush(),
        content_type="application/json",
        headers={"Content-Encoding": "deflate"},
    )
    work = client.work(FIRST_DOI)
    assert work is not None and work.doi == FIRST_DOI
