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
from peerref.core.model import CreatorRole, PartialDate, Reference, ReferenceType
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


# ---------------------------------------------------------------- issue 13: silent losses

BIOSIS = DATA / "biosis_unindented.txt"


def _biosis() -> list[Reference]:
    return list(WosReader().read(BIOSIS.read_text("utf-8")).references)


def test_biosis_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        BIOSIS.read_text("utf-8"), "wos", BIOSIS.with_suffix(".json")
    )


def test_continuation_lines_that_are_not_indented_are_kept() -> None:
    first = _biosis()[0]
    assert first.title == (
        "Peer-led recovery groups for veterans with post-traumatic stress: "
        "a controlled study in two community clinics"
    )
    assert first.abstract_text.endswith("in two community clinics over one year.")
    assert [c.family for c in first.creators] == ["Okonkwo", "Hartmann", "Lindqvist"]


def test_an_email_after_a_name_is_kept_out_of_the_given_name() -> None:
    first = _biosis()[0]
    assert first.creators[0].given == "Adaeze N."
    assert first.extra["wos:EM"] == "a.okonkwo@example.edu"


def test_an_isi_au_line_with_several_names_is_several_people() -> None:
    second = _biosis()[1]
    assert [(c.family, c.given) for c in second.creators] == [
        ("Repper", "J"),
        ("Watson", "E"),
        ("Ahmed", "S"),
    ]


def test_names_without_a_comma_are_family_then_initials() -> None:
    patent = _biosis()[2]
    assert [(c.family, c.given) for c in patent.creators] == [
        ("YANG", "Y"),
        ("LI", "W"),
        ("VAN DER BERG", "J. A."),
    ]


def test_page_span_is_the_pages() -> None:
    first, second, _ = _biosis()
    assert (first.page, second.page) == ("115-129", "201")


def test_biosis_descriptors_are_keywords() -> None:
    assert _biosis()[0].keywords == (
        "humans",
        "veterans",
        "community clinics",
        "peer-led groups",
        "usual care",
    )


def test_a_date_read_only_in_part_is_kept_as_written() -> None:
    patent = _biosis()[2]
    assert patent.issued == PartialDate(1998)
    assert patent.extra["wos:PD"] == "1998, filed 1997"


def test_a_book_series_paper_is_a_chapter() -> None:
    text = (
        "PT S\nAU Okafor, C\nTI Peer work\nSO ANNUAL REVIEW OF PEER SUPPORT, VOL 3\nPY 2021\nER\n"
    )
    assert WosReader().read(text).references[0].type is ReferenceType.CHAPTER
