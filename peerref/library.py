"""The Library façade: every operation the CLI and the window perform on a library.

Each method is one unit of work with its own session (so a worker thread can use the
same ``Library`` for a long operation), raises only ``PeerRefError`` children, and
every write is one transaction that returns a ``ChangeSet`` describing what changed
(STYLE.md #6): the caller refreshes from that instead of reloading everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from peerref.core.changes import ChangeSet
from peerref.core.errors import (
    FormatError,
    NotFoundError,
    UserInputError,
)
from peerref.core.model import (
    BatchId,
    Collection,
    CollectionId,
    ImportBatch,
    ImportMethod,
    Note,
    NoteId,
    Reference,
    ReferenceId,
)
from peerref.core.query import parse_query
from peerref.formats import registry
from peerref.formats.base import ParsedEntry, ParseResult
from peerref.store.database import Database
from peerref.store.listing import ListFilter, ReferenceSummary, SortKey
from peerref.store.repository import NewReference, Repository

__all__ = [
    "ImportOutcome",
    "Library",
    "LibraryStats",
    "ReferenceSummary",
    "SortKey",
]

BACKUP_DIR_NAME = "backups"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: the change set (with the batch id), what was parsed, counts."""

    changes: ChangeSet
    result: ParseResult
    added: int
    skipped: int
    merged: int


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """Counts for ``peerref-cli stats`` and the status bar."""

    references: int
    trashed: int
    collections: int
    tags: int
    notes: int
    batches: int
    file_bytes: int
    by_type: Mapping[str, int]


def _now() -> datetime:
    return datetime.now(UTC)


class Library:
    """One open library file. Use ``Library.open``; close it, or use it in ``with``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.path = database.path
        self.backup_dir = database.backup_dir

    # -- lifetime -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, backup_dir: Path | None = None, daily_backup: bool = True
    ) -> Library:
        """Open the library at ``path``, creating it when missing.

        Checks the file's identity and integrity, backs it up before migrating an older
        schema, and takes the daily automatic backup (``backup_dir`` defaults to
        ``backups`` next to the file, as ``AppPaths.backup_dir`` does).

        Raises:
            LibraryFileError: damaged, not a PeerRef library, or locked by another program.
            NewerLibraryError: written by a newer PeerRef.
        """
        path = Path(path).expanduser().absolute()
        folder = backup_dir if backup_dir is not None else path.parent / BACKUP_DIR_NAME
        return cls(Database.open(path, backup_dir=folder, daily_backup=daily_backup))

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading references ---------------------------------------------------------------

    def get(self, ref_id: ReferenceId) -> Reference:
        """One reference with its tags and collections; NotFoundError when there is none."""
        found = self.get_many([ref_id])
        if not found:
            raise NotFoundError(f"no reference with id {ref_id} in this library")
        return found[0]

    def get_many(self, ids: Sequence[ReferenceId]) -> list[Reference]:
        """References in the order asked for; ids that do not exist are skipped."""
        with self.database.reading() as repo:
            return repo.get_references(ids)

    def search_ids(
        self,
        query: str = "",
        *,
        collection: CollectionId | None = None,
        tag: str | None = None,
        batch: BatchId | None = None,
        unfiled: bool = False,
        trash: bool = False,
        sort: SortKey = SortKey.ADDED,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ReferenceId]:
        """Ids matching the search language and filters, sorted, optionally one page.

        ``trash=True`` lists only trashed references; otherwise they are excluded. Bad
        search syntax never raises: it is read as plain words.
        """
        criteria = ListFilter(parse_query(query), collection, tag, batch, unfiled, trash)
        return self.database.list_ids(
            criteria,
            sort=SortKey(sort),
            descending=descending,
            limit=limit,
            offset=offset,
        )

    def count(
        self,
        query: str = "",
        *,
        collection: CollectionId | None = None,
        tag: str | None = None,
        batch: BatchId | None = None,
        unfiled: bool = False,
        trash: bool = False,
    ) -> int:
        """How many references ``search_ids`` with the same arguments would list."""
        criteria = ListFilter(parse_query(query), collection, tag, batch, unfiled, trash)
        return self.database.count(criteria)

    def summaries(self, ids: Sequence[ReferenceId]) -> list[ReferenceSummary]:
        """Table rows for these ids, in the same order (missing ids skipped)."""
        return self.database.summaries(ids)

    # -- writing references ---------------------------------------------------------------

    def add(
        self,
        references: Sequence[Reference],
        *,
        collection: CollectionId | None = None,
        notes: Sequence[Sequence[str]] | None = None,
    ) -> ChangeSet:
        """Add references (their ``id`` is ignored), optionally into a collection.

        ``notes``, when given, holds the markdown notes of each reference, in the same
        order as ``references``: adding them here indexes each reference once.
        """
        if notes is not None and len(notes) != len(references):
            raise UserInputError("give one list of notes per reference added")
        note_lists = notes if notes is not None else [()] * len(references)
        with self.database.writing() as repo:
            ids = repo.add_references(
                [
                    NewReference(ref, notes=tuple(texts))
                    for ref, texts in zip(references, note_lists, strict=True)
                ],
                now=_now(),
                collection=collection,
            )
        collection_ids = {c for ref in references for c in ref.collection_ids}
        if collection is not None:
            collection_ids.add(collection)
        return ChangeSet(
            added=frozenset(ids),
            notes_changed=frozenset(i for i, texts in zip(ids, note_lists, strict=True) if texts),
            tags_changed=any(ref.tags for ref in references),
            collections_changed=bool(collection_ids),
            collection_ids=frozenset(collection_ids),
        )

    def update(self, reference: Reference) -> ChangeSet:
        """Save a reference's bibliographic fields, tags, reading status and rating.

        Collections, notes, trash state and provenance have their own methods and are
        left as they are.
        """
        if reference.id is None:
            raise UserInputError("cannot update a reference that has no id")
        with self.database.writing() as repo:
            before = repo.get_references([reference.id])
            repo.update_reference(reference, now=_now())
            after = repo.get_references([reference.id])
        tags_changed = bool(before) and before[0].tags != after[0].tags
        return ChangeSet(updated=frozenset({reference.id}), tags_changed=tags_changed)

    def trash(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Move references to the trash; they can be restored until the trash is emptied."""
        with self.database.writing() as repo:
            changed = repo.set_trashed(repo.require(ids), True)
        return ChangeSet(trashed=frozenset(changed), tags_changed=bool(changed))

    def restore(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Bring references back from the trash."""
        with self.database.writing() as repo:
            changed = repo.set_trashed(repo.require(ids), False)
        return ChangeSet(restored=frozenset(changed), tags_changed=bool(changed))

    def empty_trash(self) -> ChangeSet:
        """Delete every trashed reference for good."""
        with self.database.writing() as repo:
            removed = repo.delete_references(repo.trashed_ids())
        return ChangeSet(removed=frozenset(removed), tags_changed=bool(removed))

    def delete_permanently(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Delete references for good, bypassing the trash (undo of an add uses this)."""
        with self.database.writing() as repo:
            removed = repo.delete_references(list(ids))
        return ChangeSet(removed=frozenset(removed), tags_changed=bool(removed))

    # -- importing ------------------------------------------------------------------------

    def import_text(
        self,
        text: str,
        *,
        method: ImportMethod,
        source_name: str = "",
        format_name: str | None = None,
        collection: CollectionId | None = None,
    ) -> ImportOutcome:
        """Parse text (format detected unless named) and import every entry as one batch.

        Raises:
            FormatError: nothing in the text could be read as references.
        """
        result = registry.parse_text(text, format_name)
        return self.import_parsed(
            result,
            raw_input=text,
            method=method,
            source_name=source_name,
            collection=collection,
        )

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        method: ImportMethod = ImportMethod.FILE,
        format_name: str | None = None,
        collection: CollectionId | None = None,
    ) -> ImportOutcome:
        """Import files in one transaction, one import batch per file (each keeps its text).

        Raises:
            NotFoundError: a file does not exist or cannot be read.
            FormatError: a file holds nothing readable; nothing is imported then.
        """
        parsed: list[tuple[Path, str, ParseResult]] = []
        for path in paths:
            try:
                data = Path(path).read_bytes()
            except OSError as error:
                raise NotFoundError(f"cannot read {path}: {error.strerror or error}") from error
            try:
                text = registry.decode(data)
                parsed.append((path, text, registry.parse_text(text, format_name)))
            except FormatError as error:
                raise FormatError(f"{Path(path).name}: {error}", tried=error.tried) from error
        if not parsed:
            raise UserInputError("no files to import")
        changes = ChangeSet()
        added = skipped = 0
        with self.database.writing() as repo:
            for path, text, result in parsed:
                file_changes, file_added, file_skipped = self._import_into(
                    repo,
                    result,
                    raw_input=text,
                    method=method,
                    source_name=Path(path).name,
                    selected=None,
                    collection=collection,
                )
                changes = changes.merged_with(file_changes)
                added += file_added
                skipped += file_skipped
        results = [result for _, _, result in parsed]
        combined = ParseResult(
            format_name=", ".join(dict.fromkeys(r.format_name for r in results)),
            format_label=", ".join(dict.fromkeys(r.format_label for r in results)),
            entries=tuple(e for r in results for e in r.entries),
            skipped=tuple(d for r in results for d in r.skipped),
            warnings=tuple(d for r in results for d in r.warnings),
            tried=tuple(dict.fromkeys(t for r in results for t in r.tried)),
        )
        return ImportOutcome(changes, combined, added=added, skipped=skipped, merged=0)

    def import_parsed(
        self,
        result: ParseResult,
        *,
        raw_input: str,
        method: ImportMethod,
        source_name: str = "",
        selected: Sequence[int] | None = None,
        collection: CollectionId | None = None,
    ) -> ImportOutcome:
        """Import the chosen entries of a parse (all when ``selected`` is None) as one batch.

        The batch keeps ``raw_input`` verbatim and each reference keeps its entry's raw
        text, so the original can always be shown next to what was read from it.
        """
        with self.database.writing() as repo:
            changes, added, skipped = self._import_into(
                repo,
                result,
                raw_input=raw_input,
                method=method,
                source_name=source_name,
                selected=selected,
                collection=collection,
            )
        return ImportOutcome(changes, result, added=added, skipped=skipped, merged=0)

    @staticmethod
    def _import_into(
        repo: Repository,
        result: ParseResult,
        *,
        raw_input: str,
        method: ImportMethod,
        source_name: str,
        selected: Sequence[int] | None,
        collection: CollectionId | None,
    ) -> tuple[ChangeSet, int, int]:
        if selected is None:
            chosen: list[ParsedEntry] = list(result.entries)
        else:
            bad = [i for i in selected if not 0 <= i < len(result.entries)]
            if bad:
                raise UserInputError(f"no parsed entry number {bad[0]} to import")
            chosen = [result.entries[i] for i in dict.fromkeys(selected)]
        now = _now()
        batch_id = repo.add_batch(
            created=now,
            method=method,
            format_name=result.format_name,
            raw_input=raw_input,
            source_name=source_name,
            found=len(result.entries),
            added=len(chosen),
            skipped=len(result.entries) - len(chosen),
            merged=0,
        )
        new = [
            NewReference(
                entry.reference.with_changes(
                    id=None, added=None, modified=None, trashed=False, collection_ids=()
                ),
                batch_id=batch_id,
                source_text=entry.raw_text,
            )
            for entry in chosen
        ]
        ids = repo.add_references(new, now=now, collection=collection)
        changes = ChangeSet(
            added=frozenset(ids),
            batch_id=batch_id,
            tags_changed=any(entry.reference.tags for entry in chosen),
            collections_changed=collection is not None,
            collection_ids=frozenset() if collection is None else frozenset({collection}),
        )
        return changes, len(ids), len(result.entries) - len(chosen)

    def batches(self) -> list[ImportBatch]:
        """Every import batch, newest first."""
        with self.database.reading() as repo:
            return repo.batches()

    def batch(self, batch_id: BatchId) -> ImportBatch:
        with self.database.reading() as repo:
            return repo.batch(batch_id)

    # -- collections ----------------------------------------------------------------------

    def collections(self) -> list[Collection]:
        """All collections, ordered by parent then position (top level first)."""
        with self.database.reading() as repo:
            return repo.collections()

    def collection_by_name(self, name: str) -> Collection:
        """A collection by name, or by a "Parent/Child" path when no name matches whole.

        Letter case is ignored. NotFoundError when nothing (or more than one) matches.
        """
        wanted = name.strip()
        everything = self.collections()
        by_name = [c for c in everything if c.name.casefold() == wanted.casefold()]
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise NotFoundError(
                f"several collections are named {wanted!r}; give the path, e.g. Parent/{wanted}"
            )
        parent: CollectionId | None = None
        found: Collection | None = None
        for part in (p.strip() for p in wanted.split("/")):
            found = next(
                (
                    c
                    for c in everything
                    if c.parent_id == parent and c.name.casefold() == part.casefold()
                ),
                None,
            )
            if found is None:
                break
            parent = found.id
        if found is None:
            raise NotFoundError(f"no collection named {wanted!r}")
        return found

    def add_collection(
        self, name: str, parent: CollectionId | None = None
    ) -> tuple[Collection, ChangeSet]:
        """Create a collection at the end of its parent's children."""
        with self.database.writing() as repo:
            created = repo.add_collection(name, parent)
        return created, ChangeSet(collections_changed=True, collection_ids=frozenset({created.id}))

    def rename_collection(self, cid: CollectionId, name: str) -> ChangeSet:
        with self.database.writing() as repo:
            repo.rename_collection(cid, name)
        return ChangeSet(collections_changed=True, collection_ids=frozenset({cid}))

    def move_collection(self, cid: CollectionId, parent: CollectionId | None) -> ChangeSet:
        """Move a collection under another (or to the top level); refuses cycles."""
        with self.database.writing() as repo:
            repo.move_collection(cid, parent)
        touched = {cid} if parent is None else {cid, parent}
        return ChangeSet(collections_changed=True, collection_ids=frozenset(touched))

    def delete_collection(self, cid: CollectionId) -> ChangeSet:
        """Delete a collection and its subcollections; the references stay in the library."""
        with self.database.writing() as repo:
            gone, members = repo.delete_collection(cid)
        return ChangeSet(
            updated=frozenset(ReferenceId(i) for i in members),
            collections_changed=True,
            collection_ids=frozenset(gone),
        )

    def add_to_collection(self, cid: CollectionId, ids: Iterable[ReferenceId]) -> ChangeSet:
        with self.database.writing() as repo:
            added = repo.add_members(cid, list(ids))
        return ChangeSet(
            updated=frozenset(added), collections_changed=True, collection_ids=frozenset({cid})
        )

    def remove_from_collection(self, cid: CollectionId, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Take references out of a collection (they stay in the library)."""
        with self.database.writing() as repo:
            removed = repo.remove_members(cid, list(ids))
        return ChangeSet(
            updated=frozenset(removed), collections_changed=True, collection_ids=frozenset({cid})
        )

    def collection_counts(self) -> Mapping[CollectionId, int]:
        """References outside the trash directly in each collection."""
        with self.database.reading() as repo:
            return repo.collection_counts()

    # -- tags -----------------------------------------------------------------------------

    def tags(self) -> list[tuple[str, int]]:
        """Tags with the number of references outside the trash that carry them."""
        with self.database.reading() as repo:
            return repo.tags()

    def tag(
        self, ids: Iterable[ReferenceId], *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> ChangeSet:
        """Add and remove tags on references (names compare without regard to case)."""
        with self.database.writing() as repo:
            changed = repo.change_tags(list(ids), add=add, remove=remove, now=_now())
        return ChangeSet(updated=frozenset(changed), tags_changed=bool(changed))

    # -- notes ----------------------------------------------------------------------------

    def notes(self, ref_id: ReferenceId) -> list[Note]:
        """A reference's notes, oldest first."""
        with self.database.reading() as repo:
            return repo.notes(ref_id)

    def add_note(self, ref_id: ReferenceId, text: str) -> tuple[Note, ChangeSet]:
        with self.database.writing() as repo:
            note = repo.add_note(ref_id, text, now=_now())
        return note, ChangeSet(notes_changed=frozenset({ref_id}))

    def add_notes(self, notes: Sequence[tuple[ReferenceId, str]]) -> ChangeSet:
        """Add many notes in one transaction: (reference id, markdown text) pairs."""
        with self.database.writing() as repo:
            touched = repo.add_notes(notes, now=_now())
        return ChangeSet(notes_changed=frozenset(touched))

    def update_note(self, note_id: NoteId, text: str) -> ChangeSet:
        with self.database.writing() as repo:
            ref_id = repo.update_note(note_id, text, now=_now())
        return ChangeSet(notes_changed=frozenset({ref_id}))

    def delete_note(self, note_id: NoteId) -> ChangeSet:
        with self.database.writing() as repo:
            ref_id = repo.delete_note(note_id)
        return ChangeSet(notes_changed=frozenset({ref_id}))

    # -- maintenance ----------------------------------------------------------------------

    def backup(self, destination: Path | None = None) -> Path:
        """Write a consistent copy of the library (SQLite backup API) and return its path.

        Without ``destination`` the copy goes to the backup folder; a folder as
        ``destination`` receives a file named after the library and the time.
        """
        return self.database.backup(None if destination is None else Path(destination).expanduser())

    @staticmethod
    def restore_backup(
        backup_file: Path, library_file: Path, *, backup_dir: Path | None = None
    ) -> None:
        """Replace a (closed) library with a backup, keeping the replaced file first.

        The replaced library is saved in ``backup_dir`` (default: ``backups`` next to
        the library) so a restore can itself be undone.

        Raises:
            NotFoundError: the backup does not exist.
            LibraryFileError: the backup is damaged or not a PeerRef library.
            NewerLibraryError: the backup comes from a newer PeerRef.
        """
        library_file = Path(library_file).expanduser().absolute()
        folder = backup_dir if backup_dir is not None else library_file.parent / BACKUP_DIR_NAME
        Database.restore(Path(backup_file).expanduser(), library_file, folder)

    def stats(self) -> LibraryStats:
        with self.database.reading() as repo:
            by_type = repo.counts_by_type()
            trashed = repo.trash_count()
            collections = repo.collection_count()
            batches = repo.batch_count()
            tags = repo.tag_count()
            notes = repo.note_count()
        wal = self.path.with_name(self.path.name + "-wal")
        size = self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
        return LibraryStats(
            references=sum(by_type.values()),
            trashed=trashed,
            collections=collections,
            tags=tags,
            notes=notes,
            batches=batches,
            file_bytes=size,
            by_type=by_type,
        )
