"""The registry: choosing a reader by content, and running it with the cycle collector paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from peerref.core.errors import FormatError
from peerref.formats import registry
from peerref.formats.base import ParseResult


class RecordingReader:
    """A reader that notes whether the cycle collector ran during its read, then fails or not."""

    name = "recording"
    label = "Recording test reader"

    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.collector_enabled_during_read: bool | None = None

    def sniff(self, text: str) -> float:
        return 1.0

    def read(self, text: str) -> ParseResult:
        self.collector_enabled_during_read = gc.isenabled()
        if self.failure is not None:
            raise self.failure
        return ParseResult(format_name=self.name, format_label=self.label, entries=())


@pytest.fixture
def collector_state() -> Iterator[None]:
    """Whatever a test does to the collector, the next test starts with it enabled."""
    yield
    gc.enable()


def only_reader(monkeypatch: pytest.MonkeyPatch, reader: RecordingReader) -> None:
    monkeypatch.setattr(registry, "_discover", lambda: ((reader,), ()))


@pytest.mark.usefixtures("collector_state")
def test_the_cycle_collector_is_paused_while_a_reader_runs_and_resumes_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reader = RecordingReader()
    only_reader(monkeypatch, reader)
    registry.parse_text("anything", "recording")
    assert reader.collector_enabled_during_read is False
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
@pytest.mark.parametrize("failure", [FormatError("nothing here"), ValueError("reader bug")])
def test_the_cycle_collector_resumes_when_the_reader_fails(
    monkeypatch: pytest.MonkeyPatch, failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    reader = RecordingReader(failure)
    only_reader(monkeypatch, reader)
    with pytest.raises(FormatError):
        registry.parse_text("anything", "recording")
    assert reader.collector_enabled_during_read is False
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_a_collector_someone_else_turned_off_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = RecordingReader()
    only_reader(monkeypatch, reader)
    gc.disable()
    registry.parse_text("anything", "recording")
    assert not gc.isenabled()


def test_reading_a_real_page_leaves_the_collector_enabled() -> None:
    page = (
        "Article\nPublication date: 15 June 2012\n\nAda Lovelace and Mary Somerville\n\n"
        "Abstract\n\nPurpose\n\nPeer workers kept in touch after discharge.\n"
    )
    result = registry.parse_text(page)
    assert result.format_name == "emerald"
    assert len(result.entries) == 1
    assert gc.isenabled()
