"""peerref-cli duplicates, merge, not-duplicates, and the counts `import` prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Cli

PAPER = {
    "type": "article-journal",
    "title": "Peer navigators in emergency departments",
    "author": [{"family": "Lindqvist", "given": "Henrik"}, {"family": "Raman", "given": "Priya"}],
    "issued": {"date-parts": [[2020]]},
    "container-title": "Psychiatric Services",
}
# The same paper from another database: title case and punctuation differ; DOI and pages.
RICHER = PAPER | {
    "title": "Peer Navigators in Emergency Departments.",
    "DOI": "10.1176/appi.ps.2020.0001",
    "page": "14-20",
    "issued": {"date-parts": [[2020, 2]]},
}
OTHER = {
    "type": "book",
    "title": "Crisis cafés: a practical guide",
    "author": [{"family": "Solberg", "given": "Ingrid"}],
    "issued": {"date-parts": [[2019]]},
}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "library.sqlite")


def _ids(cli: Cli) -> list[int]:
    code, out, _ = cli("list", "--json")
    assert code == 0
    return sorted(int(item["id"]) for item in json.loads(out))


def test_import_prints_new_skipped_and_merged(cli: Cli) -> None:
    text = json.dumps([PAPER, OTHER])
    assert (
        cli("import", "-", stdin=text)[1]
        == "standard input: 2 new, 0 skipped as duplicates, 0 merged\n"
    )
    assert (
        cli("import", "-", stdin=text)[1]
        == "standard input: 0 new, 2 skipped as duplicates, 0 merged\n"
    )
    code, out, _ = cli("import", "-", stdin=json.dumps([RICHER]))
    assert code == 0
    assert out == "standard input: 0 new, 0 skipped as duplicates, 1 merged\n"
    assert len(_ids(cli)) == 2
    first = _ids(cli)[0]
    code, out, _ = cli("show", str(first))
    assert "10.1176/appi.ps.2020.0001" in out and "merged from" in out


def test_duplicates_lists_groups_and_merge_keeps_the_most_complete(
    cli: Cli, tmp_path: Path
) -> None:
    possible = PAPER | {"title": "Peer navigators in emergency departments: a pilot", "page": "3"}
    cli("import", "-", stdin=json.dumps([PAPER, OTHER, possible]))
    first, _other, third = _ids(cli)
    code, out, err = cli("duplicates")
    assert code == 0 and "1 group(s)" in err
    assert out.startswith("group 1: possible (")
    assert "Peer navigators in emergency departments: a pilot" in out

    code, out, _ = cli("duplicates", "--json")
    (group,) = json.loads(out)
    assert group["ids"] == [first, third] and group["verdict"] == "possible"
    assert group["pairs"][0]["reasons"]
    assert [item["id"] for item in group["items"]] == [first, third]
    assert group["items"][1]["title"].endswith("a pilot")

    code, out, err = cli("merge", str(first), str(third))
    assert code == 0 and out == f"{third}\n"  # it has pages: the more complete record
    assert _ids(cli) == [_other, third]
    code, out, _ = cli("list", "--trash", "--json")
    assert [item["id"] for item in json.loads(out)] == [first]
    assert cli("duplicates", "--json")[1].strip() == "[]"


def test_merge_with_keep_and_errors(cli: Cli) -> None:
    possible = PAPER | {"title": "Peer navigators in emergency departments: a pilot"}
    cli("import", "-", stdin=json.dumps([PAPER, possible]))
    first, second = _ids(cli)
    code, out, _ = cli("merge", str(first), str(second), "--keep", str(first))
    assert code == 0 and out == f"{first}\n"
    code, _, err = cli("merge", str(first))
    assert code == 1 and "at least one other" in err
    assert cli("merge", str(first), "999")[0] == 1
    assert cli("merge", "x", "y")[0] == 2


def test_not_duplicates_dismisses_a_group_for_good(cli: Cli) -> None:
    possible = PAPER | {"title": "Peer navigators in emergency departments: a pilot"}
    cli("import", "-", stdin=json.dumps([PAPER, possible]))
    first, second = _ids(cli)
    code, _, err = cli("not-duplicates", str(first), str(second))
    assert code == 0 and "1 pair(s)" in err
    assert json.loads(cli("duplicates", "--json")[1]) == []
    assert cli("not-duplicates", str(first))[0] == 1
