"""peerref-cli tag list / rename / merge / delete: the sidebar's tag menu on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import Cli

from peerref.core.model import Reference
from peerref.library import Library


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    path = tmp_path / "lib" / "library.sqlite"
    path.parent.mkdir()
    with Library.open(path, daily_backup=False) as library:
        library.add(
            [
                Reference(title="One", tags=("ml", "to read")),
                Reference(title="Two", tags=("ml",)),
                Reference(title="Three", tags=("randomised",)),
                Reference(title="Four", tags=("randomized",)),
            ]
        )
    return Cli(path)


def listed(cli: Cli) -> list[str]:
    code, out, err = cli("tag", "list")
    assert code == 0, err
    return out.splitlines()


def test_list_rename_merge_and_delete(cli: Cli) -> None:
    assert listed(cli) == ["ml (2)", "randomised (1)", "randomized (1)", "to read (1)"]
    assert cli("tag", "rename", "ml", "Machine learning") == (0, "2 references changed\n", "")
    code, out, _ = cli("tag", "merge", "randomised", "randomized", "--into", "RCT")
    assert (code, out) == (0, "2 references changed\n")
    assert cli("tag", "delete", "to read")[:2] == (0, "1 reference changed\n")
    assert listed(cli) == ["Machine learning (2)", "RCT (2)"]


def test_mistakes_are_one_line_and_change_nothing(cli: Cli) -> None:
    code, _, err = cli("tag", "rename", "nope", "x")
    assert code != 0 and "nope" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("tag", "rename", "ml")
    assert code != 0 and "tag rename OLD NEW" in err
    code, _, err = cli("tag", "merge", "ml")
    assert code != 0 and "--into" in err
    code, _, err = cli("tag", "1", "--into", "x")
    assert code != 0 and "--into" in err
    assert listed(cli)[0] == "ml (2)"


def test_tagging_references_by_id_still_works(cli: Cli) -> None:
    assert cli("tag", "3", "--add", "pilot")[0] == 0
    assert "pilot (1)" in listed(cli)
