"""Getting references out: File › Export…, Export Selected…, Create Bibliography….

The controller asks what to write (:mod:`peerref.gui.dialogs.export_dialog`), then where
(the platform's save dialog), and writes the file off the UI thread through
:class:`~peerref.gui.ops.BackgroundOp`: references are read in chunks, so a progress bar
moves and Cancel stops between chunks, and the text is made by
:func:`peerref.exporting.export_document`, the function ``peerref-cli export`` uses. Nothing
is written until the whole text is ready, and the file is replaced in one step, so a
cancelled or failed export never leaves half a file.

The last folder, format, style and bibliography output are remembered in ``QSettings``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from peerref.citations.styles import StyleCatalogue, StyleInfo
from peerref.core.errors import CitationError, StorageError
from peerref.core.model import Reference, ReferenceId
from peerref.exporting import ExportFormat, export_document, export_notes
from peerref.gui.dialogs.export_dialog import (
    FILE_FORMATS_BY_KEY,
    BibliographyDialog,
    BibliographyOutput,
    ExportDialog,
    FileFormat,
)
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    show_message_box,
)
from peerref.library import Library

log = logging.getLogger(__name__)

READ_CHUNK = 500
"""References read per step: the progress bar moves and Cancel is noticed between steps."""

_QSETTINGS_FOLDER = "export/folder"
_QSETTINGS_FORMAT = "export/format"
_QSETTINGS_STYLE = "export/style"
_QSETTINGS_OUTPUT = "export/bibliography_output"

# ``ask_path(parent, caption, suggested path, filter) -> chosen path or ""``.
SavePathAsker = Callable[[QWidget, str, str, str], str]


def ask_save_path(parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
    """The platform's save dialog (it asks before replacing an existing file)."""
    path, _chosen_filter = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
    return path


def _write_export(path: Path, data: str) -> None:
    """Write an export file whole or not at all: a temporary file beside it, then a rename.

    The one place an export touches the disk, so it can become
    ``peerref.core.atomic.write_atomically`` when that arrives.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """A finished export: where it went, how many references it holds, what it left out.

    ``warnings`` are :attr:`peerref.exporting.ExportDocument.warnings` (control
    characters removed from a field or note), the lines ``peerref-cli export`` prints on
    stderr: the window tells them too, or a changed value would go unnoticed.
    """

    path: Path
    count: int
    warnings: tuple[str, ...] = ()


class ExportController(QObject):
    """Exports and bibliographies for the window; one per window.

    Args:
        library: the open library (read only).
        parent: the window (dialogs are its children).
        catalogue: a callable giving the citation style catalogue (made on demand).
        default_style: a callable giving the user's default citation style.
        qsettings: where the last choices are remembered.
        copy_bibliography: puts a bibliography of references on the clipboard in a style
            (the window's citation copier, so Create Bibliography copies exactly what
            Copy Bibliography would).
        ask_path: asks where to save (tests answer it themselves).
        thread_pool: where the work runs (the global pool when not given).
    """

    exported = Signal(object)
    """An :class:`ExportOutcome` after a file was written."""
    message_posted = Signal(str)
    """A line for the status bar."""

    def __init__(
        self,
        library: Library,
        parent: QWidget,
        *,
        catalogue: Callable[[], StyleCatalogue],
        default_style: Callable[[], str],
        qsettings: QSettings,
        copy_bibliography: Callable[[Sequence[Reference], str], object],
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
        ask_path: SavePathAsker = ask_save_path,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._parent_widget = parent
        self._catalogue = catalogue
        self._default_style = default_style
        self._qsettings = qsettings
        self._copy_bibliography = copy_bibliography
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        self.ask_path = ask_path
        self._thread_pool = thread_pool
        self.last_op: BackgroundOp | None = None

    # --- remembered choices ---------------------------------------------------------------

    def _setting(self, key: str, default: str) -> str:
        value = self._qsettings.value(key, default)
        return value if isinstance(value, str) and value else default

    def _folder(self) -> Path:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        folder = Path(self._setting(_QSETTINGS_FOLDER, documents or str(Path.home())))
        return folder if folder.is_dir() else Path.home()

    def _styles(self, current: str) -> list[StyleInfo]:
        catalogue = self._catalogue()
        styles = list(catalogue.favourites())
        for name in (current, self._default_style()):
            try:
                info = catalogue.info(name)
            except CitationError:
                continue
            if all(s.id != info.id for s in styles):
                styles.insert(0, info)
        return styles

    def _style_setting(self) -> str:
        chosen = self._setting(_QSETTINGS_STYLE, self._default_style())
        try:
            return self._catalogue().info(chosen).id
        except CitationError:
            return chosen

    # --- the dialogs ----------------------------------------------------------------------

    def open_export_dialog(
        self, what: str, ids: Sequence[ReferenceId], file_stem: str
    ) -> ExportDialog:
        """Ask for the format of an export of ``ids``, then where to save it."""
        style = self._style_setting()
        dialog = ExportDialog(
            what,
            len(ids),
            self._styles(style),
            file_format=self._setting(_QSETTINGS_FORMAT, "ris"),
            style=style,
            parent=self._parent_widget,
        )
        chosen_ids = list(ids)

        def accepted() -> None:
            file_format = dialog.file_format()
            self._qsettings.setValue(_QSETTINGS_FORMAT, file_format.key)
            if file_format.needs_style:
                self._qsettings.setValue(_QSETTINGS_STYLE, dialog.style_id())
            self._save(chosen_ids, file_format, dialog.style_id(), file_stem, f"Export {what}")

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_bibliography_dialog(
        self, what: str, ids: Sequence[ReferenceId], file_stem: str
    ) -> BibliographyDialog:
        """Create Bibliography: choose a style, then copy it or save it as a file."""
        style = self._style_setting()
        try:
            output = BibliographyOutput(self._setting(_QSETTINGS_OUTPUT, "clipboard"))
        except ValueError:
            output = BibliographyOutput.CLIPBOARD
        dialog = BibliographyDialog(
            what,
            len(ids),
            self._styles(style),
            style=style,
            output=output,
            parent=self._parent_widget,
        )
        chosen_ids = list(ids)

        def accepted() -> None:
            choice, style_id = dialog.output(), dialog.style_id()
            self._qsettings.setValue(_QSETTINGS_OUTPUT, choice.value)
            self._qsettings.setValue(_QSETTINGS_STYLE, style_id)
            if choice is BibliographyOutput.CLIPBOARD:
                self._copy_bibliography(self._library.get_many(chosen_ids), style_id)
                return
            file_format = FILE_FORMATS_BY_KEY[choice.value]
            self._save(chosen_ids, file_format, style_id, file_stem, "Save Bibliography")

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _save(
        self,
        ids: Sequence[ReferenceId],
        file_format: FileFormat,
        style_id: str,
        file_stem: str,
        caption: str,
    ) -> None:
        suggested = self._folder() / f"{_safe_stem(file_stem)}{file_format.suffix}"
        chosen = self.ask_path(
            self._parent_widget,
            caption,
            str(suggested),
            f"{file_format.file_filter};;All files (*)",
        )
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(file_format.suffix)
        self._qsettings.setValue(_QSETTINGS_FOLDER, str(path.parent))
        self.export_to(path, ids, file_format, style_id)

    # --- the work -------------------------------------------------------------------------

    def export_to(
        self, path: Path, ids: Sequence[ReferenceId], file_format: FileFormat, style_id: str = ""
    ) -> BackgroundOp:
        """Write ``ids`` to ``path`` in ``file_format`` off the UI thread."""
        library = self._library
        catalogue = self._catalogue()
        wanted = list(ids)
        kind = file_format.label

        def work(context: OpContext) -> ExportOutcome:
            total = len(wanted)
            references: list[Reference] = []
            notes: dict[ReferenceId, list[str]] = {}
            context.report_progress(0, total, f"Reading {total:,} references…")
            for start in range(0, total, READ_CHUNK):
                context.raise_if_cancelled()
                chunk = library.get_many(wanted[start : start + READ_CHUNK])
                references.extend(chunk)
                if file_format.export_format.carries_notes:
                    notes.update(export_notes(library, chunk))
                context.report_progress(
                    len(references), total, f"Reading references… {len(references):,} of {total:,}"
                )
            context.raise_if_cancelled()
            context.report_progress(0, 0, f"Writing {path.name}…")
            needs_style = file_format.export_format is ExportFormat.BIBLIOGRAPHY
            document = export_document(
                references,
                file_format.export_format,
                notes=notes,
                style=catalogue.load(style_id) if needs_style else None,
                bibliography_format=file_format.bibliography_format,
            )
            context.raise_if_cancelled()
            try:
                _write_export(path, document.text)
            except OSError as error:
                raise StorageError(
                    f"Could not write {path}: {error.strerror or error}. Nothing was written."
                ) from error
            return ExportOutcome(path, len(references), document.warnings)

        def done(outcome: ExportOutcome) -> None:
            noun = "reference" if outcome.count == 1 else "references"
            line = f"Exported {outcome.count:,} {noun} to {outcome.path.name}"
            if outcome.warnings:
                count = len(outcome.warnings)
                line += f" with {count:,} warning{'' if count == 1 else 's'}"
            self.message_posted.emit(line)
            if outcome.warnings:
                self._show_warnings(outcome)
            self.exported.emit(outcome)

        op = BackgroundOp(
            work,
            parent=self._parent_widget,
            title="Export",
            label=f"Exporting {len(wanted):,} references as {kind}…",
            on_success=done,
            on_cancelled=lambda: self.message_posted.emit("Export cancelled; no file written"),
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
            thread_pool=self._thread_pool,
        )
        self.last_op = op
        return op.start()

    def _show_warnings(self, outcome: ExportOutcome) -> None:
        """Tell what the written file left out: the first few lines, all behind "Show Details"."""
        text = export_warnings_text(outcome)
        details = "\n".join(outcome.warnings)
        if self._show_message is show_message_box:
            show_message_box(self._parent_widget, "Export", text, details)
        else:
            self._show_message(self._parent_widget, "Export", text)


WARNINGS_SHOWN = 3
"""Warning lines the message itself lists; the rest are behind "Show Details"."""


def export_warnings_text(outcome: ExportOutcome) -> str:
    """The message after an export that left characters out, with its first warnings."""
    count = len(outcome.warnings)
    head = (
        f"{outcome.path.name} was written, but {count:,} "
        f"{'value' if count == 1 else 'values'} had characters a text file cannot hold; "
        "they were left out of the file (your library is unchanged):"
    )
    lines = [f"• {warning}" for warning in outcome.warnings[:WARNINGS_SHOWN]]
    if count > WARNINGS_SHOWN:
        lines.append(f"… and {count - WARNINGS_SHOWN:,} more (Show Details).")
    return "\n".join([head, *lines])


def _safe_stem(name: str) -> str:
    """A file name from a collection's name: no path separators or reserved characters."""
    cleaned = "".join("-" if c in '\\/:*?"<>|' else c for c in name).strip(" .")
    return cleaned or "Export"
