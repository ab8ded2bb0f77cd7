"""The tagged-file helper shared by RIS, MEDLINE and Web of Science (``formats/_tagged``)."""

from __future__ import annotations

import re

from peerref.formats._tagged import TaggedRecord, TagSyntax, read_fields

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
