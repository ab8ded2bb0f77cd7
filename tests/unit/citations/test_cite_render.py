"""Hand-checked renderings in APA 7, Harvard (Cite Them Right) and Vancouver (NLM).

Expected strings were written from the style guides, then compared with the output;
where citeproc-py or the CSL style departs from the guide the test says so in a comment.
Titles are printed as stored: CSL never changes a title to sentence case.
"""

from __future__ import annotations

import pytest
from citation_samples import (
    AHEAD_OF_PRINT,
    ALL,
    CHAPTER,
    EMPTY,
    ORGANISATION,
    PEER_ROLE,
    PEER_TRAINING,
    UNTITLED,
)

from peerref.citations import (
    Problem,
    StyleCatalogue,
    render_bibliography,
    render_citation,
)
from peerref.citations.render import csl_input
from peerref.core.errors import CitationError
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId

MHTEP = "The Journal of Mental Health Training, Education and Practice"

APA_TEXT = [
    "Okafor, C. (2015). Nursing Times, 111(3), 12–14.",
    f"Repper, J., & Watson, E. (2012a). Developing peer worker roles: training and supervision. "
    f"{MHTEP}, 7(2), 79–88.",
    f"Repper, J., & Watson, E. (2012b). Peer support workers in mental health services: "
    f"introducing the role. {MHTEP}, 7(2), 70–78. https://doi.org/10.1108/17556221211236466",
    "Smith, A. (2019). Supervision in practice. In R. Jones & C. Brown (Eds.), "
    "Handbook of Clinical Supervision (pp. 45–67). Routledge.",
    "van Gogh, V., & Ó Súilleabháin, S. (2024). Recovery narratives in community nursing. "
    "Journal of Advanced Nursing. Advance online publication. https://doi.org/10.1111/jan.16001",
    # APA 7 would drop the publisher when it is the author; CSL cannot compare the two.
    "World Health Organization. (2021). Mental health atlas 2020. World Health Organization.",
]

HARVARD_TEXT = [
    # The style names no default locale, so the en-US default puts commas inside quotes
    # (as citeproc-js and Zotero do unless the user picks en-GB).
    # The style files "van Gogh" under G (demote-non-dropping-particle), as citeproc-js does.
    "van Gogh, V. and Ó Súilleabháin, S. (2024) “Recovery narratives in community nursing,” "
    "Journal of Advanced Nursing [Preprint]. Available at: https://doi.org/10.1111/jan.16001.",
    "Okafor, C. (2015) Nursing Times, 111(3), pp. 12–14.",
    f"Repper, J. and Watson, E. (2012a) “Developing peer worker roles: training and "
    f"supervision,” {MHTEP}, 7(2), pp. 79–88.",
    f"Repper, J. and Watson, E. (2012b) “Peer support workers in mental health services: "
    f"introducing the role,” {MHTEP}, 7(2), pp. 70–78. "
    "Available at: https://doi.org/10.1108/17556221211236466.",
    # Cite Them Right prints "(eds)"; the style takes "eds." from the en-US locale.
    "Smith, A. (2019) “Supervision in practice,” in R. Jones and C. Brown (eds.) "
    "Handbook of Clinical Supervision. London: Routledge, pp. 45–67.",
    "World Health Organization (2021) Mental health atlas 2020. Geneva: World Health Organization.",
]

VANCOUVER_TEXT = [
    f"1. Repper J, Watson E. Peer support workers in mental health services: introducing the "
    f"role. {MHTEP}. 2012;7(2):70–8. doi:10.1108/17556221211236466",
    f"2. Repper J, Watson E. Developing peer worker roles: training and supervision. {MHTEP}. "
    "2012;7(2):79–88.",
    "3. van Gogh V, Ó Súilleabháin S. Recovery narratives in community nursing. Journal of "
    "Advanced Nursing. 2024 Mar 5. doi:10.1111/jan.16001",
    "4. Smith A. Supervision in practice. In: Jones R, Brown C, editors. Handbook of Clinical "
    "Supervision. London: Routledge; 2019. p. 45–67.",
    "5. World Health Organization. Mental health atlas 2020. Geneva: World Health Organization; "
    "2021.",
    "6. Okafor C. Nursing Times. 2015;111(3):12–4.",
]


@pytest.mark.parametrize(
    ("style_name", "expected"),
    [("apa", APA_TEXT), ("harvard", HARVARD_TEXT), ("vancouver", VANCOUVER_TEXT)],
)
def test_bibliography_plain_text(
    catalogue: StyleCatalogue, style_name: str, expected: list[str]
) -> None:
    result = render_bibliography(ALL, catalogue.load(style_name))
    assert [entry.text for entry in result.entries] == expected
    assert result.text == "\n".join(expected)


def test_apa_html_italicises_journal_volume_and_book(catalogue: StyleCatalogue) -> None:
    result = render_bibliography([PEER_TRAINING, CHAPTER], catalogue.load("apa"))
    assert [entry.html for entry in result.entries] == [
        "Repper, J., &#38; Watson, E. (2012). Developing peer worker roles: training and "
        f"supervision. <i>{MHTEP}</i>, <i>7</i>(2), 79–88.",
        "Smith, A. (2019). Supervision in practice. In R. Jones &#38; C. Brown (Eds.), "
        "<i>Handbook of Clinical Supervision</i> (pp. 45–67). Routledge.",
    ]


def test_entries_keep_their_reference_ids_in_style_order(catalogue: StyleCatalogue) -> None:
    result = render_bibliography(ALL, catalogue.load("apa"))
    assert [entry.reference_id for entry in result.entries] == [6, 2, 1, 4, 3, 5]
    assert [entry.position for entry in result.entries] == [5, 1, 0, 3, 2, 4]


@pytest.mark.parametrize(
    ("style_name", "first", "second", "both"),
    [
        (
            "apa",
            "(Repper & Watson, 2012b)",
            "(Repper & Watson, 2012a)",
            # Same author and year: the style's citation sort keeps the order given, so the
            # cites collapse as "2012b, 2012a" (citeproc-js prints the same).
            "(Repper & Watson, 2012b, 2012a)",
        ),
        (
            "harvard",
            "(Repper and Watson, 2012b)",
            "(Repper and Watson, 2012a)",
            # Its citation sorts by year alone, so here too the order given stays.
            "(Repper and Watson, 2012b, 2012a)",
        ),
        ("vancouver", "(1)", "(2)", "(1,2)"),
    ],
)
def test_in_text_citations_with_year_suffixes(
    catalogue: StyleCatalogue, style_name: str, first: str, second: str, both: str
) -> None:
    style = catalogue.load(style_name)
    assert render_citation([PEER_ROLE], style, context=ALL).text == first
    assert render_citation([PEER_TRAINING], style, context=ALL).text == second
    assert render_citation([PEER_ROLE, PEER_TRAINING], style).text == both


def test_single_citation_without_context_has_no_suffix(catalogue: StyleCatalogue) -> None:
    assert render_citation([PEER_ROLE], catalogue.load("apa")).text == "(Repper & Watson, 2012)"


def test_citation_of_organisation_and_particles(catalogue: StyleCatalogue) -> None:
    apa = catalogue.load("apa")
    assert render_citation([ORGANISATION], apa).text == "(World Health Organization, 2021)"
    assert render_citation([AHEAD_OF_PRINT], apa).text == "(van Gogh & Ó Súilleabháin, 2024)"
    harvard = catalogue.load("harvard")
    assert render_citation([CHAPTER], harvard).text == "(Smith, 2019)"


def test_untitled_reference_prints_no_none_or_empty_punctuation(
    catalogue: StyleCatalogue,
) -> None:
    for style in catalogue.favourites():
        result = render_bibliography([UNTITLED], catalogue.load(style))
        for rendering in (result.text, result.html):
            assert "None" not in rendering
            for debris in ("“”", '""', "‘’", "()", "[]", ", .", " .", ",,", ". ."):
                assert debris not in rendering, (style.id, rendering)
        assert [w.problem for w in result.warnings] == [Problem.NO_TITLE]


def test_warnings_name_each_gap_per_reference(catalogue: StyleCatalogue) -> None:
    no_year = PEER_ROLE.with_changes(id=ReferenceId(8), issued=PartialDate())
    truncated = PEER_TRAINING.with_changes(id=ReferenceId(9), truncated=frozenset({"author"}))
    result = render_bibliography([no_year, EMPTY, truncated], catalogue.load("apa"))
    assert [(w.position, w.reference_id, w.message) for w in result.warnings] == [
        (0, 8, "no year"),
        (1, 7, "no title"),
        (1, 7, "no year"),
        (1, 7, "no authors"),
        (2, 9, "incomplete author"),
    ]
    assert "(n.d.)" in result.text


def test_reference_without_any_data_is_left_out_of_the_list(catalogue: StyleCatalogue) -> None:
    result = render_bibliography([EMPTY, PEER_ROLE], catalogue.load("modern-language-association"))
    assert [entry.reference_id for entry in result.entries] == [1]
    assert {w.reference_id for w in result.warnings} == {7}


def test_markup_and_ampersands_in_data_are_text_not_html(catalogue: StyleCatalogue) -> None:
    reference = Reference(
        title="Outcomes of <i>Staphylococcus</i> screening &#38; isolation",
        creators=(Creator(literal="Johnson & Johnson <Research>"),),
        issued=PartialDate(2020),
    )
    result = render_bibliography([reference], catalogue.load("apa"))
    assert result.text == (
        "Johnson & Johnson <Research>. (2020). Outcomes of Staphylococcus screening & isolation."
    )
    # The title's own italics flip inside the italic book title, as CSL specifies.
    assert result.entries[0].html == (
        "Johnson &#38; Johnson &#60;Research&#62;. (2020). "
        '<i>Outcomes of <span style="font-style:normal;">Staphylococcus</span> screening '
        "&#38; isolation</i>."
    )


def test_duplicate_references_are_listed_once(catalogue: StyleCatalogue) -> None:
    result = render_bibliography([PEER_ROLE, PEER_ROLE], catalogue.load("apa"))
    assert len(result.entries) == 1


def test_citing_nothing_is_a_user_error(catalogue: StyleCatalogue) -> None:
    with pytest.raises(CitationError):
        render_citation([], catalogue.load("apa"))


def test_csl_input_drops_what_citeproc_rejects_and_translates_status() -> None:
    item = csl_input(
        AHEAD_OF_PRINT.with_changes(extra={"Type": "Research Article"}, language="English"),
        "r0",
    )
    assert "custom" not in item
    assert item["id"] == "r0"
    assert item["status"] == "advance online publication"
    assert item["language"] == "en"
    assert item["author"][0] == {
        "family": "Gogh",
        "given": "Vincent",
        "non-dropping-particle": "van",
    }
