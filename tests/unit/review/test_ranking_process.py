"""The ranking's worker process: same answers as in-process, kept, stoppable, never orphaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from processes import gone

from peerref.core.model import Reference, ReferenceId
from peerref.library import Library
from peerref.review.ranking import RankingStep, RelevanceRanker
from peerref.review.ranking_process import RankingProcess, RankingProcessError, TextSource
from peerref.store import reviews as review_store

TITLES = (
    "Peer support workers in mental health teams",
    "Hospital car parking charges",
    "Peer support for carers of people with psychosis",
    "Car parking at railway stations",
    "Peer mentoring in prisons",
    "Parking fines in city centres",
)
WAIT_SECONDS = 60.0


def wait_until_gone(pid: int) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


@dataclass(frozen=True, slots=True)
class SlowSource(TextSource):
    """Reads slowly while ``hold`` exists: a step the worker cannot leave between steps."""

    hold: Path = Path()

    def read(self) -> dict[ReferenceId, str]:
        while self.hold.exists():
            time.sleep(0.05)
        return TextSource.read(self)


@pytest.fixture
def ids(library: Library) -> list[ReferenceId]:
    return sorted(library.add([Reference(title=t) for t in TITLES]).added)


def source(library: Library, ids: list[ReferenceId]) -> TextSource:
    return TextSource(library.database.path, library.database.url, tuple(ids))


def test_the_process_ranks_as_in_process_keeps_its_features_and_ends_on_close(
    library: Library, ids: list[ReferenceId]
) -> None:
    labels = {ids[0]: True, ids[1]: False}
    process = RankingProcess(source(library, ids), seed=4)
    steps: list[tuple[int, int, str]] = []
    try:
        ranked = process.rank(labels, ids[2:], progress=lambda *step: steps.append(step))
        with library.database.reading() as repo:
            texts = review_store.screening_texts(repo.session, ids)
        assert ranked == RelevanceRanker(texts, seed=4).rank(labels, ids[2:])
        assert ranked.order[:2] == (ids[2], ids[4])  # the peer ones first
        assert steps == [(s.number, 4, s.value) for s in RankingStep] + [(4, 4, "")]
        pid = process.pid
        assert pid is not None and process.is_alive()

        # A retraining: the same process, straight to training (the matrix was kept).
        steps.clear()
        labels[ids[2]] = True
        again = process.rank(labels, ids[3:], progress=lambda *step: steps.append(step))
        assert again.trained and process.pid == pid
        assert [s[2] for s in steps] == ["Training", "Ordering", ""]
    finally:
        process.close()
    assert process.pid is None and wait_until_gone(pid)
    with pytest.raises(RankingProcessError):
        process.rank(labels, ids[3:])


def test_a_stopped_ranking_stuck_in_a_step_is_terminated_and_the_next_starts_afresh(
    library: Library, ids: list[ReferenceId], tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    slow = SlowSource(library.database.path, library.database.url, tuple(ids), hold=hold)
    process = RankingProcess(slow, seed=4)
    seen: list[str] = []

    class StopError(Exception):
        pass

    def check() -> None:
        if "Reading texts" in seen:  # the worker is inside the step it cannot leave
            raise StopError

    try:
        started = time.monotonic()
        with pytest.raises(StopError):
            process.rank(
                {ids[0]: True, ids[1]: False},
                ids[2:],
                check=check,
                progress=lambda _d, _t, what: seen.append(what),
            )
        assert seen == ["Reading texts"]
        # Not left to finish: it was terminated within the grace period (and a margin).
        assert process.pid is None
        assert time.monotonic() - started < WAIT_SECONDS
        hold.unlink()
        ranked = process.rank({ids[0]: True, ids[1]: False}, ids[2:])
        assert ranked.trained and process.is_alive()
    finally:
        process.close()


def test_a_killed_process_is_reported_and_the_next_ranking_starts_a_new_one(
    library: Library, ids: list[ReferenceId]
) -> None:
    process = RankingProcess(source(library, ids), seed=4)
    try:
        process.rank({ids[0]: True, ids[1]: False}, ids[2:])
        pid = process.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        assert wait_until_gone(pid)
        with pytest.raises(RankingProcessError, match="ended unexpectedly"):
            process.rank({ids[0]: True, ids[1]: False}, ids[2:])
        assert process.pid is None
        assert process.rank({ids[0]: True, ids[1]: False}, ids[2:]).trained
        assert process.pid not in (None, pid)
    finally:
        process.close()


PARENT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from peerref.review.ranking_process import RankingProcess, TextSource

    if __name__ == "__main__":
        path, how, *ids = sys.argv[1:]
        process = RankingProcess(TextSource(Path(path), None, tuple(map(int, ids))), seed=1)
        ranked = process.rank({int(ids[0]): True, int(ids[1]): False}, [int(i) for i in ids[2:]])
        print(process.pid, flush=True)
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        # "exits": leaves without closing the process, as an application that quits
    """
)


@pytest.mark.parametrize("how", ["exits", "killed"])
def test_no_process_outlives_the_application(
    library: Library, ids: list[ReferenceId], tmp_path: Path, how: str
) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    done = subprocess.run(
        [sys.executable, str(script), str(library.database.path), how, *map(str, ids)],
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS * 2,
        check=False,
    )
    assert done.returncode == (-signal.SIGKILL if how == "killed" else 0), done.stderr
    pid = int(done.stdout.split()[0])
    assert wait_until_gone(pid)
