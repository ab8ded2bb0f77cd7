"""The Review window: screen one record at a time, watch the PRISMA flow diagram grow.

Four tabs, each a widget of its own module, wired here:

- ``screening_widget.ScreeningWidget``: one record at a time, a key per decision, the
  next record at once, relevance ranking retrained in the background;
- ``prisma_diagram_widget.DiagramWidget``: the PRISMA 2020 diagram and its exports;
- ``review_tables_view.SearchLogWidget``: the search log (PRISMA-S) and the duplicates
  removed before screening;
- ``review_tables_view.DecisionsWidget``: every decision, newest first, with its reviewer,
  time and reason;
- ``disagreements_widget.DisagreementsWidget`` (dual reviews only): Cohen's kappa and the
  records the reviewers decided differently, to resolve.

In a dual review the window shows only this reviewer's decisions until the others have
decided the same record (``peerref.core.dual.visible_to``).

The session (``peerref.review.screening.Screening``) keeps the decisions in memory and
writes each one as its own transaction; the counts, the decisions table and the diagram
are refreshed just after the next record is on screen (the diagram only while its tab is
in front), so a key press never waits for them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QTabWidget, QWidget

from peerref.core.errors import PeerRefError
from peerref.core.model import ReferenceId
from peerref.core.prisma import PrismaCounts, Review
from peerref.gui.dialogs.review_settings import ReasonsDialog
from peerref.gui.exporting import ExportController
from peerref.gui.ops import MessagePresenter, show_message_box
from peerref.gui.views.disagreements_widget import DisagreementsWidget
from peerref.gui.views.prisma_diagram_widget import DiagramWidget
from peerref.gui.views.review_tables_view import DecisionsWidget, SearchLogWidget
from peerref.gui.views.screening_widget import ScreeningWidget
from peerref.library import Library
from peerref.review import tables
from peerref.review.screening import Screening


class ReviewWindow(QMainWindow):
    """A review's own window: screening, the flow diagram, the search log, the decisions."""

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
        # Ranked in a worker process of its own: on a thread, scikit-learn would hold
        # the GIL long enough to delay the keys (benchmarks/bench_screening.py).
        self.screening = Screening(
            library.reviews, review, defer_ranking=True, rank_in_process=True
        )
        self.screening_widget = ScreeningWidget(self.screening, self, show_message=show_message)
        self.diagram_widget = DiagramWidget(review.name, self, show_message=show_message)
        self.log_widget = SearchLogWidget(self)
        self.decisions_widget = DecisionsWidget(library, self)
        self.decisions_widget.model.per_reviewer = review.dual
        self.disagreements_widget = DisagreementsWidget(
            self.screening, self, show_message=show_message
        )
        self.disagreements_widget.resolved.connect(self._after_resolution)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reviewTabs")
        self.tabs.addTab(self.screening_widget, "&Screening")
        self.tabs.addTab(self.diagram_widget, "PRISMA &Diagram")
        self.tabs.addTab(self.log_widget, "Search &Log")
        self.tabs.addTab(self.decisions_widget, "De&cisions")
        self._disagreements_tab = self.tabs.addTab(self.disagreements_widget, "Dis&agreements")
        self.tabs.setTabVisible(self._disagreements_tab, review.dual)
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
        # As the diagram: only while its tab is in front (a tab change refreshes it).
        if self.screening.review.dual and self.tabs.currentWidget() is self.disagreements_widget:
            self.disagreements_widget.refresh()

    def take_in_others_decisions(self) -> None:
        """Read the review again after another reviewer decided, undid or resolved.

        What this reviewer may see stays as blind as before (``Screening.reload`` keeps
        to ``visible_to``); the record on screen, counts and disagreements follow.
        """
        self.screening.reload(self.library.reviews.refresh(self.screening.review))
        self._after_resolution()

    def _after_resolution(self) -> None:
        """The session was read again: the record on screen and every count may change."""
        self.screening_widget.show_current()
        self.refresh_counts()

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
            if dialog.dual() != review.dual:
                review = reviews.set_dual(review, dialog.dual())
        except PeerRefError as error:
            self._show_message(self, "Review", str(error))
            return
        self.screening.set_review(review)
        self.setWindowTitle(f"Review — {review.name}")
        self.diagram_widget.title = review.name
        self.screening_widget.fill_reasons()
        self.disagreements_widget.fill_reasons()
        self.decisions_widget.model.per_reviewer = review.dual
        self.tabs.setTabVisible(self._disagreements_tab, review.dual)
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
        self.screening.close()  # no ranking process outlives its window
        self.closed.emit()
        super().closeEvent(event)
