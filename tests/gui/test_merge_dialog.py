"""The merge dialog's defaults follow the merge rules: the richer value, whichever is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from peerref.core.model import AbstractSection, Creator, PartialDate, Reference, ReferenceId
from peerref.gui.dialogs.merge_dialog import MergeDialog
from peerref.library import Library

STRUCTURED = (
    AbstractSection("Purpose", "To ask how crisis houses run by peers keep their guests safe."),
    AbstractSection("Findings", "Guests named the night staff as the reason they stayed."),
)
RICH = Reference(
    title="Crisis houses run by peers: what keeps guests safe",
    creators=(Creator("Oyelaran", "Folake"), Creator("Nakashima", "Emi")),
    issued=PartialDate(2019, 4, 2),
    container_title="Mental Health Review Journal",
    doi="10.1108/MHRJ-11-2018-0040",
    abstract=STRUCTURED,
)
POOR = RICH.with_changes(
    title="Crisis houses run by peers…",
    creators=(Creator("Oyelaran", "F."), Creator("Nakashima", "E.")),
    issued=PartialDate(2019),
    abstract=(
        AbstractSection(
            "",
            "Purpose To ask how crisis houses run by peers keep their guests safe. Findings "
            "Guests named the night staff as the reason they stayed. Copyright the authors.",
        ),
    ),
)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        yield opened


def test_the_richer_values_are_picked_even_when_the_poorer_record_is_kept(
    qtbot: QtBot, library: Library
) -> None:
    rich_id, poor_id = sorted(library.add([RICH, POOR]).added)
    references = library.get_many([rich_id, poor_id])
    dialog = MergeDialog(references, keep=poor_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keep_id() == poor_id
    assert {"title", "creators", "issued", "abstract"} <= set(dialog.fields)
    for name in ("title", "creators", "issued", "abstract"):
        assert dialog.field_groups[name].checkedId() == rich_id, name
    assert dialog.field_groups["abstract"].button(rich_id).text().startswith("Purpose: To ask")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == MergeDialog.DialogCode.Accepted

    library.merge(dialog.keep_id(), dialog.other_ids(), dialog.choices())
    kept = library.get(ReferenceId(poor_id))
    assert kept.abstract == STRUCTURED
    assert kept.issued == PartialDate(2019, 4, 2)
    assert kept.creators == RICH.creators
    assert kept.title == RICH.title
