"""PubMed as text: the results page, the Summary (text) and Abstract (text) exports."""

from __future__ import annotations

import json

import pytest
from formats_golden import FORMATS_DATA, assert_matches_golden

from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError
from peerref.core.model import ReferenceType
from peerref.formats.base import ParseResult
from peerref.formats.medline import expand_nlm_pages
from peerref.formats.pubmed import (
    PubMedAbstractReader,
    PubMedPageReader,
    PubMedSummaryReader,
    parse_citation,
)
from peerref.formats.registry import parse_text, rank, reader_named

DATA = FORMATS_DATA / "pubmed"
FIXTURES = {
    "results_page.txt": "pubmed",
    "results_plain.txt": "pubmed",
    "summary_export.txt": "pubmed-summary",
    "abstract_export.txt": "pubmed-abstract",
}


@pytest.mark.parametrize(("fixture", "format_name"), sorted(FIXTURES.items()))
def test_fixture_matches_golden(fixture: str, format_name: str) -> None:
    text = (DATA / fixture).read_text(encoding="utf-8")
    result = parse_text(text)
    assert result.format_name == format_name
    assert_matches_golden(result, (DATA / fixture).with_suffix(".json"))


@pytest.mark.parametrize(("fixture", "format_name"), sorted(FIXTURES.items()))
def test_detected_reader_is_best_ranked(fixture: str, format_name: str) -> None:
    text = (DATA / fixture).read_text(encoding="utf-8")
    assert rank(text)[0][1].name == format_name


def _page() -> ParseResult:
    return PubMedPageReader().read((DATA / "results_page.txt").read_text(encoding="utf-8"))


def test_page_entries_know_their_lines_and_raw_text() -> None:
    result = _page()
    assert len(result.entries) == 5
    first = result.entries[0]
    assert (first.first_line, first.last_line) == (14, 18)
    assert first.raw_text.splitlines()[0].startswith("Peer support workers in community")
    assert first.raw_text.splitlines()[-1].startswith("Teams that had agreed")
    assert [e.first_line for e in result.entries] == [14, 23, 32, 41, 50]


def test_page_chrome_is_neither_data_nor_skipped() -> None:
    result = _page()
    assert result.skipped == ()
    for entry in result.entries:
        csl = json.dumps(reference_to_csl(entry.reference, with_id=False))
        for chrome in ("Cite", "Share", "Page 1 of", "284 results", "Next page"):
            assert chrome not in csl


def test_snippet_is_not_taken_as_abstract() -> None:
    assert all(not entry.reference.abstract for entry in _page().entries)


def test_et_al_marks_the_author_list_truncated_with_a_warning() -> None:
    entry = _page().entries[1]
    assert entry.reference.truncated == frozenset({"author"})
    assert [w.line for w in entry.warnings] == [23]
    assert "cut short" in entry.warnings[0].message


def test_online_ahead_of_print_is_a_status_not_a_volume() -> None:
    ref = _page().entries[3].reference
    assert ref.status == "ahead-of-print"
    assert (ref.volume, ref.issue, ref.page) == ("", "", "")
    assert ref.extra["pubmed-elocation"] == "appips20230211"


def test_glued_short_citation_does_not_spoil_the_doi() -> None:
    text = (DATA / "results_plain.txt").read_text(encoding="utf-8")
    ref = PubMedPageReader().read(text).entries[0].reference
    assert ref.doi == "10.1186/s12888-017-1544-2"


def test_preprint_and_book_chapter_on_the_page() -> None:
    text = (DATA / "results_plain.txt").read_text(encoding="utf-8")
    refs = PubMedPageReader().read(text).references
    assert refs[1].type is ReferenceType.PREPRINT
    assert refs[1].container_title == "medRxiv"
    assert refs[2].type is ReferenceType.CHAPTER
    assert refs[2].container_title == "Crisis Care Handbook"
    assert refs[2].publisher_place == "Bethesda (MD)"


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("205-7", "205-207"),
        ("512-20", "512-520"),
        ("1205-14", "1205-1214"),
        ("99-101", "99-101"),
        ("512-520", "512-520"),
        ("e15572", "e15572"),
        ("S35-42", "S35-S42"),
        ("19-5", "19-5"),
        ("CD009001", "CD009001"),
    ],
)
def test_nlm_abbreviated_pages_are_expanded(written: str, full: str) -> None:
    assert expand_nlm_pages(written) == full


def test_citation_line_ignores_the_erratum_that_follows() -> None:
    citation = parse_citation(
        "BMC Psychiatry. 2021 Feb 14;21(1):88. doi: 10.1186/s12888-021-03084-7. "
        "Erratum in: BMC Psychiatry. 2021 Apr 2;21(1):176. doi: 10.1186/s12888-021-03170-w."
    )
    assert citation is not None
    assert citation.doi == "10.1186/s12888-021-03084-7"
    assert (citation.volume, citation.issue, citation.page) == ("21", "1", "88")


def test_citation_line_with_year_only_and_no_issue() -> None:
    citation = parse_citation("BMC Psychiatry. 2014;14:39.")
    assert citation is not None
    assert citation.issued.year == 2014
    assert (citation.volume, citation.issue, citation.page) == ("14", "", "39")


def test_prose_is_not_a_citation_line() -> None:
    assert parse_citation("Peer workers were valued by the teams we studied.") is None


def test_summary_export_separates_group_author_and_title() -> None:
    text = (DATA / "summary_export.txt").read_text(encoding="utf-8")
    result = PubMedSummaryReader().read(text)
    ref = result.entries[2].reference
    assert ref.creators[0].literal == "Peer Support Evaluation Collaborative"
    assert ref.title.startswith("What do peer workers do?")
    assert result.entries[1].reference.pmcid == "PMC7885541"
    assert [e.first_line for e in result.entries] == [1, 3, 5, 7, 9]


def test_abstract_export_keeps_sections_and_drops_affiliations() -> None:
    text = (DATA / "abstract_export.txt").read_text(encoding="utf-8")
    result = PubMedAbstractReader().read(text)
    first = result.entries[0].reference
    assert [s.heading for s in first.abstract] == ["Objective", "Methods", "Results", "Conclusions"]
    assert "University of Oxford" not in first.abstract_text
    second = result.entries[1].reference
    assert "Copyright" not in second.abstract_text
    assert "Conflict of interest" not in second.abstract_text
    third = result.entries[2].reference
    assert third.keywords == ("Meta-analysis", "Peer support", "Recovery", "Severe mental illness")
    assert third.creators[-1].literal == "Peer Evidence Review Group"
    assert [(e.first_line, e.last_line) for e in result.entries] == [(1, 25), (28, 48), (51, 68)]


@pytest.mark.parametrize("name", ["pubmed", "pubmed-summary", "pubmed-abstract"])
def test_text_without_entries_is_a_format_error(name: str) -> None:
    with pytest.raises(FormatError):
        reader_named(name).read("Nothing here resembles PubMed.\nPMID: none\n")


def test_sniffers_do_not_claim_plain_prose() -> None:
    prose = "Peer support helps. We met in 2019 and talked about recovery.\n" * 5
    for reader in (PubMedPageReader(), PubMedSummaryReader(), PubMedAbstractReader()):
        assert reader.sniff(prose) == 0.0
