"""Copying references out: citations, bibliographies and exports on the clipboard or in a drag.

Rendering is ``peerref.citations`` (no Qt); exports are the writers of
``peerref.formats.registry``. This module only packs what they produce into
``QMimeData`` — every flavour the citations package offers (text/plain, text/html,
text/rtf), so each target application takes the richest it understands — and renders
off the UI thread, because a long bibliography in a slow style takes a while.

A drag out of the window carries the bibliography as text and HTML, a temporary ``.ris``
file for targets that want a file, and the references' ids under
:data:`REFERENCE_IDS_MIME` so PeerRef's own views recognise (and do not re-import) them.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QMimeData, QObject, QUrl, Signal
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QWidget

from peerref.citations import (
    DEFAULT_STYLE,
    MIME_HTML,
    MIME_PLAIN,
    MIME_RTF,
    Problem,
    ReferenceWarning,
    StyleCatalogue,
    clipboard_payload,
    render_bibliography,
    render_citation,
)
from peerref.core.errors import CitationError, PeerRefError, UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.formats import registry
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    show_message_box,
)

# Reads the notes of references for an export: reference id -> note texts.
NotesLookup = Callable[[Sequence[Reference]], Mapping[ReferenceId, Sequence[str]]]

T = TypeVar("T")
# A rendering's clipboard flavours (MIME type → text) and the gaps it found.
Rendered = tuple[Mapping[str, str], tuple[ReferenceWarning, ...]]

# PeerRef's own drags: the dragged references' ids, "1,2,3" in ASCII.
REFERENCE_IDS_MIME = "application/x-peerref-reference-ids"
# Windows names RTF on its clipboard "Rich Text Format"; Qt has no converter for it.
WINDOWS_RTF_MIME = 'application/x-qt-windows-mime;value="Rich Text Format"'
# Some applications on macOS and Linux look for RTF under this name rather than text/rtf.
APPLICATION_RTF_MIME = "application/rtf"

COPY_FORMAT_WRITERS = ("bibtex", "ris", "csl-json")


def mime_data_from_payload(
    payload: Mapping[str, str], formats: Sequence[str] | None = None
) -> QMimeData:
    """A ``QMimeData`` holding each flavour of a citations payload under its MIME type.

    Args:
        payload: MIME type → text, as ``peerref.citations.clipboard_payload`` returns it.
        formats: the MIME types the user wants (Preferences → clipboard output); None or
            an empty selection means all. text/plain is always included, because every
            application can paste it.
    """
    wanted = set(formats or payload) | {MIME_PLAIN}
    mime = QMimeData()
    for mime_type, text in payload.items():
        if mime_type not in wanted:
            continue
        if mime_type == MIME_PLAIN:
            mime.setText(text)
        elif mime_type == MIME_HTML:
            mime.setHtml(text)
        elif mime_type == MIME_RTF:
            data = QByteArray(text.encode("utf-8"))
            mime.setData(MIME_RTF, data)
            mime.setData(APPLICATION_RTF_MIME, data)
            if sys.platform == "win32":
                mime.setData(WINDOWS_RTF_MIME, data)
        else:
            mime.setData(mime_type, QByteArray(text.encode("utf-8")))
    return mime


def export_mime_data(text: str, mime_type: str) -> QMimeData:
    """An export (BibTeX, RIS …) as plain text, and under its own MIME type for apps knowing it."""
    mime = QMimeData()
    mime.setText(text)
    if mime_type and mime_type != MIME_PLAIN:
        mime.setData(mime_type, QByteArray(text.encode("utf-8")))
    return mime


def reference_ids_from_mime(mime: QMimeData | None) -> list[ReferenceId]:
    """The ids of references dragged from PeerRef's own views; empty for anything else."""
    if mime is None or not mime.hasFormat(REFERENCE_IDS_MIME):
        return []
    raw = bytes(mime.data(REFERENCE_IDS_MIME).data()).decode("ascii", errors="ignore")
    return [ReferenceId(int(part)) for part in raw.split(",") if part.strip().isdigit()]


def set_reference_ids(mime: QMimeData, ids: Sequence[ReferenceId]) -> None:
    """Mark drag data as PeerRef's own references (see :func:`reference_ids_from_mime`)."""
    mime.setData(REFERENCE_IDS_MIME, QByteArray(",".join(str(i) for i in ids).encode("ascii")))


def ris_file_name(references: Sequence[Reference]) -> str:
    """A file name a person recognises: "Repper 2012.ris" or "3 references.ris"."""
    if len(references) == 1:
        reference = references[0]
        authors = reference.authors or reference.creators
        name = authors[0].family_with_particle() if authors else ""
        parts = [name, str(reference.year) if reference.year else ""]
        stem = " ".join(part for part in parts if part) or "reference"
    else:
        stem = f"{len(references)} references"
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") or "references"
    return f"{stem}.ris"


class CitationCopier(QObject):
    """Copy citations, bibliographies and exports of references, and build drag data.

    One instance per window, made with the application's ``StyleCatalogue``. Copies run
    in the background; the clipboard is set on the UI thread when rendering is done.

    Signals:
        copied(str): something was put on the clipboard; the text says what (status bar).
    """

    copied = Signal(str)

    def __init__(
        self,
        catalogue: StyleCatalogue,
        parent_widget: QWidget | None,
        *,
        style: str = DEFAULT_STYLE,
        formats: Sequence[str] = (),
        clipboard: QClipboard | None = None,
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
        notes_for: NotesLookup | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._notes_for = notes_for
        self._catalogue = catalogue
        self._parent_widget = parent_widget
        self._style = style
        self._formats = tuple(formats)
        self._clipboard = clipboard
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        self._drag_dir: Path | None = None

    def _notes(self, references: Sequence[Reference]) -> Mapping[ReferenceId, Sequence[str]]:
        """The references' notes for exports, read here on the UI thread before the work."""
        return self._notes_for(references) if self._notes_for is not None else {}

    # -- preferences -------------------------------------------------------------------

    @property
    def style(self) -> str:
        return self._style

    def set_style(self, style: str) -> None:
        """The default style (Preferences): a short name, style id or .csl path."""
        self._style = style

    def set_formats(self, formats: Sequence[str]) -> None:
        """The MIME types to put on the clipboard (Preferences); empty means all."""
        self._formats = tuple(formats)

    # -- copying -----------------------------------------------------------------------

    def copy_bibliography(
        self, references: Sequence[Reference], style: str | None = None
    ) -> BackgroundOp | None:
        """Ctrl+Shift+C and Edit → Copy As ▸ a style: the bibliography of ``references``."""
        style_name = style or self._style
        catalogue = self._catalogue

        def work(_context: OpContext) -> Rendered:
            result = render_bibliography(references, catalogue.load(style_name))
            return clipboard_payload(result), result.warnings

        return self._copy_rendered(references, work, f"bibliography ({self._title(style_name)})")

    def copy_citation(
        self, references: Sequence[Reference], style: str | None = None
    ) -> BackgroundOp | None:
        """Ctrl+Shift+A: the in-text citation of ``references`` as one cite."""
        style_name = style or self._style
        catalogue = self._catalogue

        def work(_context: OpContext) -> Rendered:
            result = render_citation(references, catalogue.load(style_name))
            return clipboard_payload(result), result.warnings

        return self._copy_rendered(references, work, f"citation ({self._title(style_name)})")

    def _title(self, style: str) -> str:
        """The style's title for the status bar ("American Psychological Association 7th
        edition", not "apa"); its name when the catalogue does not know it (the copy
        then reports why)."""
        try:
            return self._catalogue.info(style).title or style
        except PeerRefError:
            return style

    def copy_as_format(
        self, references: Sequence[Reference], format_name: str
    ) -> BackgroundOp | None:
        """Edit → Copy As ▸ BibTeX / RIS / CSL-JSON: the export text of ``references``."""
        if not references:
            self._show_message(self._parent_widget, "Nothing copied", "Select references first.")
            return None
        writer = registry.writer_named(format_name)
        count = len(references)
        notes = self._notes(references)

        def work(_context: OpContext) -> str:
            return writer.write(references, notes=notes)

        def done(text: str) -> None:
            self._set_clipboard(export_mime_data(text, writer.mime_type))
            self.copied.emit(f"Copied {_count(count)} as {writer.label}")

        return self._start(work, done, f"Preparing {writer.label} for {_count(count)}…")

    def _copy_rendered(
        self,
        references: Sequence[Reference],
        work: Callable[[OpContext], Rendered],
        what: str,
    ) -> BackgroundOp | None:
        if not references:
            self._show_message(self._parent_widget, "Nothing copied", "Select references first.")
            return None
        count = len(references)
        formats = self._formats

        def done(rendered: Rendered) -> None:
            payload, warnings = rendered
            self._set_clipboard(mime_data_from_payload(payload, formats))
            gaps = warnings_summary(warnings)
            self.copied.emit(f"Copied {what} for {_count(count)}" + (f"; {gaps}" if gaps else ""))

        return self._start(work, done, f"Formatting {_count(count)}…")

    def _start(
        self, work: Callable[[OpContext], T], done: Callable[[T], None], label: str
    ) -> BackgroundOp:
        return BackgroundOp(
            work,
            parent=self._parent_widget,
            title="Copying",
            label=label,
            on_success=done,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        ).start()

    def _set_clipboard(self, mime: QMimeData) -> None:
        clipboard = self._clipboard or QGuiApplication.clipboard()
        clipboard.setMimeData(mime)

    # -- dragging ----------------------------------------------------------------------

    def drag_mime_data(
        self, references: Sequence[Reference], style: str | None = None
    ) -> QMimeData:
        """What a drag of ``references`` out of the window carries.

        The bibliography as text/plain and text/html (and RTF), a temporary ``.ris`` file
        as a file URL for targets that want a file, and the ids for PeerRef's own views.
        Rendered synchronously because a drag needs its data when it starts; a style
        that fails to render still leaves the RIS file and a plain list of titles.

        Raises:
            UserInputError: no references were given.
        """
        if not references:
            raise UserInputError("nothing to drag: no references selected")
        try:
            payload = clipboard_payload(
                render_bibliography(references, self._catalogue.load(style or self._style))
            )
        except CitationError:  # the drag must still start; the RIS file carries the data
            payload = {MIME_PLAIN: "\n".join(r.title or "[untitled]" for r in references)}
        mime = mime_data_from_payload(payload, self._formats)
        ris_path = self._write_drag_file(references)
        if ris_path is not None:
            mime.setUrls([QUrl.fromLocalFile(str(ris_path))])
            mime.setText(payload.get(MIME_PLAIN, ""))  # setUrls does not replace the text
        ids = [r.id for r in references if r.id is not None]
        if ids:
            set_reference_ids(mime, ids)
        return mime

    def _write_drag_file(self, references: Sequence[Reference]) -> Path | None:
        try:
            text = registry.writer_named("ris").write(references, notes=self._notes(references))
        except PeerRefError:  # no RIS writer: the drag still has text and HTML
            return None
        if self._drag_dir is None:
            self._drag_dir = Path(tempfile.mkdtemp(prefix="peerref-drag-"))
        # One directory per drag: a target may read the previous file after its drop ended.
        folder = Path(tempfile.mkdtemp(dir=self._drag_dir))
        path = folder / ris_file_name(references)
        path.write_text(text, encoding="utf-8")
        return path

    def close(self) -> None:
        """Remove the temporary drag files (when the window closes)."""
        if self._drag_dir is not None:
            shutil.rmtree(self._drag_dir, ignore_errors=True)
            self._drag_dir = None


_PROBLEM_WORDS = {
    Problem.NO_TITLE: ("has no title", "have no title"),
    Problem.NO_YEAR: ("has no year", "have no year"),
    Problem.NO_AUTHORS: ("has no authors", "have no authors"),
    Problem.INCOMPLETE: ("was cut short", "were cut short"),
}


def warnings_summary(warnings: Sequence[ReferenceWarning]) -> str:
    """ "1 has no title, 2 have no year": the gaps a pasted citation will show.

    Copying succeeds regardless; the status bar says what the reader will find missing,
    so an untitled reference is not pasted into a manuscript unnoticed.
    """
    positions: dict[Problem, set[int]] = {}
    for warning in warnings:
        positions.setdefault(warning.problem, set()).add(warning.position)
    parts = []
    for problem, (one, many) in _PROBLEM_WORDS.items():
        count = len(positions.get(problem, ()))
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


def _count(count: int) -> str:
    return f"{count} reference" if count == 1 else f"{count} references"
