"""Formatting CSL-JSON directly: a document's citations and its bibliography.

This is what ``peerref-cli csl`` runs, without a library: the references are CSL-JSON
items as Zotero, pandoc or any other tool exports them, and the citations (optional)
are lists of cite items in the citeproc-js form (``id``, ``locator``, ``label``,
``prefix``, ``suffix``, ``suppress-author``, ``author-only``). The citations make one
document: positions ("ibid", "subsequent") and numbers follow their order, and in a
note style each citation is its own note.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peerref.citations.output.rich import Content
from peerref.citations.output.writers import to_html, to_rtf, to_text
from peerref.citations.processor import CitationRequest, CiteRequest, Processor
from peerref.citations.styles import CitationStyle
from peerref.core.errors import CitationError


class OutputFormat(enum.StrEnum):
    """How each citation and entry is written; values are the CLI's names."""

    HTML = "html"
    TEXT = "text"
    RTF = "rtf"


@dataclass(frozen=True, slots=True)
class FormattedDocument:
    """Each citation, then each bibliography entry, as a string in one format."""

    citations: tuple[str, ...]
    bibliography: tuple[str, ...]


_CITE_KEYS = frozenset(
    {"id", "locator", "label", "prefix", "suffix", "suppress-author", "author-only"}
)


def read_items(data: Any) -> list[dict[str, Any]]:
    """Check that ``data`` is a list of CSL-JSON items with ids.

    Raises:
        CitationError: naming the first item that is not an object or has no id.
    """
    if isinstance(data, Mapping) and isinstance(data.get("items"), list):
        data = data["items"]  # CSL-JSON as some tools wrap it
    if not isinstance(data, list):
        raise CitationError("the references must be a JSON list of CSL-JSON items")
    items = []
    seen: set[str] = set()
    for number, item in enumerate(data, start=1):
        if not isinstance(item, Mapping):
            raise CitationError(f"reference {number} is not a JSON object")
        item_id = item.get("id")
        if item_id is None or str(item_id).strip() == "":
            raise CitationError(f"reference {number} has no id")
        key = str(item_id)
        if key in seen:
            raise CitationError(f'reference {number} repeats the id "{key}"')
        seen.add(key)
        items.append({**item, "id": key})
    return items


def read_citations(data: Any, known: set[str]) -> list[list[dict[str, Any]]]:
    """Check a list of citations, each a list of cite items naming known ids.

    Raises:
        CitationError: naming the citation and cite that is wrong.
    """
    if not isinstance(data, list):
        raise CitationError("the citations must be a JSON list of citations")
    citations = []
    for number, citation in enumerate(data, start=1):
        if isinstance(citation, Mapping) and isinstance(citation.get("citationItems"), list):
            citation = citation["citationItems"]  # citeproc-js's citation object
        if not isinstance(citation, list) or not citation:
            raise CitationError(f"citation {number} is not a non-empty list of cite items")
        cites = []
        for position, cite in enumerate(citation, start=1):
            if isinstance(cite, str):
                cite = {"id": cite}
            if not isinstance(cite, Mapping) or "id" not in cite:
                raise CitationError(f"citation {number}, cite {position} has no id")
            if str(cite["id"]) not in known:
                raise CitationError(
                    f'citation {number}, cite {position} cites "{cite["id"]}", '
                    "which is not among the references"
                )
            unknown = set(cite) - _CITE_KEYS
            if unknown:
                raise CitationError(
                    f"citation {number}, cite {position} has unknown keys: "
                    + ", ".join(sorted(unknown))
                )
            cites.append({**cite, "id": str(cite["id"])})
        citations.append(cites)
    return citations


def format_document(
    items: Sequence[Mapping[str, Any]],
    style: CitationStyle,
    citations: Sequence[Sequence[Mapping[str, Any]]] | None = None,
    output: OutputFormat | str = OutputFormat.HTML,
) -> FormattedDocument:
    """The citations and the bibliography of ``items`` in ``style``.

    Without ``citations``, each item is cited once on its own, in the given order. The
    bibliography lists every item (cited first, in the order cited).
    """
    chosen = OutputFormat(output)
    ids = [str(item["id"]) for item in items]
    processor = Processor(style.style, style.locale, items)
    if citations is None:
        citations = [[{"id": item_id}] for item_id in ids]
    note_style = style.style.style_class == "note"
    requests = [
        CitationRequest(
            cites=tuple(CiteRequest.from_json(cite) for cite in citation),
            note_index=number if note_style else 0,
        )
        for number, citation in enumerate(citations, start=1)
    ]
    processor.register(cite.id for request in requests for cite in request.cites)
    processor.register(ids)
    rendered = processor.process(requests)
    entries = [entry.content for entry in processor.bibliography()]

    def write(content: Content) -> str:
        finished = processor.finish(content)
        if chosen is OutputFormat.TEXT:
            return to_text(finished, processor.quotes).strip()
        if chosen is OutputFormat.RTF:
            return to_rtf(finished, processor.quotes)
        return to_html(finished, processor.quotes)

    return FormattedDocument(
        citations=tuple(write(content) for content in rendered),
        bibliography=tuple(write(content) for content in entries),
    )
