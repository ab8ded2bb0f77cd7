"""What a library operation changed, so views refresh only what they must (STYLE.md #6)."""

from __future__ import annotations

from dataclasses import dataclass, field

from peerref.core.model import BatchId, CollectionId, ReferenceId


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Ids touched by one operation. Empty sets mean "nothing of that kind changed"."""

    added: frozenset[ReferenceId] = frozenset()
    updated: frozenset[ReferenceId] = frozenset()
    removed: frozenset[ReferenceId] = frozenset()
    trashed: frozenset[ReferenceId] = frozenset()
    restored: frozenset[ReferenceId] = frozenset()
    collections_changed: bool = False
    tags_changed: bool = False
    notes_changed: frozenset[ReferenceId] = frozenset()
    batch_id: BatchId | None = None
    collection_ids: frozenset[CollectionId] = frozenset()
    messages: tuple[str, ...] = field(default=())

    @property
    def references_changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.trashed or self.restored)

    @property
    def is_empty(self) -> bool:
        return not (
            self.references_changed
            or self.collections_changed
            or self.tags_changed
            or self.notes_changed
        )

    def merged_with(self, other: ChangeSet) -> ChangeSet:
        """Combine two change sets, as when one user action runs several operations."""
        return ChangeSet(
            added=self.added | other.added,
            updated=self.updated | other.updated,
            removed=self.removed | other.removed,
            trashed=self.trashed | other.trashed,
            restored=self.restored | other.restored,
            collections_changed=self.collections_changed or other.collections_changed,
            tags_changed=self.tags_changed or other.tags_changed,
            notes_changed=self.notes_changed | other.notes_changed,
            batch_id=other.batch_id or self.batch_id,
            collection_ids=self.collection_ids | other.collection_ids,
            messages=self.messages + other.messages,
        )
