"""The tagged-file helper shared by the tagged and table readers (``formats/_tagged``)."""

from __future__ import annotations

import re

from peerref.formats._tagged import (
    RecordBlock,
    TaggedRecord,
    TagSyntax,
    continued_lines,
    join_paragraphs,
    one_line,
    read_block,
    read_fields,
    read_table,
    split_blocks,
    table_record,
)

TWO_LETTER = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]) (?P<value>.*)$")


def test_continuation_lines_wrap_or_start_a_value_of_a_list_tag() -> None:
    syntax = TagSyntax(tag_line=TWO_LETTER, list_tags=frozenset({"AU"}))
    found = read_fields(
        ["TI A title that", "   wraps twice", "and once more", "AU Repper, J", "Watson, E"],
        first_line=10,
        syntax=syntax,
    )
    assert [(v.tag, v.value, v.line) for v in found.values] == [
        ("TI", "A title that wraps twice and once more", 10),
        ("AU", "Repper, J", 13),
        ("AU", "Watson, E", 14),
    ]
    assert found.stray == []


def test_lines_that_continue_nothing_are_reported_as_stray() -> None:
    indented_only = TagSyntax(tag_line=TWO_LETTER, is_continuation=lambda line: line[:1] == " ")
    found = read_fields(["stray before", "TI Title", "not indented"], 1, indented_only)
    assert [v.value for v in found.values] == ["Title"]
    assert found.stray == [(1, "stray before"), (3, "not indented")]


def test_an_empty_list_tag_line_takes_the_first_name_below_it() -> None:
    syntax = TagSyntax(
        tag_line=re.compile(r"^(?P<tag>AU)(?: (?P<value>.*))?$"), list_tags=frozenset({"AU"})
    )
    found = read_fields(["AU", "   Repper, J", "   Watson, E"], 1, syntax)
    assert [v.value for v in found.values] == ["Repper, J", "Watson, E"]


def _record() -> TaggedRecord:
    syntax = TagSyntax(tag_line=TWO_LETTER)
    lines = ["SN 1111-1111", "SN 2222-2222", "TI Title", "T2 Journal", "JF Journal", "XX odd"]
    return TaggedRecord(read_fields(lines, 1, syntax).values, 1, len(lines))


def test_what_a_reader_does_not_take_is_left_for_extra() -> None:
    record = _record()
    assert record.take_first("SN") == "1111-1111"
    assert record.take_first("TX", "TI") == "Title"
    assert record.peek("T2", "JF") == ["Journal", "Journal"]
    assert record.take("T2") == ["Journal"]
    assert [(v.tag, v.value) for v in record.leftovers()] == [
        ("SN", "2222-2222"),
        ("JF", "Journal"),
        ("XX", "odd"),
    ]
    extra = {"x:SN": "kept by the reader"}
    record.keep_leftovers(extra, "x")
    assert extra == {"x:SN": "kept by the reader; 2222-2222", "x:JF": "Journal", "x:XX": "odd"}
    assert record.leftovers() == []


def test_take_uses_every_value_and_lines_are_kept() -> None:
    record = _record()
    assert [(v.value, v.line) for v in record.take_values("SN")] == [
        ("1111-1111", 1),
        ("2222-2222", 2),
    ]
    assert record.line_of("TI") == 3 and record.line_of("ZZ") == 1
    assert record.has("XX") and not record.has("ZZ")


def test_blocks_end_at_blank_lines_or_where_a_record_starts() -> None:
    lines = ["", "TI One", "AU A", "", "", "TI Two", "NR 1", "TI Three", ""]
    by_blank = split_blocks(lines)
    assert [(b.first_line, b.last_line) for b in by_blank] == [(2, 3), (6, 8)]
    starts = split_blocks(
        lines, lambda line, _current: line.startswith("TI "), blank_line_ends=False
    )
    assert [b.lines for b in starts] == [("TI One", "AU A"), ("TI Two", "NR 1"), ("TI Three",)]
    assert starts[1].raw_text == "TI Two\nNR 1"


def test_paragraphs_survive_blank_continuation_lines() -> None:
    syntax = TagSyntax(
        tag_line=TWO_LETTER,
        is_continuation=lambda line: True,
        join=lambda _tag, value, line: join_paragraphs(value, line),
    )
    block = RecordBlock(5, ("IN Leeds,", "  England", "", "  Stockholm", "TI Peer work"))
    record, stray = read_block(block, syntax)
    assert record.peek("IN") == ["Leeds, England\nStockholm"]
    assert (record.first_line, record.last_line, stray) == (5, 9, [])


def test_table_rows_keep_their_lines_and_leftover_cells() -> None:
    rows = read_table('"Title","Year"\n"Peer\nwork","2020","extra"\n\n', delimiter=",", quoted=True)
    header, row = rows
    assert (row.first_line, row.last_line, row.raw_text) == (2, 3, '"Peer\nwork","2020","extra"')
    record = table_record(header.cells, row)
    assert record.take_first("Title") == "Peer\nwork"
    extra: dict[str, str] = {}
    record.keep_leftovers(extra, "x")
    assert extra == {"x:Year": "2020", "x:column 3": "extra"}
    # Without quoting, a quote is text and every line is a row.
    unquoted = read_table('PT\tTI\nJ\t"Peer" work\n', delimiter="\t", quoted=False)
    assert unquoted[1].cells == ("J", '"Peer" work')


def test_one_line_turns_every_kind_of_line_break_into_one_space() -> None:
    assert one_line("a\r\nb\rc\nd\u2028e\x85f\x0cg  h") == "a b c d e f g h"


def test_continued_lines_indent_only_the_lines_a_reader_would_take_for_a_tag() -> None:
    looks_like_tag = re.compile(r"^\s*[A-Za-z0-9]{2}\s*-")
    value = "first\r\nER  - \rTY - JOUR\u2028plain line\n\nAB  - x"
    assert continued_lines(value, looks_like_tag) == (
        "first\n ER  - \n TY - JOUR\nplain line\n\n AB  - x"
    )
    lines = continued_lines(value, looks_like_tag).split("\n")
    assert not any(TWO_LETTER.match(line) for line in lines[1:])
