"""Search finds references by DOI, ISSN, ISBN and PMID, as typed or pasted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerref.core.model import Reference, ReferenceId, ReferenceType
from peerref.library import Library

ARTICLE = Reference(
    title="Peer workers in crisis teams",
    container_title="Mental Health and Social Inclusion",
    doi="10.1108/MHSI-05-2019-0015",
    issn=("2042-8308", "2042-8316"),
)
BOOK = Reference(
    type=ReferenceType.BOOK,
    title="An Introduction to Recovery",
    isbn=("978-0-19-852663-6",),
)
TRIAL = Reference(title="A trial of peer support", pmid="31234567", issn=("1755-6228",))


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "library.sqlite", daily_backup=False) as opened:
        opened.add([ARTICLE, BOOK, TRIAL])
        yield opened


ARTICLE_ID, BOOK_ID, TRIAL_ID = ReferenceId(1), ReferenceId(2), ReferenceId(3)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("10.1108/MHSI-05-2019-0015", [ARTICLE_ID]),
        ("10.1108/mhsi-05-2019-0015", [ARTICLE_ID]),  # DOIs ignore case
        ("https://doi.org/10.1108/MHSI-05-2019-0015", [ARTICLE_ID]),
        ("10.1108/MHSI", [ARTICLE_ID]),  # while typing
        ("doi:10.1108", [ARTICLE_ID]),
        ("10.9999/other", []),
        ("2042-8316", [ARTICLE_ID]),  # the second ISSN
        ("20428308", [ARTICLE_ID]),
        ("issn:1755-6228", [TRIAL_ID]),
        ("978-0-19-852663-6", [BOOK_ID]),
        ("9780198526636", [BOOK_ID]),
        ("0-19-852663-6", [BOOK_ID]),  # the ISBN-10 of the same book
        ("31234567", [TRIAL_ID]),
        ("pmid:31234567", [TRIAL_ID]),
    ],
)
def test_identifiers_find_their_reference(library: Library, typed: str, found: list[int]) -> None:
    assert library.search_ids(typed) == found


def test_identifiers_combine_with_words_and_exclusion(library: Library) -> None:
    assert library.search_ids("peer 2042-8308") == [ARTICLE_ID]
    assert library.search_ids("trial 2042-8308") == []
    assert sorted(library.search_ids("-10.1108/MHSI-05-2019-0015")) == [BOOK_ID, TRIAL_ID]
    assert library.count(query="1755-6228") == 1


def test_a_plain_identifier_also_finds_the_text_that_quotes_it(library: Library) -> None:
    (noted,) = library.add([Reference(title="Protocol for a peer support trial")]).added
    library.add_note(noted, "Registered as 31234567; see also 10.1108/MHSI-05-2019-0015.")
    assert sorted(library.search_ids("31234567")) == [TRIAL_ID, noted]
    assert sorted(library.search_ids("10.1108/MHSI-05-2019-0015")) == [ARTICLE_ID, noted]
    # Named as an identifier, only the identifier counts.
    assert library.search_ids("pmid:31234567") == [TRIAL_ID]
    assert library.search_ids("-31234567 peer") == [ARTICLE_ID]
