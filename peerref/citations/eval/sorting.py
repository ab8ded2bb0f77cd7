"""Sort keys and collation: the order of a bibliography and of the cites in a citation.

CSL sorts by ``cs:key`` elements in order; a key that is empty for an item always
sorts that item last, whichever the direction. Text compares as people file it, not
by code point: case and accents only break ties ("Ó Gráda" files with the O's, before
"Zimbardo"), as the Unicode collation algorithm's first level does.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

_IGNORED_AT_START = "\"'“”‘’«»[]()¿¡"


@functools.lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[str, str, str]:
    """A key that orders text by letters first, then accents, then case (lower first)."""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    base = base.replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss").replace("ø", "o")
    base = base.replace("Ø", "O").replace("đ", "d").replace("ł", "l").replace("Ł", "L")
    stripped = base.lstrip(_IGNORED_AT_START).casefold()
    return (stripped, decomposed.casefold(), text.swapcase())


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
        a = collation_key(str(a))
    if isinstance(b, int):
        b = collation_key(str(b))
    return int(a > b) - int(a < b)


def compare_keys(
    left: Sequence[SortValue], right: Sequence[SortValue], descending: Sequence[bool]
) -> int:
    for (left_empty, left_value), (right_empty, right_value), down in zip(
        left, right, descending, strict=False
    ):
        if left_empty or right_empty:
            if left_empty and right_empty:
                continue
            return 1 if left_empty else -1
        result = _compare_values(left_value, right_value)
        if result:
            return -result if down else result
    return 0


def sorted_by_keys(
    entries: Sequence[Any],
    key_of: Callable[[Any], Sequence[SortValue]],
    descending: Sequence[bool],
) -> list[Any]:
    """``entries`` sorted by their keys, keeping the given order among equal keys."""
    keyed = [(key_of(entry), index, entry) for index, entry in enumerate(entries)]

    def compare(
        a: tuple[Sequence[SortValue], int, Any], b: tuple[Sequence[SortValue], int, Any]
    ) -> int:
        result = compare_keys(a[0], b[0], descending)
        return result if result else a[1] - b[1]

    keyed.sort(key=functools.cmp_to_key(compare))
    return [entry for _key, _index, entry in keyed]
