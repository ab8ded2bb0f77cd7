"""A formatted bibliography as a file: HTML document, plain text or RTF.

This lives with the citations rather than in ``peerref.formats`` because the formats
layer may not import the citation engine; the export command calls it directly.
"""

from __future__ import annotations

import enum
import html

from peerref.citations.render import BibliographyResult


class BibliographyFormat(enum.StrEnum):
    """File formats a formatted bibliography can be written as; values are CLI names."""

    HTML = "html"
    TEXT = "text"
    RTF = "rtf"

    @property
    def suffix(self) -> str:
        return {"html": ".html", "text": ".txt", "rtf": ".rtf"}[self.value]


def bibliography_html_document(result: BibliographyResult, *, title: str = "") -> str:
    """A standalone UTF-8 HTML page holding the bibliography, readable in any browser."""
    heading = title or "References"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(heading)}</title>\n"
        "<style>body { font-family: serif; max-width: 45em; margin: 2em auto; "
        "line-height: 1.5; } .csl-entry { margin-bottom: 0.6em; }</style>\n"
        f"</head>\n<body>\n<h1>{html.escape(heading)}</h1>\n{result.html}\n</body>\n</html>\n"
    )


def bibliography_plain_text(result: BibliographyResult) -> str:
    """Entries one per paragraph, separated by a blank line, ending with a newline."""
    return "\n\n".join(entry.text for entry in result.entries) + "\n"


def bibliography_rtf_document(result: BibliographyResult) -> str:
    """The RTF document of the bibliography, with the style's hanging indent."""
    return result.rtf


def bibliography_document(
    result: BibliographyResult, file_format: BibliographyFormat | str, *, title: str = ""
) -> str:
    """The bibliography as the text of a file in ``file_format`` ("html", "text", "rtf").

    Raises:
        ValueError: ``file_format`` is not one of :class:`BibliographyFormat`.
    """
    chosen = BibliographyFormat(file_format)
    if chosen is BibliographyFormat.HTML:
        return bibliography_html_document(result, title=title)
    if chosen is BibliographyFormat.TEXT:
        return bibliography_plain_text(result)
    return bibliography_rtf_document(result)
