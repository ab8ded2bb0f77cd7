"""Completing references from Crossref in the window, against a fake Crossref on 127.0.0.1."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crossref_faults import trickling_crossref
from PySide6.QtCore import QSettings, Qt, QThreadPool
from PySide6.QtWidgets import QMenu, QProgressDialog, QPushButton, QTreeWidgetItem, QWidget
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from peerref.core.model import Creator, PartialDate, Reference, ReferenceId, ReferenceType
from peerref.gui.completion import TITLE_UNREACHABLE
from peerref.gui.dialogs.completion_dialog import CompletionDialog
from peerref.gui.dialogs.import_preview import ImportPreviewDialog
from peerref.gui.main_window import MainWindow
from peerref.library import CROSSREF_PROVENANCE_KEY, Library, completion_history
from peerref.settings import CROSSREF_URL_ENV_VAR, Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

WAIT_MS = 15_000
JOURNAL = "Quality in Ageing and Older Adults"
ISSN = "1471-7794"
LUNCH_DOI = "10.1108/QAOA-01-2018-0002"
VISIT_DOI = "10.1108/QAOA-01-2018-0003"
LUNCH_TITLE = "Lunch clubs and loneliness in rural villages"
VISIT_TITLE = "Befriending visits by telephone during the winter months"
KNOWN_TITLE = "Falls prevention classes in sheltered housing"

# An entry as a results page gives it: no title, no DOI; the author's initial only.
RIS_UNTITLED = """TY  - JOUR
AU  - Okonkwo, C.
AU  - Brennan, Aoife
JO  - Quality in Ageing and Older Adults
VL  - 19
IS  - 1
SP  - 5
EP  - 14
PY  - 2018
ER  -
"""


def crossref_item(*, doi: str, title: str, page: str) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": "Chidi", "family": "Okonkwo", "sequence": "first"},
            {"given": "Aoife", "family": "Brennan", "sequence": "additional"},
        ],
        "container-title": [JOURNAL],
        "volume": "19",
        "issue": "1",
        "page": page,
        "ISSN": [ISSN],
        "issued": {"date-parts": [[2018, 3, 12]]},
        "publisher": "Emerald",
        "score": 31.0,
    }


def work_list(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {"total-results": len(items), "items": list(items), "items-per-page": 5},
    }


def untitled(*, page: str = "5-14") -> Reference:
    return Reference(
        type=ReferenceType.ARTICLE_JOURNAL,
        creators=(Creator(family="Okonkwo", given="C."), Creator(family="Brennan", given="Aoife")),
        container_title=JOURNAL,
        volume="19",
        issue="1",
        page=page,
        issued=PartialDate(2018),
    )


class Messages:
    """Records what the window would show in message boxes."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append((title, text))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add(
            [
                Reference(
                    title=KNOWN_TITLE,
                    creators=(Creator(family="Haldane", given="Ruth"),),
                    container_title=JOURNAL,
                    issued=PartialDate(2016),
                    page="1-9",
                    doi="10.1108/QAOA-05-2016-0020",
                    issn=(ISSN,),
                )
            ]
        )
        yield opened


@pytest.fixture
def messages() -> Messages:
    return Messages()


@pytest.fixture
def window(
    qtbot: QtBot, library: Library, messages: Messages, tmp_path: Path
) -> Iterator[MainWindow]:
    main = MainWindow(
        library=library,
        settings=Settings(crossref_mailto="tests@example.org"),
        settings_path=tmp_path / "settings.json",
        qsettings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        show_message=messages,
        progress_delay_ms=0,
    )
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    dialog = main.completer.dialog
    if dialog is not None:
        dialog.close()


def add_untitled(window: MainWindow, library: Library, *, page: str = "5-14") -> ReferenceId:
    (ref_id,) = library.add([untitled(page=page)]).added
    window.table_model.reload()
    window.table_view.setFocus()
    window.select_references([ref_id])
    assert window.detail_panel.reference is not None
    return ref_id


def serve_lunch_paper(crossref: HTTPServer) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=LUNCH_DOI, title=LUNCH_TITLE, page="5-14"))
    )


def find_missing_details(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.completer.completion_finished, timeout=WAIT_MS):
        qtbot.mouseClick(window.detail_panel.find_missing_button, Qt.MouseButton.LeftButton)


def test_find_missing_details_fills_the_title_and_undo_removes_it(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)
    panel = window.detail_panel
    assert panel.title_edit.text() == ""

    find_missing_details(qtbot, window)

    assert library.get(ref_id).title == LUNCH_TITLE
    assert library.get(ref_id).doi == LUNCH_DOI
    assert panel.title_edit.text() == LUNCH_TITLE
    assert f"Completed from Crossref ({LUNCH_DOI})" in panel.provenance.text()
    assert window.undo_action.text() == "&Undo Complete reference from Crossref"

    window.undo_action.trigger()
    reverted = library.get(ref_id)
    assert reverted.title == ""
    assert reverted.doi == ""
    assert CROSSREF_PROVENANCE_KEY not in reverted.extra
    assert panel.title_edit.text() == ""
    assert "Completed from Crossref" not in panel.provenance.text()

    window.redo_action.trigger()
    assert library.get(ref_id).title == LUNCH_TITLE
    assert len(completion_history(library.get(ref_id))) == 1


def test_a_doi_another_reference_has_is_pointed_out_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    (holder,) = library.add(
        [Reference(title=LUNCH_TITLE, doi=LUNCH_DOI, creators=(Creator(family="Okonkwo"),))]
    ).added
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)
    posted: list[str] = []
    window.completer.message_posted.connect(posted.append)

    find_missing_details(qtbot, window)

    assert library.get(ref_id).doi == library.get(holder).doi == LUNCH_DOI
    (message,) = posted
    assert message.startswith("Filled ")
    assert message.endswith(
        "Okonkwo & Brennan 2018 — Lunch clubs and loneliness in rural villages has the same "
        "DOI as Okonkwo n.d. — Lunch clubs and loneliness in rural villages: probably the same "
        "work — see Duplicates"
    )
    assert window.statusBar().currentMessage() == message


def test_proposals_are_applied_only_when_accepted(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)

    with qtbot.waitSignal(window.completer.dialog_opened, timeout=WAIT_MS) as opened:
        window.find_missing_details_action.trigger()
    dialog = opened.args[0]
    assert isinstance(dialog, CompletionDialog)

    # "C." against "Chidi" is shown, unchecked, and not applied.
    assert library.get(ref_id).creators[0].given == "C."
    item = dialog.proposal_item(ref_id, "creators")
    assert item.checkState(0) == Qt.CheckState.Unchecked
    assert item.text(1) == "C. Okonkwo; Aoife Brennan"
    assert item.text(2) == "Chidi Okonkwo; Aoife Brennan"
    assert not dialog.apply_button.isEnabled()
    assert "Filled" in dialog.summary_label.text()

    dialog.set_accepted(ref_id, "creators")
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    completed = library.get(ref_id)
    assert completed.creators[0].given == "Chidi"
    assert completed.title == LUNCH_TITLE
    assert completion_history(completed)[-1].accepted == ("creators",)
    assert window.undo_action.text() == "&Undo Apply Crossref changes to reference"

    window.undo_action.trigger()
    assert library.get(ref_id).creators[0].given == "C."
    assert library.get(ref_id).title == LUNCH_TITLE  # the fill is its own undo step
    window.undo_action.trigger()
    assert library.get(ref_id).title == ""


def test_closing_the_dialog_rejects_every_proposal(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)
    with qtbot.waitSignal(window.completer.dialog_opened, timeout=WAIT_MS) as opened:
        window.find_missing_details_action.trigger()
    dialog = opened.args[0]

    dialog.reject()

    assert library.get(ref_id).creators[0].given == "C."
    assert window.undo_stack.count() == 1  # only the fill


def test_a_candidate_is_chosen_in_the_dialog(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(
            crossref_item(doi=LUNCH_DOI, title=LUNCH_TITLE, page="5-14"),
            crossref_item(doi=VISIT_DOI, title=VISIT_TITLE, page="15-27"),
        )
    )
    ref_id = add_untitled(window, library, page="")  # without pages both papers fit

    with qtbot.waitSignal(window.completer.dialog_opened, timeout=WAIT_MS) as opened:
        window.find_missing_details_action.trigger()
    dialog = opened.args[0]
    assert library.get(ref_id).title == ""  # nothing is filled from an uncertain match
    assert "Choose the right record" in dialog.summary_label.text()

    dialog.choose(ref_id, LUNCH_DOI)
    dialog.choose(ref_id, VISIT_DOI)  # one record per reference: the other is unticked
    assert dialog.candidate_item(ref_id, LUNCH_DOI).checkState(0) == Qt.CheckState.Unchecked
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    chosen = library.get(ref_id)
    assert chosen.doi == VISIT_DOI
    assert chosen.title == VISIT_TITLE
    assert chosen.creators[0].given == "C."  # the chosen record's proposals were not ticked
    window.undo_action.trigger()
    assert library.get(ref_id).doi == ""


def test_cancel_stops_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    release = threading.Event()

    def slow_answer(_request: Request) -> Response:
        release.wait(timeout=WAIT_MS / 1000)
        item = crossref_item(doi=LUNCH_DOI, title=LUNCH_TITLE, page="5-14")
        return Response(json.dumps(work_list(item)), content_type="application/json")

    crossref.expect_request("/works").respond_with_handler(slow_answer)
    ref_id = add_untitled(window, library)
    before = library.get(ref_id)

    op = window.completer.complete_library()
    assert op is not None
    with qtbot.waitSignal(op.progress_dialog_shown, timeout=WAIT_MS) as shown:
        pass
    progress = shown.args[0]
    assert isinstance(progress, QProgressDialog)
    cancel_button = progress.findChild(QPushButton)
    assert cancel_button is not None
    with qtbot.waitSignal(op.cancelled, timeout=WAIT_MS):
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
        release.set()  # the lookup in flight ends; its answer is dropped

    assert library.get(ref_id) == before
    assert window.undo_stack.count() == 0
    assert window.completer.dialog is None
    assert window.statusBar().currentMessage() == "Completion cancelled; nothing was changed."


def test_offline_shows_a_message_and_changes_nothing(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, f"http://127.0.0.1:{port}")
    ref_id = add_untitled(window, library)
    before = library.get(ref_id)

    find_missing_details(qtbot, window)

    ((title, text),) = messages.shown
    assert title == TITLE_UNREACHABLE
    assert "Could not reach Crossref" in text
    assert "Nothing was changed." in text
    assert library.get(ref_id) == before
    assert window.undo_stack.count() == 0


def test_import_preview_offers_completion_for_entries_without_titles(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(RIS_UNTITLED, source_name="refs.ris")
    preview = opened.args[0]
    assert isinstance(preview, ImportPreviewDialog)
    assert preview.complete_checkbox.isVisible()
    assert not preview.complete_checkbox.isChecked()  # looking things up online is opt-in

    preview.complete_checkbox.setChecked(True)
    with qtbot.waitSignal(window.completer.completion_finished, timeout=WAIT_MS):
        preview.start_import()

    (new_id,) = [i for i in library.search_ids() if library.get(i).title != KNOWN_TITLE]
    assert library.get(new_id).title == LUNCH_TITLE
    assert library.get(new_id).doi == LUNCH_DOI
    # Undo takes the completion back first, then the import.
    window.undo_action.trigger()
    assert library.get(new_id).title == ""
    window.undo_action.trigger()
    assert library.search_ids() != [] and new_id not in library.search_ids()


def test_import_preview_does_not_offer_completion_for_whole_entries(
    qtbot: QtBot, window: MainWindow
) -> None:
    whole = RIS_UNTITLED.replace("PY  - 2018", "PY  - 2018\nTI  - A title\nDO  - 10.1108/X-1")
    with qtbot.waitSignal(window.importer.preview_opened, timeout=WAIT_MS) as opened:
        window.importer.import_text(whole, source_name="refs.ris")
    preview = opened.args[0]
    assert not preview.complete_checkbox.isVisible()
    preview.reject()


def test_reference_menu_offers_both_actions_and_the_whole_library_run(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Reference")
    assert isinstance(menu, QMenu)
    texts = [action.text() for action in menu.actions()]
    assert "Find &Missing Details" in texts
    assert "Complete &Whole Library…" in texts

    with qtbot.waitSignal(window.completer.completion_finished, timeout=WAIT_MS) as finished:
        window.complete_library_action.trigger()

    # Only the incomplete reference was looked up; the whole one was left alone.
    assert [c.reference.id for c in finished.args[0].completions] == [ref_id]
    assert library.get(ref_id).title == LUNCH_TITLE


# --- what agreed and what did not; choosing by hand; a DOI typed in (issue 14) -----------


def child_texts(item: QTreeWidgetItem) -> list[tuple[str, str, str]]:
    rows = (item.child(i) for i in range(item.childCount()))
    return [(c.text(0), c.text(1), c.text(2)) for c in rows if c is not None]


def open_dialog(qtbot: QtBot, window: MainWindow) -> CompletionDialog:
    with qtbot.waitSignal(window.completer.dialog_opened, timeout=WAIT_MS) as opened:
        window.find_missing_details_action.trigger()
    dialog = opened.args[0]
    assert isinstance(dialog, CompletionDialog)
    return dialog


def test_each_candidate_shows_what_agreed_and_what_disagreed(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    crossref.expect_request("/works").respond_with_json(
        work_list(
            crossref_item(doi=LUNCH_DOI, title=LUNCH_TITLE, page="5-14"),
            crossref_item(doi=VISIT_DOI, title=VISIT_TITLE, page="15-27"),
        )
    )
    ref_id = add_untitled(window, library, page="")  # both fit: choose

    dialog = open_dialog(qtbot, window)

    lunch = child_texts(dialog.candidate_item(ref_id, LUNCH_DOI))
    assert lunch[0][0] == "Agrees: authors, year, journal, volume, issue"
    visit = child_texts(dialog.candidate_item(ref_id, VISIT_DOI))
    assert visit[0][0] == "Agrees: authors, year, journal, volume, issue"
    assert not any(text.startswith("Disagrees") for text, _y, _c in visit)


def test_a_refused_candidate_shows_its_disagreement_and_can_be_chosen_by_hand(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    # Crossref's only result has other pages: PeerRef refuses it, the user knows better.
    crossref.expect_request("/works").respond_with_json(
        work_list(crossref_item(doi=VISIT_DOI, title=VISIT_TITLE, page="15-27"))
    )
    ref_id = add_untitled(window, library, page="5-14")

    dialog = open_dialog(qtbot, window)

    item = dialog.candidate_item(ref_id, VISIT_DOI)
    assert item.text(0).startswith(f"Refused: {VISIT_DOI} — {VISIT_TITLE}")
    assert "(disagrees: first page)" in item.text(0)
    rows = child_texts(item)
    assert ("Disagrees: first page", "5", "15") in rows
    assert rows[0][0] == "Agrees: authors, year, journal, volume, issue"
    assert "could not be matched" in dialog.summary_label.text()
    assert "you can still choose one" in dialog.summary_label.text()
    top_notes = child_texts(item.parent())
    assert top_notes[0][0] == (
        "Crossref's closest result contradicts what is known about this reference "
        "(first page: 5 here, 15 on Crossref)."
    )
    assert not dialog.apply_button.isEnabled()

    dialog.choose(ref_id, VISIT_DOI)
    dialog.set_accepted(ref_id, "page", candidate_doi=VISIT_DOI)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    chosen = library.get(ref_id)
    assert chosen.doi == VISIT_DOI
    assert chosen.title == VISIT_TITLE
    assert chosen.page == "15-27"
    window.undo_action.trigger()
    assert library.get(ref_id).doi == ""


def test_a_doi_typed_in_the_dialog_is_looked_up_and_applied(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    crossref.expect_request("/works").respond_with_json(work_list())  # the search: nothing
    crossref.expect_request(f"/works/{VISIT_DOI}").respond_with_json(
        {
            "status": "ok",
            "message-type": "work",
            "message": crossref_item(doi=VISIT_DOI, title=VISIT_TITLE, page="15-27"),
        }
    )
    ref_id = add_untitled(window, library, page="5-14")
    dialog = open_dialog(qtbot, window)
    assert "Crossref has nothing that matches" in child_texts(dialog.tree.topLevelItem(0))[0][0]
    assert not dialog.lookup_button.isEnabled()

    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    qtbot.keyClicks(dialog.doi_edit, f"https://doi.org/{VISIT_DOI}")
    assert dialog.lookup_button.isEnabled()
    with qtbot.waitSignal(window.completer.doi_looked_up, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.lookup_button, Qt.MouseButton.LeftButton)

    item = dialog.candidate_item(ref_id, VISIT_DOI)
    assert item.text(0) == f"Looked up: {VISIT_DOI} — {VISIT_TITLE}"
    assert item.checkState(0) == Qt.CheckState.Checked  # the user named it: chosen
    assert ("Disagrees: first page", "5", "15") in child_texts(item)
    assert VISIT_DOI in dialog.lookup_status.text()
    assert dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    applied = library.get(ref_id)
    assert applied.doi == VISIT_DOI
    assert applied.title == VISIT_TITLE
    assert applied.page == "5-14"  # the differing page was proposed, not ticked


def test_an_unknown_doi_typed_in_is_said_so(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    crossref.expect_request("/works").respond_with_json(work_list())
    crossref.expect_request("/works/10.5555/nothing").respond_with_data("", status=404)
    add_untitled(window, library)
    dialog = open_dialog(qtbot, window)

    qtbot.keyClicks(dialog.doi_edit, "10.5555/nothing")
    with qtbot.waitSignal(window.completer.doi_looked_up, timeout=WAIT_MS):
        qtbot.keyClick(dialog.doi_edit, Qt.Key.Key_Return)

    assert dialog.lookup_status.text() == "Crossref has no record with the DOI 10.5555/nothing."
    assert not dialog.apply_button.isEnabled()


def test_a_typed_doi_is_read_as_a_whole_doi_field(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    """The DOI box holds one DOI: one written with a space is looked up whole, not cut."""
    crossref.expect_request("/works").respond_with_json(work_list())
    crossref.expect_request(re.compile(r"^/works/10\.1000/peer")).respond_with_data("", status=404)
    ref_id = add_untitled(window, library)
    dialog = open_dialog(qtbot, window)
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))

    qtbot.keyClicks(dialog.doi_edit, "https://doi.org/10.1000/peer support 2019")
    with (
        qtbot.waitSignal(dialog.doi_lookup_requested, timeout=WAIT_MS) as requested,
        qtbot.waitSignal(window.completer.doi_looked_up, timeout=WAIT_MS),
    ):
        qtbot.keyClick(dialog.doi_edit, Qt.Key.Key_Return)

    assert requested.args == [int(ref_id), "10.1000/peer support 2019"]


def test_a_match_shows_what_agreed(
    qtbot: QtBot, window: MainWindow, library: Library, crossref: HTTPServer
) -> None:
    serve_lunch_paper(crossref)
    ref_id = add_untitled(window, library)
    dialog = open_dialog(qtbot, window)  # opens for the proposed first name
    top = dialog.proposal_item(ref_id, "creators").parent()
    assert child_texts(top)[1][0] == "Agrees: authors, year, journal, volume, issue, first page"


def test_closing_the_window_while_crossref_trickles_ends_the_lookup(
    qtbot: QtBot, window: MainWindow, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref_id = add_untitled(window, library)
    before = library.get(ref_id)
    with trickling_crossref() as server:
        monkeypatch.setenv(CROSSREF_URL_ENV_VAR, server.url)
        op = window.completer.complete_library()
        assert op is not None
        assert server.request_arrived.wait(WAIT_MS / 1000)

        window.close()

        # The app waits for the pool before it exits and frees the lock: it must empty.
        assert QThreadPool.globalInstance().waitForDone(WAIT_MS)
    qtbot.waitUntil(lambda: not op.is_running, timeout=WAIT_MS)
    assert op.was_cancel_requested
    assert library.get(ref_id) == before
    assert window.undo_stack.count() == 0


def test_no_network_is_said_in_a_users_words(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_dns(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setenv(CROSSREF_URL_ENV_VAR, "https://api.crossref.org")
    add_untitled(window, library)

    find_missing_details(qtbot, window)

    ((title, text),) = messages.shown
    assert title == TITLE_UNREACHABLE
    assert text == (
        "Could not reach Crossref (api.crossref.org): no network connection, or the name "
        "could not be found.\n\nNothing was changed."
    )
