"""Several people on one library: row versions, who did what, concurrent imports.

The edit-conflict tests run on both backends (two ``Library`` objects on one file
behave as two people on one server); the concurrency tests use real threads on a
team library, each with its own connections, as five windows would.
"""

from __future__ import annotations

import json
import threading

import pytest

from peerref.core.errors import ConflictError, StorageError
from peerref.core.model import ImportMethod, Reference, ReferenceId
from peerref.library import Library


def test_an_edit_on_a_stale_copy_is_refused_showing_the_other_change(
    two: tuple[Library, Library],
) -> None:
    ann, bob = two
    (ref_id,) = ann.add([Reference(title="Peer support", volume="3")]).added
    anns_copy, bobs_copy = ann.get(ref_id), bob.get(ref_id)
    assert anns_copy.version == bobs_copy.version == 1

    bob.update(bobs_copy.with_changes(title="Peer support in mental health"))
    with pytest.raises(ConflictError) as refused:
        ann.update(anns_copy.with_changes(volume="4"))

    message = str(refused.value)
    assert "changed by Bob" in message
    assert "'Peer support in mental health'" in message and "(yours: 'Peer support')" in message
    assert refused.value.reference_id == ref_id and refused.value.by == "Bob"
    assert ("title", "Peer support in mental health", "Peer support") in refused.value.differences
    # Nothing of Ann's edit was saved; Bob's stands.
    stored = ann.get(ref_id)
    assert (stored.title, stored.volume, stored.version) == (
        "Peer support in mental health",
        "3",
        2,
    )
    # Made again on the fresh copy, Ann's edit goes through.
    ann.update(stored.with_changes(volume="4"))
    assert bob.get(ref_id).volume == "4"


def test_who_added_and_who_last_edited_is_recorded(two: tuple[Library, Library]) -> None:
    ann, bob = two
    (ref_id,) = ann.add([Reference(title="Recovery colleges")]).added
    assert (bob.get(ref_id).added_by, bob.get(ref_id).modified_by) == ("Ann", "Ann")
    bob.tag([ref_id], add=["included"], remove=[])
    after_tag = ann.get(ref_id)
    assert (after_tag.added_by, after_tag.modified_by, after_tag.version) == ("Ann", "Bob", 2)
    ann.update(after_tag.with_changes(title="Recovery colleges (review)"))
    assert bob.get(ref_id).modified_by == "Ann"


def test_a_team_library_records_the_postgresql_role(postgres_url: str) -> None:
    with Library.open(postgres_url) as library:
        assert library.is_team and library.user == "postgres"
        (ref_id,) = library.add([Reference(title="By role")]).added
        assert library.get(ref_id).added_by == "postgres"


def test_a_read_only_role_cannot_write(postgres_url: str, postgres_server: object) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    execute = postgres_server.execute  # type: ignore[attr-defined]
    with Library.open(postgres_url) as owner:
        owner.add([Reference(title="Readable")])
    execute(database, "DROP ROLE IF EXISTS reader")
    execute(database, "CREATE ROLE reader LOGIN")
    execute(database, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader_url = postgres_url.replace("postgres@", "reader@", 1)
    with Library.open(reader_url) as reader:
        assert reader.read_only and reader.user == "reader"
        assert reader.search_ids("readable")
        with pytest.raises(StorageError, match="read-only for reader"):
            reader.add([Reference(title="Refused")])
    execute(database, "DROP OWNED BY reader")
    execute(database, "DROP ROLE reader")


CLIENTS = 5
INCREMENTS = 12


def test_concurrent_edits_lose_no_update(postgres_url: str) -> None:
    """Five people raise one counter at once; every refused edit is redone, none is lost."""
    with Library.open(postgres_url) as library:
        (ref_id,) = library.add([Reference(title="Counter", volume="0")]).added
    conflicts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        try:
            with Library.open(postgres_url) as mine:
                mine.set_user(f"reviewer{number}")
                start.wait()
                done = 0
                while done < INCREMENTS:
                    copy = mine.get(ReferenceId(ref_id))
                    try:
                        mine.update(copy.with_changes(volume=str(int(copy.volume) + 1)))
                    except ConflictError:
                        conflicts.append(number)
                        continue
                    done += 1
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with Library.open(postgres_url) as library:
        stored = library.get(ReferenceId(ref_id))
    assert stored.volume == str(CLIENTS * INCREMENTS)  # no lost update
    assert stored.version == 1 + CLIENTS * INCREMENTS
    assert conflicts, "five clients at once should have met at least one conflict"


def _page() -> str:
    items = [
        {
            "id": f"item{n}",
            "type": "article-journal",
            "title": f"Shared decision making in psychiatry, part {n}",
            "author": [{"family": "Repper", "given": "Julie"}],
            "issued": {"date-parts": [[2012]]},
            "DOI": f"10.5555/team.{n}",
        }
        for n in range(8)
    ]
    return json.dumps(items)


def test_two_people_importing_the_same_page_at_once_end_with_one_copy(
    postgres_url: str,
) -> None:
    page = _page()
    start = threading.Barrier(2)
    added: list[int] = []
    errors: list[BaseException] = []

    def importer(name: str) -> None:
        try:
            with Library.open(postgres_url) as mine:
                mine.set_user(name)
                start.wait()
                added.append(mine.import_text(page, method=ImportMethod.PASTE).added)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=importer, args=(n,)) for n in ("Ann", "Bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(added) == [0, 8]
    with Library.open(postgres_url) as library:
        assert library.count("") == 8
        assert len(library.search_ids("psychiatry")) == 8


def test_two_people_creating_the_same_tag_at_once_share_it(postgres_url: str) -> None:
    with Library.open(postgres_url) as library:
        ids = sorted(library.add([Reference(title=f"Paper {n}") for n in range(CLIENTS)]).added)
    start = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def tagger(number: int) -> None:
        try:
            with Library.open(postgres_url) as mine:
                start.wait()
                mine.tag([ReferenceId(ids[number])], add=["Included" if number % 2 else "INCLUDED"])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=tagger, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Library.open(postgres_url) as library:
        assert len(library.tags.counts()) == 1
        assert len(library.search_ids("tag:included")) == CLIENTS


def test_the_preferences_name_replaces_the_login_until_it_is_cleared(postgres_url: str) -> None:
    with Library.open(postgres_url) as library:
        library.set_user("Ann Reviewer")
        assert library.user == "Ann Reviewer"
        library.set_user("  ")
        assert library.user == "postgres"


def test_a_tag_renamed_across_the_library_refuses_an_edit_made_before_it(
    two: tuple[Library, Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library-wide tag edit is an edit of each reference: new version, editor, news."""
    ann, bob = two
    (ref_id,) = ann.add([Reference(title="Peer support", tags=("rct",))]).added
    anns_copy = ann.get(ref_id)
    announced: list[dict[str, object]] = []
    monkeypatch.setattr(bob.database, "announce", lambda text: announced.append(json.loads(text)))

    bob.tags.rename("rct", "RCT")

    stored = bob.get(ref_id)
    assert stored.tags == ("RCT",) and stored.modified_by == "Bob"
    assert stored.version == anns_copy.version + 1
    with pytest.raises(ConflictError) as refused:
        ann.update(anns_copy.with_changes(title="Peer support work"))
    assert refused.value.by == "Bob"
    if bob.is_team:  # other windows hear of it; a personal library has nobody to tell
        assert [(news["by"], news["updated"]) for news in announced] == [("Bob", [ref_id])]
    else:
        assert announced == []
