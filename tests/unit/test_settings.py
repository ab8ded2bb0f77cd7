from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerref import settings as settings_module
from peerref.paths import AppPaths, is_library_url
from peerref.settings import Settings, load, save


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load(tmp_path / "none.json") == Settings()


def test_round_trip_keeps_unknown_keys_from_newer_versions(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 9, "citation_style": "vancouver", "future": [1, 2]}))
    loaded = load(path)
    assert loaded.citation_style == "vancouver"
    save(loaded.with_changes(locale="en-GB"), path)
    stored = json.loads(path.read_text())
    assert stored["future"] == [1, 2]
    assert stored["locale"] == "en-GB"


def test_version_1_single_clipboard_format_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"clipboard_format": "text/html"}))
    assert load(path).clipboard_formats == ("text/html",)


def test_damaged_file_is_moved_aside_and_defaults_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load(path) == Settings()
    assert (tmp_path / "settings.damaged.json").exists()


def test_wrongly_typed_values_fall_back_to_defaults() -> None:
    assert settings_module.from_mapping({"locale": 5}).locale == "en-US"


def test_environment_overrides_crossref_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERREF_CROSSREF_URL", "http://127.0.0.1:8080")
    assert Settings().effective_crossref_url() == "http://127.0.0.1:8080"


def test_saving_on_a_full_disk_keeps_the_previous_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from full_disk import FullDisk

    path = tmp_path / "settings.json"
    save(Settings(locale="en-GB"), path)
    previous = path.read_bytes()
    FullDisk(monkeypatch, tmp_path, free=10)
    with pytest.raises(OSError, match="No space left"):
        save(Settings(locale="de-DE", crossref_mailto="someone@example.org"), path)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert load(path).locale == "en-GB"


def test_a_damaged_file_in_a_read_only_folder_still_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "replace", refuse)
    assert load(path) == Settings()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgresql://ann@db.example.org/team", True),
        ("postgres://ann@db/team", True),
        ("PostgreSQL+psycopg://ann@db/team", True),
        ("postgresql:relative/file.sqlite", False),
        ("library.sqlite", False),
        ("/home/ann/postgresql://x", False),
        (Path("postgresql://ann@db/team"), False),  # a Path is a path, whatever it says
        (None, False),
    ],
)
def test_is_library_url(value: Path | str | None, expected: bool) -> None:
    assert is_library_url(value) is expected


def test_app_paths_keep_a_url_as_a_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = AppPaths.in_dir(tmp_path, "postgresql://ann@db/team")
    assert paths.library_url == "postgresql://ann@db/team"
    assert paths.library_location == "postgresql://ann@db/team"
    assert paths.library_file == tmp_path / "data" / "library.sqlite"
    monkeypatch.setenv("PEERREF_LIBRARY", "postgres://bob@db/team")
    assert AppPaths.from_platformdirs().library_url == "postgres://bob@db/team"
    assert AppPaths.from_platformdirs(tmp_path / "x.sqlite").library_url is None
