"""A stray NUL in a text file that is not UTF-8 (issue 17 #8): text, not binary data."""

from __future__ import annotations

import random

import pytest

from peerref.core.errors import FormatError
from peerref.formats import registry


def _ris(title: str, author: str, note: str = "") -> str:
    lines = ["TY  - JOUR", f"AU  - {author}", f"TI  - {title}"]
    if note:
        lines.append(f"N1  - {note}")
    return "\n".join([*lines, "ER  - ", ""])


WESTERN = _ris(
    "Grupos de apoyo mutuo\x00 en atención primaria",
    "Núñez, Begoña",
    "Revisión pendiente\x00; ver también Lefèvre",
)


def test_a_windows_1252_file_with_stray_nuls_is_read_as_text() -> None:
    decoded = registry.decode_bytes(WESTERN.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.guessed) == (WESTERN, "cp1252", True)
    result = registry.parse_bytes(WESTERN.encode("cp1252"))
    (reference,) = result.references
    assert reference.title == "Grupos de apoyo mutuo en atención primaria"
    assert reference.creators[0].family == "Núñez"
    assert any("NUL" in str(w) and "removed" in str(w) for w in result.warnings)
    assert any("cp1252" in str(w) for w in result.warnings)


def test_a_nul_after_the_first_few_kilobytes_is_tolerated_too() -> None:
    entries = [
        _ris(f"Pair-aidance en santé mentale, étude {i}", f"Lefèvre, Hélène {i}") for i in range(80)
    ]
    entries.append(_ris("Soutien par les pairs\x00 à l’hôpital", "Gaël, Françoise"))
    text = "".join(entries)
    data = text.encode("cp1252")
    assert data.index(b"\x00") > 4096
    decoded = registry.decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, "cp1252")
    assert len(registry.parse_bytes(data).references) == 81


def test_a_japanese_shift_jis_file_with_a_stray_nul_is_read_as_text() -> None:
    text = _ris("精神保健におけるピアサポート\x00の実践", "山田, 花子")
    decoded = registry.decode_bytes(text.encode("cp932"))
    assert (decoded.text, decoded.encoding) == (text, "cp932")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_still_utf16(encoding: str) -> None:
    text = _ris("精神保健におけるピアサポートの実践と研究", "山田, 花子") * 3
    assert registry.decode_bytes(text.encode(encoding)).text == text


def test_text_full_of_nuls_is_still_binary() -> None:
    data = bytearray(WESTERN.encode("cp1252") * 5)
    data[::8] = b"\x00" * len(data[::8])  # one byte in eight: no stray NUL
    with pytest.raises(FormatError, match="binary"):
        registry.decode_bytes(bytes(data))


def test_compressed_looking_data_with_few_nuls_is_still_binary() -> None:
    generator = random.Random(17)
    for _ in range(20):
        data = bytes(generator.getrandbits(8) for _ in range(3000)) + b"\x00"
        with pytest.raises(FormatError, match="binary"):
            registry.decode_bytes(data)
