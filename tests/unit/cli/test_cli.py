"""peerref-cli end to end against a temporary library: output forms and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Cli

CSL_ITEMS = [
    {
        "type": "article-journal",
        "title": "Peer support workers in community mental health teams",
        "author": [{"family": "Repper", "given": "Julie"}, {"family": "Watson", "given": "Emma"}],
        "issued": {"date-parts": [[2012, 6, 15]]},
        "container-title": "The Journal of Mental Health Training, Education and Practice",
        "volume": "7",
        "issue": "2",
        "ISSN": "1755-6228",
        "abstract": "Purpose: To describe a peer team.\n\nFindings: Peers shared their stories.",
    },
    {
        "type": "chapter",
        "title": "Supervision for peer workers",
        "author": [{"family": "Mahon", "given": "Daryl"}],
        "issued": {"date-parts": [[2022, 4, 28]]},
        "container-title": "Trauma-Responsive Organisations",
        "ISBN": "978-1-80382-429-1",
    },
]


@pytest.fixture
def file_cli(tmp_path: Path) -> Cli:
    """The CLI on a library file: for what only a file has (a lock, SQLite backups)."""
    return Cli(tmp_path / "lib" / "library.sqlite")


@pytest.fixture
def cli(library_location: Path | str) -> Cli:
    """The CLI on a new library, once per backend (a file, a team library)."""
    if isinstance(library_location, Path):
        return Cli(library_location.parent / "lib" / "library.sqlite")
    return Cli(library_location)


@pytest.fixture
def csl_file(tmp_path: Path) -> Path:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(CSL_ITEMS, ensure_ascii=False), encoding="utf-8")
    return path


def test_parse_prints_csl_json_and_exits_0(cli: Cli, csl_file: Path) -> None:
    code, out, err = cli("parse", str(csl_file))
    assert code == 0
    items = json.loads(out)
    assert [i["title"] for i in items] == [i["title"] for i in CSL_ITEMS]
    assert "2 reference(s) found" in err


def test_parse_of_text_with_no_references_exits_1(cli: Cli) -> None:
    code, out, err = cli("parse", "-", stdin="\x01\x02 nothing here at all")
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("peerref-cli: ")


def test_bad_usage_exits_2(cli: Cli) -> None:
    assert cli("frobnicate")[0] == 2
    assert cli("show", "not-a-number")[0] == 2


def test_import_list_show_round_trip(cli: Cli, csl_file: Path) -> None:
    code, out, _ = cli("import", str(csl_file))
    assert code == 0
    assert "2 new" in out
    code, out, _ = cli("list", "--json")
    listed = json.loads(out)
    assert {i["title"] for i in listed} == {i["title"] for i in CSL_ITEMS}
    assert all(isinstance(i["id"], int) for i in listed)
    article = next(i for i in listed if i["type"] == "article-journal")
    code, out, _ = cli("show", str(article["id"]), "--json")
    shown = json.loads(out)
    for key in ("title", "author", "issued", "container-title", "volume", "issue", "abstract"):
        assert shown[key] == CSL_ITEMS[0][key]
    code, out, _ = cli("show", str(article["id"]))
    assert "Purpose" in out and "Repper" in out


def test_import_from_stdin(cli: Cli) -> None:
    code, out, _ = cli("import", "-", stdin=json.dumps(CSL_ITEMS[:1]))
    assert code == 0
    assert "1 new" in out


def test_search_filters(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    _, out, _ = cli("list", "--search", "author:repper", "--json")
    assert [i["title"] for i in json.loads(out)] == [CSL_ITEMS[0]["title"]]
    _, out, _ = cli("list", "--search", "year:2020..2023", "--json")
    assert [i["title"] for i in json.loads(out)] == [CSL_ITEMS[1]["title"]]
    _, out, _ = cli("list", "--search", 'title:"peer support" -mahon', "--json")
    assert len(json.loads(out)) == 1


def _ids(cli: Cli) -> dict[str, int]:
    _, out, _ = cli("list", "--json")
    return {i["type"]: i["id"] for i in json.loads(out)}


def test_collections_tags_notes(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    ids = _ids(cli)
    assert cli("collection", "add", "Peer support")[0] == 0
    assert cli("collection", "add", "UK", "--parent", "Peer support")[0] == 0
    assert cli("add-to", "Peer support/UK", str(ids["chapter"]))[0] == 0
    _, out, _ = cli("collection", "list")
    assert out.splitlines() == ["Peer support (0)", "  UK (1)"]
    _, out, _ = cli("list", "--collection", "Peer support/UK", "--json")
    assert [i["id"] for i in json.loads(out)] == [ids["chapter"]]
    assert cli("collection", "rename", "Peer support/UK", "England")[0] == 0
    assert cli("collection", "move", "Peer support/England", "/")[0] == 0
    _, out, _ = cli("collection", "list")
    assert sorted(out.splitlines()) == ["England (1)", "Peer support (0)"]
    assert cli("collection", "delete", "England")[0] == 0
    assert cli("tag", str(ids["chapter"]), "--add", "to-read")[0] == 0
    _, out, _ = cli("list", "--tag", "to-read", "--json")
    assert [i["id"] for i in json.loads(out)] == [ids["chapter"]]
    assert cli("note", str(ids["chapter"]), "Compare with *the* pilot.")[0] == 0
    _, out, _ = cli("show", str(ids["chapter"]))
    assert "Compare with *the* pilot." in out
    assert "to-read" in out


def test_unknown_collection_or_id_is_a_user_error(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    code, _, err = cli("add-to", "Nowhere", "1")
    assert code == 1
    assert "Nowhere" in err
    code, _, err = cli("trash", "99999")
    assert code == 1
    assert "99999" in err


def test_trash_restore_empty(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    ids = _ids(cli)
    assert cli("trash", str(ids["chapter"]))[0] == 0
    _, out, _ = cli("list", "--json")
    assert [i["id"] for i in json.loads(out)] == [ids["article-journal"]]
    _, out, _ = cli("list", "--trash", "--json")
    assert [i["id"] for i in json.loads(out)] == [ids["chapter"]]
    assert cli("restore", str(ids["chapter"]))[0] == 0
    assert len(json.loads(cli("list", "--json")[1])) == 2
    cli("trash", str(ids["chapter"]))
    assert cli("empty-trash")[0] == 0
    assert json.loads(cli("list", "--trash", "--json")[1]) == []


def test_export_csl_json_round_trips(cli: Cli, csl_file: Path, tmp_path: Path) -> None:
    cli("import", str(csl_file))
    target = tmp_path / "out.json"
    assert cli("export", "--format", "csl-json", "-o", str(target))[0] == 0
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert {i["title"] for i in exported} == {i["title"] for i in CSL_ITEMS}
    other = Cli(tmp_path / "other.sqlite")
    assert other("import", str(target))[0] == 0
    assert {i["title"] for i in json.loads(other("list", "--json")[1])} == {
        i["title"] for i in CSL_ITEMS
    }


def test_export_ris_and_bibtex_carry_tags_and_notes(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    chapter = str(_ids(cli)["chapter"])
    assert cli("tag", chapter, "--add", "NHS", "--add", "peer support")[0] == 0
    assert cli("note", chapter, "Compare with *the* pilot.")[0] == 0
    code, ris, _ = cli("export", "--format", "ris", "--search", "Supervision")
    assert code == 0
    lines = ris.splitlines()
    assert {"KW  - NHS", "KW  - peer support"} <= set(lines)
    assert "N1  - Compare with *the* pilot." in lines
    code, bib, _ = cli("export", "--format", "bibtex", "--search", "Supervision")
    assert code == 0
    assert "note = {Compare with *the* pilot.}" in bib
    assert "keywords = {NHS, peer support}" in bib


def test_backup_and_restore_backup(file_cli: Cli, csl_file: Path, tmp_path: Path) -> None:
    cli = file_cli
    cli("import", str(csl_file))
    code, out, _ = cli("backup")
    assert code == 0
    backup = Path(out.strip())
    assert backup.is_file()
    ids = _ids(cli)
    cli("trash", str(ids["chapter"]))
    cli("empty-trash")
    assert len(json.loads(cli("list", "--json")[1])) == 1
    assert cli("restore-backup", str(backup))[0] == 0
    assert len(json.loads(cli("list", "--json")[1])) == 2


def test_stats(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    code, out, _ = cli("stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert stats["references"] == 2
    assert stats["import_batches"] == 1
    assert stats["by_type"] == {"article-journal": 1, "chapter": 1}


def test_optimize_merges_the_search_index(cli: Cli, csl_file: Path) -> None:
    for _ in range(3):
        cli("import", str(csl_file))
    code, out, err = cli("optimize", "--json")
    assert code == 0, err
    tidied = json.loads(out)
    assert tidied["segments_after"] == 1
    assert tidied["segments_before"] >= tidied["segments_after"]
    code, out, _ = cli("optimize")
    assert code == 0
    assert out == "search index: 1 segment(s) before, 1 after\n"
    assert len(json.loads(cli("list", "--search", "health", "--json")[1])) >= 1


def test_a_file_that_is_not_a_library_gives_one_clear_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("these are my notes, not a database")
    code, _, err = Cli(bogus)("list")
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_cite_bibliography_and_in_text(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    ids = _ids(cli)
    code, out, _ = cli("cite", str(ids["article-journal"]))
    assert code == 0
    assert out.startswith("Repper, J., & Watson, E. (2012).")
    code, out, _ = cli("cite", str(ids["article-journal"]), "--in-text")
    assert out.strip() == "(Repper & Watson, 2012)"
    code, out, _ = cli("cite", str(ids["chapter"]), "--style", "vancouver", "--format", "html")
    assert code == 0
    assert "Mahon D" in out
    assert "<" in out


def test_cite_warns_about_missing_data(cli: Cli) -> None:
    untitled = [{"type": "article-journal", "author": [{"family": "Watson", "given": "Emma"}]}]
    cli("import", "-", stdin=json.dumps(untitled))
    ref_id = json.loads(cli("list", "--json")[1])[0]["id"]
    code, out, err = cli("cite", str(ref_id))
    assert code == 0
    assert "None" not in out
    assert "no title" in err
    assert "no year" in err


def test_cite_unknown_style_is_a_user_error(cli: Cli, csl_file: Path) -> None:
    cli("import", str(csl_file))
    code, _, err = cli("cite", str(_ids(cli)["chapter"]), "--style", "no-such-style-anywhere")
    assert code == 1
    assert "no-such-style-anywhere" in err


def test_styles_lists_favourites_and_searches(cli: Cli) -> None:
    code, out, _ = cli("styles")
    assert code == 0
    assert "apa" in out and "vancouver" in out
    code, out, _ = cli("styles", "--search", "modern language association")
    assert code == 0
    assert "Modern Language Association" in out


def test_export_formatted_bibliography(cli: Cli, csl_file: Path, tmp_path: Path) -> None:
    cli("import", str(csl_file))
    target = tmp_path / "refs.html"
    code, _, _ = cli(
        "export",
        "--format",
        "bibliography",
        "--style",
        "harvard",
        "--bibliography-format",
        "html",
        "-o",
        str(target),
    )
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Repper" in page and "Mahon" in page


def test_in_text_and_bibliography_disambiguate_the_same_way(cli: Cli) -> None:
    pair = [
        {
            "type": "article-journal",
            "title": title,
            "author": [
                {"family": "Repper", "given": "Julie"},
                {"family": "Watson", "given": "Emma"},
            ],
            "issued": {"date-parts": [[2012, 6, 15]]},
            "container-title": "The Journal of Mental Health Training, Education and Practice",
        }
        for title in ("Employing peer workers", "What peer workers do")
    ]
    cli("import", "-", stdin=json.dumps(pair))
    first, second = sorted(i["id"] for i in json.loads(cli("list", "--json")[1]))
    assert cli("cite", str(first), "--in-text")[1].strip() == "(Repper & Watson, 2012)"
    both = cli("cite", str(first), str(second), "--in-text")[1].strip()
    assert both == "(Repper & Watson, 2012a, 2012b)"
    bibliography = cli("cite", str(first), str(second))[1]
    assert "(2012a)" in bibliography and "(2012b)" in bibliography


def test_a_second_writer_is_refused_while_readers_still_work(file_cli: Cli, csl_file: Path) -> None:
    cli = file_cli
    from peerref.lockfile import LibraryLock

    cli("import", str(csl_file))
    with LibraryLock(cli.library, program="PeerRef"):
        code, _, err = cli("tag", "1", "--add", "x")
        assert code == 1
        assert "PeerRef" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
        code, out, _ = cli("list", "--json")
        assert code == 0
        assert len(json.loads(out)) == 2
    assert cli("tag", "1", "--add", "x")[0] == 0


@pytest.mark.parametrize("export_format", ["ris", "bibtex"])
def test_export_leaves_control_characters_out_and_says_so_on_stderr(
    cli: Cli, csl_file: Path, tmp_path: Path, export_format: str
) -> None:
    """Issue 17 #8: a NUL in a note made PeerRef refuse its own export as binary data."""
    cli("import", str(csl_file))
    chapter = str(_ids(cli)["chapter"])
    assert cli("note", chapter, "Nul\x00 and form\x0cfeed")[0] == 0
    output = tmp_path / f"out.{export_format}"
    code, _, err = cli("export", "--format", export_format, "-o", str(output))
    assert code == 0, err
    # PostgreSQL text cannot hold a NUL: a team library stores U+FFFD in its place, so
    # only the form feed is left for the export to take out.
    team = str(cli.library).startswith("postgresql")
    removed = "1 control character (form feed)" if team else "2 control characters (NUL, form feed)"
    assert f"warning: reference {chapter}: {removed} removed from its note 1" in err.splitlines()
    data = output.read_bytes()
    assert b"\x00" not in data and b"\x0c" not in data
    other = Cli(tmp_path / "other.sqlite")
    assert other("import", str(output))[0] == 0
    assert len(json.loads(other("list", "--json")[1])) == 2


def test_import_of_a_file_above_the_size_limit_is_one_line_and_reads_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    from peerref.core.limits import MAX_INPUT_BYTES

    big = tmp_path / "huge.ris"
    with big.open("wb") as handle:
        handle.truncate(4 * MAX_INPUT_BYTES)  # sparse: reading it would take 200 MB
    code, out, err = cli("import", str(big))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Too large to import at once" in err and "about 200 MB" in err


def test_a_team_library_url_is_never_taken_for_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No folder named "postgresql:" appears: the URL is tried as a server and refused."""
    monkeypatch.chdir(tmp_path)
    code, _, err = Cli("postgresql://nobody@127.0.0.1:1/nothing")("stats")
    assert code == 1
    assert "cannot open the team library postgresql://nobody@127.0.0.1:1/nothing" in err
    assert list(tmp_path.iterdir()) == []


def test_the_team_library_backup_is_pg_dump(postgres_url: str) -> None:
    code, _, err = Cli(postgres_url)("backup")
    assert code == 1 and "pg_dump" in err
    code, _, err = Cli(postgres_url)("restore-backup", "x.sqlite")
    assert code == 2 and "pg_restore" in err
