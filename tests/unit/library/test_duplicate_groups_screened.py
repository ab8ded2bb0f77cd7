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


def _known_cases() -> list[Reference]:
    """A library with planted duplicates and planted look-alikes that are not duplicates."""
    repper = (Creator("Repper", "Julie"), Creator("Watson", "Emma"))
    issue = {
        "creators": repper,
        "container_title": "The Journal of Mental Health Training, Education and Practice",
        "volume": "6",
        "issue": "2",
        "issued": PartialDate(2011, 6, 1),
    }
    return [
        # 1, 2: the same paper twice, one title in capitals.
        Reference(title="Peer support workers: a qualitative study", **issue, page="5-12"),
        Reference(title="PEER SUPPORT WORKERS: A QUALITATIVE STUDY", **issue, page="5-12"),
        # 3: same authors, same day, same issue, another paper (different pages).
        Reference(title="Peer support workers: a qualitative study", **issue, page="13-20"),
        # 4: same authors and issue, another title: never grouped.
        Reference(title="Recovery colleges in the community", **issue, page="21-30"),
        # 5, 6: a typo a year apart (close titles, same authors).
        Reference(
            title="Lived experience leadership in crisis care services",
            creators=repper,
            issued=PartialDate(2014),
        ),
        Reference(
            title="Lived experiance leadership in crisis care services",
            creators=repper,
            issued=PartialDate(2015),
        ),
        # 7, 8: the same DOI, one untitled; 8 will be trashed.
        Reference(title="Hope and recovery", creators=repper, doi="10.1000/hope"),
        Reference(creators=repper, doi="https://doi.org/10.1000/HOPE"),
        # 9, 10: the same title by others, to be dismissed as "not duplicates".
        Reference(
            title="Housing first for veterans in rural communities",
            creators=(Creator("Carter", "Tim"),),
            issued=PartialDate(2019),
        ),
        Reference(
            title="Housing first for veterans in rural communities",
            creators=(Creator("Carter", "T"),),
            issued=PartialDate(2019),
        ),
        # 11, 12: untitled, same authors and day, similar abstracts.
        Reference(
            creators=repper,
            issued=PartialDate(2020, 3, 4),
            container_title="Mental Health Review Journal",
            abstract=(AbstractSection("", "Peer workers support recovery in the community."),),
        ),
        Reference(
            creators=repper,
            issued=PartialDate(2020, 3, 4),
            container_title="Mental Health Review Journal",
            abstract=(AbstractSection("", "Peer workers support recovery in the community"),),
        ),
    ]


def test_planted_duplicates_among_look_alikes_give_the_groups_of_comparing_everything(
    library: Library,
) -> None:
    """Dismissed pairs, trashed references and same-issue look-alikes, among many others."""
    ids = sorted(library.add(_known_cases()).added)
    library.add(_look_alikes(seed=11, count=150))
    before = {group.reference_ids for group in library.duplicate_groups()}
    assert (ids[0], ids[1], ids[2]) in before  # the same-issue paper is a possible member
    assert (ids[4], ids[5]) in before
    assert (ids[6], ids[7]) in before
    assert (ids[8], ids[9]) in before
    assert (ids[10], ids[11]) in before
    assert not any(ids[3] in group for group in before)

    library.trash([ids[7]])
    library.dismiss_duplicates([ids[8], ids[9]])
    groups = library.duplicate_groups()
    assert groups == _everything_compared(library)
    found = {group.reference_ids for group in groups}
    assert (ids[6], ids[7]) not in found and (ids[8], ids[9]) not in found
    assert (ids[4], ids[5]) in found and (ids[10], ids[11]) in found
