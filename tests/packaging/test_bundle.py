"""The double-click bundle: built with PyInstaller, started the way a file manager starts it.

Slow (a PyInstaller build takes a minute or two) but run by CI: it is the only test that
shows the bundle has every module and data file the app needs at run time.
"""

from __future__ import annotations

import sys
import tarfile
import time
from pathlib import Path

import pytest
from peerref_process import REPO, Launcher, wait_for_log

from peerref import __version__
from peerref.gui.single_instance import encode_message, send_message, server_name

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux bundle"),
]

BUNDLE = REPO / "dist" / "PeerRef"
EXECUTABLE = BUNDLE / "PeerRef"
ARCHIVE = REPO / "dist" / f"PeerRef-{__version__}-linux-x86_64.tar.gz"
SIZE_REPORT = REPO / "benchmarks" / "out" / "bundle_size.txt"
BUILD_TIMEOUT_S = 30 * 60


def folder_size(folder: Path) -> int:
    """Bytes on disk: symbolic links (PyInstaller links Qt's libraries) are not counted twice."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


@pytest.fixture(scope="module")
def build_seconds() -> float:
    import subprocess

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return time.monotonic() - started


def test_bundle_opens_a_ris_file_in_the_import_preview_and_exits_cleanly(
    build_seconds: float, tmp_path: Path, ris_file: Path
) -> None:
    assert EXECUTABLE.is_file()
    launcher = Launcher([str(EXECUTABLE)])
    library = tmp_path / "library.sqlite"
    try:
        app = launcher.start(library, ris_file)
        wait_for_log(r"window ready on", app.pid, process=app)
        wait_for_log(rf"import preview opened: Import from {ris_file.name}", app.pid, process=app)
        assert library.is_file()  # migrations ran from the bundled Alembic scripts
        assert send_message(server_name(library), encode_message("quit"), timeout_ms=10_000)
        assert app.wait(timeout=30) == 0
        wait_for_log(r"PeerRef exits with code 0", app.pid)
    finally:
        launcher.close()

    size = folder_size(BUNDLE)
    archive_size = ARCHIVE.stat().st_size
    report = (
        f"PeerRef {__version__} bundle: {size / 1e6:.1f} MB in {BUNDLE.name}/, "
        f"archive {ARCHIVE.name}: {archive_size / 1e6:.1f} MB, "
        f"build {build_seconds:.0f} s\n"
    )
    print(report, end="")
    (tmp_path / "bundle_size.txt").write_text(report, encoding="utf-8")
    SIZE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    SIZE_REPORT.write_text(report, encoding="utf-8")
    # A jump means PyInstaller started collecting something new. 305 MB before screening and
    # team libraries; scikit-learn with scipy (relevance ranking), matplotlib (the PRISMA
    # diagram) and psycopg's libpq add about 120 MB.
    assert size < 480e6, report


def test_bundle_sets_up_a_team_library_on_postgresql(
    build_seconds: float, empty_postgres_url: str
) -> None:
    """The driver, dialect and migrations a team library needs are in the bundle too.

    SQLAlchemy and Alembic load them by name, out of PyInstaller's sight.
    """
    launcher = Launcher([str(EXECUTABLE)])
    try:
        app = launcher.start(empty_postgres_url)  # migrated by the bundle itself
        wait_for_log(r"window ready on", app.pid, process=app)
        assert send_message(
            server_name(empty_postgres_url), encode_message("quit"), timeout_ms=10_000
        )
        assert app.wait(timeout=30) == 0
    finally:
        launcher.close()


def test_archive_holds_the_bundle_and_the_desktop_integration(build_seconds: float) -> None:
    stem = ARCHIVE.name.removesuffix(".tar.gz")
    with tarfile.open(ARCHIVE) as archive:
        names = set(archive.getnames())
        executable = archive.getmember(f"{stem}/PeerRef/PeerRef")
    assert executable.mode & 0o111
    for name in (
        "install.sh",
        "org.peerref.PeerRef.desktop",
        "org.peerref.PeerRef.metainfo.xml",
        "peerref-mime.xml",
        "icons/hicolor/256x256/apps/org.peerref.PeerRef.png",
        "icons/hicolor/scalable/apps/org.peerref.PeerRef.svg",
    ):
        assert f"{stem}/{name}" in names
    assert any(n.startswith(f"{stem}/PeerRef/_internal/peerref/store/migrations/versions/")
               for n in names)  # fmt: skip
