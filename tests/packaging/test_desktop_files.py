"""Linux desktop integration: the files pass freedesktop's own validators and install per user.

The validators come from Debian's desktop-file-utils, appstream and shared-mime-info
packages (installed by .ci/run). On a developer machine without them these tests skip
and say so; in CI (CI=true) a missing tool is a failure, never a silent skip.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from peerref import __version__

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / "org.peerref.PeerRef.desktop"
METAINFO = LINUX / "org.peerref.PeerRef.metainfo.xml"
MIME_XML = LINUX / "peerref-mime.xml"
INSTALL_SH = LINUX / "install.sh"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
# Types shared-mime-info itself defines; the desktop file may use them without declaring.
FREEDESKTOP_TYPES = {"text/x-bibtex"}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktop files")


def require_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is not None:
        return path
    message = f"{name} is not installed (Debian package {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; .ci/run must install it")
    pytest.skip(f"{message}; CI installs it, install it to run this test here")


def run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def desktop_mime_types() -> set[str]:
    return {t for t in desktop_entry()["MimeType"].split(";") if t}


def test_desktop_file_is_valid() -> None:
    tool = require_tool("desktop-file-validate", "desktop-file-utils")
    result = run(tool, str(DESKTOP))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # not even hints


def test_metainfo_is_valid() -> None:
    tool = require_tool("appstreamcli", "appstream")
    result = run(tool, "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_matches_the_desktop_file_and_the_package() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.findtext("id") == "org.peerref.PeerRef" == DESKTOP.stem
    assert root.findtext("launchable") == DESKTOP.name
    latest = root.find("releases/release")
    assert latest is not None
    assert latest.get("version") == __version__, "add a <release> for the new version"
    provided = {element.text for element in root.iterfind("provides/mediatype")}
    assert provided == desktop_mime_types()


def test_every_type_the_desktop_file_opens_is_declared() -> None:
    declared = {element.get("type") for element in ElementTree.parse(MIME_XML).getroot()} - {None}
    assert declared == {"application/x-research-info-systems", "application/x-medline"}
    assert desktop_mime_types() == declared | FREEDESKTOP_TYPES


def test_mime_database_recognises_ris_and_nbib(tmp_path: Path) -> None:
    tool = require_tool("update-mime-database", "shared-mime-info")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages)
    result = run(tool, str(tmp_path / "mime"))
    assert result.returncode == 0, result.stdout + result.stderr
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-research-info-systems:*.ris" in globs
    assert "application/x-medline:*.nbib" in globs
    magic = (tmp_path / "mime" / "magic").read_bytes()
    assert b"[50:application/x-research-info-systems]" in magic
    assert b"TY  - " in magic
    assert b"PMID- " in magic


def fake_bundle(folder: Path) -> Path:
    bundle = folder / "PeerRef"
    bundle.mkdir(parents=True)
    executable = bundle / "PeerRef"
    executable.write_text("#!/bin/sh\necho PeerRef stand-in\n", encoding="utf-8")
    executable.chmod(0o755)
    return bundle


def rendered_icons(folder: Path) -> Path:
    result = run(sys.executable, str(REPO / "packaging" / "make_icons.py"), str(folder))
    assert result.returncode == 0, result.stderr
    return folder / "hicolor"


def install_environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env["HOME"] = str(home)
    return env


def test_install_sh_installs_for_the_current_user_only(tmp_path: Path) -> None:
    validate = require_tool("desktop-file-validate", "desktop-file-utils")
    require_tool("update-desktop-database", "desktop-file-utils")
    require_tool("update-mime-database", "shared-mime-info")
    home = tmp_path / "home"
    home.mkdir()
    bundle = fake_bundle(tmp_path / "build")
    icons = rendered_icons(tmp_path / "icons")
    root_flag = ["--allow-root"] if os.geteuid() == 0 else []
    env = install_environment(home)

    result = run("sh", str(INSTALL_SH), "--bundle", str(bundle), "--icons", str(icons),
                 *root_flag, env=env)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr

    share = home / ".local" / "share"
    installed_app = home / ".local" / "lib" / "peerref" / "PeerRef"
    assert installed_app.is_file()
    assert (home / ".local" / "bin" / "peerref").resolve() == installed_app.resolve()
    desktop = share / "applications" / "org.peerref.PeerRef.desktop"
    assert f'Exec="{installed_app}" %F' in desktop.read_text(encoding="utf-8")
    assert run(validate, str(desktop)).returncode == 0
    assert (share / "metainfo" / "org.peerref.PeerRef.metainfo.xml").is_file()
    for size in (16, 32, 48, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" /
                "org.peerref.PeerRef.png").is_file()  # fmt: skip
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "org.peerref.PeerRef.svg").is_file()
    assert "application/x-research-info-systems:*.ris" in (share / "mime" / "globs2").read_text(
        encoding="utf-8"
    )
    associations = (share / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    for mime_type in desktop_mime_types():
        assert f"{mime_type}=org.peerref.PeerRef.desktop;" in associations

    # Uninstalling removes the program and its integration, never the user's library.
    library = share / "PeerRef" / "library.sqlite"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"SQLite format 3\x00")
    result = run("sh", str(INSTALL_SH), "--uninstall", *root_flag, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not installed_app.exists()
    assert not desktop.exists()
    assert not (home / ".local" / "bin" / "peerref").exists()
    assert library.read_bytes() == b"SQLite format 3\x00"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can check that root is refused")
def test_install_sh_refuses_root_unless_told(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bundle = fake_bundle(tmp_path / "build")
    result = run("sh", str(INSTALL_SH), "--bundle", str(bundle), "--icons", str(tmp_path),
                 env=install_environment(home))  # fmt: skip
    assert result.returncode == 1
    assert "refusing to run as root" in result.stderr
    assert list(home.iterdir()) == []
