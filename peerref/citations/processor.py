"""PeerRef's CSL 1.0.2 processor: a document's citations and its bibliography.

The processor holds a *registry*, as citeproc-js does: the items of the document in
the order they were registered (cited, or added with :meth:`Processor.register`).
Everything that depends on the whole document is decided over the registry:

* citation numbers (the bibliography's order when it is sorted, else first citation);
* disambiguation (names added, given names expanded, ``disambiguate="true"`` and year
  suffixes, in that order) over every registered item's cite;
* year-suffix letters, given in bibliography order.

Citations are then rendered in document order with their positions (first,
subsequent, ibid, ibid-with-locator, near-note), sorted, grouped and collapsed.
Everything comes out as rich text; :mod:`peerref.citations.output.writers` writes it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerref.citations.eval import collapse, disambiguate
from peerref.citations.eval.context import (
    FIRST,
    IBID,
    IBID_WITH_LOCATOR,
    SUBSEQUENT,
    CiteInfo,
    Context,
    Disambiguation,
    SortNames,
)
from peerref.citations.eval.dates import date_sort_key
from peerref.citations.eval.evaluate import Evaluator, citation_label
from peerref.citations.eval.formatting import affix, apply_affixes, apply_formatting
from peerref.citations.eval.item import DATE_VARIABLES, NAME_VARIABLES, ItemData, read_item
from peerref.citations.eval.numbers import is_numeric, numeric_value
from peerref.citations.eval.sorting import (
    EMPTY,
    SortValue,
    number_value,
    sorted_by_keys,
    text_value,
)
from peerref.citations.output import rich
from peerref.citations.output.rich import Content
from peerref.citations.output.writers import to_html, to_rtf, to_text
from peerref.citations.style.locale import Locale
from peerref.citations.style.nodes import Layout, NameOptions, SortKey, Style

NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"

_LOCATOR_LABELS = (
    "act",
    "appendix",
    "article-locator",
    "book",
    "canon",
    "chapter",
    "column",
    "elocation",
    "equation",
    "figure",
    "folio",
    "issue",
    "line",
    "note",
    "opus",
    "paragraph",
    "part",
    "rule",
    "scene",
    "section",
    "sub verbo",
    "supplement",
    "table",
    "timestamp",
    "title-locator",
    "verse",
    "volume",
)
_POSITION_NUMBERS = {0: FIRST, 1: SUBSEQUENT, 2: IBID, 3: IBID_WITH_LOCATOR}


@dataclass(frozen=True, slots=True)
class CiteRequest:
    """One item cited in a citation, with what the author added to it."""

    id: str
    locator: str = ""
    label: str = ""
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    author_only: bool = False
    position: str | None = None  # forced position, as citeproc-js allows
    near_note: bool | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CiteRequest:
        position = data.get("position")
        forced = None
        if isinstance(position, int):
            forced = _POSITION_NUMBERS.get(position)
        elif isinstance(position, str) and position:
            forced = position
        locator = data.get("locator")
        return cls(
            id=str(data.get("id", "")),
            locator="" if locator is None else str(locator).strip(),
            label=str(data.get("label") or ""),
            prefix=str(data.get("prefix") or ""),
            suffix=str(data.get("suffix") or ""),
            suppress_author=bool(data.get("suppress-author")),
            author_only=bool(data.get("author-only")),
            position=forced,
            near_note=bool(data["near-note"]) if "near-note" in data else None,
        )


@dataclass(frozen=True, slots=True)
class CitationRequest:
    """A citation: the cites it holds and the note it stands in (0 outside notes)."""

    cites: tuple[CiteRequest, ...]
    note_index: int = 0
    citation_id: str = ""


@dataclass(slots=True)
class Entry:
    """One bibliography entry as rich text."""

    item_id: str
    content: Content
    names: Content = field(default_factory=list)


class Processor:
    """Formats citations and a bibliography of items through one style and locale."""

    def __init__(
        self,
        style: Style,
        locale: Locale,
        items: Iterable[Mapping[str, Any] | ItemData] = (),
    ) -> None:
        self.style = style
        self.locale = locale
        self.evaluator = Evaluator(style, locale)
        self.quotes = locale.quotes()
        self.english_locale = locale.lang.lower().startswith("en")
        self.numeric_citations = self._citation_reads("citation-number")
        options = style.citation.options
        self.grouped_sort = (style.style_class == "in-text" and options.collapse is not None) or (
            options.cite_group_delimiter is not None
            and not self.numeric_citations
            and not self._citation_tests("position")
        )
        self.implicit_year_suffix = not self._style_reads("year-suffix") and not self._style_reads(
            "citation-label"
        )
        self.items: dict[str, ItemData] = {}
        for index, item in enumerate(items):
            data = item if isinstance(item, ItemData) else read_item(item, f"item-{index + 1}")
            self.items.setdefault(data.id, data)
        # The registry (cited items first, in citation order, then the uncited) and the
        # items registered on their own, which stay when no citation cites them.
        self.registered: list[str] = []
        self._registered_set: set[str] = set()
        self._uncited: list[str] = []
        self._uncited_set: set[str] = set()
        citation = style.citation
        self.citation_name_options: NameOptions = citation.name_options.over(style.name_options)
        self.citation_names_delimiter = (
            citation.names_delimiter
            if citation.names_delimiter is not None
            else style.names_delimiter
        )
        bibliography = style.bibliography
        if bibliography is not None:
            self.bibliography_name_options = bibliography.name_options.over(style.name_options)
            self.bibliography_names_delimiter = (
                bibliography.names_delimiter
                if bibliography.names_delimiter is not None
                else style.names_delimiter
            )
        else:
            self.bibliography_name_options = style.name_options
            self.bibliography_names_delimiter = style.names_delimiter
        self._dirty = True
        self._locator_term_cache: dict[str, str] | None = None
        self._initializes: bool | None = None
        self.order: list[str] = []
        self.numbers: dict[str, int] = {}
        self.disambiguation: dict[str, Disambiguation] = {}
        self.name_levels: dict[tuple[object, bool], int] = {}

    # -- the registry ---------------------------------------------------------------------

    def add_items(self, items: Iterable[Mapping[str, Any] | ItemData]) -> None:
        for item in items:
            data = item if isinstance(item, ItemData) else read_item(item)
            self.items[data.id] = data
        self._dirty = True

    def register(self, ids: Iterable[str]) -> None:
        """Add items to the document's bibliography (citeproc-js's ``updateUncitedItems``).

        An item registered here stays in the bibliography (and is disambiguated against)
        whether or not a citation cites it; an item that only came in through a citation
        leaves when the document no longer cites it (see :meth:`process`).
        """
        for item_id in ids:
            if item_id not in self.items:
                continue
            if item_id not in self._uncited_set:
                self._uncited.append(item_id)
                self._uncited_set.add(item_id)
            if item_id not in self._registered_set:
                self.registered.append(item_id)
                self._registered_set.add(item_id)
                self._dirty = True

    def _refresh(self) -> None:
        """Decide order, numbers and disambiguation for the registry as it is."""
        if not self._dirty:
            return
        self._dirty = False
        registered = list(self.registered)
        self.numbers = {item_id: index + 1 for index, item_id in enumerate(registered)}
        self.disambiguation = {item_id: Disambiguation() for item_id in registered}
        self.name_levels = {}
        self.order = self._bibliography_order(registered)
        bibliography = self.style.bibliography
        if bibliography is not None and bibliography.sort and not self._sort_uses_number():
            self.numbers = {item_id: index + 1 for index, item_id in enumerate(self.order)}
        disambiguate.run(self)
        if self._sort_uses_year_suffix():
            self.order = self._bibliography_order(registered)

    def _bibliography_order(self, ids: list[str]) -> list[str]:
        bibliography = self.style.bibliography
        if bibliography is None or not bibliography.sort:
            return list(ids)
        return self.sort_ids(ids, bibliography.sort, "bibliography")

    def _sort_uses_number(self) -> bool:
        bibliography = self.style.bibliography
        if bibliography is None:
            return False
        return any(self._key_reads(key, "citation-number") for key in bibliography.sort)

    def _sort_uses_year_suffix(self) -> bool:
        bibliography = self.style.bibliography
        if bibliography is None:
            return False
        return any(self._key_reads(key, "year-suffix") for key in bibliography.sort)

    def _citation_reads(self, variable: str) -> bool:
        """Whether the citation layout (or a macro it calls) renders ``variable``."""
        seen: set[str] = set()
        queue: list[Any] = list(self.style.citation.layout.children)
        while queue:
            batch, queue = queue, []
            for node in walk_elements(batch):
                if getattr(node, "variable", None) == variable:
                    return True
                macro = getattr(node, "macro", None)
                if macro and macro not in seen:
                    seen.add(macro)
                    queue.extend(self.style.macros.get(macro, ()))
        return False

    def _citation_tests(self, attribute: str) -> bool:
        """Whether a condition of the citation layout (or its macros) tests ``attribute``."""
        from peerref.citations.style.nodes import Choose

        elements: list[Any] = list(self.style.citation.layout.children)
        for macro in self.style.macros.values():
            elements.extend(macro)
        for node in walk_elements(elements):
            if isinstance(node, Choose):
                for condition, _branch in node.branches:
                    if condition is not None and any(
                        name == attribute for name, _ in condition.tests
                    ):
                        return True
        return False

    def _citation_initializes(self) -> bool:
        """Whether the citation writes given names as initials (``initialize-with``)."""
        if self._initializes is None:
            from peerref.citations.style.nodes import Names

            found = self.citation_name_options.initialize_with is not None
            seen: set[str] = set()
            queue: list[Any] = list(self.style.citation.layout.children)
            while queue and not found:
                batch, queue = queue, []
                for node in walk_elements(batch):
                    if (
                        isinstance(node, Names)
                        and node.name is not None
                        and node.name.options.initialize_with is not None
                    ):
                        found = True
                        break
                    macro = getattr(node, "macro", None)
                    if macro and macro not in seen:
                        seen.add(macro)
                        queue.extend(self.style.macros.get(macro, ()))
            self._initializes = found
        return self._initializes

    def _style_reads(self, variable: str) -> bool:
        """Whether any layout or macro of the style renders ``variable`` itself."""
        elements: list[Any] = list(self.style.citation.layout.children)
        if self.style.bibliography is not None:
            elements.extend(self.style.bibliography.layout.children)
        for macro in self.style.macros.values():
            elements.extend(macro)
        return any(getattr(node, "variable", None) == variable for node in walk_elements(elements))

    def _key_reads(self, key: SortKey, variable: str) -> bool:
        if key.variable is not None:
            return key.variable == variable
        seen: set[str] = set()
        pending = [key.macro] if key.macro else []
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in walk_elements(self.style.macros.get(name, ())):
                if getattr(node, "variable", None) == variable:
                    return True
                macro = getattr(node, "macro", None)
                if macro:
                    pending.append(macro)
        return False

    # -- contexts ------------------------------------------------------------------------

    def citation_context(
        self,
        item_id: str,
        cite: CiteInfo | None = None,
        disambiguation: Disambiguation | None = None,
        *,
        suppress_author: bool = False,
    ) -> Context:
        context = Context(
            self.items[item_id],
            "citation",
            self.citation_name_options,
            self.citation_names_delimiter,
            cite=cite,
            disambiguation=(
                disambiguation
                if disambiguation is not None
                else self.disambiguation.get(item_id, Disambiguation())
            ),
            citation_number=self.numbers.get(item_id, 0),
            suppress_author=suppress_author,
            english_locale=self.english_locale,
            implicit_year_suffix=self.implicit_year_suffix,
        )
        context.name_levels = self.name_levels
        return context

    def bibliography_context(self, item_id: str) -> Context:
        state = self.disambiguation.get(item_id)
        disambiguation = Disambiguation()
        if state:
            disambiguation = Disambiguation(
                year_suffix=state.year_suffix, condition=state.condition
            )
            options = self.style.citation.options
            if options.add_givenname:
                # As citeproc-js: where given names disambiguate, the entry shows the
                # given names its cites were given (when that is more than it would show)
                # and, with add-names too, the names added to them. A cite's name that
                # is not initialized shows its whole given name when expanded, and that
                # is what the entry shows too ("Okafor, Chidi", not "Okafor, C.").
                full = not self._citation_initializes()
                disambiguation.givens = {
                    key: 2 if full and level else level for key, level in state.givens.items()
                }
                if options.add_names:
                    disambiguation.names = dict(state.names)
        context = Context(
            self.items[item_id],
            "bibliography",
            self.bibliography_name_options,
            self.bibliography_names_delimiter,
            disambiguation=disambiguation,
            citation_number=self.numbers.get(item_id, 0),
            english_locale=self.english_locale,
            implicit_year_suffix=self.implicit_year_suffix,
        )
        context.name_levels = self.name_levels
        return context

    # -- sorting --------------------------------------------------------------------------

    def sort_ids(self, ids: Sequence[str], keys: Sequence[SortKey], mode: str) -> list[str]:
        descending = [key.descending for key in keys]
        return sorted_by_keys(
            ids, lambda item_id, k: self.sort_value(item_id, keys[k], mode), descending
        )

    def sort_values(self, item_id: str, keys: Sequence[SortKey], mode: str) -> list[SortValue]:
        return [self.sort_value(item_id, key, mode) for key in keys]

    def sort_value(self, item_id: str, key: SortKey, mode: str) -> SortValue:
        item = self.items[item_id]
        if key.variable is not None:
            variable = key.variable
            if variable == "citation-number":
                return number_value(self.numbers.get(item_id, 0))
            if variable in NAME_VARIABLES:
                names = item.names.get(variable)
                if not names:
                    return EMPTY
                return text_value(self.evaluator.names_sort_key(names))
            if variable in DATE_VARIABLES:
                date = item.dates.get(variable)
                if date is None or date.is_empty:
                    return EMPTY
                return text_value(date_sort_key(date) or date.literal)
            if variable == "year-suffix":
                state = self.disambiguation.get(item_id)
                return text_value(state.year_suffix if state else "")
            if variable == "citation-label":
                return text_value(item.variables.get(variable) or citation_label(item))
            value = item.variables.get(variable, "")
            if not value:
                return EMPTY
            if is_numeric(value) and variable not in ("title",):
                number = numeric_value(value)
                if number is not None:
                    return number_value(number)
            return text_value(rich.plain(rich.parse_markup(value)))
        options = (
            self.citation_name_options if mode == "citation" else self.bibliography_name_options
        )
        state = self.disambiguation.get(item_id)
        context = Context(
            item,
            "sort",
            options,
            None,
            # As citeproc-js: a cite's sort key is made without its year-suffix.
            disambiguation=Disambiguation(year_suffix=state.year_suffix)
            if state and mode != "citation"
            else Disambiguation(),
            citation_number=self.numbers.get(item_id, 0),
            sort_names=SortNames(key.names_min, key.names_use_first, key.names_use_last),
            english_locale=self.english_locale,
        )
        context.name_levels = self.name_levels
        content = self.evaluator.macro(key.macro or "", context)
        return text_value(rich.plain(content))

    # -- citations --------------------------------------------------------------------------

    def process(self, citations: Sequence[CitationRequest]) -> list[Content]:
        """Render a whole document's citations, in order, with positions.

        The registry becomes what this document cites plus the items registered on
        their own: an item whose last citation was deleted leaves the bibliography and
        no longer takes part in disambiguation, as in citeproc-js.
        """
        # Citation numbers follow the document: items in the order they are first cited.
        cited = [cite.id for citation in citations for cite in citation.cites]
        order = list(dict.fromkeys(i for i in cited if i in self.items))
        in_order = set(order)
        order += [i for i in self._uncited if i not in in_order]
        if order != self.registered:
            self.registered = order
            self._registered_set = set(order)
            self._dirty = True
        self._refresh()
        placed = self.place(citations)
        return [self.render_citation(cites) for cites in placed]

    def place(self, citations: Sequence[CitationRequest]) -> list[list[CiteInfo]]:
        """Each cite's position in the document: first, subsequent, ibid, near-note.

        As citeproc-js decides them: citations in notes and citations in the text are
        two separate sequences; "ibid" needs the same item just before, in the same
        citation, in the same note, or alone in the note just before; a locator on the
        earlier cite but not on this one makes it "subsequent".
        """
        out: list[list[CiteInfo]] = []
        for citation in citations:
            cites = []
            for request in citation.cites:
                if request.id not in self.items:
                    continue
                locator, label = self.locator_and_label(request)
                cites.append(
                    CiteInfo(
                        item_id=request.id,
                        locator=locator,
                        label=label,
                        prefix=request.prefix,
                        suffix=request.suffix,
                        suppress_author=request.suppress_author,
                        author_only=request.author_only,
                        note_number=citation.note_index,
                    )
                )
            out.append(self.sort_cites(cites))
        for in_notes in (False, True):
            stream = [
                cites
                for cites, c in zip(out, citations, strict=True)
                if bool(c.note_index) == in_notes
            ]
            self._place_stream(stream)
        for cites, citation in zip(out, citations, strict=True):
            known = [r for r in citation.cites if r.id in self.items]
            for info, request in zip(cites, self._requests_in_order(cites, known), strict=True):
                if request.position is not None:
                    info.position = request.position
                if request.near_note is not None:
                    info.near_note = request.near_note
        return out

    @staticmethod
    def _requests_in_order(cites: list[CiteInfo], requests: list[CiteRequest]) -> list[CiteRequest]:
        """The requests matched to the (sorted) cites they became."""
        pending = list(requests)
        matched = []
        for cite in cites:
            for index, request in enumerate(pending):
                if request.id == cite.item_id:
                    matched.append(pending.pop(index))
                    break
        return matched

    def _place_stream(self, stream: list[list[CiteInfo]]) -> None:
        distance = self.style.citation.options.near_note_distance
        first_ref: dict[str, int] = {}
        last_ref: dict[str, int] = {}
        in_note: dict[int, int] = {}
        for j, cites in enumerate(stream):
            note = cites[0].note_number if cites else 0
            if j and note and stream[j - 1] and stream[j - 1][0].note_number > note:
                first_ref, last_ref, in_note = {}, {}, {}
            in_note[note] = in_note.get(note, 0) + len(cites)
            previous_citation = stream[j - 1] if j else []
            previous_note = previous_citation[0].note_number if previous_citation else None
            for k, cite in enumerate(cites):
                item_id = cite.item_id
                if item_id not in last_ref:
                    first_ref[item_id] = last_ref[item_id] = note
                    cite.position = FIRST
                else:
                    before: CiteInfo | None = None
                    if j and k == 0 and previous_citation and previous_note != note:
                        candidate = previous_citation[0]
                        if (
                            candidate.item_id == item_id
                            and previous_note is not None
                            and previous_note >= note - 1
                            and (in_note.get(previous_note) == 1 or previous_note == 0)
                        ):
                            before = candidate
                    elif k and cites[k - 1].item_id == item_id:
                        before = cites[k - 1]
                    elif (
                        k == 0
                        and previous_citation
                        and previous_note == note
                        and previous_citation[-1].item_id == item_id
                    ):
                        before = previous_citation[-1]
                    cite.position = SUBSEQUENT
                    if before is not None:
                        previous_locator = before.locator + before.label if before.locator else ""
                        current_locator = cite.locator + cite.label if cite.locator else ""
                        if not previous_locator:
                            cite.position = IBID_WITH_LOCATOR if current_locator else IBID
                        elif current_locator == previous_locator:
                            cite.position = IBID
                        elif current_locator:
                            cite.position = IBID_WITH_LOCATOR
                    if first_ref[item_id] != note:
                        cite.first_note_number = first_ref[item_id]
                if note:
                    if cite.position != FIRST and note - last_ref[item_id] <= distance:
                        cite.near_note = True
                    last_ref[item_id] = note
                elif cite.position != FIRST:
                    cite.near_note = True

    def cite_items(self, requests: Sequence[CiteRequest]) -> Content:
        """One citation on its own, positions as given (citeproc-js's makeCitationCluster)."""
        self.register(request.id for request in requests)
        self._refresh()
        cites = []
        for request in requests:
            if request.id not in self.items:
                continue
            locator, label = self.locator_and_label(request)
            cites.append(
                CiteInfo(
                    item_id=request.id,
                    locator=locator,
                    label=label,
                    prefix=request.prefix,
                    suffix=request.suffix,
                    suppress_author=request.suppress_author,
                    author_only=request.author_only,
                    position=request.position or FIRST,
                    near_note=bool(request.near_note),
                )
            )
        return self.render_citation(cites, in_document=False)

    def locator_and_label(self, request: CiteRequest) -> tuple[str, str]:
        """The locator and its label; a locator that starts with a label's short term
        ("vol. 1, fol. 186") takes that label, as citeproc-js does."""
        locator, label = request.locator, request.label
        if locator and not label:
            head = locator.split(" ", 1)
            if len(head) == 2:
                found = self._locator_terms().get(head[0])
                if found is not None:
                    return head[1].strip(), found
        return locator, label

    def _locator_terms(self) -> dict[str, str]:
        if self._locator_term_cache is None:
            found: dict[str, str] = {}
            for label in _LOCATOR_LABELS:
                for plural in (False, True):
                    text = self.locale.term_text(label, "short", plural)
                    if text and text.endswith(".") and text not in found:
                        found[text] = label
            self._locator_term_cache = found
        return self._locator_term_cache

    def render_cite(
        self,
        cite: CiteInfo,
        *,
        suppress_author: bool | None = None,
        suppress_year: bool = False,
        term_predecessor: bool = False,
    ) -> Content:
        """One cite through the citation layout, without its prefix and suffix.

        ``suppress_author`` and ``suppress_year`` leave out the first names and the
        year, as collapsing needs ("Smith 2000a, b").
        """
        context = self.citation_context(
            cite.item_id,
            cite,
            suppress_author=cite.suppress_author if suppress_author is None else suppress_author,
        )
        context.suppress_year = suppress_year
        context.capitalize_terms = self.style.style_class != "in-text"
        context.term_predecessor = term_predecessor or bool(cite.prefix)
        if cite.prefix and _ends_sentence(cite.prefix):
            context.term_predecessor = False
        content = self.evaluator.elements(self.style.citation.layout.children, context)
        if cite.author_only:
            tags = [t for t in rich.find_tags(content, "names") if t.data[2]]
            content = [tags[0]] if tags else []
        return content

    def sort_cites(self, cites: list[CiteInfo], *, in_document: bool = True) -> list[CiteInfo]:
        """The cites of one citation in the order the citation's sort gives.

        When cites are grouped by author (collapsing in an in-text style, or a
        cite-group-delimiter), citeproc-js adds a first sort key for the author's
        names and shifts the directions of the style's keys by one. In a document
        (``processCitationCluster``) the keys shift with it, and each author's run of
        cites is then placed by its first cite's first key; for a citation on its own
        (``makeCitationCluster``) there is no author key, so the style's second key
        takes the first key's direction, the third the second's. Zotero users see those
        orders, so PeerRef gives them too.
        """
        keys = self.style.citation.sort
        if not keys or len(cites) < 2:
            return cites
        descending = [key.descending for key in keys]
        if not self.grouped_sort:
            return sorted_by_keys(
                cites,
                lambda cite, k: self.sort_value(cite.item_id, keys[k], "citation"),
                descending,
            )
        if not in_document:
            shifted = [descending[0], *descending[:-1]]
            return sorted_by_keys(
                cites, lambda cite, k: self.sort_value(cite.item_id, keys[k], "citation"), shifted
            )

        def value(cite: CiteInfo, k: int) -> SortValue:
            if k == 0:
                return text_value(self.author_string(cite.item_id))
            return self.sort_value(cite.item_id, keys[k - 1], "citation")

        shifted = [descending[0], descending[0], *descending[:-1]]
        first = sorted_by_keys(cites, value, shifted)
        # Then each author's run of cites is placed by its first cite's first key.
        runs: list[list[CiteInfo]] = []
        previous: str | None = None
        for cite in first:
            author = self.author_string(cite.item_id)
            if runs and author == previous:
                runs[-1].append(cite)
            else:
                runs.append([cite])
            previous = author
        ordered = sorted_by_keys(
            runs,
            lambda run, _k: self.sort_value(run[0].item_id, keys[0], "citation"),
            [descending[0]],
        )
        return [cite for run in ordered for cite in run]

    def author_string(self, item_id: str) -> str:
        """The names a cite of the item begins with, as grouping compares them."""
        cite = CiteInfo(item_id=item_id, position=SUBSEQUENT, near_note=True)
        context = self.citation_context(item_id, cite)
        content = self.evaluator.elements(self.style.citation.layout.children, context)
        for span in rich.find_tags(content, "names"):
            if span.data[2]:
                return rich.plain(span.children)
        return ""

    def render_citation(self, cites: Sequence[CiteInfo], *, in_document: bool = True) -> Content:
        layout = self.style.citation.layout
        cites = self.sort_cites(list(cites), in_document=in_document)
        if not cites:
            return []
        content = collapse.collapse_citation(self, list(cites))
        if not content:
            return [NO_PRINTED_FORM]
        return self._layout_wrap(content, layout)

    def _layout_wrap(self, content: Content, layout: Layout) -> Content:
        """The layout's affixes, then its formatting around them (citeproc-js:
        ``<b>([1]–[3])</b>``)."""
        rendering = layout.rendering
        if rendering.plain:
            return content
        last = content[-1] if content else None
        if rendering.suffix and isinstance(last, rich.Span) and last.kind == rich.DIV:
            # As citeproc-js: the layout's suffix goes inside an entry's last block.
            inside = rich.join([last.children, affix(rendering.suffix)])
            content = [*content[:-1], rich.Span(rich.DIV, inside, last.data)]
            rendering = dataclasses.replace(rendering, suffix="")
        content = apply_affixes(content, rendering)
        content = apply_formatting(content, rendering)
        if rendering.display:
            content = rich.wrap(rich.DIV, content, rendering.display)
        return content

    def with_affixes(self, content: Content, cite: CiteInfo) -> Content:
        """A cite with the author's prefix and suffix ("see ", ", for example")."""
        if not cite.prefix and not cite.suffix:
            return content
        # Tagged so that punctuation is never moved into or out of what the author typed.
        prefix = rich.wrap(rich.TAG, rich.parse_markup(cite.prefix), "user-affix")
        suffix = rich.wrap(rich.TAG, rich.parse_markup(cite.suffix), "user-affix")
        return rich.join([prefix, content, suffix])

    # -- the bibliography -------------------------------------------------------------------

    def bibliography(self) -> list[Entry]:
        """Every registered item's entry, in the bibliography's order."""
        style = self.style
        if style.bibliography is None:
            return []
        self._refresh()
        layout = style.bibliography.layout
        entries: list[Entry] = []
        for item_id in self.order:
            content = self.render_entry(item_id, layout)
            if rich.is_empty(content):
                # As citeproc-js: a numeric style keeps the entry's place with an error,
                # any other style leaves the entry out.
                if not self.numeric_citations:
                    continue
                content = [f"{len(entries) + 1}. {NO_PRINTED_FORM}"]
            entries.append(Entry(item_id, content))
        substitute = style.bibliography.options.subsequent_author_substitute
        if substitute is not None:
            plans = collapse.author_substitutions(
                entries, substitute, style.bibliography.options.subsequent_author_substitute_rule
            )
            for index, replace in plans.items():
                entry = entries[index]
                entry.content = self.render_entry(entry.item_id, layout, replace_names=replace)
        return entries

    def render_entry(
        self,
        item_id: str,
        layout: Layout,
        *,
        replace_names: collapse.NamesReplacement | None = None,
    ) -> Content:
        """One entry through the bibliography layout.

        ``replace_names`` substitutes the entry's first names as they are evaluated
        (subsequent-author-substitute).
        """
        context = self.bibliography_context(item_id)
        context.replace_first_names = replace_names
        bibliography = self.style.bibliography
        assert bibliography is not None
        if bibliography.options.second_field_align and layout.children:
            first = self.evaluator.element(layout.children[0], context)
            rest = self.evaluator.elements(layout.children[1:], context)
            rendering = layout.rendering
            if first and rest:
                rest = rich.join([rest, affix(rendering.suffix)])
                first = rich.join([affix(rendering.prefix), first])
                first = apply_formatting(first, rendering)
                # citeproc-js trims the end of the aligned part ("… a title). " → "…).").
                rest = rich.strip_trailing(apply_formatting(rest, rendering), " ")
                return [
                    rich.Span(rich.DIV, first, "left-margin"),
                    rich.Span(rich.DIV, rest, "right-inline"),
                ]
            content = rich.join([first, rest])
        else:
            content = self.evaluator.elements(layout.children, context)
        if not content:
            return []
        content = _space_before_first_block(self._layout_wrap(content, layout))
        last = content[-1] if content else None
        if isinstance(last, rich.Span) and last.kind == rich.DIV:
            # As citeproc-js: a block that ends an entry ends where its text does
            # ("… p. 233–241. " in a display="block" group ends at the period).
            trimmed = rich.strip_trailing(last.children, " ")
            content = [*content[:-1], rich.Span(rich.DIV, trimmed, last.data)]
        return content

    # -- writing ---------------------------------------------------------------------------

    def finish(self, content: Content) -> Content:
        """The last touches before writing: punctuation moved into quotes when asked."""
        if self.locale.punctuation_in_quote:
            return rich.punctuation_in_quotes(content)
        return content

    def html(self, content: Content) -> str:
        return to_html(self.finish(content), self.quotes)

    def text(self, content: Content) -> str:
        return to_text(self.finish(content), self.quotes)

    def rtf(self, content: Content) -> str:
        return to_rtf(self.finish(content), self.quotes)


def _space_before_first_block(content: Content) -> Content:
    """A space that begins an entry's first display block, moved before the block.

    citeproc-js carries a leading space up out of the first element of a layout
    without affixes or fonts, so where a display group comes first (the names block
    before it left empty by subsequent-author-substitute) the space is the entry's,
    not the block's: ``<div class="csl-entry"> <div class="csl-left-margin">N.d.``.
    """
    for index, node in enumerate(content):
        if isinstance(node, str):
            if node:
                return content
            continue
        if rich.is_empty([node]):
            continue
        if node.kind != rich.DIV or rich.first_char(node.children) != " ":
            return content
        block = rich.Span(rich.DIV, rich.drop_first_char(list(node.children)), node.data)
        return [*content[:index], " ", block, *content[index + 1 :]]
    return content


def _ends_sentence(prefix: str) -> bool:
    """citeproc-js's test for a prefix after which a term is capitalized ("Seen so. ")."""
    text = re.sub(r"<[^>]+>", "", prefix)
    text = re.sub(r"[\"'”’»\u202f\u00a0 ]+$", "", text)
    return text[-1:] in (":", ".", ";", "!", "?") and " " in prefix.strip()


def walk_elements(elements: Iterable[Any]) -> Iterable[Any]:
    """Every node under ``elements``, depth first (branches and substitutes included)."""
    for element in elements:
        yield element
        children = getattr(element, "children", None)
        if children:
            yield from walk_elements(children)
        branches = getattr(element, "branches", None)
        if branches:
            for _condition, branch in branches:
                yield from walk_elements(branch)
        substitute = getattr(element, "substitute", None)
        if substitute:
            yield from walk_elements(substitute)
