"""Results pages written for the review tests, in the shapes Emerald and ScienceGate copy.

Own text (not the seeds): three Emerald entries under a query and a hit counter, three
ScienceGate entries with titles, and CSL-JSON records for exact duplicate scenarios.
"""

from __future__ import annotations

import json

NBSP = "\u00a0"
J = f" ◽{NBSP}"

_EMERALD_ENTRY = """\
Article
Publication date: {date}

{authors}

{preview}…

Abstract

Purpose

{purpose}

Findings

{findings}

Details

{journal}, vol. {volume} no. {issue}
Type: Research Article
ISSN: 1755-6228

Keywords

"""

EMERALD_RECORDS = (
    {
        "date": "4 March 2019",
        "authors": "Wanjiru Kamau and Tomasz Nowak",
        "preview": "Peer workers on acute wards were asked how they",
        "purpose": "Peer workers on acute wards were asked how they build trust with patients.",
        "findings": "Trust grew from shared experience of admission and from keeping promises.",
        "journal": "Mental Health Review Journal",
        "volume": "24",
        "issue": "1",
    },
    {
        "date": "12 October 2020",
        "authors": "Helga Sørensen",
        "preview": "A survey of pay scales for peer support roles in",
        "purpose": "A survey of pay scales for peer support roles in twelve health boards.",
        "findings": "Peer roles were paid less than other support roles of the same grade.",
        "journal": "Journal of Public Mental Health",
        "volume": "19",
        "issue": "4",
    },
    {
        "date": "30 May 2021",
        "authors": "Chidi Okafor and Lena Fischer",
        "preview": "Cost of hospital car parking for visitors",
        "purpose": "The cost of hospital car parking for visitors in three cities is compared.",
        "findings": "Charges varied tenfold and were highest near city centres.",
        "journal": "Journal of Health Organization and Management",
        "volume": "35",
        "issue": "2",
    },
)


def emerald_page() -> str:
    """An Emerald Insight results page: the query, "1 – 3 of 3", three entries."""
    entries = "".join(_EMERALD_ENTRY.format(**record) for record in EMERALD_RECORDS)
    return "Search results for “peer support workers”\n\n1 – 3 of 3\n" + entries + "1 – 3 of 3\n"


SCIENCEGATE_RECORDS = (
    (
        "Peer mentoring for young carers",
        "2016",
        "Rosa Delgado",
        "Mentors kept diaries for a year and reported feeling less alone.",
    ),
    (
        "Recovery colleges and peer trainers",
        "2018",
        "Ahmed Karim",
        "Peer trainers co-taught courses and students valued their lived experience.",
    ),
    (
        "Bus timetables in rural districts",
        "2015",
        "Ines Duarte",
        "Timetables were reduced and journeys took longer in winter.",
    ),
)


def sciencegate_page() -> str:
    """A ScienceGate results page of three titled entries, no query or count shown."""
    parts = []
    for title, year, author, abstract in SCIENCEGATE_RECORDS:
        parts.append(
            f"{title}\n\n{year}{J}\nVol 10 (2){J}\npp. 1-9\nAuthor(s):{NBSP}\n{author}\n\n"
            f"{abstract}\n\n\n"
        )
    return "".join(parts)


PAPER = {
    "type": "article-journal",
    "title": "Peer navigators in emergency departments",
    "author": [{"family": "Lindqvist", "given": "Henrik"}, {"family": "Raman", "given": "Priya"}],
    "issued": {"date-parts": [[2020]]},
    "container-title": "Psychiatric Services",
}
# The same paper found in another database, with more fields: merged at import.
RICHER = PAPER | {
    "title": "Peer Navigators in Emergency Departments.",
    "DOI": "10.1176/appi.ps.2020.0001",
    "page": "14-20",
}
OTHER = {
    "type": "book",
    "title": "Crisis cafés: a practical guide",
    "author": [{"family": "Solberg", "given": "Ingrid"}],
    "issued": {"date-parts": [[2019]]},
}


def csl(*items: dict[str, object]) -> str:
    return json.dumps(list(items))
