"""The search log as Markdown stays one table whatever a query holds; CSV keeps it exact."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from peerref.core.model import BatchId
from peerref.core.prisma import SearchRecord
from peerref.review import tables

QUERY = 'TITLE("peer | support")\r\nAND ABS(ward\\|unit)\nOR carer\u2028NOT "child"'
RECORD = SearchRecord(
    BatchId(3), "Scopus", datetime(2026, 5, 6, tzinfo=UTC), QUERY, 412,
    "412 results", 40, 2, "scopus.ris", "file",
)  # fmt: skip


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells, splitting only at pipes that are not escaped."""
    cells, cell, escaped = [], "", False
    for char in line.strip().removeprefix("|").removesuffix("|"):
        if escaped:
            cell += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
    cells.append(cell.strip())
    return cells


def test_a_query_with_pipes_and_line_breaks_stays_in_its_cell() -> None:
    lines = tables.search_log([RECORD], "md").splitlines()
    assert len(lines) == 3  # header, rule, one row: no line break leaked into the table
    width = len(tables.SEARCH_LOG_COLUMNS)
    assert all(len(_cells(line)) == width for line in lines)
    row = _cells(lines[2])
    # Line breaks became spaces; pipes and backslashes read back as typed.
    assert row[2] == " ".join(QUERY.split())
    assert row[:2] == ["Scopus", "2026-05-06"]
    assert row[4:] == ["40", "2", "scopus.ris", "#3 (file)"]


def test_the_csv_log_keeps_the_query_exactly() -> None:
    rows = list(csv.reader(io.StringIO(tables.search_log([RECORD], "csv"), newline="")))
    assert len(rows) == 2
    assert rows[1][2] == QUERY
