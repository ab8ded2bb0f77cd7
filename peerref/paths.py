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


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Data, config, cache and log directories, and the library file in use."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path
    library_file: Path

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
        )


def _library_file(explicit: Path | str | None, data_dir: Path) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(LIBRARY_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return data_dir / LIBRARY_FILE_NAME
