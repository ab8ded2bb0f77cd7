"""peerref-cli names a guessed encoding on stderr and leaves stdout and exit codes alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Cli

# Our own record: accents in cp1252, Chinese in GBK, neither file saying its encoding.
RIS_WESTERN = (
    "TY  - JOUR\nAU  - Núñez, Begoña\nAU  - Müller, Jörg\n"
    "TI  - Apoyo entre iguales en salud mental: la experiencia de Córdoba\n"
    "T2  - Revista de la Asociación Española de Neuropsiquiatría\nPY  - 2020\nER  - \n"
)
RIS_CHINESE = (
    "TY  - JOUR\nAU  - 王, 丽\nTI  - 同伴支持在精神康复中的作用\nT2  - 中国心理卫生杂志\n"
    "PY  - 2021\nAB  - 本研究探讨了同伴支持者在社区精神康复中的作用。\nER  - \n"
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "lib" / "library.sqlite")


def _file(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_parse_names_the_guessed_encoding_on_stderr_only(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "cordoba.ris", RIS_WESTERN, "cp1252")
    code, out, err = cli("parse", str(path))
    assert code == 0
    items = json.loads(out)  # stdout is the CSL-JSON, as ever
    assert items[0]["author"][0]["family"] == "Núñez"
    warning = next(line for line in err.splitlines() if "encoded" in line)
    assert warning.startswith("warning: cordoba.ris does not say how its text is encoded")
    assert "read as cp1252" in warning


def test_import_names_the_guessed_encoding_and_keeps_its_summary(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "tongban.ris", RIS_CHINESE, "gbk")
    code, out, err = cli("import", str(path))
    assert code == 0
    assert out == "tongban.ris: 1 new, 0 skipped as duplicates, 0 merged\n"
    assert "warning: tongban.ris does not say how its text is encoded: read as gb18030" in err
    _, listed, _ = cli("list", "--json")
    assert json.loads(listed)[0]["title"] == "同伴支持在精神康复中的作用"


def test_utf8_files_and_standard_input_carry_no_encoding_warning(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path, "cordoba.ris", RIS_WESTERN, "utf-8")
    assert "encoded" not in cli("parse", str(path))[2]
    assert "encoded" not in cli("parse", "-", stdin=RIS_WESTERN)[2]
