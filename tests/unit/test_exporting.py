"""The export text both the CLI and the window write (peerref.exporting)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from peerref.citations import StyleCatalogue
from peerref.core.errors import UserInputError
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.exporting import ExportFormat, export_document, export_text

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


@pytest.mark.parametrize("export_format", ["csl-json", "ris", "bibtex", "bibliography"])
def test_control_characters_are_left_out_of_every_export_and_named(export_format: str) -> None:
    """Issue 17 #8: stored values with a NUL (from before imports removed them) or a form feed."""
    reference = replace(REFERENCE, title="Night\x00 staff\x0cand restraint")
    style = StyleCatalogue().load("apa") if export_format == "bibliography" else None
    document = export_document([reference], export_format, style=style)
    assert "\x00" not in document.text and "\x0c" not in document.text
    assert "\\u0000" not in document.text
    assert "Night staff and restraint" in document.text
    assert document.warnings == (
        "reference 7: 2 control characters (NUL, form feed) removed from the title",
    )


def test_an_export_without_control_characters_has_no_warnings() -> None:
    assert export_document([REFERENCE], "ris").warnings == ()
