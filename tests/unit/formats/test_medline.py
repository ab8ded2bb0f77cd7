"""MEDLINE / .nbib records: tags, continuations, CRLF, FAU over AU, JT over TA."""

from __future__ import annotations

import pytest
from formats_golden import FORMATS_DATA, assert_matches_golden

from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, ReferenceType
from peerref.formats.base import ParseResult
from peerref.formats.medline import MedlineReader, split_structured_abstract
from peerref.formats.registry import parse_bytes, parse_text, rank

DATA = FORMATS_DATA / "medline"


def _records() -> ParseResult:
    return parse_bytes((DATA / "records.nbib").read_bytes())


def test_records_match_golden() -> None:
    result = _records()
    assert result.format_name == "medline"
    assert_matches_golden(result, DATA / "records.json")


def test_medline_ranks_first() -> None:
    text = (DATA / "records.nbib").read_text(encoding="utf-8-sig")
    assert rank(text)[0][1].name == "medline"


def test_entries_have_lines_and_raw_text() -> None:
    result = _records()
    assert [(e.first_line, e.last_line) for e in result.entries] == [
        (1, 47),
        (49, 90),
        (92, 108),
        (110, 127),
    ]
    assert result.entries[2].raw_text.startswith("PMID- 38470123")
    assert result.skipped == ()


def test_full_author_names_win_over_short_ones() -> None:
    ref = _records().entries[0].reference
    assert ref.creators[0].family == "Okafor"
    assert ref.creators[0].given == "Chidinma N"
    assert ref.creators[1].particle == "van der"


def test_short_names_are_used_when_no_full_form_exists() -> None:
    ref = _records().entries[2].reference
    assert [c.given for c in ref.creators] == ["D.", "A."]


def test_journal_title_wins_and_abbreviation_is_kept_short() -> None:
    ref = _records().entries[0].reference
    assert ref.container_title == "Psychiatric services (Washington, D.C.)"
    assert ref.container_title_short == "Psychiatr Serv"
    # Without JT the abbreviation is all there is.
    assert _records().entries[2].reference.container_title == "Psychiatr Serv"


def test_doi_comes_from_the_doi_tagged_identifier_only() -> None:
    second = _records().entries[1].reference
    assert second.doi == "10.1186/s12888-021-03084-7"
    assert second.pmcid == "PMC7885541"


def test_continuation_lines_are_joined() -> None:
    ref = _records().entries[0].reference
    assert ref.title.endswith("mixed-methods evaluation of role clarity")


def test_ahead_of_print_and_bad_issn_warning() -> None:
    entry = _records().entries[2]
    assert entry.reference.status == "ahead-of-print"
    assert [(w.line, "check digit" in w.message) for w in entry.warnings] == [(96, True)]
    assert entry.reference.issn == ("1557-9700", "1075-2731")  # the text is kept


def test_book_chapter_with_editor_publisher_and_isbn() -> None:
    ref = _records().entries[3].reference
    assert ref.type is ReferenceType.CHAPTER
    assert ref.container_title == "Crisis Care Handbook"
    assert [c.role for c in ref.creators] == [CreatorRole.AUTHOR, CreatorRole.EDITOR]
    assert ref.publisher_place == "Bethesda (MD)"
    assert ref.isbn == ("978-0-19-953990-1",)


def test_lf_and_crlf_read_the_same() -> None:
    crlf = (DATA / "records.nbib").read_text(encoding="utf-8-sig")
    lf = crlf.replace("\r\n", "\n")
    assert parse_text(lf).references == parse_text(crlf).references


def test_stray_lines_are_reported_as_skipped() -> None:
    text = "PMID- 1\nTI  - A title.\nthis line is not MEDLINE\nDP  - 2020\n"
    result = MedlineReader().read(text)
    assert [d.line for d in result.skipped] == [3]
    assert result.entries[0].reference.title == "A title"
    assert result.entries[0].reference.issued.year == 2020


def test_structured_abstract_sections() -> None:
    sections = split_structured_abstract(
        "BACKGROUND: Peers help. AIMS AND OBJECTIVES: To see how. CONCLUSIONS: They do."
    )
    assert [(s.heading, s.text) for s in sections] == [
        ("Background", "Peers help."),
        ("Aims and objectives", "To see how."),
        ("Conclusions", "They do."),
    ]


def test_unstructured_abstract_stays_whole() -> None:
    text = "Peer workers said: supervision matters. Teams agreed."
    assert [(s.heading, s.text) for s in split_structured_abstract(text)] == [("", text)]


def test_no_records_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        MedlineReader().read("TY  - JOUR\nTI  - A RIS record\nER  - \n\nplain text\n")


def test_ris_is_not_claimed() -> None:
    assert MedlineReader().sniff("TY  - JOUR\nTI  - Title\nAU  - Smith, J\nER  - \n") == 0.0


# ---------------------------------------------------------------- issue 13: silent losses

ERIC = DATA / "eric_and_et_al.nbib"


def test_eric_and_et_al_fixture_matches_golden() -> None:
    result = parse_text(ERIC.read_text("utf-8"))
    assert result.format_name == "medline"
    assert rank(ERIC.read_text("utf-8"))[0][1].name == "medline"
    assert_matches_golden(result, ERIC.with_suffix(".json"))


def test_records_that_open_with_own_not_pmid_are_read() -> None:
    result = MedlineReader().read(ERIC.read_text("utf-8"))
    assert len(result.entries) == 4
    article, report, thesis, _ = result.references
    assert article.type is ReferenceType.ARTICLE_JOURNAL
    assert article.container_title == "Journal of College Student Mental Health"
    assert article.issn == ("2151-8866",)
    assert article.doi == "10.1080/jcsmh.2022.0077"
    assert article.extra["medline:OID"] == "EJ1300001"
    assert (report.type, report.publisher, report.container_title) == (
        ReferenceType.REPORT,
        "Centre for Student Wellbeing",
        "",
    )
    assert (thesis.type, thesis.publisher) == (ReferenceType.THESIS, "University of Leeds")
    assert thesis.isbn == ("979-8-1234-5678-1",)
    assert thesis.extra["medline:JT"] == "ProQuest LLC"


def test_et_al_marks_the_author_list_cut_short_and_is_no_person() -> None:
    entry = MedlineReader().read(ERIC.read_text("utf-8")).entries[3]
    ref = entry.reference
    assert [c.family for c in ref.creators] == ["Okafor", "Brennan"]
    assert ref.truncated == frozenset({"author"})
    assert [(w.line, w.message) for w in entry.warnings] == [
        (53, "the author list is cut short (et al.)")
    ]


def test_an_article_number_pii_is_the_page_when_there_is_no_pg() -> None:
    ref = MedlineReader().read(ERIC.read_text("utf-8")).references[3]
    assert ref.page == "1042"
    assert ref.doi == "10.1000/eips.2024.1042"


def test_every_tag_no_field_takes_is_kept_in_extra() -> None:
    text = "PMID- 000000000000\nOWN - NLM\nTI  - A title.\nCI  - (c) 2024 The Authors.\n"
    ref = MedlineReader().read(text).references[0]
    assert ref.pmid == ""  # twelve digits: not a PubMed id
    assert ref.extra["medline:PMID"] == "000000000000"
    assert ref.extra["medline:CI"] == "(c) 2024 The Authors."
    assert ref.extra["medline:OWN"] == "NLM"


def test_tag_lines_without_pmid_or_own_are_reported_not_read() -> None:
    text = "PMID- 1\nTI  - A title.\n\nTI  - Not a record\nAU  - Nobody\n"
    result = MedlineReader().read(text)
    assert len(result.entries) == 1
    assert [(d.line, "TI - Not a record" in d.message) for d in result.skipped] == [(4, True)]
