"""Completing library references from a fake Crossref on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from peerref.core.errors import EnrichError, UserInputError
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.enrich import CompletionStatus, CrossrefClient, complete
from peerref.library import (
    CROSSREF_PROVENANCE_KEY,
    CompletionRecord,
    Library,
    completion_history,
    completion_value_text,
)
from peerref.settings import CROSSREF_URL_ENV_VAR, Settings

JOURNAL = "The Journal of Adult Protection"
PRINT_ISSN = "1466-8203"
ONLINE_ISSN = "2042-8669"
NIGHT_DOI = "10.1108/JAP-03-2019-0011"
DAY_DOI = "10.1108/JAP-03-2019-0012"
NIGHT_TITLE = "Night staff and the language of restraint in care homes"
DAY_TITLE = "Day centres, boredom and the quiet harms of low expectations"

COMMON_OPENING = (
    "Over eighteen months two researchers spent shifts alongside care staff in four homes "
    "for older people in the north of England, writing down what was said and done."
)
NIGHT_PURPOSE = (
    COMMON_OPENING + " This paper looks at the night shift and at how staff talked about "
    "holding, guiding and settling residents who were distressed."
)
NIGHT_FINDINGS = (
    "Staff rarely called what they did restraint; softer words hid practices that the "
    "safeguarding policy would have asked them to record and review."
)
DAY_PURPOSE = (
    COMMON_OPENING + " This paper follows the residents who spent their days in the "
    "lounge and asks what long hours with nothing to do meant for their safety."
)
DAY_FINDINGS = (
    "Empty time was not harmless: falls, arguments and unnoticed weight loss clustered "
    "in the afternoons when no activity had been planned."
)


def jats(purpose: str, findings: str) -> str:
    return (
        "<jats:title>Abstract</jats:title>"
        '<jats:sec><jats:title content-type="abstract-subheading">Purpose</jats:title>'
        f"<jats:p>{purpose}</jats:p></jats:sec>"
        '<jats:sec><jats:title content-type="abstract-subheading">Findings</jats:title>'
        f"<jats:p>{findings}</jats:p></jats:sec>"
    )


def crossref_item(
    *, doi: str, title: str, page: str, abstract: str | None = None, given: str = "Lucy"
) -> dict[str, Any]:
    """One ``message.items[]`` entry in the shape api.crossref.org answers with."""
    item: dict[str, Any] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": given, "family": "Fairweather", "sequence": "first"},
            {"given": "Tomasz", "family": "Nowicki", "sequence": "additional"},
        ],
        "container-title": [JOURNAL],
        "volume": "21",
        "issue": "4",
        "page": page,
        "ISSN": [PRINT_ISSN, ONLINE_ISSN],
        "issued": {"date-parts": [[2019, 8, 12]]},
        "publisher": "Emerald",
        "score": 37.5,
    }
    if abstract is not None:
        item["abstract"] = abstract
    return item


def work_list(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {"total-results": len(items), "items": list(items), "items-per-page": 5},
    }


def pasted_reference(
    *, page: str = "", purpose: str = "", findings: str = "", initial: bool = False
) -> Reference:
    """A reference as a pasted results page gives it: no title, no DOI, no ISSN."""
    abstract: tuple[AbstractSection, ...] = ()
    if purpose:
        abstract = (AbstractSection("Purpose", purpose), AbstractSection("Findings", findings))
    return Reference(
        type=ReferenceType.ARTICLE_JOURNAL,
        creators=(
            Creator(family="Fairweather", given="L" if initial else "Lucy"),
            Creator(family="Nowicki", given="Tomasz"),
        ),
        container_title=JOURNAL,
        volume="21",
        issue="4",
        page=page,
        issued=PartialDate(2019, 8, 12),
        abstract=abstract,
        tags=("safeguarding",),
    )


@pytest.fixture
def client(crossref: HTTPServer) -> Iterator[CrossrefClient]:
    settings = Settings(crossref_mailto="tests@example.org")
    with CrossrefClient(
        settings.effective_crossref_url(), mailto=settings.crossref_mailto, timeout=5.0
    ) as opened:
        yield opened


def add_one(library: Library, reference: Reference) -> ReferenceId:
    (ref_id,) = library.add([reference]).added
    return ref_id


def test_fills_empty_fields_only_and_records_provenance(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=NIGHT_DOI, title=NIGHT_TITLE, page="33-45"))
    )
    ref_id = add_one(library, pasted_reference(page="33-45", initial=True))
    before = library.get(ref_id)

    result = library.find_completions([ref_id], client)
    (completion,) = result.completions
    assert completion.status is CompletionStatus.MATCHED
    # "L" against "Lucy" is a difference the user must accept, not a gap to fill.
    assert set(completion.proposed) == {"creators"}

    started = datetime.now(UTC)
    changes = library.apply_completion(ref_id, completion)

    assert changes.updated == {ref_id}
    after = library.get(ref_id)
    assert after.title == NIGHT_TITLE
    assert after.doi == NIGHT_DOI
    assert after.issn == (PRINT_ISSN, ONLINE_ISSN)
    assert after.publisher == "Emerald"
    # What we had stays as it was, proposals included, and so do the library's own fields.
    assert after.creators == before.creators
    assert after.page == "33-45"
    assert after.tags == ("safeguarding",)
    (record,) = completion_history(after)
    assert record.doi == NIGHT_DOI
    assert {"title", "doi", "issn", "publisher"} <= set(record.filled)
    assert "creators" not in record.filled
    assert record.accepted == ()
    assert started - timedelta(seconds=1) <= record.when <= datetime.now(UTC)


def test_accepted_proposals_are_applied_and_recorded(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=NIGHT_DOI, title=NIGHT_TITLE, page="33-45"))
    )
    ref_id = add_one(library, pasted_reference(page="33-45", initial=True))
    (completion,) = library.find_completions([ref_id], client).completions
    library.apply_completion(ref_id, completion)

    library.apply_completion(ref_id, completion, accept_proposed=["creators"])

    after = library.get(ref_id)
    assert after.creators[0].given == "Lucy"
    first, second = completion_history(after)
    assert first.accepted == ()
    assert second.filled == ()
    assert second.accepted == ("creators",)
    with pytest.raises(UserInputError, match="not proposed"):
        library.apply_completion(ref_id, completion, accept_proposed=["volume"])


def test_an_edit_made_during_the_lookup_is_kept(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=NIGHT_DOI, title=NIGHT_TITLE, page="33-45"))
    )
    ref_id = add_one(library, pasted_reference(page="33-45"))
    (completion,) = library.find_completions([ref_id], client).completions
    library.update(library.get(ref_id).with_changes(title="My own working title"))

    library.apply_completion(ref_id, completion)

    after = library.get(ref_id)
    assert after.title == "My own working title"
    assert after.doi == NIGHT_DOI
    (record,) = completion_history(after)
    assert "title" not in record.filled


def test_same_authors_same_day_pair_gets_two_different_dois(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    # Crossref answers both title-less references with the same two papers.
    crossref.expect_request("/works").respond_with_json(
        work_list(
            crossref_item(
                doi=DAY_DOI, title=DAY_TITLE, page="46-58", abstract=jats(DAY_PURPOSE, DAY_FINDINGS)
            ),
            crossref_item(
                doi=NIGHT_DOI,
                title=NIGHT_TITLE,
                page="33-45",
                abstract=jats(NIGHT_PURPOSE, NIGHT_FINDINGS),
            ),
        )
    )
    night = add_one(library, pasted_reference(purpose=NIGHT_PURPOSE, findings=NIGHT_FINDINGS))
    day = add_one(library, pasted_reference(purpose=DAY_PURPOSE, findings=DAY_FINDINGS))

    result = library.find_completions([night, day], client)
    assert [c.status for c in result.completions] == [CompletionStatus.MATCHED] * 2
    changes = library.apply_completions(
        [(ref.reference.id or ReferenceId(0), ref, ()) for ref in result.completions]
    )

    assert changes.updated == {night, day}
    assert library.get(night).doi == NIGHT_DOI
    assert library.get(night).title == NIGHT_TITLE
    assert library.get(night).page == "33-45"
    assert library.get(day).doi == DAY_DOI
    assert library.get(day).title == DAY_TITLE


def test_one_doi_is_never_given_to_two_references(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=NIGHT_DOI, title=NIGHT_TITLE, page="33-45"))
    )
    first = add_one(library, pasted_reference(page="33-45"))
    second = add_one(library, pasted_reference(page="33-45"))
    completion = complete(library.get(first), client)
    assert completion.status is CompletionStatus.MATCHED

    with pytest.raises(UserInputError, match="both be given the DOI"):
        library.apply_completions([(first, completion, ()), (second, completion, ())])

    assert library.get(first).doi == ""
    assert library.get(second).doi == ""


def test_a_candidate_must_be_chosen_before_it_is_applied(
    library: Library, crossref: HTTPServer, client: CrossrefClient
) -> None:
    # Without pages or an abstract, authors, year, journal, volume and issue fit two papers.
    crossref.expect_request("/works").respond_with_json(
        work_list(
            crossref_item(doi=NIGHT_DOI, title=NIGHT_TITLE, page="33-45"),
            crossref_item(doi=DAY_DOI, title=DAY_TITLE, page="46-58"),
        )
    )
    ref_id = add_one(library, pasted_reference())
    (completion,) = library.find_completions([ref_id], client).completions
    assert completion.status is CompletionStatus.CHOOSE
    assert {c.doi for c in completion.candidates} == {NIGHT_DOI, DAY_DOI}

    with pytest.raises(UserInputError, match="choose one of its candidates"):
        library.apply_completion(ref_id, completion)
    assert library.get(ref_id).doi == ""

    day = next(c for c in completion.candidates if c.doi == DAY_DOI)
    library.apply_completion(ref_id, completion.choose(day))
    assert library.get(ref_id).doi == DAY_DOI
    assert library.get(ref_id).title == DAY_TITLE


def test_offline_gives_a_clear_error_and_changes_nothing(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, f"http://127.0.0.1:{port}")
    ref_id = add_one(library, pasted_reference(page="33-45"))
    before = library.get(ref_id)

    with CrossrefClient(Settings().effective_crossref_url(), timeout=5.0) as offline:
        result = library.find_completions([ref_id], offline)
        with pytest.raises(EnrichError, match="Could not reach Crossref"):
            complete(before, offline)

    assert "Could not reach Crossref" in result.stopped_by
    assert [c.status for c in result.completions] == [CompletionStatus.FAILED]
    assert library.get(ref_id) == before
    assert CROSSREF_PROVENANCE_KEY not in library.get(ref_id).extra


def test_incomplete_ids_lists_what_is_worth_completing(library: Library) -> None:
    untitled = add_one(library, pasted_reference(page="1-9"))
    whole = add_one(
        library,
        pasted_reference(page="1-9").with_changes(
            title="A whole reference", doi=NIGHT_DOI, issn=(PRINT_ISSN,)
        ),
    )
    trashed = add_one(library, pasted_reference())
    library.trash([trashed])

    assert library.incomplete_ids() == [untitled]
    assert library.incomplete_ids([whole, untitled]) == [untitled]


def test_records_survive_a_round_trip_and_odd_lines_are_ignored() -> None:
    record = CompletionRecord(
        datetime(2026, 5, 1, 9, 30, tzinfo=UTC), NIGHT_DOI, ("title", "doi"), ("page",)
    )
    line = record.to_line()
    assert (
        line == "2026-05-01T09:30:00+00:00 10.1108/JAP-03-2019-0011 filled=title,doi accepted=page"
    )
    reference = Reference(extra={CROSSREF_PROVENANCE_KEY: f"{line}\nwritten by hand\n"})
    assert completion_history(reference) == [record]


def test_values_are_shown_on_one_short_line() -> None:
    creators = (Creator(family="Fairweather", given="Lucy"), Creator(family="Nowicki", given="T"))
    assert completion_value_text(creators) == "Lucy Fairweather; T Nowicki"
    assert completion_value_text(PartialDate(2019, 8)) == "2019-08"
    assert completion_value_text((PRINT_ISSN, ONLINE_ISSN)) == "1466-8203, 2042-8669"
    assert completion_value_text("word " * 100, limit=20) == "word word word word…"


def test_others_with_the_same_doi_ignore_case_url_form_and_the_trash(library: Library) -> None:
    first, second, trashed, other = sorted(
        library.add(
            [
                Reference(title="A", doi="10.1108/MHRJ-01-2020-0001"),
                Reference(title="B", doi="https://doi.org/10.1108/mhrj-01-2020-0001"),
                Reference(title="C", doi="10.1108/MHRJ-01-2020-0001"),
                Reference(title="D", doi="10.1108/MHRJ-01-2020-0002"),
            ]
        ).added
    )
    library.trash([trashed])
    assert library.others_with_same_doi([first, other]) == {first: [second]}
    assert library.others_with_same_doi([second, second]) == {second: [first]}
