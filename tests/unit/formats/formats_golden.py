"""Golden-file and fuzzing plumbing shared by the format tests.

Every reader is held to the same two contracts: a fixture file reads to the CSL-JSON stored
next to it, and no input, however broken, raises anything but ``FormatError``. The
plumbing for both lives here once. Test modules import it by name (``from formats_golden
import ...``): ``tests`` is not a package, and pytest's default import mode puts this
directory on ``sys.path`` when it imports the test modules beside it.

``PEERREF_REGEN_GOLDEN=1`` rewrites the expected JSON instead of trusting it; read the diff
before committing what it wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError
from peerref.formats.base import ParseResult, Reader
from peerref.formats.registry import MIN_SNIFF_SCORE, parse_text, rank

FORMATS_DATA = Path(__file__).resolve().parents[2] / "data" / "formats"
REGENERATE_GOLDEN = os.environ.get("PEERREF_REGEN_GOLDEN") == "1"


def as_csl(result: ParseResult) -> list[dict[str, Any]]:
    """Every entry as CSL-JSON without ids: the form the golden files store."""
    return [reference_to_csl(entry.reference, with_id=False) for entry in result.entries]


def fixture_text(path: Path) -> str:
    """Bytes decoded as they are: CRLF fixtures keep their CR characters."""
    return path.read_bytes().decode("utf-8")


def assert_matches_golden(result: ParseResult, expected_path: Path) -> None:
    """Compare every entry's CSL-JSON with the stored golden; regenerate on request."""
    actual = as_csl(result)
    if REGENERATE_GOLDEN:
        expected_path.write_text(
            json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


def assert_detected_and_matches_golden(text: str, format_name: str, expected_path: Path) -> None:
    """The registry picks ``format_name`` for ``text``, ranks it first, and reads the golden."""
    result = parse_text(text)
    assert result.format_name == format_name
    assert rank(text)[0][1].name == format_name
    assert_matches_golden(result, expected_path)


def assert_every_page_has_a_golden_file(pages_dir: Path) -> None:
    """A results-page reader keeps at least two fixture pages, each with its expected JSON."""
    pages = sorted(pages_dir.glob("*.txt"))
    assert len(pages) >= 2
    for page in pages:
        assert page.with_suffix(".expected.json").is_file(), page.name


def read_or_none(reader: Reader, text: str) -> ParseResult | None:
    """What ``reader`` reads from ``text``; None when it refuses with ``FormatError``.

    Any other exception propagates, which is what the fuzz tests look for.
    """
    try:
        return reader.read(text)
    except FormatError:
        return None


def splice_noise_fuzz(test: Callable[[str, int, int], None]) -> Callable[..., None]:
    """Hypothesis-drive ``test(noise, at, cut)``: random text, and where to put it into a page."""
    drawn = given(
        st.text(max_size=400), st.integers(min_value=0, max_value=4000), st.integers(0, 200)
    )(test)
    return settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])(
        drawn
    )


def assert_noise_raises_only_format_error(
    reader: Reader, page: str, noise: str, at: int, cut: int
) -> None:
    """Sniff and read the noise alone, then the page with ``cut`` characters at ``at`` replaced
    by it: nothing but ``FormatError`` may escape.
    """
    at = min(at, len(page))
    for text in (noise, page[:at] + noise + page[at + cut :]):
        with contextlib.suppress(FormatError):
            reader.sniff(text)
            reader.read(text)


# Fixtures of formats read by other readers, for checking a reader leaves them alone.
def fixtures_of_other_formats(*own_folders: str) -> list[Path]:
    """Every fixture file (and golden) in ``tests/data/formats`` outside ``own_folders``."""
    return sorted(
        path
        for path in FORMATS_DATA.rglob("*")
        if path.is_file() and path.parent.name not in own_folders and path.suffix != ".py"
    )


def assert_not_taken_by(reader: Reader, path: Path) -> None:
    """``reader`` does not recognise another format's fixture: it scores below the registry's
    threshold, so it is never tried on it."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    assert reader.sniff(text) < MIN_SNIFF_SCORE, path.name
