"""peerref-cli review for dual independent screening: new --dual, mode, disagreements, resolve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Cli
from review_samples import emerald_page, sciencegate_page

CONTRACT_KEYS = {
    "identified", "duplicates_removed", "screened", "excluded_screening", "sought",
    "not_retrieved", "assessed", "excluded_full_text", "included", "undecided",
}  # fmt: skip


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


def _ids(cli: Cli) -> list[int]:
    code, out, _ = cli("list", "--json", "--collection", "Peer work")
    assert code == 0
    return sorted(int(item["id"]) for item in json.loads(out))


def _status(cli: Cli) -> dict[str, object]:
    code, out, err = cli("review", "status", "Peer work", "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def _decide(cli: Cli, who: str, ref: int, verdict: str, *extra: str) -> None:
    code, _, err = cli(
        "review", "decide", "Peer work", str(ref), verdict, "--reviewer", who, *extra
    )
    assert code == 0, err


def test_new_dual_review_and_the_mode_command(cli: Cli) -> None:
    code, out, _ = cli("review", "new", "Peer work", "--collection", "Peer work", "--dual")
    assert (code, out) == (
        0,
        "created review 'Peer work' over the collection 'Peer work', dual independent screening\n",
    )
    assert cli("review", "mode", "Peer work") == (0, "dual\n", "")
    assert cli("review", "mode", "Peer work", "single") == (0, "single\n", "")
    assert set(_status(cli)) == CONTRACT_KEYS  # single mode: exactly the contract's keys


def test_two_reviewers_disagree_then_resolve(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work", "--dual")[0] == 0
    first, second, third, *_ = _ids(cli)
    for ref in (first, second, third):
        _decide(cli, "ana", ref, "include")
    _decide(cli, "ben", first, "include")
    _decide(cli, "ben", second, "exclude")
    status = _status(cli)
    assert set(status) == CONTRACT_KEYS | {"agreement"}
    assert (status["screened"], status["sought"], status["undecided"]) == (1, 1, 6)
    agreement = status["agreement"]
    assert isinstance(agreement, dict)
    assert agreement["title-abstract"] == {
        "pairs": 2,
        "agreed": 1,
        "kappa": 0.0,
        "disagreements": 1,
    }
    assert agreement["full-text"]["kappa"] is None
    code, out, _ = cli("review", "disagreements", "Peer work", "--json")
    listed = json.loads(out)
    assert code == 0 and [(d["ref_id"], d["stage"]) for d in listed] == [(second, "title-abstract")]
    assert [(x["reviewer"], x["verdict"]) for x in listed[0]["decisions"]] == [
        ("ana", "include"),
        ("ben", "exclude"),
    ]
    code, out, _ = cli("review", "disagreements", "Peer work")
    assert code == 0 and out.startswith(f"#{second} title-abstract: ")
    assert "ana: include; ben: exclude" in out
    code, out, err = cli(
        "review", "resolve", "Peer work", str(second), "exclude", "--reviewer", "cy"
    )
    assert (code, out) == (0, f"#{second}: resolved as exclude at title-abstract\n"), err
    assert cli("review", "disagreements", "Peer work")[1] == "no disagreements to resolve\n"
    status = _status(cli)
    assert (status["screened"], status["excluded_screening"]) == (2, 1)


def test_blinded_export_and_undo_per_reviewer(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work", "--dual")[0] == 0
    first, second, *_ = _ids(cli)
    _decide(cli, "ana", first, "include")
    _decide(cli, "ben", second, "exclude")
    code, out, _ = cli("review", "export", "Peer work", "--decisions", "--reviewer", "ana")
    assert code == 0 and "ana" in out and "ben" not in out
    code, out, _ = cli("review", "undo", "Peer work", "--reviewer", "ana")
    assert (code, out) == (0, f"undid #{first}: include at title-abstract\n")
    code, _, err = cli("review", "undo", "Peer work", "--reviewer", "ana")
    assert code == 1 and "no decision to undo" in err


def test_resolve_refuses_what_it_cannot_do(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work")[0] == 0
    first, *_ = _ids(cli)
    code, _, err = cli("review", "resolve", "Peer work", str(first), "include")
    assert code == 1 and "not screened by two reviewers" in err
    code, _, err = cli("review", "disagreements", "Peer work")
    assert code == 1 and "review mode" in err
    code, _, err = cli("review", "resolve", "Peer work", str(first), "maybe")
    assert code == 2


def test_two_reviewers_screen_in_the_terminal_each_from_the_first_record(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work", "--dual")[0] == 0
    code, _, err = cli("review", "screen", "Peer work", "--reviewer", "ana", stdin="i i e q")
    assert code == 0 and "3 decision(s) saved; 0 screened" in err, err
    code, out, err = cli("review", "screen", "Peer work", "--reviewer", "ben", stdin="i e e q")
    assert code == 0 and "3 decision(s) saved; 2 screened" in err, err
    assert "relevant found: 0 of 0 screened" in out  # Ana's decisions are not Ben's
    status = _status(cli)
    agreement = status["agreement"]
    assert isinstance(agreement, dict) and agreement["title-abstract"]["disagreements"] == 1
    code, out, _ = cli("review", "status", "Peer work")
    assert code == 0 and "Dual screening (independent reviewers):" in out
    assert "Title/abstract: 3 decided by both, 2 agreed, Cohen's kappa 0.40, 1 to resolve" in out


def test_three_reviewers_get_fleiss_and_pairwise_kappa(cli: Cli) -> None:
    assert cli("review", "new", "Peer work", "--collection", "Peer work", "--dual")[0] == 0
    first, second, third, *_ = _ids(cli)
    # The hand-computed table of tests/unit/core/test_dual_fleiss.py: Fleiss' kappa 0.55.
    for who, verdicts in (
        ("ana", ("include", "include", "exclude")),
        ("ben", ("include", "include", "exclude")),
        ("cy", ("include", "exclude", "exclude")),
    ):
        for ref, verdict in zip((first, second, third), verdicts, strict=True):
            _decide(cli, who, ref, verdict)
    status = _status(cli)
    assert set(status) == CONTRACT_KEYS | {"agreement"}
    agreement = status["agreement"]
    assert isinstance(agreement, dict)
    ta = agreement["title-abstract"]
    assert (ta["pairs"], ta["agreed"], ta["disagreements"]) == (3, 3, 1)  # ana/ben as before
    assert (ta["raters"], ta["fleiss_records"]) == (3, 3)
    assert abs(ta["fleiss"] - 0.55) < 1e-9
    assert [p["reviewers"] for p in ta["pairwise"]] == [
        ["ana", "ben"],
        ["ana", "cy"],
        ["ben", "cy"],
    ]
    assert abs(ta["pairwise"][1]["kappa"] - 0.4) < 1e-9
    assert "fleiss" not in agreement["full-text"]  # nobody decided at full text
    code, out, _ = cli("review", "status", "Peer work")
    assert code == 0
    assert "Title/abstract: Fleiss' kappa 0.55 over 3 records decided by 3 reviewers" in out
    assert "ana / cy: 3 decided by both, Cohen's kappa 0.40" in out
