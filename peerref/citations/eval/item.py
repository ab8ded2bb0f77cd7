"""CSL-JSON items read into what evaluation needs: names, dates and plain variables.

Input is CSL-JSON as Zotero, pandoc and citeproc-js accept it, including their
leniencies: numbers as strings or ints, dates as ``date-parts``, ``raw`` strings,
``literal`` or ``season``; particles and suffixes left inside ``family``/``given``
("van Gogh", "John, Jr."), which are split off as citeproc-js does unless the name
says ``"parse-names": false``; ``isInstitution`` names; old variable spellings
(``shortTitle``, ``journalAbbreviation``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NAME_VARIABLES = frozenset(
    {
        "author",
        "chair",
        "collection-editor",
        "compiler",
        "composer",
        "container-author",
        "contributor",
        "curator",
        "director",
        "editor",
        "editorial-director",
        "editor-translator",
        "executive-producer",
        "guest",
        "host",
        "illustrator",
        "interviewer",
        "narrator",
        "organizer",
        "original-author",
        "performer",
        "producer",
        "recipient",
        "reviewed-author",
        "script-writer",
        "series-creator",
        "translator",
    }
)
DATE_VARIABLES = frozenset(
    {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
)
NUMBER_VARIABLES = frozenset(
    {
        "chapter-number",
        "citation-number",
        "collection-number",
        "edition",
        "first-reference-note-number",
        "issue",
        "locator",
        "number",
        "number-of-pages",
        "number-of-volumes",
        "page",
        "page-first",
        "part-number",
        "printing-number",
        "section",
        "supplement-number",
        "version",
        "volume",
    }
)
_ALIASES = {
    "shortTitle": "title-short",
    "journalAbbreviation": "container-title-short",
    "archive-location": "archive_location",
    "container-title-short": "container-title-short",
    "event": "event-title",
}
_TYPE_ALIASES = {"personal_communication": "personal_communication"}


@dataclass(frozen=True, slots=True)
class PersonName:
    """One name, parts split; ``literal`` set for institutions and unparsed names."""

    family: str = ""
    given: str = ""
    dropping_particle: str = ""
    non_dropping_particle: str = ""
    suffix: str = ""
    comma_suffix: bool = False
    static_ordering: bool = False
    literal: str = ""
    institution: bool = False

    @property
    def is_literal(self) -> bool:
        return bool(self.literal) or (not self.given and self.institution)

    @property
    def romanesque(self) -> bool:
        return is_romanesque(self.family + self.given)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date or range: ``parts`` holds one or two (year, month, day) triples.

    Months 13-16 in the input are seasons; they are moved to ``season``. A part that is
    unknown is ``0``.
    """

    parts: tuple[tuple[int, int, int], ...] = ()
    season: str = ""
    circa: bool = False
    literal: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.parts and not self.literal

    @property
    def is_range(self) -> bool:
        return len(self.parts) > 1


@dataclass(slots=True)
class ItemData:
    """One reference as evaluation reads it."""

    id: str
    type: str
    variables: dict[str, str] = field(default_factory=dict)
    names: dict[str, tuple[PersonName, ...]] = field(default_factory=dict)
    dates: dict[str, DateValue] = field(default_factory=dict)
    # Field values parsed into rich text, filled as they are first rendered.
    markup: dict[str, list[Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def language(self) -> str:
        return self.variables.get("language", "")

    def has(self, variable: str) -> bool:
        if variable in self.names:
            return bool(self.names[variable])
        if variable in self.dates:
            return not self.dates[variable].is_empty
        return bool(self.variables.get(variable))


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_item(data: Mapping[str, Any], fallback_id: str = "") -> ItemData:
    """An :class:`ItemData` from one CSL-JSON object; unknown keys are kept as text."""
    item_id = _text(data.get("id")) or fallback_id
    item_type = _text(data.get("type")) or "article"
    item = ItemData(id=item_id, type=_TYPE_ALIASES.get(item_type, item_type))
    for key, value in data.items():
        if key in ("id", "type"):
            continue
        name = _ALIASES.get(key, key)
        if name in NAME_VARIABLES:
            names = read_names(value)
            if names:
                item.names[name] = names
        elif name in DATE_VARIABLES:
            date = read_date(value)
            if not date.is_empty:
                item.dates[name] = date
        else:
            text = _text(value)
            if text and name not in item.variables:
                item.variables[name] = text
                if key == "event":
                    # CSL 1.0 styles test "event", 1.0.2 ones "event-title": keep both.
                    item.variables.setdefault("event", text)
    note = item.variables.get("note")
    if note and ":" in note:
        _read_note_variables(item, note)
    if "page" in item.variables and "page-first" not in item.variables:
        first = re.split(r"\s*[-–—,&]\s*", item.variables["page"], maxsplit=1)[0]
        if first:
            item.variables["page-first"] = first
    return item


_NOTE_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z_-]*)\s*:\s*(.+?)\s*$")
_NOTE_BRACED = re.compile(r"\{:([A-Za-z][A-Za-z_-]*)\s*:\s*([^}]*)\}")


def _read_note_variables(item: ItemData, note: str) -> None:
    """Variables written into ``note`` as "key: value" lines (Zotero's "Extra" field).

    citeproc-js reads them, so Zotero users put e.g. "original-date: 1890" there; the
    lines that set a variable the item did not have are taken out of the note.
    """
    kept = []
    found: list[tuple[str, str]] = []
    for line in note.splitlines():
        braced = _NOTE_BRACED.findall(line)
        if braced:
            found.extend(braced)
            line = _NOTE_BRACED.sub("", line).strip()
            if not line:
                continue
        match = _NOTE_LINE.match(line)
        if match and _is_csl_variable(match.group(1)):
            found.append((match.group(1), match.group(2)))
            continue
        kept.append(line)
    if not found:
        return
    for key, value in found:
        name = _ALIASES.get(key, key)
        if name in NAME_VARIABLES:
            family, _, given = value.partition("||")
            person = read_name({"family": family.strip(), "given": given.strip()})
            if person is not None:
                item.names.setdefault(name, ())
                item.names[name] = (*item.names[name], person)
        elif name in DATE_VARIABLES:
            if name not in item.dates:
                date = parse_raw_date(value)
                if not date.is_empty:
                    item.dates[name] = date
        elif name == "type":
            item.type = value.strip()
        elif name not in item.variables:
            item.variables[name] = value.strip()
    remaining = "\n".join(kept).strip()
    if remaining:
        item.variables["note"] = remaining
    else:
        item.variables.pop("note", None)


def _is_csl_variable(key: str) -> bool:
    name = _ALIASES.get(key, key)
    return (
        name in NAME_VARIABLES
        or name in DATE_VARIABLES
        or name in NUMBER_VARIABLES
        or name in STANDARD_VARIABLES
        or name == "type"
    )


STANDARD_VARIABLES = frozenset(
    {
        "abstract",
        "annote",
        "archive",
        "archive_collection",
        "archive_location",
        "archive-place",
        "authority",
        "call-number",
        "citation-key",
        "citation-label",
        "collection-title",
        "container-title",
        "container-title-short",
        "dimensions",
        "division",
        "DOI",
        "event",
        "event-place",
        "event-title",
        "genre",
        "ISBN",
        "ISSN",
        "jurisdiction",
        "keyword",
        "language",
        "license",
        "medium",
        "original-publisher",
        "original-publisher-place",
        "original-title",
        "part-title",
        "PMCID",
        "PMID",
        "publisher",
        "publisher-place",
        "references",
        "reviewed-genre",
        "reviewed-title",
        "scale",
        "source",
        "status",
        "title",
        "title-short",
        "URL",
        "volume-title",
        "year-suffix",
    }
)


# -- names ----------------------------------------------------------------------------------

_SUFFIX_IN_GIVEN = re.compile(r"^(.*?),\s*(!?)\s*([^,]+)$")


def read_names(value: Any) -> tuple[PersonName, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for entry in value:
        if isinstance(entry, str):
            entry = {"literal": entry}
        if not isinstance(entry, Mapping):
            continue
        name = read_name(entry)
        if name is not None:
            names.append(name)
    return tuple(names)


def read_name(entry: Mapping[str, Any]) -> PersonName | None:
    """One CSL-JSON name, with particles and suffix split off as citeproc-js does."""
    literal = _text(entry.get("literal"))
    family = _text(entry.get("family"))
    given = _text(entry.get("given"))
    institution = bool(entry.get("isInstitution"))
    if literal:
        return PersonName(literal=literal, institution=True)
    if not family and not given:
        return None
    if institution and family and not given:
        return PersonName(literal=family, institution=True)
    dropping = _text(entry.get("dropping-particle"))
    non_dropping = _text(entry.get("non-dropping-particle"))
    suffix = _text(entry.get("suffix"))
    comma_suffix = bool(entry.get("comma-suffix"))
    static_ordering = bool(entry.get("static-ordering"))
    parse = entry.get("parse-names", True) not in (False, "false")
    if parse:
        if family.startswith('"') and family.endswith('"') and len(family) > 1:
            family = family[1:-1]
        else:
            if not non_dropping:
                non_dropping, family = _split_non_dropping(family)
            if given and not suffix:
                match = _SUFFIX_IN_GIVEN.match(given)
                if match:
                    given, bang, suffix = match.group(1).strip(), match.group(2), match.group(3)
                    comma_suffix = comma_suffix or bool(bang)
            if given and not dropping:
                given, dropping = _split_dropping(given)
    if not family and given and not dropping and not non_dropping:
        # A lone given name ("Plato", "Aristotle") is written as it is.
        pass
    return PersonName(
        family=family,
        given=given,
        dropping_particle=dropping,
        non_dropping_particle=non_dropping,
        suffix=suffix,
        comma_suffix=comma_suffix,
        static_ordering=static_ordering,
    )


# A leading word that may be a particle: up to a hyphen, an apostrophe or a space
# (citeproc-js's PARTICLE_FAMILY_REGEXP), and the same read from the end of a given name.
_FAMILY_PARTICLE = re.compile(r"^([^ ]+?(?:-|ʻ|’|'| ) *)(.+)$")
_GIVEN_PARTICLE = re.compile(r"^(.+?)( +[^ ]+(?:ʻ|’|')?)$")


def _particle_start(word: str) -> str:
    """The first letter of a particle candidate after any leading apostrophe ("'t")."""
    stripped = word.lstrip("-'ʻ’ ")
    return stripped[:1]


def _split_non_dropping(family: str) -> tuple[str, str]:
    """Leading lower-case particles: "van der Berg" → ("van der", "Berg").

    As citeproc-js parses them: "d'Arcy" → ("d'", "Arcy"), "al-One" → ("al-", "One");
    a particle ending in an apostrophe keeps the space that followed it ("de' Frinkle"
    → ("de' ", "Frinkle")), so it is written as it was typed.
    """
    particles: list[str] = []
    rest = family
    while True:
        match = _FAMILY_PARTICLE.match(rest)
        if not match:
            break
        first = _particle_start(match.group(1))
        if not first or first.upper() == first:
            break
        particles.append(match.group(1))
        rest = match.group(2)
    if not particles:
        return "", family
    particle = "".join(particles)
    trimmed = particle.strip()
    if particle.endswith(" ") and trimmed[-1:] in ("'", "’"):
        trimmed += " "
    return trimmed, rest


def _split_dropping(given: str) -> tuple[str, str]:
    """Trailing lower-case particles of a given name: "Ludwig van" → ("Ludwig", "van")."""
    particles: list[str] = []
    rest = given
    while True:
        match = _GIVEN_PARTICLE.match(rest)
        if not match:
            break
        word = match.group(2).strip()
        first = _particle_start(word)
        if not first or first.upper() == first:
            break
        particles.insert(0, word)
        rest = match.group(1)
    if not particles:
        return given, ""
    return rest.strip(), " ".join(particles)


def is_romanesque(text: str) -> bool:
    """Whether a name is written in a script that separates name parts with spaces.

    Names in Chinese, Japanese or Korean script are written family name first with no
    space ("毛泽东"), as citeproc-js does.
    """
    if text.isascii():
        return True
    for char in text:
        code = ord(char)
        if (
            0x3040 <= code <= 0x30FF  # kana
            or 0x3400 <= code <= 0x9FFF  # CJK ideographs
            or 0xAC00 <= code <= 0xD7AF  # Hangul
            or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x2FA1F
        ):
            return False
    return True


# -- dates ----------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return 0


def read_date(value: Any) -> DateValue:
    """A CSL-JSON date object (or a bare string, read as ``raw``)."""
    if isinstance(value, str):
        return parse_raw_date(value)
    if not isinstance(value, Mapping):
        return DateValue()
    circa = bool(value.get("circa")) and value.get("circa") not in ("false", 0)
    literal = _text(value.get("literal"))
    season_value = value.get("season")
    season = _text(season_value) if season_value is not None else ""
    parts_value = value.get("date-parts")
    parts: list[tuple[int, int, int]] = []
    if isinstance(parts_value, list):
        for position, part in enumerate(parts_value[:2]):
            if not isinstance(part, list) or not part:
                continue
            year = _int(part[0])
            month = _int(part[1]) if len(part) > 1 else 0
            day = _int(part[2]) if len(part) > 2 else 0
            if not year and not month and not day:
                if position == 1 and parts:
                    parts.append((0, 0, 0))  # an open range: "1987–"
                continue
            # Months 13 to 24 are seasons (13-16 and 21-24 in CSL-JSON and EDTF).
            if not 0 <= month <= 24:
                month = 0
            if not 0 <= day <= 31 or month > 12:
                day = 0
            parts.append((year, month, day))
    elif "year" in value:
        parts.append((_int(value.get("year")), _int(value.get("month")), _int(value.get("day"))))
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    if not parts and not literal:
        raw = _text(value.get("raw"))
        if raw:
            parsed = parse_raw_date(raw)
            return DateValue(
                parsed.parts, season or parsed.season, circa or parsed.circa, parsed.literal
            )
    return DateValue(tuple(parts), season, circa, literal if not parts else "")


def parse_raw_date(raw: str) -> DateValue:
    """A date written as text: ISO ("2000-05-01"), "May 2000", "1999/2000", "Spring 2001"."""
    text = unicodedata.normalize("NFKC", raw).strip()
    circa = False
    if re.match(r"^(c\.|ca\.|circa)\s*", text, re.IGNORECASE):
        circa = True
        text = re.sub(r"^(c\.|ca\.|circa)\s*", "", text, flags=re.IGNORECASE)
    halves = re.split(r"\s*(?:/|–|—|\s-\s)\s*", text)
    if len(halves) == 1 and re.fullmatch(r"\d{4}-\d{4}", text):
        halves = text.split("-")
    parts: list[tuple[int, int, int]] = []
    season = ""
    for half in halves[:2]:
        parsed = _parse_single(half)
        if parsed is None:
            return DateValue(literal=raw.strip())
        triple, half_season = parsed
        season = season or half_season
        parts.append(triple)
    if len(parts) == 2:
        (y1, m1, d1), (y2, _m2, _d2) = parts
        if not y1 and y2:
            parts[0] = (y2, m1, d1)
        if parts[0] == parts[1]:
            parts = parts[:1]
    return DateValue(tuple(parts), season, circa)


def _parse_single(text: str) -> tuple[tuple[int, int, int], str] | None:
    text = text.strip().rstrip(".")
    if not text:
        return None
    match = re.fullmatch(r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?", text)
    if match:
        return (int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)), ""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        return (int(match.group(3)), int(match.group(1)), int(match.group(2))), ""
    words = re.findall(r"[A-Za-z]+\.?|\d+", text)
    year = month = day = 0
    season = ""
    for word in words:
        lowered = word.lower().rstrip(".")
        if lowered.isdigit():
            number = int(lowered)
            if len(lowered) >= 3 or (day and not year) or number > 31:
                year = number
            elif not day:
                day = number
            else:
                year = number
        elif lowered in _MONTHS:
            month = _MONTHS[lowered]
        elif lowered in _SEASONS:
            season = str(_SEASONS[lowered])
        else:
            return None
    if not year:
        return None
    if not month:
        day = 0
    return (year, month, day), season
