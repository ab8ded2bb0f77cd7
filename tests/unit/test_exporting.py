"""The export text both the CLI and the window write (peerref.exporting)."""

from __future__ import annotations

import json

import pytest

from peerref.citations import StyleCatalogue
from peerref.core.errors import UserInputError
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.exporting import ExportFormat, export_text

REFERENCE = Reference(
    id=ReferenceId(7),
    title="Night staff and the language of restraint",
    creators=(Creator(family="Fairweather", given="Lucy"),),
    issued=PartialDate(2020, 3),
    container_title="The Journal of Adult Protection",
)


def test_csl_json_is_an_array_of_items() -> None:
    items = json.loads(export_text([REFERENCE], ExportFormat.CSL_JSON))
    assert items[0]["title"] == REFERENCE.title
    assert items[0]["issued"] == {"date-parts": [[2020, 3]]}


def test_ris_carries_the_notes_given() -> None:
    text = export_text([REFERENCE], "ris", notes={ReferenceId(7): ["Quoted in chapter 3"]})
    assert "N1  - Quoted in chapter 3" in text
    assert ExportFormat.RIS.carries_notes and not ExportFormat.CSL_JSON.carries_notes


def test_a_bibliography_is_written_in_the_style_and_format_asked_for() -> None:
    style = StyleCatalogue().load("apa")
    page = export_text([REFERENCE], "bibliography", style=style, bibliography_format="html")
    assert page.startswith("<!DOCTYPE html>") and "Fairweather" in page
    text = export_text([REFERENCE], "bibliography", style=style, bibliography_format="text")
    assert text.startswith("Fairweather, L. (2020)")


def test_a_bibliography_without_a_style_or_an_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(UserInputError, match="style"):
        export_text([REFERENCE], ExportFormat.BIBLIOGRAPHY)
    with pytest.raises(UserInputError, match="Unknown export format “endnote”"):
        export_text([REFERENCE], "endnote")
