"""OpenAlex work JSON: one work, a list of works, or a page of the API's results."""

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
from peerref.core.model import PartialDate, ReferenceType
from peerref.formats.openalex_json import LABEL, NAME, OpenalexJsonReader
from peerref.formats.registry import parse_text, rank

FIXTURES = fixture_paths("openalex_json", ".json")
WORK = next(p for p in FIXTURES if p.name == "single_work.json")
LIST = next(p for p in FIXTURES if p.name == "list_of_works.json")
PAGE = next(p for p in FIXTURES if p.name == "api_results_page.json")
READER = OpenalexJsonReader()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_is_detected_and_matches_golden(path: Path) -> None:
    assert_detected_and_matches_golden(
        fixture_text(path), NAME, path.with_name(path.stem + ".expected.json")
    )


def test_a_work_read_whole() -> None:
    ref = READER.read(WORK.read_text("utf-8")).references[0]
    assert ref.type is ReferenceType.ARTICLE_JOURNAL
    assert (ref.container_title, ref.publisher) == ("Journal of Mental Health", "Taylor & Francis")
    assert (ref.volume, ref.issue, ref.page) == ("33", "2", "155-163")
    assert ref.issued == PartialDate(2024, 2, 14)
    assert (ref.doi, ref.pmid, ref.pmcid) == (
        "10.1080/09638237.2024.2300011",
        "39000301",
        "PMC11000301",
    )
    assert ref.issn == ("0963-8237", "1360-0567")
    assert [c.family_with_particle() for c in ref.creators] == ["Repper", "Watson", "de la Cruz"]
    # The abstract comes back from OpenAlex's inverted index.
    assert ref.abstract_text.startswith("Young people in early intervention services who met")
    assert ref.abstract_text.endswith("than those who did not.")
    assert ref.keywords == ("Hope", "Peer support", "Humans", "Peer Group")
    assert ref.extra["openalex:id"] == "https://openalex.org/W4390000001"
    assert ref.extra["openalex:orcid"] == "Julie Repper: https://orcid.org/0000-0001-8463-1097"
    assert ref.extra["openalex:topics"].startswith("Peer Support in Mental Health")


def test_openalex_figures_are_named_once_not_kept() -> None:
    result = READER.read(WORK.read_text("utf-8"))
    (note,) = result.warnings
    for part in ("cited_by_count", "counts_by_year", "referenced_works", "concepts"):
        assert part in note.message
    assert not any("W2100000001" in v for v in result.references[0].extra.values())


def test_a_list_of_works_and_an_api_page() -> None:
    chapter, thesis = READER.read(LIST.read_text("utf-8")).references
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.url == "https://link.springer.com/chapter/10.1007/978-3-030-91234-5_6"
    assert thesis.type is ReferenceType.THESIS
    assert thesis.publisher == "University of Manchester"  # the author's affiliation
    entries = READER.read(PAGE.read_text("utf-8")).entries
    preprint, notice = (e.reference for e in entries)
    assert preprint.type is ReferenceType.PREPRINT
    assert preprint.extra["openalex:type"] == "preprint"
    assert notice.extra["openalex:is_retracted"] == "true"
    assert [d.message for d in entries[1].warnings] == ["work 2 is marked as retracted"]


def test_csl_json_still_refuses_an_openalex_work() -> None:
    with pytest.raises(FormatError, match="OpenAlex"):
        parse_text(WORK.read_text("utf-8"), "csl-json")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"id": "https://openalex.org/W1",\n"title": }', 2),
        ('{"results": []}', None),
        ('[{"title": "not a work"}]', None),
        ("42", None),
    ],
)
def test_bad_input_is_a_format_error_saying_where(text: str, where: int | None) -> None:
    with pytest.raises(FormatError) as refused:
        READER.read(text)
    assert refused.value.line == where


def test_a_hostile_inverted_index_is_read_without_error() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "title": "Peer work",
        "abstract_inverted_index": {"peer": [10**12, -4, "x", 0], "work": None, "x": [1]},
        "authorships": "nobody",
        "biblio": [],
    }
    ref = READER.read(json.dumps(work)).references[0]
    assert ref.abstract_text == "peer x"


def test_detection_ranks_it_first_and_leaves_other_formats_alone() -> None:
    for path in FIXTURES:
        assert rank(path.read_text("utf-8"))[0][1].name == NAME
    assert_other_formats_not_taken(READER)


def test_peerref_cli_parse_names_the_format(tmp_path: Path) -> None:
    code, out, err = cli_parse(PAGE, tmp_path / "library.sqlite")
    assert code == 0
    assert f"{LABEL}: 2 reference(s) found" in err
    assert "warning: entry 2: work 2 is marked as retracted" in err
    assert "Online peer support forums and loneliness" in out


@FUZZ
@given(text=RANDOM_JSON)
def test_random_input_raises_only_format_error(text: str) -> None:
    check_reads_or_refuses(READER, text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(path: Path, data: st.DataObject) -> None:
    check_reads_or_refuses(READER, mutate(path.read_text("utf-8"), data, RANDOM_JSON))
