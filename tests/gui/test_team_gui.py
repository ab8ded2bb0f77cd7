"""Two windows on one team library: an edit in one appears in the other within 2 s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import Verdict
from peerref.gui.dialogs.team_library import TeamLibraryAddress, TeamLibraryDialog
from peerref.gui.live_updates import RECONNECT_SECONDS, LiveUpdates
from peerref.gui.main_window import MainWindow
from peerref.gui.models.reference_table import Column
from peerref.gui.team_window import prepare_team_window
from peerref.gui.undo import MergeCommand
from peerref.gui.views.detail_panel import authorship_text
from peerref.library import Library
from peerref.settings import Settings

LIVE_DEADLINE_MS = 2000


def _window(
    qtbot: QtBot, library: Library, tmp_path: Path, name: str, messages: list[str] | None = None
) -> MainWindow:
    """A main window on ``library``; the messages it would show go to ``messages``."""
    shown = messages if messages is not None else []
    qsettings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        library=library,
        settings=Settings(),
        settings_path=tmp_path / f"{name}.json",
        qsettings=qsettings,
        show_message=lambda _parent, _title, text: shown.append(text),
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
        # Bob's details say who added the reference and who edited it last.
        bobs.select_references([ref_id])
        qtbot.waitUntil(
            lambda: "Added by Ann · last edited by Ann" in bobs.detail_panel.provenance.text()
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
    anns = _window(qtbot, ann, tmp_path, "ann", messages)
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


def test_the_dialog_builds_the_url_and_keeps_the_password_out_of_it(qtbot: QtBot) -> None:
    dialog = TeamLibraryDialog(user="ann")
    qtbot.addWidget(dialog)
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not open_button.isEnabled()  # no server or database yet
    dialog.host_field.setText(" db.example.org ")
    dialog.database_field.setText("team review")
    dialog.password_field.setText("s3cret")
    assert open_button.isEnabled()
    assert dialog.address().url() == "postgresql://ann@db.example.org/team%20review"
    dialog.port_field.setValue(6543)
    dialog.ssl_box.setCurrentText("require")
    url = dialog.address().url()
    assert url == "postgresql://ann@db.example.org:6543/team%20review?sslmode=require"
    assert "s3cret" not in url and dialog.password() == "s3cret"
    assert TeamLibraryAddress("h", "d", "o'neil@uni").url() == "postgresql://o%27neil%40uni@h/d"


def test_a_read_only_role_gets_a_read_only_window(
    qtbot: QtBot, tmp_path: Path, postgres_url: str, postgres_server: object
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    execute = postgres_server.execute  # type: ignore[attr-defined]
    execute(database, "DROP ROLE IF EXISTS viewer")
    execute(database, "CREATE ROLE viewer LOGIN")
    execute(database, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO viewer")
    with Library.open(postgres_url) as owner:
        owner.add([Reference(title="Visible")])
    try:
        with Library.open(postgres_url.replace("postgres@", "viewer@", 1)) as viewer:
            window = _window(qtbot, viewer, tmp_path, "viewer")
            live = prepare_team_window(window, viewer)
            assert live is not None
            try:
                assert window.windowTitle().endswith("(read-only)")
                assert "viewer@127.0.0.1" in window.windowTitle()
                assert not window.import_files_action.isEnabled()
                assert not window.acceptDrops() and not window.detail_panel.isEnabled()
                assert window.table_model.rowCount() == 1
            finally:
                live.stop()
    finally:
        execute(database, "DROP OWNED BY viewer")
        execute(database, "DROP ROLE viewer")


def test_undoing_a_merge_keeps_what_someone_else_changed_since(
    qtbot: QtBot, tmp_path: Path, two_libraries: tuple[Library, Library]
) -> None:
    ann, bob = two_libraries
    paper = Reference(title="Peer navigators", container_title="Psychiatric Services")
    a, b = sorted(ann.add([paper, paper.with_changes(doi="10.1176/x1", page="14-20")]).added)
    messages: list[str] = []
    anns = _window(qtbot, ann, tmp_path, "ann", messages)

    # Bob edits a field the merge did not touch: Ctrl+Z undoes the merge, keeps his edit.
    assert anns.run_command(MergeCommand(ann, a, [b], {}, *anns._handlers()))
    bob.update(bob.get(a).with_changes(volume="71"))
    anns.undo_action.trigger()
    assert not messages
    undone = ann.get(a)
    assert (undone.doi, undone.page, undone.volume) == ("", "", "71")
    assert not ann.get(b).trashed

    # Bob edits the page the merge filled: the undo is refused with his change named, his
    # page stays, and the step leaves the history instead of being tried again.
    anns.undo_stack.clear()
    assert anns.run_command(MergeCommand(ann, a, [b], {}, *anns._handlers()))
    bob.update(bob.get(a).with_changes(page="14-21"))
    anns.undo_action.trigger()
    assert len(messages) == 1
    assert "Bob changed reference" in messages[0] and "page is now '14-21'" in messages[0]
    assert ann.get(a).page == "14-21" and ann.get(b).trashed
    assert not anns.undo_stack.canUndo()


def test_the_window_says_when_the_server_is_gone_and_catches_up_when_it_is_back(
    qtbot: QtBot, tmp_path: Path, restartable_postgres: object
) -> None:
    server = restartable_postgres
    url: str = server.create_database("team")  # type: ignore[attr-defined]
    with Library.open(url) as ann, Library.open(url) as bob:
        bob.set_user("Bob")
        anns = _window(qtbot, ann, tmp_path, "ann")
        live = LiveUpdates(ann, anns)
        live.attach(anns)
        label = anns.findChild(QLabel, "teamLibraryUnreachableLabel")
        try:
            assert label is not None and not label.isVisible()
            server.stop()  # type: ignore[attr-defined]
            qtbot.waitUntil(label.isVisible, timeout=LIVE_DEADLINE_MS)
            assert "Lost the connection to the team library" in anns.statusBar().currentMessage()

            server.start()  # type: ignore[attr-defined]
            # Bob adds a reference at once, perhaps before Ann's window listens again: it
            # shows up all the same, because the window re-reads what it shows on return.
            (ref_id,) = bob.add([Reference(title="Added during the outage")]).added
            qtbot.waitUntil(
                lambda: (
                    not label.isVisible()
                    and _title_shown(anns, ref_id) == "Added during the outage"
                ),
                timeout=RECONNECT_SECONDS * 1000 + 3 * LIVE_DEADLINE_MS,
            )
            # And the feed works again: Bob's next edit arrives live.
            bob.update(bob.get(ref_id).with_changes(title="Edited after the outage"))
            qtbot.waitUntil(
                lambda: _title_shown(anns, ref_id) == "Edited after the outage",
                timeout=LIVE_DEADLINE_MS,
            )
        finally:
            live.stop()


def test_another_reviewers_decisions_reach_an_open_review_window_and_stay_blind(
    qtbot: QtBot, tmp_path: Path, two_libraries: tuple[Library, Library]
) -> None:
    ann, bob = two_libraries
    titles = ("Peer navigators", "Recovery colleges", "Peer mentoring")
    ids = sorted(ann.add([Reference(title=title) for title in titles]).added)
    review = ann.reviews.set_dual(ann.reviews.create("Team review", None), True)
    anns = _window(qtbot, ann, tmp_path, "ann")
    live = LiveUpdates(ann, anns)
    live.attach(anns)
    try:
        review_window = anns.open_review(review)
        ann.reviews.reviewer = "Ann"
        bob.reviews.reviewer = "Bob"
        QTest.keyClick(review_window.screening_widget, Qt.Key.Key_I)  # Ann includes the first
        screening = review_window.screening
        assert [d.reviewer for d in screening.decisions] == ["Ann"]

        bobs_review = bob.reviews.get("Team review")
        bob.reviews.decide(bobs_review, ids[2], Verdict.INCLUDE)  # one Ann has not seen
        bob.reviews.decide(bobs_review, ids[0], Verdict.EXCLUDE)  # one they disagree on
        qtbot.waitUntil(lambda: len(screening.disagreements()) == 1, timeout=LIVE_DEADLINE_MS)
        (disagreement,) = screening.disagreements()
        assert disagreement.reference_id == ids[0]
        # Blind: Bob's call on a record Ann has not decided stays hidden from her.
        visible = {(d.reviewer, d.reference_id) for d in screening.decisions}
        assert visible == {("Ann", ids[0]), ("Bob", ids[0])}

        # Bob takes his decision back: Ann's window follows.
        bob.reviews.undo(bobs_review)
        qtbot.waitUntil(lambda: not screening.disagreements(), timeout=LIVE_DEADLINE_MS)
    finally:
        live.stop()
