"""An import's filling and a merge of duplicates never lose a richer value (issue 14).

Each pair of values is tried in both directions, through the Library as the preview and
the Duplicates view use it: a poorer incoming value never replaces the stored one, even
when the person asked to replace with the incoming values; a richer one replaces it only
when asked; a merge of duplicates keeps the richer value whichever record is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from peerref.core.errors import UserInputError
from peerref.core.model import (
    AbstractSection,
    Creator,
    ImportMethod,
    PartialDate,
    Reference,
    ReferenceId,
)
from peerref.core.names import parse_name
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.formats.registry import parse_text
from peerref.library import EntryMark, Library

DEDUPE_DATA = Path(__file__).resolve().parents[2] / "data" / "dedupe"
EMERALD_PAGE = (DEDUPE_DATA / "same_day_pair.emerald.txt").read_text(encoding="utf-8")
# The RIS export of the page's first paper, its abstract one flat paragraph made longer
# than the page's structured one by a copyright line.
FLAT_ABSTRACT_RIS = (
    (DEDUPE_DATA / "same_day_pair.richer.ris")
    .read_text(encoding="utf-8")
    .replace(
        "nobody asked about their diagnosis.",
        "nobody asked about their diagnosis. © Emerald 2016",
    )
)

TITLE = "Befriending schemes for older men: a year in three rural districts"
STRUCTURED = (
    AbstractSection("Purpose", "The paper follows befriending schemes for older men."),
    AbstractSection("Findings", "Men valued practical tasks shared with a befriender."),
)
FLAT = (
    AbstractSection(
        "",
        "Purpose The paper follows befriending schemes for older men. Findings Men valued "
        "practical tasks shared with a befriender. Copyright the authors, all rights reserved.",
    ),
)
FULL_NAMES = tuple(parse_name(n) for n in ("Doyle, Sean", "Okafor, Daniel", "Raman, Priya"))


def base(**fields: Any) -> Reference:
    reference = Reference(
        title=TITLE,
        creators=FULL_NAMES,
        container_title="Working with Older People",
        volume="23",
        issue="1",
        page="12-19",
        issued=PartialDate(2019, 3, 11),
        doi="10.1108/WWOP-08-2018-0017",
        abstract=STRUCTURED,
    )
    return reference.with_changes(**fields)


# (field, the poorer value, the richer value)
PAIRS = [
    pytest.param("abstract", {"abstract": FLAT}, {}, id="structured-over-flat-abstract"),
    pytest.param("issued", {"issued": PartialDate(2019)}, {}, id="full-date-over-year"),
    pytest.param(
        "creators",
        {"creators": tuple(parse_name(n) for n in ("Doyle, S.", "Okafor, D.", "Raman, P."))},
        {},
        id="given-names-over-initials",
    ),
    pytest.param(
        "creators",
        {"creators": (FULL_NAMES[0], Creator(literal="et al."))},
        {},
        id="author-list-over-et-al",
    ),
    pytest.param("creators", {"creators": FULL_NAMES[:2]}, {}, id="author-list-over-its-prefix"),
    pytest.param(
        "title", {"title": "Befriending schemes for older men: a ye…"}, {}, id="title-over-cut"
    ),
    pytest.param(
        "title", {"title": "Befriending schemes for older men"}, {}, id="title-over-prefix"
    ),
]


def one_entry(reference: Reference) -> ParseResult:
    entry = ParsedEntry(reference, raw_text="(test entry)", first_line=1, last_line=1)
    return ParseResult("test", "Test entries", (entry,))


def store(library: Library, reference: Reference) -> ReferenceId:
    (ref_id,) = library.add([reference]).added
    return ref_id


def import_into(
    library: Library, result: ParseResult, target: ReferenceId, *, replace: bool
) -> None:
    library.import_parsed(
        result,
        raw_input="(test entry)",
        method=ImportMethod.PASTE,
        selected=[],
        merge_into={0: target},
        replacing={0} if replace else (),
    )


@pytest.mark.parametrize(("name", "poorer", "richer"), PAIRS)
def test_a_poorer_incoming_value_never_replaces_the_stored_one(
    library: Library, name: str, poorer: dict[str, Any], richer: dict[str, Any]
) -> None:
    target = store(library, base(**richer))
    before = getattr(library.get(target), name)
    result = one_entry(base(**poorer))
    (status,) = library.check_duplicates(result)
    assert status.existing_id == target
    assert name not in status.fills and name not in status.replaces
    for replace in (False, True):
        import_into(library, result, target, replace=replace)
        assert getattr(library.get(target), name) == before


@pytest.mark.parametrize(("name", "poorer", "richer"), PAIRS)
def test_a_richer_incoming_value_replaces_the_stored_one_only_when_chosen(
    library: Library, name: str, poorer: dict[str, Any], richer: dict[str, Any]
) -> None:
    target = store(library, base(**poorer))
    before = getattr(library.get(target), name)
    incoming = base(**richer)
    result = one_entry(incoming)
    (status,) = library.check_duplicates(result)
    assert status.existing_id == target
    assert status.replaces == (name,) and status.fills == ()
    import_into(library, result, target, replace=False)
    assert getattr(library.get(target), name) == before
    import_into(library, result, target, replace=True)
    assert getattr(library.get(target), name) == getattr(incoming, name)
    (*_, event) = library.merge_history(target)
    assert event.fields == (name,)


@pytest.mark.parametrize(("name", "poorer", "richer"), PAIRS)
def test_a_merge_of_duplicates_keeps_the_richer_value_whichever_is_kept(
    library: Library, name: str, poorer: dict[str, Any], richer: dict[str, Any]
) -> None:
    rich_value = getattr(base(**richer), name)
    for keep_rich in (True, False):
        rich = store(library, base(**richer))
        poor = store(library, base(**poorer))
        keep, other = (rich, poor) if keep_rich else (poor, rich)
        library.merge(keep, [other])
        assert getattr(library.get(keep), name) == rich_value


def test_the_ris_export_of_a_stored_page_fills_gaps_and_keeps_the_structured_abstract(
    library: Library,
) -> None:
    library.import_text(EMERALD_PAGE, method=ImportMethod.PASTE)
    (target,) = library.search_ids("allotment")
    structured = library.get(target).abstract
    assert [s.heading for s in structured] == ["Purpose", "Findings"]
    ris = parse_text(FLAT_ABSTRACT_RIS)
    assert len(ris.entries[0].reference.abstract_text) > len(library.get(target).abstract_text)

    (status,) = library.check_duplicates(ris)
    assert status.mark is EntryMark.DUPLICATE and status.existing_id == target
    assert {"title", "doi", "page"} <= set(status.fills)
    assert "abstract" not in status.fills and "abstract" not in status.replaces

    outcome = library.import_text(FLAT_ABSTRACT_RIS, method=ImportMethod.FILE)
    assert outcome.merged == 1
    filled = library.get(target)
    assert filled.abstract == structured
    assert filled.doi == "10.1108/MHSI-05-2016-0017"
    (event,) = library.merge_history(target)
    assert "abstract" not in event.fields


def test_replacing_needs_the_entry_to_be_merged(library: Library) -> None:
    result = one_entry(base())
    with pytest.raises(UserInputError, match="merged into a reference"):
        library.import_parsed(
            result, raw_input="x", method=ImportMethod.PASTE, selected=[0], replacing={0}
        )
    with pytest.raises(UserInputError, match="entry number 3"):
        library.import_parsed(result, raw_input="x", method=ImportMethod.PASTE, replacing={3})
    assert library.count() == 0
