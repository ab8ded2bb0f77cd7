"""What a change set says about the counts the sidebar shows."""

from __future__ import annotations

import pytest

from peerref.core.changes import ChangeSet
from peerref.core.model import BatchId, ReferenceId

ONE = frozenset({ReferenceId(1)})


@pytest.mark.parametrize(
    "changes",
    [
        ChangeSet(added=ONE),
        ChangeSet(removed=ONE),
        ChangeSet(trashed=ONE),
        ChangeSet(restored=ONE),
        ChangeSet(tags_changed=True),
        ChangeSet(batch_id=BatchId(3)),
    ],
)
def test_references_coming_going_or_retagged_change_the_counts(changes: ChangeSet) -> None:
    assert changes.membership_changed


@pytest.mark.parametrize(
    "changes",
    [ChangeSet(), ChangeSet(updated=ONE), ChangeSet(notes_changed=ONE)],
)
def test_an_edit_alone_leaves_the_counts(changes: ChangeSet) -> None:
    assert not changes.membership_changed
