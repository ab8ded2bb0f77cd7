"""``python -m peerref`` starts the desktop application."""

from __future__ import annotations

import multiprocessing

from peerref.app import main

if __name__ == "__main__":
    # The relevance ranking's worker process is started with "spawn": in a frozen
    # (PyInstaller) build the worker is this same executable, which must then run the
    # worker instead of a second window. A no-op when not frozen.
    multiprocessing.freeze_support()
    raise SystemExit(main())
