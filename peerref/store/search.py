"""Full-text search with SQLite FTS5, and the search language compiled to SQL.

The index is one FTS5 table whose rowid is the reference id and whose columns are the
texts people search: title, creators, container, abstract, keywords, notes and tags.
Documents come from a view over the stored rows (external content), so the index can
only ever hold what the tables hold; every write that touches those texts wraps its
change in ``reindexing`` inside its own transaction. All FTS5 specifics are in this
module; a team library's PostgreSQL index (a tsvector per reference) is in ``search_pg``,
and the functions here hand over to it, so callers never ask which backend they have.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute

from peerref.core.model import ReferenceType
from peerref.core.query import (
    Field,
    FieldTerm,
    IdentifierTerm,
    Phrase,
    Query,
    Term,
    Word,
    YearRange,
)
from peerref.store import search_pg
from peerref.store.engine import is_postgres
from peerref.store.tables import (
    CollectionRow,
    ReferenceCollectionRow,
    ReferenceRow,
    ReferenceTagRow,
    TagRow,
    table_of,
)

log = logging.getLogger(__name__)

FTS_TABLE = "reference_fts"
DOCUMENT_VIEW = "reference_document"
FTS_COLUMNS = ("title", "creators", "container", "abstract", "keywords", "notes", "tags")

# The document of each reference, built from the tables. The index reads nothing else.
# Keywords are indexed as their stored JSON text: the tokenizer skips the brackets and
# quotes, and FTS5 cannot read its content through table-valued functions like json_each.
CREATE_DOCUMENT_VIEW_SQL = f"""
CREATE VIEW {DOCUMENT_VIEW} AS
SELECT r.id AS id,
  r.title || ' ' || r.title_short AS title,
  coalesce((SELECT group_concat(c.given || ' ' || c.dropping_particle || ' ' || c.particle
                                || ' ' || c.family || ' ' || c.suffix || ' ' || c.literal, ' ')
            FROM creator AS c WHERE c.reference_id = r.id), '') AS creators,
  r.container_title || ' ' || r.container_title_short || ' ' || r.collection_title
    || ' ' || r.publisher AS container,
  d.abstract AS abstract,
  d.keywords AS keywords,
  coalesce((SELECT group_concat(n.text, ' ') FROM note AS n WHERE n.reference_id = r.id), '')
    AS notes,
  coalesce((SELECT group_concat(t.name, ' ') FROM reference_tag AS rt
            JOIN tag AS t ON t.id = rt.tag_id WHERE rt.reference_id = r.id), '') AS tags
FROM reference AS r JOIN reference_detail AS d ON d.reference_id = r.id
"""

# External content: the index stores tokens only and reads text from the view, which
# halves the file compared with a self-contained index. remove_diacritics 2 lets
# "Muller" find "Müller". No prefix index: prefixes of three letters or more (the only
# ones searched as prefixes) are fast without one, and it would add 80% to the index.
CREATE_FTS_SQL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    + ", ".join(FTS_COLUMNS)
    + f", content = '{DOCUMENT_VIEW}', content_rowid = 'id'"
    + ", tokenize = 'unicode61 remove_diacritics 2')"
)

_COLUMN_LIST = ", ".join(FTS_COLUMNS)
_SELECTED_IDS = "WHERE id IN (SELECT value FROM json_each(:ids))"
_UNINDEX_SQL = (
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_COLUMN_LIST}) "
    f"SELECT 'delete', id, {_COLUMN_LIST} FROM {DOCUMENT_VIEW} {_SELECTED_IDS}"
)
_INDEX_SQL = (
    f"INSERT INTO {FTS_TABLE} (rowid, {_COLUMN_LIST}) "
    f"SELECT id, {_COLUMN_LIST} FROM {DOCUMENT_VIEW} {_SELECTED_IDS}"
)


def _id_list(ids: Iterable[int]) -> str:
    return json.dumps(sorted({int(i) for i in ids}))


def index(connection: Connection, ids: Iterable[int]) -> None:
    """Add the documents of new (or just unindexed) references to the index."""
    if is_postgres(connection):
        search_pg.index(connection, ids)
        return
    id_list = _id_list(ids)
    if id_list != "[]":
        connection.execute(text(_INDEX_SQL), {"ids": id_list})


def unindex(connection: Connection, ids: Iterable[int]) -> None:
    """Take references out of the index; call BEFORE their rows change or go.

    An external-content index forgets a document by being told its exact old text,
    which the view still shows only until the rows are written.
    """
    if is_postgres(connection):
        search_pg.unindex(connection, ids)
        return
    id_list = _id_list(ids)
    if id_list != "[]":
        connection.execute(text(_UNINDEX_SQL), {"ids": id_list})


@contextmanager
def reindexing(connection: Connection, ids: Iterable[int]) -> Iterator[None]:
    """Wrap a change to these references' searchable text: unindex before, index after.

    Why not a trigger: the text of a reference is spread over five tables, and one
    re-index per change is cheaper than one per row touched.
    """
    id_set = {int(i) for i in ids}
    if is_postgres(connection):  # each document is rewritten whole: nothing to forget first
        yield
        index(connection, id_set)
        return
    unindex(connection, id_set)
    yield
    index(connection, id_set)


def rebuild(connection: Connection) -> None:
    """Rebuild the whole index from the view (after a migration, or to repair it)."""
    if is_postgres(connection):
        search_pg.rebuild(connection)
        return
    connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def check_integrity(connection: Connection) -> None:
    """Raise if the index differs from the documents the tables give (tests use this)."""
    if is_postgres(connection):
        search_pg.check_integrity(connection)
        return
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
    )


# ---------------------------------------------------------------------------------------
# Compiling the search language


def _is_token_char(char: str) -> bool:
    # FTS5's unicode61 tokenizer: letters, numbers and private-use characters make tokens;
    # combining marks are kept with their letter (remove_diacritics folds them away).
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def tokens(value: str) -> list[str]:
    """Split text the way the index does, so only real tokens reach an FTS5 query."""
    out: list[str] = []
    current: list[str] = []
    for char in value:
        if _is_token_char(char):
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def _fts_phrase(value: str, *, prefix: bool) -> str | None:
    """A quoted FTS5 phrase, or None when the value holds no searchable token.

    Quoting every phrase means no user text is ever read as FTS5 syntax (AND, NEAR, ^, *
    or a column name), so no search string can raise a syntax error. A last word of
    one or two letters matches exactly: as a prefix it would match most of the library.
    """
    words = tokens(value)
    if not words:
        return None
    body = " ".join(words).replace('"', '""')
    star = "*" if prefix and len(words[-1]) >= MIN_PREFIX_LETTERS else ""
    return f'"{body}"{star}'


MIN_PREFIX_LETTERS = 3

_FTS_FIELD_COLUMNS = {Field.AUTHOR: "creators", Field.TITLE: "title"}

_TYPE_ALIASES: dict[str, tuple[ReferenceType, ...]] = {
    "journal": (ReferenceType.ARTICLE_JOURNAL,),
    "article": (ReferenceType.ARTICLE_JOURNAL, ReferenceType.PREPRINT),
    "conference": (ReferenceType.PAPER_CONFERENCE,),
    "paper": (ReferenceType.PAPER_CONFERENCE,),
    "preprint": (ReferenceType.PREPRINT,),
    "web": (ReferenceType.WEBPAGE,),
    "data": (ReferenceType.DATASET,),
    "other": (ReferenceType.OTHER,),
    "dissertation": (ReferenceType.THESIS,),
}


def types_named(value: str) -> set[ReferenceType]:
    """Reference types whose CSL name or friendly alias starts with ``value``."""
    wanted = value.casefold()
    found = {t for t in ReferenceType if t.value.startswith(wanted)}
    for alias, types in _TYPE_ALIASES.items():
        if alias.startswith(wanted):
            found.update(types)
    return found


def _fts_match(expression: str) -> ColumnElement[bool]:
    subquery = select(literal_column("rowid", Integer)).select_from(text(FTS_TABLE))
    # unique=True: a query holds several MATCH subqueries, each with its own value.
    match: BindParameter[str] = bindparam("match", expression, unique=True)
    subquery = subquery.where(text(f"{FTS_TABLE} MATCH :match").bindparams(match))
    return ReferenceRow.id.in_(subquery)


def _one_of(ids: str, *, postgres: bool = False) -> ColumnElement[bool]:
    """``reference.id`` in a JSON list of ids, passed as one parameter (any length).

    On PostgreSQL the list goes as an integer array: ``= ANY`` of a bound array is
    planned knowing its length, as a look-up of each id.
    """
    if postgres:
        numbers = [int(i) for i in json.loads(ids)]
        return ReferenceRow.id == any_(bindparam("ids", numbers, type_=ARRAY(Integer), unique=True))
    values = func.json_each(bindparam("ids", ids, unique=True))
    listed = values.table_valued(column("value", Integer))
    return ReferenceRow.id.in_(select(listed.c.value))


def among_ids(ids: str) -> ColumnElement[bool]:
    """``reference.id`` in a JSON list of ids, written so SQLite cannot start from the list.

    ``reference.id + 0`` is no longer the table's key: SQLite then keeps to the plan the
    rest of the statement asks for (walking a sort index) and tests each id against the
    list, instead of fetching every listed reference and sorting them all.
    """
    values = func.json_each(bindparam("ids", ids, unique=True))
    listed = values.table_valued(column("value", Integer))
    return (type_coerce(ReferenceRow.id, Integer) + 0).in_(select(listed.c.value))


def _like_prefix(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _name_matches(
    column: ColumnElement[str] | InstrumentedAttribute[str], term: FieldTerm, *, postgres: bool
) -> ColumnElement[bool]:
    value = term.value.replace("\x00", "") if postgres else term.value  # no NUL in PG text
    if term.exact:
        return column == value
    if postgres:
        # PostgreSQL's case-insensitive collation cannot do LIKE; ILIKE under "C" folds
        # ASCII letters only, which is what SQLite's LIKE does.
        return column.collate("C").ilike(_like_prefix(value), escape="\\")
    return column.like(_like_prefix(value), escape="\\")


def identifier_condition(term: IdentifierTerm) -> ColumnElement[bool]:
    """References holding the identifier: any of the term's forms in its column.

    Identifiers are not in the text index (its tokenizer splits them apart); they are
    compared with the stored columns in portable SQL (lower, upper, replace, LIKE), so a
    PostgreSQL library can use this condition unchanged. DOIs compare without regard to
    case and match as prefixes; ISSNs and ISBNs are looked for inside the JSON lists they
    are stored as, ISBNs by their digits whatever hyphens were stored.
    """
    conditions: list[ColumnElement[bool]] = []
    if term.doi:
        doi = func.lower(ReferenceRow.doi)
        conditions.append(doi.like(_like_prefix(term.doi.lower()), escape="\\"))
    if term.issn:
        conditions.append(ReferenceRow.issn.like(_like_inside_json(term.issn), escape="\\"))
    if term.isbn:
        digits = func.upper(func.replace(func.replace(ReferenceRow.isbn, "-", ""), " ", ""))
        conditions.extend(digits.like(_like_inside_json(form), escape="\\") for form in term.isbn)
    if term.pmid:
        conditions.append(ReferenceRow.pmid == term.pmid)
    return or_(*conditions) if conditions else false()


def _like_inside_json(value: str) -> str:
    """A LIKE pattern for one whole string inside a stored JSON list of strings."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'%"{escaped}"%'


def _answered_by_tables(term: Term) -> bool:
    """Whether the tables, not the text index, answer this term."""
    return isinstance(term, YearRange | IdentifierTerm) or (
        isinstance(term, FieldTerm) and term.field not in _FTS_FIELD_COLUMNS
    )


def _sql_condition(
    term: FieldTerm | YearRange | IdentifierTerm, *, postgres: bool, probe_members: bool = False
) -> ColumnElement[bool]:
    """The condition for a term the tables answer directly (not the text index)."""
    if isinstance(term, IdentifierTerm):
        return identifier_condition(term)
    if isinstance(term, YearRange):
        year = ReferenceRow.issued_year
        low = true() if term.start is None else year >= term.start
        high = true() if term.end is None else year <= term.end
        return and_(year.is_not(None), low, high)
    if term.field is Field.TYPE:
        types = types_named(term.value)
        return ReferenceRow.type.in_([t.value for t in types]) if types else false()
    members = member_ids(term, postgres=postgres)
    if members is None:
        return false()
    return membership(members, probe=probe_members)


def membership(members: Select[int], *, probe: bool) -> ColumnElement[bool]:
    """``reference.id`` among the ids ``members`` selects (a link table's reference_id).

    ``probe`` asks for a correlated EXISTS, one index look-up per reference tested,
    instead of IN, which SQLite answers by first reading every member into a temporary
    index: right for a walk that stops after a page of a large collection or tag.
    """
    if probe:
        return members.where(members.selected_columns[0] == ReferenceRow.id).exists()
    return ReferenceRow.id.in_(members)


def member_ids(term: FieldTerm, *, postgres: bool) -> Select[int] | None:
    """The ids of the references a ``tag:`` or ``collection:`` term names; None for others.

    IN (...) over this rather than a correlated EXISTS: SQLite can then start from the
    few tagged references instead of probing every row of the library. Nested IN rather
    than a join: the join lets SQLite scan every membership row and look its name up,
    where this finds the few matching names first and then their members by index.
    """
    if term.field is Field.TAG:
        return select(ReferenceTagRow.reference_id).where(
            ReferenceTagRow.tag_id.in_(
                select(TagRow.id).where(_name_matches(TagRow.name, term, postgres=postgres))
            )
        )
    if term.field is Field.COLLECTION:
        # Collection names compare without regard to letter case, like tag names.
        collection_name = CollectionRow.name.collate("NOCASE")
        return select(ReferenceCollectionRow.reference_id).where(
            ReferenceCollectionRow.collection_id.in_(
                select(CollectionRow.id).where(
                    _name_matches(collection_name, term, postgres=postgres)
                )
            )
        )
    return None


def filters_with_tables(query: Query) -> bool:
    """Whether any term is answered by the tables (a year, type, tag, collection or id)."""
    return any(_answered_by_tables(term) for term in query.terms)


def filters_reference_columns(query: Query) -> bool:
    """Whether the query tests columns of ``reference`` itself (a year, type or identifier)."""
    return any(
        isinstance(term, YearRange | IdentifierTerm)
        or (isinstance(term, FieldTerm) and term.field is Field.TYPE)
        for term in query.terms
    )


def _fts_expression(term: Term) -> str | None:
    if isinstance(term, Word):
        return _fts_phrase(term.text, prefix=True)
    if isinstance(term, Phrase):
        return _fts_phrase(term.text, prefix=False)
    if isinstance(term, FieldTerm) and term.field in _FTS_FIELD_COLUMNS:
        phrase = _fts_phrase(term.value, prefix=not term.exact)
        return None if phrase is None else f"{_FTS_FIELD_COLUMNS[term.field]} : {phrase}"
    return None


def _text_expressions(query: Query) -> tuple[list[str], list[str]]:
    """The FTS5 expressions of the query's positive and of its excluded text terms."""
    positive: list[str] = []
    negative: list[str] = []
    for term in query.terms:
        if _answered_by_tables(term):
            continue
        expression = _fts_expression(term)
        if expression is not None:
            (negative if term.negated else positive).append(expression)
    return positive, negative


def text_match(query: Query, *, postgres: bool = False) -> str | None:
    """The one FTS5 MATCH expression a query's results must satisfy, or None.

    Positive text terms are ANDed; excluded ones are taken out with FTS5's NOT inside
    the same expression, which reads each document list once instead of building a
    second id list to subtract. Without a positive term there is no expression: FTS5
    cannot express "NOT x" alone, so ``query_condition`` subtracts a MATCH instead.
    On a team library the expression is a tsquery of the same meaning (``search_pg``).
    """
    if postgres:
        return search_pg.text_match(query)
    positive, negative = _text_expressions(query)
    if not positive:
        return None
    expression = " AND ".join(positive)
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return expression


# The index's own dictionary of words (an fts5vocab table, one per connection, made when
# first needed): what a prefix stands for is read from it, and how many documents hold
# each word.
_WORDS_TABLE = "temp.reference_fts_words"
_CREATE_WORDS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_WORDS_TABLE} USING fts5vocab(main, {FTS_TABLE}, 'row')"
)
# A prefix standing for more words than this is left a prefix: each word of a probe is
# one more look-up in every segment of the index, for every reference tested.
MAX_PREFIX_WORDS = 12


@dataclass(frozen=True, slots=True)
class TermProbe:
    """A query's text as an FTS5 expression of whole words, to test reference by reference.

    Why: FTS5 answers a prefix ("learn"*) by merging the document lists of every word
    that starts with it, all of them, each time it is asked, so testing one reference
    against a prefix costs as much as listing every match (25 ms at 1,000,000
    references). The same words spelled out ("learning" OR "learner") are a seek per
    word. ``documents``: how many documents hold the one positive term's words, summed
    (an upper bound), which tells how far a walk must go to find a page; ``segments``:
    how many segments the index is in, each one more look-up per word tested; ``words``:
    how many words each reference is tested for.
    """

    expression: str
    documents: int
    segments: int
    words: int


class _NoWordsError(Exception):
    """A term whose prefix the index holds no word for: it matches nothing."""


def term_probe(connection: Connection, query: Query) -> TermProbe | None:
    """The query's text as whole words, when it has one positive word and it can be spelled.

    None on a team library, for several positive text terms (how many documents hold
    them all is not known before they are read) or a field's term (the dictionary
    counts documents, not fields), for a phrase of several words, and for a prefix that
    is not plain ASCII or stands for more than ``MAX_PREFIX_WORDS`` words. Why ASCII:
    the dictionary holds words as the tokenizer folded them, and only for ASCII is
    that fold known here for certain (lower case); FTS5 folds the rest itself.
    """
    if is_postgres(connection):
        return None
    texts = [t for t in query.terms if not _answered_by_tables(t) and _fts_expression(t)]
    positive = [t for t in texts if not t.negated]
    if len(positive) != 1 or not isinstance(positive[0], Word | Phrase):
        return None
    words = tokens(positive[0].text)
    if len(words) != 1:
        return None
    connection.exec_driver_sql(_CREATE_WORDS_SQL)
    prefix = isinstance(positive[0], Word) and len(words[0]) >= MIN_PREFIX_LETTERS
    try:
        found = _words_for(connection, words[0], prefix=prefix)
    except _NoWordsError:
        return None
    if found is None:
        return None
    expression = _any_word(found, head=[])
    words_tested = len(found)
    excluded: list[str] = []
    for term in texts:
        if not term.negated:
            continue
        try:
            spelled = _spelled_out(connection, term)
        except _NoWordsError:
            continue  # excludes nothing
        if spelled is None:
            return None
        excluded.append(spelled[0])
        words_tested += spelled[1]
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(excluded)})"
    return TermProbe(expression, sum(found.values()), index_segments(connection), words_tested)


# The segments of the index, by a skip through its (segment, term) key: one look-up each.
_SEGMENTS_SQL = f"""
WITH RECURSIVE segment(id) AS (
  SELECT min(segid) FROM {FTS_TABLE}_idx
  UNION ALL
  SELECT (SELECT min(segid) FROM {FTS_TABLE}_idx WHERE segid > segment.id)
  FROM segment WHERE segment.id IS NOT NULL
)
SELECT count(id) FROM segment
"""


def index_segments(connection: Connection) -> int:
    """How many segments the full-text index is in (FTS5 writes one per batch and merges).

    Read from the index's ``_idx`` table, which holds a row per segment and leaf page.
    A team library's index is one GIN index: 1.
    """
    if is_postgres(connection):
        return 1
    return int(connection.exec_driver_sql(_SEGMENTS_SQL).scalar_one())


# Tidying merges the index into one segment once it is in more than this many. FTS5
# merges eight segments of one level at a time as it grows (revision 0004): an index
# grown by a hundred imports is in twenty or more, and every word searched is looked up
# in each (see ``TermProbe``).
TIDY_ABOVE_SEGMENTS = 8
# Pages merged per step of tidying: about 8 MB, a few tenths of a second of writing.
TIDY_STEP_PAGES = 1000


def tidy_step(connection: Connection, pages: int = TIDY_STEP_PAGES) -> bool:
    """Merge about ``pages`` pages of the index's segments toward one; whether it did any.

    FTS5's 'merge' with a negative count puts every segment on one level first, so
    steps repeated until one does nothing leave a single segment, as 'optimize' would,
    but in pieces that each commit quickly. Nothing to do on a team library.
    """
    if is_postgres(connection):
        return False
    before = int(connection.exec_driver_sql("SELECT total_changes()").scalar_one())
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('merge', ?)", (-pages,)
    )
    after = int(connection.exec_driver_sql("SELECT total_changes()").scalar_one())
    # FTS5's documented test: fewer than two changes means there was nothing to merge.
    return after - before >= 2


def _words_for(connection: Connection, word: str, *, prefix: bool) -> dict[str, int] | None:
    """The index's words a query word stands for, with how many documents hold each.

    Raises ``_NoWordsError`` when there is none; None when they cannot be listed (see
    ``term_probe``). An exact word is looked up as FTS5 would fold it only if ASCII.
    """
    if not word.isascii():
        return None
    folded = word.lower()
    if prefix:
        after = folded[:-1] + chr(ord(folded[-1]) + 1)
        rows = connection.exec_driver_sql(
            f"SELECT term, doc FROM {_WORDS_TABLE} WHERE term >= ? AND term < ?",
            (folded, after),
        )
    else:
        rows = connection.exec_driver_sql(
            f"SELECT term, doc FROM {_WORDS_TABLE} WHERE term = ?", (folded,)
        )
    # Each row costs a read of that word's document list: stop at one too many.
    found = {str(term): int(doc) for term, doc in rows.fetchmany(MAX_PREFIX_WORDS + 1)}
    rows.close()
    if len(found) > MAX_PREFIX_WORDS:
        return None
    if not found:
        raise _NoWordsError(word)
    return found


def _any_word(words: Iterable[str], head: list[str]) -> str:
    """FTS5 for "any of these words" (after the phrase's first words ``head``)."""
    phrases = (" ".join([*head, word]).replace('"', '""') for word in words)
    return "(" + " OR ".join(f'"{phrase}"' for phrase in phrases) + ")"


def _spelled_out(connection: Connection, term: Term) -> tuple[str, int] | None:
    """An excluded term's FTS5 expression with its prefix, if any, as whole words.

    With the expression, how many words it looks up.
    """
    if isinstance(term, Word | Phrase):
        value, prefix, column = term.text, isinstance(term, Word), None
    elif isinstance(term, FieldTerm) and term.field in _FTS_FIELD_COLUMNS:
        value, prefix, column = term.value, not term.exact, _FTS_FIELD_COLUMNS[term.field]
    else:
        return None
    words = tokens(value)
    if not prefix or len(words[-1]) < MIN_PREFIX_LETTERS:
        expression = _fts_phrase(value, prefix=False)
        looked_up = len(words)
    else:
        found = _words_for(connection, words[-1], prefix=True)
        if found is None:
            return None
        expression = _any_word(found, head=words[:-1])
        looked_up = len(found) * len(words)
    if expression is None:
        return None
    return (expression if column is None else f"{column} : {expression}"), looked_up


def _fts_probe(expression: str) -> ColumnElement[bool]:
    """Whether this reference's document matches: one look-up per reference tested."""
    match: BindParameter[str] = bindparam("probe", expression, unique=True)
    return (
        select(literal_column("1"))
        .select_from(text(FTS_TABLE))
        .where(
            text(f"{FTS_TABLE} MATCH :probe").bindparams(match),
            # The table's column, not the ORM attribute: an ORM select cannot have a
            # text FROM.
            literal_column("rowid", Integer) == table_of(ReferenceRow).c.id,
        )
        .exists()
    )


def query_condition(
    query: Query,
    matched: str | None = None,
    *,
    postgres: bool = False,
    probe_members: bool = False,
    spelled: TermProbe | None = None,
    probe_text: bool = False,
    text_tested: bool = False,
) -> ColumnElement[bool] | None:
    """The WHERE condition on ``reference`` for a parsed query; None when it filters nothing.

    Text terms become one FTS5 MATCH (``text_match``), or, when ``matched`` gives the ids
    that MATCH already returned (``matches_if_fewer``), a look-up in that list. With
    ``spelled`` (``term_probe``) the MATCH is of the same text spelled out as whole
    words, and with ``probe_text`` too, a test of each reference against them. When
    every text term is excluded, each becomes a NOT IN over its own MATCH (on PostgreSQL
    all of them one NOT EXISTS, ``search_pg.excluded``); with
    ``text_tested`` the caller tests the positive text itself and it is left out. Other
    terms are conditions on the tables; ``probe_members`` writes ``tag:`` and
    ``collection:`` as look-ups per reference (``membership``).
    """
    conditions: list[ColumnElement[bool]] = []
    for term in query.terms:
        if isinstance(term, YearRange | IdentifierTerm | FieldTerm) and _answered_by_tables(term):
            # PostgreSQL answers NOT IN by testing each reference against the whole
            # list once it outgrows work_mem (``search_pg.excluded``): a probe instead.
            probe = probe_members or (postgres and term.negated)
            condition = _sql_condition(term, postgres=postgres, probe_members=probe)
            if isinstance(term, IdentifierTerm) and term.in_text:
                # A plain word: also the text that quotes it (a note, an abstract).
                phrase = (
                    search_pg.phrase(term.text, prefix=False)
                    if postgres
                    else _fts_phrase(term.text, prefix=False)
                )
                if phrase is not None:
                    text_condition = search_pg.match if postgres else _fts_match
                    condition = or_(condition, text_condition(phrase))
            conditions.append(not_(condition) if term.negated else condition)
    expression = text_match(query, postgres=postgres)
    full_text = search_pg.match if postgres else _fts_match
    if expression is not None:
        if matched is not None:
            matching = _one_of(matched, postgres=postgres)
        elif spelled is not None:
            matching = (_fts_probe if probe_text else _fts_match)(spelled.expression)
        else:
            matching = full_text(expression)
        if not text_tested:  # else the caller's walk keeps to the matches itself
            conditions.insert(0, matching)
    else:
        _, negative = search_pg.text_expressions(query) if postgres else _text_expressions(query)
        if postgres and negative:  # one anti join for all of them
            conditions.append(search_pg.excluded(" | ".join(negative)))
        elif negative:
            conditions.extend(not_(_fts_match(words)) for words in negative)
    if not conditions:
        return None
    return and_(*conditions)


def reads_text_index(query: Query, *, postgres: bool = False) -> bool:
    """Whether the query's condition asks the text index (``query_condition`` would)."""
    positive, negative = search_pg.text_expressions(query) if postgres else _text_expressions(query)
    return bool(positive or negative) or any(
        isinstance(term, IdentifierTerm) and term.in_text for term in query.terms
    )


def matches_if_fewer(connection: Connection, expression: str, limit: int) -> str | None:
    """The ids of the documents matching, as a JSON list, when fewer than ``limit`` do.

    None when ``limit`` or more match. Reads at most ``limit`` ids, and builds the list
    inside SQLite, so a listing can decide cheaply whether to start from the matches
    (few: it then looks these ids up, without asking the index twice) or from a sort
    index (many). On a team library the same question goes to the GIN index: from the
    word statistics alone PostgreSQL's planner takes a phrase of two common words for
    common and walks the whole sort index probing each reference (seconds at 100,000).

    Unless the planner expects more than ``limit`` matches of an expression without a
    phrase: its estimate of words is close, and reading the matches up to the limit
    builds the GIN index's whole bitmap of them first (37 ms for a word in 12% of
    100,000 references, ten times that in a million), for an answer known already.
    """
    if is_postgres(connection):
        if (
            search_pg.PHRASE_OPERATOR not in expression
            and search_pg.estimated_matches(connection, expression) > limit
        ):
            return None
        found, ids = connection.execute(
            text(
                f"SELECT count(*), coalesce(json_agg(id), '[]') FROM (SELECT id FROM "
                f"{search_pg.INDEX_TABLE} WHERE document @@ CAST(:match AS tsquery) "
                "LIMIT :limit) AS matching"
            ),
            {"match": expression, "limit": limit},
        ).one()
        return str(ids) if int(found) < limit else None
    statement = text(
        f"SELECT count(*), json_group_array(rowid) FROM (SELECT rowid FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH :match LIMIT :limit)"
    )
    found, ids = connection.execute(statement, {"match": expression, "limit": limit}).one()
    return str(ids) if int(found) < limit else None


def degraded(query: Query) -> Query:
    """The same query with every term read as plain words, the fallback for odd input."""
    words: list[Term] = []
    for term in query.terms:
        if isinstance(term, IdentifierTerm):
            words.append(term)  # never sent to the text index
        elif isinstance(term, FieldTerm):
            words.append(Word(term.value, term.negated))
        elif isinstance(term, Phrase | Word):
            words.append(Word(term.text, term.negated))
    return Query(tuple(words))


def is_fts_error(error: BaseException) -> bool:
    """Whether an exception is the text index rejecting a query (not a broken file)."""
    message = str(error).lower()
    return "fts5" in message or "tsquery" in message
