"""Numbers as CSL writes them: is-numeric, ordinals, roman numerals, page ranges.

The rules follow the CSL 1.0.2 specification ("Number", "Page Range Formats",
"is-numeric"): a value is numeric when it is only numbers, each with an optional
letter prefix or suffix ("D2", "2b"), separated by commas, hyphens or ampersands.
"""

from __future__ import annotations

import re

_TOKEN = r"[A-Za-z]*\d+[A-Za-z]*"
_NUMERIC = re.compile(rf"^\s*{_TOKEN}(?:\s*(?:,|&|-|–|—)\s*{_TOKEN})*\s*$")
_SPLIT = re.compile(r"(\s*(?:,|&|-|–|—)\s*)")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—)\s*")


def is_numeric(value: str) -> bool:
    """Whether CSL counts ``value`` as numeric ("2nd", "2-4", "2, 4" yes; "second" no)."""
    return bool(value) and _NUMERIC.match(value) is not None


_UNIT = r"(?:[A-Za-z]*\d+[A-Za-z]*|[ivxlcdm]+|[IVXLCDM]+)"
_PLURAL = re.compile(rf"^\s*{_UNIT}\s*(?:-|–|—|&|,\s*and|,\s*et|,|and|et)\s*{_UNIT}(?:\W|$)")


def is_plural(value: str, and_term: str = "") -> bool:
    """Whether a number variable holds more than one number (a range or a list).

    As citeproc-js decides it: the value begins with a number (or a roman numeral)
    joined by a hyphen, en dash, comma or ampersand to another one ("1-2", "i-ix",
    "2, 4"); "1, fol. 186" is one volume.
    """
    if "\\-" in value:
        return False
    words = "and|et" + (f"|{re.escape(and_term)}" if and_term else "")
    value = re.sub(rf",?\s+(?:{words})\s+", " & ", value)
    return _PLURAL.match(value) is not None


def numeric_value(value: str) -> int | None:
    """The first number in ``value`` ("12a" → 12), for sorting and counting."""
    match = re.search(r"\d+", value)
    return int(match.group()) if match else None


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman(number: int) -> str:
    """Lower-case roman numerals for 1 to 3999; other numbers stay arabic."""
    if not 0 < number < 4000:
        return str(number)
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def split_numbers(value: str) -> list[tuple[str, str]]:
    """``value`` as (kind, text) pieces: "number" tokens and "separator" pieces."""
    pieces: list[tuple[str, str]] = []
    for index, piece in enumerate(_SPLIT.split(value.strip())):
        if not piece:
            continue
        pieces.append(("separator" if index % 2 else "number", piece))
    return pieces


def normalize_separator(separator: str) -> str:
    """How a separator between numbers is written: ", ", " & " or an en dash."""
    stripped = separator.strip()
    if stripped == ",":
        return ", "
    if stripped == "&":
        return " & "
    return "–"


# -- ranges in other number variables --------------------------------------------------------

# The variables whose hyphenated number ranges citeproc-js writes with the range delimiter.
RANGE_VARIABLES = frozenset(
    {
        "chapter-number",
        "collection-number",
        "edition",
        "issue",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "volume",
    }
)
_JOINER = re.compile(r"(\s*&\s*|,\s+and\s+|\s+and\s+|;\s+|,\s+|\s*[-\u2013]+\s*)")
_PARTICLE_NUMBER = re.compile(r"^([0-9]*[a-zA-Z]+0*)?([0-9]+[a-zA-Z]*)$")
_NUMERIC_MASTER = re.compile(r"^(?:[0-9]+|[ixv]+)(?:[-,:a-zA-Z]*|-[-0-9]+)$")
_COLLAPSIBLE = re.compile(r"^(?:[0-9]|[ivxlcmIVXLCM]+$)")
_RANGE_END = re.compile(r"^(?:[0-9]+[a-z]*|[ivxlcmIVXLCM]+)$")
_SUBSECTION = re.compile(r"^[0-9]+[,a-zA-Z]+$")
_SUBSECTION_END = re.compile(r"^[,a-zA-Z]+$")


def dash_ranges(value: str, delimiter: str = "–") -> str:
    """Hyphenated ranges in an issue, volume or report number written with ``delimiter``.

    As citeproc-js does: "7-8" becomes "7–8" and "S1-S5" "S1–S5"; when every part is a
    number, only the last hyphen of a chain is a range ("PEP22-06-04-001" →
    "PEP22-06-04–001"); when the first part is a number but others are not, every
    hyphen is ("5a-7" → "5a–7"); when the first part is not a number ("Suppl-2"), the
    hyphens stay.
    """
    if "-" not in value:
        return value
    if "\\-" in value:
        return value.replace("\\-", "-")
    pieces = _JOINER.split(value.strip())
    for index in range(len(pieces) - 2, 0, -2):
        # "12a-c" is one subsection, not a range.
        if (
            pieces[index].strip() == "-"
            and _SUBSECTION.match(pieces[index - 1])
            and _SUBSECTION_END.match(pieces[index + 1])
        ):
            pieces[index - 1 : index + 2] = ["".join(pieces[index - 1 : index + 2])]
    units = [_PARTICLE_NUMBER.match(unit) for unit in pieces[0::2]]
    values = [m.group(2) if m else unit for m, unit in zip(units, pieces[0::2], strict=True)]
    particles = [(m.group(1) or "") if m else "" for m in units]
    joiners = pieces[1::2]
    if not _NUMERIC_MASTER.match(values[0]):
        return value
    collapsible = values[0].isdigit() and all(_COLLAPSIBLE.match(v) for v in values)
    out: list[str] = []
    for index, joiner in enumerate(joiners):
        out.append(pieces[2 * index])
        if joiner.strip() != "-":
            out.append(joiner)
        elif not collapsible:
            out.append(delimiter)
        elif (
            (index + 1 >= len(joiners) or joiners[index + 1].strip() != "-")
            and particles[index] == particles[index + 1]
            and _RANGE_END.match(values[index])
            and _RANGE_END.match(values[index + 1])
        ):
            out.append(delimiter)  # the last hyphen of a chain of numbers
        else:
            out.append("-")
    out.append(pieces[-1])
    return "".join(out)


# -- page ranges -----------------------------------------------------------------------------

_RANGE = re.compile(r"^(\S*?)(\d+)\s*(?:-|–|—)+\s*(\S*?)(\d+)$")
_ROMAN_RANGE = re.compile(r"^([ivxlcdm]+)\s*(?:-|–)\s*([ivxlcdm]+)$", re.IGNORECASE)
_HYPHEN = re.compile(r"\s*-\s*")


def format_page_range(value: str, page_range_format: str | None, delimiter: str = "–") -> str:
    """A page variable with each range written per the style's ``page-range-format``.

    Lists ("1-5, 8-9") are handled range by range. A range is two numbers with the same
    prefix ("N110-N115", "8n11564-8n1568"), or two roman numerals; anything else keeps
    its hyphen ("N110-P5"). Escaped hyphens ("3\\-B") are never read as ranges.
    """
    if "\\-" in value:
        return value.replace("\\-", "-")
    parts = re.split(r"(\s*,\s*|\s*&\s*)", value)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(part)
            continue
        out.append(_format_one_range(part.strip(), page_range_format, delimiter))
    return "".join(out)


def _format_one_range(value: str, page_range_format: str | None, delimiter: str) -> str:
    roman_match = _ROMAN_RANGE.match(value)
    if roman_match:
        return f"{roman_match.group(1)}{delimiter}{roman_match.group(2)}"
    match = _RANGE.match(value)
    if not match:
        return _HYPHEN.sub("-", value) if re.search(r"\d", value) else value
    prefix1, first, prefix2, second = match.groups()
    if prefix1 != prefix2:
        return _HYPHEN.sub("-", value)
    if page_range_format is None:
        return f"{prefix1}{first}{delimiter}{prefix2}{second}"
    # Expand an abbreviated second number first ("42-5" is 42-45).
    if len(second) < len(first):
        second = first[: len(first) - len(second)] + second
    if int(second) < int(first):
        return _HYPHEN.sub("-", value)
    if page_range_format == "expanded":
        return f"{prefix1}{first}{delimiter}{prefix2}{second}"
    if page_range_format == "minimal":
        written = _minimal(first, second, 1)
    elif page_range_format == "minimal-two":
        written = _minimal(first, second, 2)
    elif page_range_format in ("chicago", "chicago-15"):
        written = _chicago(first, second, fifteenth=True)
    elif page_range_format == "chicago-16":
        written = _chicago(first, second, fifteenth=False)
    else:
        return f"{prefix1}{first}{delimiter}{prefix2}{second}"
    return f"{prefix1}{first}{delimiter}{written}"


def _minimal(first: str, second: str, keep: int) -> str:
    if len(first) != len(second):
        return second
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        if a != b:
            changed = second[index:]
            if len(changed) < keep:
                changed = second[-keep:] if len(second) >= keep else second
            return changed
    return second[-keep:] if keep <= len(second) else second


def _chicago(first: str, second: str, *, fifteenth: bool) -> str:
    start = int(first)
    if start < 100 or start % 100 == 0:
        return second
    if len(first) != len(second):
        return second
    remainder = start % 100
    if remainder < 10:
        return _minimal(first, second, 1)
    if fifteenth and len(first) == 4:
        changed = _minimal(first, second, 1)
        if len(changed) >= 3:
            return second
    return _minimal(first, second, 2)
