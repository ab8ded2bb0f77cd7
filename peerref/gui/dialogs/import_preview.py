"""The import preview: what was found in a paste, drop or file, before anything is stored.

The dialog shows the format the registry detected, one checkable row per parsed entry
with the doubts the reader had about it, the entry's original text on request, and the
collection to import into. Nothing is parsed or stored here: the entries come from
``peerref.formats.registry`` (through :mod:`peerref.gui.importing`) and Import hands the
checked indices to ``Library.import_parsed``, which commits them in one transaction on
a worker thread (:mod:`peerref.gui.ops`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent, QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerref.citations import Problem, reference_warnings
from peerref.core.errors import PeerRefError
from peerref.core.merging import short_value
from peerref.core.model import Collection, CollectionId, ImportMethod, Reference, ReferenceId
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult
from peerref.gui.dialogs.import_entry_details import EntryDetails
from peerref.gui.long_text import (
    ABSTRACT_DISPLAY_LIMIT,
    LongTextDialog,
    bounded_text,
    shortened_note,
)
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    report_error,
    show_message_box,
)
from peerref.library import EntryMark, EntryStatus, ImportOutcome, Library, describe

# How many authors the Authors column names before "et al.".
AUTHORS_SHOWN = 3
# How much of the abstract an untitled row shows in place of its title.
ABSTRACT_PREVIEW_CHARS = 90
# How many skipped lines the header's tooltip lists, and how many its text quotes.
SKIPPED_LISTED = 20
SKIPPED_QUOTED = 3
# How much of a skipped line is quoted.
SKIPPED_QUOTE_CHARS = 60
# Entries read with less confidence than this (a paragraph of prose taken for an APA
# reference) start unticked: importing them is a decision, not a default.
LOW_CONFIDENCE = 0.35

UNTITLED = "[untitled]"


@dataclass(frozen=True, slots=True)
class PendingImport:
    """One parsed input waiting for the user's decision in the preview.

    Attributes:
        result: what the registry's reader found.
        raw_input: the text that was parsed, verbatim (kept as the batch's provenance).
        method: how the text reached PeerRef (paste, drop, file).
        source_name: where it came from, as a person says it ("the clipboard", "refs.ris").
    """

    result: ParseResult
    raw_input: str
    method: ImportMethod
    source_name: str


class PreviewColumn(enum.IntEnum):
    AUTHORS = 0
    YEAR = 1
    TITLE = 2
    SOURCE = 3
    WARNINGS = 4
    STATUS = 5

    @property
    def header(self) -> str:
        return self.name.capitalize()


# The narrowest each column may become (pixels), and the most of the table's width it may
# take (a share); the title stretches over what is left and keeps at least its share.
COLUMN_MINIMUMS = {
    PreviewColumn.AUTHORS: 110,
    PreviewColumn.YEAR: 48,
    PreviewColumn.TITLE: 160,
    PreviewColumn.SOURCE: 110,
    PreviewColumn.WARNINGS: 90,
    PreviewColumn.STATUS: 130,
}
COLUMN_SHARES = {
    PreviewColumn.AUTHORS: 0.2,
    PreviewColumn.YEAR: 0.08,
    PreviewColumn.SOURCE: 0.2,
    PreviewColumn.WARNINGS: 0.16,
    PreviewColumn.STATUS: 0.24,
}
TITLE_SHARE = 0.3


class EntriesTable(QTableView):
    """The preview's entry list, where Space ticks or unticks every selected entry at once.

    A plain view toggles only the current row's box, and only with the focus on its
    first column; a person who selected ten rows expects Space to act on all ten.
    """

    toggle_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select) and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            self.toggle_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def quote_line(raw_input: str, line: int | None, chars: int = SKIPPED_QUOTE_CHARS) -> str:
    """Line ``line`` (1-based) of the input, whitespace tidied and shortened; "" if blank."""
    if line is None or line < 1:
        return ""
    lines = raw_input.splitlines()
    if line > len(lines):
        return ""
    text = " ".join(lines[line - 1].split())
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def skipped_quote(diagnostic: Diagnostic, raw_input: str) -> str:
    """ "line 12: “Cookie settings”" — where a skipped line was and what it said."""
    quoted = quote_line(raw_input, diagnostic.line)
    if not quoted:
        return str(diagnostic)
    return f"line {diagnostic.line}: “{quoted}”"


def notes_text(result: ParseResult, raw_input: str) -> str:
    """The reader's remarks on the whole input, with the first skipped lines quoted."""
    parts = [diagnostic.message for diagnostic in result.warnings]
    if result.skipped:
        count = len(result.skipped)
        quoted = [skipped_quote(d, raw_input) for d in result.skipped[:SKIPPED_QUOTED]]
        if count > SKIPPED_QUOTED:
            quoted.append(f"{count - SKIPPED_QUOTED} more")
        noun = "line was" if count == 1 else "lines were"
        parts.append(f"{count} {noun} not recognised and skipped: {', '.join(quoted)}")
    return "; ".join(parts)


def notes_tooltip(result: ParseResult, raw_input: str) -> str:
    """Each skipped line quoted with the reader's reason (the first ``SKIPPED_LISTED``)."""
    listed = []
    for diagnostic in result.skipped[:SKIPPED_LISTED]:
        quoted = skipped_quote(diagnostic, raw_input)
        listed.append(quoted if quoted == str(diagnostic) else f"{quoted} — {diagnostic.message}")
    if len(result.skipped) > SKIPPED_LISTED:
        listed.append(f"… and {len(result.skipped) - SKIPPED_LISTED} more")
    return "\n".join(listed)


def _field_names(fields: Sequence[str]) -> str:
    names = [field_name(field) for field in fields]
    if len(names) > 3:
        names = [*names[:3], f"{len(names) - 3} more"]
    return ", ".join(names)


FIELD_NAMES = {
    "doi": "DOI",
    "issn": "ISSN",
    "isbn": "ISBN",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "url": "URL",
    "issued": "date",
    "creators": "authors",
    "page": "pages",
    "container_title": "journal or book",
}


def field_name(field: str) -> str:
    """A field as a person names it: "DOI", "container title", "issued" as "date"."""
    return FIELD_NAMES.get(field, field.replace("_", " "))


def status_display(
    status: EntryStatus | None, *, merging: bool, checked: bool, replacing: bool = False
) -> str:
    """What the import will do with an entry, in words (the stored record is in the tooltip).

    An entry the library already holds says what ticking it does: fill the stored
    reference in (merge) or add the paper a second time. "New", "Will fill title, DOI
    in an existing reference", "Already in your library; ticking adds it again",
    "Possibly already in your library", "Same as entry 3"…
    """
    if status is None or status.mark is EntryMark.NEW:
        return "New"
    duplicate = status.mark is EntryMark.DUPLICATE
    if status.existing_id is None:
        if duplicate:
            text = f"Same as entry {(status.entry_index or 0) + 1}"
        else:
            text = f"Possibly the same as entry {(status.entry_index or 0) + 1}"
        return f"{text}; will be added again" if checked and duplicate else text
    held = "Already in your library" if duplicate else "Possibly already in your library"
    if checked and merging:
        parts = []
        if status.fills:
            parts.append(f"fill {_field_names(status.fills)}")
        if replacing and status.replaces:
            parts.append(f"replace {_field_names(status.replaces)}")
        if parts:
            return f"Will {' and '.join(parts)} in an existing reference"
        return "Will merge into an existing reference"
    if checked:
        return f"{held}; will be added again" if duplicate else f"{held}; will be added as new"
    if merging and status.fills:
        return f"{held}; ticking fills in {_field_names(status.fills)}"
    if merging:
        return f"{held}; ticking merges it into the existing reference"
    return f"{held}; ticking adds it again"


def status_tooltip(
    status: EntryStatus | None,
    existing: str = "",
    replacements: Sequence[str] = (),
) -> str:
    """Why an entry is marked, a short citation of the stored record (``existing``), and
    what merging would do: the fields it fills and each "would replace X with Y"."""
    if status is None or status.mark is EntryMark.NEW:
        return "Not in your library yet"
    lines = [f"In your library: {existing}"] if existing else []
    lines.append("Why: " + ", ".join(reason.value for reason in status.reasons))
    if status.fills:
        lines.append("Would fill in: " + ", ".join(field_name(f) for f in status.fills))
    lines.extend(replacements)
    if status.existing_id is None:
        lines.append("Not imported again unless you tick it")
    elif status.mark is EntryMark.DUPLICATE:
        lines.append(
            "Ticked, it fills in the reference in your library (Merge Into Existing) or, "
            "with merging off, is added again; unticked, it is not imported"
        )
    else:
        lines.append("Imported as a new reference unless you merge it into the existing one")
    return "\n".join(lines)


def replacement_lines(
    status: EntryStatus | None, existing: Reference | None, incoming: Reference
) -> list[str]:
    """ "Would replace title “Peer support” with “Peer support: a review”", one per field."""
    if status is None or existing is None:
        return []
    return [
        f"Would replace {field_name(name)} “{short_value(getattr(existing, name))}” "
        f"with “{short_value(getattr(incoming, name))}”"
        for name in status.replaces
    ]


def entry_warnings(entry: ParsedEntry) -> list[str]:
    """The reader's own warnings for an entry, plus the gaps a citation would show.

    The reader's wording comes first; a gap it already mentioned (its "no title in the
    copied text") is not repeated in the generic wording.
    """
    messages = [diagnostic.message for diagnostic in entry.warnings]
    mentioned = " ".join(messages).casefold()
    for warning in reference_warnings(entry.reference, 0):
        if warning.problem is Problem.NO_TITLE and "title" in mentioned:
            continue
        if warning.problem is Problem.NO_YEAR and ("year" in mentioned or "date" in mentioned):
            continue
        if warning.problem is Problem.NO_AUTHORS and "author" in mentioned:
            continue
        if warning.problem is Problem.INCOMPLETE:
            if warning.detail and warning.detail.split("_")[0] in mentioned:
                continue
            messages.append(_truncated_wording(warning.detail))
            continue
        messages.append(warning.message)
    return list(dict.fromkeys(messages))


def _truncated_wording(field_name: str) -> str:
    if field_name in {"author", "creators", "authors"}:
        return "author list truncated by the source"
    if field_name:
        return f"{field_name.replace('_', ' ').replace('-', ' ')} truncated by the source"
    return "incomplete"


def authors_display(reference: Reference) -> str:
    """ "Repper, Watson" or "Conchar, Repper, Hodges et al." for the Authors column."""
    authors = reference.authors or reference.creators
    names = [creator.family_with_particle() or creator.given for creator in authors]
    names = [name for name in names if name]
    shown = ", ".join(names[:AUTHORS_SHOWN])
    if len(names) > AUTHORS_SHOWN or "author" in reference.truncated:
        shown = f"{shown} et al." if shown else "et al."
    return shown


def source_display(reference: Reference) -> str:
    """Container with volume and issue ("Mental Health Review Journal 18(2)")."""
    source = reference.container_title or reference.publisher
    numbering = reference.volume
    if reference.issue:
        numbering = f"{numbering}({reference.issue})"
    if reference.status and not numbering:
        numbering = reference.status
    return " ".join(part for part in (source, numbering) if part)


def title_display(reference: Reference) -> tuple[str, bool]:
    """The title, or "[untitled]" with the start of the abstract; and whether it is untitled."""
    if reference.title:
        return reference.title, False
    start = " ".join(reference.abstract_text.split())
    if len(start) > ABSTRACT_PREVIEW_CHARS:
        start = start[:ABSTRACT_PREVIEW_CHARS].rsplit(" ", 1)[0] + "…"
    return (f"{UNTITLED} {start}" if start else UNTITLED), True


class ParsedEntriesModel(QAbstractTableModel):
    """The entries of one parse result as checkable rows; all checked at first.

    The rows never change after construction; only the check marks do, and each change
    is announced with ``dataChanged`` for the check-state role plus ``checks_changed``.
    """

    checks_changed = Signal()

    def __init__(
        self,
        entries: Sequence[ParsedEntry],
        parent: Any = None,
        statuses: Sequence[EntryStatus] | None = None,
        existing_labels: Mapping[ReferenceId, str] | None = None,
        existing: Mapping[ReferenceId, Reference] | None = None,
    ) -> None:
        super().__init__(parent)
        self._entries = tuple(entries)
        # The stored records entries duplicate, for "would replace X with Y".
        self._existing = dict(existing or {})
        # Short citations of them, for the status tooltip.
        self._existing_labels = {ref_id: describe(ref) for ref_id, ref in self._existing.items()}
        self._existing_labels.update(existing_labels or {})
        self._statuses: list[EntryStatus | None] = (
            list(statuses) if statuses is not None else [None] * len(self._entries)
        )
        # A ticked row is imported. For a row the library already holds, "merging" says
        # what ticking does: fill the stored reference in (on by default when the entry
        # has something to add) or add the paper again. Duplicates that add nothing, and
        # readings too doubtful to trust (a paragraph of prose read as a reference), start
        # unticked.
        self._merging = [
            status is not None
            and status.mark is EntryMark.DUPLICATE
            and status.existing_id is not None
            and bool(status.fills or status.replaces)
            for status in self._statuses
        ]
        self._checked = [
            (status.existing_id is not None and bool(status.fills))
            if status is not None and status.mark is EntryMark.DUPLICATE
            else entry.confidence >= LOW_CONFIDENCE
            for entry, status in zip(self._entries, self._statuses, strict=True)
        ]
        # Rows whose richer or different values replace the stored ones when merged.
        self._replacing = [False] * len(self._entries)
        self._warnings = [entry_warnings(entry) for entry in self._entries]
        self._titles = [title_display(entry.reference) for entry in self._entries]

    # -- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(PreviewColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(PreviewColumn):
                return PreviewColumn(section).header
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == PreviewColumn.AUTHORS:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        row, column = index.row(), PreviewColumn(index.column())
        reference = self._entries[row].reference
        if role == Qt.ItemDataRole.CheckStateRole and column is PreviewColumn.AUTHORS:
            return Qt.CheckState.Checked if self._checked[row] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, reference)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is PreviewColumn.STATUS:
                status = self._statuses[row]
                existing = (
                    self._existing_labels.get(status.existing_id, "")
                    if status is not None and status.existing_id is not None
                    else ""
                )
                return status_tooltip(status, existing, self.replacement_lines(row))
            if column is PreviewColumn.WARNINGS and self._warnings[row]:
                return "\n".join(self._warnings[row])
            if column is PreviewColumn.TITLE and self._titles[row][1]:
                return reference.abstract_text[:600] or "No title and no abstract"
            return self._display(row, column, reference) or None
        if role == Qt.ItemDataRole.DecorationRole and column is PreviewColumn.WARNINGS:
            if self._warnings[row]:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            return None
        if role == Qt.ItemDataRole.FontRole and column is PreviewColumn.TITLE:
            if self._titles[row][1]:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column is PreviewColumn.TITLE:
            if self._titles[row][1]:
                return QApplication.palette().brush(
                    QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                )
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(row, column, reference)
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.CheckStateRole
            or index.column() != PreviewColumn.AUTHORS
        ):
            return False
        state = Qt.CheckState(value) if isinstance(value, int) else value
        self._set_checked(index.row(), state == Qt.CheckState.Checked)
        return True

    # -- checks ------------------------------------------------------------------------

    @property
    def entries(self) -> tuple[ParsedEntry, ...]:
        return self._entries

    def entry(self, row: int) -> ParsedEntry:
        return self._entries[row]

    def warnings_for(self, row: int) -> list[str]:
        return list(self._warnings[row])

    def is_checked(self, row: int) -> bool:
        """Whether the row is ticked (imported as new, or merged when ``is_merging``)."""
        return self._checked[row]

    def set_checked(self, row: int, checked: bool) -> None:
        """Check or uncheck one entry (what a click on its box does)."""
        self._set_checked(row, checked)

    def set_all_checked(self, checked: bool) -> None:
        """Check or uncheck every entry at once."""
        if not self._entries:
            return
        self._checked = [checked] * len(self._entries)
        self.dataChanged.emit(
            self.index(0, PreviewColumn.AUTHORS),
            self.index(len(self._entries) - 1, PreviewColumn.STATUS),
            [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole],
        )
        self.checks_changed.emit()

    def checked_indices(self) -> list[int]:
        """Indices into the parse result's entries of the rows to add as new references."""
        return [
            row
            for row, checked in enumerate(self._checked)
            if checked and not (self._merging[row] and self._linked(row))
        ]

    def ticked_count(self) -> int:
        """How many rows are ticked: added as new or merged into the library."""
        return sum(self._checked)

    def _set_checked(self, row: int, checked: bool) -> None:
        if not 0 <= row < len(self._entries) or self._checked[row] == checked:
            return
        self._checked[row] = checked
        self.dataChanged.emit(
            self.index(row, PreviewColumn.AUTHORS),
            self.index(row, PreviewColumn.STATUS),
            [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole],
        )
        self.checks_changed.emit()

    def _display(self, row: int, column: PreviewColumn, reference: Reference) -> str:
        if column is PreviewColumn.AUTHORS:
            return authors_display(reference)
        if column is PreviewColumn.YEAR:
            return str(reference.year) if reference.year is not None else ""
        if column is PreviewColumn.TITLE:
            return self._titles[row][0]
        if column is PreviewColumn.SOURCE:
            return source_display(reference)
        if column is PreviewColumn.STATUS:
            return status_display(
                self._statuses[row],
                merging=self._merging[row],
                checked=self._checked[row],
                replacing=self._replacing[row],
            )
        warnings = self._warnings[row]
        if len(warnings) > 1:
            return f"{warnings[0]} (+{len(warnings) - 1} more)"
        return warnings[0] if warnings else ""

    # -- duplicates --------------------------------------------------------------------

    def status(self, row: int) -> EntryStatus | None:
        return self._statuses[row]

    def existing_reference(self, row: int) -> Reference | None:
        """The stored record the row's entry duplicates (or may), when it was read."""
        status = self._statuses[row]
        if status is None or status.existing_id is None:
            return None
        return self._existing.get(status.existing_id)

    def existing_label(self, row: int) -> str:
        status = self._statuses[row]
        if status is None or status.existing_id is None:
            return ""
        return self._existing_labels.get(status.existing_id, "")

    def replacement_lines(self, row: int) -> list[str]:
        """ "Would replace title “…” with “…”" for each field merging could replace."""
        return replacement_lines(
            self._statuses[row], self.existing_reference(row), self._entries[row].reference
        )

    def _linked(self, row: int) -> bool:
        status = self._statuses[row]
        return status is not None and status.existing_id is not None

    def is_merging(self, row: int) -> bool:
        """Whether ticking the row merges it into the stored reference (not adds it again)."""
        return self._merging[row] and self._linked(row)

    def set_merging(self, row: int, merging: bool) -> None:
        """Merge an entry into the stored reference it duplicates, or stop merging it.

        Merging ticks the row. Turning merging off unticks a duplicate (it is not added
        again unless the person ticks it) and leaves a possible duplicate to be added.
        """
        status = self._statuses[row]
        if status is None or status.existing_id is None or self._merging[row] == merging:
            return
        self._merging[row] = merging
        if merging:
            self._checked[row] = True
        elif status.mark is EntryMark.DUPLICATE:
            self._checked[row] = False
            self._replacing[row] = False
        self._row_changed(row)

    def is_replacing(self, row: int) -> bool:
        """Whether merging the row replaces stored values with its richer or different ones."""
        return self._replacing[row]

    def set_replacing(self, row: int, replacing: bool) -> None:
        """ "Replace with the incoming values" (True) or "Keep mine, only fill in empty fields".

        Choosing to replace merges the row; a poorer value is never taken either way.
        """
        if not self._linked(row) or self._replacing[row] == replacing:
            return
        self._replacing[row] = replacing
        if replacing and not (self._merging[row] and self._checked[row]):
            self._merging[row] = True
            self._checked[row] = True
        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(
            self.index(row, PreviewColumn.AUTHORS),
            self.index(row, PreviewColumn.STATUS),
            [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole],
        )
        self.checks_changed.emit()

    def in_library_rows(self) -> list[int]:
        """Rows left out because the library already holds them (unticked duplicates).

        Importing into a collection still puts those stored references there.
        """
        return [
            row
            for row, status in enumerate(self._statuses)
            if status is not None
            and status.mark is EntryMark.DUPLICATE
            and status.existing_id is not None
            and not self._checked[row]
        ]

    def merge_into(self) -> dict[int, ReferenceId]:
        """Entry index -> the stored reference it fills in, for ``Library.import_parsed``."""
        found: dict[int, ReferenceId] = {}
        for row, status in enumerate(self._statuses):
            if (
                self._merging[row]
                and self._checked[row]
                and status is not None
                and status.existing_id is not None
            ):
                found[row] = status.existing_id
        return found

    def replacing(self) -> list[int]:
        """Merged entries whose richer or different values replace the stored ones."""
        merging = self.merge_into()
        return [row for row in merging if self._replacing[row]]


def collection_choices(collections: Sequence[Collection]) -> list[tuple[str, CollectionId]]:
    """Collections in tree order with their full paths ("Theses / Chapter 2")."""
    children: dict[CollectionId | None, list[Collection]] = {}
    for collection in collections:
        children.setdefault(collection.parent_id, []).append(collection)
    known = {collection.id for collection in collections}
    roots = [c for c in collections if c.parent_id is None or c.parent_id not in known]
    choices: list[tuple[str, CollectionId]] = []
    seen: set[CollectionId] = set()

    def visit(collection: Collection, prefix: str) -> None:
        if collection.id in seen:  # a damaged tree must not loop forever
            return
        seen.add(collection.id)
        path = f"{prefix} / {collection.name}" if prefix else collection.name
        choices.append((path, collection.id))
        for child in sorted(children.get(collection.id, []), key=lambda c: c.position):
            visit(child, path)

    for root in sorted(roots, key=lambda c: c.position):
        visit(root, "")
    return choices


def lacks_title_or_doi(entries: Sequence[ParsedEntry]) -> int:
    """How many entries have no title or no DOI: those Crossref may complete after import."""
    return sum(1 for entry in entries if not entry.reference.title or not entry.reference.doi)


def summary_line(pending: PendingImport) -> str:
    """The header sentence: what was recognised where ("Emerald Insight results page …")."""
    count = len(pending.result.entries)
    noun = "reference" if count == 1 else "references"
    return f"{pending.result.format_label}: {count} {noun} found in {pending.source_name}"


class ImportPreviewDialog(QDialog):
    """Review parsed entries, pick which to keep and where, then import them.

    Signals:
        import_finished(ImportOutcome): the checked entries were committed.
        completion_requested(list[ReferenceId]): the user asked for the new references to be
            completed from Crossref once imported (emitted after ``import_finished``).
    """

    import_finished = Signal(object)
    show_existing_requested = Signal(int)
    """(reference id): the person wants to see the stored reference an entry duplicates."""
    completion_requested = Signal(list)

    def __init__(
        self,
        library: Library,
        pending: PendingImport,
        *,
        collection: CollectionId | None = None,
        parent: QWidget | None = None,
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._pending = pending
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        self._op: BackgroundOp | None = None
        self.setObjectName("importPreview")
        self.setWindowTitle(f"Import from {pending.source_name}")
        self.setSizeGripEnabled(True)
        self.resize(1000, 640)

        try:
            statuses: list[EntryStatus] | None = library.check_duplicates(pending.result)
        except PeerRefError:
            statuses = None  # the marks are a help; an import without them still works
        self.model = ParsedEntriesModel(
            pending.result.entries, self, statuses, existing=self._existing_references(statuses)
        )
        self._build(collection)
        self.model.checks_changed.connect(self._update_counts)
        self._update_counts()
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        # The entries are what one looks at first; Enter from there presses Import.
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- construction ------------------------------------------------------------------

    def _build(self, collection: CollectionId | None) -> None:
        result = self._pending.result
        layout = QVBoxLayout(self)

        self.summary_label = QLabel(summary_line(self._pending))
        self.summary_label.setObjectName("importSummary")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.notes_label = QLabel(self._notes_text(result))
        self.notes_label.setObjectName("importNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes the input
        self.notes_label.setToolTip(self._notes_tooltip(result))
        self.notes_label.setVisible(bool(self.notes_label.text()))
        layout.addWidget(self.notes_label)

        self.table = EntriesTable()
        self.table.setObjectName("importEntries")
        self.table.setAccessibleName("Entries found")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PreviewColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(COLUMN_MINIMUMS[PreviewColumn.YEAR])
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.toggle_requested.connect(self._toggle_selected)
        self.model.dataChanged.connect(self._on_rows_changed)

        self.details = EntryDetails()
        self.details.replacing_chosen.connect(self._on_replacing_chosen)

        self._original_row = -1
        self.original_text = QPlainTextEdit()
        self.original_text.setObjectName("originalText")
        self.original_text.setAccessibleName("Original text of the entry")
        self.original_text.setReadOnly(True)
        self.original_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Shown in place of a long original's tail: its length, and the whole on request.
        self.long_original_note = QLabel()
        self.long_original_note.setObjectName("longOriginalNote")
        self.long_original_note.setWordWrap(True)
        self.whole_original_button = QPushButton("Show &Whole Text…")
        self.whole_original_button.setObjectName("wholeOriginal")
        self.whole_original_button.setToolTip(
            "Open the whole original text of this entry, to read or copy"
        )
        self.whole_original_button.clicked.connect(self.show_whole_original)
        self.long_original_row = QWidget()
        long_row = QHBoxLayout(self.long_original_row)
        long_row.setContentsMargins(0, 0, 0, 0)
        long_row.addWidget(self.long_original_note, 1)
        long_row.addWidget(self.whole_original_button)
        self.long_original_row.setVisible(False)
        self.original_panel = QWidget()
        original_layout = QVBoxLayout(self.original_panel)
        original_layout.setContentsMargins(0, 0, 0, 0)
        original_layout.addWidget(self.long_original_row)
        original_layout.addWidget(self.original_text, 1)
        self.original_panel.setVisible(False)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.details)
        lower.addWidget(self.original_panel)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.select_all_button = QPushButton("Select &All")
        self.select_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        self.select_none_button = QPushButton("Select &None")
        self.select_none_button.clicked.connect(lambda: self.model.set_all_checked(False))
        self.show_original_button = QPushButton("Show &Original Text")
        self.show_original_button.setObjectName("showOriginal")
        self.show_original_button.setCheckable(True)
        self.show_original_button.setToolTip("Show the text this entry was read from")
        self.show_original_button.toggled.connect(self._on_show_original_toggled)
        self.count_label = QLabel()
        self.count_label.setObjectName("importCount")
        row.addWidget(self.select_all_button)
        row.addWidget(self.select_none_button)
        row.addWidget(self.show_original_button)
        self.merge_button = QPushButton("&Merge Into Existing")
        self.merge_button.setObjectName("mergeIntoExisting")
        self.merge_button.setCheckable(True)
        self.merge_button.setToolTip(
            "Ticked, this entry fills in the empty fields of the reference already in your "
            "library instead of being added again"
        )
        self.merge_button.toggled.connect(self._on_merge_toggled)
        self.show_existing_button = QPushButton("Show &Existing")
        self.show_existing_button.setObjectName("showExisting")
        self.show_existing_button.setToolTip("Show the reference already in your library")
        self.show_existing_button.clicked.connect(self._on_show_existing)
        row.addWidget(self.merge_button)
        row.addWidget(self.show_existing_button)
        row.addStretch(1)
        row.addWidget(self.count_label)
        layout.addLayout(row)

        target = QHBoxLayout()
        target_label = QLabel("Import into &collection:")
        self.collection_combo = QComboBox()
        self.collection_combo.setObjectName("targetCollection")
        self.collection_combo.setAccessibleName("Target collection")
        target_label.setBuddy(self.collection_combo)
        self.collection_combo.addItem("None (My Library only)", None)
        for path, collection_id in collection_choices(self._library.collections()):
            self.collection_combo.addItem(path, collection_id)
        if collection is not None:
            position = self.collection_combo.findData(collection)
            if position >= 0:
                self.collection_combo.setCurrentIndex(position)
        self.collection_combo.currentIndexChanged.connect(self._update_counts)
        target.addWidget(target_label)
        target.addWidget(self.collection_combo, 1)
        layout.addLayout(target)

        incomplete = lacks_title_or_doi(self._pending.result.entries)
        self.complete_checkbox = QCheckBox("Complete from C&rossref after importing")
        self.complete_checkbox.setObjectName("completeFromCrossref")
        self.complete_checkbox.setToolTip(
            f"{incomplete} of the entries lack a title or a DOI. Look them up on Crossref "
            "after importing and fill in what is missing (undoable); changes to what the "
            "page did give are only proposed."
        )
        self.complete_checkbox.setVisible(incomplete > 0)
        layout.addWidget(self.complete_checkbox)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.import_button.setDefault(True)
        # Enter imports wherever the focus is: the other buttons never become the default.
        for button in self.findChildren(QPushButton):
            if button is not self.import_button:
                button.setAutoDefault(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _existing_references(
        self, statuses: Sequence[EntryStatus] | None
    ) -> dict[ReferenceId, Reference]:
        ids = sorted({s.existing_id for s in statuses or () if s.existing_id is not None})
        if not ids:
            return {}
        try:
            return {r.id: r for r in self._library.get_many(ids) if r.id is not None}
        except PeerRefError:
            return {}  # the statuses still say what happens; only the details are missing

    def _notes_text(self, result: ParseResult) -> str:
        return notes_text(result, self._pending.raw_input)

    def _notes_tooltip(self, result: ParseResult) -> str:
        return notes_tooltip(result, self._pending.raw_input)

    # -- state -------------------------------------------------------------------------

    @property
    def pending(self) -> PendingImport:
        return self._pending

    @property
    def running_import(self) -> BackgroundOp | None:
        """The commit in progress, if any (tests wait on its signals)."""
        return self._op

    def checked_indices(self) -> list[int]:
        return self.model.checked_indices()

    def selected_collection(self) -> CollectionId | None:
        data = self.collection_combo.currentData()
        return CollectionId(int(data)) if data is not None else None

    @Slot()
    def _update_counts(self) -> None:
        checked = len(self.model.checked_indices())
        total = self.model.rowCount()
        merging = len(self.model.merge_into())
        known = len(self.model.in_library_rows())
        text = f"{self.model.ticked_count()} of {total} selected"
        if merging:
            text += f", {merging} to merge into your library"
        if known:
            text += f", {known} already in your library"
        self.count_label.setText(text)
        # Into a collection, even a page the library holds whole is worth "importing":
        # its references join the collection.
        collecting = known > 0 and self.selected_collection() is not None
        self.import_button.setEnabled(
            (checked > 0 or merging > 0 or collecting) and self._op is None
        )
        noun = "Reference" if checked == 1 else "References"
        if checked:
            self.import_button.setText(f"&Import {checked} {noun}")
        else:
            self.import_button.setText("&Add to Collection" if collecting else "&Import")

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_original_for(current.row() if current.isValid() else -1)
        self._update_duplicate_buttons()
        self._show_details()

    @Slot(QModelIndex, QModelIndex)
    def _on_rows_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        row, _status = self._current_status()
        if top_left.row() <= row <= bottom_right.row():
            self._update_duplicate_buttons()
            self._show_details()

    def _show_details(self) -> None:
        row, status = self._current_status()
        if row < 0:
            self.details.show_entry(None)
            return
        model = self.model
        self.details.show_entry(
            model.entry(row).reference,
            self._row_warnings(row),
            existing_label=model.existing_label(row) if status is not None else "",
            verdict=str(model.data(model.index(row, PreviewColumn.STATUS))),
            fills=[field_name(f) for f in status.fills] if status is not None else [],
            replacements=model.replacement_lines(row),
            replacing=model.is_replacing(row),
        )

    def _row_warnings(self, row: int) -> list[str]:
        warnings = self.model.warnings_for(row)
        if self.model.entry(row).confidence < LOW_CONFIDENCE:
            warnings.append("a doubtful reading: not ticked, tick it to import it")
        return warnings

    @Slot(bool)
    def _on_replacing_chosen(self, replacing: bool) -> None:
        row, _status = self._current_status()
        if row >= 0:
            self.model.set_replacing(row, replacing)

    @Slot()
    def _toggle_selected(self) -> None:
        """Space: tick or untick the current entry and every selected one, together."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        current = self.table.currentIndex()
        if current.isValid():
            rows.add(current.row())
        if not rows:
            return
        lead = current.row() if current.isValid() else min(rows)
        ticking = not self.model.is_checked(lead)
        for row in sorted(rows):
            self.model.set_checked(row, ticking)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns to their contents within limits; the title takes the rest.

        Each column but the title gets what its contents and heading need (at least its
        minimum) while that leaves the title its floor — its share of the width, or what
        it needs up to half the width. When space is short, the columns are held to their
        shares first, then give way evenly down to their minimums, so a long journal name
        or status never squeezes the title out.
        """
        header = self.table.horizontalHeader()
        available = self.table.viewport().width()
        if available <= 0:
            return

        def needed(column: PreviewColumn) -> int:
            return max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))

        wanted = {
            column: max(COLUMN_MINIMUMS[column], needed(column))
            for column in PreviewColumn
            if column is not PreviewColumn.TITLE
        }
        title_floor = max(
            int(available * TITLE_SHARE), min(needed(PreviewColumn.TITLE), available // 2)
        )
        room = available - title_floor
        if sum(wanted.values()) > room:
            for column in wanted:
                cap = max(COLUMN_MINIMUMS[column], int(available * COLUMN_SHARES[column]))
                wanted[column] = min(wanted[column], cap)
        excess = sum(wanted.values()) - room
        if excess > 0:
            spare = {c: w - COLUMN_MINIMUMS[c] for c, w in wanted.items()}
            total_spare = sum(spare.values())
            if total_spare:
                for column in wanted:
                    wanted[column] -= min(spare[column], -(-excess * spare[column] // total_spare))
        for column, width in wanted.items():
            header.resizeSection(column, width)

    def _current_status(self) -> tuple[int, EntryStatus | None]:
        index = self.table.currentIndex()
        if not index.isValid():
            return -1, None
        return index.row(), self.model.status(index.row())

    def _update_duplicate_buttons(self) -> None:
        row, status = self._current_status()
        linked = status is not None and status.existing_id is not None
        self.merge_button.setEnabled(linked and self._op is None)
        self.show_existing_button.setEnabled(linked)
        self.merge_button.blockSignals(True)
        self.merge_button.setChecked(linked and self.model.is_merging(row))
        self.merge_button.blockSignals(False)

    @Slot(bool)
    def _on_merge_toggled(self, merging: bool) -> None:
        row, _status = self._current_status()
        if row >= 0:
            self.model.set_merging(row, merging)

    @Slot()
    def _on_show_existing(self) -> None:
        _row, status = self._current_status()
        if status is not None and status.existing_id is not None:
            self.show_existing_requested.emit(int(status.existing_id))

    @Slot(bool)
    def _on_show_original_toggled(self, shown: bool) -> None:
        self.original_panel.setVisible(shown)
        self.show_original_button.setText("Hide &Original Text" if shown else "Show &Original Text")
        current = self.table.currentIndex()
        self._show_original_for(current.row() if current.isValid() else -1)

    def _show_original_for(self, row: int) -> None:
        """Show the start of the current entry's original text, bounded as the details panel is.

        Qt lays out the whole of a wrapped paragraph: a 1 MB line with nowhere to break
        would stall the dialog. A long original is cut to its first
        :data:`ABSTRACT_DISPLAY_LIMIT` characters, not wrapped, and opened whole in a
        :class:`LongTextDialog` on request.
        """
        self._original_row = row
        if row < 0:
            self.original_text.clear()
            self.long_original_row.setVisible(False)
            return
        entry = self.model.entry(row)
        text = entry.raw_text
        long_text = len(text) > ABSTRACT_DISPLAY_LIMIT
        self.original_text.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.NoWrap
            if long_text
            else QPlainTextEdit.LineWrapMode.WidgetWidth
        )
        self.original_text.setPlainText(bounded_text(text, ABSTRACT_DISPLAY_LIMIT))
        self.original_text.setToolTip(f"Lines {entry.first_line}–{entry.last_line} of the input")
        if long_text:
            self.long_original_note.setText(
                shortened_note("original text", len(text), ABSTRACT_DISPLAY_LIMIT)
            )
        self.long_original_row.setVisible(long_text)

    def show_whole_original(self) -> LongTextDialog | None:
        """The whole original text of the current entry, read only, in an editor without wrap."""
        row = self._original_row
        if row < 0 or row >= self.model.rowCount():
            return None
        dialog = LongTextDialog(
            "Original text of the entry",
            self.model.entry(row).raw_text,
            read_only=True,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.table,
            self.select_all_button,
            self.select_none_button,
            self.collection_combo,
            self.details.merge_choice,
        ):
            widget.setEnabled(not busy)
        self._update_counts()

    # -- importing ---------------------------------------------------------------------

    @Slot()
    def start_import(self) -> BackgroundOp | None:
        """Commit the checked entries off the UI thread; the dialog closes when done."""
        selected = self.model.checked_indices()
        merge_into = self.model.merge_into()
        replacing = self.model.replacing()
        collection = self.selected_collection()
        collecting = collection is not None and bool(self.model.in_library_rows())
        if not (selected or merge_into or collecting) or self._op is not None:
            return None
        library = self._library
        pending = self._pending

        def commit(context: OpContext) -> ImportOutcome:
            context.raise_if_cancelled()
            return library.import_parsed(
                pending.result,
                raw_input=pending.raw_input,
                method=pending.method,
                source_name=pending.source_name,
                selected=selected,
                collection=collection,
                merge_into=merge_into,
                replacing=replacing,
            )

        count = len(selected) + len(merge_into) or len(self.model.in_library_rows())
        self._op = BackgroundOp(
            commit,
            parent=self,
            title="Importing",
            label=f"Importing {count} {'reference' if count == 1 else 'references'}…",
            on_success=self._on_imported,
            on_cancelled=self._on_import_stopped,
            on_failure=self._on_import_failed,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )
        self._set_busy(True)
        return self._op.start()

    def _on_imported(self, outcome: ImportOutcome) -> None:
        late_cancel = self._op is not None and self._op.was_cancel_requested
        self._op = None
        self._set_busy(False)
        self.import_finished.emit(outcome)
        if not self.complete_checkbox.isHidden() and self.complete_checkbox.isChecked():
            added = sorted(outcome.changes.added)
            if added:
                self.completion_requested.emit(added)
        self.accept()
        if late_cancel:
            # The commit is one transaction that cannot be interrupted half-way; tell the
            # truth rather than pretend the cancel worked.
            self._show_message(
                self.parentWidget(),
                "Import already saved",
                "The references had already been saved when Cancel was pressed. "
                "Use Edit → Undo to remove them.",
            )

    def _on_import_stopped(self) -> None:
        self._op = None
        self._set_busy(False)

    def _on_import_failed(self, error: BaseException) -> None:
        self._op = None
        self._set_busy(False)
        report_error(self, error, title="Import failed", show_message=self._show_message)

    def reject(self) -> None:
        """Escape or Cancel while committing stops the commit instead of hiding it."""
        if self._op is not None:
            self._op.cancel()
            return
        super().reject()
