"""PubMed XML (efetch, PubMed's "Save → XML"): articles and Bookshelf chapters, read safely."""

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
from peerref.core.model import AbstractSection, CreatorRole, PartialDate, ReferenceType
from peerref.formats.base import Severity
from peerref.formats.medline import AHEAD_OF_PRINT
from peerref.formats.pubmed_xml import INCOMPLETE_AUTHORS_WARNING, LABEL, NAME, PubmedXmlReader
from peerref.formats.registry import rank

FIXTURES = fixture_paths("pubmed_xml", ".xml")
ARTICLES = next(p for p in FIXTURES if p.name == "efetch_articles.xml")
BOOK = next(p for p in FIXTURES if p.name == "bookshelf_chapter.xml")
READER = PubmedXmlReader()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_detected_and_matches_golden(path: Path) -> None:
    assert_detected_and_matches_golden(
        fixture_text(path), NAME, path.with_name(path.stem + ".expected.json")
    )


def test_a_structured_abstract_keeps_its_labels_as_headings() -> None:
    article, second = READER.read(ARTICLES.read_text("utf-8")).references
    assert [s.heading for s in article.abstract] == [
        "Objective",
        "Methods",
        "Results",
        "Conclusions",
    ]
    # Without labels, MEDLINE's inline capitals are split as the MEDLINE reader does.
    assert second.abstract[0] == AbstractSection(
        "Background", "Recovery colleges offer courses written with people who use services."
    )


def test_journal_place_qualifier_ids_and_mesh() -> None:
    article = READER.read(ARTICLES.read_text("utf-8")).references[0]
    assert article.container_title == "Psychiatric services"
    assert article.publisher_place == "Washington, D.C."
    assert article.container_title_short == "Psychiatr Serv"
    assert article.page == "318-326"
    assert article.issued == PartialDate(2024, 4, 1)
    assert (article.doi, article.pmid, article.pmcid) == (
        "10.1176/appi.ps.20230417",
        "39000101",
        "PMC11000101",
    )
    assert article.issn == ("1557-9700",)
    assert article.keywords[:3] == ("Humans", "Patient Discharge", "Peer Group")
    assert article.extra["pubmed-xml:mesh"].splitlines()[-1] == "Peer Group/*psychology"
    assert article.title.endswith("of shared decision making at discharge")


def test_authors_keep_particles_orcid_and_affiliation() -> None:
    okafor, berg, group = READER.read(ARTICLES.read_text("utf-8")).references[0].creators
    assert (okafor.family, okafor.given) == ("Okafor", "Chidinma N")
    assert (berg.particle, berg.family, berg.suffix) == ("van der", "Berg", "Jr")
    assert group.literal == "Peer Workforce Study Group"
    extra = READER.read(ARTICLES.read_text("utf-8")).references[0].extra
    assert extra["pubmed-xml:orcid"] == "Chidinma N Okafor: 0000-0002-1825-0097"
    assert extra["pubmed-xml:affiliations"].startswith(
        "Chidinma N Okafor: Department of Psychiatry"
    )


def test_the_cited_references_are_named_not_kept() -> None:
    entry = READER.read(ARTICLES.read_text("utf-8")).entries[0]
    (note,) = entry.warnings
    assert note.severity is Severity.INFO
    assert "PubmedData/ReferenceList" in note.message and "2 references" in note.message
    assert not any("Repper J, Carter T" in value for value in entry.reference.extra.values())


def test_ahead_of_print_incomplete_authors_and_vernacular_title() -> None:
    entry = READER.read(ARTICLES.read_text("utf-8")).entries[1]
    ref = entry.reference
    assert ref.status == AHEAD_OF_PRINT
    assert ref.truncated == frozenset({"author"})
    assert INCOMPLETE_AUTHORS_WARNING in [d.message for d in entry.warnings]
    assert ref.title == "Tillhörighet i återhämtningsskolor: en enkätstudie"
    assert ref.issued == PartialDate(year=2024, season="Mar-Apr")
    assert ref.page == "e2024017"  # the ELocationID pii of an article without pages
    assert (ref.language, ref.extra["pubmed-xml:languages"]) == ("sv", "swe; eng")
    assert ref.issn == ("1095-158X", "1559-3126")
    assert ref.extra["pubmed-xml:investigators"] == "Samira Haddad"


def test_a_bookshelf_chapter() -> None:
    ref = READER.read(BOOK.read_text("utf-8")).references[0]
    assert ref.type is ReferenceType.CHAPTER
    assert (ref.title, ref.container_title) == (
        "Supervising peer support workers",
        "Peer Work in Mental Health Care",
    )
    assert [c.role for c in ref.creators] == [
        CreatorRole.AUTHOR,
        CreatorRole.AUTHOR,
        CreatorRole.EDITOR,
    ]
    assert ref.url == "https://www.ncbi.nlm.nih.gov/books/NBK590001/"
    assert ref.isbn == ("978-3-030-91234-5",)
    assert (ref.publisher, ref.publisher_place, ref.edition) == (
        "StatPearls Publishing",
        "Treasure Island (FL)",
        "2nd",
    )


def test_entities_are_not_expanded_and_nothing_is_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "expanded">]><PubmedArticleSet><PubmedArticle><MedlineCitation>'
        "<PMID>1</PMID><Article><ArticleTitle>Peer &x; &y; work</ArticleTitle></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    title = READER.read(text).references[0].title
    assert "do not read me" not in title and "expanded" not in title


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("<PubmedArticleSet><PubmedArticle>\n<MedlineCitation>", 2),
        ("<PubmedArticleSet></PubmedArticleSet>", None),
        ("<records><record/></records>", 1),
        ("<PubmedArticleSet><PubmedArticle><PubmedData/></PubmedArticle></PubmedArticleSet>", 1),
    ],
)
def test_bad_input_is_a_format_error_saying_where(text: str, where: int | None) -> None:
    with pytest.raises(FormatError) as refused:
        READER.read(text)
    assert refused.value.line == where


def test_detection_ranks_it_first_and_leaves_other_formats_alone() -> None:
    assert rank(ARTICLES.read_text("utf-8"))[0][1].name == NAME
    assert_other_formats_not_taken(READER)


def test_peerref_cli_parse_names_the_format(tmp_path: Path) -> None:
    code, out, err = cli_parse(ARTICLES, tmp_path / "library.sqlite")
    assert code == 0
    assert f"{LABEL}: 2 reference(s) found" in err
    assert '"PMID": "39000101"' in out


@FUZZ
@given(text=RANDOM_XML)
def test_random_input_raises_only_format_error(text: str) -> None:
    check_reads_or_refuses(READER, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(path: Path, data: st.DataObject) -> None:
    check_reads_or_refuses(READER, mutate(path.read_text("utf-8"), data, RANDOM_XML))
