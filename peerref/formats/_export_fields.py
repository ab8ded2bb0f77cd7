"""Field helpers the export readers share (Ovid, RefWorks, Refer, Scopus CSV).

Databases write structured abstracts with their headings inline ("Objective: … Method:
…", MEDLINE's "BACKGROUND: …"), and short author names as the family name followed by
initials ("Repper J.", "Ó Súilleabháin M."), often beside the full names of the same
people. Reading those once here keeps the readers agreeing. The leading underscore keeps
the registry from taking this module for a format.
"""

from __future__ import annotations

import re

from peerref.core.model import KNOWN_ABSTRACT_HEADINGS, AbstractSection, Creator, CreatorRole
from peerref.core.names import parse_name
from peerref.formats._fields import collapse_spaces
from peerref.formats.medline import split_structured_abstract

_HEADINGS = "|".join(re.escape(h) for h in KNOWN_ABSTRACT_HEADINGS)
# A known heading opening a sentence; Journals@Ovid joins sections with ".," ("… health.,
# Methods: …"), whose comma is not part of the text.
_SECTION = re.compile(rf"(?:^|(?<=[.?!)\]] )|(?<=[.?!]), )(?P<heading>{_HEADINGS}): ")


def abstract_sections(text: str) -> tuple[AbstractSection, ...]:
    """An abstract split into its sections, headed as the source heads them.

    MEDLINE's capitals ("BACKGROUND: … METHODS: …") are read as MEDLINE reads them; other
    databases write "Objective: … Method: …", split at the known headings that open a
    sentence. Prose with a colon in it stays one section.
    """
    text = collapse_spaces(text)
    if not text:
        return ()
    capitals = split_structured_abstract(text)
    if len(capitals) > 1 or (capitals and capitals[0].heading):
        return capitals
    matches = list(_SECTION.finditer(text))
    if not matches:
        return (AbstractSection("", text),)
    sections: list[AbstractSection] = []
    if matches[0].start() > 0:
        sections.append(AbstractSection("", text[: matches[0].start()].strip().rstrip(",")))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        if index + 1 < len(matches) and body.endswith(".,"):
            body = body[:-1]
        if body:
            sections.append(AbstractSection(match["heading"], body))
        else:  # a heading with nothing under it stays as text
            sections.append(AbstractSection("", f"{match['heading']}:"))
    return tuple(sections)


# "Repper J.", "Ó Súilleabháin M.", "van der Berg J.-A.": the initials after the family name.
_TRAILING_INITIALS = re.compile(r"^(?P<family>.+?)\s+(?P<initials>(?:[A-Z][a-z]?\.-?)+)$")


def parse_short_name(text: str, role: CreatorRole = CreatorRole.AUTHOR) -> Creator:
    """ "Repper J." (family name, then initials with full stops) or any name ``parse_name``
    reads; without this, "Gillard S." would be read as a given name and a family "S."."""
    text = collapse_spaces(text)
    match = _TRAILING_INITIALS.match(text)
    if match and "," not in text:
        return parse_name(f"{match['family']}, {match['initials']}", role)
    return parse_name(text, role)


def _initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part).casefold()


def same_people(short: list[Creator], full: list[Creator]) -> bool:
    """Whether short names ("Repper J.") are the full names' people ("Repper, Julie"), in
    order: the same family names and initials. Only then may the short ones be dropped."""
    return len(short) == len(full) and all(
        s.family_with_particle().casefold() == f.family_with_particle().casefold()
        and _initials(s.given) == _initials(f.given)
        for s, f in zip(short, full, strict=True)
    )
