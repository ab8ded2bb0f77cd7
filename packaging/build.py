"""Build the double-click bundle: dist/PeerRef/PeerRef and a versioned archive.

    uv run python packaging/build.py [--no-archive]

Steps: render the icons (``packaging/make_icons.py`` -> ``build/icons``), run PyInstaller
on ``packaging/peerref.spec`` (one folder, ``dist/PeerRef/``), then pack
``dist/PeerRef-<version>-<os>-<machine>.tar.gz`` (Linux) holding the bundle, the desktop
integration files and ``install.sh``. Prints the time taken and the sizes.

PyInstaller is used from the project environment when it is installed there (the
``packaging`` dependency group); otherwise it is fetched for this run with
``uv run --with``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "peerref.spec"
LINUX_DIR = ROOT / "packaging" / "linux"
DIST = ROOT / "dist"
BUILD = ROOT / "build"
ICONS = BUILD / "icons"
BUNDLE = DIST / "PeerRef"
PYINSTALLER_REQUIREMENT = "pyinstaller>=6.10,<7"
LINUX_FILES = (
    "install.sh",
    "org.peerref.PeerRef.desktop",
    "org.peerref.PeerRef.metainfo.xml",
    "peerref-mime.xml",
)


def pyinstaller_command() -> list[str]:
    """PyInstaller from this environment if present, else a throwaway one through uv."""
    if importlib.util.find_spec("PyInstaller") is not None:
        return [sys.executable, "-m", "PyInstaller"]
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("PyInstaller is not installed and uv is not on PATH to fetch it")
    return [uv, "run", "--with", PYINSTALLER_REQUIREMENT, "pyinstaller"]


def platform_tag() -> str:
    """``linux-x86_64``, ``windows-amd64``, ``macos-arm64``: what the archive runs on."""
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"


def folder_size(folder: Path) -> int:
    """Bytes on disk: a symbolic link (PyInstaller links Qt's libraries) is not counted twice."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def strip_binaries(bundle: Path) -> None:
    """Drop symbols from the bundle's shared libraries, on Linux, where they are most of the size.

    PyInstaller's own ``strip`` option strips every binary, and that breaks the libraries
    auditwheel vendored into wheels' ``*.libs`` folders (patchelf leaves their ELF segments in
    a layout strip(1) rewrites wrongly: numpy's OpenBLAS then fails to load with "ELF load
    command address/offset not page-aligned"). Those come stripped already, so they are left
    alone, as is the launcher, whose appended archive strip would cut off.
    """
    strip = shutil.which("strip")
    if not sys.platform.startswith("linux") or strip is None:
        return
    launcher = bundle / "PeerRef"
    for path in sorted(bundle.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or path == launcher:
            continue
        if any(part.endswith(".libs") for part in path.relative_to(bundle).parts):
            continue
        subprocess.run([strip, "--strip-unneeded", str(path)], check=False, capture_output=True)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def build_bundle() -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_icons.py"), str(ICONS)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [
            *pyinstaller_command(),
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={DIST}",
            f"--workpath={BUILD / 'pyinstaller'}",
            str(SPEC),
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )
    executable = BUNDLE / ("PeerRef.exe" if sys.platform == "win32" else "PeerRef")
    if not executable.is_file():
        raise SystemExit(f"PyInstaller finished but {executable} is missing")
    strip_binaries(BUNDLE)


def make_archive(package_version: str) -> Path:
    """The download: the bundle plus (on Linux) what install.sh needs, in one folder."""
    stem = f"PeerRef-{package_version}-{platform_tag()}"
    if sys.platform.startswith("linux"):
        archive = DIST / f"{stem}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(BUNDLE, arcname=f"{stem}/PeerRef")
            for name in LINUX_FILES:
                tar.add(LINUX_DIR / name, arcname=f"{stem}/{name}")
            tar.add(ICONS / "hicolor", arcname=f"{stem}/icons/hicolor")
        return archive
    archive = DIST / f"{stem}.zip"
    app = DIST / "PeerRef.app"
    source = app if app.is_dir() else BUNDLE
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(source.rglob("*")):
            zipped.write(path, f"{stem}/{path.relative_to(source.parent)}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="only build dist/PeerRef")
    args = parser.parse_args(argv)

    package_version = version("peerref")
    started = time.monotonic()
    build_bundle()
    built = time.monotonic()
    print(f"Built {BUNDLE} (PeerRef {package_version}) in {built - started:.0f} s")
    print(f"Bundle size: {megabytes(folder_size(BUNDLE))}")
    if not args.no_archive:
        archive = make_archive(package_version)
        print(
            f"Archive {archive}: {megabytes(archive.stat().st_size)} "
            f"in {time.monotonic() - built:.0f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
