"""``copy-library``: a personal library into a team library and back, nothing lost, twice."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from peerref.cli import main
from peerref.core.errors import UserInputError
from peerref.core.model import (
    AbstractSection,
    Creator,
    ImportMethod,
    PartialDate,
    ReadingStatus,
    Reference,
)
from peerref.core.prisma import Verdict
from peerref.library import Library

PAGE = json.dumps(
    [
        {
            "id": "a",
            "type": "article-journal",
            "title": "Peer workers on acute wards",
            "author": [{"family": "Gillard", "given": "Steve"}],
            "issued": {"date-parts": [[2015]]},
            "DOI": "10.5555/copy.1",
        },
        {
            "id": "b",
            "type": "chapter",
            "title": "Recovery narratives",
            "author": [{"family": "Llewellyn-Beardsley", "given": "Joy"}],
            "container-title": "Handbook of recovery",
            "issued": {"date-parts": [[2019]]},
        },
    ]
)


def _fill(path: Path) -> None:
    """A personal library using every kind of row: the copy must carry all of them."""
    with Library.open(path) as library:
        outcome = library.import_text(PAGE, method=ImportMethod.PASTE, source_name="page.json")
        assert outcome.added == 2
        own = library.add(
            [
                Reference(
                    title="Befriending for depression",
                    creators=(Creator(family="Mead", given="Nicola"), Creator(literal="NICE")),
                    issued=PartialDate(2010, 3),
                    abstract=(AbstractSection("Background", "Befriending helps."),),
                    keywords=("befriending",),
                    extra={"Archive": "PsycINFO"},
                    tags=("Included", "depression"),
                    reading_status=ReadingStatus.READ,
                    rating=4,
                ),
                Reference(title="Befriending for depression: a trial", tags=("depression",)),
                Reference(title="Trashed one"),
            ]
        ).added
        first, second, trashed = sorted(own)
        library.add_note(first, "Key paper for the review")
        parent, _ = library.add_collection("Thesis")
        child, _ = library.add_collection("Chapter 2", parent.id)
        library.add_to_collection(child.id, [first, second])
        library.dismiss_duplicates([first, second])
        library.trash([trashed])
        review = library.reviews.create("Peer support", seed=7)
        library.reviews.decide(review, first, Verdict.INCLUDE)


def _content(library: Library) -> list[tuple[object, ...]]:
    """Everything a person sees of a library, without its ids."""
    names = {c.id: c.name for c in library.collections()}
    rows = []
    for trash in (False, True):
        for ref_id in library.search_ids("", trash=trash):
            ref = library.get(ref_id)
            rows.append(
                (
                    ref.with_changes(id=None, batch_id=None, collection_ids=()),
                    ref.source_text,
                    ref.added_by,
                    tuple(sorted(names[c] for c in ref.collection_ids)),
                    tuple(n.text for n in library.notes(ref_id)),
                    len(library.merge_history(ref_id)),
                )
            )
    return sorted(rows, key=repr)


def _summary(library: Library) -> tuple[object, ...]:
    stats = library.stats()
    reviews = [(r.name, len(library.reviews.decisions(r))) for r in library.reviews.all()]
    names = {c.id: c.name for c in library.collections()}
    tree = sorted(
        (c.name, "" if c.parent_id is None else names[c.parent_id]) for c in library.collections()
    )
    batches = sorted((b.source_name, b.raw_input) for b in library.batches())
    return (
        stats.references,
        stats.trashed,
        stats.tags,
        stats.notes,
        stats.collections,
        tree,
        batches,
        reviews,
        len(library.dismissed_pairs()),
    )


def _copy(source: Path | str, destination: Path | str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(["copy-library", str(source), str(destination)], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def test_copy_into_a_team_library_and_back_loses_nothing_and_is_idempotent(
    tmp_path: Path, postgres_url: str
) -> None:
    personal = tmp_path / "personal.sqlite"
    _fill(personal)
    with Library.open(personal) as library:
        expected, summary = _content(library), _summary(library)

    assert "copied 5 references" in _copy(personal, postgres_url)
    with Library.open(postgres_url) as team:
        assert _content(team) == expected
        assert _summary(team) == summary
        assert team.search_ids("befriending")  # the text index was built for the copies

    assert "copied 0 references" in _copy(personal, postgres_url)  # run twice: nothing added
    with Library.open(postgres_url) as team:
        assert _summary(team) == summary

    # Back into the library it came from: its own rows are recognised, nothing doubles.
    assert "copied 0 references" in _copy(postgres_url, personal)
    with Library.open(personal) as library:
        assert _summary(library) == summary

    # And into a new personal file: the same again.
    restored = tmp_path / "restored.sqlite"
    _copy(postgres_url, restored)
    with Library.open(restored) as library:
        assert _content(library) == expected
        assert _summary(library) == summary


def test_a_library_is_not_copied_into_itself(tmp_path: Path) -> None:
    path = tmp_path / "one.sqlite"
    _fill(path)
    with (
        Library.open(path) as library,
        Library.open(path) as same,
        pytest.raises(UserInputError, match="same library"),
    ):
        library.copy_into(same)
