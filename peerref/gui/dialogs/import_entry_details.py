"""The import preview's view of one entry: every field read, every warning, what a merge does.

A table row can only show a few columns; before saving, a person checks what the reader
made of the entry — the authors in full, the date, the container and its numbering, the
identifiers, the abstract with its sections — and, for an entry the library already
holds, what merging it would fill in and replace. The text is built here from the parsed
``Reference`` as HTML (escaped) for a read-only ``QTextBrowser``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from peerref.core.model import Creator, CreatorRole, Reference, ReferenceType

EMPTY = "—"

TYPE_NAMES = {
    ReferenceType.ARTICLE_JOURNAL: "Journal article",
    ReferenceType.CHAPTER: "Book chapter",
    ReferenceType.BOOK: "Book",
    ReferenceType.PAPER_CONFERENCE: "Conference paper",
    ReferenceType.REPORT: "Report",
    ReferenceType.THESIS: "Thesis",
    ReferenceType.PREPRINT: "Preprint",
    ReferenceType.WEBPAGE: "Web page",
    ReferenceType.DATASET: "Dataset",
    ReferenceType.OTHER: "Document",
}
_ROLE_NAMES = {CreatorRole.AUTHOR: "Authors", CreatorRole.EDITOR: "Editors"}
_ROLE_NAMES[CreatorRole.TRANSLATOR] = "Translators"
_CONTAINER_NAMES = {
    ReferenceType.ARTICLE_JOURNAL: "Journal",
    ReferenceType.CHAPTER: "Book",
    ReferenceType.PAPER_CONFERENCE: "Proceedings",
}


def creator_text(creator: Creator) -> str:
    """ "Kowalczyk, Zofia", "van der Berg, Henrik", or an organisation's name."""
    if creator.literal:
        return creator.literal
    family = creator.family_with_particle()
    name = f"{family}, {creator.given}" if creator.given else family
    return f"{name}, {creator.suffix}" if creator.suffix else name


def field_rows(reference: Reference) -> list[tuple[str, str]]:
    """(label, value) for every field a reader can give, in the order a citation reads.

    The fields every reference should have are listed even when empty (shown as "—"), so
    a gap is seen before saving; the others only when the reader found them.
    """
    rows: list[tuple[str, str]] = [("Type", TYPE_NAMES.get(reference.type, reference.type.value))]
    by_role: dict[CreatorRole, list[str]] = {}
    for creator in reference.creators:
        by_role.setdefault(creator.role, []).append(creator_text(creator))
    authors = "; ".join(by_role.pop(CreatorRole.AUTHOR, []))
    if "author" in reference.truncated or "creators" in reference.truncated:
        authors = f"{authors}; … (cut short by the source)" if authors else "…"
    rows.append(("Authors", authors))
    for role, names in by_role.items():
        rows.append((_ROLE_NAMES[role], "; ".join(names)))
    date = reference.issued.iso() or reference.issued.literal
    if reference.issued.season:
        date = f"{date} ({reference.issued.season})"
    rows.append(("Date", date))
    rows.append(("Title", reference.title))
    rows.append((_CONTAINER_NAMES.get(reference.type, "Published in"), reference.container_title))
    rows.extend(
        [
            ("Volume", reference.volume),
            ("Issue", reference.issue),
            ("Pages", reference.page),
            ("ISSN", ", ".join(reference.issn)),
            ("ISBN", ", ".join(reference.isbn)),
            ("DOI", reference.doi),
        ]
    )
    optional = (
        ("Short title", reference.title_short),
        ("Series", reference.collection_title),
        ("Status", reference.status),
        ("Publisher", reference.publisher),
        ("Place", reference.publisher_place),
        ("Edition", reference.edition),
        ("PMID", reference.pmid),
        ("PMCID", reference.pmcid),
        ("URL", reference.url),
        ("Language", reference.language),
        ("Keywords", "; ".join(reference.keywords)),
    )
    rows.extend((label, value) for label, value in optional if value)
    return rows


def details_html(
    reference: Reference,
    warnings: Sequence[str],
    *,
    existing_label: str = "",
    verdict: str = "",
    fills: Sequence[str] = (),
    replacements: Sequence[str] = (),
) -> str:
    """The whole entry as HTML: its warnings, what a merge does, its fields, its abstract.

    Warnings and the merge come first: they are what a person has to decide on, and the
    pane may be too short to show everything without scrolling.
    """
    parts: list[str] = []
    if warnings:
        count = len(warnings)
        parts.append(f"<p><b>{count} {'warning' if count == 1 else 'warnings'}</b></p><ul>")
        parts.extend(f"<li>{html.escape(warning)}</li>" for warning in warnings)
        parts.append("</ul>")
    if existing_label:
        if verdict:
            parts.append(f"<p><b>{html.escape(verdict)}</b></p>")
        parts.append(f"<p>In your library: {html.escape(existing_label)}</p>")
        if fills:
            parts.append(f"<p>Would fill in: {html.escape(', '.join(fills))}</p>")
        parts.extend(f"<p>{html.escape(line)}</p>" for line in replacements)
        if not fills and not replacements:
            parts.append("<p>Adds nothing to the reference in your library.</p>")
    parts.append("<table cellspacing='2'>")
    for label, value in field_rows(reference):
        shown = html.escape(value) if value else f"<span style='color:gray'>{EMPTY}</span>"
        parts.append(
            f"<tr><th align='left' valign='top'>{html.escape(label)}</th><td>{shown}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<p><b>Abstract</b></p>")
    if reference.abstract:
        for section in reference.abstract:
            heading = f"<b>{html.escape(section.heading)}:</b> " if section.heading else ""
            parts.append(f"<p>{heading}{html.escape(section.text)}</p>")
    else:
        parts.append(f"<p style='color:gray'>{EMPTY}</p>")
    return "\n".join(parts)


class EntryDetails(QWidget):
    """Every field of the current entry, its warnings, and the merge choice for a duplicate.

    Signals:
        replacing_chosen(bool): the person chose "Replace with the incoming values" (True)
            or "Keep mine, only fill in empty fields" (False) for the current entry.
    """

    replacing_chosen = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entryDetails")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setObjectName("entryFields")
        self.browser.setAccessibleName("Fields of the entry")
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)

        self.merge_choice = QWidget()
        self.merge_choice.setObjectName("mergeChoice")
        row = QHBoxLayout(self.merge_choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("When merging:"))
        self.keep_button = QRadioButton("&Keep mine, only fill in empty fields")
        self.keep_button.setObjectName("keepMine")
        self.replace_button = QRadioButton("Re&place with the incoming values")
        self.replace_button.setObjectName("replaceWithIncoming")
        self.replace_button.setToolTip(
            "Take this entry's richer or different values in place of those in your library. "
            "A poorer value (a flat abstract, a year without the date, initials) never "
            "replaces a richer one."
        )
        self._choice = QButtonGroup(self)
        self._choice.addButton(self.keep_button)
        self._choice.addButton(self.replace_button)
        self.keep_button.setChecked(True)
        self.replace_button.toggled.connect(self._on_replace_toggled)
        row.addWidget(self.keep_button)
        row.addWidget(self.replace_button)
        row.addStretch(1)
        self.merge_choice.setVisible(False)
        layout.addWidget(self.merge_choice)

    def show_entry(
        self,
        reference: Reference | None,
        warnings: Sequence[str] = (),
        *,
        existing_label: str = "",
        verdict: str = "",
        fills: Sequence[str] = (),
        replacements: Sequence[str] = (),
        replacing: bool = False,
    ) -> None:
        """Show one entry; the merge choice appears when merging could replace values."""
        if reference is None:
            self.browser.clear()
            self.merge_choice.setVisible(False)
            return
        self.browser.setHtml(
            details_html(
                reference,
                warnings,
                existing_label=existing_label,
                verdict=verdict,
                fills=fills,
                replacements=replacements,
            )
        )
        self.merge_choice.setVisible(bool(existing_label and replacements))
        self.replace_button.blockSignals(True)
        self.keep_button.blockSignals(True)
        (self.replace_button if replacing else self.keep_button).setChecked(True)
        self.replace_button.blockSignals(False)
        self.keep_button.blockSignals(False)

    def text(self) -> str:
        """What the details say, as plain text (for accessibility and tests)."""
        return self.browser.toPlainText()

    @Slot(bool)
    def _on_replace_toggled(self, replacing: bool) -> None:
        self.replacing_chosen.emit(replacing)
