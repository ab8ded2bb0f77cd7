"""Bibliography files: standalone HTML, plain text, RTF."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from citation_samples import ALL, PEER_ROLE
from test_cite_clipboard import rtf_to_text

from peerref.citations import (
    BibliographyFormat,
    StyleCatalogue,
    bibliography_document,
    render_bibliography,
)


class _TagBalance(HTMLParser):
    VOID = frozenset({"meta", "br", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_document_is_well_formed_and_titled(catalogue: StyleCatalogue) -> None:
    result = render_bibliography(ALL, catalogue.load("apa"))
    document = bibliography_document(result, "html", title="Ward & team reading")
    assert document.startswith("<!DOCTYPE html>")
    assert "<title>Ward &amp; team reading</title>" in document
    parser = _TagBalance()
    parser.feed(document)
    parser.close()
    assert parser.stack == []
    assert "Repper, J., & Watson, E. (2012a)." in "".join(parser.text)


def test_plain_text_file_has_one_paragraph_per_entry(catalogue: StyleCatalogue) -> None:
    result = render_bibliography(ALL, catalogue.load("harvard"))
    text = bibliography_document(result, BibliographyFormat.TEXT)
    assert text.endswith("\n")
    assert text.rstrip("\n").split("\n\n") == [entry.text for entry in result.entries]


def test_rtf_file_parses_and_matches_plain_text(catalogue: StyleCatalogue) -> None:
    result = render_bibliography(ALL, catalogue.load("vancouver"))
    rtf = bibliography_document(result, "rtf")
    text, words = rtf_to_text(rtf)
    assert "fi" in words  # numbered list: number hangs in its own column
    assert text.strip().split("\n") == [entry.text for entry in result.entries]


def test_unknown_format_is_refused(catalogue: StyleCatalogue) -> None:
    result = render_bibliography([PEER_ROLE], catalogue.load("apa"))
    with pytest.raises(ValueError):
        bibliography_document(result, "docx")
    assert BibliographyFormat("rtf").suffix == ".rtf"
