"""CSL-JSON: arrays, single items, and a lossless export → import round trip."""

from __future__ import annotations

import json

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
from peerref.formats.csl_json import CslJsonReader, CslJsonWriter
from peerref.formats.registry import reader_named, writer_named

DATA = FORMATS_DATA / "csl_json"
FIXTURES = ("zotero_export.json", "single_item.json")


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_matches_golden(fixture: str) -> None:
    assert_detected_and_matches_golden(
        (DATA / fixture).read_text("utf-8"),
        "csl-json",
        DATA / fixture.replace(".json", ".expected.json"),
    )


def test_items_that_are_not_objects_are_skipped_and_reported() -> None:
    result = CslJsonReader().read((DATA / "zotero_export.json").read_text("utf-8"))
    assert len(result.entries) == 2
    assert len(result.skipped) == 2


def test_values_are_read_not_trusted() -> None:
    first, second = (
        CslJsonReader().read((DATA / "zotero_export.json").read_text("utf-8")).references
    )
    assert first.issued == PartialDate(2024, 2, 2)  # strings in date-parts
    assert first.extra["csl:note"] == "Imported from the publisher site"
    assert first.id is None and second.id is None  # imported items are new references
    assert second.creators[1].role is CreatorRole.EDITOR


@pytest.mark.parametrize("text", ["[1, 2", "{}", "[]", '"just a string"', "[" * 5000 + "]" * 5000])
def test_bad_documents_are_format_errors(text: str) -> None:
    with pytest.raises(FormatError):
        CslJsonReader().read(text)


FULL = Reference(
    type=ReferenceType.CHAPTER,
    title="Peer work in crisis services",
    title_short="Peer work",
    creators=(
        Creator(family="Súilleabháin", given="Máire", particle="Ó"),
        Creator(literal="Mental Health Foundation"),
        Creator(family="Adeyemi", given="Folake", role=CreatorRole.EDITOR),
    ),
    container_title="Lived Experience in Mental Health Practice",
    collection_title="Advances in Mental Health and Addiction",
    volume="3",
    issue="2",
    page="45-62",
    issued=PartialDate(2022, season="Spring"),
    status="in press",
    publisher="Emerald Publishing Limited",
    publisher_place="Leeds",
    edition="2",
    issn=("1755-6228",),
    isbn=("978-1-80262-145-7",),
    doi="10.1108/978-1-80262-145-7-00004",
    pmid="30841843",
    pmcid="PMC6000001",
    url="https://doi.org/10.1108/978-1-80262-145-7-00004",
    language="en-GB",
    abstract=(AbstractSection("Purpose", "Why peers."), AbstractSection("", "Plain closing text.")),
    keywords=("Peer support, crisis", "Suicide prevention"),
    extra={"emerald-type": "Book"},
    truncated=frozenset({"author"}),
)


def test_export_then_import_gives_back_every_field() -> None:
    writer = writer_named("csl-json")
    text = writer.write([FULL.with_changes(id=ReferenceId(12)), FULL])
    items = json.loads(text)
    assert [item["id"] for item in items] == [12, "item-2"]
    back = reader_named("csl-json").read(text).references
    assert back == (FULL, FULL)
    assert isinstance(writer, CslJsonWriter)


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(
        CslJsonReader(), (DATA / "zotero_export.json").read_text("utf-8"), noise, at, cut
    )


# ---------------------------------------------------------------- issue 13: never misread

OPENALEX_WORK = {
    "id": "https://openalex.org/W1000000001",
    "doi": "https://doi.org/10.1108/MHSI-09-2023-0102",
    "title": "Recovery colleges and peer trainers",
    "display_name": "Recovery colleges and peer trainers",
    "publication_year": 2024,
    "type": "article",
    "authorships": [{"author": {"display_name": "Siobhan Brennan"}}],
}


@pytest.mark.parametrize(
    "document",
    [OPENALEX_WORK, [OPENALEX_WORK], {"meta": {"count": 1}, "results": [OPENALEX_WORK]}],
)
def test_openalex_work_json_is_refused_not_read_as_csl(document: object) -> None:
    with pytest.raises(FormatError, match="OpenAlex"):
        CslJsonReader().read(json.dumps(document))


def test_every_csl_type_is_read_as_itself() -> None:
    item = {"type": "patent", "title": "A device", "issued": {"date-parts": [[2020]]}}
    ref = CslJsonReader().read(json.dumps([item])).references[0]
    assert ref.type is ReferenceType.PATENT
    assert "csl:type" not in ref.extra


def test_an_unknown_type_becomes_a_document_and_its_name_is_kept() -> None:
    item = {"type": "hologram", "title": "A device", "issued": {"date-parts": [[2020]]}}
    ref = CslJsonReader().read(json.dumps([item])).references[0]
    assert ref.type is ReferenceType.OTHER
    assert ref.extra["csl:type"] == "hologram"
