"""Tags across the library: who carries a tag, and making exactly these carry it.

Renaming, merging and deleting tags (``peerref.library_tags``) are all built from two
operations here, so undo is the same operation run with the memberships from before.
Functions over one session (one transaction), as ``reviews`` is. Tag names compare
without regard to letter case (the ``tag.name`` column's NOCASE collation); a name's
spelling is what was last set. The search index holds tag names, so every reference
whose tags change is re-indexed inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from peerref.core.model import ReferenceId
from peerref.store import search
from peerref.store.repository import chunks
from peerref.store.tables import ReferenceRow, ReferenceTagRow, TagRow, table_of


def spelling(session: Session, name: str) -> str | None:
    """The stored spelling of the tag called ``name`` in any letter case; None if none."""
    found = session.scalar(select(TagRow.name).where(TagRow.name == name.strip()))
    return None if found is None else str(found)


def tag_members(session: Session, names: Iterable[str]) -> Mapping[str, frozenset[ReferenceId]]:
    """Every reference carrying each of these tags, trashed ones included, by stored name.

    Names that no tag has are left out of the answer.
    """
    wanted = sorted({name.strip() for name in names if name.strip()})
    members: dict[str, set[ReferenceId]] = {}
    for part in chunks(wanted, 500):
        rows = session.execute(
            select(TagRow.name, ReferenceTagRow.reference_id)
            .join(ReferenceTagRow, ReferenceTagRow.tag_id == TagRow.id, isouter=True)
            .where(TagRow.name.in_(part))
        )
        for name, ref_id in rows:
            found = members.setdefault(str(name), set())
            if ref_id is not None:
                found.add(ReferenceId(int(ref_id)))
    return {name: frozenset(ids) for name, ids in members.items()}


def set_tag_members(
    session: Session, name: str, ids: Collection[int], *, now: datetime, user: str = ""
) -> set[ReferenceId]:
    """Make exactly ``ids`` carry the tag ``name``, spelt so; returns the references changed.

    The tag is created when missing and dropped when nobody carries it any more. Ids of
    references deleted since are skipped (an undo after "Empty Trash" still works for
    the rest). Respelling a tag ("ml" to "ML") changes every reference that carries it.
    Each reference changed gets a new row version and ``user`` as its last editor, so a
    teammate's edit made on the copy from before is refused, not silently undone.
    """
    name = name.strip()
    connection = session.connection()
    row = session.execute(select(TagRow.id, TagRow.name).where(TagRow.name == name)).first()
    tag_id = None if row is None else int(row.id)
    current: set[int] = set()
    if tag_id is not None:
        current = {
            int(ref_id)
            for ref_id in session.scalars(
                select(ReferenceTagRow.reference_id).where(ReferenceTagRow.tag_id == tag_id)
            )
        }
    wanted: set[int] = set()
    asked = sorted({int(i) for i in ids})
    for part in chunks(asked):
        wanted.update(
            int(i)
            for i in session.scalars(select(ReferenceRow.id).where(ReferenceRow.id.in_(part)))
        )
    respelt = row is not None and str(row.name) != name and bool(wanted)
    adding = sorted(wanted - current)
    removing = sorted(current - wanted)
    changed = set(adding) | set(removing) | (wanted if respelt else set())
    if not changed:
        return set()
    links = table_of(ReferenceTagRow)
    with search.reindexing(connection, changed):
        if tag_id is None:
            tags = table_of(TagRow)
            tag_id = int(
                connection.execute(insert(tags).returning(tags.c.id), {"name": name}).one()[0]
            )
        elif respelt:
            connection.execute(
                update(table_of(TagRow)).where(TagRow.id == tag_id).values(name=name)
            )
        for part in chunks(removing):
            connection.execute(
                delete(links)
                .where(ReferenceTagRow.tag_id == tag_id)
                .where(ReferenceTagRow.reference_id.in_(part))
            )
        if adding:
            connection.execute(
                insert(links), [{"reference_id": ref_id, "tag_id": tag_id} for ref_id in adding]
            )
        references = table_of(ReferenceRow)
        for part in chunks(sorted(changed)):
            connection.execute(
                update(references)
                .where(references.c.id.in_(part))
                .values(modified=now, modified_by=user, version=references.c.version + 1)
            )
    if not wanted:
        connection.execute(delete(table_of(TagRow)).where(TagRow.id == tag_id))
    return {ReferenceId(i) for i in changed}
