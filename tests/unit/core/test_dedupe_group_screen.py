"""The fast grouping (``GroupScreen`` + ``find_groups_among``) finds ``find_groups``'s groups.

``find_groups`` compares every reference with all it meets by blocking key; the screen
picks pairs from the keys and titles alone. These tests build small libraries full of
look-alikes (shared first authors and years, titles that differ by a letter, lose or
change a subtitle, carry markup, or are missing) and check that both give the very same
groups, verdicts and pair matches.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.dedupe import (
    AUTHOR_YEAR_KEY_PREFIX,
    DismissedPair,
    DuplicateGroup,
    GroupScreen,
    blocking_keys,
    find_groups,
    find_groups_among,
    fold,
    fold_many,
)
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)

OPENINGS = (
    "Peer support in mental health services",
    "Peer support in mental health care",
    "PEER SUPPORT IN MENTAL HEALTH SERVICES",
    "Peer-support in mental health services",
    "Peer suport in mental health services",
    "Recovery colleges and lived experience",
    "Recovery colleges and lived experiences",
    "Café culture and <i>recovery</i> colleges",
    "Cafe culture and recovery colleges",
    "Editorial",
    "A comment on peer support in mental health services",
    "Peer support in mental health services, part two",
    "Hope",
)
SUBTITLES = ("", ": a qualitative study", " - a systematic review", ". A cohort study", ":")
FAMILIES = ("Repper", "Watson", "Ó Súilleabháin", "O Suilleabhain", "van Gogh")
GIVEN = ("Julie", "J", "Tim", "")

creators = st.lists(
    st.builds(Creator, family=st.sampled_from(FAMILIES), given=st.sampled_from(GIVEN)),
    min_size=0,
    max_size=3,
).map(tuple)

titles = st.one_of(
    st.just(""),
    st.builds(lambda a, b: a + b, st.sampled_from(OPENINGS), st.sampled_from(SUBTITLES)),
)

references = st.builds(
    Reference,
    type=st.sampled_from(
        (
            ReferenceType.ARTICLE_JOURNAL,
            ReferenceType.ARTICLE_JOURNAL,
            ReferenceType.BOOK,
            ReferenceType.CHAPTER,
            ReferenceType.PREPRINT,
        )
    ),
    title=titles,
    creators=creators,
    container_title=st.sampled_from(("", "Journal of Mental Health", "J Ment Health", "BMJ")),
    volume=st.sampled_from(("", "12", "13")),
    issue=st.sampled_from(("", "1", "2")),
    page=st.sampled_from(("", "1-10", "11-20")),
    issued=st.one_of(
        st.just(PartialDate()),
        st.builds(
            PartialDate,
            st.integers(2000, 2003),
            st.one_of(st.none(), st.integers(1, 2)),
        ),
    ),
    isbn=st.sampled_from(((), ("9780000000002",), ("0000000000",))),
    doi=st.sampled_from(("", "", "10.1000/a", "10.1000/B", "https://doi.org/10.1000/a")),
    pmid=st.sampled_from(("", "", "123", "456")),
    abstract=st.sampled_from(
        (
            (),
            (AbstractSection("Purpose", "Peer workers support recovery in the community."),),
            (AbstractSection("", "Peer workers support recovery in the community"),),
            (AbstractSection("", "An entirely different abstract about housing."),),
        )
    ),
)


def _with_ids(drawn: list[Reference]) -> list[Reference]:
    return [replace(ref, id=ReferenceId(n)) for n, ref in enumerate(drawn, start=1)]


def _fast(
    stored: list[Reference], dismissed: frozenset[DismissedPair], *, only_shared: bool
) -> list[DuplicateGroup]:
    """The groups as ``Library.duplicate_groups`` finds them, from keys and titles."""
    filed = [(key, ref.id) for ref in stored if ref.id is not None for key in blocking_keys(ref)]
    if only_shared:
        # As the store hands them over: identity keys held by one reference left out.
        holders: dict[str, int] = {}
        for key, _ in filed:
            holders[key] = holders.get(key, 0) + 1
        filed = [
            (key, i)
            for key, i in filed
            if key.startswith(AUTHOR_YEAR_KEY_PREFIX) or holders[key] > 1
        ]
    screen = GroupScreen(filed)
    titles = {ref.id: ref.title for ref in stored if ref.id in screen.needs_titles}
    pairs = screen.pairs(titles)
    wanted = {i for pair in pairs for i in pair}
    return find_groups_among([r for r in stored if r.id in wanted], pairs, dismissed)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=st.lists(references, min_size=2, max_size=14),
    dismiss=st.lists(st.tuples(st.integers(1, 14), st.integers(1, 14)), max_size=4),
    only_shared=st.booleans(),
)
def test_the_screen_finds_the_same_groups_as_comparing_everything(
    drawn: list[Reference], dismiss: list[tuple[int, int]], only_shared: bool
) -> None:
    stored = _with_ids(drawn)
    dismissed = frozenset(
        frozenset((ReferenceId(a), ReferenceId(b)))
        for a, b in dismiss
        if a != b and a <= len(stored) and b <= len(stored)
    )
    assert _fast(stored, dismissed, only_shared=only_shared) == find_groups(stored, dismissed)


def _by_repper(*titled: tuple[str, int]) -> list[Reference]:
    author = (Creator("Repper", "Julie"), Creator("Watson", "Emma"))
    return [
        Reference(title=title, creators=author, issued=PartialDate(year), id=ReferenceId(n))
        for n, (title, year) in enumerate(titled, start=1)
    ]


def test_a_close_title_by_the_same_author_a_year_apart_is_grouped() -> None:
    """Met only through neighbouring author-year keys, and found by the title search."""
    stored = _by_repper(
        ("Peer suport workers in mental health services: a qualitative study", 2011),
        ("Peer support workers in mental health services: a qualitative study", 2012),
        ("Housing first for veterans", 2012),
    )
    expected = find_groups(stored)
    assert [g.reference_ids for g in expected] == [(1, 2)]
    assert _fast(stored, frozenset(), only_shared=True) == expected


def test_a_shared_main_title_hidden_by_markup_is_grouped() -> None:
    """A subtitle break inside a tag: the main titles agree, the titles' openings do not."""
    stored = _by_repper(
        ('Peer support <a title="x: y">in mental health</a> services', 2011),
        ("Peer support a title x: something else", 2011),
    )
    expected = find_groups(stored)
    assert [g.reference_ids for g in expected] == [(1, 2)]
    assert _fast(stored, frozenset(), only_shared=True) == expected


def test_large_look_alike_families_give_the_same_groups() -> None:
    """Many references by one author across a few years: every window pair considered."""
    stored: list[Reference] = []
    for number, (opening, subtitle, year) in enumerate(
        itertools.product(OPENINGS, SUBTITLES, range(2000, 2003)), start=1
    ):
        stored.append(
            Reference(
                title=opening + subtitle,
                creators=(Creator("Repper", "Julie"),),
                issued=PartialDate(year),
                id=ReferenceId(number),
            )
        )
    stored.append(
        Reference(creators=(Creator("Repper", "J"),), issued=PartialDate(2001), id=ReferenceId(999))
    )
    assert _fast(stored, frozenset(), only_shared=True) == find_groups(stored)


def test_a_key_of_an_unexpected_form_links_what_shares_it_and_never_raises() -> None:
    filed = [
        ("author-year:repper:20x1", ReferenceId(1)),
        ("author-year:repper:20x1", ReferenceId(2)),
        ("author-year:watson", ReferenceId(3)),
    ]
    screen = GroupScreen(filed)
    assert screen.pairs({}) == {(ReferenceId(1), ReferenceId(2))}


_NON_WORD = re.compile(r"[\W_]+")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_text_is_the_regular_expressions(text: str) -> None:
    """``fold``'s shortcut for ASCII text gives what the general path's expression gives."""
    expected = re.sub(r"<[^>]+>", " ", text).replace("&", " and ")
    assert fold(text) == _NON_WORD.sub(" ", expected.casefold()).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(max_codepoint=127), max_size=40),
            st.text(max_size=20),
            st.sampled_from(("", "  ", "\x00", "a\x00b", "<i>Café</i> & co", "Ørsted &amp;")),
        ),
        max_size=12,
    )
)
def test_folding_many_texts_gives_what_folding_each_gives(texts: list[str]) -> None:
    """``fold_many``'s joined pass (and its fallback for markup, accents, NULs) is ``fold``."""
    assert fold_many(texts) == [fold(text) for text in texts]


def test_close_titles_of_different_lengths_and_openings_are_grouped_across_years() -> None:
    """Only the length-bounded search can find these: their first four words differ.

    Each pair scores at least 90 with titles as far apart in length as that allows, in
    the same year and a year apart, each side shorter in turn.
    """
    base = "peer support workers in mental health services"
    stored = _by_repper(
        (base, 2011),
        ("the and " + base, 2011),  # 8 characters longer: ratio 92
        ("Housing first for veterans in rural communities", 2011),
        ("Recovery colleges and lived experience of staff", 2012),
        ("of " + "recovery colleges and lived experience of staff", 2013),
        ("a an " + "recovery colleges and lived experience of staff", 2012),
    )
    expected = find_groups(stored)
    assert [g.reference_ids for g in expected] == [(1, 2), (4, 5, 6)]
    assert _fast(stored, frozenset(), only_shared=True) == expected
