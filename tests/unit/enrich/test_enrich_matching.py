"""Converting Crossref works and verifying candidates field by field (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest
from crossref_samples import (
    FIRST_DOI,
    FIRST_PAPER_FINDINGS,
    FIRST_PAPER_PURPOSE,
    JOURNAL,
    ONLINE_ISSN,
    PRINT_ISSN,
    SECOND_DOI,
    SECOND_PAPER_FINDINGS,
    SECOND_PAPER_PURPOSE,
    emerald_reference,
    first_paper_item,
    jats_abstract,
    other_issue_item,
    second_paper_item,
    work_item,
)

from peerref.core.model import AbstractSection, Creator, CreatorRole, PartialDate, ReferenceType
from peerref.enrich.crossref import CrossrefWork, parse_work
from peerref.enrich.matching import (
    build_query,
    decide,
    describe_differences,
    first_page,
    jats_to_sections,
    verify,
    work_to_reference,
)


def work(item: dict[str, Any]) -> CrossrefWork:
    parsed = parse_work(item)
    assert parsed is not None
    return parsed


def test_work_becomes_a_reference_with_every_field() -> None:
    reference = work_to_reference(work(first_paper_item()))

    assert reference.type is ReferenceType.ARTICLE_JOURNAL
    assert reference.title.startswith("What peer workers do: relationships")
    assert reference.creators == (
        Creator(family="Repper", given="Julie"),
        Creator(family="Watson", given="Emma"),
    )
    assert reference.container_title == JOURNAL
    assert reference.container_title_short == (
        "Journal of Mental Health Training, Education and Practice"
    )
    assert (reference.volume, reference.issue, reference.page) == ("7", "2", "70-80")
    assert reference.issn == (PRINT_ISSN, ONLINE_ISSN)
    assert reference.doi == FIRST_DOI
    assert reference.issued == PartialDate(2012, 6, 15)
    assert reference.publisher == "Emerald"
    assert reference.abstract == (
        AbstractSection("Purpose", FIRST_PAPER_PURPOSE),
        AbstractSection("Findings", FIRST_PAPER_FINDINGS),
    )


@pytest.mark.parametrize(
    ("crossref_type", "expected"),
    [
        ("journal-article", ReferenceType.ARTICLE_JOURNAL),
        ("book-chapter", ReferenceType.CHAPTER),
        ("monograph", ReferenceType.BOOK),
        ("edited-book", ReferenceType.BOOK),
        ("proceedings-article", ReferenceType.PAPER_CONFERENCE),
        ("report", ReferenceType.REPORT),
        ("dissertation", ReferenceType.THESIS),
        ("posted-content", ReferenceType.PREPRINT),
        ("dataset", ReferenceType.DATASET),
        ("something-new", ReferenceType.OTHER),
    ],
)
def test_crossref_types_map_to_csl_types(crossref_type: str, expected: ReferenceType) -> None:
    item = first_paper_item() | {"type": crossref_type}
    assert work_to_reference(work(item)).type is expected


def test_titles_lose_inline_markup_and_gain_their_subtitle() -> None:
    item = first_paper_item() | {
        "title": ["Peer support and <i>recovery</i> &amp; hope"],
        "subtitle": ["a case study"],
        "editor": [{"given": "Ann", "family": "Editor"}],
        "author": [{"name": "Peer Support Research Collaborative", "sequence": "first"}],
    }
    reference = work_to_reference(work(item))

    assert reference.title == "Peer support and recovery & hope: a case study"
    assert reference.creators == (
        Creator(literal="Peer Support Research Collaborative"),
        Creator(family="Editor", given="Ann", role=CreatorRole.EDITOR),
    )


def test_jats_abstract_without_sections_and_with_html_entities() -> None:
    jats = (
        "<jats:p>Peer workers&nbsp;helped &lt;most&gt; people.</jats:p>"
        "<jats:p>Second <jats:italic>paragraph</jats:italic> with "
        "<mml:math><mml:mi>x</mml:mi></mml:math>.</jats:p>"
    )
    assert jats_to_sections(jats) == (
        AbstractSection("", "Peer workers helped <most> people."),
        AbstractSection("", "Second paragraph with x."),
    )


def test_jats_abstract_never_expands_external_entities() -> None:
    hostile = (
        '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        "<jats:p>Before &secret; after</jats:p>"
    )
    text = " ".join(s.text for s in jats_to_sections(hostile))
    assert "root:" not in text
    assert "Before" in text


def test_broken_jats_falls_back_to_stripped_text() -> None:
    sections = jats_to_sections("<jats:p>Unclosed <b>markup and plain words")
    assert sections
    assert "plain words" in sections[-1].text
    assert "<" not in "".join(s.text for s in sections)
    assert jats_to_sections("Plain text abstract, no markup.") == (
        AbstractSection("", "Plain text abstract, no markup."),
    )
    assert jats_to_sections("  ") == ()


def test_query_uses_what_is_known() -> None:
    reference = emerald_reference().with_changes(issn=("17556228",))
    query = build_query(reference)

    assert query.bibliographic == f"Repper Watson {JOURNAL}"
    assert query.author == "Repper Watson"
    assert query.issn == PRINT_ISSN
    assert query.year == 2012
    assert query.rows == 5


def test_clean_match_agrees_on_enough_independent_fields() -> None:
    candidate = verify(emerald_reference(page="pp. 70-80"), work(first_paper_item()))

    assert set(candidate.agreeing) == {
        "authors",
        "year",
        "journal",
        "volume",
        "issue",
        "first page",
    }
    assert candidate.contradicting == ()
    assert candidate.is_acceptable


def test_different_issue_contradicts() -> None:
    candidate = verify(emerald_reference(), work(other_issue_item()))

    assert candidate.contradicting == ("issue",)
    assert not candidate.is_acceptable


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"creators": (Creator(family="Smith", given="Ann"),)}, "authors"),
        ({"issued": PartialDate(2015)}, "year"),
        ({"volume": "8"}, "volume"),
        ({"page": "12-20"}, "first page"),
        ({"issn": ("0000-0019",)}, "journal"),
        ({"doi": "10.1108/somewhere-else"}, "DOI"),
        ({"title": "A randomised trial of statins in older adults"}, "title"),
    ],
)
def test_each_known_field_can_contradict(change: dict[str, object], field: str) -> None:
    candidate = verify(emerald_reference().with_changes(**change), work(first_paper_item()))
    assert field in candidate.contradicting


def test_year_within_one_agrees_and_combined_issue_agrees() -> None:
    reference = emerald_reference(issue="2-3").with_changes(issued=PartialDate(2013))
    candidate = verify(reference, work(first_paper_item()))
    assert {"year", "issue"} <= set(candidate.agreeing)


def test_truncated_author_list_agrees_with_the_full_one() -> None:
    three = work_item(
        doi=FIRST_DOI,
        title="t",
        authors=(("Julie", "Repper"), ("Emma", "Watson"), ("Ann", "Third")),
    )
    cut = emerald_reference().with_changes(
        creators=(Creator(family="Repper", given="J."),), truncated=frozenset({"author"})
    )
    assert "authors" in verify(cut, work(three)).agreeing
    # Without the truncation mark a shorter list is not evidence either way.
    uncut = cut.with_changes(truncated=frozenset())
    candidate = verify(uncut, work(three))
    assert "authors" not in candidate.agreeing
    assert "authors" not in candidate.contradicting


def test_accents_and_particles_do_not_break_author_agreement() -> None:
    item = work_item(doi=FIRST_DOI, title="t", authors=(("Máire", "Ó Súilleabháin"),))
    reference = emerald_reference().with_changes(
        creators=(Creator(family="Suilleabhain", particle="O", given="Maire"),)
    )
    assert "authors" in verify(reference, work(item)).agreeing


def test_abstract_tells_apart_two_papers_of_one_issue() -> None:
    ours = emerald_reference(purpose=SECOND_PAPER_PURPOSE, findings=SECOND_PAPER_FINDINGS)
    right = verify(ours, work(second_paper_item()))
    wrong = verify(ours, work(first_paper_item()))

    assert right.abstract_similarity is not None and right.abstract_similarity >= 95
    assert "abstract" in right.agreeing
    assert "abstract" in wrong.contradicting


def test_decide_accepts_only_an_unambiguous_candidate() -> None:
    ours = emerald_reference(purpose=FIRST_PAPER_PURPOSE, findings=FIRST_PAPER_FINDINGS)
    decision = decide(
        ours, [work(second_paper_item()), work(other_issue_item()), work(first_paper_item())]
    )
    assert decision.accepted is not None
    assert decision.accepted.doi == FIRST_DOI
    assert {c.doi for c in decision.rejected} == {
        work(second_paper_item()).doi,
        work(other_issue_item()).doi,
    }

    # Without abstracts on either side, the two same-issue papers cannot be told apart.
    bare = decide(
        emerald_reference(),
        [work(first_paper_item(with_abstract=False)), work(second_paper_item(with_abstract=False))],
    )
    assert bare.accepted is None
    assert len(bare.choices) == 2


def test_two_agreeing_fields_are_not_enough() -> None:
    thin = emerald_reference().with_changes(container_title="", volume="", issue="")
    decision = decide(thin, [work(first_paper_item())])
    assert decision.accepted is None
    assert [c.doi for c in decision.choices] == [FIRST_DOI]


@pytest.mark.parametrize(
    ("page", "first"), [("70-80", "70"), ("pp. 70–80", "70"), ("e1234", "e1234"), ("", "")]
)
def test_first_page(page: str, first: str) -> None:
    assert first_page(page) == first


# --- abstracts that differ in length, not in text (issue 14) --------------------------

FIRST_FULL = emerald_reference(purpose=FIRST_PAPER_PURPOSE, findings=FIRST_PAPER_FINDINGS)
SECOND_FULL = emerald_reference(purpose=SECOND_PAPER_PURPOSE, findings=SECOND_PAPER_FINDINGS)


def structured_page_abstract(purpose: str, findings: str) -> tuple[AbstractSection, ...]:
    """An Emerald page's whole structured abstract: five headed sections."""
    return (
        AbstractSection("Purpose", purpose),
        AbstractSection(
            "Design/methodology/approach",
            "Semi-structured interviews with the six peer workers, their supervisors and "
            "twelve people they supported, at three and twelve months, analysed "
            "thematically by a team that included two people with lived experience.",
        ),
        AbstractSection("Findings", findings),
        AbstractSection(
            "Research limitations/implications",
            "One trust and a small number of workers; the people interviewed were chosen "
            "by the teams, which may have favoured the relationships that went well.",
        ),
        AbstractSection(
            "Originality/value",
            "Among the first accounts from England of what peer workers do day to day, "
            "told by the workers and by the people they support.",
        ),
    )


# What Emerald's HTML page gives: the whole structured abstract of each paper.
FIRST_PAGE = FIRST_FULL.with_changes(
    abstract=structured_page_abstract(FIRST_PAPER_PURPOSE, FIRST_PAPER_FINDINGS)
)
SECOND_PAGE = SECOND_FULL.with_changes(
    abstract=structured_page_abstract(SECOND_PAPER_PURPOSE, SECOND_PAPER_FINDINGS)
)


def first_sections_only(item: dict[str, Any], *sections: tuple[str, str]) -> dict[str, Any]:
    """The Crossref record holding only some of the page's sections."""
    return item | {"abstract": jats_abstract(*sections)}


def test_an_abstract_holding_only_the_first_section_agrees() -> None:
    shorter = first_sections_only(first_paper_item(), ("Purpose", FIRST_PAPER_PURPOSE))
    candidate = verify(FIRST_FULL, work(shorter))

    assert "abstract" in candidate.agreeing
    assert candidate.contradicting == ()
    assert candidate.is_acceptable


def test_an_abstract_without_its_headings_agrees() -> None:
    # The page runs the headings into one paragraph; Crossref has bare paragraphs.
    page = emerald_reference().with_changes(
        abstract=(
            AbstractSection(
                "",
                f"Purpose – {FIRST_PAPER_PURPOSE}\n Design/methodology/approach: "
                f"Findings –  {FIRST_PAPER_FINDINGS}",
            ),
        )
    )
    bare = first_paper_item() | {
        "abstract": f"<jats:p>{FIRST_PAPER_PURPOSE}</jats:p>\n"
        f"<jats:p>{FIRST_PAPER_FINDINGS.replace(' ', '  ')}</jats:p>"
    }
    candidate = verify(page, work(bare))

    assert candidate.abstract_similarity == 100.0
    assert "abstract" in candidate.agreeing


def test_a_cut_short_abstract_agrees_with_the_whole() -> None:
    cut = emerald_reference().with_changes(
        abstract=(AbstractSection("Purpose", FIRST_PAPER_PURPOSE[:160] + " …"),)
    )
    assert "abstract" in verify(cut, work(first_paper_item())).agreeing


def test_an_abstract_with_a_missing_middle_section_agrees() -> None:
    middle = "Six peer workers and their supervisors were interviewed twice over a year."
    page = emerald_reference().with_changes(
        abstract=(
            AbstractSection("Purpose", FIRST_PAPER_PURPOSE),
            AbstractSection("Design/methodology/approach", middle),
            AbstractSection("Findings", FIRST_PAPER_FINDINGS),
        )
    )
    assert "abstract" in verify(page, work(first_paper_item())).agreeing


def test_a_different_abstract_contradicts_even_with_a_shared_opening() -> None:
    # The two papers open with the same two sentences; what follows differs.
    candidate = verify(FIRST_FULL, work(second_paper_item()))
    assert "abstract" in candidate.contradicting
    sibling_first_section = first_sections_only(
        second_paper_item(), ("Purpose", SECOND_PAPER_PURPOSE)
    )
    assert "abstract" in verify(FIRST_FULL, work(sibling_first_section)).contradicting


def test_a_short_abstract_is_compared_whole_not_as_a_part() -> None:
    tiny = emerald_reference().with_changes(
        abstract=(AbstractSection("", "Peer workers built trust."),)
    )
    assert "abstract" not in verify(tiny, work(first_paper_item())).agreeing


def test_the_same_doi_is_decisive_but_differences_are_still_shown() -> None:
    ours = FIRST_FULL.with_changes(
        doi=FIRST_DOI.upper(),
        issue="3",
        title="What peer workers do",
        abstract=(AbstractSection("", "An entirely different summary " * 10),),
    )
    candidate = verify(ours, work(first_paper_item()))

    assert candidate.same_doi
    assert set(candidate.contradicting) == {"issue", "abstract"}
    assert candidate.is_acceptable
    assert not candidate.is_refused
    assert describe_differences(candidate).startswith("issue: 3 here, 2 on Crossref; abstract:")
    decision = decide(ours, [work(second_paper_item()), work(first_paper_item())])
    assert decision.accepted is not None and decision.accepted.doi == FIRST_DOI


def test_the_same_day_pair_is_settled_by_the_abstract_when_crossref_holds_less() -> None:
    # Same authors, issue and date; the page has five sections, Crossref the first only.
    first = first_sections_only(first_paper_item(), ("Purpose", FIRST_PAPER_PURPOSE))
    second = first_sections_only(second_paper_item(), ("Purpose", SECOND_PAPER_PURPOSE))
    for ours, right in ((FIRST_PAGE, FIRST_DOI), (SECOND_PAGE, SECOND_DOI)):
        decision = decide(ours, [work(second), work(first)])
        assert decision.accepted is not None
        assert decision.accepted.doi == right
        assert "abstract" in decision.accepted.agreeing
        # The other paper is refused with the abstract named, not offered as a choice.
        (refused,) = decision.rejected
        assert refused.doi != right
        assert refused.contradicting == ("abstract",)


def test_the_sibling_paper_alone_is_refused_not_taken() -> None:
    decision = decide(FIRST_FULL, [work(second_paper_item())])
    assert decision.accepted is None
    assert [c.doi for c in decision.rejected] == [SECOND_DOI]


def test_the_page_with_doi_title_and_long_abstract_matches_a_shorter_record() -> None:
    # Issue 14: a library made from Emerald's HTML page has the DOI and title too.
    page = FIRST_PAGE.with_changes(
        doi=FIRST_DOI,
        title="What peer workers do: relationships, hope and recovery in community teams",
        issn=(PRINT_ISSN,),
    )
    record = first_sections_only(first_paper_item(), ("Purpose", FIRST_PAPER_PURPOSE))
    for ours in (page, page.with_changes(doi="", title="")):  # with and without the DOI
        decision = decide(ours, [work(record)])
        assert decision.accepted is not None
        assert decision.rejected == ()
        assert decision.accepted.contradicting == ()
        assert "abstract" in decision.accepted.agreeing
