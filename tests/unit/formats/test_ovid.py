"""Ovid exports: PsycINFO, MEDLINE and Embase through Ovid, tagged and long-label forms."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    assert_not_taken_by,
    fixture_text,
    fixtures_of_other_formats,
    splice_noise_fuzz,
)

from peerref.cli import main as cli_main
from peerref.core.errors import FormatError
from peerref.core.model import CreatorRole, PartialDate, ReferenceType
from peerref.formats.ovid import (
    OvidReader,
    clean_title,
    parse_article_source,
    parse_book_source,
    source_date,
)
from peerref.formats.registry import parse_bytes, parse_text, rank

DATA = FORMATS_DATA / "ovid"
FIXTURES = sorted(DATA.glob("*.txt"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_are_detected_and_match_golden(path: Path) -> None:
    assert_detected_and_matches_golden(fixture_text(path), "ovid", path.with_suffix(".json"))


def test_psycinfo_article_fields_come_from_their_own_tags() -> None:
    result = OvidReader().read(fixture_text(DATA / "psycinfo.txt"))
    entry = result.entries[0]
    ref = entry.reference
    assert ref.title.endswith("role clarity and burnout")  # "[References]." is not the title
    assert ref.extra["ovid:TI"] == "[References]"
    assert ref.container_title == "Psychiatric Rehabilitation Journal"
    assert (ref.volume, ref.issue, ref.page) == ("45", "2", "141-152")
    assert ref.issued == PartialDate(2022, 6)
    assert ref.issn == ("1095-158X", "1559-3126")
    assert (ref.doi, ref.pmid) == ("10.1037/prj0000512", "35389709")
    assert ref.extra["database"] == "APA PsycInfo"
    assert [s.heading for s in ref.abstract] == ["Objective", "Method", "Results", "Conclusions"]
    assert "Peer Counseling" in ref.keywords and "burnout" in ref.keywords
    assert ref.creators[2].particle == "Ó"
    # The search history above the first record is not a record, and is said so.
    assert result.skipped[0].line == 1 and "not an Ovid record" in result.skipped[0].message
    assert entry.first_line == 8


def test_psycinfo_chapter_takes_book_editors_and_place_from_the_citation() -> None:
    ref = OvidReader().read(fixture_text(DATA / "psycinfo.txt")).entries[1].reference
    assert ref.type is ReferenceType.CHAPTER  # DT "Chapter" wins over PT "Book"
    assert ref.container_title == "Peer support in mental health services: Principles and practice"
    editors = [c.family for c in ref.creators if c.role is CreatorRole.EDITOR]
    assert editors == ["Repper", "Perkins"]
    assert ref.page == "201-219"
    assert ref.publisher_place == "Abingdon, United Kingdom"
    assert ref.isbn == ("978-1-032-45678-2", "978-0-367-33412-3")
    assert "(Paperback)" in ref.extra["ovid:IB"]  # the bindings are kept


def test_a_dissertation_is_published_by_its_university() -> None:
    ref = OvidReader().read(fixture_text(DATA / "psycinfo.txt")).entries[2].reference
    assert ref.type is ReferenceType.THESIS
    assert ref.publisher == "University of Glasgow, Scotland"
    assert ref.extra["ovid:PU"] == "ProQuest Information & Learning; US"
    assert ref.page == ""
    assert ref.extra["ovid:PG"] == "No Pagination Specified"


def test_medline_embase_and_journals_at_ovid() -> None:
    medline, embase, journals = (
        e.reference for e in OvidReader().read(fixture_text(DATA / "medline_embase.txt")).entries
    )
    assert [c.given for c in medline.creators] == ["Julie", "Tim"]  # FA over AU
    assert medline.pmid == "33657312"  # Ovid MEDLINE's UI is the PMID
    assert medline.page == "150-157"  # NLM's "150-7" written out
    assert medline.issn == ("0963-8237", "1360-0567")
    assert medline.extra["ovid:ED"] == "20210601"  # an entry date, not an editor
    assert [s.heading for s in medline.abstract][:2] == ["Background", "Aims"]
    assert embase.page == "402"  # "Article Number: 402"
    assert embase.issued == PartialDate(2020, 8, 12)
    assert "peer group" in embase.keywords  # Emtree terms, the star dropped
    assert [c.given for c in journals.creators] == ["Matthew", "Sharon", "Rachel L."]
    assert "Bachrach, Rachel L. PhD, MSW *" in journals.extra["ovid:AU"]
    assert journals.issued == PartialDate(2022, 1)
    assert journals.language == "English"
    assert [s.heading for s in journals.abstract] == ["Objective", "Methods", "Results"]


def test_long_label_display_export() -> None:
    first, second = (
        e.reference
        for e in OvidReader().read(fixture_text(DATA / "display_long_labels.txt")).entries
    )
    assert [c.family for c in first.creators] == ["Watson", "Meddings"]
    assert first.doi == "10.1108/MHSI-07-2019-0018"
    assert first.extra["ovid:Entry Date"] == "20191209"
    assert [s.heading for s in first.abstract] == ["Purpose", "Findings"]
    assert second.container_title == "Psychiatric Services"
    assert (second.volume, second.issue, second.page) == ("70", "10", "913-920")


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        (
            "Psychiatric Services. Vol.70(10), Oct 2019, pp. 913-920.",
            ("Psychiatric Services", "70", "10", "913-920", PartialDate(2019, 10)),
        ),
        (
            "Psychiatric Services January/February 2022;73(1):45-52",
            (
                "Psychiatric Services",
                "73",
                "1",
                "45-52",
                PartialDate(2022, season="January/February"),
            ),
        ),
        (
            "Journal of Mental Health. 30(2):150-7, 2021 Apr.",
            ("Journal of Mental Health", "30", "2", "150-157", PartialDate(2021, 4)),
        ),
        (
            "Community Mental Health Journal. 2019 12 March; 301-309.",
            ("Community Mental Health Journal", "", "", "301-309", PartialDate(2019, 3, 12)),
        ),
        (
            "Mental Health Review Journal 26, Winter 2021: 12-19.",
            ("Mental Health Review Journal", "26", "", "12-19", PartialDate(2021, season="Winter")),
        ),
        (
            "BMC Psychiatry. 20 (1) (pp 1-9), 2020. Date of Publication: 12 Aug 2020.",
            ("BMC Psychiatry", "20", "1", "1-9", PartialDate(2020, 8, 12)),
        ),
    ],
)
def test_each_databases_citation_line(citation: str, expected: tuple[object, ...]) -> None:
    source = parse_article_source(citation)
    assert (source.container, source.volume, source.issue, source.page, source.date) == expected


def test_a_chapter_citation_with_editors_in_brackets() -> None:
    source = parse_book_source(
        "Repper, Julie [Editor, Reprint Author], Perkins, Rachel [Editor]. Peer support in "
        "practice.:59-74, 2018. Series Information:  Recovery in Practice.",
        "",
    )
    assert source.editors == ["Repper, Julie", "Perkins, Rachel"]
    assert (source.book_title, source.page, source.series) == (
        "Peer support in practice",
        "59-74",
        "Recovery in Practice",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov. 16, 2004", PartialDate(2004, 11, 16)),
        ("2021 03", PartialDate(2021, 3)),
        ("Sep-Oct 2020", PartialDate(2020, season="Sep-Oct")),
        ("not a date", None),
    ],
)
def test_source_dates(text: str, expected: PartialDate | None) -> None:
    assert source_date(text) == expected


def test_titles_lose_ovids_labels_only() -> None:
    assert clean_title("Peer work. [Editorial].") == ("Peer work", "[Editorial]")
    assert clean_title('"Nothing about us without us".  [Article]') == (
        "Nothing about us without us",
        "[Article]",
    )
    assert clean_title("[Peer support in Norway: a survey.]") == (
        "[Peer support in Norway: a survey.]",
        "",
    )


def test_names_lose_degrees_markers_and_brackets_but_keep_initials() -> None:
    text = (
        "<1. >\nVN  - Ovid Technologies\nDB  - BIOSIS Previews\n"
        "AU  - Werner, S. M. [Author, Reprint Author; E-mail: s.werner@example.org]\n"
        "AU  - AHMED, Mughees.\nAU  - Shedko, MB\nAU  - Gazic, Barbara MD, PhD *\n"
        "TI  - Peer mentors.\nYR  - 2004\n"
    )
    ref = OvidReader().read(text).entries[0].reference
    assert [(c.family, c.given) for c in ref.creators] == [
        ("Werner", "S. M."),
        ("Ahmed", "Mughees"),
        ("Shedko", "M. B."),
        ("Gazic", "Barbara"),
    ]
    assert "s.werner@example.org" in ref.extra["ovid:AU"]


def test_ovids_own_ris_export_is_ris() -> None:
    ris = "TY  - JOUR\nDB  - Ovid MEDLINE(R)\nVN  - Ovid Technologies\nTI  - Peer work\nER  - \n"
    assert OvidReader().sniff(ris) == 0.0
    assert parse_text(ris).format_name == "ris"


def test_a_version_line_starts_a_record_without_a_number() -> None:
    text = "VN  - Ovid Technologies\nTI  - First\n\nVN  - Ovid Technologies\nTI  - Second\n"
    assert [r.title for r in OvidReader().read(text).references] == ["First", "Second"]


def test_crlf_and_a_byte_order_mark_read_alike() -> None:
    text = fixture_text(DATA / "medline_embase.txt")
    crlf = parse_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert crlf.references == parse_text(text).references


def test_no_record_is_a_format_error_saying_what_a_record_looks_like() -> None:
    with pytest.raises(FormatError, match="VN  - Ovid Technologies"):
        OvidReader().read("<1. >\nsomething else entirely\n")


@pytest.mark.parametrize(
    "path", fixtures_of_other_formats("ovid"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_other_formats_fixtures_are_not_taken_for_ovid(path: Path) -> None:
    assert_not_taken_by(OvidReader(), path)


def test_cli_parse_names_the_format(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(
        ["--library", str(tmp_path / "lib.sqlite"), "parse", str(DATA / "psycinfo.txt")],
        stdout=out,
        stderr=err,
    )
    assert code == 0
    assert "Ovid export (PsycINFO, MEDLINE, Embase): 3 reference(s) found" in err.getvalue()


def test_ranks_first_for_each_fixture() -> None:
    for path in FIXTURES:
        assert rank(fixture_text(path))[0][1].name == "ovid", path.name


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    page = fixture_text(DATA / "medline_embase.txt")
    assert_noise_raises_only_format_error(OvidReader(), page, noise, at, cut)
