"""The query and hit count a results page shows, read from outside its results."""

from __future__ import annotations

import pytest

from peerref.formats._pageinfo import page_info
from peerref.formats.base import PageInfo


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("1 – 10 of over 67000", 67000),
        ("1-20 of 1,234 results", 1234),
        ("Results: 1 to 20 of 345", 345),
        ("12,345 results", 12345),
        ("About 1,230 results", 1230),
        ("Found 98 results", 98),
        ("345 documents found", 345),
    ],
)
def test_hit_counts_as_sites_write_them(line: str, count: int) -> None:
    info = page_info([line, "first result"], 2, 2)
    assert (info.hit_count, info.hit_text) == (count, line)


@pytest.mark.parametrize(
    "line",
    [
        "Search results for “peer support”",
        'Search results for: "peer support"',
        "You searched for: peer support",
        "Query: peer support",
        "Showing results for peer support",
    ],
)
def test_queries_as_sites_write_them(line: str) -> None:
    assert page_info([line, "result"], 2, 2).query == "peer support"


def test_only_lines_outside_the_results_are_read() -> None:
    lines = ["Header", "Search results for a title", "12 results in this abstract", "Footer"]
    assert page_info(lines, 2, 3) == PageInfo()
    assert page_info(lines, 4, 4).hit_count is None
    assert page_info(lines, 4, 4).query == "a title"
