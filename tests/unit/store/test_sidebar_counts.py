"""The sidebar's tag and collection counts leave trashed references out, as a join would.

``Repository.tags`` and ``collection_counts`` count every use from an index and take
the trashed references' uses off; these tests compare them with counting the references
outside the trash one by one.
"""

from __future__ import annotations

import random
from collections import Counter

from peerref.core.model import Reference
from peerref.library import Library


def test_counts_equal_counting_each_reference_outside_the_trash(library: Library) -> None:
    rng = random.Random(4)
    collections = [library.add_collection(f"Area {n}")[0].id for n in range(5)]
    references = [
        Reference(
            title=f"Paper {n}",
            tags=tuple(rng.sample(["core", "ML", "to read", "Rare"], rng.randint(0, 3))),
            collection_ids=tuple(rng.sample(collections, rng.randint(0, 2))),
        )
        for n in range(80)
    ]
    ids = sorted(library.add(references).added)
    library.trash(rng.sample(ids, 25))
    # A tag whose every reference is in the trash is not listed.
    (only_trashed,) = library.add([Reference(title="Gone", tags=("only-in-trash",))]).added
    library.trash([only_trashed])

    active = library.get_many(library.search_ids())
    expected_tags = Counter(tag for ref in active for tag in ref.tags)
    expected_members = Counter(c for ref in active for c in ref.collection_ids)
    assert dict(library.tags.counts()) == dict(expected_tags)
    assert "only-in-trash" not in dict(library.tags.counts())
    assert library.collection_counts() == {c: expected_members[c] for c in collections}

    library.empty_trash()
    assert dict(library.tags.counts()) == dict(expected_tags)
