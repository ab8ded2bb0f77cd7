"""References that use every field, in awkward Unicode, for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime

from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    ReadingStatus,
    Reference,
    ReferenceType,
)

NBSP = "\u00a0"
COMBINING_ACUTE = "e\u0301"  # "é" written as e + combining accent
RTL = "\u0627\u0644\u062a\u0639\u0644\u0645 \u05dc\u05de\u05d9\u05d3\u05d4"  # Arabic, Hebrew
EMOJI = "\U0001f4da\U0001f9ea"


def full_reference() -> Reference:
    """A reference with every field set, in awkward Unicode."""
    return Reference(
        type=ReferenceType.CHAPTER,
        title=f"Caf{COMBINING_ACUTE} culture and{NBSP}self-efficacy {EMOJI}: {RTL}",
        title_short="Café culture",
        creators=(
            Creator(family="Gogh", given="Vincent", particle="van", role=CreatorRole.AUTHOR),
            Creator(family="Súilleabháin", given="Seán", particle="Ó"),
            Creator(family="Martin", given="Luther", suffix="Jr.", dropping_particle="de"),
            Creator(literal="World Health Organization", role=CreatorRole.EDITOR),
            Creator(family="Müller", given="Jürgen", role=CreatorRole.TRANSLATOR),
            Creator(family="Aalto", given="Aino", role=CreatorRole.AUTHOR),
        ),
        container_title="Journal of Documentation",
        container_title_short="J. Doc.",
        collection_title="Studies in Information",
        volume="81",
        issue="7",
        page="e12\u2013e34",
        issued=PartialDate(2012, 9, 14, season="Autumn", literal="14 Sept. 2012"),
        status="ahead-of-print",
        publisher="Emerald Publishing Limited",
        publisher_place="Bingley",
        edition="2nd",
        issn=("0022-0418", "1758-7379"),
        isbn=("978-3-16-148410-0",),
        doi="10.1108/JD-01-2024-0001",
        pmid="12345678",
        pmcid="PMC1234567",
        url="https://example.org/a?b=c&d=é",
        language="en-GB",
        abstract=(
            AbstractSection("Purpose", f"To study{NBSP}trust.\nSecond line\tand tab."),
            AbstractSection("Findings", f"{RTL} {EMOJI}"),
            AbstractSection("Unusual heading", "Kept as a heading."),
            AbstractSection("", "A closing paragraph without heading."),
        ),
        keywords=("trust", "information, behaviour", f"caf{COMBINING_ACUTE}"),
        extra={"emerald:type": "Research Article", "z-first": "1", "a-second": f"{EMOJI}"},
        truncated=frozenset({"creators", "container_title"}),
        tags=("Reading list", "zz-last", f"{EMOJI} later"),  # stored sorted, case-folded
        added=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
        modified=datetime(2024, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
        reading_status=ReadingStatus.READING,
        rating=4,
        source_text=f"  Raw snippet{NBSP}as pasted\r\n{RTL}\n",
    )
