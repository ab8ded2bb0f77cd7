"""What a field may hold: no control characters, and no more than a stated length.

Hostile or broken input (a NUL byte from a damaged export, a form feed from an old
catalogue, a title a megabyte long with nowhere to break) must neither crash nor freeze
PeerRef, nor travel on into its exports, where it would make the file unreadable to
PeerRef itself and to other programs. Every reader's output and every writer's input go
through these rules, so they hold whatever the format.

The rules never lose data silently: each change is described by a message naming the
field, and the caller keeps the original (an import keeps the text it read in its
provenance, so a cut-short title can still be seen whole there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from peerref.core.model import AbstractSection, Creator, PartialDate, Reference

# C0 controls other than tab, line feed and carriage return, and DEL: no reference text
# holds them, XML 1.0 forbids them (lxml refuses to store them) and a NUL makes a text
# file look binary. Lone UTF-16 surrogates (from a JSON "\ud800" escape) cannot be written
# as UTF-8 at all. Vertical tab and form feed separate words, so they become spaces.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_AS_SPACE = frozenset("\x0b\x0c")
_NAMES = {"\x00": "NUL", "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape"}


def control_character_name(char: str) -> str:
    """ "NUL", "form feed", "U+0001": what a warning calls a removed character."""
    return _NAMES.get(char, f"U+{ord(char):04X}")


def _replacement(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _AS_SPACE:
        return " "
    return "\ufffd" if "\ud800" <= char <= "\udfff" else ""


@dataclass(frozen=True, slots=True)
class CleanedText:
    """A text without control characters, and which of them it had (in order, once each)."""

    text: str
    removed: tuple[str, ...] = ()
    count: int = 0
    offsets: tuple[int, ...] = ()
    """Where the first few were, as offsets in the original text (for line numbers)."""

    def describe(self) -> str:
        """ "2 control characters (NUL, form feed)", for a warning."""
        names = ", ".join(control_character_name(c) for c in self.removed)
        plural = "s" if self.count != 1 else ""
        return f"{self.count} control character{plural} ({names})"


_CONTROL_CHARACTERS = tuple(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character ``clean_text`` would remove or replace.

    Asked of every field of every reference read, so done the fast way: a substring test
    per control character (each a C-speed scan) and, for text that is not ASCII, an
    encoding to UTF-8, which fails on a lone surrogate and only then; a regular
    expression over the text is ten times slower.
    """
    if any(char in text for char in _CONTROL_CHARACTERS):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(text: str) -> CleanedText:
    """``text`` with control characters removed (tab, line breaks kept; form feeds as spaces)."""
    if not has_control_characters(text):
        return CleanedText(text)
    found = _CONTROL.findall(text)
    offsets = tuple(m.start() for _, m in zip(range(5), _CONTROL.finditer(text), strict=False))
    return CleanedText(
        _CONTROL.sub(_replacement, text), tuple(dict.fromkeys(found)), len(found), offsets
    )


def strip_control_characters(text: str) -> str:
    """``clean_text(text).text``, for writers that report the change elsewhere."""
    return _CONTROL.sub(_replacement, text) if has_control_characters(text) else text


# ---------------------------------------------------------------- sizes

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""The most text one paste, drop or file may hold: 50 MB.

A results page copied whole is a few hundred kilobytes, and an RIS export of 20,000
references with abstracts about 30 MB. Reading a text takes
several times its size in memory (the text, its lines, the references), so a 200 MB paste
took 2.6 GB and half a minute; refusing it at once, with a message saying what to do,
keeps PeerRef responsive and its memory under 1 GB.
"""


def input_too_large_message(size: int, what: str = "the text") -> str | None:
    """What to tell a person whose input of ``size`` bytes (or characters) is too large.

    None when ``size`` is within ``MAX_INPUT_BYTES``.
    """
    if size <= MAX_INPUT_BYTES:
        return None
    megabytes = MAX_INPUT_BYTES // (1024 * 1024)
    return (
        f"Too large to import at once: {what} is about {size / (1024 * 1024):,.0f} MB, and "
        f"PeerRef reads at most {megabytes} MB at a time. Split it into smaller parts "
        "(export or copy the results a few pages at a time) and import each part."
    )


# ---------------------------------------------------------------- lengths


@dataclass(frozen=True, slots=True)
class FieldLimits:
    """The most characters (or items) one reference's fields may hold on import.

    Far above any real value: the longest real titles are a few hundred characters, real
    structured abstracts a few ten thousand, and physics papers list a few thousand
    authors. A value beyond these is damage or an attack, and showing, sorting or
    searching it would cost seconds each time.
    """

    short_text: int = 10_000
    """Titles, container and series titles, publisher, place, names, keywords, tags."""
    code: int = 1_000
    """Volume, issue, pages, edition, identifiers, language, status, a date's text."""
    url: int = 10_000
    abstract: int = 500_000
    """The whole abstract, all sections together."""
    extra_value: int = 1_000_000
    """One ``extra`` value (the reference's note is one)."""
    creators: int = 20_000
    keywords: int = 5_000


DEFAULT_LIMITS = FieldLimits()
_ANY = 1 << 62
UNLIMITED = FieldLimits(_ANY, _ANY, _ANY, _ANY, _ANY, _ANY, _ANY)
"""No length limit: only control characters are taken out (for what is already stored)."""

_SHORT_FIELDS = (
    "title",
    "title_short",
    "container_title",
    "container_title_short",
    "collection_title",
    "publisher",
    "publisher_place",
)
_CODE_FIELDS = ("volume", "issue", "page", "edition", "doi", "pmid", "pmcid", "language", "status")
_SHORT_AND_CODE_FIELDS = (*_SHORT_FIELDS, *_CODE_FIELDS, "url")
_CUT_MARK = "…"


def _cut(text: str, limit: int) -> str:
    return text[:limit] + _CUT_MARK


@dataclass(slots=True)
class _Changes:
    """Per-field notes of what was cleaned or cut while one reference was checked."""

    messages: list[str] = field(default_factory=list)

    def text(self, name: str, value: str, limit: int) -> str:
        cleaned = clean_text(value)
        if cleaned.count:
            self.messages.append(f"{cleaned.describe()} removed from the {name}")
        if len(cleaned.text) > limit:
            self.messages.append(
                f"the {name} is {len(cleaned.text):,} characters long: kept the first "
                f"{limit:,} (the whole text stays in the import's original text)"
            )
            return _cut(cleaned.text, limit)
        return cleaned.text

    def items(self, name: str, values: tuple[str, ...], limit: int, each: int) -> tuple[str, ...]:
        kept = tuple(self.text(f"{name} entry", value, each) for value in values[:limit])
        if len(values) > limit:
            self.messages.append(
                f"{len(values):,} {name} entries: kept the first {limit:,} (the others stay "
                "in the import's original text)"
            )
        return kept


def _creator(creator: Creator, changes: _Changes, limit: int) -> Creator:
    return replace(
        creator,
        family=changes.text("author's family name", creator.family, limit),
        given=changes.text("author's given name", creator.given, limit),
        particle=changes.text("author's name particle", creator.particle, limit),
        dropping_particle=changes.text("author's name particle", creator.dropping_particle, limit),
        suffix=changes.text("author's name suffix", creator.suffix, limit),
        literal=changes.text("author's name", creator.literal, limit),
    )


def _date(date: PartialDate, changes: _Changes, limit: int) -> PartialDate:
    end = _date(date.end, changes, limit) if date.end is not None else None
    return replace(
        date,
        season=changes.text("date's season", date.season, limit),
        literal=changes.text("date", date.literal, limit),
        end=end,
    )


def _abstract(
    sections: tuple[AbstractSection, ...], changes: _Changes, limits: FieldLimits
) -> tuple[AbstractSection, ...]:
    kept: list[AbstractSection] = []
    left = limits.abstract
    total = sum(len(s.heading) + len(s.text) for s in sections)
    for section in sections:
        if left <= 0:
            break
        heading = changes.text("abstract's heading", section.heading, limits.short_text)
        cleaned = clean_text(section.text)
        if cleaned.count:
            changes.messages.append(f"{cleaned.describe()} removed from the abstract")
        left -= len(heading)
        text = cleaned.text if len(cleaned.text) <= left else _cut(cleaned.text, max(left, 0))
        left -= len(text)
        kept.append(AbstractSection(heading, text))
    if total > limits.abstract:
        changes.messages.append(
            f"the abstract is {total:,} characters long: kept the first {limits.abstract:,} "
            "(the whole text stays in the import's original text)"
        )
    return tuple(kept)


def checked_reference(
    reference: Reference, limits: FieldLimits = DEFAULT_LIMITS, *, controls: bool = True
) -> tuple[Reference, list[str]]:
    """``reference`` with no control characters and no field beyond ``limits``; and why.

    Returns the reference itself (the same object) when nothing had to change, and a
    message per change otherwise, naming the field ("the title is 1,048,576 characters
    long: kept the first 10,000 …"). ``controls=False`` says the caller knows there are
    no control characters (they were taken out of the text it was read from, and the
    text had no escapes to make new ones), so only lengths are looked at first.
    """
    if not _needs_checking(reference, limits, controls=controls):
        return reference, []
    changes = _Changes()
    values: dict[str, object] = {}
    for name in _SHORT_FIELDS:
        values[name] = changes.text(
            name.replace("_", " "), getattr(reference, name), limits.short_text
        )
    for name in _CODE_FIELDS:
        values[name] = changes.text(name.replace("_", " "), getattr(reference, name), limits.code)
    values["url"] = changes.text("URL", reference.url, limits.url)
    kept_creators = reference.creators[: limits.creators]
    if len(reference.creators) > limits.creators:
        changes.messages.append(
            f"{len(reference.creators):,} names: kept the first {limits.creators:,} (the others "
            "stay in the import's original text)"
        )
    values["creators"] = tuple(_creator(c, changes, limits.short_text) for c in kept_creators)
    values["issued"] = _date(reference.issued, changes, limits.code)
    values["issn"] = changes.items("ISSN", reference.issn, limits.keywords, limits.code)
    values["isbn"] = changes.items("ISBN", reference.isbn, limits.keywords, limits.code)
    values["keywords"] = changes.items(
        "keyword", reference.keywords, limits.keywords, limits.short_text
    )
    values["tags"] = changes.items("tag", reference.tags, limits.keywords, limits.short_text)
    values["abstract"] = _abstract(reference.abstract, changes, limits)
    values["extra"] = {
        changes.text("extra field name", key, limits.short_text): changes.text(
            f"extra field {key!r}"[:80], value, limits.extra_value
        )
        for key, value in reference.extra.items()
    }
    return replace(reference, **values), list(dict.fromkeys(changes.messages))  # type: ignore[arg-type]


def _limited_texts(reference: Reference, limits: FieldLimits) -> list[tuple[str, int]]:
    """Every text of ``reference`` with the limit it is held to."""
    texts = [(getattr(reference, name), limits.short_text) for name in _SHORT_FIELDS]
    texts += [(getattr(reference, name), limits.code) for name in _CODE_FIELDS]
    texts.append((reference.url, limits.url))
    for creator in reference.creators:
        texts += [(creator.family, limits.short_text), (creator.given, limits.short_text)]
        texts += [(creator.particle, limits.short_text), (creator.literal, limits.short_text)]
        texts += [(creator.dropping_particle, limits.short_text)]
        texts += [(creator.suffix, limits.short_text)]
    date: PartialDate | None = reference.issued
    while date is not None:
        texts += [(date.season, limits.code), (date.literal, limits.code)]
        date = date.end
    texts += [(text, limits.code) for text in (*reference.issn, *reference.isbn)]
    texts += [(text, limits.short_text) for text in (*reference.keywords, *reference.tags)]
    for section in reference.abstract:
        texts += [(section.heading, limits.short_text), (section.text, limits.abstract)]
    for key, value in reference.extra.items():
        texts += [(key, limits.short_text), (value, limits.extra_value)]
    return texts


def _short_texts_length(reference: Reference) -> int:
    """The length of every text of ``reference`` but its abstract and ``extra``, together."""
    total = sum(map(len, (getattr(reference, name) for name in _SHORT_AND_CODE_FIELDS)))
    for creator in reference.creators:
        total += len(creator.family) + len(creator.given) + len(creator.literal)
        total += len(creator.particle) + len(creator.dropping_particle) + len(creator.suffix)
    total += sum(map(len, reference.keywords)) + sum(map(len, reference.tags))
    total += sum(map(len, reference.issn)) + sum(map(len, reference.isbn))
    date: PartialDate | None = reference.issued
    while date is not None:
        total += len(date.season) + len(date.literal)
        date = date.end
    return total


def _needs_checking(reference: Reference, limits: FieldLimits, *, controls: bool) -> bool:
    """A quick look first: nearly every reference has nothing to change.

    Asked of every entry of every import, so the common case is cheap: when all the short
    texts together are within the smallest limit, none of them is beyond its own.
    """
    if len(reference.creators) > limits.creators:
        return True
    if max(len(reference.keywords), len(reference.tags)) > limits.keywords:
        return True
    abstract = sum(len(s.text) + len(s.heading) for s in reference.abstract)
    if abstract > limits.abstract:
        return True
    if any(len(value) > limits.extra_value for value in reference.extra.values()):
        return True
    smallest = min(limits.short_text, limits.code, limits.url)
    short = _short_texts_length(reference) + sum(map(len, reference.extra))
    if (short > smallest or abstract > limits.short_text) and any(
        len(text) > limit for text, limit in _limited_texts(reference, limits)
    ):
        return True
    if not controls:
        return False
    return has_control_characters("\n".join(text for text, _ in _limited_texts(reference, limits)))


def control_character_messages(reference: Reference) -> list[str]:
    """What ``clean_text`` would remove from each field of ``reference``, as messages.

    For exports, which write every value without its control characters and say so.
    """
    return checked_reference(reference, UNLIMITED)[1]
