"""Web of Science tagged export."""

from __future__ import annotations

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.wos import WosReader

DATA = FORMATS_DATA / "wos"
FIXTURE = DATA / "savedrecs.txt"


def test_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        FIXTURE.read_text("utf-8"), "wos", FIXTURE.with_suffix(".json")
    )


def test_full_names_wrapped_title_and_keywords() -> None:
    result = WosReader().read(FIXTURE.read_text("utf-8"))
    first = result.entries[0].reference
    assert [c.family for c in first.creators] == ["Okafor", "Lindqvist", "Súilleabháin"]
    assert (
        first.title.startswith("Shared experience") and "describe their first year" in first.title
    )
    assert first.keywords == (
        "Peer support",
        "Lived experience",
        "Community mental health",
        "RECOVERY",
        "WORKERS",
    )
    assert first.issn == ("1755-6228", "2042-8707")
    assert first.issued == PartialDate(2021, 6, 15)
    assert first.page == "233-247"
    assert first.extra["wos:UT"] == "WOS:000999999900001"
    assert (result.entries[0].first_line, result.entries[0].last_line) == (3, 36)


def test_group_author_article_number_season_and_pmid() -> None:
    second = WosReader().read(FIXTURE.read_text("utf-8")).entries[1].reference
    assert second.creators[2].literal == "Peer Recovery Network"
    assert {c.role for c in second.creators} == {CreatorRole.AUTHOR}
    assert second.page == "e0102"
    assert second.issued == PartialDate(2024, season="May-Jun")
    assert second.pmid == "38000001"
    assert second.doi == "10.1108/MHSI-09-2023-0102"
    assert second.type is ReferenceType.ARTICLE_JOURNAL


def test_record_without_er_is_kept_and_reported() -> None:
    result = WosReader().read("PT J\nAU Okafor, C\nTI Peer mentors\nPY 2019\n")
    assert result.references[0].title == "Peer mentors"
    assert result.skipped


def test_no_record_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        WosReader().read("FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n")


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(WosReader(), FIXTURE.read_text("utf-8"), noise, at, cut)
