"""Write rich text out as HTML, plain text or RTF — the same tree, three writers.

Every writer flip-flops: italics inside italics come out upright, quotation marks
inside quotation marks use the locale's inner marks. The HTML is what citeproc-js
writes (``<i>``, ``<b>``, small caps as an inline style, ``&#38;`` for data), so the
clipboard and the CSL test suite see the same markup Zotero produces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from peerref.citations.output.rich import (
    BASELINE,
    BOLD,
    DIV,
    ITALIC,
    LINK,
    NO_BOLD,
    NO_DECORATION,
    NO_ITALIC,
    NO_SMALL_CAPS,
    NOCASE,
    NODECOR,
    QUOTE,
    SMALL_CAPS,
    STYLED,
    STYLED_LEAF,
    SUBSCRIPT,
    SUPERSCRIPT,
    TAG,
    UNDERLINE,
    Span,
    is_empty,
)

Quotes = tuple[str, str, str, str]
DEFAULT_QUOTES: Quotes = ("“", "”", "‘", "’")


class _State:
    __slots__ = ("bold", "italic", "quote_depth", "small_caps")

    def __init__(self) -> None:
        self.italic = False
        self.bold = False
        self.small_caps = False
        self.quote_depth = 0


def _turns_on(node: Span, active: bool) -> bool:
    """Whether an italic, bold or small-caps span writes its font or flips back out.

    Markup in the data flips against the style's formatting around it ("<i>" in an
    italic title comes out upright); the style's own formatting, nested, stays on, as
    citeproc-js writes it.
    """
    return node.data in (STYLED, STYLED_LEAF) or not active


def _quote_marks(quotes: Quotes, depth: int) -> tuple[str, str]:
    return (quotes[0], quotes[1]) if depth % 2 == 0 else (quotes[2], quotes[3])


def _quote(node: Span, quotes: Quotes, depth: int) -> tuple[str, str, int]:
    """A quotation's marks and the depth its contents are written at.

    Curly marks typed in the data (``node.data``) stay as typed and what they enclose
    alternates from them: “…‘…’…” even where the locale's outer marks are single. As
    citeproc-js flip-flops, typed marks inside a quotation only give way when they are
    the marks of the quotation around them (“…“…”…” becomes “…‘…’…”); inside »…«
    they stay “…”. Straight marks always take the locale's, level by level.
    """
    if isinstance(node.data, tuple):
        opening, closing = node.data
        if depth == 0 or opening != _quote_marks(quotes, depth - 1)[0]:
            if (opening, closing) == (quotes[2], quotes[3]):
                return opening, closing, 2
            return opening, closing, 1
    opening, closing = _quote_marks(quotes, depth)
    return opening, closing, depth + 1


# -- HTML ------------------------------------------------------------------------------------


def _superscripts() -> dict[str, str]:
    """Characters Unicode defines as superscript forms ("ʳ", "ª", "™"), by their base text.

    The blocks are the ones citeproc-js turns into ``<sup>``: Latin and modifier letters,
    phonetic extensions, super- and subscripts, letterlike symbols ("℠" is ``<sup>SM</sup>``)
    and the ideographic annotation marks ("㆒" is a superscript "一").
    """
    import unicodedata

    found = {}
    for code in (
        *range(0xA0, 0x250),
        *range(0x2B0, 0x370),
        *range(0x1D00, 0x1DC0),
        *range(0x2070, 0x20A0),
        *range(0x2100, 0x2150),
        *range(0x3190, 0x31A0),
    ):
        char = chr(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition.startswith("<super> "):
            found[char] = "".join(chr(int(part, 16)) for part in decomposition.split()[1:])
    found["ª"], found["º"] = "a", "o"
    # Raised letters Unicode gives no decomposition, written on their base letter as
    # citeproc-js writes them: the modifier glottal stops and the Arabic small waw and yeh.
    found["ˀ"], found["ˁ"] = "ʔ", "ʕ"
    found["\u06e5"], found["\u06e6"] = "و", "ي"
    return found


_SUPERSCRIPTS = _superscripts()
_SUPERSCRIPT_CHARS = frozenset(_SUPERSCRIPTS)


def escape_html(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    if not _SUPERSCRIPT_CHARS.isdisjoint(text):
        # As citeproc-js writes them: "1ʳᵉ" becomes "1<sup>r</sup><sup>e</sup>".
        text = "".join(f"<sup>{_SUPERSCRIPTS[c]}</sup>" if c in _SUPERSCRIPTS else c for c in text)
    return text


def to_html(content: Sequence[str | Span], quotes: Quotes = DEFAULT_QUOTES) -> str:
    out: list[str] = []
    _html(content, quotes, _State(), out)
    return "".join(out)


def _html(content: Sequence[str | Span], quotes: Quotes, state: _State, out: list[str]) -> None:
    for node in content:
        if isinstance(node, str):
            out.append(escape_html(node))
            continue
        kind = node.kind
        if kind in (TAG, NOCASE):
            _html(node.children, quotes, state, out)
        elif kind == ITALIC:
            was, state.italic = state.italic, _turns_on(node, state.italic)
            out.append("<i>" if state.italic else '<span style="font-style:normal;">')
            _html(node.children, quotes, state, out)
            out.append("</i>" if state.italic else "</span>")
            state.italic = was
        elif kind == NO_ITALIC:
            if state.italic:
                out.append('<span style="font-style:normal;">')
                state.italic = False
                _html(node.children, quotes, state, out)
                state.italic = True
                out.append("</span>")
            else:
                _html(node.children, quotes, state, out)
        elif kind == BOLD:
            was, state.bold = state.bold, _turns_on(node, state.bold)
            out.append("<b>" if state.bold else '<span style="font-weight:normal;">')
            _html(node.children, quotes, state, out)
            out.append("</b>" if state.bold else "</span>")
            state.bold = was
        elif kind == NO_BOLD:
            if state.bold:
                out.append('<span style="font-weight:normal;">')
                state.bold = False
                _html(node.children, quotes, state, out)
                state.bold = True
                out.append("</span>")
            else:
                _html(node.children, quotes, state, out)
        elif kind == SMALL_CAPS:
            was, state.small_caps = state.small_caps, _turns_on(node, state.small_caps)
            out.append(
                '<span style="font-variant:small-caps;">'
                if state.small_caps
                else '<span style="font-variant:normal;">'
            )
            _html(node.children, quotes, state, out)
            out.append("</span>")
            state.small_caps = was
        elif kind == NO_SMALL_CAPS:
            if state.small_caps:
                out.append('<span style="font-variant:normal;">')
                state.small_caps = False
                _html(node.children, quotes, state, out)
                state.small_caps = True
                out.append("</span>")
            else:
                _html(node.children, quotes, state, out)
        elif kind == QUOTE:
            opening, closing, inner = _quote(node, quotes, state.quote_depth)
            out.append(escape_html(opening))
            saved_depth, state.quote_depth = state.quote_depth, inner
            _html(node.children, quotes, state, out)
            state.quote_depth = saved_depth
            out.append(escape_html(closing))
        elif kind == UNDERLINE:
            out.append('<span style="text-decoration:underline;">')
            _html(node.children, quotes, state, out)
            out.append("</span>")
        elif kind == NO_DECORATION:
            out.append('<span style="text-decoration:none;">')
            _html(node.children, quotes, state, out)
            out.append("</span>")
        elif kind == NODECOR:
            # Undo whatever formatting is in force around it, as citeproc-js writes it.
            reset = (
                ("font-variant:normal;" if state.small_caps else "")
                + ("font-weight:normal;" if state.bold else "")
                + ("font-style:normal;" if state.italic else "")
            )
            saved = (state.italic, state.bold, state.small_caps)
            state.italic = state.bold = state.small_caps = False
            if reset:
                out.append(f'<span style="{reset}">')
            _html(node.children, quotes, state, out)
            if reset:
                out.append("</span>")
            state.italic, state.bold, state.small_caps = saved
        elif kind == SUPERSCRIPT:
            out.append("<sup>")
            _html(node.children, quotes, state, out)
            out.append("</sup>")
        elif kind == SUBSCRIPT:
            out.append("<sub>")
            _html(node.children, quotes, state, out)
            out.append("</sub>")
        elif kind == BASELINE:
            out.append('<span style="baseline">')
            _html(node.children, quotes, state, out)
            out.append("</span>")
        elif kind == DIV:
            if is_empty(node.children):
                continue
            out.append(f'<div class="csl-{node.data}">')
            _html(node.children, quotes, state, out)
            out.append("</div>")
        elif kind == LINK:
            out.append(f'<a href="{escape_html(str(node.data))}">')
            _html(node.children, quotes, state, out)
            out.append("</a>")
        else:
            _html(node.children, quotes, state, out)


# -- plain text ---------------------------------------------------------------------------------


def to_text(content: Sequence[str | Span], quotes: Quotes = DEFAULT_QUOTES) -> str:
    out: list[str] = []
    _text(content, quotes, 0, out)
    return "".join(out)


def _text(content: Sequence[str | Span], quotes: Quotes, depth: int, out: list[str]) -> None:
    for node in content:
        if isinstance(node, str):
            out.append(node)
        elif node.kind == QUOTE:
            opening, closing, inner = _quote(node, quotes, depth)
            out.append(opening)
            _text(node.children, quotes, inner, out)
            out.append(closing)
        elif node.kind == DIV and node.data in ("block", "indent") and out:
            if out and not out[-1].endswith("\n"):
                out.append("\n")
            _text(node.children, quotes, depth, out)
            out.append("\n")
        elif node.kind == DIV and node.data == "left-margin":
            _text(node.children, quotes, depth, out)
            if out and not out[-1].endswith((" ", "\t")):
                out.append(" ")
        else:
            _text(node.children, quotes, depth, out)


# -- RTF ------------------------------------------------------------------------------------------


_RTF_SPECIAL = re.compile(r"[\\{}\x00-\x1f]")


def escape_rtf(text: str) -> str:
    r"""Escape text for RTF: control characters, and everything beyond ASCII as ``\uN?``.

    RTF's ``\u`` takes a signed 16-bit number, so characters outside the Basic
    Multilingual Plane are written as their UTF-16 surrogate pair; "?" is what readers
    without Unicode show (the document declares ``\uc1``).
    """
    if text.isascii() and not _RTF_SPECIAL.search(text):
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\line ")
        elif char == "\t":
            out.append("\\tab ")
        elif code < 0x20:
            continue
        elif code < 0x80:
            out.append(char)
        else:
            units = (code,) if code <= 0xFFFF else _surrogates(code)
            for unit in units:
                out.append(f"\\u{unit - 0x10000 if unit > 0x7FFF else unit}?")
    return "".join(out)


def _surrogates(code: int) -> tuple[int, int]:
    code -= 0x10000
    return (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def to_rtf(content: Sequence[str | Span], quotes: Quotes = DEFAULT_QUOTES) -> str:
    """The RTF of ``content`` as a run of text (no document header)."""
    out: list[str] = []
    _rtf(content, quotes, _State(), out)
    return "".join(out)


def _rtf_group(control: str, node: Span, quotes: Quotes, state: _State, out: list[str]) -> None:
    out.append("{" + control + " ")
    _rtf(node.children, quotes, state, out)
    out.append("}")


def _rtf(content: Sequence[str | Span], quotes: Quotes, state: _State, out: list[str]) -> None:
    for node in content:
        if isinstance(node, str):
            out.append(escape_rtf(node))
            continue
        kind = node.kind
        if kind == ITALIC:
            was, state.italic = state.italic, _turns_on(node, state.italic)
            _rtf_group("\\i" if state.italic else "\\i0", node, quotes, state, out)
            state.italic = was
        elif kind == NO_ITALIC and state.italic:
            state.italic = False
            _rtf_group("\\i0", node, quotes, state, out)
            state.italic = True
        elif kind == BOLD:
            was, state.bold = state.bold, _turns_on(node, state.bold)
            _rtf_group("\\b" if state.bold else "\\b0", node, quotes, state, out)
            state.bold = was
        elif kind == NO_BOLD and state.bold:
            state.bold = False
            _rtf_group("\\b0", node, quotes, state, out)
            state.bold = True
        elif kind == SMALL_CAPS:
            was, state.small_caps = state.small_caps, _turns_on(node, state.small_caps)
            _rtf_group("\\scaps" if state.small_caps else "\\scaps0", node, quotes, state, out)
            state.small_caps = was
        elif kind == NO_SMALL_CAPS and state.small_caps:
            state.small_caps = False
            _rtf_group("\\scaps0", node, quotes, state, out)
            state.small_caps = True
        elif kind == UNDERLINE:
            _rtf_group("\\ul", node, quotes, state, out)
        elif kind == NO_DECORATION:
            _rtf_group("\\ul0", node, quotes, state, out)
        elif kind == NODECOR:
            saved = (state.italic, state.bold, state.small_caps)
            state.italic = state.bold = state.small_caps = False
            _rtf_group("\\i0\\b0\\scaps0", node, quotes, state, out)
            state.italic, state.bold, state.small_caps = saved
        elif kind == SUPERSCRIPT:
            _rtf_group("\\super", node, quotes, state, out)
        elif kind == SUBSCRIPT:
            _rtf_group("\\sub", node, quotes, state, out)
        elif kind == BASELINE:
            _rtf_group("\\nosupersub", node, quotes, state, out)
        elif kind == QUOTE:
            opening, closing, inner = _quote(node, quotes, state.quote_depth)
            out.append(escape_rtf(opening))
            saved_depth, state.quote_depth = state.quote_depth, inner
            _rtf(node.children, quotes, state, out)
            state.quote_depth = saved_depth
            out.append(escape_rtf(closing))
        elif kind == DIV and node.data == "left-margin":
            _rtf(node.children, quotes, state, out)
            out.append("\\tab ")
        elif kind == DIV and node.data in ("block", "indent"):
            out.append("\\line ")
            _rtf(node.children, quotes, state, out)
        else:
            _rtf(node.children, quotes, state, out)
