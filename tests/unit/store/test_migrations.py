"""Migrations: a library at the first revision, with data in every table, upgrades intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from peerref.core.model import (
    AbstractSection,
    BatchId,
    CollectionId,
    Creator,
    CreatorRole,
    ImportMethod,
    PartialDate,
    ReadingStatus,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.library import EntryMark, Library, SortKey
from peerref.store import migrations, search
from peerref.store.base import Base
from peerref.store.engine import foreign_key_violations, make_engine, set_foreign_keys

TIME = "2023-04-05T06:07:08.000009+00:00"
FIRST_REVISION = "0001"


def _library_at_first_revision(path: Path) -> None:
    """A library file at revision 0001 with rows in every table, written with plain SQL."""
    engine = make_engine(path)
    with engine.connect() as connection:
        migrations.upgrade(connection, FIRST_REVISION, stamp_application_id=True)
    engine.dispose()
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "INSERT INTO import_batch VALUES (1, ?, 'paste', 'csl-json', ?, 'clip', 2, 2, 0, 0)",
            (TIME, '[{"title": "Raw\u00a0input"}]'),
        )
        reference_columns = (
            "id, type, title, title_short, container_title, container_title_short, "
            "collection_title, volume, issue, page, issued_year, issued_month, issued_day, "
            "issued_season, issued_literal, status, publisher, publisher_place, edition, issn, "
            "isbn, doi, pmid, pmcid, url, language, truncated, added, modified, reading_status, "
            "rating, batch_id, trashed, sort_author, sort_title, sort_source"
        )
        for ref_id, title, trashed in ((1, "Trust in banking 📚", 0), (2, "Trashed one", 1)):
            db.execute(
                f"INSERT INTO reference ({reference_columns}) VALUES "
                "(?, 'chapter', ?, 'Short', 'Journal of Documentation', 'J. Doc.', 'Series', "
                "'81', '7', '1-20', 2012, 9, 14, 'Autumn', '', 'ahead-of-print', 'Emerald', "
                "'Bingley', '2nd', '[\"0022-0418\"]', '[]', '10.1108/x', '1', 'PMC1', "
                "'https://e.org', 'en', '[\"creators\"]', ?, ?, 'read', 5, 1, ?, "
                "'gogh vincent', 'trust in banking', 'journal of documentation')",
                (ref_id, title, TIME, TIME, trashed),
            )
            db.execute(
                "INSERT INTO reference_detail VALUES (?, ?, NULL, '[\"fintech\"]', ?, ?)",
                (ref_id, "Purpose: Why trust matters.", '{"k": "v"}', f"raw {ref_id}"),
            )
            db.executemany(
                "INSERT INTO creator (reference_id, position, role, family, given, particle, "
                "dropping_particle, suffix, literal) VALUES (?, ?, ?, ?, ?, ?, '', '', ?)",
                [
                    (ref_id, 0, "author", "Gogh", "Vincent", "van", ""),
                    (ref_id, 1, "editor", "", "", "", "WHO"),
                ],
            )
        db.execute("INSERT INTO collection VALUES (1, 'Thesis', NULL, 0)")
        db.execute("INSERT INTO collection VALUES (2, 'Chapter 2', 1, 0)")
        db.executemany("INSERT INTO reference_collection VALUES (?, ?)", [(1, 1), (1, 2), (2, 2)])
        db.executemany("INSERT INTO tag VALUES (?, ?)", [(1, "to-read"), (2, "ML")])
        db.executemany("INSERT INTO reference_tag VALUES (?, ?)", [(1, 1), (1, 2), (2, 2)])
        db.execute("INSERT INTO note VALUES (1, 1, 'A **markdown** note', ?, ?)", (TIME, TIME))
    db.close()


def _table_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        tables = [
            "import_batch",
            "reference",
            "reference_detail",
            "creator",
            "collection",
            "reference_collection",
            "tag",
            "reference_tag",
            "note",
        ]
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        db.close()


def test_upgrade_from_the_first_revision_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _library_at_first_revision(path)
    before = _table_counts(path)
    assert all(before.values())

    with Library.open(path) as library:
        assert _table_counts(path) == before
        ref = library.get(ReferenceId(1))
        assert ref.type is ReferenceType.CHAPTER
        assert ref.title == "Trust in banking 📚"
        assert ref.creators == (
            Creator(family="Gogh", given="Vincent", particle="van"),
            Creator(literal="WHO", role=CreatorRole.EDITOR),
        )
        assert ref.issued == PartialDate(2012, 9, 14, season="Autumn")
        assert ref.issn == ("0022-0418",) and ref.truncated == frozenset({"creators"})
        assert ref.abstract == (AbstractSection("Purpose", "Why trust matters."),)
        assert ref.keywords == ("fintech",) and ref.extra == {"k": "v"}
        assert ref.tags == ("ML", "to-read")
        assert ref.collection_ids == (CollectionId(1), CollectionId(2))
        assert ref.reading_status is ReadingStatus.READ and ref.rating == 5
        assert ref.batch_id == BatchId(1) and ref.source_text == "raw 1"
        assert library.get(ReferenceId(2)).trashed
        assert [n.text for n in library.notes(ReferenceId(1))] == ["A **markdown** note"]
        batch = library.batch(BatchId(1))
        assert batch.method is ImportMethod.PASTE
        assert batch.raw_input == '[{"title": "Raw\u00a0input"}]'
        assert [c.name for c in library.collections()] == ["Thesis", "Chapter 2"]
        # What revision 2 adds works on the old data: search, including notes and tags.
        assert library.search_ids("markdown") == [ReferenceId(1)]
        assert library.search_ids("tag:ml") == [ReferenceId(1)]
        assert library.search_ids("banking", trash=True) == []
        with library.database.engine.connect() as connection:
            search.check_integrity(connection)
            assert foreign_key_violations(connection) == []
            assert migrations.current_revision(connection) == migrations.head_revision()

    # The file was backed up before migrating, and the backup is still at revision 1.
    (backup,) = (tmp_path / "backups").glob("old-before-upgrade-0001-*.sqlite")
    db = sqlite3.connect(backup)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST_REVISION,)
    db.close()


def test_the_trap_is_real_batch_migrations_cascade_with_foreign_keys_on(tmp_path: Path) -> None:
    """Why the runner turns enforcement off: with it on, the same upgrade deletes children."""
    path = tmp_path / "old.sqlite"
    _library_at_first_revision(path)
    engine = make_engine(path)  # the connect listener turns foreign keys on
    with engine.connect() as connection, connection.begin():
        command.upgrade(migrations.make_config(connection), "head")
    engine.dispose()
    after = _table_counts(path)
    assert after["reference"] == 2
    assert after["creator"] == 0 and after["note"] == 0  # cascaded away


def test_migrated_schema_matches_the_table_definitions(tmp_path: Path) -> None:
    with Library.open(tmp_path / "new.sqlite") as library, library.database.engine.connect() as db:
        context = MigrationContext.configure(
            db,
            opts={
                "include_name": lambda name, kind, parent: (
                    not (name or "").startswith(("reference_fts", "alembic_version"))
                )
            },
        )
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library.open(path) as library:
        library.add_note(next(iter(library.add([Reference(title="Simple")]).added)), "note text")
    engine = make_engine(path)
    with engine.connect() as connection:
        set_foreign_keys(connection, False)
        with connection.begin():
            command.downgrade(migrations.make_config(connection), FIRST_REVISION)
        set_foreign_keys(connection, True)
        migrations.upgrade(connection)
    engine.dispose()
    with Library.open(path) as library:
        assert library.search_ids("note") == [ReferenceId(1)]


def test_revision_3_adds_duplicate_tables_and_keys_old_references_on_first_use(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    _library_at_first_revision(path)
    with Library.open(path) as library:
        db = sqlite3.connect(path)
        try:
            for table in ("not_duplicate", "merge_event", "dedupe_key"):
                assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        finally:
            db.close()
        # The old references get their blocking keys the first time duplicates are checked.
        copy = library.get(ReferenceId(1)).with_changes(id=None, tags=(), collection_ids=())
        new_id = next(iter(library.add([copy]).added))
        (group,) = library.duplicate_groups()
        assert group.reference_ids == (ReferenceId(1), new_id)
        library.dismiss_duplicates([ReferenceId(1), new_id])
        library.merge(ReferenceId(1), [new_id])
        assert library.merge_history(ReferenceId(1))[0].merged_reference_id == new_id


def test_downgrade_below_revision_3_and_upgrade_again_with_data_in_every_table(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.sqlite"
    with Library.open(path) as library:
        a, b = sorted(library.add([Reference(title="Twice"), Reference(title="Twice")]).added)
        library.dismiss_duplicates([a, b])
        library.merge(a, [b])
    db = sqlite3.connect(path)
    counts = {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("not_duplicate", "merge_event", "dedupe_key")
    }
    db.close()
    assert all(counts.values())
    engine = make_engine(path)
    with engine.connect() as connection:
        set_foreign_keys(connection, False)
        with connection.begin():
            command.downgrade(migrations.make_config(connection), "0002")
        set_foreign_keys(connection, True)
        migrations.upgrade(connection)
        assert foreign_key_violations(connection) == []
    engine.dispose()
    with Library.open(path) as library:
        assert library.get(a).title == "Twice" and library.get(b).trashed
        assert library.merge_history(a) == [] and library.dismissed_pairs() == frozenset()
        library.restore([b])
        assert [g.reference_ids for g in library.duplicate_groups()] == [(a, b)]


def _fts_setting(path: Path, name: str) -> int | None:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT v FROM reference_fts_config WHERE k = ?", (name,)).fetchone()
    finally:
        db.close()
    return None if row is None else int(row[0])


def _fts_automerge(path: Path) -> int | None:
    return _fts_setting(path, "automerge")


def test_revision_4_has_the_index_merge_eight_segments_at_a_time(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite"
    Library.open(new).close()
    assert _fts_automerge(new) == 8
    old = tmp_path / "old.sqlite"
    _library_at_first_revision(old)
    with Library.open(old) as library:
        assert library.search_ids("title:banking") == [ReferenceId(1)]
    assert _fts_automerge(old) == 8
    engine = make_engine(old)
    with engine.connect() as connection:
        set_foreign_keys(connection, False)
        with connection.begin():
            command.downgrade(migrations.make_config(connection), "0003")
        set_foreign_keys(connection, True)
    engine.dispose()
    assert _fts_automerge(old) == 4


def test_revision_10_gathers_16_mb_of_words_before_writing_a_segment(tmp_path: Path) -> None:
    new = tmp_path / "new.sqlite"
    Library.open(new).close()
    assert _fts_setting(new, "hashsize") == 16 * 1024 * 1024
    old = tmp_path / "old.sqlite"
    _library_at_first_revision(old)
    with Library.open(old) as library:
        assert library.search_ids("title:banking") == [ReferenceId(1)]
    assert _fts_setting(old, "hashsize") == 16 * 1024 * 1024
    engine = make_engine(old)
    with engine.connect() as connection, connection.begin():
        command.downgrade(migrations.make_config(connection), "0009")
    engine.dispose()
    assert _fts_setting(old, "hashsize") == 1024 * 1024  # FTS5's default
    with Library.open(old) as library:  # upgraded again, and still searchable
        assert library.search_ids("title:banking") == [ReferenceId(1)]


def _indexes(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    finally:
        db.close()


def test_revision_12_caps_long_sort_values_and_rekeys_references_with_long_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    title = "Peer support " + " ".join(f"word{n}" for n in range(300))  # ~2,700 characters
    with Library.open(path) as library:
        long_id, short_id = sorted(
            library.add([Reference(title=title), Reference(title="Short title")]).added
        )
    engine = make_engine(path)
    with engine.connect() as connection, connection.begin():
        command.downgrade(migrations.make_config(connection), "0011")
    engine.dispose()
    assert "ix_reference_doi" in _indexes(path)
    # What revision 0011 stored: the whole folded title, and a key of the whole title.
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE reference SET sort_title = lower(title) WHERE id = ?", (long_id,))
        db.execute(
            "UPDATE dedupe_key SET key = 'title:' || replace(lower(?), ' ', '') "
            "WHERE reference_id = ? AND key LIKE 'title:%'",
            (title, long_id),
        )
    db.close()

    with Library.open(path) as library:
        db = sqlite3.connect(path)
        sort_title = db.execute("SELECT sort_title FROM reference WHERE id = ?", (long_id,))
        assert len(sort_title.fetchone()[0]) == 500
        keyed = {row[0] for row in db.execute("SELECT DISTINCT reference_id FROM dedupe_key")}
        assert keyed == {short_id}  # the long one is keyed again on first use
        db.close()
        assert "ix_reference_doi" not in _indexes(path)
        entry = ParsedEntry(Reference(title=title), "", 1, 1)
        (status,) = library.check_duplicates(ParseResult("ris", "RIS", (entry,)))
        assert (status.mark, status.existing_id) == (EntryMark.DUPLICATE, long_id)
        assert library.search_ids("", sort=SortKey.TITLE) == [long_id, short_id]
