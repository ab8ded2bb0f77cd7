"""Refer and EndNote tagged (.enw) files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    assert_not_taken_by,
    fixture_text,
    fixtures_of_other_formats,
    splice_noise_fuzz,
)

from peerref.cli import main as cli_main
from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.refer import ReferReader

DATA = FORMATS_DATA / "refer"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in {".enw", ".txt"})


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_detected_and_match_golden(path: Path) -> None:
    assert_detected_and_matches_golden(fixture_text(path), "refer", path.with_suffix(".json"))


def test_endnote_article() -> None:
    result = ReferReader().read(fixture_text(DATA / "endnote.enw"))
    ref = result.references[0]
    assert [(e.first_line, e.last_line) for e in result.entries] == [(1, 24), (26, 39), (41, 50)]
    assert ref.creators[2].particle == "Ó"
    assert ref.issued == PartialDate(2022, 6)  # %D with %8
    assert (ref.doi, ref.issn) == ("10.1037/prj0000512", ("1095-158X",))
    # Lines under %K are keywords; lines under %X run on.
    assert ref.keywords == (
        "peer support specialists",
        "inpatient psychiatry",
        "role clarity",
        "burnout",
    )
    assert ref.abstract_text.endswith("went with emotional exhaustion.")
    assert ref.extra["database"] == "APA PsycInfo"
    assert ref.extra["refer:M"] == "2022-41877-003"


def test_section_and_thesis() -> None:
    _, chapter, thesis = ReferReader().read(fixture_text(DATA / "endnote.enw")).references
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.container_title.startswith("Peer support in mental health services")
    assert [c.role for c in chapter.creators].count(CreatorRole.EDITOR) == 2
    assert (chapter.collection_title, chapter.edition) == ("Recovery in Practice", "2nd")
    assert chapter.extra["note"] == "Chapter 11."
    assert thesis.type is ReferenceType.THESIS
    assert thesis.page == "" and thesis.extra["refer:P"] == "214"
    assert thesis.extra["database"] == "Dissertations & Theses Global"


def test_records_without_a_type_are_typed_by_their_fields() -> None:
    article, book = ReferReader().read(fixture_text(DATA / "refer_classic.txt")).references
    assert article.type is ReferenceType.ARTICLE_JOURNAL  # it names a journal
    assert book.type is ReferenceType.BOOK  # it names a publisher


def test_the_last_type_counts_and_translators_are_read() -> None:
    text = "%0 Serial\n%0 Book\n%T Usynlige byer\n%A Calvino, Italo\n%Y Aardal, Jorunn\n%D 1982\n"
    ref = ReferReader().read(text).references[0]
    assert ref.type is ReferenceType.BOOK
    assert ref.extra["refer:0"] == "Serial"
    assert [c.role for c in ref.creators] == [CreatorRole.AUTHOR, CreatorRole.TRANSLATOR]


def test_several_languages_are_joined() -> None:
    ref = ReferReader().read("%0 Book\n%T Peer work\n%G Norsk\n%G English\n").references[0]
    assert ref.language == "Norsk, English"


def test_no_record_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="%T"):
        ReferReader().read("just some text\n\nand more\n")


@pytest.mark.parametrize(
    "path", fixtures_of_other_formats("refer"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_other_formats_fixtures_are_not_taken_for_refer(path: Path) -> None:
    assert_not_taken_by(ReferReader(), path)


def test_cli_parse_names_the_format(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = DATA / "endnote.enw"
    code = cli_main(
        ["--library", str(tmp_path / "l.sqlite"), "parse", str(path)], stdout=out, stderr=err
    )
    assert code == 0
    assert "EndNote / Refer tagged file (.enw): 3 reference(s) found" in err.getvalue()


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    page = fixture_text(DATA / "endnote.enw")
    assert_noise_raises_only_format_error(ReferReader(), page, noise, at, cut)
