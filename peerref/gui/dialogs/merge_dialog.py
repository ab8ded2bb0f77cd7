"""The merge dialog: records side by side, one choice per field, then one merged record.

The person picks which record to keep (its id, notes and place in the library stay) and,
for every field where the records disagree, which record's value to take. The defaults
are what ``peerref.core.merging.merge_references`` would choose: never a poorer value
(a flat abstract over a structured one, a year over a full date, initials over names).
Notes, tags, collections, keywords, ISSNs, ISBNs and provenance of all records are always
kept; the merge itself is performed by the window as an undoable command.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from peerref.core.merging import MERGEABLE_FIELDS, merge_references
from peerref.core.model import AbstractSection, Creator, PartialDate, Reference, ReferenceId
from peerref.gui.models.reference_table import format_added

# Fields united from every record rather than chosen from one.
UNITED_FIELDS = frozenset({"issn", "isbn", "keywords", "tags"})
VALUE_CHARS = 160


def field_label(name: str) -> str:
    return {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "url": "URL"}.get(
        name, name.replace("_", " ").capitalize()
    )


def value_text(value: object) -> str:
    """A field value as one line of text for the side-by-side view."""
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        return value.iso() or value.literal
    if isinstance(value, tuple):
        parts = []
        for item in value:
            if isinstance(item, Creator):
                parts.append(item.literal or " ".join(p for p in (item.given, item.family) if p))
            elif isinstance(item, AbstractSection):
                # "Purpose: …" tells a structured abstract from the same text run flat.
                parts.append(f"{item.heading}: {item.text}" if item.heading else item.text)
            else:
                parts.append(str(item))
        text = "; ".join(parts)
    else:
        text = str(getattr(value, "value", value))
    text = " ".join(text.split())
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def record_summary(reference: Reference, origin: str = "") -> str:
    """A record told apart from its twins: authors, year, source, when added, where from.

    Rich text for the column heading; identical records differ only in the last lines.
    """
    authors = value_text(reference.creators) or "No authors"
    year = str(reference.issued.year) if reference.issued.year else "n.d."
    source = reference.container_title or reference.publisher or "no source"
    lines = [
        f"<b>{html.escape(authors)}</b>",
        html.escape(f"{year} · {source}"),
    ]
    if reference.added is not None:
        lines.append(html.escape(f"Added {format_added(reference.added)}"))
    if origin and not origin.startswith("Added"):  # the date added is already there
        lines.append(f"<i>{html.escape(origin)}</i>")
    return "<br>".join(lines)


def identical_note(count: int) -> str:
    others = "the other" if count == 2 else "the others"
    return (
        "These records are identical; merging keeps one and moves "
        f"{others} to the trash (notes, tags and collections are kept)."
    )


class MergeDialog(QDialog):
    """Choose the record to keep and, field by field, the value to take.

    Args:
        references: the records to merge (two or more, with ids).
        keep: the record kept by default (the most complete one).
        origins: for each record, where it came from ("Imported from … on …"), so records
            that agree on every field can still be told apart.
    """

    def __init__(
        self,
        references: Sequence[Reference],
        keep: ReferenceId,
        parent: QWidget | None = None,
        origins: Mapping[ReferenceId, str] | None = None,
    ) -> None:
        super().__init__(parent)
        if len(references) < 2 or any(ref.id is None for ref in references):
            raise ValueError("the merge dialog needs two or more stored references")
        self.setObjectName("mergeDialog")
        self.setWindowTitle(f"Merge {len(references)} References")
        self.resize(900, 600)
        self._references = list(references)
        self._ids = [ReferenceId(ref.id or 0) for ref in references]
        primary = next(r for r in references if r.id == keep)
        merged = merge_references(primary, [r for r in references if r is not primary])
        self.fields = [
            name
            for name in MERGEABLE_FIELDS
            if name not in UNITED_FIELDS
            and len({value_text(getattr(r, name)) for r in references}) > 1
        ]

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose the record to keep and, for each field that differs, the value to keep. "
            "Notes, tags, collections, keywords and where each record came from are kept "
            "from all of them; the others go to the trash. You can undo the merge."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.identical_label = QLabel(identical_note(len(references)))
        self.identical_label.setObjectName("identicalNote")
        self.identical_label.setWordWrap(True)
        self.identical_label.setVisible(not self.fields)
        layout.addWidget(self.identical_label)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        origins = origins or {}
        self.summaries: list[QLabel] = []
        for column, ref in enumerate(references, start=1):
            heading = QLabel(record_summary(ref, origins.get(ReferenceId(ref.id or 0), "")))
            heading.setObjectName(f"summary_{ref.id}")
            heading.setTextFormat(Qt.TextFormat.RichText)
            heading.setWordWrap(True)
            heading.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            heading.setToolTip(f"Record #{ref.id}")
            self.summaries.append(heading)
            grid.addWidget(heading, 0, column)
            grid.setColumnStretch(column, 1)
        self.keep_group = QButtonGroup(self)
        grid.addWidget(QLabel("Keep"), 1, 0)
        for column, ref_id in enumerate(self._ids, start=1):
            button = QRadioButton("keep this one")
            button.setObjectName(f"keep_{ref_id}")
            button.setChecked(ref_id == keep)
            self.keep_group.addButton(button, ref_id)
            grid.addWidget(button, 1, column)
        self.field_groups: dict[str, QButtonGroup] = {}
        for row, name in enumerate(self.fields, start=2):
            grid.addWidget(QLabel(field_label(name)), row, 0, Qt.AlignmentFlag.AlignTop)
            group = QButtonGroup(self)
            self.field_groups[name] = group
            default = next(
                (r.id for r in references if getattr(r, name) == getattr(merged, name)), keep
            )
            for column, ref in enumerate(references, start=1):
                text = value_text(getattr(ref, name)) or "(empty)"
                button = QRadioButton(text)
                button.setObjectName(f"{name}_{ref.id}")
                button.setToolTip(text)
                button.setChecked(ref.id == default)
                group.addButton(button, ref.id or 0)
                grid.addWidget(button, row, column)
        grid.setRowStretch(len(self.fields) + 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Merge")
        ok.setObjectName("mergeButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def keep_id(self) -> ReferenceId:
        return ReferenceId(self.keep_group.checkedId())

    def other_ids(self) -> list[ReferenceId]:
        keep = self.keep_id()
        return [i for i in self._ids if i != keep]

    def choices(self) -> Mapping[str, ReferenceId]:
        """Field name -> the record whose value was picked, for every differing field."""
        return {
            name: ReferenceId(group.checkedId())
            for name, group in self.field_groups.items()
            if group.checkedId() > 0
        }

    def pick(self, name: str, ref_id: ReferenceId) -> None:
        """Choose a field's value from one record (what a click on its radio does)."""
        button = self.field_groups[name].button(ref_id)
        if button is not None:
            button.setChecked(True)

    def pick_keep(self, ref_id: ReferenceId) -> None:
        button = self.keep_group.button(ref_id)
        if button is not None:
            button.setChecked(True)
