"""Exporting from the window: File › Export…, the context menus, Create Bibliography."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, QThreadPool
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerref.citations import StyleCatalogue
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.exporting import export_document, export_notes, export_text
from peerref.gui.dialogs.export_dialog import (
    FILE_FORMATS_BY_KEY,
    BibliographyDialog,
    BibliographyOutput,
    ExportDialog,
)
from peerref.gui.exporting import _write_export
from peerref.gui.main_window import MainWindow
from peerref.library import Library, SortKey
from peerref.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 20_000
READING = (
    Reference(
        title="Peer workers on acute mental health wards",
        creators=(Creator(family="Okafor", given="Ada"),),
        issued=PartialDate(2019),
        container_title="Mental Health Review Journal",
    ),
    Reference(
        title="Loneliness among carers of people with dementia",
        creators=(Creator(family="Lindqvist", given="Henrik"),),
        issued=PartialDate(2021),
        container_title="Ageing and Society",
    ),
)
OTHER = Reference(
    title="Budget cuts and adult safeguarding practice",
    creators=(Creator(family="Raman", given="Priya"),),
    issued=PartialDate(2015),
)


class Messages:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


class SavePaths:
    """Stands in for the save dialog: answers with the next path, records the suggestion."""

    def __init__(self) -> None:
        self.answers: list[Path] = []
        self.suggested: list[str] = []

    def __call__(self, parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
        self.suggested.append(suggested)
        return str(self.answers.pop(0)) if self.answers else ""


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        reading, _changes = opened.add_collection("Reading")
        opened.add(list(READING), collection=reading.id, notes=[["Read for chapter 2"], []])
        opened.add([OTHER])
        yield opened


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def open_window(
    qtbot: QtBot, library: Library, qsettings: QSettings, messages: Messages, delay: int = 60_000
) -> MainWindow:
    main = MainWindow(
        library=library,
        settings=Settings(),
        qsettings=qsettings,
        show_message=messages,
        progress_delay_ms=delay,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def window(qtbot: QtBot, library: Library, qsettings: QSettings, messages: Messages) -> MainWindow:
    return open_window(qtbot, library, qsettings, messages)


@pytest.fixture
def save_paths(window: MainWindow) -> SavePaths:
    paths = SavePaths()
    window.exporter.ask_path = paths
    return paths


def ids_by_title(library: Library) -> dict[str, ReferenceId]:
    return {r.title: r.id for r in library.get_many(library.search_ids()) if r.id is not None}


def menu_action(menu: QMenu, text: str):  # type: ignore[no-untyped-def]
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def choose_format(dialog: ExportDialog, key: str) -> None:
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(key))


def press_ok(qtbot: QtBot, buttons: QDialogButtonBox) -> None:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    ok.click()


def test_export_library_from_the_file_menu_writes_what_the_cli_writes(
    qtbot: QtBot, window: MainWindow, library: Library, save_paths: SavePaths, tmp_path: Path
) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    action = menu_action(file_menu, "Export Library…")
    target = tmp_path / "out" / "everything.ris"
    target.parent.mkdir()
    save_paths.answers.append(target)
    action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    choose_format(dialog, "ris")
    assert not dialog.style_box.isEnabled()  # a style only matters for a bibliography
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS) as blocker:
        press_ok(qtbot, dialog.buttons)
    assert blocker.args[0].count == 3
    refs = library.get_many(library.search_ids(sort=SortKey.AUTHOR))
    expected = export_text(refs, "ris", notes=export_notes(library, refs))
    assert target.read_text("utf-8") == expected
    assert "N1  - Read for chapter 2" in expected
    assert "everything.ris" in window.statusBar().currentMessage()


def test_export_collection_from_its_context_menu_as_a_bibliography(
    qtbot: QtBot, window: MainWindow, library: Library, save_paths: SavePaths, tmp_path: Path
) -> None:
    reading = next(c for c in library.collections() if c.name == "Reading")
    assert window.show_listing(("collection", reading.id))
    node = window.sidebar_view.current_node()
    window._show_sidebar_menu(node, QPoint(0, 0))
    menu = window.last_context_menu
    assert menu is not None
    target = tmp_path / "reading.html"
    save_paths.answers.append(target)
    menu_action(menu, "Export Collection…").trigger()
    menu.close()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    choose_format(dialog, "bibliography-html")
    assert dialog.style_box.isEnabled()
    dialog.style_box.setCurrentIndex(dialog.style_box.findData(StyleCatalogue().info("apa").id))
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS):
        press_ok(qtbot, dialog.buttons)
    page = target.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Okafor" in page and "Lindqvist" in page
    assert "Raman" not in page  # not in the collection
    assert save_paths.suggested[0].endswith("Reading.html")


def test_export_selected_from_the_table_menu_and_the_choice_is_remembered(
    qtbot: QtBot,
    library: Library,
    qsettings: QSettings,
    messages: Messages,
    tmp_path: Path,
) -> None:
    window = open_window(qtbot, library, qsettings, messages)
    save_paths = SavePaths()
    window.exporter.ask_path = save_paths
    ids = ids_by_title(library)
    window.select_references([ids[READING[0].title], ids[OTHER.title]])
    window._show_table_menu(QPoint(1, 1))
    menu = window.last_context_menu
    assert menu is not None and window.export_selected_action in menu.actions()
    menu.close()
    target = tmp_path / "two.bib"
    save_paths.answers.append(target)
    window.export_selected_action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    choose_format(dialog, "bibtex")
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS):
        press_ok(qtbot, dialog.buttons)
    text = target.read_text("utf-8")
    assert text.count("@article{") == 2
    assert "Okafor" in text and "Raman" in text and "Lindqvist" not in text
    assert "note = {Read for chapter 2}" in text
    window.close()

    # A new window starts the next export on BibTeX, in the folder used last.
    again = open_window(qtbot, library, qsettings, messages)
    again.exporter.ask_path = save_paths
    dialog = again.export_library()
    assert dialog.file_format().key == "bibtex"
    dialog.reject()
    save_paths.answers.clear()
    dialog = again.export_library()
    press_ok(qtbot, dialog.buttons)
    assert Path(save_paths.suggested[-1]).parent == tmp_path


def test_a_long_export_shows_a_progress_bar_whose_cancel_writes_nothing(
    qtbot: QtBot, library: Library, qsettings: QSettings, messages: Messages, tmp_path: Path
) -> None:
    window = open_window(qtbot, library, qsettings, messages, delay=0)
    # One worker, kept busy until the dialog is up: the export waits its turn, and
    # Cancel is pressed before it reads anything (no race with a fast export).
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    window.exporter._thread_pool = pool
    release = threading.Event()
    pool.start(lambda: release.wait(WAIT_MS / 1000))
    target = tmp_path / "cancelled.json"
    dialog = window.export_library()
    choose_format(dialog, "csl-json")
    window.exporter.ask_path = lambda *_args: str(target)
    press_ok(qtbot, dialog.buttons)
    op = window.exporter.last_op
    assert op is not None
    with qtbot.waitSignal(op.progress_dialog_shown, timeout=WAIT_MS) as shown:
        pass
    progress = shown.args[0]
    assert isinstance(progress, QProgressDialog)
    cancel_button = progress.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.isVisible()
    with qtbot.waitSignal(op.cancelled, timeout=WAIT_MS):
        cancel_button.click()
        release.set()
    assert not target.exists()
    assert list(tmp_path.glob("*.tmp")) == []
    assert "cancelled" in window.statusBar().currentMessage()
    pool.waitForDone()


def test_a_file_that_cannot_be_written_is_a_clear_message(
    qtbot: QtBot, window: MainWindow, library: Library, messages: Messages, tmp_path: Path
) -> None:
    target = tmp_path / "no such folder" / "out.ris"
    dialog = window.export_library()
    window.exporter.ask_path = lambda *_args: str(target)
    press_ok(qtbot, dialog.buttons)
    op = window.exporter.last_op
    assert op is not None
    # The outcome is delivered through the event loop, so waiting here cannot miss it.
    with qtbot.waitSignal(op.failed, timeout=WAIT_MS):
        pass
    assert messages.shown
    title, text = messages.shown[-1]
    assert title == "Export" and "Could not write" in text and str(target) in text


def test_create_bibliography_copies_to_the_clipboard_or_saves_rtf(
    qtbot: QtBot, window: MainWindow, library: Library, save_paths: SavePaths, tmp_path: Path
) -> None:
    reading = next(c for c in library.collections() if c.name == "Reading")
    window.show_listing(("collection", reading.id))
    assert window.create_bibliography_action.isEnabled()
    window.create_bibliography_action.trigger()
    dialog = window.findChild(BibliographyDialog)
    assert dialog is not None
    dialog.output_buttons[BibliographyOutput.CLIPBOARD].click()
    with qtbot.waitSignal(window.copier.copied, timeout=WAIT_MS):
        press_ok(qtbot, dialog.buttons)
    copied = QApplication.clipboard().text()
    assert "Okafor" in copied and "Lindqvist" in copied and "Raman" not in copied

    target = tmp_path / "reading.rtf"
    save_paths.answers.append(target)
    dialog = window.create_bibliography(reading.id)
    assert dialog is not None
    assert dialog.output() is BibliographyOutput.CLIPBOARD  # remembered
    dialog.output_buttons[BibliographyOutput.RTF].click()
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS):
        press_ok(qtbot, dialog.buttons)
    rtf = target.read_text("utf-8")
    assert rtf.startswith("{\\rtf") and "Okafor" in rtf


def test_write_export_replaces_a_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    target.write_text("old", "utf-8")
    _write_export(target, json.dumps(["new"]))
    assert json.loads(target.read_text("utf-8")) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.json"]


def test_export_tells_what_it_left_out_as_the_cli_does(
    qtbot: QtBot, library: Library, qsettings: QSettings, messages: Messages, tmp_path: Path
) -> None:
    """A NUL in a title and a form feed in a note are left out, and the window says so."""
    library.add(
        [Reference(title="Carers\x00 and respite", issued=PartialDate(2020))],
        notes=[["Seen\x0c twice"]],
    )
    window = open_window(qtbot, library, qsettings, messages)
    save_paths = SavePaths()
    window.exporter.ask_path = save_paths
    target = tmp_path / "all.ris"
    save_paths.answers.append(target)
    window.export_library_action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    choose_format(dialog, "ris")
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS) as blocker:
        press_ok(qtbot, dialog.buttons)
    outcome = blocker.args[0]
    refs = library.get_many(library.search_ids(sort=SortKey.AUTHOR))
    expected = export_document(refs, "ris", notes=export_notes(library, refs))
    assert len(expected.warnings) == 2
    assert outcome.warnings == expected.warnings
    assert target.read_text("utf-8") == expected.text
    assert "\x00" not in expected.text
    assert "2 warnings" in window.statusBar().currentMessage()
    assert len(messages.shown) == 1
    title, text = messages.shown[0]
    assert title == "Export"
    assert "all.ris was written" in text
    for warning in expected.warnings:
        assert warning in text


def test_export_without_warnings_shows_no_message(
    qtbot: QtBot, window: MainWindow, messages: Messages, save_paths: SavePaths, tmp_path: Path
) -> None:
    target = tmp_path / "clean.ris"
    save_paths.answers.append(target)
    window.export_library_action.trigger()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    choose_format(dialog, "ris")
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS) as blocker:
        press_ok(qtbot, dialog.buttons)
    assert blocker.args[0].warnings == ()
    assert messages.shown == []
    assert "warning" not in window.statusBar().currentMessage()


def test_export_warnings_sit_behind_show_details_in_the_message_box(
    qtbot: QtBot, library: Library, qsettings: QSettings, tmp_path: Path
) -> None:
    """With the house message box, every warning is in its details, the first few in its text."""
    library.add([Reference(title=f"Respite\x00 care {n}") for n in range(5)])
    window = MainWindow(library=library, settings=Settings(), qsettings=qsettings)
    qtbot.addWidget(window)
    ids = library.search_ids()
    with qtbot.waitSignal(window.exporter.exported, timeout=WAIT_MS):
        window.exporter.export_to(tmp_path / "all.json", ids, FILE_FORMATS_BY_KEY["csl-json"])
    box = window.findChild(QMessageBox, "peerrefMessage")
    assert box is not None
    assert box.text().count("•") == 3 and "and 2 more" in box.text()
    assert len(box.detailedText().splitlines()) == 5
    assert all("NUL" in line for line in box.detailedText().splitlines())
    box.close()
