"""Two windows on one team library: an edit in one appears in the other within 2 s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from peerref.core.model import Reference, ReferenceId
from peerref.gui.live_updates import LiveUpdates
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.views.detail_panel import authorship_text
from peerref.library import Library
from peerref.settings import Settings

LIVE_DEADLINE_MS = 2000


def _window(qtbot: QtBot, library: Library, tmp_path: Path, name: str) -> MainWindow:
    qsettings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library=library,
        settings=Settings(),
        settings_path=tmp_path / f"{name}.json",
        qsettings=qsettings,
        show_message=lambda *_args: None,
    )
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def two_libraries(postgres_url: str) -> Iterator[tuple[Library, Library]]:
    with Library.open(postgres_url) as ann, Library.open(postgres_url) as bob:
        ann.set_user("Ann")
        bob.set_user("Bob")
        yield ann, bob


def _title_shown(window: MainWindow, ref_id: ReferenceId) -> str:
    model = window.table_model
    for row in range(model.rowCount()):
        if model.reference_id(row) == ref_id:
            return str(model.data(model.index(row, Column.TITLE)))
    return ""


def test_an_edit_in_one_window_appears_in_the_other(
    qtbot: QtBot, tmp_path: Path, two_libraries: tuple[Library, Library]
) -> None:
    ann, bob = two_libraries
    (ref_id,) = ann.add([Reference(title="Peer support")]).added
    anns, bobs = _window(qtbot, ann, tmp_path, "ann"), _window(qtbot, bob, tmp_path, "bob")
    live = LiveUpdates(bob, bobs)
    live.attach(bobs)
    try:
        assert _title_shown(bobs, ref_id) == "Peer support"
        old = ann.get(ref_id)
        anns.edit_reference(old, old.with_changes(title="Peer support workers"), "Edit title")
        assert _title_shown(anns, ref_id) == "Peer support workers"
        qtbot.waitUntil(
            lambda: _title_shown(bobs, ref_id) == "Peer support workers", timeout=LIVE_DEADLINE_MS
        )
        # A reference Ann adds appears as a new row in Bob's window, the rest untouched.
        (new_id,) = ann.add([Reference(title="Recovery colleges")]).added
        qtbot.waitUntil(
            lambda: _title_shown(bobs, new_id) == "Recovery colleges", timeout=LIVE_DEADLINE_MS
        )
        assert "Ann changed 1 reference" in bobs.statusBar().currentMessage()
    finally:
        live.stop()


def test_an_edit_of_a_field_someone_changed_meanwhile_is_refused(
    qtbot: QtBot, tmp_path: Path, two_libraries: tuple[Library, Library]
) -> None:
    ann, bob = two_libraries
    (ref_id,) = ann.add([Reference(title="Peer support")]).added
    shown_to_ann = ann.get(ref_id)
    bob.update(bob.get(ref_id).with_changes(title="Peer support (Bob)"))
    messages: list[str] = []
    anns = MainWindow(
        library=ann,
        settings=Settings(),
        qsettings=QSettings(str(tmp_path / "a.ini"), QSettings.Format.IniFormat),
        show_message=lambda _parent, _title, text: messages.append(text),
    )
    qtbot.addWidget(anns)
    anns.edit_reference(shown_to_ann, shown_to_ann.with_changes(title="Mine"), "Edit title")
    assert messages and "Bob changed title" in messages[0]
    assert ann.get(ref_id).title == "Peer support (Bob)"


def test_the_details_say_who_added_and_who_edited() -> None:
    ref = Reference(title="x", added_by="Ann", modified_by="Bob", version=3)
    assert authorship_text(ref).startswith("Added by Ann · last edited by Bob")
    assert authorship_text(Reference(added_by="Ann", modified_by="Ann", version=1)) == (
        "Added by Ann"
    )
    assert authorship_text(Reference()) == ""
