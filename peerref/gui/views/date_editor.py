"""The details panel's date: year, month or season, and day, each its own field.

A source often gives more than a year ("15 June 2012", "Spring 2019"), and the panel
shows all of it and lets each part be changed. The year stays a line edit (typed, and
checked by :func:`apply_date_year`); the month or season is one choice (CSL numbers the
seasons after the months); the day is a spin box that only counts as far as the month
has days.

The rule for a changed year: the month, day and season a source gave belong to the
year it gave. When the user changes the year, those parts are cleared, unless the user
set them here since the reference was shown: "2012-06-15" with the year changed to 2013
becomes "2013", not a 15 June nobody typed; but choosing June and then typing 2013 keeps
June.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import replace

from PySide6.QtCore import QLocale, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerref.core.model import PartialDate

SEASON_CHOICES = ("Spring", "Summer", "Autumn", "Winter")
MONTH, DAY, SEASON, END = "month", "day", "season", "end"


class DateError(ValueError):
    """A year the date cannot hold; the message is shown next to the field."""


def apply_date_year(issued: PartialDate, text: str, *, typed: Collection[str] = ()) -> PartialDate:
    """The date after the year field was set to ``text``.

    Args:
        issued: the date as stored.
        text: what the year field holds: a year from 1 to 9999, or nothing.
        typed: the parts ("month", "day", "season", "end") the user set since the
            reference was shown; only those outlive a change of year.

    Raises:
        DateError: ``text`` is not a year.
    """
    text = text.strip()
    if not text:
        return PartialDate()
    if not text.isdigit() or not 1 <= int(text) <= 9999:
        raise DateError("The year must be a number from 1 to 9999.")
    year = int(text)
    if year == issued.year:
        return issued
    month = issued.month if MONTH in typed else None
    day = issued.day if DAY in typed and month is not None else None
    if month is not None and day is not None:
        day = min(day, calendar.monthrange(year, month)[1])  # 29 February, a year on
    season = issued.season if SEASON in typed else ""
    end = issued.end if END in typed and issued.end is not None else None
    if end is not None and end.year is not None and end.year < year:
        end = None  # a range cannot end before it starts
    return PartialDate(year, month, day, season, end=end)


class DateEditor(QWidget):
    """Year, month or season, and day of a reference's date, in one row.

    Args:
        year_edit: the line edit that holds the year (the panel's "year" field, so it
            is checked and committed like the other fields).
    """

    date_edited = Signal(object)
    """The new :class:`PartialDate` after the month, day or season was changed."""

    def __init__(self, year_edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._date = PartialDate()
        self._typed: set[str] = set()
        self.year_edit = year_edit
        year_edit.setParent(self)
        year_edit.setMaxLength(4)
        year_edit.setToolTip("Year")
        width = year_edit.fontMetrics().horizontalAdvance("0000") + 14
        year_edit.setMinimumWidth(width)
        year_edit.setMaximumWidth(width + 24)
        year_edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        locale = QLocale()
        # Month and season share one list, as CSL numbers seasons after the months
        # (13-16): a date has one or the other, and the row stays narrow.
        self.month_box = QComboBox(self)
        self.month_box.setObjectName("monthBox")
        self.month_box.setAccessibleName("Month or season")
        self.month_box.setToolTip("Month, or the season of an issue")
        self.month_box.addItem("Month", None)
        for month in range(1, 13):
            self.month_box.addItem(locale.monthName(month, QLocale.FormatType.ShortFormat), month)
            self.month_box.setItemData(month, locale.monthName(month), Qt.ItemDataRole.ToolTipRole)
        self.month_box.insertSeparator(self.month_box.count())
        self._first_season_row = self.month_box.count()
        for season in SEASON_CHOICES:
            self.month_box.addItem(season, season)
        self.month_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.month_box.setMinimumContentsLength(2)
        self.month_box.setMaxVisibleItems(20)
        self.month_box.activated.connect(self._on_month_chosen)

        self.day_box = QSpinBox(self)
        self.day_box.setObjectName("dayBox")
        self.day_box.setAccessibleName("Day")
        self.day_box.setToolTip("Day of the month")
        self.day_box.setRange(0, 31)
        self.day_box.setSpecialValueText("Day")  # 0: no day
        self.day_box.setKeyboardTracking(False)
        self.day_box.editingFinished.connect(self._on_day_finished)

        # A range (CSL's second date-parts): "–" opens a second row for the end.
        self.range_button = QToolButton(self)
        self.range_button.setObjectName("dateRangeButton")
        self.range_button.setText("–")
        self.range_button.setCheckable(True)
        self.range_button.setAutoRaise(True)
        self.range_button.setAccessibleName("Date range")
        self.range_button.setToolTip("A range: add the date it ends (a conference's last day)")
        self.range_button.toggled.connect(self._on_range_toggled)
        self.end_row = QWidget(self)
        self.end_year = QLineEdit(self.end_row)
        self.end_year.setObjectName("endYearEdit")
        self.end_year.setAccessibleName("End year")
        self.end_year.setPlaceholderText("Year")
        self.end_year.setValidator(QIntValidator(1, 9999, self.end_year))
        self.end_year.setMinimumWidth(width)
        self.end_year.setMaximumWidth(width + 24)
        self.end_year.editingFinished.connect(self._on_end_edited)
        self.end_month = QComboBox(self.end_row)
        self.end_month.setObjectName("endMonthBox")
        self.end_month.setAccessibleName("End month")
        self.end_month.addItem("Month", None)
        for month in range(1, 13):
            self.end_month.addItem(locale.monthName(month, QLocale.FormatType.ShortFormat), month)
        self.end_month.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.end_month.setMinimumContentsLength(3)
        self.end_month.activated.connect(self._on_end_edited)
        self.end_day = QSpinBox(self.end_row)
        self.end_day.setObjectName("endDayBox")
        self.end_day.setAccessibleName("End day")
        self.end_day.setRange(0, 31)
        self.end_day.setSpecialValueText("Day")
        self.end_day.setKeyboardTracking(False)
        self.end_day.editingFinished.connect(self._on_end_edited)
        to_label = QLabel("to", self.end_row)
        end_layout = QHBoxLayout(self.end_row)
        end_layout.setContentsMargins(0, 0, 0, 0)
        end_layout.setSpacing(4)
        end_layout.addWidget(to_label)
        end_layout.addWidget(self.end_year)
        end_layout.addWidget(self.end_month)
        end_layout.addWidget(self.end_day)
        end_layout.addStretch(1)
        self.end_row.hide()

        first_row = QHBoxLayout()
        first_row.setSpacing(4)
        first_row.addWidget(year_edit)
        first_row.addWidget(self.month_box)
        first_row.addWidget(self.day_box)
        first_row.addWidget(self.range_button)
        first_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(first_row)
        layout.addWidget(self.end_row)
        self.setTabOrder(year_edit, self.month_box)
        self.setTabOrder(self.month_box, self.day_box)
        self.setTabOrder(self.day_box, self.range_button)
        self.setTabOrder(self.range_button, self.end_year)
        self.setTabOrder(self.end_year, self.end_month)
        self.setTabOrder(self.end_month, self.end_day)
        self._show(PartialDate())

    # --- showing ----------------------------------------------------------------------------

    def set_date(self, issued: PartialDate, *, same_reference: bool) -> None:
        """Show ``issued``; a different reference forgets which parts the user set."""
        if not same_reference:
            self._typed.clear()
            with QSignalBlocker(self.range_button):
                self.range_button.setChecked(False)
        self._date = issued
        self._show(issued)

    def typed_parts(self) -> frozenset[str]:
        """The parts the user set since the reference was shown (see the module notes)."""
        return frozenset(self._typed)

    def date(self) -> PartialDate:
        return self._date

    def _show(self, issued: PartialDate) -> None:
        box = self.month_box
        with QSignalBlocker(box):
            while box.count() > self._first_season_row + len(SEASON_CHOICES):
                box.removeItem(box.count() - 1)  # a season the last reference gave
            if issued.month is not None:
                box.setCurrentIndex(issued.month)
            elif issued.season:
                row = box.findData(issued.season)
                if row < 0:
                    box.addItem(issued.season, issued.season)  # "Sep-Oct", as given
                    row = box.count() - 1
                box.setCurrentIndex(row)
            else:
                box.setCurrentIndex(0)
        with QSignalBlocker(self.day_box):
            self.day_box.setMaximum(self._days_in_month(issued.year, issued.month))
            self.day_box.setValue(issued.day or 0)
        has_year = issued.year is not None
        box.setEnabled(has_year)
        self.day_box.setEnabled(has_year and issued.month is not None)
        end = issued.end
        with QSignalBlocker(self.end_year), QSignalBlocker(self.end_month):
            self.end_year.setText(str(end.year) if end is not None and end.year else "")
            self.end_month.setCurrentIndex(end.month or 0 if end is not None else 0)
        with QSignalBlocker(self.end_day):
            self.end_day.setMaximum(
                self._days_in_month(end.year, end.month) if end is not None else 31
            )
            self.end_day.setValue(end.day or 0 if end is not None else 0)
        self.end_day.setEnabled(end is not None and end.month is not None)
        self.end_month.setEnabled(end is not None)
        self.range_button.setEnabled(has_year)
        if not self.range_button.isChecked() or end is not None:
            with QSignalBlocker(self.range_button):
                self.range_button.setChecked(end is not None)
            self.end_row.setVisible(end is not None)

    @staticmethod
    def _days_in_month(year: int | None, month: int | None) -> int:
        if month is None:
            return 31
        return calendar.monthrange(year or 2000, month)[1]  # 2000: a leap year

    # --- editing ----------------------------------------------------------------------------

    def _changed(self, new: PartialDate, part: str) -> None:
        self._typed.add(part)
        if new != self._date:
            self._date = new
            self._show(new)
            self.date_edited.emit(new)

    def _on_month_chosen(self, _row: int) -> None:
        issued = self._date
        if issued.year is None:
            return
        chosen = self.month_box.currentData()
        if isinstance(chosen, str):  # a season: no month, no day
            self._changed(replace(issued, month=None, day=None, season=chosen), SEASON)
            return
        day = issued.day
        if chosen is None:
            day = None
        elif day is not None:
            day = min(day, self._days_in_month(issued.year, chosen))
        # A month chosen replaces a season: the list shows one or the other.
        season = "" if chosen is not None else issued.season
        self._changed(replace(issued, month=chosen, day=day, season=season), MONTH)

    def _on_day_finished(self) -> None:
        issued = self._date
        if issued.year is None or issued.month is None:
            return
        day = self.day_box.value() or None
        if day != issued.day:
            self._changed(replace(issued, day=day), DAY)

    def _on_range_toggled(self, checked: bool) -> None:
        self.end_row.setVisible(checked)
        if checked:
            self.end_year.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self._date.end is not None:
            self._changed(replace(self._date, end=None), END)

    def _on_end_edited(self, *_args: object) -> None:
        issued = self._date
        text = self.end_year.text().strip()
        if issued.year is None:
            return
        if not text:
            end = None
        else:
            year = int(text)
            month = self.end_month.currentData()
            day = (self.end_day.value() or None) if month is not None else None
            if day is not None:
                day = min(day, self._days_in_month(year, month))
            end = PartialDate(year, month, day)
        if end != issued.end:
            self._changed(replace(issued, end=end), END)
