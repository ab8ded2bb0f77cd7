"""Undoing and redoing a merge or an import's filling when someone else edited meanwhile.

Both backends: two ``Library`` objects on one library are two people on one server. An
undo writes back only the fields its step changed, and refuses (``ConflictError`` naming
the other person's change) when one of those was changed since; everything else they
changed is kept either way.
"""

from __future__ import annotations

import pytest

from peerref.core.errors import ConflictError
from peerref.core.model import Creator, ImportMethod, PartialDate, Reference, ReferenceId
from peerref.library import Library

FIRST_RIS = """TY  - JOUR
AU  - Okafor, Chiamaka
AU  - Brennan, Sean
TI  - Peer workers on acute psychiatric wards: a realist evaluation
JO  - Mental Health Review Journal
PY  - 2023
VL  - 28
ER  -
"""
# The same paper from another database, with the DOI and pages the first lacked.
RICHER_RIS = FIRST_RIS.replace(
    "ER  -", "SP  - 101\nEP  - 117\nDO  - 10.1108/MHRJ-01-2023-0004\nER  -"
)


def _pair(library: Library) -> tuple[ReferenceId, ReferenceId]:
    """Two records of one paper; the second has the DOI and pages the first lacks."""
    first = Reference(
        title="Peer navigators in emergency departments",
        creators=(Creator("Lindqvist", "Henrik"),),
        issued=PartialDate(2020),
        container_title="Psychiatric Services",
    )
    second = first.with_changes(doi="10.1176/appi.ps.2020.0001", page="14-20")
    a, b = sorted(library.add([first, second]).added)
    return a, b


def test_undoing_a_merge_keeps_an_edit_made_since_to_another_field(
    two: tuple[Library, Library],
) -> None:
    ann, bob = two
    a, b = _pair(ann)
    record, _ = ann.merge(a, [b])
    merged = bob.get(a)
    bob.update(merged.with_changes(volume="71"))

    ann.unmerge(record)
    kept = bob.get(a)
    assert (kept.doi, kept.page) == ("", "")  # the merge's fields went back
    assert kept.volume == "71" and kept.modified_by == "Ann"  # Bob's edit stayed
    assert not bob.get(b).trashed


def test_undoing_a_merge_is_refused_when_its_fields_were_changed_since(
    two: tuple[Library, Library],
) -> None:
    ann, bob = two
    a, b = _pair(ann)
    record, _ = ann.merge(a, [b])
    bob.update(bob.get(a).with_changes(page="14-21"))

    with pytest.raises(ConflictError) as refused:
        ann.unmerge(record)
    error = refused.value
    assert error.by == "Bob" and error.reference_id == a
    assert error.differences == (("page", "14-21", ""),)
    assert "Bob changed reference" in str(error) and "undoing the merge was refused" in str(error)
    # Nothing of the undo happened: Bob's page stands, the merged record stays in the trash.
    kept = ann.get(a)
    assert (kept.page, kept.doi) == ("14-21", "10.1176/appi.ps.2020.0001")
    assert ann.get(b).trashed
    assert [event.merged_reference_id for event in ann.merge_history(a)] == [b]


def test_undoing_an_import_fill_respects_edits_made_since(two: tuple[Library, Library]) -> None:
    ann, bob = two
    ann.import_text(FIRST_RIS, method=ImportMethod.PASTE)
    outcome = ann.import_text(RICHER_RIS, method=ImportMethod.FILE, source_name="scopus.ris")
    (record,) = outcome.fills
    ref_id = record.kept_id
    assert ann.get(ref_id).doi == "10.1108/MHRJ-01-2023-0004"

    # Bob corrects the DOI the import filled in: Ann's undo would lose it, so it is refused.
    bob.update(bob.get(ref_id).with_changes(doi="10.1108/MHRJ-01-2023-0005"))
    with pytest.raises(ConflictError) as refused:
        ann.unmerge(record)
    assert "undoing the import's filling was refused" in str(refused.value)
    assert ann.get(ref_id).doi == "10.1108/MHRJ-01-2023-0005"
    assert len(ann.merge_history(ref_id)) == 1

    # Bob puts the filled DOI back and tags the record instead: the undo now goes through
    # and takes back only what the import filled.
    bob.update(bob.get(ref_id).with_changes(doi="10.1108/MHRJ-01-2023-0004"))
    bob.tag([ref_id], add=["screened"], remove=[])
    ann.unmerge(record)
    undone = ann.get(ref_id)
    assert (undone.doi, undone.page) == ("", "")
    assert undone.tags == ("screened",)
    assert ann.merge_history(ref_id) == []


def test_redoing_an_import_fill_is_refused_when_someone_filled_the_field_since(
    two: tuple[Library, Library],
) -> None:
    ann, bob = two
    ann.import_text(FIRST_RIS, method=ImportMethod.PASTE)
    (record,) = ann.import_text(RICHER_RIS, method=ImportMethod.PASTE).fills
    filled = ann.get(record.kept_id)
    events = ann.merge_history(record.kept_id)
    ann.unmerge(record)

    bob.update(bob.get(record.kept_id).with_changes(page="101-118"))
    with pytest.raises(ConflictError) as refused:
        ann.refill(record, filled, events)
    assert refused.value.differences == (("page", "101-118", "101-117"),)
    assert ann.get(record.kept_id).doi == "" and ann.merge_history(record.kept_id) == []

    # With the page as the undo left it, the redo fills everything back.
    bob.update(bob.get(record.kept_id).with_changes(page=""))
    redone, _ = ann.refill(record, filled, events)
    again = ann.get(record.kept_id)
    assert (again.doi, again.page) == ("10.1108/MHRJ-01-2023-0004", "101-117")
    ann.unmerge(redone)
    assert ann.get(record.kept_id).doi == ""
