"""Sort keys and collation: the order of a bibliography and of the cites in a citation.

CSL sorts by ``cs:key`` elements in order; a key that is empty for an item always
sorts that item last, whichever the direction. Text compares as people file it, not
by code point: case and accents only break ties ("Ó Gráda" files with the O's, before
"Zimbardo"), as the Unicode collation algorithm's first level does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

_FOLDED = str.maketrans({"æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "œ": "oe", "ı": "i"})
_DIGITS = re.compile(r"(\d+)")


_WORD_BREAK = (0, 0)
# Marks, punctuation, separators and control characters do not count in a comparison.
_IGNORED_CATEGORIES = ("M", "P", "Z", "C")
# The same for ASCII text, as one table for str.translate (most keys are plain ASCII).
# Ignored characters become a mark first: between two digits it keeps the numbers apart
# ("2019-09-04/2019-09-06" is not one huge number); anywhere else it goes.
_MARK = "\x00"
_ASCII_IGNORED = {
    code: _MARK for code in range(128) if unicodedata.category(chr(code))[0] in _IGNORED_CATEGORIES
}
_STRAY_MARKS = re.compile(r"(?<![0-9])\x00+|\x00+(?![0-9])")


@functools.lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key comparing text as citeproc-js does (Unicode collation at base strength).

    Case and accents are ignored ("Ó Gráda" files as "o grada"), so is punctuation;
    a space is a word break that sorts before any letter or digit ("Dale" before
    "Dalebout", "A Hansen" before "Ab Delrahman"); runs of digits compare as numbers
    ("Vol. 2" before "Vol. 10"). Texts whose keys are equal keep their order.
    """
    folded = text.casefold()
    ascii_only = folded.isascii()
    if not ascii_only:
        folded = unicodedata.normalize("NFKD", folded).translate(_FOLDED)
    key: list[tuple[int, int | str]] = []
    for word in folded.split():
        if ascii_only:
            letters = word.translate(_ASCII_IGNORED)
        else:
            letters = "".join(
                _MARK if unicodedata.category(char)[0] in _IGNORED_CATEGORIES else char
                for char in word
            )
        if _MARK in letters:
            letters = _STRAY_MARKS.sub("", letters)
        if not letters:
            continue
        for index, run in enumerate(_DIGITS.split(letters)):
            if run and run[0] != _MARK:
                key.append((1, int(run)) if index % 2 else (2, run))
        key.append(_WORD_BREAK)
    return tuple(key)


# A sort value: (is_empty, value) where value is a collation key or a number.
SortValue = tuple[bool, Any]
EMPTY: SortValue = (True, "")


def text_value(text: str) -> SortValue:
    text = text.strip()
    return (False, collation_key(text)) if text else EMPTY


def number_value(number: int) -> SortValue:
    return (False, number)


def _compare_values(a: Any, b: Any) -> int:
    if isinstance(a, int) and isinstance(b, int):
        return (a > b) - (a < b)
    if isinstance(a, int):
        a = ((1, a),)
    if isinstance(b, int):
        b = ((1, b),)
    return int(a > b) - int(a < b)


def compare_keys(
    left: Sequence[SortValue], right: Sequence[SortValue], descending: Sequence[bool]
) -> int:
    for (left_empty, left_value), (right_empty, right_value), down in zip(
        left, right, descending, strict=False
    ):
        result = _compare_one(left_empty, left_value, right_empty, right_value, down)
        if result:
            return result
    return 0


def _compare_one(
    left_empty: bool, left_value: Any, right_empty: bool, right_value: Any, down: bool
) -> int:
    if left_empty or right_empty:
        if left_empty and right_empty:
            return 0
        return 1 if left_empty else -1
    result = _compare_values(left_value, right_value)
    return -result if down else result


class _LazyKeys:
    """An entry's sort values, each computed the first time a comparison needs it.

    Most entries are told apart by their first key (the author), so the later keys —
    each a macro rendered for the entry — are never computed for them.
    """

    __slots__ = ("entry", "index", "values")

    def __init__(self, entry: Any, index: int, count: int) -> None:
        self.entry = entry
        self.index = index
        self.values: list[SortValue | None] = [None] * count


def sorted_by_keys(
    entries: Sequence[Any],
    value_of: Callable[[Any, int], SortValue],
    descending: Sequence[bool],
) -> list[Any]:
    """``entries`` sorted by their keys, keeping the given order among equal keys.

    ``value_of(entry, k)`` gives an entry's value for the k-th key; it is called at
    most once per entry and key, and only when earlier keys tie.
    """
    count = len(descending)
    lazy = [_LazyKeys(entry, index, count) for index, entry in enumerate(entries)]

    def value(keys: _LazyKeys, k: int) -> SortValue:
        found = keys.values[k]
        if found is None:
            found = keys.values[k] = value_of(keys.entry, k)
        return found

    def compare(a: _LazyKeys, b: _LazyKeys) -> int:
        for k in range(count):
            left_empty, left_value = value(a, k)
            right_empty, right_value = value(b, k)
            result = _compare_one(left_empty, left_value, right_empty, right_value, descending[k])
            if result:
                return result
        return a.index - b.index

    lazy.sort(key=functools.cmp_to_key(compare))
    return [keys.entry for keys in lazy]
