"""The CSL processor test suite (``../shared/csl-test-suite/humans``), fixture by fixture.

Each fixture runs in the suite's own mode (see ``csl_fixtures``). The fixtures PeerRef
does not pass yet are listed in ``csl_suite_known_failures.txt`` and marked as strict
expected failures: a listed fixture that starts passing fails this test until it is
taken off the list, so the list can only shrink.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from csl_fixtures import fixture_paths, load_fixture, normalized, run_fixture

KNOWN_FAILURES_FILE = Path(__file__).with_name("csl_suite_known_failures.txt")


def _known_failures() -> set[str]:
    names = set()
    for line in KNOWN_FAILURES_FILE.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return names


KNOWN_FAILURES = _known_failures()
PATHS = fixture_paths()


def _param(path: Path) -> object:
    marks = []
    if path.stem in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(reason="listed in csl_suite_known_failures.txt"))
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.skipif(not PATHS, reason="../shared/csl-test-suite is not present")
@pytest.mark.parametrize("path", [_param(p) for p in PATHS])
def test_fixture(path: Path) -> None:
    fixture = load_fixture(path)
    assert normalized(run_fixture(fixture), fixture.mode) == normalized(
        fixture.result, fixture.mode
    )


@pytest.mark.skipif(not PATHS, reason="../shared/csl-test-suite is not present")
def test_known_failures_are_all_suite_fixtures() -> None:
    """A name on the list that is no fixture at all is a typo that would hide nothing."""
    assert {path.stem for path in PATHS} >= KNOWN_FAILURES
