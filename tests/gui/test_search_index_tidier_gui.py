"""The window tidies a fragmented search index by itself, off the UI thread, when quiet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from peerref.core.model import AbstractSection, Reference
from peerref.gui import maintenance
from peerref.gui.maintenance import SearchIndexTidier
from peerref.library import Library, SearchIndexTidied
from peerref.store import search
from tests.windows import shown_window

WAIT_MS = 10_000


@pytest.fixture
def fragmented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """A library file whose index is in six segments, above a lowered tidying threshold."""
    library = Library.open(tmp_path / "library.sqlite")
    for number in range(6):
        library.add(
            [
                Reference(
                    title=f"peer support {number} {k}",
                    abstract=(
                        AbstractSection(
                            "", " ".join(f"w{(number * 13 + i) % 700}" for i in range(120))
                        ),
                    ),
                )
                for k in range(20)
            ]
        )
    monkeypatch.setattr(search, "TIDY_ABOVE_SEGMENTS", 3)
    monkeypatch.setattr(search, "TIDY_STEP_PAGES", 1)
    assert library.search_index_needs_tidying()
    return library


def test_the_tidier_merges_the_index_on_a_pool_thread(
    qtbot: QtBot, fragmented: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real_step = fragmented.database.tidy_search_index_step

    def recording_step() -> bool:
        threads.append(threading.current_thread())
        return real_step()

    monkeypatch.setattr(fragmented.database, "tidy_search_index_step", recording_step)
    tidier = SearchIndexTidier(fragmented, idle_ms=10)
    with qtbot.waitSignal(tidier.tidied, timeout=WAIT_MS) as outcome:
        tidier.schedule()
    tidied = outcome.args[0]
    assert isinstance(tidied, SearchIndexTidied)
    assert tidied.segments_after == 1
    assert threads
    assert threading.main_thread() not in threads
    assert fragmented.search_ids("peer")
    tidier.close()
    fragmented.close()


def test_a_change_stops_the_tidying_until_the_library_is_quiet_again(
    qtbot: QtBot, fragmented: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    real_step = fragmented.database.tidy_search_index_step

    def held_step() -> bool:
        started.set()
        release.wait(WAIT_MS / 1000)
        return real_step()

    monkeypatch.setattr(fragmented.database, "tidy_search_index_step", held_step)
    tidier = SearchIndexTidier(fragmented, idle_ms=10)
    outcomes: list[object] = []
    tidier.tidied.connect(outcomes.append)
    tidier.schedule()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    tidier.schedule()  # a change: the step under way is the last of this run
    release.set()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=WAIT_MS)
    first, second = outcomes
    assert isinstance(first, SearchIndexTidied) and first.stopped and first.steps == 1
    assert isinstance(second, SearchIndexTidied) and second.segments_after == 1
    tidier.close()
    fragmented.close()


def test_nothing_is_tidied_after_close(
    qtbot: QtBot, fragmented: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(fragmented, "tidy_search_index", lambda **_: calls.append(True))
    tidier = SearchIndexTidier(fragmented, idle_ms=10)
    tidier.schedule()
    tidier.close()
    qtbot.wait(200)
    assert not calls
    fragmented.close()


def test_the_window_tidies_once_opened_and_stops_when_closed(
    qtbot: QtBot, fragmented: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maintenance, "IDLE_MS", 10)
    main = shown_window(qtbot, fragmented, tmp_path)
    qtbot.waitUntil(lambda: fragmented.database.search_index_segments() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not main.index_tidier.is_running, timeout=WAIT_MS)
    main.close()
    main.index_tidier.schedule()  # closed: asks for nothing more
    assert not main.index_tidier.is_running
    fragmented.close()
