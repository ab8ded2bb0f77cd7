"""A review's tables for a report: the search log (PRISMA-S) and every decision.

Written as CSV (for a spreadsheet, one header row, UTF-8) or Markdown (for the methods
section of a paper). The columns are the PRISMA-S items PeerRef knows: the database,
when it was searched, the query and the hit count as the page showed them, and how many
records the search gave the review and how many of those were duplicates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Literal

from peerref.core.errors import UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import Decision, DuplicateRecord, SearchRecord, Stage, current_decisions

TableFormat = Literal["csv", "md"]

SEARCH_LOG_COLUMNS = (
    "Database",
    "Date searched",
    "Query",
    "Hits shown",
    "Records",
    "Duplicates",
    "Source",
    "Import",
)
DECISION_COLUMNS = (
    "decision",
    "reference_id",
    "title",
    "year",
    "doi",
    "stage",
    "verdict",
    "reason",
    "reviewer",
    "time",
    "in_force",
)
DUPLICATE_COLUMNS = ("Database", "Kept reference", "Record", "How", "Count")


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _markdown_cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines.extend("| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], fmt: TableFormat) -> str:
    if fmt == "csv":
        return _csv(header, rows)
    if fmt == "md":
        return _markdown(header, rows)
    raise UserInputError(f"no table format {fmt!r}; choose csv or md")


def ordered_search_records(records: Sequence[SearchRecord]) -> list[SearchRecord]:
    """The searches oldest first (undated ones last), as the log lists them."""
    return sorted(records, key=lambda r: (r.created is None, r.created or 0, r.batch_id or 0))


def search_log_row(record: SearchRecord) -> list[str]:
    """One search's cells, in ``SEARCH_LOG_COLUMNS`` order; unknown items left blank."""
    return [
        record.database,
        record.created.date().isoformat() if record.created else "",
        record.query,
        record.hit_text or ("" if record.hit_count is None else str(record.hit_count)),
        str(record.records),
        str(record.duplicates),
        record.source_name,
        "" if record.batch_id is None else f"#{record.batch_id} ({record.method})",
    ]


def search_log_rows(records: Sequence[SearchRecord]) -> list[list[str]]:
    """One row per search (import batch), oldest first; unknown items left blank."""
    return [search_log_row(record) for record in ordered_search_records(records)]


def search_log(records: Sequence[SearchRecord], fmt: TableFormat) -> str:
    return table(SEARCH_LOG_COLUMNS, search_log_rows(records), fmt)


def duplicate_row(duplicate: DuplicateRecord) -> list[str]:
    """One removed record's cells, in ``DUPLICATE_COLUMNS`` order."""
    return [
        duplicate.database,
        "" if duplicate.kept_id is None else str(duplicate.kept_id),
        duplicate.description,
        duplicate.how,
        str(duplicate.count),
    ]


def duplicates_table(duplicates: Sequence[DuplicateRecord], fmt: TableFormat) -> str:
    return table(DUPLICATE_COLUMNS, [duplicate_row(d) for d in duplicates], fmt)


def decisions_csv(
    decisions: Sequence[Decision], references: Mapping[ReferenceId, Reference]
) -> str:
    """Every decision with its reason, reviewer and time; ``in_force`` marks the latest."""
    in_force = {d.id for d in current_decisions(decisions).values()}
    rows: list[list[str]] = []
    for decision in decisions:
        ref = references.get(decision.reference_id)
        rows.append(
            [
                str(decision.id),
                str(decision.reference_id),
                ref.title if ref else "",
                str(ref.issued.year or "") if ref else "",
                ref.doi if ref else "",
                decision.stage.value,
                decision.verdict.value,
                decision.reason,
                decision.reviewer,
                decision.created.isoformat(timespec="seconds"),
                "yes" if decision.id in in_force else "no",
            ]
        )
    return _csv(DECISION_COLUMNS, rows)


__all__ = [
    "DECISION_COLUMNS",
    "DUPLICATE_COLUMNS",
    "SEARCH_LOG_COLUMNS",
    "Stage",
    "TableFormat",
    "decisions_csv",
    "duplicate_row",
    "duplicates_table",
    "ordered_search_records",
    "search_log",
    "search_log_row",
]
