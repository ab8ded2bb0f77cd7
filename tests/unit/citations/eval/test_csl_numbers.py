"""Number variables as citeproc-js writes them: ranges, chains and subsections."""

from __future__ import annotations

import pytest

from peerref.citations.eval.numbers import dash_ranges


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7-8", "7–8"),  # a double issue
        ("7 - 8", "7–8"),
        ("2023-24", "2023–24"),
        ("1-2, 5-6", "1–2, 5–6"),
        ("1-3 & 5", "1–3 & 5"),
        ("i-iv", "i–iv"),
        ("5a-7", "5a–7"),
        ("10-12a", "10–12a"),
        ("S1-S5", "S1–S5"),  # citeproc-js drops the "S"s here; PeerRef keeps them
        # Only the last hyphen of a chain of numbers is a range: a report number.
        ("PEP22-06-04-001", "PEP22-06-04–001"),
        ("2-3-4", "2-3–4"),
        # Not ranges: a subsection, words, an escaped hyphen, an en dash already there.
        ("12a-c", "12a-c"),
        ("Suppl-2", "Suppl-2"),
        ("A-B", "A-B"),
        ("Spec. no. 2-3", "Spec. no. 2-3"),
        ("3\\-4", "3-4"),
        ("7–8", "7–8"),
        ("12", "12"),
    ],
)
def test_dash_ranges(value: str, expected: str) -> None:
    assert dash_ranges(value) == expected
