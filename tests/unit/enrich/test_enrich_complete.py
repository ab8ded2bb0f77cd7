"""Completing references end to end against a fake Crossref on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest
from crossref_samples import (
    FIRST_DOI,
    FIRST_PAPER_FINDINGS,
    FIRST_PAPER_PURPOSE,
    JOURNAL,
    ONLINE_ISSN,
    OTHER_ISSUE_DOI,
    PRINT_ISSN,
    SECOND_DOI,
    SECOND_PAPER_FINDINGS,
    SECOND_PAPER_PURPOSE,
    emerald_reference,
    first_paper_item,
    jats_abstract,
    other_issue_item,
    second_paper_item,
    single_work,
    work_list,
)
from enrich_fakes import ClientFactory
from pytest_httpserver import HTTPServer

from peerref.core.errors import EnrichError, UserInputError
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId
from peerref.enrich import (
    CompletionStatus,
    CrossrefClient,
    complete,
    complete_many,
    complete_with_doi,
    missing_fields,
    needs_completion,
)

FIRST = emerald_reference(purpose=FIRST_PAPER_PURPOSE, findings=FIRST_PAPER_FINDINGS)
SECOND = emerald_reference(purpose=SECOND_PAPER_PURPOSE, findings=SECOND_PAPER_FINDINGS)


def serve_search(httpserver: HTTPServer, *items: dict[str, object]) -> None:
    httpserver.expect_request("/works").respond_with_json(work_list(*items))


def test_clean_match_fills_empty_fields_only(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, first_paper_item(with_abstract=False))
    ours = emerald_reference(page="70-80")

    completion = complete(ours, client)

    assert completion.status is CompletionStatus.MATCHED
    assert completion.match is not None and completion.match.doi == FIRST_DOI
    assert completion.filled["title"] == (
        "What peer workers do: relationships, hope and recovery in community teams"
    )
    assert completion.filled["doi"] == FIRST_DOI
    assert completion.filled["issn"] == (PRINT_ISSN, ONLINE_ISSN)
    assert completion.filled["publisher"] == "Emerald"
    # Fields we already had and that agree are neither filled nor proposed.
    assert not {"creators", "container_title", "volume", "issue", "page", "issued"} & set(
        completion.filled
    )
    assert dict(completion.proposed) == {}

    completed = completion.apply()
    assert completed.title.startswith("What peer workers do")
    assert completed.doi == FIRST_DOI
    assert completed.container_title == JOURNAL
    assert completed.issn == (PRINT_ISSN, ONLINE_ISSN)


def test_near_miss_in_another_issue_is_rejected(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, other_issue_item())

    completion = complete(emerald_reference(), client)

    assert completion.status is CompletionStatus.NO_MATCH
    assert completion.match is None
    assert completion.candidates == ()
    assert [c.doi for c in completion.rejected] == [OTHER_ISSUE_DOI]
    assert completion.rejected[0].contradicting == ("issue",)
    assert dict(completion.filled) == {}
    assert completion.apply() == emerald_reference()
    # One result "contradicts" (not "contradict"), and the user is told where.
    assert completion.message == (
        "Crossref's closest result contradicts what is known about this reference "
        "(issue: 2 here, 3 on Crossref)."
    )


def test_several_refused_results_contradict(httpserver: HTTPServer, client: CrossrefClient) -> None:
    far = other_issue_item() | {"DOI": "10.1108/17556221211240009", "volume": "9"}
    serve_search(httpserver, other_issue_item(), far)

    completion = complete(emerald_reference(), client)

    assert completion.message.startswith(
        "Crossref's 2 closest results contradict what is known about this reference (issue:"
    )


def test_a_doi_given_by_the_user_is_matched_with_its_checks(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request(f"/works/{OTHER_ISSUE_DOI}").respond_with_json(
        single_work(other_issue_item())
    )

    completion = complete_with_doi(emerald_reference(), f" doi:{OTHER_ISSUE_DOI} ", client)

    assert completion.status is CompletionStatus.MATCHED
    assert completion.match is not None and completion.match.doi == OTHER_ISSUE_DOI
    assert completion.match.contradicting == ("issue",)  # shown, not refused
    assert completion.filled["doi"] == OTHER_ISSUE_DOI
    assert completion.proposed["issue"] == ("2", "3")
    assert "differs: issue: 2 here, 3 on Crossref" in completion.message


def test_a_doi_crossref_does_not_know_is_said_so(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works/10.5555/nothing").respond_with_data("", status=404)
    completion = complete_with_doi(emerald_reference(), "10.5555/nothing", client)
    assert completion.status is CompletionStatus.NO_MATCH
    assert completion.message == "Crossref has no record with the DOI 10.5555/nothing."
    with pytest.raises(UserInputError, match="not a DOI"):
        complete_with_doi(emerald_reference(), "peer workers", client)


def test_a_known_doi_is_decisive_though_the_abstract_is_shorter_on_crossref(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    # Issue 14: the page's long structured abstract, Crossref's first section only.
    record = first_paper_item() | {"abstract": jats_abstract(("Purpose", FIRST_PAPER_PURPOSE))}
    httpserver.expect_request(f"/works/{FIRST_DOI}").respond_with_json(single_work(record))
    page = FIRST.with_changes(doi=FIRST_DOI, issue="3")

    completion = complete(page, client)

    assert completion.status is CompletionStatus.MATCHED
    assert completion.match is not None and completion.match.contradicting == ("issue",)
    assert completion.proposed["issue"] == ("3", "2")
    assert [request.path for request, _ in httpserver.log] == [f"/works/{FIRST_DOI}"]


def test_same_authors_same_issue_get_their_own_dois(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    # Crossref answers both title-less references with the same list, ranked its own way.
    serve_search(httpserver, second_paper_item(), first_paper_item(), other_issue_item())

    first = complete(FIRST, client)
    second = complete(SECOND, client)

    assert first.status is CompletionStatus.MATCHED
    assert second.status is CompletionStatus.MATCHED
    assert first.filled["doi"] == FIRST_DOI
    assert second.filled["doi"] == SECOND_DOI
    assert first.apply().title.startswith("What peer workers do")
    assert second.apply().title.startswith("Starting a peer worker service")


def test_batch_keeps_the_pair_apart_and_reports_progress(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, first_paper_item(), second_paper_item())
    progress: list[tuple[int, int]] = []

    result = complete_many(
        [SECOND, FIRST], client, progress=lambda done, total: progress.append((done, total))
    )

    assert not result.cancelled
    assert [c.filled.get("doi") for c in result.completions] == [SECOND_DOI, FIRST_DOI]
    assert sorted(progress) == [(1, 2), (2, 2)]


def test_batch_never_gives_two_references_the_same_doi(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, first_paper_item(with_abstract=False))
    twin = emerald_reference(page="70-80")

    result = complete_many([twin, twin.with_changes(id=ReferenceId(2))], client)

    assert [c.status for c in result.completions] == [CompletionStatus.CHOOSE] * 2
    assert all(c.candidates[0].doi == FIRST_DOI for c in result.completions)
    assert all("another reference" in c.message for c in result.completions)


def test_no_match(httpserver: HTTPServer, client: CrossrefClient) -> None:
    serve_search(httpserver)

    completion = complete(emerald_reference(), client)

    assert completion.status is CompletionStatus.NO_MATCH
    assert "nothing that matches" in completion.message
    assert not completion.changes_anything


def test_too_little_to_search_for_sends_nothing(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    completion = complete(Reference(container_title=JOURNAL), client)

    assert completion.status is CompletionStatus.NO_MATCH
    assert "Too little" in completion.message
    assert httpserver.log == []


def test_undecidable_pair_is_offered_for_choice(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(
        httpserver, first_paper_item(with_abstract=False), second_paper_item(with_abstract=False)
    )

    completion = complete(FIRST, client)

    assert completion.status is CompletionStatus.CHOOSE
    assert {c.doi for c in completion.candidates} == {FIRST_DOI, SECOND_DOI}
    assert completion.apply() == FIRST  # nothing is applied before the user chooses

    chosen = completion.choose(next(c for c in completion.candidates if c.doi == SECOND_DOI))
    assert chosen.status is CompletionStatus.MATCHED
    assert chosen.apply().doi == SECOND_DOI


def test_differences_are_proposed_never_applied_silently(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, first_paper_item())
    ours = emerald_reference(page="70-81").with_changes(
        creators=(Creator(family="Repper", given="J."), Creator(family="Watson", given="E."))
    )

    completion = complete(ours, client)

    assert completion.status is CompletionStatus.MATCHED
    assert completion.proposed["page"] == ("70-81", "70-80")
    assert completion.proposed["creators"][0] == ours.creators
    assert completion.apply().page == "70-81"
    assert completion.apply(accept_proposed={"page"}).page == "70-80"
    everything = completion.apply(accept_proposed=True)
    assert everything.creators[0].given == "Julie"
    with pytest.raises(ValueError, match="not proposed: volume"):
        completion.apply(accept_proposed={"volume"})


def test_apply_keeps_edits_made_while_the_lookup_ran(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    serve_search(httpserver, first_paper_item())
    completion = complete(FIRST, client)

    edited_meanwhile = FIRST.with_changes(title="My own title", tags=("peer support",))
    applied = completion.apply(edited_meanwhile)

    assert applied.title == "My own title"
    assert applied.doi == FIRST_DOI
    assert applied.tags == ("peer support",)


def test_truncated_author_list_is_completed(httpserver: HTTPServer, client: CrossrefClient) -> None:
    serve_search(httpserver, first_paper_item())
    cut = FIRST.with_changes(
        creators=(Creator(family="Repper", given="Julie"),), truncated=frozenset({"author"})
    )

    completion = complete(cut, client)
    completed = completion.apply()

    assert [c.family for c in completed.creators] == ["Repper", "Watson"]
    assert completed.truncated == frozenset()


def test_known_doi_is_looked_up_directly(httpserver: HTTPServer, client: CrossrefClient) -> None:
    httpserver.expect_request(f"/works/{FIRST_DOI}").respond_with_json(
        single_work(first_paper_item())
    )
    ours = Reference(
        doi=f"https://doi.org/{FIRST_DOI}",
        creators=(Creator(family="Repper", given="Julie"), Creator(family="Watson", given="Emma")),
        issued=PartialDate(2012),
    )

    completion = complete(ours, client)

    assert completion.status is CompletionStatus.MATCHED
    assert [request.path for request, _ in httpserver.log] == [f"/works/{FIRST_DOI}"]
    assert set(completion.match.agreeing if completion.match else ()) == {
        "DOI",
        "authors",
        "year",
    }
    assert completion.filled["container_title"] == JOURNAL
    assert "doi" not in completion.proposed  # the URL form is the same DOI


def test_unknown_doi_falls_back_to_search(httpserver: HTTPServer, client: CrossrefClient) -> None:
    httpserver.expect_request("/works/10.5555/unknown").respond_with_data("", status=404)
    serve_search(httpserver, first_paper_item())

    completion = complete(FIRST.with_changes(doi="10.5555/unknown"), client)

    # The search result contradicts our DOI, so it is not taken.
    assert completion.status is CompletionStatus.NO_MATCH
    assert completion.rejected[0].contradicting == ("DOI",)


def test_garbled_answer_raises_and_changes_nothing(
    httpserver: HTTPServer, client: CrossrefClient
) -> None:
    httpserver.expect_request("/works").respond_with_data("{oops", content_type="application/json")

    with pytest.raises(EnrichError, match="not valid JSON"):
        complete(FIRST, client)


def test_batch_reports_failures_and_stops_when_crossref_is_down(
    httpserver: HTTPServer, make_client: ClientFactory
) -> None:
    httpserver.expect_ordered_request("/works").respond_with_data("{oops")
    httpserver.expect_request("/works").respond_with_data("down", status=503)
    client = make_client(max_retries=0, max_in_flight=1)

    result = complete_many([FIRST, SECOND, FIRST, SECOND], client)

    statuses = [c.status for c in result.completions]
    assert statuses == [
        CompletionStatus.FAILED,
        CompletionStatus.FAILED,
        CompletionStatus.SKIPPED,
        CompletionStatus.SKIPPED,
    ]
    assert "not valid JSON" in result.completions[0].message
    assert "busy (HTTP 503)" in result.stopped_by
    assert len(httpserver.log) == 2


def test_batch_can_be_cancelled(httpserver: HTTPServer, client: CrossrefClient) -> None:
    serve_search(httpserver, first_paper_item(), second_paper_item())
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        cancel.set()

    result = complete_many(
        [FIRST] * 10, client, progress=progress, is_cancelled=cancel.is_set, workers=1
    )

    assert result.cancelled
    assert result.completions[0].status is CompletionStatus.MATCHED
    assert {c.status for c in result.completions[1:]} == {CompletionStatus.SKIPPED}
    assert len(httpserver.log) == 1


def test_missing_fields_say_what_completion_is_for() -> None:
    assert missing_fields(FIRST) == ("title", "doi", "page", "issn")
    assert needs_completion(FIRST)
    done = FIRST.with_changes(title="t", doi=FIRST_DOI, page="70-80", issn=(PRINT_ISSN,))
    assert missing_fields(done) == ()
    assert not needs_completion(done)
    assert needs_completion(done.with_changes(truncated=frozenset({"author"})))
