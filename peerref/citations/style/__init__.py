"""A CSL style, parsed once into frozen, typed nodes (the first of the processor's stages).

``parse_style`` turns the XML of a ``.csl`` file into a :class:`~.nodes.Style`; locales
are read by :mod:`.locale`. Nothing here knows about references or output.
"""

from __future__ import annotations

from peerref.citations.style.locale import Locale, LocaleCatalogue, Term
from peerref.citations.style.nodes import Style
from peerref.citations.style.parse import StyleSyntaxError, parse_style

__all__ = ["Locale", "LocaleCatalogue", "Style", "StyleSyntaxError", "Term", "parse_style"]
