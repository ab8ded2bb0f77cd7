"""Drops, pastes and files through the import controller: preview, reject, cancel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerref.core.changes import ChangeSet
from peerref.core.model import ImportMethod, ReferenceId
from peerref.gui.clipboard import set_reference_ids
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.importing import (
    MIME_WINDOWS_HTML,
    ImportController,
    inputs_from_mime_data,
)
from peerref.library import ImportOutcome, Library

# The offscreen platform cannot pass a window's size limits on and says so; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Our own entries in the shape of text copied from an Emerald Insight results page.
JOURNALS = (
    ("Mental Health Review Journal", "1361-9322"),
    ("Journal of Public Mental Health", "1746-5729"),
    ("The Journal of Adult Protection", "1466-8203"),
)
AUTHORS = (
    "Aoife Brennan and Tomás Ó Rourke",
    "Priya Raman, Lucy Fairweather and Kwame Mensah",
    "Henrik van der Berg",
)


def emerald_entry(i: int) -> str:
    journal, issn = JOURNALS[i % len(JOURNALS)]
    lines = [
        "Article",
        f"Publication date: {1 + i % 27} May {2011 + i % 10}",
        "",
        AUTHORS[i % len(AUTHORS)],
        "",
        f"Ward staff in unit {i} describe how evening routines changed after peer workers…",
        "",
        str(12 + i),
        "",
        "Abstract",
        "",
        "Purpose",
        "",
        f"Ward staff in unit {i} describe how evening routines changed after peer workers "
        "joined the team, and what they would keep.",
        "",
        "Findings",
        "",
        f"Evening shifts became calmer when a peer worker was present on unit {i}.",
        "",
        "Details",
        "",
        f"{journal}, vol. {3 + i % 7} no. {1 + i % 3}",
        "Type: Research Article",
        f"ISSN: {issn}",
        "",
        "Keywords",
        "",
    ]
    return "\n".join(lines) + "\n"


def emerald_page(count: int) -> str:
    return f"Search results\n\n1 – {count} of over 900\n" + "".join(
        emerald_entry(i) for i in range(count)
    )


RIS_TEXT = "\n".join(
    [
        "TY  - JOUR",
        "AU  - Lindqvist, Maja",
        "AU  - Osei, Kofi",
        "TI  - Keeping a peer workforce after the pilot year ends",
        "T2  - Journal of Mental Health Training, Education and Practice",
        "PY  - 2019",
        "VL  - 14",
        "IS  - 5",
        "SP  - 301",
        "EP  - 312",
        "DO  - 10.1108/JMHTEP-01-2019-0004",
        "ER  - ",
        "",
    ]
)

CSL_JSON_TEXT = json.dumps(
    [
        {
            "type": "article-journal",
            "title": "Night shelters and the people who run them",
            "author": [{"family": "Duarte", "given": "Inês"}],
            "issued": {"date-parts": [[2021, 3]]},
            "container-title": "Housing, Care and Support",
        },
        {
            "type": "book",
            "title": "Peer work in practice",
            "author": [{"literal": "Mind Cymru"}],
            "issued": {"date-parts": [[2018]]},
            "publisher": "Mind Cymru",
        },
    ]
)

PNG_BYTES = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


BIBTEX_TEXT = "\n".join(
    [
        "@article{osei2020,",
        '  author = {Osei, Kofi and M{\\"u}ller, J{\\"o}rg},',
        "  title = {Peer mentors in university counselling services},",
        "  journal = {The Journal of Mental Health Training, Education and Practice},",
        "  year = {2020},",
        "  volume = {15},",
        "  number = {4},",
        "  pages = {211--224},",
        "}",
        "",
    ]
)

NBIB_TEXT = "\r\n".join(
    [
        "PMID- 31234567",
        "TI  - Telephone peer support after discharge from psychiatric wards: a pilot",
        "      study.",
        "FAU - Whitaker, Rhiannon",
        "AU  - Whitaker R",
        "FAU - Nakamura, Kenji",
        "AU  - Nakamura K",
        "JT  - Psychiatric services (Washington, D.C.)",
        "TA  - Psychiatr Serv",
        "DP  - 2019 Jun 1",
        "VI  - 70",
        "IP  - 6",
        "PG  - 512-520",
        "LID - 10.1176/appi.ps.201800412 [doi]",
        "",
    ]
)


class Messages:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as lib:
        yield lib


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def controller(library: Library, window: QWidget, messages: Messages) -> ImportController:
    return ImportController(library, window, show_message=messages)


def text_mime(plain: str = "", html: str = "") -> QMimeData:
    mime = QMimeData()
    if plain:
        mime.setText(plain)
    if html:
        mime.setHtml(html)
    return mime


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def wait_for_preview(qtbot: QtBot, controller: ImportController, start) -> ImportPreviewDialog:
    with qtbot.waitSignal(controller.preview_opened, timeout=WAIT_MS) as blocker:
        op = start()
        assert op is not None
    dialog = blocker.args[0]
    assert isinstance(dialog, ImportPreviewDialog)
    return dialog


def import_all(
    qtbot: QtBot, controller: ImportController, dialog: ImportPreviewDialog
) -> ChangeSet:
    with qtbot.waitSignal(controller.import_finished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    outcome = blocker.args[0]
    assert isinstance(outcome, ImportOutcome)
    return outcome.changes


def test_dropped_page_previews_then_imports_and_reports_new_ids(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    page = emerald_page(5)
    dialog = wait_for_preview(
        qtbot, controller, lambda: controller.import_mime_data(text_mime(page))
    )
    assert dialog.model.rowCount() == 5
    assert "found in dropped text" in dialog.summary_label.text()
    assert dialog.windowTitle() == "Import from dropped text"
    summaries: list[str] = []
    controller.message_posted.connect(summaries.append)
    changes = import_all(qtbot, controller, dialog)
    assert len(changes.added) == 5
    assert set(library.search_ids()) == set(changes.added)
    assert library.batches()[0].method is ImportMethod.DROP
    assert summaries and summaries[0].startswith("Imported 5 references")
    qtbot.waitUntil(lambda: controller.preview is None, timeout=WAIT_MS)


def test_paste_from_the_clipboard_records_a_paste(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    QGuiApplication.clipboard().setMimeData(text_mime(emerald_page(2)))
    dialog = wait_for_preview(qtbot, controller, controller.import_clipboard)
    assert "found in the clipboard" in dialog.summary_label.text()
    import_all(qtbot, controller, dialog)
    assert library.count() == 2
    assert library.batches()[0].method is ImportMethod.PASTE


def test_drop_on_a_collection_imports_into_it(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    target, _ = library.add_collection("Peer work")
    dialog = wait_for_preview(
        qtbot,
        controller,
        lambda: controller.import_mime_data(text_mime(emerald_page(3)), collection=target.id),
    )
    assert dialog.selected_collection() == target.id
    import_all(qtbot, controller, dialog)
    assert library.count(collection=target.id) == 3


def test_an_image_drop_is_refused_with_a_message(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages
) -> None:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    mime = QMimeData()
    mime.setImageData(image)
    failures: list[str] = []
    controller.import_failed.connect(failures.append)
    assert ImportController.can_import(mime)  # accepted at drag-enter, so it can be explained
    assert controller.import_mime_data(mime) is None
    assert len(messages.shown) == 1
    title, text = messages.shown[0]
    assert title == "Nothing imported"
    assert "image" in text
    assert failures == [text]
    assert controller.preview is None
    assert library.count() == 0 and library.batches() == []


def test_a_binary_file_drop_names_the_file_and_changes_nothing(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages, tmp_path: Path
) -> None:
    picture = tmp_path / "scan.png"
    picture.write_bytes(PNG_BYTES)
    with qtbot.waitSignal(controller.import_failed, timeout=WAIT_MS):
        assert controller.import_mime_data(file_mime(picture)) is not None
    assert len(messages.shown) == 1
    text = messages.shown[0][1]
    assert "scan.png" in text
    assert "binary" in text
    assert "Nothing was imported" in text
    assert controller.preview is None
    assert library.count() == 0 and library.batches() == []


def test_text_without_references_is_refused(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages
) -> None:
    shopping = "Milk\nEggs\nTwo loaves of bread\n"
    with qtbot.waitSignal(controller.import_failed, timeout=WAIT_MS):
        controller.import_mime_data(text_mime(shopping), ImportMethod.PASTE)
    assert len(messages.shown) == 1
    assert "no references" in messages.shown[0][1].casefold()
    assert library.count() == 0 and library.batches() == []


def test_several_files_preview_one_after_another_and_bad_ones_are_named(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages, tmp_path: Path
) -> None:
    ris = tmp_path / "retention.ris"
    ris.write_text(RIS_TEXT, encoding="utf-8")
    csl = tmp_path / "shelters.json"
    csl.write_text(CSL_JSON_TEXT, encoding="utf-8")
    picture = tmp_path / "scan.png"
    picture.write_bytes(PNG_BYTES)

    first = wait_for_preview(
        qtbot, controller, lambda: controller.import_mime_data(file_mime(ris, picture, csl))
    )
    # The picture is reported, the two reference files still reach the preview.
    assert len(messages.shown) == 1
    assert "scan.png" in messages.shown[0][1]
    assert "retention.ris" not in messages.shown[0][1]
    assert "1 more to review" in first.windowTitle()
    assert first.model.rowCount() == 1
    assert first.pending.source_name == "retention.ris"

    with qtbot.waitSignal(controller.preview_opened, timeout=WAIT_MS) as blocker:
        import_all(qtbot, controller, first)
    second = blocker.args[0]
    assert second.pending.source_name == "shelters.json"
    assert second.model.rowCount() == 2
    import_all(qtbot, controller, second)

    titles = sorted(r.title for r in library.get_many(library.search_ids()))
    assert titles == [
        "Keeping a peer workforce after the pilot year ends",
        "Night shelters and the people who run them",
        "Peer work in practice",
    ]
    assert sorted(b.source_name for b in library.batches()) == ["retention.ris", "shelters.json"]
    assert {b.raw_input for b in library.batches()} == {RIS_TEXT, CSL_JSON_TEXT}


@pytest.mark.parametrize(
    ("name", "content", "count"),
    [
        ("retention.ris", RIS_TEXT, 1),
        ("mentors.bib", BIBTEX_TEXT, 1),
        ("pubmed-export.nbib", NBIB_TEXT, 1),
        ("shelters.json", CSL_JSON_TEXT, 2),
        ("emerald-copy.txt", emerald_page(3), 3),
        (
            "saved-page.html",
            "<html><body>"
            + "".join(f"<p>{line}</p>" for line in emerald_page(2).splitlines() if line)
            + "</body></html>",
            2,
        ),
    ],
)
def test_each_kind_of_reference_file_reaches_the_preview(
    qtbot: QtBot,
    controller: ImportController,
    library: Library,
    tmp_path: Path,
    name: str,
    content: str,
    count: int,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    dialog = wait_for_preview(
        qtbot, controller, lambda: controller.import_mime_data(file_mime(path))
    )
    assert dialog.model.rowCount() == count
    changes = import_all(qtbot, controller, dialog)
    assert len(changes.added) == count
    batch = library.batches()[0]
    assert batch.source_name == name
    assert batch.raw_input == content


def test_closing_a_preview_imports_nothing_and_opens_the_next(
    qtbot: QtBot, controller: ImportController, library: Library, tmp_path: Path
) -> None:
    ris = tmp_path / "retention.ris"
    ris.write_text(RIS_TEXT, encoding="utf-8")
    csl = tmp_path / "shelters.json"
    csl.write_text(CSL_JSON_TEXT, encoding="utf-8")
    first = wait_for_preview(qtbot, controller, lambda: controller.import_files([ris, csl]))
    with qtbot.waitSignal(controller.preview_opened, timeout=WAIT_MS):
        first.reject()
    assert library.count() == 0
    assert controller.preview is not None
    controller.preview.reject()
    assert library.batches() == []


def test_html_and_plain_text_together_use_the_richer(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    page = emerald_page(2)
    junk_html = "<html><body><p>Cookie settings</p><p>Sign in</p></body></html>"
    dialog = wait_for_preview(
        qtbot, controller, lambda: controller.import_mime_data(text_mime(page, junk_html))
    )
    assert dialog.model.rowCount() == 2
    assert dialog.pending.raw_input == page


def test_windows_cf_html_is_read(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    body = "".join(f"<p>{line}</p>" if line else "" for line in emerald_page(2).splitlines())
    html = f"<html><body><!--StartFragment-->{body}<!--EndFragment--></body></html>"
    header = (
        "Version:0.9\r\nStartHTML:{:010d}\r\nEndHTML:{:010d}\r\n"
        "StartFragment:{:010d}\r\nEndFragment:{:010d}\r\n"
    )
    head_len = len(header.format(0, 0, 0, 0))
    data = html.encode("utf-8")
    payload = header.format(head_len, head_len + len(data), head_len, head_len + len(data))
    mime = QMimeData()
    mime.setData(MIME_WINDOWS_HTML, QByteArray(payload.encode("ascii") + data))
    items = inputs_from_mime_data(mime, ImportMethod.PASTE)
    assert len(items) == 1 and items[0].html.startswith("Version:0.9")
    dialog = wait_for_preview(
        qtbot, controller, lambda: controller.import_mime_data(mime, ImportMethod.PASTE)
    )
    assert dialog.model.rowCount() == 2


def test_web_links_alone_are_refused(
    controller: ImportController, library: Library, messages: Messages
) -> None:
    mime = QMimeData()
    link = "https://www.emerald.com/insight/search?q=peer%20support"
    mime.setUrls([QUrl(link)])
    assert controller.import_mime_data(mime) is None
    mime.setText(link)  # what browsers add when a link is dragged
    assert controller.import_mime_data(mime) is None
    assert len(messages.shown) == 2
    assert all("does not download" in text for _title, text in messages.shown)
    assert library.batches() == []


def test_references_dragged_from_peerref_itself_are_not_imported(
    controller: ImportController, messages: Messages
) -> None:
    mime = text_mime("(Brennan & Ó Rourke, 2011)")
    set_reference_ids(mime, [ReferenceId(3), ReferenceId(5)])
    assert not ImportController.can_import(mime)
    assert controller.import_mime_data(mime) is None
    assert messages.shown == []


def test_big_page_shows_progress_and_cancel_leaves_the_library_unchanged(
    qtbot: QtBot, library: Library, window: QWidget, messages: Messages
) -> None:
    controller = ImportController(library, window, show_message=messages, progress_delay_ms=0)
    page = emerald_page(25_000)
    opened: list[object] = []
    controller.preview_opened.connect(opened.append)
    op = controller.import_mime_data(text_mime(page))
    assert op is not None
    with qtbot.waitSignal(op.progress_dialog_shown, timeout=WAIT_MS) as shown:
        pass
    dialog = shown.args[0]
    assert isinstance(dialog, QProgressDialog)
    assert "Reading references" in dialog.labelText()
    with qtbot.waitSignal(op.cancelled, timeout=60_000):
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert opened == []
    assert controller.preview is None
    assert messages.shown == []
    assert library.count() == 0 and library.batches() == []


@pytest.mark.seeds
def test_seed_emerald_page_dropped_lists_ten(
    qtbot: QtBot, controller: ImportController, library: Library
) -> None:
    matches = sorted(SEEDS_DIR.glob("000_*.txt"))
    if not matches:
        pytest.skip("../shared/seeds is not present")
    dialog = wait_for_preview(
        qtbot, controller, lambda: controller.import_files([matches[0]], method=ImportMethod.DROP)
    )
    assert dialog.model.rowCount() == 10
    changes = import_all(qtbot, controller, dialog)
    assert len(changes.added) == 10
    assert library.count() == 10


def test_a_paste_above_the_size_limit_is_refused_at_once_with_what_to_do(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages
) -> None:
    """Issue 17 #12: a 200 MB paste took 24 s and 2.6 GB before anything was said."""
    from peerref.core.limits import MAX_INPUT_BYTES

    mime = QMimeData()
    mime.setData("text/plain", QByteArray(b"TY  - JOUR\n" + b"x" * MAX_INPUT_BYTES))
    assert controller.import_mime_data(mime, ImportMethod.PASTE) is None  # no worker started
    assert len(messages.shown) == 1
    text = messages.shown[0][1]
    assert "Too large to import at once: the text in the clipboard is about 50 MB" in text
    assert "Split it" in text
    assert controller.preview is None
    assert library.count() == 0 and library.batches() == []


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(
    qtbot: QtBot, controller: ImportController, library: Library, messages: Messages, tmp_path: Path
) -> None:
    from peerref.core.limits import MAX_INPUT_BYTES

    big = tmp_path / "huge.ris"
    with big.open("wb") as handle:
        handle.truncate(4 * MAX_INPUT_BYTES)  # sparse: nothing is written
    with qtbot.waitSignal(controller.import_failed, timeout=WAIT_MS):
        assert controller.import_mime_data(file_mime(big)) is not None
    text = messages.shown[0][1]
    assert "huge.ris is about 200 MB" in text
    assert library.count() == 0 and library.batches() == []
