"""Exporting references to a file: the one implementation ``peerref-cli export`` and the
window's File › Export… share.

An export is the text of a file in one of :class:`ExportFormat`: an interchange format
(CSL-JSON, RIS, BibTeX) or a formatted bibliography in a citation style, written as HTML,
RTF or plain text. Both front ends choose the references and where the text goes; what
the text is, is decided here only, so an export from the window is byte for byte what the
command line writes for the same references.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass

from peerref.citations import (
    BibliographyFormat,
    CitationStyle,
    bibliography_document,
    render_bibliography,
)
from peerref.core.csl import reference_to_csl
from peerref.core.errors import UserInputError
from peerref.core.limits import UNLIMITED, checked_reference, clean_text
from peerref.core.model import Reference, ReferenceId
from peerref.formats import registry
from peerref.formats.base import ExportNotes
from peerref.library import Library


class ExportFormat(enum.StrEnum):
    """What an export writes; values are ``peerref-cli export --format`` names."""

    CSL_JSON = "csl-json"
    RIS = "ris"
    BIBTEX = "bibtex"
    BIBLIOGRAPHY = "bibliography"

    @property
    def carries_notes(self) -> bool:
        """RIS (N1) and BibTeX (note) carry the library's notes, as Zotero's exports do."""
        return self in (ExportFormat.RIS, ExportFormat.BIBTEX)

    @property
    def suffix(self) -> str:
        """The file name ending of an interchange export (a bibliography's is its format's)."""
        return {"csl-json": ".json", "ris": ".ris", "bibtex": ".bib", "bibliography": ".txt"}[
            self.value
        ]


def export_notes(library: Library, references: Sequence[Reference]) -> dict[ReferenceId, list[str]]:
    """The note texts an export carries for ``references`` (reference id -> texts)."""
    return {
        ref.id: [note.text for note in library.notes(ref.id)]
        for ref in references
        if ref.id is not None
    }


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """The text of an export file, and what was left out of the values it was made from.

    ``warnings`` name each reference and field from which control characters (a NUL, a
    form feed) were removed: they have no place in a text file, and a NUL made PeerRef
    itself take its own export for binary data.
    """

    text: str
    warnings: tuple[str, ...] = ()


def export_text(
    references: Sequence[Reference],
    export_format: ExportFormat | str,
    *,
    notes: ExportNotes | None = None,
    style: CitationStyle | None = None,
    bibliography_format: BibliographyFormat | str = BibliographyFormat.TEXT,
) -> str:
    """The text of the export file of ``references``, in their order (``export_document``)."""
    return export_document(
        references,
        export_format,
        notes=notes,
        style=style,
        bibliography_format=bibliography_format,
    ).text


def export_document(
    references: Sequence[Reference],
    export_format: ExportFormat | str,
    *,
    notes: ExportNotes | None = None,
    style: CitationStyle | None = None,
    bibliography_format: BibliographyFormat | str = BibliographyFormat.TEXT,
) -> ExportDocument:
    """The export file of ``references``, in their order, and what it left out.

    Args:
        references: what to export, in the order the file lists them (a bibliography
            sorts as its style says).
        export_format: an :class:`ExportFormat` or its name.
        notes: note texts by reference id, for the formats that carry notes.
        style: the loaded citation style; needed for a bibliography.
        bibliography_format: HTML, RTF or plain text, for a bibliography.

    Raises:
        UserInputError: a bibliography was asked for without a style, or a format name
            is not one of :class:`ExportFormat`.
    """
    try:
        chosen = ExportFormat(export_format)
    except ValueError:
        names = ", ".join(f.value for f in ExportFormat)
        raise UserInputError(
            f"Unknown export format “{export_format}”; use one of {names}."
        ) from None
    references, notes, warnings = _without_control_characters(references, notes)
    if chosen is ExportFormat.CSL_JSON:
        items = [reference_to_csl(ref) for ref in references]
        text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    elif chosen is ExportFormat.BIBLIOGRAPHY:
        if style is None:
            raise UserInputError("Choose a citation style for the bibliography.")
        result = render_bibliography(references, style)
        text = bibliography_document(result, BibliographyFormat(bibliography_format))
    else:
        text = registry.writer_named(chosen.value).write(references, notes=notes)
    return ExportDocument(text, tuple(warnings))


def _without_control_characters(
    references: Sequence[Reference], notes: ExportNotes | None
) -> tuple[list[Reference], ExportNotes | None, list[str]]:
    """The references and notes with control characters removed, and a warning for each."""
    cleaned: list[Reference] = []
    warnings: list[str] = []
    for ref in references:
        checked, messages = checked_reference(ref, UNLIMITED)
        cleaned.append(checked)
        warnings += [f"reference {_name(ref)}: {message}" for message in messages]
    if notes is None:
        return cleaned, None, warnings
    cleaned_notes: dict[ReferenceId, list[str]] = {}
    for ref_id, texts in notes.items():
        cleaned_notes[ref_id] = []
        for number, text in enumerate(texts, start=1):
            result = clean_text(text)
            if result.count:
                warnings.append(
                    f"reference {ref_id}: {result.describe()} removed from its note {number}"
                )
            cleaned_notes[ref_id].append(result.text)
    return cleaned, cleaned_notes, warnings


def _name(ref: Reference) -> str:
    return str(ref.id) if ref.id is not None else f"“{ref.title[:40]}”"
