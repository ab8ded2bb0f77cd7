"""The library's tables as typed SQLAlchemy 2 ORM classes.

Rows never leave the store: ``repository`` turns them into the frozen objects of
``peerref.core.model``. Columns named ``sort_*`` are derived from the bibliographic
fields on every write, so that sorted listings of a large library read an index
instead of sorting in Python.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from peerref.store.base import Base


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as fixed-width ISO 8601 text in UTC.

    Why: SQLite has no time zone type, and fixed-width UTC text sorts in time order, so
    the "added" listing can use a plain index. Naive datetimes are taken as local time.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


class ImportBatchRow(Base):
    """One import: provenance that lets a person see the original text later."""

    __tablename__ = "import_batch"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    method: Mapped[str] = mapped_column(String(32))
    format_name: Mapped[str] = mapped_column(String(64))
    raw_input: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text, default="")
    entries_found: Mapped[int] = mapped_column(Integer, default=0)
    entries_added: Mapped[int] = mapped_column(Integer, default=0)
    entries_skipped: Mapped[int] = mapped_column(Integer, default=0)
    entries_merged: Mapped[int] = mapped_column(Integer, default=0)


class ReferenceRow(Base):
    """One reference's short fields. Lists (ISSN, ISBN, truncated) are JSON text.

    The long texts live in ``reference_detail``: rows stay a few hundred bytes, so
    filtering and sorting 100,000 of them reads megabytes, not the abstracts.
    """

    __tablename__ = "reference"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text, default="")
    title_short: Mapped[str] = mapped_column(Text, default="")
    container_title: Mapped[str] = mapped_column(Text, default="")
    container_title_short: Mapped[str] = mapped_column(Text, default="")
    collection_title: Mapped[str] = mapped_column(Text, default="")
    volume: Mapped[str] = mapped_column(Text, default="")
    issue: Mapped[str] = mapped_column(Text, default="")
    page: Mapped[str] = mapped_column(Text, default="")
    issued_year: Mapped[int | None] = mapped_column(Integer)
    issued_month: Mapped[int | None] = mapped_column(Integer)
    issued_day: Mapped[int | None] = mapped_column(Integer)
    issued_season: Mapped[str] = mapped_column(Text, default="")
    issued_literal: Mapped[str] = mapped_column(Text, default="")
    issued_end_year: Mapped[int | None] = mapped_column(Integer)
    issued_end_month: Mapped[int | None] = mapped_column(Integer)
    issued_end_day: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(Text, default="")
    publisher_place: Mapped[str] = mapped_column(Text, default="")
    edition: Mapped[str] = mapped_column(Text, default="")
    issn: Mapped[str] = mapped_column(Text, default="[]")
    isbn: Mapped[str] = mapped_column(Text, default="[]")
    doi: Mapped[str] = mapped_column(Text, default="")
    pmid: Mapped[str] = mapped_column(Text, default="")
    pmcid: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(Text, default="")
    truncated: Mapped[str] = mapped_column(Text, default="[]")
    added: Mapped[datetime] = mapped_column(UtcDateTime())
    modified: Mapped[datetime] = mapped_column(UtcDateTime())
    reading_status: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    trashed: Mapped[bool] = mapped_column(default=False)
    sort_author: Mapped[str] = mapped_column(Text, default="")
    sort_title: Mapped[str] = mapped_column(Text, default="")
    sort_source: Mapped[str] = mapped_column(Text, default="")
    # Row version: raised by every edit, so an edit made on a stale copy is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Who added and who last edited (a PostgreSQL role or the Preferences name).
    added_by: Mapped[str] = mapped_column(Text, default="", server_default="")
    modified_by: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_reference_sort_author", "trashed", "sort_author"),
        Index("ix_reference_sort_year", "trashed", "issued_year"),
        Index("ix_reference_sort_title", "trashed", "sort_title"),
        Index("ix_reference_sort_source", "trashed", "sort_source"),
        Index("ix_reference_sort_type", "trashed", "type"),
        Index("ix_reference_sort_added", "trashed", "added"),
        # Ids are never reused, so an id printed by the CLI keeps naming one reference.
        {"sqlite_autoincrement": True},
    )


class ReferenceDetailRow(Base):
    """The long texts of a reference: abstract, keywords, extra fields, raw source."""

    __tablename__ = "reference_detail"

    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True
    )
    # The abstract as flat text (searched, shown); the exact sections as JSON only when
    # the flat text alone would not give them back (an unusual heading, for instance).
    abstract: Mapped[str] = mapped_column(Text, default="")
    abstract_sections: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[str] = mapped_column(Text, default="[]")
    extra: Mapped[str] = mapped_column(Text, default="{}")
    source_text: Mapped[str] = mapped_column(Text, default="")


class CreatorRow(Base):
    """A creator of a reference, at its position in the author/editor list."""

    __tablename__ = "creator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference_id: Mapped[int] = mapped_column(ForeignKey("reference.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    family: Mapped[str] = mapped_column(Text, default="")
    given: Mapped[str] = mapped_column(Text, default="")
    particle: Mapped[str] = mapped_column(Text, default="")
    dropping_particle: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    literal: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("reference_id", "position"),)


class CollectionRow(Base):
    """A node of the collections tree."""

    __tablename__ = "collection"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class ReferenceCollectionRow(Base):
    """Membership of a reference in a collection (a reference can be in many)."""

    __tablename__ = "reference_collection"

    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True
    )
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TagRow(Base):
    """A tag name; names are unique regardless of letter case."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text(collation="NOCASE"), unique=True)


class ReferenceTagRow(Base):
    """A tag on a reference."""

    __tablename__ = "reference_tag"

    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NoteRow(Base):
    """A markdown note on a reference."""

    __tablename__ = "note"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    modified: Mapped[datetime] = mapped_column(UtcDateTime())


class NotDuplicateRow(Base):
    """A "not duplicates" decision: two references a person said are different works.

    Kept for as long as both references exist, so duplicate detection never offers the
    pair again. The smaller id comes first, so each pair has one row.
    """

    __tablename__ = "not_duplicate"

    first_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint("first_id < second_id", name="ordered_pair"),)


class DedupeKeyRow(Base):
    """A blocking key of a reference (``peerref.core.dedupe.blocking_keys``).

    Duplicate checks of an import look new references' ``lookup_keys`` up here and load
    only the few references that share one, instead of all 100,000. Every reference has
    at least one row (``NO_KEYS`` when it has no key), so a reference without rows is one
    whose keys were never computed (a library upgraded from revision 0002).
    """

    __tablename__ = "dedupe_key"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MergeEventRow(Base):
    """Provenance of a merge: another record (a reference or an imported entry) merged in.

    ``merged_reference_id`` has no foreign key on purpose: the merged reference goes to the
    trash and may be deleted for good, but the record of where fields came from stays
    (ids are never reused). ``description`` and ``source_text`` keep what the merged
    record looked like and was read from for the same reason.
    """

    __tablename__ = "merge_event"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    merged_reference_id: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    fields: Mapped[str] = mapped_column(Text, default="[]")
    description: Mapped[str] = mapped_column(Text, default="")
    source_text: Mapped[str] = mapped_column(Text, default="")


class SearchPageRow(Base):
    """What a results page said about its search: the query and the hit count.

    A row only for imports whose page showed either (most files show neither), kept
    beside ``import_batch`` so the search log of a review (PRISMA-S) can name them.
    """

    __tablename__ = "search_page"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    query: Mapped[str] = mapped_column(Text, default="")
    hit_count: Mapped[int | None] = mapped_column(Integer)
    hit_text: Mapped[str] = mapped_column(Text, default="")


class ReviewRow(Base):
    """A literature review: a named screening project over a collection or the library.

    ``collection_id`` is set to NULL when the collection is deleted, and ``scope`` still
    says "collection": the review and its decisions stay, with nothing left to screen.
    Lists (reasons, highlight terms) are JSON text.
    """

    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint("scope IN ('library', 'collection')", name="scope_kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="SET NULL"), index=True
    )
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    seed: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    include_terms: Mapped[str] = mapped_column(Text, default="[]")
    exclude_terms: Mapped[str] = mapped_column(Text, default="[]")
    # "single" or "dual" (independent screening by two or more reviewers), revision 0008.
    screening: Mapped[str] = mapped_column(String(16), default="single", server_default="single")


class ReviewDecisionRow(Base):
    """One screening decision. The latest row per reference and stage is in force;
    undoing deletes the review's latest row, so each decision and each undo is one
    small transaction and a killed app loses nothing already decided.
    """

    __tablename__ = "review_decision"
    __table_args__ = (
        Index("ix_review_decision_review_reference", "review_id", "reference_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(UtcDateTime())
    # A decision that settles reviewers' disagreement in dual screening (revision 0008).
    resolution: Mapped[bool] = mapped_column(default=False, server_default=false())


class LibraryMetaRow(Base):
    """A fact about the library itself; ``uuid`` names it wherever its file or server is."""

    __tablename__ = "library_meta"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CopiedRowRow(Base):
    """Where a copied row came from: library ``source`` (its uuid), table and id there.

    Lets ``copy-library`` run again without copying anything twice, and remap the links
    of later rows to rows copied earlier.
    """

    __tablename__ = "copied_row"

    source: Mapped[str] = mapped_column(Text, primary_key=True)
    table_name: Mapped[str] = mapped_column(Text, primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer)


def table_of(model: type[Base]) -> Table:
    """The Core table of an ORM class, for bulk statements (``__table__`` is typed loosely)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
