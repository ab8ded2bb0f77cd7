"""Disambiguation over the whole document (CSL 1.0.2 "Disambiguation"), as citeproc-js
resolves it.

Two cites are ambiguous when they read the same but point at different items. A cite
is compared in its *subsequent* form without a locator (what a reader sees most), so
a note style disambiguates its short notes.

Ambiguous items are resolved together, by stepping one configuration forward one
change at a time — the given name of the current name one level further (initials,
then the full name), then one more name shown, then the next name list — and
re-reading the cites after each step. A step is kept only where it separated cites;
an item that becomes unique keeps the configuration that made it so. What names
cannot separate then gets year-suffixes (in bibliography order), or, without
year-suffixes, the ``disambiguate="true"`` branches of the style.

The "all-names" and "primary-name" given-name rules are different in kind: they
expand names that are ambiguous as *names* (two people written the same), wherever
they appear, before any of this.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peerref.citations.eval.context import SUBSEQUENT, CiteInfo, Disambiguation
from peerref.citations.eval.item import PersonName
from peerref.citations.output.writers import to_html
from peerref.citations.style.nodes import Choose, Condition
from peerref.core.dates import year_suffix

if TYPE_CHECKING:
    from peerref.citations.processor import Processor


@dataclass
class _Config:
    """citeproc-js's "ambiguity configuration": names shown and given-name levels per
    nameset, the year-suffix number and the disambiguate flag."""

    names: list[int]
    givens: list[list[int]]
    year_suffix: int | None = None
    disambiguate: int = 0

    def copy(self) -> _Config:
        return _Config(
            list(self.names),
            [list(g) for g in self.givens],
            self.year_suffix,
            self.disambiguate,
        )

    def pad(self) -> None:
        for index, count in enumerate(self.names):
            while len(self.givens) <= index:
                self.givens.append([])
            while len(self.givens[index]) < count:
                self.givens[index].append(0)

    def key_for(self, namesets: list[tuple[int, int]]) -> tuple[object, ...]:
        """What of this configuration an item with these name lists can be affected by:
        names shown up to the length of each list, given-name levels of those names."""
        shown = []
        givens = []
        for index, count in enumerate(self.names):
            limit = min(count, namesets[index][0]) if index < len(namesets) else count
            shown.append(limit)
            levels = self.givens[index] if index < len(self.givens) else []
            givens.append(tuple(levels[:limit]))
        return (tuple(shown), tuple(givens), self.year_suffix, self.disambiguate)

    def state(self) -> Disambiguation:
        return Disambiguation(
            names=dict(enumerate(self.names)),
            givens={
                (nameset, index): level
                for nameset, levels in enumerate(self.givens)
                for index, level in enumerate(levels)
                if level
            },
            year_suffix=year_suffix(self.year_suffix) if self.year_suffix is not None else "",
            condition=self.disambiguate,
        )


@dataclass
class _Render:
    text: str
    namesets: list[tuple[int, int]] = field(default_factory=list)  # (names, shown)


def count_conditions(processor: Processor) -> int:
    """How many ``disambiguate="true"`` tests the style has (citation and macros)."""
    from peerref.citations.processor import walk_elements

    elements = list(processor.style.citation.layout.children)
    for macro in processor.style.macros.values():
        elements.extend(macro)
    found = 0
    for node in walk_elements(elements):
        if isinstance(node, Choose):
            for condition, _branch in node.branches:
                if isinstance(condition, Condition):
                    found += sum(
                        1
                        for attribute, values in condition.tests
                        if attribute == "disambiguate" and "true" in values
                    )
    return found


def uses_condition(processor: Processor) -> bool:
    """Whether the style has a ``disambiguate="true"`` test anywhere in its citation."""
    return count_conditions(processor) > 0


def run(processor: Processor) -> None:
    """Decide every registered item's :class:`Disambiguation`."""
    options = processor.style.citation.options
    by_cite = options.givenname_rule == "by-cite"
    has_condition = uses_condition(processor)
    modes: list[str] = []
    if options.add_names or (options.add_givenname and by_cite):
        modes.append("names")
    if options.add_year_suffix:
        modes.append("years")
    if has_condition:
        modes.append("condition")
    ids = [item_id for item_id in processor.registered if item_id in processor.items]
    if options.add_givenname and not by_cite:
        processor.name_levels = _expand_names_globally(processor, ids, options.givenname_rule)
    if not modes:
        return

    def draw(item_id: str, state: Disambiguation) -> _Render:
        cite = CiteInfo(item_id=item_id, position=SUBSEQUENT, near_note=True)
        context = processor.citation_context(item_id, cite, state)
        context.disambiguating = True
        content = processor.evaluator.elements(processor.style.citation.layout.children, context)
        return _Render(to_html(content), list(context.names_log))

    initial: dict[str, _Render] = {}
    # Renders already made, by item and by the part of a configuration the item can see:
    # stepping a configuration forward often changes nothing for a given item.
    memo: dict[tuple[str, tuple[object, ...]], _Render] = {}

    def render(item_id: str, config: _Config | None) -> _Render:
        if config is None:
            return draw(item_id, processor.disambiguation[item_id])
        key = (item_id, config.key_for(initial[item_id].namesets))
        found = memo.get(key)
        if found is None:
            found = memo[key] = draw(item_id, config.state())
        return found

    groups: dict[str, list[str]] = defaultdict(list)
    for item_id in ids:
        initial[item_id] = found = render(item_id, None)
        groups[found.text].append(item_id)
        # The configuration that shows just what the first render showed renders the
        # same: the first scan of a group finds it here instead of drawing it again.
        shown = tuple(count for _names, count in found.namesets)
        memo[(item_id, (shown, tuple((0,) * count for count in shown), None, 0))] = found
    order = {item_id: index for index, item_id in enumerate(processor.order)}
    for group in groups.values():
        if len(group) > 1:
            _Resolver(processor, group, initial, render, modes, order).run()


class _Resolver:
    """One group of ambiguous items, resolved as citeproc-js's Disambiguation does."""

    def __init__(
        self,
        processor: Processor,
        group: list[str],
        initial: dict[str, _Render],
        render: Callable[[str, _Config | None], _Render],
        modes: list[str],
        order: dict[str, int],
    ) -> None:
        self.processor = processor
        self.render = render
        self.modes = modes
        self.order = order
        options = processor.style.citation.options
        self.add_names = options.add_names
        self.givens_max: int | None = (
            2 if options.add_givenname and options.givenname_rule == "by-cite" else None
        )
        # Items with the fewest names first, as citeproc-js orders them.
        self.items = sorted(
            group,
            key=lambda i: (initial[i].namesets[0][0] if initial[i].namesets else 0, i),
        )
        first = initial[self.items[0]]
        self.base = _Config(
            names=[shown for _count, shown in first.namesets],
            givens=[[0] * shown for _count, shown in first.namesets],
        )
        for item_id in self.items[1:]:
            other = initial[item_id].namesets
            for index, (_count, shown) in enumerate(other[: len(self.base.names)]):
                if shown > self.base.names[index]:
                    self.base.names[index] = shown
        self.base.pad()
        self.better = self.base.copy()
        self.names_max: int | None = first.namesets[0][0] if first.namesets else None
        self.namesets_max = len(first.namesets) - 1
        self.lists: list[tuple[_Config, list[str]]] = [(self.base, list(self.items))]
        self.mode_index = 0
        self.init_givens = True
        self.gnameset = 0
        self.gname = 0
        self.clashes = [1, 0]
        self.partners: list[str] = []
        self.nonpartners: list[str] = []
        self.conditions = count_conditions(processor) if "condition" in modes else 0

    def _same_names(self) -> bool:
        names = [self.processor.items[item_id].names for item_id in self.items]
        return all(other == names[0] for other in names[1:])

    def register(self, item_id: str, config: _Config) -> None:
        self.processor.disambiguation[item_id] = config.copy().state()

    def run(self) -> None:
        if self.modes[0] == "names" and self._same_names():
            # Names cannot tell these items apart at any level, so every step of the
            # names mode would fail: go straight to what follows it, as the state
            # machine would after exhausting them.
            if len(self.modes) == 1:
                return
            self.mode_index = 1
        while self.lists:
            self.gnameset = 0
            self.gname = 0
            self.clashes = [1, 0]
            guard = 0
            while self.lists and self.lists[0][1]:
                guard += 1
                if guard > 10_000:  # pragma: no cover - a safety net, never reached in tests
                    break
                maxed = self.increment()
                self.scan(self.lists[0][1])
                self.evaluate(maxed)
            self.lists = self.lists[1:]

    def increment(self) -> bool:
        if self.init_givens:
            self.init_givens = False
            return False
        mode = self.modes[self.mode_index]
        if mode == "condition":
            # One more disambiguate="true" test comes on.
            self.base.disambiguate = min(self.base.disambiguate + 1, self.conditions)
            self.better.disambiguate = self.base.disambiguate
            return False
        if mode != "names":
            return False
        base = self.base
        increment_names = self.givens_max is None
        increment_namesets = self.names_max is None
        if self.givens_max is not None:
            levels = base.givens[self.gnameset] if self.gnameset < len(base.givens) else []
            if self.gname < len(levels) and levels[self.gname] < self.givens_max:
                levels[self.gname] += 1
            else:
                increment_names = True
        if self.names_max is not None and increment_names:
            if self.add_names:
                increment_namesets = False
                if self.gname < self.names_max:
                    base.names[self.gnameset] += 1
                    self.gname += 1
                else:
                    increment_namesets = True
            else:
                increment_namesets = True
        if increment_namesets and self.gnameset < self.namesets_max:
            self.gnameset += 1
            base.names[self.gnameset] = 1
            self.gname = 0
        levels = base.givens[self.gnameset] if self.gnameset < len(base.givens) else []
        return (
            (self.namesets_max == -1 or self.gnameset == self.namesets_max)
            and (not self.add_names or self.names_max is None or self.gname == self.names_max)
            and (
                self.givens_max is None
                or self.gname >= len(levels)
                or levels[self.gname] == self.givens_max
            )
        )

    def _render(self, item_id: str) -> str:
        """The cite under the current configuration; as in citeproc-js, rendering
        corrects the configuration to the names actually shown."""
        found = self.render(item_id, self.base)
        for index, (_count, shown) in enumerate(found.namesets):
            if index < len(self.base.names):
                self.base.names[index] = shown
        self.base.pad()
        return found.text

    def scan(self, items: list[str]) -> None:
        first = self._render(items[0])
        self.partners = [items[0]]
        self.nonpartners = []
        for item_id in items[1:]:
            if self._render(item_id) == first:
                self.partners.append(item_id)
            else:
                self.nonpartners.append(item_id)
        self.clashes = [self.clashes[1], len(self.partners) - 1]

    def evaluate(self, maxed: bool) -> None:
        mode = self.modes[self.mode_index]
        if mode == "names":
            self.names_step(maxed)
        elif mode == "years":
            self.years_step()
        else:
            self.condition_step()
        if maxed:
            if self.mode_index < len(self.modes) - 1:
                self.mode_index += 1
            elif len(self.lists) > 1:
                self.lists[1] = (self.base, [])

    def capture_step(self) -> None:
        """Keep in the better configuration the change the last step made."""
        better, base = self.better, self.base
        if (
            self.givens_max is not None
            and self.gnameset < len(base.givens)
            and self.gname < len(base.givens[self.gnameset])
        ):
            while len(better.givens) < len(base.givens):
                better.givens.append([])
            row = better.givens[self.gnameset]
            while len(row) <= self.gname:
                row.append(0)
            row[self.gname] = base.givens[self.gnameset][self.gname]
        while len(better.names) <= self.gnameset:
            better.names.append(1)
        if self.gnameset < len(base.names):
            better.names[self.gnameset] = base.names[self.gnameset]

    def names_step(self, maxed: bool) -> None:
        partners, nonpartners = self.partners, self.nonpartners
        if self.clashes[1] == 0 and len(nonpartners) == 1:
            self.capture_step()
            self.register(nonpartners[0], self.better)
            self.register(partners[0], self.better)
            self.lists[0] = (self.better, [])
        elif self.clashes[1] == 0:
            self.capture_step()
            self.register(partners[0], self.better)
            self.lists[0] = (self.better, nonpartners)
            if nonpartners:
                self.init_givens = True
        elif len(nonpartners) == 1:
            self.capture_step()
            self.register(nonpartners[0], self.better)
            self.lists[0] = (self.better, partners)
        elif self.clashes[1] < self.clashes[0]:
            self.capture_step()
            self.lists[0] = (self.better, partners)
            self.lists.append((self.better, nonpartners))
        elif maxed:
            self.lists[0] = (self.better, nonpartners)
            self.lists.append((self.better, partners))
            if self.mode_index == len(self.modes) - 1:
                for item_id in partners:
                    self.register(item_id, self.better)
                self.lists[0] = (self.better, [])

    def years_step(self) -> None:
        config, items = self.lists[0]
        if self.clashes[1]:
            for number, item_id in enumerate(sorted(items, key=lambda i: self.order.get(i, 0))):
                config.year_suffix = number
                self.register(item_id, config)
        self.lists[0] = (self.better, [])

    def condition_step(self) -> None:
        """The ``disambiguate="true"`` tests, turned on one at a time (citeproc-js).

        Items the tests so far tell apart keep that many; the others go on to the next
        test, and whatever the last one achieves is final.
        """
        config, items = self.lists[0]
        by_text: dict[str, list[str]] = defaultdict(list)
        for item_id in items:
            by_text[self._render(item_id)].append(item_id)
        remaining = []
        for group in by_text.values():
            if len(group) == 1 or config.disambiguate >= self.conditions:
                for item_id in group:
                    self.register(item_id, config)
            else:
                remaining.extend(group)
        if remaining:
            self.lists[0] = (config, remaining)
        else:
            self.lists[0] = (self.better, [])


def _expand_names_globally(
    processor: Processor, ids: list[str], rule: str
) -> dict[tuple[object, bool], int]:
    """The "all-names" and "primary-name" rules: expand names ambiguous as names.

    Two different people written the same way (the same family name) are expanded
    wherever they appear: to initials when those tell them apart, else — unless the
    rule says "with-initials", which then leaves them — to the full given name.
    Returns levels per (person, primary-only).
    """
    primary_only = rule.startswith("primary-name")
    initials_only = rule.endswith("with-initials")
    people_by_family: dict[str, set[tuple[str, str]]] = defaultdict(set)
    people: list[PersonName] = []
    for item_id in ids:
        for names in processor.items[item_id].names.values():
            for index, person in enumerate(names):
                if primary_only and index > 0:
                    break
                if person.is_literal:
                    continue
                people_by_family[_family(person)].add(_given_key(person))
                people.append(person)
    levels: dict[tuple[object, bool], int] = {}
    for person in people:
        others = people_by_family[_family(person)] - {_given_key(person)}
        if not others:
            continue
        mine = _initials(person.given)
        if any(_initials(given) == mine for given, _ in others):
            if initials_only:
                continue
            level = 2
        else:
            level = 1
        levels[(person, primary_only)] = level
    return levels


def _given_key(person: PersonName) -> tuple[str, str]:
    """A person's given name as the rules compare it: "J.J." and "J. J." are one person,
    as citeproc-js takes them, since initials spaced either way are written alike."""
    given = re.sub(r"\.\s*", ". ", person.given).strip()
    return " ".join(given.split()), person.dropping_particle


def _family(person: PersonName) -> str:
    return f"{person.non_dropping_particle} {person.family}".strip()


def _initials(given: str) -> str:
    return "".join(word[:1] for word in given.replace("-", " ").replace(".", " ").split())
