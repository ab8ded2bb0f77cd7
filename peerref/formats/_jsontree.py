"""JSON documents read field by field, with "nothing lost" bookkeeping (DataCite, OpenAlex).

A JSON record is read into fields a few values at a time; ``JsonRecord`` remembers which
paths a reader used, and ``leftovers`` returns every other non-empty value by its path
("primary_location/license"), for ``extra``, except the parts a reader names as not kept
(OpenAlex's citation counts), which it reports instead. Values of any JSON type can turn
up anywhere, so the accessors never assume one: ``text`` reads strings and numbers,
``mapping`` and ``array`` give an empty one for anything else.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from peerref.core.errors import FormatError
from peerref.formats._fields import collapse_spaces

Path = tuple[str | int, ...]


def load_json(text: str, label: str) -> Any:
    """The document in ``text``.

    Raises:
        FormatError: when the text is not JSON (with the line of the fault) or is
            nested too deeply to read.
    """
    try:
        return json.loads(text.lstrip("\ufeff"))
    except RecursionError as error:
        raise FormatError(f"this {label} is nested too deeply to read") from error
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise FormatError(f"not valid JSON: {error}", line=line) from error


def scalar_text(value: Any) -> str:
    """A string or number as text, white space collapsed; "" for anything else."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        return collapse_spaces(value)
    if isinstance(value, int | float):
        return str(value)
    return ""


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def array(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def _at(data: Any, path: Path) -> Any:
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
            data = data[step]
        else:
            if not isinstance(data, Mapping):
                return None
            data = data.get(step)
    return data


def is_empty(value: Any) -> bool:
    """Nothing worth keeping: null, false, blank text, or containers of only those."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return all(is_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(is_empty(v) for v in value)
    return False


class JsonRecord:
    """A JSON object whose values a reader takes into fields, path by path.

    A path is a tuple of keys and list indices; using a path uses everything under it.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self._used: set[Path] = set()

    def use(self, *path: str | int) -> None:
        self._used.add(tuple(path))

    def use_leaf(self, *path: str | int) -> None:
        """Mark a value used only if it is one a reader reads as text (a string or number)
        or is empty; ``true``, an object or an array where text was expected stays."""
        value = _at(self.data, path)
        if scalar_text(value) or is_empty(value):
            self.use(*path)

    def peek(self, *path: str | int) -> Any:
        return _at(self.data, path)

    def get(self, *path: str | int) -> Any:
        """The value at ``path`` (None when absent); now used."""
        self.use(*path)
        return _at(self.data, path)

    def text(self, *path: str | int) -> str:
        """The string or number at ``path`` as text; used only when it is one."""
        value = scalar_text(_at(self.data, path))
        if value:
            self.use(*path)
        return value

    def peek_text(self, *path: str | int) -> str:
        return scalar_text(_at(self.data, path))

    def mapping(self, *path: str | int) -> Mapping[str, Any]:
        """The object at ``path``, or an empty one; not used (its values are taken one by one)."""
        return mapping(_at(self.data, path))

    def array(self, *path: str | int) -> list[Any]:
        """The array at ``path``, or an empty one; not used."""
        return array(_at(self.data, path))

    def _is_used(self, path: Path) -> bool:
        return any(path[:length] in self._used for length in range(1, len(path) + 1))

    def leftovers(self, *, not_kept: Collection[str] = ()) -> tuple[dict[str, str], list[str]]:
        """Values no field took, by their path without list indices, and the ``not_kept``
        paths that held something.

        Repeated paths (one per list element) are joined with "; "; true is written
        "true", numbers as written; false and null count as empty.
        """
        found: dict[str, list[str]] = {}
        skipped: dict[str, None] = {}
        pending: list[tuple[Path, Any]] = [((key,), value) for key, value in self.data.items()]
        pending.reverse()
        while pending:
            path, value = pending.pop()
            if self._is_used(path) or is_empty(value):
                continue
            name = "/".join(str(step) for step in path if isinstance(step, str))
            if name in not_kept:
                skipped[name] = None
                continue
            if isinstance(value, Mapping):
                pending.extend(reversed([((*path, str(k)), v) for k, v in value.items()]))
            elif isinstance(value, list):
                pending.extend(reversed([((*path, i), v) for i, v in enumerate(value)]))
            else:
                text = "true" if value is True else scalar_text(value) or json.dumps(value)
                found.setdefault(name, []).append(text)
        return {name: "; ".join(values) for name, values in found.items()}, list(skipped)
