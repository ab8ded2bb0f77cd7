"""Copying one library into another: a personal file into a team library, or back.

Every table is copied row by row in foreign-key order through SQLAlchemy Core, so the
copy knows nothing of either backend. Rows with an ``id`` get new ids in the target
(ids are the target's to hand out) and every link to them is remapped; ``copied_row``
remembers, for each copied row, the source library's uuid and the row's id there, so
a second run copies only what is new and a copy back into the original library
recognises its own rows instead of doubling them. Nothing is dropped: the text index
is rebuilt for the new references from what was copied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Table, insert, select

from peerref.core.errors import UserInputError
from peerref.store import search
from peerref.store.base import Base
from peerref.store.tables import CopiedRowRow, LibraryMetaRow, table_of

CHUNK = 1000
# Bookkeeping of the library itself: never copied.
NOT_COPIED = frozenset({"library_meta", "copied_row", "alembic_version"})
# Columns that hold a reference id without a foreign key (see MergeEventRow).
LOOSE_REFERENCE_COLUMNS = {("merge_event", "merged_reference_id")}


@dataclass
class CopyCounts:
    """Rows added to the target, and rows found already there, by table."""

    added: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    already: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def library_uuid(connection: Connection) -> str:
    table = table_of(LibraryMetaRow)
    value = connection.execute(select(table.c.value).where(table.c.key == "uuid")).scalar()
    if value is None:
        raise UserInputError("the library has no identity (schema older than 0007)")
    return str(value)


def _id_column(table: Table) -> Column[Any] | None:
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and keys[0].name == "id" and not keys[0].foreign_keys:
        return keys[0]
    return None


def _known(
    source: Connection, target: Connection, source_uuid: str, target_uuid: str
) -> dict[str, dict[int, int]]:
    """Source id -> target id, by table, for rows a copy has matched before (both ways)."""
    mapping: dict[str, dict[int, int]] = defaultdict(dict)
    copied = table_of(CopiedRowRow)
    rows = target.execute(
        select(copied.c.table_name, copied.c.source_id, copied.c.target_id).where(
            copied.c.source == source_uuid
        )
    )
    for name, source_id, target_id in rows:
        mapping[str(name)][int(source_id)] = int(target_id)
    # Rows the source itself received from the target: they go back to where they were.
    rows = source.execute(
        select(copied.c.table_name, copied.c.source_id, copied.c.target_id).where(
            copied.c.source == target_uuid
        )
    )
    for name, original_id, source_id in rows:
        mapping[str(name)].setdefault(int(source_id), int(original_id))
    return mapping


class _Copier:
    def __init__(self, source: Connection, target: Connection) -> None:
        self.source = source
        self.target = target
        self.source_uuid = library_uuid(source)
        target_uuid = library_uuid(target)
        if self.source_uuid == target_uuid:
            raise UserInputError("the source and the destination are the same library")
        self.mapping = _known(source, target, self.source_uuid, target_uuid)
        self.counts = CopyCounts()
        self.new_references: list[int] = []

    def remap(self, table: Table, row: Mapping[str, Any]) -> dict[str, Any] | None:
        """The row with its links pointing at target rows; None when a link has no target."""
        values = dict(row)
        for column in table.columns:
            value = values.get(column.name)
            if value is None:
                continue
            if (table.name, column.name) in LOOSE_REFERENCE_COLUMNS:
                values[column.name] = self.mapping["reference"].get(int(value))
                continue
            for foreign_key in column.foreign_keys:
                parent = foreign_key.column.table.name
                mapped = self.mapping[parent].get(int(value))
                if mapped is None:
                    return None
                values[column.name] = mapped
        if table.name == "not_duplicate" and values["first_id"] > values["second_id"]:
            values["first_id"], values["second_id"] = values["second_id"], values["first_id"]
        return values

    def record(self, table: Table, pairs: Iterable[tuple[int, int]]) -> None:
        rows = [
            {"source": self.source_uuid, "table_name": table.name, "source_id": s, "target_id": t}
            for s, t in pairs
        ]
        if rows:
            self.target.execute(insert(table_of(CopiedRowRow)), rows)

    def copy_with_ids(self, table: Table, id_column: Column[Any]) -> None:
        known = self.mapping[table.name]
        every = [dict(r) for r in self.source.execute(select(table).order_by(id_column)).mappings()]
        rows = [r for r in every if int(r["id"]) not in known]
        self.counts.already[table.name] += len(every) - len(rows)
        if table.name == "collection":
            rows = _parents_first(rows)
        if table.name in ("tag", "review"):
            rows = self._match_by_name(table, rows)
        # A row whose parent is a row of the same table (a sub-collection) needs that
        # parent's new id, so those go one chunk per level.
        pending = rows
        while pending:
            ready = [r for r in pending if self._links_ready(table, r)]
            if not ready:
                ready = pending  # their parents are gone: remap drops them below
            taken = {id(r) for r in ready}
            pending = [r for r in pending if id(r) not in taken]
            for start in range(0, len(ready), CHUNK):
                self._insert_with_ids(table, ready[start : start + CHUNK])

    def _links_ready(self, table: Table, row: Mapping[str, Any]) -> bool:
        for column in table.columns:
            for foreign_key in column.foreign_keys:
                if foreign_key.column.table is table and row.get(column.name) is not None:
                    return int(row[column.name]) in self.mapping[table.name]
        return True

    def _insert_with_ids(self, table: Table, rows: list[dict[str, Any]]) -> None:
        remapped: list[tuple[int, dict[str, Any]]] = []
        for row in rows:
            values = self.remap(table, row)
            if values is not None:
                remapped.append((int(row["id"]), {k: v for k, v in values.items() if k != "id"}))
        if not remapped:
            return
        result = self.target.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values for _, values in remapped],
        )
        pairs = [(s, int(t)) for (s, _), t in zip(remapped, result.scalars(), strict=True)]
        self.mapping[table.name].update(pairs)
        self.record(table, pairs)
        self.counts.added[table.name] += len(pairs)
        if table.name == "reference":
            self.new_references.extend(t for _, t in pairs)

    def _match_by_name(self, table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tags join the target's tag of the same name; a review of a taken name is renamed."""
        unmatched: list[dict[str, Any]] = []
        for row in rows:
            existing = self.target.execute(
                select(table.c.id).where(table.c.name == row["name"])
            ).scalar()
            if existing is None:
                unmatched.append(row)
            elif table.name == "tag":
                self.mapping["tag"][int(row["id"])] = int(existing)
                self.record(table, [(int(row["id"]), int(existing))])
            else:
                unmatched.append({**row, "name": f"{row['name']} (copied)"})
        return unmatched

    def copy_links(self, table: Table) -> None:
        """A table keyed by its links (details, memberships, keys): copy the missing rows."""
        keys = [c.name for c in table.primary_key.columns]
        present = {tuple(row) for row in self.target.execute(select(*table.primary_key.columns))}
        batch: list[dict[str, Any]] = []
        for row in self.source.execute(select(table)).mappings():
            values = self.remap(table, dict(row))
            if values is None:
                continue
            key = tuple(values[k] for k in keys)
            if key in present:
                self.counts.already[table.name] += 1
                continue
            present.add(key)
            batch.append(values)
            if len(batch) >= CHUNK:
                self.target.execute(insert(table), batch)
                self.counts.added[table.name] += len(batch)
                batch = []
        if batch:
            self.target.execute(insert(table), batch)
            self.counts.added[table.name] += len(batch)

    def run(self) -> CopyCounts:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_COPIED:
                continue
            id_column = _id_column(table)
            if id_column is not None:
                self.copy_with_ids(table, id_column)
            else:
                self.copy_links(table)
        search.index(self.target, self.new_references)
        return self.counts


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row["parent_id"] is not None, row["id"]))


def copy_library(source: Connection, target: Connection) -> CopyCounts:
    """Copy every row of ``source`` the target does not hold yet; one target transaction.

    Raises:
        UserInputError: both are the same library, or one predates revision 0007.
    """
    return _Copier(source, target).run()
