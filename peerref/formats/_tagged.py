"""Tagged reference files — RIS, MEDLINE, Web of Science — read the same way.

The three formats share one shape: a record is a run of lines "TAG value", a value can run
on over continuation lines, and a tag can come back (several authors, keywords, ISSNs).
They differ only in how a tag line looks and what a continuation line means, so a reader
describes that in a ``TagSyntax`` and this module does the rest once:

- ``read_fields`` turns a record's lines into ``TagValue`` objects with their line
  numbers, joining continuation lines (wrapped text) or starting a new value per line
  (one author or keyword per line), as the syntax says;
- ``TaggedRecord`` hands the values to the reader and remembers which ones it *used*.
  A reader asks for what it puts in a field (``take``, ``take_first``); whatever is left
  (``leftovers``) goes to ``extra`` under the format's prefix. So a value is never
  dropped by forgetting it: a repeated tag a reader reads only once (a second ``SN``)
  ends up in ``extra`` instead of nowhere.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class TagValue:
    """One value of one tag: where it starts (1-based line) and whether a field took it."""

    tag: str
    value: str
    line: int
    used: bool = False


def join_wrapped(value: str, continuation: str) -> str:
    """The default for a continuation line: wrapped text, joined with one space."""
    text = continuation.strip()
    if not text:
        return value
    return f"{value} {text}" if value else text


@dataclass(frozen=True)
class TagSyntax:
    """How one tagged format writes its lines.

    Attributes:
        tag_line: matches a line that starts a value; groups ``tag`` and ``value``.
        is_continuation: whether a line that is not a tag line continues the value above
            (MEDLINE indents them; RIS and Web of Science do not always).
        list_tags: tags whose continuation lines are new values of the same tag, one per
            line (Web of Science writes one author per line under a single ``AU``).
        join: how a continuation line is added to a value of the other tags, given
            (tag, value so far, continuation line).
    """

    tag_line: re.Pattern[str]
    is_continuation: Callable[[str], bool] = lambda line: bool(line.strip())
    list_tags: frozenset[str] = frozenset()
    join: Callable[[str, str, str], str] = lambda _tag, value, line: join_wrapped(value, line)


@dataclass
class FieldLines:
    """What ``read_fields`` found: the values, and lines it could place nowhere."""

    values: list[TagValue]
    stray: list[tuple[int, str]] = field(default_factory=list)


def read_fields(lines: Sequence[str], first_line: int, syntax: TagSyntax) -> FieldLines:
    """Tag values of a record's lines, continuations joined; ``first_line`` is 1-based.

    A line before any tag line, or one the syntax does not accept as a continuation, is
    reported in ``stray`` with its line number rather than dropped unnoticed.
    """
    values: list[TagValue] = []
    stray: list[tuple[int, str]] = []
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = raw.rstrip("\r\n")
        match = syntax.tag_line.match(line)
        if match:
            values.append(TagValue(match["tag"], (match["value"] or "").strip(), number))
            continue
        if not values or not syntax.is_continuation(line):
            if line.strip():
                stray.append((number, line.strip()))
            continue
        last = values[-1]
        if last.tag in syntax.list_tags:
            if line.strip():
                if last.value:
                    values.append(TagValue(last.tag, line.strip(), number))
                else:  # "AU" alone on its line, the names below it
                    last.value = line.strip()
            continue
        last.value = syntax.join(last.tag, last.value, line)
    return FieldLines(values, stray)


@dataclass
class TaggedRecord:
    """A record's tag values in file order, with the bookkeeping of which were used.

    ``peek`` reads without using (for decisions such as "is this Emerald?"); ``take`` and
    ``take_first`` read what goes into a field and mark it used; ``leftovers`` are the
    values no field took, for ``extra``.
    """

    values: list[TagValue]
    first_line: int = 0
    last_line: int = 0
    _by_tag: dict[str, list[TagValue]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        # Readers ask for tags dozens of times per record: look them up, do not scan.
        for value in self.values:
            if value.value.strip():
                self._by_tag.setdefault(value.tag, []).append(value)

    def values_of(self, *tags: str) -> list[TagValue]:
        """Non-empty values of ``tags`` in file order, as ``TagValue``s; none marked used.

        For readers that use some values of a tag and not others (only the dates that
        agree, only the names that parse): they set ``used`` on the ones they keep.
        """
        if len(tags) == 1:
            return list(self._by_tag.get(tags[0], ()))
        found = [v for tag in dict.fromkeys(tags) for v in self._by_tag.get(tag, ())]
        return sorted(found, key=lambda v: v.line) if len(found) > 1 else found

    def has(self, *tags: str) -> bool:
        """Whether any of ``tags`` has a non-empty value."""
        return bool(self.values_of(*tags))

    def peek(self, *tags: str) -> list[str]:
        """Non-empty values of ``tags`` in file order, without using them."""
        return [v.value for v in self.values_of(*tags)]

    def peek_first(self, *tags: str) -> str:
        """The first non-empty value of the first of ``tags`` that has one, without using it."""
        for tag in tags:
            found = self.values_of(tag)
            if found:
                return found[0].value
        return ""

    def take(self, *tags: str) -> list[str]:
        """Every non-empty value of ``tags`` in file order, now used."""
        found = self.values_of(*tags)
        for value in found:
            value.used = True
        return [v.value for v in found]

    def take_values(self, *tags: str) -> list[TagValue]:
        """As ``take``, keeping each value's tag and line (for line-numbered warnings)."""
        found = self.values_of(*tags)
        for value in found:
            value.used = True
        return found

    def take_first(self, *tags: str) -> str:
        """The first value of the first of ``tags`` that has one, now used; others stay."""
        for tag in tags:
            found = self.values_of(tag)
            if found:
                found[0].used = True
                return found[0].value
        return ""

    def use(self, *tags: str) -> None:
        """Mark every value of ``tags`` used: structural tags (TY, ER) or empty markers."""
        wanted = set(tags)
        for value in self.values:
            if value.tag in wanted:
                value.used = True

    def line_of(self, tag: str) -> int:
        """The line of the first value of ``tag``, or the record's first line."""
        return next((v.line for v in self.values if v.tag == tag), self.first_line)

    def leftovers(self) -> list[TagValue]:
        """Non-empty values that no field took, in file order."""
        return [v for v in self.values if not v.used and v.value.strip()]

    def keep_leftovers(self, extra: dict[str, str], prefix: str, joiner: str = "; ") -> None:
        """Put every value no field took into ``extra`` as "prefix:TAG", repeats joined.

        A key already in ``extra`` (set by the reader) gets the leftovers appended, so
        nothing the reader wrote there is replaced.
        """
        for value in self.leftovers():
            key = f"{prefix}:{value.tag}"
            text = value.value.strip()
            extra[key] = f"{extra[key]}{joiner}{text}" if extra.get(key) else text
            value.used = True
