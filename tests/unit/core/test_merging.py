"""Merging never loses a richer value (issue 14): the rules, the import's filling, the merge."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from peerref.core.errors import UserInputError
from peerref.core.merging import (
    Richness,
    compare_abstracts,
    compare_creators,
    compare_dates,
    compare_field,
    compare_texts,
    field_changes,
    fill_in,
    merge_references,
    short_value,
)
from peerref.core.model import (
    AbstractSection,
    CollectionId,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.core.names import parse_name

JOURNAL = "Mental Health and Social Inclusion"
TITLE = "Growing together: peer-run allotments after an acute admission"
STRUCTURED = (
    AbstractSection("Purpose", "Allotments run by peer volunteers helped people home from a ward."),
    AbstractSection("Design/methodology/approach", "Interviews with 14 plot holders."),
    AbstractSection("Findings", "Nobody on the plot asked about a diagnosis."),
)
# The same abstract as an RIS export writes it: one paragraph, headings run into the text,
# and a copyright line that makes it the longer of the two.
FLAT = (
    AbstractSection(
        "",
        "Purpose Allotments run by peer volunteers helped people home from a ward. "
        "Design/methodology/approach Interviews with 14 plot holders. Findings Nobody on "
        "the plot asked about a diagnosis. © Emerald Publishing Limited, all rights reserved.",
    ),
)


def people(*names: str) -> tuple[Creator, ...]:
    return tuple(parse_name(name) for name in names)


def stored(reference: Reference, ref_id: int) -> Reference:
    return reference.with_changes(id=ReferenceId(ref_id))


def record(**fields: Any) -> Reference:
    """A full record of the allotments paper; keyword arguments replace its fields."""
    base = Reference(
        title=TITLE,
        creators=people("Kowalczyk, Zofia", "Adeyemi, Tunde", "Brennan, Aoife"),
        container_title=JOURNAL,
        volume="20",
        issue="4",
        page="211-220",
        issued=PartialDate(2016, 10, 4),
        issn=("2042-8308",),
        doi="10.1108/MHSI-05-2016-0017",
        abstract=STRUCTURED,
    )
    return replace(base, **fields)


# ---------------------------------------------------------------------- the rules, pair by pair


def test_a_structured_abstract_is_richer_than_the_same_text_flat_even_when_shorter() -> None:
    assert len(FLAT[0].text) > len(" ".join(s.text for s in STRUCTURED))
    assert compare_abstracts(STRUCTURED, FLAT) is Richness.POORER
    assert compare_abstracts(FLAT, STRUCTURED) is Richness.RICHER


def test_abstract_excerpts_and_section_subsets_are_poorer() -> None:
    assert compare_abstracts(STRUCTURED, STRUCTURED[:2]) is Richness.POORER
    assert compare_abstracts(STRUCTURED[:1], STRUCTURED) is Richness.RICHER
    flat_start = (AbstractSection("", FLAT[0].text[:60] + "…"),)
    assert compare_abstracts(FLAT, flat_start) is Richness.POORER
    assert compare_abstracts(flat_start, FLAT) is Richness.RICHER
    other = (AbstractSection("", "A different study of community gardens."),)
    assert compare_abstracts(FLAT, other) is Richness.DIFFERENT
    # A structured abstract cut short does not beat a whole flat one: a person decides.
    cut = (AbstractSection("Purpose", "Allotments run by peer volunteers…"),)
    assert compare_abstracts(cut, FLAT) is Richness.DIFFERENT


def test_a_full_date_is_richer_than_its_year_or_month() -> None:
    assert compare_dates(PartialDate(2016), PartialDate(2016, 10, 4)) is Richness.RICHER
    assert compare_dates(PartialDate(2016, 10), PartialDate(2016, 10, 4)) is Richness.RICHER
    assert compare_dates(PartialDate(2016, 10, 4), PartialDate(2016)) is Richness.POORER
    assert compare_dates(PartialDate(2016), PartialDate(2017, 1, 2)) is Richness.DIFFERENT
    assert compare_dates(PartialDate(literal="Autumn"), PartialDate(2016)) is Richness.RICHER


def test_full_given_names_are_richer_than_initials() -> None:
    initials = people("Kowalczyk, Z.", "Adeyemi, T. O.")
    full = people("Kowalczyk, Zofia", "Adeyemi, Tunde Oluwaseun")
    assert compare_creators(initials, full) is Richness.RICHER
    assert compare_creators(full, initials) is Richness.POORER
    vancouver = (Creator("Kowalczyk", "Z"), Creator("Adeyemi", "TO"))
    assert compare_creators(vancouver, initials) is Richness.SAME
    other_person = people("Kowalczyk, Zofia", "Adeyemi, Kemi")
    assert compare_creators(full, other_person) is Richness.DIFFERENT


def test_a_longer_author_list_is_richer_than_et_al_or_a_prefix() -> None:
    whole = people("Kowalczyk, Zofia", "Adeyemi, Tunde", "Brennan, Aoife")
    et_al = (*whole[:1], Creator(literal="et al."))
    assert compare_creators(et_al, whole) is Richness.RICHER
    assert compare_creators(whole, et_al) is Richness.POORER
    assert compare_creators(whole[:2], whole) is Richness.RICHER
    assert compare_creators(whole, whole[:2]) is Richness.POORER
    # Longer but with initials where the held list spells names out: neither is richer.
    mixed = (*people("Kowalczyk, Z.", "Adeyemi, T."), whole[2])
    assert compare_creators(whole[:2], mixed) is Richness.DIFFERENT
    reordered = (whole[1], whole[0], whole[2])
    assert compare_creators(whole, reordered) is Richness.DIFFERENT


def test_a_title_is_richer_than_a_cut_short_one() -> None:
    cut = "Growing together: peer-run allot…"
    assert compare_texts(cut, TITLE) is Richness.RICHER
    assert compare_texts(TITLE, cut) is Richness.POORER
    assert compare_texts("Growing together", TITLE) is Richness.RICHER
    assert compare_texts(TITLE, "Growing together") is Richness.POORER
    assert compare_texts("Growing tog", TITLE) is Richness.DIFFERENT  # not at a word break
    assert compare_texts(TITLE, TITLE.upper()) is Richness.DIFFERENT
    assert compare_texts(TITLE, TITLE.replace(" ", "  ")) is Richness.SAME


def test_marked_truncation_and_empty_values_decide_first() -> None:
    held = record(creators=people("Kowalczyk, Zofia"), truncated=frozenset({"author"}))
    assert compare_field("creators", held, record()) is Richness.FILLS
    assert compare_field("creators", record(), held) is Richness.POORER
    # Cut short but longer than an unmarked list: not poorer, yet not plainly richer.
    short = record(creators=people("Kowalczyk, Zofia"))
    cut_longer = record(truncated=frozenset({"author"}))
    assert compare_field("creators", short, cut_longer) is Richness.DIFFERENT
    assert compare_field("title", record(title=""), record()) is Richness.FILLS
    assert compare_field("title", record(), record(title="")) is Richness.POORER
    assert compare_field("type", record(type=ReferenceType.OTHER), record()) is Richness.RICHER
    assert compare_field("doi", record(), record(doi="10.1108/mhsi-05-2016-0017")) is (
        Richness.SAME
    )


# ---------------------------------------------------------------------- the import's filling


RICHER_PAIRS = [
    ("abstract", {"abstract": FLAT}, {"abstract": STRUCTURED}),
    ("issued", {"issued": PartialDate(2016)}, {"issued": PartialDate(2016, 10, 4)}),
    (
        "creators",
        {"creators": people("Kowalczyk, Z.", "Adeyemi, T.", "Brennan, A.")},
        {"creators": people("Kowalczyk, Zofia", "Adeyemi, Tunde", "Brennan, Aoife")},
    ),
    (
        "creators",
        {"creators": (*people("Kowalczyk, Zofia"), Creator(literal="et al."))},
        {"creators": people("Kowalczyk, Zofia", "Adeyemi, Tunde", "Brennan, Aoife")},
    ),
    (
        "creators",
        {"creators": people("Kowalczyk, Zofia", "Adeyemi, Tunde")},
        {"creators": people("Kowalczyk, Zofia", "Adeyemi, Tunde", "Brennan, Aoife")},
    ),
    ("title", {"title": "Growing together: peer-run…"}, {"title": TITLE}),
    ("title", {"title": "Growing together"}, {"title": TITLE}),
]


@pytest.mark.parametrize(("name", "poor", "rich"), RICHER_PAIRS)
def test_a_poorer_incoming_value_never_replaces_a_richer_one(
    name: str, poor: dict[str, Any], rich: dict[str, Any]
) -> None:
    held, incoming = stored(record(**rich), 1), record(**poor)
    assert compare_field(name, held, incoming) is Richness.POORER
    assert name not in field_changes(held, incoming).replaces
    for replace_chosen in (False, True):
        merged, fields = fill_in(held, incoming, replace=replace_chosen)
        assert getattr(merged, name) == getattr(held, name)
        assert name not in fields


@pytest.mark.parametrize(("name", "poor", "rich"), RICHER_PAIRS)
def test_a_richer_incoming_value_replaces_only_when_chosen(
    name: str, poor: dict[str, Any], rich: dict[str, Any]
) -> None:
    held, incoming = stored(record(**poor), 1), record(**rich)
    assert compare_field(name, held, incoming) is Richness.RICHER
    assert field_changes(held, incoming).replaces == (name,)
    kept, fields = fill_in(held, incoming)
    assert kept == held and fields == ()
    replaced, fields = fill_in(held, incoming, replace=True)
    assert getattr(replaced, name) == getattr(incoming, name)
    assert fields == (name,) and replaced.id == held.id


def test_filling_takes_empty_fields_and_new_list_items_and_keeps_library_fields() -> None:
    held = stored(
        record(title="", doi="", page="", keywords=("Peer support",), tags=("thesis",)), 1
    )
    incoming = record(abstract=FLAT, keywords=("peer support", "Horticulture"), issn=("1234-5679",))
    changes = field_changes(held, incoming)
    assert set(changes.fills) == {"title", "page", "doi", "issn", "keywords"}
    assert changes.replaces == ()  # the flat abstract is poorer: not even offered
    merged, fields = fill_in(held, incoming)
    assert set(fields) == set(changes.fills)
    assert (merged.title, merged.doi, merged.page) == (TITLE, incoming.doi, "211-220")
    assert merged.abstract == STRUCTURED
    assert merged.keywords == ("Peer support", "Horticulture")
    assert merged.issn == ("2042-8308", "1234-5679")
    assert merged.tags == ("thesis",) and merged.id == held.id


def test_a_different_value_is_offered_and_replaces_only_when_chosen() -> None:
    held = stored(record(), 1)
    incoming = record(title=TITLE.upper(), volume="21")
    assert field_changes(held, incoming).replaces == ("title", "volume")
    assert fill_in(held, incoming) == (held, ())
    replaced, fields = fill_in(held, incoming, replace=True)
    assert (replaced.title, replaced.volume, fields) == (TITLE.upper(), "21", ("title", "volume"))


def test_filling_a_cut_short_field_clears_its_mark() -> None:
    held = stored(record(creators=people("Kowalczyk, Zofia"), truncated=frozenset({"author"})), 1)
    merged, fields = fill_in(held, record())
    assert fields == ("creators",) and merged.truncated == frozenset()


# ---------------------------------------------------------------------- merging duplicates


def test_merge_fills_empty_fields_and_unites_lists() -> None:
    primary = stored(
        record(
            title="",
            doi="",
            page="",
            issued=PartialDate(2016),
            tags=("to read",),
            keywords=("Peer support",),
            collection_ids=(CollectionId(1),),
            added=datetime(2024, 3, 1),
        ),
        1,
    )
    other = stored(
        record(
            abstract=STRUCTURED[:1],
            tags=("to read", "thesis"),
            keywords=("peer support", "Recovery"),
            issn=("2042-8308", "2042-8316"),
            collection_ids=(CollectionId(2),),
            added=datetime(2023, 1, 1),
        ),
        2,
    )
    merged = merge_references(primary, [other])
    assert merged.id == 1
    assert (merged.title, merged.doi, merged.page) == (TITLE, other.doi, "211-220")
    assert merged.issued == PartialDate(2016, 10, 4)  # the fuller date of the same year
    assert merged.abstract == STRUCTURED  # the other's is an excerpt of it
    assert merged.tags == ("to read", "thesis")
    assert merged.keywords == ("Peer support", "Recovery")
    assert merged.issn == ("2042-8308", "2042-8316")
    assert merged.collection_ids == (1, 2)
    assert merged.added == datetime(2023, 1, 1)


def test_merge_never_takes_a_poorer_value_from_any_record() -> None:
    rich = stored(record(), 1)
    poor = stored(
        record(
            abstract=FLAT,
            issued=PartialDate(2016),
            creators=people("Kowalczyk, Z.", "Adeyemi, T."),
            title="Growing together…",
        ),
        2,
    )
    for primary, others in ((rich, [poor]), (poor, [rich])):
        merged = merge_references(primary, others)
        assert merged.abstract == STRUCTURED
        assert merged.issued == PartialDate(2016, 10, 4)
        assert merged.creators == rich.creators
        assert merged.title == TITLE


def test_merge_prefers_complete_values_and_follows_choices() -> None:
    cut = stored(
        record(creators=people("Kowalczyk, Z."), truncated=frozenset({"author"}), issue=""), 1
    )
    full = stored(record(title=TITLE.upper(), abstract=()), 2)
    merged = merge_references(cut, [full])
    assert merged.creators == full.creators
    assert merged.truncated == frozenset()
    assert merged.title == TITLE  # merely different: the kept record's stays
    assert merged.issue == "4"
    chosen = merge_references(cut, [full], {"title": ReferenceId(2), "creators": ReferenceId(1)})
    assert chosen.title == TITLE.upper()
    assert chosen.creators == cut.creators
    assert chosen.truncated == frozenset({"creators"})


def test_merge_rejects_unknown_fields_and_records() -> None:
    primary, other = stored(record(), 1), stored(record(title=""), 2)
    with pytest.raises(UserInputError, match="field"):
        merge_references(primary, [other], {"id": ReferenceId(2)})
    with pytest.raises(UserInputError, match="not one of"):
        merge_references(primary, [other], {"title": ReferenceId(3)})


def test_short_values_for_the_preview() -> None:
    assert short_value(STRUCTURED, 30) == "Purpose: Allotments run by pe…"
    assert short_value(people("Kowalczyk, Zofia", "Adeyemi, T.")) == (
        "Kowalczyk, Zofia; Adeyemi, T."
    )
    assert short_value(PartialDate(2016, 10, 4)) == "2016-10-04"
