"""Copying citations, bibliographies and exports, and the data a drag out carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from peerref.citations import StyleCatalogue
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.formats import registry
from peerref.gui.clipboard import (
    REFERENCE_IDS_MIME,
    CitationCopier,
    mime_data_from_payload,
    reference_ids_from_mime,
    ris_file_name,
)

# The offscreen platform cannot pass a window's size limits on and says so; harmless.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT_MS = 10_000
TAG = re.compile(r"<[a-zA-Z/][^>]*>")

ARTICLE = Reference(
    type=ReferenceType.ARTICLE_JOURNAL,
    title="Peer workers on acute wards: a year of shared shifts",
    creators=(Creator(family="Brennan", given="Aoife"), Creator(family="Ó Rourke", given="Tomás")),
    container_title="Mental Health Review Journal",
    volume="18",
    issue="2",
    page="77-89",
    issued=PartialDate(2013, 6),
    doi="10.1108/MHRJ-02-2013-0007",
    abstract=(AbstractSection("Purpose", "To describe shared shifts."),),
    id=ReferenceId(7),
)
CHAPTER = Reference(
    type=ReferenceType.CHAPTER,
    title="Supervision for peer supporters",
    creators=(Creator(family="Lindqvist", given="Maja"),),
    container_title="Peer Support in Practice",
    publisher="Emerald Publishing Limited",
    issued=PartialDate(2022),
    isbn=("978-1-80382-429-1",),
    id=ReferenceId(9),
)


class Messages:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture(scope="module")
def catalogue() -> StyleCatalogue:
    return StyleCatalogue()


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def copier(catalogue: StyleCatalogue, window: QWidget, messages: Messages) -> CitationCopier:
    copier = CitationCopier(catalogue, window, show_message=messages)
    yield copier
    copier.close()


def copy_and_wait(qtbot: QtBot, copier: CitationCopier, start) -> str:
    with qtbot.waitSignal(copier.copied, timeout=WAIT_MS) as blocker:
        assert start() is not None
    return blocker.args[0]


def test_copied_citation_has_plain_text_without_tags_and_html(
    qtbot: QtBot, copier: CitationCopier
) -> None:
    said = copy_and_wait(qtbot, copier, lambda: copier.copy_citation([ARTICLE]))
    assert said == "Copied citation (APA Style 7th edition) for 1 reference"
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasText() and mime.hasHtml()
    plain, html = mime.text(), mime.html()
    assert plain == "(Brennan & Ó Rourke, 2013)"
    assert not TAG.search(plain) and "&amp;" not in plain
    assert "Brennan" in html and "&#38;" in html
    assert bytes(mime.data("text/rtf").data()).startswith(b"{\\rtf")


def test_copied_bibliography_keeps_italics_in_html_only(
    qtbot: QtBot, copier: CitationCopier
) -> None:
    copy_and_wait(qtbot, copier, lambda: copier.copy_bibliography([ARTICLE, CHAPTER]))
    mime = QGuiApplication.clipboard().mimeData()
    plain, html = mime.text(), mime.html()
    assert plain.splitlines()[0].startswith("Brennan, A., & Ó Rourke, T. (2013).")
    assert "Lindqvist, M. (2022)" in plain
    assert not TAG.search(plain)
    assert "<i>Mental Health Review Journal</i>" in html
    assert 'class="csl-entry"' in html


def test_copy_in_another_style(qtbot: QtBot, copier: CitationCopier) -> None:
    said = copy_and_wait(qtbot, copier, lambda: copier.copy_citation([ARTICLE], style="ieee"))
    assert "(IEEE Reference Guide" in said and "(ieee)" not in said  # a name, not an id
    assert QGuiApplication.clipboard().mimeData().text() == "[1]"


def test_clipboard_formats_follow_the_preference(qtbot: QtBot, copier: CitationCopier) -> None:
    copier.set_formats(["text/html"])
    copy_and_wait(qtbot, copier, lambda: copier.copy_citation([ARTICLE]))
    formats = QGuiApplication.clipboard().mimeData().formats()
    assert "text/html" in formats and "text/plain" in formats  # plain is always there
    assert "text/rtf" not in formats


def test_copy_as_bibtex_and_ris(qtbot: QtBot, copier: CitationCopier) -> None:
    copy_and_wait(qtbot, copier, lambda: copier.copy_as_format([ARTICLE], "bibtex"))
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text().lstrip().startswith("@article{")
    assert mime.hasFormat("application/x-bibtex")
    copy_and_wait(qtbot, copier, lambda: copier.copy_as_format([ARTICLE], "ris"))
    ris = QGuiApplication.clipboard().mimeData().text()
    assert ris.startswith("TY  - JOUR")
    assert "DO  - 10.1108/MHRJ-02-2013-0007" in ris


def test_nothing_selected_says_so(copier: CitationCopier, messages: Messages) -> None:
    assert copier.copy_citation([]) is None
    assert copier.copy_as_format([], "ris") is None
    assert [title for title, _text in messages.shown] == ["Nothing copied", "Nothing copied"]


def test_unknown_style_is_shown_as_a_message(
    qtbot: QtBot, copier: CitationCopier, messages: Messages
) -> None:
    before = QGuiApplication.clipboard().text()
    op = copier.copy_bibliography([ARTICLE], style="no-such-style-anywhere")
    assert op is not None
    with qtbot.waitSignal(op.failed, timeout=WAIT_MS):
        pass
    assert len(messages.shown) == 1
    assert "no-such-style-anywhere" in messages.shown[0][1]
    assert QGuiApplication.clipboard().text() == before


def test_drag_out_carries_citations_a_ris_file_and_ids(copier: CitationCopier) -> None:
    mime = copier.drag_mime_data([ARTICLE, CHAPTER])
    assert mime.text().startswith("Brennan, A., & Ó Rourke, T. (2013).")
    assert not TAG.search(mime.text())
    assert "<i>" in mime.html()
    urls = mime.urls()
    assert len(urls) == 1 and urls[0].isLocalFile()
    ris_path = Path(urls[0].toLocalFile())
    assert ris_path.name == "2 references.ris"
    parsed = registry.parse_text(ris_path.read_text(encoding="utf-8"))
    assert [r.title for r in parsed.references] == [ARTICLE.title, CHAPTER.title]
    assert mime.hasFormat(REFERENCE_IDS_MIME)
    assert reference_ids_from_mime(mime) == [ReferenceId(7), ReferenceId(9)]
    copier.close()
    assert not ris_path.exists()


def test_ris_file_names() -> None:
    assert ris_file_name([ARTICLE]) == "Brennan 2013.ris"
    assert ris_file_name([Reference()]) == "reference.ris"
    odd = Reference(creators=(Creator(literal='Mind: "Cymru"/Wales'),))
    assert ris_file_name([odd]) == "Mind_ _Cymru_Wales.ris"


def test_payload_mapping_to_mime_data() -> None:
    payload = {"text/plain": "A & B", "text/html": "<i>A</i> &amp; B", "text/rtf": "{\\rtf1 x}"}
    mime = mime_data_from_payload(payload)
    assert mime.text() == "A & B"
    assert mime.html() == "<i>A</i> &amp; B"
    assert bytes(mime.data("text/rtf").data()) == b"{\\rtf1 x}"
    assert bytes(mime.data("application/rtf").data()) == b"{\\rtf1 x}"


def test_copying_an_untitled_reference_says_what_is_missing(
    qtbot: QtBot, copier: CitationCopier
) -> None:
    untitled = ARTICLE.with_changes(title="")
    undated = ARTICLE.with_changes(issued=PartialDate())
    said = copy_and_wait(qtbot, copier, lambda: copier.copy_bibliography([untitled, undated]))
    assert (
        said == "Copied bibliography (APA Style 7th edition) for 2 references; "
        "1 has no title, 1 has no year"
    )
    said = copy_and_wait(qtbot, copier, lambda: copier.copy_citation([untitled]))
    assert said == "Copied citation (APA Style 7th edition) for 1 reference; 1 has no title"


def test_copy_as_ris_carries_the_notes_it_is_given(
    qtbot: QtBot, catalogue: StyleCatalogue, window: QWidget, messages: Messages
) -> None:
    stored = ARTICLE.with_changes(id=ReferenceId(7), tags=("peer support",))
    copier = CitationCopier(
        catalogue,
        window,
        show_message=messages,
        notes_for=lambda refs: {ref.id: ["Compare with the Scottish pilot."] for ref in refs},
    )
    try:
        copy_and_wait(qtbot, copier, lambda: copier.copy_as_format([stored], "ris"))
    finally:
        copier.close()
    ris = QGuiApplication.clipboard().mimeData().text()
    assert "N1  - Compare with the Scottish pilot." in ris
    assert "KW  - peer support" in ris
