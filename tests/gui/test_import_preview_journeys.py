"""The import preview as the QA tester drove it: Show Existing, statuses, Enter, messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.csl import reference_to_csl
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.gui.dialogs.import_preview import ImportPreviewDialog, PreviewColumn
from peerref.gui.importing import failure_details, failure_message
from peerref.gui.main_window import MainWindow
from peerref.gui.ops import show_message_box
from peerref.library import Library
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 10_000
STORED = Reference(
    title="Carers' experiences of respite in rural Scotland",
    creators=(Creator(family="MacLeod", given="Fiona"), Creator(family="Baird", given="Tom")),
    issued=PartialDate(2018),
    container_title="Working with Older People",
)
OTHERS = tuple(
    Reference(
        title=f"Day services and isolation, part {n}",
        creators=(Creator(family="Hughes", given="Gareth"),),
        issued=PartialDate(2015 + n),
        container_title="Quality in Ageing and Older Adults",
    )
    for n in range(1, 4)
)


def csl_text(*references: Reference) -> str:
    return json.dumps([reference_to_csl(r, with_id=False) for r in references])


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([*OTHERS, STORED])
        yield opened


@pytest.fixture
def window(qtbot: QtBot, library: Library, tmp_path: Path) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=lambda *_args: None,
        progress_delay_ms=60_000,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def open_preview(qtbot: QtBot, window: MainWindow, text: str) -> ImportPreviewDialog:
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(text)
    dialog = opened.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    return dialog


def test_show_existing_selects_the_stored_reference_in_the_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.select_references([ReferenceId(1)])
    dialog = open_preview(qtbot, window, csl_text(STORED))
    dialog.table.selectRow(0)
    assert dialog.show_existing_button.isEnabled()
    qtbot.mouseClick(dialog.show_existing_button, Qt.MouseButton.LeftButton)
    assert window.selected_ids() == [ReferenceId(4)]
    assert window.detail_panel.reference is not None
    assert window.detail_panel.reference.title == STORED.title
    dialog.reject()
    QApplication.processEvents()
    assert window.selected_ids() == [ReferenceId(4)]


def test_statuses_say_what_happens_and_name_the_stored_reference(
    qtbot: QtBot, window: MainWindow
) -> None:
    richer = STORED.with_changes(doi="10.1108/WWOP-01-2018-0003", volume="22")
    dialog = open_preview(qtbot, window, csl_text(STORED, richer, OTHERS[0]))
    model = dialog.model
    texts = [str(model.data(model.index(r, PreviewColumn.STATUS))) for r in range(3)]
    assert texts[0] == "Already in your library; ticking adds it again"
    assert texts[1].startswith("Will fill ") and "DOI" in texts[1]
    assert texts[1].endswith("in an existing reference")
    assert all("#" not in text for text in texts)
    tip = str(model.data(model.index(0, PreviewColumn.STATUS), Qt.ItemDataRole.ToolTipRole))
    assert "In your library: MacLeod" in tip and "2018" in tip
    dialog.reject()


def test_enter_presses_import_and_the_entries_have_the_focus(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    new = Reference(
        title="Befriending schemes for older men",
        creators=(Creator(family="Doyle", given="Sean"),),
        issued=PartialDate(2019),
        container_title="Working with Older People",
    )
    dialog = open_preview(qtbot, window, csl_text(new))
    assert dialog.focusWidget() is dialog.table
    assert dialog.import_button.isDefault()
    assert not dialog.select_all_button.autoDefault()
    dialog.select_all_button.setFocus()
    with qtbot.waitSignal(window.importer.import_finished, timeout=WAIT_MS):
        qtbot.keyClick(dialog.select_all_button, Qt.Key.Key_Return)
    assert library.count() == 5


def test_random_pasted_text_gets_one_clear_sentence_with_details_behind_it(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    shown: list[tuple[str, str]] = []
    window.importer._show_message = lambda _parent, title, text: shown.append((title, text))
    with qtbot.waitSignal(window.importer.import_failed, timeout=WAIT_MS):
        window.importer.import_text(
            "Milk\nEggs\nTwo loaves of bread\n", source_name="the clipboard"
        )
    [(title, text)] = shown
    assert title == "Nothing imported"
    assert text.startswith("No references found in the pasted text. PeerRef reads pages")
    assert text.count("no references") + text.count("No references") == 1
    assert "RIS, BibTeX" in text and "(#" not in text

    failures = [("the clipboard", "no references recognised: the text matches none of (RIS)")]
    assert failure_message(failures, nothing_else=True) == text
    assert "matches none of (RIS)" in failure_details(failures)


def test_the_message_box_keeps_the_details_behind_a_button(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_message_box(parent, "Nothing imported", "No references found.", "tried: RIS, BibTeX")
    box = parent.findChild(QMessageBox, "peerrefMessage")
    assert box is not None
    assert box.text() == "No references found."
    assert box.detailedText() == "tried: RIS, BibTeX"
    box.close()
