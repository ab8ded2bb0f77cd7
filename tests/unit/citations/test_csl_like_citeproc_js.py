"""Small styles and references of our own where PeerRef must print what citeproc-js prints.

Each case is one behaviour found by comparing the two processors on real styles (APA,
Chicago, MLA, Nature, the ASA's, NLM's …), cut down to the style elements that decide
it. The expected strings were checked against citeproc-js 1.4.61, the processor Zotero
uses, with the same locale files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from peerref.citations.processor import CiteRequest, Processor
from peerref.citations.style.locale import LocaleCatalogue
from peerref.citations.style.parse import parse_style

LOCALES = LocaleCatalogue()


def _style(body: str, *, attributes: str = "", locale: str = "en-US") -> bytes:
    return (
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"'
        f' default-locale="{locale}" {attributes}><info><title>Case</title><id>case</id>'
        "<updated>2024-01-01T00:00:00+00:00</updated></info>"
        f"{body}</style>"
    ).encode()


def _processor(style_xml: bytes, items: Sequence[dict[str, Any]]) -> Processor:
    style = parse_style(style_xml)
    processor = Processor(
        style, LOCALES.locale(style.default_locale or "en-US", style.locales), items
    )
    processor.register([str(item["id"]) for item in items])
    return processor


def _bibliography(style_xml: bytes, items: Sequence[dict[str, Any]]) -> list[str]:
    processor = _processor(style_xml, items)
    return [processor.html(entry.content) for entry in processor.bibliography()]


def _citation(style_xml: bytes, items: Sequence[dict[str, Any]], cites: Sequence[Any]) -> str:
    processor = _processor(style_xml, items)
    requests = [CiteRequest(c) if isinstance(c, str) else CiteRequest.from_json(c) for c in cites]
    return processor.html(processor.cite_items(requests))


_TITLE_ONLY = "<citation><layout><text variable='title'/></layout></citation>"


@pytest.mark.parametrize(
    ("locale", "quoted", "title", "expected"),
    [
        # Curly marks typed in the data stay as typed at the top level, even where the
        # locale's outer marks are single; straight ones take the locale's marks.
        ("en-GB", False, "“It gave me hope”: peer support", "“It gave me hope”: peer support"),
        ("en-GB", False, '"It gave me hope": peer support', "‘It gave me hope’: peer support"),
        ("en-US", False, "‘Single’ marks", "‘Single’ marks"),
        ("en-GB", False, '“He said "yes" twice”', "“He said ‘yes’ twice”"),
        ("en-GB", False, "«Bonjour» en pair-aidance", "«Bonjour» en pair-aidance"),
        # Inside the style's own quotation marks every level alternates as the locale says.
        ("en-US", True, "“It gave me hope”: peer support", "“‘It gave me hope’: peer support”"),
        ("en-GB", True, "“It gave me hope”: peer support", "‘“It gave me hope”: peer support’"),
        ("en-GB", True, "‘Single’ marks", "‘“Single” marks’"),
        # Typed marks other than the quotation's own stay as typed inside it.
        (
            "de-DE",
            True,
            "“Es gab mir Hoffnung”: Peer-Support",
            "„“Es gab mir Hoffnung”: Peer-Support“",
        ),
        # German marks typed in the data are a quotation too, and flip inside the style's.
        (
            "de-DE",
            True,
            "„Es gab mir Hoffnung“: Peer-Support",
            "„‚Es gab mir Hoffnung‘: Peer-Support“",
        ),
        (
            "de-DE",
            False,
            "„Es gab mir Hoffnung“: Peer-Support",
            "„Es gab mir Hoffnung“: Peer-Support",
        ),
    ],
)
def test_quotation_marks_in_titles(locale: str, quoted: bool, title: str, expected: str) -> None:
    quotes = ' quotes="true"' if quoted else ""
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><text variable='title'{quotes}/></layout>"
        "</bibliography>",
        locale=locale,
    )
    assert _bibliography(style, [{"id": "a", "type": "article-journal", "title": title}]) == [
        expected
    ]


def test_issue_ranges_get_an_en_dash_and_report_numbers_only_their_last() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><group delimiter=' / '><text variable='issue'/>"
        "<text variable='number'/></group></layout></bibliography>"
    )
    items = [{"id": "a", "type": "report", "issue": "7-8", "number": "PEP22-06-04-001"}]
    assert _bibliography(style, items) == ["7–8 / PEP22-06-04–001"]


def test_a_name_suffix_follows_initialize_with() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><names variable='author'>"
        "<name name-as-sort-order='all' sort-separator=' ' initialize-with='' delimiter=', '/>"
        "</names></layout></bibliography>"
    )
    items = [
        {
            "id": "a",
            "type": "book",
            "author": [
                {"family": "Whitfield", "given": "Marcus", "suffix": "Jr."},
                {"family": "Thompson", "given": "Denise"},
            ],
        }
    ]
    assert _bibliography(style, items) == ["Whitfield M Jr, Thompson D"]


_NUMERIC = (
    "<citation collapse='citation-number'><sort><key variable='citation-number'/></sort>"
    "<layout prefix='(' suffix=')' delimiter=','><text variable='citation-number'/></layout>"
    "</citation><bibliography><layout><text variable='citation-number'/></layout></bibliography>"
)


def test_a_locator_the_style_does_not_print_does_not_break_a_number_range() -> None:
    items = [{"id": f"r{n}", "type": "book", "title": f"Book {n}"} for n in (1, 2, 3)]
    cites = [{"id": "r3", "locator": "72", "label": "page"}, "r2", "r1"]
    assert _citation(_style(_NUMERIC), items, cites) == "(1–3)"


def test_cites_without_names_are_grouped_as_by_the_same_author() -> None:
    style = _style(
        "<citation disambiguate-add-year-suffix='true' collapse='year-suffix'"
        " cite-group-delimiter=', '><sort><key variable='issued'/></sort>"
        "<layout prefix='(' suffix=')' delimiter='; '><group delimiter=' '>"
        "<names variable='author'><name form='short'/></names>"
        "<date variable='issued'><date-part name='year'/></date></group></layout></citation>"
    )
    items = [
        {"id": "a", "type": "webpage", "title": "A", "issued": {"date-parts": [[2023]]}},
        {"id": "b", "type": "article-newspaper", "title": "B", "issued": {"date-parts": [[2021]]}},
        {"id": "c", "type": "webpage", "title": "C", "author": [{"literal": "Mind"}]},
    ]
    assert _citation(style, items, ["a", "b", "c"]) == "(2021, 2023; Mind)"


def test_a_condition_sees_a_variable_that_substitute_has_used() -> None:
    # Chicago tests for "author" after the author has been printed through a
    # cs:substitute; citeproc-js's conditions read the item, so the test holds.
    style = _style(
        "<macro name='creator'><names variable='composer'><substitute>"
        "<names variable='author'/></substitute></names></macro>"
        f"{_TITLE_ONLY}<bibliography><layout><group delimiter='. '><text macro='creator'/>"
        "<choose><if variable='author'><text variable='issue' prefix='no. '/></if></choose>"
        "</group></layout></bibliography>"
    )
    items = [{"id": "a", "type": "article-journal", "issue": "11", "author": [{"family": "Harte"}]}]
    assert _bibliography(style, items) == ["Harte. no. 11"]


def test_the_types_of_one_attribute_are_alternatives_under_match_all() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><choose>"
        "<if type='thesis manuscript'><text value='one of them'/></if>"
        "<else><text value='neither'/></else></choose></layout></bibliography>"
    )
    items = [{"id": "a", "type": "thesis", "title": "T"}]
    assert _bibliography(style, items) == ["one of them"]


def test_sort_keys_file_particles_by_family_name_even_in_the_short_form() -> None:
    style = _style(
        "<macro name='author'><names variable='author'><name form='short'/></names></macro>"
        "<citation><sort><key macro='author'/></sort><layout delimiter='; '>"
        "<text macro='author'/></layout></citation>",
        attributes='demote-non-dropping-particle="sort-only"',
    )
    items = [
        {"id": "n", "type": "book", "author": [{"family": "Nakamura", "given": "Yuki"}]},
        {
            "id": "v",
            "type": "book",
            "author": [{"family": "Berg", "given": "Anneke", "non-dropping-particle": "van der"}],
        },
        {"id": "a", "type": "book", "author": [{"family": "Ashdown", "given": "Rebecca"}]},
    ]
    assert _citation(style, items, ["n", "v", "a"]) == "Ashdown; van der Berg; Nakamura"


_AUTHOR_YEAR = (
    "<macro name='year'><date variable='issued'><date-part name='year'/></date>"
    "<text variable='year-suffix'/></macro>"
)


def test_a_date_range_and_a_single_date_of_one_year_sort_by_their_year_suffix() -> None:
    style = _style(
        f"{_AUTHOR_YEAR}<citation disambiguate-add-year-suffix='true'><layout>"
        "<names variable='author'/><text macro='year' prefix=' '/></layout></citation>"
        "<bibliography><sort><key variable='author'/><key macro='year'/><key variable='title'/>"
        "</sort><layout><text macro='year'/><text variable='title' prefix=' '/></layout>"
        "</bibliography>"
    )
    author = [{"family": "Liddell", "given": "Fiona"}]
    items = [
        {
            "id": "talk",
            "type": "speech",
            "title": "Scaling peer support",
            "author": author,
            "issued": {"date-parts": [[2019, 9, 4], [2019, 9, 6]]},
        },
        {
            "id": "paper",
            "type": "article-journal",
            "title": "Who supports the peer supporters?",
            "author": author,
            "issued": {"date-parts": [[2019, 3, 11]]},
        },
    ]
    assert _bibliography(style, items) == [
        "2019a Who supports the peer supporters?",
        "2019b Scaling peer support",
    ]


def test_a_citation_sorts_its_cites_without_their_year_suffixes() -> None:
    style = _style(
        f"{_AUTHOR_YEAR}<citation disambiguate-add-year-suffix='true'>"
        "<sort><key macro='year'/></sort><layout delimiter='; '><names variable='author'>"
        "<name form='short'/></names><text macro='year' prefix=' '/></layout></citation>"
        "<bibliography><sort><key variable='title'/></sort><layout><text variable='title'/>"
        "</layout></bibliography>"
    )
    author = [{"family": "Harrowby", "given": "Ellen"}]
    items = [
        {
            "id": "a",
            "type": "book",
            "title": "A",
            "author": author,
            "issued": {"date-parts": [[2012]]},
        },
        {
            "id": "b",
            "type": "book",
            "title": "B",
            "author": author,
            "issued": {"date-parts": [[2012]]},
        },
    ]
    assert _citation(style, items, ["b", "a"]) == "Harrowby 2012b; Harrowby 2012a"


def test_names_added_to_cites_are_in_the_bibliography_when_given_names_disambiguate() -> None:
    names = (
        "<names variable='author'><name name-as-sort-order='first' and='text'"
        " delimiter-precedes-last='always' delimiter=', '/></names>"
    )
    style = _style(
        "<citation et-al-min='3' et-al-use-first='1' disambiguate-add-names='true'"
        " disambiguate-add-givenname='true'><layout delimiter='; '>"
        "<names variable='author'><name form='short'/></names></layout></citation>"
        "<bibliography et-al-min='3' et-al-use-first='1'><sort><key variable='title'/></sort>"
        f"<layout>{names}<text variable='title' prefix='. '/></layout></bibliography>"
    )
    items = [
        {
            "id": "a",
            "type": "article-journal",
            "title": "Fidelity",
            "author": [
                {"family": "Philpott", "given": "Rosalind"},
                {"family": "Boateng", "given": "Kwame"},
                {"family": "Fairclough", "given": "Helen"},
            ],
        },
        {
            "id": "b",
            "type": "article-journal",
            "title": "Leaving care",
            "author": [
                {"family": "Philpott", "given": "Rosalind"},
                {"family": "Arendt", "given": "Jonas"},
                {"family": "Lindqvist", "given": "Karin"},
            ],
        },
    ]
    assert _bibliography(style, items) == [
        "Philpott, Rosalind, Kwame Boateng, et al. Fidelity",
        "Philpott, Rosalind, Jonas Arendt, et al. Leaving care",
    ]


def _one_book(**fields: Any) -> list[dict[str, Any]]:
    return [{"id": "a", "type": "book", **fields}]


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ('font-style="italic"', "<i><i>Tea</i> and talk</i>"),
        (
            'font-variant="small-caps"',
            '<span style="font-variant:small-caps;">'
            '<span style="font-variant:small-caps;">Tea</span> and talk</span>',
        ),
        ('font-weight="bold"', "<b><b>Tea</b> and talk</b>"),
    ],
)
def test_the_styles_own_formatting_nested_stays_on(attribute: str, expected: str) -> None:
    # Only markup in the data flips against the formatting around it.
    style = _style(
        f"<citation><layout><group {attribute}><text variable='title' {attribute}/>"
        "<text value=' and talk'/></group></layout></citation>"
    )
    assert _citation(style, _one_book(title="Tea"), ["a"]) == expected


def test_name_formatting_goes_on_each_name_not_the_delimiters() -> None:
    style = _style(
        "<citation><layout><names variable='author'><name delimiter=' ; '"
        " font-variant='small-caps'/></names></layout></citation>"
    )
    authors = [{"family": "Abara", "given": "Emeka"}, {"family": "Tembo", "given": "Chisomo"}]
    assert _citation(style, _one_book(author=authors), ["a"]) == (
        '<span style="font-variant:small-caps;">Emeka Abara</span> ; '
        '<span style="font-variant:small-caps;">Chisomo Tembo</span>'
    )


@pytest.mark.parametrize(
    ("variables", "label", "expected"),
    [
        ("editor translator", True, "Karin Lindqvist (ed. &#38; trans.)"),
        ("translator editor", True, "Karin Lindqvist (ed. &#38; trans.)"),
        ("editor translator", False, "Karin Lindqvist; Karin Lindqvist"),
        (
            "editor translator container-author",
            True,
            "Karin Lindqvist (ed.); Karin Lindqvist (trans.)",
        ),
    ],
)
def test_one_editor_and_translator_merge_only_as_citeproc_js_merges_them(
    variables: str, label: bool, expected: str
) -> None:
    label_xml = "<label form='short' prefix=' (' suffix=')'/>" if label else ""
    style = _style(
        f"<citation><layout><names variable='{variables}' delimiter='; '><name/>{label_xml}"
        "</names></layout></citation>"
    )
    person = [{"family": "Lindqvist", "given": "Karin"}]
    assert _citation(style, _one_book(editor=person, translator=person), ["a"]) == expected


def test_a_label_takes_title_case_in_a_style_in_another_language() -> None:
    style = _style(
        "<citation><layout><names variable='editor'><name/>"
        "<label form='short' prefix=' (' suffix=')' text-case='title'/></names>"
        "<text variable='title' prefix=', ' text-case='title'/></layout></citation>",
        locale="fr-FR",
    )
    editors = [{"family": "Marsh", "given": "Eleanor"}, {"family": "Kaur", "given": "Harpreet"}]
    items = _one_book(editor=editors, title="la pair-aidance en psychiatrie")
    assert _citation(style, items, ["a"]) == (
        "Eleanor Marsh, Harpreet Kaur (Éd.), la pair-aidance en psychiatrie"
    )


def test_an_inverted_short_name_that_demotes_particles_puts_them_after() -> None:
    style = _style(
        "<citation><layout delimiter='; '><names variable='author'><name form='short'"
        " name-as-sort-order='all' sort-separator=' '/></names></layout></citation>",
        attributes='demote-non-dropping-particle="display-and-sort"',
    )
    author = [{"family": "Berg", "given": "Anneke", "non-dropping-particle": "van der"}]
    assert _citation(style, _one_book(author=author), ["a"]) == "Berg van der"


def test_a_block_that_ends_an_entry_ends_where_its_text_does() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><group display='block'>"
        "<text variable='title' suffix='. '/></group></layout></bibliography>"
    )
    assert _bibliography(style, _one_book(title="Peer support")) == [
        '<div class="csl-block">Peer support.</div>'
    ]


def test_a_label_is_a_term_written_whether_or_not_its_variable_has_a_value() -> None:
    style = _style(
        "<citation><layout><group delimiter=' '><text variable='title'/>"
        "<label variable='page' form='short'/><label variable='locator' form='short'"
        " plural='always'/></group></layout></citation>"
    )
    assert _citation(style, _one_book(title="Tea"), ["a"]) == "Tea p. pp."


def test_name_affixes_go_on_each_name_and_with_et_al_around_the_list() -> None:
    style = _style(
        "<citation et-al-min='4' et-al-use-first='2'><layout><names variable='author'>"
        "<name prefix='[' suffix=']' and='text'/></names></layout></citation>"
    )
    people = [
        {"family": "Lindgren", "given": "Eva"},
        {"family": "Patel", "given": "Rohan"},
        {"family": "Connor", "given": "Siobhan"},
        {"family": "Mwangi", "given": "Grace"},
    ]
    assert _citation(style, _one_book(author=people[:3]), ["a"]) == (
        "[Eva Lindgren], [Rohan Patel], and [Siobhan Connor]"
    )
    assert _citation(style, _one_book(author=people), ["a"]) == (
        "[[Eva Lindgren], [Rohan Patel], et al.]"
    )


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        # A bare cs:names stands in with the formatting of the one it replaces ...
        ("<names variable='author' font-style='italic' prefix='('/>", "[<b>E Abara</b>"),
        # ... one with its own cs:name keeps its own, and the outer is not added.
        ("<names variable='author' prefix='('><name/></names>", "(E Abara"),
    ],
)
def test_names_in_a_substitute_are_formatted_as_citeproc_js_does(inner: str, expected: str) -> None:
    style = _style(
        "<citation><layout><names variable='translator' font-weight='bold' prefix='['>"
        f"<name/><substitute>{inner}</substitute></names></layout></citation>"
    )
    assert _citation(style, _one_book(author=[{"family": "Abara", "given": "E"}]), ["a"]) == (
        expected
    )


def test_a_substitute_of_a_substitute_is_used() -> None:
    style = _style(
        "<macro name='editor'><names variable='editor' font-weight='bold'><name/>"
        "<label form='short' prefix=' (' suffix=')'/></names></macro>"
        "<citation><layout><names variable='translator'><name/><substitute>"
        "<names variable='author'><name/><substitute><text macro='editor'/></substitute>"
        "</names></substitute></names></layout></citation>"
    )
    editors = [{"family": "Ashworth", "given": "Claire"}]
    assert _citation(style, _one_book(editor=editors), ["a"]) == "<b>Claire Ashworth (ed.)</b>"


def test_text_case_on_a_macro_call_does_nothing() -> None:
    style = _style(
        "<macro name='m'><group delimiter=' '><text variable='title'/>"
        "<text term='in press' prefix='(' suffix=')'/></group></macro>"
        "<citation><layout><text macro='m' text-case='title'/></layout></citation>"
    )
    assert _citation(style, _one_book(title="mental health nursing"), ["a"]) == (
        "mental health nursing (in press)"
    )


def test_a_period_after_a_space_is_kept() -> None:
    # Elsevier's Harvard style prints "2020. . Mental Health …" for an article without a
    # title: a group's prefix ". " meets its first child's, and citeproc-js keeps both.
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><text variable='title'/>"
        "<group prefix='. '><text variable='container-title' prefix='. '/></group>"
        "</layout></bibliography>"
    )
    items = [{"id": "a", "type": "article-journal", "title": "Tea", "container-title": "Cups"}]
    assert _bibliography(style, items) == ["Tea. . Cups"]


@pytest.mark.parametrize(
    ("title", "suffix", "expected"),
    [
        ("Why?", ".", "<i>Why?</i>.x"),  # out of an element's own italics, marks stay
        ("Note:", ",", "<i>Note:</i>,x"),
        ("End.", ".", "<i>End.</i>x"),  # ... unless they repeat
        ("A,", ",", "<i>A,</i>x"),
    ],
)
def test_punctuation_after_an_elements_own_italics(title: str, suffix: str, expected: str) -> None:
    style = _style(
        f"<citation><layout><text variable='title' font-style='italic' suffix='{suffix}'/>"
        "<text value='x'/></layout></citation>"
    )
    assert _citation(style, _one_book(title=title), ["a"]) == expected


def test_punctuation_after_a_groups_italics_merges_as_usual() -> None:
    style = _style(
        "<citation><layout><group delimiter='. '><group font-style='italic'>"
        "<text variable='title'/></group><text variable='publisher'/></group></layout></citation>"
    )
    items = _one_book(title="What is peer support?", publisher="Mind")
    assert _citation(style, items, ["a"]) == "<i>What is peer support?</i> Mind"


def test_character_references_escaped_twice_in_a_style_are_characters() -> None:
    # Some styles write delimiter=",&amp;#160;": citeproc-js prints a no-break space.
    style = _style(
        "<citation><layout><group delimiter=',&amp;#160;'><text variable='title'/>"
        "<text variable='volume'/></group></layout></citation>"
    )
    assert _citation(style, _one_book(title="Tea", volume="21"), ["a"]) == "Tea,\u00a021"


def test_affixes_are_written_as_they_stand_and_values_as_markup() -> None:
    style = _style(
        "<citation><layout><text value=\"it's\" suffix=' '/>"
        "<text variable='publisher' prefix=\"l'\"/></layout></citation>"
    )
    assert _citation(style, _one_book(publisher="University"), ["a"]) == "it’s l'University"


def test_et_al_in_a_script_without_spaces_takes_none() -> None:
    style = _style(
        "<citation et-al-min='3' et-al-use-first='1'><layout><names variable='author'>"
        "<name form='short'/></names></layout></citation>"
        "<locale xml:lang='en'><terms><term name='et-al'>等</term></terms></locale>"
    )
    people = [{"family": name, "given": "A"} for name in ("Harrowby", "Quaye", "Obi")]
    assert _citation(style, _one_book(author=people), ["a"]) == "Harrowby等"


def test_the_layout_suffix_goes_inside_the_last_block() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout suffix='.'><group display='block'>"
        "<text variable='title'/></group></layout></bibliography>"
    )
    assert _bibliography(style, _one_book(title="Peer support")) == [
        '<div class="csl-block">Peer support.</div>'
    ]


_GIVEN = {"Smith": "John", "Roe": "Ann"}


@pytest.mark.parametrize(
    ("rule", "authors", "expected"),
    [
        # An organisation that ends the list is joined as "contextual" whatever the
        # cs:name says: the delimiter from three names on.
        ("never", ["Smith", "Roe", "*Group X"], "J. Smith, A. Roe, &#38; Group X"),
        ("never", ["Smith", "*Group X"], "J. Smith &#38; Group X"),
        ("always", ["Smith", "*Group X"], "J. Smith &#38; Group X"),
        # A person at the end keeps the cs:name's rule.
        ("never", ["*Group X", "Smith", "Roe"], "Group X, J. Smith &#38; A. Roe"),
        ("always", ["*Group X", "Smith"], "Group X, &#38; J. Smith"),
    ],
)
def test_an_organisation_at_the_end_of_a_name_list(
    rule: str, authors: list[str], expected: str
) -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography><layout><names variable='author'>"
        f"<name and='symbol' initialize-with='.' delimiter=', ' delimiter-precedes-last='{rule}'/>"
        "</names></layout></bibliography>"
    )
    names = [
        {"literal": name[1:]} if name.startswith("*") else {"family": name, "given": _GIVEN[name]}
        for name in authors
    ]
    items = [{"id": "a", "type": "book", "title": "T", "author": names}]
    assert _bibliography(style, items) == [expected]


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (", especially chapter 3", "“Mutual Aid”, especially chapter 3."),
        (". Also", "“Mutual Aid.” Also."),
        ("? Yes", "“Mutual Aid?” Yes."),
        (".", "“Mutual Aid”."),
    ],
)
def test_a_cite_suffix_after_a_quoted_title(suffix: str, expected: str) -> None:
    style = _style(
        "<citation><layout suffix='.'><text variable='title' quotes='true'/></layout></citation>"
    )
    items = [{"id": "a", "type": "book", "title": "Mutual Aid"}]
    assert _citation(style, items, [{"id": "a", "suffix": suffix}]) == expected


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [("", "(Doe, 2017a, 148; b)"), ("year-suffix-delimiter='~ '", "(Doe, 2017a, 148~ b)")],
)
def test_a_year_suffix_after_a_cite_with_a_locator(attributes: str, expected: str) -> None:
    style = _style(
        f"<citation disambiguate-add-year-suffix='true' collapse='year-suffix' {attributes}>"
        "<layout prefix='(' suffix=')' delimiter='; '><group delimiter=', '>"
        "<names variable='author'><name form='short'/></names>"
        "<date variable='issued'><date-part name='year'/></date><text variable='locator'/>"
        "</group></layout></citation>"
    )
    items = [
        {
            "id": key,
            "type": "book",
            "title": key,
            "author": [{"family": "Doe"}],
            "issued": {"date-parts": [[2017]]},
        }
        for key in ("a", "b")
    ]
    assert _citation(style, items, [{"id": "a", "locator": "148"}, "b"]) == expected


@pytest.mark.parametrize(
    ("initialize", "expected"),
    [
        ("", ["Okafor, Chidi", "Okafor, Ngozi"]),
        (" initialize-with='. '", ["Okafor, C.", "Okafor, N."]),
    ],
)
def test_an_entry_shows_the_given_names_its_cites_were_given(
    initialize: str, expected: list[str]
) -> None:
    style = _style(
        "<citation disambiguate-add-givenname='true'><layout delimiter='; '><group delimiter=', '>"
        f"<names variable='author'><name form='short'{initialize}/></names>"
        "<date variable='issued'><date-part name='year'/></date></group></layout></citation>"
        "<bibliography><layout><names variable='author'>"
        "<name name-as-sort-order='all' initialize-with='. '/></names></layout></bibliography>"
    )
    items = [
        {
            "id": given,
            "type": "book",
            "author": [{"family": "Okafor", "given": given}],
            "issued": {"date-parts": [[2019]]},
        }
        for given in ("Chidi", "Ngozi")
    ]
    assert _bibliography(style, items) == expected


def test_a_substitute_escaped_twice_is_read_as_its_characters() -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography subsequent-author-substitute='&amp;#8212;&amp;#8212;'>"
        "<layout><group delimiter='. '><names variable='author'><name/></names>"
        "<text variable='title'/></group></layout></bibliography>"
    )
    author = [{"family": "Doe", "given": "Ann"}]
    items = [
        {"id": "a", "type": "book", "title": "First", "author": author},
        {"id": "b", "type": "book", "title": "Second", "author": author},
    ]
    assert _bibliography(style, items) == ["Ann Doe. First", "——. Second"]


@pytest.mark.parametrize(
    ("et_al_min", "use_first", "authors", "expected"),
    [
        # use-first is capped at et-al-min - 2 when the last name is added.
        (7, 6, 8, "A. N1, A. N2, A. N3, A. N4, A. N5, … A. N8"),
        (7, 6, 7, "A. N1, A. N2, A. N3, A. N4, A. N5, … A. N7"),
        (6, 3, 9, "A. N1, A. N2, A. N3, … A. N9"),
        # One name before the ellipsis takes no delimiter.
        (3, 1, 5, "A. N1 … A. N5"),
    ],
)
def test_et_al_use_last(et_al_min: int, use_first: int, authors: int, expected: str) -> None:
    style = _style(
        f"{_TITLE_ONLY}<bibliography et-al-min='{et_al_min}' et-al-use-first='{use_first}'"
        " et-al-use-last='true'><layout><names variable='author'><name initialize-with='.'/>"
        "</names></layout></bibliography>"
    )
    names = [{"family": f"N{n}", "given": "A"} for n in range(1, authors + 1)]
    assert _bibliography(style, [{"id": "a", "type": "book", "author": names}]) == [expected]
