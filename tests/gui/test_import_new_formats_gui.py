"""Each database export PeerRef reads reaches the preview both pasted and dropped as a file.

The readers are tested on their own in ``tests/unit/formats``; this checks the window's way
in: the clipboard's text and a dropped file go through the same detection, name the
format in the preview and import every entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from peerref.formats.registry import decode_bytes, parse_bytes
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.importing import ImportController
from peerref.library import ImportOutcome, Library

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000
DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
# One export of each format added for issue 13, as its database writes it.
EXPORTS = (
    ("pubmed_xml/efetch_articles.xml", "pubmed-xml"),
    ("mods/repository_records.xml", "mods"),
    ("crossref_xml/journal_article.xml", "crossref-xml"),
    ("datacite_json/api_answer.json", "datacite-json"),
    ("openalex_json/api_results_page.json", "openalex-json"),
    ("ovid/psycinfo.txt", "ovid"),
    ("refworks/export_with_header.txt", "refworks"),
    ("refer/endnote.enw", "refer"),
    ("scopus_csv/scopus_export.csv", "scopus-csv"),
    ("wos_tsv/savedrecs_win_utf8.txt", "wos-tsv"),
    ("cochrane/central_and_reviews.txt", "cochrane"),
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


def _preview(qtbot: QtBot, controller: ImportController, start) -> ImportPreviewDialog:
    with qtbot.waitSignal(controller.preview_opened, timeout=WAIT_MS) as blocker:
        assert start() is not None
    dialog = blocker.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    return dialog


def _import(qtbot: QtBot, controller: ImportController, dialog: ImportPreviewDialog) -> int:
    with qtbot.waitSignal(controller.import_finished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    outcome = blocker.args[0]
    assert isinstance(outcome, ImportOutcome)
    return len(outcome.changes.added)


@pytest.mark.parametrize(("relative", "format_name"), EXPORTS)
def test_a_dropped_export_is_read_as_its_format(
    qtbot: QtBot, controller: ImportController, library: Library, relative: str, format_name: str
) -> None:
    path = DATA / relative
    expected = parse_bytes(path.read_bytes())
    assert expected.format_name == format_name
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    dialog = _preview(qtbot, controller, lambda: controller.import_mime_data(mime))
    assert dialog.model.rowCount() == len(expected.entries) > 0
    assert dialog.summary_label.text().startswith(expected.format_label)
    assert _import(qtbot, controller, dialog) == len(expected.entries)
    assert library.count() == len(expected.entries)


@pytest.mark.parametrize(("relative", "format_name"), EXPORTS)
def test_a_pasted_export_is_read_as_its_format(
    qtbot: QtBot, controller: ImportController, library: Library, relative: str, format_name: str
) -> None:
    path = DATA / relative
    expected = parse_bytes(path.read_bytes())
    mime = QMimeData()
    mime.setText(decode_bytes(path.read_bytes()).text)
    QGuiApplication.clipboard().setMimeData(mime)
    dialog = _preview(qtbot, controller, controller.import_clipboard)
    assert dialog.model.rowCount() == len(expected.entries) > 0
    assert "found in the clipboard" in dialog.summary_label.text()
    assert dialog.summary_label.text().startswith(expected.format_label)
    assert _import(qtbot, controller, dialog) == len(expected.entries)
    assert library.count() == len(expected.entries)
