"""A team library's schema, identity and credentials on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from peerref.core.errors import LibraryFileError, NewerLibraryError
from peerref.core.model import Creator, Reference, ReferenceId, abstract_from_text
from peerref.library import Library
from peerref.store import migrations, postgres
from peerref.store.base import Base

YEAR_INDEX = "ix_reference_sort_year_nulls_first"
TAG_NAME_INDEX = "uq_tag_name_digest"


def test_the_same_migrations_build_the_same_schema_on_postgresql(empty_postgres_url: str) -> None:
    with (
        Library.open(empty_postgres_url) as library,
        library.database.engine.connect() as db,
    ):
        assert migrations.current_revision(db) == migrations.head_revision() == "0014"
        context = MigrationContext.configure(
            db,
            opts={
                "include_name": lambda name, kind, parent: (
                    not (name or "").startswith(("reference_fts", "alembic_version"))
                ),
                # Types compare by dialect; SQLite's TEXT and String(32) are PostgreSQL's too.
                "compare_type": False,
            },
        )
        differences = compare_metadata(context, Base.metadata)
        # PostgreSQL alone has an index in the year order (revision 0011: NULLS FIRST,
        # which SQLite's order is already), and keeps tag names unique by a digest of
        # the name rather than the name itself (revision 0012: a name of any length
        # fits): exactly those, and nothing else.
        extra = [
            d
            for d in differences
            if (d[0] == "remove_index" and d[1].name in (YEAR_INDEX, TAG_NAME_INDEX))
            or (d[0] == "add_constraint" and d[1].name == "uq_tag_name")
        ]
        assert len(extra) == 3
        definitions = dict(
            db.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN (:a, :b)"),
                {"a": YEAR_INDEX, "b": TAG_NAME_INDEX},
            ).all()
        )
        assert definitions[YEAR_INDEX].endswith("(trashed, issued_year NULLS FIRST, id)")
        assert definitions[TAG_NAME_INDEX].startswith("CREATE UNIQUE INDEX")
        assert definitions[TAG_NAME_INDEX].endswith("(md5(lower(name)))")
        assert [d for d in differences if d not in extra] == []


def test_downgrade_and_upgrade_again_on_postgresql(empty_postgres_url: str) -> None:
    with Library.open(empty_postgres_url) as library:
        library.add_note(next(iter(library.add([Reference(title="Simple")]).added)), "note")
        engine = library.database.engine
        with engine.connect() as connection, connection.begin():
            command.downgrade(migrations.make_config(connection), "0006")
    with Library.open(empty_postgres_url) as library:  # upgraded again, and re-indexed
        assert library.search_ids("simple") == [ReferenceId(1)]
        assert library.search_ids("note") == [ReferenceId(1)]
        (ref_id,) = library.add([Reference(title="After the upgrade")]).added
        assert library.search_ids("upgrade") == [ReferenceId(ref_id)]


def _documents(library: Library) -> dict[int, str]:
    with library.database.engine.connect() as db:
        rows = db.execute(text("SELECT id, document::text FROM reference_fts ORDER BY id"))
        return {int(ref_id): str(document) for ref_id, document in rows}


def test_revision_13_marks_title_and_creator_words_and_a_downgrade_takes_them_out(
    empty_postgres_url: str,
) -> None:
    long_title = " ".join(["loop"] * 300 + [f"w{n}" for n in range(17000)] + ["loop"])
    references = [
        Reference(
            title="Peer support, peer work",
            title_short="Peer support",
            creators=(
                Creator(family="Gogh", given="Vincent", particle="van"),
                Creator(literal="World Health Organization"),
            ),
            abstract=abstract_from_text("Peer workers support recovery. Gogh wrote it."),
        ),
        Reference(title="Smith on Smith", creators=(Creator(family="Smith"),)),
        Reference(title=long_title, creators=(Creator(family="Loop"),)),
    ]
    with Library.open(empty_postgres_url) as library:
        library.add(references)
        made_anew = _documents(library)
        with library.database.engine.connect() as connection, connection.begin():
            command.downgrade(migrations.make_config(connection), "0012")
        assert "~" not in "".join(_documents(library).values())
    with Library.open(empty_postgres_url) as library:  # upgraded again
        assert _documents(library) == made_anew
        assert library.search_ids("title:gogh") == []
        assert library.search_ids("author:gogh") == [ReferenceId(1)]
        assert library.search_ids('title:"peer work"') == [ReferenceId(1)]
        assert library.search_ids("author:smi") == [ReferenceId(2)]


def test_a_database_of_another_application_is_refused(
    empty_postgres_url: str, postgres_server: object
) -> None:
    database = empty_postgres_url.rsplit("/", 1)[1]
    postgres_server.execute(database, "CREATE TABLE invoices (id integer)")  # type: ignore[attr-defined]
    with pytest.raises(LibraryFileError, match=r"not a PeerRef library.*invoices"):
        Library.open(empty_postgres_url)


def test_a_library_from_a_newer_peerref_is_refused(
    postgres_url: str, postgres_server: object
) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    postgres_server.execute(  # type: ignore[attr-defined]
        database, "UPDATE alembic_version SET version_num = '9999'"
    )
    with pytest.raises(NewerLibraryError, match=r"newer version of PeerRef.*9999"):
        Library.open(postgres_url)


def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(LibraryFileError, match=r"cannot open the team library postgresql://"):
        Library.open("postgresql://ann:secret@127.0.0.1:1/team")


def test_passwords_are_masked_and_come_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    assert postgres.display_url("postgresql://ann:secret@db/team") == "postgresql://ann:***@db/team"
    url = postgres.parse_url("postgresql://ann@db.example.org/team")
    assert url.drivername == "postgresql+psycopg"
    assert postgres.keyring_account(url) == "ann@db.example.org:5432/team"
    asked: list[tuple[str, str]] = []

    def get_password(service: str, account: str) -> str:
        asked.append((service, account))
        return "from-keyring"

    import keyring

    monkeypatch.setattr(keyring, "get_password", get_password)
    engine = postgres.make_engine("postgresql://ann@db.example.org/team")
    try:
        assert asked == [("PeerRef", "ann@db.example.org:5432/team")]
        assert postgres.keyring_password(url) == "from-keyring"
        # A password in the URL (or one libpq finds in ~/.pgpass) is used as it is.
        asked.clear()
        postgres.make_engine("postgresql://ann:typed@db.example.org/team").dispose()
        assert asked == []
    finally:
        engine.dispose()


def test_search_documents_are_stored_out_of_their_rows(empty_postgres_url: str) -> None:
    """Revision 0014: a long abstract's tsvector goes to TOAST, uncompressed, so the
    full-text table holds ids and pointers and a word's matches are read from it fast."""
    # An abstract of 800 words: a tsvector of several kilobytes.
    words = " ".join(f"word{n} support{n % 97}" for n in range(400))
    with Library.open(empty_postgres_url) as library:
        library.add([Reference(title="Long abstract", abstract=abstract_from_text(words))])
        with library.database.engine.connect() as db:
            storage = db.exec_driver_sql(
                "SELECT attstorage FROM pg_attribute"
                " WHERE attrelid = 'reference_fts'::regclass AND attname = 'document'"
            ).scalar_one()
            toast = db.exec_driver_sql(
                "SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'reference_fts'"
            ).scalar_one()
            stored_bytes, document_bytes = db.exec_driver_sql(
                "SELECT pg_column_size(document), octet_length(document::text) FROM reference_fts"
            ).one()
            toasted = db.exec_driver_sql(f"SELECT count(*) FROM {toast}").scalar_one()
        assert storage == "e", "revision 0014 not applied"
        assert document_bytes > 3 * 2032
        assert toasted > 0
        assert stored_bytes >= document_bytes / 2  # not compressed
        assert library.search_ids("word399") != []


def test_only_upgrades_that_change_how_documents_are_made_remake_them() -> None:
    # 0007 made the full-text table, 0013 added the marked lexemes, 0014 moved them out
    # of their rows; the others leave the documents as they are (0009 rewrites them in
    # SQL itself).
    assert migrations.rebuilds_search_documents("0014") is False  # nothing to apply
    assert migrations.rebuilds_search_documents("0013") is True
    assert migrations.rebuilds_search_documents("0012") is True
    assert migrations.rebuilds_search_documents("0006") is True
    assert migrations.rebuilds_search_documents(None) is False  # a new library


def test_an_upgrade_that_leaves_documents_alone_does_not_remake_them(
    empty_postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerref.store import search

    with Library.open(empty_postgres_url) as library:
        library.add([Reference(title="Peer support in practice")])
        with library.database.engine.connect() as connection, connection.begin():
            command.downgrade(migrations.make_config(connection), "0012")
    remade: list[object] = []
    monkeypatch.setattr(search, "rebuild", lambda connection: remade.append(connection))
    # 0013 and 0014 stand in for later revisions that need no new documents: their own
    # upgrades write none, so only the flag decides.
    monkeypatch.setattr(migrations, "rebuilds_search_documents", lambda since: False)
    with Library.open(empty_postgres_url) as library:
        assert remade == []
        with library.database.engine.connect() as db:
            assert migrations.current_revision(db) == migrations.head_revision()
    monkeypatch.setattr(migrations, "rebuilds_search_documents", lambda since: since == "0012")
    with Library.open(empty_postgres_url) as library, library.database.engine.connect() as db:
        command.downgrade(migrations.make_config(db), "0012")
        db.commit()
    with Library.open(empty_postgres_url) as library:
        assert len(remade) == 1
