"""The Review window: a review from two pasted pages, screened by keyboard to a diagram."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from review_samples import emerald_page, sciencegate_page

from peerref.core.model import CollectionId, ImportMethod, Reference
from peerref.core.prisma import Stage, Verdict
from peerref.gui.dialogs.export_dialog import BibliographyDialog, BibliographyOutput, ExportDialog
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.dialogs.review_settings import ReasonsDialog
from peerref.gui.main_window import MainWindow
from peerref.gui.models.review_models import DecisionColumn
from peerref.gui.views.review_view import ReviewWindow
from peerref.gui.views.screening_widget import EXCLUDE_COLOUR, INCLUDE_COLOUR
from peerref.library import Library
from peerref.settings import Settings

WAIT_MS = 20_000
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def seed_page(prefix: str) -> str:
    """A real pasted page of ../shared/seeds; the test is skipped without it.

    Its own copy of ``tests/conftest.py``'s helper: ``import conftest`` would find
    whichever conftest module pytest loaded last.
    """
    matches = sorted(SEEDS_DIR.glob(f"{prefix}*.txt"))
    if not matches:
        pytest.skip(f"no seed page {prefix}* in {SEEDS_DIR}")
    return matches[0].read_text(encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(reviewer_name="Ayesha"),
        settings_path=tmp_path / "settings.json",
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
        progress_delay_ms=60_000,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def _no_message(_parent: object, title: str, text: str) -> None:
    raise AssertionError(f"unexpected message {title!r}: {text}")


def paste_into(qtbot: QtBot, window: MainWindow, text: str, collection: CollectionId) -> None:
    """Paste a page into a collection through the import preview, and press Import."""
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(text, collection=collection)
    dialog = opened.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)


def review_from_pages(qtbot: QtBot, window: MainWindow, *pages: str) -> ReviewWindow:
    """Make a collection, paste the pages into it, and choose Review ▸ New Review."""
    cid = window.new_collection(name="Peer work", edit=False)
    assert cid is not None
    for page in pages:
        paste_into(qtbot, window, page, cid)
    window.sidebar_view.setCurrentIndex(window.sidebar_model.index_for_collection(cid))
    window.new_review_action.trigger()
    review_window = window.review_windows[next(iter(window.review_windows))]
    qtbot.waitExposed(review_window)
    return review_window


def key(qtbot: QtBot, review_window: ReviewWindow, letter: str) -> None:
    widget = review_window.screening_widget
    qtbot.keyClick(widget, getattr(Qt.Key, f"Key_{letter}"))


def svg_text(review_window: ReviewWindow) -> str:
    review_window.refresh_counts()
    svg = review_window.diagram_widget.svg.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", svg).split())


def screen_everything(qtbot: QtBot, library: Library, review_window: ReviewWindow) -> None:
    """Include every third record at title/abstract, exclude the rest; at full text
    exclude the first two with two different reasons and include the others."""
    widget = review_window.screening_widget
    total = len(review_window.screening.pending)
    for n in range(total):
        shown = review_window.screening.current_id()
        key(qtbot, review_window, "I" if n % 3 == 0 else "E")
        assert review_window.screening.current_id() != shown or n == total - 1
    assert not widget.include_button.isEnabled()
    widget.stage_box.setCurrentIndex(widget.stage_box.findData(Stage.FULL_TEXT.value))
    assert widget.reason_box.isVisible()
    sought = len(review_window.screening.pending)
    assert sought == len(range(0, total, 3))
    key(qtbot, review_window, "E")  # no reason chosen: nothing recorded, the box asks
    assert len(review_window.screening.pending) == sought
    assert "Choose a reason" in widget.message_label.text()
    for reason in ("Wrong population", "Wrong outcome"):
        widget.reason_box.setCurrentIndex(widget.reason_box.findText(reason))
        widget.setFocus()
        key(qtbot, review_window, "E")
    while review_window.screening.current_id() is not None:
        key(qtbot, review_window, "I")


def check_journey(qtbot: QtBot, library: Library, review_window: ReviewWindow) -> None:
    review = review_window.screening.review
    before = library.reviews.counts(review)
    assert before.undecided == before.identified_total - before.duplicates_removed
    screen_everything(qtbot, library, review_window)
    stored = library.reviews.counts(review)
    assert review_window.counts == stored  # what the window shows is what was saved
    pool = before.undecided
    sought = len(range(0, pool, 3))
    assert (stored.screened, stored.excluded_screening, stored.sought) == (
        pool,
        pool - sought,
        sought,
    )
    assert dict(stored.excluded_full_text) == {"Wrong population": 1, "Wrong outcome": 1}
    assert stored.included == sought - 2 and stored.undecided == 0
    assert stored.arithmetic_errors() == []
    text = svg_text(review_window)
    for name, n in stored.identified:
        assert f"{name} (n = {n})" in text
    assert f"Records screened (n = {pool})" in text
    assert f"Records excluded (n = {pool - sought})" in text
    assert f"Reports sought for retrieval (n = {sought})" in text
    assert "Wrong population (n = 1)" in text and "Wrong outcome (n = 1)" in text
    assert f"Studies included in review (n = {sought - 2})" in text
    assert {d.reviewer for d in library.reviews.decisions(review)} == {"Ayesha"}
    # The Decisions tab lists every decision, newest first, with its reviewer and reason.
    made = library.reviews.decisions(review)
    table = review_window.decisions_widget.model
    assert table.rowCount() == len(made)
    assert table.decision(0) == made[-1] and table.decision(len(made) - 1) == made[0]
    reasons = {table.index(r, DecisionColumn.REASON).data() for r in range(len(made))}
    assert {"Wrong population", "Wrong outcome"} <= reasons
    reviewers = {table.index(r, DecisionColumn.REVIEWER).data() for r in range(len(made))}
    assert reviewers == {"Ayesha"}
    assert "by Ayesha" in review_window.decisions_widget.summary_label.text()

    # Undo takes back the last decision: the counts and the diagram follow.
    last = library.reviews.decisions(review)[-1]
    assert last.stage is Stage.FULL_TEXT
    key(qtbot, review_window, "U")
    if last.verdict is Verdict.INCLUDE:
        expected = {"included": stored.included - 1, "assessed": stored.assessed - 1}
    else:
        expected = {"included": stored.included, "assessed": stored.assessed - 1}
    qtbot.waitUntil(
        lambda: (
            review_window.diagram_widget.counts is not None
            and review_window.diagram_widget.counts.assessed == expected["assessed"]
        ),
        timeout=WAIT_MS,
    )
    after = library.reviews.counts(review)
    assert (after.included, after.assessed, after.awaiting_full_text) == (
        expected["included"],
        expected["assessed"],
        1,
    )
    assert review_window.diagram_widget.counts == after
    text = svg_text(review_window)
    assert f"Reports assessed for eligibility (n = {expected['assessed']})" in text
    assert "awaiting retrieval or assessment (n = 1)" in text
    assert review_window.screening.current_id() == last.reference_id
    assert review_window.screening_widget.include_button.isEnabled()
    assert review_window.decisions_widget.model.rowCount() == len(made) - 1


@pytest.mark.seeds
def test_review_of_the_emerald_and_sciencegate_seed_pages(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    review_window = review_from_pages(qtbot, window, seed_page("000"), seed_page("001"))
    identified = dict(review_window.counts.identified)
    assert set(identified) == {"Emerald Insight", "ScienceGate"}
    log = review_window.log_widget.log_table.model()
    assert log.rowCount() == 2
    assert log.index(0, 3).data() == "1 – 10 of over 67000"
    check_journey(qtbot, library, review_window)


def test_review_of_two_pasted_pages(qtbot: QtBot, window: MainWindow, library: Library) -> None:
    review_window = review_from_pages(qtbot, window, emerald_page(), sciencegate_page())
    assert dict(review_window.counts.identified) == {"Emerald Insight": 3, "ScienceGate": 3}
    log = review_window.log_widget.log_table.model()
    assert log.index(0, 2).data() == "peer support workers"
    check_journey(qtbot, library, review_window)


def test_highlight_terms_colour_the_abstract(qtbot: QtBot, library: Library) -> None:
    library.import_text(emerald_page(), method=ImportMethod.PASTE)
    reviews = library.reviews
    review = reviews.set_terms(
        reviews.create("Terms"), include=["peer workers"], exclude=["parking"]
    )
    review_window = ReviewWindow(library, review, show_message=lambda *_: None)
    qtbot.addWidget(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    html = review_window.screening_widget.abstract_view.toHtml().lower()
    assert INCLUDE_COLOUR in html and "peer workers" in html
    for _ in range(2):
        qtbot.mouseClick(review_window.screening_widget.maybe_button, Qt.MouseButton.LeftButton)
    html = review_window.screening_widget.abstract_view.toHtml().lower()
    assert EXCLUDE_COLOUR in html and "parking" in html


def test_a_review_needs_a_selected_collection(qtbot: QtBot, window: MainWindow) -> None:
    messages: list[str] = []
    window._show_message = lambda _parent, _title, text: messages.append(text)
    assert window.new_review(whole_library=False) is None
    assert messages == ["Select a collection to review first."]
    whole = window.new_review(whole_library=True)
    assert whole is not None and whole.screening.review.name == "Whole library"
    again = window.new_review(whole_library=True)
    assert again is not None and again.screening.review.name == "Whole library 2"


def test_exports_from_the_review_window(qtbot: QtBot, library: Library, tmp_path: Path) -> None:
    library.import_text(sciencegate_page(), method=ImportMethod.PASTE)
    review = library.reviews.create("Exports")
    review_window = ReviewWindow(library, review, show_message=lambda *_: None)
    qtbot.addWidget(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    include = review_window.screening_widget.include_button
    qtbot.mouseClick(include, Qt.MouseButton.LeftButton)
    review_window.screening_widget.stage_box.setCurrentIndex(1)
    qtbot.mouseClick(include, Qt.MouseButton.LeftButton)
    review_window.refresh_counts()
    for fmt, magic in (("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")):
        review_window.diagram_widget.export_to(tmp_path / f"flow.{fmt}", fmt)  # type: ignore[arg-type]
        assert (tmp_path / f"flow.{fmt}").read_bytes().startswith(magic)
    review_window.export_log(tmp_path / "log.md")
    assert "| ScienceGate |" in (tmp_path / "log.md").read_text(encoding="utf-8")
    review_window.export_decisions(tmp_path / "decisions.csv")
    assert (tmp_path / "decisions.csv").read_text(encoding="utf-8").count("\n") == 3
    review_window.export_included(tmp_path / "included.ris", "ris")
    assert "Peer mentoring for young carers" in (tmp_path / "included.ris").read_text(
        encoding="utf-8"
    )


def test_the_reviewer_named_in_the_preferences_is_recorded(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    library.add([Reference(title="Peer work in prisons")])
    dialog = window.show_preferences()
    dialog.reviewer_field.setText("  Bea Okoro ")
    with qtbot.waitSignal(window.settings_changed):
        dialog.accept()
    review_window = window.new_review(whole_library=True)
    assert review_window is not None
    qtbot.waitExposed(review_window)
    key(qtbot, review_window, "I")
    (decision,) = library.reviews.decisions(review_window.screening.review)
    assert decision.reviewer == "Bea Okoro"


def test_the_diagram_is_drawn_only_when_its_tab_is_shown(qtbot: QtBot, library: Library) -> None:
    library.import_text(sciencegate_page(), method=ImportMethod.PASTE)
    review_window = ReviewWindow(library, library.reviews.create("Lazy"), show_message=_no_message)
    qtbot.addWidget(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    diagram = review_window.diagram_widget
    qtbot.mouseClick(review_window.screening_widget.include_button, Qt.MouseButton.LeftButton)
    review_window.refresh_counts()
    assert diagram.counts is not None and diagram.counts.sought == 1
    assert "Reports sought for retrieval: 1" in diagram.counts_label.text()
    assert diagram.svg_widget.renderer().defaultSize().isEmpty()  # nothing drawn yet
    assert not diagram.is_drawing
    with qtbot.waitSignal(diagram.drawn, timeout=WAIT_MS):
        review_window.tabs.setCurrentWidget(diagram)
        assert diagram.is_drawing  # on a worker thread: the click does not wait for it
    assert not diagram.svg_widget.renderer().defaultSize().isEmpty()
    assert "Reports sought for retrieval (n = 1)" in svg_text(review_window)
    # A decision while the tab is in front is drawn again, in the background.
    review_window.tabs.setCurrentWidget(review_window.screening_widget)
    qtbot.mouseClick(review_window.screening_widget.include_button, Qt.MouseButton.LeftButton)
    review_window.refresh_counts()
    assert not diagram.is_drawing
    with qtbot.waitSignal(diagram.drawn, timeout=WAIT_MS):
        review_window.tabs.setCurrentWidget(diagram)
    assert "Reports sought for retrieval (n = 2)" in svg_text(review_window)


def test_the_reasons_list_is_edited_in_place(qtbot: QtBot, library: Library) -> None:
    library.import_text(sciencegate_page(), method=ImportMethod.PASTE)
    review_window = ReviewWindow(
        library, library.reviews.create("Reasons"), show_message=_no_message
    )
    qtbot.addWidget(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    review_window.settings_action.trigger()
    dialog = review_window.findChild(ReasonsDialog)
    assert isinstance(dialog, ReasonsDialog)
    qtbot.waitExposed(dialog)
    model, view = dialog.reasons_model, dialog.reasons_view
    before = model.reasons
    assert before == list(review_window.screening.review.reasons)

    view.setCurrentIndex(model.index(before.index("Wrong outcome")))
    qtbot.mouseClick(dialog.remove_reason_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.add_reason_button, Qt.MouseButton.LeftButton)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "New reason"
    editor.selectAll()
    qtbot.keyClicks(editor, "Wrong setting")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong setting" in model.reasons)
    qtbot.mouseClick(dialog.up_reason_button, Qt.MouseButton.LeftButton)
    expected = [r for r in before if r != "Wrong outcome"]
    expected.insert(len(expected) - 1, "Wrong setting")
    assert model.reasons == expected
    dialog.include_edit.setText("peer; mentoring")
    with qtbot.waitSignal(dialog.finished):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    review = review_window.screening.review
    assert list(review.reasons) == expected
    assert list(library.reviews.get("Reasons").reasons) == expected  # saved
    assert review.include_terms == ("peer", "mentoring")
    box = review_window.screening_widget.reason_box
    assert [box.itemText(i) for i in range(box.count())] == expected


def test_the_included_set_goes_out_through_the_windows_exports(
    qtbot: QtBot, window: MainWindow, library: Library, tmp_path: Path
) -> None:
    library.add(
        [
            Reference(title="Peer work in prisons", container_title="Prison Journal"),
            Reference(title="Car parking charges"),
        ]
    )
    review_window = window.new_review(whole_library=True)
    assert review_window is not None
    qtbot.waitExposed(review_window)
    widget = review_window.screening_widget
    qtbot.mouseClick(widget.include_button, Qt.MouseButton.LeftButton)  # peer work
    qtbot.mouseClick(widget.exclude_button, Qt.MouseButton.LeftButton)  # car parking
    widget.stage_box.setCurrentIndex(widget.stage_box.findData(Stage.FULL_TEXT.value))
    qtbot.mouseClick(widget.include_button, Qt.MouseButton.LeftButton)

    target = tmp_path / "included.ris"
    window.exporter.ask_path = lambda *_args: str(target)
    review_window.export_included_action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and "included references of “Whole library”" in (
        dialog.windowTitle() + " ".join(label.text() for label in dialog.findChildren(QLabel))
    )
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("ris"))
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS) as exported:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert exported.args[0].count == 1
    ris = target.read_text("utf-8")
    assert "Peer work in prisons" in ris and "Car parking" not in ris

    page = tmp_path / "included.html"
    window.exporter.ask_path = lambda *_args: str(page)
    assert review_window.bibliography_action.isVisible()
    review_window.bibliography_action.trigger()
    bibliography = window.findChild(BibliographyDialog)
    assert bibliography is not None
    bibliography.output_buttons[BibliographyOutput.HTML].setChecked(True)
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS):
        bibliography.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    html = page.read_text("utf-8")
    assert "Peer work in prisons" in html and "Car parking" not in html


def test_a_window_on_its_own_offers_no_bibliography(qtbot: QtBot, library: Library) -> None:
    review_window = ReviewWindow(library, library.reviews.create("Alone"), show_message=_no_message)
    qtbot.addWidget(review_window)
    assert not review_window.bibliography_action.isVisible()
    review_window.bibliography_dialog()  # nothing to open it with: nothing happens
    assert review_window.findChild(QDialog) is None


def test_the_review_tables_sort_by_any_column_and_back(qtbot: QtBot, library: Library) -> None:
    for page in (emerald_page(), sciencegate_page()):
        library.import_text(page, method=ImportMethod.PASTE)
    review_window = ReviewWindow(library, library.reviews.create("Sorts"), show_message=_no_message)
    qtbot.addWidget(review_window)
    review_window.show()
    qtbot.waitExposed(review_window)
    widget = review_window.screening_widget
    for _ in range(3):
        qtbot.mouseClick(widget.exclude_button, Qt.MouseButton.LeftButton)
    review_window.refresh_counts()
    table = review_window.decisions_widget.table
    view_model = table.model()
    made = library.reviews.decisions(review_window.screening.review)

    def column(col: int) -> list[str]:
        return [view_model.index(r, col).data() for r in range(view_model.rowCount())]

    newest_first = [f"#{d.reference_id}" for d in reversed(made)]
    assert column(DecisionColumn.REFERENCE) == newest_first
    table.sortByColumn(DecisionColumn.TITLE, Qt.SortOrder.AscendingOrder)
    titles = column(DecisionColumn.TITLE)
    assert titles == sorted(titles, key=str.casefold) and len(titles) == 3
    # A decision made while sorted lands in its sorted place.
    qtbot.mouseClick(widget.exclude_button, Qt.MouseButton.LeftButton)
    review_window.refresh_counts()
    titles = column(DecisionColumn.TITLE)
    assert titles == sorted(titles, key=str.casefold) and len(titles) == 4
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    made = library.reviews.decisions(review_window.screening.review)
    assert column(DecisionColumn.REFERENCE) == [f"#{d.reference_id}" for d in reversed(made)]

    log = review_window.log_widget.log_table
    assert [log.model().index(r, 0).data() for r in range(2)] == ["Emerald Insight", "ScienceGate"]
    log.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [log.model().index(r, 0).data() for r in range(2)] == ["ScienceGate", "Emerald Insight"]
