"""Web of Science tab-delimited exports, UTF-8 and UTF-16 (the "Win" variants)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_matches_golden,
    assert_noise_raises_only_format_error,
    assert_not_taken_by,
    fixtures_of_other_formats,
    splice_noise_fuzz,
)

from peerref.cli import main as cli_main
from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.registry import decode, parse_bytes, parse_text, rank
from peerref.formats.wos_tsv import WosTsvReader

DATA = FORMATS_DATA / "wos_tsv"
FIXTURES = sorted(DATA.glob("*.txt"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_detected_and_match_golden(path: Path) -> None:
    data = path.read_bytes()
    result = parse_bytes(data)  # as a dropped file: the UTF-16 one decoded by its BOM
    assert result.format_name == "wos-tsv"
    assert rank(decode(data))[0][1].name == "wos-tsv"
    assert_matches_golden(result, path.with_suffix(".json"))


def test_utf16_and_utf8_exports_read_alike() -> None:
    utf16 = parse_bytes((DATA / "savedrecs_win_utf16.txt").read_bytes()).references
    utf8 = parse_bytes((DATA / "savedrecs_win_utf8.txt").read_bytes()).references
    assert utf16 == utf8[:2]


def test_a_row_reads_as_the_same_record_in_the_tagged_export() -> None:
    row = parse_bytes((DATA / "savedrecs_win_utf8.txt").read_bytes()).references[0]
    tagged = parse_text((FORMATS_DATA / "wos" / "savedrecs.txt").read_text("utf-8")).references[0]
    for field in ("title", "container_title", "volume", "issue", "page", "issued", "issn", "doi"):
        assert getattr(row, field) == getattr(tagged, field), field
    assert [c.family for c in row.creators] == [c.family for c in tagged.creators]
    assert row.keywords == tagged.keywords


def test_names_keywords_and_addresses_share_a_cell() -> None:
    first, second, book = parse_bytes((DATA / "savedrecs_win_utf8.txt").read_bytes()).references
    assert [c.given for c in first.creators] == ["Chidinma", "Henrik", "Máire"]  # AF over AU
    assert first.extra["wos:C1"].count("[") == 3
    assert second.creators[2].literal == "Peer Recovery Network"
    assert second.issued == PartialDate(2024, season="May-Jun")
    assert (second.page, second.pmid) == ("e0102", "38000001")
    assert book.type is ReferenceType.BOOK
    assert book.collection_title == "Recovery in Practice"
    assert [c.role for c in book.creators][-1] is CreatorRole.EDITOR


def test_entries_are_one_line_each() -> None:
    result = parse_bytes((DATA / "savedrecs_win_utf8.txt").read_bytes())
    assert [(e.first_line, e.last_line) for e in result.entries] == [(2, 2), (3, 3), (4, 4)]
    assert result.entries[0].raw_text.startswith("J\tOkafor, C;")


def test_quotes_are_text() -> None:
    text = 'PT\tAU\tTI\tPY\nJ\tRepper, J\t"Nothing about us without us": peer work\t2020\n'
    ref = WosTsvReader().read(text).references[0]
    assert ref.title == '"Nothing about us without us": peer work'


def test_a_header_without_records_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no records"):
        WosTsvReader().read("PT\tAU\tTI\tSO\tPY\n")
    with pytest.raises(FormatError, match="header"):
        WosTsvReader().read("a\tb\tc\n1\t2\t3\n")


@pytest.mark.parametrize(
    "path", fixtures_of_other_formats("wos_tsv"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_other_formats_fixtures_are_not_taken_for_wos_tsv(path: Path) -> None:
    assert_not_taken_by(WosTsvReader(), path)


def test_cli_parse_names_the_format(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = DATA / "savedrecs_win_utf16.txt"
    code = cli_main(
        ["--library", str(tmp_path / "l.sqlite"), "parse", str(path)], stdout=out, stderr=err
    )
    assert code == 0
    assert "Web of Science tab-delimited export: 2 reference(s) found" in err.getvalue()


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    page = decode((DATA / "savedrecs_win_utf8.txt").read_bytes())
    assert_noise_raises_only_format_error(WosTsvReader(), page, noise, at, cut)
