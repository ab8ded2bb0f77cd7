"""The Export and Create Bibliography dialogs: what to write, before where to write it.

As in Zotero, the dialog asks for the format (and, for a formatted bibliography, the
citation style); the file is chosen afterwards in the platform's save dialog. Both
dialogs start on the user's last choice, remembered in ``QSettings`` by the export
controller (:mod:`peerref.gui.exporting`), which also does the writing.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from peerref.citations import BibliographyFormat
from peerref.citations.styles import StyleInfo
from peerref.exporting import ExportFormat


@dataclass(frozen=True, slots=True)
class FileFormat:
    """One entry of the Format list: what ``peerref-cli export`` calls it, and its file."""

    key: str
    label: str
    export_format: ExportFormat
    bibliography_format: BibliographyFormat = BibliographyFormat.TEXT
    suffix: str = ""
    file_filter: str = ""

    @property
    def needs_style(self) -> bool:
        return self.export_format is ExportFormat.BIBLIOGRAPHY


FILE_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("ris", "RIS", ExportFormat.RIS, suffix=".ris", file_filter="RIS (*.ris)"),
    FileFormat(
        "bibtex", "BibTeX", ExportFormat.BIBTEX, suffix=".bib", file_filter="BibTeX (*.bib)"
    ),
    FileFormat(
        "csl-json",
        "CSL-JSON",
        ExportFormat.CSL_JSON,
        suffix=".json",
        file_filter="CSL-JSON (*.json)",
    ),
    FileFormat(
        "bibliography-html",
        "Bibliography as a web page (HTML)",
        ExportFormat.BIBLIOGRAPHY,
        BibliographyFormat.HTML,
        ".html",
        "Web page (*.html *.htm)",
    ),
    FileFormat(
        "bibliography-rtf",
        "Bibliography as a document (RTF)",
        ExportFormat.BIBLIOGRAPHY,
        BibliographyFormat.RTF,
        ".rtf",
        "Rich Text Format (*.rtf)",
    ),
    FileFormat(
        "bibliography-text",
        "Bibliography as plain text",
        ExportFormat.BIBLIOGRAPHY,
        BibliographyFormat.TEXT,
        ".txt",
        "Plain text (*.txt)",
    ),
)
FILE_FORMATS_BY_KEY = {f.key: f for f in FILE_FORMATS}


class BibliographyOutput(enum.StrEnum):
    """Where Create Bibliography puts its result."""

    CLIPBOARD = "clipboard"
    HTML = "bibliography-html"
    RTF = "bibliography-rtf"
    TEXT = "bibliography-text"

    @property
    def label(self) -> str:
        return {
            "clipboard": "&Copy to Clipboard",
            "bibliography-html": "Save as &HTML",
            "bibliography-rtf": "Save as &RTF",
            "bibliography-text": "Save as plain &text",
        }[self.value]


def _style_box(parent: QWidget, styles: Sequence[StyleInfo], current: str) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName("exportStyleBox")
    box.setAccessibleName("Citation style")
    for info in styles:
        box.addItem(info.title, info.id)
    index = box.findData(current)
    box.setCurrentIndex(max(0, index))
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    return box


class ExportDialog(QDialog):
    """Choose the file format (and style) of an export of ``what``.

    Args:
        what: what is exported, for the title ("My Library", "“Reading”", "3 references").
        count: how many references that is.
        styles: the citation styles offered for a bibliography.
        file_format: the key of the format to start on (the last one used).
        style: the id of the style to start on.
    """

    def __init__(
        self,
        what: str,
        count: int,
        styles: Sequence[StyleInfo],
        *,
        file_format: str = "ris",
        style: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export {what}")
        summary = QLabel(
            f"Export {count:,} reference{'s' if count != 1 else ''} from {what} to a file.", self
        )
        summary.setWordWrap(True)
        self.format_box = QComboBox(self)
        self.format_box.setObjectName("exportFormatBox")
        self.format_box.setAccessibleName("File format")
        for entry in FILE_FORMATS:
            self.format_box.addItem(entry.label, entry.key)
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(file_format)))
        self.style_box = _style_box(self, styles, style)
        self.style_label = QLabel("Citation &style:", self)
        self.style_label.setBuddy(self.style_box)
        format_label = QLabel("&Format:", self)
        format_label.setBuddy(self.format_box)
        form = QFormLayout()
        form.addRow(format_label, self.format_box)
        form.addRow(self.style_label, self.style_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Export…")
        ok.setEnabled(count > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.format_box.currentIndexChanged.connect(self._update_style)
        self._update_style()

    def file_format(self) -> FileFormat:
        return FILE_FORMATS_BY_KEY[str(self.format_box.currentData())]

    def style_id(self) -> str:
        return str(self.style_box.currentData() or "")

    def _update_style(self, *_args: object) -> None:
        needs = self.file_format().needs_style
        self.style_box.setEnabled(needs)
        self.style_label.setEnabled(needs)


class BibliographyDialog(QDialog):
    """Create Bibliography from Collection: choose the style and where the result goes."""

    def __init__(
        self,
        what: str,
        count: int,
        styles: Sequence[StyleInfo],
        *,
        style: str = "",
        output: BibliographyOutput = BibliographyOutput.CLIPBOARD,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bibliographyDialog")
        self.setWindowTitle(f"Create Bibliography from {what}")
        summary = QLabel(
            f"A bibliography of the {count:,} reference{'s' if count != 1 else ''} in {what}.",
            self,
        )
        summary.setWordWrap(True)
        self.style_box = _style_box(self, styles, style)
        style_label = QLabel("Citation &style:", self)
        style_label.setBuddy(self.style_box)
        form = QFormLayout()
        form.addRow(style_label, self.style_box)
        self.output_group = QButtonGroup(self)
        self.output_buttons: dict[BibliographyOutput, QRadioButton] = {}
        outputs = QVBoxLayout()
        for choice in BibliographyOutput:
            button = QRadioButton(choice.label, self)
            button.setObjectName(f"output-{choice.value}")
            self.output_group.addButton(button)
            self.output_buttons[choice] = button
            outputs.addWidget(button)
        self.output_buttons[output].setChecked(True)
        form.addRow(QLabel("Output:", self), outputs)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("C&reate")
        ok.setEnabled(count > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def style_id(self) -> str:
        return str(self.style_box.currentData() or "")

    def output(self) -> BibliographyOutput:
        for choice, button in self.output_buttons.items():
            if button.isChecked():
                return choice
        return BibliographyOutput.CLIPBOARD
