"""Helpers for running real PeerRef processes: offscreen, watched through their log.

The processes inherit the private home and XDG directories of the autouse ``private_dirs``
fixture, so their log file (the one a user would send us) is where these tests read what
happened. They run with the ``PEERREF_TEST_HOOKS`` hook, which lets the single-instance
socket accept a "quit" command so every process can be ended cleanly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from peerref.app import LOG_FILE_NAME, TEST_HOOKS_ENV
from peerref.paths import AppPaths

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0  # a cold start on a loaded 2-core CI machine, with margin

# One journal article as a publisher's "Export citation (RIS)" writes it; the end tag keeps
# its trailing space, as real exports do.
RIS_TEXT = "\n".join(
    [
        "TY  - JOUR",
        "AU  - Okafor, Adaeze N.",
        "AU  - Lindqvist, Johan",
        "TI  - How postgraduate researchers judge the trustworthiness of preprints",
        "JO  - Journal of Documentation",
        "VL  - 80",
        "IS  - 3",
        "SP  - 612",
        "EP  - 631",
        "PY  - 2024",
        "DO  - 10.1108/JD-00-2024-0000",
        "ER  - ",
        "",
    ]
)


def log_file() -> Path:
    """Where PeerRef processes started by these tests write their log."""
    return AppPaths.from_platformdirs().log_dir / LOG_FILE_NAME


def log_lines(pid: int | None = None) -> list[str]:
    """The log's lines, only those of process ``pid`` when given."""
    path = log_file()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if pid is None:
        return lines
    return [line for line in lines if re.match(rf"^\S+ \S+ {pid} ", line)]


def wait_for_log(
    pattern: str,
    pid: int,
    timeout: float = START_TIMEOUT_S,
    process: subprocess.Popen[str] | None = None,
) -> str:
    """The first log line of ``pid`` matching ``pattern``; fails showing the log if none comes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log_lines(pid):
            if re.search(pattern, line):
                return line
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    output = ""
    if process is not None and process.poll() is not None and process.stdout is not None:
        output = process.stdout.read()
    log_text = "\n".join(log_lines())
    pytest.fail(f"no log line /{pattern}/ from process {pid}.\nLog:\n{log_text}\nOutput:\n{output}")


def app_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env[TEST_HOOKS_ENV] = "1"
    env.pop("PEERREF_LIBRARY", None)
    return env


def python_command() -> list[str]:
    return [sys.executable, "-m", "peerref"]


class Launcher:
    """Starts PeerRef processes and makes sure none outlives the test."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, library: Path | str, *files: Path) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [*self.command, "--library", str(library), *map(str, files)],
            cwd=REPO,
            env=app_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            if process.stdout is not None:
                process.stdout.close()
