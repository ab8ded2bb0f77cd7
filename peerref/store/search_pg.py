"""Full-text search of a team library: one ``tsvector`` per reference, with a GIN index.

The search language and its meaning are ``search``'s; this module gives PostgreSQL the
same tokens FTS5 would see. Why PeerRef tokenises in Python instead of using
``to_tsvector``: PostgreSQL's parser reads "10.1108/x" as a file path and "e-mail" as a
hyphenated word, and which letters count as letters depends on the database's locale;
with tokens made here (letters, digits and marks, folded to lower case without
diacritics, as FTS5's ``unicode61 remove_diacritics 2`` does) the same query finds the
same references on both backends whatever the server's configuration.

Each column of FTS5's index is a weight here: title A, creators B, container C, the
rest D. A gap between columns keeps a phrase from running from one into the next, as
in FTS5. The title's and the creators' tokens are also indexed a second time, marked
("t~peer", "a~smith", at the same positions), so that ``title:`` and ``author:`` are
lexemes the GIN index finds exactly. Restricting a word to a weight instead made
PostgreSQL read and test the document of every reference holding the word anywhere
(230 ms for ``title:`` of a common word in 100,000 references). A marked lexeme cannot
come from text: tokens are letters, numbers and marks, never "~".
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    bindparam,
    column,
    exists,
    literal_column,
    select,
    table,
    text,
)

from peerref.core.model import Reference
from peerref.core.query import Field, FieldTerm, Phrase, Query, Term, Word, YearRange
from peerref.store.tables import ReferenceRow

INDEX_TABLE = "reference_fts"
GIN_INDEX = "ix_reference_fts_document"  # revision 0007's

MIN_PREFIX_LETTERS = 3
# tsquery's "followed by": what makes an expression a phrase.
PHRASE_OPERATOR = "<->"
# tsvector limits: positions above 16383 are all 16383, at most 256 per lexeme, and a
# lexeme is at most 2047 bytes.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2046
# Ids per statement when (re)indexing a large import.
CHUNK = 2000

COLUMNS = ("title", "creators", "container", "abstract", "keywords", "notes", "tags")
WEIGHTS = {"title": "A", "creators": "B", "container": "C"}
# The columns whose tokens are indexed again with a mark, and the field searching them.
MARKS = {"title": "t~", "creators": "a~"}
_FIELD_MARKS = {Field.TITLE: MARKS["title"], Field.AUTHOR: MARKS["creators"]}

# The same document FTS5 reads from the ``reference_document`` view, column for column.
_DOCUMENTS_SQL = """
SELECT r.id,
  r.title || ' ' || r.title_short,
  coalesce((SELECT string_agg(c.given || ' ' || c.dropping_particle || ' ' || c.particle
                              || ' ' || c.family || ' ' || c.suffix || ' ' || c.literal, ' '
                              ORDER BY c.position)
            FROM creator AS c WHERE c.reference_id = r.id), ''),
  r.container_title || ' ' || r.container_title_short || ' ' || r.collection_title
    || ' ' || r.publisher,
  d.abstract,
  d.keywords,
  coalesce((SELECT string_agg(n.text, ' ' ORDER BY n.id) FROM note AS n
            WHERE n.reference_id = r.id), ''),
  coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM reference_tag AS rt
            JOIN tag AS t ON t.id = rt.tag_id WHERE rt.reference_id = r.id), '')
FROM reference AS r JOIN reference_detail AS d ON d.reference_id = r.id
WHERE r.id = ANY(:ids)
"""

# One statement per chunk: the ids and documents travel as two arrays.
_UPSERT_SQL = f"""
INSERT INTO {INDEX_TABLE} (id, document)
SELECT id, CAST(document AS tsvector)
FROM unnest(CAST(:ids AS integer[]), CAST(:documents AS text[])) AS new (id, document)
ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document
"""


def _ranges(codes: Iterable[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts: list[str] = []
    start = previous = -2
    for code in codes:
        if code != previous + 1:
            if start >= 0:
                parts.append(f"\\U{start:08x}-\\U{previous:08x}")
            start = code
        previous = code
    if start >= 0:
        parts.append(f"\\U{start:08x}-\\U{previous:08x}")
    return "".join(parts)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Token characters (letters, numbers, marks, private use) and marks, as regexes.

    Built on first use (a fraction of a second), not at import: FTS5's ``unicode61``
    classes by Unicode category, which Python's ``\\w`` does not (it leaves marks out).
    """
    token_codes: list[int] = []
    mark_codes: list[int] = []
    for code in range(0x110000):
        category = unicodedata.category(chr(code))
        if category[0] in "LNM" or category == "Co":
            token_codes.append(code)
        if category[0] == "M":
            mark_codes.append(code)
    token = re.compile(f"[{_ranges(token_codes)}]+")
    marks = re.compile(f"[{_ranges(mark_codes)}]")
    return token, marks


# ASCII text (most of it) needs no Unicode tables: letters and digits are its tokens.
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")


def fold_tokens(value: str) -> list[str]:
    """The index's tokens of a text: split as FTS5 splits, lower case, diacritics removed."""
    if not value:
        return []
    if value.isascii():
        found = _ASCII_TOKEN.findall(value.lower())
        if len(value) <= MAX_LEXEME_BYTES:
            return found
        return [t for t in found if len(t) <= MAX_LEXEME_BYTES]
    token, marks = _patterns()
    folded = marks.sub("", unicodedata.normalize("NFD", value.lower()))
    return [t for t in token.findall(folded) if len(t.encode()) <= MAX_LEXEME_BYTES]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@cache
def _marks(weight: str) -> tuple[str, ...]:
    """Every position's mark with this weight ("1A", "2A", ...), index = position.

    Why: a reference has a few hundred tokens and a bulk import tens of thousands of
    references; formatting each mark anew was a fifth of PostgreSQL's import time.
    """
    return tuple(f"{offset}{weight}" for offset in range(MAX_POSITION + 1))


def document(columns: Sequence[str]) -> str:
    """The tsvector literal of one reference's columns (in ``COLUMNS`` order).

    Weight D is tsvector's default and is left unwritten; positions only grow, so a
    duplicate can only come from the clamp at ``MAX_POSITION``. Lexemes are quoted
    without escaping: tokens are letters, numbers and marks (``fold_tokens``), never a
    quote or a backslash (test_search_pg checks the tokenizer keeps it so).
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for name, value in zip(COLUMNS, columns, strict=True):
        tokens = fold_tokens(value) if value else []
        weight = WEIGHTS.get(name, "")
        for lexemes in _lexeme_runs(name, tokens):
            if position + len(tokens) <= MAX_POSITION:  # every column of nearly every one
                marks_of = _marks(weight)
                for offset, lexeme in enumerate(lexemes, position + 1):
                    if lexeme is None:
                        continue
                    marks = positions.get(lexeme)
                    if marks is None:
                        positions[lexeme] = [marks_of[offset]]
                    elif len(marks) < MAX_POSITIONS_PER_LEXEME:
                        marks.append(marks_of[offset])
            else:
                _add_clamped(positions, lexemes, position, weight)
        position += len(tokens) + 1  # the gap between columns
    return " ".join(
        [
            f"'{lexeme}':{marks[0]}" if len(marks) == 1 else f"'{lexeme}':{','.join(marks)}"
            for lexeme, marks in positions.items()
        ]
    )


_SURELY_SHORT_CHARS = (MAX_LEXEME_BYTES - max(len(m) for m in MARKS.values())) // 4


def _lexeme_runs(name: str, tokens: list[str]) -> tuple[Sequence[str | None], ...]:
    """A column's lexemes by position: its tokens, and for a marked column the same marked.

    A marked token too long for a lexeme is None: its position is kept, its lexeme left
    out, as ``fold_tokens`` leaves out a token too long.
    """
    mark = MARKS.get(name)
    if mark is None or not tokens:
        return (tokens,)
    marked = [mark + t for t in tokens]
    # A character is at most four bytes: only a token longer than this can be too long.
    if any(len(t) > _SURELY_SHORT_CHARS for t in tokens):
        return tokens, [m if len(m.encode()) <= MAX_LEXEME_BYTES else None for m in marked]
    return tokens, marked


def _add_clamped(
    positions: dict[str, list[str]], tokens: Sequence[str | None], position: int, weight: str
) -> None:
    """Add a column's tokens that run past ``MAX_POSITION`` (clamped there, as tsvector does)."""
    for offset, lexeme in enumerate(tokens, position + 1):
        if lexeme is None:
            continue
        mark = f"{offset}{weight}" if offset <= MAX_POSITION else f"{MAX_POSITION}{weight}"
        marks = positions.get(lexeme)
        if marks is None:
            positions[lexeme] = [mark]
        elif len(marks) < MAX_POSITIONS_PER_LEXEME and (
            offset <= MAX_POSITION or marks[-1] != mark
        ):
            marks.append(mark)


def new_columns(
    reference: Reference,
    *,
    abstract: str,
    keywords: str,
    notes: Sequence[str],
    tags: Sequence[str],
) -> tuple[str, ...]:
    """A reference's document columns as ``_DOCUMENTS_SQL`` would read them once stored.

    Why: a bulk import knows every value it is about to write, and reading the documents
    back from five tables cost a tenth of its time. ``abstract`` and ``keywords`` are the
    stored texts (the flat abstract, the JSON list), ``notes`` in the order they are
    inserted, ``tags`` the stored names in tag-id order. The same strings joined the same
    way give the same tokens in the same positions (test_search_pg_import compares them).
    """
    ref = reference
    creators = " ".join(
        [
            f"{c.given} {c.dropping_particle} {c.particle} {c.family} {c.suffix} {c.literal}"
            for c in ref.creators
        ]
    )
    return (
        f"{ref.title} {ref.title_short}",
        creators,
        f"{ref.container_title} {ref.container_title_short} {ref.collection_title} {ref.publisher}",
        abstract,
        keywords,
        " ".join(notes),
        " ".join(tags),
    )


# A tsvector position in PostgreSQL's binary form (WordEntryPos): 14 bits of position
# under 2 of weight, A 3, B 2, C 1 and D 0.
_WEIGHT_BITS = {"A": 3 << 14, "B": 2 << 14, "C": 1 << 14, "": 0}
_POSITION_BITS = (1 << 14) - 1
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_TRAILER = struct.pack(">h", -1)
_ROW_HEAD = struct.Struct(">hiii")  # two fields; an int4 id; the document's length
_ONE_POSITION = struct.Struct(">xHH")  # the lexeme's NUL, one position
# Bytes COPY collects before handing them to the driver.
_COPY_BUFFER = 1 << 16


def _codes(columns: Sequence[str]) -> dict[str, list[int]]:
    """Each lexeme's positions in binary form, as the server stores ``document(columns)``.

    Positions only grow, so below the clamp a lexeme's list is strictly increasing, as
    the binary input requires.
    """
    codes: dict[str, list[int]] = {}
    position = 0
    for name, value in zip(COLUMNS, columns, strict=True):
        tokens = fold_tokens(value) if value else []
        bits = _WEIGHT_BITS[WEIGHTS.get(name, "")]
        for lexemes in _lexeme_runs(name, tokens):
            if position + len(tokens) <= MAX_POSITION:  # every column of nearly every one
                # Position plus weight bits is the code: positions stay below the bits.
                for code, lexeme in enumerate(lexemes, position + 1 + bits):
                    if lexeme is None:
                        continue
                    found = codes.get(lexeme)
                    if found is None:
                        codes[lexeme] = [code]
                    elif len(found) < MAX_POSITIONS_PER_LEXEME:
                        found.append(code)
            else:
                _add_clamped_codes(codes, lexemes, position, bits)
        position += len(tokens) + 1  # the gap between columns
    return codes


def _add_clamped_codes(
    codes: dict[str, list[int]], tokens: Sequence[str | None], position: int, bits: int
) -> None:
    """Add tokens running past ``MAX_POSITION`` as the text input would store them.

    Every position past the limit is the limit. The text input keeps one of them: the
    first, with the highest weight of the repeats when it is the lexeme's only
    position (what PostgreSQL's ``uniquePos`` does with positions in order; a test
    compares both inputs on the server).
    """
    for offset, lexeme in enumerate(tokens, position + 1):
        if lexeme is None:
            continue
        clamped = min(offset, MAX_POSITION)
        code = clamped | bits
        found = codes.get(lexeme)
        if found is None:
            codes[lexeme] = [code]
        elif found[-1] & _POSITION_BITS == clamped:
            if len(found) == 1:
                found[0] = max(found[0], code)
        elif len(found) < MAX_POSITIONS_PER_LEXEME:
            found.append(code)


def document_bytes(columns: Sequence[str]) -> bytes:
    """One reference's document in tsvector's binary form (what ``tsvector_send`` writes).

    Why: the server parses the binary form several times faster than the literal
    ``document`` gives (0.4 s against 1.2-1.5 s for 5,000 references). Lexemes go in
    byte order, the order the server keeps them in, so it has nothing to sort.
    """
    codes = _codes(columns)
    parts = [struct.pack(">i", len(codes))]
    append = parts.append
    one = _ONE_POSITION.pack
    for lexeme in sorted(codes):
        found = codes[lexeme]
        append(lexeme.encode())
        count = len(found)
        append(one(1, found[0]) if count == 1 else struct.pack(f">xH{count}H", count, *found))
    return b"".join(parts)


def add_documents(connection: Connection, documents: Iterable[tuple[int, Sequence[str]]]) -> None:
    """Index new references (ids not indexed yet) from their columns, with one binary COPY.

    The documents are made as COPY sends them: the server parses and indexes the rows
    already sent while Python tokenises the next ones, on another core. ``documents``
    may be a generator for that reason.
    """
    driver = connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY {INDEX_TABLE} (id, document) FROM STDIN (FORMAT BINARY)"
    head = _ROW_HEAD.pack
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        buffer = bytearray(_COPY_SIGNATURE)
        for ref_id, columns in documents:
            data = document_bytes(columns)
            buffer += head(2, 4, ref_id, len(data))
            buffer += data
            if len(buffer) >= _COPY_BUFFER:
                copy.write(buffer)
                buffer = bytearray()
        buffer += _COPY_TRAILER
        copy.write(buffer)


def _documents(connection: Connection, ids: list[int]) -> list[tuple[int, str]]:
    rows = connection.execute(text(_DOCUMENTS_SQL), {"ids": ids})
    return [(int(row[0]), document([str(v or "") for v in row[1:]])) for row in rows]


def index(connection: Connection, ids: Iterable[int]) -> None:
    """Write the documents of these references (new ones, or ones whose text changed)."""
    wanted = sorted({int(i) for i in ids})
    for start in range(0, len(wanted), CHUNK):
        rows = _documents(connection, wanted[start : start + CHUNK])
        if rows:
            connection.execute(
                text(_UPSERT_SQL),
                {"ids": [i for i, _ in rows], "documents": [d for _, d in rows]},
            )


def unindex(connection: Connection, ids: Iterable[int]) -> None:
    """Forget references' documents (deleting a reference also does, by cascade)."""
    wanted = sorted({int(i) for i in ids})
    for start in range(0, len(wanted), CHUNK):
        connection.execute(
            text(f"DELETE FROM {INDEX_TABLE} WHERE id = ANY(:ids)"),
            {"ids": wanted[start : start + CHUNK]},
        )


def rebuild(connection: Connection) -> None:
    """Rewrite every document from the tables (after a schema upgrade, ``postgres.prepare``).

    The table is emptied and its GIN index dropped, then made again over every document
    at once: that is several times faster than adding a million documents to the index
    one by one, and leaves it without dead entries. The documents go by binary COPY,
    ``CHUNK`` references at a time, as an import's do.
    """
    connection.execute(text(f"TRUNCATE {INDEX_TABLE}"))
    connection.execute(text(f"DROP INDEX IF EXISTS {GIN_INDEX}"))
    ids = sorted(int(i) for i in connection.execute(text("SELECT id FROM reference")).scalars())
    for start in range(0, len(ids), CHUNK):
        rows = connection.execute(text(_DOCUMENTS_SQL), {"ids": ids[start : start + CHUNK]})
        columns = [(int(row[0]), [str(v or "") for v in row[1:]]) for row in rows]
        add_documents(connection, columns)
    connection.execute(text(f"CREATE INDEX {GIN_INDEX} ON {INDEX_TABLE} USING gin (document)"))


def check_integrity(connection: Connection) -> None:
    """Raise if a stored document differs from what the tables give (tests use this)."""
    rows = connection.execute(text(f"SELECT id, document::text FROM {INDEX_TABLE}"))
    stored = {int(ref_id): str(document) for ref_id, document in rows}
    ids = [int(i) for i in connection.execute(text("SELECT id FROM reference")).scalars()]
    if set(stored) != set(ids):
        raise AssertionError(f"indexed {sorted(stored)} but the library holds {sorted(ids)}")
    for ref_id, literal in _documents(connection, ids):
        expected = connection.execute(
            text("SELECT CAST(:d AS tsvector)::text"), {"d": literal}
        ).scalar_one()
        if stored[ref_id] != expected:
            raise AssertionError(f"reference {ref_id}: index {stored[ref_id]!r} != {expected!r}")


# ---------------------------------------------------------------------------------------
# Compiling the search language to tsquery


def _phrase(value: str, *, prefix: bool, mark: str = "") -> str | None:
    """A tsquery phrase of the value's tokens (``mark``ed: one column's); None if none.

    Every lexeme is quoted, so no user text is read as tsquery syntax. As with FTS5, a
    last word of one or two letters matches exactly: as a prefix it would match most of
    the library.
    """
    raw = fold_tokens(value)
    if not raw:
        return None
    parts = [_quote(mark + t) for t in raw]
    if prefix and len(raw[-1]) >= MIN_PREFIX_LETTERS:
        parts[-1] += ":*"
    body = f" {PHRASE_OPERATOR} ".join(parts)
    return f"({body})" if len(parts) > 1 else body


def phrase(value: str, *, prefix: bool) -> str | None:
    """A tsquery phrase of the value's tokens, for any column; None when it has none."""
    return _phrase(value, prefix=prefix)


def _expression(term: Term) -> str | None:
    if isinstance(term, Word):
        return _phrase(term.text, prefix=True)
    if isinstance(term, Phrase):
        return _phrase(term.text, prefix=False)
    if isinstance(term, FieldTerm) and term.field in _FIELD_MARKS:
        return _phrase(term.value, prefix=not term.exact, mark=_FIELD_MARKS[term.field])
    return None


def text_expressions(query: Query) -> tuple[list[str], list[str]]:
    """The tsquery expressions of the query's positive and excluded text terms."""
    positive: list[str] = []
    negative: list[str] = []
    for term in query.terms:
        if isinstance(term, YearRange) or (
            isinstance(term, FieldTerm) and term.field not in _FIELD_MARKS
        ):
            continue
        expression = _expression(term)
        if expression is not None:
            (negative if term.negated else positive).append(expression)
    return positive, negative


def text_match(query: Query) -> str | None:
    """The tsquery every result must match, or None (see ``search.text_match``)."""
    positive, negative = text_expressions(query)
    if not positive:
        return None
    expression = " & ".join(positive)
    if negative:
        expression = f"({expression}) & !({' | '.join(negative)})"
    return expression


def estimated_matches(connection: Connection, expression: str) -> int:
    """How many documents the planner expects to match a tsquery (no document is read).

    From the column's statistics (most common lexemes and their frequencies, kept by
    ANALYZE), within a few per cent for words and prefixes; a phrase is estimated as
    all of its words anywhere, so for a phrase this is only an upper bound.
    """
    plan = connection.execute(
        text(
            f"EXPLAIN (FORMAT JSON) SELECT id FROM {INDEX_TABLE} "
            "WHERE document @@ CAST(:match AS tsquery)"
        ),
        {"match": expression},
    ).scalar_one()
    decoded = json.loads(plan) if isinstance(plan, str) else plan
    return int(decoded[0]["Plan"]["Plan Rows"])


@contextmanager
def without_table_scans(connection: Connection) -> Iterator[None]:
    """Plan the statements inside without sequential scans (within one transaction).

    Why: the documents are stored out of their rows (revision 0014), so the full-text
    table is small and the planner scans it whole for a common word, reading every
    document back from TOAST to test it (3 microseconds each, seconds at 1,000,000
    references), where the GIN index's bitmap gives the same ids without reading one.
    With sequential scans priced out it takes the index. The setting is the
    transaction's (``SET LOCAL``) and is put back afterwards; if the block fails, the
    caller's rollback (of its savepoint) puts it back.
    """
    previous = connection.execute(
        text("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
    ).scalar_one()
    yield
    connection.execute(
        text("SELECT set_config('enable_seqscan', :previous, true)"), {"previous": previous}
    )


def excluded(expression: str) -> ColumnElement[bool]:
    """``reference.id`` not among the documents matching a tsquery (a query of exclusions).

    Written as NOT EXISTS, never NOT IN: once the matches outgrow ``work_mem`` (a common
    word in a million references) PostgreSQL cannot hash a NOT IN list, and tests each
    reference against the whole list (26 s for "-learning" at 1,000,000). NOT EXISTS is
    an anti join: for a page, a probe of each reference's document as the sort index
    is walked (35 ms); for a count, one hash of the matches (0.7 s).
    """
    value: BindParameter[str] = bindparam("tsquery", expression, unique=True)
    index = table(INDEX_TABLE, column("id", Integer))
    condition = text(f"{INDEX_TABLE}.document @@ CAST(:tsquery AS tsquery)").bindparams(value)
    return ~exists(select(literal_column("1")).where(index.c.id == ReferenceRow.id, condition))


def match(expression: str) -> ColumnElement[bool]:
    """``reference.id`` among the documents matching a tsquery."""
    # unique=True: a query holds several matches, each with its own value.
    value: BindParameter[str] = bindparam("tsquery", expression, unique=True)
    condition = text("document @@ CAST(:tsquery AS tsquery)").bindparams(value)
    matching = select(literal_column("id", Integer)).select_from(text(INDEX_TABLE))
    return ReferenceRow.id.in_(matching.where(condition))
