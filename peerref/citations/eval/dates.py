"""Writing dates: localized or by the style's own date-parts, ranges, seasons, eras.

A range is written with the parts the two dates share once: "May 1–3, 2000",
"May 1–June 3, 2000", "2000–2001". The range delimiter is that of the largest
date-part that differs (an en dash by default). Years before 1000 get the locale's
"AD" term, years before 1 its "BC" term.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from peerref.citations.eval.formatting import affix, apply_rendering
from peerref.citations.eval.item import DateValue
from peerref.citations.output import rich
from peerref.citations.output.rich import Content
from peerref.citations.style.nodes import Date, DatePart

if TYPE_CHECKING:
    from peerref.citations.eval.context import Context
    from peerref.citations.style.locale import Locale

_UNITS = ("year", "month", "day")


def date_sort_key(value: DateValue, shown: Sequence[str] = _UNITS) -> str:
    """A string that sorts dates in time order: "YYYYYMMDD" and the range's end.

    A single date gets an end of zeros, as citeproc-js's keys have: every key then has
    the same shape, so what follows it in a macro's key (a year-suffix) is compared
    with its like ("2019a" before "2019b" whether or not "2019b" is a range).
    """
    if not value.parts:
        return ""
    keys = []
    for year, month, day in value.parts:
        if month == 0 and value.season and value.season.isdigit():
            month_key = 20 + int(value.season)
        else:
            month_key = month
        keys.append(
            f"{year + 10000 if 'year' in shown else 0:05d}"
            f"{month_key if 'month' in shown else 0:02d}"
            f"{day if 'day' in shown else 0:02d}"
        )
    if len(keys) == 1:
        keys.append("000000000")
    return "-".join(keys)


def shown_units(node: Date) -> tuple[str, ...]:
    """The date-parts a date element's ``date-parts`` attribute lets through."""
    if node.date_parts == "year":
        return ("year",)
    if node.date_parts == "year-month":
        return ("year", "month")
    return _UNITS


def _merge_part(base: DatePart, override: DatePart | None) -> DatePart:
    """A locale's date-part with the style's form, range delimiter and formatting on top."""
    if override is None:
        return base
    base_rendering = base.rendering
    mine = override.rendering
    rendering = dataclasses.replace(
        base_rendering,
        font_style=mine.font_style or base_rendering.font_style,
        font_variant=mine.font_variant or base_rendering.font_variant,
        font_weight=mine.font_weight or base_rendering.font_weight,
        text_decoration=mine.text_decoration or base_rendering.text_decoration,
        vertical_align=mine.vertical_align or base_rendering.vertical_align,
        text_case=mine.text_case or base_rendering.text_case,
        strip_periods=mine.strip_periods or base_rendering.strip_periods,
        plain=base_rendering.plain and mine.plain,
    )
    return DatePart(
        name=base.name,
        form=override.form or base.form,
        range_delimiter=override.range_delimiter or base.range_delimiter,
        rendering=rendering,
    )


def resolve_parts(node: Date, locale: Locale) -> tuple[tuple[DatePart, ...], str]:
    """The date-parts to write and the delimiter between them."""
    shown = shown_units(node)
    if node.form in ("text", "numeric"):
        base = locale.dates.get(node.form)
        if base is not None:
            overrides = {part.name: part for part in node.parts}
            parts = tuple(
                _merge_part(part, overrides.get(part.name))
                for part in base.parts
                if part.name in shown
            )
            return parts, base.delimiter
    return tuple(part for part in node.parts if part.name in shown), node.delimiter


def _year(year: int, form: str | None, locale: Locale) -> str:
    if year < 0:
        return f"{-year}{locale.term_text('bc')}"
    if form == "short":
        return f"{year % 100:02d}"
    if 0 < year < 500:
        return f"{year}{locale.term_text('ad')}"
    return str(year)


def _month(month: int, form: str | None, locale: Locale, season: str) -> str:
    if month > 12:
        return locale.term_text(f"season-{(month - 13) % 4 + 1:02d}")
    if month == 0:
        if not season:
            return ""
        if season.isdigit() and 1 <= int(season) <= 4:
            return locale.term_text(f"season-{int(season):02d}")
        return season
    if form == "numeric":
        return str(month)
    if form == "numeric-leading-zeros":
        return f"{month:02d}"
    return locale.term_text(f"month-{month:02d}", "short" if form == "short" else "long")


def _day(day: int, month: int, form: str | None, locale: Locale) -> str:
    if day == 0:
        return ""
    if form == "numeric-leading-zeros":
        return f"{day:02d}"
    if form == "ordinal":
        if locale.limit_day_ordinals_to_day_1 and day != 1:
            return str(day)
        gender = None
        term = locale.term(f"month-{month:02d}") if month else None
        if term is not None:
            gender = term.gender
        return f"{day}{locale.ordinal_suffix(day, gender)}"
    return str(day)


def _part_text(part: DatePart, date: tuple[int, int, int], value: DateValue, locale: Locale) -> str:
    year, month, day = date
    if part.name == "year":
        return _year(year, part.form, locale) if year else ""
    if part.name == "month":
        return _month(month, part.form, locale, value.season)
    if month == 0:
        return ""
    return _day(day, month, part.form, locale)


def _render_part(
    part: DatePart,
    date: tuple[int, int, int],
    value: DateValue,
    locale: Locale,
    context: Context,
    *,
    keep_prefix: bool = True,
    keep_suffix: bool = True,
) -> Content:
    text = _part_text(part, date, value, locale)
    if not text:
        return []
    if part.name == "year" and context.suppress_year:
        # Collapsing "2000a, b": the year is left out, its suffix is not.
        text = ""
    content = rich.parse_markup(text)
    if part.name == "year" and context.implicit_year_suffix:
        # A style that never writes year-suffix gets it after the first year it writes.
        context.implicit_year_suffix = False
        suffix = context.disambiguation.year_suffix
        if suffix:
            content = [*content, rich.Span(rich.TAG, [suffix], "year-suffix")]
    if not content:
        return []
    rendering = part.rendering
    if (not keep_prefix and rendering.prefix) or (not keep_suffix and rendering.suffix):
        rendering = dataclasses.replace(
            rendering,
            prefix=rendering.prefix if keep_prefix else "",
            suffix=rendering.suffix if keep_suffix else "",
        )
    return apply_rendering(content, rendering, english=context.english)


def _render_parts(
    parts: Sequence[DatePart],
    date: tuple[int, int, int],
    value: DateValue,
    locale: Locale,
    context: Context,
    delimiter: str,
    *,
    first_prefix: bool = True,
    last_suffix: bool = True,
) -> list[Content]:
    rendered = []
    present = [p for p in parts if _part_text(p, date, value, locale)]
    for index, part in enumerate(present):
        rendered.append(
            _render_part(
                part,
                date,
                value,
                locale,
                context,
                keep_prefix=first_prefix or index > 0,
                keep_suffix=last_suffix or index < len(present) - 1,
            )
        )
    if delimiter:
        with_delimiters: list[Content] = []
        for index, piece in enumerate(rendered):
            if index:
                with_delimiters.append(affix(delimiter))
            with_delimiters.append(piece)
        return with_delimiters
    return rendered


def render_date(node: Date, value: DateValue, locale: Locale, context: Context) -> Content:
    """``value`` written as ``node`` says, before the date element's own rendering."""
    if not value.parts:
        return rich.parse_markup(value.literal) if value.literal else []
    parts, delimiter = resolve_parts(node, locale)
    if not parts:
        return []
    start = value.parts[0]
    if len(value.parts) == 1:
        return rich.join(_render_parts(parts, start, value, locale, context, delimiter))
    end = value.parts[1]
    present = {p.name for p in parts}
    largest = next(
        (
            unit
            for index, unit in enumerate(_UNITS)
            if unit in present and start[index] != end[index]
        ),
        None,
    )
    if largest is None:
        return rich.join(_render_parts(parts, start, value, locale, context, delimiter))
    if end == (0, 0, 0):
        # An open range ("2000–"): the start, then the delimiter.
        first = rich.join(_render_parts(parts, start, value, locale, context, delimiter))
        return rich.join([first, ["–"]])
    block_units = set(_UNITS[_UNITS.index(largest) :])
    indices = [i for i, part in enumerate(parts) if part.name in block_units]
    low, high = indices[0], indices[-1]
    range_part = next(p for p in parts if p.name == largest)
    range_delimiter = range_part.range_delimiter or "–"
    before, block, after = parts[:low], parts[low : high + 1], parts[high + 1 :]
    pieces: list[Content] = []
    pieces += _render_parts(before, start, value, locale, context, delimiter)
    if before and delimiter:
        pieces.append(affix(delimiter))
    pieces += _render_parts(block, start, value, locale, context, delimiter, last_suffix=False)
    pieces.append(affix(range_delimiter))
    pieces += _render_parts(block, end, value, locale, context, delimiter, first_prefix=False)
    if after and delimiter:
        pieces.append(affix(delimiter))
    pieces += _render_parts(after, start, value, locale, context, delimiter)
    out: Content = []
    for piece in pieces:
        out.extend(piece)
    return out
