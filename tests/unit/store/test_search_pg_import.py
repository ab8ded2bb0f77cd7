"""A team library's import indexes references from memory, as the tables would give them.

``add_references`` on PostgreSQL makes each search document from the references it is
inserting and sends it in tsvector's binary form; edits re-read the document from the
tables and send the literal. Both must store the same tsvector, to the position and
weight, or a search would find a reference after an edit that it missed after import.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from peerref.core.model import AbstractSection, Creator, CreatorRole, Reference
from peerref.library import Library
from peerref.store import search_pg
from peerref.store.search_pg import MAX_LEXEME_BYTES, MAX_POSITION, MAX_POSITIONS_PER_LEXEME


@pytest.fixture
def team_library(postgres_url: str) -> Iterator[Library]:
    with Library.open(postgres_url) as library:
        yield library


WORDS = ["peer", "support", "Müller", "ß", "ǅ"]


def _stored_and_from_tables(library: Library) -> tuple[dict[int, str], dict[int, str]]:
    """Every stored document, and the one the tables give now, both as the server prints them."""
    with library.database.engine.connect() as db:
        stored = {
            int(i): str(d)
            for i, d in db.execute(text("SELECT id, document::text FROM reference_fts"))
        }
        ids = sorted(stored)
        literals = search_pg._documents(db, ids)  # the path of an edit
        from_tables = {
            ref_id: str(
                db.execute(text("SELECT CAST(:d AS tsvector)::text"), {"d": literal}).scalar_one()
            )
            for ref_id, literal in literals
        }
    return stored, from_tables


def _varied() -> list[tuple[Reference, list[str]]]:
    """References with every kind of searchable text, and their notes."""
    rng = random.Random(16)
    # Past the last position (in a creator: long titles cannot be sort keys).
    long_name = " ".join(["opening"] * 3 + [f"t{n}" for n in range(MAX_POSITION)] + ["end", "end"])
    return [
        (
            Reference(
                title="Peer support: a “review” of reviews",
                title_short="Peer support",
                creators=(
                    Creator(family="Beethoven", given="Ludwig", particle="van"),
                    Creator(family="Gaulle", given="Charles", dropping_particle="de"),
                    Creator(family="King", given="Martin Luther", suffix="Jr."),
                    Creator(literal="Cochrane Collaboration", role=CreatorRole.EDITOR),
                    Creator(family="Ó Súilleabháin", given="Seán"),
                ),
                container_title="Journal of Ünusual Results",
                container_title_short="J. Ünus. Res.",
                collection_title="Lecture notes",
                publisher="Springer-Verlag",
                abstract=(
                    AbstractSection("Purpose", "Why peer support helps caregivers."),
                    AbstractSection("Findings", "Burden fell; self-efficacy rose (p < 0.05)."),
                ),
                keywords=("caregiver burden", 'quoted "word"', "naïve", "back\\slash"),
                tags=("zeta", "Alpha", "ml"),
            ),
            ["First note on **support**.", "Second note: ελληνικά και 日本語の文章"],
        ),
        (
            Reference(
                title="Ελληνικά: Συστηματική ανασκόπηση",
                creators=(Creator(family="Παπαδόπουλος", given="Γιώργος"),),
                abstract=(AbstractSection("", "Flat abstract with no heading, café and Ǆemal."),),
                tags=("ALPHA", "beta"),
            ),
            [],
        ),
        (Reference(title="Null\x00byte in a title", keywords=("a\x00b",)), ["note\x00text"]),
        (Reference(), []),
        (
            Reference(
                title="Clamped",
                creators=(Creator(family="First"), Creator(literal=long_name)),
                container_title_short="end again",
            ),
            ["end end"],
        ),
        (
            Reference(
                title_short=" ".join(["again"] * (MAX_POSITIONS_PER_LEXEME + 40)),
                abstract=(AbstractSection("", "x" * (MAX_LEXEME_BYTES + 1) + " kept"),),
            ),
            [],
        ),
        *(
            (
                Reference(
                    title=" ".join(rng.choice(WORDS) for _ in range(3)),
                    creators=(Creator(family=f"Name{n}", given="Ann"),),
                    tags=(rng.choice(["beta", "Gamma", "zeta"]),),
                ),
                [f"note {n}"] * (n % 3),
            )
            for n in range(30)
        ),
    ]


def test_an_imports_documents_equal_the_ones_the_tables_give(team_library: Library) -> None:
    # Tags that exist before the import, one in another case: the stored spelling and the
    # tag ids' order (not the reference's) decide the words and positions.
    team_library.add([Reference(title="Existing", tags=("alpha", "ml"))])
    varied = _varied()
    changes = team_library.add([ref for ref, _ in varied], notes=[notes for _, notes in varied])

    stored, from_tables = _stored_and_from_tables(team_library)
    assert set(changes.added) <= set(stored)
    assert len(stored) == len(varied) + 1
    assert stored == from_tables
    assert team_library.search_ids("opening") == team_library.search_ids("author:end")
    # The existing reference, the first varied one, and the Greek one ("ALPHA").
    assert len(team_library.search_ids("tag:alpha")) == 3


def test_an_edit_after_an_import_leaves_the_same_document(team_library: Library) -> None:
    varied = _varied()[:2]
    ids = sorted(team_library.add([r for r, _ in varied], notes=[n for _, n in varied]).added)
    before, _ = _stored_and_from_tables(team_library)
    # Re-indexing through the edit path rewrites the documents from the tables.
    with team_library.database.engine.begin() as db:
        search_pg.index(db, ids)
    after, _ = _stored_and_from_tables(team_library)
    assert after == before


@pytest.mark.parametrize(
    "name",
    [
        " ".join([f"w{n}" for n in range(MAX_POSITION + 5)] + ["late", "late"]),
        " ".join([f"w{n}" for n in range(MAX_POSITION - 3)] + ["edge", "edge", "edge"]),
        " ".join(["early"] + [f"w{n}" for n in range(MAX_POSITION + 2)] + ["early", "early"]),
    ],
)
def test_positions_past_the_limit_are_stored_as_the_literal_stores_them(
    team_library: Library, name: str
) -> None:
    # Past the limit, words of the creators (B), the container (C) and the notes (D)
    # all meet at the last position.
    team_library.add(
        [
            Reference(
                title="Long",
                creators=(Creator(family="First"), Creator(literal=name)),
                container_title_short="late edge early",
            )
        ],
        notes=[["late early edge"]],
    )
    stored, from_tables = _stored_and_from_tables(team_library)
    assert stored == from_tables
