"""Crossref XML (unixref): journal articles, chapters, preprints; errors and citations."""

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
from peerref.formats.crossref_xml import LABEL, NAME, CrossrefXmlReader, repair_text
from peerref.formats.registry import rank

FIXTURES = fixture_paths("crossref_xml", ".xml")
ARTICLE = next(p for p in FIXTURES if p.name == "journal_article.xml")
QUERY = next(p for p in FIXTURES if p.name == "query_result.xml")
READER = CrossrefXmlReader()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_detected_and_matches_golden(path: Path) -> None:
    assert_detected_and_matches_golden(
        fixture_text(path), NAME, path.with_name(path.stem + ".expected.json")
    )


def test_a_journal_article() -> None:
    entry = READER.read(ARTICLE.read_text("utf-8")).entries[0]
    ref = entry.reference
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert ref.title == (
        "Lived experience in the ward team: nurses' views of peer support workers: "
        "A qualitative study"
    )
    assert (ref.container_title, ref.container_title_short) == (
        "International Journal of Mental Health Nursing",
        "Int J Mental Health Nurs",
    )
    assert (ref.volume, ref.issue, ref.page) == ("33", "2", "412-423")
    assert ref.issued == PartialDate(2024, 4)  # the print date; the online one is in extra
    assert ref.extra["crossref:dates"] == "online: 2024-01-22"
    assert ref.issn == ("1445-8330", "1447-0349")
    assert ref.abstract == (
        AbstractSection("Aim", "To learn how ward nurses see the work of peer support workers."),
        AbstractSection(
            "Findings",
            "Nurses came to see peers as colleagues once roles were written down. "
            "Some still felt unsure about disclosure.",
        ),
    )
    assert ref.extra["crossref:journal_article/program[AccessIndicators]/license_ref"] == (
        "http://creativecommons.org/licenses/by/4.0/"
    )


def test_people_and_what_is_kept_beside_them() -> None:
    ref = READER.read(ARTICLE.read_text("utf-8")).references[0]
    bhriain, cruz, network = ref.creators
    assert (bhriain.family, bhriain.given) == ("Ní Bhriain", "Aoife")
    assert (cruz.particle, cruz.family, cruz.suffix) == ("de la", "Cruz", "III")
    assert network.literal == "Irish Peer Support Network"
    assert ref.extra["crossref:orcid"] == (
        "Aoife Ní Bhriain: https://orcid.org/0000-0001-5109-3700"
    )
    assert ref.extra["crossref:contributors"] == "Grace Mwangi (chair)"


def test_cited_works_and_text_mining_links_are_named_not_kept() -> None:
    entry = READER.read(ARTICLE.read_text("utf-8")).entries[0]
    notes = {d.message for d in entry.warnings if d.severity is Severity.INFO}
    assert any("citation_list" in n for n in notes)
    assert any("doi_data/collection" in n for n in notes)


def test_a_query_result_with_a_chapter_a_preprint_and_an_error() -> None:
    result = READER.read(QUERY.read_text("utf-8"))
    chapter, preprint = result.references
    assert chapter.type is ReferenceType.CHAPTER
    assert (chapter.container_title, chapter.collection_title) == (
        "Peer Support in Mental Health Services",
        "Advances in Mental Health and Addiction",
    )
    assert [(c.family, c.role) for c in chapter.creators] == [
        ("Asante", CreatorRole.AUTHOR),
        ("Mahon", CreatorRole.EDITOR),
    ]
    assert (chapter.publisher, chapter.publisher_place) == (
        "Springer International Publishing",
        "Cham",
    )
    assert preprint.type is ReferenceType.PREPRINT
    assert preprint.publisher == "PsyArXiv"
    (error,) = result.skipped
    assert "DOI not found in CrossRef" in error.message


def test_c1_control_characters_are_read_as_intended() -> None:
    assert repair_text("Big Data Era \x97 Roles") == "Big Data Era — Roles"
    assert repair_text("1877\xe2\x80\x931919") == "1877–1919"
    assert repair_text("plain – text") == "plain – text"


def test_entities_are_not_expanded_and_nothing_is_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE doi_records [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "expanded">]><doi_records><doi_record><crossref><journal>'
        "<journal_article><titles><title>Peer &x; &y; work</title></titles></journal_article>"
        "</journal></crossref></doi_record></doi_records>"
    )
    title = READER.read(text).references[0].title
    assert "do not read me" not in title and "expanded" not in title


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("<doi_records>\n<doi_record>\n<crossref>", 3),
        ("<doi_records/>", 1),
        ("<doi_records><doi_record><crossref><error>No DOI</error></crossref></doi_record>"
         "</doi_records>", None),
    ],
)  # fmt: skip
def test_bad_input_is_a_format_error_saying_where(text: str, where: int | None) -> None:
    with pytest.raises(FormatError) as refused:
        READER.read(text)
    assert refused.value.line == where


def test_detection_ranks_it_first_and_leaves_other_formats_alone() -> None:
    for path in FIXTURES:
        assert rank(path.read_text("utf-8"))[0][1].name == NAME
    assert_other_formats_not_taken(READER)


def test_peerref_cli_parse_names_the_format(tmp_path: Path) -> None:
    code, out, err = cli_parse(QUERY, tmp_path / "library.sqlite")
    assert code == 0
    assert f"{LABEL}: 2 reference(s) found" in err
    assert "skipped: line" in err and "DOI not found" in err
    assert "10.31234/osf.io/peer7" in out


@FUZZ
@given(text=RANDOM_XML)
def test_random_input_raises_only_format_error(text: str) -> None:
    check_reads_or_refuses(READER, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(path: Path, data: st.DataObject) -> None:
    check_reads_or_refuses(READER, mutate(path.read_text("utf-8"), data, RANDOM_XML))
