"""Evaluating a style's nodes against one item: the second stage of the processor.

:class:`Evaluator` walks the frozen nodes of :mod:`peerref.citations.style` and builds
rich text (:mod:`peerref.citations.output.rich`). What it renders remembers where it
came from: the first ``cs:names`` of a cite is tagged ``names``, the citation number
``citation-number``, the year-suffix ``year-suffix``, the date ``date``, so the passes
over whole citations (disambiguation, collapsing, subsequent-author-substitute) can
find them without looking at strings.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from peerref.citations.eval import numbers
from peerref.citations.eval.context import (
    FIRST,
    IBID,
    IBID_WITH_LOCATOR,
    Context,
)
from peerref.citations.eval.dates import date_sort_key, render_date, shown_units
from peerref.citations.eval.formatting import (
    affix,
    apply_affixes,
    apply_formatting,
    apply_rendering,
)
from peerref.citations.eval.item import NAME_VARIABLES, NUMBER_VARIABLES, ItemData, PersonName
from peerref.citations.eval.names import (
    DEFAULT_NAME_OPTIONS,
    NameStyle,
    format_name,
    name_sort_key,
)
from peerref.citations.output import rich
from peerref.citations.output.rich import Content
from peerref.citations.style.locale import Locale
from peerref.citations.style.nodes import (
    PLAIN,
    Choose,
    Condition,
    Date,
    Element,
    EtAl,
    Group,
    Label,
    Name,
    NameOptions,
    Names,
    Number,
    Rendering,
    Style,
    Text,
)

# Variables whose values are identifiers or addresses: no markup or quotes in them.
_VERBATIM = frozenset({"URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID", "call-number"})
_MAX_MACRO_DEPTH = 64
# A term citeproc-js sets off with spaces: one that starts in a script written with them.
# Not the Hebrew vav (U+05D5): as "and" it is a prefix written onto the next word.
_ROMANESQUE_START = re.compile(
    "[&a-zA-Z\u00c0-\u017f\u0218-\u021b\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u0600-\u06ff\u0e01-\u0e5b\u1f00-\u1fff\u200c-\u200e\u202a-\u202e]"
)
# Variables not written straight from the item's field as its markup.
_NOT_PLAIN = frozenset(
    {
        "locator",
        "year-suffix",
        "citation-number",
        "first-reference-note-number",
        "citation-label",
        "page",
        "URL",
        "DOI",
        "ISBN",
        "ISSN",
        "PMID",
        "PMCID",
        "call-number",
    }
    | NUMBER_VARIABLES
)
# Variables a condition cannot read straight from the item.
_SPECIAL_VARIABLES = frozenset(
    {"locator", "year-suffix", "citation-number", "first-reference-note-number", "citation-label"}
)
# Values that depend on the cite or the style, so are not cached on the item.
_UNCACHED = frozenset(
    {
        "locator",
        "citation-number",
        "citation-label",
        "year-suffix",
        "page",
        "first-reference-note-number",
    }
)


class Evaluator:
    """Renders items through one style in one locale; shared by every render of both."""

    def __init__(self, style: Style, locale: Locale) -> None:
        self.style = style
        self.locale = locale
        self.page_delimiter = locale.term_text("page-range-delimiter") or "–"
        self._name_styles: dict[tuple[int, int], tuple[NameOptions, NameStyle]] = {}
        self._macro_depth = 0
        # Names as formatted, by name and name style (see _format_name).
        self._formatted_names: dict[tuple[object, ...], Content] = {}
        # Choices' branches with compiled conditions, by the id of the (long-lived) node.
        self._compiled_branches: dict[int, list[tuple[Callable[[Context], bool] | None, Any]]] = {}
        # Compiled conditions, by the id of their (frozen, long-lived) node.
        self._conditions: dict[int, Callable[[Context], bool]] = {}
        # The elements that write something, by node class.
        self._renderers: dict[type, Any] = {
            Text: self.text,
            Names: self.names,
            Date: self.date,
            Number: self.number,
            Label: self.label,
        }

    # -- entry points ----------------------------------------------------------------------

    def elements(self, elements: Sequence[Element], context: Context) -> Content:
        """The elements rendered one after another, as ``cs:layout`` and macros do."""
        if len(elements) == 1:
            return self.element(elements[0], context)
        return rich.join([self.element(element, context) for element in elements])

    def element(self, element: Element, context: Context) -> Content:
        kind = type(element)
        if kind is Group:
            return self.group(element, context)  # type: ignore[arg-type]
        if kind is Choose:
            return self.choose(element, context)  # type: ignore[arg-type]
        handler = self._renderers.get(kind)
        if handler is None:
            return []
        content: Content = handler(element, context)
        if content:
            context.term_predecessor = True
        return content

    # -- variables --------------------------------------------------------------------------

    def has_variable(self, variable: str, context: Context) -> bool:
        if variable in context.suppressed:
            return False
        if variable == "citation-label":
            return True
        cite = context.cite
        if variable == "locator":
            return cite is not None and bool(cite.locator)
        if variable == "year-suffix":
            return bool(context.disambiguation.year_suffix)
        if variable == "citation-number":
            return context.mode != "sort" or context.citation_number > 0
        if variable == "first-reference-note-number":
            return cite is not None and cite.first_note_number > 0 and cite.position != FIRST
        return context.item.has(variable)

    def raw_value(self, variable: str, context: Context) -> str:
        """A non-name, non-date variable's text, with the cite's own variables."""
        if variable in context.suppressed:
            return ""
        cite = context.cite
        if variable == "locator":
            return cite.locator if cite is not None else ""
        if variable == "citation-number":
            return str(context.citation_number) if context.citation_number else ""
        if variable == "year-suffix":
            return context.disambiguation.year_suffix
        if variable == "first-reference-note-number":
            if cite is not None and cite.first_note_number and cite.position != FIRST:
                return str(cite.first_note_number)
            return ""
        if variable == "citation-label":
            label = context.item.variables.get(variable) or citation_label(context.item)
            return label + context.disambiguation.year_suffix
        return context.item.variables.get(variable, "")

    def variable_content(self, variable: str, form: str, context: Context) -> tuple[str, Content]:
        """(the variable actually used, its value as rich text)."""
        if form == "long" and variable not in _NOT_PLAIN and variable not in context.suppressed:
            # The common case: a field of the item, its markup parsed once.
            value = context.item.variables.get(variable)
            if not value:
                return variable, []
            cache = context.item.markup
            content = cache.get(variable)
            if content is None:
                content = cache[variable] = rich.parse_markup(value)
            return variable, content
        if form == "short":
            short = f"{variable}-short"
            if variable == "title" and context.item.variables.get("title-short"):
                variable = "title-short"
            elif (
                short in context.item.variables
                and short not in context.suppressed
                and variable not in context.suppressed
            ):
                variable = short
        value = self.raw_value(variable, context)
        if not value:
            return variable, []
        if variable == "page":
            value = numbers.format_page_range(
                value, self.style.page_range_format, self.page_delimiter
            )
        elif variable == "locator":
            # Every locator range gets an en dash; only pages are abbreviated.
            is_page = context.cite is not None and context.cite.label in ("", "page")
            value = numbers.format_page_range(
                value, self.style.page_range_format if is_page else None, self.page_delimiter
            )
            if " & " in value:
                value = value.replace(" & ", f" {self.locale.term_text('and', 'symbol') or '&'} ")
            return variable, rich.parse_markup(value)
        if variable in _VERBATIM or variable in NUMBER_VARIABLES:
            # Identifiers and numbers are data, never markup (citeproc-js prints
            # "1<sup>er</sup>" in an edition as it stands).
            if variable in numbers.RANGE_VARIABLES:
                value = numbers.dash_ranges(value, self.page_delimiter)
            return variable, [value]
        if variable in _UNCACHED:
            return variable, rich.parse_markup(value)
        cache = context.item.markup
        content = cache.get(variable)
        if content is None:
            content = cache[variable] = rich.parse_markup(value)
        return variable, content

    # -- cs:text -----------------------------------------------------------------------------

    def text(self, node: Text, context: Context) -> Content:
        rendering = node.rendering
        if node.variable is not None:
            variable = node.variable
            used, content = self.variable_content(variable, node.form, context)
            if not content:
                # An empty year-suffix does not suppress its group: "(n.d.)" stays.
                if variable != "year-suffix":
                    context.called += 1
                return []
            context.called += 1
            context.rendered += 1
            context.note_rendered(used)
            if variable == "citation-number":
                content = rich.wrap(rich.TAG, content, ("citation-number", context.citation_number))
            elif variable == "year-suffix":
                content = rich.wrap(rich.TAG, content, "year-suffix")
            elif variable == "locator":
                content = rich.wrap(rich.TAG, content, "locator")
            elif variable in ("title", "title-short"):
                content = rich.wrap(rich.TAG, content, "title")
        elif node.macro is not None:
            # A macro call is suppressed like a group: it calls variables, none rendered.
            called, rendered = context.called, context.rendered
            content = rich.bounded(self.macro(node.macro, context))
            if context.called > called and context.rendered == rendered:
                return []
            if content and context.rendered == rendered:
                # A macro of terms that renders counts as a success for the group
                # around it, as citeproc-js treats a successful group ("(n.d.)").
                context.rendered += 1
        elif node.term is not None:
            content = self.term(node.term, node.form, node.plural)
            if content and not context.term_predecessor and context.capitalize_terms:
                # As citeproc-js: a term that begins a note or an entry is capitalized.
                content = rich.apply_text_case(content, "capitalize-first")
        else:
            content = rich.parse_markup(node.value or "")
        if rendering.plain or not content:
            return content
        # As citeproc-js: title case is held back for an item's own text when it is not
        # in English; a locale's term always takes it ("(Éds)" in a French style).
        english = context.english or node.term is not None
        if node.macro is not None and rendering.text_case:
            # citeproc-js wraps a macro's output in a group, and text-case only ever
            # acts on text itself, so on a macro call it does nothing.
            rendering = _without_text_case(rendering)
            if rendering.plain:
                return content
        return apply_rendering(
            content,
            rendering,
            english=english,
            language=context.item.language,
            leaf=node.macro is None,
        )

    def macro(self, name: str, context: Context) -> Content:
        children = self.style.macros.get(name)
        if not children:
            return []
        if self._macro_depth >= _MAX_MACRO_DEPTH:
            return []  # a macro that calls itself renders nothing past this depth
        self._macro_depth += 1
        try:
            return self.elements(children, context)
        finally:
            self._macro_depth -= 1

    def term(self, name: str, form: str, plural: bool) -> Content:
        text = self.locale.term_text(name, form, plural)
        return affix(text)

    # -- cs:number -----------------------------------------------------------------------

    def number(self, node: Number, context: Context) -> Content:
        variable = node.variable
        context.called += 1
        value = self.raw_value(variable, context)
        if not value:
            return []
        context.rendered += 1
        context.note_rendered(variable)
        if context.mode == "sort" and numbers.is_numeric(value):
            number = numbers.numeric_value(value) or 0
            return [f"{number:08d}"]
        if not numbers.is_numeric(value):
            if variable == "page":
                value = numbers.format_page_range(
                    value, self.style.page_range_format, self.page_delimiter
                )
            # As cs:text writes them: a number variable is data, never markup
            # (citeproc-js prints "1<sup>er</sup>" as it stands).
            content: Content = [value] if variable in NUMBER_VARIABLES else rich.parse_markup(value)
        else:
            content = [self.format_number(value, node.form, variable)]
        if variable == "citation-number":
            content = rich.wrap(rich.TAG, content, ("citation-number", context.citation_number))
        return apply_rendering(content, node.rendering, english=context.english, leaf=True)

    def format_number(self, value: str, form: str, variable: str) -> str:
        gender = None
        if form in ("ordinal", "long-ordinal"):
            term = self.locale.term(variable) or self.locale.term(_LABEL_TERMS.get(variable, ""))
            gender = term.gender if term is not None else None
        out = []
        for kind, piece in numbers.split_numbers(value):
            if kind == "separator":
                out.append(numbers.normalize_separator(piece))
            elif piece.isdigit():
                out.append(self.number_form(int(piece), form, gender))
            else:
                out.append(piece)
        return "".join(out)

    def number_form(self, number: int, form: str, gender: str | None) -> str:
        if form == "ordinal":
            return f"{number}{self.locale.ordinal_suffix(number, gender)}"
        if form == "long-ordinal":
            word = self.locale.long_ordinal(number, gender)
            if word is not None:
                return word
            return f"{number}{self.locale.ordinal_suffix(number, gender)}"
        if form == "roman":
            return numbers.roman(number)
        return str(number)

    # -- cs:label ------------------------------------------------------------------------

    def label(self, node: Label, context: Context) -> Content:
        # As citeproc-js: a label is a term, written whether or not its variable has a
        # value (a group around it still needs a variable that renders); without a
        # value it is singular, and a locator's is "page" unless the cite says else.
        variable = node.variable
        if variable == "locator":
            cite = context.cite
            term_name = (cite.label if cite is not None else "") or "page"
            if term_name in ("sub verbo", "sub-verbo"):
                # CSL 1.0.2 spells the term "sub-verbo"; older locales "sub verbo".
                term_name = "sub-verbo" if self.locale.has_term("sub-verbo") else "sub verbo"
            value = cite.locator if cite is not None and "locator" not in context.suppressed else ""
        else:
            value = self.raw_value(variable, context)
            term_name = _LABEL_TERMS.get(variable, variable)
        if node.plural == "always":
            plural = True
        elif node.plural == "never" or not value:
            plural = False
        elif variable in ("number-of-pages", "number-of-volumes"):
            plural = (numbers.numeric_value(value) or 0) > 1
        else:
            plural = numbers.is_plural(value, self.locale.term_text("and"))
        text = self.locale.term_text(term_name, node.form, plural)
        if not text:
            return []
        return apply_rendering(affix(text), node.rendering, leaf=True)

    # -- cs:date ---------------------------------------------------------------------------

    def date(self, node: Date, context: Context) -> Content:
        variable = node.variable
        context.called += 1
        if variable in context.suppressed:
            return []
        value = context.item.dates.get(variable)
        if value is None or value.is_empty:
            return []
        if variable == "accessed" and context.disambiguating:
            return []  # as citeproc-js: when a page was read does not tell works apart
        if context.mode == "sort":
            context.rendered += 1
            context.note_rendered(variable)
            if not value.parts:
                return [value.literal]
            shown = shown_units(node) if node.form else tuple(part.name for part in node.parts)
            return [date_sort_key(value, shown)]
        content = render_date(node, value, self.locale, context)
        if not content:
            if context.suppress_year:
                context.rendered += 1  # the year was there, collapsing left it out
            return []
        context.rendered += 1
        context.note_rendered(variable)
        content = rich.wrap(rich.TAG, content, ("date", variable))
        return apply_rendering(content, node.rendering, english=context.english, leaf=True)

    # -- cs:group and cs:choose ---------------------------------------------------------------

    def group(self, node: Group, context: Context) -> Content:
        called, rendered = context.called, context.rendered
        parts: list[Content] = []
        for child in node.children:
            if type(child) is Choose:
                # The chosen branch's elements are the group's own children for its
                # delimiter, as citeproc-js places it.
                parts.extend(self.choose_parts(child, context))
            else:
                parts.append(self.element(child, context))
        if context.called > called and context.rendered == rendered:
            return []
        content = rich.bounded(rich.join(parts, affix(node.delimiter) if node.delimiter else None))
        if content and context.rendered == rendered:
            context.rendered += 1  # a group that renders is a success for its parent
        if not content or node.rendering.plain:
            return content
        return apply_rendering(content, node.rendering, english=context.english)

    def _branches(self, node: Choose) -> list[tuple[Callable[[Context], bool] | None, Any]]:
        """A choice's branches with their conditions compiled, made once per node."""
        found = self._compiled_branches.get(id(node))
        if found is None:
            found = self._compiled_branches[id(node)] = [
                (None if condition is None else self._compile(condition), children)
                for condition, children in node.branches
            ]
        return found

    def choose(self, node: Choose, context: Context) -> Content:
        for check, children in self._branches(node):
            if check is None or check(context):
                return self.elements(children, context)
        return []

    def choose_parts(self, node: Choose, context: Context) -> list[Content]:
        """The outputs of the chosen branch's elements, one by one (nested choices
        flattened), for a group to put its delimiter between."""
        for check, children in self._branches(node):
            if check is None or check(context):
                parts: list[Content] = []
                for child in children:
                    if type(child) is Choose:
                        parts.extend(self.choose_parts(child, context))
                    else:
                        parts.append(self.element(child, context))
                return parts
        return []

    def condition(self, condition: Condition, context: Context) -> bool:
        compiled = self._conditions.get(id(condition))
        if compiled is None:
            compiled = self._conditions[id(condition)] = self._compile(condition)
        return compiled(context)

    def _compile(self, condition: Condition) -> Callable[[Context], bool]:
        """A predicate for one condition, made once per style: each test becomes a small
        function, and item-type tests a set lookup."""
        tests = [(attribute, value) for attribute, values in condition.tests for value in values]
        match = condition.match
        if match in ("any", "none") and all(attribute == "type" for attribute, _ in tests):
            types = frozenset(value for _, value in tests)
            if match == "any":
                return lambda context: context.item.type in types
            return lambda context: context.item.type not in types
        # As citeproc-js: the types of one attribute are always alternatives, so
        # <if type="thesis manuscript"> holds for a thesis even under match="all".
        checks = [
            self._check(attribute, value) for attribute, value in tests if attribute != "type"
        ]
        for attribute, values in condition.tests:
            if attribute == "type":
                checks.append(_type_among(frozenset(values)))
        if match == "all":

            def all_true(context: Context) -> bool:
                # A plain loop: all() over a generator costs more on this hot path.
                for check in checks:  # noqa: SIM110
                    if not check(context):
                        return False
                return True

            return all_true

        def any_true(context: Context) -> bool:
            for check in checks:  # noqa: SIM110 - as above
                if check(context):
                    return True
            return False

        if match == "any":
            return any_true
        return lambda context: not any_true(context)

    def _check(self, attribute: str, value: str) -> Callable[[Context], bool]:
        """One test as a function of the context."""
        if attribute == "type":
            return lambda context: context.item.type == value
        if attribute == "variable" and value not in _SPECIAL_VARIABLES:

            def present(context: Context) -> bool:
                # As citeproc-js: a condition reads the item, so a variable that
                # cs:substitute has used up still counts as there.
                return context.item.has(value)

            return present
        test = self.test
        return lambda context: test(attribute, value, context)

    def test(self, attribute: str, value: str, context: Context) -> bool:
        item = context.item
        if attribute == "type":
            return item.type == value
        if attribute == "variable":
            return self.has_variable(value, context)
        if attribute == "is-numeric":
            if value in NAME_VARIABLES or value in item.dates:
                return False
            return numbers.is_numeric(self.raw_value(value, context))
        if attribute == "is-uncertain-date":
            date = item.dates.get(value)
            return date is not None and date.circa
        if attribute == "locator":
            cite = context.cite
            if cite is None or not cite.locator:
                return False
            label = (cite.label or "page").replace(" ", "-")
            return label == value or (value == "sub-verbo" and label == "sub-verbo")
        if attribute == "position":
            cite = context.cite
            if cite is None or context.mode != "citation":
                return False
            position = cite.position
            if value == "first":
                return position == FIRST
            if value == "subsequent":
                return position != FIRST
            if value == "ibid":
                return position in (IBID, IBID_WITH_LOCATOR)
            if value == "ibid-with-locator":
                return position == IBID_WITH_LOCATOR
            if value == "near-note":
                return position != FIRST and cite.near_note
            return False
        if attribute == "disambiguate":
            if value != "true":
                return context.disambiguation.condition == 0
            # As citeproc-js: the tests come on one by one, as disambiguation needs
            # them; the first ``condition`` a rendering meets are true.
            context.disambiguate_tests += 1
            return context.disambiguate_tests <= context.disambiguation.condition
        return False

    # -- cs:names ----------------------------------------------------------------------------

    def names(self, node: Names, context: Context) -> Content:
        """A cs:names element.

        As citeproc-js renders them, a cs:names in a cs:substitute with no
        cs:name, cs:et-al or cs:label of its own takes those of the cs:names it stands
        in for, and that one's formatting and affixes instead of its own; anything else
        in a cs:substitute keeps only its own formatting.
        """
        rendering = node.rendering
        parent, parent_rendering = context.substitute_parent or (None, None)
        name_node, et_al, label, label_first = node.name, node.et_al, node.label, node.label_first
        if parent is not None and name_node is None and et_al is None and label is None:
            name_node, et_al, label, label_first = (
                parent.name,
                parent.et_al,
                parent.label,
                parent.label_first,
            )
            if parent_rendering is not None:
                rendering = parent_rendering
        context.called += 1
        item_names = context.item.names
        lists: list[tuple[str, tuple[PersonName, ...]]] = []
        for variable in node.variables:
            if variable in context.suppressed:
                continue
            found = item_names.get(variable)
            if found:
                lists.append((variable, found))
        if len(lists) > 1 and label is not None and len(node.variables) == 2:
            # As citeproc-js: one list under "editortranslator" only for a cs:names of
            # just those two variables with a label to print the combined term.
            variables = [v for v, _ in lists]
            if "editor" in variables and "translator" in variables:
                editors = item_names["editor"]
                if editors == item_names["translator"] and self.locale.term_text(
                    "editortranslator"
                ):
                    merged: list[tuple[str, tuple[PersonName, ...]]] = []
                    for variable, found in lists:
                        if variable == "editor":
                            merged.append(("editortranslator", found))
                        elif variable != "translator":
                            merged.append((variable, found))
                    lists = merged
        first_names = context.names_rendered == 0 and not context.in_substitute
        if not lists:
            if node.substitute is None:
                return []
            content = self.substitute(node, context, rendering)
            if not content:
                return []
            content = self._substituted(content, first_names, context)
            return self._names_result(content, ("substitute",), first_names, context)
        options, name_style = self.name_style(name_node, context)
        counting = options.form == "count"
        rendered: list[Content] = []
        total = 0
        for variable, found in lists:
            listed = self.name_list(found, variable, options, name_style, name_node, et_al, context)
            if isinstance(listed, int):
                total += listed
                continue
            # The list alone is tagged: subsequent-author-substitute replaces the names,
            # not their label ("--- ed.").
            content = rich.wrap(rich.TAG, listed, ("name-list", variable))
            if label is not None and content and context.mode != "sort":
                term_variable = variable
                plural = {
                    "always": True,
                    "never": False,
                }.get(label.plural, len(found) > 1)
                term = self.locale.term_text(term_variable, label.form, plural)
                if term:
                    label_content = apply_rendering(affix(term), label.rendering)
                    content = (
                        rich.join([label_content, content])
                        if label_first
                        else rich.join([content, label_content])
                    )
            rendered.append(content)
        context.rendered += 1
        for variable, _found in lists:
            if variable == "editortranslator":
                context.note_rendered("editor", "translator")
            else:
                context.note_rendered(variable)
        if counting:
            if not total:
                context.rendered -= 1
                return []
            content = [str(total)]
        else:
            delimiter = node.delimiter
            if delimiter is None:
                delimiter = context.names_delimiter or ""
            content = rich.join(rendered, affix(delimiter) if delimiter else None)
        content = self._substituted(content, first_names, context)
        content = apply_rendering(content, rendering, english=context.english)
        return self._names_result(content, tuple(v for v, _ in lists), first_names, context)

    def _names_result(
        self, content: Content, variables: tuple[str, ...], first: bool, context: Context
    ) -> Content:
        if not content:
            return content
        if first:
            context.names_rendered += 1
            if context.suppress_author:
                return []
        return rich.wrap(rich.TAG, content, ("names", variables, first))

    @staticmethod
    def _substituted(content: Content, first: bool, context: Context) -> Content:
        """The entry's first names replaced by subsequent-author-substitute, if it says so.

        Done before the names' affixes and whatever follows them are joined on, as
        citeproc-js does, so that punctuation settles against the substitute, not the
        names it replaced ("---. 1991" where the names ended "et al.").
        """
        if not first or context.replace_first_names is None or context.suppress_author:
            return content
        span = rich.Span(rich.TAG, content, ("names", (), True))
        context.replace_first_names(span)
        return span.children

    def substitute(self, node: Names, context: Context, rendering: Rendering) -> Content:
        context.in_substitute += 1
        saved_parent = context.substitute_parent
        context.substitute_parent = (node, rendering)
        try:
            for child in node.substitute or ():
                start = len(context.rendered_variables)
                content = self.element(child, context)
                if content and not rich.is_empty(content):
                    context.suppressed.update(context.rendered_variables[start:])
                    return content
                if isinstance(child, Text) and child.term is not None:
                    # As citeproc-js: a term is the substitute even where the locale
                    # leaves it empty; the elements after it are not tried.
                    return []
            return []
        finally:
            context.in_substitute -= 1
            context.substitute_parent = saved_parent

    def name_style(self, name_node: Name | None, context: Context) -> tuple[NameOptions, NameStyle]:
        key = (id(name_node), id(context.name_options))
        found = self._name_styles.get(key)
        if found is not None:
            return found
        mine = name_node.options if name_node is not None else NameOptions()
        options = mine.over(context.name_options).over(DEFAULT_NAME_OPTIONS)
        style = NameStyle(
            form=options.form or "long",
            initialize=options.initialize is not False,
            initialize_with=options.initialize_with,
            initialize_with_hyphen=self.style.initialize_with_hyphen,
            sort_separator=options.sort_separator if options.sort_separator is not None else ", ",
            demote=self.style.demote_non_dropping_particle,
            given_part=name_node.given if name_node is not None else None,
            family_part=name_node.family if name_node is not None else None,
        )
        # Both keys are owned by long-lived objects (the style's nodes and the
        # processor's inherited options), so their ids stay unique while cached.
        self._name_styles[key] = (options, style)
        return options, style

    def name_list(
        self,
        names: tuple[PersonName, ...],
        variable: str,
        options: NameOptions,
        style: NameStyle,
        name_node: Name | None,
        et_al: EtAl | None,
        context: Context,
    ) -> Content | int:
        count = len(names)
        et_al_min = options.et_al_min
        use_first = options.et_al_use_first
        use_last = bool(options.et_al_use_last)
        cite = context.cite
        if context.mode == "citation" and cite is not None and cite.position != FIRST:
            if options.et_al_subsequent_min is not None:
                et_al_min = options.et_al_subsequent_min
            if options.et_al_subsequent_use_first is not None:
                use_first = options.et_al_subsequent_use_first
        sort_names = context.sort_names
        if sort_names is not None:
            if sort_names.names_min is not None:
                et_al_min = sort_names.names_min
            if sort_names.use_first is not None:
                use_first = sort_names.use_first
            if sort_names.use_last is not None:
                use_last = sort_names.use_last
        if use_last and et_al_min is not None and use_first is not None:
            # As citeproc-js: with the last name added, the names before the ellipsis
            # are at most et-al-min − 2, so the list always comes out shorter than the
            # shortest list that is cut (et-al-min 7, use-first 6: "A, B, C, D, E, … G").
            use_first = max(1, min(use_first, et_al_min - 2))
        truncated = (
            et_al_min is not None
            and use_first is not None
            and count >= et_al_min
            and use_first < count
        )
        shown = use_first if truncated and use_first is not None else count
        nameset = len(context.names_log)
        mode = context.mode
        wanted = context.disambiguation.names.get(nameset) if mode != "sort" else None
        if wanted is not None:
            if context.disambiguating:
                shown = min(count, max(wanted, 1))
            elif use_first is not None and wanted > use_first:
                # As citeproc-js: disambiguation only ever adds names to a cite.
                shown = count if et_al_min is not None and count < et_al_min else min(count, wanted)
            truncated = shown < count
        if mode != "sort":
            context.names_log.append((count, shown))
        if options.form == "count":
            return shown
        if shown <= 0:
            return []
        sort = context.mode == "sort"
        order = "all" if sort else options.name_as_sort_order
        levels = context.disambiguation.givens if mode != "sort" else None
        # Names expanded across the document (givenname-disambiguation-rule
        # all-names, primary-name) are so wherever they are written.
        global_levels = context.name_levels
        pieces: list[Content] = []
        inverted_flags: list[bool] = []
        # As citeproc-js: cs:name's affixes and font attributes go on each name, not
        # on the delimiters between them (with "et al." on the whole list as well).
        name_rendering = name_node.rendering if name_node is not None else None
        name_formatted = name_rendering is not None and not name_rendering.plain and not sort
        for index in range(shown):
            name = names[index]
            inverted = order == "all" or (order == "first" and index == 0)
            inverted_flags.append(inverted and not name.is_literal)
            level = levels.get((nameset, index), 0) if levels else 0
            if global_levels:
                level = max(
                    level,
                    global_levels.get((name, False), 0),
                    global_levels.get((name, True), 0) if index == 0 else 0,
                )
            formatted = self._format_name(name, style, inverted, level, context.english, sort)
            if formatted and name_formatted and name_rendering is not None:
                formatted = apply_formatting(formatted, name_rendering, english=context.english)
                if not name.is_literal:  # an organisation's name takes no name affixes
                    formatted = apply_affixes(formatted, name_rendering)
            pieces.append([rich.Span(rich.TAG, formatted, ("name", index))] if formatted else [])
        delimiter = affix(options.delimiter if options.delimiter is not None else ", ")
        if truncated:
            if use_last and shown + 2 <= count:
                last = format_name(
                    names[-1],
                    style,
                    inverted=order == "all",
                    english=context.english,
                    sort=sort,
                )
                if last and name_formatted and name_rendering is not None:
                    last = apply_affixes(
                        apply_formatting(last, name_rendering, english=context.english),
                        name_rendering,
                    )
                # As citeproc-js: the delimiter before the ellipsis only after two
                # names or more ("A … Z", "A, B, … Z"), whatever delimiter-precedes-et-al.
                content = rich.join(
                    [
                        *_delimited(pieces, delimiter),
                        delimiter if shown >= 2 else [" "],
                        ["… "],
                        last,
                    ]
                )
            else:
                term_name = et_al.term if et_al is not None else "et-al"
                term = self.locale.term_text(term_name)
                body = _delimited(pieces, delimiter)
                if term and not sort:
                    rule = options.delimiter_precedes_et_al or "contextual"
                    use_delimiter = {
                        "always": True,
                        "never": False,
                        "after-inverted-name": inverted_flags[-1],
                    }.get(rule, shown >= 2)
                    term_content = affix(term)
                    if et_al is not None and not et_al.rendering.plain:
                        term_content = apply_rendering(
                            term_content, et_al.rendering, english=context.english
                        )
                    space: Content = [" "] if _ROMANESQUE_START.match(term) else []
                    content = rich.join(
                        [*body, delimiter if use_delimiter else space, term_content]
                    )
                    if name_formatted and name_rendering is not None:
                        # ... and, with "et al.", on the whole list as well.
                        content = apply_affixes(
                            apply_formatting(content, name_rendering, english=context.english),
                            name_rendering,
                        )
                else:
                    content = rich.join(body)
        elif options.and_ and len(pieces) >= 2 and not sort:
            and_text = "&" if options.and_ == "symbol" else self.locale.term_text("and")
            rule = options.delimiter_precedes_last or "contextual"
            use_delimiter = {
                "always": True,
                "never": False,
                "after-inverted-name": inverted_flags[-2],
            }.get(rule, len(pieces) >= 3)
            if names[len(pieces) - 1].is_literal:
                # As citeproc-js joins an organisation that ends the list: "always" and
                # "never" do not reach it, so it takes the delimiter when the list has
                # three names or more ("J. Smith, A. Roe, & Group X" under "never",
                # "J. Smith & Group X" under "always"), or after an inverted name.
                use_delimiter = len(pieces) >= 3 or (
                    rule == "after-inverted-name" and inverted_flags[-2]
                )
            head = _delimited(pieces[:-1], delimiter)
            # As citeproc-js: an "and" in a script without spaces ("和") takes none.
            gap: Content = [" "] if _ROMANESQUE_START.match(and_text) else []
            content = rich.join(
                [*head, delimiter if use_delimiter else gap, affix(and_text), gap, pieces[-1]]
            )
        else:
            content = rich.join(_delimited(pieces, delimiter))
        if name_rendering is not None and name_rendering.display:
            content = rich.wrap(rich.DIV, content, name_rendering.display)
        return content

    def _format_name(
        self,
        name: PersonName,
        style: NameStyle,
        inverted: bool,
        level: int,
        english: bool,
        sort: bool,
    ) -> Content:
        """``format_name``, remembered: a library cites the same people over and over."""
        # The style is one of the long-lived cached name styles, so its id is stable.
        key = (name, id(style), inverted, level, english, sort)
        found = self._formatted_names.get(key)
        if found is None:
            found = self._formatted_names[key] = format_name(
                name, style, inverted=inverted, given_level=level, english=english, sort=sort
            )
        return found

    def names_sort_key(self, names: tuple[PersonName, ...]) -> str:
        demote = self.style.demote_non_dropping_particle
        return "\u0001".join(name_sort_key(name, demote) for name in names)


@functools.lru_cache(maxsize=1024)
def _without_text_case(rendering: Rendering) -> Rendering:
    bare = dataclasses.replace(rendering, text_case=None)
    return dataclasses.replace(bare, plain=True) if bare == PLAIN else bare


def _type_among(types: frozenset[str]) -> Callable[[Context], bool]:
    def check(context: Context) -> bool:
        return context.item.type in types

    return check


def _delimited(pieces: list[Content], delimiter: Content) -> list[Content]:
    out: list[Content] = []
    for index, piece in enumerate(pieces):
        if index:
            out.append(delimiter)
        out.append(piece)
    return out


# citeproc-js's default "trigraph": letters taken from the first names, by name count.
_TRIGRAPH = ((4,), (2, 2), (2, 1, 1), (1, 1, 1, 1))
_LABEL_NAME_ORDER = ("author", "editor", "translator")


def citation_label(item: ItemData) -> str:
    """A label made from the names and year when the item has none ("Asth00", "BrCh98").

    As citeproc-js makes it: four letters of one author's family name, two each of
    two, two and one and one of three, one each of four or more; then the year's last
    two digits ("00" without a year).
    """
    names: tuple[PersonName, ...] = ()
    for variable in (*_LABEL_NAME_ORDER, *sorted(item.names)):
        if item.names.get(variable):
            names = item.names[variable]
            break
    label = ""
    if names:
        widths = _TRIGRAPH[min(len(names), len(_TRIGRAPH)) - 1]
        for person, width in zip(names, widths, strict=False):
            text = person.family or person.literal
            text = re.sub(r"^(?:a|the|an)\s+", "", text, flags=re.IGNORECASE)
            text = "".join(c for c in text if c.isalpha())[:width]
            if not text:
                break
            label += text[:1].upper() + text[1:].lower()
    elif item.variables.get("title"):
        text = "".join(item.variables["title"].split())[:4]
        label = text[:1].upper() + text[1:].lower()
    issued = item.dates.get("issued")
    year = f"{issued.parts[0][0]:04d}" if issued is not None and issued.parts else "0000"
    return label + year[-2:]


# Terms for cs:label of number variables that are named differently.
_LABEL_TERMS = {
    "chapter-number": "chapter",
    "collection-number": "number",
    "number": "number",
    "part-number": "part",
    "supplement-number": "supplement",
    "printing-number": "printing",
}

__all__ = ["PLAIN", "Evaluator"]
