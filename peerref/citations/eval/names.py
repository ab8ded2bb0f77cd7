"""Writing names: one name in its form and order, and lists with et-al and "and".

CSL's rules (specification: "Names", "Name-part Order", "Name Particles"), as
citeproc-js applies them: particles are placed by ``demote-non-dropping-particle``,
given names are initialized with ``initialize-with`` (hyphenated names keep their
hyphen unless ``initialize-with-hyphen`` is false, and ``initialize="false"`` only
normalizes initials already there), names in Chinese, Japanese or Korean script are
written family name first without a space.

Disambiguation changes two things per name: how many names of a list are shown
(``names_shown``) and how far one name's given name is expanded (level 1: initials,
level 2: the full given name).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from peerref.citations.eval.formatting import apply_affixes, apply_formatting, apply_rendering
from peerref.citations.eval.item import PersonName
from peerref.citations.output import rich
from peerref.citations.output.rich import Content
from peerref.citations.style.nodes import NameOptions, NamePart

DEFAULT_NAME_OPTIONS = NameOptions(
    and_=None,
    delimiter=", ",
    delimiter_precedes_et_al="contextual",
    delimiter_precedes_last="contextual",
    et_al_min=None,
    et_al_use_first=None,
    et_al_use_last=False,
    et_al_subsequent_min=None,
    et_al_subsequent_use_first=None,
    form="long",
    initialize=True,
    initialize_with=None,
    name_as_sort_order=None,
    sort_separator=", ",
)


@dataclass(frozen=True, slots=True)
class NameStyle:
    """Everything that decides how one name is written, after inheritance."""

    form: str
    initialize: bool
    initialize_with: str | None
    initialize_with_hyphen: bool
    sort_separator: str
    demote: str
    given_part: NamePart | None
    family_part: NamePart | None


_GIVEN_TOKEN = re.compile(r"[^\s.\u00a0\-‐‑–]+\.?|[-‐‑–]")


@functools.lru_cache(maxsize=16384)
def initialize(given: str, initialize_with: str, *, initialize_names: bool, hyphen: bool) -> str:
    """Given names as initials: "John Robert" → "J. R." (``initialize_with`` ". ").

    The rules are citeproc-js's: a single letter ("M", "M.") is an initial and is always
    written with ``initialize_with``; a word ending in a period ("Ts.", "ME.") is an
    abbreviation kept as it is; any other word becomes its first letter when
    ``initialize_names`` is true and stays whole otherwise. Hyphenated names keep the
    hyphen between initials ("J.-P.") unless ``hyphen`` is false; a lower-case part after
    a hyphen ("Guo-ping") has no initial.
    """
    tags: list[str] = []
    if "<" in given:
        # Markup in the name ("<b>John</b> Quiggly"): each tag is held as one private
        # character that stays with the word it touches, so "<b>J.</b> Q." keeps it.
        def hold(match: re.Match[str]) -> str:
            tags.append(match.group())
            return chr(_HELD_TAG + len(tags) - 1)

        given = rich.MARKUP_TAG.sub(hold, given)
    out: list[tuple[str, bool, bool]] = []  # (text, is an initial, follows a hyphen)
    pending_hyphen = False
    for token in _GIVEN_TOKEN.findall(given):
        if token in "-‐‑–":
            pending_hyphen = bool(out)
            continue
        lead, held_after, whole = "", "", token
        if tags:
            start = 0
            while start < len(token) and _is_held(token[start]):
                start += 1
            lead, whole = token[:start], token[start:]
            held_after = "".join(c for c in whole if _is_held(c))
            token = "".join(c for c in whole if not _is_held(c))
            if not token:
                out.append((lead + held_after, False, pending_hyphen))
                continue
        word = token.rstrip(".")
        after_hyphen, pending_hyphen = pending_hyphen, False
        letters: str | None = None
        if len(word) > 2 and word[0].isupper() and word[1].isupper() and word[2].islower():
            # Mongolian and similar names: "TSerendorjiin" has the initial "Ts."
            letters = word[0] + word[1].lower()
        elif len(word) == 1 and word.isalpha():
            letters = word.upper()
        elif token.endswith("."):
            letters = word
        elif initialize_names and not (word[:1].islower() and not after_hyphen):
            if after_hyphen and word[:1].islower():
                continue
            letters = word[:1].upper()
        if letters is None:
            # A word written whole keeps its tags where they were.
            out.append((lead + whole.rstrip("."), False, after_hyphen))
            continue
        # Tags closing after the word close after the initial's period, before its space.
        mark = initialize_with.rstrip()
        space = initialize_with[len(mark) :]
        out.append((lead + letters + mark + held_after + space, True, after_hyphen))
    text = ""
    previous_initial = False
    for piece, initial, after_hyphen in out:
        if text:
            if after_hyphen:
                if initial and previous_initial:
                    text = text.rstrip() + ("-" if hyphen else "")
                else:
                    text = text.rstrip() + "-"
            elif not (initial and previous_initial) and not text.endswith(" "):
                text += " "
        text += piece
        previous_initial = initial
    text = text.strip()
    for index, tag in enumerate(tags):
        text = text.replace(chr(_HELD_TAG + index), tag)
    return text


# Private-use characters (plane 15) that stand for markup tags while a given name is
# initialized.
_HELD_TAG = 0xF0000


def _is_held(char: str) -> bool:
    return _HELD_TAG <= ord(char) < _HELD_TAG + 0xFFFE


def _join_particle(particle: str, name: str) -> str:
    if not particle:
        return name
    if not name:
        return particle
    if particle[-1] in "'’-‐ ":
        return particle + name
    return f"{particle} {name}"


def _formatted(text: str, part: NamePart | None, english: bool) -> Content:
    """One name part with its name-part's font and text-case (not its affixes)."""
    content = rich.parse_markup(text)
    if part is None or part.rendering.plain or not content:
        return content
    return apply_formatting(content, part.rendering, english=english)


def _block(
    pieces: list[tuple[str, NamePart | None]], affixes: NamePart | None, english: bool
) -> Content:
    """Name parts written one after another, each in its own formatting, inside the
    affixes of the name-part the block belongs to."""
    out: Content = []
    previous = ""
    for text, part in pieces:
        if not text:
            continue
        if previous and previous[-1] not in "'’-‐ ":
            out.append(" ")
        out.extend(_formatted(text, part, english))
        previous = text
    if not out or affixes is None or not (affixes.rendering.prefix or affixes.rendering.suffix):
        return out
    return apply_affixes(out, affixes.rendering)


def format_name(
    name: PersonName,
    style: NameStyle,
    *,
    inverted: bool,
    given_level: int = 0,
    english: bool = True,
    sort: bool = False,
) -> Content:
    """One name, written in ``style``'s form; ``inverted`` for name-as-sort-order.

    Name parts are formatted each on their own (the non-dropping particle like the
    family name, the dropping particle like the given name); the name-parts' affixes go
    around blocks: in display order the given name, then particles and family name; in
    sort order the family name (with its particle unless it is demoted), then the given
    name with the particles that follow it.
    """
    given_part, family_part = style.given_part, style.family_part
    if name.is_literal:
        text = name.literal or name.family
        content = rich.parse_markup(text)
        if family_part is not None and not family_part.rendering.plain:
            content = apply_rendering(content, family_part.rendering, english=english)
        return content
    form = style.form
    initialize_with = style.initialize_with
    if given_level >= 1 and form == "short":
        form = "long"
    if given_level >= 2:
        initialize_with = None
    family, given = name.family, name.given
    if not family:
        # A lone given name ("Banksy", "Plato") is written as it is.
        return _block([(given, given_part)], given_part, english)
    if given and initialize_with is not None:
        given = initialize(
            given,
            initialize_with,
            initialize_names=style.initialize,
            hyphen=style.initialize_with_hyphen,
        )
    if not name.romanesque:
        if form == "short" or not given:
            return _block([(family, family_part)], family_part, english)
        return [
            *_block([(family, family_part)], family_part, english),
            *_block([(given, given_part)], given_part, english),
        ]
    non_dropping, dropping, suffix = (
        name.non_dropping_particle,
        name.dropping_particle,
        name.suffix,
    )
    if suffix and style.initialize_with is not None:
        # As citeproc-js: a suffix's own abbreviations follow initialize-with
        # ("Jr." is "Jr" where initials have no periods).
        suffix = initialize(
            suffix,
            style.initialize_with,
            initialize_names=False,
            hyphen=style.initialize_with_hyphen,
        ).strip()
    if suffix and family_part is not None and family_part.rendering.strip_periods:
        suffix = suffix.replace(".", "")
    if form == "short" or not (given or dropping):
        if non_dropping and (
            (sort and style.demote != "never") or (inverted and style.demote == "display-and-sort")
        ):
            # As citeproc-js: a sort key files "van der Berg" under B even in the
            # short form unless particles are never demoted, and an inverted name
            # that demotes them shows "Berg van der".
            gap = style.sort_separator if inverted and not sort else " "
            return [
                *_block([(family, family_part)], family_part, english),
                *([gap] if gap else []),
                *_block([(non_dropping, family_part)], family_part, english),
            ]
        return _block([(non_dropping, family_part), (family, family_part)], family_part, english)
    if name.static_ordering:
        head = _block([(non_dropping, family_part), (family, family_part)], family_part, english)
        tail = _block([(given, given_part), (dropping, given_part)], given_part, english)
        ordered: list[Content] = [head, [" "], tail]
        if suffix:
            ordered += [[" "], rich.parse_markup(suffix)]
        return _concat(ordered)
    if inverted:
        separator: Content = [style.sort_separator] if style.sort_separator else []
        if style.demote == "display-and-sort" or (sort and style.demote == "sort-only"):
            head = _block([(family, family_part)], family_part, english)
            tail = _block(
                [(given, given_part), (dropping, given_part), (non_dropping, family_part)],
                given_part,
                english,
            )
        else:
            head = _block(
                [(non_dropping, family_part), (family, family_part)], family_part, english
            )
            tail = _block([(given, given_part), (dropping, given_part)], given_part, english)
        pieces: list[Content] = [head]
        if tail:
            pieces += [separator, tail]
        if suffix:
            pieces += [separator, rich.parse_markup(suffix)]
        return _concat(pieces)
    # Display order: given name; dropping particle, non-dropping particle, family name
    # and suffix.
    given_block = _block([(given, given_part)], given_part, english)
    family_pieces: list[tuple[str, NamePart | None]] = [
        (dropping, given_part),
        (non_dropping, family_part),
        (family, family_part),
    ]
    if suffix and not name.comma_suffix:
        family_pieces.append((suffix, None))
    family_block = _block(family_pieces, family_part, english)
    if suffix and name.comma_suffix:
        family_block = [*family_block, ", ", *rich.parse_markup(suffix)]
    if not given_block:
        return family_block
    between = [] if rich.plain(given_block)[-1:].isspace() else [" "]
    return [*given_block, *between, *family_block]


def _concat(pieces: list[Content]) -> Content:
    out: Content = []
    for piece in pieces:
        out.extend(piece)
    return out


def name_sort_key(name: PersonName, demote: str) -> str:
    """The text a name sorts by, as citeproc-js builds it: family name, then given name
    and particles (before the family name only when particles are never demoted);
    apostrophes in particles do not count."""
    if name.is_literal:
        return name.literal or name.family
    non_dropping = re.sub(r"['’]", "", name.non_dropping_particle, count=1).strip()
    dropping = re.sub(r"['’]", "", name.dropping_particle, count=1).strip()
    if demote == "never":
        head = " ".join(p for p in (non_dropping, name.family, dropping) if p)
        parts = [head, name.given]
    else:
        parts = [name.family, " ".join(p for p in (name.given, dropping, non_dropping) if p)]
    parts.append(name.suffix)
    return " ".join(p for p in parts if p)


def same_person(a: PersonName, b: PersonName) -> bool:
    return a == b
