"""Disambiguation over the whole document (CSL 1.0.2 "Disambiguation").

Two cites are ambiguous when they read the same but point at different items. The
methods the style allows are tried in the specification's order, each only on what
the earlier ones left ambiguous:

1. ``disambiguate-add-names``: show more names of a cut-short list;
2. ``disambiguate-add-givenname``: initials, then full given names, under the
   style's ``givenname-disambiguation-rule`` (the "all-names" and "primary-name"
   rules also expand names that are ambiguous as names, cites or not);
3. ``disambiguate="true"`` conditions become true for what is still ambiguous;
4. ``disambiguate-add-year-suffix``: "a", "b" … in bibliography order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from peerref.citations.eval.context import CiteInfo, Disambiguation
from peerref.citations.eval.item import PersonName
from peerref.citations.output import rich
from peerref.citations.style.nodes import Choose, Condition
from peerref.core.dates import year_suffix

if TYPE_CHECKING:
    from peerref.citations.processor import Processor


def _uses_condition(processor: Processor) -> bool:
    from peerref.citations.processor import _walk

    elements = list(processor.style.citation.layout.children)
    for macro in processor.style.macros.values():
        elements.extend(macro)
    for node in _walk(elements):
        if isinstance(node, Choose):
            for condition, _branch in node.branches:
                if isinstance(condition, Condition) and any(
                    attribute == "disambiguate" for attribute, _ in condition.tests
                ):
                    return True
    return False


def run(processor: Processor) -> None:
    """Decide every registered item's :class:`Disambiguation`."""
    options = processor.style.citation.options
    uses_condition = _uses_condition(processor)
    if not (
        options.add_names or options.add_givenname or options.add_year_suffix or uses_condition
    ):
        return
    states = processor.disambiguation
    ids = [item_id for item_id in processor.registered if item_id in processor.items]

    def render(item_id: str) -> str:
        cite = CiteInfo(item_id=item_id)
        context = processor.citation_context(item_id, cite, states[item_id])
        content = processor.evaluator.elements(processor.style.citation.layout.children, context)
        return rich.plain(content)

    if options.add_givenname and options.givenname_rule != "by-cite":
        _expand_names_globally(processor, ids, options.givenname_rule)

    groups = _ambiguous(ids, render)
    if not groups:
        return
    if options.add_names:
        groups = [part for group in groups for part in _add_names(processor, group, render)]
    if options.add_givenname:
        groups = [part for group in groups for part in _add_givennames(processor, group, render)]
    if uses_condition:
        remaining = []
        for group in groups:
            for item_id in group:
                states[item_id].condition = True
            remaining.extend(_ambiguous(group, render))
        groups = remaining
    if options.add_year_suffix and groups:
        order = {item_id: index for index, item_id in enumerate(processor.order)}
        for group in groups:
            for index, item_id in enumerate(sorted(group, key=lambda i: order.get(i, 0))):
                states[item_id].year_suffix = year_suffix(index)


def _ambiguous(ids: Iterable[str], render: Callable[[str], str]) -> list[list[str]]:
    by_text: dict[str, list[str]] = defaultdict(list)
    for item_id in ids:
        by_text[render(item_id)].append(item_id)
    return [group for group in by_text.values() if len(group) > 1]


def _name_lists(processor: Processor, item_id: str) -> dict[str, tuple[PersonName, ...]]:
    return processor.items[item_id].names


def _add_names(
    processor: Processor, group: list[str], render: Callable[[str], str]
) -> list[list[str]]:
    """Show more names until the cites differ; what stays ambiguous is returned."""
    states = processor.disambiguation
    longest = max(
        (max((len(v) for v in _name_lists(processor, i).values()), default=0) for i in group),
        default=0,
    )
    pending = list(group)
    done: set[str] = set()
    before = {item_id: render(item_id) for item_id in group}
    shown = 1
    while pending and shown < longest:
        shown += 1
        for item_id in pending:
            states[item_id].names_shown = shown
        texts = {item_id: render(item_id) for item_id in pending}
        counts: dict[str, int] = defaultdict(int)
        for item_id in group:
            text = texts.get(item_id, before[item_id])
            counts[text] += 1
        for item_id in list(pending):
            if counts[texts[item_id]] == 1:
                done.add(item_id)
                pending.remove(item_id)
                before[item_id] = texts[item_id]
    # Names that did not help come off again.
    for item_id in pending:
        states[item_id].names_shown = None
    return _ambiguous(group, render)


def _add_givennames(
    processor: Processor, group: list[str], render: Callable[[str], str]
) -> list[list[str]]:
    """Expand given names (initials, then full) where the names of the cites differ."""
    states = processor.disambiguation
    with_initials_only = processor.style.citation.options.givenname_rule.endswith("with-initials")
    levels = (1,) if with_initials_only else (1, 2)
    for level in levels:
        ambiguous = _ambiguous(group, render)
        if not ambiguous:
            break
        for subgroup in ambiguous:
            lists = {item_id: _name_lists(processor, item_id) for item_id in subgroup}
            variables = {v for names in lists.values() for v in names}
            for variable in variables:
                longest = max(len(names.get(variable, ())) for names in lists.values())
                for index in range(longest):
                    people = {
                        item_id: names[variable][index]
                        for item_id, names in lists.items()
                        if len(names.get(variable, ())) > index
                    }
                    distinct = {(p.family, p.given, p.literal) for p in people.values()}
                    if len(distinct) < 2:
                        continue
                    for item_id in people:
                        current = states[item_id].given_levels.get((variable, index), 0)
                        if current < level:
                            states[item_id].given_levels[(variable, index)] = level
            # Expansion that changed nothing for a cite is taken back.
    return _ambiguous(group, render)


def _expand_names_globally(processor: Processor, ids: list[str], rule: str) -> None:
    """The "all-names" and "primary-name" rules: expand names that are ambiguous as names.

    Two different people whose names are written the same (same family name, or same
    family name and initials) are expanded, wherever they appear, as far as needed:
    to initials when those differ, else (unless the rule says "with-initials") to the
    full given name.
    """
    states = processor.disambiguation
    primary_only = rule.startswith("primary-name")
    initials_only = rule.endswith("with-initials")
    people_by_family: dict[str, set[tuple[str, str]]] = defaultdict(set)
    places: list[tuple[str, str, int, PersonName]] = []
    for item_id in ids:
        for variable, names in processor.items[item_id].names.items():
            for index, person in enumerate(names):
                if primary_only and index > 0:
                    break
                if person.is_literal:
                    continue
                family = (person.non_dropping_particle + " " + person.family).strip()
                people_by_family[family].add((person.given, person.dropping_particle))
                places.append((item_id, variable, index, person))
    for item_id, variable, index, person in places:
        family = (person.non_dropping_particle + " " + person.family).strip()
        others = people_by_family[family] - {(person.given, person.dropping_particle)}
        if not others:
            continue
        mine = _initials(person.given)
        level = 1
        if not initials_only and any(_initials(given) == mine for given, _ in others):
            level = 2
        states[item_id].given_levels[(variable, index)] = level


def _initials(given: str) -> str:
    return "".join(word[:1] for word in given.replace("-", " ").replace(".", " ").split())


__all__ = ["Disambiguation", "run"]
