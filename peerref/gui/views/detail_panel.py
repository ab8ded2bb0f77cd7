"""The detail panel: every field of the selected reference, editable, plus tags, notes,
collections and where the reference came from.

The panel reads from the library but never writes: each edit becomes a signal carrying the
old and new values, and the window turns it into an undoable command. Identifiers are
checked with ``peerref.core.ids``: a malformed DOI or year is refused with a message next
to the field; a wrong ISSN or ISBN check digit is accepted with a warning, since the page
may be right and the check the exception.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QObject,
    QSignalBlocker,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QIcon,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerref.core import ids as idcheck
from peerref.core.errors import NotFoundError
from peerref.core.model import (
    AbstractSection,
    CollectionId,
    Creator,
    ImportBatch,
    Note,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
    abstract_from_text,
    abstract_to_text,
)
from peerref.gui import icons
from peerref.gui.long_text import (
    ABSTRACT_DISPLAY_LIMIT,
    FIELD_DISPLAY_LIMIT,
    LongTextDialog,
    bounded_text,
    shortened_note,
)
from peerref.gui.models.reference_table import COMMON_TYPES, TYPE_LABELS, format_added
from peerref.gui.models.sidebar_model import (
    batch_source,
    collection_paths,
    format_label,
    looks_like_file_name,
)
from peerref.gui.views.authors_editor import AuthorsEditor
from peerref.gui.views.date_editor import DateEditor, DateError, apply_date_year
from peerref.library import Library, MergeEvent, completion_history

DETAIL_MIN_WIDTH = 240
"""The panel's narrowest width: every part of the form wraps or shrinks to fit it."""
_FIELD_MIN_WIDTH = 80


class FieldError(ValueError):
    """A value the field cannot hold; the message is shown next to the field."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A field value after checking: the changed reference and an optional warning."""

    reference: Reference
    warning: str = ""


# --- field parsing (pure functions: the rules the panel applies) ---------------------------


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def apply_year(reference: Reference, text: str, typed: Collection[str] = ()) -> Checked:
    """Year 1–9999 or empty; month, day and season outlive a new year only when typed.

    See :mod:`peerref.gui.views.date_editor` for the rule.
    """
    try:
        issued = apply_date_year(reference.issued, text, typed=typed)
    except DateError as error:
        raise FieldError(str(error)) from None
    return Checked(reference.with_changes(issued=issued))


def apply_doi(reference: Reference, text: str) -> Checked:
    """A DOI in any common form (URL, "doi:"), stored bare; anything else is refused.

    The box holds one DOI, as RIS ``DO`` or BibTeX ``doi`` does, so it reads the value
    with the formats' whole-field rule (:func:`peerref.core.ids.doi_of_field`): a SICI
    DOI or one with a space in it is kept whole, where the free-text rule would cut it.
    """
    if not text.strip():
        return Checked(reference.with_changes(doi=""))
    doi = idcheck.doi_of_field(text)
    if not doi:
        raise FieldError("Not a DOI: a DOI looks like 10.1108/JD-01-2020-0001.")
    return Checked(reference.with_changes(doi=doi))


def apply_issn(reference: Reference, text: str) -> Checked:
    """ISSNs separated by commas; a wrong check digit is kept with a warning."""
    values, bad = [], []
    for part in _split_list(text):
        issn = idcheck.normalise_issn(part)
        if not issn:
            raise FieldError(f"“{part}” is not an ISSN (eight characters, like 1755-6228).")
        values.append(issn)
        if not idcheck.issn_is_valid(issn):
            bad.append(issn)
    warning = f"Check digit does not match for {', '.join(bad)}: please check." if bad else ""
    return Checked(reference.with_changes(issn=tuple(values)), warning)


def apply_isbn(reference: Reference, text: str) -> Checked:
    """ISBNs separated by commas; a wrong check digit is kept with a warning."""
    values, bad = [], []
    for part in _split_list(text):
        isbn = idcheck.normalise_isbn(part)
        if not isbn:
            raise FieldError(f"“{part}” is not an ISBN (10 or 13 digits).")
        values.append(isbn)
        if not idcheck.isbn_is_valid(isbn):
            bad.append(isbn)
    warning = f"Check digit does not match for {', '.join(bad)}: please check." if bad else ""
    return Checked(reference.with_changes(isbn=tuple(values)), warning)


def apply_pmid(reference: Reference, text: str) -> Checked:
    if not text.strip():
        return Checked(reference.with_changes(pmid=""))
    pmid = idcheck.normalise_pmid(text)
    if not pmid:
        raise FieldError("A PMID is a number of up to nine digits.")
    return Checked(reference.with_changes(pmid=pmid))


def apply_pmcid(reference: Reference, text: str) -> Checked:
    if not text.strip():
        return Checked(reference.with_changes(pmcid=""))
    pmcid = idcheck.normalise_pmcid(text)
    if not pmcid:
        raise FieldError("A PMCID looks like PMC1234567.")
    return Checked(reference.with_changes(pmcid=pmcid))


def apply_url(reference: Reference, text: str) -> Checked:
    url = text.strip()
    warning = ""
    if url and not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE):
        warning = "This does not look like a web address (https://…)."
    return Checked(reference.with_changes(url=url), warning)


def apply_keywords(reference: Reference, text: str) -> Checked:
    return Checked(reference.with_changes(keywords=tuple(_split_list(text))))


def _plain(field_name: str) -> Callable[[Reference, str], Checked]:
    def apply(reference: Reference, text: str) -> Checked:
        return Checked(reference.with_changes(**{field_name: " ".join(text.split())}))

    return apply


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One single-line field of the form: its label, how it shows and how it is applied."""

    name: str
    label: str
    show: Callable[[Reference], str]
    apply: Callable[[Reference, str], Checked]
    placeholder: str = ""
    primary: bool = False
    """Shown at once; the others sit under "More details"."""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "year",
        "Date",
        lambda r: str(r.issued.year) if r.issued.year else "",
        apply_year,
        "2012",
        primary=True,
    ),
    FieldSpec(
        "container_title",
        "Source",
        lambda r: r.container_title,
        _plain("container_title"),
        primary=True,
    ),
    FieldSpec("volume", "Volume", lambda r: r.volume, _plain("volume"), primary=True),
    FieldSpec("issue", "Issue", lambda r: r.issue, _plain("issue"), primary=True),
    FieldSpec("page", "Pages", lambda r: r.page, _plain("page"), "123–145", primary=True),
    FieldSpec("doi", "DOI", lambda r: r.doi, apply_doi, "10.1108/…", primary=True),
    FieldSpec("publisher", "Publisher", lambda r: r.publisher, _plain("publisher")),
    FieldSpec("publisher_place", "Place", lambda r: r.publisher_place, _plain("publisher_place")),
    FieldSpec("edition", "Edition", lambda r: r.edition, _plain("edition")),
    # Not a real ISSN (its check digit is wrong), so nobody takes it for one to copy.
    FieldSpec("issn", "ISSN", lambda r: ", ".join(r.issn), apply_issn, "e.g. 1234-5678"),
    FieldSpec("isbn", "ISBN", lambda r: ", ".join(r.isbn), apply_isbn),
    FieldSpec("pmid", "PMID", lambda r: r.pmid, apply_pmid),
    FieldSpec("pmcid", "PMCID", lambda r: r.pmcid, apply_pmcid),
    FieldSpec("url", "URL", lambda r: r.url, apply_url, "https://…"),
    FieldSpec("language", "Language", lambda r: r.language, _plain("language"), "en"),
    FieldSpec("keywords", "Keywords", lambda r: ", ".join(r.keywords), apply_keywords),
)


def abstract_html(sections: Sequence[AbstractSection]) -> str:
    """The abstract as HTML with its section headings in bold, one paragraph per section."""
    parts = []
    for section in sections:
        text = html.escape(section.text).replace("\n", "<br>")
        if section.heading:
            parts.append(f"<p><b>{html.escape(section.heading)}</b><br>{text}</p>")
        else:
            parts.append(f"<p>{text}</p>")
    return "".join(parts)


def bounded_abstract_html(sections: Sequence[AbstractSection]) -> str:
    """:func:`abstract_html` of at most :data:`ABSTRACT_DISPLAY_LIMIT` characters of text."""
    total = sum(len(section.text) for section in sections)
    if total <= ABSTRACT_DISPLAY_LIMIT:
        return abstract_html(sections)
    shown, room = [], ABSTRACT_DISPLAY_LIMIT
    for section in sections:
        if room <= 0:
            break
        shown.append(AbstractSection(section.heading, bounded_text(section.text, room)))
        room -= len(section.text)
    note = html.escape(shortened_note("abstract", total, ABSTRACT_DISPLAY_LIMIT))
    return f"{abstract_html(shown)}<p><i>{note} Edit shows all of it.</i></p>"


def completion_provenance_text(reference: Reference) -> str:
    """ "Completed from Crossref (10.1108/…) on 1 May 2026", for the latest completion."""
    history = completion_history(reference)
    if not history:
        return ""
    latest = history[-1]
    text = f"Completed from Crossref ({latest.doi}) on {format_added(latest.when)}"
    if len(history) > 1:
        text += f" ({len(history)} times)"
    return text


def provenance_text(reference: Reference, batch: ImportBatch | None) -> str:
    """ "Imported from an Emerald Insight results page on 22 Nov 2026", or when it was added."""
    if batch is not None:
        date = format_added(batch.created)
        if looks_like_file_name(batch.source_name):
            kind = format_label(batch.format_name)
            return f"Imported from {batch.source_name} ({kind}) on {date}"
        source = batch_source(batch)
        article = "an" if source[:1].lower() in "aeiou" else "a"
        return f"Imported from {article} {source} on {date}"
    if reference.added is not None:
        return f"Added on {format_added(reference.added)}"
    return ""


def authorship_text(reference: Reference) -> str:
    """ "Added by Ann · last edited by Bob on 3 Dec 2026": who, in a shared library."""
    parts = []
    if reference.added_by:
        parts.append(f"Added by {reference.added_by}")
    edited = reference.version > 1 or reference.modified_by != reference.added_by
    if reference.modified_by and edited:
        when = f" on {format_added(reference.modified)}" if reference.modified else ""
        parts.append(f"last edited by {reference.modified_by}{when}")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def merged_from_lines(events: Sequence[MergeEvent]) -> list[str]:
    """ "Merged from #12 Repper (2012) … on 3 Dec 2026 (title, doi)": one line per merge."""
    lines = []
    for event in events:
        origin = f"#{event.merged_reference_id} " if event.merged_reference_id else ""
        fields = (
            f" ({', '.join(f.replace('_', ' ') for f in event.fields)})" if event.fields else ""
        )
        when = format_added(event.created)
        lines.append(f"Merged from {origin}{event.description} on {when}{fields}")
    return lines


# --- widgets ---------------------------------------------------------------------------------


class _WrappingLineEdit(QPlainTextEdit):
    """A single-value field that wraps long text (titles); Enter or leaving it commits."""

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._committed_text = ""
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self._committed_text = text
        if text != self.toPlainText():
            self.setPlainText(text)

    def _fit_height(self, *_args: object) -> None:
        lines = max(1, min(4, round(self.document().size().height())))
        height = self.fontMetrics().lineSpacing() * lines
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + 2 * int(self.document().documentMargin())
        self.setFixedHeight(height + frame + margins.top() + margins.bottom())

    def _finish(self) -> None:
        if self.toPlainText() != self._committed_text:
            self._committed_text = self.toPlainText()
            self.editing_finished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish()
            event.accept()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        # Titles are one line: pasted line breaks become spaces.
        self.insertPlainText(" ".join(source.text().split()))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._finish()
        super().focusOutEvent(event)


class _FittingBrowser(QTextBrowser):
    """A read-only rich text view as tall as its text (the panel scrolls, not the view)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)

    def _fit(self, *_args: object) -> None:
        height = round(self.document().size().height()) + 2 * self.frameWidth()
        self.setFixedHeight(max(self.fontMetrics().lineSpacing() * 2, height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.document().setTextWidth(self.viewport().width())
        self._fit()


class _MessageLabel(QLabel):
    """The error or warning under a field; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Field message")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def _text_button(icon: QIcon, text: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setIcon(icon)
    button.setText(text)
    button.setToolButtonStyle(
        Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if not icon.isNull()
        else Qt.ToolButtonStyle.ToolButtonTextOnly
    )
    return button


class _WheelProofTabBar(QTabBar):
    """A tab bar the mouse wheel does not flip: the wheel scrolls the panel underneath."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()


class _WheelProofTabWidget(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabBar(_WheelProofTabBar(self))


_MARKDOWN_LINE_START = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`)(\S(?:.*?\S)?)\1")


def note_summary(text: str) -> str:
    """The first non-empty line of a Markdown note as plain text, for the notes list.

    The list shows what the note says, not how it is marked up: headings, list bullets,
    quotes, emphasis, code ticks and link targets are taken away.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    plain = _MARKDOWN_LINE_START.sub("", first_line)
    plain = _MARKDOWN_LINK.sub(r"\1", plain)
    previous = None
    while previous != plain:
        previous = plain
        plain = _MARKDOWN_EMPHASIS.sub(r"\2", plain)
    return " ".join(plain.split())


class NotesEditor(QWidget):
    """A reference's notes: a list, and a markdown editor with a rendered preview."""

    note_saved = Signal(object, str)
    """(the note edited, or None for a new one; its text)."""
    note_deleted = Signal(object)
    """The :class:`Note` to delete."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notes: list[Note] = []
        self._editing: Note | None = None
        self._new_note = False
        self.list = QListWidget(self)
        self.list.setObjectName("notesList")
        self.list.setAccessibleName("Notes")
        self.list.setMaximumHeight(96)
        self.list.currentRowChanged.connect(self._on_note_chosen)

        # Tool buttons with short texts: push buttons' minimum widths made the row wider
        # than a narrow panel.
        self.new_button = _text_button(icons.icon("add"), "New", self)
        self.new_button.setToolTip("Write a new note")
        self.new_button.setAccessibleName("New note")
        self.new_button.clicked.connect(self.start_new_note)
        self.delete_button = _text_button(icons.icon("remove"), "Delete", self)
        self.delete_button.setAccessibleName("Delete note")
        self.delete_button.clicked.connect(self._delete_current)
        self.save_button = _text_button(QIcon(), "Save", self)
        self.save_button.setToolTip("Save this note (also saved when you leave it)")
        self.save_button.setAccessibleName("Save note")
        self.save_button.clicked.connect(self.save)

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("noteEditor")
        self.editor.setAccessibleName("Note text (Markdown)")
        self.editor.setPlaceholderText("Write a note in Markdown: **bold**, *italic*, - lists…")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_text_changed)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("notePreview")
        self.preview.setAccessibleName("Note preview")
        self.preview.setOpenExternalLinks(True)
        self.tabs = _WheelProofTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.editor, "Write")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.currentChanged.connect(self._render_preview)
        self.tabs.setMinimumHeight(140)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_notes(self, notes: Sequence[Note], *, keep: bool = False) -> None:
        """Show notes; ``keep`` keeps the note being edited selected (after a save)."""
        keep_id = self._editing.id if keep and self._editing is not None else None
        if keep and self._new_note:
            # The note just written was saved: go on editing it as that stored note.
            known = {note.id for note in self._notes}
            keep_id = next((n.id for n in notes if n.id not in known), None)
            self._new_note = keep_id is None
        self._notes = list(notes)
        with QSignalBlocker(self.list):
            self.list.clear()
            for note in self._notes:
                item = QListWidgetItem(icons.icon("note"), note_summary(note.text) or "(empty)")
                item.setToolTip(note.text[:500])
                self.list.addItem(item)
        row = next((i for i, n in enumerate(self._notes) if n.id == keep_id), -1)
        if row < 0 and self._notes and not (keep and self._new_note):
            row = 0
        if row >= 0:
            with QSignalBlocker(self.list):
                self.list.setCurrentRow(row)
            self._load(self._notes[row])
        elif not (keep and self._new_note):
            self._load(None)
        self._update_buttons()

    def _load(self, note: Note | None) -> None:
        self._editing = note
        self._new_note = False
        with QSignalBlocker(self.editor):
            self.editor.setPlainText(note.text if note else "")
        self._render_preview()
        self._update_buttons()

    def start_new_note(self) -> None:
        self.save()
        with QSignalBlocker(self.list):
            self.list.clearSelection()
            self.list.setCurrentRow(-1)
        self._load(None)
        self._new_note = True
        self.tabs.setCurrentWidget(self.editor)
        self.editor.setFocus()
        self._update_buttons()

    def is_modified(self) -> bool:
        text = self.editor.toPlainText()
        if self._editing is not None:
            return text != self._editing.text
        return bool(text.strip())

    def save(self) -> None:
        """Save the note being edited, if it changed (also when leaving it)."""
        if not self.is_modified():
            return
        self.note_saved.emit(self._editing, self.editor.toPlainText())

    def _delete_current(self) -> None:
        if self._editing is not None:
            self.note_deleted.emit(self._editing)
        else:
            self._load(None)

    def _on_note_chosen(self, row: int) -> None:
        self.save()
        if 0 <= row < len(self._notes):
            self._load(self._notes[row])

    def _on_text_changed(self) -> None:
        self._update_buttons()

    def _render_preview(self, *_args: object) -> None:
        if self.tabs.currentWidget() is self.preview or not self.preview.document().isEmpty():
            self.preview.document().setMarkdown(self.editor.toPlainText())

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.is_modified())
        self.delete_button.setEnabled(self._editing is not None)


class TagsEditor(QWidget):
    """A reference's tags, removable, and a field to add tags with completion."""

    tags_added = Signal(list)
    tag_removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("tagsList")
        self.list.setAccessibleName("Tags")
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.setFixedHeight(self.fontMetrics().height() * 2 + 12)
        self.list.setToolTip("Select a tag and press Delete to remove it")
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.field = QLineEdit(self)
        self.field.setObjectName("tagField")
        self.field.setAccessibleName("Add tag")
        self.field.setPlaceholderText("Add tags, separated by commas…")
        self.field.setClearButtonEnabled(True)
        self._completion_model = QStringListModel(self)
        completer = QCompleter(self._completion_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.field.returnPressed.connect(self._add_from_field)
        self.remove_button = QToolButton(self)
        self.remove_button.setIcon(icons.icon("remove"))
        self.remove_button.setToolTip("Remove the selected tag")
        self.remove_button.setAccessibleName("Remove tag")
        self.remove_button.setAutoRaise(True)
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self._update_buttons()

    def set_tags(self, tags: Sequence[str], known: Sequence[str]) -> None:
        self.list.clear()
        for tag in tags:
            self.list.addItem(QListWidgetItem(icons.icon("tag"), tag))
        self.list.setVisible(bool(tags))
        self._completion_model.setStringList(sorted(known, key=str.casefold))
        self._update_buttons()

    def _add_from_field(self) -> None:
        present = {self.list.item(i).text().casefold() for i in range(self.list.count())}
        tags = [t for t in _split_list(self.field.text()) if t.casefold() not in present]
        self.field.clear()
        if tags:
            self.tags_added.emit(list(dict.fromkeys(tags)))

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.tag_removed.emit(item.text())

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.list.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)


class SourceTextDialog(QDialog):
    """The text a reference was parsed from, exactly as it was pasted or read."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Original text — {title}" if title else "Original text")
        self.setObjectName("sourceTextDialog")
        view = QPlainTextEdit(self)
        view.setObjectName("sourceText")
        view.setAccessibleName("Original text")
        view.setReadOnly(True)
        view.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.NoWrap
            if len(text) > ABSTRACT_DISPLAY_LIMIT  # a huge page is not laid out to wrap
            else QPlainTextEdit.LineWrapMode.WidgetWidth
        )
        view.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
        self.resize(640, 420)


def _section_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class DetailPanel(QWidget):
    """Everything about the selected reference, editable.

    Signals carry old and new values so the window can make each edit undoable; the panel
    shows the library's state again when the window calls :meth:`refresh`.
    """

    reference_edited = Signal(object, object, str)
    """(old Reference, new Reference, description for the Undo menu)."""
    tags_added = Signal(list, list)
    """(reference ids, tags to add)."""
    tag_removed = Signal(list, str)
    """(reference ids, tag to remove)."""
    note_saved = Signal(int, object, str)
    """(reference id, the note edited or None for a new one, the note's text)."""
    note_deleted = Signal(int, object)
    """(reference id, the :class:`Note` deleted)."""
    membership_changed = Signal(list, int, bool)
    """(reference ids, collection id, True to add to it / False to take out)."""
    find_missing_details_requested = Signal(int)
    """(reference id): look the reference up on Crossref and fill what it lacks."""
    leave_requested = Signal()
    """Escape in a field: what was typed is dropped and the keyboard goes back to the table."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.setAccessibleName("Reference details")
        self._library = library
        self._reference: Reference | None = None
        self._selection: list[ReferenceId] = []
        self._line_edits: dict[str, QLineEdit] = {}
        self._messages: dict[str, _MessageLabel] = {}

        self._stack = QStackedWidget(self)
        self._empty = QLabel("Select a reference to see and edit its details.", self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setEnabled(False)
        self._stack.addWidget(self._empty)
        self._many = self._build_many_page()
        self._stack.addWidget(self._many)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._build_form())
        self._scroll = scroll
        self._stack.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.setMinimumWidth(DETAIL_MIN_WIDTH)
        for field in (self.title_edit, *self._line_edits.values(), self.tags.field):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self._drop_typing(watched)
            self.leave_requested.emit()
            return True
        return super().eventFilter(watched, event)

    def _drop_typing(self, field: QObject) -> None:
        """Show the stored value again in the field Escape was pressed in."""
        reference = self._reference
        if field is self.tags.field:
            self.tags.field.clear()
        elif reference is not None and field is self.title_edit:
            self.title_edit.setText(bounded_text(reference.title, FIELD_DISPLAY_LIMIT))
        elif reference is not None:
            for spec in FIELDS:
                if self._line_edits[spec.name] is field:
                    self._line_edits[spec.name].setText(
                        bounded_text(spec.show(reference), FIELD_DISPLAY_LIMIT)
                    )

    # --- building -----------------------------------------------------------------------

    def _build_many_page(self) -> QWidget:
        page = QWidget(self)
        self._many_label = QLabel(page)
        self._many_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._many_tags = TagsEditor(page)
        self._many_tags.setObjectName("selectionTags")
        self._many_tags.tags_added.connect(lambda tags: self.tags_added.emit(self._selection, tags))
        self._many_tags.tag_removed.connect(lambda tag: self.tag_removed.emit(self._selection, tag))
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self._many_label)
        layout.addWidget(_section_label("Tags of all selected references"))
        layout.addWidget(self._many_tags)
        layout.addStretch(2)
        return page

    def _build_form(self) -> QWidget:
        form_page = QWidget()
        outer = QVBoxLayout(form_page)
        outer.setContentsMargins(10, 8, 10, 10)
        outer.setSpacing(8)

        top = QHBoxLayout()
        self.type_box = QComboBox(form_page)
        self.type_box.setObjectName("typeBox")
        self.type_box.setAccessibleName("Reference type")
        for ref_type in COMMON_TYPES:
            self.type_box.addItem(TYPE_LABELS[ref_type], ref_type.value)
        self.type_box.insertSeparator(self.type_box.count())
        others = sorted(set(ReferenceType) - set(COMMON_TYPES), key=lambda t: TYPE_LABELS[t])
        for ref_type in others:
            self.type_box.addItem(TYPE_LABELS[ref_type], ref_type.value)
        self.type_box.setMaxVisibleItems(20)
        self.type_box.activated.connect(self._on_type_chosen)
        # The panel may be narrow: the box shrinks rather than widening the whole form.
        self.type_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.type_box.setMinimumContentsLength(8)
        self.incomplete_label = QLabel(form_page)
        self.incomplete_label.setObjectName("incompleteLabel")
        self.incomplete_label.setAccessibleName("Incomplete reference")
        self.incomplete_label.setWordWrap(True)
        self.incomplete_label.hide()
        top.addWidget(self.type_box)
        top.addStretch(1)
        self.find_missing_button = QToolButton(form_page)
        self.find_missing_button.setObjectName("findMissingDetailsButton")
        self.find_missing_button.setText("Find missing details")
        self.find_missing_button.setAccessibleName("Find missing details")
        self.find_missing_button.setToolTip(
            "Look this reference up on Crossref and fill in the fields it lacks (undoable)"
        )
        self.find_missing_button.setIcon(icons.icon("search"))
        self.find_missing_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.find_missing_button.setAutoRaise(True)
        self.find_missing_button.clicked.connect(self.request_find_missing_details)
        outer.addLayout(top)
        # The button shares a line with the (wrapping) incomplete note, not with the type box,
        # so the panel stays narrow enough for a small window.
        status_row = QHBoxLayout()
        status_row.addWidget(self.incomplete_label, 1)
        status_row.addStretch(0)
        status_row.addWidget(self.find_missing_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(status_row)

        self.title_edit = _WrappingLineEdit(form_page)
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText("Title")
        title_font = self.title_edit.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.2)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_edit.setFont(title_font)
        self.title_edit.editing_finished.connect(self._commit_title)
        outer.addWidget(self.title_edit)
        # A title too long to lay out (a pasted page with no spaces) is shown in part,
        # read only; the whole of it opens in an editor that does not wrap.
        self.long_title_row = QWidget(form_page)
        long_title_layout = QHBoxLayout(self.long_title_row)
        long_title_layout.setContentsMargins(0, 0, 0, 0)
        self.long_title_note = QLabel(self.long_title_row)
        self.long_title_note.setObjectName("longTitleNote")
        self.long_title_note.setWordWrap(True)
        self.long_title_button = QToolButton(self.long_title_row)
        self.long_title_button.setText("Edit whole title…")
        self.long_title_button.setAccessibleName("Edit the whole title")
        self.long_title_button.setAutoRaise(True)
        self.long_title_button.clicked.connect(self.edit_whole_title)
        long_title_layout.addWidget(self.long_title_note, 1)
        long_title_layout.addWidget(self.long_title_button, 0, Qt.AlignmentFlag.AlignTop)
        self.long_title_row.hide()
        outer.addWidget(self.long_title_row)
        self.provenance = QLabel(form_page)
        self.provenance.setObjectName("provenance")
        self.provenance.setAccessibleName("Where this reference came from")
        self.provenance.setWordWrap(True)
        self.provenance.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.provenance.setTextFormat(Qt.TextFormat.RichText)
        self.provenance.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.provenance.linkActivated.connect(lambda _link: self.show_source_text())
        outer.addWidget(self.provenance)

        outer.addWidget(_section_label("Authors"))
        self.authors = AuthorsEditor(form_page)
        self.authors.creators_edited.connect(self._commit_creators)
        outer.addWidget(self.authors)

        outer.addLayout(self._field_form(form_page, primary=True))

        abstract_row = QHBoxLayout()
        abstract_row.addWidget(_section_label("Abstract"))
        abstract_row.addStretch(1)
        self.abstract_edit_button = QToolButton(form_page)
        self.abstract_edit_button.setText("Edit")
        self.abstract_edit_button.setIcon(icons.icon("edit"))
        self.abstract_edit_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.abstract_edit_button.setAutoRaise(True)
        self.abstract_edit_button.setAccessibleName("Edit abstract")
        self.abstract_edit_button.clicked.connect(self.edit_abstract)
        abstract_row.addWidget(self.abstract_edit_button)
        outer.addLayout(abstract_row)
        self.abstract_stack = QStackedWidget(form_page)
        self.abstract_view = _FittingBrowser(form_page)
        self.abstract_view.setObjectName("abstractView")
        self.abstract_view.setAccessibleName("Abstract")
        self.abstract_view.setFrameShape(QFrame.Shape.NoFrame)
        self.abstract_view.viewport().setAutoFillBackground(False)
        self.abstract_editor = QPlainTextEdit(form_page)
        self.abstract_editor.setObjectName("abstractEditor")
        self.abstract_editor.setAccessibleName("Abstract text")
        self.abstract_editor.setTabChangesFocus(True)
        self.abstract_editor.setPlaceholderText(
            "One paragraph per section; start a section with its heading, e.g. “Purpose: …”."
        )
        editor_page = QWidget(form_page)
        editor_layout = QVBoxLayout(editor_page)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.abstract_editor)
        abstract_buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            editor_page,
        )
        abstract_buttons.accepted.connect(self._commit_abstract)
        abstract_buttons.rejected.connect(self._cancel_abstract)
        editor_layout.addWidget(abstract_buttons)
        self.abstract_stack.addWidget(self.abstract_view)
        self.abstract_stack.addWidget(editor_page)
        outer.addWidget(self.abstract_stack)

        outer.addWidget(_section_label("Tags"))
        self.tags = TagsEditor(form_page)
        self.tags.tags_added.connect(self._on_tags_added)
        self.tags.tag_removed.connect(self._on_tag_removed)
        outer.addWidget(self.tags)

        outer.addWidget(_section_label("Collections"))
        self.collections_list = QListWidget(form_page)
        self.collections_list.setObjectName("collectionsList")
        self.collections_list.setAccessibleName("Collections this reference is in")
        self.collections_list.setMaximumHeight(110)
        self.collections_list.itemChanged.connect(self._on_membership_item_changed)
        self.no_collections_label = QLabel(
            "No collections yet: create one with File → New Collection."
        )
        self.no_collections_label.setWordWrap(True)
        self.no_collections_label.setEnabled(False)
        outer.addWidget(self.collections_list)
        outer.addWidget(self.no_collections_label)

        outer.addWidget(_section_label("Notes"))
        self.notes = NotesEditor(form_page)
        self.notes.note_saved.connect(self._on_note_saved)
        self.notes.note_deleted.connect(self._on_note_deleted)
        outer.addWidget(self.notes)

        self.more_button = QToolButton(form_page)
        self.more_button.setObjectName("moreDetailsButton")
        self.more_button.setText("More details")
        self.more_button.setAccessibleName("More details")
        self.more_button.setCheckable(True)
        self.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more_button.setArrowType(Qt.ArrowType.RightArrow)
        self.more_button.setAutoRaise(True)
        self.more_button.setToolTip("Publisher, place, edition, ISSN, ISBN, PMID, URL, language")
        self.more_fields = QWidget(form_page)
        self.more_fields.setLayout(self._field_form(self.more_fields, primary=False))
        self.more_fields.hide()
        self.more_button.toggled.connect(self._show_more_details)
        outer.addWidget(self.more_button)
        outer.addWidget(self.more_fields)
        outer.addStretch(1)
        return form_page

    def _field_form(self, parent: QWidget, *, primary: bool) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Narrow panels put a field under its label rather than pushing the form off screen.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not primary:
            form.setContentsMargins(0, 0, 0, 0)
        for spec in FIELDS:
            if spec.primary != primary:
                continue
            edit = QLineEdit(parent)
            edit.setObjectName(f"{spec.name}Edit")
            edit.setAccessibleName(spec.label)
            edit.setPlaceholderText(spec.placeholder)
            edit.setMinimumWidth(_FIELD_MIN_WIDTH)
            edit.editingFinished.connect(lambda spec=spec: self._commit_field(spec))
            message = _MessageLabel(parent)
            container = QWidget(parent)
            column = QVBoxLayout(container)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            if spec.name == "year":
                edit.setAccessibleName("Year")
                self.date_editor = DateEditor(edit, container)
                self.date_editor.date_edited.connect(self._commit_date)
                column.addWidget(self.date_editor)
            else:
                column.addWidget(edit)
            column.addWidget(message)
            field_label = QLabel(f"{spec.label}:", parent)
            field_label.setBuddy(edit)
            form.addRow(field_label, container)
            self._line_edits[spec.name] = edit
            self._messages[spec.name] = message
        return form

    def _show_more_details(self, shown: bool) -> None:
        self.more_fields.setVisible(shown)
        self.more_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    # --- showing ------------------------------------------------------------------------

    @property
    def reference(self) -> Reference | None:
        return self._reference

    def show_selection(self, ids: Sequence[ReferenceId]) -> None:
        """Show the one selected reference, a summary for several, or a hint for none."""
        self._flush_pending_edits()
        self._selection = list(ids)
        if len(ids) == 1:
            self._show_reference(ids[0])
            return
        self._reference = None
        if not ids:
            self._stack.setCurrentWidget(self._empty)
            return
        self._many_label.setText(f"{len(ids)} references selected")
        self._many_tags.set_tags(
            self._common_tags(ids), [name for name, _ in self._library.tags.counts()]
        )
        self._stack.setCurrentWidget(self._many)

    def _common_tags(self, ids: Sequence[ReferenceId]) -> list[str]:
        references = self._library.get_many(list(ids)[:500])
        if not references:
            return []
        common = set(references[0].tags)
        for reference in references[1:]:
            common &= set(reference.tags)
        return [t for t in references[0].tags if t in common]

    def refresh(self) -> None:
        """Show the library's current state of what is shown (after a change or undo)."""
        if self._reference is not None:
            self._show_reference(self._reference.id, keep_notes=True)
        elif len(self._selection) > 1:
            self.show_selection(self._selection)

    def _show_reference(self, ref_id: ReferenceId | None, *, keep_notes: bool = False) -> None:
        if ref_id is None:
            if not self._selection:
                self._stack.setCurrentWidget(self._empty)
            return
        try:
            reference = self._library.get(ref_id)
        except NotFoundError:
            self._reference = None
            self._stack.setCurrentWidget(self._empty)
            return
        same = self._reference is not None and self._reference.id == reference.id
        self._reference = reference
        self._stack.setCurrentWidget(self._scroll)
        with QSignalBlocker(self.type_box):
            self.type_box.setCurrentIndex(max(0, self.type_box.findData(reference.type.value)))
        self._show_title(reference)
        self.authors.set_creators(reference.creators)
        self.date_editor.set_date(reference.issued, same_reference=same)
        for spec in FIELDS:
            edit = self._line_edits[spec.name]
            value = spec.show(reference)
            long_value = len(value) > FIELD_DISPLAY_LIMIT
            was_long = edit.isReadOnly()
            edit.setReadOnly(long_value)
            edit.setText(bounded_text(value, FIELD_DISPLAY_LIMIT))
            edit.setCursorPosition(0)
            if long_value:
                note = shortened_note(spec.label.lower(), len(value), FIELD_DISPLAY_LIMIT)
                self._messages[spec.name].show_message(note)
            elif not same or was_long:
                self._messages[spec.name].show_message("")
        self._show_incomplete(reference)
        self._show_abstract(reference, editing=same and self.abstract_stack.currentIndex() == 1)
        self.tags.set_tags(reference.tags, [name for name, _ in self._library.tags.counts()])
        self._show_collections(reference)
        self.notes.set_notes(self._library.notes(ref_id), keep=keep_notes and same)
        self._show_provenance(reference)
        if not same:
            self._scroll.verticalScrollBar().setValue(0)

    def _show_incomplete(self, reference: Reference) -> None:
        missing = []
        if not reference.title:
            missing.append("title")
        if reference.year is None:
            missing.append("year")
        missing.extend(
            f"{name.replace('_', ' ')} (cut short)" for name in sorted(reference.truncated)
        )
        if missing:
            self.incomplete_label.setText("Incomplete: " + ", ".join(missing))
            self.incomplete_label.setToolTip(
                "The source did not give these in full; complete them here."
            )
        self.incomplete_label.setVisible(bool(missing))

    def _show_title(self, reference: Reference) -> None:
        long_title = len(reference.title) > FIELD_DISPLAY_LIMIT
        self.title_edit.setReadOnly(long_title)
        self.title_edit.setText(bounded_text(reference.title, FIELD_DISPLAY_LIMIT))
        if long_title:
            self.long_title_note.setText(
                shortened_note("title", len(reference.title), FIELD_DISPLAY_LIMIT)
            )
        self.long_title_row.setVisible(long_title)

    def edit_whole_title(self) -> LongTextDialog | None:
        """The whole of a title too long for the form, in an editor that does not wrap."""
        reference = self._reference
        if reference is None:
            return None
        dialog = LongTextDialog("Title", reference.title, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:
            current = self._reference
            if current is not None and current.id == reference.id:
                title = " ".join(dialog.text().split())
                self._edit(current.with_changes(title=title), "Edit title")

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def _show_abstract(self, reference: Reference, *, editing: bool) -> None:
        if reference.abstract:
            self.abstract_view.setHtml(bounded_abstract_html(reference.abstract))
        else:
            self.abstract_view.setHtml("<p><i>No abstract.</i></p>")
        if not editing:
            self.abstract_stack.setCurrentIndex(0)
            self.abstract_edit_button.setEnabled(True)

    def _show_collections(self, reference: Reference) -> None:
        collections = self._library.collections()
        paths = collection_paths(collections)
        with QSignalBlocker(self.collections_list):
            self.collections_list.clear()
            for cid, path in sorted(paths.items(), key=lambda item: item[1].casefold()):
                item = QListWidgetItem(icons.icon("collection"), path)
                item.setData(Qt.ItemDataRole.UserRole, cid)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                member = cid in reference.collection_ids
                item.setCheckState(Qt.CheckState.Checked if member else Qt.CheckState.Unchecked)
                self.collections_list.addItem(item)
        self.collections_list.setVisible(bool(paths))
        self.no_collections_label.setVisible(not paths)

    def _show_provenance(self, reference: Reference) -> None:
        batch = None
        if reference.batch_id is not None:
            try:
                batch = self._library.batch(reference.batch_id)
            except NotFoundError:
                batch = None
        text = html.escape(provenance_text(reference, batch))
        if reference.source_text:
            text += ' — <a href="#original">Show original text</a>'
        authorship = authorship_text(reference)
        if authorship:
            text = f"{text}<br>{html.escape(authorship)}" if text else html.escape(authorship)
        completed = completion_provenance_text(reference)
        if completed:
            text = f"{text}<br>{html.escape(completed)}" if text else html.escape(completed)
        if reference.id is not None:
            for merged in merged_from_lines(self._library.merge_history(reference.id)):
                text = f"{text}<br>{html.escape(merged)}" if text else html.escape(merged)
        self.provenance.setText(text)
        self.provenance.setVisible(bool(text))

    def show_source_text(self) -> SourceTextDialog | None:
        """Open the dialog with the text this reference was parsed from."""
        if self._reference is None or not self._reference.source_text:
            return None
        dialog = SourceTextDialog(self._reference.title, self._reference.source_text, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def request_find_missing_details(self) -> None:
        """The "Find missing details" button: ask the window to complete this reference."""
        if self._reference is not None and self._reference.id is not None:
            self._flush_pending_edits()
            self.find_missing_details_requested.emit(self._reference.id)

    def focus_first_field(self) -> None:
        """Enter on a table row: start editing at the title."""
        if self._reference is not None:
            self.title_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.title_edit.selectAll()

    # --- editing ------------------------------------------------------------------------

    def _flush_pending_edits(self) -> None:
        """Commit what is typed before the selection moves on (the focus may not change)."""
        if self._reference is None:
            return
        focused = self.focusWidget()
        if focused is self.title_edit:
            self.title_edit._finish()
        for spec in FIELDS:
            if focused is self._line_edits[spec.name]:
                self._commit_field(spec)
        self.notes.save()

    def _edit(self, new: Reference, description: str) -> None:
        old = self._reference
        if old is None or new == old:
            return
        self._reference = new
        self.reference_edited.emit(old, new, description)

    def _commit_title(self) -> None:
        if self._reference is None:
            return
        title = " ".join(self.title_edit.text().split())
        self._edit(self._reference.with_changes(title=title), "Edit title")

    def _commit_creators(self, creators: tuple[Creator, ...]) -> None:
        if self._reference is None or creators == self._reference.creators:
            return
        self._edit(self._reference.with_changes(creators=creators), "Edit authors")

    def _commit_date(self, issued: PartialDate) -> None:
        if self._reference is not None:
            self._edit(self._reference.with_changes(issued=issued), "Edit date")

    def _on_type_chosen(self, _row: int) -> None:
        if self._reference is None:
            return
        ref_type = ReferenceType(self.type_box.currentData())
        if ref_type != self._reference.type:
            self._edit(self._reference.with_changes(type=ref_type), "Change type")

    def _commit_field(self, spec: FieldSpec) -> None:
        reference = self._reference
        if reference is None:
            return
        edit = self._line_edits[spec.name]
        if edit.isReadOnly():  # a value too long to show whole is not saved from its start
            return
        message = self._messages[spec.name]
        if edit.text() == spec.show(reference):
            return
        try:
            if spec.name == "year":
                checked = apply_year(reference, edit.text(), self.date_editor.typed_parts())
            else:
                checked = spec.apply(reference, edit.text())
        except FieldError as error:
            message.show_message(str(error))
            edit.setAccessibleDescription(str(error))
            return
        message.show_message(checked.warning)
        edit.setAccessibleDescription(checked.warning)
        self._edit(checked.reference, f"Edit {spec.label.lower()}")
        if self._reference is not None:
            # Show the stored form (a DOI without its URL, an ISSN with its hyphen).
            QTimer.singleShot(0, lambda: self._reshow_field(spec))

    def _reshow_field(self, spec: FieldSpec) -> None:
        if self._reference is not None:
            edit = self._line_edits[spec.name]
            shown = bounded_text(spec.show(self._reference), FIELD_DISPLAY_LIMIT)
            if not edit.hasFocus() or edit.text() != shown:
                edit.setText(shown)

    def field_edit(self, name: str) -> QLineEdit:
        """The line edit of a field in :data:`FIELDS` (for keyboard focus and tests)."""
        return self._line_edits[name]

    def field_message(self, name: str) -> str:
        """The error or warning shown under a field ("" when none)."""
        label = self._messages[name]
        return label.text() if not label.isHidden() else ""

    def edit_abstract(self) -> None:
        if self._reference is None:
            return
        text = abstract_to_text(self._reference.abstract)
        # Wrapping a huge paragraph means laying all of it out: a long one is not wrapped.
        self.abstract_editor.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.NoWrap
            if len(text) > ABSTRACT_DISPLAY_LIMIT
            else QPlainTextEdit.LineWrapMode.WidgetWidth
        )
        self.abstract_editor.setPlainText(text)
        self.abstract_stack.setCurrentIndex(1)
        self.abstract_edit_button.setEnabled(False)
        self.abstract_editor.setFocus()

    def _commit_abstract(self) -> None:
        if self._reference is None:
            return
        sections = abstract_from_text(self.abstract_editor.toPlainText().strip())
        self.abstract_stack.setCurrentIndex(0)
        self.abstract_edit_button.setEnabled(True)
        self._edit(self._reference.with_changes(abstract=sections), "Edit abstract")
        self._show_abstract(self._reference, editing=False)

    def _cancel_abstract(self) -> None:
        self.abstract_stack.setCurrentIndex(0)
        self.abstract_edit_button.setEnabled(True)

    def _on_tags_added(self, tags: list[str]) -> None:
        if self._reference is not None and self._reference.id is not None:
            self.tags_added.emit([self._reference.id], tags)

    def _on_tag_removed(self, tag: str) -> None:
        if self._reference is not None and self._reference.id is not None:
            self.tag_removed.emit([self._reference.id], tag)

    def _on_membership_item_changed(self, item: QListWidgetItem) -> None:
        if self._reference is None or self._reference.id is None:
            return
        cid = CollectionId(item.data(Qt.ItemDataRole.UserRole))
        member = item.checkState() == Qt.CheckState.Checked
        self.membership_changed.emit([self._reference.id], cid, member)

    def _on_note_saved(self, note: Note | None, text: str) -> None:
        if self._reference is not None and self._reference.id is not None:
            self.note_saved.emit(self._reference.id, note, text)

    def _on_note_deleted(self, note: Note) -> None:
        if self._reference is not None and self._reference.id is not None:
            self.note_deleted.emit(self._reference.id, note)

    def set_collection_checked(self, cid: CollectionId, checked: bool) -> None:
        """Tick or untick a collection in the membership list, as a click would."""
        for row in range(self.collections_list.count()):
            item = self.collections_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == cid:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
