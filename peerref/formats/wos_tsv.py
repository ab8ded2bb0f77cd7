"""Web of Science tab-delimited exports ("Tab-delimited file", Win or Mac, UTF-8 or UTF-16).

The first line names the columns with the two-letter field tags of the tagged export
("PT", "AU", "BA", "BE", "GP", "AF", … "UT"); each further line is one record, its cells
separated by tabs and never quoted. The Windows variants are UTF-16 with a byte-order
mark (or UTF-8 with one); the registry decodes them before this reader sees the text.

A row means what the same tags mean in the tagged export, so it is read by the same
code (``wos.record_to_reference``): full names (``AF``) before short ones, keywords from ``DE`` then
``ID``, pages from ``BP``/``EP``, ``PS`` or ``AR``, and every cell no field takes kept in
extra as "wos:XX". Only the shape differs: several names, keywords or addresses share one
cell, separated by semicolons, where the tagged file gives them a line each.
"""

from __future__ import annotations

import csv
import re

from peerref.core.errors import FormatError
from peerref.formats._tagged import TableRow, read_table, table_record
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult
from peerref.formats.wos import record_to_reference

NAME = "wos-tsv"
LABEL = "Web of Science tab-delimited export"

_TAG = re.compile(r"^[A-Z][A-Z0-9]$")
# Columns every Web of Science tab-delimited export has, whatever fields were chosen.
_REQUIRED = frozenset({"PT", "TI"})


def _header(line: str) -> list[str]:
    return [cell.strip().strip('"') for cell in line.lstrip("\ufeff").rstrip("\r\n").split("\t")]


def _is_header(cells: list[str]) -> bool:
    named = [c for c in cells if c]
    tags = [c for c in named if _TAG.match(c)]
    return bool(named) and len(tags) >= 0.9 * len(named) and set(tags) >= _REQUIRED


class WosTsvReader:
    """Reads Web of Science tab-delimited exports."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        """Sure when the first line is a tab-separated list of WoS tags with PT, AU and TI."""
        first = text.lstrip("\ufeff \r\n").split("\n", 1)[0]
        if "\t" not in first:
            return 0.0
        cells = _header(first)
        if _is_header(cells) and cells[0] == "PT":
            return 1.0 if "AU" in cells else 0.9
        return 0.0

    def read(self, text: str) -> ParseResult:
        """One reference per row after the header; a row that is not a record is reported."""
        try:
            rows = read_table(text, delimiter="\t", quoted=False)
        except csv.Error as error:  # not expected without quoting; reported all the same
            raise FormatError(f"the tab-delimited file cannot be read: {error}") from error
        if not rows or not _is_header([c.strip() for c in rows[0].cells]):
            raise FormatError(
                "no Web of Science tab-delimited header found (a first line like "
                "'PT<tab>AU<tab>…<tab>TI<tab>…')"
            )
        header = [c.strip() for c in rows[0].cells]
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for row in rows[1:]:
            entry = self._entry(header, row)
            if entry is None:
                skipped.append(
                    Diagnostic(
                        f"a row without a record type (PT) or title; skipped: "
                        f"{' '.join(row.cells)[:60]}",
                        row.first_line,
                    )
                )
            else:
                entries.append(entry)
        if not entries:
            raise FormatError("the Web of Science tab-delimited file has a header but no records")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))

    def _entry(self, header: list[str], row: TableRow) -> ParsedEntry | None:
        record = table_record(header, row)
        if not record.has("PT", "TI"):
            return None
        warnings: list[Diagnostic] = []
        if len(row.cells) > len(header) and any(c.strip() for c in row.cells[len(header) :]):
            warnings.append(
                Diagnostic("the row has more cells than the header names (kept in extra)")
            )
        reference, messages = record_to_reference(record, "")
        return ParsedEntry(
            reference=reference,
            raw_text=row.raw_text,
            first_line=row.first_line,
            last_line=row.last_line,
            warnings=(
                *(Diagnostic(m, row.first_line) for m in messages),
                *(Diagnostic(w.message, row.first_line) for w in warnings),
            ),
        )


READERS = (WosTsvReader(),)
