"""``Library.duplicate_groups`` reads only screened pairs, yet finds ``find_groups``'s groups.

The library hands ``GroupScreen`` its stored keys and titles instead of whole references;
these tests check the outcome against comparing every reference outside the trash.
"""

from __future__ import annotations

import random

from peerref.core.dedupe import find_groups
from peerref.core.model import AbstractSection, Creator, PartialDate, Reference
from peerref.library import Library

TOPICS = ("peer support", "recovery colleges", "crisis care", "housing first", "stigma")
DESIGNS = (": a qualitative study", ": a systematic review", "", " - a protocol")
FAMILIES = ("Repper", "Watson", "Carter", "Ó Súilleabháin", "O Suilleabhain")


def _look_alikes(seed: int, count: int) -> list[Reference]:
    """References that often agree on author, year and title, sometimes untitled."""
    rng = random.Random(seed)
    made: list[Reference] = []
    for number in range(count):
        title = f"{rng.choice(TOPICS).capitalize()} in {rng.choice(('mental', 'public'))} health"
        title += rng.choice(DESIGNS)
        if rng.random() < 0.2:
            title = title.upper()
        elif rng.random() < 0.15:
            title = title.replace("o", "0", 1)  # a close title
        elif rng.random() < 0.1:
            title = ""
        made.append(
            Reference(
                title=title,
                creators=(Creator(rng.choice(FAMILIES), rng.choice(("Julie", "J"))),),
                container_title=rng.choice(("Journal of Mental Health", "J Ment Health")),
                volume=rng.choice(("", "3", "4")),
                issued=PartialDate(rng.randint(2010, 2013)),
                doi=rng.choice(("", "", "", f"10.1000/x{number % 7}")),
                abstract=(AbstractSection("", rng.choice(("Peer work.", "Other work."))),),
            )
        )
    return made


def _everything_compared(library: Library) -> list[object]:
    return list(find_groups(library.get_many(library.search_ids()), library.dismissed_pairs()))


def test_the_groups_are_those_of_comparing_every_reference(library: Library) -> None:
    library.add(_look_alikes(seed=3, count=160))
    groups = library.duplicate_groups()
    assert groups  # the library is full of look-alikes
    assert groups == _everything_compared(library)


def test_trashed_and_dismissed_references_are_left_out_as_before(library: Library) -> None:
    library.add(_look_alikes(seed=8, count=120))
    first, second, *_ = library.duplicate_groups()
    library.trash(first.reference_ids[:1])
    library.dismiss_duplicates(second.reference_ids[:2])
    groups = library.duplicate_groups()
    assert groups == _everything_compared(library)
    trashed = set(library.search_ids(trash=True))
    assert not trashed & {i for group in groups for i in group.reference_ids}


def test_references_whose_keys_were_never_computed_get_them_first(library: Library) -> None:
    """As in a library upgraded from before the keys: the check finds them, then groups."""
    from sqlalchemy import text

    twins = [
        Reference(
            title="Peer support in mental health services",
            creators=(Creator("Repper", "Julie"),),
            issued=PartialDate(2011),
            doi="10.1000/twin",
        )
    ] * 2
    first, second = sorted(library.add(twins).added)
    with library.database.writing() as repo:
        repo.connection.execute(
            text("DELETE FROM dedupe_key WHERE reference_id = :i"), {"i": first}
        )
        assert repo.unkeyed_ids() == [first]
    assert [g.reference_ids for g in library.duplicate_groups()] == [(first, second)]
    with library.database.reading() as repo:
        assert repo.unkeyed_ids() == []
