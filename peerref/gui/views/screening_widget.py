"""The Screening tab: one record at a time, one key per decision, the next at once.

The record in large type, its structured abstract with the review's highlight terms
(inclusion terms green, exclusion terms red), and I include, E exclude, M maybe, U undo.
At the full-text stage E takes the reason chosen in the reasons box. Ordered by
relevance, the model is retrained every few decisions while screening goes on: in the
session's worker process when the session has one (``review.ranking_process``; the
window's sessions do), waited for on a ``gui.ops.BackgroundOp`` thread, with a progress
bar in the ranking row following the worker's steps. Its answer reorders the records
after the one on screen, and the tab says what the model learnt (the terms weighing most).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from peerref.core.errors import PeerRefError
from peerref.core.model import Reference
from peerref.core.prisma import Review, ScreeningOrder, Stage, Verdict
from peerref.gui.ops import BackgroundOp, MessagePresenter, report_error
from peerref.review.ranking import Ranked, RankingStep
from peerref.review.screening import RankingRequest, Screening, highlight_spans

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
NO_PROGRESS_DIALOG_MS = 2**31 - 1
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
        # The worker's steps (reading texts, building features, training, ordering), shown
        # only while a ranking runs.
        self.ranking_progress = QProgressBar(self)
        self.ranking_progress.setObjectName("rankingProgress")
        self.ranking_progress.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ranking_progress.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.ranking_progress.setMinimumWidth(220)
        self.ranking_progress.setRange(0, len(RankingStep))
        self.ranking_progress.setVisible(False)
        ranking_row = QHBoxLayout()
        ranking_row.addWidget(self.ranking_label, 1)
        ranking_row.addWidget(self.ranking_progress)
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
        if review.dual:  # blind: only this reviewer's own decisions are counted here
            parts.append(f"dual screening as {self.screening.manager.reviewer}")
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
            lambda context: screening.run_ranking(
                request, context.raise_if_cancelled, context.report_progress
            ),
            parent=self,
            title="Screening",
            label=RANKING_TEXT,
            on_success=lambda ranked: self._ranked(op, request, ranked),
            on_failure=lambda error: self._ranking_failed(op, error),
            on_cancelled=lambda: self._ranking_ended(op),
            show_message=self._show_message,
            progress_delay_ms=NO_PROGRESS_DIALOG_MS,
        )
        op.progressed.connect(
            lambda done, total, what: self._ranking_progressed(op, done, total, what)
        )
        self._ranking_op = op
        self.ranking_progress.setValue(0)
        self.ranking_progress.setFormat("Starting…")
        self._show_ranking_state()
        return op.start()

    def _ranking_progressed(self, op: BackgroundOp, done: int, total: int, what: str) -> None:
        if op is not self._ranking_op:
            return  # a stopped ranking's last words
        self.ranking_progress.setRange(0, total)
        self.ranking_progress.setValue(done)
        self.ranking_progress.setFormat(what or "Done")

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
        self.ranking_progress.setVisible(relevance and self.is_ranking)
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
