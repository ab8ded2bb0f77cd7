"""EndNote XML export, read safely with lxml."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import Creator, CreatorRole, PartialDate, ReferenceType
from peerref.formats.endnote_xml import EndnoteXmlReader

DATA = FORMATS_DATA / "endnote_xml"
FIXTURE = DATA / "endnote_export.xml"


def test_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        FIXTURE.read_text("utf-8"), "endnote-xml", FIXTURE.with_suffix(".json")
    )


def test_style_runs_identifiers_and_corporate_authors() -> None:
    article, chapter = EndnoteXmlReader().read(FIXTURE.read_text("utf-8")).references
    assert article.title == (
        "Shared experience as a working tool: how peer support workers describe their first year"
    )
    assert article.creators[2] == Creator(literal="Mental Health Foundation")
    assert article.issn == ("1755-6228", "2042-8707")
    assert article.pmid == "34000001" and article.pmcid == "PMC9000001"
    assert article.issued == PartialDate(2021, 6, 15)
    assert article.page == "233-247"
    assert [s.heading for s in article.abstract] == ["Purpose", "Findings"]
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.creators[1].role is CreatorRole.EDITOR
    assert chapter.doi == "10.1108/978-1-80262-145-7-00004"
    assert chapter.collection_title == "Advances in Mental Health and Addiction"


def test_entities_are_not_expanded_and_nothing_is_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "expanded">]><xml><records><record><ref-type name="Journal Article"/>'
        "<titles><title>Peer &x; &y;</title></titles></record></records></xml>"
    )
    title = EndnoteXmlReader().read(text).references[0].title
    assert "do not read me" not in title
    assert "expanded" not in title


@pytest.mark.parametrize(
    "text", ["<xml><records>", "<xml><records></records></xml>", "not xml at all <"]
)
def test_broken_or_empty_xml_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError):
        EndnoteXmlReader().read(text)


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(
        EndnoteXmlReader(), FIXTURE.read_text("utf-8"), noise, at, cut
    )


# ---------------------------------------------------------------- issue 13: silent losses

WEB_URLS = DATA / "web_urls.xml"


def test_web_urls_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        WEB_URLS.read_text("utf-8"), "endnote-xml", WEB_URLS.with_suffix(".json")
    )


def test_web_urls_are_the_url() -> None:
    ref = EndnoteXmlReader().read(WEB_URLS.read_text("utf-8")).references[0]
    assert (
        ref.url == "https://www.mind.org.uk/information-support/drugs-and-treatments/peer-support/"
    )


def test_values_no_field_takes_are_kept_under_their_path() -> None:
    ref = EndnoteXmlReader().read(WEB_URLS.read_text("utf-8")).references[0]
    assert ref.extra["endnote:titles/translated-title"] == "Soutien par les pairs"
    assert ref.extra["endnote:urls/pdf-urls/url"] == "internal-pdf://peer-support.pdf"
    assert ref.extra["endnote:section"] == "Information and support"
