"""Plain-text handling shared by the readers of results pages copied from a browser.

Emerald Insight and ScienceGate pages arrive the same way: a browser selection pasted as
text, with Windows or Unix line ends, stray byte-order marks and zero-width spaces, and
non-breaking (or thinner) spaces padding the text. Both readers number lines the way
``base.line_number_at`` does and report the lines they could not place in the same words,
so that handling lives here once. The leading underscore keeps the registry from taking
this module for a format.
"""

from __future__ import annotations

import re

from peerref.formats.base import Diagnostic

# Spaces other than " " that pages put inside text: no-break, narrow no-break, thin, em…
ODD_SPACES = ("\xa0", "\u202f", "\u2009", "\u2007", "\u2002", "\u2003", "\u3000")
ODD_SPACE = re.compile("[" + "".join(ODD_SPACES) + "]")


def clean_line(line: str) -> str:
    """One line with every kind of space (non-breaking ones too) collapsed and trimmed."""
    return " ".join(line.split())


def split_page_lines(text: str) -> list[str]:
    """Lines of the page without their line ends; "\\r\\n" and "\\n" both end a line.

    Splitting only on "\\n" keeps line numbers equal to ``base.line_number_at``. Byte-order
    marks and zero-width spaces, which browsers leave inside copied text, are dropped.
    """
    if "\ufeff" in text or "\u200b" in text:
        text = text.replace("\ufeff", "").replace("\u200b", "")
    lines = text.split("\n")
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    return lines


def needs_cleaning(text: str) -> bool:
    """Whether some line of ``text`` has spacing ``clean_line`` would change inside it.

    Tabs, runs of spaces and the odd spaces of ``ODD_SPACES``; a page without any (most
    copied pages) lets a reader take its lines as they are. Each test is a C-speed scan.
    """
    return "  " in text or "\t" in text or any(space in text for space in ODD_SPACES)


class SkippedLines:
    """Collects lines no rule recognised, as one diagnostic per run of neighbouring lines."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._runs: list[list[int]] = []

    def add(self, line_number: int) -> None:
        if self._runs and self._runs[-1][1] >= line_number - 2:  # blank lines do not split a run
            self._runs[-1][1] = line_number
        else:
            self._runs.append([line_number, line_number])

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        out: list[Diagnostic] = []
        for first, last in self._runs:
            where = f"line {first}" if first == last else f"lines {first}–{last}"
            out.append(Diagnostic(f"skipped {where}: not part of {self._what}", first))
        return tuple(out)
