"""RTF for word processors, derived from the HTML markup citeproc-py produces.

citeproc-py's HTML output uses a handful of inline tags (``i``, ``b``, ``u``, ``sup``,
``sub``, a small-caps ``span``). Those map one-to-one onto RTF character formatting,
so RTF is produced by translating that markup rather than by a third formatting pass
(citeproc-py may change the case of already formatted text, which would corrupt RTF
control words but leaves HTML tags harmless).
"""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser

# Half an inch, the hanging indent APA and Harvard ask for; RTF measures in twips.
HANGING_INDENT_TWIPS = 720
_SPACE_AFTER_TWIPS = 120

_TAG_CONTROLS = {
    "i": r"\i",
    "em": r"\i",
    "b": r"\b",
    "strong": r"\b",
    "l": r"\b0",
    "u": r"\ul",
    "sup": r"\super",
    "sub": r"\sub",
}


def escape_rtf(text: str) -> str:
    r"""Escape text for RTF: control characters, and everything beyond ASCII as ``\uN?``.

    RTF's ``\u`` takes a signed 16-bit number, so characters outside the Basic
    Multilingual Plane are written as their UTF-16 surrogate pair.
    """
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append(r"\line ")
        elif char == "\t":
            out.append(r"\tab ")
        elif code < 0x20:
            continue
        elif code < 0x80:
            out.append(char)
        else:
            for unit in _utf16_units(code):
                out.append(f"\\u{unit - 0x10000 if unit > 0x7FFF else unit}?")
    return "".join(out)


def _utf16_units(code: int) -> tuple[int, ...]:
    if code <= 0xFFFF:
        return (code,)
    code -= 0x10000
    return (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


class _MarkupToRtf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        control = _TAG_CONTROLS.get(tag, "")
        if tag == "span":
            style = (dict(attrs).get("style") or "").replace(" ", "").casefold()
            control = r"\scaps" if "font-variant:small-caps" in style else ""
        self.parts.append("{" + (control + " " if control else ""))
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.parts.append("}")
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.parts.append(escape_rtf(data))

    def result(self) -> str:
        self.close()
        # Markup with a stray end tag must not unbalance the document.
        return "".join(self.parts) + "}" * self.depth


def html_to_rtf_text(markup: str) -> str:
    """RTF character content for an HTML fragment made of citeproc-py's inline tags."""
    parser = _MarkupToRtf()
    parser.feed(markup)
    return parser.result()


def html_to_rtf_paragraph(markup: str, *, hanging: bool) -> str:
    """One RTF paragraph; with ``hanging`` the first line starts half an inch left."""
    indent = rf"\fi-{HANGING_INDENT_TWIPS}\li{HANGING_INDENT_TWIPS}" if hanging else r"\fi0\li0"
    return rf"{{\pard{indent}\sa{_SPACE_AFTER_TWIPS} {html_to_rtf_text(markup)}\par}}"


def rtf_document(body_parts: Iterable[str]) -> str:
    """A complete RTF document (what word processors expect on the clipboard)."""
    header = r"{\rtf1\ansi\ansicpg1252\deff0\uc1{\fonttbl{\f0\froman Times New Roman;}}\f0\fs24"
    return header + "\n" + "\n".join(body_parts) + "\n}"
