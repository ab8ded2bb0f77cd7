"""The application icon: one SVG source, every platform's sizes and containers made from it."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "resources" / "icons" / "peerref.svg"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("icons")
    subprocess.run(
        [sys.executable, str(REPO / "packaging" / "make_icons.py"), str(output)],
        check=True,
        capture_output=True,
    )
    return output


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_source_is_a_square_svg(qapp: QApplication) -> None:
    renderer = QSvgRenderer(str(SOURCE))
    assert renderer.isValid()
    size = renderer.defaultSize()
    assert size.width() == size.height() == 512


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_hicolor_png_has_its_size(icons: Path, size: int) -> None:
    png = icons / "hicolor" / f"{size}x{size}" / "apps" / "org.peerref.PeerRef.png"
    assert png_size(png.read_bytes()) == (size, size)


def test_ico_holds_the_windows_sizes(icons: Path, qapp: QApplication) -> None:
    data = (icons / "peerref.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    assert read_sizes(icons / "peerref.ico") == [16, 24, 32, 48, 64, 128, 256]


def test_icns_holds_the_macos_sizes(icons: Path, qapp: QApplication) -> None:
    data = (icons / "peerref.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    assert sorted(set(read_sizes(icons / "peerref.icns"))) == [16, 32, 64, 128, 256, 512, 1024]


def test_small_icon_is_not_empty(icons: Path, qapp: QApplication) -> None:
    image = QImageReader(str(icons / "hicolor" / "16x16" / "apps" / "org.peerref.PeerRef.png"))
    pixels = image.read()
    opaque = sum(1 for x in range(16) for y in range(16) if pixels.pixelColor(x, y).alpha() > 200)
    assert opaque > 16 * 16 // 2  # the tile fills most of the square


def read_sizes(path: Path) -> list[int]:
    """Read every image back with Qt's own ico/icns readers, as the platforms would."""
    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.width() == image.height()
        sizes.append(image.width())
    return sizes
