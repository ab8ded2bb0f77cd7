"""Plain lists of DOIs."""

from __future__ import annotations

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import ReferenceType
from peerref.formats.doi_list import ONLY_DOI_WARNING, DoiListReader

DATA = FORMATS_DATA / "doi_list"
FIXTURE = DATA / "dois.txt"


def test_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        FIXTURE.read_text("utf-8"), "doi-list", FIXTURE.with_suffix(".json")
    )


def test_every_form_of_doi_is_normalised_and_warned_about() -> None:
    result = DoiListReader().read(FIXTURE.read_text("utf-8"))
    assert [r.doi for r in result.references] == [
        "10.1108/JMHTEP-03-2021-0031",
        "10.1108/MHSI-09-2023-0102",
        "10.1176/appi.ps.201800417",
        "10.1186/s12888-021-03084-7",
        "10.1002/14651858.CD009001.pub3",
    ]
    for entry in result.entries:
        assert [w.message for w in entry.warnings] == [ONLY_DOI_WARNING]
        assert entry.reference.type is ReferenceType.OTHER
        assert entry.reference.title == ""


def test_duplicates_and_other_lines_are_reported_with_line_numbers() -> None:
    result = DoiListReader().read(FIXTURE.read_text("utf-8"))
    assert [(d.line, d.message.split(":")[0]) for d in result.skipped] == [
        (8, "DOI 10.1108/jmhtep-03-2021-0031 is listed twice"),
        (9, "not a DOI"),
    ]


def test_a_reference_list_with_dois_is_not_a_doi_list() -> None:
    text = (
        "Repper, J. (2012). Peer support workers. JMHTEP, 7(2), 70-78. "
        "doi:10.1108/17556221211236466\n"
        "Watson, E. (2016). A day in the life. MHSI, 20(3), 149-152.\n"
    )
    assert DoiListReader().sniff(text) == 0.0


def test_no_doi_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        DoiListReader().read("peer support\nrecovery\n")


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(
        DoiListReader(), FIXTURE.read_text("utf-8"), noise, at, cut
    )


def test_sici_dois_are_read_whole() -> None:
    """Issue 17 #9: "<" ended the DOI, so a SICI DOI was stored cut short at "49:8"."""
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0"
    text = f"{sici}\nhttps://doi.org/{sici.replace('ASI3', 'ASI4')}\n- doi:10.1000/a{{b}}c.\n"
    result = DoiListReader().read(text)
    assert [r.doi for r in result.references] == [
        sici,
        sici.replace("ASI3", "ASI4"),
        "10.1000/a{b}c",
    ]
