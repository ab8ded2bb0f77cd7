"""Every custom item-data role PeerRef's models answer, in one enum (STYLE.md, small things)."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt


class Role(enum.IntEnum):
    """Custom roles above ``Qt.UserRole``; views and tests ask models for these, never indexes."""

    SORT = Qt.ItemDataRole.UserRole + 1
    """The raw value a column sorts by (int year, datetime, folded text)."""
    REFERENCE_ID = Qt.ItemDataRole.UserRole + 2
    """The ``ReferenceId`` of a table row."""
    SUMMARY = Qt.ItemDataRole.UserRole + 3
    """The frozen ``ReferenceSummary`` of a table row."""
    INCOMPLETE = Qt.ItemDataRole.UserRole + 4
    """True when the reference lacks a title or year, or the source truncated a field."""
    NODE_KIND = Qt.ItemDataRole.UserRole + 10
    """The ``NodeKind`` of a sidebar node."""
    COLLECTION_ID = Qt.ItemDataRole.UserRole + 11
    """The ``CollectionId`` of a collection node, else None."""
    TAG = Qt.ItemDataRole.UserRole + 12
    """The tag name of a tag node, else None."""
    BATCH_ID = Qt.ItemDataRole.UserRole + 13
    """The ``BatchId`` of an import batch node, else None."""
    COUNT = Qt.ItemDataRole.UserRole + 14
    """How many references a sidebar node lists, when known."""
    NODE_KEY = Qt.ItemDataRole.UserRole + 15
    """A hashable key identifying a sidebar node across rebuilds (for selection, expansion)."""
