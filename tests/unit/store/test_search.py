"""Full-text search and the search language against a small real library."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.core.query import FieldTerm, Query
from peerref.library import Library, SortKey
from peerref.store import listing, search


def _ref(title: str, family: str, year: int | None, **fields: object) -> Reference:
    return Reference(
        title=title,
        creators=(Creator(family=family, given="Ann"),),
        issued=PartialDate(year) if year else PartialDate(),
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def refs(library: Library) -> dict[str, ReferenceId]:
    """Five references with known words; returns their ids by a short name."""
    items = {
        "trust": _ref(
            "Trust in online banking",
            "Müller",
            2012,
            container_title="Journal of Documentation",
            abstract=(AbstractSection("Purpose", "Self-efficacy and supply chain risk."),),
            keywords=("fintech",),
            tags=("to-read",),
        ),
        "chain": _ref(
            "Chain of supply in retail",
            "Smith",
            2015,
            type=ReferenceType.BOOK,
            publisher="Emerald Publishing Limited",
        ),
        "learn": _ref("Learning networks", "van Dijk", 2008, tags=("ML", "to-read")),
        "untitled": _ref("", "Ó Súilleabháin", None, abstract=(AbstractSection("", "Pupils"),)),
        "arabic": _ref("التعلم الرقمي", "Haddad", 2020, type=ReferenceType.THESIS),
    }
    ids = sorted(library.add(list(items.values())).added)
    return dict(zip(items, ids, strict=True))


def _found(library: Library, query: str) -> set[ReferenceId]:
    return set(library.search_ids(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"trust", "chain", "learn", "untitled", "arabic"}),
        ("trust", {"trust"}),
        ("TRUST banking", {"trust"}),
        ("bank", {"trust"}),  # prefix match while typing
        ("muller", {"trust"}),  # diacritics folded
        ("self-efficacy", {"trust"}),
        ('"supply chain"', {"trust"}),  # phrase: in this order only
        ('"chain supply"', set()),
        ("supply chain", {"trust", "chain"}),  # all words, any order
        ("documentation", {"trust"}),  # container title
        ("emerald", {"chain"}),  # publisher counts as the source of a book
        ("fintech", {"trust"}),  # keywords
        ("to-read", {"trust", "learn"}),  # tags are indexed text too
        ("pupils", {"untitled"}),
        ("الرقمي", {"arabic"}),
        ("author:smith", {"chain"}),
        ("author:dijk", {"learn"}),
        ('author:"van dijk"', {"learn"}),
        ("title:supply", {"chain"}),  # "supply" is also in an abstract
        ("year:2012", {"trust"}),
        ("year:2008..2015", {"trust", "chain", "learn"}),
        ("year:..2010", {"learn"}),
        ("-year:2012", {"chain", "learn", "untitled", "arabic"}),
        ("tag:ml", {"learn"}),
        ("tag:to", {"trust", "learn"}),  # unquoted: prefix
        ('tag:"to"', set()),  # quoted: exact
        ("-tag:to-read", {"chain", "untitled", "arabic"}),
        ("type:book", {"chain"}),
        ("type:thesis", {"arabic"}),
        ("type:journal", {"trust", "learn", "untitled"}),
        ("type:nonsense", set()),
        ("-trust", {"chain", "learn", "untitled", "arabic"}),
        ("supply -retail", {"trust"}),
        ("-author:smith -author:müller", {"learn", "untitled", "arabic"}),
        ("a", set()),  # one letter matches whole words only
    ],
)
def test_search_language(
    library: Library, refs: dict[str, ReferenceId], query: str, expected: set[str]
) -> None:
    assert _found(library, query) == {refs[name] for name in expected}
    assert library.count(query) == len(expected)


def test_collection_term_matches_collection_names(
    library: Library, refs: dict[str, ReferenceId]
) -> None:
    thesis, _ = library.add_collection("Thesis chapters")
    library.add_to_collection(thesis.id, [refs["trust"], refs["chain"]])
    assert _found(library, "collection:thesis") == {refs["trust"], refs["chain"]}
    assert _found(library, 'collection:"thesis chapters"') == {refs["trust"], refs["chain"]}
    assert _found(library, '-collection:"Thesis chapters" author:dijk') == {refs["learn"]}


def test_index_follows_every_write(library: Library, refs: dict[str, ReferenceId]) -> None:
    trust = library.get(refs["trust"])
    library.update(trust.with_changes(title="Confidence in mobile payments"))
    assert _found(library, "banking") == set()
    assert _found(library, "mobile payments") == {refs["trust"]}

    note, _ = library.add_note(refs["chain"], "Compare with **Porter** 1985")
    assert _found(library, "porter") == {refs["chain"]}
    library.update_note(note.id or 0, "Compare with Williamson")  # type: ignore[arg-type]
    assert _found(library, "porter") == set()
    assert _found(library, "williamson") == {refs["chain"]}
    library.delete_note(note.id)  # type: ignore[arg-type]
    assert _found(library, "williamson") == set()

    library.tag([refs["chain"]], add=["Logistics"])
    assert _found(library, "logistics") == {refs["chain"]}
    library.tag([refs["chain"]], remove=["logistics"])
    assert _found(library, "logistics") == set()

    library.trash([refs["learn"]])
    assert _found(library, "learning") == set()
    assert library.search_ids("learning", trash=True) == [refs["learn"]]
    library.empty_trash()
    assert library.search_ids("learning", trash=True) == []


SYNTAX = st.sampled_from(
    [
        '"',
        "-",
        ":",
        "*",
        "^",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "{",
        "}",
        "author:",
        "title:",
        "year:",
        "..",
        "tag:",
        "collection:",
        "type:",
        " ",
        "x",
        "é",
        "\x00",
        "'",
    ]
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text() | st.lists(SYNTAX, max_size=10).map("".join))
def test_arbitrary_search_strings_never_raise(
    library: Library, refs: dict[str, ReferenceId], query: str
) -> None:
    found = library.search_ids(query)
    assert set(found) <= set(refs.values())
    assert library.count(query) == len(found)


@pytest.mark.parametrize(
    "query",
    [
        "peer",
        "peer support",
        "peer -support",
        "-support",
        '"mental health"',
        "title:recovery",
        "author:rep",
        "recovery -type:book",
        "peer year:2010..2015",
        "support tag:core",
    ],
)
def test_starting_from_the_matches_lists_what_walking_a_sort_index_lists(
    library: Library, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """Both plans of a listing (see ``listing._few_matches``) give the same ids in order."""
    words = ("peer", "support", "recovery", "mental", "health", "workers", "training")
    families = ("Repper", "Watson", "Mahon", "Repton")
    references = [
        _ref(
            " ".join(words[(number + k) % len(words)] for k in range(1 + number % 4)),
            families[number % len(families)],
            2005 + number % 15,
            type=ReferenceType.BOOK if number % 5 == 0 else ReferenceType.ARTICLE_JOURNAL,
            tags=("core",) if number % 3 == 0 else (),
        )
        for number in range(60)
    ]
    ids = sorted(library.add(references).added)
    library.trash(ids[::7])

    def listings() -> list[list[ReferenceId]]:
        return [
            library.search_ids(query, sort=key, descending=descending, trash=trash)
            for key in SortKey
            for descending in (False, True)
            for trash in (False, True)
        ]

    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM", 0.0)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM_FILTERED", 0.0)
    walking = listings()
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM", 2.0)
    monkeypatch.setattr(listing, "MATCHES_SHARE_TO_START_FROM_FILTERED", 2.0)
    starting_from_matches = listings()
    assert starting_from_matches == walking
    assert any(walking)


def test_a_query_fts5_rejects_is_retried_as_plain_words(
    library: Library, refs: dict[str, ReferenceId], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The promise behind the search box: even an expression the index refuses lists something."""
    real_text_match = search.text_match

    def broken_for_fields(query: Query, *, postgres: bool = False) -> str | None:
        if any(isinstance(term, FieldTerm) for term in query.terms):
            return "& &" if postgres else "AND AND"  # a syntax error for tsquery / FTS5
        return real_text_match(query, postgres=postgres)

    monkeypatch.setattr(search, "text_match", broken_for_fields)
    assert _found(library, "title:networks") == {refs["learn"]}
