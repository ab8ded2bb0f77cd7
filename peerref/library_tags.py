"""``library.tags``: the library's tags as a whole — counts, rename, merge and delete.

A small manager beside the ``Library`` façade (STYLE.md "Growing the house"), as
``library.reviews`` is. Tagging single references stays ``Library.tag``; this room acts
on a tag everywhere at once, trashed references included, as Zotero's tag selector does.
Each operation is one transaction and returns a :class:`TagEdit` whose ``before`` is what
:meth:`TagManager.restore` needs to undo it exactly: which references carried each tag
involved, and how the tag was spelt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from peerref.core.changes import ChangeSet
from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import ReferenceId
from peerref.store import tags as tag_store
from peerref.store.database import Database
from peerref.store.repository import Repository


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TagSnapshot:
    """Who carried some tags, spelt as they were; an empty set: the tag did not exist."""

    members: tuple[tuple[str, frozenset[ReferenceId]], ...]


@dataclass(frozen=True, slots=True)
class TagEdit:
    """What a rename, merge or delete changed, and the memberships from before it."""

    before: TagSnapshot
    changes: ChangeSet


def _clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserInputError("A tag needs a name.")
    return cleaned


class TagManager:
    """The tags of one library."""

    def __init__(
        self, database: Database, *, announce: Callable[[ChangeSet], None] | None = None
    ) -> None:
        self._database = database
        # A team library's other windows hear of each committed edit (LISTEN/NOTIFY).
        self._announce = announce or (lambda _changes: None)

    def counts(self) -> list[tuple[str, int]]:
        """Tags with the number of references outside the trash that carry them, by name."""
        with self._database.reading() as repo:
            return repo.tags()

    def names(self) -> list[str]:
        """Every tag's name, by name, read without counting its uses (a short table).

        Includes tags used only in the trash, which ``counts`` leaves out.
        """
        with self._database.reading() as repo:
            return repo.tag_names()

    def rename(self, old: str, new: str) -> TagEdit:
        """Call tag ``old`` ``new`` everywhere; into an existing ``new``, the two merge.

        Raises:
            NotFoundError: no tag is called ``old``.
            UserInputError: ``new`` is empty.
        """
        return self.merge([old], new)

    def merge(self, names: Sequence[str], into: str) -> TagEdit:
        """Every reference carrying any of ``names`` carries ``into`` instead.

        ``into`` may be one of ``names``, another existing tag or a new name; it is spelt
        as given. Only the tags named lose their references.

        Raises:
            NotFoundError: one of ``names`` is no tag.
            UserInputError: ``into`` is empty, or no tag is named.
        """
        target = _clean(into)
        if not names:
            raise UserInputError("Choose the tags to merge.")
        with self._database.writing() as repo:
            session = repo.session
            sources = [self._stored(repo, name) for name in names]
            involved = dict.fromkeys([*sources, tag_store.spelling(session, target) or target])
            before = self._snapshot(repo, list(involved))
            carriers: set[ReferenceId] = set()
            for _name, ids in before.members:
                carriers |= ids
            now = _now()
            changed = tag_store.set_tag_members(session, target, carriers, now=now, user=repo.user)
            for source in sources:
                if source.casefold() != target.casefold():
                    changed |= tag_store.set_tag_members(
                        session, source, (), now=now, user=repo.user
                    )
        edit = TagEdit(before, ChangeSet(updated=frozenset(changed), tags_changed=True))
        self._announce(edit.changes)
        return edit

    def delete(self, name: str) -> TagEdit:
        """Take tag ``name`` off every reference (their other tags stay).

        Raises:
            NotFoundError: no tag is called ``name``.
        """
        with self._database.writing() as repo:
            stored = self._stored(repo, name)
            before = self._snapshot(repo, [stored])
            changed = tag_store.set_tag_members(
                repo.session, stored, (), now=_now(), user=repo.user
            )
        edit = TagEdit(before, ChangeSet(updated=frozenset(changed), tags_changed=True))
        self._announce(edit.changes)
        return edit

    def restore(self, snapshot: TagSnapshot) -> ChangeSet:
        """Put the tags of a snapshot back as they were: the undo of any edit here."""
        changed: set[ReferenceId] = set()
        with self._database.writing() as repo:
            now = _now()
            # Emptied tags first: a respelt tag is then recreated with its old spelling.
            for name, ids in sorted(snapshot.members, key=lambda item: bool(item[1])):
                changed |= tag_store.set_tag_members(
                    repo.session, name, ids, now=now, user=repo.user
                )
        changes = ChangeSet(updated=frozenset(changed), tags_changed=True)
        self._announce(changes)
        return changes

    @staticmethod
    def _stored(repo: Repository, name: str) -> str:
        stored = tag_store.spelling(repo.session, name)
        if stored is None:
            raise NotFoundError(f"There is no tag “{name.strip()}”.")
        return stored

    @staticmethod
    def _snapshot(repo: Repository, names: Sequence[str]) -> TagSnapshot:
        members = tag_store.tag_members(repo.session, names)
        folded = {stored.casefold(): (stored, ids) for stored, ids in members.items()}
        items: list[tuple[str, frozenset[ReferenceId]]] = []
        for name in dict.fromkeys(names):
            items.append(folded.get(name.casefold(), (name, frozenset())))
        return TagSnapshot(tuple(items))
