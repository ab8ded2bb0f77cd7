"""DataCite JSON: a record's attributes, or the DataCite API's answer around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_golden import assert_detected_and_matches_golden, fixture_text
from hypothesis import given
from hypothesis import strategies as st
from structured_checks import (
    FUZZ,
    RANDOM_JSON,
    assert_other_formats_not_taken,
    check_reads_or_refuses,
    cli_parse,
    fixture_paths,
    mutate,
)

from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.datacite_json import LABEL, NAME, DataciteJsonReader
from peerref.formats.registry import rank

FIXTURES = fixture_paths("datacite_json", ".json")
DATASET = next(p for p in FIXTURES if p.name == "zenodo_dataset.json")
API = next(p for p in FIXTURES if p.name == "api_answer.json")
READER = DataciteJsonReader()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_detected_and_matches_golden(path: Path) -> None:
    assert_detected_and_matches_golden(
        fixture_text(path), NAME, path.with_name(path.stem + ".expected.json")
    )


def test_a_dataset_record() -> None:
    result = READER.read(DATASET.read_text("utf-8"))
    ref = result.references[0]
    assert ref.type is ReferenceType.DATASET
    assert (
        ref.title == "Peer support worker wellbeing survey: anonymised responses from 14 NHS trusts"
    )
    assert ref.issued == PartialDate(2023, 10, 5)  # Issued, not Collected or Updated
    assert ref.extra["datacite:dates"] == "Collected: 2023-03-01/2023-06-30\nUpdated: 2024-01-12"
    assert [c.role for c in ref.creators] == [CreatorRole.AUTHOR] * 3 + [CreatorRole.EDITOR]
    assert ref.creators[2].literal == "Peer Support Research Collaborative"
    assert ref.extra["datacite:orcid"] == "Samira Haddad: https://orcid.org/0000-0002-9079-593X"
    assert ref.extra["datacite:contributors"] == "Rachel Greene (ContactPerson)"
    assert ref.keywords == ("peer support", "burnout", "FOS: Psychology")
    assert ref.extra["datacite:other-titles"] == (
        "TranslatedTitle (pl): Badanie dobrostanu pracowników wsparcia rówieśniczego"
    )
    assert "References: DOI 10.1080/09638237.2011.583947" in ref.extra["datacite:related"]
    assert ref.extra["datacite:version"] == "1.1"
    # DataCite's own bookkeeping (views, citations, its state) is named, not kept.
    (note,) = result.warnings
    assert "viewCount" in note.message and "state" in note.message


def test_the_api_answer_with_a_chapter_and_an_article() -> None:
    result = READER.read(API.read_text("utf-8"))
    chapter, article = result.references
    assert chapter.type is ReferenceType.CHAPTER
    assert (chapter.container_title, chapter.volume, chapter.page) == (
        "Peer Work Across Europe",
        "2",
        "41-58",
    )
    assert [(c.family, c.role) for c in chapter.creators] == [
        ("Asante", CreatorRole.AUTHOR),
        ("Lindqvist", CreatorRole.EDITOR),
    ]
    assert chapter.isbn == ("978-3-030-91234-5",)
    assert article.type is ReferenceType.ARTICLE_JOURNAL
    assert (article.container_title, article.volume, article.issue, article.page) == (
        "Journal of Peer Work",
        "5",
        "1",
        "e19",
    )
    assert article.issn == ("1471-244X",)
    assert "attributes/xml" in result.warnings[0].message


def test_a_size_that_is_a_page_range_gives_the_pages() -> None:
    record = {
        "types": {"resourceTypeGeneral": "Text", "citeproc": "article-journal"},
        "titles": [{"title": "Peer work"}],
        "sizes": ["42-79 Seiten"],
        "container": {"type": "Series", "title": "Journal für Peer-Arbeit", "firstPage": "Bd. 1"},
    }
    ref = READER.read(json.dumps(record)).references[0]
    assert ref.page == "42-79"
    assert ref.extra["datacite:container/firstPage"] == "Bd. 1"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"types": {"resourceTypeGeneral": "Text"},\n"titles": [', 2),
        ('{"data": []}', None),
        ("[1, 2]", None),
        ('"a string"', None),
    ],
)
def test_bad_input_is_a_format_error_saying_where(text: str, where: int | None) -> None:
    with pytest.raises(FormatError) as refused:
        READER.read(text)
    assert refused.value.line == where


def test_deeply_nested_input_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="nested too deeply"):
        READER.read("[" * 100000 + "]" * 100000)


def test_detection_ranks_it_first_and_leaves_other_formats_alone() -> None:
    for path in FIXTURES:
        assert rank(path.read_text("utf-8"))[0][1].name == NAME
    assert_other_formats_not_taken(READER)


def test_peerref_cli_parse_names_the_format(tmp_path: Path) -> None:
    code, out, err = cli_parse(DATASET, tmp_path / "library.sqlite")
    assert code == 0
    assert f"{LABEL}: 1 reference(s) found" in err
    assert '"DOI": "10.5281/zenodo.8800123"' in out


@FUZZ
@given(text=RANDOM_JSON)
def test_random_input_raises_only_format_error(text: str) -> None:
    check_reads_or_refuses(READER, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(path: Path, data: st.DataObject) -> None:
    check_reads_or_refuses(READER, mutate(path.read_text("utf-8"), data, RANDOM_JSON))
