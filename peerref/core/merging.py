"""Which of two values of a field says more, and the records built from that judgement.

The same paper reaches the library from several sources, each telling part of it: an
Emerald page gives the abstract in its Purpose / Findings sections but no title, the RIS
export of the same page gives the title and DOI but the abstract as one flat paragraph, a
reference list gives "Repper, J." where the library says "Julie Repper". Whenever two
records of one work meet — an import that fills a stored reference in, or a merge of
duplicates — each field is weighed with ``compare_field``:

- an empty value, or one the source itself marked as cut short, is a gap to fill;
- a *poorer* value never replaces a richer one: a flat abstract does not replace a
  structured one, a year a full date, initials full given names, a list ending in
  "et al." (or a prefix of the other list) the whole list, a title ending in "…" (or a
  word-prefix of the other) the whole title;
- a value that is *richer* or merely *different* replaces the held one only when someone
  chooses it (the import preview's "Replace with the incoming values", a pick in the
  merge dialog); a merge of duplicates takes richer values by default, as nothing is lost.

Everything here is pure: records in, records out. ``peerref.library`` writes the results.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from peerref.core.dedupe import fold
from peerref.core.errors import UserInputError
from peerref.core.ids import doi_key
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
    abstract_to_text,
)

# Fields a merge offers a choice for: every bibliographic field of Reference, and the
# library's own tags, reading status and rating.
MERGEABLE_FIELDS: tuple[str, ...] = (
    *("type", "title", "title_short", "creators", "container_title", "container_title_short"),
    *("collection_title", "volume", "issue", "page", "issued", "status", "publisher"),
    *("publisher_place", "edition", "issn", "isbn", "doi", "pmid", "pmcid", "url", "language"),
    *("abstract", "keywords", "tags", "reading_status", "rating"),
)
# Fields whose values are combined from every record unless a choice names one record.
UNION_FIELDS = frozenset({"issn", "isbn", "keywords", "tags"})
# The library's own fields: an import never takes them from an incoming entry.
LIBRARY_FIELDS = frozenset({"tags", "reading_status", "rating"})
# What an import compares and may fill: the bibliographic fields.
BIBLIOGRAPHIC_FIELDS: tuple[str, ...] = tuple(
    name for name in MERGEABLE_FIELDS if name not in LIBRARY_FIELDS
)

_TRUNCATED_AUTHORS = frozenset({"creators", "author", "authors"})
_ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.|\[\.\.\.\])\s*$")
# "et al." written into an author list, as a name of its own.
_ET_AL = frozenset({"et al", "et al.", "et. al.", "others", "and others", "…", "..."})
_INITIAL_TOKENS_RE = re.compile(r"^(?:[^\W\d_]\.?[\s-]*){1,4}$")


class Richness(enum.StrEnum):
    """How an incoming value compares with the value held (``compare_field``)."""

    SAME = "same"  # nothing new
    FILLS = "fills"  # the held value is empty or marked cut short: taking it loses nothing
    RICHER = "richer"  # says more than the held value (a full date, a structured abstract)
    DIFFERENT = "different"  # neither richer nor poorer: a person decides
    POORER = "poorer"  # says less than the held value: never replaces it


@dataclass(frozen=True, slots=True)
class FieldChanges:
    """What an incoming record offers a held one, field by field.

    Attributes:
        fills: fields the incoming record fills in (empty, cut short, or list items added).
        replaces: fields where the incoming value is richer or different, not poorer:
            taken only when a person chooses to replace with the incoming values.
    """

    fills: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()


# --------------------------------------------------------------------------- the rules


def is_empty(value: object) -> bool:
    """No value at all: "", (), an empty date, None."""
    if value is None:
        return True
    if isinstance(value, PartialDate):
        return value.is_empty
    if isinstance(value, str | tuple | frozenset | dict):
        return len(value) == 0
    return False


def truncated_fields(reference: Reference) -> frozenset[str]:
    """The ``truncated`` names as Reference field names ("author" -> "creators")."""
    names: set[str] = set()
    for name in reference.truncated:
        name = name.replace("-", "_")
        names.add("creators" if name in _TRUNCATED_AUTHORS else name)
    return frozenset(names)


def compare_field(name: str, held: Reference, incoming: Reference) -> Richness:
    """How ``incoming``'s value of field ``name`` compares with ``held``'s.

    The flags records carry (``truncated``) count first: a value the source marked as cut
    short gives way to an unmarked one unless that one is poorer still, and a marked
    incoming value is never richer than an unmarked held one (at most different, when it
    still says more).
    """
    held_value, incoming_value = getattr(held, name), getattr(incoming, name)
    if is_empty(incoming_value):
        return Richness.SAME if is_empty(held_value) else Richness.POORER
    if is_empty(held_value):
        return Richness.FILLS
    if name in UNION_FIELDS:
        return _compare_lists(held_value, incoming_value)
    held_cut = name in truncated_fields(held)
    incoming_cut = name in truncated_fields(incoming)
    if held_value == incoming_value:
        return Richness.FILLS if held_cut and not incoming_cut else Richness.SAME
    by_value = _compare_values(name, held_value, incoming_value)
    if held_cut and not incoming_cut:
        return Richness.POORER if by_value is Richness.POORER else Richness.FILLS
    if incoming_cut and not held_cut:
        # Cut short, yet longer than the held value: that one is incomplete too.
        return Richness.DIFFERENT if by_value is Richness.RICHER else Richness.POORER
    return by_value


def _compare_values(name: str, held: object, incoming: object) -> Richness:
    if name == "abstract":
        return compare_abstracts(held, incoming)  # type: ignore[arg-type]
    if name == "creators":
        return compare_creators(held, incoming)  # type: ignore[arg-type]
    if name == "issued":
        return compare_dates(held, incoming)  # type: ignore[arg-type]
    if name == "type":
        if held is ReferenceType.OTHER:
            return Richness.RICHER
        return Richness.POORER if incoming is ReferenceType.OTHER else Richness.DIFFERENT
    if name == "doi" and isinstance(held, str) and isinstance(incoming, str):
        if doi_key(held) == doi_key(incoming):
            return Richness.SAME
        return Richness.DIFFERENT
    if isinstance(held, str) and isinstance(incoming, str):
        return compare_texts(held, incoming)
    return Richness.DIFFERENT


def _compare_lists(held: tuple[str, ...], incoming: tuple[str, ...]) -> Richness:
    """ISSNs, ISBNs, keywords: items not held yet are added; nothing held is dropped."""
    known = {item.casefold() for item in held}
    return Richness.FILLS if any(i.casefold() not in known for i in incoming) else Richness.SAME


def _is_cut(text: str) -> bool:
    return bool(_ELLIPSIS_RE.search(text))


def compare_texts(held: str, incoming: str) -> Richness:
    """A text cut short ("…" at its end, or a word-prefix of the other) is the poorer one.

    "Growing together: peer-ru…" and "Growing together" are poorer than "Growing
    together: peer-run allotments after an acute admission"; texts that differ only in
    spacing are the same; anything else (capitals, wording) is different.
    """
    if " ".join(held.split()) == " ".join(incoming.split()):
        return Richness.SAME
    held_cut, incoming_cut = _is_cut(held), _is_cut(incoming)
    held_key = fold(_ELLIPSIS_RE.sub("", held))
    incoming_key = fold(_ELLIPSIS_RE.sub("", incoming))
    if held_key == incoming_key:
        if held_cut != incoming_cut:
            return Richness.POORER if incoming_cut else Richness.RICHER
        return Richness.DIFFERENT
    if _extends(held_key, incoming_key, cut=held_cut):
        return Richness.RICHER
    if _extends(incoming_key, held_key, cut=incoming_cut):
        return Richness.POORER
    return Richness.DIFFERENT


def _extends(short: str, long_: str, *, cut: bool) -> bool:
    """``long_`` goes on where ``short`` stops: at a word break, or anywhere if it was cut."""
    if not short or len(long_) <= len(short) or not long_.startswith(short):
        return False
    return cut or long_[len(short)] == " "


def compare_dates(held: PartialDate, incoming: PartialDate) -> Richness:
    """A date that says everything the other says and more (2016 -> 2016-10-04) is richer."""
    held_parts, incoming_parts = held.date_parts(), incoming.date_parts()
    if held_parts and incoming_parts:
        if (
            len(incoming_parts) > len(held_parts)
            and incoming_parts[: len(held_parts)] == held_parts
        ):
            return Richness.RICHER
        if (
            len(held_parts) > len(incoming_parts)
            and held_parts[: len(incoming_parts)] == incoming_parts
        ):
            return Richness.POORER
    if not held_parts and incoming_parts:
        return Richness.RICHER  # a date read over one that could not be read
    if held_parts and not incoming_parts:
        return Richness.POORER
    return Richness.SAME if held == incoming else Richness.DIFFERENT


def is_structured(sections: Sequence[AbstractSection]) -> bool:
    """A structured abstract: its parts are headed ("Purpose", "Findings")."""
    return any(section.heading for section in sections)


def compare_abstracts(
    held: tuple[AbstractSection, ...], incoming: tuple[AbstractSection, ...]
) -> Richness:
    """A structured abstract beats a flat paragraph of the same text; a longer one an excerpt.

    A flat paragraph is poorer than a structured abstract, whatever its length (the RIS
    export of an Emerald page runs the headings into the text), unless the structured
    one is itself cut short ("…"), when neither is plainly richer. Of two abstracts of the
    same kind, one that is the start of the other is the poorer; a structured abstract
    whose sections are all in the other's is poorer too.
    """
    held_structured, incoming_structured = is_structured(held), is_structured(incoming)
    held_text, incoming_text = abstract_to_text(held), abstract_to_text(incoming)
    if held_structured != incoming_structured:
        structured_text = held_text if held_structured else incoming_text
        if _is_cut(structured_text):
            return Richness.DIFFERENT
        return Richness.RICHER if incoming_structured else Richness.POORER
    if held_structured:
        held_parts = {(s.heading.casefold(), fold(s.text)) for s in held}
        incoming_parts = {(s.heading.casefold(), fold(s.text)) for s in incoming}
        if held_parts < incoming_parts:
            return Richness.RICHER
        if incoming_parts < held_parts:
            return Richness.POORER
    return compare_texts(held_text, incoming_text)


def _is_et_al(creator: Creator) -> bool:
    text = (creator.literal or creator.family or creator.given).strip().casefold()
    return text in _ET_AL


def _is_initials(given: str) -> bool:
    """ "J.", "J A", "J.-P.", "JA": only initials."""
    stripped = given.strip()
    if not stripped:
        return False
    if stripped.isupper() and stripped.isalpha() and len(stripped) <= 3:
        return True
    return bool(_INITIAL_TOKENS_RE.match(stripped))


def _initials(given: str) -> str:
    """ "Julie Anne" -> "ja", "J. A." -> "ja", "JA" -> "ja", "Jean-Paul" -> "jp"."""
    stripped = given.strip()
    if stripped.isupper() and stripped.isalpha() and len(stripped) <= 3:
        return stripped.casefold()
    return "".join(word[0] for word in fold(stripped.replace("-", " ")).split())


def _compare_given(held: str, incoming: str) -> Richness:
    """Full given names over initials that agree with them; a longer name over its start."""
    held_key, incoming_key = fold(held), fold(incoming)
    if held_key == incoming_key:
        return Richness.SAME
    if not held_key or not incoming_key:
        return Richness.RICHER if incoming_key else Richness.POORER
    held_short, incoming_short = _is_initials(held), _is_initials(incoming)
    held_initials, incoming_initials = _initials(held), _initials(incoming)
    if held_short and incoming_short and held_initials == incoming_initials:
        return Richness.SAME  # "J. A." and "JA"
    if held_short and incoming_initials.startswith(held_initials):
        return Richness.RICHER  # "J." -> "Julie", "J." -> "J. A."
    if incoming_short and held_initials.startswith(incoming_initials):
        return Richness.POORER
    if held_short or incoming_short:
        return Richness.DIFFERENT
    if _extends(held_key, incoming_key, cut=False):
        return Richness.RICHER  # "Julie" -> "Julie Anne"
    if _extends(incoming_key, held_key, cut=False):
        return Richness.POORER
    return Richness.DIFFERENT


def _same_person(first: Creator, second: Creator) -> bool:
    if first.literal or second.literal:
        return fold(first.literal or first.display_name()) == fold(
            second.literal or second.display_name()
        )
    return first.role is second.role and (
        fold(first.family) == fold(second.family)
        or fold(first.family_with_particle()) == fold(second.family_with_particle())
    )


def compare_creators(held: tuple[Creator, ...], incoming: tuple[Creator, ...]) -> Richness:
    """A list that goes on where the other stops ("et al.", a prefix) or spells out initials.

    The names are matched in order by family name; any name that does not match makes
    the lists different. Then a longer list is richer, and so are full given names where
    the other list has initials; a list richer in one way and poorer in another is
    different.
    """
    held_names = [c for c in held if not _is_et_al(c)]
    incoming_names = [c for c in incoming if not _is_et_al(c)]
    held_et_al = len(held_names) < len(held)
    incoming_et_al = len(incoming_names) < len(incoming)
    ranks: set[Richness] = set()
    for held_one, incoming_one in zip(held_names, incoming_names, strict=False):
        if not _same_person(held_one, incoming_one):
            return Richness.DIFFERENT
        if not (held_one.literal or incoming_one.literal):
            ranks.add(_compare_given(held_one.given, incoming_one.given))
    if len(incoming_names) > len(held_names):
        ranks.add(Richness.RICHER)
    elif len(incoming_names) < len(held_names):
        ranks.add(Richness.POORER)
    elif held_et_al != incoming_et_al:
        ranks.add(Richness.RICHER if held_et_al else Richness.POORER)
    ranks.discard(Richness.SAME)
    if not ranks:
        return Richness.SAME  # the same people, written alike ("Z." and "Z")
    return ranks.pop() if len(ranks) == 1 else Richness.DIFFERENT


# --------------------------------------------------------------------------- records


def field_changes(held: Reference, incoming: Reference) -> FieldChanges:
    """What ``incoming`` would fill in ``held``, and where it would replace a value if chosen.

    Only bibliographic fields are weighed: an import never brings tags, a reading status
    or a rating of its own.
    """
    fills: list[str] = []
    replaces: list[str] = []
    for name in BIBLIOGRAPHIC_FIELDS:
        richness = compare_field(name, held, incoming)
        if richness is Richness.FILLS:
            fills.append(name)
        elif richness in (Richness.RICHER, Richness.DIFFERENT):
            replaces.append(name)
    return FieldChanges(tuple(fills), tuple(replaces))


def fill_in(
    held: Reference, incoming: Reference, *, replace: bool = False
) -> tuple[Reference, tuple[str, ...]]:
    """``held`` with what ``incoming`` adds, and the names of the fields that changed.

    What an import does with an entry that duplicates a stored reference: empty and
    cut-short fields are filled, ISSNs, ISBNs and keywords not held yet are added, and
    nothing else changes — unless ``replace`` (the person chose "Replace with the incoming
    values"), when richer and different values are taken too. A poorer value is never
    taken. ``held``'s id, tags, collections and other library fields are kept.
    """
    changes = field_changes(held, incoming)
    taking = set(changes.fills) | (set(changes.replaces) if replace else set())
    if not taking:
        return held, ()
    values: dict[str, object] = {}
    for name in taking:
        if name in UNION_FIELDS:
            values[name] = _unique((*getattr(held, name), *getattr(incoming, name)), fold_case=True)
        else:
            values[name] = getattr(incoming, name)
    held_cut, incoming_cut = truncated_fields(held), truncated_fields(incoming)
    values["truncated"] = frozenset(
        name
        for name in held_cut | incoming_cut
        if (name in taking and name in incoming_cut) or (name not in taking and name in held_cut)
    )
    values["extra"] = {**incoming.extra, **held.extra}
    merged = held.with_changes(**values)
    changed = tuple(
        name for name in BIBLIOGRAPHIC_FIELDS if getattr(merged, name) != getattr(held, name)
    )
    return (merged, changed) if changed else (held, ())


def _unique(values: Iterable[str], *, fold_case: bool) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        key = value.casefold() if fold_case else value
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


def merge_references(
    primary: Reference,
    others: Sequence[Reference],
    choices: Mapping[str, ReferenceId] | None = None,
) -> Reference:
    """The one reference that replaces ``primary`` and ``others`` after a merge.

    The merged record keeps ``primary``'s id and library fields, so links to it survive.
    Each field keeps ``primary``'s value unless another record's value fills a gap in it
    or is richer (``compare_field``): a poorer value never wins, and of two merely
    different values the primary's stays. Tags, keywords, ISSNs and ISBNs are united and
    the earliest "added" time is kept. ``choices`` (field name -> id of the record to take
    it from) are what a person picked in the merge dialog and override all of that.

    Notes, collections and provenance live in the store, which moves them; this only
    builds the record (``collection_ids`` are united so nothing is lost either way).

    Raises:
        UserInputError: a choice names an unknown field or a record not being merged.
    """
    records = (primary, *others)
    by_id = {r.id: r for r in records if r.id is not None}
    source_of: dict[str, Reference] = {}
    for name in MERGEABLE_FIELDS:
        source = primary
        for other in others:
            if compare_field(name, source, other) in (Richness.FILLS, Richness.RICHER):
                source = other
        source_of[name] = source

    for name, record_id in (choices or {}).items():
        if name not in MERGEABLE_FIELDS:
            raise UserInputError(f"cannot choose the field {name!r} when merging")
        if record_id not in by_id:
            raise UserInputError(f"reference {record_id} is not one of those being merged")
        source_of[name] = by_id[record_id]

    changes: dict[str, object] = {name: getattr(source_of[name], name) for name in MERGEABLE_FIELDS}
    for name in UNION_FIELDS - set(choices or {}):
        changes[name] = _unique(
            (item for r in records for item in getattr(r, name)), fold_case=name != "tags"
        )
    changes["collection_ids"] = tuple(dict.fromkeys(c for r in records for c in r.collection_ids))
    added = [r.added for r in records if r.added is not None]
    changes["added"] = min(added) if added else None
    extra: dict[str, str] = {}
    for record in reversed(records):
        extra.update(record.extra)
    changes["extra"] = extra
    changes["truncated"] = frozenset(
        name
        for name in MERGEABLE_FIELDS
        if name in truncated_fields(source_of[name]) and name not in UNION_FIELDS
    )
    return primary.with_changes(**changes)


# --------------------------------------------------------------------------- wording

SHORT_VALUE_CHARS = 60


def short_value(value: object, limit: int = SHORT_VALUE_CHARS) -> str:
    """A field value as a short line for "would replace X with Y".

    A structured abstract keeps its first heading ("Purpose: This paper…"), an author
    list reads "Kowalczyk, Z.; Adeyemi, T.", a date is written in ISO form.
    """
    if value is None:
        return ""
    if isinstance(value, PartialDate):
        text = value.iso() or value.literal
    elif isinstance(value, tuple) and value and isinstance(value[0], AbstractSection):
        text = abstract_to_text(value)
    elif isinstance(value, tuple) and value and isinstance(value[0], Creator):
        text = "; ".join(_creator_text(c) for c in value if isinstance(c, Creator))
    elif isinstance(value, tuple):
        text = "; ".join(str(item) for item in value)
    else:
        text = str(getattr(value, "value", value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _creator_text(creator: Creator) -> str:
    if creator.literal:
        return creator.literal
    family = creator.family_with_particle()
    return f"{family}, {creator.given}" if creator.given else family


__all__ = [
    "BIBLIOGRAPHIC_FIELDS",
    "LIBRARY_FIELDS",
    "MERGEABLE_FIELDS",
    "UNION_FIELDS",
    "FieldChanges",
    "Richness",
    "compare_abstracts",
    "compare_creators",
    "compare_dates",
    "compare_field",
    "compare_texts",
    "field_changes",
    "fill_in",
    "is_empty",
    "is_structured",
    "merge_references",
    "short_value",
    "truncated_fields",
]
