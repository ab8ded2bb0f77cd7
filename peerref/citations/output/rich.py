"""Rich text: the one tree every rendering is built as and every writer writes out.

A piece of rich text (``Content``) is a list of plain strings and :class:`Span` nodes.
A span is formatting (italic, small caps, quotes …), a display block, a ``nocase``
region that text-case leaves alone, or a *tag*: an invisible marker saying which item,
names, date or year-suffix produced what it holds, so that disambiguation, collapsing
and subsequent-author-substitute work on the tree instead of on strings.

Field values arrive with CSL-JSON's inline markup (``<i>``, ``<b>``, ``<sc>``,
``<sup>``, ``<sub>``, ``<span class="nocase">`` and quotation marks); :func:`parse_markup`
reads them into the same tree, so a title's own italics and quotes flip-flop with the
style's ("italic inside italic" is written upright).

Joining pieces goes through :func:`join`, which settles colliding punctuation the way
citeproc-js does (a title ending in "?" followed by the suffix "." keeps only "?").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeAlias

# Span kinds.
ITALIC = "i"
NO_ITALIC = "ni"
BOLD = "b"
NO_BOLD = "nb"
SMALL_CAPS = "sc"
NO_SMALL_CAPS = "nsc"
UNDERLINE = "u"
NO_DECORATION = "nd"
SUPERSCRIPT = "sup"
SUBSCRIPT = "sub"
BASELINE = "base"
NOCASE = "nocase"
NODECOR = "nodecor"  # <span class="nodecor">: upright, regular, no small caps
QUOTE = "q"
# The data of an italic, bold or small-caps span the style applied (not markup in a field).
STYLED = "styled"
# ... applied by an element that writes text itself (see eval.formatting.apply_formatting).
STYLED_LEAF = "styled-leaf"
# The data of a TAG span around a group's or macro's output (see ``bounded``).
BOUNDARY = "boundary"
DIV = "div"
TAG = "tag"
LINK = "a"


class Span:
    """A formatted, quoted, display or tag node over its children."""

    __slots__ = ("children", "data", "kind")

    def __init__(self, kind: str, children: Content, data: Any = None) -> None:
        self.kind = kind
        self.children = children
        self.data = data

    def __repr__(self) -> str:
        extra = f", {self.data!r}" if self.data is not None else ""
        return f"Span({self.kind!r}, {self.children!r}{extra})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Span)
            and self.kind == other.kind
            and self.data == other.data
            and self.children == other.children
        )

    def __hash__(self) -> int:  # pragma: no cover - spans are not used as keys
        return id(self)


Node: TypeAlias = "str | Span"
Content: TypeAlias = "list[str | Span]"


# -- reading ----------------------------------------------------------------------------


def plain(content: Iterable[str | Span]) -> str:
    """The text of ``content`` with all formatting dropped (quotes not added)."""
    out: list[str] = []
    _collect(content, out)
    return "".join(out)


def _collect(content: Iterable[str | Span], out: list[str]) -> None:
    for node in content:
        if isinstance(node, str):
            out.append(node)
        else:
            _collect(node.children, out)


def is_empty(content: Sequence[str | Span]) -> bool:
    for node in content:
        if isinstance(node, str):
            if node:
                return False
        elif not is_empty(node.children):
            return False
    return True


def first_char(content: Sequence[str | Span]) -> str:
    for node in content:
        if isinstance(node, str):
            if node:
                return node[0]
        else:
            if node.kind == QUOTE and not is_empty(node.children):
                return "“"
            found = first_char(node.children)
            if found:
                return found
    return ""


def last_char(content: Sequence[str | Span]) -> str:
    for node in reversed(content):
        if isinstance(node, str):
            if node:
                return node[-1]
        else:
            if node.kind == QUOTE and not is_empty(node.children):
                return "”"
            found = last_char(node.children)
            if found:
                return found
    return ""


def last_text_char(content: Sequence[str | Span]) -> str:
    """The last character of text, looking through closing quotes ("Why?”" → "?")."""
    for node in reversed(content):
        if isinstance(node, str):
            if node:
                return node[-1]
        else:
            found = last_text_char(node.children)
            if found:
                return found
    return ""


def iter_spans(content: Iterable[str | Span]) -> Iterator[Span]:
    """Every span in ``content``, depth first."""
    for node in content:
        if isinstance(node, Span):
            yield node
            yield from iter_spans(node.children)


def find_tags(content: Iterable[str | Span], name: str) -> list[Span]:
    """The tag spans whose data is ``name`` or a tuple starting with ``name``."""
    found = []
    for span in iter_spans(content):
        if span.kind == TAG:
            data = span.data
            if data == name or (isinstance(data, tuple) and data and data[0] == name):
                found.append(span)
    return found


# -- changing -----------------------------------------------------------------------------


def drop_first_char(content: Content) -> Content:
    """``content`` without its first character (the tree is copied where it changes)."""
    out: Content = []
    done = False
    for node in content:
        if done:
            out.append(node)
        elif isinstance(node, str):
            if node:
                out.append(node[1:])
                done = True
        else:
            if is_empty(node.children):
                out.append(node)
                continue
            out.append(Span(node.kind, drop_first_char(node.children), node.data))
            done = True
    return [n for n in out if n != ""]


def drop_last_char(content: Content) -> Content:
    out: Content = list(content)
    for index in range(len(out) - 1, -1, -1):
        node = out[index]
        if isinstance(node, str):
            if node:
                out[index] = node[:-1]
                break
        elif not is_empty(node.children):
            out[index] = Span(node.kind, drop_last_char(node.children), node.data)
            break
    return [n for n in out if n != ""]


def strip_leading(content: Content, chars: str) -> Content:
    """``content`` without leading characters from ``chars``."""
    while content and first_char(content) in chars and first_char(content):
        content = drop_first_char(content)
    return content


def strip_trailing(content: Content, chars: str) -> Content:
    while content and last_char(content) in chars and last_char(content):
        content = drop_last_char(content)
    return content


def map_text(content: Sequence[str | Span], function: Callable[[str], str]) -> Content:
    """``content`` with ``function`` applied to every string, spans kept."""
    out: Content = []
    for node in content:
        if isinstance(node, str):
            changed = function(node)
            if changed:
                out.append(changed)
        else:
            out.append(Span(node.kind, map_text(node.children, function), node.data))
    return out


def wrap(kind: str, content: Content, data: Any = None) -> Content:
    if not content:
        return content
    return [Span(kind, content, data)]


def clone(content: Sequence[str | Span]) -> Content:
    return [n if isinstance(n, str) else Span(n.kind, clone(n.children), n.data) for n in content]


# -- punctuation when joining --------------------------------------------------------------

# What happens when a piece ending in the first character meets one starting with the
# second (citeproc-js's queue.js table): "first" keeps only the first, "second" only the
# second; pairs not listed keep both.
_COLLISIONS: dict[tuple[str, str], str] = {
    ("!", "."): "first",
    ("!", ":"): "first",
    ("?", "."): "first",
    ("?", ":"): "first",
    (":", "!"): "second",
    (":", "?"): "second",
    (":", "."): "first",
    (";", "!"): "second",
    (";", "?"): "second",
    (";", ":"): "first",
    (";", "."): "first",
    ("!", "!"): "first",
    ("?", "?"): "first",
    (".", "."): "first",
    (":", ":"): "first",
    (";", ";"): "first",
    (",", ","): "first",
    (" ", " "): "second",
}
_COLLIDING = frozenset(c for pair in _COLLISIONS for c in pair)
_QUOTE_CLOSERS = frozenset("\"'”’»›")


def _end_for_collision(left: Content, start: str) -> str:
    end = last_char(left)
    if start == "." and (end == "”" or end in _QUOTE_CLOSERS):
        # "Why?”" followed by "." keeps the question mark alone.
        inner = last_text_char(left)
        if inner in "!?.":
            return inner
    return end


def _ends_in_leaf_formatting(content: Sequence[str | Span]) -> bool:
    """Whether ``content`` ends with an element's own fonts.

    An element's formatting is the outermost span of what it renders, and what a group
    or macro renders is wrapped by ``bounded``, so looking at the last node suffices.
    """
    for node in reversed(content):
        if isinstance(node, str):
            if node:
                return False
            continue
        return bool(node.data == STYLED_LEAF)
    return False


def bounded(content: Content) -> Content:
    """``content`` as the output of a group or macro, whose end citeproc-js treats as
    plain: punctuation after it merges as usual even where its last element had fonts.
    Only wrapped when that matters, to keep the tree small."""
    if content and _ends_in_leaf_formatting(content):
        return [Span(TAG, content, BOUNDARY)]
    return content


def join_pair(left: Content, right: Content) -> tuple[Content, Content]:
    """Settle the punctuation where ``left`` meets ``right``; returns both, trimmed."""
    start = first_char(right)
    if start not in _COLLIDING or not start:
        return left, right
    end = _end_for_collision(left, start)
    if end != start and end != " " and _ends_in_leaf_formatting(left):
        # As citeproc-js: "<i>Why?</i>." — only a repeated mark merges out of fonts.
        return left, right
    rule = _COLLISIONS.get((end, start))
    if rule == "first":
        return left, drop_first_char(right)
    if rule == "second":
        if last_char(left) == end:
            return drop_last_char(left), right
        return left, drop_first_char(right) if end in "!?." and start == "." else right
    return left, right


def _starts_with_text(content: Content) -> bool:
    first = content[0]
    return isinstance(first, str) and bool(first)


def join(parts: Sequence[Content], delimiter: Content | None = None) -> Content:
    """Concatenate non-empty parts with ``delimiter`` between them, settling punctuation.

    The delimiter is always written: a part whose prefix begins with a comma after a
    ", " delimiter prints ", , " as citeproc-js prints it, so the style's mistake shows
    instead of being hidden. Only marks that touch merge (``join_pair``).
    """
    pieces: list[Content] = [p for p in parts if p and (_starts_with_text(p) or not is_empty(p))]
    if not pieces:
        return []
    if len(pieces) == 1:
        return pieces[0]
    out: Content = list(pieces[0])
    delimiter_collides = bool(delimiter) and first_char(delimiter or []) in _COLLIDING
    for piece in pieces[1:]:
        start = first_char(piece)
        if delimiter:
            if delimiter_collides:
                out, between = join_pair(out, delimiter)
                out.extend(between)
            else:
                out.extend(delimiter)
        if start in _COLLIDING:
            out, piece = join_pair(out, piece)
        out.extend(piece)
    return out


# -- markup in field values ------------------------------------------------------------------

_TAGS = {
    "<i>": (ITALIC, "</i>"),
    "<em>": (ITALIC, "</em>"),
    "<b>": (BOLD, "</b>"),
    "<strong>": (BOLD, "</strong>"),
    "<sc>": (SMALL_CAPS, "</sc>"),
    "<sup>": (SUPERSCRIPT, "</sup>"),
    "<sub>": (SUBSCRIPT, "</sub>"),
    '<span class="nocase">': (NOCASE, "</span>"),
    '<span class="nodecor">': (NODECOR, "</span>"),
    '<span style="font-variant:small-caps;">': (SMALL_CAPS, "</span>"),
    '<span style="font-variant: small-caps;">': (SMALL_CAPS, "</span>"),
    '<span style="font-style:normal;">': (NO_ITALIC, "</span>"),
    '<span class="smallcaps">': (SMALL_CAPS, "</span>"),
}
_MARKUP = re.compile(
    r"<i>|</i>|<em>|</em>|<b>|</b>|<strong>|</strong>|<sc>|</sc>|<sup>|</sup>|<sub>|</sub>"
    r'|<span class="nocase">|<span class="nodecor">|<span class="smallcaps">'
    r'|<span style="font-variant: ?small-caps;">|<span style="font-style:normal;">|</span>'
    r"|[\"'“”‘’«»„]"
)
# The tags alone, for code that must carry them through its own work on a value
# (initializing "<b>John</b> Quiggly" to "<b>J.</b> Q.").
MARKUP_TAG = re.compile(
    r"</?(?:i|em|b|strong|sc|sup|sub)>"
    r'|<span class="nocase">|<span class="nodecor">|<span class="smallcaps">'
    r'|<span style="font-variant: ?small-caps;">|<span style="font-style:normal;">|</span>'
)
_NEEDS_PARSING = re.compile(r"[<\"'“”‘’«»„]")
_OPENERS_BEFORE = frozenset(" \t\n([{\u00a0\u2014\u2013-/\"'“‘«")


def parse_markup(text: str) -> Content:
    """A field value's CSL-JSON markup as rich text.

    Tags must pair up; a tag or quotation mark without its partner stays as text
    (a lone straight apostrophe becomes ’). Quotation marks become ``QUOTE`` spans,
    written with the locale's marks and flip-flopped by the writers.
    """
    if not text:
        return []
    if not _NEEDS_PARSING.search(text):
        return [text]
    tokens: list[tuple[str, str]] = []  # (kind, text): kind "text", "open", "close", "quote"
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            tokens.append(("text", text[position : match.start()]))
        token = match.group()
        if token.startswith("</"):
            tokens.append(("close", token))
        elif token.startswith("<"):
            tokens.append(("open", token))
        else:
            tokens.append(("quote", token))
        position = match.end()
    if position < len(text):
        tokens.append(("text", text[position:]))
    return _build(_classify_quotes(tokens))


def _classify_quotes(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Decide for each quotation mark whether it opens, closes or is an apostrophe."""
    out: list[tuple[str, str]] = []
    for index, (kind, value) in enumerate(tokens):
        if kind != "quote":
            out.append((kind, value))
            continue
        before = _neighbour(tokens, index, -1)
        after = _neighbour(tokens, index, 1)
        if value in ("“", "‘", "«", "„"):
            out.append(("qopen", value))
        elif value in ("”", "»"):
            out.append(("qclose", value))
        elif value == "’":
            if before and not before.isspace() and (not after or not after.isalnum()):
                out.append(("qclose-or-apostrophe", value))
            else:
                out.append(("text", "’"))
        elif value == '"':
            if not before or before in _OPENERS_BEFORE:
                out.append(("qopen", value) if after and not after.isspace() else ("text", value))
            else:
                out.append(("qclose", value))
        else:  # straight single quote
            if (
                out
                and tokens[index - 1][0] == "quote"
                and (out[-1] == ("text", "’") or out[-1][0] == "qclose-or-apostrophe")
            ):
                # Right after an apostrophe (or a closing mark) it closes or is an
                # apostrophe too, as in a run of them after "l": never an opening mark.
                out.append(("qclose-or-apostrophe", value))
            elif (not before or before in _OPENERS_BEFORE) and after and not after.isspace():
                out.append(("qopen", value))
            elif before and not before.isspace() and before.isalnum() and after.isalnum():
                out.append(("text", "’"))
            elif before and not before.isspace():
                out.append(("qclose-or-apostrophe", value))
            else:
                out.append(("text", "’"))
    return out


def _neighbour(tokens: list[tuple[str, str]], index: int, step: int) -> str:
    index += step
    while 0 <= index < len(tokens):
        kind, value = tokens[index]
        if kind in ("open", "close"):
            index += step
            continue
        if value:
            return value[-1] if step < 0 else value[0]
        index += step
    return ""


_TYPED_QUOTES = frozenset("“‘«„")
# „ (German, Czech …) closes with “, the mark English opens with.
_QUOTE_PAIRS = {"“": "”", "‘": "’", "«": "»", "„": "“", '"': '"', "'": "'"}


def _build(tokens: list[tuple[str, str]]) -> Content:
    """Pair opening and closing tokens with a stack; unpaired ones become text."""
    # Each frame: (kind of span, expected closer, opening token text, children).
    root: Content = []
    stack: list[tuple[str, str, str, Content]] = []

    def current() -> Content:
        return stack[-1][3] if stack else root

    def emit(value: str) -> None:
        target = current()
        if target and isinstance(target[-1], str):
            target[-1] += value
        else:
            target.append(value)

    for kind, value in tokens:
        if kind == "text":
            emit(value)
        elif kind == "open":
            span_kind, closer = _TAGS[value]
            stack.append((span_kind, closer, value, []))
        elif kind == "close":
            position = _find_frame(stack, lambda frame, v=value: frame[1] == v)  # type: ignore[misc]
            if position is None:
                emit(value)
                continue
            _close_to(stack, position, root, emit)
        elif kind == "qopen":
            if value == "“":
                position = _find_frame(
                    stack,
                    lambda frame: frame[0] == QUOTE and frame[1] == "“",
                )
                if position is not None:  # the close of a „…“ quotation
                    _close_to(stack, position, root, emit)
                    continue
            stack.append((QUOTE, _QUOTE_PAIRS[value], value, []))
        elif kind in ("qclose", "qclose-or-apostrophe"):
            position = _find_frame(
                stack,
                lambda frame, v=value: frame[0] == QUOTE and frame[1] == v,  # type: ignore[misc]
            )
            if position is None:
                emit("’" if value in ("'", "’") else value)
                continue
            _close_to(stack, position, root, emit)
    while stack:  # unclosed: their openers are text
        span_kind, _closer, opener, children = stack.pop()
        literal = "’" if opener == "'" else opener
        target = current()
        target.append(literal)
        target.extend(children)
    return _merge_strings(root)


def _find_frame(
    stack: list[tuple[str, str, str, Content]],
    accept: Callable[[tuple[str, str, str, Content]], bool],
) -> int | None:
    for position in range(len(stack) - 1, -1, -1):
        if accept(stack[position]):
            return position
    return None


def _close_to(
    stack: list[tuple[str, str, str, Content]],
    position: int,
    root: Content,
    emit: Callable[[str], None],
) -> None:
    # Frames above ``position`` were never closed: their openers become text.
    while len(stack) > position + 1:
        _kind, _closer, opener, children = stack.pop()
        target = stack[-1][3]
        target.append("’" if opener == "'" else opener)
        target.extend(children)
    span_kind, closer, opener, children = stack.pop()
    target = stack[-1][3] if stack else root
    # Curly quotation marks typed in the data are kept where they stand at the top
    # level ("“It gave me hope”" stays double in a British style), as citeproc-js
    # does; straight ones take the locale's marks.
    data = (opener, closer) if span_kind == QUOTE and opener in _TYPED_QUOTES else None
    children = _merge_strings(children)
    if opener == "«":
        children = _narrow_spaces_inside(children)
    target.append(Span(span_kind, children, data))


_SPACES = " \u00a0\u202f\t"


def _narrow_spaces_inside(children: Content) -> Content:
    """French guillemets typed with spaces inside ("« Anonymous »") get the narrow
    no-break space French typography puts there, as citeproc-js writes them, so the
    mark never ends up alone at the end or start of a line."""
    children = list(children)
    if children and isinstance(children[0], str) and children[0][:1] in _SPACES:
        children[0] = "\u202f" + children[0].lstrip(_SPACES)
    if children and isinstance(children[-1], str) and children[-1][-1:] in _SPACES:
        children[-1] = children[-1].rstrip(_SPACES) + "\u202f"
    return children


def _merge_strings(content: Content) -> Content:
    out: Content = []
    for node in content:
        if isinstance(node, str):
            if not node:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += node
                continue
        out.append(node)
    return out


# -- punctuation inside quotes ----------------------------------------------------------------


def _has_quote(content: Iterable[str | Span]) -> bool:
    return any(span.kind == QUOTE for span in iter_spans(content))


def punctuation_in_quotes(content: Content) -> Content:
    """Move the punctuation that follows a closing quote inside it (US usage).

    As citeproc-js does with ``punctuation-in-quote``: periods, commas, exclamation and
    question marks move in, one after another ("“comma,.”"), down into a quotation that
    ends the quoted text ("“This is ‘The One.’”"); colons and semicolons stay out.
    """
    if not _has_quote(content):
        return content
    return _punctuation_in_quotes(content)


_MOVES_INTO_QUOTES = frozenset(".,!?")


def _punctuation_in_quotes(content: Content) -> Content:
    out: Content = []
    index = 0
    items = list(content)
    while index < len(items):
        node = items[index]
        if isinstance(node, Span):
            if not (node.kind == TAG and node.data == "user-affix"):
                # What the author typed in a prefix or suffix is left as typed.
                node = Span(node.kind, _punctuation_in_quotes(node.children), node.data)
            if node.kind == QUOTE or _ends_with_quote(node):
                rest = items[index + 1 :]
                start = first_char(rest)
                if _typed_by_author(rest) and not _ends_a_sentence(rest):
                    # A cite suffix the author typed gives up only a mark that ends a
                    # sentence ("“Title.” Also"); its comma stays where it was typed
                    # ("“Title”, especially chapter 3"), as citeproc-js leaves it.
                    start = ""
                while start in _MOVES_INTO_QUOTES and start:
                    node = _append_inside_quote(node, start)
                    rest = drop_first_char(rest)
                    start = first_char(rest)
                items = [*items[: index + 1], *rest]
        out.append(node)
        index += 1
    return out


def _typed_by_author(rest: Content) -> bool:
    """Whether what follows starts with a cite prefix or suffix the author typed."""
    for node in rest:
        if isinstance(node, str):
            if node:
                return False
            continue
        if node.kind == TAG and node.data == "user-affix":
            return True
        if is_empty([node]):
            continue
        return _typed_by_author(node.children)
    return False


def _ends_a_sentence(rest: Content) -> bool:
    """Whether ``rest`` starts with ".", "!" or "?" and goes on after a space."""
    text = plain(rest)
    return text[:1] in ".!?" and text[1:2].isspace() and bool(text[2:].strip())


def _ends_with_quote(span: Span) -> bool:
    children = span.children
    while children:
        last = children[-1]
        if isinstance(last, str):
            return False
        if last.kind == QUOTE:
            return True
        children = last.children
    return False


def _append_inside_quote(span: Span, char: str) -> Span:
    """``span`` with ``char`` put inside its last quotation, merged with the mark there.

    The mark already at the end meets the new one as marks meet when joined: "!" then
    "." keeps "!", ":" then "?" becomes "?", "?" then "," keeps both ("… our lives?,”").
    """
    if span.kind == QUOTE and not _ends_with_quote(span):
        children = list(span.children)
        inner = last_char(children)
        rule = _COLLISIONS.get((inner, char))
        if rule == "first":
            return span
        if rule == "second":
            children = drop_last_char(children)
        return Span(span.kind, [*children, char], span.data)
    children = list(span.children)
    children[-1] = _append_inside_quote(children[-1], char)  # type: ignore[arg-type]
    return Span(span.kind, children, span.data)


# -- text case ---------------------------------------------------------------------------------

# Words title case leaves in lower case unless first or last, or after a colon: the
# English prepositions, conjunctions, articles and name particles citeproc-js lists.
STOP_WORDS = frozenset(
    # A static list written as a paragraph is easier to read and check than 150 lines.
    """about above across afore after against al along alongside amid amidst among amongst
    anenst apropos apud around as aside astride at athwart atop barring before behind below
    beneath beside besides between beyond but by circa despite down during et except for
    forenenst from given in inside into lest like modulo near next notwithstanding of off on
    onto out over per plus pro qua sans since than through thru throughout thruout till to
    toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with
    within without or yet so and nor a an the de d' von van c ca""".split()  # noqa: SIM905
)
# What splits a title into segments: quotation marks, dashes, slashes, punctuation and
# brackets; words are then split on spaces.
_CASE_TAG = re.compile(r"([‘’“”\"'\-–—/.,;?!:\[\]()])")
_CASE_SPACE = re.compile(r"([ \u00a0\u2000-\u200b\u205f\u3000]+)")
_SKIPPED_BY_CASE = frozenset({NOCASE, NODECOR, SUPERSCRIPT, SUBSCRIPT, SMALL_CAPS})


def _leaves(content: Content, out: list[tuple[Content, int, bool]], skip: bool) -> None:
    for index, node in enumerate(content):
        if isinstance(node, str):
            out.append((content, index, skip))
        else:
            _leaves(node.children, out, skip or node.kind in _SKIPPED_BY_CASE)


def _capitalize(word: str) -> str:
    """The first character upper-cased; a lone Greek letter ("β") is left as it is."""
    for position, char in enumerate(word):
        if char.isspace():
            continue
        if len(word.strip()) == 1 and "\u0370" <= char <= "\u03ff":
            return word
        return word[:position] + char.upper() + word[position + 1 :]
    return word


class _Token:
    """A piece of one leaf's text: a segment of words, or a tag between segments."""

    __slots__ = ("is_tag", "leaf", "original", "text")

    def __init__(self, leaf: int, text: str, is_tag: bool) -> None:
        self.leaf = leaf
        self.text = text
        self.original = text
        self.is_tag = is_tag


class _CaseState:
    __slots__ = ("after_punctuation", "first", "last_word")

    def __init__(self) -> None:
        self.first = True
        self.after_punctuation = False
        self.last_word: tuple[int, int] | None = None


def _upper(text: str, language: str) -> str:
    if language[:2] in ("tr", "az"):
        text = text.replace("i", "İ")
    return text.upper()


def _lower(text: str, language: str) -> str:
    if language[:2] in ("tr", "az"):
        text = text.replace("I", "ı").replace("İ", "i")
    return text.lower()


def apply_text_case(
    content: Content, text_case: str, *, english: bool = True, language: str = ""
) -> Content:
    """``content`` with a CSL ``text-case`` applied, as citeproc-js applies it.

    ``nocase``, small-caps, superscript and subscript spans are left alone. Title and
    sentence case are for English only. Title case capitalizes every lower-case word
    but the stop words, which it capitalizes only first, last, after ":", "?" or "!",
    or before a hyphen ("Out-of-Fashion"); words with capitals in them stay as they
    are ("UK", "iPhone"). Sentence case capitalizes the first word and lower-cases the
    others.
    """
    if text_case in ("title", "sentence") and not english:
        return content
    content = clone(content)
    leaves: list[tuple[Content, int, bool]] = []
    _leaves(content, leaves, False)
    if text_case in ("lowercase", "uppercase"):
        for parent, index, skip in leaves:
            if not skip:
                text = parent[index]
                assert isinstance(text, str)
                parent[index] = (
                    _lower(text, language) if text_case == "lowercase" else _upper(text, language)
                )
        return content
    if text_case not in ("capitalize-first", "capitalize-all", "sentence", "title"):
        return content
    # Every leaf split into segments and the tags between them: (leaf, text, is tag).
    tokens: list[_Token] = []
    for number, (parent, index, _skip) in enumerate(leaves):
        text = parent[index]
        assert isinstance(text, str)
        for position, piece in enumerate(_CASE_TAG.split(text)):
            if piece:
                tokens.append(_Token(number, piece, position % 2 == 1))
    state = _CaseState()
    for token_index, token in enumerate(tokens):
        number, text, is_tag = token.leaf, token.text, token.is_tag
        if is_tag:
            if text in ("!", "?", ":"):
                state.after_punctuation = True
            continue
        if leaves[number][2]:
            if text.strip():
                state.last_word = None
                state.first = False
                state.after_punctuation = False
            continue
        # citeproc-js looks for a following hyphen only after the very first segment.
        following = tokens[1].text if token_index == 0 and len(tokens) > 1 else ""
        token.text = _case_segment(text, text_case, state, token_index, following == "-")
        if text_case == "capitalize-first" and not state.first:
            break
    _restore_after_stray_quotes(tokens, leaves)
    if text_case == "title" and state.last_word is not None:
        token_index, word_index = state.last_word
        words = _CASE_SPACE.split(tokens[token_index].text)
        word = words[word_index]
        if len(word) > 1 and word.lower() in STOP_WORDS:
            words[word_index] = _capitalize(word)
            tokens[token_index].text = "".join(words)
    rebuilt: dict[int, list[str]] = {}
    for token in tokens:
        rebuilt.setdefault(token.leaf, []).append(token.text)
    for number, (parent, index, _skip) in enumerate(leaves):
        parent[index] = "".join(rebuilt.get(number, []))
    return _merge_strings_deep(content)


_QUOTE_OPENERS = {"“": "”", "‘": "’"}


def _restore_after_stray_quotes(
    tokens: list[_Token], leaves: list[tuple[Content, int, bool]]
) -> None:
    """Undo case changes right after a quotation mark that pairs with nothing.

    An apostrophe splits "You’re" into two segments; as citeproc-js does, the letter
    after a mark that opens or closes nothing keeps its original case ("You’re", not
    "You’Re").
    """
    stack: list[tuple[str, int]] = []  # (expected closer, token index of the opener)
    restore: list[int] = []
    for index, token in enumerate(tokens):
        if not token.is_tag or token.text not in "“”‘’\"'":
            continue
        previous = tokens[index - 1].text[-1:] if index else " "
        opener = token.text in _QUOTE_OPENERS or (
            token.text in "\"'" and (not previous or previous.isspace())
        )
        closer = {"“": "”", "‘": "’", '"': '"', "'": "'"}.get(token.text, "")
        if opener and closer:
            if stack and stack[-1][0] != closer:
                restore.append(stack.pop()[1])
            stack.append((closer, index))
        elif stack and stack[-1][0] == token.text:
            stack.pop()
        else:
            restore.append(index)
    restore.extend(index for _closer, index in stack)
    for index in restore:
        following = index + 1
        if following < len(tokens) and not tokens[following].is_tag:
            original = tokens[following].original
            if original and tokens[following].text:
                tokens[following].text = original[0] + tokens[following].text[1:]


def _case_segment(
    text: str, text_case: str, state: _CaseState, token_index: int, before_hyphen: bool
) -> str:
    words = _CASE_SPACE.split(text)
    word_positions = [i for i, word in enumerate(words) if word and not _CASE_SPACE.fullmatch(word)]
    for position in word_positions:
        word = words[position]
        lower = word.lower()
        if text_case == "capitalize-first":
            if state.first:
                if word == lower:
                    words[position] = _capitalize(word)
                state.first = False
            break
        if text_case == "capitalize-all":
            if word == lower:
                words[position] = _capitalize(word)
        elif text_case == "sentence":
            words[position] = _capitalize(word) if state.first else lower
        else:  # title
            capitalize = (
                (len(word) > 1 and lower not in STOP_WORDS)
                or (position == word_positions[-1] and before_hyphen)
                or state.first
                or state.after_punctuation
            )
            if capitalize and word == lower:
                words[position] = _capitalize(word)
            state.last_word = (token_index, position)
        state.first = False
        state.after_punctuation = False
    return "".join(words)


def _merge_strings_deep(content: Content) -> Content:
    out: Content = []
    for node in content:
        if isinstance(node, Span):
            out.append(Span(node.kind, _merge_strings_deep(node.children), node.data))
        elif node:
            if out and isinstance(out[-1], str):
                out[-1] += node
            else:
                out.append(node)
    return out


def strip_periods(content: Content) -> Content:
    return map_text(content, lambda text: text.replace(".", ""))


def normalize_spaces(text: str) -> str:
    return unicodedata.normalize("NFC", text)
