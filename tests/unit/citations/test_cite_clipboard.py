"""The clipboard payload: HTML, plain text without markup, and RTF a word processor reads."""

from __future__ import annotations

import re

from citation_samples import AHEAD_OF_PRINT, CHAPTER, PEER_ROLE, PEER_TRAINING

from peerref.citations import (
    MIME_HTML,
    MIME_PLAIN,
    MIME_RTF,
    StyleCatalogue,
    clipboard_payload,
    render_bibliography,
    render_citation,
)
from peerref.citations.output.rich import ITALIC, SMALL_CAPS, Span
from peerref.citations.output.writers import to_rtf
from peerref.citations.rtf import escape_rtf

_RTF_TOKEN = re.compile(r"\\u(-?\d+)\?|\\([a-z]+)(-?\d+)? ?|\\([\\{}])|([{}])|([^\\{}]+)")


def rtf_to_text(rtf: str) -> tuple[str, set[str]]:
    """Parse RTF strictly enough to prove it is RTF: balanced groups, known syntax.

    Returns the paragraphs' text (``\\par`` as newline, font table skipped) and the set
    of control words seen.
    """
    assert rtf.startswith("{\\rtf1") and rtf.endswith("}")
    depth = 0
    words: set[str] = set()
    out: list[str] = []
    units: list[int] = []
    skip_depth = None
    position = 0
    while position < len(rtf):
        match = _RTF_TOKEN.match(rtf, position)
        assert match, f"not RTF at {rtf[position : position + 20]!r}"
        position = match.end()
        unicode_unit, word, _number, escaped, brace, text = match.groups()
        if unicode_unit is not None:
            units.append(int(unicode_unit) & 0xFFFF)
            continue
        if units:
            out.append(b"".join(u.to_bytes(2, "big") for u in units).decode("utf-16-be"))
            units = []
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            assert depth >= 0, "unbalanced braces"
            if skip_depth is not None and depth < skip_depth:
                skip_depth = None
        elif word is not None:
            words.add(word)
            if word == "fonttbl":
                skip_depth = depth
            elif word == "par":
                out.append("\n")
            elif word == "tab":
                out.append(" ")  # the number column of a numbered list
        elif skip_depth is None:
            out.append(escaped or text.replace("\n", ""))
    assert depth == 0, "unbalanced braces"
    return "".join(out), words


def test_citation_payload_has_three_flavours(catalogue: StyleCatalogue) -> None:
    result = render_citation([PEER_ROLE], catalogue.load("apa"), context=[PEER_TRAINING])
    payload = clipboard_payload(result)
    assert set(payload) == {MIME_HTML, MIME_PLAIN, MIME_RTF}
    assert payload[MIME_PLAIN] == "(Repper & Watson, 2012b)"
    assert payload[MIME_HTML] == "(Repper &#38; Watson, 2012b)"
    text, _ = rtf_to_text(payload[MIME_RTF])
    assert text.strip() == "(Repper & Watson, 2012b)"


def test_plain_text_never_holds_markup_or_entities(catalogue: StyleCatalogue) -> None:
    for info in catalogue.favourites():
        style = catalogue.load(info)
        for result in (
            render_bibliography([PEER_ROLE, CHAPTER, AHEAD_OF_PRINT], style),
            render_citation([PEER_ROLE, CHAPTER], style),
        ):
            plain = clipboard_payload(result)[MIME_PLAIN]
            assert not re.search(r"</?[a-z]+[ >]|&[#a-z0-9]+;", plain), (info.id, plain)


def test_bibliography_html_keeps_italics_and_hanging_indent(catalogue: StyleCatalogue) -> None:
    payload = clipboard_payload(render_bibliography([CHAPTER], catalogue.load("apa")))
    assert payload[MIME_HTML] == (
        '<div class="csl-bib-body">\n'
        '  <div class="csl-entry" style="padding-left: 2em; text-indent: -2em;">'
        "Smith, A. (2019). Supervision in practice. In R. Jones &#38; C. Brown (Eds.), "
        "<i>Handbook of Clinical Supervision</i> (pp. 45–67). Routledge.</div>\n"
        "</div>"
    )


def test_bibliography_rtf_has_hanging_indent_italics_and_unicode(
    catalogue: StyleCatalogue,
) -> None:
    result = render_bibliography([CHAPTER, AHEAD_OF_PRINT], catalogue.load("apa"))
    rtf = clipboard_payload(result)[MIME_RTF]
    assert r"{\pard\fi-720\li720\sa120 " in rtf
    assert r"{\i Handbook of Clinical Supervision}" in rtf
    assert r"\u211?" in rtf  # Ó, as RTF Unicode escape
    assert rtf.isascii()
    text, words = rtf_to_text(rtf)
    assert {"rtf", "pard", "fi", "li", "i", "par"} <= words
    assert text.strip().split("\n") == result.text.split("\n")


def test_small_caps_and_superscript_become_rtf_controls(catalogue: StyleCatalogue) -> None:
    rtf = render_citation([PEER_ROLE], catalogue.load("nature")).rtf
    assert r"{\super 1}" in rtf
    assert to_rtf([Span(SMALL_CAPS, ["Smith"])]) == r"{\scaps Smith}"
    # Braces in data never unbalance the document.
    assert to_rtf([Span(ITALIC, ["a}"])]) == r"{\i a\}}"


def test_escape_rtf_handles_braces_backslashes_and_astral_characters() -> None:
    assert escape_rtf("a{b}\\c") == r"a\{b\}\\c"
    assert escape_rtf("é") == r"\u233?"
    assert escape_rtf("𝛼") == r"\u-10187?\u-8452?"
    text, _ = rtf_to_text("{\\rtf1 " + escape_rtf("Ó 𝛼 {x}") + "}")
    assert text == "Ó 𝛼 {x}"
