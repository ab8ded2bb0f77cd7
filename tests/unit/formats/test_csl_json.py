"""CSL-JSON: arrays, single items, and a lossless export → import round trip."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.csl import reference_to_csl
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
from peerref.formats.base import ParseResult
from peerref.formats.csl_json import CslJsonReader, CslJsonWriter
from peerref.formats.registry import parse_text, rank, reader_named, writer_named

DATA = Path(__file__).resolve().parents[2] / "data" / "formats" / "csl_json"
FIXTURES = ("zotero_export.json", "single_item.json")


def _golden(result: ParseResult, expected_path: Path) -> None:
    actual: list[dict[str, Any]] = [
        reference_to_csl(e.reference, with_id=False) for e in result.entries
    ]
    if os.environ.get("PEERREF_REGEN_GOLDEN") == "1":
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_matches_golden(fixture: str) -> None:
    text = (DATA / fixture).read_text("utf-8")
    result = parse_text(text)
    assert result.format_name == "csl-json"
    assert rank(text)[0][1].name == "csl-json"
    _golden(result, DATA / fixture.replace(".json", ".expected.json"))


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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.integers(min_value=0, max_value=4000), st.integers(0, 200))
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    reader = CslJsonReader()
    page = (DATA / "zotero_export.json").read_text("utf-8")
    at = min(at, len(page))
    for text in (noise, page[:at] + noise + page[at + cut :]):
        try:
            reader.sniff(text)
            reader.read(text)
        except FormatError:
            pass
