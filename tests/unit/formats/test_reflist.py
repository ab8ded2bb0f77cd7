"""The generic reference-list reader: APA, Harvard and Vancouver lines and paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_golden import FORMATS_DATA, assert_matches_golden

from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, ReferenceType
from peerref.formats.base import ParseResult
from peerref.formats.reflist import MAX_SNIFF, ReferenceListReader
from peerref.formats.registry import parse_text, rank, readers

DATA = FORMATS_DATA / "reflist"
OTHER_FIXTURES = sorted(
    p
    for p in (FORMATS_DATA).glob("*/*")
    if p.suffix in {".txt", ".nbib", ".ris", ".bib"} and p.parent.name != "reflist"
)


@pytest.mark.parametrize("fixture", ["apa_harvard.txt", "vancouver.txt"])
def test_fixture_matches_golden(fixture: str) -> None:
    result = parse_text((DATA / fixture).read_text(encoding="utf-8"))
    assert result.format_name == "reflist"
    assert_matches_golden(result, (DATA / fixture).with_suffix(".json"))


def _apa() -> ParseResult:
    return ReferenceListReader().read((DATA / "apa_harvard.txt").read_text(encoding="utf-8"))


def test_every_entry_is_a_guess_with_a_warning() -> None:
    for entry in _apa().entries:
        assert 0 < entry.confidence < 1
        assert entry.warnings
        assert entry.warnings[0].line == entry.first_line


def test_heading_is_skipped_and_entries_have_lines() -> None:
    result = _apa()
    assert [d.line for d in result.skipped] == [1]
    assert [e.first_line for e in result.entries] == [3, 5, 7, 9, 11, 13]


def test_apa_article_fields() -> None:
    ref = _apa().entries[0].reference
    assert ref.issued.year == 2019
    assert (ref.container_title, ref.volume, ref.issue, ref.page) == (
        "Psychiatric Services",
        "70",
        "6",
        "512-517",
    )
    assert ref.doi == "10.1176/appi.ps.201800417"
    assert ref.creators[1].particle == "van der"


def test_apa_ellipsis_marks_the_authors_truncated() -> None:
    entry = _apa().entries[1]
    assert entry.reference.truncated == frozenset({"author"})
    assert entry.reference.page == "88"


def test_chapter_with_editors() -> None:
    ref = _apa().entries[3].reference
    assert ref.type is ReferenceType.CHAPTER
    assert ref.container_title == "Crisis care handbook"
    assert [c.role for c in ref.creators] == [
        CreatorRole.AUTHOR,
        CreatorRole.EDITOR,
        CreatorRole.EDITOR,
    ]
    assert ref.page == "101-118"


def test_harvard_quoted_title() -> None:
    ref = _apa().entries[4].reference
    assert ref.title == "Recovery colleges and peer trainers: shared learning in adult services"
    assert ref.doi == "10.1177/0020764020912345"


def test_vancouver_lines() -> None:
    result = ReferenceListReader().read((DATA / "vancouver.txt").read_text(encoding="utf-8"))
    assert [e.first_line for e in result.entries] == [1, 2, 3, 4]
    assert [d.line for d in result.skipped] == [6]
    assert result.entries[2].reference.truncated == frozenset({"author"})
    assert result.entries[0].reference.page == "512-517"


def test_wrapped_paragraph_is_one_reference() -> None:
    text = (
        "Repper, J., & Watson, E. (2012). A year of peer support in\n"
        "Nottingham: Lessons learned. Mental Health and Social Inclusion, 16(2),\n"
        "70-78.\n"
    )
    result = ReferenceListReader().read(text)
    assert len(result.entries) == 1
    assert (result.entries[0].first_line, result.entries[0].last_line) == (1, 3)
    assert result.entries[0].reference.volume == "16"


def test_sniff_stays_low() -> None:
    for fixture in ("apa_harvard.txt", "vancouver.txt"):
        score = ReferenceListReader().sniff((DATA / fixture).read_text(encoding="utf-8"))
        assert 0.2 <= score <= MAX_SNIFF <= 0.3


@pytest.mark.parametrize("path", OTHER_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_specific_readers_win_over_the_fallback(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    ranked = rank(text)
    if ranked:
        assert ranked[0][1].name != "reflist"


def test_reader_is_registered() -> None:
    assert "reflist" in {r.name for r in readers()}


def test_prose_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        ReferenceListReader().read("We talked about peer support.\n\nNothing else here.\n")


def test_a_paragraph_of_prose_is_a_doubtful_reading_and_references_are_not() -> None:
    prose = (
        "Recent work by Okafor (2019) argued that peer work changes services. It does so in "
        "three ways, which the next section takes one at a time."
    )
    (entry,) = parse_text(prose).entries
    assert entry.confidence < 0.35
    assert any("prose" in warning.message for warning in entry.warnings)
    assert all(e.confidence >= 0.35 for e in _apa().entries)
