"""What an import does with entries the library already holds, beyond skipping them.

It counts them apart from entries left out for other reasons, puts the stored references
they match into the import's target collection, and its filling of stored references can
be undone and redone with the same provenance.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peerref.core.errors import UserInputError
from peerref.core.model import CollectionId, ImportMethod, ReferenceId
from peerref.formats.registry import parse_text
from peerref.library import Library

DEDUPE_DATA = Path(__file__).resolve().parents[2] / "data" / "dedupe"

# Three papers on an Emerald page of our own; the first two share authors, day and issue.
EMERALD_PAGE = (DEDUPE_DATA / "same_day_pair.emerald.txt").read_text(encoding="utf-8")
# The RIS export of the first paper: it adds its title, DOI and pages.
RICHER_RIS = (DEDUPE_DATA / "same_day_pair.richer.ris").read_text(encoding="utf-8")
# A paper the page does not hold.
OTHER_RIS = """TY  - JOUR
AU  - Nakashima, Emi
AU  - Fairbairn, Callum
TI  - Recovery colleges and the language of hope: a discourse analysis
T2  - Journal of Mental Health Training, Education and Practice
PY  - 2019
VL  - 14
IS  - 3
SP  - 150
EP  - 161
DO  - 10.1108/JMHTEP-09-2018-0051
ER  -
"""


def _page_in_library(library: Library) -> list[ReferenceId]:
    library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    return sorted(library.search_ids())


def _thesis(library: Library) -> CollectionId:
    collection, _ = library.add_collection("Thesis")
    return collection.id


def test_reimporting_into_a_collection_puts_the_stored_references_there(
    library: Library,
) -> None:
    stored = _page_in_library(library)
    thesis = _thesis(library)
    outcome = library.import_text(EMERALD_PAGE, method=ImportMethod.DROP, collection=thesis)
    assert (outcome.added, outcome.skipped, outcome.already_in_library) == (0, 3, 3)
    assert list(outcome.collected) == stored and outcome.collection == thesis
    assert sorted(library.search_ids(collection=thesis)) == stored
    assert outcome.changes.updated == set(stored) and outcome.changes.collection_ids == {thesis}
    assert library.count() == 3

    # Members already there are not reported again (an undo must not take them out).
    again = library.import_text(EMERALD_PAGE, method=ImportMethod.DROP, collection=thesis)
    assert again.collected == () and again.already_in_library == 3


def test_without_a_collection_nothing_joins_one(library: Library) -> None:
    _page_in_library(library)
    thesis = _thesis(library)
    outcome = library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    assert outcome.collected == () and outcome.collection is None
    assert library.search_ids(collection=thesis) == []


def test_files_into_a_collection_put_filled_and_new_references_there(
    library: Library, tmp_path: Path
) -> None:
    stored = _page_in_library(library)
    thesis = _thesis(library)
    richer = tmp_path / "richer.ris"
    richer.write_text(RICHER_RIS + "\n" + OTHER_RIS, encoding="utf-8")
    outcome = library.import_files([richer], collection=thesis)
    assert (outcome.added, outcome.merged, outcome.already_in_library) == (1, 1, 0)
    (filled,) = outcome.fills
    assert filled.kept_id in stored and outcome.collected == (filled.kept_id,)
    (new_id,) = outcome.changes.added
    assert sorted(library.search_ids(collection=thesis)) == sorted([filled.kept_id, new_id])


def test_a_preview_choice_counts_and_collects_the_unchecked_duplicates(
    library: Library,
) -> None:
    first = library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    thesis = _thesis(library)
    page = parse_text(EMERALD_PAGE)
    assert len(page.entries) == 3
    # The person unchecked everything: the page is held already, so it still joins.
    outcome = library.import_parsed(
        page,
        raw_input=EMERALD_PAGE,
        method=ImportMethod.DROP,
        selected=[],
        collection=thesis,
    )
    assert (outcome.added, outcome.skipped, outcome.already_in_library) == (0, 3, 3)
    assert set(outcome.collected) == set(first.changes.added)

    # An unchecked entry that is new is left out, not "already in your library".
    other = parse_text(OTHER_RIS)
    outcome = library.import_parsed(
        other, raw_input=OTHER_RIS, method=ImportMethod.PASTE, selected=[], collection=thesis
    )
    assert (outcome.added, outcome.skipped, outcome.already_in_library) == (0, 1, 0)
    assert outcome.collected == ()


def test_an_entry_merged_by_choice_joins_the_collection(library: Library) -> None:
    _page_in_library(library)
    thesis = _thesis(library)
    target = library.search_ids("allotment")[0]
    outcome = library.import_parsed(
        parse_text(RICHER_RIS),
        raw_input=RICHER_RIS,
        method=ImportMethod.PASTE,
        selected=[],
        merge_into={0: target},
        collection=thesis,
    )
    assert outcome.merged == 1 and outcome.collected == (target,)
    assert library.search_ids(collection=thesis) == [target]


def test_refill_redoes_an_undone_fill_with_its_provenance(library: Library) -> None:
    _page_in_library(library)
    outcome = library.import_text(RICHER_RIS, method=ImportMethod.FILE, source_name="x.ris")
    (record,) = outcome.fills
    filled = library.get(record.kept_id)
    events = library.merge_history(record.kept_id)
    assert len(events) == 1

    library.unmerge(record)
    assert library.get(record.kept_id).doi == "" and library.merge_history(record.kept_id) == []

    redone, changes = library.refill(record, filled, events)
    assert changes.updated == {record.kept_id}
    again = library.get(record.kept_id)
    assert again.with_changes(modified=None) == filled.with_changes(modified=None)
    (event,) = library.merge_history(record.kept_id)
    assert (event.fields, event.batch_id, event.source_text, event.created) == (
        events[0].fields,
        events[0].batch_id,
        events[0].source_text,
        events[0].created,
    )
    assert redone.event_ids == (event.id,) and redone.kept_before.doi == ""

    # The new record undoes the redo.
    library.unmerge(redone)
    assert library.get(record.kept_id).doi == "" and library.merge_history(record.kept_id) == []


def test_refill_refuses_a_merge_of_references(library: Library) -> None:
    stored = _page_in_library(library)
    record, _ = library.merge(stored[0], [stored[2]])
    with pytest.raises(UserInputError):
        library.refill(record, library.get(stored[0]), [])
