"""Icons: the desktop theme's where it has one, PeerRef's own line icons otherwise.

The bundled icons are plain SVG files in ``resources/icons`` (STYLE.md #12) drawn with
``currentColor``; they are tinted with the palette's text colour when loaded, so they follow a
light or dark system palette instead of being black on dark grey.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

# Our icon names, each with the freedesktop theme name preferred for it (None: always ours).
THEME_NAMES: dict[str, str | None] = {
    "reference-new": "document-new",
    "collection-new": "folder-new",
    "collection": "folder",
    "library": None,
    "unfiled": None,
    "recent": "document-open-recent",
    "batch": None,
    "duplicate": None,
    "import": "document-import",
    "trash": "user-trash",
    "restore": "document-revert",
    "tag": None,
    "tags": None,
    "copy-citation": "edit-copy",
    "search": "edit-find",
    "incomplete": "dialog-warning",
    "undo": "edit-undo",
    "redo": "edit-redo",
    "preferences": "preferences-system",
    "note": None,
    "add": "list-add",
    "remove": "list-remove",
    "up": "go-up",
    "down": "go-down",
    "edit": "document-edit",
    "help": "help-about",
}

_PIXMAP_SIZES = (16, 22, 24, 32, 48)


def icon_dirs() -> list[Path]:
    """Where bundled icons may be: inside the package (wheels), a frozen app, or the checkout."""
    candidates: list[Path] = []
    packaged = files("peerref") / "resources" / "icons"
    if isinstance(packaged, Path):
        candidates.append(packaged)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources" / "icons")
    candidates.append(Path(__file__).resolve().parents[2] / "resources" / "icons")
    return [path for path in candidates if path.is_dir()]


def icon_path(name: str) -> Path | None:
    """The bundled SVG for ``name``, or None when PeerRef ships no such icon."""
    for directory in icon_dirs():
        path = directory / f"{name}.svg"
        if path.is_file():
            return path
    return None


def _text_colour() -> QColor:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)


@cache
def _bundled(name: str, colour_name: str) -> QIcon:
    path = icon_path(name)
    if path is None:
        return QIcon()
    svg = path.read_text(encoding="utf-8").replace("currentColor", colour_name)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    icon = QIcon()
    ratio = max(1.0, _device_pixel_ratio())
    for size in _PIXMAP_SIZES:
        pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size * ratio, size * ratio))
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        icon.addPixmap(pixmap)
    return icon


def _device_pixel_ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen is not None else 1.0


def bundled_icon(name: str) -> QIcon:
    """PeerRef's own icon, tinted for the current palette; a null icon for unknown names.

    Without a running QGuiApplication there is nothing to paint pixmaps for (and Qt would
    abort), so the icon is null then.
    """
    if QGuiApplication.instance() is None:
        return QIcon()
    return _bundled(name, _text_colour().name())


def icon(name: str) -> QIcon:
    """The icon for an action or sidebar entry: the theme's if it has one, else ours."""
    theme_name = THEME_NAMES.get(name)
    fallback = bundled_icon(name)
    if theme_name and QIcon.hasThemeIcon(theme_name):
        return QIcon.fromTheme(theme_name, fallback)
    return fallback


def clear_cache() -> None:
    """Forget tinted icons, after the palette changed between light and dark."""
    _bundled.cache_clear()
