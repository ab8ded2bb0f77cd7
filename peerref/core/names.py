"""Split author lists and read personal and organisation names into ``Creator`` objects.

Pages write names in three shapes — "First Middle Last" (Emerald, ScienceGate),
"Last, First" (RIS, BibTeX) and "Last FM" (PubMed) — and a name's particles ("van",
"de", "Ó") belong with the family name for citing but not for sorting, as CSL's
non-dropping particle. Organisations become one literal name so that "World Health
Organization" is never cited as "Organization, W. H.".
"""

from __future__ import annotations

import re

from peerref.core.model import Creator, CreatorRole

# Lower-case particles that start a family name ("Vincent van Gogh", "Ana de la Cruz").
LOWER_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "da",
        "del",
        "della",
        "der",
        "den",
        "di",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "dos",
        "das",
        "do",
        "al",
        "el",
        "bin",
        "ibn",
        "y",
        "zu",
        "vom",
    ]
)
# Gaelic and similar prefixes written as a separate capitalised word ("Máire Ó Súilleabháin").
CAPITAL_PARTICLES = frozenset({"Ó", "Ní", "Nic", "Mac", "Mc", "Ua", "Uí"})
SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "V"})
ORGANISATION_WORDS = frozenset(
    [
        "university",
        "association",
        "organization",
        "organisation",
        "group",
        "committee",
        "council",
        "institute",
        "institution",
        "trust",
        "collaboration",
        "collaborative",
        "consortium",
        "ministry",
        "department",
        "society",
        "network",
        "foundation",
        "agency",
        "centre",
        "center",
        "services",
        "service",
        "board",
        "commission",
        "college",
        "federation",
        "alliance",
        "office",
        "authority",
        "coalition",
        "initiative",
        "project",
        "team",
        "investigators",
        "government",
        "hospital",
        "clinic",
        "programme",
        "program",
        "working",
    ]
)
# Acronyms that name organisations only when written in capitals ("NHS", not "Who").
ORGANISATION_ACRONYMS = frozenset({"NHS", "WHO", "NICE", "CDC", "NIMH", "SAMHSA", "APA", "RCP"})
TRUNCATION_MARKERS = ("et al.", "et al", "...", "…")
_WORDS = re.compile(r"[^\W\d_]+")

_INITIALS = re.compile(r"^[A-Z]{1,3}$")
_INITIAL_TOKEN = re.compile(r"^(?:[A-Z]\.?-?)+$")
_AND_SEPARATOR = re.compile(r",?\s+(?:and|&)\s+")
_AMPERSAND = re.compile(r"\s*&\s*")


def clean_name_text(text: str) -> str:
    """Collapse spaces (non-breaking ones included) and strip list punctuation."""
    # str.split() splits on exactly the characters regex "\s" matches, NBSP included;
    # it is several times faster than a substitution on the short texts names are.
    return " ".join(text.split()).strip(" ,;")


def looks_like_organisation(text: str) -> bool:
    """True for "World Health Organization", "NICE", "Mental Health Foundation"."""
    words = _WORDS.findall(text)
    if not words:
        return False
    if len(words) == 1 and len(words[0]) >= 3 and words[0].isupper():
        return True
    # Set operations run in C: this is called for every name of every page.
    return not ORGANISATION_ACRONYMS.isdisjoint(words) or not ORGANISATION_WORDS.isdisjoint(
        map(str.casefold, words)
    )


def _is_initials(token: str) -> bool:
    """ "J", "JA", "JAM": one to three capitals (the length test spares most regex calls)."""
    return len(token) <= 3 and _INITIALS.match(token) is not None


def _expand_initials(initials: str) -> str:
    """ "JA" to "J. A.", the form citation styles initialise correctly."""
    return " ".join(f"{letter}." for letter in initials)


def _split_family(tokens: list[str]) -> tuple[str, str]:
    """Separate a leading particle run from family-name tokens."""
    particle: list[str] = []
    while len(tokens) > 1 and (tokens[0] in LOWER_PARTICLES or tokens[0] in CAPITAL_PARTICLES):
        particle.append(tokens.pop(0))
    return " ".join(particle), " ".join(tokens)


def parse_name(text: str, role: CreatorRole = CreatorRole.AUTHOR) -> Creator:
    """Read one name in any of the usual shapes.

    "Julie Repper", "Repper, Julie", "Repper J", "Vincent van Gogh", "van Gogh, Vincent",
    "Máire Ó Súilleabháin", "Martin Luther King Jr.", "World Health Organization".
    A text that is not a person's name is kept whole as a literal name.
    """
    # Most names on a page are "Given Family": two words of letters, neither in capitals
    # (so neither is initials) nor an organisation word. Every rule below reads such a
    # name the same way, so it is read here at once; results pages hold thousands.
    given, space, family = text.partition(" ")
    if (
        space
        and given.isalpha()
        and family.isalpha()
        and not given.isupper()
        and not family.isupper()
        and given.casefold() not in ORGANISATION_WORDS
        and family.casefold() not in ORGANISATION_WORDS
    ):
        return Creator(family=family, given=given, role=role)
    return parse_name_by_rules(text, role)


def parse_name_by_rules(text: str, role: CreatorRole = CreatorRole.AUTHOR) -> Creator:
    """``parse_name`` without its short cut for "Given Family": every rule, in order."""
    text = clean_name_text(text)
    if not text:
        return Creator(role=role)
    if text.startswith("{") and text.endswith("}"):
        return Creator(literal=text[1:-1].strip(), role=role)
    if looks_like_organisation(text):
        return Creator(literal=text, role=role)
    if "," in text:
        return _parse_inverted(text, role)
    tokens = text.split(" ")
    if len(tokens) == 1:
        return Creator(family=tokens[0], role=role)
    suffix = ""
    if tokens[-1] in SUFFIXES and len(tokens) > 2:
        suffix = tokens.pop()
    leading_capitals = tokens[0].isupper() and tokens[0] not in CAPITAL_PARTICLES
    if len(tokens) >= 2 and _is_initials(tokens[-1]) and not leading_capitals:
        # PubMed's "Surname Initials": "Repper J", "van der Berg JA".
        particle, family = _split_family(tokens[:-1])
        return Creator(
            family=family,
            given=_expand_initials(tokens[-1]),
            particle=particle,
            suffix=suffix,
            role=role,
        )
    # "First Middle [particles] Family": particles begin the family name.
    for index in range(1, len(tokens) - 1):
        if tokens[index] in LOWER_PARTICLES or tokens[index] in CAPITAL_PARTICLES:
            particle, family = _split_family(tokens[index:])
            return Creator(
                family=family,
                given=" ".join(tokens[:index]),
                particle=particle,
                suffix=suffix,
                role=role,
            )
    if len(tokens) == 2:  # "First Last", the usual shape
        given = tokens[0]
        if len(given) > 1 and _is_initials(given):
            given = _expand_initials(given)
        return Creator(family=tokens[1], given=given, suffix=suffix, role=role)
    given_tokens = [
        _expand_initials(t) if len(t) > 1 and _is_initials(t) else t for t in tokens[:-1]
    ]
    return Creator(family=tokens[-1], given=" ".join(given_tokens), suffix=suffix, role=role)


def _parse_inverted(text: str, role: CreatorRole) -> Creator:
    """ "Family, Given[, Suffix]" with particles before the family or after the given name."""
    parts = [p.strip() for p in text.split(",")]
    family_part, given = parts[0], parts[1] if len(parts) > 1 else ""
    suffix = parts[2] if len(parts) > 2 else ""
    if given in SUFFIXES and len(parts) > 2:  # "King, Jr., Martin Luther"
        suffix, given = given, parts[2]
    tokens = family_part.split(" ")
    particle, family = _split_family(tokens)
    given_tokens = given.split(" ") if given else []
    trailing: list[str] = []
    while given_tokens and given_tokens[-1] in LOWER_PARTICLES and len(given_tokens) > 1:
        trailing.insert(0, given_tokens.pop())
    if trailing and not particle:
        particle = " ".join(trailing)
    given = " ".join(given_tokens)
    if _INITIALS.match(given) and given.isupper() and len(given) > 1:
        given = _expand_initials(given)
    return Creator(family=family, given=given, particle=particle, suffix=suffix, role=role)


def strip_truncation(text: str) -> tuple[str, bool]:
    """Remove a trailing "et al." / "..." / "…" from an author list; say whether there was one."""
    stripped = clean_name_text(text)
    if not stripped.endswith(TRUNCATION_MARKERS):
        return stripped, False
    for marker in TRUNCATION_MARKERS:
        if stripped.endswith(marker):
            return clean_name_text(stripped[: -len(marker)]), True
    return stripped, False


def split_names(text: str, *, inverted: bool = False) -> list[str]:
    """Split an author list into single names.

    Handles "A, B and C", "A, B, and C", "A & B", "A; B" and, with ``inverted=True``,
    "Last, F., Last, F." where every name itself contains one comma. A list of one
    inverted name ("Repper, Julie" or "Repper, J.") is recognised without the flag.
    """
    text = clean_name_text(text)
    if not text:
        return []
    if ";" in text:
        return [n for n in (clean_name_text(p) for p in text.split(";")) if n]
    if "&" in text or " and " in text:  # cleaned text: every space is a single " "
        text = _AND_SEPARATOR.sub(", ", text)
        if "&" in text:
            text = _AMPERSAND.sub(", ", text)
    # The text is clean (single spaces only, no ";"), so stripping spaces cleans each part.
    parts = list(filter(None, map(str.strip, text.split(","))))
    if inverted:
        names: list[str] = []
        index = 0
        while index < len(parts):
            if index + 1 < len(parts) and parts[index + 1] not in SUFFIXES:
                names.append(f"{parts[index]}, {parts[index + 1]}")
                index += 2
            else:
                names.append(parts[index])
                index += 1
        return names
    if (
        len(parts) == 2
        and " " not in parts[0]
        and (" " not in parts[1] or _looks_like_given(parts[1]))
    ):
        # "Repper, Julie" or "Repper, J. A.": one inverted name, not two people.
        return [f"{parts[0]}, {parts[1]}"]
    return parts


def _looks_like_given(text: str) -> bool:
    tokens = text.split(" ")
    return all(_INITIAL_TOKEN.match(t) for t in tokens)


def parse_names(
    text: str, role: CreatorRole = CreatorRole.AUTHOR, *, inverted: bool = False
) -> tuple[Creator, ...]:
    """Split and read an author list; a truncation marker is dropped (see ``strip_truncation``)."""
    text, _truncated = strip_truncation(text)
    return tuple(parse_name(name, role) for name in split_names(text, inverted=inverted))
