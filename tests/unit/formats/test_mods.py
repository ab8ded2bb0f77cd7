"""MODS XML (library catalogues, institutional repositories): records, hosts, roles."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_golden import assert_detected_and_matches_golden, fixture_text
from hypothesis import given
from hypothesis import strategies as st
from structured_checks import (
    FUZZ,
    RANDOM_XML,
    assert_other_formats_not_taken,
    check_reads_or_refuses,
    cli_parse,
    fixture_paths,
    mutate,
)

from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.mods import LABEL, NAME, ModsReader
from peerref.formats.registry import rank

FIXTURES = fixture_paths("mods", ".xml")
COLLECTION = next(p for p in FIXTURES if p.name == "repository_records.xml")
PREFIXED = next(p for p in FIXTURES if p.name == "prefixed_report.xml")
READER = ModsReader()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_detected_and_matches_golden(path: Path) -> None:
    assert_detected_and_matches_golden(
        fixture_text(path), NAME, path.with_name(path.stem + ".expected.json")
    )


def test_an_article_in_its_host_journal() -> None:
    article = READER.read(COLLECTION.read_text("utf-8")).references[0]
    assert article.type is ReferenceType.ARTICLE_JOURNAL
    assert article.title == (
        "The peer worker's toolkit: boundaries, disclosure and self-care in community teams"
    )
    assert article.title_short == "Peer worker's toolkit"
    assert (article.container_title, article.container_title_short) == (
        "Mental Health Review Journal",
        "Ment Health Rev J",
    )
    assert (article.volume, article.issue, article.page) == ("28", "3", "211-224")
    assert article.issued == PartialDate(2023, 9)
    assert article.issn == ("1361-9322", "2042-8758")
    assert article.doi == "10.1108/MHRJ-01-2023-0004"
    assert article.url == "https://repository.example.ac.uk/handle/20.500.12345/8812"
    assert article.keywords == (
        "Peer counseling",
        "Community mental health services",
        "Self-disclosure",
    )
    assert article.extra["mods:subjects"] == "geographic: England\ntemporal: 2020-2023"
    assert article.extra["note"] == "version: Author accepted manuscript"


def test_roles_decide_who_is_a_creator() -> None:
    article, thesis, chapter = READER.read(COLLECTION.read_text("utf-8")).references
    assert [c.family for c in article.creators] == ["Nakamura", "O'Brien"]
    assert article.extra["mods:contributors"] == "Mind: Peer Support Programme (fnd)"
    assert article.extra["mods:name-identifiers"].startswith("Hiroko Nakamura: orcid")
    assert [c.family for c in thesis.creators] == ["Adeyemi"]
    assert "Rachel Greene (thesis advisor, ths)" in thesis.extra["mods:contributors"]
    assert [(c.family, c.role) for c in chapter.creators] == [
        ("Shah", CreatorRole.AUTHOR),
        ("Mahon", CreatorRole.EDITOR),
    ]


def test_a_thesis_takes_the_key_date_and_drops_catalogue_brackets() -> None:
    thesis = READER.read(COLLECTION.read_text("utf-8")).references[1]
    assert thesis.type is ReferenceType.THESIS
    assert thesis.issued == PartialDate(2022, 7, 14)
    assert (thesis.publisher, thesis.publisher_place) == ("University of Manchester", "Manchester")


def test_a_chapter_with_its_book_and_series() -> None:
    entry = READER.read(COLLECTION.read_text("utf-8")).entries[2]
    chapter = entry.reference
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.container_title == "Peer Support in Mental Health: Research and Practice"
    assert chapter.collection_title == "Oxford Mental Health Guides"
    assert chapter.isbn == ("978-0-19-886541-4",)
    assert chapter.edition == "2nd ed."
    assert "relatedItem" in entry.warnings[0].message  # its cited works are not kept


def test_a_prefixed_single_record() -> None:
    report = READER.read(PREFIXED.read_text("utf-8")).references[0]
    assert report.type is ReferenceType.REPORT
    assert report.title == (
        "Peer support in crisis services. Part 2: What people who used the service told us"
    )
    assert report.creators[0].literal == "Centre for Mental Health"
    assert report.creators[1].role is CreatorRole.TRANSLATOR
    assert (report.language, report.extra["mods:languages"]) == ("en", "eng; wel")
    assert report.extra["mods:originInfo/dateIssued[end]"] == "2020"


def test_an_act_is_titled_by_the_short_title_it_is_cited_by() -> None:
    # GovInfo's bill records: the long title it is enacted under, then its short titles.
    text = """<mods xmlns="http://www.loc.gov/mods/v3">
      <titleInfo><title>A bill to extend peer support specialist training grants under the
        Public Health Service Act, and for other purposes.</title></titleInfo>
      <titleInfo type="alternative"><title>Peer Support Workforce Act of 2025</title></titleInfo>
      <titleInfo type="alternative"><title>H.R. 9912 (IH)</title></titleInfo>
      <genre authority="marcgt">legislation</genre>
    </mods>"""
    bill = READER.read(text).references[0]
    assert bill.title == "Peer Support Workforce Act of 2025"
    assert bill.extra["mods:other-titles"].splitlines() == [
        "long title: A bill to extend peer support specialist training grants under the "
        "Public Health Service Act, and for other purposes.",
        "alternative: H.R. 9912 (IH)",
    ]
    # An ordinary title that happens to have alternatives keeps its own title.
    plain = text.replace("A bill to extend", "Extending")
    assert READER.read(plain).references[0].title.startswith("Extending peer support")


def test_entities_are_not_expanded_and_nothing_is_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE mods [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "expanded">]><mods xmlns="http://www.loc.gov/mods/v3"><titleInfo>'
        "<title>Peer &x; &y; work</title></titleInfo></mods>"
    )
    title = READER.read(text).references[0].title
    assert "do not read me" not in title and "expanded" not in title


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('<mods xmlns="http://www.loc.gov/mods/v3">\n<titleInfo>', 2),
        ('<collection xmlns="http://www.loc.gov/MARC21/slim"><record/></collection>', 1),
        ("", 1),
    ],
)
def test_bad_input_is_a_format_error_saying_where(text: str, where: int) -> None:
    with pytest.raises(FormatError) as refused:
        READER.read(text)
    assert refused.value.line == where


def test_detection_ranks_it_first_and_leaves_other_formats_alone() -> None:
    for path in FIXTURES:
        assert rank(path.read_text("utf-8"))[0][1].name == NAME
    assert_other_formats_not_taken(READER)


def test_peerref_cli_parse_names_the_format(tmp_path: Path) -> None:
    code, out, err = cli_parse(COLLECTION, tmp_path / "library.sqlite")
    assert code == 0
    assert f"{LABEL}: 3 reference(s) found" in err
    assert "Mental Health Review Journal" in out


@FUZZ
@given(text=RANDOM_XML)
def test_random_input_raises_only_format_error(text: str) -> None:
    check_reads_or_refuses(READER, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(path: Path, data: st.DataObject) -> None:
    check_reads_or_refuses(READER, mutate(path.read_text("utf-8"), data, RANDOM_XML))
