"""RIS: reading with Emerald's quirks and what no field takes kept, and export → import."""

from __future__ import annotations

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_matches_golden,
    assert_noise_raises_only_format_error,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.formats._fields import join_pages, split_standard_numbers
from peerref.formats._ris_types import RIS_TYPE_TABLE
from peerref.formats.registry import parse_bytes, parse_text, rank
from peerref.formats.ris import RisReader, RisWriter

DATA = FORMATS_DATA / "ris"
FIXTURES = (
    "emerald_numbered_authors.ris",
    "scopus_style_wrapped.ris",
    "ebscohost_cinahl_psycinfo.ris",
    "cochrane_library.ris",
)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_matches_golden(fixture: str) -> None:
    result = parse_bytes((DATA / fixture).read_bytes())
    assert result.format_name == "ris"
    assert_matches_golden(result, (DATA / fixture).with_suffix(".json"))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_ris_is_ranked_first(fixture: str) -> None:
    text = (DATA / fixture).read_bytes().decode("utf-8-sig")
    assert rank(text)[0][1].name == "ris"


def test_emerald_numbered_tags_are_all_authors_in_order() -> None:
    # The file starts with a byte-order mark and uses CRLF line ends.
    raw = (DATA / "emerald_numbered_authors.ris").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    result = RisReader().read(raw.decode("utf-8"))
    first = result.entries[0].reference
    assert [c.family for c in first.creators] == ["Okafor", "Lindqvist", "Súilleabháin", "Berg"]
    assert {c.role for c in first.creators} == {CreatorRole.AUTHOR}
    assert first.creators[2].particle == "Ó"
    assert first.creators[3].particle == "van der"
    assert len(result.entries) == 3


def test_emerald_ahead_of_print_is_a_status_not_a_volume() -> None:
    result = RisReader().read((DATA / "emerald_numbered_authors.ris").read_text("utf-8-sig"))
    second = result.entries[1].reference
    assert second.status == "ahead-of-print"
    assert second.volume == "" and second.issue == ""


def test_standard_a2_means_editors_outside_emerald() -> None:
    result = RisReader().read((DATA / "scopus_style_wrapped.ris").read_text("utf-8"))
    chapter = result.entries[1].reference
    assert [(c.family, c.role) for c in chapter.creators] == [
        ("Whitfield", CreatorRole.AUTHOR),
        ("Adeyemi", CreatorRole.EDITOR),
        ("Larsen", CreatorRole.EDITOR),
    ]


def test_continuation_lines_wrap_and_blank_lines_make_paragraphs() -> None:
    result = RisReader().read((DATA / "scopus_style_wrapped.ris").read_text("utf-8"))
    ref = result.entries[0].reference
    assert ref.title.endswith("people with long-term psychosis: a pragmatic trial")
    assert [s.heading for s in ref.abstract] == ["Background", "Methods", "Results"]
    assert ref.abstract[0].text.endswith("tested against usual care.")


def test_sn_is_split_by_shape_and_bad_check_digit_warns_but_is_kept() -> None:
    result = RisReader().read((DATA / "scopus_style_wrapped.ris").read_text("utf-8"))
    article, chapter = result.entries
    assert article.reference.issn == ("1361-9322", "1361-9323")
    assert any("1361-9323" in w.message for w in article.warnings)
    assert chapter.reference.isbn == ("9781838674328",)
    assert split_standard_numbers(["978-1-80262-145-7, 1755-6228"]) == (
        ["1755-6228"],
        ["978-1-80262-145-7"],
        [],
    )


def test_dates_pages_doi_and_extras() -> None:
    result = RisReader().read((DATA / "scopus_style_wrapped.ris").read_text("utf-8"))
    ref = result.entries[0].reference
    assert ref.issued == PartialDate(2022, 2, 14)
    assert ref.page == "12-25"
    assert ref.doi == "10.1108/MHRJ-05-2021-0044"
    assert ref.extra["ris:M3"] == "Randomized Controlled Trial"
    assert ref.extra["note"] == "Trial registered before recruitment began."
    assert ref.creators[2].literal == "Mental Health Foundation"
    assert join_pages("149", "152") == "149-152"
    assert join_pages("149-152", "152") == "149-152"


def test_entries_keep_raw_text_and_lines() -> None:
    text = (DATA / "scopus_style_wrapped.ris").read_text("utf-8")
    result = RisReader().read(text)
    lines = text.split("\n")
    for entry in result.entries:
        assert lines[entry.first_line - 1].startswith("TY")
        assert lines[entry.last_line - 1].startswith("ER")
        assert entry.raw_text.splitlines()[0].startswith("TY")


def test_missing_er_and_stray_text_are_reported() -> None:
    text = "Exported from a database\nTY  - JOUR\nTI  - Peer mentors on acute wards\nPY  - 2020\n"
    result = RisReader().read(text)
    assert result.references[0].title == "Peer mentors on acute wards"
    assert {d.line for d in result.skipped} == {1, 2}


def test_unknown_type_is_kept_and_reported() -> None:
    result = RisReader().read("TY  - GRANT\nTI  - Evidence on peer workers\nER  - \n")
    entry = result.entries[0]
    assert entry.reference.type is ReferenceType.OTHER
    assert entry.reference.extra["ris:TY"] == "GRANT"
    assert entry.warnings


def test_a_ris_type_is_read_as_its_csl_type_without_a_warning() -> None:
    text = "TY  - HEAR\nTI  - Evidence on peer workers\nER  - \nTY  - MGZN\nTI  - M\nER  - \n"
    hearing, magazine = RisReader().read(text).entries
    assert hearing.reference.type is ReferenceType.HEARING
    assert magazine.reference.type is ReferenceType.ARTICLE_MAGAZINE
    assert all("ris:TY" not in e.reference.extra for e in (hearing, magazine))
    assert not hearing.warnings and not magazine.warnings


def test_a_second_ris_code_for_the_same_type_is_kept() -> None:
    text = "TY  - EJOUR\nTI  - Online only\nER  - \n"
    (entry,) = RisReader().read(text).entries
    assert entry.reference.type is ReferenceType.ARTICLE_JOURNAL
    assert entry.reference.extra["ris:TY"] == "EJOUR"


@pytest.mark.parametrize("text", ["", "TI  - no record start\n", "plain words"])
def test_no_record_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError):
        RisReader().read(text)


FULL = Reference(
    type=ReferenceType.CHAPTER,
    title="Peer support & recovery: 50% of cases",
    title_short="Peer support & recovery",
    creators=(
        Creator(family="Súilleabháin", given="Máire", particle="Ó"),
        Creator(family="Berg", given="Anneke", particle="van der"),
        Creator(family="King", given="Martin", suffix="Jr"),
        Creator(literal="Mental Health Foundation"),
        Creator(family="Adeyemi", given="Folake", role=CreatorRole.EDITOR),
        Creator(family="Larsen", given="Ingrid", role=CreatorRole.TRANSLATOR),
    ),
    container_title="Lived Experience in Mental Health Practice",
    container_title_short="Lived Exp Ment Health Pract",
    collection_title="Advances in Mental Health and Addiction",
    volume="3",
    issue="2",
    page="45-62",
    issued=PartialDate(2022, 5, 9),
    status="in press",
    publisher="Emerald Publishing Limited",
    publisher_place="Leeds",
    edition="2nd",
    issn=("1755-6228",),
    isbn=("978-1-80262-145-7",),
    doi="10.1108/978-1-80262-145-7-00004",
    pmid="30841843",
    pmcid="PMC6000001",
    url="https://www.emerald.com/insight/content/doi/10.1108/978-1-80262-145-7-00004/full/html",
    language="en",
    abstract=(
        AbstractSection("Purpose", "Why peers staff a crisis line."),
        AbstractSection("Findings", "Callers valued being believed."),
    ),
    keywords=("Peer support", "Crisis"),
    extra={"note": "Read chapter 4 first."},
)


def test_export_then_import_gives_back_every_ris_field() -> None:
    text = RisWriter().write([FULL, Reference(title="Second one", issued=PartialDate(2020))])
    assert not text.startswith("1.")
    back = parse_text(text, "ris").references
    assert len(back) == 2
    assert back[0] == FULL
    assert back[1].title == "Second one" and back[1].year == 2020


def test_tags_and_library_notes_come_back_as_keywords_and_note() -> None:
    ref = FULL.with_changes(id=ReferenceId(7), tags=("NHS", "peer support", "crisis"))
    notes = {ReferenceId(7): ["Compare with *the* pilot.", "Ask Julie about the rota."]}
    back = RisReader().read(RisWriter().write([ref], notes=notes)).references[0]
    # RIS has no tags and no separate notes: they come back in keywords and the note.
    assert back.keywords == ("Peer support", "Crisis", "NHS")
    assert back.extra == {
        "note": "Read chapter 4 first.\n\nCompare with *the* pilot.\n\nAsk Julie about the rota."
    }
    assert back == FULL.with_changes(keywords=back.keywords, extra=back.extra)


def test_tags_are_kw_lines_and_notes_are_n1_lines() -> None:
    ref = Reference(
        id=ReferenceId(3),
        title="Peer support in NHS trusts",
        keywords=("Peer support",),
        tags=("NHS", "peer support"),
    )
    text = RisWriter().write([ref], notes={ReferenceId(3): ["Read **twice**.", "  "]})
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("KW")] == [
        "KW  - Peer support",
        "KW  - NHS",
    ]
    assert [line for line in lines if line.startswith("N1")] == ["N1  - Read **twice**."]
    assert "KW  - NHS" not in RisWriter().write([ref.with_changes(tags=())])


def test_multi_line_note_is_one_n1_with_continuation_lines() -> None:
    ref = Reference(id=ReferenceId(4), title="Peer work")
    text = RisWriter().write([ref], notes={ReferenceId(4): ["Two points:\n\nfirst\nsecond"]})
    assert "N1  - Two points:\n\nfirst\nsecond\n" in text
    assert text.count("N1  -") == 1
    back = RisReader().read(text).references[0]
    assert back.extra == {"note": "Two points:\n\nfirst second"}


def test_source_bookkeeping_in_extra_is_not_exported() -> None:
    ref = Reference(
        title="Peer work",
        extra={
            "emerald-type": "Research Article",
            "emerald-content-type": "Article",
            "pubmed-flags": "MEDLINE",
            "scholar-host": "scholar.google.com",
            "ris:M3": "Randomized Controlled Trial",
            "bibtex:key": "repper2012",
            "csl:id": "item-1",
            "medline:PT": "Journal Article",
            "note": "Keep",
        },
    )
    text = RisWriter().write([ref])
    assert [line for line in text.splitlines() if line.startswith("N1")] == ["N1  - Keep"]
    for leaked in ("emerald", "pubmed", "scholar", "M3", "repper", "item-1", "Journal Article"):
        assert leaked not in text


STRUCTURED = (
    AbstractSection("Purpose", "This paper describes peer support workers in NHS teams."),
    AbstractSection("Design/methodology/approach", "Interviews with 12 peer workers."),
    AbstractSection("Findings", "Peers valued supervision from other peers."),
    AbstractSection("Originality/value", "Few studies ask peer workers themselves."),
)


def test_structured_abstract_has_one_section_per_line_and_no_blank_line() -> None:
    ref = Reference(title="Peer work", abstract=STRUCTURED)
    text = RisWriter().write([ref, Reference(title="Next")])
    record = text.split("ER  -")[0]
    assert "\n\n" not in record
    start = text.splitlines().index(
        "AB  - Purpose: This paper describes peer support workers in NHS teams."
    )
    assert text.splitlines()[start + 1 : start + 4] == [
        "Design/methodology/approach: Interviews with 12 peer workers.",
        "Findings: Peers valued supervision from other peers.",
        "Originality/value: Few studies ask peer workers themselves.",
    ]
    assert RisReader().read(text).references[0].abstract == STRUCTURED


def test_wrapped_abstract_line_starting_with_a_heading_starts_a_section() -> None:
    text = (
        "TY  - JOUR\nTI  - Peer work\nAB  - Background: Peer workers are\n"
        "  new in crisis teams.\nMethods: We interviewed\n  twelve of them.\nER  - \n"
    )
    ref = RisReader().read(text).references[0]
    assert ref.abstract == (
        AbstractSection("Background", "Peer workers are new in crisis teams."),
        AbstractSection("Methods", "We interviewed twelve of them."),
    )


@pytest.mark.parametrize("ref_type", list(ReferenceType))
def test_every_type_survives_the_round_trip(ref_type: ReferenceType) -> None:
    ref = Reference(type=ref_type, title="A title", container_title="A container")
    back = RisReader().read(RisWriter().write([ref])).references[0]
    # A type RIS has no code for (a broadcast, a treaty) comes back as the type it folds to.
    assert back.type in {ref_type, ref_type.folded}
    if ref_type.folded is ref_type or ref_type in {ReferenceType.PATENT, ReferenceType.MAP}:
        assert back.type is ref_type
    written = RisWriter().write([ref]).split()[2]
    if ref_type is ReferenceType.BOOK:
        assert back.collection_title == ""
    elif RIS_TYPE_TABLE[written].container:  # a map or a hearing has no container in RIS
        assert back.container_title == "A container"


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(
        RisReader(), (DATA / "scopus_style_wrapped.ris").read_text("utf-8"), noise, at, cut
    )


def test_internal_bookkeeping_is_not_exported_as_a_note() -> None:
    from peerref.core.model import Reference
    from peerref.formats.registry import writer_named

    ref = Reference(
        title="Peer work",
        extra={"peerref:completed-from-crossref": "2026-11-23 10.1108/x", "note": "Keep"},
    )
    text = writer_named("ris").write([ref])
    assert "peerref:" not in text
    assert "N1  - Keep" in text


# ---------------------------------------------------------------- issue 13: silent losses

REPEATED = DATA / "repeated_tags.ris"


def _repeated() -> list[Reference]:
    return list(RisReader().read(REPEATED.read_text("utf-8")).references)


def test_repeated_tags_fixture_matches_golden() -> None:
    result = parse_text(REPEATED.read_text("utf-8"))
    assert result.format_name == "ris"
    assert_matches_golden(result, REPEATED.with_suffix(".json"))


def test_a_repeated_sn_keeps_every_issn_and_isbn() -> None:
    article, chapter = _repeated()
    assert article.issn == ("2042-8308", "2042-8316")
    assert (chapter.isbn, chapter.issn) == (("978-1-80262-145-7",), ("1755-6228",))


def test_a_month_written_as_a_word_is_read() -> None:
    assert _repeated()[0].issued == PartialDate(2015, 10)
    text = "TY  - JOUR\nTI  - T\nY1  - 2015/Sep/\nER  - \n"
    assert RisReader().read(text).references[0].issued == PartialDate(2015, 9)


def test_da_wins_over_the_deprecated_y1_which_is_kept() -> None:
    chapter = _repeated()[1]
    assert chapter.issued == PartialDate(2022, 3)
    assert chapter.extra["ris:Y1"] == "1900/01/01"


def test_keyword_continuation_lines_are_keywords_of_their_own() -> None:
    assert _repeated()[0].keywords == (
        "Recovery college",
        "Co-production",
        "Peer trainers",
        "Realist review",
    )


def test_jo_beside_a_full_title_is_the_abbreviation_and_other_titles_are_kept() -> None:
    article = _repeated()[0]
    assert article.container_title == "Mental Health and Social Inclusion"
    assert article.container_title_short == "Ment Health Soc Incl"
    assert "ris:JF" not in article.extra  # the same title as T2
    assert article.extra["ris:Y2"] == "2023/01/09"
    other = "TY  - JOUR\nT2  - Mental Health Review\nJF  - Ment Hlth Rev\nER  - \n"
    assert RisReader().read(other).references[0].extra["ris:JF"] == "Ment Hlth Rev"


def test_a_patents_a2_is_not_an_editor() -> None:
    text = "TY  - PAT\nAU  - Okafor, C\nA2  - Mental Health Devices Ltd\nTI  - A device\nER  - \n"
    ref = RisReader().read(text).references[0]
    assert [c.role for c in ref.creators] == [CreatorRole.AUTHOR]
    assert ref.extra["ris:A2"] == "Mental Health Devices Ltd"


# ---------------------------------------------------------------- what A2, T2 … mean per type


def _read_one(text: str) -> Reference:
    return RisReader().read(text).references[0]


def test_a_books_a2_is_its_series_editor_and_a3_its_editor() -> None:
    book = _read_one(
        "TY  - BOOK\nAU  - Repper, Julie\nA2  - Slade, Mike\nA3  - Watson, Emma\n"
        "TI  - Peer Support in Practice\nT2  - Recovery Series\nER  - \n"
    )
    assert [(c.family, c.role) for c in book.creators] == [
        ("Repper", CreatorRole.AUTHOR),
        ("Watson", CreatorRole.EDITOR),
    ]
    assert book.extra["ris:A2"] == "Slade, Mike"  # a series editor: no PeerRef role
    assert (book.collection_title, book.container_title) == ("Recovery Series", "")


def test_an_edited_books_authors_are_its_editors() -> None:
    book = _read_one("TY  - EDBOOK\nAU  - Watson, Emma\nTI  - Lived Experience\nER  - \n")
    assert [(c.family, c.role) for c in book.creators] == [("Watson", CreatorRole.EDITOR)]


def test_a_reports_t2_is_its_series_and_a_thesis_t2_its_department() -> None:
    report = _read_one(
        "TY  - RPRT\nTI  - Peer workers in the NHS\nT2  - Centre for Mental Health Briefings"
        "\nA2  - Bell, Andy\nER  - \n"
    )
    assert report.collection_title == "Centre for Mental Health Briefings"
    assert report.container_title == "" and not report.creators
    thesis = _read_one("TY  - THES\nTI  - Peer support\nT2  - Department of Nursing\nER  - \n")
    assert thesis.container_title == ""
    assert thesis.extra["ris:T2"] == "Department of Nursing"


def test_a_conference_papers_proceedings_and_place_are_c3_and_c1() -> None:
    paper = _read_one(
        "TY  - CONF\nTI  - Peer roles in crisis teams\nT2  - Royal College of Psychiatrists "
        "International Congress\nC3  - Proceedings of the RCPsych Congress 2023\nC1  - London"
        "\nCY  - Liverpool\nA4  - NHS England\nER  - \n"
    )
    assert paper.container_title == "Proceedings of the RCPsych Congress 2023"
    assert paper.publisher_place == "London"
    assert paper.extra["ris:CY"] == "Liverpool"  # where the conference was held
    assert paper.extra["ris:T2"].startswith("Royal College")  # the conference's name
    assert not paper.creators  # A4 is the sponsor here, not a translator


def test_a_journal_issue_in_m1_and_abbreviations_in_j2_and_jo() -> None:
    article = _read_one(
        "TY  - JOUR\nTI  - T\nT2  - BMC Psychiatry\nJ2  - BMC Psychiatry\nM1  - 7\nER  - \n"
    )
    assert (article.issue, article.container_title_short) == ("7", "BMC Psychiatry")
    only_jo = _read_one("TY  - JOUR\nTI  - T\nJO  - Br.J.Psychiatry\nER  - \n")
    assert only_jo.container_title == only_jo.container_title_short == "Br.J.Psychiatry"
    full_jo = _read_one("TY  - JOUR\nTI  - T\nJO  - Psychiatric Services\nER  - \n")
    assert (full_jo.container_title, full_jo.container_title_short) == (
        "Psychiatric Services",
        "",
    )


def test_procite_notes_are_read_as_the_fields_they_name() -> None:
    chapter = _read_one(
        "TY  - CHAP\nN1  - Record ID: 12\nA1  - Okafor, Chidinma\nT1  - Peer work\n"
        "T2  - Lived Experience in Practice\nVL  - 2nd\nN1  - Volume ID: 3\n"
        "N1  - Series Title: Mental Health in Practice\nN1  - Language: English\n"
        "N1  - Place of Publication: Leeds\nN1  - Notes: Read with chapter 2\nER  - \n"
    )
    assert (chapter.edition, chapter.volume) == ("2nd", "3")  # ProCite's VL is the edition
    assert chapter.collection_title == "Mental Health in Practice"
    assert (chapter.language, chapter.publisher_place) == ("English", "Leeds")
    assert chapter.extra["note"] == "Read with chapter 2"
    assert chapter.extra["ris:ID"] == "12"
    plain = _read_one("TY  - JOUR\nTI  - T\nN1  - Language: barely mentioned\nER  - \n")
    assert plain.language == "" and plain.extra["note"] == "Language: barely mentioned"


@pytest.mark.parametrize(
    "ref",
    [
        Reference(
            type=ReferenceType.BOOK,
            title="Peer Support in Practice",
            creators=(
                Creator(family="Repper", given="Julie"),
                Creator(family="Watson", given="Emma", role=CreatorRole.EDITOR),
            ),
            collection_title="Recovery Series",
        ),
        Reference(
            type=ReferenceType.REPORT,
            title="Peer workers in the NHS",
            creators=(Creator(family="Bell", given="Andy", role=CreatorRole.EDITOR),),
            container_title="A container",
            collection_title="Centre for Mental Health Briefings",
        ),
        Reference(
            type=ReferenceType.PAPER_CONFERENCE,
            title="Peer roles in crisis teams",
            container_title="Proceedings of the RCPsych Congress 2023",
            publisher_place="London",
        ),
        Reference(type=ReferenceType.PREPRINT, title="T", container_title="PsyArXiv"),
    ],
    ids=lambda ref: ref.type.value,
)
def test_writing_puts_each_field_where_its_type_reads_it(ref: Reference) -> None:
    assert RisReader().read(RisWriter().write([ref])).references[0] == ref


# ---------------------------------------------------------------- EBSCOhost, Cochrane Library

EBSCO = DATA / "ebscohost_cinahl_psycinfo.ris"
COCHRANE = DATA / "cochrane_library.ris"


def test_ebscohost_export_is_named_with_its_databases() -> None:
    result = parse_text(EBSCO.read_text("utf-8"))
    assert result.format_name == "ris"
    assert result.format_label == "RIS file from EBSCOhost (CINAHL Complete, APA PsycInfo)"


def test_ebscohost_titles_dois_and_abstracts_are_read_without_its_marks() -> None:
    cinahl, psycinfo, chapter = RisReader().read(EBSCO.read_text("utf-8")).references
    assert not cinahl.title.endswith(".") and not chapter.title.endswith(".")
    assert cinahl.doi == "10.1111/jpm.12840"  # from L3
    assert cinahl.abstract_text.endswith("on two of the three wards.")
    assert cinahl.extra["ebsco:abstract-from"] == "author"
    assert cinahl.extra["ris:AB"].startswith("Copyright of")  # the second AB
    assert cinahl.issn == ("1351-0126",)
    assert psycinfo.abstract_text.startswith("Peer mentors who had")  # N2


def test_ebscohosts_database_note_is_read_and_kept_out_of_the_notes() -> None:
    cinahl, psycinfo, chapter = RisReader().read(EBSCO.read_text("utf-8")).references
    assert psycinfo.pmid == "33661028"
    assert psycinfo.language == chapter.language == "English"
    assert "note" not in psycinfo.extra
    assert psycinfo.extra["ris:N1"].startswith("Accession Number: 2021-20418-007.")
    assert cinahl.extra["ris:N1"].startswith("Accession Number: 158800321;")
    assert [c.role for c in chapter.creators] == [
        CreatorRole.AUTHOR,
        CreatorRole.EDITOR,
        CreatorRole.EDITOR,
    ]


def test_cochrane_ris_reads_its_journal_pubmed_number_and_review_number() -> None:
    trial, protocol, review = RisReader().read(COCHRANE.read_text("utf-8")).references
    assert trial.container_title == "The British journal of psychiatry"
    assert trial.container_title_short == ""  # JA holds the full name here
    assert trial.pmid == "33511929"
    assert trial.extra["ris:C3"] == "PUBMED 33511929,EMBASE 2011338471"
    assert trial.page == "330-338"  # U+2010 in the export
    assert trial.keywords[:2] == ("Bipolar Disorder [psychology, therapy]", "Peer Group")
    assert protocol.abstract_text.startswith("Carers of young people")
    assert (review.page, review.issue) == ("CD013582", "4")
    assert review.extra["ris:AN"] == "CD013582"


def test_a_doi_with_a_space_is_kept_whole_with_a_warning_and_a_remark_is_kept_apart() -> None:
    """Issue 17 #9: RIS cut a DOI at a space (the DOI Handbook allows any printable one)."""
    text = (
        "TY  - JOUR\nTI  - Spaced\nDO  - 10.1000/abc def\nER  - \n"
        "TY  - JOUR\nTI  - Remarked\nDO  - 10.1000/xyz (retracted)\nER  - \n"
        "TY  - JOUR\nTI  - SICI\n"
        "DO  - 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0\nER  - \n"
    )
    spaced, remarked, sici = RisReader().read(text).entries
    assert spaced.reference.doi == "10.1000/abc def"
    assert [w.message for w in spaced.warnings] == [
        "the DOI '10.1000/abc def' has a space in it: kept as written, check it"
    ]
    assert remarked.reference.doi == "10.1000/xyz"
    assert remarked.reference.extra["ris:DO"] == "10.1000/xyz (retracted)"
    assert sici.reference.doi == "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0"
    assert "ris:DO" not in sici.reference.extra
