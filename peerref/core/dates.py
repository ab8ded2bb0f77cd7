"""Read the dates that search pages and reference files write, into ``PartialDate``.

Sources disagree on order ("15 June 2012", "June 15, 2012", "2019 Jun 1") and precision
(year only, "2020 Sep-Oct", "Spring 2019"); every form keeps what it knows and no more.
"""

from __future__ import annotations

import re
from string import ascii_lowercase

from peerref.core.model import PartialDate

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    MONTHS[_name] = _number
    MONTHS[_name[:3]] = _number
MONTHS["sept"] = 9

SEASONS = ("spring", "summer", "autumn", "fall", "winter")

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_YEAR = r"(?P<year>(?:1[5-9]|20|21)\d\d)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^{_YEAR}[-/.](?P<mnum>\d{{1,2}})(?:[-/.](?P<dnum>\d{{1,2}}))?$",  # 2012-06-15
        rf"^{_DAY}\s+{_MONTH},?\s+{_YEAR}$",  # 15 June 2012
        rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}$",  # June 15, 2012
        rf"^{_YEAR}\s+{_MONTH}(?:\s+{_DAY})?$",  # 2019 Jun 1 / 2019 Jun
        rf"^{_MONTH},?\s+{_YEAR}$",  # Jun 2019
        rf"^{_YEAR}$",
    )
]
_SEASON_RANGE = re.compile(
    rf"^{_YEAR}\s+(?P<season>[A-Za-z]{{3,9}}\s*[-–/]\s*[A-Za-z]{{3,9}})$", re.IGNORECASE
)
_SEASON_NAMED = re.compile(
    rf"^(?:(?P<season1>[A-Za-z]+)\s+{_YEAR}|(?P<year2>\d{{4}})\s+(?P<season2>[A-Za-z]+))$",
    re.IGNORECASE,
)


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.casefold().rstrip("."))


def parse_date(text: str) -> PartialDate | None:
    """A ``PartialDate`` for the usual date forms, or None when ``text`` is not a date.

    Examples: "15 June 2012", "June 15, 2012", "2019 Jun 1", "2020 Sep-Oct" (the range is
    kept as ``season``), "Spring 2019", "2012", "2012-06-15", "2012/06/15", "Jun 2019".
    """
    text = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;")
    if not text or len(text) > 40:
        return None
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        year = int(groups["year"])
        month: int | None = None
        day: int | None = None
        if groups.get("mnum"):
            month = int(groups["mnum"])
            day = int(groups["dnum"]) if groups.get("dnum") else None
        elif groups.get("month"):
            month = _month_number(groups["month"])
            if month is None:
                continue
            day = int(groups["day"]) if groups.get("day") else None
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and not 1 <= day <= 31:
            return None
        return PartialDate(year=year, month=month, day=day)
    match = _SEASON_RANGE.match(text)
    if match:
        first, last = re.split(r"\s*[-–/]\s*", match.group("season"))
        if _month_number(first) and _month_number(last):
            return PartialDate(year=int(match.group("year")), season=match.group("season"))
    match = _SEASON_NAMED.match(text)
    if match:
        season = match.group("season1") or match.group("season2")
        year_text = match.group("year") or match.group("year2")
        if season.casefold() in SEASONS:
            return PartialDate(year=int(year_text), season=season)
    return None


_YEAR_ANYWHERE = re.compile(r"\b(1[5-9]\d\d|20\d\d|21\d\d)\b")


def find_year(text: str) -> int | None:
    """The first plausible four-digit year in a longer text (bylines, source lines)."""
    match = _YEAR_ANYWHERE.search(text)
    return int(match.group(1)) if match else None


def year_suffix(index: int) -> str:
    """The letter that tells apart same-author same-year works: 0 → "a", 25 → "z", 26 → "aa".

    Used by author-date citations ("2012a") and by BibTeX citation keys ("repper2012b"),
    continuing past "z" the way citeproc-js does.
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters
