"""RefWorks tagged exports: with RefWorks' header and without, types that change tags."""

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
from peerref.formats.refworks import RefWorksReader
from peerref.formats.registry import parse_text

DATA = FORMATS_DATA / "refworks"
FIXTURES = sorted(DATA.glob("*.txt"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_detected_and_match_golden(path: Path) -> None:
    assert_detected_and_matches_golden(fixture_text(path), "refworks", path.with_suffix(".json"))


def test_the_header_is_skipped_and_records_keep_their_lines() -> None:
    result = RefWorksReader().read(fixture_text(DATA / "export_with_header.txt"))
    assert [(e.first_line, e.last_line) for e in result.entries] == [(18, 47), (49, 65), (67, 82)]
    assert "header" in result.skipped[0].message and result.skipped[0].line == 1


def test_journal_article() -> None:
    ref = RefWorksReader().read(fixture_text(DATA / "export_with_header.txt")).references[0]
    assert [(c.family, c.given) for c in ref.creators] == [("Repper", "Julie"), ("Carter", "Tim")]
    assert ref.issued == PartialDate(2011, 8)  # YR with FD "Aug"
    assert (ref.page, ref.issn) == ("392-411", ("0963-8237", "1360-0567"))
    assert ref.container_title_short == "J Ment Health"
    assert ref.extra["note"].startswith("PO: Human")
    assert ref.extra["database"] == "APA PsycInfo"
    # The abstract's wrapped line is part of its second section.
    assert ref.abstract[1].heading == "Findings"
    assert ref.abstract[1].text.endswith("the evidence from trials is mixed.")


def test_tags_mean_what_the_reference_type_says() -> None:
    result = RefWorksReader().read(fixture_text(DATA / "export_with_header.txt"))
    chapter, thesis = result.references[1], result.references[2]
    assert chapter.type is ReferenceType.CHAPTER
    assert chapter.container_title == "Peer support in mental health"  # T2: the book
    assert [c.role for c in chapter.creators] == [CreatorRole.AUTHOR, *[CreatorRole.EDITOR] * 2]
    assert chapter.isbn == ("978-1-137-59466-2",)
    assert chapter.extra["refworks:SN"] == "978-1-137-59466-2 (paperback)"
    assert chapter.keywords == ("therapeutic relationship", "peer support")
    assert thesis.type is ReferenceType.THESIS
    assert thesis.page == "" and thesis.extra["refworks:SP"] == "214"  # its page count
    assert thesis.publisher == "University of Glasgow"


def test_edited_book_web_page_and_crlf() -> None:
    text = fixture_text(DATA / "records_crlf.txt")
    assert "\r\n" in text
    article, book, page = RefWorksReader().read(text).references
    assert article.issued == PartialDate(2020, 8, 12)  # FD "08/12" is month and day
    assert (article.pmid, article.doi) == ("32787819", "10.1186/s12888-020-02805-4")
    assert book.type is ReferenceType.BOOK
    assert {c.role for c in book.creators} == {CreatorRole.EDITOR}  # A3 of a book
    assert (book.collection_title, book.edition) == ("Recovery in Practice", "2nd")
    assert page.type is ReferenceType.WEBPAGE
    assert page.container_title == "Mind, the mental health charity"
    assert page.extra["refworks:RD"] == "2023-10-01"


def test_a_line_that_is_no_known_tag_continues_the_value() -> None:
    text = "RT Journal Article\nT1 Peer work in\nUS veterans services\nYR 2020\n"
    ref = RefWorksReader().read(text).references[0]
    assert ref.title == "Peer work in US veterans services"


def test_an_unknown_type_is_kept_in_extra() -> None:
    ref = RefWorksReader().read("RT Artwork\nT1 Portrait of a peer worker\nYR 2020\n").references[0]
    assert ref.type is ReferenceType.OTHER
    assert ref.extra["refworks:RT"] == "Artwork"


def test_no_record_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="RT "):
        RefWorksReader().read("RefWorks Export Tagged Format\n\nCharacter Set=utf-8\n")


@pytest.mark.parametrize(
    "path", fixtures_of_other_formats("refworks"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_other_formats_fixtures_are_not_taken_for_refworks(path: Path) -> None:
    assert_not_taken_by(RefWorksReader(), path)


def test_ris_is_not_refworks() -> None:
    ris = "TY  - JOUR\nAU  - Repper, Julie\nTI  - Peer work\nER  - \n"
    assert RefWorksReader().sniff(ris) == 0.0
    assert parse_text(ris).format_name == "ris"


def test_cli_parse_names_the_format(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = DATA / "export_with_header.txt"
    code = cli_main(
        ["--library", str(tmp_path / "l.sqlite"), "parse", str(path)], stdout=out, stderr=err
    )
    assert code == 0
    assert "RefWorks tagged export: 3 reference(s) found" in err.getvalue()


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    page = fixture_text(DATA / "export_with_header.txt")
    assert_noise_raises_only_format_error(RefWorksReader(), page, noise, at, cut)
