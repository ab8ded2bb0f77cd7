"""The Emerald Insight results-page reader: golden fixture pages and one test per field rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    as_csl,
    assert_every_page_has_a_golden_file,
    assert_matches_golden,
    fixture_text,
)

from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError
from peerref.core.model import AbstractSection, Creator, PartialDate, ReferenceType
from peerref.formats import registry
from peerref.formats.base import ParsedEntry
from peerref.formats.emerald import NO_TITLE_WARNING, EmeraldReader

DATA_DIR = FORMATS_DATA / "emerald"
SCIENCEGATE_DATA_DIR = DATA_DIR.parent / "sciencegate"
READER = EmeraldReader()

ABSTRACT_HEADED = """\
Abstract

Purpose

This paper looks at how peer workers keep in touch after discharge.

Design/methodology/approach

Interviews with nine peer workers in one trust.

Findings

Contact by text message was preferred to calls.

Originality/value

Little has been written about contact after discharge."""


def make_entry(
    *,
    content_type: str = "Article",
    date: str = "15 June 2012",
    authors: str | None = "Ada Lovelace and Mary Somerville",
    preview: str | None = "Peer workers in one trust kept in touch with people after discharge by…",
    metric: str | None = None,
    abstract: str | None = ABSTRACT_HEADED,
    details: str | None = "Mental Health Review Journal, vol. 17 no. 2\nType: Research Article\n"
    "ISSN: 1361-9322",
    keywords: str | None = "",
) -> str:
    """One entry written the way Emerald's copied page writes it."""
    parts = [f"{content_type}\nPublication date: {date}"]
    for block in (authors, preview, metric, abstract):
        if block is not None:
            parts.append(block)
    if details is not None:
        parts.append(f"Details\n\n{details}")
    if keywords is not None:
        parts.append(f"Keywords\n\n{keywords}" if keywords else "Keywords")
    return "\n\n".join(parts) + "\n\n"


def read_one(text: str) -> ParsedEntry:
    result = READER.read(text)
    assert len(result.entries) == 1
    return result.entries[0]


# --- golden fixture pages -----------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(DATA_DIR.glob("*.txt")), ids=lambda p: p.stem)
def test_fixture_page_matches_its_golden_csl_json(page: Path) -> None:
    assert_matches_golden(READER.read(fixture_text(page)), page.with_suffix(".expected.json"))


def test_every_fixture_page_has_a_golden_file() -> None:
    assert_every_page_has_a_golden_file(DATA_DIR)


def test_crlf_fixture_really_has_windows_line_endings() -> None:
    data = (DATA_DIR / "crlf_partial.txt").read_bytes()
    assert b"\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_mixed_fixture_entries_and_line_ranges() -> None:
    result = READER.read(fixture_text(DATA_DIR / "mixed.txt"))
    assert [(e.first_line, e.last_line) for e in result.entries] == [
        (4, 41),
        (43, 65),
        (67, 112),
        (114, 133),
        (135, 159),
    ]
    assert result.skipped == ()
    assert [e.reference.extra["emerald-content-type"] for e in result.entries] == [
        "Case study",
        "Book part",
        "Article",
        "Article",
        "Article",
    ]


# --- field rules --------------------------------------------------------------------------


def test_entry_starts_at_content_type_followed_by_publication_date() -> None:
    entry = read_one(make_entry())
    ref = entry.reference
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert ref.issued == PartialDate(2012, 6, 15)
    assert ref.extra["emerald-content-type"] == "Article"


def test_a_content_type_word_without_publication_date_does_not_start_an_entry() -> None:
    text = make_entry(keywords="Peer support\nArticle\nRecovery")
    entry = read_one(text)
    assert entry.reference.keywords == ("Peer support", "Article", "Recovery")


def test_authors_a_b_and_c_with_particles() -> None:
    entry = read_one(make_entry(authors="Aoife Brennan, Karen de Vries and Tomás Ó Briain"))
    assert entry.reference.creators == (
        Creator(family="Brennan", given="Aoife"),
        Creator(family="Vries", given="Karen", particle="de"),
        Creator(family="Briain", given="Tomás", particle="Ó"),
    )


def test_four_authors() -> None:
    authors = "Niamh Gallagher, Marcus Lindqvist, Priya Raman and Owen McAllister"
    entry = read_one(make_entry(authors=authors))
    assert [c.family for c in entry.reference.creators] == [
        "Gallagher",
        "Lindqvist",
        "Raman",
        "McAllister",
    ]


def test_et_al_marks_the_author_list_truncated() -> None:
    entry = read_one(make_entry(authors="Ada Lovelace, Mary Somerville et al."))
    assert [c.family for c in entry.reference.creators] == ["Lovelace", "Somerville"]
    assert entry.reference.truncated == frozenset({"author"})
    assert "author list truncated" in [w.message for w in entry.warnings]


def test_preview_snippet_and_download_count_are_not_data() -> None:
    preview = "Zebra crossing preview sentence that the page cuts short…"
    entry = read_one(make_entry(preview=preview, metric="4321"))
    dumped = json.dumps(reference_to_csl(entry.reference), ensure_ascii=False)
    assert "Zebra" not in dumped
    assert "4321" not in dumped
    assert "…" not in dumped


def test_download_count_with_thousands_separator_is_not_data() -> None:
    entry = read_one(make_entry(metric="1,204"))
    assert "1,204" not in json.dumps(reference_to_csl(entry.reference))


def test_preview_cut_without_ellipsis_is_still_not_data() -> None:
    preview = "In earlier chapters the book set out a model of supervision for"
    entry = read_one(make_entry(preview=preview))
    assert entry.reference.abstract[0] == AbstractSection(
        "Purpose", "This paper looks at how peer workers keep in touch after discharge."
    )


def test_headed_abstract_keeps_its_sections() -> None:
    entry = read_one(make_entry())
    assert entry.reference.abstract == (
        AbstractSection(
            "Purpose", "This paper looks at how peer workers keep in touch after discharge."
        ),
        AbstractSection(
            "Design/methodology/approach", "Interviews with nine peer workers in one trust."
        ),
        AbstractSection("Findings", "Contact by text message was preferred to calls."),
        AbstractSection(
            "Originality/value", "Little has been written about contact after discharge."
        ),
    )


def test_all_seven_emerald_headings_are_sections() -> None:
    headings = [
        "Purpose",
        "Design/methodology/approach",
        "Findings",
        "Research limitations/implications",
        "Practical implications",
        "Social implications",
        "Originality/value",
    ]
    abstract = "Abstract\n\n" + "\n\n".join(f"{h}\n\nText under {h}." for h in headings)
    entry = read_one(make_entry(abstract=abstract))
    assert [s.heading for s in entry.reference.abstract] == headings
    assert entry.reference.abstract[4].text == "Text under Practical implications."


def test_headed_abstract_without_its_abstract_label_is_still_the_abstract() -> None:
    entry = read_one(make_entry(abstract=ABSTRACT_HEADED.removeprefix("Abstract\n\n")))
    assert [s.heading for s in entry.reference.abstract] == [
        "Purpose",
        "Design/methodology/approach",
        "Findings",
        "Originality/value",
    ]
    assert not any("only a preview" in w.message for w in entry.warnings)


def test_non_breaking_spaces_inside_structural_lines() -> None:
    text = make_entry(content_type="Book\u00a0part", date="15\u00a0June 2012")
    text = text.replace("Publication date:", "Publication\u00a0date:")
    ref = read_one(text).reference
    assert ref.type is ReferenceType.CHAPTER
    assert ref.issued == PartialDate(2012, 6, 15)


def test_abstract_without_headings_is_one_section_with_empty_heading() -> None:
    abstract = "Abstract\n\nA first paragraph of plain prose.\n\nA second paragraph of prose."
    entry = read_one(make_entry(abstract=abstract))
    assert entry.reference.abstract == (
        AbstractSection("", "A first paragraph of plain prose.\nA second paragraph of prose."),
    )


def test_only_a_preview_gives_no_abstract_and_says_so() -> None:
    entry = read_one(make_entry(abstract=None, details=None, keywords=None))
    assert entry.reference.abstract == ()
    assert any("only a preview" in w.message for w in entry.warnings)


def test_details_give_container_volume_and_issue() -> None:
    ref = read_one(make_entry()).reference
    assert (ref.container_title, ref.volume, ref.issue) == (
        "Mental Health Review Journal",
        "17",
        "2",
    )
    assert ref.status == ""


def test_details_with_pages_and_double_issue() -> None:
    details = "Housing, Care and Support, vol. 19 no. 3/4, pp. 101-110\nType: Research Article"
    ref = read_one(make_entry(details=details)).reference
    assert (ref.container_title, ref.volume, ref.issue, ref.page) == (
        "Housing, Care and Support",
        "19",
        "3/4",
        "101-110",
    )


def test_ahead_of_print_is_a_status_not_a_volume() -> None:
    details = (
        "Journal of Public Mental Health, vol. ahead-of-print no. ahead-of-print\nISSN: 1746-5729"
    )
    ref = read_one(make_entry(details=details)).reference
    assert ref.container_title == "Journal of Public Mental Health"
    assert (ref.volume, ref.issue, ref.status) == ("", "", "ahead-of-print")


def test_type_line_is_kept_in_extra() -> None:
    ref = read_one(make_entry()).reference
    assert ref.extra == {"emerald-content-type": "Article", "emerald-type": "Research Article"}


def test_valid_issn_is_kept_without_warning() -> None:
    entry = read_one(make_entry())
    assert entry.reference.issn == ("1361-9322",)
    assert not [w for w in entry.warnings if "ISSN" in w.message]


def test_issn_with_a_wrong_check_digit_is_kept_with_a_warning() -> None:
    details = "Mental Health Review Journal, vol. 23 no. 1\nISSN: 1361-9323"
    entry = read_one(make_entry(details=details))
    assert entry.reference.issn == ("1361-9323",)
    assert "ISSN 1361-9323 has a wrong check digit" in [w.message for w in entry.warnings]


def test_book_part_with_type_book_and_isbn_is_a_chapter_in_the_book() -> None:
    details = (
        "Peer Work in Practice: Training, Supervision and Support\nType: Book\n"
        "ISBN: 978-1-80455-118-9"
    )
    abstract = "Abstract\n\nThis chapter describes training for peer workers."
    entry = read_one(make_entry(content_type="Book part", details=details, abstract=abstract))
    ref = entry.reference
    assert ref.type is ReferenceType.CHAPTER
    assert ref.container_title == "Peer Work in Practice: Training, Supervision and Support"
    assert ref.isbn == ("978-1-80455-118-9",)
    assert ref.volume == ""
    assert ref.extra["emerald-type"] == "Book"
    assert not [w for w in entry.warnings if "ISBN" in w.message]


def test_isbn_with_a_wrong_check_digit_is_kept_with_a_warning() -> None:
    details = "A Book About Peers\nType: Book\nISBN: 978-1-80455-118-0"
    entry = read_one(make_entry(content_type="Book part", details=details))
    assert entry.reference.isbn == ("978-1-80455-118-0",)
    assert "ISBN 978-1-80455-118-0 has a wrong check digit" in [w.message for w in entry.warnings]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("Article", ReferenceType.ARTICLE_JOURNAL),
        ("Case study", ReferenceType.ARTICLE_JOURNAL),
        ("Review", ReferenceType.ARTICLE_JOURNAL),
        ("Book part", ReferenceType.CHAPTER),
        ("Chapter", ReferenceType.CHAPTER),
        ("Book", ReferenceType.BOOK),
    ],
)
def test_content_type_gives_the_reference_type(content_type: str, expected: ReferenceType) -> None:
    ref = read_one(make_entry(content_type=content_type)).reference
    assert ref.type is expected
    assert ref.extra["emerald-content-type"] == content_type


def test_doi_link_in_details_becomes_the_doi() -> None:
    details = (
        "Mental Health Review Journal, vol. 17 no. 2\nhttps://doi.org/10.1108/MHRJ-01-2012-0001"
    )
    ref = read_one(make_entry(details=details)).reference
    assert ref.doi == "10.1108/MHRJ-01-2012-0001"


def test_keyword_lines_become_keywords_up_to_the_next_entry() -> None:
    first = make_entry(keywords="Peer support\nCo-production\nDischarge planning")
    second = make_entry(date="2 August 2019", keywords="Recovery college")
    result = READER.read(first + second)
    assert [e.reference.keywords for e in result.entries] == [
        ("Peer support", "Co-production", "Discharge planning"),
        ("Recovery college",),
    ]


def test_entry_without_details_or_keywords() -> None:
    text = make_entry(details=None, keywords=None) + make_entry(content_type="Book part")
    first, second = READER.read(text).entries
    assert first.reference.container_title == ""
    assert first.reference.issn == ()
    assert len(first.reference.abstract) == 4
    assert second.reference.type is ReferenceType.CHAPTER


def test_page_chrome_is_dropped_without_complaint() -> None:
    counter = "1\u00a0–\u00a010 of over 67000"
    text = f"Search results\n\n{counter}\n{make_entry()}{counter}"
    result = READER.read(text)
    assert len(result.entries) == 1
    assert result.skipped == ()
    dumped = json.dumps(as_csl(result), ensure_ascii=False)
    assert "67000" not in dumped
    assert "Search results" not in dumped


def test_counter_after_keywords_is_not_a_keyword() -> None:
    entry = read_one(make_entry(keywords="Peer support") + "1 – 10 of over 500")
    assert entry.reference.keywords == ("Peer support",)


def test_title_stays_empty_and_a_warning_says_so() -> None:
    entry = read_one(make_entry())
    assert entry.reference.title == ""
    assert entry.warnings[0].message == NO_TITLE_WARNING
    assert entry.warnings[0].line == 1


def test_non_breaking_spaces_do_not_reach_field_values() -> None:
    text = make_entry(
        authors="Ada\u00a0Lovelace and Mary\u00a0Somerville",
        details="Mental\u00a0Health Review Journal, vol.\u00a017 no.\u00a02\nISSN:\u00a01361-9322",
        keywords="Peer\u00a0support",
    )
    dumped = json.dumps(reference_to_csl(read_one(text).reference), ensure_ascii=False)
    assert "\u00a0" not in dumped
    assert '"container-title": "Mental Health Review Journal"' in dumped


def test_line_numbers_and_raw_text_point_at_the_entry() -> None:
    text = "Search results\n\n" + make_entry() + make_entry(date="3 February 2023")
    result = READER.read(text)
    lines = text.split("\n")
    for entry in result.entries:
        assert lines[entry.first_line - 1] == "Article"
        assert entry.raw_text == "\n".join(lines[entry.first_line - 1 : entry.last_line])
        assert entry.raw_text.endswith("Keywords")
    assert result.entries[0].first_line == 3
    assert result.entries[1].reference.issued == PartialDate(2023, 2, 3)


def test_crlf_and_lf_pages_give_the_same_references() -> None:
    text = make_entry() + make_entry(content_type="Case study", date="9 March 2021")
    lf = READER.read(text)
    crlf = READER.read(text.replace("\n", "\r\n"))
    assert crlf.references == lf.references
    assert [(e.first_line, e.last_line) for e in crlf.entries] == [
        (e.first_line, e.last_line) for e in lf.entries
    ]
    assert all("\r" not in e.raw_text for e in crlf.entries)


def test_partial_selection_keeps_the_entries_and_reports_skipped_lines() -> None:
    text = "the end of an abstract whose entry was not selected.\n\nDetails\n\n" + make_entry()
    result = READER.read(text)
    assert len(result.entries) == 1
    assert [(d.line, d.message) for d in result.skipped] == [
        (1, "skipped lines 1–3: not part of an Emerald Insight entry")
    ]


def test_unrecognised_line_in_details_is_reported_with_its_line_number() -> None:
    details = "Mental Health Review Journal, vol. 17 no. 2\nSomething unexpected here"
    text = make_entry(details=details)
    result = READER.read(text)
    line = text.split("\n").index("Something unexpected here") + 1
    assert [d.line for d in result.skipped] == [line]


def test_missing_author_line_is_warned_not_invented() -> None:
    preview = "In earlier chapters the book set out a model of supervision for"
    entry = read_one(make_entry(authors=None, preview=preview))
    assert entry.reference.creators == ()
    assert "no authors in the copied text" in [w.message for w in entry.warnings]


def test_unreadable_date_is_kept_as_literal_with_a_warning() -> None:
    entry = read_one(make_entry(date="sometime soon"))
    assert entry.reference.issued == PartialDate(literal="sometime soon")
    assert any("could not be read" in w.message for w in entry.warnings)


def test_year_only_date() -> None:
    assert read_one(make_entry(date="2015")).reference.issued == PartialDate(2015)


def test_publication_date_without_content_type_still_starts_an_entry() -> None:
    text = make_entry() + make_entry().split("\n", 1)[1]
    result = READER.read(text)
    assert len(result.entries) == 2
    assert "no content type line before the publication date" in [
        w.message for w in result.entries[1].warnings
    ]


def test_text_without_entries_raises_format_error() -> None:
    with pytest.raises(FormatError, match="no Emerald Insight entries"):
        READER.read("Just a paragraph of prose.\n\nAnd another one.")


def test_sniff_recognises_emerald_and_nothing_else() -> None:
    assert READER.sniff(make_entry()) >= 0.9
    assert READER.sniff("Publication date: 2012 appears in prose") < 0.5
    assert READER.sniff("Plain prose about peer support.") == 0.0
    for page in SCIENCEGATE_DATA_DIR.glob("*.txt"):
        assert READER.sniff(fixture_text(page)) == 0.0


def test_registry_picks_emerald_for_an_emerald_page() -> None:
    result = registry.parse_text(fixture_text(DATA_DIR / "mixed.txt"))
    assert result.format_name == "emerald"
    assert len(result.entries) == 5


# --- size -----------------------------------------------------------------------------------

PARAGRAPH = (
    "Peer workers described the first months in post as a time of learning what the role could "
    "be, and managers described learning alongside them while the team settled. "
)


def _large_page(count: int) -> str:
    body = PARAGRAPH * 3
    entries = []
    for index in range(count):
        entries.append(
            f"Article\nPublication date: {1 + index % 28} June {1990 + index % 30}\n\n"
            f"Alex Morgan{index}, Sam Rivera and Jo Chen\n\n{body[:170]}…\n\n{index}\n\n"
            f"Abstract\n\nPurpose\n\n{body}\n\nDesign/methodology/approach\n\n{body}\n\n"
            f"Findings\n\n{body}\n\nOriginality/value\n\n{body}\n\nDetails\n\n"
            f"Mental Health Review Journal, vol. {index % 40} no. {index % 4 + 1}\n"
            "Type: Research Article\nISSN: 1361-9322\n\nKeywords\n\nPeer support\nRecovery\n\n"
        )
    return "Search results\n\n" + "".join(entries)


@pytest.mark.slow
def test_a_twenty_megabyte_page_reads_every_entry_right() -> None:
    """Size alone changes nothing; how long it takes is ``benchmarks/bench_parse.py``'s job."""
    page = _large_page(10_000)
    assert len(page) > 20_000_000
    result = READER.read(page)
    assert len(result.entries) == 10_000
    assert result.entries[0].reference == READER.read(_large_page(1)).entries[0].reference
    last = result.entries[-1].reference
    assert (last.volume, last.issue, last.issued) == ("39", "4", PartialDate(1999, 6, 4))
    assert [s.heading for s in last.abstract] == [
        "Purpose",
        "Design/methodology/approach",
        "Findings",
        "Originality/value",
    ]
