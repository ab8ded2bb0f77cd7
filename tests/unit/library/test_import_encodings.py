"""Library.import_files says which encoding it assumed for a file that does not say."""

from __future__ import annotations

from pathlib import Path

from peerref.core.model import ImportMethod
from peerref.library import Library

RIS_WESTERN = (
    "TY  - JOUR\nAU  - Núñez, Begoña\nTI  - Grupos de apoyo mutuo en la atención primaria\n"
    "T2  - Atención Primaria\nPY  - 2019\nER  - \n"
)
RIS_CHINESE = "TY  - JOUR\nAU  - 李, 明\nTI  - 社区精神卫生服务中的同伴支持\nPY  - 2022\nER  - \n"


def test_a_guessed_encoding_is_named_with_its_file(library: Library, tmp_path: Path) -> None:
    western = tmp_path / "apoyo.ris"
    western.write_bytes(RIS_WESTERN.encode("cp1252"))
    chinese = tmp_path / "shequ.ris"
    chinese.write_bytes(RIS_CHINESE.encode("gbk"))
    plain = tmp_path / "plain.ris"
    plain.write_bytes(RIS_WESTERN.replace("atención primaria", "adolescencia").encode("utf-8"))
    outcome = library.import_files([western, chinese, plain], method=ImportMethod.FILE)
    messages = [d.message for d in outcome.result.warnings]
    assert [m.split(" does not say")[0] for m in messages if "encoded" in m] == [
        "apoyo.ris",
        "shequ.ris",
    ]
    assert "read as cp1252" in messages[0] and "read as gb18030" in messages[1]
    assert outcome.added == 3
    titles = {library.get(i).title for i in outcome.changes.added}
    assert "社区精神卫生服务中的同伴支持" in titles


def test_utf8_text_carries_no_encoding_warning(library: Library) -> None:
    outcome = library.import_text(RIS_WESTERN, method=ImportMethod.PASTE)
    assert outcome.result.warnings == ()
