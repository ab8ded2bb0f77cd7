"""Reads and writes of literature reviews: reviews, decisions, search pages, sources.

Functions over one session (one transaction), as ``listing`` is; they return the frozen
objects of ``peerref.core.prisma``. Only portable statements: the same code runs on a
PostgreSQL team library.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import BatchId, CollectionId, ReferenceId
from peerref.core.prisma import (
    OTHER_SOURCE,
    Decision,
    DecisionId,
    DuplicateRecord,
    Review,
    ReviewId,
    SearchRecord,
    Stage,
    Verdict,
    database_name,
)
from peerref.store.tables import (
    ImportBatchRow,
    MergeEventRow,
    ReferenceCollectionRow,
    ReferenceDetailRow,
    ReferenceRow,
    ReviewDecisionRow,
    ReviewRow,
    SearchPageRow,
)

LIBRARY_SCOPE = "library"
SINGLE_SCREENING = "single"
DUAL_SCREENING = "dual"
COLLECTION_SCOPE = "collection"
# A review's name is unique, so it is indexed: PostgreSQL's B-tree rows hold ~2.7 kB.
MAX_REVIEW_NAME_CHARS = 200
# Ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 5000


def _review(row: ReviewRow) -> Review:
    return Review(
        id=ReviewId(row.id),
        name=row.name,
        whole_library=row.scope == LIBRARY_SCOPE,
        collection_id=None if row.collection_id is None else CollectionId(row.collection_id),
        created=row.created,
        seed=row.seed,
        reasons=tuple(json.loads(row.reasons)),
        include_terms=tuple(json.loads(row.include_terms)),
        exclude_terms=tuple(json.loads(row.exclude_terms)),
        dual=row.screening == DUAL_SCREENING,
    )


def _decision(row: ReviewDecisionRow) -> Decision:
    return Decision(
        id=DecisionId(row.id),
        review_id=ReviewId(row.review_id),
        reference_id=ReferenceId(row.reference_id),
        stage=Stage(row.stage),
        verdict=Verdict(row.verdict),
        created=row.created,
        reason=row.reason,
        reviewer=row.reviewer,
        resolution=bool(row.resolution),
    )


def _check_name_length(name: str) -> None:
    """Refuse a name too long to be one (and to fit the unique index on PostgreSQL)."""
    if len(name) > MAX_REVIEW_NAME_CHARS:
        raise UserInputError(
            f"a review's name is at most {MAX_REVIEW_NAME_CHARS} characters, "
            f"not {len(name):,} ({name[:40]!r}…)"
        )


def add_review(
    session: Session,
    *,
    name: str,
    collection_id: CollectionId | None,
    created: datetime,
    seed: int,
    reasons: Sequence[str],
    dual: bool = False,
) -> Review:
    """A new review over a collection (or the library when ``collection_id`` is None).

    Raises:
        UserInputError: another review has this name.
    """
    _check_name_length(name)
    if session.scalar(select(ReviewRow.id).where(ReviewRow.name == name)) is not None:
        raise UserInputError(f"a review named {name!r} already exists")
    row = ReviewRow(
        name=name,
        scope=LIBRARY_SCOPE if collection_id is None else COLLECTION_SCOPE,
        collection_id=collection_id,
        created=created,
        seed=seed,
        reasons=json.dumps(list(reasons), ensure_ascii=False),
        include_terms="[]",
        exclude_terms="[]",
        screening=DUAL_SCREENING if dual else SINGLE_SCREENING,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent writer took the name first
        raise UserInputError(f"a review named {name!r} already exists") from error
    return _review(row)


def reviews(session: Session) -> list[Review]:
    return [_review(row) for row in session.scalars(select(ReviewRow).order_by(ReviewRow.id))]


def review_by_name(session: Session, name: str) -> Review:
    """The review of that name (letter case ignored when no exact match)."""
    row = session.scalars(select(ReviewRow).where(ReviewRow.name == name)).first()
    if row is None:
        wanted = name.strip().casefold()
        row = next(
            (r for r in session.scalars(select(ReviewRow)) if r.name.casefold() == wanted), None
        )
    if row is None:
        raise NotFoundError(f"no review named {name!r} (see `peerref-cli review list`)")
    return _review(row)


def _review_row(session: Session, review_id: ReviewId) -> ReviewRow:
    row = session.get(ReviewRow, review_id)
    if row is None:
        raise NotFoundError(f"no review with id {review_id}")
    return row


def update_review(session: Session, review: Review) -> Review:
    """Save a review's name, reasons, highlight terms and screening mode."""
    row = _review_row(session, review.id)
    if review.name != row.name:
        _check_name_length(review.name)
        taken = session.scalar(
            select(ReviewRow.id).where(ReviewRow.name == review.name, ReviewRow.id != review.id)
        )
        if taken is not None:
            raise UserInputError(f"a review named {review.name!r} already exists")
    row.name = review.name
    row.reasons = json.dumps(list(review.reasons), ensure_ascii=False)
    row.include_terms = json.dumps(list(review.include_terms), ensure_ascii=False)
    row.exclude_terms = json.dumps(list(review.exclude_terms), ensure_ascii=False)
    row.screening = DUAL_SCREENING if review.dual else SINGLE_SCREENING
    session.flush()
    return _review(row)


def delete_review(session: Session, review_id: ReviewId) -> None:
    session.execute(delete(ReviewDecisionRow).where(ReviewDecisionRow.review_id == review_id))
    session.delete(_review_row(session, review_id))


def add_decision(
    session: Session,
    review_id: ReviewId,
    reference_id: ReferenceId,
    *,
    stage: Stage,
    verdict: Verdict,
    reason: str,
    reviewer: str,
    created: datetime,
    resolution: bool = False,
) -> Decision:
    row = ReviewDecisionRow(
        review_id=review_id,
        reference_id=reference_id,
        stage=stage.value,
        verdict=verdict.value,
        reason=reason,
        reviewer=reviewer,
        created=created,
        resolution=resolution,
    )
    session.add(row)
    session.flush()
    return _decision(row)


def decisions(session: Session, review_id: ReviewId) -> list[Decision]:
    """Every decision of the review in force or overridden, oldest first."""
    statement = (
        select(ReviewDecisionRow)
        .where(ReviewDecisionRow.review_id == review_id)
        .order_by(ReviewDecisionRow.id)
    )
    return [_decision(row) for row in session.scalars(statement)]


def delete_latest_decision(
    session: Session, review_id: ReviewId, reviewer: str | None = None
) -> Decision | None:
    """Undo: remove the review's latest decision, which brings back the one before it.

    With ``reviewer`` (dual screening), that reviewer's latest: one never takes back
    another's decision, which they may not even see.
    """
    statement = select(ReviewDecisionRow).where(ReviewDecisionRow.review_id == review_id)
    if reviewer is not None:
        statement = statement.where(ReviewDecisionRow.reviewer == reviewer)
    row = session.scalars(statement.order_by(ReviewDecisionRow.id.desc()).limit(1)).first()
    if row is None:
        return None
    undone = _decision(row)
    session.delete(row)
    session.flush()
    return undone


def _scope(review: Review) -> Select[Any]:
    """The ids of the review's references outside the trash, as a subquery to select."""
    statement = select(ReferenceRow.id).where(ReferenceRow.trashed.is_(False))
    if review.whole_library:
        return statement
    return statement.join(
        ReferenceCollectionRow, ReferenceCollectionRow.reference_id == ReferenceRow.id
    ).where(ReferenceCollectionRow.collection_id == (review.collection_id or -1))


def pool_ids(session: Session, review: Review) -> list[ReferenceId]:
    """The references to screen, in import order (ids grow as references are added)."""
    if not review.whole_library and review.collection_id is None:
        return []
    return [ReferenceId(i) for i in session.scalars(_scope(review).order_by(ReferenceRow.id))]


def set_search_page(
    session: Session, batch_id: BatchId, *, query: str, hit_count: int | None, hit_text: str
) -> None:
    """Record what the results page of an import said about its search."""
    session.merge(
        SearchPageRow(batch_id=batch_id, query=query, hit_count=hit_count, hit_text=hit_text)
    )


def search_sources(
    session: Session, review: Review
) -> tuple[list[SearchRecord], list[DuplicateRecord]]:
    """The searches that fed a review and the duplicates removed before screening.

    A batch *fed* the review when every reference it added that is not in the trash is
    in the review: then all the records its page held count (those skipped or merged at
    import as duplicates included), minus any the person trashed. A batch that gave the
    review only some references (a paper pulled into the collection later) counts just
    those, and the duplicates merged into them. Duplicates are what PeerRef found: entries
    skipped or merged at import, and references merged later (``merge_event``).
    """
    if not review.whole_library and review.collection_id is None:
        return [], []
    scope = _scope(review).subquery()
    pool_by_batch: Counter[int | None] = Counter()
    for batch, n in session.execute(
        select(ReferenceRow.batch_id, func.count())
        .where(ReferenceRow.id.in_(select(scope.c.id)))
        .group_by(ReferenceRow.batch_id)
    ):
        pool_by_batch[batch] = n
    merged_by_batch: Counter[int | None] = Counter()
    fills_by_batch: Counter[int | None] = Counter()
    listed: list[tuple[int | None, DuplicateRecord]] = []
    events = session.execute(
        select(
            MergeEventRow.reference_id,
            MergeEventRow.merged_reference_id,
            MergeEventRow.batch_id,
            MergeEventRow.description,
        )
        .where(MergeEventRow.reference_id.in_(select(scope.c.id)))
        .order_by(MergeEventRow.id)
    )
    merged_ids: dict[int, tuple[int, str]] = {}
    for kept, merged, batch, description in events:
        if merged is not None:
            merged_ids[merged] = (kept, description)
        elif batch is not None:
            fills_by_batch[batch] += 1
            listed.append(
                (
                    batch,
                    DuplicateRecord("", ReferenceId(kept), description, "merged at import"),
                )
            )
    if merged_ids:
        merged_batches: dict[int, int | None] = {}
        for ref_id, batch in session.execute(
            select(ReferenceRow.id, ReferenceRow.batch_id).where(
                ReferenceRow.id.in_(sorted(merged_ids))
            )
        ):
            merged_batches[ref_id] = batch
        for merged, (kept, description) in merged_ids.items():
            batch = merged_batches.get(merged)
            merged_by_batch[batch] += 1
            listed.append(
                (batch, DuplicateRecord("", ReferenceId(kept), description, f"merged (#{merged})"))
            )
    batch_ids = sorted(
        b for b in {*pool_by_batch, *merged_by_batch, *fills_by_batch} if b is not None
    )
    batch_rows = {
        row.id: row
        for row in session.scalars(select(ImportBatchRow).where(ImportBatchRow.id.in_(batch_ids)))
    }
    pages = {
        row.batch_id: row
        for row in session.scalars(
            select(SearchPageRow).where(SearchPageRow.batch_id.in_(batch_ids))
        )
    }
    live: dict[int | None, int] = {}
    trashed: dict[int | None, int] = {}
    if batch_ids:
        for batch, is_trashed, n in session.execute(
            select(ReferenceRow.batch_id, ReferenceRow.trashed, func.count())
            .where(ReferenceRow.batch_id.in_(batch_ids))
            .group_by(ReferenceRow.batch_id, ReferenceRow.trashed)
        ):
            (trashed if is_trashed else live)[batch] = n
    records: list[SearchRecord] = []
    database_of: dict[int | None, str] = {None: OTHER_SOURCE}
    for batch in batch_ids:
        in_pool = pool_by_batch[batch]
        found_here = in_pool + merged_by_batch[batch] + fills_by_batch[batch]
        row = batch_rows.get(batch)
        if row is None:  # cannot happen with the foreign key; counted as other sources
            pool_by_batch[None] += in_pool
            merged_by_batch[None] += found_here - in_pool
            continue
        if live.get(batch, 0) == in_pool:
            total = max(
                found_here, row.entries_found - trashed.get(batch, 0) + merged_by_batch[batch]
            )
        else:
            total = found_here
        page = pages.get(batch)
        database = database_name(row.format_name)
        database_of[batch] = database
        records.append(
            SearchRecord(
                batch_id=BatchId(batch),
                database=database,
                created=row.created,
                query=page.query if page else "",
                hit_count=page.hit_count if page else None,
                hit_text=page.hit_text if page else "",
                records=total,
                duplicates=total - in_pool,
                source_name=row.source_name,
                method=row.method,
            )
        )
        skipped = total - found_here
        if skipped > 0:
            listed.append(
                (
                    batch,
                    DuplicateRecord(
                        "",
                        None,
                        f"{skipped} record(s) of {row.source_name or 'the page'}",
                        "skipped at import (already in the library or twice on the page)",
                        skipped,
                    ),
                )
            )
    others = pool_by_batch[None] + merged_by_batch[None] + fills_by_batch[None]
    if others:
        records.append(
            SearchRecord(
                batch_id=None,
                database=OTHER_SOURCE,
                created=None,
                query="",
                hit_count=None,
                hit_text="",
                records=others,
                duplicates=others - pool_by_batch[None],
            )
        )
    duplicates = [
        DuplicateRecord(
            database_of.get(batch, OTHER_SOURCE),
            item.kept_id,
            item.description,
            item.how,
            item.count,
        )
        for batch, item in listed
    ]
    return records, duplicates


def screening_texts(session: Session, ids: Sequence[int]) -> dict[ReferenceId, str]:
    """Title and abstract of each reference, for ranking by relevance.

    Two columns instead of whole references: 20,000 of them read in a fraction of the
    time ``Repository.get_references`` takes (no creators, tags or collections).
    """
    texts: dict[ReferenceId, str] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        statement = (
            select(ReferenceRow.id, ReferenceRow.title, ReferenceDetailRow.abstract)
            .outerjoin(ReferenceDetailRow, ReferenceDetailRow.reference_id == ReferenceRow.id)
            .where(ReferenceRow.id.in_(part))
        )
        for ref_id, title, abstract in session.execute(statement):
            texts[ReferenceId(ref_id)] = f"{title}\n{abstract or ''}"
    return texts


def reference_titles(session: Session, ids: Sequence[int]) -> dict[ReferenceId, str]:
    """The title of each reference, for tables that list decisions by reference.

    One column, so a table of 20,000 decisions can fetch the titles of the rows in view
    a block at a time; references that no longer exist are simply absent.
    """
    titles: dict[ReferenceId, str] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        statement = select(ReferenceRow.id, ReferenceRow.title).where(ReferenceRow.id.in_(part))
        for ref_id, title in session.execute(statement):
            titles[ReferenceId(ref_id)] = title or ""
    return titles
