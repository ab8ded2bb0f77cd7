"""The PRISMA flow diagram files and the review's tables (search log, decisions)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from peerref.core.errors import UserInputError
from peerref.core.model import BatchId, Reference, ReferenceId
from peerref.core.prisma import (
    Decision,
    DecisionId,
    PrismaCounts,
    ReviewId,
    SearchRecord,
    Stage,
    Verdict,
)
from peerref.review import diagram, tables

COUNTS = PrismaCounts(
    identified=(("Emerald Insight", 67), ("ScienceGate", 12)),
    duplicates_removed=9,
    screened=60,
    excluded_screening=41,
    sought=19,
    not_retrieved=2,
    assessed=15,
    excluded_full_text=(("Wrong population", 8), ("Wrong outcome", 3)),
    included=4,
    undecided_screening=10,
    awaiting_full_text=2,
)


def _svg_text(counts: PrismaCounts) -> str:
    svg = diagram.render(counts, "svg").decode()
    return " ".join(re.sub(r"<[^>]+>", " ", svg).split())


def test_the_svg_shows_every_box_of_the_template_with_its_number() -> None:
    assert COUNTS.arithmetic_errors() == []
    text = _svg_text(COUNTS)
    for expected in (
        "Identification of studies via databases and registers",
        "Records identified from databases (n = 79)",
        "Emerald Insight (n = 67)",
        "ScienceGate (n = 12)",
        "Duplicate records removed (n = 9)",
        "Records screened (n = 60)",
        "awaiting screening (n = 10)",
        "Records excluded (n = 41)",
        "Reports sought for retrieval (n = 19)",
        "Reports not retrieved (n = 2)",
        "Reports assessed for eligibility (n = 15)",
        "Wrong population (n = 8)",
        "Wrong outcome (n = 3)",
        "Studies included in review (n = 4)",
        "Identification",
        "Screening",
        "Included",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    "title", ["", "Peer work", "Peer support workers in adult mental health services " * 3]
)
def test_the_header_stays_inside_its_box_however_long_the_review_name(title: str) -> None:
    figure = diagram.draw(COUNTS, title=title)
    renderer = FigureCanvasAgg(figure).get_renderer()
    (header,) = [p for p in figure.axes[0].patches if p.get_gid() == "prisma-header"]
    (heading,) = [
        t for t in figure.axes[0].texts if "identification of studies" in t.get_text().lower()
    ]
    box = header.get_window_extent(renderer)
    text = heading.get_window_extent(renderer)
    assert box.x0 < text.x0 and text.x1 < box.x1, (text, box)
    assert box.y0 < text.y0 and text.y1 < box.y1, (text, box)
    assert " ".join(heading.get_text().split()).startswith(" ".join(title.split()))


def test_the_same_counts_give_the_same_file() -> None:
    assert diagram.render(COUNTS, "svg") == diagram.render(COUNTS, "svg")
    assert diagram.render(COUNTS, "pdf") == diagram.render(COUNTS, "pdf")


@pytest.mark.parametrize(
    ("suffix", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")]
)
def test_export_takes_the_format_from_the_extension(
    tmp_path: Path, suffix: str, magic: bytes
) -> None:
    target = tmp_path / f"flow.{suffix.upper()}"
    diagram.export(COUNTS, target)
    assert target.read_bytes().startswith(magic)


def test_export_refuses_an_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match=r"\.svg, \.png or \.pdf"):
        diagram.export(COUNTS, tmp_path / "flow.gif")
    with pytest.raises(UserInputError, match="cannot write"):
        diagram.export(COUNTS, tmp_path / "missing" / "flow.svg")


WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
RECORDS = [
    SearchRecord(BatchId(2), "ScienceGate", WHEN, "", None, "", 12, 1, "sg.txt", "paste"),
    SearchRecord(
        BatchId(1), "Emerald | Insight", WHEN.replace(day=1), "peer support", 67000,
        "1 – 10 of over 67000", 10, 0, "emerald.txt", "paste",
    ),
]  # fmt: skip


def test_search_log_csv_has_the_prisma_s_columns_oldest_search_first() -> None:
    rows = list(csv.reader(io.StringIO(tables.search_log(RECORDS, "csv"))))
    assert rows[0] == list(tables.SEARCH_LOG_COLUMNS)
    assert rows[1] == [
        "Emerald | Insight", "2026-03-01", "peer support", "1 – 10 of over 67000",
        "10", "0", "emerald.txt", "#1 (paste)",
    ]  # fmt: skip
    assert rows[2][:6] == ["ScienceGate", "2026-03-04", "", "", "12", "1"]


def test_search_log_markdown_escapes_pipes() -> None:
    lines = tables.search_log(RECORDS, "md").splitlines()
    assert lines[1].startswith("| --- |")
    assert lines[2].startswith("| Emerald \\| Insight | 2026-03-01 | peer support |")


def test_decisions_csv_lists_every_decision_and_which_is_in_force() -> None:
    def decision(n: int, verdict: Verdict, stage: Stage, reason: str = "") -> Decision:
        return Decision(
            DecisionId(n), ReviewId(1), ReferenceId(5), stage, verdict, WHEN, reason, "Ayesha"
        )

    decisions = [
        decision(1, Verdict.MAYBE, Stage.TITLE_ABSTRACT),
        decision(2, Verdict.INCLUDE, Stage.TITLE_ABSTRACT),
        decision(3, Verdict.EXCLUDE, Stage.FULL_TEXT, "Wrong outcome"),
    ]
    ref = Reference(id=ReferenceId(5), title="Peer work, again", doi="10.1/x")
    rows = list(csv.DictReader(io.StringIO(tables.decisions_csv(decisions, {ref.id: ref}))))
    assert [r["in_force"] for r in rows] == ["no", "yes", "yes"]
    assert rows[2]["reason"] == "Wrong outcome" and rows[2]["reviewer"] == "Ayesha"
    assert rows[0]["title"] == "Peer work, again" and rows[0]["doi"] == "10.1/x"
    assert rows[0]["time"] == "2026-03-04T05:06:07+00:00"
