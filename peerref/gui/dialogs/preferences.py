"""Preferences: the default citation style, the citation locale and the clipboard formats.

The dialog edits a copy of the typed :class:`~peerref.settings.Settings` and hands the new
value back through ``settings_accepted``; saving it is the window's job.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerref.citations.styles import StyleCatalogue, StyleInfo
from peerref.core.errors import CitationError
from peerref.settings import CLIPBOARD_FORMATS, Settings

LOCALES: tuple[tuple[str, str], ...] = (
    ("en-US", "English (United States)"),
    ("en-GB", "English (United Kingdom)"),
    ("de-DE", "German"),
    ("fr-FR", "French"),
    ("es-ES", "Spanish"),
    ("it-IT", "Italian"),
    ("nl-NL", "Dutch"),
    ("pt-BR", "Portuguese (Brazil)"),
    ("pt-PT", "Portuguese (Portugal)"),
    ("sv-SE", "Swedish"),
    ("da-DK", "Danish"),
    ("nb-NO", "Norwegian (Bokmål)"),
    ("fi-FI", "Finnish"),
    ("pl-PL", "Polish"),
    ("cs-CZ", "Czech"),
    ("tr-TR", "Turkish"),
    ("ja-JP", "Japanese"),
    ("zh-CN", "Chinese (Simplified)"),
    ("ko-KR", "Korean"),
)
FORMAT_LABELS = {
    "text/plain": "Plain text",
    "text/html": "HTML (formatted, for word processors and web editors)",
    "text/rtf": "RTF (formatted, for older word processors)",
}
_LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
_SEARCH_LIMIT = 60


class PreferencesDialog(QDialog):
    """Edit the preferences that shape copied citations."""

    settings_accepted = Signal(object)
    """The new :class:`Settings` (emitted on OK when anything changed or not)."""

    def __init__(
        self, settings: Settings, catalogue: StyleCatalogue, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self._settings = settings
        self._catalogue = catalogue

        self.style_box = QComboBox(self)
        self.style_box.setObjectName("styleBox")
        self.style_box.setAccessibleName("Default citation style")
        for info in catalogue.favourites():
            self._add_style(info)
        self._select_style(settings.citation_style)

        self.style_search = QLineEdit(self)
        self.style_search.setObjectName("styleSearch")
        self.style_search.setAccessibleName("Find another citation style")
        self.style_search.setPlaceholderText("Find another style: journal name or style id…")
        self.style_search.setClearButtonEnabled(True)
        self.style_results = QListWidget(self)
        self.style_results.setObjectName("styleResults")
        self.style_results.setAccessibleName("Matching citation styles")
        # About eight rows, and long titles elided (the full one in the tooltip) rather than
        # a sideways scroll bar.
        self.style_results.setMinimumHeight(self.fontMetrics().lineSpacing() * 8 + 12)
        self.style_results.setMaximumHeight(self.fontMetrics().lineSpacing() * 12 + 12)
        self.style_results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.style_results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.style_results.setUniformItemSizes(True)
        self.style_results.hide()
        self.style_results.itemActivated.connect(self._use_found_style)
        self.style_results.itemClicked.connect(self._use_found_style)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._search_styles)
        self.style_search.textChanged.connect(lambda _text: self._search_timer.start())
        self.style_file_button = QPushButton("Use a .csl File…", self)
        self.style_file_button.setAccessibleName("Use a CSL style file")
        self.style_file_button.clicked.connect(self._choose_style_file)

        self.locale_box = QComboBox(self)
        self.locale_box.setObjectName("localeBox")
        self.locale_box.setAccessibleName("Citation language")
        self.locale_box.setEditable(True)
        for code, name in LOCALES:
            self.locale_box.addItem(f"{name} — {code}", code)
        self._select_locale(settings.locale)
        self.locale_box.currentTextChanged.connect(lambda _text: self._validate())

        self.format_boxes: dict[str, QCheckBox] = {}
        formats_group = QGroupBox("Put on the clipboard when copying citations", self)
        formats_layout = QVBoxLayout(formats_group)
        for mime in CLIPBOARD_FORMATS:
            box = QCheckBox(FORMAT_LABELS.get(mime, mime), formats_group)
            box.setObjectName(f"format_{mime.split('/')[-1]}")
            box.setChecked(mime in settings.clipboard_formats)
            box.toggled.connect(lambda _on: self._validate())
            formats_layout.addWidget(box)
            self.format_boxes[mime] = box

        self.mailto_field = QLineEdit(settings.crossref_mailto, self)
        self.mailto_field.setObjectName("mailtoField")
        self.mailto_field.setAccessibleName("E-mail address for Crossref")
        self.mailto_field.setPlaceholderText("you@example.org (optional)")
        self.mailto_field.setToolTip(
            "Crossref answers faster when lookups say who is asking; nothing else is sent."
        )

        self.reviewer_field = QLineEdit(settings.reviewer_name, self)
        self.reviewer_field.setObjectName("reviewerField")
        self.reviewer_field.setAccessibleName("Reviewer name for screening decisions")
        self.reviewer_field.setPlaceholderText("your login name when empty")
        self.reviewer_field.setToolTip("Recorded with each screening decision of a review.")

        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()

        style_row = QHBoxLayout()
        style_row.addWidget(self.style_box, 1)
        style_row.addWidget(self.style_file_button)
        form = QFormLayout()
        # A label of its own: QFormLayout gives a row holding a layout no buddy, and its
        # mnemonic "&" would show as it is.
        self.style_label = QLabel("Default citation &style:", self)
        self.style_label.setBuddy(self.style_box)
        form.addRow(self.style_label, style_row)
        form.addRow("", self.style_search)
        form.addRow("", self.style_results)
        form.addRow("Citation &language:", self.locale_box)
        form.addRow("Crossref &e-mail:", self.mailto_field)
        form.addRow("&Reviewer name:", self.reviewer_field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(formats_group)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    # --- style choice -------------------------------------------------------------------

    def _add_style(self, info: StyleInfo) -> int:
        label = f"{info.title} ({info.short_name})" if info.short_name else info.title
        self.style_box.addItem(label, info.short_name or info.id)
        return self.style_box.count() - 1

    def _select_style(self, name: str) -> None:
        index = self.style_box.findData(name)
        if index < 0:
            try:
                info = self._catalogue.info(name)
            except CitationError:
                self.style_box.addItem(f"{name} (not found)", name)
                index = self.style_box.count() - 1
            else:
                index = self.style_box.findData(info.short_name or info.id)
                if index < 0:
                    index = self._add_style(info)
        self.style_box.setCurrentIndex(index)

    def _search_styles(self) -> None:
        query = self.style_search.text().strip()
        self.style_results.clear()
        if not query:
            self.style_results.hide()
            return
        for info in self._catalogue.search(query)[:_SEARCH_LIMIT]:
            item = QListWidgetItem(f"{info.title} — {info.id}")
            item.setToolTip(f"{info.title}\n{info.id}")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.style_results.addItem(item)
        if not self.style_results.count():
            self.style_results.addItem("No style matches")
        self.style_results.show()

    def _use_found_style(self, item: QListWidgetItem) -> None:
        style_id = item.data(Qt.ItemDataRole.UserRole)
        if style_id:
            self._select_style(style_id)

    def _choose_style_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Citation Style File", "", "CSL styles (*.csl);;All files (*)"
        )
        if path:
            self._select_style(path)

    # --- locale and checking ------------------------------------------------------------

    def _select_locale(self, code: str) -> None:
        index = self.locale_box.findData(code)
        if index < 0:
            self.locale_box.addItem(code, code)
            index = self.locale_box.count() - 1
        self.locale_box.setCurrentIndex(index)

    def chosen_locale(self) -> str:
        text = self.locale_box.currentText().strip()
        index = self.locale_box.findText(text)
        if index >= 0:
            return str(self.locale_box.itemData(index))
        return text.rsplit("—", 1)[-1].strip()

    def chosen_formats(self) -> tuple[str, ...]:
        return tuple(mime for mime, box in self.format_boxes.items() if box.isChecked())

    def problem(self) -> str:
        if not self.chosen_formats():
            return "Choose at least one clipboard format."
        if not _LOCALE_RE.match(self.chosen_locale()):
            return "A language is written like en-GB or de-DE."
        return ""

    def _validate(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not problem)

    def chosen_settings(self) -> Settings:
        """The settings as the dialog shows them."""
        return self._settings.with_changes(
            citation_style=str(self.style_box.currentData()),
            locale=self.chosen_locale(),
            clipboard_formats=self.chosen_formats(),
            crossref_mailto=self.mailto_field.text().strip(),
            reviewer_name=self.reviewer_field.text().strip(),
        )

    def accept(self) -> None:
        if self.problem():
            self._validate()
            return
        self.settings_accepted.emit(self.chosen_settings())
        super().accept()
