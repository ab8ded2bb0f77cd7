"""Getting references in: drops, pastes and files become an import preview.

The controller reads what a drop or the clipboard offers on the UI thread (a
``QMimeData`` is not to be touched from elsewhere), reduces it to plain values (text,
HTML, file paths), parses those on a worker thread through ``peerref.formats`` and opens
the :class:`~peerref.gui.dialogs.import_preview.ImportPreviewDialog` with the result.
Input that cannot hold references (an image, a binary file, text no reader recognises)
gets one clear message and changes nothing.

The main window owns one :class:`ImportController`, forwards drops and Ctrl+V to it,
connects ``import_finished`` to make the import undoable and select the new references,
and ``show_existing_requested`` to select the stored reference an entry duplicates.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from peerref.core.errors import FormatError, PeerRefError, UserInputError
from peerref.core.limits import input_too_large_message
from peerref.core.model import CollectionId, ImportMethod
from peerref.formats import registry
from peerref.formats.base import ParseResult
from peerref.formats.html import NAME as HTML_FORMAT_NAME
from peerref.formats.html import parse_richest_payload
from peerref.gui.clipboard import REFERENCE_IDS_MIME
from peerref.gui.dialogs.import_preview import ImportPreviewDialog, PendingImport
from peerref.gui.ops import (
    PROGRESS_DELAY_MS,
    BackgroundOp,
    MessagePresenter,
    OpContext,
    report_error,
    show_message_box,
)
from peerref.library import ImportOutcome, Library

log = logging.getLogger(__name__)

MIME_PLAIN = "text/plain"
MIME_HTML = "text/html"
# What Windows calls HTML on its clipboard, as Qt names the raw format; Qt normally
# converts it to text/html itself, but some sources only offer the raw one.
MIME_WINDOWS_HTML = 'application/x-qt-windows-mime;value="HTML Format"'
# Formats that say "this is a picture", whatever else comes with it.
IMAGE_PREFIX = "image/"

# Files and pastes larger than ``MAX_INPUT_BYTES`` are refused before reading: no results
# page or export is this big, reading a video into memory would only end in a "binary
# data" message anyway, and parsing 200 MB would take the memory of several gigabytes.

TITLE_NOTHING_IMPORTED = "Nothing imported"


@dataclass(frozen=True, slots=True)
class ImportInput:
    """What a drop, paste or file choice offered, reduced to plain values.

    Exactly one of ``path`` or the texts is used: a file is read on the worker thread,
    texts were copied out of the ``QMimeData`` on the UI thread.

    Attributes:
        source_name: what a person calls it ("the clipboard", "dropped text", "refs.ris").
        method: how it reached PeerRef, kept in the import batch.
        plain: the text/plain flavour, "" when absent.
        html: the text/html flavour (possibly with a Windows CF_HTML header), "" when absent.
        path: a local file to read, when this input is a file.
    """

    source_name: str
    method: ImportMethod
    plain: str = ""
    html: str = ""
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class ParsedInputs:
    """The outcome of parsing several inputs: what can be previewed and what failed."""

    pending: tuple[PendingImport, ...]
    failures: tuple[tuple[str, str], ...]  # (source name, message)


def inputs_from_mime_data(
    mime: QMimeData, method: ImportMethod, *, source_name: str = ""
) -> list[ImportInput]:
    """Plain values from a drop or the clipboard, most useful flavour first.

    Local files win over text (a dragged file also offers its path as text); text and
    HTML travel together so the parser can pick the richer. Runs on the UI thread.

    Raises:
        FormatError: the data holds an image, only web links, or nothing readable;
            the message says which.
    """
    formats = [fmt for fmt in mime.formats() if fmt]
    where = source_name or ("the clipboard" if method is ImportMethod.PASTE else "the drop")
    # Measured as bytes, before any flavour becomes a Python string on the UI thread
    # (``MAX_INPUT_BYTES`` in ``core.limits``).
    largest = max((mime.data(fmt).size() for fmt in _TEXT_FLAVOURS if fmt in formats), default=0)
    if (too_large := input_too_large_message(largest, f"the text in {where}")) is not None:
        raise FormatError(too_large)
    if mime.hasUrls():
        urls = mime.urls()
        files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        if files:
            return [ImportInput(path.name, method, path=path) for path in files]
        if not _has_text(mime) or _is_only_links(_plain_text(mime)):
            raise FormatError(
                f"{where.capitalize()} holds links to web pages ({_describe_urls(urls)}). "
                "PeerRef does not download pages: select the results on the page, copy "
                "them and paste here instead."
            )
    if _has_text(mime):
        plain = _plain_text(mime)
        html = mime.html() if mime.hasHtml() else ""
        if not html and MIME_WINDOWS_HTML in formats:
            html = registry.decode(bytes(mime.data(MIME_WINDOWS_HTML).data()))
        label = source_name or ("the clipboard" if method is ImportMethod.PASTE else "dropped text")
        return [ImportInput(label, method, plain=plain, html=html)]
    if mime.hasImage() or any(fmt.startswith(IMAGE_PREFIX) for fmt in formats):
        raise FormatError(
            f"{where.capitalize()} holds an image. PeerRef reads references from text: copy "
            "the text of a results page or a reference list, or drop a RIS, BibTeX, "
            "MEDLINE, CSL-JSON or HTML file."
        )
    offered = ", ".join(formats) if formats else "nothing"
    raise FormatError(
        f"{where.capitalize()} holds no text or files to read references from "
        f"(it offers: {offered})."
    )


_TEXT_FLAVOURS = (MIME_PLAIN, MIME_HTML, MIME_WINDOWS_HTML)


def _plain_text(mime: QMimeData) -> str:
    # Not mime.text() alone: Qt answers it with the URLs when there is no text/plain.
    return mime.text() if mime.hasFormat(MIME_PLAIN) else ""


def _is_only_links(text: str) -> bool:
    words = text.split()
    return bool(words) and all(word.startswith(("http://", "https://")) for word in words)


def _has_text(mime: QMimeData) -> bool:
    has_plain = bool(_plain_text(mime).strip())
    has_html = mime.hasHtml() and bool(mime.html().strip())
    return has_plain or has_html or MIME_WINDOWS_HTML in mime.formats()


def _describe_urls(urls: Sequence[QUrl]) -> str:
    shown = [url.toDisplayString() for url in urls[:2]]
    if len(urls) > 2:
        shown.append(f"and {len(urls) - 2} more")
    return ", ".join(shown)


def read_file_text(path: Path) -> registry.DecodedText:
    """The text of a file, decoded as the registry decodes dropped bytes, with the encoding
    it was read in and whether that was a guess (which the preview then says).

    Raises:
        UserInputError: the file is missing, a folder, unreadable or too large.
        FormatError: the file is binary (an image, a PDF, a program).
    """
    try:
        if path.is_dir():
            raise UserInputError(f"{path.name} is a folder, not a file with references")
        size = path.stat().st_size
        if (too_large := input_too_large_message(size, path.name)) is not None:
            raise UserInputError(too_large)
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise UserInputError(f"{path.name} does not exist (any more)") from error
    except OSError as error:
        raise UserInputError(f"cannot read {path.name}: {error.strerror or error}") from error
    if not data.strip():
        raise FormatError(f"{path.name} is empty")
    return registry.decode_bytes(data)


def parse_input(item: ImportInput) -> PendingImport:
    """Parse one input with the registry; the work a worker thread does per input.

    Raises:
        PeerRefError: the input cannot be read or holds no references.
    """
    if item.path is not None:
        decoded = read_file_text(item.path)
        try:
            result = registry.parse_text(decoded.text)
        except FormatError as error:
            raise FormatError(f"{item.path.name}: {error}", tried=error.tried) from error
        result = registry.with_encoding_warning(result, decoded, item.path.name)
        return PendingImport(result, decoded.text, item.method, item.source_name)
    result, raw = parse_offered_text(item.plain, item.html)
    return PendingImport(result, raw, item.method, item.source_name)


def parse_offered_text(plain: str, html: str) -> tuple[ParseResult, str]:
    """Parse text offered as text/plain and/or text/html; the richer result wins.

    The choice is the HTML reader's (``parse_richest_payload``); returned with it is
    the flavour the result was read from, kept verbatim as the batch's provenance.

    Raises:
        FormatError: neither flavour holds references.
    """
    offered: dict[str, str] = {}
    if plain.strip():
        offered[MIME_PLAIN] = plain
    if html.strip():
        offered[MIME_HTML] = html
    if not offered:
        raise FormatError("the text is empty")
    result = parse_richest_payload(offered)
    from_html = result.format_name == HTML_FORMAT_NAME and MIME_HTML in offered
    raw = offered[MIME_HTML] if from_html or MIME_PLAIN not in offered else offered[MIME_PLAIN]
    return result, raw


def parse_inputs(items: Sequence[ImportInput], context: OpContext) -> ParsedInputs:
    """Parse several inputs, reporting progress and stopping when the user cancels.

    A failing input is recorded with its message and does not stop the others: from
    three dropped files, the two good ones still reach the preview.
    """
    pending: list[PendingImport] = []
    failures: list[tuple[str, str]] = []
    for done, item in enumerate(items):
        context.raise_if_cancelled()
        if len(items) > 1:
            message = f"Reading {item.source_name} ({done + 1} of {len(items)})…"
            context.report_progress(done, len(items), message)
        try:
            pending.append(parse_input(item))
        except PeerRefError as error:
            failures.append((item.source_name, str(error)))
    context.raise_if_cancelled()
    return ParsedInputs(tuple(pending), tuple(failures))


READABLE_SOURCES = (
    "PeerRef reads pages copied from Emerald Insight, ScienceGate, PubMed and Google Scholar, "
    "reference files (RIS, BibTeX, …) and reference lists."
)
_NOT_RECOGNISED = "no references recognised"


def _is_unrecognised(message: str) -> bool:
    return message.casefold().startswith(_NOT_RECOGNISED) or (
        ": " + _NOT_RECOGNISED in message.casefold()
    )


def _where(name: str) -> str:
    if name in ("the clipboard", "pasted text"):
        return "the pasted text"
    if name in ("the drop", "dropped text"):
        return "the dropped text"
    return name


def failure_message(failures: Sequence[tuple[str, str]], *, nothing_else: bool) -> str:
    """One message for the inputs that gave no references.

    Text that matched no format gets one plain sentence and what PeerRef can read; the
    readers' own explanations (which formats were tried) go to :func:`failure_details`.
    """
    if len(failures) == 1 and nothing_else:
        name, message = failures[0]
        if _is_unrecognised(message):
            return f"No references found in {_where(name)}. {READABLE_SOURCES}"
        return _with_name(name, message) + "\n\nNothing was imported."
    lines = [
        f"• {_where(name)}: no references found"
        if _is_unrecognised(message)
        else f"• {_with_name(name, message)}"
        for name, message in failures
    ]
    head = "No references were found:" if nothing_else else "Some inputs were not imported:"
    return "\n".join([head, *lines])


def failure_details(failures: Sequence[tuple[str, str]]) -> str:
    """What was tried for each input, for the message box's "Show Details"."""
    return "\n\n".join(f"{name}: {message}" for name, message in failures)


def _with_name(name: str, message: str) -> str:
    if message.startswith(name):
        return message[0].upper() + message[1:]
    return f"{name}: {message}"


class ImportController(QObject):
    """Turns drops, pastes and files into previews and previews into imports.

    Signals:
        import_finished(ImportOutcome): an import committed; select ``changes.added``, and
            keep its fills and collection additions for undo.
        import_failed(str): the input was rejected (after the message was shown).
        preview_opened(ImportPreviewDialog): a preview is on screen.
        message_posted(str): a one-line summary for the status bar.
        show_existing_requested(int): the person asked, in a preview, to see the stored
            reference (this id) that an entry duplicates.
    """

    import_finished = Signal(object)
    import_failed = Signal(str)
    show_existing_requested = Signal(int)
    preview_opened = Signal(object)
    message_posted = Signal(str)

    def __init__(
        self,
        library: Library,
        parent_widget: QWidget,
        *,
        show_message: MessagePresenter = show_message_box,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent_widget)
        self._library = library
        self._parent_widget = parent_widget
        self._show_message = show_message
        self._progress_delay_ms = progress_delay_ms
        self._queue: deque[tuple[PendingImport, CollectionId | None]] = deque()
        self._preview: ImportPreviewDialog | None = None
        self._parse_op: BackgroundOp | None = None

    @property
    def preview(self) -> ImportPreviewDialog | None:
        """The preview on screen, if any."""
        return self._preview

    @property
    def is_busy(self) -> bool:
        return self._parse_op is not None or self._preview is not None

    @staticmethod
    def can_import(mime: QMimeData | None) -> bool:
        """Whether to accept a drag: anything with content, so bad drops get a message.

        References dragged from PeerRef itself are not imports (they go onto collections).
        """
        if mime is None or mime.hasFormat(REFERENCE_IDS_MIME):
            return False
        return bool([fmt for fmt in mime.formats() if fmt])

    def import_mime_data(
        self,
        mime: QMimeData,
        method: ImportMethod = ImportMethod.DROP,
        collection: CollectionId | None = None,
    ) -> BackgroundOp | None:
        """Preview and import what a drop (or paste) offers; None when rejected at once.

        Call it from ``dropEvent`` (with ``collection`` when dropped on a collection):
        the data is copied out before returning, so the drop can end immediately.
        """
        if mime.hasFormat(REFERENCE_IDS_MIME):
            return None  # PeerRef's own references dropped back on it: nothing to import
        try:
            items = inputs_from_mime_data(mime, method)
        except PeerRefError as error:
            self._reject(str(error))
            return None
        return self._parse_then_preview(items, collection)

    @Slot()
    def import_clipboard(self, collection: CollectionId | None = None) -> BackgroundOp | None:
        """Edit → Import from Clipboard and Ctrl+V in the table."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            self._reject("The clipboard is empty. Copy a results page or a reference list first.")
            return None
        return self.import_mime_data(mime, ImportMethod.PASTE, collection)

    def import_files(
        self,
        paths: Sequence[Path],
        collection: CollectionId | None = None,
        method: ImportMethod = ImportMethod.FILE,
    ) -> BackgroundOp | None:
        """File → Import, files opened with PeerRef, and files handed over by a second launch."""
        items = [ImportInput(Path(path).name, method, path=Path(path)) for path in paths]
        if not items:
            return None
        return self._parse_then_preview(items, collection)

    def import_text(
        self,
        text: str,
        method: ImportMethod = ImportMethod.PASTE,
        source_name: str = "pasted text",
        collection: CollectionId | None = None,
    ) -> BackgroundOp | None:
        """Preview text obtained some other way (a text box, a test)."""
        return self._parse_then_preview([ImportInput(source_name, method, plain=text)], collection)

    # -- flow --------------------------------------------------------------------------

    def _parse_then_preview(
        self, items: Sequence[ImportInput], collection: CollectionId | None
    ) -> BackgroundOp:
        items = tuple(items)
        what = items[0].source_name if len(items) == 1 else f"{len(items)} files"

        def work(context: OpContext) -> ParsedInputs:
            return parse_inputs(items, context)

        def parsed(outcome: ParsedInputs) -> None:
            self._parse_op = None
            self._on_parsed(outcome, collection)

        def stopped() -> None:
            self._parse_op = None
            self.message_posted.emit("Import cancelled; nothing was changed.")

        def failed(error: BaseException) -> None:
            self._parse_op = None
            report_error(
                self._parent_widget,
                error,
                title=TITLE_NOTHING_IMPORTED,
                show_message=self._show_message,
            )
            self.import_failed.emit(str(error))

        op = BackgroundOp(
            work,
            parent=self._parent_widget,
            title="Reading references",
            label=f"Reading references from {what}…",
            on_success=parsed,
            on_cancelled=stopped,
            on_failure=failed,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )
        self._parse_op = op
        return op.start()

    def _on_parsed(self, outcome: ParsedInputs, collection: CollectionId | None) -> None:
        if outcome.failures:
            message = failure_message(outcome.failures, nothing_else=not outcome.pending)
            if outcome.pending:
                self._show_message(self._parent_widget, "Some files were not imported", message)
                self.message_posted.emit(message.splitlines()[0])
            else:
                self._reject(message, failure_details(outcome.failures))
                return
        self._queue.extend((pending, collection) for pending in outcome.pending)
        if self._preview is None:
            self._show_next_preview()

    def _show_next_preview(self) -> None:
        if not self._queue:
            return
        pending, collection = self._queue.popleft()
        dialog = ImportPreviewDialog(
            self._library,
            pending,
            collection=collection,
            parent=self._parent_widget,
            show_message=self._show_message,
            progress_delay_ms=self._progress_delay_ms,
        )
        remaining = len(self._queue)
        if remaining:
            dialog.setWindowTitle(f"{dialog.windowTitle()} ({remaining} more to review)")
        dialog.import_finished.connect(self._on_imported)
        dialog.show_existing_requested.connect(self.show_existing_requested)
        dialog.finished.connect(self._on_preview_closed)
        self._preview = dialog
        dialog.open()
        self.preview_opened.emit(dialog)

    @Slot(object)
    def _on_imported(self, outcome: ImportOutcome) -> None:
        self.message_posted.emit(import_summary(outcome))
        self.import_finished.emit(outcome)

    @Slot(int)
    def _on_preview_closed(self, _result: int) -> None:
        dialog, self._preview = self._preview, None
        if dialog is not None:
            dialog.deleteLater()
        self._show_next_preview()

    def _reject(self, message: str, details: str = "") -> None:
        if details and self._show_message is show_message_box:
            show_message_box(self._parent_widget, TITLE_NOTHING_IMPORTED, message, details)
        else:
            self._show_message(self._parent_widget, TITLE_NOTHING_IMPORTED, message)
        self.import_failed.emit(message)


def import_summary(outcome: ImportOutcome) -> str:
    """The status-bar line after an import.

    "Imported 8 references (Emerald Insight); 2 already in your library", or
    "No new references (RIS); 1 merged into an existing reference": entries left out
    because the library holds them are told apart from those the person unchecked.
    """
    if outcome.added:
        noun = "reference" if outcome.added == 1 else "references"
        text = f"Imported {outcome.added} {noun} ({outcome.result.format_label})"
    else:
        text = f"No new references ({outcome.result.format_label})"
    extras = []
    if outcome.already_in_library:
        extras.append(f"{outcome.already_in_library} already in your library")
    if outcome.merged:
        extras.append(
            "1 merged into an existing reference"
            if outcome.merged == 1
            else f"{outcome.merged} merged into existing references"
        )
    left_out = outcome.skipped - outcome.already_in_library
    if left_out > 0:
        extras.append(f"{left_out} not imported")
    if outcome.collected:
        count = len(outcome.collected)
        noun = "reference" if count == 1 else "references"
        extras.append(f"{count} existing {noun} added to the collection")
    if extras:
        text += "; " + ", ".join(extras)
    return text
