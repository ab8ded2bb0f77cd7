"""The PostgreSQL search document built in Python: what the tsvector literal holds.

No server needed: these check the literal itself; test_search_parity checks that the
server reads it as SQLite's FTS5 reads the same reference.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerref.store.search_pg import (
    COLUMNS,
    MAX_LEXEME_BYTES,
    MAX_POSITION,
    document,
    fold_tokens,
)


def _columns(**values: str) -> list[str]:
    return [values.get(name, "") for name in COLUMNS]


@settings(deadline=None)  # the first example compiles the tokenizer's patterns
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_tokens_never_hold_a_quote_a_backslash_or_a_field_mark(text: str) -> None:
    # document() writes lexemes between quotes without escaping on this promise, and a
    # marked lexeme ("t~peer") could otherwise be made from text.
    for token in fold_tokens(text + " it's a\\b 'x' t~peer "):
        assert "'" not in token
        assert "\\" not in token
        assert "~" not in token


def test_a_repeated_word_lists_its_positions_with_the_columns_weight() -> None:
    literal = document(_columns(title="Peer review, peer support", creators="Smith"))

    assert literal == (
        "'peer':1A,3A 'review':2A 'support':4A 't~peer':1A,3A 't~review':2A 't~support':4A "
        "'smith':6B 'a~smith':6B"
    )


def test_only_title_and_creator_words_are_marked_and_one_too_long_marked_is_left_out() -> None:
    longest = "x" * MAX_LEXEME_BYTES  # a lexeme of its own; two bytes more with a mark
    literal = document(_columns(title=f"{longest} care", container="Care", abstract="care"))

    assert literal == f"'{longest}':1A 'care':2A,5C,7 't~care':2A"


def test_a_marked_token_is_measured_in_bytes() -> None:
    # 682 three-byte letters: a lexeme of 2,046 bytes, 2,048 with a mark.
    longest = "語" * (MAX_LEXEME_BYTES // 3)
    fits = "語" * (MAX_LEXEME_BYTES // 3 - 1)
    literal = document(_columns(title=f"{longest} {fits}"))

    assert literal == f"'{longest}':1A '{fits}':2A 't~{fits}':2A"


def test_positions_past_the_limit_are_clamped_once_per_weight() -> None:
    words = " ".join(["word"] * 3 + [f"w{n}" for n in range(MAX_POSITION)] + ["tail", "tail"])
    literal = document(_columns(abstract=words))

    # The three empty columns before the abstract each leave a gap of one position.
    assert literal.startswith("'word':4,5,6 'w0':7 ")
    assert literal.endswith(f"'tail':{MAX_POSITION}")
