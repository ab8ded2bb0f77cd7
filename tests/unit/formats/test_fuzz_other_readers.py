"""Fuzzing the PubMed, MEDLINE, Cochrane Library, Scholar and reference-list readers.

Whatever the input — random text, random bytes, or a real fixture cut and shuffled —
the readers raise nothing but ``FormatError``. Readers are called directly (the registry
would turn a crash into a ``FormatError`` and hide the bug) and through ``parse_bytes``
with the format forced. Large pathological inputs (``pathological.json``) are read without
error; ``benchmarks/bench_readers.py`` shows they are read quickly.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from formats_golden import FORMATS_DATA, read_or_none
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.errors import FormatError
from peerref.formats.base import ParseResult, Reader
from peerref.formats.registry import decode, parse_bytes, reader_named

READER_NAMES = (
    "pubmed",
    "pubmed-summary",
    "pubmed-abstract",
    "medline",
    "cochrane",
    "scholar",
    "reflist",
)
FIXTURES = sorted(
    p
    for folder in ("pubmed", "medline", "cochrane", "scholar", "reflist")
    for p in (FORMATS_DATA / folder).iterdir()
    if p.suffix in {".txt", ".nbib"}
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Characters the readers treat specially, so random text hits their branches often.
TOKENS = [
    *"PMID:- .,;()[]0123456789AaBbJjKkeT\n\r\t\u00a0…'\"“”‘’&/",
    *["PMID: 1", "Cite", "Share", " - ", "Cited by 3", "Related articles", "doi: 10.1/x", "et al"],
    *["FAU - ", "AU  - ", "TI  - ", "PMID- ", "      ", "2019 Jun 1;", "(2019). ", "[PDF] a.b"],
    *["Record #1 of 2\n", "ID: CN-01234567\n", "ID: CD012345\n", "AU: ", "SO: ", "PUBMED 1"],
]
ALPHABET = st.sampled_from(TOKENS)
RANDOM_TEXT = st.lists(ALPHABET, max_size=300).map("".join) | st.text(max_size=500)


def _check(reader: Reader, text: str) -> None:
    result = read_or_none(reader, text)
    if result is None:
        return
    assert isinstance(result, ParseResult)
    assert result.entries
    lines = max(1, len(text.splitlines()))
    for entry in result.entries:
        assert 1 <= entry.first_line <= entry.last_line <= lines
        assert 0 < entry.confidence <= 1


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        if not lines:
            break
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "swap", "cut", "insert", "blank"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "cut":
            line = lines[index]
            lines[index] = line[: data.draw(st.integers(0, len(line)))]
        elif action == "insert":
            lines.insert(index, data.draw(RANDOM_TEXT))
        else:
            lines[index] = ""
    return "\n".join(lines)


@pytest.mark.parametrize("name", READER_NAMES)
@FUZZ
@given(text=RANDOM_TEXT)
def test_random_text_raises_only_format_error(name: str, text: str) -> None:
    _check(reader_named(name), text)


@pytest.mark.parametrize("name", READER_NAMES)
@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_raise_only_format_error(name: str, data: bytes) -> None:
    with contextlib.suppress(FormatError):
        parse_bytes(data, format_name=name)
    with contextlib.suppress(FormatError):
        _check(reader_named(name), decode(data))  # directly too: the registry hides crashes


@pytest.mark.parametrize("name", READER_NAMES)
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_raise_only_format_error(
    name: str, fixture: Path, data: st.DataObject
) -> None:
    text = fixture.read_text(encoding="utf-8-sig")
    _check(reader_named(name), _mutate(text, data))


PATHOLOGICAL_INPUTS = FORMATS_DATA / "pathological.json"
PATHOLOGICAL = {
    kind: "".join(piece * times for piece, times in pieces)
    for kind, pieces in json.loads(PATHOLOGICAL_INPUTS.read_text(encoding="utf-8")).items()
    if not kind.startswith("_")
}


@pytest.mark.parametrize("name", READER_NAMES)
@pytest.mark.parametrize("kind", sorted(PATHOLOGICAL))
def test_large_pathological_input_is_read_without_error(name: str, kind: str) -> None:
    """How long each takes is for ``benchmarks/bench_readers.py``; here only the outcome."""
    reader = reader_named(name)
    assert 0.0 <= reader.sniff(PATHOLOGICAL[kind]) <= 1.0
    _check(reader, PATHOLOGICAL[kind])


# ---------------------------------------------------------------- the export readers

EXPORT_READERS = ("ovid", "refworks", "refer", "scopus-csv", "wos-tsv")
EXPORT_FIXTURES = sorted(
    p
    for folder in ("ovid", "refworks", "refer", "scopus_csv", "wos_tsv")
    for p in (FORMATS_DATA / folder).iterdir()
    if p.suffix != ".json"
)
# Their own markers, so random text reaches their branches.
EXPORT_TEXT = st.lists(
    st.sampled_from(
        [*TOKENS, "<1. >", "VN  - Ovid Technologies", "RT Journal Article", "%0 Book", "%A ",
         "SO  - J. 12(3):4-5, 2020.", "[Ed]", '"Title","EID"', "PT\tAU\tTI", "\t", ",", '"']
    ),
    max_size=300,
).map("".join) | st.text(max_size=500)  # fmt: skip


@pytest.mark.parametrize("name", EXPORT_READERS)
@FUZZ
@given(text=EXPORT_TEXT, data=st.binary(max_size=400))
def test_export_readers_raise_only_format_error_on_random_input(
    name: str, text: str, data: bytes
) -> None:
    _check(reader_named(name), text)
    with contextlib.suppress(FormatError):
        parse_bytes(data, format_name=name)


@pytest.mark.parametrize("fixture", EXPORT_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@FUZZ
@given(data=st.data())
def test_export_readers_raise_only_format_error_on_mutated_exports(
    fixture: Path, data: st.DataObject
) -> None:
    """Each export cut and shuffled, read by its own reader (they reach its deep branches)."""
    reader = reader_named(fixture.parent.name.replace("_", "-"))
    _check(reader, _mutate(decode(fixture.read_bytes()), data))


@pytest.mark.parametrize("name", EXPORT_READERS)
@pytest.mark.parametrize("kind", sorted(PATHOLOGICAL))
def test_export_readers_read_large_pathological_input_without_error(name: str, kind: str) -> None:
    reader = reader_named(name)
    assert 0.0 <= reader.sniff(PATHOLOGICAL[kind]) <= 1.0
    _check(reader, PATHOLOGICAL[kind])
