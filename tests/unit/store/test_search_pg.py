"""The PostgreSQL search document built in Python: what the tsvector literal holds.

No server needed: these check the literal itself; test_search_parity checks that the
server reads it as SQLite's FTS5 reads the same reference.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from peerref.store.search_pg import COLUMNS, MAX_POSITION, document, fold_tokens


def _columns(**values: str) -> list[str]:
    return [values.get(name, "") for name in COLUMNS]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_tokens_never_hold_a_quote_or_a_backslash(text: str) -> None:
    # document() writes lexemes between quotes without escaping on this promise.
    for token in fold_tokens(text + " it's a\\b 'x' "):
        assert "'" not in token
        assert "\\" not in token


def test_a_repeated_word_lists_its_positions_with_the_columns_weight() -> None:
    literal = document(_columns(title="Peer review, peer support", creators="Smith"))

    assert literal == "'peer':1A,3A 'review':2A 'support':4A 'smith':6B"


def test_positions_past_the_limit_are_clamped_once_per_weight() -> None:
    words = " ".join(["word"] * 3 + [f"w{n}" for n in range(MAX_POSITION)] + ["tail", "tail"])
    literal = document(_columns(abstract=words))

    # The three empty columns before the abstract each leave a gap of one position.
    assert literal.startswith("'word':4,5,6 'w0':7 ")
    assert literal.endswith(f"'tail':{MAX_POSITION}")
