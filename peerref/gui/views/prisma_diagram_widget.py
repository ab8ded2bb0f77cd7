"""The PRISMA Diagram tab: the flow diagram of the current counts, with its exports.

Drawn by ``peerref.review.diagram`` (the same figure the CLI writes) on a worker thread,
and only while the tab is in front; shown as SVG and exported as SVG, PNG or PDF.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from peerref.core.errors import PeerRefError
from peerref.core.prisma import PrismaCounts
from peerref.gui.ops import BackgroundOp, MessagePresenter, report_error
from peerref.gui.views.screening_widget import NO_PROGRESS_DIALOG_MS
from peerref.review import diagram
from peerref.review.text import status_lines


class DiagramWidget(QWidget):
    """The PRISMA 2020 flow diagram of the current counts, with exports."""

    def __init__(
        self, title: str, parent: QWidget | None = None, *, show_message: MessagePresenter
    ) -> None:
        super().__init__(parent)
        self.setObjectName("diagramWidget")
        self.title = title
        self.counts: PrismaCounts | None = None
        self._svg = b""
        self._drawn: tuple[PrismaCounts, str] | None = None
        self._drawing: BackgroundOp | None = None
        self._show_message = show_message
        self.status_label = QLabel(self)
        self.status_label.setObjectName("diagramStatus")
        self.svg_widget = QSvgWidget(self)
        self.svg_widget.setObjectName("diagramSvg")
        self.svg_widget.setMinimumSize(480, 420)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("countsLabel")
        self.counts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt in diagram.FORMATS:
            button = QPushButton(f"Export {fmt.upper()}…", self)
            button.setObjectName(f"export{fmt.upper()}Button")
            button.clicked.connect(lambda _=False, f=fmt: self.export_dialog(f))
            row.addWidget(button)
            self.export_buttons[fmt] = button
        row.addStretch(1)
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.status_label)
        left.addWidget(self.svg_widget, 1)
        left.addLayout(row)
        layout.addLayout(left, 3)
        layout.addWidget(self.counts_label, 1, Qt.AlignmentFlag.AlignTop)

    drawn = Signal()
    """The diagram on screen now shows the latest counts."""

    @property
    def svg(self) -> bytes:
        """The diagram of the latest counts as SVG, drawn now if it is out of date."""
        if self.counts is not None and self._drawn != (self.counts, self.title):
            self._show_svg(
                (self.counts, self.title),
                diagram.render(self.counts, "svg", title=self.title),
            )
        return self._svg

    @property
    def is_drawing(self) -> bool:
        return self._drawing is not None

    def show_counts(self, counts: PrismaCounts) -> None:
        """Take the latest counts; the diagram is redrawn only while it can be seen.

        Drawing takes a tenth of a second or more, and the first drawing of a session
        imports matplotlib (seconds on a slow machine): it runs on a worker thread, and
        only while this tab is in front, so neither the keys of the Screening tab nor a
        click on this tab ever waits for a picture.
        """
        self.counts = counts
        self.counts_label.setText("\n".join(status_lines(counts)))
        if self.isVisible():
            self.draw_if_stale()

    def draw_if_stale(self) -> BackgroundOp | None:
        """Start drawing the latest counts unless they are on screen or being drawn."""
        if self.counts is None or self._drawing is not None:
            return None
        wanted = (self.counts, self.title)
        if self._drawn == wanted:
            return None
        counts, title = wanted
        op = BackgroundOp(
            lambda _context: diagram.render(counts, "svg", title=title),
            parent=self,
            title="PRISMA diagram",
            label="Drawing the diagram…",
            on_success=lambda svg: self._drawing_done(op, wanted, svg),
            on_failure=lambda error: self._drawing_failed(op, error),
            show_message=self._show_message,
            cancellable=False,
            progress_delay_ms=NO_PROGRESS_DIALOG_MS,
        )
        self._drawing = op
        if self._drawn is None:
            self.status_label.setText("Drawing the diagram…")
        return op.start()

    def _drawing_done(self, op: BackgroundOp, drawn: tuple[PrismaCounts, str], svg: bytes) -> None:
        if op is not self._drawing:
            return
        self._drawing = None
        if self._drawn != (self.counts, self.title):  # not already drawn by ``svg``
            self._show_svg(drawn, svg)
        # Decisions made while it was drawn: draw again (one drawing at a time).
        if self.isVisible():
            self.draw_if_stale()

    def _drawing_failed(self, op: BackgroundOp, error: BaseException) -> None:
        if op is self._drawing:
            self._drawing = None
            self.status_label.setText("Could not draw the diagram.")
            report_error(self, error, title="PRISMA diagram", show_message=self._show_message)

    def _show_svg(self, drawn: tuple[PrismaCounts, str], svg: bytes) -> None:
        self._svg = svg
        self._drawn = drawn
        self.status_label.setText("")
        self.svg_widget.load(QByteArray(svg))
        size = self.svg_widget.renderer().defaultSize()
        self.svg_widget.setMinimumSize(size.width() // 2, size.height() // 2)
        if drawn == (self.counts, self.title):
            self.drawn.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.draw_if_stale()

    def export_to(self, path: Path, fmt: diagram.DiagramFormat) -> None:
        if self.counts is None:
            return
        try:
            diagram.export(self.counts, path, fmt, title=self.title)
        except PeerRefError as error:
            self._show_message(self, "Export diagram", str(error))

    def export_dialog(self, fmt: diagram.DiagramFormat) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export PRISMA diagram", f"{self.title} PRISMA.{fmt}", f"{fmt.upper()} (*.{fmt})"
        )
        if name:
            self.export_to(Path(name), fmt)
