"""Run peerref-cli in-process against one library file, for the CLI test modules."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from peerref.cli import main


class Cli:
    """Calls ``peerref-cli --library FILE|URL ...`` and returns (exit code, stdout, stderr)."""

    def __init__(self, library: Path | str) -> None:
        self.library = library

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["--library", str(self.library), *args],
            stdout=out,
            stderr=err,
            stdin=io.StringIO(stdin),
        )
        return code, out.getvalue(), err.getvalue()

    def show(self, ref_id: int) -> dict[str, Any]:
        """``show ID --json`` as a CSL-JSON item; fails the test when the command fails."""
        code, out, err = self("show", str(ref_id), "--json")
        assert code == 0, err
        item: dict[str, Any] = json.loads(out)
        return item
