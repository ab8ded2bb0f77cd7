"""Reading and running the CSL processor test suite's fixtures (``../shared/csl-test-suite``).

A fixture is a text file of sections (``>>===== MODE =====>>`` … ``<<===== MODE
=====<<``). It is run the way the suite's own runner (citeproc-test-runner) runs it
through citeproc-js:

* ``citation`` mode with ``CITATIONS``: the citations are processed one by one, each
  with the citations before and after it, and the result lists every citation of the
  finished document, ``>>`` marking those the last step changed, ``..`` the others;
* ``citation`` mode with ``CITATION-ITEMS``: all input items are registered, and each
  list of items is one citation on its own;
* ``citation`` mode with neither: one citation of every input item;
* ``bibliography`` mode: the same citations are made, then the bibliography.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerref.citations.processor import CitationRequest, CiteRequest, Processor
from peerref.citations.style.locale import LocaleCatalogue
from peerref.citations.style.parse import parse_style

SUITE = Path(__file__).resolve().parents[3].parent / "shared" / "csl-test-suite" / "humans"

_SECTION = re.compile(r">>=+\s*([A-Z-]+)\s*=+>>\s*\n(.*?)\n<<=+\s*\1\s*=+<<", re.DOTALL)
_LOCALES = LocaleCatalogue()


@dataclass(frozen=True)
class Fixture:
    name: str
    mode: str
    result: str
    csl: str
    input: list[dict[str, Any]]
    citation_items: list[list[dict[str, Any]]] | None
    citations: list[list[Any]] | None


def load_fixture(path: Path) -> Fixture:
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    sections = dict(_SECTION.findall(text))
    return Fixture(
        name=path.stem,
        mode=sections["MODE"].strip(),
        result=sections["RESULT"],
        csl=sections["CSL"],
        input=json.loads(sections["INPUT"]),
        citation_items=(
            json.loads(sections["CITATION-ITEMS"]) if "CITATION-ITEMS" in sections else None
        ),
        citations=json.loads(sections["CITATIONS"]) if "CITATIONS" in sections else None,
    )


def fixture_paths() -> list[Path]:
    if not SUITE.is_dir():
        return []
    return sorted(SUITE.glob("*.txt"))


def _processor(fixture: Fixture) -> Processor:
    style = parse_style(fixture.csl)
    locale = _LOCALES.locale(style.default_locale or "en-US", style.locales)
    # As citeproc-test-runner's item cache: an id given twice is the later item.
    items: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(fixture.input):
        item = dict(item)
        if "id" not in item:
            item["id"] = f"item-{index + 1}"
        item["id"] = str(item["id"])
        items[item["id"]] = item
    return Processor(style, locale, list(items.values()))


def _citation(data: dict[str, Any], fallback_id: str) -> CitationRequest:
    properties = data.get("properties") or {}
    return CitationRequest(
        cites=tuple(CiteRequest.from_json(item) for item in data.get("citationItems", [])),
        note_index=int(properties.get("noteIndex") or 0),
        citation_id=str(data.get("citationID") or fallback_id),
    )


def _run_citations(processor: Processor, steps: list[list[Any]]) -> list[str]:
    """The document after every step, as citeproc-test-runner prints it."""
    known: dict[str, CitationRequest] = {}
    previous_output: dict[str, str] = {}
    previous_inputs: dict[str, object] = {}
    marks: dict[str, str] = {}
    order: list[str] = []
    for number, (data, before, after) in enumerate(steps, start=1):
        citation = _citation(data, f"CITATION-{number}")
        known[citation.citation_id] = citation
        order = [str(entry[0]) for entry in before] + [citation.citation_id]
        order += [str(entry[0]) for entry in after]
        notes = {str(entry[0]): int(entry[1] or 0) for entry in [*before, *after]}
        document = []
        for citation_id in order:
            request = known[citation_id]
            if citation_id in notes:
                request = CitationRequest(request.cites, notes[citation_id], citation_id)
                known[citation_id] = request
            document.append(request)
        rendered = processor.process(document)
        output = {
            citation_id: processor.html(content)
            for citation_id, content in zip(order, rendered, strict=True)
        }
        inputs = _citation_inputs(processor, document)
        marks = {
            citation_id: (
                ">>"
                if citation_id == citation.citation_id
                or previous_output.get(citation_id) != text
                or previous_inputs.get(citation_id) != inputs[citation_id]
                else ".."
            )
            for citation_id, text in output.items()
        }
        previous_output = output
        previous_inputs = inputs
    return [
        f"{marks[citation_id]}[{index}] {previous_output[citation_id]}"
        for index, citation_id in enumerate(order)
    ]


def _citation_inputs(processor: Processor, document: list[CitationRequest]) -> dict[str, object]:
    """What each citation's rendering depends on besides its text, per citation.

    citeproc-js hands back (and the runner marks ``>>``) every citation it rendered
    again: the new one, and those whose cites' positions, citation numbers or
    disambiguation changed, or whose note number did in a style that prints note
    numbers, even where the text came out the same.
    """
    placed = processor.place(document)
    # A note number that moves only counts where the style prints note numbers.
    notes_matter = processor._style_reads("first-reference-note-number")
    inputs: dict[str, object] = {}
    for request, cites in zip(document, placed, strict=True):
        state = []
        for cite in cites:
            choice = processor.disambiguation.get(cite.item_id)
            state.append(
                (
                    cite.item_id,
                    cite.position,
                    cite.near_note,
                    cite.first_note_number,
                    processor.numbers.get(cite.item_id) if processor.numeric_citations else 0,
                    (
                        sorted(choice.names.items()),
                        sorted(choice.givens.items()),
                        choice.year_suffix,
                        choice.condition,
                    )
                    if choice is not None
                    else None,
                )
            )
        inputs[request.citation_id] = (request.note_index if notes_matter else 0, state)
    return inputs


def run_fixture(fixture: Fixture) -> str:
    """What PeerRef's processor prints for the fixture, in the suite's result format."""
    processor = _processor(fixture)
    ids = [str(item.get("id", f"item-{i + 1}")) for i, item in enumerate(fixture.input)]
    lines: list[str] = []
    if fixture.citations is not None:
        lines = _run_citations(processor, fixture.citations)
    else:
        processor.register(ids)
        if fixture.mode == "citation":
            groups = fixture.citation_items
            if groups is None:
                processor._refresh()
                groups = [[{"id": item_id} for item_id in processor.order]]
            for group in groups:
                requests = [CiteRequest.from_json(item) for item in group]
                lines.append(processor.html(processor.cite_items(requests)))
    if fixture.mode == "citation":
        return "\n".join(lines)
    entries = processor.bibliography()
    body = "".join(
        f'  <div class="csl-entry">{processor.html(entry.content) or ""}</div>\n'
        for entry in entries
    )
    return f'<div class="csl-bib-body">\n{body}</div>'


def normalized(text: str, mode: str) -> str:
    """Results compared the way the suite's runners compare them.

    Bibliographies are compared without the line breaks and indentation citeproc-js
    puts around ``<div>`` elements; citations line by line.
    """
    text = text.strip()
    if mode == "bibliography":
        return re.sub(r"\n\s*", "", text)
    return "\n".join(line.rstrip() for line in text.splitlines())
