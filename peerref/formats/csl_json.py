"""CSL-JSON: the exchange format of Zotero, pandoc and citeproc.

The mapping between items and references lives in ``peerref.core.csl`` (the CLI and
the citation engine use it too); this module only reads and writes documents: an
array of items, a single item, or an object with an "items" array (what some tools
wrap exports in). Values CSL has no variable for travel in ``custom.peerref``, so
export then import gives back every field of a reference except library bookkeeping
(tags, collections, reading status, notes), which is not bibliographic data.

An OpenAlex work looks like an item (it has a "title" and a "type") but keeps its
authors, date and DOI under other names: it is refused here rather than read half, and
the OpenAlex reader (``openalex_json``) reads it whole. A type that is not CSL's
(misspelt, or newer than CSL 1.0.2) is read as "document" and kept as "csl:type".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from peerref.core.csl import reference_from_csl, reference_to_csl, unsaved_item_id
from peerref.core.errors import FormatError
from peerref.core.model import Reference
from peerref.formats.base import Diagnostic, ExportNotes, ParsedEntry, ParseResult

NAME = "csl-json"
LABEL = "CSL-JSON (Zotero, pandoc, citeproc)"

# Keys that only CSL items have; one of them makes a JSON object look like an item.
_ITEM_KEYS = frozenset({"type", "title", "author", "issued", "container-title", "DOI", "editor"})


def _items_of(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        items = document.get("items")
        if isinstance(items, list):
            return items
        return [document]
    raise FormatError("CSL-JSON must be an array of items or one item object")


def _looks_like_item(value: Any) -> bool:
    return isinstance(value, Mapping) and any(key in value for key in _ITEM_KEYS)


def _numbers_as_text(item: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level numbers as text ("volume": 12, "ISSN": 0), so that none reads as "none".

    The library id stays a number: it is how an export's items are told apart from new ones.
    """
    return {
        key: str(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and key != "id"
        else value
        for key, value in item.items()
    }


def _date_read_in_part(issued: Any, parts: list[int]) -> bool:
    """Whether the item's ``date-parts`` say more than the date that was read from them."""
    if not isinstance(issued, Mapping):
        return False
    given = issued.get("date-parts")
    if not (isinstance(given, list) and given and isinstance(given[0], list)):
        return False
    written = [str(part).strip() for part in given[0] if str(part).strip()]
    return len(written) > len(parts) or len(given) > 1


def _is_openalex_work(value: Any) -> bool:
    """An OpenAlex work: its id is an openalex.org address, its authors are "authorships".

    It has a "title" and a "type" as a CSL item does, but its authors, date and DOI are
    under other names: read as CSL-JSON it would lose them, so it is refused.
    """
    if not isinstance(value, Mapping):
        return False
    work_id = value.get("id")
    return (isinstance(work_id, str) and work_id.startswith("https://openalex.org/")) or (
        "authorships" in value and "display_name" in value
    )


class CslJsonReader:
    """Reads CSL-JSON: an array of items, or one item."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:4000].lstrip("\ufeff \t\r\n")
        if not head.startswith(("[", "{")):
            return 0.0
        hits = sum(f'"{key}"' in head for key in ("type", "title", "author", "issued", "DOI"))
        if hits >= 2:
            return 0.95
        return 0.3 if hits else 0.1

    def read(self, text: str) -> ParseResult:
        try:
            document = json.loads(text.lstrip("\ufeff"))
        except (ValueError, RecursionError) as error:
            line = getattr(error, "lineno", None)
            raise FormatError(f"not valid JSON: {error}", line=line) from error
        items = _items_of(document)
        if isinstance(document, Mapping) and isinstance(document.get("results"), list):
            items = document["results"]  # an API answer: {"meta": …, "results": [works]}
        if any(_is_openalex_work(item) for item in items):
            raise FormatError(
                "this is OpenAlex work JSON, not CSL-JSON: let PeerRef detect the format, "
                "or read it with --format openalex-json"
            )
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for index, item in enumerate(items, start=1):
            if not _looks_like_item(item):
                shown = json.dumps(item, ensure_ascii=False)
                shown = shown if len(shown) <= 80 else shown[:79] + "…"
                skipped.append(
                    Diagnostic(f"item {index} is not a CSL item object; skipped: {shown}")
                )
                continue
            reference = reference_from_csl(_numbers_as_text(item)).with_changes(id=None)
            csl_type = str(item.get("type", "") or "")
            if csl_type and reference.type.value != csl_type:
                # A type PeerRef does not know (read as "document"):
                # the name the file gave is kept.
                reference = reference.with_changes(extra={**reference.extra, "csl:type": csl_type})
            warnings: list[Diagnostic] = []
            issued = item.get("issued")
            if _date_read_in_part(issued, reference.issued.date_parts()):
                # A month 13 or a day 40 is not a date part: the date as written is kept.
                reference = reference.with_changes(
                    extra={**reference.extra, "csl:issued": json.dumps(issued, ensure_ascii=False)}
                )
                written = json.dumps(issued, ensure_ascii=False)
                warnings.append(Diagnostic(f"item {index}: date {written} read only in part"))
            if not item.get("type"):
                warnings.append(Diagnostic(f"item {index} has no type; read as a document"))
            entries.append(
                ParsedEntry(
                    reference=reference,
                    raw_text=json.dumps(item, ensure_ascii=False, indent=2),
                    first_line=1,
                    last_line=text.count("\n") + 1,
                    warnings=tuple(warnings),
                )
            )
        if not entries:
            raise FormatError("no CSL-JSON items found")
        return ParseResult(NAME, LABEL, tuple(entries), skipped=tuple(skipped))


def references_to_csl_items(references: Sequence[Reference]) -> list[dict[str, Any]]:
    """CSL items with an ``id`` each: the library id, or "item-N" for unsaved references."""
    items: list[dict[str, Any]] = []
    for number, ref in enumerate(references, start=1):
        item = reference_to_csl(ref)
        if "id" not in item:
            item = {"id": unsaved_item_id(number), **item}
        items.append(item)
    return items


class CslJsonWriter:
    """Writes a CSL-JSON array, UTF-8 kept, one item per reference."""

    name = NAME
    label = "CSL-JSON"
    extension = ".json"
    mime_type = "application/vnd.citationstyles.csl+json"

    def write(self, references: Sequence[Reference], *, notes: ExportNotes | None = None) -> str:
        """A CSL-JSON array; ``notes`` are ignored.

        CSL's ``note`` variable is what Zotero's Extra field becomes, printed by some
        styles, not a place for a person's reading notes; they are library data.
        """
        return json.dumps(references_to_csl_items(references), ensure_ascii=False, indent=2) + "\n"


READERS = (CslJsonReader(),)
WRITERS = (CslJsonWriter(),)
