"""Google Scholar results copied as text."""

from __future__ import annotations

import pytest
from formats_golden import FORMATS_DATA, assert_matches_golden

from peerref.core.errors import FormatError
from peerref.core.model import ReferenceType
from peerref.formats.base import ParseResult
from peerref.formats.registry import parse_text, rank
from peerref.formats.scholar import ScholarReader, parse_byline, scholar_creators

DATA = FORMATS_DATA / "scholar"


def _results() -> ParseResult:
    return parse_text((DATA / "results.txt").read_text(encoding="utf-8"))


def test_results_match_golden() -> None:
    result = _results()
    assert result.format_name == "scholar"
    assert_matches_golden(result, DATA / "results.json")


def test_scholar_ranks_first() -> None:
    assert rank((DATA / "results.txt").read_text(encoding="utf-8"))[0][1].name == "scholar"


def test_entries_span_link_line_to_action_line() -> None:
    result = _results()
    assert [(e.first_line, e.last_line) for e in result.entries] == [
        (8, 12),
        (14, 18),
        (20, 23),
        (25, 28),
        (30, 32),
        (34, 38),
    ]
    assert result.entries[0].raw_text.splitlines()[0] == "[PDF] nih.gov"
    assert result.skipped == ()  # search chrome and the pager are dropped silently


def test_truncated_authors_are_flagged_and_warned() -> None:
    entry = _results().entries[1]
    assert entry.reference.truncated == frozenset({"author"})
    assert entry.reference.creators[-1].family == "Chen"
    assert [w.line for w in entry.warnings] == [16]


def test_truncated_venue_is_kept_as_shown_and_flagged() -> None:
    entry = _results().entries[2]
    assert entry.reference.container_title == "… Journal of Social Psychiatry"
    assert entry.reference.truncated == frozenset({"container-title"})
    assert "venue" in entry.warnings[0].message


def test_snippet_is_not_data() -> None:
    for entry in _results().entries:
        assert not entry.reference.abstract
        assert "…" not in entry.reference.title


def test_book_and_preprint_types() -> None:
    refs = _results().references
    assert refs[3].type is ReferenceType.BOOK
    assert refs[3].container_title == ""
    assert refs[5].type is ReferenceType.PREPRINT


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "CN Okafor, M Lindqvist - Psychiatric Services, 2019 - Am Psychiatric Assoc",
            ("CN Okafor, M Lindqvist", "Psychiatric Services", "2019", "Am Psychiatric Assoc"),
        ),
        ("J Repper - 2016 - books.google.com", ("J Repper", "", "2016", "books.google.com")),
        (
            "D Brennan-Moss - Journal of Mental Health …, 2018",
            ("D Brennan-Moss", "Journal of Mental Health …", "2018", ""),
        ),
        ("J Repper - psycnet.apa.org", ("J Repper", "", "", "psycnet.apa.org")),
    ],
)
def test_byline_parts(line: str, parts: tuple[str, str, str, str]) -> None:
    byline = parse_byline(line)
    assert byline is not None
    assert (byline.authors, byline.venue, byline.year, byline.host) == parts


def test_prose_with_a_dash_is_not_a_byline() -> None:
    assert parse_byline("Peer workers were valued - said most managers we asked, in 2019") is None


def test_initials_first_names_are_read() -> None:
    creators, truncated = scholar_creators("JA van der Berg, M O'Hagan…")
    assert truncated
    assert [(c.particle, c.family, c.given) for c in creators] == [
        ("van der", "Berg", "J. A."),
        ("", "O'Hagan", "M."),
    ]


def test_no_results_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        ScholarReader().read("About 41,200 results (0.06 sec)\nAny time\n")
