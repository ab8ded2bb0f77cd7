"""Crossref answers and PeerRef references for the enrich tests, in the real API's JSON shape.

The sentences are written for these tests; the structure (JATS sections with Emerald's
headings, ``date-parts``, list-valued titles and ISSNs) follows api.crossref.org.
"""

from __future__ import annotations

from typing import Any

from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceType,
)

JOURNAL = "The Journal of Mental Health Training, Education and Practice"
PRINT_ISSN = "1755-6228"
ONLINE_ISSN = "2042-8707"

SHARED_OPENING = (
    "In 2010 a county mental health trust received regional funding to recruit and train "
    "six peer workers for its community teams. Few services in England had employed peer "
    "workers at that point."
)
FIRST_PAPER_PURPOSE = (
    SHARED_OPENING + " This paper reports what the peer workers did with the people they "
    "supported and what difference those relationships made to recovery."
)
FIRST_PAPER_FINDINGS = (
    "Peer workers built trust by sharing their own stories, helped people reconnect with "
    "neighbourhood groups and gave clinicians a new view of hope in practice."
)
SECOND_PAPER_PURPOSE = (
    SHARED_OPENING + " This paper sets out the organisational lessons of the first year, "
    "so that other services can plan recruitment, supervision and pay."
)
SECOND_PAPER_FINDINGS = (
    "Clear job descriptions, protected supervision time and an honest discussion of "
    "disclosure with the wider team mattered most for keeping peer workers in post."
)
FIRST_DOI = "10.1108/17556221211230001"
SECOND_DOI = "10.1108/17556221211230002"
OTHER_ISSUE_DOI = "10.1108/17556221211240003"


def jats_abstract(*sections: tuple[str, str]) -> str:
    """A structured abstract as Crossref serves Emerald's: a title, then headed sections."""
    parts = ["<jats:title>Abstract</jats:title>"]
    for heading, text in sections:
        parts.append(
            '<jats:sec><jats:title content-type="abstract-subheading">'
            f"{heading}</jats:title><jats:p>{text}</jats:p></jats:sec>"
        )
    return "\n".join(parts)


def work_item(
    *,
    doi: str,
    title: str,
    volume: str = "7",
    issue: str = "2",
    page: str | None = "70-80",
    abstract: str | None = None,
    score: float = 41.5,
    authors: tuple[tuple[str, str], ...] = (("Julie", "Repper"), ("Emma", "Watson")),
    date_parts: list[int] | None = None,
) -> dict[str, Any]:
    """One ``message.items[]`` entry of a ``/works`` answer."""
    item: dict[str, Any] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": given, "family": family, "sequence": "first" if i == 0 else "additional"}
            for i, (given, family) in enumerate(authors)
        ],
        "container-title": [JOURNAL],
        "short-container-title": ["Journal of Mental Health Training, Education and Practice"],
        "volume": volume,
        "issue": issue,
        "ISSN": [PRINT_ISSN, ONLINE_ISSN],
        "issued": {"date-parts": [date_parts or [2012, 6, 15]]},
        "publisher": "Emerald",
        "score": score,
    }
    if page is not None:
        item["page"] = page
    if abstract is not None:
        item["abstract"] = abstract
    return item


def work_list(*items: dict[str, Any]) -> dict[str, Any]:
    """The envelope of a ``/works`` search answer."""
    return {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {
            "facets": {},
            "total-results": len(items),
            "items": list(items),
            "items-per-page": 5,
            "query": {"start-index": 0, "search-terms": None},
        },
    }


def single_work(item: dict[str, Any]) -> dict[str, Any]:
    """The envelope of a ``/works/{doi}`` answer."""
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": item}


def first_paper_item(*, with_abstract: bool = True) -> dict[str, Any]:
    return work_item(
        doi=FIRST_DOI,
        title="What peer workers do: relationships, hope and recovery in community teams",
        page="70-80",
        abstract=jats_abstract(("Purpose", FIRST_PAPER_PURPOSE), ("Findings", FIRST_PAPER_FINDINGS))
        if with_abstract
        else None,
        score=38.2,
    )


def second_paper_item(*, with_abstract: bool = True) -> dict[str, Any]:
    return work_item(
        doi=SECOND_DOI,
        title="Starting a peer worker service: lessons from the first year",
        page="81-92",
        abstract=jats_abstract(
            ("Purpose", SECOND_PAPER_PURPOSE), ("Findings", SECOND_PAPER_FINDINGS)
        )
        if with_abstract
        else None,
        score=39.9,
    )


def other_issue_item() -> dict[str, Any]:
    """Same authors, same volume and year, but issue 3: a near miss for an issue-2 paper."""
    return work_item(
        doi=OTHER_ISSUE_DOI,
        title="Peer workers on acute wards: a follow-up",
        issue="3",
        page="140-151",
        date_parts=[2012, 9, 1],
        score=44.0,
    )


def emerald_reference(
    *, purpose: str = "", findings: str = "", page: str = "", issue: str = "2"
) -> Reference:
    """A title-less, DOI-less reference as the Emerald search page yields it."""
    abstract: tuple[AbstractSection, ...] = ()
    if purpose:
        abstract = (AbstractSection("Purpose", purpose), AbstractSection("Findings", findings))
    return Reference(
        type=ReferenceType.ARTICLE_JOURNAL,
        creators=(Creator(family="Repper", given="Julie"), Creator(family="Watson", given="Emma")),
        container_title=JOURNAL,
        volume="7",
        issue=issue,
        page=page,
        issued=PartialDate(2012, 6, 15),
        abstract=abstract,
    )
