"""The ScienceGate results-page reader: golden fixture pages and one test per field rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    as_csl,
    assert_every_page_has_a_golden_file,
    assert_matches_golden,
    fixture_text,
)

from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError
from peerref.core.model import AbstractSection, Creator, PartialDate, ReferenceType
from peerref.formats import registry
from peerref.formats.base import ParsedEntry
from peerref.formats.sciencegate import (
    NO_TITLE_WARNING,
    TRUNCATED_AUTHORS_WARNING,
    ScienceGateReader,
    split_inline_abstract,
)

DATA_DIR = FORMATS_DATA / "sciencegate"
EMERALD_DATA_DIR = DATA_DIR.parent / "emerald"
READER = ScienceGateReader()
NBSP = "\u00a0"
J = f" ◽{NBSP}"  # how ScienceGate ends a line that another of its kind follows

PURPOSE_ABSTRACT = (
    "Purpose – This paper describes a peer mentoring scheme for young carers. "
    "Design/methodology/approach – Mentors kept diaries for a year. "
    "Findings – Mentors and carers both reported feeling less alone. "
    "Originality/value – Young carers are rarely studied as peer mentors."
)


def make_entry(
    *,
    title: str | None = None,
    year: str = "2016",
    volume: str | None = "Vol 20 (3)",
    pages: str | None = "pp. 149-152",
    authors: tuple[str, ...] = ("Rosa Delgado", "Ahmed Karim"),
    abstract: str | None = PURPOSE_ABSTRACT,
) -> str:
    """One entry written the way ScienceGate's copied page writes it."""
    facts = [year, *(f for f in (volume, pages) if f is not None)]
    lines = [f"{fact}{J}" for fact in facts[:-1]] + [facts[-1]]
    lines.append(f"Author(s):{NBSP}")
    lines += [f"{name}{J}" for name in authors[:-1]] + list(authors[-1:])
    text = "\n".join(lines) + "\n"
    if title is not None:
        text = f"{title}\n\n{text}"
    if abstract is not None:
        text += f"\n{abstract}\n\n\n"
    return text


def read_all(text: str) -> tuple[ParsedEntry, ...]:
    return READER.read(text).entries


def read_one(text: str) -> ParsedEntry:
    entries = read_all(text)
    assert len(entries) == 1
    return entries[0]


# --- golden fixture pages -----------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(DATA_DIR.glob("*.txt")), ids=lambda p: p.stem)
def test_fixture_page_matches_its_golden_csl_json(page: Path) -> None:
    assert_matches_golden(READER.read(fixture_text(page)), page.with_suffix(".expected.json"))


def test_every_fixture_page_has_a_golden_file() -> None:
    assert_every_page_has_a_golden_file(DATA_DIR)


def test_crlf_fixture_really_has_windows_line_endings_and_nbsp() -> None:
    data = (DATA_DIR / "crlf.txt").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 0
    assert NBSP.encode() in data


def test_titles_fixture_tells_titles_from_abstract_paragraphs() -> None:
    entries = read_all(fixture_text(DATA_DIR / "titles.txt"))
    assert [e.reference.title for e in entries] == [
        "Peer Support Workers in Acute Inpatient Settings: A Scoping Review",
        "Recovery Narratives and the Limits of Storytelling",
        "What Peer Workers Do on a Ward?",
        "",
        "",
        "",
    ]
    assert [(e.first_line, e.last_line) for e in entries] == [
        (1, 9),
        (10, 18),
        (21, 32),
        (35, 43),
        (44, 50),
        (52, 54),
    ]
    # The short closing paragraph stays with its abstract, not with the next entry.
    assert entries[3].reference.abstract[0].text.endswith("short and complete.")


# --- field rules --------------------------------------------------------------------------


def test_year_volume_issue_and_pages() -> None:
    ref = read_one(make_entry()).reference
    assert ref.issued == PartialDate(2016)
    assert (ref.volume, ref.issue, ref.page) == ("20", "3", "149-152")
    assert ref.type is ReferenceType.ARTICLE_JOURNAL


def test_journal_name_is_not_in_the_page_so_container_stays_empty() -> None:
    assert read_one(make_entry()).reference.container_title == ""


def test_volume_without_issue_and_entry_without_volume_or_pages() -> None:
    first, second = read_all(
        make_entry(volume="Vol 7", pages=None) + make_entry(volume=None, pages=None)
    )
    assert (first.reference.volume, first.reference.issue) == ("7", "")
    assert (second.reference.volume, second.reference.page) == ("", "")


def test_page_range_with_en_dash_is_normalised() -> None:
    assert read_one(make_entry(pages="pp. 35–44")).reference.page == "35-44"


def test_authors_one_per_line_joined_by_the_square() -> None:
    authors = ("Hannah Whitfield", "Kwame Asante", "Laura van der Berg")
    ref = read_one(make_entry(authors=authors)).reference
    assert ref.creators == (
        Creator(family="Whitfield", given="Hannah"),
        Creator(family="Asante", given="Kwame"),
        Creator(family="Berg", given="Laura", particle="van der"),
    )
    assert ref.truncated == frozenset()


def test_initials_in_author_names() -> None:
    ref = read_one(make_entry(authors=("Catherine M Byrne", "Sarah J. Quinn"))).reference
    assert ref.creators == (
        Creator(family="Byrne", given="Catherine M"),
        Creator(family="Quinn", given="Sarah J."),
    )


def test_trailing_dots_mean_more_authors_not_an_author() -> None:
    entry = read_one(make_entry(authors=("Isla Drummond", "Tariq Mahmood", "..."), abstract=None))
    assert [c.family for c in entry.reference.creators] == ["Drummond", "Mahmood"]
    assert entry.reference.truncated == frozenset({"author"})
    assert TRUNCATED_AUTHORS_WARNING in [w.message for w in entry.warnings]


def test_author_list_ends_at_a_line_without_the_square_even_with_no_blank_line() -> None:
    text = make_entry(authors=("Rosa Delgado",), abstract=None) + make_entry(year="2014")
    first, second = read_all(text)
    assert [c.family for c in first.reference.creators] == ["Delgado"]
    assert first.reference.title == ""
    assert second.reference.issued == PartialDate(2014)


def test_inline_emerald_style_abstract_is_split_into_sections() -> None:
    ref = read_one(make_entry()).reference
    assert ref.abstract == (
        AbstractSection(
            "Purpose", "This paper describes a peer mentoring scheme for young carers."
        ),
        AbstractSection("Design/methodology/approach", "Mentors kept diaries for a year."),
        AbstractSection("Findings", "Mentors and carers both reported feeling less alone."),
        AbstractSection("Originality/value", "Young carers are rarely studied as peer mentors."),
    )


def test_heading_after_a_sentence_without_full_stop_still_splits() -> None:
    text = "Purpose – Aims were set Findings – Results were found."
    assert split_inline_abstract(text) == (
        AbstractSection("Purpose", "Aims were set"),
        AbstractSection("Findings", "Results were found."),
    )


def test_dash_inside_a_section_is_text() -> None:
    text = "Purpose – Services – in particular small ones – struggle. Findings – They cope."
    assert split_inline_abstract(text) == (
        AbstractSection("Purpose", "Services – in particular small ones – struggle."),
        AbstractSection("Findings", "They cope."),
    )


def test_abstract_label_with_colon_headings_glued_to_the_previous_sentence() -> None:
    abstract = (
        "Abstract Background: Roles are loosely defined.Methods: We observed four wards. "
        "Results: Peers talked with patients. Conclusions: Name this as core work."
    )
    ref = read_one(make_entry(abstract=abstract)).reference
    assert ref.abstract == (
        AbstractSection("Background", "Roles are loosely defined."),
        AbstractSection("Methods", "We observed four wards."),
        AbstractSection("Results", "Peers talked with patients."),
        AbstractSection("Conclusions", "Name this as core work."),
    )


def test_plain_abstract_is_one_section_and_a_colon_in_prose_does_not_split_it() -> None:
    abstract = "Services grew quickly. Results: mixed, as the survey shows in its tables."
    ref = read_one(make_entry(abstract=abstract)).reference
    assert ref.abstract == (AbstractSection("", abstract),)


def test_abstract_label_before_plain_prose_is_dropped() -> None:
    ref = read_one(make_entry(abstract="Abstract This survey covers Wales.")).reference
    assert ref.abstract == (AbstractSection("", "This survey covers Wales."),)


def test_non_breaking_spaces_never_reach_field_values() -> None:
    abstract = f"Purpose{NBSP}– A{NBSP}scheme for carers. Findings – Less{NBSP}{NBSP}alone."
    text = make_entry(
        title=f"Peer{NBSP}Mentoring for Young Carers",
        authors=(f"Rosa{NBSP}Delgado",),
        volume=f"Vol{NBSP}10{NBSP}(2)",
        abstract=abstract,
    )
    ref = read_one(text).reference
    dumped = json.dumps(reference_to_csl(ref), ensure_ascii=False)
    assert NBSP not in dumped
    assert "◽" not in dumped
    assert ref.title == "Peer Mentoring for Young Carers"
    assert ref.abstract[1] == AbstractSection("Findings", "Less alone.")


def test_footer_chrome_is_dropped_and_ends_the_entry() -> None:
    text = (
        make_entry(abstract=None)
        + "\nSign in / Sign up\n\nExport Citation Format\n\nShare Document\n\nStray words"
    )
    result = READER.read(text)
    assert len(result.entries) == 1
    dumped = json.dumps(as_csl(result))
    for chrome in ("Sign in", "Export Citation", "Share Document", "Stray"):
        assert chrome not in dumped
    assert [d.message for d in result.skipped] == [
        f"skipped line {len(text.split(chr(10)))}: not part of a ScienceGate entry"
    ]


# --- titles and the last paragraph of the previous abstract ------------------------------


def test_title_of_the_first_entry() -> None:
    entry = read_one(make_entry(title="Peer Support Among Carers"))
    assert entry.reference.title == "Peer Support Among Carers"
    assert entry.first_line == 1
    assert NO_TITLE_WARNING not in [w.message for w in entry.warnings]


def test_entry_without_title_says_so() -> None:
    entry = read_one(make_entry())
    assert entry.reference.title == ""
    assert entry.warnings[0].message == NO_TITLE_WARNING


def test_title_after_the_two_blank_lines_that_close_an_abstract() -> None:
    text = make_entry() + make_entry(title="Peer Support and Employment Outcomes", year="2023")
    first, second = read_all(text)
    assert second.reference.title == "Peer Support and Employment Outcomes"
    assert first.reference.abstract[-1].text.endswith("as peer mentors.")
    assert "Employment" not in first.reference.abstract_text


def test_title_directly_under_the_previous_author_list() -> None:
    text = make_entry(abstract=None) + make_entry(title="Recovery Narratives", year="2018")
    first, second = read_all(text)
    assert first.reference.title == ""
    assert second.reference.title == "Recovery Narratives"
    assert first.reference.abstract == ()


def test_last_abstract_paragraph_one_blank_line_above_a_year_stays_in_the_abstract() -> None:
    closing = "A closing paragraph that ends like a sentence and belongs to the abstract."
    text = make_entry(abstract=f"Opening paragraph of prose.\n\n{closing}").rstrip("\n")
    text += "\n\n" + make_entry(year="2019")
    first, second = read_all(text)
    assert second.reference.title == ""
    assert first.reference.abstract == (
        AbstractSection("", f"Opening paragraph of prose.\n{closing}"),
    )


def test_short_paragraph_two_blank_lines_above_a_year_is_not_a_title() -> None:
    text = make_entry(abstract="First paragraph.\n\nA short closing line without a stop")
    text += make_entry(year="2019")
    first, second = read_all(text)
    assert second.reference.title == ""
    assert first.reference.abstract[0].text.endswith("without a stop")


def test_short_unpunctuated_line_one_blank_above_a_year_is_a_title() -> None:
    text = make_entry(abstract="Opening paragraph of prose.").rstrip("\n")
    text += "\n\nWhat Comes Next for Peer Work?\n\n" + make_entry(year="2019")
    first, second = read_all(text)
    assert second.reference.title == "What Comes Next for Peer Work?"
    assert first.reference.abstract == (AbstractSection("", "Opening paragraph of prose."),)


def test_long_sentence_paragraph_after_two_blank_lines_is_not_a_title() -> None:
    paragraph = "This is a sentence of an abstract. " * 12
    text = make_entry() + paragraph.strip() + "\n\n" + make_entry(year="2019")
    first, second = read_all(text)
    assert second.reference.title == ""
    assert first.reference.abstract_text.endswith("sentence of an abstract.")


def test_bare_year_starts_an_entry_only_with_entry_facts_below_it() -> None:
    bare = make_entry().replace(f"2016{J}", "2016")
    assert read_one(bare).reference.issued == PartialDate(2016)
    prose = make_entry(abstract="An abstract paragraph.\n2019\nAnother line of text.")
    entry = read_one(prose)
    assert "2019" in entry.reference.abstract_text


def test_ahead_of_print_volume_is_a_status() -> None:
    ref = read_one(make_entry(volume="Vol ahead-of-print")).reference
    assert (ref.volume, ref.status) == ("", "ahead-of-print")


def test_line_numbers_and_raw_text_point_at_the_entry() -> None:
    text = make_entry(title="Peer Mentoring") + make_entry(year="2014")
    lines = text.split("\n")
    first, second = read_all(text)
    assert (first.first_line, lines[first.first_line - 1]) == (1, "Peer Mentoring")
    assert lines[second.first_line - 1] == f"2014{J}"
    for entry in (first, second):
        assert entry.raw_text == "\n".join(lines[entry.first_line - 1 : entry.last_line])
    assert second.raw_text.endswith("peer mentors.")


def test_crlf_and_lf_pages_give_the_same_references() -> None:
    text = make_entry(title="Peer Mentoring") + make_entry(year="2014", authors=("Ana Ruiz",))
    lf = READER.read(text)
    crlf = READER.read(text.replace("\n", "\r\n"))
    assert crlf.references == lf.references
    assert [e.raw_text for e in crlf.entries] == [e.raw_text for e in lf.entries]


def test_text_without_entries_raises_format_error() -> None:
    with pytest.raises(FormatError, match="no ScienceGate entries"):
        READER.read("A paragraph of prose.\n\n2016 was a good year.")


def test_sniff_recognises_sciencegate_and_nothing_else() -> None:
    assert READER.sniff(make_entry()) >= 0.9
    assert READER.sniff("Plain prose about peer support.") == 0.0
    for page in EMERALD_DATA_DIR.glob("*.txt"):
        assert READER.sniff(fixture_text(page)) == 0.0


def test_registry_picks_sciencegate_for_a_sciencegate_page() -> None:
    result = registry.parse_text(fixture_text(DATA_DIR / "titles.txt"))
    assert result.format_name == "sciencegate"
    assert len(result.entries) == 6
