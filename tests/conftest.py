"""Test policy (STYLE.md #11): offscreen Qt, private directories, a gui marker for qtbot tests."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import NoPostgresError, running_server
from pytest_httpserver import HTTPServer

from peerref.settings import CROSSREF_URL_ENV_VAR

# Before anything imports Qt: no display in CI, and never the user's own settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PEERREF_LIBRARY", None)
os.environ.pop("PEERREF_CROSSREF_URL", None)

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own home, data and config directories."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("HOME", ""),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_RUNTIME_DIR", "runtime"),
    ):
        path = home / sub
        path.mkdir(exist_ok=True, mode=0o700)
        monkeypatch.setenv(var, str(path))
    return home


@pytest.fixture(scope="module")
def fake_crossref_server() -> Iterator[HTTPServer]:
    """One HTTP server on 127.0.0.1 per test module, standing in for api.crossref.org."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def crossref(
    fake_crossref_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HTTPServer]:
    """The fake Crossref, named by $PEERREF_CROSSREF_URL as a user or institution would.

    Each test sets its own expected requests; they are cleared when it ends.
    """
    url = fake_crossref_server.url_for("/").rstrip("/")
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, url)
    yield fake_crossref_server
    fake_crossref_server.clear()


@contextlib.contextmanager
def _server_or_skip() -> Iterator[object]:
    """A private PostgreSQL server (``tests/pg_server.py``) for as long as the block runs.

    Skips the test with the reason when no PostgreSQL binaries exist, except under
    CI=true, where a missing server is a failure: CI installs it, so its absence is a bug.
    """
    manager = running_server()
    try:
        server = manager.__enter__()
    except NoPostgresError as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is needed under CI: {error}")
        pytest.skip(f"team-library tests need PostgreSQL: {error}")
    try:
        yield server
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """One private PostgreSQL server for the session, shared by the team-library tests."""
    with _server_or_skip() as server:
        yield server


@pytest.fixture
def restartable_postgres() -> Iterator[object]:
    """A PostgreSQL server of the test's own, which it may stop and start again.

    The session's server is shared by every test, so restarting it would cut the others
    off: tests of what happens when the server goes away get one each.
    """
    with _server_or_skip() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_template(postgres_server: object) -> str:
    """A database migrated once, that each test's library is copied from (a second, not five)."""
    from peerref.library import Library

    url: str = postgres_server.create_database("template")  # type: ignore[attr-defined]
    Library.open(url).close()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def postgres_url(postgres_server: object, postgres_template: str) -> str:
    """The URL of a new team library (migrated, no references) on the session's server."""
    url: str = postgres_server.create_database(template=postgres_template)  # type: ignore[attr-defined]
    return url


@pytest.fixture
def empty_postgres_url(postgres_server: object) -> str:
    """The URL of a new, empty database (nothing migrated yet)."""
    url: str = postgres_server.create_database("empty")  # type: ignore[attr-defined]
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def library_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's library lives, once per backend: a file, then a team library."""
    if request.param == "sqlite":
        return tmp_path / "library.sqlite"
    url: str = request.getfixturevalue("postgres_url")
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Empty the clipboard before the process ends.

    Qt's offscreen platform crashes (SIGSEGV) while tearing down a clipboard that still
    holds data, after every test has passed. Only tests run offscreen; the real app keeps
    a copied citation on the clipboard when it quits, as users expect.
    """
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return
    app = widgets.QApplication.instance()
    if app is not None:
        widgets.QApplication.clipboard().clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


def seed_page(prefix: str) -> str:
    """Text of the real pasted page whose file name starts with ``prefix``; skip when absent."""
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared/seeds is not present")
    matches = sorted(SEEDS_DIR.glob(f"{prefix}*.txt"))
    if not matches:
        pytest.skip(f"no seed page {prefix}* in {SEEDS_DIR}")
    return matches[0].read_text(encoding="utf-8")
