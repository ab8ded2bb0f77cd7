"""Sorted, filtered lists of reference ids, counts, and table-row summaries.

Views of a large library hold ids and load rows a page at a time (STYLE.md #3), so
this module answers "which ids, in which order" from indexes and returns small
summaries for the rows on screen. Sorting uses the ``sort_*`` columns the repository
derives on every write; each sort key has an index that starts with ``trashed``.
"""

from __future__ import annotations

import enum
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Integer, Select, Subquery, func, select, type_coerce
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.util import ClauseAdapter

from peerref.core.model import (
    BatchId,
    CollectionId,
    CreatorRole,
    ReferenceId,
    ReferenceType,
)
from peerref.core.query import Field, FieldTerm, Query, YearRange
from peerref.store import search, search_pg
from peerref.store.engine import fetch_rows, is_postgres
from peerref.store.repository import chunks
from peerref.store.tables import (
    CreatorRow,
    ReferenceCollectionRow,
    ReferenceDetailRow,
    ReferenceRow,
    ReferenceTagRow,
    TagRow,
    table_of,
)

log = logging.getLogger(__name__)

# Characters of the abstract shown for untitled references.
ABSTRACT_START_CHARS = 80


class SortKey(enum.StrEnum):
    """Orders a reference list can be sorted in."""

    AUTHOR = "author"
    YEAR = "year"
    TITLE = "title"
    SOURCE = "source"
    TYPE = "type"
    ADDED = "added"


_SORT_COLUMNS: dict[SortKey, ColumnElement[object]] = {
    SortKey.AUTHOR: table_of(ReferenceRow).c.sort_author,
    SortKey.YEAR: table_of(ReferenceRow).c.issued_year,
    SortKey.TITLE: table_of(ReferenceRow).c.sort_title,
    SortKey.SOURCE: table_of(ReferenceRow).c.sort_source,
    SortKey.TYPE: table_of(ReferenceRow).c.type,
    SortKey.ADDED: table_of(ReferenceRow).c.added,
}


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Which references a list shows; every condition given must hold.

    ``trash=True`` lists only trashed references, otherwise they are left out.
    ``unfiled`` keeps references that are in no collection.
    """

    query: Query = field(default_factory=Query)
    collection: CollectionId | None = None
    tag: str | None = None
    batch: BatchId | None = None
    unfiled: bool = False
    trash: bool = False


@dataclass(frozen=True, slots=True)
class ReferenceSummary:
    """One table row, cheap to load in pages of a hundred or two."""

    id: ReferenceId
    authors: str
    year: int | None
    title: str
    abstract_start: str
    source: str
    type: ReferenceType
    added: datetime
    incomplete: bool
    trashed: bool


def _conditions(
    criteria: ListFilter,
    query: Query,
    *,
    postgres: bool,
    matched: str | None = None,
    from_members: bool = False,
    probe_members: bool = False,
    spelled: search.TermProbe | None = None,
    probe_text: bool = False,
    text_tested: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a listing.

    ``matched``, the ids the query's full-text MATCH returned (a JSON list), replaces the
    MATCH and writes the trash condition so that SQLite cannot answer it from an index
    (``trashed + 0``): every sort index starts with ``trashed``, so SQLite then starts
    from those few ids and sorts them, instead of walking a whole sort index and testing
    each reference against the matches. ``from_members`` does the same for a small
    collection or tag (``_few_members``), whose members SQLite then starts from.
    ``probe_members`` tests collections and tags reference by reference, and
    ``probe_text`` the text as ``spelled`` out in whole words (``_page_probe``), for a
    walk that stops after a page (``_walked_page``).
    """
    trashed: ColumnElement[int] | InstrumentedAttribute[bool] = ReferenceRow.trashed
    if (matched is not None or from_members) and not postgres:
        # A planner hint for SQLite only; PostgreSQL plans from its statistics.
        trashed = type_coerce(ReferenceRow.trashed, Integer) + 0
    conditions: list[ColumnElement[bool]] = [trashed.is_(criteria.trash)]
    if criteria.collection is not None:
        conditions.append(
            search.membership(
                select(ReferenceCollectionRow.reference_id).where(
                    ReferenceCollectionRow.collection_id == criteria.collection
                ),
                probe=probe_members,
            )
        )
    if criteria.unfiled:
        filed = select(ReferenceCollectionRow.reference_id)
        # NOT EXISTS on PostgreSQL: its NOT IN of every filed reference (most of a
        # library) outgrows work_mem and is tested against each reference in turn.
        conditions.append(~search.membership(filed, probe=probe_members or postgres))
    if criteria.tag is not None:
        conditions.append(
            search.membership(
                select(ReferenceTagRow.reference_id)
                .join(TagRow, TagRow.id == ReferenceTagRow.tag_id)
                .where(TagRow.name == criteria.tag.strip()),
                probe=probe_members,
            )
        )
    if criteria.batch is not None:
        conditions.append(ReferenceRow.batch_id == criteria.batch)
    text_condition = search.query_condition(
        query,
        matched,
        postgres=postgres,
        probe_members=probe_members,
        spelled=spelled,
        probe_text=probe_text,
        text_tested=text_tested,
    )
    if text_condition is not None:
        conditions.append(text_condition)
    return conditions


T = TypeVar("T")
_Builder = Callable[[Session, Query], T]


def _run_with_fallback(session: Session, query: Query, build: _Builder[T], fallback: T) -> T:
    """Run a listing; if the text index still rejects the query, retry it as plain words.

    The compiler quotes every phrase, so this should never trigger; it is the promise
    that no search string can crash the search box, kept even if that reasoning fails.
    On PostgreSQL each attempt runs in a savepoint: a rejected statement aborts the
    whole transaction otherwise, and the retry would fail with it. A search there is
    planned without sequential scans (``search_pg.without_table_scans`` says why).
    """
    for attempt in (query, search.degraded(query)):
        try:
            connection = session.connection()
            if is_postgres(connection):
                with session.begin_nested():
                    if not search.reads_text_index(attempt, postgres=True):
                        return build(session, attempt)
                    with search_pg.without_table_scans(connection):
                        return build(session, attempt)
            return build(session, attempt)
        except (OperationalError, ProgrammingError, DataError) as error:
            if not search.is_fts_error(error):
                raise
            log.warning("full-text search rejected %r: %s", attempt, error)
    return fallback


# Start from the full-text matches when fewer than this share of the library matches.
# Measured on 100,000 references: walking a sort index (covering the trash condition)
# and testing each reference against the matches costs about 0.15 microseconds a
# reference, fetching and sorting the matches about 1.1 a match, so starting from the
# matches wins below about a tenth (7% matching: 11 ms instead of 14 ms).
MATCHES_SHARE_TO_START_FROM = 1 / 10
# When the query also filters on the reference's own columns (type, year, import), no
# sort index covers the walk and every reference is read: then a third (a tenth
# matching with "-type:chapter": 17 ms instead of 29 ms).
MATCHES_SHARE_TO_START_FROM_FILTERED = 1 / 3


# A page wants only its first few rows in sort order: walking the sort index to them
# costs about (rows wanted x library / matches) x 0.15 microseconds, starting from the
# matches about matches x 1.1, so a page starts from them only below about the square
# root of (rows wanted x library / PAGE_MATCHES_DIVISOR): 4,500 matches for the first
# 100 rows of 1,000,000 references, instead of a tenth of the library (100,000).
PAGE_MATCHES_DIVISOR = 5
# A team library's page weighs the same two costs, measured at 1,000,000 references:
# PostgreSQL's own walk of the sort index reads and tests each reference's document out
# of line (revision 0014), about 25 microseconds; starting from the matches reads each
# from the GIN index and looks up its reference for the page's sort, about 1.6. So a
# page starts from them below about the square root of (rows wanted x library x 25 /
# 1.6): 40,000 for the first 100 rows of 1,000,000 ("sustainability energy", 9,500
# matches, 31 ms instead of 230 walking).
PG_WALK_MICROSECONDS = 25.0
PG_MATCH_MICROSECONDS = 1.6


def _nullable(column: ColumnElement[object]) -> bool:
    """Whether a sort column may hold NULL (only the year of an undated reference)."""
    return bool(getattr(column, "nullable", True))


def _highest_id(session: Session) -> int:
    """The highest reference id, which stands in for the library's size (no count)."""
    return int(session.connection().execute(select(func.max(ReferenceRow.id))).scalar() or 0)


def _start_limit(
    highest: int,
    share: float,
    wanted: int | None,
    walked_rows: int | None = None,
    *,
    postgres: bool = False,
) -> int:
    """Below how many matches (or members) a listing starts from them; see above.

    ``walked_rows``: a page of this listing would be looked for by a walk of at most
    that many rows (``_walked_page``), which cannot find ``wanted`` rows when fewer than
    ``wanted`` in ``walked_rows`` qualify; below that share the page starts from them.
    ``postgres``: the page is a team library's, whose walk costs more (see above).
    """
    limit = int(highest * share) + 1
    if wanted is not None:
        if postgres:
            weight = PG_WALK_MICROSECONDS / PG_MATCH_MICROSECONDS
            page_limit = math.isqrt(int(wanted * highest * weight)) + 1
        else:
            page_limit = math.isqrt(wanted * highest // PAGE_MATCHES_DIVISOR) + 1
        if walked_rows:
            page_limit = max(page_limit, wanted * highest // walked_rows + 1)
        limit = min(limit, page_limit)
    return limit


def _walk_length(criteria: ListFilter, query: Query, wanted: int | None) -> int | None:
    """The longest walk ``_walked_page`` would make for a page of ``wanted`` rows, if any."""
    if wanted is None:
        return None
    return max(_walks(criteria, query, wanted), default=None)


def _few_matches(
    session: Session,
    criteria: ListFilter,
    query: Query,
    wanted: int | None = None,
    probe: search.TermProbe | None = None,
) -> str | None:
    """The query's full-text matches when a listing should start from them, else None.

    ``wanted``: the listing is a page, the first ``wanted`` rows in sort order.
    ``probe``: the same text as whole words (``_page_probe``), which FTS5 reads only as
    far as the limit, where a prefix's every match is merged before the first is given.
    """
    connection = session.connection()
    postgres = is_postgres(connection)
    if probe is not None:
        expression: str | None = probe.expression
    else:
        expression = search.text_match(query, postgres=postgres)
    if expression is None:
        return None
    share = MATCHES_SHARE_TO_START_FROM
    if criteria.batch is not None or search.filters_reference_columns(query):
        share = MATCHES_SHARE_TO_START_FROM_FILTERED
    walked = _walk_length(criteria, query, wanted)
    limit = _start_limit(_highest_id(session), share, wanted, walked, postgres=postgres)
    return search.matches_if_fewer(connection, expression, limit)


def _member_queries(criteria: ListFilter, query: Query, *, postgres: bool) -> list[Select[int]]:
    """The ids of each collection or tag the listing must be in (the sidebar's, the query's)."""
    queries: list[Select[int]] = []
    if criteria.collection is not None:
        queries.append(
            select(ReferenceCollectionRow.reference_id).where(
                ReferenceCollectionRow.collection_id == criteria.collection
            )
        )
    if criteria.tag is not None:
        queries.append(
            select(ReferenceTagRow.reference_id).where(
                ReferenceTagRow.tag_id.in_(
                    select(TagRow.id).where(TagRow.name == criteria.tag.strip())
                )
            )
        )
    for term in query.terms:
        if isinstance(term, FieldTerm) and not term.negated:
            members = search.member_ids(term, postgres=postgres)
            if members is not None:
                queries.append(members)
    return queries


def _few_members(
    session: Session, criteria: ListFilter, query: Query, wanted: int | None = None
) -> bool:
    """Whether a collection or tag the listing needs has few members: start from them.

    The same trade as ``_few_matches``: walking a sort index costs about a seventh of
    fetching and sorting one member, so the members win below a tenth of the library
    (a tag on 3% of 100,000 references: 5 ms instead of 40), or for a page of
    ``wanted`` rows below the square root ``_start_limit`` gives. Each count stops at
    that limit, so a large collection costs no more than the walk it leads to.
    """
    queries = _member_queries(criteria, query, postgres=is_postgres(session.connection()))
    if not queries:
        return False
    connection = session.connection()
    walked = _walk_length(criteria, query, wanted)
    limit = _start_limit(_highest_id(session), MATCHES_SHARE_TO_START_FROM, wanted, walked)
    for members in queries:
        capped = select(func.count()).select_from(members.limit(limit).subquery())
        if int(connection.execute(capped).scalar_one()) < limit:
            return True
    return False


def _fetch_ids(session: Session, statement: Select[tuple[int]]) -> list[ReferenceId]:
    """Run an id query on the driver connection, inside the session's transaction.

    Why: SQLAlchemy's result rows cost about a microsecond each, which for "every id
    matching a common word" in a 100,000-reference library is most of the time spent.
    """
    return [ReferenceId(row[0]) for row in fetch_rows(session.connection(), statement)]


def list_ids(
    session: Session,
    criteria: ListFilter,
    *,
    sort: SortKey = SortKey.ADDED,
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[ReferenceId]:
    """Ids of the references the filter selects, sorted, optionally one page of them."""
    column = _SORT_COLUMNS[sort]
    id_column = table_of(ReferenceRow).c.id
    order = _in_order(column, id_column, descending)
    if is_postgres(session.connection()) and _nullable(column):
        # Empty years first going up, last going down, as SQLite orders NULLs. Only
        # where a column can be empty: NULLS FIRST going up is not the order of
        # PostgreSQL's indexes, which could then not serve the first page.
        first = column.desc().nulls_last() if descending else column.asc().nulls_first()
        order = (first, order[1])

    wanted = None if limit is None else offset + limit

    def build(session: Session, query: Query) -> list[ReferenceId]:
        postgres = is_postgres(session.connection())
        probe = _page_probe(session, criteria, query, wanted)
        matched = _few_matches(session, criteria, query, wanted, probe)
        from_members = (
            matched is None and not postgres and _few_members(session, criteria, query, wanted)
        )
        if (
            matched is not None
            and limit is not None
            and not postgres
            and _tests_reference_rows(criteria, query)
        ):
            page = _walked_matches(
                session, criteria, query, sort, descending, limit, offset, matched
            )
            if page is not None:
                return page
        if (
            wanted is not None
            and limit is not None
            and matched is None
            and not from_members
            and not postgres
            and _highest_id(session) > _longest_walk(wanted)
        ):
            page = _walked_page(session, criteria, query, sort, descending, limit, offset, probe)
            if page is not None:
                return page
            if _filters_beyond_text(criteria, query):
                # Too few in the walk: what qualifies is rare, plan as for the whole list.
                # (Text alone has no other plan: its matches were already too many.)
                matched = _few_matches(session, criteria, query)
                from_members = matched is None and _few_members(session, criteria, query)
        conditions = _conditions(
            criteria,
            query,
            postgres=postgres,
            matched=matched,
            from_members=from_members,
            spelled=probe,
        )
        statement: Select[tuple[int]] = (
            select(id_column).where(*conditions).order_by(*order).offset(offset)
        )
        if limit is not None:
            statement = statement.limit(limit)
        return _fetch_ids(session, statement)

    return _run_with_fallback(session, criteria.query, build, [])


# A page's walk of its sort index reads at most this many references per row wanted
# (and at least WALK_MIN_ROWS) before it gives up for the plan of the whole list: a
# page of 100 is found by walking when at least one reference in 50 qualifies. The
# walk first tries a fifth of that, enough when one in 10 qualifies. A walk that tests
# the reference's own row (a year, a type) stops there: each row it reads is a random
# look-up, about 20 microseconds at 1,000,000 references, which the plan for the whole
# list beats below a tenth. A walk with a text term walks once, at the longest, as
# every walk reads the text index's matches again.
WALK_ROWS_PER_ROW_WANTED = 50
WALK_MIN_ROWS = 5000
WALK_FIRST_TRY_SHARE = 5
# A walk for text alone (one word, ``search.term_probe``) knows how many documents hold
# the word: it reads this many times the rows that share would need for the page.
PROBE_WALK_MARGIN = 2
# What that walk costs, against SQLite's own plan, which reads every match into a
# temporary index first. Measured at 1,000,000 references: a reference tested in
# random order costs about 20 microseconds plus 3.5 per segment of the index for each
# word it is tested for (100 in 23 segments, 22 in one), a match read about 0.3.
PROBE_MICROSECONDS = 20.0
PROBE_MICROSECONDS_PER_SEGMENT = 3.5
MATCH_MICROSECONDS = 0.3


def _filters_beyond_text(criteria: ListFilter, query: Query) -> bool:
    """Whether the listing tests anything besides the trash and the text index."""
    return (
        criteria.collection is not None
        or criteria.tag is not None
        or criteria.unfiled
        or criteria.batch is not None
        or search.filters_with_tables(query)
    )


def _longest_walk(wanted: int) -> int:
    """How many rows of the sort index a page's walk may read (see ``_walks``)."""
    return max(WALK_MIN_ROWS, WALK_ROWS_PER_ROW_WANTED * wanted)


def _walks(
    criteria: ListFilter,
    query: Query,
    wanted: int,
    probe: search.TermProbe | None = None,
    highest: int = 0,
) -> tuple[int, ...]:
    """The walks, in rows, ``_walked_page`` tries for a page of ``wanted`` rows.

    For text alone, one walk if the text can be tested reference by reference
    (``probe``) and enough of the ``highest`` ids hold its word, else none; one short
    walk when each reference's row is tested; one long walk with a text term;
    otherwise the short one, then the long one (see above).
    """
    longest = _longest_walk(wanted)
    if not _filters_beyond_text(criteria, query):
        if probe is None:
            return ()
        needed = PROBE_WALK_MARGIN * wanted * highest // max(probe.documents, 1) + 1
        rows = max(needed, PROBE_WALK_MARGIN * wanted)
        per_word = PROBE_MICROSECONDS + PROBE_MICROSECONDS_PER_SEGMENT * probe.segments
        if rows > longest or rows * probe.words * per_word > probe.documents * MATCH_MICROSECONDS:
            return ()
        return (rows,)
    if _tests_reference_rows(criteria, query):
        return (longest // WALK_FIRST_TRY_SHARE,)
    if search.text_match(query) is not None:
        return (longest,)
    return (longest // WALK_FIRST_TRY_SHARE, longest)


def _in_order(
    key: ColumnElement[object], ident: ColumnElement[int], descending: bool
) -> tuple[ColumnElement[object], ColumnElement[int]]:
    """ORDER BY a sort key, then the id, both in the listing's direction."""
    return (key.desc(), ident.desc()) if descending else (key.asc(), ident.asc())


def _sort_index_walk(
    criteria: ListFilter,
    sort: SortKey,
    descending: bool,
    rows: int,
    *keeping: ColumnElement[bool],
) -> Subquery:
    """The first ``rows`` entries of the sort index, in the trash or out of it.

    Its columns are ``walked_id`` and ``walked_key``; ``keeping`` holds conditions
    tested on the index entry alone (no row read), which the entries counted must pass.
    """
    column = _SORT_COLUMNS[sort]
    id_column = table_of(ReferenceRow).c.id
    return (
        select(id_column.label("walked_id"), column.label("walked_key"))
        .where(ReferenceRow.trashed.is_(criteria.trash), *keeping)
        .order_by(*_in_order(column, id_column, descending))
        .limit(rows)
        .subquery("walk")
    )


def _walked_page(
    session: Session,
    criteria: ListFilter,
    query: Query,
    sort: SortKey,
    descending: bool,
    limit: int,
    offset: int,
    probe: search.TermProbe | None = None,
) -> list[ReferenceId] | None:
    """A page found by walking the first rows of the sort index; None if they hold too few.

    Why: with a year range, a type or a large collection or tag, SQLite plans for the
    whole list, reading every reference in the range (or every member) and sorting
    them, which at 1,000,000 references is a third of a second for the first 100 rows.
    Here it reads the sort index in order, at most a bounded number of rows, and tests
    each (collections and tags by look-up, ``probe_members``). The rows it returns are
    the page exactly: every reference past the walk sorts after the ones in it. When
    the walk holds fewer than the page needs, the caller plans for the whole list.
    For text alone SQLite walks the sort index itself, but first reads every match into
    a temporary index (a third of the library for a common word: 100 ms at 1,000,000);
    a walk here tests each reference instead, when the text is one word the index can
    spell out (``probe``, see ``_page_probe``). Only for libraries larger than the walk.
    """
    walks = _walks(criteria, query, offset + limit, probe, _highest_id(session))
    for rows in walks:
        page = _walk(session, criteria, query, sort, descending, limit, offset, rows, probe)
        if len(page) == limit:
            return page
    return None


def _page_probe(
    session: Session, criteria: ListFilter, query: Query, wanted: int | None
) -> search.TermProbe | None:
    """The text of a page of text alone as whole words (``search.term_probe``), or None.

    Only for a page of a library larger than a walk, and only for text alone: a walk
    that also tests collections, tags or the reference's row reads more rows than the
    share of one word foretells, and there one read of every match costs less than a
    look-up per row (about 0.1 ms in an index of many segments).
    """
    if (
        wanted is None
        or is_postgres(session.connection())
        or _filters_beyond_text(criteria, query)
        or search.text_match(query) is None
        or _highest_id(session) <= _longest_walk(wanted)
    ):
        return None
    return search.term_probe(session.connection(), query)


# A page of matches that must also pass a test of each reference's row (a year, a type)
# may walk the sort index among the matches (``_walked_matches``): it reads the first
# this many matches per row wanted, in order, and tests their rows. Measured at
# 1,000,000 references: an entry of the sort index tested against the matches costs
# about 0.3 microseconds, reading a reference's row about 4 (warm; 20 from disk).
MATCHED_WALK_ROWS_PER_ROW_WANTED = 20
INDEX_ENTRY_MICROSECONDS = 0.3
ROW_MICROSECONDS = 4.0


def _walked_matches(
    session: Session,
    criteria: ListFilter,
    query: Query,
    sort: SortKey,
    descending: bool,
    limit: int,
    offset: int,
    matched: str,
) -> list[ReferenceId] | None:
    """A page found among the first matches in sort order; None if they hold too few.

    Why: a listing that starts from its matches reads every matching reference's row
    and sorts them: "data analysis year:2000..2020" at 1,000,000 references reads 36,000
    rows for the first 100. Walking the sort index, testing each entry against the
    matches (no row read), and reading the rows of only the first matches it meets,
    costs less when the matches are many: the walk passes about library / matches
    entries per match it keeps. The rows it returns are the page exactly, as in
    ``_walked_page``; with too few the caller starts from the matches as before.
    """
    wanted = offset + limit
    rows = MATCHED_WALK_ROWS_PER_ROW_WANTED * wanted
    matches = matched.count(",") + 1 if matched != "[]" else 0
    if matches <= rows or _tests_the_sort_key(criteria, query, sort):
        return None
    entries = rows * _highest_id(session) / matches
    walk_cost = entries * INDEX_ENTRY_MICROSECONDS + rows * ROW_MICROSECONDS
    if walk_cost >= matches * ROW_MICROSECONDS:
        return None
    id_column = table_of(ReferenceRow).c.id
    walk = _sort_index_walk(criteria, sort, descending, rows, search.among_ids(matched))
    # The walk keeps to the trash (or out of it) and to the matches: test the rest.
    conditions = _conditions(criteria, query, postgres=False, text_tested=True)[1:]
    statement = (
        select(id_column)
        .select_from(walk)
        .join(ReferenceRow, id_column == walk.c.walked_id)
        .where(*conditions)
        .order_by(*_in_order(walk.c.walked_key, walk.c.walked_id, descending))
        .offset(offset)
        .limit(limit)
    )
    page = _fetch_ids(session, statement)
    return page if len(page) == limit else None


def _tests_the_sort_key(criteria: ListFilter, query: Query, sort: SortKey) -> bool:
    """Whether a row test picks references by the very key the listing is sorted by.

    Then what passes sits together somewhere along the sort index (the years of a range,
    one import's time added), not spread through it, and a walk from its start finds
    nothing before it has passed all that comes first.
    """
    if sort is SortKey.YEAR:
        return any(isinstance(term, YearRange) for term in query.terms)
    if sort is SortKey.TYPE:
        return any(isinstance(term, FieldTerm) and term.field is Field.TYPE for term in query.terms)
    return sort is SortKey.ADDED and criteria.batch is not None


def _tests_reference_rows(criteria: ListFilter, query: Query) -> bool:
    """Whether the listing tests columns of each reference's row (batch, year, type, ids)."""
    return criteria.batch is not None or search.filters_reference_columns(query)


def _walk(
    session: Session,
    criteria: ListFilter,
    query: Query,
    sort: SortKey,
    descending: bool,
    limit: int,
    offset: int,
    rows: int,
    probe: search.TermProbe | None = None,
) -> list[ReferenceId]:
    """The page's rows among the first ``rows`` of the sort index (see ``_walked_page``)."""
    id_column = table_of(ReferenceRow).c.id
    walk = _sort_index_walk(criteria, sort, descending, rows)
    # The walk already keeps to the trash or out of it: the first condition is that.
    conditions = _conditions(
        criteria, query, postgres=False, probe_members=True, spelled=probe, probe_text=True
    )[1:]
    statement: Select[tuple[int]]
    if _tests_reference_rows(criteria, query):
        statement = (
            select(id_column)
            .select_from(walk)
            .join(ReferenceRow, id_column == walk.c.walked_id)
            .where(*conditions)
        )
    else:
        # Only the id is tested (memberships, the text index): no need to read each
        # reference's row, a random look-up per row walked.
        to_walk = ClauseAdapter(walk)
        statement = select(walk.c.walked_id).where(*(to_walk.traverse(c) for c in conditions))
    walked_order = _in_order(walk.c.walked_key, walk.c.walked_id, descending)
    statement = statement.order_by(*walked_order).offset(offset).limit(limit)
    return _fetch_ids(session, statement)


def count(session: Session, criteria: ListFilter) -> int:
    """How many references the filter selects."""

    def build(session: Session, query: Query) -> int:
        conditions = _conditions(criteria, query, postgres=is_postgres(session.connection()))
        statement = select(func.count()).select_from(table_of(ReferenceRow)).where(*conditions)
        return int(session.connection().execute(statement).scalar_one())

    return _run_with_fallback(session, criteria.query, build, 0)


def initials(given: str) -> str:
    """ "Jean-Paul Marie" -> "J.-P. M."; what the short author display shows."""
    parts = []
    for word in re.split(r"[\s.]+", given):
        if not word:
            continue
        pieces = [p for p in word.split("-") if p]
        parts.append("-".join(f"{p[0]}." for p in pieces))
    return " ".join(parts)


class CreatorName(NamedTuple):
    """What a table row shows of a creator, read as a plain row.

    Why not ``CreatorRow``: loading ORM objects costs most of a page's summaries (a
    hundred references name some 450 creators), and a page must show in milliseconds.
    """

    role: str
    literal: str
    particle: str
    family: str
    given: str


def _short_name(row: CreatorName) -> str:
    if row.literal:
        return row.literal
    family = " ".join(p for p in (row.particle, row.family) if p)
    short_given = initials(row.given)
    return f"{family}, {short_given}" if family and short_given else family or short_given


_AUTHOR = CreatorRole.AUTHOR.value
_EDITOR = CreatorRole.EDITOR.value


def authors_display(rows: Sequence[CreatorName]) -> str:
    """ "Repper, J.", "Repper, J. & Watson, E.", "Repper, J. et al."; editors if no author."""
    authors = [r for r in rows if r.role == _AUTHOR]
    chosen = authors or [r for r in rows if r.role == _EDITOR]
    if not chosen:
        return ""
    # Only the names shown are shortened: a page of rows names hundreds of creators.
    if len(chosen) == 1:
        text = _short_name(chosen[0])
    elif len(chosen) == 2:
        text = f"{_short_name(chosen[0])} & {_short_name(chosen[1])}"
    else:
        text = f"{_short_name(chosen[0])} et al."
    if not authors:
        text += " (Ed.)" if len(chosen) == 1 else " (Eds.)"
    return text


def summaries(session: Session, ids: Sequence[int]) -> list[ReferenceSummary]:
    """Summaries in the order of ``ids``; ids that do not exist are skipped."""
    wanted = list(dict.fromkeys(ids))
    found: dict[int, ReferenceSummary] = {}
    table = table_of(ReferenceRow).c
    detail = table_of(ReferenceDetailRow).c
    creator = table_of(CreatorRow).c
    for part in chunks(sorted(wanted)):
        creators: dict[int, list[CreatorName]] = defaultdict(list)
        creator_rows = fetch_rows(
            session.connection(),
            select(
                creator.reference_id,
                creator.role,
                creator.literal,
                creator.particle,
                creator.family,
                creator.given,
            )
            .where(creator.reference_id.in_(part))
            .where(creator.role.in_([CreatorRole.AUTHOR.value, CreatorRole.EDITOR.value]))
            .order_by(creator.reference_id, creator.position),
        )
        for reference_id, *name in creator_rows:
            creators[reference_id].append(CreatorName(*name))
        rows = session.execute(
            select(
                table.id,
                table.title,
                table.issued_year,
                func.substr(detail.abstract, 1, ABSTRACT_START_CHARS + 1),
                table.container_title,
                table.publisher,
                table.type,
                table.added,
                table.truncated,
                table.trashed,
            )
            .join(table_of(ReferenceDetailRow), detail.reference_id == table.id)
            .where(table.id.in_(part))
        )
        for ref_id, title, year, abstract, container, publisher, kind, added, cut, trashed in rows:
            start = str(abstract)
            if len(start) > ABSTRACT_START_CHARS:
                start = start[:ABSTRACT_START_CHARS].rstrip() + "…"
            found[ref_id] = ReferenceSummary(
                id=ReferenceId(ref_id),
                authors=authors_display(creators[ref_id]),
                year=year,
                title=title,
                abstract_start=start,
                source=container or publisher,
                type=ReferenceType(kind),
                added=added,
                incomplete=not title or year is None or cut != "[]",
                trashed=bool(trashed),
            )
    session.expunge_all()
    return [found[i] for i in wanted if i in found]
