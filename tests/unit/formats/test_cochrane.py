"""The Cochrane Library's exports: the plain-text form (its own reader) and its RIS."""

from __future__ import annotations

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    fixture_text,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import ReferenceType
from peerref.formats.cochrane import CochraneReader
from peerref.formats.registry import parse_text, rank

PLAIN = FORMATS_DATA / "cochrane" / "central_and_reviews.txt"
RIS = FORMATS_DATA / "ris" / "cochrane_library.ris"


def _plain() -> list[object]:
    return list(CochraneReader().read(fixture_text(PLAIN)).references)


def test_plain_text_export_is_detected_and_matches_golden() -> None:
    assert_detected_and_matches_golden(
        fixture_text(PLAIN), "cochrane", PLAIN.with_suffix(".expected.json")
    )


def test_the_cochrane_ris_export_is_ris_from_the_cochrane_library() -> None:
    result = parse_text(fixture_text(RIS))
    assert result.format_name == "ris"
    assert result.format_label == "RIS file from the Cochrane Library"
    assert CochraneReader().sniff(fixture_text(RIS)) == 0.0
    assert not result.skipped  # Wiley's "Record #1 of 3" lines are no stray text


def test_a_central_trial_keeps_its_numbers_elsewhere() -> None:
    trial = CochraneReader().read(fixture_text(PLAIN)).references[0]
    assert trial.type is ReferenceType.ARTICLE_JOURNAL
    assert trial.pmid == "33882781"
    assert trial.extra["cochrane:ID"] == "CN-02317765"
    assert trial.extra["cochrane:XR"] == "EMBASE 2011876543"
    assert trial.page == "411-419"  # written with U+2010 in the export
    assert (trial.volume, trial.issue, trial.issued.year) == ("30", "4", 2021)
    assert trial.keywords == (
        "Peer Group",
        "Adult",
        "Inpatients",
        "Mental Health Services [organization & administration]",
    )


def test_a_registry_record_is_cited_at_the_registry() -> None:
    record = CochraneReader().read(fixture_text(PLAIN)).references[1]
    assert record.type is ReferenceType.WEBPAGE
    assert record.url == "https://clinicaltrials.gov/show/NCT04412345"
    assert record.extra["cochrane:US"].startswith("https://www.cochranelibrary.com/central/")
    assert record.container_title == ""
    assert [c.family for c in record.creators] == ["Haddad", "Berg"]  # "Haddad R; Berg AJ"
    assert record.abstract_text.startswith("A registered trial in which people leaving hospital")
    assert record.abstract_text.endswith("as the main outcome.")  # wrapped lines joined


def test_a_cochrane_reviews_number_is_its_article_number() -> None:
    review = CochraneReader().read(fixture_text(PLAIN)).references[2]
    assert review.type is ReferenceType.ARTICLE_JOURNAL
    assert review.container_title == "Cochrane Database of Systematic Reviews"
    assert (review.issue, review.page) == ("8", "CD012978")
    assert review.doi == "10.1002/14651858.CD012978.pub2"


def test_without_record_lines_each_id_opens_a_record() -> None:
    text = (
        "ID: CN-01111111\nTI: Peer mentors in forensic wards\nSO: The Journal of Forensic "
        "Psychiatry & Psychology\nYR: 2019\n"
        "ID: CN-02222222\nTI: Recovery colleges for students\nSO: BJPsych Open\nYR: 2022\n"
    )
    assert rank(text)[0][1].name == "cochrane"
    first, second = parse_text(text).references
    assert (first.container_title, second.container_title) == (
        "The Journal of Forensic Psychiatry & Psychology",
        "BJPsych Open",
    )


def test_text_before_the_first_record_is_reported_not_read() -> None:
    text = "Cochrane Library search results\n\n" + fixture_text(PLAIN)
    result = CochraneReader().read(text)
    assert len(result.entries) == 3
    assert [d.line for d in result.skipped] == [1]
    assert result.entries[0].first_line == 3


def test_a_year_that_is_not_one_is_kept_and_reported() -> None:
    text = "Record #1 of 1\nID: CN-03333333\nTI: Peer work\nYR: in press\n"
    entry = CochraneReader().read(text).entries[0]
    assert entry.reference.issued.year is None
    assert entry.reference.extra["cochrane:YR"] == "in press"
    assert entry.warnings


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Record #1 of 1\n",
        "TY  - JOUR\nTI  - A RIS record\nER  - \n",
        "plain words\nmore words: not tags",
    ],
)
def test_no_record_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError):
        CochraneReader().read(text)


def test_other_tagged_text_is_not_taken_for_it() -> None:
    medline = "PMID- 12345678\nTI  - Peer work\nAU  - Okafor C\n"
    ris = fixture_text(RIS)
    assert CochraneReader().sniff(medline) == 0.0
    assert CochraneReader().sniff(ris) == 0.0


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(CochraneReader(), fixture_text(PLAIN), noise, at, cut)
