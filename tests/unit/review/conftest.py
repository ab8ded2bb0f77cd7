"""Fixtures for the review tests: a library with a review over two pasted pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_samples import emerald_page, sciencegate_page

from peerref.core.model import ImportMethod
from peerref.core.prisma import Review
from peerref.library import Library


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite") as opened:
        opened.reviews.reviewer = "Ayesha"
        yield opened


@pytest.fixture
def review(library: Library) -> Review:
    """ "Peer work": a collection fed by an Emerald page (3) and a ScienceGate page (3)."""
    collection, _ = library.add_collection("Peer work")
    for page in (emerald_page(), sciencegate_page()):
        library.import_text(page, method=ImportMethod.PASTE, collection=collection.id)
    return library.reviews.create("Peer work", collection.id, seed=7)
