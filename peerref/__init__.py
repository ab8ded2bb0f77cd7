"""PeerRef: a desktop reference manager that turns pasted search-result pages into references."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("peerref")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
