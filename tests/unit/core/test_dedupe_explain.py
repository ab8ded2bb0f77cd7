"""``dedupe.explain``: why references were matched, in words a person reads."""

from __future__ import annotations

from peerref.core.dedupe import Reason, Verdict, compare, explain, find_groups
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId

AUTHORS = (Creator("Okonkwo", "Adaeze"), Creator("Virtanen", "Mikko"))
PAPER = Reference(
    id=ReferenceId(1),
    title="Recovery colleges and the language of hope",
    creators=AUTHORS,
    issued=PartialDate(2019),
    container_title="Journal of Recovery Studies",
    volume="4",
    issue="2",
    page="11-25",
)


def test_a_same_doi_match_says_same_doi() -> None:
    first = PAPER.with_changes(doi="10.5555/recovery.2019.04")
    second = first.with_changes(id=ReferenceId(2), title="RECOVERY COLLEGES")
    explanation = explain(compare(first, second))
    assert explanation.agreements == ("same DOI",)
    assert explanation.doubts == ()
    assert explanation.sentence() == "Same DOI."


def test_same_title_author_and_year_are_listed_in_order() -> None:
    second = PAPER.with_changes(
        id=ReferenceId(2), title="Recovery Colleges and the Language of Hope."
    )
    match = compare(PAPER, second)
    assert match.verdict is Verdict.DUPLICATE
    assert explain(match).agreements == ("same title", "same first author", "same year or the next")


def test_a_doubt_follows_the_agreements_after_but() -> None:
    second = PAPER.with_changes(id=ReferenceId(2), page="90-101")
    match = compare(PAPER, second)
    assert match.verdict is Verdict.POSSIBLE
    sentence = explain(match).sentence()
    assert sentence.startswith("Same title, same first author")
    assert sentence.endswith("; but different pages.")


def test_a_group_says_each_reason_once() -> None:
    copies = [PAPER.with_changes(id=ReferenceId(i)) for i in (1, 2, 3)]
    [group] = find_groups(copies)
    assert len(group.pairs) >= 2
    explanation = explain(group)
    assert explanation.agreements.count("same title") == 1


def test_every_reason_has_words() -> None:
    for reason in Reason:
        explanation = explain([reason])
        words = explanation.agreements + explanation.doubts
        assert len(words) == 1
        assert "-" not in words[0], reason


def test_nothing_to_explain_is_an_empty_sentence() -> None:
    assert explain([]).sentence() == ""
