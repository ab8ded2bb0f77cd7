"""What a library operation changed, so views refresh only what they must (STYLE.md #6)."""

from __future__ import annotations

from collections.abc import Mapping
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
    def membership_changed(self) -> bool:
        """Whether what the sidebar counts may differ: references came, went or moved
        in or out of the trash, tags changed, or an import made a batch. An edit alone
        (``updated``, no tags) leaves every count as it was."""
        return bool(
            self.added
            or self.removed
            or self.trashed
            or self.restored
            or self.tags_changed
            or self.batch_id is not None
        )

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

    def to_json(self) -> dict[str, object]:
        """The change set as JSON-ready values (messages stay with the one who acted)."""
        return {
            "added": sorted(self.added),
            "updated": sorted(self.updated),
            "removed": sorted(self.removed),
            "trashed": sorted(self.trashed),
            "restored": sorted(self.restored),
            "collections_changed": self.collections_changed,
            "tags_changed": self.tags_changed,
            "notes_changed": sorted(self.notes_changed),
            "batch_id": self.batch_id,
            "collection_ids": sorted(self.collection_ids),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ChangeSet:
        """The change set another client announced; anything malformed counts as nothing.

        Why so forgiving: the payload comes over the network from another program
        (perhaps another PeerRef version), and a bad one must never crash a window.
        """

        def ids(name: str) -> frozenset[ReferenceId]:
            value = data.get(name)
            if not isinstance(value, list):
                return frozenset()
            return frozenset(ReferenceId(v) for v in value if isinstance(v, int))

        batch = data.get("batch_id")
        collections = data.get("collection_ids")
        return cls(
            added=ids("added"),
            updated=ids("updated"),
            removed=ids("removed"),
            trashed=ids("trashed"),
            restored=ids("restored"),
            collections_changed=data.get("collections_changed") is True,
            tags_changed=data.get("tags_changed") is True,
            notes_changed=ids("notes_changed"),
            batch_id=BatchId(batch) if isinstance(batch, int) else None,
            collection_ids=frozenset(CollectionId(c) for c in collections if isinstance(c, int))
            if isinstance(collections, list)
            else frozenset(),
        )
