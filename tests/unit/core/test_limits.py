"""What a field may hold (issue 17 #8 and #10): no control characters, bounded lengths."""

from __future__ import annotations

from peerref.core.limits import (
    DEFAULT_LIMITS,
    FieldLimits,
    checked_reference,
    clean_text,
    control_character_messages,
)
from peerref.core.model import AbstractSection, Creator, Reference


def test_clean_text_removes_c0_controls_and_keeps_tabs_and_line_breaks() -> None:
    cleaned = clean_text("a\x00b\tc\nd\r\ne\x0cf\x7fg\x1b")
    assert cleaned.text == "ab\tc\nd\r\ne fg"
    assert cleaned.count == 4
    assert cleaned.describe() == "4 control characters (NUL, form feed, U+007F, escape)"
    assert cleaned.offsets == (1, 10, 12, 14)


def test_clean_text_replaces_lone_surrogates_which_cannot_be_written_as_utf8() -> None:
    cleaned = clean_text("x\ud800y")
    assert cleaned.text == "x\ufffdy"
    cleaned.text.encode("utf-8")


def test_clean_text_leaves_ordinary_text_alone() -> None:
    text = "Müller – “quoted” 日本語"
    assert clean_text(text).text is text
    assert clean_text(text).count == 0


def test_a_plain_reference_comes_back_as_the_same_object() -> None:
    reference = Reference(title="A title", creators=(Creator(family="Doe"),))
    assert checked_reference(reference) == (reference, [])
    assert checked_reference(reference)[0] is reference


def test_a_long_title_is_cut_with_a_warning_naming_the_field() -> None:
    reference = Reference(title="x" * 1_000_000, volume="3")
    checked, messages = checked_reference(reference)
    assert checked.title == "x" * DEFAULT_LIMITS.short_text + "…"
    assert checked.volume == "3"
    assert messages == [
        "the title is 1,000,000 characters long: kept the first 10,000 "
        "(the whole text stays in the import's original text)"
    ]


def test_every_kind_of_field_is_held_to_its_limit() -> None:
    limits = FieldLimits(
        short_text=5, code=3, url=4, abstract=6, extra_value=2, creators=1, keywords=2
    )
    reference = Reference(
        title="abcdefg",
        page="1234",
        url="https://x",
        creators=(Creator(family="Longname"), Creator(family="B")),
        keywords=("k1", "k2", "k3"),
        abstract=(AbstractSection("Aims", "abcd"), AbstractSection("", "efgh")),
        extra={"note": "abc"},
    )
    checked, messages = checked_reference(reference, limits)
    assert checked.title == "abcde…"
    assert checked.page == "123…"
    assert checked.url == "http…"
    assert [c.family for c in checked.creators] == ["Longn…"]
    assert checked.keywords == ("k1", "k2")
    assert sum(len(s.heading) + len(s.text) for s in checked.abstract) <= 6 + 1
    assert checked.extra == {"note": "ab…"}
    joined = " | ".join(messages)
    for named in ("title", "page", "URL", "2 names", "keyword", "abstract", "extra field 'note'"):
        assert named in joined


def test_control_characters_in_any_field_are_removed_and_named() -> None:
    reference = Reference(
        title="A\x00B",
        creators=(Creator(family="Do\x01e"),),
        keywords=("k\x0cw",),
        abstract=(AbstractSection("", "ab\x00c"),),
        extra={"note": "n\x00"},
    )
    checked, messages = checked_reference(reference)
    assert checked.title == "AB"
    assert checked.creators[0].family == "Doe"
    assert checked.keywords == ("k w",)
    assert checked.abstract[0].text == "abc"
    assert checked.extra == {"note": "n"}
    assert "1 control character (NUL) removed from the title" in messages
    assert len(messages) == 5


def test_control_character_messages_ignore_length() -> None:
    reference = Reference(title="y" * 50_000, extra={"note": "a\x00"})
    assert control_character_messages(reference) == [
        "1 control character (NUL) removed from the extra field 'note'"
    ]


def test_the_quick_look_misses_no_long_field_or_key() -> None:
    reference = Reference(volume="9" * 5_000, extra={"k" * 20_000: "v"})
    checked, messages = checked_reference(reference)
    assert checked.volume == "9" * DEFAULT_LIMITS.code + "…"
    assert list(checked.extra) == ["k" * DEFAULT_LIMITS.short_text + "…"]
    assert len(messages) == 2


def test_without_controls_only_lengths_are_looked_at() -> None:
    reference = Reference(title="clean")
    assert checked_reference(reference, controls=False)[0] is reference
