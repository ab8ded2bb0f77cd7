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


# ---------------------------------------------------------------- decoding (issue 13)

RIS_WITH_ACCENTS = (
    "TY  - JOUR\nAU  - Ó Súilleabháin, Máire\nAU  - Müller, Jürgen\n"
    "TI  - Peer support – a review of “lived experience” in crisis care\nPY  - 2021\nER  - \n"
)
RIS_IN_CHINESE = (
    "TY  - JOUR\nAU  - 王晓明\nAU  - 李红\nTI  - 同伴支持在社区精神卫生服务中的应用研究\n"
    "JO  - 中国心理卫生杂志\nPY  - 2019\nKW  - 同伴支持;精神卫生;社区康复\n"
    "AB  - 目的：探讨同伴支持对社区精神障碍患者康复的影响。方法：选取三个社区的患者一百二十名，"
    "随机分为干预组和对照组。结果：干预组的社会功能评分明显高于对照组。\nER  - \n"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_and_named(encoding: str) -> None:
    result = registry.parse_bytes(RIS_WITH_ACCENTS.encode(encoding))
    assert result.references[0].creators[1].family == "Müller"
    assert [w.message.split(":")[1].split("(")[0].strip() for w in result.warnings] == [
        f"read as {encoding.replace('-', '_')}"
    ]


def test_gbk_is_decoded_and_the_guess_is_named() -> None:
    decoded = registry.decode_bytes(RIS_IN_CHINESE.encode("gbk"))
    assert decoded.text == RIS_IN_CHINESE
    assert decoded.guessed and decoded.encoding == "gb18030"
    result = registry.parse_bytes(RIS_IN_CHINESE.encode("gbk"))
    assert result.references[0].title == "同伴支持在社区精神卫生服务中的应用研究"
    assert "gb18030" in result.warnings[0].message


def test_windows_1252_is_named_as_such() -> None:
    decoded = registry.decode_bytes(RIS_WITH_ACCENTS.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (RIS_WITH_ACCENTS, "cp1252", True)


@pytest.mark.parametrize(
    "data",
    [
        RIS_WITH_ACCENTS.encode("utf-8"),
        RIS_WITH_ACCENTS.encode("utf-8-sig"),
        RIS_WITH_ACCENTS.encode("utf-16"),  # with its byte-order mark
    ],
)
def test_known_encodings_carry_no_warning(data: bytes) -> None:
    result = registry.parse_bytes(data)
    assert result.references[0].creators[1].family == "Müller"
    assert result.warnings == ()


def test_an_xml_declaration_names_the_encoding() -> None:
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<xml><records><record>'
        '<ref-type name="Journal Article">17</ref-type><titles><title>Müller on peers</title>'
        "</titles></record></records></xml>"
    )
    decoded = registry.decode_bytes(text.encode("latin-1"))
    assert (decoded.text, decoded.guessed) == (text, False)
    assert registry.parse_bytes(text.encode("latin-1")).references[0].title == "Müller on peers"


def test_binary_data_is_still_refused() -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    with pytest.raises(FormatError, match="binary"):
        registry.decode(png)


def test_a_declaration_the_bytes_do_not_follow_is_ignored() -> None:
    text = '<?xml version="1.0" encoding="UTF-8"?><xml>Müller</xml>'
    decoded = registry.decode_bytes(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (text, "cp1252", True)


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nAU  - Núñez, Begoña\nTI  - Grupos de apoyo mutuo en atención\nER  - \n",
        "TY  - JOUR\nAU  - Lefèvre, Hélène\nTI  - La pair-aidance en santé mentale\nER  - \n",
    ],
)
def test_a_short_western_text_is_read_as_windows_1252(text: str) -> None:
    # charset-normalizer finds cp1250 ("Núńez") just as likely; the commoner code page wins.
    decoded = registry.decode_bytes(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (text, "cp1252", True)


_RIS_WITH_NUL = "TY  - JOUR\nAU  - Doe, Jane\nTI  - Peer\x00 support\nN1  - a\x00b\x0cc\nER  - \n"


def test_a_text_file_with_a_stray_nul_is_text_not_binary_data() -> None:
    """Issue 17 #8: PeerRef refused its own export of a field holding a NUL."""
    decoded = registry.decode_bytes(_RIS_WITH_NUL.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (_RIS_WITH_NUL, "utf-8", False)
    result = registry.parse_bytes(_RIS_WITH_NUL.encode("utf-8"))
    (reference,) = result.references
    assert reference.title == "Peer support"
    assert reference.extra["note"] == "ab c"
    assert [str(w) for w in result.warnings] == [
        "3 control characters (NUL, form feed) removed from the text (line 3, 4, 4): "
        "no reference holds them"
    ]


def test_utf16_without_a_byte_order_mark_is_not_taken_for_text_with_nuls() -> None:
    text = "TY  - JOUR\nTI  - Peer support\nER  - \n"
    decoded = registry.decode_bytes(text.encode("utf-16-le"))
    assert decoded.text == text


def test_an_escaped_control_character_is_removed_after_reading_with_a_warning() -> None:
    result = registry.parse_text('[{"id": "a", "type": "book", "title": "Peer\\u0000 work"}]')
    (entry,) = result.entries
    assert entry.reference.title == "Peer work"
    assert [w.message for w in entry.warnings][-1] == (
        "1 control character (NUL) removed from the title"
    )


def test_a_field_of_pathological_length_is_cut_and_its_whole_text_kept_as_the_raw_text() -> None:
    """Issue 17 #10: a title of a megabyte froze the window each time it was shown."""
    title = "x" * 1_000_000
    result = registry.parse_text(f"TY  - JOUR\nTI  - {title}\nER  - \n")
    (entry,) = result.entries
    assert len(entry.reference.title) == 10_001
    assert title in entry.raw_text
    assert any(
        w.message.startswith("the title is 1,000,000 characters long") for w in entry.warnings
    )
