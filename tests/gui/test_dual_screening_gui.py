"""Dual independent screening in the Review window: two reviewers, blind, then resolved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.model import Reference
from peerref.core.prisma import Review, Stage
from peerref.gui.dialogs.review_settings import ReasonsDialog
from peerref.gui.views.review_view import ReviewWindow
from peerref.library import Library

TITLES = (
    "Peer navigators in housing services",
    "Car parking charges at district hospitals",
    "Peer mentoring for young carers",
    "Recovery colleges and lived experience",
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([Reference(title=title) for title in TITLES])
        yield opened


def _no_message(_parent: QWidget | None, title: str, text: str) -> None:
    raise AssertionError(f"unexpected message {title!r}: {text}")


def _open(qtbot: QtBot, library: Library, review: Review, reviewer: str) -> ReviewWindow:
    library.reviews.reviewer = reviewer
    window = ReviewWindow(library, library.reviews.refresh(review), show_message=_no_message)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _screen(window: ReviewWindow, letters: str) -> None:
    for letter in letters:
        QTest.keyClick(window.screening_widget, getattr(Qt.Key, f"Key_{letter}"))
    window.refresh_counts()


def test_two_reviewers_screen_blind_and_a_disagreement_is_resolved(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    review = library.reviews.create("Peer roles")
    ana = _open(qtbot, library, review, "Ana")
    assert not ana.tabs.isTabVisible(ana._disagreements_tab)
    # The review settings dialog switches the review to dual screening.
    ana.edit_settings()
    dialog = ana.findChild(ReasonsDialog)
    assert dialog is not None and not dialog.dual_check.isChecked()
    dialog.dual_check.setChecked(True)
    dialog.done(QDialog.DialogCode.Accepted)
    assert library.reviews.get("Peer roles").dual
    assert ana.tabs.isTabVisible(ana._disagreements_tab)
    assert "dual screening as Ana" in ana.screening_widget.progress_label.text()

    _screen(ana, "IEII")
    ana.export_decisions(tmp_path / "ana.csv")
    assert (tmp_path / "ana.csv").read_text(encoding="utf-8").count("Ana") == 4
    assert ana.screening.current_id() is None
    assert ana.counts.screened == 0  # nothing counts on one reviewer's word
    assert ana.decisions_widget.model.rowCount() == 4
    ana.close()

    ben = _open(qtbot, library, review, "Ben")
    # Blind: Ben starts at the first record and sees none of Ana's decisions.
    assert ben.screening.current_id() == ben.screening.pending[0]
    assert len(ben.screening.pending) == 4
    assert ben.decisions_widget.model.rowCount() == 0
    assert ben.disagreements_widget.model.rowCount() == 0
    ben.export_decisions(tmp_path / "ben.csv")  # the CSV is blind too
    assert "Ana" not in (tmp_path / "ben.csv").read_text(encoding="utf-8")
    _screen(ben, "IEE")  # the third record: Ana included it, Ben excludes it
    assert ben.decisions_widget.model.rowCount() == 3 + 3  # his own and, now, Ana's on them
    in_force = ben.decisions_widget.model.index(0, 5).data()
    assert in_force == "yes"  # Ana's decision does not replace Ben's
    assert ben.counts.screened == 2
    panel = ben.disagreements_widget
    ben.tabs.setCurrentWidget(panel)  # the tab is refreshed while in front
    assert panel.model.rowCount() == 1
    assert "3 decided by both, 2 alike" in panel.agreement_label.text()
    assert "κ 0.40" in panel.agreement_label.text()

    # Resolve the disagreement from the tab: the record counts, the list empties.
    panel.select_row(0)
    (disagreement,) = [panel.selected()]
    assert disagreement is not None and disagreement.stage is Stage.TITLE_ABSTRACT
    qtbot.mouseClick(panel.include_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0
    assert "0 to resolve" in panel.agreement_label.text()
    counts = ben.counts
    assert (counts.screened, counts.excluded_screening, counts.sought) == (3, 1, 2)
    assert ben.diagram_widget.counts == counts  # the diagram tab follows the resolution
    assert ben.screening.current_id() == ben.screening.pending[0]  # his last record is left
    _screen(ben, "I")
    assert ben.counts.screened == 4 and ben.counts.sought == 3


def test_three_reviewers_see_fleiss_and_pairwise_kappa_in_the_tab(
    qtbot: QtBot, library: Library
) -> None:
    review = library.reviews.create("Team", None)
    review = library.reviews.set_dual(review, True)
    # The hand-computed table of tests/unit/core/test_dual_fleiss.py on three records:
    # Fleiss' kappa 0.55; ana and cy agree on two of three (Cohen's kappa 0.40).
    for who, letters in (("ana", "IIE"), ("ben", "IIE"), ("cy", "IEE")):
        window = _open(qtbot, library, review, who)
        _screen(window, letters)
        window.close()
    window = _open(qtbot, library, review, "ana")
    window.tabs.setCurrentWidget(window.disagreements_widget)
    window.disagreements_widget.refresh()
    text = window.disagreements_widget.agreement_label.text()
    assert "Title/abstract: Fleiss' kappa 0.55 over 3 records decided by 3 reviewers" in text
    assert "ana / cy: 3 decided by both, Cohen's kappa 0.40" in text
    assert "ana / ben: 3 decided by both, Cohen's kappa 1.00" in text
