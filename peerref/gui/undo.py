"""Undoable library operations for the window's ``QUndoStack``.

Each command performs one user action through the :class:`~peerref.library.Library` and
knows how to reverse it with another library call. The window runs :meth:`LibraryCommand.perform`
first (so a refused change raises before anything reaches the stack) and then pushes the
command, whose first ``redo`` does nothing. Every ``ChangeSet`` goes to one callback, so the
views refresh the same way whether a change was done, undone or redone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields

from PySide6.QtGui import QUndoCommand

from peerref.core.changes import ChangeSet
from peerref.core.errors import ConflictError, PeerRefError
from peerref.core.model import (
    Collection,
    CollectionId,
    Note,
    NoteId,
    Reference,
    ReferenceId,
)
from peerref.library import CompletionToApply, ImportOutcome, Library, MergeEvent, MergeRecord
from peerref.library_tags import TagEdit, TagSnapshot

ChangeHandler = Callable[[ChangeSet], None]
ErrorHandler = Callable[[PeerRefError], None]


class LibraryCommand(QUndoCommand):
    """Base of PeerRef's undo commands: performs, undoes and redoes through the library."""

    def __init__(
        self, text: str, library: Library, on_changes: ChangeHandler, on_error: ErrorHandler
    ) -> None:
        super().__init__(text)
        self._library = library
        self._on_changes = on_changes
        self._on_error = on_error
        self._skip_next_redo = False

    def perform(self) -> ChangeSet:
        """Do the action the first time; raises ``PeerRefError`` when the library refuses.

        Push the command afterwards: ``QUndoStack.push`` calls ``redo``, which then skips.
        """
        changes = self._do()
        self._skip_next_redo = True
        self._on_changes(changes)
        return changes

    def redo(self) -> None:
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self._guarded(self._do)

    def undo(self) -> None:
        self._guarded(self._undo)

    def _guarded(self, action: Callable[[], ChangeSet]) -> None:
        try:
            changes = action()
        except PeerRefError as error:
            # The library changed underneath (a reference deleted for good since): this step
            # can no longer be replayed; drop it from the history and say why.
            self.setObsolete(True)
            self._on_error(error)
            return
        self._on_changes(changes)

    def _do(self) -> ChangeSet:
        raise NotImplementedError

    def _undo(self) -> ChangeSet:
        raise NotImplementedError


# Kept by the store on every write, never written back by an edit or its undo.
STORE_FIELDS = frozenset({"version", "added_by", "modified_by"})


def changed_fields(old: Reference, new: Reference) -> list[str]:
    """Names of the fields that differ between two versions of a reference."""
    return [
        f.name
        for f in fields(Reference)
        if f.name not in STORE_FIELDS and getattr(old, f.name) != getattr(new, f.name)
    ]


class EditReferenceCommand(LibraryCommand):
    """Change fields of a reference (from the detail panel); undo puts those fields back.

    Only the fields this edit changed are written, over the reference as it is stored at
    the time: undoing a title edit must not also undo a tag added since.
    """

    def __init__(
        self,
        text: str,
        library: Library,
        old: Reference,
        new: Reference,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(text, library, on_changes, on_error)
        assert old.id is not None and old.id == new.id
        self._id = old.id
        names = changed_fields(old, new)
        self._old = {name: getattr(old, name) for name in names}
        self._new = {name: getattr(new, name) for name in names}

    def _write(self, values: dict[str, object], expected: dict[str, object]) -> ChangeSet:
        """Write ``values`` over the stored reference if its fields still hold ``expected``.

        Someone else (in a team library) may have changed the same field since it was
        shown: that is refused with their change named, never overwritten. Other fields
        they changed are kept. The stored copy's version guards the write itself.
        """
        current = self._library.get(self._id)
        moved = [name for name, value in expected.items() if getattr(current, name) != value]
        if moved:
            who = current.modified_by or "someone else"
            raise ConflictError(
                f"{who} changed {', '.join(n.replace('_', ' ') for n in moved)} of this "
                "reference meanwhile; nothing was saved: see their change and edit again",
                reference_id=self._id,
                by=current.modified_by,
            )
        return self._library.update(current.with_changes(**values))

    def _do(self) -> ChangeSet:
        return self._write(self._new, self._old)

    def _undo(self) -> ChangeSet:
        return self._write(self._old, self._new)


class CompletionCommand(LibraryCommand):
    """Apply Crossref completions to references; undo puts back exactly what they changed.

    The first time, the library applies the completions (filling only fields that are still
    empty, and recording the completion in each reference's provenance). The command then
    remembers, per reference, the fields that changed — the provenance record included —
    so undo and redo write only those over the reference as it is stored at the time.
    """

    def __init__(
        self,
        text: str,
        library: Library,
        items: Sequence[CompletionToApply],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(text, library, on_changes, on_error)
        self._items = list(items)
        self._old: dict[ReferenceId, dict[str, object]] = {}
        self._new: dict[ReferenceId, dict[str, object]] = {}
        self._applied = False

    @property
    def changed_ids(self) -> list[ReferenceId]:
        """References the completions changed (known once performed)."""
        return list(self._new)

    def _do(self) -> ChangeSet:
        if self._applied:
            return self._write(self._new)
        ids = [ref_id for ref_id, _completion, _accept in self._items]
        before = {r.id: r for r in self._library.get_many(ids) if r.id is not None}
        changes = self._library.apply_completions(self._items)
        self._applied = True
        for after in self._library.get_many(sorted(changes.updated)):
            old = before.get(after.id) if after.id is not None else None
            if old is None or after.id is None:
                continue
            names = [n for n in changed_fields(old, after) if n != "modified"]
            self._old[after.id] = {name: getattr(old, name) for name in names}
            self._new[after.id] = {name: getattr(after, name) for name in names}
        return changes

    def _undo(self) -> ChangeSet:
        return self._write(self._old)

    def _write(self, values: dict[ReferenceId, dict[str, object]]) -> ChangeSet:
        changes = ChangeSet()
        for ref_id, fields_to_set in values.items():
            current = self._library.get(ref_id)
            changes = changes.merged_with(
                self._library.update(current.with_changes(**fields_to_set))
            )
        return changes


class TagCommand(LibraryCommand):
    """Add or remove tags on references; undo touches only references that really changed."""

    def __init__(
        self,
        library: Library,
        ids: Sequence[ReferenceId],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
    ) -> None:
        names = ", ".join([*add, *remove])
        verb = "Add tag" if add else "Remove tag"
        super().__init__(f"{verb} {names}", library, on_changes, on_error)
        references = library.get_many(list(ids))
        known = [(r.id, r.tags) for r in references if r.id is not None]
        self._added = {t: [i for i, tags in known if t not in tags] for t in add}
        self._removed = {t: [i for i, tags in known if t in tags] for t in remove}

    def _do(self) -> ChangeSet:
        return self._apply(self._added, self._removed)

    def _undo(self) -> ChangeSet:
        return self._apply(self._removed, self._added)

    def _apply(
        self, add: dict[str, list[ReferenceId]], remove: dict[str, list[ReferenceId]]
    ) -> ChangeSet:
        changes = ChangeSet()
        for name, ids in add.items():
            if ids:
                changes = changes.merged_with(self._library.tag(ids, add=[name]))
        for name, ids in remove.items():
            if ids:
                changes = changes.merged_with(self._library.tag(ids, remove=[name]))
        return changes


class TagEditCommand(LibraryCommand):
    """Rename, merge or delete a tag across the library (``library.tags``).

    Undo puts back exactly who carried each tag involved, spelt as before; redo runs the
    same edit again over the library as it is then.
    """

    def __init__(
        self,
        text: str,
        library: Library,
        edit: Callable[[], TagEdit],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(text, library, on_changes, on_error)
        self._edit = edit
        self._before: TagSnapshot | None = None
        self._changed = 0

    @property
    def changed_count(self) -> int:
        """How many references the last run of the edit changed."""
        return self._changed

    def _do(self) -> ChangeSet:
        edit = self._edit()
        self._before = edit.before
        self._changed = len(edit.changes.updated)
        return edit.changes

    def _undo(self) -> ChangeSet:
        assert self._before is not None  # undo follows a perform
        return self._library.tags.restore(self._before)


class TrashCommand(LibraryCommand):
    """Move references to the Trash (or restore them): each is the other's undo."""

    def __init__(
        self,
        library: Library,
        ids: Sequence[ReferenceId],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
        *,
        restore: bool = False,
    ) -> None:
        count = len(ids)
        noun = "reference" if count == 1 else f"{count} references"
        text = f"Restore {noun}" if restore else f"Move {noun} to Trash"
        super().__init__(text, library, on_changes, on_error)
        self._ids = list(ids)
        self._restore = restore

    def _do(self) -> ChangeSet:
        if self._restore:
            return self._library.restore(self._ids)
        return self._library.trash(self._ids)

    def _undo(self) -> ChangeSet:
        if self._restore:
            return self._library.trash(self._ids)
        return self._library.restore(self._ids)


class AddReferencesCommand(LibraryCommand):
    """Add new references (Ctrl+N, or an import already committed): undo deletes them.

    Undo keeps what it deletes, notes included; redo puts the references back under
    their own ids, with their import batch, original text, times, tags and collections,
    so the steps after this one in the history still find them.
    """

    def __init__(
        self,
        text: str,
        library: Library,
        references: Sequence[Reference],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
        *,
        collection: CollectionId | None = None,
        already_added: Sequence[ReferenceId] = (),
    ) -> None:
        super().__init__(text, library, on_changes, on_error)
        self._references = list(references)
        self._collection = collection
        self.ids: list[ReferenceId] = list(already_added)
        self._skip_next_redo = bool(already_added)
        # What undo deleted, for redo to put back: each reference and its notes' texts.
        self._deleted: list[tuple[Reference, list[str]]] = []

    def _do(self) -> ChangeSet:
        if self._deleted:
            references = [reference for reference, _ in self._deleted]
            notes = [texts for _, texts in self._deleted]
            changes = self._library.add(references, notes=notes, keep_ids=True)
            self._deleted = []
            return changes
        changes = self._library.add(self._references, collection=self._collection)
        self.ids = sorted(changes.added)
        return changes

    def _undo(self) -> ChangeSet:
        self._deleted = [
            (reference, [note.text for note in self._library.notes(reference.id)])
            for reference in self._library.get_many(self.ids)
            if reference.id is not None
        ]
        return self._library.delete_permanently(self.ids)


def import_command_text(outcome: ImportOutcome) -> str:
    """ "Import 10 references", or what an import that added nothing did to the library."""
    if outcome.added:
        noun = "reference" if outcome.added == 1 else f"{outcome.added} references"
        return f"Import {noun}"
    if outcome.fills:
        count = len(outcome.fills)
        return f"Import into {count} existing {'reference' if count == 1 else 'references'}"
    return "Import into collection"


class ImportCommand(AddReferencesCommand):
    """An import already committed: undo takes back everything it did to the library.

    That is the references it added (deleted again), the empty fields it filled into
    references already in the library from duplicate entries (``Library.unmerge`` with
    the import's merge records, provenance included), and the existing references it put
    into its target collection. Redo adds the references again, fills the same fields
    back with the same provenance (``Library.refill``) and puts the references back in
    the collection.
    """

    def __init__(
        self,
        library: Library,
        outcome: ImportOutcome,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(
            import_command_text(outcome),
            library,
            [],
            on_changes,
            on_error,
            already_added=sorted(outcome.changes.added),
        )
        self._skip_next_redo = True
        self._fills = list(outcome.fills)
        self._target = outcome.collection
        self._collected = list(outcome.collected)
        # What each filled reference looked like after the import, kept by undo for redo.
        self._filled: list[tuple[Reference, list[MergeEvent]]] = []

    def _do(self) -> ChangeSet:
        changes = super()._do() if self.ids else ChangeSet()
        redone: list[MergeRecord] = []
        for record, (filled, events) in zip(self._fills, self._filled, strict=True):
            again, refilled = self._library.refill(record, filled, events)
            redone.append(again)
            changes = changes.merged_with(refilled)
        self._fills = redone
        if self._target is not None and self._collected:
            changes = changes.merged_with(
                self._library.add_to_collection(self._target, self._collected)
            )
        return changes

    def _undo(self) -> ChangeSet:
        changes = ChangeSet()
        if self._target is not None and self._collected:
            changes = self._library.remove_from_collection(self._target, self._collected)
        self._filled = []
        for record in self._fills:
            events = self._library.merge_history(record.kept_id)
            wanted = set(record.event_ids)
            self._filled.append(
                (self._library.get(record.kept_id), [e for e in events if e.id in wanted])
            )
        for record in reversed(self._fills):
            changes = changes.merged_with(self._library.unmerge(record))
        if self.ids:
            changes = changes.merged_with(super()._undo())
        return changes


class NoteCommand(LibraryCommand):
    """Add, edit or delete a note; a deleted note comes back as a new note with its text."""

    def __init__(
        self,
        library: Library,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
        *,
        reference_id: ReferenceId,
        old: Note | None,
        new_text: str | None,
    ) -> None:
        if old is None:
            text = "Add note"
        elif new_text is None:
            text = "Delete note"
        else:
            text = "Edit note"
        super().__init__(text, library, on_changes, on_error)
        self._reference_id = reference_id
        self._note_id: NoteId | None = old.id if old is not None else None
        self._old_text = old.text if old is not None else None
        self._new_text = new_text
        self.note: Note | None = None

    def _set(self, text: str | None) -> ChangeSet:
        library = self._library
        if text is None:
            assert self._note_id is not None
            changes = library.delete_note(self._note_id)
            self._note_id = None
            self.note = None
            return changes
        if self._note_id is None:
            self.note, changes = library.add_note(self._reference_id, text)
            self._note_id = self.note.id
            return changes
        return library.update_note(self._note_id, text)

    def _do(self) -> ChangeSet:
        return self._set(self._new_text)

    def _undo(self) -> ChangeSet:
        return self._set(self._old_text)


class MembershipCommand(LibraryCommand):
    """Put references into a collection or take them out; undo reverses only real changes."""

    def __init__(
        self,
        library: Library,
        collection: CollectionId,
        ids: Sequence[ReferenceId],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
        *,
        add: bool,
        collection_name: str = "",
    ) -> None:
        name = f" “{collection_name}”" if collection_name else ""
        text = f"Add to collection{name}" if add else f"Remove from collection{name}"
        super().__init__(text, library, on_changes, on_error)
        references = library.get_many(list(ids))
        self._collection = collection
        self._add = add
        self._ids = [
            r.id for r in references if (collection in r.collection_ids) != add and r.id is not None
        ]

    @property
    def changes_anything(self) -> bool:
        return bool(self._ids)

    def _do(self) -> ChangeSet:
        return self._move(self._add)

    def _undo(self) -> ChangeSet:
        return self._move(not self._add)

    def _move(self, add: bool) -> ChangeSet:
        if add:
            return self._library.add_to_collection(self._collection, self._ids)
        return self._library.remove_from_collection(self._collection, self._ids)


class NewCollectionCommand(LibraryCommand):
    """Create a collection; undo deletes it again."""

    def __init__(
        self,
        library: Library,
        name: str,
        parent: CollectionId | None,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(f"New collection “{name}”", library, on_changes, on_error)
        self._name = name
        self._parent = parent
        self.collection: Collection | None = None

    def _do(self) -> ChangeSet:
        self.collection, changes = self._library.add_collection(self._name, self._parent)
        return changes

    def _undo(self) -> ChangeSet:
        assert self.collection is not None
        return self._library.delete_collection(self.collection.id)


class RenameCollectionCommand(LibraryCommand):
    """Rename a collection in place; undo restores the old name."""

    def __init__(
        self,
        library: Library,
        cid: CollectionId,
        old: str,
        new: str,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(f"Rename collection “{old}”", library, on_changes, on_error)
        self._cid = cid
        self._old = old
        self._new = new

    def _do(self) -> ChangeSet:
        return self._library.rename_collection(self._cid, self._new)

    def _undo(self) -> ChangeSet:
        return self._library.rename_collection(self._cid, self._old)


class MoveCollectionCommand(LibraryCommand):
    """Nest a collection under another (or at the top level); undo moves it back."""

    def __init__(
        self,
        library: Library,
        cid: CollectionId,
        old_parent: CollectionId | None,
        new_parent: CollectionId | None,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__("Move collection", library, on_changes, on_error)
        self._cid = cid
        self._old_parent = old_parent
        self._new_parent = new_parent

    def _do(self) -> ChangeSet:
        return self._library.move_collection(self._cid, self._new_parent)

    def _undo(self) -> ChangeSet:
        return self._library.move_collection(self._cid, self._old_parent)


@dataclass
class _CollectionSnapshot:
    name: str
    members: list[ReferenceId]
    children: list[_CollectionSnapshot] = field(default_factory=list)


class DeleteCollectionCommand(LibraryCommand):
    """Delete a collection and its sub-collections; undo rebuilds them with their members.

    References are never deleted with a collection, so undo only has to recreate the tree
    and put the same references back in each collection.
    """

    def __init__(
        self,
        library: Library,
        collection: Collection,
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__(f"Delete collection “{collection.name}”", library, on_changes, on_error)
        self._cid = collection.id
        self._parent = collection.parent_id
        self._snapshot = self._take_snapshot(collection.id, collection.name)

    def _take_snapshot(self, cid: CollectionId, name: str) -> _CollectionSnapshot:
        library = self._library
        members = library.search_ids(collection=cid) + library.search_ids(
            collection=cid, trash=True
        )
        snapshot = _CollectionSnapshot(name, members)
        for child in library.collections():
            if child.parent_id == cid:
                snapshot.children.append(self._take_snapshot(child.id, child.name))
        return snapshot

    def _do(self) -> ChangeSet:
        return self._library.delete_collection(self._cid)

    def _undo(self) -> ChangeSet:
        collection, changes = self._restore(self._snapshot, self._parent)
        self._cid = collection.id
        return changes

    def _restore(
        self, snapshot: _CollectionSnapshot, parent: CollectionId | None
    ) -> tuple[Collection, ChangeSet]:
        collection, changes = self._library.add_collection(snapshot.name, parent)
        if snapshot.members:
            changes = changes.merged_with(
                self._library.add_to_collection(collection.id, snapshot.members)
            )
        for child in snapshot.children:
            changes = changes.merged_with(self._restore(child, collection.id)[1])
        return collection, changes


class MergeCommand(LibraryCommand):
    """Merge references into one; undo restores the kept one and brings the others back."""

    def __init__(
        self,
        library: Library,
        keep: ReferenceId,
        others: Sequence[ReferenceId],
        choices: Mapping[str, ReferenceId],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        count = len(others) + 1
        super().__init__(f"Merge {count} references", library, on_changes, on_error)
        self._keep = keep
        self._others = list(others)
        self._choices = dict(choices)
        self.record: MergeRecord | None = None

    def _do(self) -> ChangeSet:
        self.record, changes = self._library.merge(self._keep, self._others, self._choices)
        return changes

    def _undo(self) -> ChangeSet:
        assert self.record is not None
        return self._library.unmerge(self.record)


class DismissDuplicatesCommand(LibraryCommand):
    """Mark references as "not duplicates"; undo forgets only the pairs this step stored."""

    def __init__(
        self,
        library: Library,
        ids: Sequence[ReferenceId],
        on_changes: ChangeHandler,
        on_error: ErrorHandler,
    ) -> None:
        super().__init__("Mark as not duplicates", library, on_changes, on_error)
        self._ids = list(ids)
        self._pairs: frozenset[frozenset[ReferenceId]] = frozenset()

    def _do(self) -> ChangeSet:
        self._pairs, changes = self._library.dismiss_duplicates(self._ids)
        return changes

    def _undo(self) -> ChangeSet:
        return self._library.undo_dismissal(self._pairs)
