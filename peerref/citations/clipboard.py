"""The clipboard payload for a citation or bibliography, without Qt.

The window puts each entry of the mapping into a ``QMimeData`` under its MIME type;
the CLI and tests can use the same payload without a display. Plain text comes from a
separate plain-text rendering, never from the HTML: pasting a citation into a plain
editor must not show tags or entities.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from peerref.citations.render import BibliographyResult, CitationResult

MIME_HTML = "text/html"
MIME_PLAIN = "text/plain"
MIME_RTF = "text/rtf"


def clipboard_payload(result: CitationResult | BibliographyResult) -> Mapping[str, str]:
    """Every clipboard flavour of a rendered citation or bibliography, by MIME type.

    ``text/html`` keeps the style's italics and small caps for rich editors and mail,
    ``text/rtf`` carries the hanging indent word processors honour, ``text/plain`` is
    for everything else. The mapping is read-only.
    """
    return MappingProxyType(
        {
            MIME_HTML: result.html,
            MIME_PLAIN: result.text,
            MIME_RTF: result.rtf,
        }
    )
