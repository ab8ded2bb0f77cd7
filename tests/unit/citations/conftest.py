from __future__ import annotations

import pytest

from peerref.citations import StyleCatalogue


@pytest.fixture(scope="session")
def catalogue() -> StyleCatalogue:
    """One catalogue for the session: parsed styles are cached, as in the application."""
    return StyleCatalogue()
