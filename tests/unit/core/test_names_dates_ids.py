from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerref.core.dates import find_year, parse_date
from peerref.core.ids import (
    doi_key,
    doi_of_field,
    find_dois,
    isbn_is_valid,
    issn_is_valid,
    normalise_doi,
    normalise_isbn,
    normalise_issn,
    normalise_pmcid,
    normalise_pmid,
)
from peerref.core.model import Creator, CreatorRole, PartialDate
from peerref.core.names import (
    parse_name,
    parse_name_by_rules,
    parse_names,
    split_names,
    strip_truncation,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Julie Repper", Creator(family="Repper", given="Julie")),
        ("Repper, Julie", Creator(family="Repper", given="Julie")),
        ("Repper J", Creator(family="Repper", given="J.")),
        ("Collopy CM", Creator(family="Collopy", given="C. M.")),
        ("Catherine M Collopy", Creator(family="Collopy", given="Catherine M")),
        ("Sarah J. Parry", Creator(family="Parry", given="Sarah J.")),
        ("Karen Upton-Davis", Creator(family="Upton-Davis", given="Karen")),
        ("Vincent van Gogh", Creator(family="Gogh", given="Vincent", particle="van")),
        ("van Gogh, Vincent", Creator(family="Gogh", given="Vincent", particle="van")),
        ("Gogh, Vincent van", Creator(family="Gogh", given="Vincent", particle="van")),
        ("van der Berg JA", Creator(family="Berg", given="J. A.", particle="van der")),
        ("Ana de la Cruz", Creator(family="Cruz", given="Ana", particle="de la")),
        ("Máire Ó Súilleabháin", Creator(family="Súilleabháin", given="Máire", particle="Ó")),
        ("Ó Súilleabháin M", Creator(family="Súilleabháin", given="M.", particle="Ó")),
        ("CN Okafor", Creator(family="Okafor", given="C. N.")),
        ("Seán Mac Giolla", Creator(family="Giolla", given="Seán", particle="Mac")),
        ("Martin Luther King Jr.", Creator(family="King", given="Martin Luther", suffix="Jr.")),
        ("Daniel De Souza", Creator(family="Souza", given="Daniel De")),
        ("World Health Organization", Creator(literal="World Health Organization")),
        ("NICE", Creator(literal="NICE")),
        ("NHS Education for Scotland", Creator(literal="NHS Education for Scotland")),
        ("Anna Nice", Creator(family="Nice", given="Anna")),
        ("Mhairi Who", Creator(family="Who", given="Mhairi")),
        ("{Mind}", Creator(literal="Mind")),
        ("Benjamin\u00a0Thomas Gray", Creator(family="Gray", given="Benjamin Thomas")),
    ],
)
def test_parse_name(text: str, expected: Creator) -> None:
    assert parse_name(text) == expected


def test_parse_name_keeps_role() -> None:
    assert parse_name("Jane Doe", CreatorRole.EDITOR).role is CreatorRole.EDITOR


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Julie Repper and Emma Watson", ["Julie Repper", "Emma Watson"]),
        (
            "Liza Hopkins, Glenda Pedwell, Katie Wilson and Prunella Howell-Jay",
            ["Liza Hopkins", "Glenda Pedwell", "Katie Wilson", "Prunella Howell-Jay"],
        ),
        ("A One, B Two, and C Three", ["A One", "B Two", "C Three"]),
        ("A One & B Two", ["A One", "B Two"]),
        ("Repper, J.; Watson, E.", ["Repper, J.", "Watson, E."]),
        ("Repper, Julie", ["Repper, Julie"]),
        ("Repper, J. A.", ["Repper, J. A."]),
        ("Simon Lawton-Smith", ["Simon Lawton-Smith"]),
    ],
)
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def test_split_inverted_list() -> None:
    assert split_names("Repper, J., Watson, E.", inverted=True) == ["Repper, J.", "Watson, E."]


def test_truncation_is_detected_and_dropped() -> None:
    assert strip_truncation("A One, B Two …") == ("A One, B Two", True)
    assert strip_truncation("A One, B Two et al.") == ("A One, B Two", True)
    assert strip_truncation("A One") == ("A One", False)
    assert [c.family for c in parse_names("Bernd Puschner, Julie Repper, ...")] == [
        "Puschner",
        "Repper",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 June 2012", PartialDate(2012, 6, 15)),
        ("3 February 2023", PartialDate(2023, 2, 3)),
        ("June 15, 2012", PartialDate(2012, 6, 15)),
        ("2019 Jun 1", PartialDate(2019, 6, 1)),
        ("2019 Jun", PartialDate(2019, 6)),
        ("Jun 2019", PartialDate(2019, 6)),
        ("2020 Sep-Oct", PartialDate(2020, season="Sep-Oct")),
        ("Spring 2019", PartialDate(2019, season="Spring")),
        ("2012", PartialDate(2012)),
        ("2012-06-15", PartialDate(2012, 6, 15)),
        ("2012/06", PartialDate(2012, 6)),
        ("15\u00a0June\u00a02012.", PartialDate(2012, 6, 15)),
    ],
)
def test_parse_date(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "Purpose", "2012-13-01", "32 June 2012", "Smarch 2012"])
def test_parse_date_refuses_non_dates(text: str) -> None:
    assert parse_date(text) is None


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    parse_date(text)


def test_find_year() -> None:
    assert find_year("Psychiatr Serv. 2019 Jun 1;70(6):512-520") == 2019
    assert find_year("no year") is None


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("https://doi.org/10.1108/17556221211236466", "10.1108/17556221211236466"),
        ("http://dx.doi.org/10.1108/ABC.", "10.1108/ABC"),
        ("doi: 10.1176/appi.ps.201800336.", "10.1176/appi.ps.201800336"),
        (
            "https://www.emerald.com/insight/content/doi/10.1108/MHSI-09-2022-0061/full/html",
            "10.1108/MHSI-09-2022-0061/full/html",
        ),
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        ),
        ("doi:10.1000/a{b}c}.", "10.1000/a{b}c"),
        (
            "https://doi.org/10.1002/%28SICI%291097-4571%28199806%2949%3A8%3C693%3A%3A"
            "AID-ASI3%3E3.0.CO%3B2-0",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0",
        ),
        ("10.1000/a%20b", "10.1000/a%20b"),
        ("10.1000/[x]", "10.1000/[x]"),
        ("10.1000/x [doi]", "10.1000/x"),
        ("10.1000/abc def", "10.1000/abc"),
        ("no doi here", ""),
    ],
)
def test_normalise_doi(text: str, doi: str) -> None:
    assert normalise_doi(text) == doi


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1000/abc def", "10.1000/abc def"),
        ("  https://doi.org/10.1000/abc   def. ", "10.1000/abc def"),
        ("10.1000/x (retracted)", "10.1000/x"),
        ("10.1000/x [doi]", "10.1000/x"),
        ("10.1000/x 10.1000/y", "10.1000/x"),
        ("10.1000/x doi:10.1000/y", "10.1000/x"),
        ("see 10.1000/x", "10.1000/x"),
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0",
        ),
    ],
)
def test_doi_of_a_field_keeps_a_space_inside_the_doi(text: str, doi: str) -> None:
    """Issue 17 #9: a field meant for one DOI is read whole, as the DOI Handbook allows."""
    assert doi_of_field(text) == doi


def test_a_sici_doi_is_found_whole_in_free_text_but_not_an_html_tag_after_a_doi() -> None:
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0"
    assert find_dois(f"Journal 49 (8). doi:{sici}. Epub") == [sici]
    assert find_dois("<a>10.1000/x</a> and <10.1000/y>") == ["10.1000/x", "10.1000/y"]


def test_doi_key_ignores_case_and_url_form() -> None:
    assert doi_key("https://doi.org/10.1108/ABC") == doi_key("10.1108/abc")


def test_find_dois_in_text() -> None:
    assert find_dois("see 10.1/x") == []  # registrant codes have at least four digits
    assert find_dois("see 10.1108/x and (doi:10.2000/y), 10.1108/X.") == ["10.1108/x", "10.2000/y"]


def test_issn() -> None:
    assert normalise_issn("ISSN: 1755 6228") == "1755-6228"
    assert issn_is_valid("1755-6228")
    assert issn_is_valid("2042-8308")
    assert not issn_is_valid("1755-6229")
    assert issn_is_valid("0378-5955")
    assert normalise_issn("no") == ""


def test_isbn() -> None:
    assert normalise_isbn("ISBN: 978-1-80382-429-1") == "978-1-80382-429-1"
    assert isbn_is_valid("978-1-80382-429-1")
    assert not isbn_is_valid("978-1-80382-429-2")
    assert isbn_is_valid("0-306-40615-2")
    assert not isbn_is_valid("12345")


def test_pmid_pmcid() -> None:
    assert normalise_pmid("PMID: 31159666") == "31159666"
    assert normalise_pmcid("PMCID: pmc6543210") == "PMC6543210"
    assert normalise_pmcid("none") == ""


def test_year_suffix_continues_past_z() -> None:
    from peerref.core.dates import year_suffix

    assert [year_suffix(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "zz",
        "aaa",
    ]


# Letters of several scripts and cases, and the words that make a name an organisation.
_NAME_WORDS = st.one_of(
    st.text(alphabet="abcdeéøAEÉØŁß李ǅ", min_size=1, max_size=6),
    st.sampled_from(["Julie", "Repper", "JA", "J", "NHS", "Trust", "trust", "von", "Ó", "Mac"]),
)


@given(_NAME_WORDS, _NAME_WORDS)
def test_short_cut_for_given_family_reads_names_as_the_rules_do(
    given_name: str, family: str
) -> None:
    text = f"{given_name} {family}"
    assert parse_name(text) == parse_name_by_rules(text)


@pytest.mark.parametrize(
    "text",
    ["Julie Repper", "Emma MacLeod", "Jean-Paul Dubois", "JA Smith", "Mental Trust", "李 王"],
)
def test_two_word_names_read_the_same_with_or_without_the_short_cut(text: str) -> None:
    assert parse_name(text) == parse_name_by_rules(text)
