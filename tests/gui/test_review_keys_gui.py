"""The screening keys in the Review window, pressed where a person's keys would land.

Each key goes to ``QApplication.focusWidget()`` of the active review window (not straight
into a chosen widget), so the test sees what the person sees: wherever the focus is in
the Screening tab, I, E, M and U decide, and the next record is on screen at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.model import Reference
from peerref.core.prisma import Stage, Verdict
from peerref.gui.views.review_view import ReviewWindow
from peerref.library import Library

WAIT_MS = 10_000
TITLES = (
    "Peer support workers in community mental health teams",
    "Hospital car parking charges and patient experience",
    "Peer mentoring for young carers",
    "Lived experience in recovery colleges",
    "Peer-led groups for new mothers",
    "Staff views of peer roles in acute wards",
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.reviews.reviewer = "Ayesha"
        opened.add([Reference(title=title) for title in TITLES])
        yield opened


@pytest.fixture
def review_window(qtbot: QtBot, library: Library) -> ReviewWindow:
    window = ReviewWindow(library, library.reviews.create("Keys"), show_message=_no_message)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    window.screening_widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(window.screening_widget.hasFocus, timeout=WAIT_MS)
    return window


def _no_message(_parent: QWidget | None, title: str, text: str) -> None:
    raise AssertionError(f"unexpected message {title!r}: {text}")


def press(review_window: ReviewWindow, letter: str) -> QWidget:
    """Type ``letter`` as the keyboard would: into the widget that has the focus."""
    target = QApplication.focusWidget()
    screening = review_window.screening_widget
    assert target is not None
    assert target is screening or screening.isAncestorOf(target), target
    QTest.keyClick(target, getattr(Qt.Key, f"Key_{letter}"))
    return target


def shown_title(review_window: ReviewWindow) -> str:
    return review_window.screening_widget.title_label.text()


def title_of(library: Library, review_window: ReviewWindow) -> str:
    ref_id = review_window.screening.current_id()
    assert ref_id is not None
    (reference,) = library.get_many([ref_id])
    return reference.title


def test_every_decision_key_works_and_the_next_record_shows_at_once(
    review_window: ReviewWindow, library: Library
) -> None:
    screening = review_window.screening
    widget = review_window.screening_widget
    order = list(screening.pending)
    assert len(order) == 6
    assert shown_title(review_window) == title_of(library, review_window)

    made: list[tuple[int, Verdict]] = []
    for letter, verdict in (("I", Verdict.INCLUDE), ("E", Verdict.EXCLUDE)):
        before = screening.current_id()
        press(review_window, letter)
        assert before is not None
        made.append((before, verdict))
        # No waiting: the next record is on screen when the key press returns.
        assert screening.current_id() == order[len(made)]
        assert shown_title(review_window) == title_of(library, review_window)

    press(review_window, "M")  # the third record goes to the end, marked maybe
    assert screening.pending[-1] == order[2]
    assert screening.current_id() == order[3]
    press(review_window, "U")  # and comes back
    assert screening.current_id() == order[2]
    assert "Took back “maybe”" in widget.message_label.text()
    assert "marked maybe" not in widget.details_label.text()

    stored = [(d.reference_id, d.verdict) for d in library.reviews.decisions(screening.review)]
    assert stored == made
    assert {d.reviewer for d in library.reviews.decisions(screening.review)} == {"Ayesha"}


def test_keys_decide_while_a_box_of_the_screening_tab_has_the_focus(
    qtbot: QtBot, review_window: ReviewWindow, library: Library
) -> None:
    widget = review_window.screening_widget
    screening = review_window.screening
    widget.order_box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.order_box.hasFocus, timeout=WAIT_MS)
    first = screening.current_id()
    assert press(review_window, "I") is widget.order_box
    # The letter decided; it did not pick an order starting with "I" ("Import order").
    assert widget.order_box.currentIndex() == 0
    assert screening.current_id() != first
    for _ in range(len(screening.pending) - 1):
        press(review_window, "E")
    assert screening.current_id() is not None
    press(review_window, "E")
    assert screening.current_id() is None
    assert not widget.include_button.isEnabled()

    widget.stage_box.setCurrentIndex(widget.stage_box.findData(Stage.FULL_TEXT.value))
    assert screening.pending == (first,)
    widget.reason_box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.reason_box.hasFocus, timeout=WAIT_MS)
    press(review_window, "E")  # no reason chosen yet: nothing recorded, the box asks
    assert screening.current_id() == first
    assert "Choose a reason" in widget.message_label.text()
    assert widget.reason_box.currentIndex() == -1  # "E" chose no reason by itself
    widget.reason_box.setCurrentIndex(widget.reason_box.findText("Wrong outcome"))
    press(review_window, "E")
    assert screening.current_id() is None
    decision = library.reviews.decisions(screening.review)[-1]
    assert (decision.stage, decision.verdict, decision.reason) == (
        Stage.FULL_TEXT,
        Verdict.EXCLUDE,
        "Wrong outcome",
    )
    press(review_window, "U")
    assert screening.current_id() == first
    assert widget.include_button.isEnabled()


def test_a_held_key_decides_one_record_not_many(review_window: ReviewWindow) -> None:
    widget = review_window.screening_widget
    screening = review_window.screening
    first = screening.current_id()
    press(review_window, "E")
    second = screening.current_id()
    assert second != first
    for _ in range(3):  # what the keyboard sends while E stays down
        repeat = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_E, Qt.KeyboardModifier.NoModifier, "e", True
        )
        QApplication.sendEvent(widget, repeat)
    assert screening.current_id() == second
    assert len(screening.decisions) == 1


def test_keys_with_modifiers_are_left_to_the_window(review_window: ReviewWindow) -> None:
    """Ctrl+E is not E. (Alt+I is the Include button's mnemonic: a click, not a key.)"""
    screening = review_window.screening
    first = screening.current_id()
    QTest.keyClick(
        review_window.screening_widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
    )
    QTest.keyClick(
        review_window.screening_widget, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
    )
    assert screening.current_id() == first
    assert screening.decisions == ()
