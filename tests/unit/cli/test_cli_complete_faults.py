"""``peerref-cli complete`` when Crossref misbehaves (issue 17): it ends, says one line, keeps
what was finished, and frees the library for the next program.

Every server here runs on 127.0.0.1 inside the test; the DNS failure is a monkeypatched
resolver, never a real lookup.
"""

from __future__ import annotations

import gzip
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Cli
from crossref_faults import TricklingCrossref, trickling_crossref
from pytest_httpserver import HTTPServer

from peerref.core.model import Reference
from peerref.enrich import Completion
from peerref.lockfile import LibraryLock
from peerref.settings import CROSSREF_URL_ENV_VAR

# The module, not the function the package exports under the same name.
enrich_complete = importlib.import_module("peerref.enrich.complete")

JOURNAL = "Housing, Care and Support"
QUICK_DOI = "10.1108/HCS-03-2022-0011"
QUICK_TITLE = "Tenancy support workers and the first month in a new home"

# Pasted-page entries with no title: Nakamura's is answered at once, Osei's trickles.
QUICK = {
    "type": "article-journal",
    "author": [{"family": "Nakamura", "given": "Y."}],
    "issued": {"date-parts": [[2022]]},
    "container-title": JOURNAL,
    "volume": "25",
    "issue": "3",
    "page": "101-112",
}
SLOW = QUICK | {"author": [{"family": "Osei", "given": "K."}], "page": "113-120"}


def quick_answer(path: str) -> bytes | None:
    """Crossref's answer for Nakamura's paper at once; None (trickle) for anything else."""
    if "Nakamura" not in path:
        return None
    item: dict[str, Any] = {
        "DOI": QUICK_DOI,
        "type": "journal-article",
        "title": [QUICK_TITLE],
        "author": [{"given": "Yuki", "family": "Nakamura", "sequence": "first"}],
        "container-title": [JOURNAL],
        "volume": "25",
        "issue": "3",
        "page": "101-112",
        "issued": {"date-parts": [[2022, 8, 1]]},
    }
    envelope = {
        "status": "ok",
        "message-type": "work-list",
        "message": {"items": [item], "total-results": 1},
    }
    return json.dumps(envelope).encode()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "lib" / "library.sqlite")


def import_items(cli: Cli, tmp_path: Path, *items: dict[str, Any]) -> None:
    path = tmp_path / "pasted.json"
    path.write_text(json.dumps(list(items)), encoding="utf-8")
    code, _out, err = cli("import", str(path))
    assert code == 0, err


def peerref_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("peerref-cli:")]


def assert_lock_is_free(library: Path) -> None:
    lock = LibraryLock(library, program="test")
    lock.acquire()  # raises LibraryInUseError while anyone else holds it
    lock.release()


def test_a_trickling_crossref_ends_at_the_timeout_with_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_items(cli, tmp_path, SLOW)
    with trickling_crossref() as server:
        monkeypatch.setenv(CROSSREF_URL_ENV_VAR, server.url)
        code, out, err = cli("complete", "1", "--timeout", "1")

    assert code == 1
    assert out == ""
    assert peerref_lines(err) == [
        "peerref-cli: Crossref did not finish answering within 1 second; "
        "it may be slow or unreachable right now."
    ]
    assert "Traceback" not in err
    assert "title" not in cli.show(1)
    assert_lock_is_free(cli.library)


def interrupt_when_asked(
    server: TricklingCrossref, signum: int, *after: threading.Event
) -> threading.Thread:
    """Send ``signum`` to this process once the trickled request (and ``after``) happened."""

    def send() -> None:
        if server.request_arrived.wait(60) and all(event.wait(60) for event in after):
            os.kill(os.getpid(), signum)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_run_and_keeps_what_was_finished(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, code: int
) -> None:
    import_items(cli, tmp_path, QUICK, SLOW)
    quick_done = threading.Event()
    look_up = enrich_complete.complete

    def noting_the_quick_one(reference: Reference, *args: Any, **kwargs: Any) -> Completion:
        completion = look_up(reference, *args, **kwargs)
        if reference.authors[0].family == "Nakamura":
            quick_done.set()
        return completion

    monkeypatch.setattr(enrich_complete, "complete", noting_the_quick_one)
    with trickling_crossref(quick=quick_answer) as server:
        monkeypatch.setenv(CROSSREF_URL_ENV_VAR, server.url)
        sender = interrupt_when_asked(server, signum, quick_done)
        exit_code, out, err = cli("complete", "--all-incomplete")
        sender.join()

    assert exit_code == code
    name = signal.Signals(signum).name
    assert peerref_lines(err) == [
        f"peerref-cli: interrupted ({name}): the references looked up before it keep "
        "their changes; 1 not looked up"
    ]
    assert f"matched  {QUICK_DOI}" in out
    assert cli.show(1)["title"] == QUICK_TITLE  # finished before the signal: kept
    assert "title" not in cli.show(2)  # in flight: untouched
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    assert_lock_is_free(cli.library)


def test_ctrl_c_ends_the_cli_process_promptly_and_frees_the_lock(cli: Cli, tmp_path: Path) -> None:
    import_items(cli, tmp_path, SLOW)
    with trickling_crossref() as server:
        env = os.environ | {CROSSREF_URL_ENV_VAR: server.url}
        command = [sys.executable, "-m", "peerref.cli", "--library", str(cli.library)]
        process = subprocess.Popen(
            [*command, "complete", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.request_arrived.wait(120), "peerref-cli never asked Crossref"
            process.send_signal(signal.SIGINT)
            # Before the fix it was still running, holding the lock, a minute later.
            _out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert process.returncode == 130, err
    assert "interrupted (SIGINT)" in err
    assert "Traceback" not in err
    assert_lock_is_free(cli.library)


# --- one clear line for every network failure -----------------------------------------


def gzip_bomb(decoded_mb: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b" " * 1024 * 1024) for _ in range(decoded_mb)]
    return b"".join([*parts, compressor.flush()])


@pytest.mark.parametrize(
    ("serve", "line"),
    [
        (
            lambda s: s.expect_request("/works").respond_with_data(
                gzip_bomb(16), headers={"Content-Encoding": "gzip"}
            ),
            "Crossref's answer was larger than 8 MB, far more than any record; "
            "PeerRef refused it and changed nothing.",
        ),
        (
            lambda s: s.expect_request("/works").respond_with_data(
                b"\x1f\x8b damaged", headers={"Content-Encoding": "gzip"}
            ),
            "Crossref's answer arrived damaged (its compressed body could not be decoded); "
            "nothing was changed. Please try again later.",
        ),
        (
            lambda s: s.expect_request("/works").respond_with_data(
                "<html>Gateway</html>", content_type="text/html"
            ),
            "Crossref's answer could not be read (it is not valid JSON); nothing was "
            "changed. Please try again later.",
        ),
        (
            lambda s: s.expect_request("/works").respond_with_data("oops", status=500),
            "Crossref had a problem answering (HTTP 500 INTERNAL SERVER ERROR); nothing "
            "was changed. Please try again later.",
        ),
    ],
    ids=["gzip-bomb", "bad-gzip", "not-json", "http-500"],
)
def test_a_bad_answer_is_one_failed_line(
    cli: Cli, crossref: HTTPServer, tmp_path: Path, serve: Any, line: str
) -> None:
    import_items(cli, tmp_path, QUICK)
    serve(crossref)

    code, out, err = cli("complete", "1")

    assert code == 0, err  # the lookup ran; this reference failed
    assert f"  failed   {line}\n" in out
    assert "0 completed, 0 proposals, 0 to choose, 0 not matched, 1 failed" in err
    assert "Traceback" not in out + err
    assert "title" not in cli.show(1)


def test_a_redirect_loop_is_one_line_and_exit_1(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, QUICK)
    crossref.expect_request("/works").respond_with_data(
        "", status=301, headers={"Location": "/works"}
    )

    code, _out, err = cli("complete", "1")

    assert code == 1
    (line,) = peerref_lines(err)
    assert "kept redirecting PeerRef elsewhere (a redirect loop)" in line
    assert "Traceback" not in err


def test_busy_for_ever_is_one_line_and_exit_1(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, QUICK)
    crossref.expect_request("/works").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}
    )

    code, _out, err = cli("complete", "1")

    assert code == 1
    (line,) = peerref_lines(err)
    assert line.startswith("peerref-cli: Crossref is busy (HTTP 429) and still was after")


def test_connection_refused_and_no_dns_are_said_in_a_users_words(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_items(cli, tmp_path, QUICK)
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, f"http://127.0.0.1:{port}")
    code, _out, err = cli("complete", "1")
    assert code == 1
    assert peerref_lines(err) == [
        f"peerref-cli: Could not reach Crossref (127.0.0.1:{port}): the server refused the "
        "connection (is the Crossref address right?)."
    ]

    def no_dns(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, "https://api.crossref.org")
    code, _out, err = cli("complete", "1")
    assert code == 1
    assert peerref_lines(err) == [
        "peerref-cli: Could not reach Crossref (api.crossref.org): no network connection, "
        "or the name could not be found."
    ]
    assert "Errno" not in err


# --- --doi: the user names the record ----------------------------------------------------


def test_doi_names_the_record_and_fills_from_it(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, QUICK)
    body = quick_answer("Nakamura")
    assert body is not None
    item = json.loads(body)["message"]["items"][0] | {"issue": "4"}
    crossref.expect_request(f"/works/{QUICK_DOI}").respond_with_data(
        gzip.compress(
            json.dumps({"status": "ok", "message-type": "work", "message": item}).encode()
        ),
        content_type="application/json",
        headers={"Content-Encoding": "gzip"},
    )

    code, out, err = cli("complete", "1", "--doi", f"https://doi.org/{QUICK_DOI}")

    assert code == 0, err
    assert f"matched  {QUICK_DOI}" in out
    assert "proposed Issue: 3 -> 4" in out  # the disagreement is shown, never applied
    shown = cli.show(1)
    assert shown["title"] == QUICK_TITLE
    assert shown["DOI"] == QUICK_DOI
    assert shown["issue"] == "3"


def test_doi_takes_exactly_one_id(cli: Cli, tmp_path: Path) -> None:
    import_items(cli, tmp_path, QUICK, SLOW)
    assert cli("complete", "1", "2", "--doi", QUICK_DOI)[0] == 2
    assert cli("complete", "--all-incomplete", "--doi", QUICK_DOI)[0] == 2
    assert cli("complete", "1", "--timeout", "0")[0] == 2


def test_refused_records_are_listed_with_what_disagreed(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, QUICK)
    body = quick_answer("Nakamura")
    assert body is not None
    envelope = json.loads(body)
    envelope["message"]["items"][0]["issue"] = "1"
    crossref.expect_request("/works").respond_with_json(envelope)

    code, out, err = cli("complete", "1")

    assert code == 0, err
    assert (
        "  no match Crossref's closest result contradicts what is known about this "
        "reference (issue: 3 here, 1 on Crossref).\n" in out
    )
    assert (
        f"  refused  {QUICK_DOI}  {QUICK_TITLE}  (disagrees: issue: 3 here, 1 on Crossref)\n"
        in (out)
    )
    assert "complete ID --doi DOI" in out
