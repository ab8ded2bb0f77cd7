"""Citations and bibliographies in any CSL style, by PeerRef's own CSL 1.0.2 processor.
(no Qt, no SQL)

Typical use::

    catalogue = StyleCatalogue()              # once, in the composition root
    style = catalogue.load("harvard")         # short name, style id or .csl path
    result = render_bibliography(references, style)
    payload = clipboard_payload(render_citation([reference], style))
"""

from __future__ import annotations

from peerref.citations.clipboard import MIME_HTML, MIME_PLAIN, MIME_RTF, clipboard_payload
from peerref.citations.export import (
    BibliographyFormat,
    bibliography_document,
    bibliography_html_document,
    bibliography_plain_text,
    bibliography_rtf_document,
)
from peerref.citations.render import (
    BibliographyResult,
    CitationResult,
    FormattedEntry,
    Problem,
    ReferenceWarning,
    reference_warnings,
    render_bibliography,
    render_citation,
)
from peerref.citations.styles import (
    DEFAULT_STYLE,
    FAVOURITES,
    CitationStyle,
    StyleCatalogue,
    StyleInfo,
)

__all__ = [
    "DEFAULT_STYLE",
    "FAVOURITES",
    "MIME_HTML",
    "MIME_PLAIN",
    "MIME_RTF",
    "BibliographyFormat",
    "BibliographyResult",
    "CitationResult",
    "CitationStyle",
    "FormattedEntry",
    "Problem",
    "ReferenceWarning",
    "StyleCatalogue",
    "StyleInfo",
    "bibliography_document",
    "bibliography_html_document",
    "bibliography_plain_text",
    "bibliography_rtf_document",
    "clipboard_payload",
    "reference_warnings",
    "render_bibliography",
    "render_citation",
]
