"""Tagged reference files — RIS, MEDLINE, Web of Science, Ovid, RefWorks, Refer — read alike.

The formats share one shape: a record is a run of lines "TAG value", a value can run
on over continuation lines, and a tag can come back (several authors, keywords, ISSNs).
They differ only in how a tag line looks and what a continuation line means, so a reader
describes that in a ``TagSyntax`` and this module does the rest once:

- ``split_blocks`` cuts the input into records (at blank lines, or at the line that opens
  a record), keeping each record's first line number and its raw text;
- ``read_fields`` turns a record's lines into ``TagValue`` objects with their line
  numbers, joining continuation lines (wrapped text) or starting a new value per line
  (one author or keyword per line), as the syntax says;
- ``TaggedRecord`` hands the values to the reader and remembers which ones it *used*.
  A reader asks for what it puts in a field (``take``, ``take_first``); whatever is left
  (``leftovers``) goes to ``extra`` under the format's prefix. So a value is never
  dropped by forgetting it: a repeated tag a reader reads only once (a second ``SN``)
  ends up in ``extra`` instead of nowhere.

The table exports (Scopus CSV, Web of Science tab-delimited) use ``TaggedRecord`` too, with
one value per column, so their leftovers are kept the same way.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class TagValue:
    """One value of one tag: where it starts (1-based line) and whether a field took it."""

    tag: str
    value: str
    line: int
    used: bool = False


def join_wrapped(value: str, continuation: str) -> str:
    """The default for a continuation line: wrapped text, joined with one space."""
    text = continuation.strip()
    if not text:
        return value
    return f"{value} {text}" if value else text


# What ``join_paragraphs`` leaves at the end of a value after a blank line: the next line
# starts a new paragraph. A value that ends the record so keeps it: readers strip values.
_PARAGRAPH_PENDING = "\n"


def join_paragraphs(value: str, continuation: str) -> str:
    """A continuation line for formats where a blank line inside a value is a paragraph break.

    Wrapped lines are joined with a space; a blank line makes the next line start a new
    paragraph (after a line break), so a list of addresses or cited references written one
    per paragraph keeps one per line.
    """
    text = continuation.strip()
    if not text:
        return value + _PARAGRAPH_PENDING if value and not value.endswith("\n") else value
    if value.endswith("\n"):
        return value + text
    return f"{value} {text}" if value else text


@dataclass(frozen=True)
class TagSyntax:
    """How one tagged format writes its lines.

    Attributes:
        tag_line: matches a line that starts a value; groups ``tag`` and ``value``.
        is_continuation: whether a line that is not a tag line continues the value above
            (MEDLINE indents them; RIS and Web of Science do not always).
        list_tags: tags whose continuation lines are new values of the same tag, one per
            line (Web of Science writes one author per line under a single ``AU``).
        join: how a continuation line is added to a value of the other tags, given
            (tag, value so far, continuation line).
    """

    tag_line: re.Pattern[str]
    is_continuation: Callable[[str], bool] = lambda line: bool(line.strip())
    list_tags: frozenset[str] = frozenset()
    join: Callable[[str, str, str], str] = lambda _tag, value, line: join_wrapped(value, line)


@dataclass(frozen=True)
class RecordBlock:
    """One record's lines as they stand in the input, from ``first_line`` (1-based) on."""

    first_line: int
    lines: tuple[str, ...]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    @property
    def raw_text(self) -> str:
        return "\n".join(self.lines)


def split_blocks(
    lines: Sequence[str],
    starts_record: Callable[[str, Sequence[str]], bool] | None = None,
    *,
    blank_line_ends: bool = True,
) -> list[RecordBlock]:
    """Cut a file's lines into records, with their line numbers (the first line is 1).

    A record ends at a blank line (when ``blank_line_ends``) and a new one starts at a line
    ``starts_record(line, lines_of_the_record_so_far)`` accepts. Blank lines at the edges of
    a record are not part of it. Which blocks are records, and what to say about the
    others, is the reader's decision.
    """
    blocks: list[RecordBlock] = []
    current: list[str] = []
    start = 0

    def close() -> None:
        while current and not current[-1].strip():
            current.pop()
        if current:
            blocks.append(RecordBlock(start + 1, tuple(current)))
        current.clear()

    for index, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if blank_line_ends:
                close()
            elif current:
                current.append(line)
            continue
        if current and starts_record is not None and starts_record(line, current):
            close()
        if not current:
            start = index
        current.append(line)
    close()
    return blocks


@dataclass
class FieldLines:
    """What ``read_fields`` found: the values, and lines it could place nowhere."""

    values: list[TagValue]
    stray: list[tuple[int, str]] = field(default_factory=list)


def read_fields(lines: Sequence[str], first_line: int, syntax: TagSyntax) -> FieldLines:
    """Tag values of a record's lines, continuations joined; ``first_line`` is 1-based.

    A line before any tag line, or one the syntax does not accept as a continuation, is
    reported in ``stray`` with its line number rather than dropped unnoticed.
    """
    values: list[TagValue] = []
    stray: list[tuple[int, str]] = []
    for offset, raw in enumerate(lines):
        number = first_line + offset
        line = raw.rstrip("\r\n")
        match = syntax.tag_line.match(line)
        if match:
            values.append(TagValue(match["tag"], (match["value"] or "").strip(), number))
            continue
        if not values or not syntax.is_continuation(line):
            if line.strip():
                stray.append((number, line.strip()))
            continue
        last = values[-1]
        if last.tag in syntax.list_tags:
            if line.strip():
                if last.value:
                    values.append(TagValue(last.tag, line.strip(), number))
                else:  # "AU" alone on its line, the names below it
                    last.value = line.strip()
            continue
        last.value = syntax.join(last.tag, last.value, line)
    return FieldLines(values, stray)


def read_block(block: RecordBlock, syntax: TagSyntax) -> tuple[TaggedRecord, list[tuple[int, str]]]:
    """A record block's tag values as a ``TaggedRecord``, and its stray lines (see above)."""
    found = read_fields(block.lines, block.first_line, syntax)
    return TaggedRecord(found.values, block.first_line, block.last_line), found.stray


@dataclass
class TaggedRecord:
    """A record's tag values in file order, with the bookkeeping of which were used.

    ``peek`` reads without using (for decisions such as "is this Emerald?"); ``take`` and
    ``take_first`` read what goes into a field and mark it used; ``leftovers`` are the
    values no field took, for ``extra``.
    """

    values: list[TagValue]
    first_line: int = 0
    last_line: int = 0
    _by_tag: dict[str, list[TagValue]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        # Readers ask for tags dozens of times per record: look them up, do not scan.
        for value in self.values:
            if value.value.strip():
                self._by_tag.setdefault(value.tag, []).append(value)

    def values_of(self, *tags: str) -> list[TagValue]:
        """Non-empty values of ``tags`` in file order, as ``TagValue``s; none marked used.

        For readers that use some values of a tag and not others (only the dates that
        agree, only the names that parse): they set ``used`` on the ones they keep.
        """
        if len(tags) == 1:
            return list(self._by_tag.get(tags[0], ()))
        found = [v for tag in dict.fromkeys(tags) for v in self._by_tag.get(tag, ())]
        return sorted(found, key=lambda v: v.line) if len(found) > 1 else found

    def has(self, *tags: str) -> bool:
        """Whether any of ``tags`` has a non-empty value."""
        return bool(self.values_of(*tags))

    def peek(self, *tags: str) -> list[str]:
        """Non-empty values of ``tags`` in file order, without using them."""
        return [v.value for v in self.values_of(*tags)]

    def peek_first(self, *tags: str) -> str:
        """The first non-empty value of the first of ``tags`` that has one, without using it."""
        for tag in tags:
            found = self.values_of(tag)
            if found:
                return found[0].value
        return ""

    def take(self, *tags: str) -> list[str]:
        """Every non-empty value of ``tags`` in file order, now used."""
        found = self.values_of(*tags)
        for value in found:
            value.used = True
        return [v.value for v in found]

    def take_values(self, *tags: str) -> list[TagValue]:
        """As ``take``, keeping each value's tag and line (for line-numbered warnings)."""
        found = self.values_of(*tags)
        for value in found:
            value.used = True
        return found

    def take_first(self, *tags: str) -> str:
        """The first value of the first of ``tags`` that has one, now used; others stay."""
        for tag in tags:
            found = self.values_of(tag)
            if found:
                found[0].used = True
                return found[0].value
        return ""

    def use(self, *tags: str) -> None:
        """Mark every value of ``tags`` used: structural tags (TY, ER) or empty markers."""
        wanted = set(tags)
        for value in self.values:
            if value.tag in wanted:
                value.used = True

    def line_of(self, tag: str) -> int:
        """The line of the first value of ``tag``, or the record's first line."""
        return next((v.line for v in self.values if v.tag == tag), self.first_line)

    def leftovers(self) -> list[TagValue]:
        """Non-empty values that no field took, in file order."""
        return [v for v in self.values if not v.used and v.value.strip()]

    def keep_leftovers(self, extra: dict[str, str], prefix: str, joiner: str = "; ") -> None:
        """Put every value no field took into ``extra`` as "prefix:TAG", repeats joined.

        A key already in ``extra`` (set by the reader) gets the leftovers appended, so
        nothing the reader wrote there is replaced.
        """
        for value in self.leftovers():
            key = f"{prefix}:{value.tag}"
            text = value.value.strip()
            extra[key] = f"{extra[key]}{joiner}{text}" if extra.get(key) else text
            value.used = True


# ---------------------------------------------------------------- writing

# Every character a reader may end a line at: CR LF, CR and LF, and those Python's
# ``splitlines`` knows (vertical tab, form feed, the file, group and record separators,
# NEL, and the Unicode line and paragraph separators).
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(value: str) -> str:
    """A value for a one-line field: every line break and run of white space one space."""
    return " ".join(_LINE_BREAK.sub(" ", value).split())


def continued_lines(value: str, looks_like_tag: re.Pattern[str]) -> str:
    """A value of several lines, written so that none of its lines can start a field.

    Line breaks of every kind become "\\n". A line that a reader would take for a tag
    line (a note's "ER  - " line, which would end the record and let the lines after it
    be read as a record of their own) is indented by one space: a continuation line, whose
    leading white space readers drop. ``looks_like_tag`` matches such a line, and should
    match more than the format's reader does, for the other programs that read the file.
    """
    lines = _LINE_BREAK.split(value)
    return "\n".join(
        [lines[0], *(f" {line}" if looks_like_tag.match(line) else line for line in lines[1:])]
    )


# ---------------------------------------------------------------- table exports


@dataclass(frozen=True)
class TableRow:
    """One row of a CSV or tab-delimited export, the lines it spans (1-based), its text."""

    cells: tuple[str, ...]
    first_line: int
    last_line: int
    raw_text: str


def read_table(text: str, *, delimiter: str, quoted: bool) -> list[TableRow]:
    """Rows of a table export, header first, each with its line numbers; blank rows dropped.

    ``quoted`` follows the CSV convention (Scopus: a quoted cell may hold commas and line
    breaks); without it every line is one row and quotes are text (Web of Science's
    tab-delimited export does not quote, and its titles may start with one).

    Raises:
        csv.Error: for a quoted cell that never ends (naming the line it starts on), which
            the reader reports as its ``FormatError``.
    """
    text = text.lstrip("\ufeff")
    # The csv module ends a line where this does (not at the other breaks splitlines knows).
    lines = re.split(r"\r\n|\r|\n", text)
    source = io.StringIO(text, newline="")
    if quoted:
        reader = csv.reader(source, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, strict=True)
    else:
        reader = csv.reader(source, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    rows: list[TableRow] = []
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                raw = "\n".join(lines[first - 1 : last])
                rows.append(TableRow(tuple(cells), first, last, raw))
    except csv.Error as error:  # say where the row that cannot be read starts
        raise csv.Error(f"the row from line {last + 1} on: {error}") from error
    return rows


def table_record(header: Sequence[str], row: TableRow) -> TaggedRecord:
    """A row as a record: one value per column, tagged with its header, for the bookkeeping.

    Cells beyond the header (a row longer than it) are tagged by their column number
    ("column 72"), so they are kept in extra as well.
    """
    names = [name.strip().lstrip("\ufeff") for name in header]
    names += [f"column {n}" for n in range(len(names) + 1, len(row.cells) + 1)]
    cells = zip(names, row.cells, strict=False)  # a short row leaves the last columns empty
    values = [TagValue(name, cell.strip(), row.first_line) for name, cell in cells]
    return TaggedRecord(values, row.first_line, row.last_line)
