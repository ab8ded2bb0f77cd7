"""Applying an element's rendering attributes to what it rendered.

The order is the one citeproc-js and the specification imply: strip-periods and
text-case act on the element's own text, then font attributes and quotes wrap it, and
the affixes go outside all of that ("(<i>Title</i>)"), with display outermost.
"""

from __future__ import annotations

from functools import lru_cache

from peerref.citations.output import rich
from peerref.citations.output.rich import Content
from peerref.citations.style.nodes import Rendering

_FONT_STYLE = {"italic": rich.ITALIC, "oblique": rich.ITALIC, "normal": rich.NO_ITALIC}
_FONT_VARIANT = {"small-caps": rich.SMALL_CAPS, "normal": rich.NO_SMALL_CAPS}
_FONT_WEIGHT = {"bold": rich.BOLD, "normal": rich.NO_BOLD}
_DECORATION = {"underline": rich.UNDERLINE, "none": rich.NO_DECORATION}
_ALIGN = {"sup": rich.SUPERSCRIPT, "sub": rich.SUBSCRIPT, "baseline": rich.BASELINE}


@lru_cache(maxsize=4096)
def _affix(text: str) -> Content:
    return rich.parse_markup(text)


def affix(text: str) -> Content:
    """An affix or delimiter as rich text, parsed once and shared.

    Rich text is never changed in place (every operation builds new lists), which is
    what makes sharing it safe.
    """
    if not text:
        return []
    return _affix(text)


def apply_formatting(
    content: Content,
    rendering: Rendering,
    *,
    english: bool = True,
    language: str = "",
    leaf: bool = False,
) -> Content:
    """Everything but the affixes and display: strip-periods, text-case, fonts, quotes.

    ``leaf`` marks the fonts of an element that writes text itself (cs:text, cs:number,
    cs:date, cs:label): punctuation after it then merges only with its own like, as in
    citeproc-js ("<i>Why?</i>." keeps both marks; a group's italics do not).
    """
    marker = rich.STYLED_LEAF if leaf else rich.STYLED
    if rendering.strip_periods:
        content = rich.strip_periods(content)
    if rendering.text_case:
        content = rich.apply_text_case(
            content, rendering.text_case, english=english, language=language
        )
    if rendering.font_style in _FONT_STYLE:
        content = rich.wrap(_FONT_STYLE[rendering.font_style], content, marker)
    if rendering.font_variant in _FONT_VARIANT:
        content = rich.wrap(_FONT_VARIANT[rendering.font_variant], content, marker)
    if rendering.font_weight in _FONT_WEIGHT:
        content = rich.wrap(_FONT_WEIGHT[rendering.font_weight], content, marker)
    if rendering.text_decoration in _DECORATION:
        content = rich.wrap(_DECORATION[rendering.text_decoration], content, marker)
    if rendering.vertical_align in _ALIGN:
        content = rich.wrap(_ALIGN[rendering.vertical_align], content, marker)
    if rendering.quotes:
        content = rich.wrap(rich.QUOTE, content)
    return content


@lru_cache(maxsize=4096)
def _literal_affix(text: str) -> Content:
    # As citeproc-js: an affix is written as it stands, straight quotation marks and
    # apostrophes included ("l'" before a publisher), while cs:text values are read
    # as markup like data. Tags in an affix are still markup.
    return rich.parse_markup(text) if "<" in text else [text]


def apply_affixes(content: Content, rendering: Rendering) -> Content:
    if not rendering.prefix and not rendering.suffix:
        return content
    prefix = _literal_affix(rendering.prefix) if rendering.prefix else []
    suffix = _literal_affix(rendering.suffix) if rendering.suffix else []
    return rich.join([prefix, content, suffix])


def apply_rendering(
    content: Content,
    rendering: Rendering,
    *,
    english: bool = True,
    language: str = "",
    leaf: bool = False,
) -> Content:
    """``content`` with all of ``rendering`` applied; empty content stays empty."""
    if rendering.plain or not content or rich.is_empty(content):
        return content
    content = apply_formatting(content, rendering, english=english, language=language, leaf=leaf)
    content = apply_affixes(content, rendering)
    if rendering.display:
        content = rich.wrap(rich.DIV, content, rendering.display)
    return content
