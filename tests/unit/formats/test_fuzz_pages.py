"""Fuzzing the Emerald and ScienceGate readers: whatever the input, only FormatError escapes.

Random text and bytes, and fixture pages cut, shuffled and sprinkled with noise, go through
``registry.parse_text`` with the format forced and detected. The registry turns any other
exception into a FormatError and logs it, so the readers are also called directly: a bug
must not hide behind that safety net. Whatever is found must point at real lines.
"""

from __future__ import annotations

import contextlib
import logging

import pytest
from formats_golden import FORMATS_DATA, read_or_none
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.errors import FormatError
from peerref.formats import registry
from peerref.formats.base import ParseResult, Reader
from peerref.formats.emerald import EmeraldReader
from peerref.formats.sciencegate import ScienceGateReader

READERS: tuple[Reader, ...] = (EmeraldReader(), ScienceGateReader())
FIXTURES = tuple(
    path.read_bytes().decode("utf-8")
    for fmt in ("emerald", "sciencegate")
    for path in sorted((FORMATS_DATA / fmt).glob("*.txt"))
)
# Lines that matter to the two readers, to build inputs that get past their first checks.
SIGNIFICANT_LINES = (
    "Article",
    "Book part",
    "Case study",
    "Publication date: 15 June 2012",
    "Publication date: 31 February 2012",
    "Publication date:",
    "Abstract",
    "Purpose",
    "Findings:",
    "Details",
    "Keywords",
    "Type: Book",
    "ISSN: 1755-6228",
    "ISSN:",
    "ISBN: 978-0",
    "Journal, vol. 7 no. 2",
    ", vol. ahead-of-print no.",
    "1\u00a0–\u00a010 of over 67000",
    "499",
    "Search results",
    "2016 ◽\u00a0",
    "2016",
    "◽",
    "Vol 20 (3) ◽",
    "Vol (",
    "pp. 149-152",
    "pp.",
    "Author(s):\u00a0",
    "Author(s): Ada Lovelace ◽",
    "Ada Lovelace ◽",
    "...",
    "…",
    "Purpose – Findings – ",
    "Abstract Background: x.Methods: y",
    "Sign in / Sign up",
    "",
    "\r",
)

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

page_like_text = st.lists(
    st.one_of(st.sampled_from(SIGNIFICANT_LINES), st.text(max_size=40)), max_size=60
).map("\n".join)


def check_result(result: ParseResult, text: str) -> None:
    """Entries found in any input point at real lines and carry their raw text."""
    line_count = text.count("\n") + 1
    assert result.entries
    for entry in result.entries:
        assert 1 <= entry.first_line <= entry.last_line <= line_count
        assert entry.raw_text
        assert entry.reference.title == "" or "\n" not in entry.reference.title
    for diagnostic in result.skipped:
        assert diagnostic.line is not None
        assert 1 <= diagnostic.line <= line_count


def read_directly(reader: Reader, text: str) -> None:
    result = read_or_none(reader, text)
    if result is not None:
        check_result(result, text)


def parse_through_registry(text: str, caplog: pytest.LogCaptureFixture) -> None:
    """Forced to each of our readers, then detected: only FormatError, and no reader crash."""
    for reader in READERS:
        with contextlib.suppress(FormatError):
            check_result(registry.parse_text(text, reader.name), text)
    with contextlib.suppress(FormatError):
        registry.parse_text(text)
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    ours = [r for r in crashes if any(reader.name in r.getMessage() for reader in READERS)]
    assert not ours, [r.getMessage() for r in ours]


@FUZZ_SETTINGS
@given(text=st.text(max_size=400))
def test_random_text(text: str) -> None:
    for reader in READERS:
        read_directly(reader, text)
        reader.sniff(text)


@FUZZ_SETTINGS
@given(text=page_like_text)
def test_random_page_like_text(text: str) -> None:
    for reader in READERS:
        read_directly(reader, text)
        assert 0.0 <= reader.sniff(text) <= 1.0


@FUZZ_SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes_through_the_registry(data: bytes) -> None:
    for reader in READERS:
        with contextlib.suppress(FormatError):
            result = registry.parse_bytes(data, reader.name)
            check_result(result, registry.decode(data))


@st.composite
def mutated_fixture(draw: st.DrawFn) -> str:
    """A fixture page with lines dropped, repeated, swapped, cut or replaced by noise."""
    lines = draw(st.sampled_from(FIXTURES)).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not lines:
            break
        position = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(("drop", "repeat", "swap", "noise", "cut", "significant")))
        if action == "drop":
            del lines[position : position + draw(st.integers(min_value=1, max_value=6))]
        elif action == "repeat":
            lines[position:position] = lines[position : position + 3]
        elif action == "swap" and position + 1 < len(lines):
            lines[position], lines[position + 1] = lines[position + 1], lines[position]
        elif action == "noise":
            lines[position] = draw(st.text(max_size=30))
        elif action == "cut":
            line = lines[position]
            lines[position] = line[: draw(st.integers(min_value=0, max_value=len(line)))]
        else:
            lines.insert(position, draw(st.sampled_from(SIGNIFICANT_LINES)))
    return "\n".join(lines)


@FUZZ_SETTINGS
@given(text=mutated_fixture())
def test_mutated_fixture_pages_directly(text: str) -> None:
    for reader in READERS:
        read_directly(reader, text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(mutated_fixture(), page_like_text))
def test_mutated_pages_through_the_registry(text: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    parse_through_registry(text, caplog)


@pytest.mark.parametrize("fixture_index", range(len(FIXTURES)))
def test_every_prefix_of_a_fixture_page_reads_or_fails_cleanly(fixture_index: int) -> None:
    """A selection cut anywhere (as a hurried copy is) never crashes a reader."""
    text = FIXTURES[fixture_index]
    for end in range(0, len(text), 37):
        for reader in READERS:
            read_directly(reader, text[:end])
