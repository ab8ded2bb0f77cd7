"""BibTeX: LaTeX decoding on import, stable keys and escaping on export, round trips."""

from __future__ import annotations

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
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
from peerref.formats.bibtex import (
    BibtexReader,
    BibtexWriter,
    citation_keys,
    escape_latex,
    insert_missing_commas,
)
from peerref.formats.registry import parse_bytes, parse_text

DATA = FORMATS_DATA / "bibtex"
FIXTURE = DATA / "zotero_style_export.bib"


def test_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        FIXTURE.read_text("utf-8"), "bibtex", FIXTURE.with_suffix(".json")
    )


def test_latex_accents_and_escapes_are_decoded() -> None:
    result = BibtexReader().read(FIXTURE.read_text("utf-8"))
    article, chapter, _thesis = result.references
    assert article.creators[2] == Creator(family="Súilleabháin", given="Máire", particle="Ó")
    assert article.creators[3].particle == "van der"
    assert chapter.creators[1] == Creator(family="Müller", given="Jörg")
    assert chapter.creators[2] == Creator(literal="Mental Health Foundation")
    assert chapter.creators[3].role is CreatorRole.EDITOR
    assert chapter.title == "Peer work in crisis services & the 24% who call back"
    # Braces that protect capitals are not part of the title.
    assert article.title.endswith("their first year on a community team")


def test_string_macros_months_pages_and_paragraphs() -> None:
    article = BibtexReader().read(FIXTURE.read_text("utf-8")).references[0]
    assert (
        article.container_title == "The Journal of Mental Health Training, Education and Practice"
    )
    assert article.issued == PartialDate(2021, 6)
    assert article.page == "233-247"
    assert [s.heading for s in article.abstract] == ["Purpose", "Findings"]
    assert article.abstract[0].text.endswith(
        "turn their own experience into part of their practice."
    )


def test_url_is_not_cut_at_percent_and_unescaped() -> None:
    article = BibtexReader().read(FIXTURE.read_text("utf-8")).references[0]
    assert article.url.endswith("/full/html?utm_source=x%20y")


def test_thesis_school_and_iso_date() -> None:
    thesis = BibtexReader().read(FIXTURE.read_text("utf-8")).references[2]
    assert thesis.type is ReferenceType.THESIS
    assert thesis.publisher == "University of Leeds"
    assert thesis.issued == PartialDate(2020, 9, 30)


def test_broken_entry_is_skipped_with_its_line_and_others_kept() -> None:
    result = BibtexReader().read(FIXTURE.read_text("utf-8"))
    assert len(result.entries) == 3
    assert [d.line for d in result.skipped] == [46]
    assert "end of file" in result.skipped[0].message.casefold()


def test_duplicate_keys_do_not_lose_entries() -> None:
    text = "@article{same, title={First peer study}}\n@article{same, title={Second peer study}}\n"
    result = BibtexReader().read(text)
    assert [r.title for r in result.references] == ["First peer study", "Second peer study"]
    assert result.entries[1].warnings


def test_entry_lines_and_raw_text() -> None:
    result = BibtexReader().read(FIXTURE.read_text("utf-8"))
    assert [(e.first_line, e.last_line) for e in result.entries] == [(4, 21), (23, 36), (38, 44)]
    assert result.entries[0].raw_text.startswith("@article{okafor2021shared,")


@pytest.mark.parametrize("text", ["", "no entries here", "@comment{just a comment}"])
def test_nothing_to_read_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError):
        BibtexReader().read(text)


def _ref(family: str, year: int, title: str) -> Reference:
    return Reference(title=title, creators=(Creator(family=family),), issued=PartialDate(year))


def test_citation_keys_are_unique_and_stable_whatever_the_order() -> None:
    refs = [
        _ref("Repper", 2012, "Peer support workers: theory and practice"),
        _ref("Repper", 2012, "Peer support workers: a practical guide"),
        _ref("Ó Súilleabháin", 2020, "Recovery"),
        Reference(
            title="Untitled-year guide", creators=(Creator(literal="World Health Organization"),)
        ),
        Reference(),
    ]
    keys = citation_keys(refs)
    assert keys == ["repper2012b", "repper2012a", "osuilleabhain2020", "worldnd", "anonnd"]
    assert citation_keys(list(reversed(refs))) == list(reversed(keys))
    assert citation_keys(refs) == keys


def test_escaping_of_latex_specials() -> None:
    assert escape_latex("A & B 50% $5 #1 a_b {x} ~ ^ \\") == (
        r"A \& B 50\% \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


FULL = Reference(
    type=ReferenceType.ARTICLE_JOURNAL,
    title="Peer support & recovery: 50% of {cases} with a_b, ~x^2 and \\ slashes",
    title_short="Peer support & recovery",
    creators=(
        Creator(family="Súilleabháin", given="Máire", particle="Ó"),
        Creator(family="Berg", given="Anneke", particle="van der"),
        Creator(family="King", given="Martin", suffix="Jr"),
        Creator(family="Antón i Clavé", given="Salvador"),
        Creator(literal="Mental Health Foundation"),
        Creator(family="Adeyemi", given="Folake", role=CreatorRole.EDITOR),
        Creator(family="Larsen", given="Ingrid", role=CreatorRole.TRANSLATOR),
    ),
    container_title="The Journal of Mental Health Training, Education and Practice",
    container_title_short="J Ment Health Train Educ Pract",
    collection_title="Peer Work Series",
    volume="16",
    issue="4",
    page="233-247",
    issued=PartialDate(2021, 6, 15),
    status="forthcoming",
    publisher="Emerald Publishing Limited",
    publisher_place="Bingley",
    edition="2",
    issn=("1755-6228",),
    isbn=("978-1-80262-145-7",),
    doi="10.1108/JMHTEP-03-2021-0031",
    pmid="30841843",
    pmcid="PMC6000001",
    url="https://example.org/peer?q=a%20b&x=1",
    language="english",
    abstract=(
        AbstractSection("Purpose", "Why peers & clinicians differ."),
        AbstractSection("Findings", "Trust grew over 12 months."),
    ),
    keywords=("Peer support", "Lived experience"),
    extra={"note": "Shared by a colleague."},
)


def test_export_then_import_gives_back_every_bibtex_field() -> None:
    text = BibtexWriter().write([FULL])
    assert text.startswith("@article{suilleabhain2021,")  # family name without particle
    back = parse_text(text, "bibtex").references[0]
    assert back.extra == {"bibtex:key": "suilleabhain2021", "note": "Shared by a colleague."}
    assert back.with_changes(extra={}) == FULL.with_changes(extra={})


def test_tags_and_library_notes_come_back_as_keywords_and_note() -> None:
    ref = FULL.with_changes(id=ReferenceId(5), tags=("NHS", "lived EXPERIENCE"))
    notes = {ReferenceId(5): ["Compare with 50% of *the* pilot & the trial.", ""]}
    text = BibtexWriter().write([ref], notes=notes)
    assert "keywords = {Peer support, Lived experience, NHS}" in text
    assert (
        "note = {Shared by a colleague.\n\nCompare with 50\\% of *the* pilot \\& the trial.}"
        in text
    )
    back = parse_text(text, "bibtex").references[0]
    assert back.keywords == ("Peer support", "Lived experience", "NHS")
    assert back.extra["note"] == (
        "Shared by a colleague.\n\nCompare with 50% of *the* pilot & the trial."
    )
    assert back.with_changes(extra={}) == FULL.with_changes(keywords=back.keywords, extra={})


def test_keywords_holding_a_comma_are_separated_by_semicolons() -> None:
    ref = Reference(title="Peer work", keywords=("Health, mental",), tags=("NHS",))
    back = BibtexReader().read(BibtexWriter().write([ref])).references[0]
    assert back.keywords == ("Health, mental", "NHS")


def test_source_bookkeeping_in_extra_is_not_exported() -> None:
    ref = Reference(
        title="Peer work",
        extra={
            "emerald-type": "Research Article",
            "pubmed-flags": "MEDLINE",
            "ris:M3": "Randomized Controlled Trial",
            "bibtex:key": "old2012",
            "note": "Keep",
        },
    )
    text = BibtexWriter().write([ref])
    assert "note = {Keep}" in text
    for leaked in ("Research Article", "MEDLINE", "Randomized", "old2012"):
        assert leaked not in text


@pytest.mark.parametrize("ref_type", list(ReferenceType))
def test_every_type_survives_the_round_trip(ref_type: ReferenceType) -> None:
    ref = Reference(type=ref_type, title="A title", publisher="A publisher")
    back = BibtexReader().read(BibtexWriter().write([ref])).references[0]
    # BibTeX knows the ten core types; the others come back as the type they fold to.
    assert back.type is ref_type.folded
    assert back.publisher == "A publisher"


def test_writer_output_is_stable() -> None:
    refs = BibtexReader().read(FIXTURE.read_text("utf-8")).references
    assert BibtexWriter().write(refs) == BibtexWriter().write(refs)


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(
        BibtexReader(), FIXTURE.read_text("utf-8"), noise, at, cut
    )


# ---------------------------------------------------------------- issue 13: silent losses

HAND_WRITTEN = DATA / "hand_written.bib"


def test_hand_written_fixture_matches_golden() -> None:
    assert_detected_and_matches_golden(
        HAND_WRITTEN.read_text("utf-8"), "bibtex", HAND_WRITTEN.with_suffix(".json")
    )


@pytest.mark.parametrize("name", ["AUTHOR", "Author", "aUtHoR"])
def test_field_names_in_any_case_keep_their_authors(name: str) -> None:
    text = (
        f"@Article{{k,\n  {name} = {{Repper, Julie and Watson, Emma}},\n  TITLE = {{Peers}}\n}}\n"
    )
    ref = BibtexReader().read(text).references[0]
    assert [(c.family, c.given) for c in ref.creators] == [("Repper", "Julie"), ("Watson", "Emma")]
    assert ref.title == "Peers"


def test_the_same_field_twice_in_two_cases_keeps_both_values() -> None:
    text = "@article{k,\n  title = {Peer work},\n  Title = {Peer work on wards}\n}\n"
    entry = BibtexReader().read(text).entries[0]
    assert entry.reference.title == "Peer work"
    assert entry.reference.extra["bibtex:title"] == "Peer work on wards"
    assert any("appears twice" in w.message for w in entry.warnings)


def test_a_missing_comma_between_fields_is_put_back_and_warned_about() -> None:
    text = (
        "@article{k,\n"
        "  title = {Peer support on acute wards}\n"
        "  author = {Repper, Julie and Watson, Emma},\n"
        '  journal = "Mental Health Review Journal"\n'
        "  volume = 17\n"
        "}\n"
    )
    entry = BibtexReader().read(text).entries[0]
    ref = entry.reference
    assert ref.title == "Peer support on acute wards"
    assert [c.family for c in ref.creators] == ["Repper", "Watson"]
    assert ref.container_title == "Mental Health Review Journal"
    assert ref.volume == "17"
    messages = [w.message for w in entry.warnings]
    assert any("title field (line 2)" in m for m in messages)
    assert any("journal field (line 4)" in m for m in messages)
    assert entry.raw_text == text.rstrip("\n")  # the input as it was, without the commas


def test_commas_are_not_put_inside_values_or_into_unbalanced_entries() -> None:
    inside = "@article{k,\n  abstract = {first\n  second = {x}\n  done},\n  year = 2020\n}\n"
    assert insert_missing_commas(inside) == (inside, [])
    assert BibtexReader().read(inside).references[0].abstract_text == "first second = x done"
    broken = "@article{k,\n  title = {Open brace\n  year = 2020\n}\n"
    assert insert_missing_commas(broken) == (broken, [])


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"tilde operator: \~", "tilde operator: ~"),
        (r"a \~{} b", "a ~ b"),
        (r"\~{n} and {\~n}", "ñ and ñ"),
    ],
)
def test_a_tilde_accent_without_a_letter_is_a_tilde(latex: str, text: str) -> None:
    ref = BibtexReader().read(f"@misc{{k, title = {{{latex}}}}}").references[0]
    assert ref.title == text


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_cr_only_and_crlf_line_ends_are_read(line_end: str) -> None:
    text = HAND_WRITTEN.read_text("utf-8").replace("\n", line_end)
    result = parse_bytes(text.encode("utf-8"))
    assert result.format_name == "bibtex"
    assert [e.reference.title for e in result.entries] == [
        e.reference.title for e in parse_text(HAND_WRITTEN.read_text("utf-8")).entries
    ]
    assert [(e.first_line, e.last_line) for e in result.entries] == [(5, 13), (15, 22), (24, 30)]


def test_string_macros_join_with_hash_in_any_case() -> None:
    text = (
        '@String(Peer = "Peer")\n@string{ and = " and "}\n'
        "@book{k, author = {Okafor, C} # AND # {Haddad, R}, title = peer # { Work}}\n"
    )
    ref = BibtexReader().read(text).references[0]
    assert ref.title == "Peer Work"
    assert [c.family for c in ref.creators] == ["Okafor", "Haddad"]


def test_and_others_marks_the_author_list_cut_short() -> None:
    entry = BibtexReader().read("@misc{k, author = {Repper, J. and others}}").entries[0]
    assert [c.family for c in entry.reference.creators] == ["Repper"]
    assert entry.reference.truncated == frozenset({"author"})
    assert any("cut short" in w.message for w in entry.warnings)


def test_inline_math_becomes_text_and_fjournal_is_the_full_title() -> None:
    ref = parse_text(HAND_WRITTEN.read_text("utf-8")).references[2]
    assert ref.title == "CO₂ and the α-rhythm: sleep in peer-supported recovery"
    assert ref.container_title == "Journal of Sleep and Mental Health"
    assert ref.container_title_short == "J Sleep Ment Health"


def test_address_is_the_place_and_another_location_is_kept() -> None:
    ref = parse_text(HAND_WRITTEN.read_text("utf-8")).references[1]
    assert ref.publisher_place == "Leeds"
    assert ref.extra["bibtex:location"] == "Manchester"


def test_a_pmid_in_the_note_is_the_pmid_and_a_bad_one_is_kept() -> None:
    ref = parse_text(HAND_WRITTEN.read_text("utf-8")).references[0]
    assert ref.pmid == "22000001" and "note" not in ref.extra
    odd = BibtexReader().read("@misc{k, title = {T}, pmid = {P123}}").references[0]
    assert odd.pmid == "" and odd.extra["bibtex:pmid"] == "P123"


def test_an_organisation_written_without_braces_is_one_name() -> None:
    text = (
        "@techreport{mhf2021,\n  author = {Mental Health Foundation and Centre for Mental "
        "Health and Lena van der Berg and Pieter de Vries},\n  title = {Peer support at "
        "work},\n  year = {2021}\n}\n"
    )
    creators = parse_text(text, "bibtex").references[0].creators
    assert [c.literal for c in creators[:2]] == [
        "Mental Health Foundation",
        "Centre for Mental Health",
    ]
    # Particles are still particles: only words no name has ("for", "of", "at") make one.
    assert [(c.particle, c.family) for c in creators[2:]] == [("van der", "Berg"), ("de", "Vries")]
