"""``python -m peerref`` starts the desktop application."""

from __future__ import annotations

from peerref.app import main

if __name__ == "__main__":
    raise SystemExit(main())
