"""Scopus CSV exports: the full export and an older one with fewer columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    assert_not_taken_by,
    fixture_text,
    fixtures_of_other_formats,
    splice_noise_fuzz,
)

from peerref.cli import main as cli_main
from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.medline import AHEAD_OF_PRINT
from peerref.formats.registry import parse_bytes, parse_text
from peerref.formats.scopus_csv import ScopusCsvReader

DATA = FORMATS_DATA / "scopus_csv"
FIXTURES = sorted(DATA.glob("*.csv"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_detected_and_match_golden(path: Path) -> None:
    text = fixture_text(path).lstrip("\ufeff")
    assert_detected_and_matches_golden(text, "scopus-csv", path.with_suffix(".json"))


def test_article_from_the_full_export() -> None:
    result = parse_bytes((DATA / "scopus_export.csv").read_bytes())
    entry = result.entries[0]
    ref = entry.reference
    assert (entry.first_line, entry.last_line) == (2, 2)
    assert (ref.creators[0].family, ref.creators[0].given) == ("Okafor", "Chidinma N.")
    assert ref.creators[2].particle == "Ó"  # from "Author full names", ids dropped
    assert ref.extra["scopus:Author(s) ID"].startswith("57201234567")
    assert (ref.page, ref.issn, ref.pmid) == ("141-152", ("1095-158X",), "35389709")
    assert ref.issued == PartialDate(2022)
    assert ref.container_title_short == "Psychiatr. Rehabil. J."
    assert ref.keywords[:4] == (
        "burnout",
        "inpatient psychiatry",
        "peer support specialists",
        "role clarity",
    )
    assert "adult" in ref.keywords  # the index keywords follow
    assert ref.extra["database"] == "Scopus"
    assert ref.extra["scopus:EID"] == "2-s2.0-85127654321"
    assert ref.url.startswith("https://www.scopus.com/inward/record.uri?eid=")


def test_chapter_article_number_and_article_in_press() -> None:
    result = parse_bytes((DATA / "scopus_export.csv").read_bytes())
    chapter, in_press = result.references[1], result.references[2]
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.abstract == ()  # "[No abstract available]" is no abstract
    assert [c.role for c in chapter.creators] == [CreatorRole.AUTHOR, *[CreatorRole.EDITOR] * 2]
    assert chapter.isbn == ("9780367334123", "9781032456782")
    assert in_press.page == "e13456"  # "Art. No." when there are no pages
    assert in_press.status == AHEAD_OF_PRINT
    assert (result.entries[2].first_line, result.entries[2].last_line) == (4, 6)  # line breaks
    assert [s.heading for s in in_press.abstract] == ["Aim", "Methods", "Results"]


def test_older_export_with_short_names_separated_by_commas() -> None:
    review, report = parse_text(fixture_text(DATA / "scopus_older.csv")).references
    assert [c.family for c in review.creators] == [
        "Davidson",
        "Chinman",
        "Kloos",
        "Weingarten",
        "Stayner",
        "Tebes",
    ]
    assert review.creators[5].given == "J.K."
    assert review.extra["scopus:Document Type"] == "Review"
    assert report.creators == ()  # "[No author name available]"
    assert report.type is ReferenceType.REPORT


def test_columns_are_found_by_name_in_any_order() -> None:
    text = (
        '"Title","EID","Year","Authors","Source title"\n'
        '"Peer work","2-s2.0-1","2020","Repper J.","Mental Health Review Journal"\n'
    )
    ref = ScopusCsvReader().read(text).references[0]
    assert (ref.title, ref.issued, ref.creators[0].family) == (
        "Peer work",
        PartialDate(2020),
        "Repper",
    )


def test_a_quote_that_never_ends_is_a_format_error_not_a_crash() -> None:
    text = '"Authors","Title","EID"\n"Repper J.","Peer work\n'
    with pytest.raises(FormatError):
        ScopusCsvReader().read(text)


def test_a_csv_that_is_not_scopus_is_not_taken() -> None:
    text = "name,title,year\nRepper,Peer work,2020\n"
    assert ScopusCsvReader().sniff(text) == 0.0
    with pytest.raises(FormatError, match="Scopus CSV header"):
        ScopusCsvReader().read(text)


@pytest.mark.parametrize(
    "path", fixtures_of_other_formats("scopus_csv"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_other_formats_fixtures_are_not_taken_for_scopus(path: Path) -> None:
    assert_not_taken_by(ScopusCsvReader(), path)


def test_cli_parse_names_the_format(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = DATA / "scopus_export.csv"
    code = cli_main(
        ["--library", str(tmp_path / "l.sqlite"), "parse", str(path)], stdout=out, stderr=err
    )
    assert code == 0
    assert "Scopus CSV export: 3 reference(s) found" in err.getvalue()


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    page = fixture_text(DATA / "scopus_export.csv")
    assert_noise_raises_only_format_error(ScopusCsvReader(), page, noise, at, cut)
