from __future__ import annotations

import pytest

from peerref.core.csl import date_from_csl, reference_from_csl, reference_to_csl
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
    abstract_from_text,
    abstract_to_text,
)


def test_structured_abstract_round_trips_through_text() -> None:
    sections = (
        AbstractSection("Purpose", "To look at peers: what they did."),
        AbstractSection("Findings", "Peers helped."),
        AbstractSection("", "A closing paragraph with Method: inside it."),
    )
    assert abstract_from_text(abstract_to_text(sections)) == sections


def test_prose_with_a_colon_is_not_mistaken_for_a_heading() -> None:
    assert abstract_from_text("Note: this is prose") == (
        AbstractSection("", "Note: this is prose"),
    )


def test_partial_date_rejects_a_day_without_a_month() -> None:
    with pytest.raises(ValueError, match="day needs a month"):
        PartialDate(2012, None, 3)


def test_partial_date_parts_and_iso() -> None:
    assert PartialDate(2012, 6).date_parts() == [2012, 6]
    assert PartialDate(2012, 6, 15).iso() == "2012-06-15"
    assert PartialDate().iso() == ""


def test_csl_round_trip_keeps_every_field() -> None:
    ref = Reference(
        type=ReferenceType.CHAPTER,
        title="Peer work\u00a0in practice \u0301 \u05e9\u05dc\u05d5\u05dd 🧠",
        creators=(
            Creator(family="Gogh", given="Vincent", particle="van"),
            Creator(literal="World Health Organization"),
            Creator(family="Súilleabháin", given="Máire", particle="Ó", role=CreatorRole.EDITOR),
        ),
        container_title="Trauma-Responsive Organisations",
        issued=PartialDate(2022, 4, 28),
        isbn=("978-1-80382-429-1",),
        issn=("1755-6228", "2042-8308"),
        abstract=(AbstractSection("Purpose", "Why."),),
        keywords=("peer support", "recovery, personal"),
        extra={"emerald:type": "Book"},
        truncated=frozenset({"author"}),
        status="ahead-of-print",
    )
    assert reference_from_csl(reference_to_csl(ref)) == ref


def test_every_csl_type_is_kept_and_folds_into_a_core_type() -> None:
    assert len(ReferenceType) == 45  # CSL 1.0.2's item types
    assert reference_from_csl({"type": "legislation"}).type is ReferenceType.LEGISLATION
    assert ReferenceType.LEGISLATION.folded is ReferenceType.OTHER
    assert ReferenceType.ARTICLE_MAGAZINE.folded is ReferenceType.ARTICLE_JOURNAL
    assert all(kind.folded.folded is kind.folded for kind in ReferenceType)


def test_unknown_csl_type_becomes_other_and_unknown_keys_are_kept() -> None:
    ref = reference_from_csl({"type": "hologram", "note": "kept", "issued": {"raw": "spring"}})
    assert ref.type is ReferenceType.OTHER
    assert ref.extra["csl:note"] == "kept"
    assert ref.issued.literal == "spring"


def test_csl_raw_dates_are_parsed_and_unmapped_variables_kept() -> None:
    ref = reference_from_csl(
        {
            "id": "http://zotero.org/users/1/items/ABC",
            "issued": {"raw": "Spring 2019"},
            "accessed": {"date-parts": [[2024, 1, 2]]},
        }
    )
    assert ref.issued == PartialDate(2019, season="Spring")
    assert ref.extra["csl:id"] == "http://zotero.org/users/1/items/ABC"
    assert ref.extra["csl:accessed"] == '{"date-parts": [[2024, 1, 2]]}'


def test_a_date_range_goes_to_csl_and_back() -> None:
    ranged = PartialDate(2012, 5, 3, end=PartialDate(2012, 5, 5))
    item = reference_to_csl(Reference(title="A conference paper", issued=ranged))
    assert item["issued"] == {"date-parts": [[2012, 5, 3], [2012, 5, 5]]}
    assert reference_from_csl(item).issued == ranged
    # An end without a year is no range; a range's end has no end of its own.
    assert date_from_csl({"date-parts": [[2012], ["x"]]}).end is None
    with pytest.raises(ValueError):
        PartialDate(2012, end=PartialDate())
