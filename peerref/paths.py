"""Where PeerRef keeps its files, decided once and passed down (STYLE.md #10).

Nothing is created at import time and there is no global: the composition root (app or
CLI) builds an ``AppPaths`` and hands it on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PeerRef"
LIBRARY_FILE_NAME = "library.sqlite"
LIBRARY_ENV_VAR = "PEERREF_LIBRARY"

# URL schemes that name a team library on a PostgreSQL server rather than a file.
LIBRARY_URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_library_url(value: Path | str | None) -> bool:
    """Whether ``--library`` (or ``$PEERREF_LIBRARY``) names a database server, not a file.

    Why a check of its own: a URL handed to ``Path`` becomes a folder named
    ``postgresql:`` with an SQLite library inside it, silently. A ``Path`` object is
    never a URL (``Path`` has already collapsed the ``//``).
    """
    if not isinstance(value, str):
        return False
    scheme, separator, _ = value.partition("://")
    return bool(separator) and scheme.lower() in LIBRARY_URL_SCHEMES


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Data, config, cache and log directories, and the library in use.

    ``library_url`` is set when the library is a team library on a PostgreSQL server;
    ``library_file`` is then the personal library's file, which nothing opens.
    """

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path
    library_file: Path
    library_url: str | None = None

    @property
    def library_location(self) -> Path | str:
        """What to open: the team library's URL, else the library file."""
        return self.library_url if self.library_url is not None else self.library_file

    @property
    def backup_dir(self) -> Path:
        """Backups sit next to the library they protect, so another library gets its own."""
        return self.library_file.parent / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @classmethod
    def from_platformdirs(cls, library: Path | str | None = None) -> AppPaths:
        """The standard user directories; ``library`` or ``$PEERREF_LIBRARY`` pick the file."""
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        return cls(
            data_dir=data_dir,
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            library_file=_library_file(library, data_dir),
            library_url=_library_url(library),
        )

    @classmethod
    def in_dir(cls, root: Path | str, library: Path | str | None = None) -> AppPaths:
        """Everything under one directory: for tests and portable installs."""
        root = Path(root)
        return cls(
            data_dir=root / "data",
            config_dir=root / "config",
            cache_dir=root / "cache",
            log_dir=root / "log",
            library_file=_library_file(library, root / "data"),
            library_url=_library_url(library),
        )


def _chosen(explicit: Path | str | None) -> Path | str | None:
    if explicit:
        return explicit
    return os.environ.get(LIBRARY_ENV_VAR) or None


def _library_url(explicit: Path | str | None) -> str | None:
    chosen = _chosen(explicit)
    return chosen if isinstance(chosen, str) and is_library_url(chosen) else None


def _library_file(explicit: Path | str | None, data_dir: Path) -> Path:
    chosen = _chosen(explicit)
    if chosen is None or is_library_url(chosen):
        return data_dir / LIBRARY_FILE_NAME
    return Path(chosen).expanduser()
