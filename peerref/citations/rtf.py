"""RTF documents for word processors: paragraphs of the RTF runs the writers produce.

The character formatting of each entry comes from
:func:`peerref.citations.output.writers.to_rtf`, written from the same rich-text tree
as the HTML and the plain text; this module only lays entries out as paragraphs with
the style's hanging indent or number column, in a document a word processor accepts.
"""

from __future__ import annotations

from collections.abc import Iterable

from peerref.citations.output.writers import escape_rtf

__all__ = ["HANGING_INDENT_TWIPS", "escape_rtf", "rtf_document", "rtf_paragraph"]

# Half an inch, the hanging indent APA and Harvard ask for; RTF measures in twips.
HANGING_INDENT_TWIPS = 720
_SPACE_AFTER_TWIPS = 120


def rtf_paragraph(run: str, *, hanging: bool, aligned: bool = False) -> str:
    """One RTF paragraph holding ``run``.

    With ``hanging`` the first line starts half an inch left of the rest; with
    ``aligned`` (second-field-align) the number sits in the margin and the text starts
    at a tab stop, as citeproc-js lays it out for Word.
    """
    if aligned:
        layout = rf"\fi-{HANGING_INDENT_TWIPS}\li{HANGING_INDENT_TWIPS}\tx{HANGING_INDENT_TWIPS}"
    elif hanging:
        layout = rf"\fi-{HANGING_INDENT_TWIPS}\li{HANGING_INDENT_TWIPS}"
    else:
        layout = r"\fi0\li0"
    return rf"{{\pard{layout}\sa{_SPACE_AFTER_TWIPS} {run}\par}}"


def rtf_document(body_parts: Iterable[str]) -> str:
    """A complete RTF document (what word processors expect on the clipboard)."""
    header = r"{\rtf1\ansi\ansicpg1252\deff0\uc1{\fonttbl{\f0\froman Times New Roman;}}\f0\fs24"
    return header + "\n" + "\n".join(body_parts) + "\n}"
