"""Render references as a bibliography or an in-text citation through citeproc-py.

All formatting comes from the CSL style via citeproc-py. This module only adapts:

* input: our ``Reference`` becomes CSL-JSON (``peerref.core.csl``), then loses what
  citeproc-py would warn about (``custom``), gets our ``status`` codes translated to the
  CSL wording, and loses markup a title may carry from its source;
* disambiguation: citeproc-py does not assign year suffixes, so when a style asks for
  them the equal citations are found here and "a", "b" passed in as the CSL
  ``year-suffix`` variable, which the style itself places;
* output: one citeproc-py pass through our own formatter (``markup``) gives each entry
  as a small tree of formatted runs, written out as HTML and, separately, as plain text
  (so plain text never contains markup); RTF is derived from the HTML markup, and
  leftovers of missing data (empty brackets, ", .") are tidied.

Missing data is reported per reference as :class:`ReferenceWarning` so a window can
say why an entry looks thin.
"""

from __future__ import annotations

import enum
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from citeproc import NAMES as CITEPROC_NAMES
from citeproc import NUMBERS as CITEPROC_NUMBERS
from citeproc import VARIABLES as CITEPROC_VARIABLES
from citeproc import Citation, CitationItem, CitationStylesBibliography
from citeproc.source.json import CiteProcJSON

from peerref.citations import markup
from peerref.citations.engine import BoundCitationItem
from peerref.citations.rtf import html_to_rtf_paragraph, html_to_rtf_text, rtf_document
from peerref.citations.styles import CitationStyle, StyleInfo
from peerref.core.csl import CslItem, reference_to_csl
from peerref.core.dates import year_suffix
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
    """One bibliography entry as plain text and as HTML markup (a fragment, no wrapper)."""

    reference_id: ReferenceId | None
    position: int
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class BibliographyResult:
    """A formatted bibliography: entries in the style's order plus whole-list renderings.

    ``text`` joins entries with newlines; ``html`` is a ``csl-bib-body`` block whose
    entries carry an inline hanging indent when the style asks for one; ``rtf`` is a
    complete RTF document. ``warnings`` lists gaps per input reference.
    """

    style: StyleInfo
    entries: tuple[FormattedEntry, ...]
    text: str
    html: str
    rtf: str
    hanging_indent: bool
    warnings: tuple[ReferenceWarning, ...]


@dataclass(frozen=True, slots=True)
class CitationResult:
    """One in-text citation ("(Repper & Watson, 2012a)", "[1]") in three renderings."""

    style: StyleInfo
    text: str
    html: str
    rtf: str
    warnings: tuple[ReferenceWarning, ...]


# -- input adaptation ----------------------------------------------------------------------

_NAME_KEYS = frozenset(v.replace("_", "-") for v in CITEPROC_NAMES)
_ACCEPTED_KEYS = frozenset(v.replace("_", "-") for v in CITEPROC_VARIABLES) | {"type", "id"}
# Status codes PeerRef stores, translated to the wording CSL styles expect in ``status``
# (the CSL specification's own examples: "forthcoming", "in press", "advance online
# publication"). Styles decide whether and where to print it.
_STATUS_WORDING = {
    "ahead-of-print": "advance online publication",
    "aheadofprint": "advance online publication",
    "epub-ahead-of-print": "advance online publication",
    "in-press": "in press",
    "inpress": "in press",
}
# Inline markup that titles copied from publishers' pages and Crossref often carry.
_INLINE_MARKUP = re.compile(r"</?(?:i|b|em|strong|sup|sub|sc|u)(?:\s[^<>]*)?>", re.IGNORECASE)
_LANGUAGE_CODES = {"english": "en", "eng": "en"}


def _plain_value(value: str) -> str:
    if "<" in value:
        value = _INLINE_MARKUP.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    return value


def csl_input(reference: Reference, key: str) -> CslItem:
    """The CSL-JSON item citeproc-py is given for ``reference``, under item id ``key``.

    Why not ``reference_to_csl`` as it is: citeproc-py warns (an error under our test
    settings) on variables it does not know, such as our ``custom`` block; it reads the
    item's ``language`` to decide whether to title-case; and it prints ``status`` as
    stored, so our status codes are translated to the CSL wording here.
    """
    item: CslItem = {
        k: v for k, v in reference_to_csl(reference, with_id=False).items() if k in _ACCEPTED_KEYS
    }
    item["id"] = key
    for name, value in list(item.items()):
        if isinstance(value, str):
            cleaned = _plain_value(value).strip()
            if cleaned:
                item[name] = cleaned
            else:
                del item[name]
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
    return {k: _plain_value(str(v)).strip() for k, v in name.items() if str(v).strip()}


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


# -- output tidying ------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_EMPTY_TAG = re.compile(r"<(i|b|u|l|sup|sub|span)(?:\s[^<>]*)?>\s*</\1>")
_EMPTY_PAIRS = re.compile(r"\s*(?:\(\s*\)|\[\s*\]|“\s*”|‘\s*’|\"\s*\"|«\s*»)")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:])")
_REPEATED_SEPARATOR = re.compile(r"([,;:])(?:\s*[,;:])+")
_COMMA_THEN_STOP = re.compile(r"[,;:]\s*\.")
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
_SPACES = re.compile(r"[ \t]{2,}")
_LEADING_PUNCT = re.compile(r"^(?:\s|[.,;:])+")


def tidy(text: str) -> str:
    """Remove what missing data leaves behind in rendered text or HTML.

    Styles are written for complete records; with a field missing, citeproc-py can leave
    "()", empty quotes, ", ." or doubled spaces. Tags, URLs (no spaces) and ellipses
    ("...") are left alone.
    """
    # Entities end in ";", which must not be taken for a stray separator.
    entities: dict[str, str] = {}

    def hide(match: re.Match[str]) -> str:
        return entities.setdefault(match.group(), chr(0xE000 + len(entities)))

    text = _ENTITY.sub(hide, text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPTY_TAG.sub("", text)
        text = _EMPTY_PAIRS.sub("", text)
        text = _COMMA_THEN_STOP.sub(".", text)
        text = _REPEATED_SEPARATOR.sub(r"\1", text)
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
        text = _DOUBLE_STOP.sub(".", text)
        text = _SPACES.sub(" ", text)
    text = _LEADING_PUNCT.sub("", text).strip()
    for entity, placeholder in entities.items():
        text = text.replace(placeholder, entity)
    return text


# -- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    references: tuple[Reference, ...]
    positions: tuple[int, ...]  # index of each kept reference in the caller's sequence
    keys: tuple[str, ...]
    items: tuple[CslItem, ...]


def _identity(reference: Reference) -> ReferenceId | Reference:
    """Stored references are the same when their ids are; unsaved ones when equal."""
    return reference.id if reference.id is not None else reference


def _prepare(references: Sequence[Reference]) -> _Prepared:
    """Number the references as citeproc keys, dropping repeats of the same reference."""
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
    items = tuple(csl_input(ref, key) for ref, key in zip(kept, keys, strict=True))
    return _Prepared(tuple(kept), tuple(positions), keys, items)


def _missing_item(item: CitationItem) -> str:
    raise CitationError(f"internal error: citation of unknown item {item.key}")


class _Run:
    """One citeproc-py bibliography over a prepared set, sorted as the style says.

    It renders through our ``markup`` formatter: each result is a small tree that
    ``markup.to_html`` and ``markup.to_plain`` write out.
    """

    def __init__(self, style: CitationStyle, prepared: _Prepared) -> None:
        self.source = _source(prepared)
        self.engine = CitationStylesBibliography(style.engine, self.source, markup)
        self.has_cited = False
        for key in prepared.keys:
            self.engine.register(Citation([self._item(key)]))
        self.engine.sort()

    def set_year_suffixes(self, suffixes: Mapping[str, str]) -> None:
        """Give references their "a", "b" (the CSL ``year-suffix`` variable)."""
        for key, suffix in suffixes.items():
            self.source[key.lower()]["year_suffix"] = self.source.parse_string(suffix)

    def _item(self, key: str) -> CitationItem:
        return BoundCitationItem(key, self.source[key.lower()])

    def cite(self, keys: Sequence[str]) -> Any:
        """The citation as citeproc-py renders it: a string, or our formatter's tree."""
        citation = Citation([self._item(key) for key in keys])
        self.engine.register(citation)
        self.has_cited = True
        return self.engine.cite(citation, _missing_item)

    def bibliography(self) -> list[tuple[str, Any]]:
        """(key, entry) in the style's order; an entry that renders to nothing is "".

        Entries are rendered one by one because citeproc-py silently drops entries that
        render to nothing, which would shift a whole-list result out of step with the
        keys. (Rendering the list in one call saves nothing: the cost is per entry.)
        """
        render = self.engine.style.render_bibliography
        entries = []
        for item in self.engine.items:
            rendered = render([item])
            entries.append((item.key, rendered[0] if rendered else ""))
        return entries


# Variables citeproc-py parses as numbers or page ranges: escaping would break them,
# and they hold no markup-significant characters in practice.
_UNESCAPED_KEYS = frozenset(
    {"id", "type", "language", "page", "page-first"}
    | {v.replace("_", "-") for v in CITEPROC_NUMBERS}
)


def _protected(item: CslItem) -> CslItem:
    """The item with "&", "<" and ">" in its text marked as data (``markup.protect_data``).

    The HTML written from the rendering escapes them as numeric references
    ("&#38;"), and the style's own terms as named ones ("&amp;"), which is what
    citeproc-py's HTML formatter gave for escaped data; plain text gets them back as
    they were.
    """
    protected: CslItem = {}
    for key, value in item.items():
        if key in _UNESCAPED_KEYS:
            protected[key] = value
        elif isinstance(value, str):
            protected[key] = _protect(value)
        elif isinstance(value, list) and key in _NAME_KEYS:
            protected[key] = [{k: _protect(v) for k, v in name.items()} for name in value]
        else:
            protected[key] = value
    return protected


def _protect(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        return markup.protect_data(value)
    return value


def _source(prepared: _Prepared) -> CiteProcJSON:
    return CiteProcJSON([_protected(item) for item in prepared.items])


def _ambiguity_groups(prepared: _Prepared) -> list[list[int]]:
    """Positions of references whose citations could coincide: same first name, same date.

    Two citations can only read the same if they begin with the same name (or title
    when there is no author) and show the same year, so only these groups are rendered
    and compared; a 1,000-item bibliography does not cost 1,000 extra renders.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, reference in enumerate(prepared.references):
        groups[_ambiguity_key(reference)].append(position)
    return [positions for positions in groups.values() if len(positions) > 1]


def _ambiguity_key(reference: Reference) -> tuple[str, str]:
    names = reference.authors or tuple(
        c for c in reference.creators if c.role is CreatorRole.EDITOR
    )
    lead = names[0].family or names[0].literal if names else reference.title
    date = reference.issued.iso()[:4] or reference.issued.literal or reference.status
    return lead.casefold(), date.casefold()


def _sorted_run(style: CitationStyle, prepared: _Prepared, *, for_citation: bool) -> _Run:
    """A run over the prepared references, in the style's order, year suffixes given.

    The citations rendered to find equal ones count, for citeproc-py, as earlier cites
    of the document ("subsequent", "ibid"); a citation for the user is therefore
    rendered by a fresh run. A bibliography ignores earlier cites and reuses the run.
    """
    run = _Run(style, prepared)
    suffixes = _year_suffixes(style, prepared, run)
    if for_citation and run.has_cited:
        run = _Run(style, prepared)
    if suffixes:
        run.set_year_suffixes(suffixes)
        if style.sort_reads_year_suffix:
            run.engine.sort()
    return run


def _year_suffixes(style: CitationStyle, prepared: _Prepared, run: _Run) -> dict[str, str]:
    """Year suffixes for references whose in-text citations would otherwise be equal.

    Letters follow the bibliography's order, as CSL prescribes. citeproc-py cannot add
    names or given names to disambiguate first, so year suffixes are its last resort
    here as in the style: equal citations never stay equal.
    """
    if not style.adds_year_suffix:
        return {}
    candidates = _ambiguity_groups(prepared)
    if not candidates:
        return {}
    order = {key: index for index, key in enumerate(run.engine.keys)}
    suffixes: dict[str, str] = {}
    for positions in candidates:
        by_text: dict[str, list[str]] = defaultdict(list)
        for position in positions:
            key = prepared.keys[position]
            by_text[markup.to_plain(run.cite([key]))].append(key)
        for keys in by_text.values():
            if len(keys) > 1:
                for index, key in enumerate(sorted(keys, key=order.__getitem__)):
                    suffixes[key] = year_suffix(index)
    return suffixes


def _warnings(references: Iterable[Reference]) -> tuple[ReferenceWarning, ...]:
    return tuple(
        warning
        for position, reference in enumerate(references)
        for warning in reference_warnings(reference, position)
    )


def render_bibliography(
    references: Iterable[Reference], style: CitationStyle
) -> BibliographyResult:
    """Format references as the style's bibliography, in the order the style sorts them.

    Raises:
        CitationError: the style defines no bibliography (some note styles), or
            citeproc-py failed on the input.
    """
    if not style.has_bibliography:
        raise CitationError(f'The style "{style.info.title}" has no bibliography format.')
    references = tuple(references)
    prepared = _prepare(references)
    position_of = dict(zip(prepared.keys, prepared.positions, strict=True))
    reference_of = dict(zip(prepared.keys, prepared.references, strict=True))
    with style.lock:
        try:
            rendered = _sorted_run(style, prepared, for_citation=False).bibliography()
        except CitationError:
            raise
        except Exception as error:  # citeproc-py raises bare exceptions on odd input
            raise CitationError(f"Could not format the bibliography: {error}") from error
    entries = tuple(
        FormattedEntry(
            reference_id=reference_of[key].id,
            position=position_of[key],
            text=tidy(text),
            html=tidy(markup.to_html(entry)),
        )
        for key, entry in rendered
        # An entry the style renders as nothing (a reference with no data at all) is
        # left out; its warnings still say why.
        if (text := markup.to_plain(entry)).strip()
    )
    hanging = style.hanging_indent
    return BibliographyResult(
        style=style.info,
        entries=entries,
        text="\n".join(entry.text for entry in entries),
        html=_bibliography_html(entries, hanging),
        rtf=rtf_document([html_to_rtf_paragraph(e.html, hanging=hanging) for e in entries]),
        hanging_indent=hanging,
        warnings=_warnings(references),
    )


def _bibliography_html(entries: Sequence[FormattedEntry], hanging: bool) -> str:
    """A ``csl-bib-body`` block as citeproc-js writes it, with the indent inline.

    Inline styles because word processors and mail clients that receive the clipboard
    ignore style sheets.
    """
    indent = ' style="padding-left: 2em; text-indent: -2em;"' if hanging else ""
    rows = "".join(f'  <div class="csl-entry"{indent}>{e.html}</div>\n' for e in entries)
    return f'<div class="csl-bib-body">\n{rows}</div>'


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
            suffixes and citation numbers are decided against them, so copying one
            citation gives the same "2012b" or "[3]" the full bibliography shows.

    Raises:
        CitationError: nothing to cite, or citeproc-py failed on the input.
    """
    if not references:
        raise CitationError("Select at least one reference to cite.")
    # The cited references take their place among the context, so numbering and year
    # suffixes match what the context's bibliography shows.
    if style.info.citation_format not in ("numeric", "label", ""):
        # Only numbers depend on the whole list; for author-date and note styles the
        # context matters only through references that could share a year suffix.
        wanted = {_ambiguity_key(reference) for reference in references}
        context = [r for r in context if _ambiguity_key(r) in wanted]
    prepared = _prepare([*context, *references])
    key_of = {
        _identity(reference): key
        for reference, key in zip(prepared.references, prepared.keys, strict=True)
    }
    cited = list(dict.fromkeys(key_of[_identity(reference)] for reference in references))
    with style.lock:
        try:
            rendered = _sorted_run(style, prepared, for_citation=True).cite(cited)
            html_text = markup.to_html(rendered)
            plain_text = markup.to_plain(rendered)
        except CitationError:
            raise
        except Exception as error:  # citeproc-py raises bare exceptions on odd input
            raise CitationError(f"Could not format the citation: {error}") from error
    html_text = tidy(html_text)
    warnings = _warnings(references)
    return CitationResult(
        style=style.info,
        text=tidy(plain_text),
        html=html_text,
        rtf=rtf_document([html_to_rtf_text(html_text)]),
        warnings=warnings,
    )
