"""The Review window's table models on their own (no window), each under qtmodeltester."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from peerref.core.dual import Disagreement
from peerref.core.model import BatchId, Reference, ReferenceId
from peerref.core.prisma import (
    Decision,
    DecisionId,
    DuplicateRecord,
    ReviewId,
    SearchRecord,
    Stage,
    Verdict,
)
from peerref.gui.models.disagreements_model import DisagreementColumn, DisagreementsModel
from peerref.gui.models.review_models import (
    TITLE_BLOCK,
    DecisionColumn,
    DecisionsModel,
    DuplicateColumn,
    ReasonsModel,
    RemovedDuplicatesModel,
    SearchLogColumn,
    SearchLogModel,
)
from peerref.gui.models.roles import Role
from peerref.library import Library
from peerref.review import tables

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
REVIEW = ReviewId(1)

SEARCHES = (
    SearchRecord(
        BatchId(2),
        "ScienceGate",
        T0 + timedelta(days=1),
        "",
        None,
        "",
        records=3,
        duplicates=1,
        source_name="pasted page",
        method="paste",
    ),
    SearchRecord(
        BatchId(1),
        "Emerald Insight",
        T0,
        "peer support workers",
        67000,
        "1 – 10 of over 67000",
        records=10,
        duplicates=0,
        method="paste",
    ),
    SearchRecord(None, "Other", None, "", None, "", records=2, duplicates=0),
)
REMOVED = (
    DuplicateRecord("ScienceGate", ReferenceId(4), "Peer mentoring for young carers", "merged"),
    DuplicateRecord("Other", None, "An entry with no kept reference", "skipped at import", 2),
)


def decision(n: int, ref: int, verdict: Verdict, stage: Stage = Stage.TITLE_ABSTRACT) -> Decision:
    reason = "Wrong outcome" if stage is Stage.FULL_TEXT and verdict is Verdict.EXCLUDE else ""
    return Decision(
        DecisionId(n),
        REVIEW,
        ReferenceId(ref),
        stage,
        verdict,
        T0 + timedelta(minutes=n),
        reason=reason,
        reviewer="Ayesha" if n % 2 else "Bea",
    )


class TitleReads:
    """Stands in for ``library.reviews.titles`` and remembers every read."""

    def __init__(self, titles: Mapping[ReferenceId, str]) -> None:
        self.titles = dict(titles)
        self.reads: list[list[ReferenceId]] = []

    def __call__(self, ids: Sequence[ReferenceId]) -> dict[ReferenceId, str]:
        self.reads.append(sorted(ids))
        return {i: self.titles[i] for i in ids if i in self.titles}


def cell(
    model: DecisionsModel | SearchLogModel | RemovedDuplicatesModel, row: int, col: int
) -> str:
    value = model.index(row, col).data()
    assert isinstance(value, str)
    return value


def test_search_log_model_passes_qtmodeltester_and_lists_searches_oldest_first(
    qtmodeltester, qtbot: QtBot
) -> None:
    model = SearchLogModel()
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.modelReset):
        model.set_records(SEARCHES)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.record(r).database for r in range(3)] == [
        "Emerald Insight",
        "ScienceGate",
        "Other",
    ]
    # The same cells as the exported log.
    assert [
        [cell(model, r, c) for c in SearchLogColumn] for r in range(3)
    ] == tables.search_log_rows(SEARCHES)
    assert cell(model, 0, SearchLogColumn.HITS) == "1 – 10 of over 67000"
    assert cell(model, 0, SearchLogColumn.DATE) == "2026-03-02"
    assert model.headerData(SearchLogColumn.QUERY, Qt.Orientation.Horizontal) == "Query"
    records = model.index(0, SearchLogColumn.RECORDS)
    assert records.data(Role.SORT) == 10
    assert records.data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.index(0, SearchLogColumn.DATABASE).data(Role.SORT) == "emerald insight"
    assert [model.index(r, SearchLogColumn.HITS).data(Role.SORT) for r in range(3)] == [
        67000,
        -1,
        -1,
    ]
    assert model.index(2, SearchLogColumn.QUERY).data(Qt.ItemDataRole.ToolTipRole) is None
    model.set_records(())
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_removed_duplicates_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = RemovedDuplicatesModel()
    model.set_duplicates(REMOVED)
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == len(tables.DUPLICATE_COLUMNS)
    assert cell(model, 0, DuplicateColumn.KEPT) == "4"
    assert model.index(0, 0).data(Role.REFERENCE_ID) == ReferenceId(4)
    assert model.index(1, 0).data(Role.REFERENCE_ID) is None
    assert cell(model, 1, DuplicateColumn.COUNT) == "2"
    assert model.index(1, DuplicateColumn.KEPT).data(Role.SORT) == -1
    assert model.duplicate(1) == REMOVED[1]


def test_decisions_model_passes_qtmodeltester_as_decisions_come_and_go(
    qtmodeltester, qtbot: QtBot
) -> None:
    reads = TitleReads({ReferenceId(i): f"Paper {i}" for i in range(1, 6)})
    model = DecisionsModel(reads)
    qtmodeltester.check(model)
    made = [decision(1, 1, Verdict.INCLUDE), decision(2, 2, Verdict.EXCLUDE)]
    model.set_decisions(made)
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    # Newest first, with its reviewer, stage, verdict and title.
    assert [cell(model, 0, c) for c in DecisionColumn][1:] == [
        "Bea",
        "Title/abstract",
        "Exclude",
        "",
        "yes",
        "#2",
        "Paper 2",
    ]
    assert model.index(0, DecisionColumn.TIME).data(Role.SORT) == made[1].created
    assert model.index(1, 0).data(Role.REFERENCE_ID) == ReferenceId(1)
    first_row = QPersistentModelIndex(model.index(0, 0))

    # A new decision is one row inserted at the top, not a reset.
    made.append(decision(3, 1, Verdict.INCLUDE, Stage.FULL_TEXT))
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.rowsInserted) as inserted,
    ):
        model.set_decisions(made)
    assert inserted.args[1:] == [0, 0]
    assert first_row.row() == 1  # the row that was at the top moved down with its data
    assert cell(model, 0, DecisionColumn.STAGE) == "Full text"
    qtmodeltester.check(model)

    # Deciding the same record and stage again: the older decision is no longer in force.
    made.append(decision(4, 2, Verdict.INCLUDE))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.set_decisions(made)
    top_left, bottom_right = changed.args[0], changed.args[1]
    assert (top_left.column(), bottom_right.column()) == (DecisionColumn.IN_FORCE,) * 2
    assert model.row_of(DecisionId(2)) == 2
    assert cell(model, 2, DecisionColumn.IN_FORCE) == "no"
    assert "replaced" in model.index(2, DecisionColumn.IN_FORCE).data(Qt.ItemDataRole.ToolTipRole)
    assert cell(model, 0, DecisionColumn.IN_FORCE) == "yes"

    # Undo takes the newest away: one row removed from the top, the older back in force.
    made.pop()
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.rowsRemoved) as removed,
    ):
        model.set_decisions(made)
    assert removed.args[1:] == [0, 0]
    assert model.rowCount() == 3 and cell(model, 1, DecisionColumn.IN_FORCE) == "yes"
    qtmodeltester.check(model)

    # Another review's decisions: a reset.
    with qtbot.waitSignal(model.modelReset):
        model.set_decisions([decision(9, 5, Verdict.MAYBE)])
    assert model.rowCount() == 1 and cell(model, 0, DecisionColumn.VERDICT) == "Maybe"
    model.set_decisions([])
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_decision_titles_are_read_a_block_at_a_time_when_shown() -> None:
    count = TITLE_BLOCK * 2 + 10
    reads = TitleReads({ReferenceId(i): f"Paper {i}" for i in range(1, count)})  # one deleted
    model = DecisionsModel(reads)
    model.set_decisions([decision(n, n, Verdict.EXCLUDE) for n in range(1, count + 1)])
    assert reads.reads == []  # nothing read until a title is asked for
    assert cell(model, 0, DecisionColumn.TITLE) == "[untitled]"  # reference #count is gone
    assert len(reads.reads) == 1 and len(reads.reads[0]) == TITLE_BLOCK
    assert cell(model, TITLE_BLOCK - 1, DecisionColumn.TITLE) == f"Paper {count - TITLE_BLOCK + 1}"
    assert len(reads.reads) == 1
    assert cell(model, count - 1, DecisionColumn.TITLE) == "Paper 1"
    assert len(reads.reads) == 2 and len(reads.reads[1]) == count - 2 * TITLE_BLOCK


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


def test_decisions_model_over_the_store(qtmodeltester, library: Library) -> None:
    ids = sorted(library.add([Reference(title="Peer work"), Reference(title="")]).added)
    review = library.reviews.create("Store")
    library.reviews.reviewer = "Ayesha"
    for ref_id in ids:
        library.reviews.decide(review, ref_id, Verdict.INCLUDE)
    model = DecisionsModel(library.reviews.titles)
    model.set_decisions(library.reviews.decisions(review))
    qtmodeltester.check(model)
    titles = [cell(model, r, DecisionColumn.TITLE) for r in range(2)]
    assert titles == ["[untitled]", "Peer work"]
    assert {cell(model, r, DecisionColumn.REVIEWER) for r in range(2)} == {"Ayesha"}
    assert model.index(0, 0).parent() == QModelIndex()


def test_reasons_model_passes_qtmodeltester_while_edited(qtmodeltester, qtbot: QtBot) -> None:
    model = ReasonsModel(
        ["Wrong population", "Wrong outcome", "Not in English"], {"wrong outcome": 2}
    )
    qtmodeltester.check(model)
    assert model.uses_of(1) == 2 and model.uses_of(0) == 0
    assert "2 full-text exclusion(s)" in model.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.flags(model.index(0)) & Qt.ItemFlag.ItemIsEditable

    # Renamed in place; empty names and repeats (ignoring case) are refused.
    assert model.setData(model.index(0), "  Wrong   setting ")
    assert model.reasons[0] == "Wrong setting"
    assert not model.setData(model.index(0), "   ")
    assert not model.setData(model.index(0), "WRONG OUTCOME")
    assert not model.setData(model.index(0), 3)
    assert model.setData(model.index(0), "wrong setting")  # its own name in another case
    assert model.reasons[0] == "wrong setting"

    assert model.add() == 3 and model.add() == 4
    assert model.reasons[3:] == ["New reason", "New reason 2"]
    with qtbot.waitSignal(model.rowsMoved):
        assert model.move(4, -2) == 2
    assert model.reasons == [
        "wrong setting",
        "Wrong outcome",
        "New reason 2",
        "Not in English",
        "New reason",
    ]
    assert model.move(2, 1) == 3
    assert model.reasons[2:4] == ["Not in English", "New reason 2"]
    assert model.move(0, -1) == 0 and model.move(4, 5) == 4  # at the ends: nothing moves
    assert model.remove(4) and not model.remove(9)
    qtmodeltester.check(model)
    assert model.reasons == ["wrong setting", "Wrong outcome", "Not in English", "New reason 2"]


def test_disagreements_model_passes_qtmodeltester_as_disagreements_change(qtmodeltester) -> None:
    reads = TitleReads({ReferenceId(3): "Peer navigators", ReferenceId(5): "Recovery colleges"})
    model = DisagreementsModel(reads)
    qtmodeltester.check(model)
    rows = [
        Disagreement(
            ReferenceId(ref),
            Stage.TITLE_ABSTRACT,
            (decision(n, ref, Verdict.INCLUDE), decision(n + 1, ref, Verdict.EXCLUDE)),
        )
        for n, ref in ((1, 3), (3, 5))
    ]
    model.set_disagreements(rows)
    qtmodeltester.check(model)

    assert model.rowCount() == 2 and model.columnCount() == len(DisagreementColumn)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Reference",
        "Stage",
        "Title",
        "Decisions",
    ]
    title = model.index(1, DisagreementColumn.TITLE)
    assert model.data(title) == "Recovery colleges"
    assert model.data(title, Role.REFERENCE_ID) == ReferenceId(5)
    model.set_disagreements(rows[:1])
    qtmodeltester.check(model)
    assert model.rowCount() == 1
