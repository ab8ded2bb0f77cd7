"""User preferences, declared once with their defaults and upgraded by version (STYLE.md #10).

Preferences live in a small JSON file in the config directory. Unknown keys from a newer
PeerRef are kept on save, so going back and forth between versions loses nothing; a
damaged file falls back to defaults (and is kept aside) instead of stopping the app.
Window geometry and splitter state are Qt's business and live in QSettings.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from peerref.core.atomic import write_atomically

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2
CROSSREF_URL_ENV_VAR = "PEERREF_CROSSREF_URL"
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
CLIPBOARD_FORMATS = ("text/plain", "text/html", "text/rtf")


@dataclass(frozen=True, slots=True)
class Settings:
    """Every preference with its default.

    Attributes:
        citation_style: style id or path used by "Copy citation" (APA 7th by default).
        locale: CSL locale for rendering ("en-US", "en-GB", "de-DE" …).
        clipboard_formats: MIME types put on the clipboard when copying citations.
        crossref_mailto: address sent to Crossref's polite pool; empty sends none.
        crossref_url: API root, for institutions running a mirror and for tests.
        reviewer_name: who screening decisions are recorded as; empty uses the OS user.
        unknown: keys from a newer PeerRef, kept untouched.
    """

    citation_style: str = "apa"
    locale: str = "en-US"
    clipboard_formats: tuple[str, ...] = CLIPBOARD_FORMATS
    crossref_mailto: str = ""
    crossref_url: str = DEFAULT_CROSSREF_URL
    reviewer_name: str = ""
    unknown: Mapping[str, Any] = field(default_factory=dict)

    def effective_crossref_url(self) -> str:
        """``$PEERREF_CROSSREF_URL`` wins over the stored preference."""
        return os.environ.get(CROSSREF_URL_ENV_VAR) or self.crossref_url

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _upgrade_1_to_2(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 1 stored one clipboard format as ``clipboard_format``; version 2 keeps a list."""
    single = raw.pop("clipboard_format", None)
    if single and "clipboard_formats" not in raw:
        raw["clipboard_formats"] = [single] if single != "all" else list(CLIPBOARD_FORMATS)
    return raw


# Upgrade steps keyed by the version they upgrade *from* (picard's config_upgrade idea).
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}


def upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored settings mapping up to ``SETTINGS_VERSION``."""
    version = raw.get("version", 1)
    if not isinstance(version, int):
        version = 1
    while version < SETTINGS_VERSION:
        step = _UPGRADES.get(version)
        if step is not None:
            raw = step(raw)
        version += 1
    raw["version"] = max(
        version, raw.get("version", 0) if isinstance(raw.get("version"), int) else 0
    )
    return raw


def from_mapping(raw: Mapping[str, Any]) -> Settings:
    """Settings from a (possibly old, partial or odd) mapping; bad values fall back to defaults."""
    data = upgrade(dict(raw))
    defaults = Settings()
    known = {f.name for f in fields(Settings)} - {"unknown"}
    values: dict[str, Any] = {}
    for name in known:
        if name not in data:
            continue
        value, default = data[name], getattr(defaults, name)
        if isinstance(default, tuple) and isinstance(value, list):
            values[name] = tuple(str(v) for v in value)
        elif isinstance(value, type(default)):
            values[name] = value
        else:
            log.warning("ignoring setting %s=%r: expected %s", name, value, type(default).__name__)
    unknown = {k: v for k, v in data.items() if k not in known and k != "version"}
    return Settings(**values, unknown=unknown)


def to_mapping(settings: Settings) -> dict[str, Any]:
    data = asdict(settings)
    unknown = data.pop("unknown")
    data["clipboard_formats"] = list(settings.clipboard_formats)
    return {**unknown, **data, "version": SETTINGS_VERSION}


def load(path: Path) -> Settings:
    """Read settings; a missing file gives defaults, a damaged one is moved aside."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        log.warning("cannot read %s (%s); using defaults", path, error)
        return Settings()
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        aside = path.with_suffix(".damaged.json")
        log.warning("settings file %s is damaged (%s); kept as %s", path, error, aside)
        try:
            path.replace(aside)
        except OSError as rename_error:  # a read-only folder: defaults all the same
            log.warning("cannot move %s aside (%s)", path, rename_error.strerror)
        return Settings()
    return from_mapping(raw)


def save(settings: Settings, path: Path) -> None:
    """Write settings atomically: a full disk leaves the previous file whole.

    Raises:
        OSError: the file could not be written; the previous settings are unchanged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(to_mapping(settings), indent=2, ensure_ascii=False))
