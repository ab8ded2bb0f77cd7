"""``peerref-cli review screen``: screening by keyboard in a terminal.

One key per decision, read from standard input: ``i`` include, ``e`` exclude, ``m``
maybe, ``u`` undo, ``q`` quit (blanks between keys are ignored, so keys can be piped:
``printf 'i e m u i' | peerref-cli review screen NAME``). A full-text exclusion then
asks for its reason by number. Each decision is saved as it is made.
"""

from __future__ import annotations

import textwrap
from typing import TextIO

from peerref.core.errors import UserInputError
from peerref.core.model import Reference
from peerref.core.prisma import Stage, Verdict
from peerref.review.screening import Screening, highlight_spans

KEYS = {"i": Verdict.INCLUDE, "e": Verdict.EXCLUDE, "m": Verdict.MAYBE}
PROMPT = "[i]nclude  [e]xclude  [m]aybe  [u]ndo  [q]uit > "
_GREEN, _RED, _BOLD, _RESET = "\033[1;32m", "\033[1;31m", "\033[1m", "\033[0m"


def _read_key(keys: TextIO) -> str:
    """The next key that is not a blank; "" at the end of the input."""
    while True:
        key = keys.read(1)
        if not key or not key.isspace():
            return key.lower()


def _marked(text: str, screening: Screening, colour: bool) -> str:
    """The text with the review's highlight terms marked: colours, or [+…+] and [-…-]."""
    pieces: list[str] = []
    position = 0
    for start, end, inclusion in highlight_spans(text, screening.review):
        pieces.append(text[position:start])
        term = text[start:end]
        if colour:
            pieces.append(f"{_GREEN if inclusion else _RED}{term}{_RESET}")
        else:
            pieces.append(f"[+{term}+]" if inclusion else f"[-{term}-]")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _show(ref: Reference, screening: Screening, out: TextIO, colour: bool) -> None:
    progress = screening.progress()
    total = progress.decided + progress.remaining + progress.maybe
    out.write("\n" + "─" * 72 + "\n")
    out.write(
        f"{screening.stage.value} · {progress.decided + 1} of {total} · "
        f"relevant found: {progress.relevant_found} of {progress.decided} screened · #{ref.id}\n\n"
    )
    title = _marked(ref.title or "[untitled]", screening, colour)
    out.write((f"{_BOLD}{title}{_RESET}" if colour else title) + "\n")
    names = ", ".join(c.display_name() for c in ref.authors[:6])
    if len(ref.authors) > 6:
        names += " et al."
    details = " · ".join(
        part for part in (names, str(ref.issued.year or ""), ref.container_title) if part
    )
    if details:
        out.write(details + "\n")
    for section in ref.abstract:
        out.write("\n")
        if section.heading:
            out.write((f"{_BOLD}{section.heading}{_RESET}" if colour else section.heading) + "\n")
        for line in textwrap.wrap(section.text, 72):
            out.write(_marked(line, screening, colour) + "\n")
    if not ref.abstract:
        out.write("\n(no abstract)\n")
    out.write("\n")


def _reason(screening: Screening, keys: TextIO, out: TextIO) -> str | None:
    reasons = screening.review.reasons[:9]
    for number, reason in enumerate(reasons, 1):
        out.write(f"  {number} {reason}\n")
    out.write("reason (number, or c to cancel) > ")
    out.flush()
    while True:
        key = _read_key(keys)
        if not key or key == "c":
            out.write("\n")
            return None
        if key.isdigit() and 1 <= int(key) <= len(reasons):
            out.write(f"{key}\n")
            return reasons[int(key) - 1]
        out.write(f"\nno reason {key!r}; reason > ")


def screen(screening: Screening, keys: TextIO, out: TextIO, *, colour: bool = False) -> int:
    """Screen until every record is decided, the input ends or ``q``; decisions made."""
    made = 0
    while True:
        progress = screening.progress()
        ref = screening.current() if progress.remaining else None
        if ref is None:
            out.write(
                f"\nNothing left to decide at {screening.stage.value}"
                + (f" ({progress.maybe} marked maybe)" if progress.maybe else "")
                + ".\n"
            )
            return made
        _show(ref, screening, out, colour)
        out.write(PROMPT)
        out.flush()
        key = _read_key(keys)
        if not key or key == "q":
            out.write("\n")
            return made
        out.write(key + "\n")
        if key == "u":
            undone = screening.undo()
            out.write(
                f"undid {undone.verdict.value} of #{undone.reference_id}\n"
                if undone
                else "nothing to undo\n"
            )
            made -= 1 if undone else 0
            continue
        verdict = KEYS.get(key)
        if verdict is None:
            out.write(f"no key {key!r}: use i, e, m, u or q\n")
            continue
        reason = ""
        if verdict is Verdict.EXCLUDE and screening.stage is Stage.FULL_TEXT:
            chosen = _reason(screening, keys, out)
            if chosen is None:
                continue
            reason = chosen
        try:
            screening.decide(verdict, reason)
        except UserInputError as error:
            out.write(f"{error}\n")
            continue
        made += 1
