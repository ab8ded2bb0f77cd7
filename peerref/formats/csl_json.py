"""CSL-JSON: the exchange format of Zotero, pandoc and citeproc.

The mapping between items and references lives in ``peerref.core.csl`` (the CLI and
the citation engine use it too); this module only reads and writes documents: an
array of items, a single item, or an object with an "items" array (what some tools
wrap exports in). Values CSL has no variable for travel in ``custom.peerref``, so
export then import gives back every field of a reference except library bookkeeping
(tags, collections, reading status, notes), which is not bibliographic data.
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
        entries: list[ParsedEntry] = []
        skipped: list[Diagnostic] = []
        for index, item in enumerate(items, start=1):
            if not _looks_like_item(item):
                skipped.append(Diagnostic(f"item {index} is not a CSL item object; skipped"))
                continue
            reference = reference_from_csl(item).with_changes(id=None)
            warnings: list[Diagnostic] = []
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
