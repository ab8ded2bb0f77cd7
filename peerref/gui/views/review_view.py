"""The Review window: screen one record at a time, watch the PRISMA flow diagram grow.

Four tabs, each a widget of its own, wired by :class:`ReviewWindow`:

- :class:`ScreeningWidget`: the record in large type, its structured abstract with the
  review's highlight terms (inclusion terms green, exclusion terms red), and one key per
  decision: I include, E exclude, M maybe, U undo. The next record shows at once; at the
  full-text stage E takes the reason chosen in the reasons box. Ordered by relevance, the
  model is retrained off the UI thread every few decisions (``gui.ops.BackgroundOp``) while
  screening goes on; its answer reorders the records after the one on screen.
- :class:`DiagramWidget`: the PRISMA 2020 diagram drawn by ``peerref.review.diagram``
  (the same figure the CLI writes), shown as SVG and exported as SVG, PNG or PDF.
- :class:`SearchLogWidget`: the search log (PRISMA-S) and the duplicates removed.
- :class:`DecisionsWidget`: every decision, newest first, with its reviewer, time and
  reason. The tables are Qt models over the store (``gui.models.review_models``).

The session (``peerref.review.screening.Screening``) keeps the decisions in memory and
writes each one as its own transaction; the counts, the decisions table and the diagram
are refreshed just after the next record is on screen (the diagram only while its tab is
in front), so a key press never waits for them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QEvent,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from peerref.core.errors import PeerRefError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import Decision, PrismaCounts, Review, ScreeningOrder, Stage, Verdict
from peerref.gui.exporting import ExportController
from peerref.gui.models.review_models import (
    DecisionColumn,
    DecisionsModel,
    ReasonsModel,
    RemovedDuplicatesModel,
    SearchLogModel,
)
from peerref.gui.models.roles import Role
from peerref.gui.ops import BackgroundOp, MessagePresenter, report_error, show_message_box
from peerref.library import Library
from peerref.review import diagram, tables
from peerref.review.ranking import Ranked
from peerref.review.screening import RankingRequest, Screening, highlight_spans
from peerref.review.text import status_lines

INCLUDE_COLOUR = "#c6efce"
EXCLUDE_COLOUR = "#ffc7ce"
STAGE_LABELS = {Stage.TITLE_ABSTRACT: "Title and abstract", Stage.FULL_TEXT: "Full text"}
ORDER_LABELS = {
    ScreeningOrder.IMPORT: "Import order",
    ScreeningOrder.RANDOM: "Random order",
    ScreeningOrder.RELEVANCE: "Most relevant first",
}
# The ranking reports in the screening tab itself: a window-modal progress dialog would
# take the keyboard from the person screening, which is what must never happen.
_NO_PROGRESS_DIALOG_MS = 2**31 - 1
RANKING_TEXT = "Ranking by relevance…"
RANKING_STOPPED_TEXT = "Ranking stopped; the order stays as it was."
UNTRAINED_TEXT = (
    "Import order until one record is included and one excluded; then most relevant first."
)


def marked_html(text: str, review: Review) -> str:
    """``text`` as HTML with the review's highlight terms on coloured backgrounds."""
    pieces: list[str] = []
    position = 0
    for start, end, inclusion in highlight_spans(text, review):
        pieces.append(html.escape(text[position:start]))
        colour = INCLUDE_COLOUR if inclusion else EXCLUDE_COLOUR
        pieces.append(
            f'<span style="background-color:{colour}">{html.escape(text[start:end])}</span>'
        )
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def abstract_html(reference: Reference, review: Review) -> str:
    """The structured abstract: each heading in bold on its own line, then its text."""
    if not reference.abstract:
        return "<p><i>No abstract.</i></p>"
    parts = []
    for section in reference.abstract:
        heading = f"<b>{html.escape(section.heading)}</b><br>" if section.heading else ""
        parts.append(f"<p>{heading}{marked_html(section.text, review)}</p>")
    return "".join(parts)


class ScreeningWidget(QWidget):
    """One record at a time with a key per decision (see the module docstring)."""

    decided = Signal()
    """A decision was recorded or undone; counts and diagram are out of date."""
    ranking_finished = Signal()
    """A relevance ranking ended (applied, dropped as stale, stopped, or failed)."""

    def __init__(
        self, screening: Screening, parent: QWidget | None = None, *, show_message: MessagePresenter
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screeningWidget")
        self.screening = screening
        self._show_message = show_message

        self.stage_box = QComboBox(self)
        self.stage_box.setObjectName("stageBox")
        for stage, label in STAGE_LABELS.items():
            self.stage_box.addItem(label, stage.value)
        self.order_box = QComboBox(self)
        self.order_box.setObjectName("orderBox")
        for order, label in ORDER_LABELS.items():
            self.order_box.addItem(label, order.value)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("progressLabel")
        top = QHBoxLayout()
        top.addWidget(QLabel("Stage:", self))
        top.addWidget(self.stage_box)
        top.addWidget(QLabel("Order:", self))
        top.addWidget(self.order_box)
        top.addStretch(1)
        top.addWidget(self.progress_label)

        self.ranking_label = QLabel(self)
        self.ranking_label.setObjectName("rankingLabel")
        self.ranking_label.setWordWrap(True)
        self.stop_ranking_button = QPushButton("Stop Ranking", self)
        self.stop_ranking_button.setObjectName("stopRankingButton")
        self.stop_ranking_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stop_ranking_button.clicked.connect(self.stop_ranking)
        ranking_row = QHBoxLayout()
        ranking_row.addWidget(self.ranking_label, 1)
        ranking_row.addWidget(self.stop_ranking_button)
        self._ranking_op: BackgroundOp | None = None

        self.title_label = QLabel(self)
        self.title_label.setObjectName("screeningTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.details_label = QLabel(self)
        self.details_label.setObjectName("screeningDetails")
        self.details_label.setWordWrap(True)
        self.abstract_view = QTextBrowser(self)
        self.abstract_view.setObjectName("screeningAbstract")
        abstract_font = QFont(self.abstract_view.font())
        abstract_font.setPointSizeF(abstract_font.pointSizeF() * 1.2)
        self.abstract_view.setFont(abstract_font)
        self.abstract_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.reason_box = QComboBox(self)
        self.reason_box.setObjectName("reasonBox")
        self.reason_box.setPlaceholderText("Reason for exclusion…")
        self.reason_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.include_button = QPushButton("&Include (I)", self)
        self.exclude_button = QPushButton("&Exclude (E)", self)
        self.maybe_button = QPushButton("&Maybe (M)", self)
        self.undo_button = QPushButton("&Undo (U)", self)
        for button, name in (
            (self.include_button, "includeButton"),
            (self.exclude_button, "excludeButton"),
            (self.maybe_button, "maybeButton"),
            (self.undo_button, "undoButton"),
        ):
            button.setObjectName(name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.include_button)
        buttons.addWidget(self.exclude_button)
        buttons.addWidget(self.reason_box)
        buttons.addWidget(self.maybe_button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("screeningMessage")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(ranking_row)
        layout.addWidget(self.title_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.abstract_view, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)

        self.include_button.clicked.connect(lambda: self.decide(Verdict.INCLUDE))
        self.exclude_button.clicked.connect(lambda: self.decide(Verdict.EXCLUDE))
        self.maybe_button.clicked.connect(lambda: self.decide(Verdict.MAYBE))
        self.undo_button.clicked.connect(self.undo)
        # Plain letters, as in ASReview and Rayyan: one key per decision, no modifier.
        # Handled as key events, not QShortcuts: a shortcut fires only while its window
        # is the active one, and when it does not, the letter falls through to whichever
        # box has the focus (a combo box takes "E" as "choose the item starting with E").
        # Key events on the widget and on its boxes always arrive, active window or not.
        self._keys: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_I: lambda: self.decide(Verdict.INCLUDE),
            Qt.Key.Key_E: lambda: self.decide(Verdict.EXCLUDE),
            Qt.Key.Key_M: lambda: self.decide(Verdict.MAYBE),
            Qt.Key.Key_U: self.undo,
        }
        for box in (self.stage_box, self.order_box, self.reason_box):
            box.installEventFilter(self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stage_box.currentIndexChanged.connect(self._on_stage_chosen)
        self.order_box.currentIndexChanged.connect(self._on_order_chosen)
        self.fill_reasons()
        self.show_current()
        self._show_ranking_state()

    def _decision_key(self, event: QKeyEvent) -> bool:
        """Act on a decision key; whether ``event`` was one (and so is used up)."""
        action = self._keys.get(Qt.Key(event.key()))
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if not event.isAutoRepeat():  # a held key decides one record, not twenty
            action()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._decision_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._decision_key(event)
        return super().eventFilter(watched, event)

    # -- showing --------------------------------------------------------------------------

    def fill_reasons(self) -> None:
        chosen = self.reason_box.currentText()
        self.reason_box.clear()
        self.reason_box.addItems(list(self.screening.review.reasons))
        self.reason_box.setCurrentIndex(self.reason_box.findText(chosen))
        self.reason_box.setVisible(self.screening.stage is Stage.FULL_TEXT)

    def show_current(self) -> None:
        """Show the record to decide now (or that nothing is left)."""
        reference = self.screening.current()
        progress = self.screening.progress()
        review = self.screening.review
        total = progress.decided + progress.remaining + progress.maybe
        parts = [
            f"{progress.decided} of {total} decided",
            f"relevant found: {progress.relevant_found} of {progress.decided} screened",
        ]
        if progress.maybe:
            parts.append(f"{progress.maybe} maybe")
        if self.screening.stage is Stage.TITLE_ABSTRACT and progress.relevant_screened:
            parts.append(f"{progress.since_last_relevant} since the last relevant")
        self.progress_label.setText(" · ".join(parts))
        has_record = reference is not None and (progress.remaining > 0 or progress.maybe > 0)
        for button in (self.include_button, self.exclude_button, self.maybe_button):
            button.setEnabled(has_record)
        if reference is None:
            self.title_label.setText("Nothing left to screen at this stage")
            self.details_label.setText(
                "Choose the full-text stage to assess the included records."
                if self.screening.stage is Stage.TITLE_ABSTRACT
                else ""
            )
            self.abstract_view.setHtml("")
            return
        self.title_label.setText(marked_html(reference.title or "[untitled]", review))
        names = ", ".join(c.display_name() for c in reference.authors[:8])
        if len(reference.authors) > 8:
            names += " et al."
        held = self.screening.decision_of(reference.id) if reference.id is not None else None
        details = [
            names,
            str(reference.issued.year or ""),
            reference.container_title,
            "marked maybe" if held is not None else "",
        ]
        self.details_label.setText(" · ".join(d for d in details if d))
        self.abstract_view.setHtml(abstract_html(reference, review))

    # -- deciding -------------------------------------------------------------------------

    def decide(self, verdict: Verdict) -> None:
        if self.screening.current_id() is None:
            return
        reason = ""
        if verdict is Verdict.EXCLUDE and self.screening.stage is Stage.FULL_TEXT:
            reason = self.reason_box.currentText()
            if not reason:
                self.message_label.setText("Choose a reason for the exclusion first.")
                self.reason_box.setFocus()
                return
        try:
            self.screening.decide(verdict, reason)
        except PeerRefError as error:
            self._show_message(self, "Screening", str(error))
            return
        self.message_label.setText("")
        self.show_current()
        self.decided.emit()
        self.rank_if_due()

    def undo(self) -> None:
        try:
            undone = self.screening.undo()
        except PeerRefError as error:
            self._show_message(self, "Screening", str(error))
            return
        self.message_label.setText(
            "Nothing to undo."
            if undone is None
            else f"Took back “{undone.verdict.value}” on #{undone.reference_id}."
        )
        self.show_current()
        if undone is not None:
            self.decided.emit()
            self.rank_if_due()

    def _on_stage_chosen(self, index: int) -> None:
        stage = Stage(self.stage_box.itemData(index))
        if stage is not self.screening.stage:
            self.screening.set_stage(stage)
            self.fill_reasons()
            self.show_current()
            self.rank_if_due()

    def _on_order_chosen(self, index: int) -> None:
        order = ScreeningOrder(self.order_box.itemData(index))
        if order is not self.screening.order:
            self.screening.set_order(order)
            self.show_current()
            self.rank_if_due()
            self._show_ranking_state()

    # -- ranking by relevance, off the UI thread ---------------------------------------------

    @property
    def is_ranking(self) -> bool:
        return self._ranking_op is not None

    def rank_if_due(self) -> BackgroundOp | None:
        """Start retraining when the session asks for it and no ranking is running.

        One ranking at a time: decisions made meanwhile are taken up by the next one,
        started as soon as this one has landed.
        """
        if self._ranking_op is not None or not self.screening.ranking_due:
            return None
        request = self.screening.ranking_request()
        screening = self.screening
        op = BackgroundOp(
            lambda context: screening.run_ranking(request, context.raise_if_cancelled),
            parent=self,
            title="Screening",
            label=RANKING_TEXT,
            on_success=lambda ranked: self._ranked(op, request, ranked),
            on_failure=lambda error: self._ranking_failed(op, error),
            on_cancelled=lambda: self._ranking_ended(op),
            show_message=self._show_message,
            progress_delay_ms=_NO_PROGRESS_DIALOG_MS,
        )
        self._ranking_op = op
        self._show_ranking_state()
        return op.start()

    def stop_ranking(self) -> None:
        """Stop the running ranking: the order stays as it was until the next one."""
        op, self._ranking_op = self._ranking_op, None
        if op is None:
            return
        # The worker stops at its next step; whatever it answers is ignored.
        op.cancel()
        self._show_ranking_state(RANKING_STOPPED_TEXT)
        self.ranking_finished.emit()

    def _ranked(self, op: BackgroundOp, request: RankingRequest, ranked: Ranked) -> None:
        if op is not self._ranking_op:
            return  # stopped meanwhile
        self._ranking_op = None
        if self.screening.apply_ranking(request, ranked):
            self.show_current()
        self._show_ranking_state()
        self.ranking_finished.emit()
        self.rank_if_due()

    def _ranking_failed(self, op: BackgroundOp, error: BaseException) -> None:
        if op is not self._ranking_op:
            return
        self._ranking_op = None
        report_error(self, error, title="Screening", show_message=self._show_message)
        self._show_ranking_state("Could not rank by relevance; the order stays as it was.")
        self.ranking_finished.emit()

    def _ranking_ended(self, op: BackgroundOp) -> None:
        if op is self._ranking_op:
            self._ranking_op = None
            self._show_ranking_state(RANKING_STOPPED_TEXT)
            self.ranking_finished.emit()

    def _show_ranking_state(self, note: str = "") -> None:
        """What the ranking is doing, and why the order is what it is (explainable)."""
        relevance = self.screening.order is ScreeningOrder.RELEVANCE
        self.ranking_label.setVisible(relevance)
        self.stop_ranking_button.setVisible(relevance and self.is_ranking)
        if not relevance:
            return
        ranking = self.screening.last_ranking
        if self.is_ranking:
            text = RANKING_TEXT
        elif note:
            text = note
        elif ranking is None or not ranking.trained:
            text = UNTRAINED_TEXT
        else:
            text = "Most relevant first, learnt from the decisions so far"
            if ranking.relevant_terms:
                text += " · for: " + ", ".join(ranking.relevant_terms[:5])
            if ranking.irrelevant_terms:
                text += " · against: " + ", ".join(ranking.irrelevant_terms[:5])
        self.ranking_label.setText(text)


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
            progress_delay_ms=_NO_PROGRESS_DIALOG_MS,
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


def _read_only_table(name: str, model: QAbstractItemModel, parent: QWidget) -> QTableView:
    """A view of ``model`` sortable by any column (on ``Role.SORT``), first in its own order.

    Clicking a header sorts; a third click gives the model's order back (oldest search
    first, newest decision first).
    """
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Role.SORT)
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    header = view.horizontalHeader()
    header.setSortIndicatorClearable(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    # One line a row, as the library's table: 20,000 decisions are a lot to scroll.
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


class SearchLogWidget(QWidget):
    """The searches that fed the review (PRISMA-S) and the duplicates removed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchLogWidget")
        self.log_model = SearchLogModel(self)
        self.duplicates_model = RemovedDuplicatesModel(self)
        self.log_table = _read_only_table("searchLogTable", self.log_model, self)
        self.duplicates_table = _read_only_table("duplicatesTable", self.duplicates_model, self)
        self.log_table.setAccessibleName("Searches")
        self.duplicates_table.setAccessibleName("Duplicates removed before screening")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Searches", self))
        layout.addWidget(self.log_table, 2)
        layout.addWidget(QLabel("Duplicates removed before screening", self))
        layout.addWidget(self.duplicates_table, 1)

    def show_state(self, screening: Screening, library: Library) -> None:
        state = library.reviews.state(screening.review)
        self.log_model.set_records(state.records)
        self.duplicates_model.set_duplicates(state.duplicates)
        for table in (self.log_table, self.duplicates_table):
            table.resizeColumnsToContents()


class DecisionsWidget(QWidget):
    """Every decision, newest first: who made it, when, at which stage, and why."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionsWidget")
        self.model = DecisionsModel(library.reviews.titles, self)
        self.table = _read_only_table("decisionsTable", self.model, self)
        self.table.setAccessibleName("Decisions")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (DecisionColumn.TIME, 150),
            (DecisionColumn.REVIEWER, 110),
            (DecisionColumn.STAGE, 110),
            (DecisionColumn.VERDICT, 80),
            (DecisionColumn.REASON, 160),
            (DecisionColumn.IN_FORCE, 70),
            (DecisionColumn.REFERENCE, 80),
        ):
            self.table.setColumnWidth(column, width)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("decisionsSummary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)

    def show_decisions(self, decisions: Sequence[Decision]) -> None:
        self.model.set_decisions(decisions)
        reviewers = sorted({d.reviewer for d in decisions if d.reviewer})
        text = f"{len(decisions)} decision(s)"
        if reviewers:
            text += " by " + ", ".join(reviewers)
        self.summary_label.setText(text)


class ReasonsDialog(QDialog):
    """Edit the review's name, its list of exclusion reasons and its highlight terms.

    The reasons are a list edited in place (double-click or F2), with buttons to add,
    remove and reorder them: the order is the order of the reasons box while screening.
    """

    def __init__(
        self,
        review: Review,
        parent: QWidget | None = None,
        *,
        uses: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewSettingsDialog")
        self.setWindowTitle(f"{review.name}: reasons and highlight terms")
        self.name_edit = QLineEdit(review.name, self)
        self.reasons_model = ReasonsModel(review.reasons, uses, self)
        self.reasons_view = QListView(self)
        self.reasons_view.setObjectName("reasonsList")
        self.reasons_view.setAccessibleName("Reasons for exclusion")
        self.reasons_view.setModel(self.reasons_model)
        self.reasons_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.add_reason_button = QPushButton("&Add", self)
        self.remove_reason_button = QPushButton("&Remove", self)
        self.up_reason_button = QPushButton("Move U&p", self)
        self.down_reason_button = QPushButton("Move Do&wn", self)
        for button, name in (
            (self.add_reason_button, "addReasonButton"),
            (self.remove_reason_button, "removeReasonButton"),
            (self.up_reason_button, "upReasonButton"),
            (self.down_reason_button, "downReasonButton"),
        ):
            button.setObjectName(name)
        self.add_reason_button.clicked.connect(self.add_reason)
        self.remove_reason_button.clicked.connect(self.remove_reason)
        self.up_reason_button.clicked.connect(lambda: self.move_reason(-1))
        self.down_reason_button.clicked.connect(lambda: self.move_reason(1))
        self.reasons_view.selectionModel().currentChanged.connect(self._update_buttons)
        self.reasons_model.rowsRemoved.connect(self._update_buttons)
        reason_buttons = QVBoxLayout()
        for button in (
            self.add_reason_button,
            self.remove_reason_button,
            self.up_reason_button,
            self.down_reason_button,
        ):
            reason_buttons.addWidget(button)
        reason_buttons.addStretch(1)
        reasons = QHBoxLayout()
        reasons.addWidget(self.reasons_view, 1)
        reasons.addLayout(reason_buttons)

        self.include_edit = QLineEdit("; ".join(review.include_terms), self)
        self.include_edit.setPlaceholderText("terms separated by ;")
        self.exclude_edit = QLineEdit("; ".join(review.exclude_terms), self)
        self.exclude_edit.setPlaceholderText("terms separated by ;")
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Reasons for exclusion:", reasons)
        form.addRow("Inclusion terms (green):", self.include_edit)
        form.addRow("Exclusion terms (red):", self.exclude_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_buttons()

    def _current_row(self) -> int:
        index = self.reasons_view.currentIndex()
        return index.row() if index.isValid() else -1

    def _update_buttons(self) -> None:
        row, count = self._current_row(), self.reasons_model.rowCount()
        # At least one reason stays: a full-text exclusion always needs one to give.
        self.remove_reason_button.setEnabled(0 <= row < count and count > 1)
        self.up_reason_button.setEnabled(row > 0)
        self.down_reason_button.setEnabled(0 <= row < count - 1)

    def add_reason(self) -> None:
        """Add a reason at the end and start typing its name."""
        index = self.reasons_model.index(self.reasons_model.add())
        self.reasons_view.setCurrentIndex(index)
        self.reasons_view.edit(index)

    def remove_reason(self) -> None:
        row = self._current_row()
        if self.reasons_model.rowCount() > 1 and self.reasons_model.remove(row):
            remaining = self.reasons_model.rowCount()
            self.reasons_view.setCurrentIndex(self.reasons_model.index(min(row, remaining - 1)))

    def move_reason(self, delta: int) -> None:
        row = self._current_row()
        if row >= 0:
            moved = self.reasons_model.move(row, delta)
            self.reasons_view.setCurrentIndex(self.reasons_model.index(moved))
            self._update_buttons()

    def values(self) -> tuple[str, list[str], list[str], list[str]]:
        def split(text: str) -> list[str]:
            return [t.strip() for t in text.split(";") if t.strip()]

        return (
            self.name_edit.text(),
            self.reasons_model.reasons,
            split(self.include_edit.text()),
            split(self.exclude_edit.text()),
        )


class ReviewWindow(QMainWindow):
    """A review's own window: screening, the flow diagram, the search log."""

    closed = Signal()

    def __init__(
        self,
        library: Library,
        review: Review,
        parent: QWidget | None = None,
        *,
        show_message: MessagePresenter = show_message_box,
        exporter: ExportController | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.library = library
        self._show_message = show_message
        # The main window's exports (every format, bibliographies in any style); without
        # it (a window on its own) the included set goes out through the format writers.
        self._exporter = exporter
        self.screening = Screening(library.reviews, review, defer_ranking=True)
        self.screening_widget = ScreeningWidget(self.screening, self, show_message=show_message)
        self.diagram_widget = DiagramWidget(review.name, self, show_message=show_message)
        self.log_widget = SearchLogWidget(self)
        self.decisions_widget = DecisionsWidget(library, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reviewTabs")
        self.tabs.addTab(self.screening_widget, "&Screening")
        self.tabs.addTab(self.diagram_widget, "PRISMA &Diagram")
        self.tabs.addTab(self.log_widget, "Search &Log")
        self.tabs.addTab(self.decisions_widget, "De&cisions")
        self.setCentralWidget(self.tabs)
        self.setWindowTitle(f"Review — {review.name}")
        self.resize(1000, 760)

        menu = self.menuBar().addMenu("&Review")
        self.settings_action = menu.addAction("Reasons and &Highlight Terms…")
        self.settings_action.triggered.connect(self.edit_settings)
        menu.addSeparator()
        self.export_log_action = menu.addAction("Export Search &Log…")
        self.export_log_action.triggered.connect(self.export_log_dialog)
        self.export_decisions_action = menu.addAction("Export &Decisions as CSV…")
        self.export_decisions_action.triggered.connect(self.export_decisions_dialog)
        self.export_included_action = menu.addAction("Export &Included References…")
        self.export_included_action.triggered.connect(self.export_included_dialog)
        self.bibliography_action = menu.addAction("Create &Bibliography of Included…")
        self.bibliography_action.triggered.connect(self.bibliography_dialog)
        self.bibliography_action.setVisible(exporter is not None)
        menu.addSeparator()
        close = menu.addAction("&Close")
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)

        # Counts and diagram follow the decisions just after the next record is shown.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_counts)
        self.screening_widget.decided.connect(self._refresh_timer.start)
        self.tabs.currentChanged.connect(lambda _: self.refresh_counts())
        self.refresh_counts()
        self.log_widget.show_state(self.screening, library)
        self.screening_widget.setFocus()

    @property
    def counts(self) -> PrismaCounts:
        return self.screening.counts

    def refresh_counts(self) -> None:
        self._refresh_timer.stop()
        self.diagram_widget.show_counts(self.screening.counts)
        self.decisions_widget.show_decisions(self.screening.decisions)

    def edit_settings(self) -> None:
        dialog = ReasonsDialog(
            self.screening.review, self, uses=dict(self.screening.counts.excluded_full_text)
        )
        dialog.finished.connect(lambda result: self._apply_settings(dialog, result))
        dialog.open()

    def _apply_settings(self, dialog: ReasonsDialog, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            return
        name, reasons, include, exclude = dialog.values()
        reviews = self.library.reviews
        try:
            review = self.screening.review
            if name.strip() and name.strip() != review.name:
                review = reviews.rename(review, name)
            review = reviews.set_reasons(review, reasons)
            review = reviews.set_terms(review, include=include, exclude=exclude)
        except PeerRefError as error:
            self._show_message(self, "Review", str(error))
            return
        self.screening.set_review(review)
        self.setWindowTitle(f"Review — {review.name}")
        self.diagram_widget.title = review.name
        self.screening_widget.fill_reasons()
        self.screening_widget.show_current()
        self.refresh_counts()

    def _save(self, caption: str, suggested: str, filters: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, caption, suggested, filters)
        return Path(name) if name else None

    def _write(self, path: Path, text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self._show_message(self, "Export", f"Cannot write {path}: {error.strerror or error}")

    def export_log(self, path: Path) -> None:
        state = self.library.reviews.state(self.screening.review)
        fmt: tables.TableFormat = "md" if path.suffix.lower() in {".md", ".markdown"} else "csv"
        self._write(path, tables.search_log(state.records, fmt))

    def export_log_dialog(self) -> None:
        path = self._save(
            "Export search log",
            f"{self.screening.review.name} search log.csv",
            "CSV (*.csv);;Markdown (*.md)",
        )
        if path is not None:
            self.export_log(path)

    def export_decisions(self, path: Path) -> None:
        decisions = list(self.screening.decisions)
        refs = self.library.get_many(sorted({d.reference_id for d in decisions}))
        self._write(path, tables.decisions_csv(decisions, {r.id: r for r in refs if r.id}))

    def export_decisions_dialog(self) -> None:
        path = self._save(
            "Export decisions", f"{self.screening.review.name} decisions.csv", "CSV (*.csv)"
        )
        if path is not None:
            self.export_decisions(path)

    def export_included(self, path: Path, format_name: str) -> None:
        from peerref.formats import registry

        refs = self.library.get_many(self.library.reviews.included_ids(self.screening.review))
        try:
            writer = registry.writer_named(format_name)
        except PeerRefError as error:
            self._show_message(self, "Export", str(error))
            return
        self._write(path, writer.write(refs))

    def _included_for_export(self) -> tuple[str, list[ReferenceId], str]:
        name = self.screening.review.name
        ids = self.library.reviews.included_ids(self.screening.review)
        return f"the included references of “{name}”", ids, f"{name} included"

    def bibliography_dialog(self) -> None:
        """Create Bibliography of the included set, as the main window makes one."""
        if self._exporter is not None:
            self._exporter.open_bibliography_dialog(*self._included_for_export())

    def export_included_dialog(self) -> None:
        if self._exporter is not None:
            self._exporter.open_export_dialog(*self._included_for_export())
            return
        from peerref.formats import registry

        writers = list(registry.writers())
        filters = ";;".join(f"{w.label} (*.{w.extension})" for w in writers)
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export included references", f"{self.screening.review.name} included", filters
        )
        if not name:
            return
        writer = next((w for w in writers if chosen.startswith(w.label)), writers[0])
        self.export_included(Path(name), writer.name)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.screening_widget.stop_ranking()
        self.closed.emit()
        super().closeEvent(event)
