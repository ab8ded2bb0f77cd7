"""``peerref-cli complete`` against a fake Crossref on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from cli_runner import Cli
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from peerref.cli import main
from peerref.paths import AppPaths
from peerref.settings import CROSSREF_URL_ENV_VAR

JOURNAL = "Housing, Care and Support"
ISSN = "1460-8790"
KITCHEN_DOI = "10.1108/HCS-02-2021-0004"
GARDEN_DOI = "10.1108/HCS-02-2021-0005"
KITCHEN_TITLE = "Shared kitchens in supported housing: cooking as a route to friendship"
GARDEN_TITLE = "Allotments and tenancy sustainment for young people leaving care"
MAILTO = "librarian@example.org"

# What a pasted page left us: authors, journal, volume, issue, year and pages, no title.
UNTITLED = {
    "type": "article-journal",
    "author": [{"family": "Adeyemi", "given": "F."}, {"family": "Lindqvist", "given": "Maja"}],
    "issued": {"date-parts": [[2021, 5]]},
    "container-title": JOURNAL,
    "volume": "24",
    "issue": "2",
    "page": "61-72",
}
# Too little to tell two papers of one issue apart: no pages.
PAGELESS = {key: value for key, value in UNTITLED.items() if key != "page"}
# Nobody on Crossref wrote this.
UNKNOWN = {
    "type": "article-journal",
    "author": [{"family": "Quennell", "given": "Harriet"}],
    "issued": {"date-parts": [[1998]]},
    "container-title": "Parish Newsletter of St Brigid",
}


def crossref_item(*, doi: str, title: str, page: str) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": "Folake", "family": "Adeyemi", "sequence": "first"},
            {"given": "Maja", "family": "Lindqvist", "sequence": "additional"},
        ],
        "container-title": [JOURNAL],
        "volume": "24",
        "issue": "2",
        "page": page,
        "ISSN": [ISSN],
        "issued": {"date-parts": [[2021, 5, 10]]},
        "publisher": "Emerald",
        "score": 29.0,
    }


def work_list(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {"total-results": len(items), "items": list(items), "items-per-page": 5},
    }


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    library = tmp_path / "lib" / "library.sqlite"
    # The mailto comes from the app's preferences, as the window saves them.
    settings_file = AppPaths.from_platformdirs(library).settings_file
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps({"version": 2, "crossref_mailto": MAILTO}))
    return Cli(library)


def import_items(cli: Cli, tmp_path: Path, *items: dict[str, Any]) -> None:
    path = tmp_path / "pasted.json"
    path.write_text(json.dumps(list(items)), encoding="utf-8")
    code, _out, err = cli("import", str(path))
    assert code == 0, err


def test_fills_empty_fields_and_only_shows_proposals(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, UNTITLED)
    mailtos: list[str | None] = []

    def answer(request: Request) -> Response:
        mailtos.append(request.args.get("mailto"))
        item = crossref_item(doi=KITCHEN_DOI, title=KITCHEN_TITLE, page="61-72")
        return Response(json.dumps(work_list(item)), content_type="application/json")

    crossref.expect_request("/works").respond_with_handler(answer)

    code, out, err = cli("complete", "1")

    assert code == 0, err
    assert f"matched  {KITCHEN_DOI}" in out
    assert f"filled   Title: {KITCHEN_TITLE}" in out
    assert f"filled   DOI: {KITCHEN_DOI}" in out
    assert "proposed Authors: F. Adeyemi; Maja Lindqvist -> Folake Adeyemi; Maja Lindqvist" in out
    assert "--yes accepts them" in out
    assert "1 completed, 1 proposals, 0 to choose, 0 not matched, 0 failed" in err
    assert mailtos == [MAILTO]  # the polite pool's address from the preferences
    item = cli.show(1)
    assert item["title"] == KITCHEN_TITLE
    assert item["DOI"] == KITCHEN_DOI
    assert item["author"][0]["given"] == "F."  # proposed, not applied
    provenance = item["custom"]["peerref"]["extra"]["peerref:completed-from-crossref"]
    assert KITCHEN_DOI in provenance
    assert "filled=title" in provenance


def test_yes_accepts_proposals(cli: Cli, crossref: HTTPServer, tmp_path: Path) -> None:
    import_items(cli, tmp_path, UNTITLED)
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=KITCHEN_DOI, title=KITCHEN_TITLE, page="61-72"))
    )

    code, out, err = cli("complete", "1", "--yes")

    assert code == 0, err
    assert "accepted Authors: F. Adeyemi; Maja Lindqvist -> Folake Adeyemi" in out
    item = cli.show(1)
    assert item["author"][0]["given"] == "Folake"
    assert item["title"] == KITCHEN_TITLE
    assert (
        "accepted=creators" in item["custom"]["peerref"]["extra"]["peerref:completed-from-crossref"]
    )


def test_candidates_are_listed_and_never_chosen_even_with_yes(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, PAGELESS, UNKNOWN)

    def answer(request: Request) -> Response:
        items = []
        if request.args.get("query.author") == "Adeyemi Lindqvist":
            items = [
                crossref_item(doi=KITCHEN_DOI, title=KITCHEN_TITLE, page="61-72"),
                crossref_item(doi=GARDEN_DOI, title=GARDEN_TITLE, page="73-85"),
            ]
        return Response(json.dumps(work_list(*items)), content_type="application/json")

    crossref.expect_request("/works").respond_with_handler(answer)

    code, out, err = cli("complete", "--all-incomplete", "--yes")

    assert code == 0, err
    assert "choose   Crossref has 2 possible matches" in out
    assert f"{KITCHEN_DOI}  {KITCHEN_TITLE}" in out
    assert f"{GARDEN_DOI}  {GARDEN_TITLE}" in out
    assert "no match Crossref has nothing that matches this reference." in out
    assert "0 completed, 0 proposals, 1 to choose, 1 not matched, 0 failed" in err
    assert "title" not in cli.show(1)
    assert "DOI" not in cli.show(1)
    assert "title" not in cli.show(2)


def test_unreachable_crossref_is_one_line_and_exit_1(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_items(cli, tmp_path, UNTITLED, PAGELESS)
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, f"http://127.0.0.1:{port}")

    code, out, err = cli("complete", "--all-incomplete")

    assert code == 1
    assert out == ""
    (line,) = [line for line in err.splitlines() if line.startswith("peerref-cli:")]
    assert "Could not reach Crossref" in line
    assert "Traceback" not in err
    assert "title" not in cli.show(1)
    assert "custom" not in cli.show(1) or "peerref:completed-from-crossref" not in json.dumps(
        cli.show(1)
    )


def test_usage_errors_exit_2(cli: Cli, tmp_path: Path) -> None:
    import_items(cli, tmp_path, UNTITLED)
    assert cli("complete")[0] == 2
    assert cli("complete", "1", "--all-incomplete")[0] == 2
    assert cli("complete", "one")[0] == 2
    code, _out, err = cli("complete", "99")
    assert code == 1
    assert "99" in err


def test_nothing_incomplete_is_not_an_error(cli: Cli) -> None:
    code, out, err = cli("complete", "--all-incomplete")
    assert code == 0
    assert out == ""
    assert "nothing to complete" in err


def test_help_explains_when_proposals_are_applied(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["complete", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Fields that are empty in the library are filled automatically" in text
    assert "--yes accepts every proposal of a verified match" in text
    assert "--all-incomplete" in text


def test_a_doi_another_reference_already_has_is_pointed_out(
    cli: Cli, crossref: HTTPServer, tmp_path: Path
) -> None:
    import_items(cli, tmp_path, UNTITLED)
    holder = {
        "type": "article-journal",
        "title": KITCHEN_TITLE,
        "DOI": KITCHEN_DOI,
        "author": [{"family": "Adeyemi", "given": "Folake"}],
        "issued": {"date-parts": [[2021]]},
    }
    import_items(cli, tmp_path, holder)
    assert cli.show(2)["DOI"] == KITCHEN_DOI
    item = crossref_item(doi=KITCHEN_DOI, title=KITCHEN_TITLE, page="61-72")
    crossref.expect_request("/works").respond_with_json(work_list(item))

    code, _out, err = cli("complete", "1")

    assert code == 0, err
    assert cli.show(1)["DOI"] == KITCHEN_DOI  # filled all the same: merging is the user's call
    assert (
        "reference 1 now has the same DOI as 2: probably the same work; "
        "see peerref-cli duplicates" in err
    )
