"""The import preview says which encoding was assumed for a file that does not say."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.importing import ImportController
from peerref.library import ImportOutcome, Library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000
# Our own record, saved in GBK as Chinese databases (CNKI, Wanfang) export it.
RIS_CHINESE = (
    "TY  - JOUR\nAU  - 张, 伟\nAU  - 陈, 静\nTI  - 同伴支持者在精神科病房中的角色\n"
    "T2  - 中华精神科杂志\nPY  - 2020\n"
    "AB  - 同伴支持者与护士一起工作，患者表示感到被理解。\nER  - \n"
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as lib:
        yield lib


@pytest.fixture
def controller(qtbot: QtBot, library: Library) -> ImportController:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    return ImportController(library, window, show_message=lambda *_: None)


def _preview(qtbot: QtBot, controller: ImportController, path: Path) -> ImportPreviewDialog:
    with qtbot.waitSignal(controller.preview_opened, timeout=WAIT_MS) as blocker:
        assert controller.import_files([path]) is not None
    dialog = blocker.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    return dialog


def test_a_gbk_file_shows_the_encoding_assumed_and_imports_its_text(
    qtbot: QtBot, controller: ImportController, library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "tongban.ris"
    path.write_bytes(RIS_CHINESE.encode("gbk"))
    dialog = _preview(qtbot, controller, path)
    notes = dialog.notes_label
    assert notes.isVisible()
    assert "tongban.ris does not say how its text is encoded: read as gb18030" in notes.text()
    assert dialog.model.entry(0).reference.title == "同伴支持者在精神科病房中的角色"
    with qtbot.waitSignal(controller.import_finished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    outcome = blocker.args[0]
    assert isinstance(outcome, ImportOutcome)
    assert any("gb18030" in d.message for d in outcome.result.warnings)
    assert library.batches()[0].raw_input == RIS_CHINESE


def test_a_utf8_file_shows_no_encoding_note(
    qtbot: QtBot, controller: ImportController, tmp_path: Path
) -> None:
    path = tmp_path / "tongban.ris"
    path.write_bytes(RIS_CHINESE.encode("utf-8"))
    dialog = _preview(qtbot, controller, path)
    assert "encoded" not in dialog.notes_label.text()
    assert not dialog.notes_label.isVisible()
    dialog.reject()
