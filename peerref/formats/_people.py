"""People named in parts (family, given, suffix), as the structured formats name them.

PubMed, Crossref, DataCite and MODS give a person's family and given names apart, but the
family part may begin with a particle ("van der Berg", "de la Cruz") that PeerRef keeps
apart, so that names sort as CSL expects. The leading underscore keeps the registry from
taking this module for a format.
"""

from __future__ import annotations

import re

from peerref.core.model import Creator, CreatorRole
from peerref.core.names import parse_name


def person(
    family: str, given: str, suffix: str = "", role: CreatorRole = CreatorRole.AUTHOR
) -> Creator:
    """A creator from name parts; lower-case words leading the family part are its particle.

    "van der Berg" is family "Berg" with the particle "van der"; a family part that is one
    word, or whose words all begin in capitals ("Pulido Guevara"), is kept as it is.
    """
    tokens = family.split()
    particle: list[str] = []
    while len(tokens) > 1 and tokens[0][:1].islower():
        particle.append(tokens.pop(0))
    return Creator(
        family=" ".join(tokens),
        given=" ".join(given.split()),
        particle=" ".join(particle),
        suffix=" ".join(suffix.split()),
        role=role,
    )


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"\w+", text)}


def named(text: str, role: CreatorRole = CreatorRole.AUTHOR) -> Creator:
    """A name written whole ("Julie Repper", "Repper, Julie"), read by ``parse_name``.

    A text the name rules would read only in part (more commas than a name has) is kept
    whole as a literal name, so that no word of it is lost.
    """
    creator = parse_name(text, role)
    shown = " ".join((creator.display_name(), creator.family, creator.given))
    if not _words(text) <= _words(shown):
        return Creator(literal=" ".join(text.split()), role=role)
    return creator
