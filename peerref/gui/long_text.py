"""Text of pathological length (a 1 MB title with no spaces) shown without freezing.

Qt lays out the whole of a wrapped paragraph to know its height, and measures the whole
of a label's text for its size hint: a title of a million characters with nowhere to
break took the window 36 seconds to show. Views therefore show at most a bounded number
of characters of any one value, say that they did, and open the whole text only on
request, in a plain-text editor without wrapping (the layout Qt does fastest).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

FIELD_DISPLAY_LIMIT = 2_000
"""Characters of a single field (a title, a journal) the details panel shows and edits."""
ABSTRACT_DISPLAY_LIMIT = 20_000
"""Characters of an abstract the details panel shows."""
TABLE_DISPLAY_LIMIT = 300
"""Characters of a value a table cell holds (it shows fewer); tooltips hold three times this."""


def bounded_text(text: str, limit: int) -> str:
    """``text`` itself, or its first ``limit`` characters and an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


def shortened_note(what: str, length: int, limit: int) -> str:
    """What a view says when it shows only the start of a long value."""
    return f"This {what} is {length:,} characters long; the first {limit:,} are shown."


class LongTextDialog(QDialog):
    """The whole of a long value, to read or edit, in an editor that does not wrap."""

    def __init__(
        self, title: str, text: str, *, read_only: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("longTextDialog")
        self.setWindowTitle(title)
        note = QLabel(f"{len(text):,} characters.", self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("longTextEditor")
        self.editor.setAccessibleName(title)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setReadOnly(read_only)
        self.editor.setPlainText(text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close
            if read_only
            else QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(700, 420)

    def text(self) -> str:
        return self.editor.toPlainText()
