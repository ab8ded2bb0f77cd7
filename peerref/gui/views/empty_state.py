"""A message over an empty list: how to get references in, or why nothing is listed.

Zotero's empty items pane says what to do next instead of showing a blank grid; a new
user facing an empty PeerRef table otherwise has to guess that pasting a results page is
the way in. The overlay sits on the view's viewport, lets every click and drop through
to the view underneath, and shows only while the view's model has no rows: the first
reference imported hides it, emptying the trash brings the trash's message back.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel


def _keys(standard: QKeySequence.StandardKey) -> str:
    """A standard shortcut as this platform writes it ("Ctrl+V", "⌘V")."""
    sequences = QKeySequence.keyBindings(standard)
    return sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences else ""


def _steps(*steps: str) -> str:
    """Steps as a left-aligned list in a centred block (QLabel's rich text has no CSS)."""
    rows = "".join(f"<tr><td>•&nbsp;</td><td>{step}</td></tr>" for step in steps)
    return f'<table align="center" cellspacing="2">{rows}</table>'


def empty_library_html() -> str:
    """The first-start message: the three ways references get into a library."""
    paste = _keys(QKeySequence.StandardKey.Paste)
    import_files = _keys(QKeySequence.StandardKey.Open)
    return "<h3>Your library is empty</h3><p>To get references in:</p>" + _steps(
        "copy a page of search results (Emerald Insight, PubMed, ScienceGate, "
        f"Google Scholar…) and press <b>{paste}</b> here",
        "drop reference files (RIS, BibTeX, MEDLINE, CSL-JSON…) or a selected page "
        "onto this window",
        f"or choose <b>File › Import Files…</b> ({import_files})",
    )


EMPTY_COLLECTION_HTML = (
    "<h3>This collection is empty</h3>"
    "<p>Drag references here from My Library, or paste or drop a results page or files "
    "while it is shown to import straight into it.</p>"
)
EMPTY_UNFILED_HTML = "<h3>Nothing unfiled</h3><p>Every reference is in a collection.</p>"
EMPTY_TRASH_HTML = "<h3>The trash is empty</h3>"
EMPTY_TAG_HTML = "<h3>No references carry this tag</h3>"
EMPTY_BATCH_HTML = "<h3>Nothing left from this import</h3><p>Its references were removed.</p>"
NO_DUPLICATES_HTML = (
    "<h3>No duplicates found</h3>"
    "<p>PeerRef compares DOIs, titles, authors, dates and journals. When it finds "
    "references that may describe one work, they are listed here to merge.</p>"
)


def no_matches_html(query: str) -> str:
    """The message for a search that matched nothing, quoting what was searched."""
    return (
        f"<h3>No references match “{escape(query)}”</h3>"
        "<p>Check the spelling, search fewer words, or press <b>Esc</b> to clear the "
        "search. Help › Search Syntax lists what the search understands.</p>"
    )


class EmptyStateOverlay(QLabel):
    """A centred message over ``view`` while its model has no rows.

    The view must have its model when the overlay is made. The message is set by
    whoever knows why the list is empty (the window: a new library, a search, a
    collection); an empty message hides the overlay.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self._view = view
        self._message = ""
        self.setObjectName("emptyState")
        self.setAccessibleName("Empty list")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMargin(24)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # Clicks, the context menu and drops go to the view underneath.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.layoutChanged,
        ):
            signal.connect(self._update)
        self.hide()
        self._fit()

    @property
    def message(self) -> str:
        """The message shown while the list is empty (rich text)."""
        return self._message

    def set_message(self, html: str) -> None:
        """Say this while the list is empty; "" shows nothing."""
        self._message = html
        self.setText(html)
        self._update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        self.setGeometry(self._view.viewport().rect())

    def _update(self, *_args: object) -> None:
        empty = self._view.model().rowCount() == 0
        self.setVisible(bool(self._message) and empty)
        if self.isVisible():
            self._fit()
            self.raise_()
