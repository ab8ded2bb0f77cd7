"""A citeproc-py output formatter that keeps formatting as structure, not as markup.

citeproc-py formats through a "formatter" module: ``preformat(text)`` for the style's own
words and one class per CSL formatting (``Italic``, ``SmallCaps``, ``Superscript`` …)
that it calls on the text to format. Its HTML formatter pastes tags into the text and
its plain formatter drops the formatting, so HTML and plain text used to need two full
passes over the style. This module is a formatter of its own: each formatting class
builds a :class:`Styled` run whose string value is the run's plain text (so citeproc-py's
punctuation and case rules see the same text as with its plain formatter) and which
remembers its parts. One pass therefore gives a small tree, serialised by
:func:`to_html` and :func:`to_plain`. Plain text is written from that tree, never
from HTML source.

Two kinds of text travel inside plain strings, as control characters that no
bibliographic data contains (:func:`protect_data` and :func:`inline_markup` put them
there):

* ``&``, ``<`` and ``>`` from the reference data, so HTML can write them as ``&#38;``,
  ``&#60;`` and ``&#62;`` while the same characters in the style's own terms become
  ``&amp;``, ``&lt;``, ``&gt;``, as citeproc-py's HTML formatter wrote them;
* formatting of name parts ("family" in small caps), because citeproc-py joins the
  parts of a name with ``str.join``, which keeps only the plain string value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from citeproc.string import MixedString, String

# -- the formatter interface citeproc-py calls --------------------------------------------


def preformat(text: str) -> str:
    """The style's own words (terms, ``value`` attributes) need no change before use."""
    return text


class Styled(String):  # type: ignore[misc]  # citeproc has no types
    """A run of text in one formatting; its string value is the plain text of its parts.

    Text-transforming methods citeproc-py calls on formatted text (``lower``,
    ``replace``, ``capitalize_first`` …) are applied part by part, so nested
    formatting and no-case segments survive them.
    """

    tag: ClassVar[str] = ""
    parts: tuple[Any, ...]

    def __new__(cls, content: object = "") -> Styled:
        if isinstance(content, MixedString):
            parts: tuple[Any, ...] = tuple(content)
            value = str(content)
        elif isinstance(content, str):
            parts = (content,)
            value = str.__str__(content)
        else:
            value = str(content)
            parts = (value,)
        run: Styled = super().__new__(cls, value)
        run.parts = parts
        return run

    def _rebuilt(self, parts: Iterable[Any]) -> Styled:
        return type(self)(MixedString([part for part in parts if part != ""]))

    def _each(self, method: str, *args: Any) -> Styled:
        return self._rebuilt(_call(part, method, *args) for part in self.parts)

    def lower(self) -> Styled:
        return self._each("lower")

    def upper(self) -> Styled:
        return self._each("upper")

    def soft_lower(self) -> Styled:
        return self._each("soft_lower")

    def soft_upper(self) -> Styled:
        return self._each("soft_upper")

    def title(self) -> Styled:
        return self._each("title")

    def replace(self, *args: Any) -> Styled:
        return self._each("replace", *args)

    def translate(self, table: Any) -> Styled:
        return self._each("translate", table)

    def capitalize_first(self) -> Styled:
        parts = list(self.parts)
        for index, part in enumerate(parts):
            if str(part):
                parts[index] = _call(part, "capitalize_first")
                break
        return self._rebuilt(parts)

    def rstrip(self, *args: Any) -> Styled:
        parts = list(self.parts)
        if parts:
            parts[-1] = _call(parts[-1], "rstrip", *args)
        return self._rebuilt(parts)

    def words(self) -> Iterator[Styled]:
        for part in self.parts:
            for word in _call(part, "words"):
                yield type(self)(word)


def _call(part: Any, method: str, *args: Any) -> Any:
    """Call a citeproc string method on a part, which may also be a plain ``str``."""
    if not isinstance(part, String | MixedString):
        part = String(str(part))
    return getattr(part, method)(*args)


class Italic(Styled):
    tag = "i"


class Oblique(Italic):
    pass


class Bold(Styled):
    tag = "b"


class Light(Styled):
    tag = "l"


class Underline(Styled):
    tag = "u"


class Superscript(Styled):
    tag = "sup"


class Subscript(Styled):
    tag = "sub"


class SmallCaps(Styled):
    tag = "span"


# -- control characters carried inside plain strings --------------------------------------

_DATA_CHARACTERS = {"&": "\x01", "<": "\x02", ">": "\x03"}
_DATA_TRANSLATION = str.maketrans(_DATA_CHARACTERS)
# Each formatting's start and end inside a plain string (name parts only); code points
# 0x0E-0x1B are neither whitespace nor cased for Python, so citeproc-py's word
# splitting and case changes pass over them.
_FORMATTINGS: tuple[type[Styled], ...] = (
    Italic,
    Bold,
    Light,
    Underline,
    Superscript,
    Subscript,
    SmallCaps,
)
_START = {cls.tag: chr(0x0E + 2 * index) for index, cls in enumerate(_FORMATTINGS)}
_END = {cls.tag: chr(0x0F + 2 * index) for index, cls in enumerate(_FORMATTINGS)}
_HTML_START_TAGS = {
    "i": "<i>",
    "b": "<b>",
    "l": "<l>",
    "u": "<u>",
    "sup": "<sup>",
    "sub": "<sub>",
    "span": '<span style="font-variant:small-caps;">',
}
_HTML_OF_CHARACTER = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\x01": "&#38;",
    "\x02": "&#60;",
    "\x03": "&#62;",
    **{start: _HTML_START_TAGS[tag] for tag, start in _START.items()},
    **{end: f"</{tag}>" for tag, end in _END.items()},
}
# "&" is escaped unless it starts a character reference: a few styles write "&#160;" in
# an affix, meaning HTML (citeproc-py's HTML formatter passed affixes through as they are).
_HTML_SPECIAL = re.compile(
    r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)|["
    + re.escape("".join(c for c in _HTML_OF_CHARACTER if c != "&"))
    + "]"
)
_PLAIN_TRANSLATION = str.maketrans(
    {
        **{placeholder: original for original, placeholder in _DATA_CHARACTERS.items()},
        **dict.fromkeys([*_START.values(), *_END.values()]),
    }
)


def protect_data(value: str) -> str:
    """Mark ``&``, ``<`` and ``>`` in a reference's data for :func:`to_html`."""
    return value.translate(_DATA_TRANSLATION)


def inline_markup(text: Any) -> Any:
    """Formatted text as one plain string with its formatting carried inside.

    For text citeproc-py will join with ``str.join`` (the parts of a name); text
    without formatting is returned unchanged.
    """
    if not _has_styled(text):
        return text
    return String("".join(_inline_parts(text)))


def _has_styled(text: Any) -> bool:
    if isinstance(text, Styled):
        return True
    return isinstance(text, MixedString) and any(_has_styled(part) for part in text)


def _inline_parts(node: Any) -> Iterator[str]:
    if isinstance(node, Styled):
        yield _START[node.tag]
        for part in node.parts:
            yield from _inline_parts(part)
        yield _END[node.tag]
    elif isinstance(node, MixedString):
        for part in node:
            yield from _inline_parts(part)
    else:
        yield str.__str__(node) if isinstance(node, str) else str(node)


# -- serialisation ------------------------------------------------------------------------


def to_plain(rendered: Any) -> str:
    """The rendered text without any formatting, data characters restored."""
    return _flat(rendered).translate(_PLAIN_TRANSLATION)


def to_html(rendered: Any) -> str:
    """The rendered text as HTML with the inline tags citeproc-py's HTML formatter uses."""
    return "".join(_html_parts(rendered))


def _flat(node: Any) -> str:
    if isinstance(node, MixedString):
        return "".join(_flat(part) for part in node)
    if isinstance(node, str):
        return str.__str__(node)
    return str(node)


def _html_parts(node: Any) -> Iterator[str]:
    if isinstance(node, Styled):
        yield _HTML_START_TAGS[node.tag]
        for part in node.parts:
            yield from _html_parts(part)
        yield f"</{node.tag}>"
    elif isinstance(node, MixedString):
        for part in node:
            yield from _html_parts(part)
    else:
        text = str.__str__(node) if isinstance(node, str) else str(node)
        yield _HTML_SPECIAL.sub(_html_of_match, text)


def _html_of_match(match: re.Match[str]) -> str:
    return _HTML_OF_CHARACTER[match.group()]
