"""Render references as a bibliography or an in-text citation, through PeerRef's CSL
processor (:mod:`peerref.citations.processor`).

This module adapts between the library and the processor:

* input: our ``Reference`` becomes CSL-JSON (``peerref.core.csl``); our ``status`` codes
  get the CSL wording, HTML entities from publishers' pages are decoded, and markup a
  title carries (``<i>``, ``<sup>`` …) stays, as CSL-JSON markup, so a species name in
  italics is still italic in the citation;
* output: each entry or citation is one rich-text tree written out as HTML, plain text
  and RTF, so the three clipboard flavours always say the same thing.

Nothing is post-processed: what the style and the processor produce is what is shown.
Missing data is reported per reference as :class:`ReferenceWarning` so a window can say
why an entry looks thin.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peerref.citations.output.writers import to_html, to_rtf, to_text
from peerref.citations.processor import CiteRequest, Processor
from peerref.citations.rtf import rtf_document, rtf_paragraph
from peerref.citations.styles import CitationStyle, StyleInfo
from peerref.core.csl import CslItem, reference_to_csl
from peerref.core.errors import CitationError
from peerref.core.model import CreatorRole, Reference, ReferenceId


class Problem(enum.StrEnum):
    """Why a rendered reference may look incomplete."""

    NO_TITLE = "no title"
    NO_YEAR = "no year"
    NO_AUTHORS = "no authors"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class ReferenceWarning:
    """One gap in one reference, worded for a status line ("no year").

    Attributes:
        position: index of the reference in the sequence passed to the render call.
        reference_id: its library id, when it has one.
        problem: what is missing.
        detail: for ``INCOMPLETE``, the field the source cut short ("author").
    """

    position: int
    reference_id: ReferenceId | None
    problem: Problem
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.problem.value} {self.detail}".strip()


@dataclass(frozen=True, slots=True)
class FormattedEntry:
    """One bibliography entry as plain text, an HTML fragment and an RTF run."""

    reference_id: ReferenceId | None
    position: int
    text: str
    html: str
    rtf: str = ""


@dataclass(frozen=True, slots=True)
class BibliographyResult:
    """A formatted bibliography: entries in the style's order plus whole-list renderings.

    ``text`` joins entries with newlines; ``html`` is a ``csl-bib-body`` block with the
    style's layout (hanging indent, a number column) as inline styles, because word
    processors and mail ignore style sheets; ``rtf`` is a complete RTF document.
    ``warnings`` lists gaps per input reference.
    """

    style: StyleInfo
    entries: tuple[FormattedEntry, ...]
    text: str
    html: str
    rtf: str
    hanging_indent: bool
    warnings: tuple[ReferenceWarning, ...]
    second_field_align: bool = False


@dataclass(frozen=True, slots=True)
class CitationResult:
    """One in-text citation ("(Repper & Watson, 2012a)", "[1]") in three renderings."""

    style: StyleInfo
    text: str
    html: str
    rtf: str
    warnings: tuple[ReferenceWarning, ...]


# -- input adaptation ----------------------------------------------------------------------

# Status codes PeerRef stores, translated to the wording CSL styles expect in ``status``
# (the CSL specification's own examples). Styles decide whether and where to print it.
_STATUS_WORDING = {
    "ahead-of-print": "advance online publication",
    "aheadofprint": "advance online publication",
    "epub-ahead-of-print": "advance online publication",
    "in-press": "in press",
    "inpress": "in press",
}
_LANGUAGE_CODES = {"english": "en", "eng": "en"}
# Values that are identifiers: never decoded as HTML.
_VERBATIM = frozenset({"id", "type", "DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID"})


def _decoded(value: str) -> str:
    """HTML entities from publishers' pages decoded; tags left as CSL-JSON markup."""
    return html.unescape(value) if "&" in value else value


def csl_input(reference: Reference, key: str) -> CslItem:
    """The CSL-JSON item the processor is given for ``reference``, under item id ``key``.

    Our ``custom`` bookkeeping is left out, ``status`` codes get the CSL wording and the
    language its code (title case applies to English items only).
    """
    item: CslItem = {}
    for name, value in reference_to_csl(reference, with_id=False).items():
        if name == "custom":
            continue
        if isinstance(value, str):
            cleaned = value.strip() if name in _VERBATIM else _decoded(value).strip()
            if cleaned:
                item[name] = cleaned
        else:
            item[name] = value
    item["id"] = key
    status = item.get("status")
    if isinstance(status, str):
        item["status"] = _STATUS_WORDING.get(status.casefold(), status)
    language = item.get("language")
    if isinstance(language, str):
        code = language.casefold()
        item["language"] = _LANGUAGE_CODES.get(code, code.replace("_", "-"))
    for role in CreatorRole:
        names = item.get(role.value)
        if isinstance(names, list):
            cleaned_names = [_clean_name(n) for n in names]
            item[role.value] = [n for n in cleaned_names if n]
            if not item[role.value]:
                del item[role.value]
    return item


def _clean_name(name: Mapping[str, Any]) -> dict[str, str]:
    return {k: _decoded(str(v)).strip() for k, v in name.items() if str(v).strip()}


def reference_warnings(reference: Reference, position: int) -> tuple[ReferenceWarning, ...]:
    """What is missing from a reference, in the terms a reader notices in the output.

    Editors stand in for authors in every common style, so an edited book without
    authors is not reported; a literal (unparsed) date counts as a date.
    """
    found: list[Problem | tuple[Problem, str]] = []
    if not reference.title.strip():
        found.append(Problem.NO_TITLE)
    if reference.issued.year is None and not reference.issued.literal:
        found.append(Problem.NO_YEAR)
    if not any(c.role in (CreatorRole.AUTHOR, CreatorRole.EDITOR) for c in reference.creators):
        found.append(Problem.NO_AUTHORS)
    found.extend((Problem.INCOMPLETE, name) for name in sorted(reference.truncated))
    out = []
    for entry in found:
        problem, detail = entry if isinstance(entry, tuple) else (entry, "")
        out.append(ReferenceWarning(position, reference.id, problem, detail))
    return tuple(out)


def _warnings(references: Iterable[Reference]) -> tuple[ReferenceWarning, ...]:
    return tuple(
        warning
        for position, reference in enumerate(references)
        for warning in reference_warnings(reference, position)
    )


# -- rendering -----------------------------------------------------------------------------


def _identity(reference: Reference) -> ReferenceId | Reference:
    """Stored references are the same when their ids are; unsaved ones when equal."""
    return reference.id if reference.id is not None else reference


@dataclass(frozen=True, slots=True)
class _Prepared:
    references: tuple[Reference, ...]
    positions: tuple[int, ...]  # index of each kept reference in the caller's sequence
    keys: tuple[str, ...]


def _prepare(references: Sequence[Reference]) -> _Prepared:
    """Number the references as processor item ids, dropping repeats of one reference."""
    kept: list[Reference] = []
    positions: list[int] = []
    seen: set[ReferenceId | Reference] = set()
    for position, reference in enumerate(references):
        identity = _identity(reference)
        if identity in seen:
            continue
        seen.add(identity)
        kept.append(reference)
        positions.append(position)
    keys = tuple(f"r{index}" for index in range(len(kept)))
    return _Prepared(tuple(kept), tuple(positions), keys)


def _processor(style: CitationStyle, prepared: _Prepared) -> Processor:
    """A processor whose registry is ``prepared``, reused while the references are the same.

    Building one means reading every item and disambiguating the whole set, so the last
    one is kept on the style: copying citation after citation from the same library
    view costs only the citation itself.
    """
    key = prepared.references
    cached = style.cached_processor
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[return-value]
    items = [csl_input(ref, item_key) for ref, item_key in zip(key, prepared.keys, strict=True)]
    processor = Processor(style.style, style.locale, items)
    processor.register(prepared.keys)
    style.cached_processor = (key, processor)
    return processor


def render_bibliography(
    references: Iterable[Reference], style: CitationStyle
) -> BibliographyResult:
    """Format references as the style's bibliography, in the order the style sorts them.

    Raises:
        CitationError: the style defines no bibliography (some note styles).
    """
    if not style.has_bibliography:
        raise CitationError(f'The style "{style.info.title}" has no bibliography format.')
    references = tuple(references)
    prepared = _prepare(references)
    index_of = {key: index for index, key in enumerate(prepared.keys)}
    with style.lock:
        processor = _processor(style, prepared)
        rendered = processor.bibliography()
        entries = []
        for entry in rendered:
            index = index_of[entry.item_id]
            content = processor.finish(entry.content)
            entries.append(
                FormattedEntry(
                    reference_id=prepared.references[index].id,
                    position=prepared.positions[index],
                    text=to_text(content, processor.quotes).strip(),
                    html=to_html(content, processor.quotes),
                    rtf=to_rtf(content, processor.quotes),
                )
            )
    hanging = style.hanging_indent
    aligned = style.second_field_align
    return BibliographyResult(
        style=style.info,
        entries=tuple(entries),
        text="\n".join(entry.text for entry in entries),
        html=_bibliography_html(entries, hanging=hanging, aligned=aligned),
        rtf=rtf_document([rtf_paragraph(e.rtf, hanging=hanging, aligned=aligned) for e in entries]),
        hanging_indent=hanging,
        warnings=_warnings(references),
        second_field_align=aligned,
    )


# Inline styles for the number column, as Zotero puts them on the clipboard.
_LEFT_MARGIN_STYLE = "float: left; padding-right: 0.5em; text-align: right; width: 2em;"
_RIGHT_INLINE_STYLE = "margin: 0 0.4em 0 2.5em;"


def _bibliography_html(entries: Sequence[FormattedEntry], *, hanging: bool, aligned: bool) -> str:
    """A ``csl-bib-body`` block as citeproc-js writes it, with the layout inline."""
    rows = []
    for entry in entries:
        markup = entry.html
        if aligned:
            markup = markup.replace(
                '<div class="csl-left-margin">',
                f'<div class="csl-left-margin" style="{_LEFT_MARGIN_STYLE}">',
            ).replace(
                '<div class="csl-right-inline">',
                f'<div class="csl-right-inline" style="{_RIGHT_INLINE_STYLE}">',
            )
            rows.append(f'  <div class="csl-entry" style="clear: left;">{markup}</div>\n')
        elif hanging:
            rows.append(
                '  <div class="csl-entry" style="padding-left: 2em; text-indent: -2em;">'
                f"{markup}</div>\n"
            )
        else:
            rows.append(f'  <div class="csl-entry">{markup}</div>\n')
    return f'<div class="csl-bib-body">\n{"".join(rows)}</div>'


def render_citation(
    references: Sequence[Reference],
    style: CitationStyle,
    *,
    context: Iterable[Reference] = (),
) -> CitationResult:
    """Format one in-text citation of ``references`` (one or several, as one cite).

    Args:
        references: the works cited together, e.g. "(Repper & Watson, 2012a, 2012b)".
        style: a loaded style.
        context: the other references of the same document or bibliography. Year
            suffixes, added names and citation numbers are decided against them, so
            copying one citation gives the "2012b" or "[3]" the full bibliography shows.

    Raises:
        CitationError: nothing to cite.
    """
    if not references:
        raise CitationError("Select at least one reference to cite.")
    prepared = _prepare([*context, *references])
    key_of = {
        _identity(reference): key
        for reference, key in zip(prepared.references, prepared.keys, strict=True)
    }
    cited = [CiteRequest(key_of[_identity(reference)]) for reference in references]
    with style.lock:
        processor = _processor(style, prepared)
        content = processor.finish(processor.cite_items(cited))
        html_text = to_html(content, processor.quotes)
        plain_text = to_text(content, processor.quotes)
        rtf_text = to_rtf(content, processor.quotes)
    return CitationResult(
        style=style.info,
        text=plain_text,
        html=html_text,
        rtf=rtf_document([rtf_text]),
        warnings=_warnings(references),
    )


__all__ = [
    "BibliographyResult",
    "CitationResult",
    "FormattedEntry",
    "Problem",
    "ReferenceWarning",
    "csl_input",
    "reference_warnings",
    "render_bibliography",
    "render_citation",
]
