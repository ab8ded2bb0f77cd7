"""peerref-cli review: the command forms of issue 15 are a contract."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import Cli
from review_samples import emerald_page, sciencegate_page


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    runner = Cli(tmp_path / "library.sqlite")
    assert runner("collection", "add", "Peer work")[0] == 0
    for name, page in (("emerald.txt", emerald_page()), ("sciencegate.txt", sciencegate_page())):
        path = tmp_path / name
        path.write_text(page, encoding="utf-8")
        code, _, err = runner("import", str(path), "--collection", "Peer work")
        assert code == 0, err
    return runner


def _status(cli: Cli, name: str = "Peer work") -> dict[str, object]:
    code, out, err = cli("review", "status", name, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def _ids(cli: Cli) -> list[int]:
    code, out, _ = cli("list", "--json", "--collection", "Peer work")
    assert code == 0
    return sorted(int(item["id"]) for item in json.loads(out))


def test_new_review_over_a_collection_prints_the_status_object(cli: Cli) -> None:
    code, out, err = cli("review", "new", "Peer work", "--collection", "Peer work")
    assert (code, out) == (0, "created review 'Peer work' over the collection 'Peer work'\n"), err
    assert _status(cli) == {
        "identified": {"Emerald Insight": 3, "ScienceGate": 3},
        "duplicates_removed": 0,
        "screened": 0,
        "excluded_screening": 0,
        "sought": 0,
        "not_retrieved": 0,
        "assessed": 0,
        "excluded_full_text": {},
        "included": 0,
        "undecided": 6,
    }


def test_decide_through_both_stages_then_undo(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    first, second, third, fourth, *_ = _ids(cli)
    for ref in (first, second, third):
        assert cli("review", "decide", "Peer work", str(ref), "include")[0] == 0
    assert cli("review", "decide", "Peer work", str(fourth), "exclude")[0] == 0
    code, out, _ = cli(
        "review", "decide", "Peer work", str(first), "include", "--stage", "full-text"
    )
    assert (code, out) == (0, f"#{first}: include at full-text\n")
    code, _, err = cli(
        "review", "decide", "Peer work", str(second), "exclude", "--stage", "full-text"
    )
    assert code == 1 and "needs a reason" in err
    for ref, reason in ((second, "Wrong outcome"), (third, "Not retrieved")):
        code, _, err = cli(
            "review", "decide", "Peer work", str(ref), "exclude",
            "--stage", "full-text", "--reason", reason,
        )  # fmt: skip
        assert code == 0, err
    status = _status(cli)
    assert status["screened"] == 4 and status["excluded_screening"] == 1
    assert status["sought"] == 3 and status["not_retrieved"] == 1
    assert status["assessed"] == 2 and status["excluded_full_text"] == {"Wrong outcome": 1}
    assert status["included"] == 1 and status["undecided"] == 2

    code, out, _ = cli("review", "undo", "Peer work")
    assert (code, out) == (0, f"undid #{third}: exclude at full-text\n")
    assert _status(cli)["not_retrieved"] == 0


def test_full_text_before_inclusion_and_bad_input_are_user_errors(cli: Cli) -> None:
    assert cli("review", "new", "R")[0] == 0
    ref = _ids(cli)[0]
    code, _, err = cli("review", "decide", "R", str(ref), "include", "--stage", "full-text")
    assert code == 1 and "not been included at title/abstract" in err
    code, _, err = cli("review", "decide", "R", "abc", "include")
    assert code == 2 and "not a reference id" in err
    code, _, err = cli("review", "decide", "R", str(ref), "perhaps")
    assert code == 2
    code, _, err = cli("review", "undo", "R")
    assert code == 1 and "no decision to undo" in err
    code, _, err = cli("review", "status", "Nope", "--json")
    assert code == 1 and "no review named 'Nope'" in err
    code, _, err = cli("review", "new", "R")
    assert code == 1 and "already exists" in err


def test_review_without_collection_is_the_whole_library(cli: Cli) -> None:
    code, out, _ = cli("review", "new", "All")
    assert (code, out) == (0, "created review 'All' over the whole library\n")
    assert _status(cli, "All")["undecided"] == 6


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_prisma_writes_the_diagram(cli: Cli, tmp_path: Path, fmt: str) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    ref = _ids(cli)[0]
    assert cli("review", "decide", "Peer work", str(ref), "exclude")[0] == 0
    target = tmp_path / f"flow.{fmt}"
    code, _, err = cli("review", "prisma", "Peer work", "--format", fmt, "-o", str(target))
    assert code == 0, err
    data = target.read_bytes()
    magic = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[fmt]
    assert data.startswith(magic)
    if fmt == "svg":
        text = data.decode()
        assert "Records excluded" in text and "(n = 1)" in text
        assert "Emerald Insight (n = 3)" in text


def test_log_as_csv_and_markdown(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    code, out, _ = cli("review", "log", "Peer work", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["Database"] for r in rows] == ["Emerald Insight", "ScienceGate"]
    assert rows[0]["Query"] == "peer support workers"
    assert rows[0]["Hits shown"] == "1 – 3 of 3"
    assert [r["Records"] for r in rows] == ["3", "3"]
    assert [r["Source"] for r in rows] == ["emerald.txt", "sciencegate.txt"]
    code, out, _ = cli("review", "log", "Peer work", "--format", "md")
    assert code == 0
    assert out.splitlines()[0].startswith("| Database | Date searched | Query |")
    assert "| Emerald Insight |" in out


def test_export_decisions_and_included_references(cli: Cli, tmp_path: Path) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    first, second = _ids(cli)[:2]
    for ref in (first, second):
        assert cli("review", "decide", "Peer work", str(ref), "include")[0] == 0
    assert (
        cli("review", "decide", "Peer work", str(first), "include", "--stage", "full-text")[0] == 0
    )
    target = tmp_path / "decisions.csv"
    code, _, err = cli("review", "export", "Peer work", "--decisions", "-o", str(target))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["reference_id"], r["stage"], r["verdict"]) for r in rows] == [
        (str(first), "title-abstract", "include"),
        (str(second), "title-abstract", "include"),
        (str(first), "full-text", "include"),
    ]
    assert {r["in_force"] for r in rows} == {"yes"}
    code, out, _ = cli("review", "export", "Peer work", "--format", "csl-json")
    assert code == 0
    assert [item["id"] for item in json.loads(out)] == [first]


def test_screen_reads_keys_from_stdin(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    code, out, err = cli("review", "screen", "Peer work", stdin="i e m u x e q")
    assert code == 0, err
    assert "no key 'x'" in out
    assert "relevant found: 0 of 0 screened" in out
    assert "relevant found: 1 of 1 screened" in out and "relevant found: 1 of 2 screened" in out
    # include, exclude, maybe taken back by undo, then exclude: three decisions stand.
    assert "3 decision(s) saved" in err
    status = _status(cli)
    assert (status["sought"], status["excluded_screening"]) == (1, 2)
    # Three records left at title/abstract and the included one awaiting its full text.
    assert status["undecided"] == 4


def test_screen_full_text_asks_for_a_reason_by_number(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    assert cli("review", "screen", "Peer work", stdin="i i i q")[0] == 0
    code, out, _ = cli("review", "screen", "Peer work", "--stage", "full-text", stdin="e 9 2 e c i")
    assert code == 0
    assert "2 Wrong population" in out and "no reason '9'" in out
    status = _status(cli)
    assert status["excluded_full_text"] == {"Wrong population": 1}
    assert status["included"] == 1 and status["undecided"] == 4


def test_reasons_and_terms_are_editable(cli: Cli) -> None:
    assert cli("review", "new", "R")[0] == 0
    code, out, _ = cli("review", "reasons", "R", "--add", "Conference abstract only")
    assert code == 0 and out.splitlines()[-1] == "Conference abstract only"
    code, out, _ = cli("review", "reasons", "R", "--remove", "not in english")
    assert "Not in English" not in out
    code, out, _ = cli("review", "terms", "R", "--include", "peer", "--exclude", "parking")
    assert out == "include: peer\nexclude: parking\n"
