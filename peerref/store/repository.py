"""Reads and writes of the library's tables, in and out as core objects.

A ``Repository`` wraps one session, that is one transaction: the ``Library`` façade
opens it, calls as many methods as one user action needs, and commits or rolls back
the whole. Nothing returned here is an ORM row; every method that changes searchable
text keeps the full-text index in step before it returns.
"""

from __future__ import annotations

import json
import operator
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from peerref.core.dedupe import AUTHOR_YEAR_KEY_PREFIX, CandidateScreen, blocking_keys
from peerref.core.errors import ConflictError, NotFoundError, UserInputError
from peerref.core.model import (
    AbstractSection,
    BatchId,
    Collection,
    CollectionId,
    Creator,
    CreatorRole,
    ImportBatch,
    ImportMethod,
    Note,
    NoteId,
    PartialDate,
    ReadingStatus,
    Reference,
    ReferenceId,
    ReferenceType,
    abstract_from_text,
    abstract_to_text,
)
from peerref.store import search, search_pg
from peerref.store.engine import (
    BULK_ROWS,
    advance_sequence,
    bulk_cache,
    fetch_rows,
    is_postgres,
    placeholder,
    reserve_ids,
)
from peerref.store.postgres import NUL_REPLACEMENT
from peerref.store.tables import (
    CollectionRow,
    CreatorRow,
    DedupeKeyRow,
    ImportBatchRow,
    MergeEventRow,
    NotDuplicateRow,
    NoteRow,
    ReferenceCollectionRow,
    ReferenceDetailRow,
    ReferenceRow,
    ReferenceTagRow,
    TagRow,
    table_of,
)

T = TypeVar("T")

# Ids per IN (...) list: well under SQLite's limit on bound parameters.
CHUNK = 5000

# The key row of a reference that has no blocking key (no identifier, title or dated author):
# it marks the reference's keys as computed.
NO_KEYS = "-"

MIN_RATING = 1
MAX_RATING = 5


def chunks(ids: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items, for IN (...) lists."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def fold(text: str) -> str:
    """Text for sorting: accents removed and case folded, so "Ó" sorts with "O"."""
    if text.isascii():
        return text.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _first_sort_creator(creators: Sequence[Creator]) -> Creator | None:
    for creator in creators:
        if creator.role is CreatorRole.AUTHOR:
            return creator
    return creators[0] if creators else None


# The longest prefix of a value kept in a ``sort_*`` column. Those columns are indexed,
# and PostgreSQL's B-tree rows hold about 2.7 kB: 500 characters of up to four bytes each
# fit. Two values alike for 500 characters then sort by when they were added.
MAX_SORT_CHARS = 500


def sort_values(ref: Reference) -> dict[str, str]:
    """The derived ``sort_*`` columns: first author's family name, title, source."""
    first = _first_sort_creator(ref.creators)
    if first is None:
        author = ""
    elif first.literal:
        author = fold(first.literal)
    else:
        author = f"{fold(first.family)} {fold(first.given)}".strip()
    title = fold(ref.title).lstrip("\"'“‘«[(¿¡ ")
    return {
        "sort_author": author[:MAX_SORT_CHARS],
        "sort_title": title[:MAX_SORT_CHARS],
        "sort_source": fold(ref.container_title or ref.publisher)[:MAX_SORT_CHARS],
    }


def _dumps(value: list[Any] | dict[str, Any]) -> str:
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _detail_values(ref: Reference) -> dict[str, Any]:
    """Column values of ``reference_detail`` except ``source_text`` (set once, on add)."""
    flat_abstract = abstract_to_text(ref.abstract)
    exact_sections = (
        None
        if abstract_from_text(flat_abstract) == ref.abstract
        else _dumps([[s.heading, s.text] for s in ref.abstract])
    )
    return {
        "abstract": flat_abstract,
        "abstract_sections": exact_sections,
        "keywords": _dumps(list(ref.keywords)),
        "extra": _dumps(dict(ref.extra)),
    }


def _bibliographic_values(ref: Reference) -> dict[str, Any]:
    """Column values for the bibliographic part of a reference (shared by add and update)."""
    return {
        "type": ref.type.value,
        "title": ref.title,
        "title_short": ref.title_short,
        "container_title": ref.container_title,
        "container_title_short": ref.container_title_short,
        "collection_title": ref.collection_title,
        "volume": ref.volume,
        "issue": ref.issue,
        "page": ref.page,
        "issued_year": ref.issued.year,
        "issued_month": ref.issued.month,
        "issued_day": ref.issued.day,
        "issued_season": ref.issued.season,
        "issued_literal": ref.issued.literal,
        "issued_end_year": ref.issued.end.year if ref.issued.end else None,
        "issued_end_month": ref.issued.end.month if ref.issued.end else None,
        "issued_end_day": ref.issued.end.day if ref.issued.end else None,
        "status": ref.status,
        "publisher": ref.publisher,
        "publisher_place": ref.publisher_place,
        "edition": ref.edition,
        "issn": _dumps(list(ref.issn)),
        "isbn": _dumps(list(ref.isbn)),
        "doi": ref.doi,
        "pmid": ref.pmid,
        "pmcid": ref.pmcid,
        "url": ref.url,
        "language": ref.language,
        "truncated": _dumps(sorted(ref.truncated)),
        "reading_status": None if ref.reading_status is None else ref.reading_status.value,
        "rating": ref.rating,
        **sort_values(ref),
    }


def _creator_rows(ref_id: int, creators: Sequence[Creator]) -> list[dict[str, Any]]:
    return [
        {
            "reference_id": ref_id,
            "position": position,
            "role": creator.role.value,
            "family": creator.family,
            "given": creator.given,
            "particle": creator.particle,
            "dropping_particle": creator.dropping_particle,
            "suffix": creator.suffix,
            "literal": creator.literal,
        }
        for position, creator in enumerate(creators)
    ]


def _abstract_from_row(row: ReferenceDetailRow) -> tuple[AbstractSection, ...]:
    if row.abstract_sections is not None:
        return tuple(AbstractSection(h, t) for h, t in json.loads(row.abstract_sections))
    return abstract_from_text(row.abstract)


def _key_order(row: dict[str, Any]) -> tuple[str, int]:
    """Sort key of a ``dedupe_key`` row: the order of the table's primary key."""
    return (row["key"], row["reference_id"])


def dedupe_key_rows(ref_id: int, ref: Reference) -> list[dict[str, Any]]:
    """The ``dedupe_key`` rows of a reference (``NO_KEYS`` alone when it has none)."""
    keys = sorted(blocking_keys(ref)) or [NO_KEYS]
    return [{"key": key, "reference_id": ref_id} for key in keys]


# Enum members by stored value: a dict look-up is many times faster than ``Enum(value)``,
# which counts when thousands of candidates are read for a duplicate check.
_ROLES = {role.value: role for role in CreatorRole}
_TYPES = {kind.value: kind for kind in ReferenceType}


def _range_end(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
    """The end of a date range as stored; None when the date is not a range."""
    return PartialDate(year, month, day if month is not None else None) if year else None


def _json_tuple(text: str) -> tuple[Any, ...]:
    """A stored JSON list as a tuple; the common empty list without decoding it."""
    return () if text == "[]" else tuple(json.loads(text))


def _creator_from_row(row: CreatorRow) -> Creator:
    return Creator(
        family=row.family,
        given=row.given,
        particle=row.particle,
        dropping_particle=row.dropping_particle,
        suffix=row.suffix,
        literal=row.literal,
        role=CreatorRole(row.role),
    )


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tag names stripped, empty ones dropped, duplicates (ignoring case) removed."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        cleaned = name.strip()
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            out.append(cleaned)
    return out


def validate(ref: Reference) -> None:
    """Refuse values the schema cannot hold, with a message rather than a constraint error."""
    if ref.rating is not None and not MIN_RATING <= ref.rating <= MAX_RATING:
        raise UserInputError(f"a rating is {MIN_RATING} to {MAX_RATING} stars, not {ref.rating}")


@dataclass(frozen=True, slots=True)
class NewReference:
    """A reference to add with its provenance (import batch, raw snippet) and first notes."""

    reference: Reference
    batch_id: BatchId | None = None
    source_text: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeEvent:
    """One record merged into a reference: where its fields came from, for provenance.

    Attributes:
        id: the event's own id.
        reference_id: the reference that received the fields.
        created: when the merge happened.
        merged_reference_id: the reference merged in (now in the trash or deleted), or
            None when an imported entry was merged in directly.
        batch_id: the import batch the merged record came from, when known.
        fields: the bibliographic fields that came from the merged record.
        description: a short label of the merged record ("Repper (2012) Peer support…").
        source_text: the text the merged record was read from.
    """

    id: int
    reference_id: ReferenceId
    created: datetime
    merged_reference_id: ReferenceId | None
    batch_id: BatchId | None
    fields: tuple[str, ...]
    description: str
    source_text: str


_UNSET = object()

# The fields an edit conflict lists when they differ (the bibliographic ones and tags).
CONFLICT_FIELDS: tuple[str, ...] = (
    *("type", "title", "creators", "container_title", "volume", "issue", "page", "issued"),
    *("publisher", "doi", "url", "abstract", "keywords", "tags", "reading_status", "rating"),
)
# How much of a value a conflict message shows.
SHORT_VALUE_CHARS = 80


def _short(value: object) -> str:
    if isinstance(value, tuple):
        text = "; ".join(
            str(
                getattr(item, "family", "")
                or getattr(item, "literal", "")
                or getattr(item, "text", "")
                or item
            )
            for item in value
        )
    elif hasattr(value, "year") and not isinstance(value, int):
        text = str(getattr(value, "year", "") or "")
    else:
        text = "" if value is None else str(getattr(value, "value", value))
    return text if len(text) <= SHORT_VALUE_CHARS else text[: SHORT_VALUE_CHARS - 1] + "…"


# The fields a snapshot written back (undoing a merge, redoing an import's filling) may
# restore: a reference's contents, not where it lives (collections, trash, its batch) nor
# what the store keeps about the write itself.
SNAPSHOT_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in dataclass_fields(Reference)
    if f.name
    not in {"id", "collection_ids", "added", "modified", "batch_id", "source_text", "trashed"}
    and f.compare
)


def _as_stored(name: str, value: object) -> object:
    """A field's value as the store keeps it, for comparing a snapshot with a stored copy."""
    if name == "tags" and isinstance(value, tuple):
        return tuple(sorted(tag.casefold() for tag in clean_tags(value)))
    return value


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT many rows with one driver-level executemany.

    Why not ``connection.execute(insert(table), rows)``: SQLAlchemy then builds each row's
    parameters in Python, which costs more than SQLite's own work on a large import.
    Column types still convert values (times to text) through their bind processors.
    """
    if not rows:
        return
    columns = list(rows[0])
    dialect = connection.dialect
    processors = [table.c[name].type.bind_processor(dialect) for name in columns]
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(placeholder(connection) for _ in columns)})"
    )
    values_of = operator.itemgetter(*columns)
    converted = [(i, process) for i, process in enumerate(processors) if process is not None]
    # The last value each processor converted: a batch stamps every row with the same
    # time, and converting it once instead of per row is a tenth of a large import.
    last: list[tuple[object, object]] = [(_UNSET, None) for _ in columns]
    parameters: list[tuple[Any, ...]] = []
    for row in rows:
        values = values_of(row)
        values = values if isinstance(values, tuple) else (values,)
        if converted:
            changed = list(values)
            for i, process in converted:
                value = changed[i]
                seen, result = last[i]
                if value is not seen:
                    result = process(value)
                    last[i] = (value, result)
                changed[i] = result
            values = tuple(changed)
        parameters.append(values)
    if is_postgres(connection):
        _insert_as_arrays(connection, table, columns, parameters)
        return
    connection.exec_driver_sql(statement, parameters)


def _minus_trashed(
    connection: Connection, group: ColumnElement[Any], reference: ColumnElement[Any]
) -> dict[int, int]:
    """Rows of a link table per ``group`` value, leaving out rows of trashed references.

    Every row is counted from the index on ``group`` alone; the rows of trashed
    references, found from the ``trashed`` indexes, are then taken off.
    """
    everything = select(group, func.count()).group_by(group)
    trashed = (
        select(group, func.count())
        .join(ReferenceRow, ReferenceRow.id == reference)
        .where(ReferenceRow.trashed.is_(True))
        .group_by(group)
    )
    counts = {int(value): int(count) for value, count in fetch_rows(connection, everything)}
    for value, count in fetch_rows(connection, trashed):
        counts[int(value)] -= int(count)
    return counts


def _insert_as_arrays(
    connection: Connection, table: Table, columns: list[str], parameters: list[tuple[Any, ...]]
) -> None:
    """Send rows to PostgreSQL with COPY, inside the current transaction.

    Why: an executemany is one statement per row on the server, several times slower
    for a large import than the rows themselves cost. NUL characters, which PostgreSQL
    text cannot hold, become U+FFFD as in every other statement (``postgres``).
    """
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for values in parameters:
            copy.write_row(
                [
                    value.replace("\x00", NUL_REPLACEMENT)
                    if isinstance(value, str) and "\x00" in value
                    else value
                    for value in values
                ]
            )


class Repository:
    """Table access for one transaction; see the module docstring."""

    def __init__(self, session: Session, *, user: str = "") -> None:
        self.session = session
        # Who is making the changes: written to added_by / modified_by.
        self.user = user

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    # -- references: reading ------------------------------------------------------------

    def existing_ids(self, ids: Iterable[int], *, trashed: bool | None = None) -> set[int]:
        """Which of these ids exist (optionally only trashed or only not trashed)."""
        wanted = sorted(set(ids))
        found: set[int] = set()
        for part in chunks(wanted):
            statement = select(ReferenceRow.id).where(ReferenceRow.id.in_(part))
            if trashed is not None:
                statement = statement.where(ReferenceRow.trashed == trashed)
            found.update(self.session.scalars(statement))
        return found

    def require(self, ids: Iterable[int]) -> list[ReferenceId]:
        """The ids, deduplicated in order; NotFoundError naming any that do not exist."""
        ordered = list(dict.fromkeys(int(i) for i in ids))
        missing = sorted(set(ordered) - self.existing_ids(ordered))
        if missing:
            listed = ", ".join(str(i) for i in missing[:10])
            raise NotFoundError(f"no reference with id {listed} in this library")
        return [ReferenceId(i) for i in ordered]

    def get_references(self, ids: Sequence[int]) -> list[Reference]:
        """References in the order asked for; ids that do not exist are skipped."""
        wanted = list(dict.fromkeys(ids))
        rows: dict[int, ReferenceRow] = {}
        details: dict[int, ReferenceDetailRow] = {}
        creators: dict[int, list[Creator]] = defaultdict(list)
        tags: dict[int, list[str]] = defaultdict(list)
        collections: dict[int, list[CollectionId]] = defaultdict(list)
        for part in chunks(sorted(wanted)):
            for row in self.session.scalars(select(ReferenceRow).where(ReferenceRow.id.in_(part))):
                rows[row.id] = row
            detail_rows = self.session.scalars(
                select(ReferenceDetailRow).where(ReferenceDetailRow.reference_id.in_(part))
            )
            for detail in detail_rows:
                details[detail.reference_id] = detail
            creator_rows = self.session.scalars(
                select(CreatorRow)
                .where(CreatorRow.reference_id.in_(part))
                .order_by(CreatorRow.reference_id, CreatorRow.position)
            )
            for creator in creator_rows:
                creators[creator.reference_id].append(_creator_from_row(creator))
            tag_rows = self.session.execute(
                select(ReferenceTagRow.reference_id, TagRow.name)
                .join(TagRow, TagRow.id == ReferenceTagRow.tag_id)
                .where(ReferenceTagRow.reference_id.in_(part))
            )
            for ref_id, name in tag_rows:
                tags[ref_id].append(name)
            member_rows = self.session.execute(
                select(ReferenceCollectionRow.reference_id, ReferenceCollectionRow.collection_id)
                .where(ReferenceCollectionRow.reference_id.in_(part))
                .order_by(ReferenceCollectionRow.collection_id)
            )
            for ref_id, collection_id in member_rows:
                collections[ref_id].append(CollectionId(collection_id))
        self.session.expunge_all()
        return [
            self._to_reference(rows[i], details[i], creators[i], tags[i], collections[i])
            for i in wanted
            if i in rows
        ]

    @staticmethod
    def _to_reference(
        row: ReferenceRow,
        detail: ReferenceDetailRow,
        creators: list[Creator],
        tags: list[str],
        collection_ids: list[CollectionId],
    ) -> Reference:
        return Reference(
            type=ReferenceType(row.type),
            title=row.title,
            title_short=row.title_short,
            creators=tuple(creators),
            container_title=row.container_title,
            container_title_short=row.container_title_short,
            collection_title=row.collection_title,
            volume=row.volume,
            issue=row.issue,
            page=row.page,
            issued=PartialDate(
                year=row.issued_year,
                month=row.issued_month,
                day=row.issued_day,
                season=row.issued_season,
                literal=row.issued_literal,
                end=_range_end(row.issued_end_year, row.issued_end_month, row.issued_end_day),
            ),
            status=row.status,
            publisher=row.publisher,
            publisher_place=row.publisher_place,
            edition=row.edition,
            issn=tuple(json.loads(row.issn)),
            isbn=tuple(json.loads(row.isbn)),
            doi=row.doi,
            pmid=row.pmid,
            pmcid=row.pmcid,
            url=row.url,
            language=row.language,
            abstract=_abstract_from_row(detail),
            keywords=tuple(json.loads(detail.keywords)),
            extra=json.loads(detail.extra),
            truncated=frozenset(json.loads(row.truncated)),
            id=ReferenceId(row.id),
            tags=tuple(sorted(tags, key=lambda t: (t.casefold(), t))),
            collection_ids=tuple(collection_ids),
            added=row.added,
            modified=row.modified,
            reading_status=None
            if row.reading_status is None
            else ReadingStatus(row.reading_status),
            rating=row.rating,
            batch_id=None if row.batch_id is None else BatchId(row.batch_id),
            source_text=detail.source_text,
            trashed=row.trashed,
            version=row.version,
            added_by=row.added_by,
            modified_by=row.modified_by,
        )

    # -- references: writing ------------------------------------------------------------

    def add_references(
        self,
        new: Sequence[NewReference],
        *,
        now: datetime,
        collection: CollectionId | None,
        keep_ids: bool = False,
    ) -> list[ReferenceId]:
        """Insert references with their creators, tags and memberships; ids in input order.

        With ``keep_ids`` each reference goes back under its own ``id``: one deleted
        earlier (the table is AUTOINCREMENT, so no other row can have taken it since).
        Uses multi-row INSERT ... RETURNING and executemany rather than ORM objects:
        bulk imports of tens of thousands of references must stay fast.
        """
        if not new:
            return []
        if collection is not None:
            self.require_collection(collection)
        kept_ids: list[ReferenceId] | None = None
        if keep_ids:
            kept_ids = self._free_ids_of(new)
        rows: list[dict[str, Any]] = []
        detail_rows: list[dict[str, Any]] = []
        for item in new:
            ref = item.reference
            validate(ref)
            batch_id = item.batch_id if item.batch_id is not None else ref.batch_id
            rows.append(
                {
                    **_bibliographic_values(ref),
                    "added": ref.added or now,
                    "modified": ref.modified or now,
                    "batch_id": batch_id,
                    "trashed": ref.trashed,
                    "added_by": ref.added_by or self.user,
                    "modified_by": ref.modified_by or self.user,
                }
            )
            detail_rows.append(
                {
                    **_detail_values(ref),
                    "source_text": ref.source_text
                    if item.source_text is None
                    else item.source_text,
                }
            )
        connection = self.connection
        if kept_ids is None:
            kept_ids = [ReferenceId(i) for i in reserve_ids(connection, "reference", len(rows))]
        with bulk_cache(connection) if len(new) >= BULK_ROWS else nullcontext():
            added = self._insert_references(
                connection, new, rows, detail_rows, now, collection, kept_ids
            )
        if keep_ids:
            advance_sequence(connection, "reference")
        return added

    def _free_ids_of(self, new: Sequence[NewReference]) -> list[ReferenceId]:
        """The references' own ids, each checked to be set, given once and not in use."""
        ids = [item.reference.id for item in new]
        if any(ref_id is None for ref_id in ids):
            raise UserInputError("a reference put back under its own id needs an id")
        wanted = [ReferenceId(int(ref_id)) for ref_id in ids if ref_id is not None]
        if len(set(wanted)) != len(wanted):
            raise UserInputError("the same reference id is given twice")
        taken = sorted(self.existing_ids(wanted))
        if taken:
            listed = ", ".join(str(i) for i in taken[:10])
            raise UserInputError(f"reference id {listed} is already in use")
        return wanted

    def _insert_references(
        self,
        connection: Connection,
        new: Sequence[NewReference],
        rows: list[dict[str, Any]],
        detail_rows: list[dict[str, Any]],
        now: datetime,
        collection: CollectionId | None,
        ids: list[ReferenceId],
    ) -> list[ReferenceId]:
        """The writing half of ``add_references``, once the rows are built and checked."""
        for ref_id, row, detail in zip(ids, rows, detail_rows, strict=True):
            row["id"] = ref_id
            detail["reference_id"] = ref_id
        bulk_insert(connection, table_of(ReferenceRow), rows)
        bulk_insert(connection, table_of(ReferenceDetailRow), detail_rows)
        creator_rows: list[dict[str, Any]] = []
        tag_links: list[tuple[int, list[str]]] = []
        member_rows: list[dict[str, int]] = []
        for ref_id, item in zip(ids, new, strict=True):
            creator_rows.extend(_creator_rows(ref_id, item.reference.creators))
            if item.reference.tags:
                tag_links.append((ref_id, clean_tags(item.reference.tags)))
            memberships = set(item.reference.collection_ids)
            if collection is not None:
                memberships.add(collection)
            member_rows.extend({"reference_id": ref_id, "collection_id": c} for c in memberships)
        bulk_insert(connection, table_of(CreatorRow), creator_rows)
        links: list[dict[str, int]] = []
        if tag_links:
            tag_ids = self._tag_ids({name for _, names in tag_links for name in names})
            links = [
                {"reference_id": ref_id, "tag_id": tag_ids[name.casefold()]}
                for ref_id, names in tag_links
                for name in names
            ]
            bulk_insert(connection, table_of(ReferenceTagRow), links)
        bulk_insert(connection, table_of(ReferenceCollectionRow), member_rows)
        note_rows = [
            {"reference_id": ref_id, "text": text, "created": now, "modified": now}
            for ref_id, item in zip(ids, new, strict=True)
            for text in item.notes
        ]
        bulk_insert(connection, table_of(NoteRow), note_rows)
        key_rows = [
            row
            for ref_id, item in zip(ids, new, strict=True)
            for row in dedupe_key_rows(ref_id, item.reference)
        ]
        # In key order the rows go into the (key, reference_id) B-tree one after another
        # rather than at scattered pages: the same rows, fewer page splits and look-ups.
        key_rows.sort(key=_key_order)
        bulk_insert(connection, table_of(DedupeKeyRow), key_rows)
        if is_postgres(connection):
            search_pg.add_documents(connection, self._new_documents(ids, new, detail_rows, links))
        else:
            search.index(connection, ids)
        return ids

    def _new_documents(
        self,
        ids: Sequence[ReferenceId],
        new: Sequence[NewReference],
        detail_rows: Sequence[dict[str, Any]],
        links: Sequence[dict[str, int]],
    ) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The search-document columns of references just inserted, made from memory.

        Tags are the one value not in memory as stored: an existing tag keeps its own
        spelling and id, which decide the document's words and their order; they are
        read here, before the caller's COPY starts. The columns themselves are made as
        the returned iterator is consumed.
        """
        tags_of: dict[int, list[int]] = defaultdict(list)
        for link in links:
            tags_of[link["reference_id"]].append(link["tag_id"])
        tag_names: dict[int, str] = {}
        for part in chunks(sorted({link["tag_id"] for link in links})):
            rows = self.session.execute(select(TagRow.id, TagRow.name).where(TagRow.id.in_(part)))
            tag_names.update((int(tag_id), str(name)) for tag_id, name in rows)
        return (
            (
                ref_id,
                search_pg.new_columns(
                    item.reference,
                    abstract=detail["abstract"],
                    keywords=detail["keywords"],
                    notes=item.notes,
                    tags=[tag_names[t] for t in sorted(tags_of.get(ref_id, ()))],
                ),
            )
            for ref_id, item, detail in zip(ids, new, detail_rows, strict=True)
        )

    def update_reference(self, ref: Reference, *, now: datetime) -> None:
        """Replace the bibliographic fields, tags, reading status and rating of a reference."""
        if ref.id is None:
            raise UserInputError("cannot update a reference that has no id")
        validate(ref)
        self.require([ref.id])
        connection = self.connection
        rows = table_of(ReferenceRow)
        statement = update(rows).where(rows.c.id == ref.id)
        if ref.version:
            # The edit applies only to the version it was made on: a concurrent edit
            # that committed first has raised it, and this one is refused, not merged.
            statement = statement.where(rows.c.version == ref.version)
        with search.reindexing(connection, [ref.id]):
            updated = connection.execute(
                statement.values(
                    **_bibliographic_values(ref),
                    modified=now,
                    modified_by=self.user,
                    version=rows.c.version + 1,
                )
            )
            if updated.rowcount == 0:
                raise self._conflict(ref)
            connection.execute(
                update(table_of(ReferenceDetailRow))
                .where(table_of(ReferenceDetailRow).c.reference_id == ref.id)
                .values(**_detail_values(ref))
            )
            connection.execute(
                delete(table_of(CreatorRow)).where(CreatorRow.reference_id == ref.id)
            )
            creator_rows = _creator_rows(ref.id, ref.creators)
            if creator_rows:
                connection.execute(insert(table_of(CreatorRow)), creator_rows)
            self._replace_tags(ref.id, clean_tags(ref.tags))
        connection.execute(
            delete(table_of(DedupeKeyRow)).where(DedupeKeyRow.reference_id == ref.id)
        )
        connection.execute(insert(table_of(DedupeKeyRow)), dedupe_key_rows(ref.id, ref))

    def write_back(
        self,
        ref_id: ReferenceId,
        *,
        values: Reference,
        expected: Reference,
        action: str,
        now: datetime,
    ) -> bool:
        """Write back the fields where ``values`` differs from ``expected``, if still unchanged.

        Undo and redo move a reference between two snapshots (before and after a merge or
        an import's filling). In a team library someone may have edited it in between:
        each field the step would write must still hold ``expected``, or the step is
        refused with their change named (``action`` says what was refused), so it is never
        overwritten; fields the step does not touch keep whatever was stored since. The
        stored copy's version guards the write itself. Returns whether anything was
        written.

        Raises:
            ConflictError: a field the step writes was changed since.
        """
        (current,) = self.get_references([ref_id])
        touched = [
            name
            for name in SNAPSHOT_FIELDS
            if _as_stored(name, getattr(values, name)) != _as_stored(name, getattr(expected, name))
        ]
        moved = [
            name
            for name in touched
            if _as_stored(name, getattr(current, name)) != _as_stored(name, getattr(expected, name))
        ]
        if moved:
            differences = tuple(
                (name, _short(getattr(current, name)), _short(getattr(values, name)))
                for name in moved
            )
            who = current.modified_by or "someone else"
            listed = "; ".join(
                f"{name.replace('_', ' ')} is now {now_value!r} (this would write {mine!r})"
                for name, now_value, mine in differences
            )
            raise ConflictError(
                f"{who} changed reference {ref_id} since: {listed}; {action} was refused "
                "and their change kept",
                reference_id=ref_id,
                by=current.modified_by,
                differences=differences,
            )
        if not touched:
            return False
        self.update_reference(
            current.with_changes(**{name: getattr(values, name) for name in touched}), now=now
        )
        return True

    def _conflict(self, yours: Reference) -> ConflictError:
        """The error for an edit made on a stale copy, showing the change that came first."""
        assert yours.id is not None
        (theirs,) = self.get_references([yours.id])
        differences = tuple(
            (name, _short(getattr(theirs, name)), _short(getattr(yours, name)))
            for name in CONFLICT_FIELDS
            if getattr(theirs, name) != getattr(yours, name)
        )
        who = theirs.modified_by or "someone else"
        listed = "; ".join(
            f"{name} is now {now!r} (yours: {mine!r})" for name, now, mine in differences
        )
        message = (
            f"reference {yours.id} was changed by {who} since you opened it "
            f"(version {yours.version}, now {theirs.version})"
            + (f": {listed}" if listed else "")
            + "; nothing was saved: reload it and make your change again"
        )
        return ConflictError(
            message, reference_id=yours.id, by=theirs.modified_by, differences=differences
        )

    def set_trashed(self, ids: Sequence[int], trashed: bool) -> set[ReferenceId]:
        """Move references to or out of the trash; returns those whose state changed."""
        changing = self.existing_ids(ids, trashed=not trashed)
        for part in chunks(sorted(changing)):
            self.connection.execute(
                update(table_of(ReferenceRow))
                .where(table_of(ReferenceRow).c.id.in_(part))
                .values(
                    trashed=trashed,
                    version=table_of(ReferenceRow).c.version + 1,
                    modified_by=self.user,
                )
            )
        return {ReferenceId(i) for i in changing}

    def trashed_ids(self) -> list[ReferenceId]:
        statement = select(ReferenceRow.id).where(ReferenceRow.trashed.is_(True))
        return [ReferenceId(i) for i in self.session.scalars(statement)]

    def delete_references(self, ids: Sequence[int]) -> set[ReferenceId]:
        """Delete for good, with creators, notes, tags and memberships (by cascade)."""
        existing = sorted(self.existing_ids(ids))
        connection = self.connection
        search.unindex(connection, existing)
        for part in chunks(existing):
            connection.execute(delete(table_of(ReferenceRow)).where(ReferenceRow.id.in_(part)))
        self._delete_unused_tags()
        return {ReferenceId(i) for i in existing}

    # -- tags -----------------------------------------------------------------------------

    def _tag_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of tags by case-folded name, creating the tags that do not exist yet."""
        wanted = {name.casefold(): name for name in names}
        found: dict[str, int] = {}
        names_list = list(wanted.values())
        for part in chunks(names_list, 500):
            rows = self.session.execute(select(TagRow.id, TagRow.name).where(TagRow.name.in_(part)))
            for tag_id, name in rows:
                found[name.casefold()] = tag_id
        missing = [name for key, name in wanted.items() if key not in found]
        if missing and is_postgres(self.connection):
            # Someone else may be creating the same tag right now: take theirs, not an error.
            self.connection.execute(
                postgresql_insert(table_of(TagRow)).on_conflict_do_nothing(),
                [{"name": name} for name in missing],
            )
            # One look-up per new name: the database's collation decides which stored
            # tag a name is (it may fold more than casefold does).
            for name in missing:
                # The oldest, should two writers have added names the collation finds
                # alike but the unique index's lower-cased digest does not ("ß", "ss").
                first = select(TagRow.id).where(TagRow.name == name).order_by(TagRow.id).limit(1)
                found[name.casefold()] = int(self.session.execute(first).scalar_one())
            missing = []
        if missing:
            table = table_of(TagRow)
            result = self.connection.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [{"name": name} for name in missing],
            )
            for name, tag_id in zip(missing, result.scalars(), strict=True):
                found[name.casefold()] = int(tag_id)
        return found

    def _replace_tags(self, ref_id: int, names: list[str]) -> None:
        """Set a reference's tags; the caller re-indexes the reference around this."""
        connection = self.connection
        connection.execute(
            delete(table_of(ReferenceTagRow)).where(ReferenceTagRow.reference_id == ref_id)
        )
        if names:
            tag_ids = self._tag_ids(names)
            connection.execute(
                insert(table_of(ReferenceTagRow)),
                [{"reference_id": ref_id, "tag_id": tag_ids[n.casefold()]} for n in names],
            )
        self._delete_unused_tags()

    def _delete_unused_tags(self) -> None:
        # One index probe per tag: NOT IN (SELECT DISTINCT tag_id ...) read every link of
        # the library on each tag edit (49 ms of 61 at 1,000,000 references).
        tagging = select(ReferenceTagRow.tag_id).where(ReferenceTagRow.tag_id == TagRow.id)
        self.connection.execute(delete(table_of(TagRow)).where(~tagging.exists()))

    def change_tags(
        self, ids: Sequence[int], *, add: Sequence[str], remove: Sequence[str], now: datetime
    ) -> set[ReferenceId]:
        """Add and remove tags on references; returns the references that changed."""
        targets = self.require(ids)
        removing = clean_tags(remove)
        removing_folded = {name.casefold() for name in removing}
        adding = [name for name in clean_tags(add) if name.casefold() not in removing_folded]
        remove_ids: set[int] = set()
        if removing:
            remove_ids = set(
                self.session.scalars(select(TagRow.id).where(TagRow.name.in_(removing)))
            )
        add_ids = set(self._tag_ids(adding).values()) if adding else set()
        current: set[tuple[int, int]] = set()
        for part in chunks(targets):
            rows = self.session.execute(
                select(ReferenceTagRow.reference_id, ReferenceTagRow.tag_id).where(
                    ReferenceTagRow.reference_id.in_(part)
                )
            )
            current.update((int(r), int(t)) for r, t in rows)
        unlinks = [pair for pair in current if pair[1] in remove_ids]
        links = [(r, t) for r in targets for t in sorted(add_ids) if (r, t) not in current]
        changed: set[int] = {r for r, _ in unlinks} | {r for r, _ in links}
        connection = self.connection
        with search.reindexing(connection, changed):
            for tag_id in remove_ids:
                for ids_part in chunks(sorted(changed)):
                    connection.execute(
                        delete(table_of(ReferenceTagRow))
                        .where(ReferenceTagRow.tag_id == tag_id)
                        .where(ReferenceTagRow.reference_id.in_(ids_part))
                    )
            if links:
                connection.execute(
                    insert(table_of(ReferenceTagRow)),
                    [{"reference_id": r, "tag_id": t} for r, t in links],
                )
            for ids_part in chunks(sorted(changed)):
                connection.execute(
                    update(table_of(ReferenceRow))
                    .where(table_of(ReferenceRow).c.id.in_(ids_part))
                    .values(
                        modified=now,
                        modified_by=self.user,
                        version=table_of(ReferenceRow).c.version + 1,
                    )
                )
        self._delete_unused_tags()
        return {ReferenceId(i) for i in changed}

    def tags(self) -> list[tuple[str, int]]:
        """Tag names with their number of references outside the trash, by name.

        Counted as every use minus the uses by trashed references: the first is read
        from the tag index alone, the second starts from the (few) trashed references,
        where joining every use with its reference reads the whole table (0.9 s instead
        of 20 ms at 100,000 references). A tag used only in the trash is left out.
        """
        link = table_of(ReferenceTagRow).c
        counts = _minus_trashed(self.connection, link.tag_id, link.reference_id)
        tag = table_of(TagRow).c
        names: dict[int, str] = dict(fetch_rows(self.connection, select(tag.id, tag.name)))
        rows = [(str(names[i]), n) for i, n in counts.items() if n > 0 and i in names]
        return sorted(rows, key=lambda pair: (pair[0].casefold(), pair[0]))

    def tag_names(self) -> list[str]:
        """Every tag's name, by name: the short ``tag`` table alone, no uses counted.

        Names a tag used only by trashed references too (``tags`` leaves those out).
        """
        names = self.session.scalars(select(TagRow.name))
        return sorted((str(n) for n in names), key=lambda name: (name.casefold(), name))

    def tag_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(TagRow)) or 0)

    # -- collections ----------------------------------------------------------------------

    def collections(self) -> list[Collection]:
        statement = select(CollectionRow).order_by(
            func.coalesce(CollectionRow.parent_id, 0), CollectionRow.position, CollectionRow.id
        )
        return [_collection(row) for row in self.session.scalars(statement)]

    def collection(self, collection_id: CollectionId) -> Collection:
        return _collection(self._collection_row(collection_id))

    def require_collection(self, collection_id: CollectionId) -> None:
        self._collection_row(collection_id)

    def _collection_row(self, collection_id: int) -> CollectionRow:
        row = self.session.get(CollectionRow, collection_id)
        if row is None:
            raise NotFoundError(f"no collection with id {collection_id}")
        return row

    def _check_sibling_name(
        self, name: str, parent: int | None, *, except_id: int | None = None
    ) -> str:
        cleaned = name.strip()
        if not cleaned:
            raise UserInputError("a collection needs a name")
        siblings = select(CollectionRow).where(
            CollectionRow.parent_id.is_(None)
            if parent is None
            else CollectionRow.parent_id == parent
        )
        for sibling in self.session.scalars(siblings):
            if sibling.id != except_id and sibling.name.casefold() == cleaned.casefold():
                raise UserInputError(f"there is already a collection named {sibling.name!r} here")
        return cleaned

    def _next_position(self, parent: int | None) -> int:
        statement = select(func.max(CollectionRow.position)).where(
            CollectionRow.parent_id.is_(None)
            if parent is None
            else CollectionRow.parent_id == parent
        )
        current = self.session.scalar(statement)
        return 0 if current is None else int(current) + 1

    def add_collection(self, name: str, parent: CollectionId | None) -> Collection:
        if parent is not None:
            self.require_collection(parent)
        cleaned = self._check_sibling_name(name, parent)
        row = CollectionRow(name=cleaned, parent_id=parent, position=self._next_position(parent))
        self.session.add(row)
        self.session.flush()
        return _collection(row)

    def rename_collection(self, collection_id: CollectionId, name: str) -> None:
        row = self._collection_row(collection_id)
        row.name = self._check_sibling_name(name, row.parent_id, except_id=row.id)
        self.session.flush()

    def descendants(self, collection_id: int) -> set[CollectionId]:
        """The collection and every collection below it."""
        children: dict[int | None, list[int]] = defaultdict(list)
        for row_id, parent in self.session.execute(
            select(CollectionRow.id, CollectionRow.parent_id)
        ):
            children[parent].append(row_id)
        found: set[CollectionId] = set()
        stack = [collection_id]
        while stack:
            current = stack.pop()
            found.add(CollectionId(current))
            stack.extend(children[current])
        return found

    def move_collection(self, collection_id: CollectionId, parent: CollectionId | None) -> None:
        row = self._collection_row(collection_id)
        if parent is not None:
            self.require_collection(parent)
            if parent in self.descendants(collection_id):
                raise UserInputError("a collection cannot be moved into itself or its own subtree")
        row.name = self._check_sibling_name(row.name, parent, except_id=row.id)
        if row.parent_id != parent:
            row.position = self._next_position(parent)
            row.parent_id = parent
        self.session.flush()

    def delete_collection(self, collection_id: CollectionId) -> tuple[set[CollectionId], set[int]]:
        """Delete a collection and its subcollections; references stay in the library.

        Returns the deleted collection ids and the references that lost a membership.
        """
        self.require_collection(collection_id)
        gone = self.descendants(collection_id)
        members = set(
            self.session.scalars(
                select(ReferenceCollectionRow.reference_id).where(
                    ReferenceCollectionRow.collection_id.in_(sorted(gone))
                )
            )
        )
        self.connection.execute(
            delete(table_of(CollectionRow)).where(CollectionRow.id == collection_id)
        )
        return gone, members

    def add_members(self, collection_id: CollectionId, ids: Sequence[int]) -> set[ReferenceId]:
        self.require_collection(collection_id)
        targets = self.require(ids)
        have = set(
            self.session.scalars(
                select(ReferenceCollectionRow.reference_id).where(
                    ReferenceCollectionRow.collection_id == collection_id
                )
            )
        )
        new = [i for i in targets if i not in have]
        if new:
            self.connection.execute(
                insert(table_of(ReferenceCollectionRow)),
                [{"reference_id": i, "collection_id": collection_id} for i in new],
            )
        return set(new)

    def remove_members(self, collection_id: CollectionId, ids: Sequence[int]) -> set[ReferenceId]:
        self.require_collection(collection_id)
        removed: set[ReferenceId] = set()
        for part in chunks(sorted(set(ids))):
            result = self.connection.execute(
                delete(table_of(ReferenceCollectionRow))
                .where(ReferenceCollectionRow.collection_id == collection_id)
                .where(ReferenceCollectionRow.reference_id.in_(part))
                .returning(ReferenceCollectionRow.reference_id)
            )
            removed.update(ReferenceId(int(i)) for i in result.scalars())
        return removed

    def collection_counts(self) -> dict[CollectionId, int]:
        """References outside the trash directly in each collection (every collection listed)."""
        counts = {c.id: 0 for c in self.collections()}
        member = table_of(ReferenceCollectionRow).c
        found = _minus_trashed(self.connection, member.collection_id, member.reference_id)
        for collection_id, count in found.items():
            counts[CollectionId(collection_id)] = count
        return counts

    # -- notes ----------------------------------------------------------------------------

    def notes(self, ref_id: ReferenceId) -> list[Note]:
        self.require([ref_id])
        statement = (
            select(NoteRow)
            .where(NoteRow.reference_id == ref_id)
            .order_by(NoteRow.created, NoteRow.id)
        )
        return [_note(row) for row in self.session.scalars(statement)]

    def note(self, note_id: NoteId) -> Note:
        return _note(self._note_row(note_id))

    def _note_row(self, note_id: int) -> NoteRow:
        row = self.session.get(NoteRow, note_id)
        if row is None:
            raise NotFoundError(f"no note with id {note_id}")
        return row

    def add_note(self, ref_id: ReferenceId, text: str, *, now: datetime) -> Note:
        self.require([ref_id])
        row = NoteRow(reference_id=ref_id, text=text, created=now, modified=now)
        with search.reindexing(self.connection, [ref_id]):
            self.session.add(row)
            self.session.flush()
        return _note(row)

    def add_notes(self, items: Sequence[tuple[int, str]], *, now: datetime) -> set[ReferenceId]:
        """Add many notes at once (importers, benchmarks); returns the references touched."""
        targets = self.require(ref_id for ref_id, _ in items)
        if items:
            with search.reindexing(self.connection, targets):
                self.connection.execute(
                    insert(table_of(NoteRow)),
                    [
                        {"reference_id": ref_id, "text": text, "created": now, "modified": now}
                        for ref_id, text in items
                    ],
                )
        return set(targets)

    def update_note(self, note_id: NoteId, text: str, *, now: datetime) -> ReferenceId:
        row = self._note_row(note_id)
        with search.reindexing(self.connection, [row.reference_id]):
            row.text = text
            row.modified = now
            self.session.flush()
        return ReferenceId(row.reference_id)

    def delete_note(self, note_id: NoteId) -> ReferenceId:
        row = self._note_row(note_id)
        ref_id = ReferenceId(row.reference_id)
        with search.reindexing(self.connection, [ref_id]):
            self.session.delete(row)
            self.session.flush()
        return ref_id

    def note_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(NoteRow)) or 0)

    # -- import batches -------------------------------------------------------------------

    def add_batch(
        self,
        *,
        created: datetime,
        method: ImportMethod,
        format_name: str,
        raw_input: str,
        source_name: str,
        found: int,
        added: int,
        skipped: int,
        merged: int,
    ) -> BatchId:
        row = ImportBatchRow(
            created=created,
            method=method.value,
            format_name=format_name,
            raw_input=raw_input,
            source_name=source_name,
            entries_found=found,
            entries_added=added,
            entries_skipped=skipped,
            entries_merged=merged,
        )
        self.session.add(row)
        self.session.flush()
        return BatchId(row.id)

    def batches(self) -> list[ImportBatch]:
        statement = select(ImportBatchRow).order_by(
            ImportBatchRow.created.desc(), ImportBatchRow.id.desc()
        )
        return [_batch(row) for row in self.session.scalars(statement)]

    def batch(self, batch_id: BatchId) -> ImportBatch:
        row = self.session.get(ImportBatchRow, batch_id)
        if row is None:
            raise NotFoundError(f"no import batch with id {batch_id}")
        return _batch(row)

    # -- duplicates and merges ------------------------------------------------------------

    def active_ids(self) -> list[ReferenceId]:
        """Every reference outside the trash, by id (what duplicate detection looks at)."""
        statement = (
            select(ReferenceRow.id).where(ReferenceRow.trashed.is_(False)).order_by(ReferenceRow.id)
        )
        return [ReferenceId(i) for i in self.session.scalars(statement)]

    def unkeyed_ids(self) -> list[ReferenceId]:
        """References whose blocking keys were never computed (upgraded libraries).

        Every duplicate check asks, and the answer is nearly always "none": two counts
        from indexes say so (a third of the time of looking for them one by one).
        Key rows go with their reference (ON DELETE CASCADE), so equal counts mean
        every reference has keys.
        """
        references = self.connection.execute(select(func.count(ReferenceRow.id))).scalar()
        keyed_count = self.connection.execute(
            select(func.count(DedupeKeyRow.reference_id.distinct()))
        ).scalar()
        if references == keyed_count:
            return []
        keyed = select(DedupeKeyRow.reference_id).where(
            DedupeKeyRow.reference_id == ReferenceRow.id
        )
        statement = select(ReferenceRow.id).where(~keyed.exists()).order_by(ReferenceRow.id)
        return [ReferenceId(i) for i in self.session.scalars(statement)]

    def fill_dedupe_keys(self, ids: Sequence[int]) -> None:
        """Compute and store the blocking keys of these references (replacing any)."""
        connection = self.connection
        for part in chunks(list(ids)):
            connection.execute(
                delete(table_of(DedupeKeyRow)).where(DedupeKeyRow.reference_id.in_(part))
            )
            rows = [
                row
                for ref in self.comparable_references(part)
                if ref.id is not None
                for row in dedupe_key_rows(ref.id, ref)
            ]
            bulk_insert(connection, table_of(DedupeKeyRow), rows)

    def ids_sharing_keys(self) -> list[ReferenceId]:
        """References outside the trash sharing a blocking key with another reference.

        Only these can be in a duplicate group; the rest need not be read to find groups.
        (A key shared with a trashed reference only lets one extra reference through.)
        Plain look-ups on the key index: a join with ``reference`` makes SQLite walk it.
        """
        key = table_of(DedupeKeyRow)
        shared = (
            select(key.c.key)
            .where(key.c.key != NO_KEYS)
            .group_by(key.c.key)
            .having(func.count() > 1)
        )
        filed = set(self.session.scalars(select(key.c.reference_id).where(key.c.key.in_(shared))))
        return sorted(ReferenceId(i) for i in self.existing_ids(filed, trashed=False))

    def filed_keys(self) -> list[tuple[str, ReferenceId]]:
        """(key, reference id) rows for grouping duplicates (``GroupScreen``), compactly.

        Every first-author-and-year key, and the identity keys (DOI, PMID, ISBN, title)
        that more than one reference holds; rows of trashed references left out. Plain
        tuples: the Duplicates view needs keys and titles first, not whole references.
        """
        key = table_of(DedupeKeyRow)
        # "author-year:" up to, not including, "author-year;" (";" follows ":"): a range
        # on the key index, where LIKE (case-insensitive in SQLite) would scan.
        broad = (key.c.key >= AUTHOR_YEAR_KEY_PREFIX) & (
            key.c.key < AUTHOR_YEAR_KEY_PREFIX[:-1] + ";"
        )
        shared = (
            select(key.c.key)
            .where(key.c.key != NO_KEYS)
            .group_by(key.c.key)
            .having(func.count() > 1)
        )
        rows = fetch_rows(self.connection, select(key.c.key, key.c.reference_id).where(broad))
        rows += fetch_rows(
            self.connection,
            select(key.c.key, key.c.reference_id).where(key.c.key.in_(shared), ~broad),
        )
        trashed = set(
            self.session.scalars(select(ReferenceRow.id).where(ReferenceRow.trashed.is_(True)))
        )
        # The driver's (key, id) tuples as they come: ids are plain ints at run time, and
        # rebuilding 100,000 tuples would cost more than reading them.
        if trashed:
            rows = [row for row in rows if row[1] not in trashed]
        return cast(list[tuple[str, ReferenceId]], rows)

    def titles(self, ids: Iterable[int]) -> dict[ReferenceId, str]:
        """The title of each of these references (missing ids left out).

        Many ids (a quarter of the library or more) are read with one pass over the
        table, in its own order: three times faster than looking each one up.
        """
        table = table_of(ReferenceRow)
        wanted = set(ids)
        if not wanted:
            return {}
        highest = self.connection.execute(select(func.max(table.c.id))).scalar() or 0
        if len(wanted) * 4 >= highest:
            rows = fetch_rows(self.connection, select(table.c.id, table.c.title))
            return {i: title for i, title in rows if i in wanted}
        found: dict[ReferenceId, str] = {}
        for part in chunks(sorted(wanted)):
            statement = select(table.c.id, table.c.title).where(table.c.id.in_(part))
            found.update(fetch_rows(self.connection, statement))
        return found

    def candidate_ids(self, keys: Iterable[str]) -> set[ReferenceId]:
        """References outside the trash filed under any of these blocking keys.

        Two plain look-ups rather than a join: with the join SQLite may walk the whole
        ``reference`` table by its ``trashed`` indexes instead of the key index.
        """
        wanted = sorted(set(keys) - {NO_KEYS})
        filed: set[int] = set()
        for part in chunks(wanted, 900):
            statement = select(DedupeKeyRow.reference_id).where(DedupeKeyRow.key.in_(part))
            filed.update(self.session.scalars(statement))
        return {ReferenceId(i) for i in self.existing_ids(filed, trashed=False)}

    def duplicate_candidates(self, references: Sequence[Reference]) -> list[Reference]:
        """The stored references (outside the trash) new ones must be checked against.

        Looks the new references' lookup keys up in ``dedupe_key``, reads only the titles
        of what they reach, and lets ``CandidateScreen`` pick those worth reading in full:
        checking 1,000 references against 100,000 then reads hundreds, not thousands.
        """
        screen = CandidateScreen(references)
        key = table_of(DedupeKeyRow)
        filed: list[tuple[str, ReferenceId]] = []
        for part in chunks(sorted(screen.keys), 900):
            statement = select(key.c.key, key.c.reference_id).where(key.c.key.in_(part))
            filed.extend(fetch_rows(self.connection, statement))
        table = table_of(ReferenceRow)
        titles: dict[ReferenceId, str] = {}
        for ids_part in chunks(sorted({i for _, i in filed})):
            statement = (
                select(table.c.id, table.c.title)
                .where(table.c.id.in_(ids_part))
                .where(table.c.trashed.is_(False))
            )
            titles.update(fetch_rows(self.connection, statement))
        return self.comparable_references(sorted(screen.worth_reading(filed, titles)))

    def comparable_references(self, ids: Sequence[int]) -> list[Reference]:
        """References with what duplicate detection compares, read fast; in id order.

        Why not ``get_references``: loading ORM rows costs ~0.4 ms a reference, too slow
        to compare an import against a large library. This reads plain rows and leaves
        tags, collections, keywords, extra fields and the source text out.
        """
        table = table_of(ReferenceRow)
        detail = table_of(ReferenceDetailRow)
        creator = table_of(CreatorRow)
        found: list[Reference] = []
        for part in chunks(sorted({int(i) for i in ids})):
            creators: dict[int, list[Creator]] = defaultdict(list)
            creator_rows = fetch_rows(
                self.connection,
                select(
                    creator.c.reference_id,
                    creator.c.family,
                    creator.c.given,
                    creator.c.particle,
                    creator.c.dropping_particle,
                    creator.c.suffix,
                    creator.c.literal,
                    creator.c.role,
                )
                .where(creator.c.reference_id.in_(part))
                .order_by(creator.c.reference_id, creator.c.position),
            )
            for ref_id, family, given, particle, dropping, suffix, literal, role in creator_rows:
                creators[ref_id].append(
                    Creator(family, given, particle, dropping, suffix, literal, _ROLES[role])
                )
            rows = self.connection.execute(
                select(
                    table.c.id,
                    table.c.type,
                    table.c.title,
                    table.c.container_title,
                    table.c.container_title_short,
                    table.c.volume,
                    table.c.issue,
                    table.c.page,
                    table.c.issued_year,
                    table.c.issued_month,
                    table.c.issued_day,
                    table.c.issued_season,
                    table.c.issued_literal,
                    table.c.issued_end_year,
                    table.c.issued_end_month,
                    table.c.issued_end_day,
                    table.c.issn,
                    table.c.isbn,
                    table.c.doi,
                    table.c.pmid,
                    table.c.url,
                    table.c.truncated,
                    table.c.trashed,
                    detail.c.abstract,
                )
                .join(detail, detail.c.reference_id == table.c.id)
                .where(table.c.id.in_(part))
                .order_by(table.c.id)
            )
            for row in rows:
                found.append(
                    Reference(
                        type=_TYPES[row.type],
                        title=row.title,
                        creators=tuple(creators[row.id]),
                        container_title=row.container_title,
                        container_title_short=row.container_title_short,
                        volume=row.volume,
                        issue=row.issue,
                        page=row.page,
                        issued=PartialDate(
                            row.issued_year,
                            row.issued_month,
                            row.issued_day,
                            row.issued_season,
                            row.issued_literal,
                            _range_end(
                                row.issued_end_year, row.issued_end_month, row.issued_end_day
                            ),
                        ),
                        issn=_json_tuple(row.issn),
                        isbn=_json_tuple(row.isbn),
                        doi=row.doi,
                        pmid=row.pmid,
                        url=row.url,
                        abstract=abstract_from_text(row.abstract),
                        truncated=frozenset(_json_tuple(row.truncated)),
                        id=ReferenceId(row.id),
                        trashed=bool(row.trashed),
                    )
                )
        return found

    def dismissed_pairs(self) -> frozenset[frozenset[ReferenceId]]:
        """Every "not duplicates" decision, as two-id sets."""
        rows = self.session.execute(select(NotDuplicateRow.first_id, NotDuplicateRow.second_id))
        return frozenset(frozenset((ReferenceId(a), ReferenceId(b))) for a, b in rows)

    def add_dismissals(
        self, pairs: Iterable[frozenset[ReferenceId]], *, now: datetime
    ) -> set[tuple[ReferenceId, ReferenceId]]:
        """Store "not duplicates" decisions; returns the (smaller, larger) pairs that are new."""
        wanted: set[tuple[int, int]] = set()
        for pair in pairs:
            first, second = sorted(pair)
            if first != second:
                wanted.add((int(first), int(second)))
        if not wanted:
            return set()
        self.require(i for pair in wanted for i in pair)
        have = {
            (int(a), int(b))
            for a, b in self.session.execute(
                select(NotDuplicateRow.first_id, NotDuplicateRow.second_id)
            )
        }
        new = sorted(wanted - have)
        if new:
            self.connection.execute(
                insert(table_of(NotDuplicateRow)),
                [{"first_id": a, "second_id": b, "created": now} for a, b in new],
            )
        return {(ReferenceId(a), ReferenceId(b)) for a, b in new}

    def remove_dismissals(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Forget "not duplicates" decisions (undoing them); unknown pairs are ignored."""
        table = table_of(NotDuplicateRow)
        for first, second in pairs:
            low, high = sorted((int(first), int(second)))
            self.connection.execute(
                delete(table).where(table.c.first_id == low).where(table.c.second_id == high)
            )

    def add_merge_event(
        self,
        reference_id: ReferenceId,
        *,
        now: datetime,
        merged_reference_id: ReferenceId | None,
        batch_id: BatchId | None,
        fields: Sequence[str],
        description: str,
        source_text: str,
    ) -> int:
        """Record that a record was merged into ``reference_id``; returns the event's id."""
        table = table_of(MergeEventRow)
        result = self.connection.execute(
            insert(table).returning(table.c.id),
            {
                "reference_id": reference_id,
                "created": now,
                "merged_reference_id": merged_reference_id,
                "batch_id": batch_id,
                "fields": _dumps(list(fields)),
                "description": description,
                "source_text": source_text,
            },
        )
        return int(result.scalar_one())

    def merge_events(self, reference_id: ReferenceId) -> list[MergeEvent]:
        """What was merged into a reference, oldest first."""
        statement = (
            select(MergeEventRow)
            .where(MergeEventRow.reference_id == reference_id)
            .order_by(MergeEventRow.created, MergeEventRow.id)
        )
        return [_merge_event(row) for row in self.session.scalars(statement)]

    def merge_event_owners(self, reference_ids: Iterable[int]) -> dict[int, ReferenceId]:
        """Event id -> receiving reference, for the events of these references."""
        wanted = sorted({int(i) for i in reference_ids})
        owners: dict[int, ReferenceId] = {}
        for part in chunks(wanted):
            rows = self.session.execute(
                select(MergeEventRow.id, MergeEventRow.reference_id).where(
                    MergeEventRow.reference_id.in_(part)
                )
            )
            owners.update({int(e): ReferenceId(r) for e, r in rows})
        return owners

    def reassign_merge_events(self, owners: Mapping[int, int]) -> None:
        """Give merge events to other references (event id -> reference id)."""
        table = table_of(MergeEventRow)
        for event_id, reference_id in owners.items():
            self.connection.execute(
                update(table).where(table.c.id == event_id).values(reference_id=reference_id)
            )

    def delete_merge_events(self, event_ids: Iterable[int]) -> None:
        table = table_of(MergeEventRow)
        for part in chunks(sorted({int(i) for i in event_ids})):
            self.connection.execute(delete(table).where(table.c.id.in_(part)))

    def note_owners(self, reference_ids: Iterable[int]) -> dict[NoteId, ReferenceId]:
        """Note id -> reference, for the notes of these references."""
        wanted = sorted({int(i) for i in reference_ids})
        owners: dict[NoteId, ReferenceId] = {}
        for part in chunks(wanted):
            rows = self.session.execute(
                select(NoteRow.id, NoteRow.reference_id).where(NoteRow.reference_id.in_(part))
            )
            owners.update({NoteId(n): ReferenceId(r) for n, r in rows})
        return owners

    def reassign_notes(self, owners: Mapping[NoteId, int]) -> set[ReferenceId]:
        """Move notes to other references (note id -> reference id), keeping search in step.

        Returns every reference whose notes changed (those that lost and those that gained).
        """
        if not owners:
            return set()
        before = self.session.execute(
            select(NoteRow.id, NoteRow.reference_id).where(NoteRow.id.in_(sorted(owners)))
        )
        touched = {int(r) for _, r in before} | {int(r) for r in owners.values()}
        table = table_of(NoteRow)
        with search.reindexing(self.connection, touched):
            for note_id, reference_id in owners.items():
                self.connection.execute(
                    update(table).where(table.c.id == note_id).values(reference_id=reference_id)
                )
        return {ReferenceId(i) for i in touched}

    # -- statistics -----------------------------------------------------------------------

    def counts_by_type(self) -> dict[str, int]:
        statement = (
            select(ReferenceRow.type, func.count())
            .where(ReferenceRow.trashed.is_(False))
            .group_by(ReferenceRow.type)
        )
        return {str(kind): int(count) for kind, count in self.session.execute(statement)}

    def collection_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(CollectionRow)) or 0)

    def batch_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ImportBatchRow)) or 0)

    def trash_count(self) -> int:
        statement = select(func.count()).where(ReferenceRow.trashed.is_(True))
        return int(self.session.scalar(statement) or 0)


def _collection(row: CollectionRow) -> Collection:
    return Collection(
        id=CollectionId(row.id),
        name=row.name,
        parent_id=None if row.parent_id is None else CollectionId(row.parent_id),
        position=row.position,
    )


def _note(row: NoteRow) -> Note:
    return Note(
        reference_id=ReferenceId(row.reference_id),
        text=row.text,
        id=NoteId(row.id),
        created=row.created,
        modified=row.modified,
    )


def _merge_event(row: MergeEventRow) -> MergeEvent:
    return MergeEvent(
        id=row.id,
        reference_id=ReferenceId(row.reference_id),
        created=row.created,
        merged_reference_id=None
        if row.merged_reference_id is None
        else ReferenceId(row.merged_reference_id),
        batch_id=None if row.batch_id is None else BatchId(row.batch_id),
        fields=tuple(json.loads(row.fields)),
        description=row.description,
        source_text=row.source_text,
    )


def _batch(row: ImportBatchRow) -> ImportBatch:
    return ImportBatch(
        id=BatchId(row.id),
        created=row.created,
        method=ImportMethod(row.method),
        format_name=row.format_name,
        raw_input=row.raw_input,
        source_name=row.source_name,
        entries_found=row.entries_found,
        entries_added=row.entries_added,
        entries_skipped=row.entries_skipped,
        entries_merged=row.entries_merged,
    )
