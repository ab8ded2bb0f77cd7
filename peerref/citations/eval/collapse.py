"""Passes over rendered cites and entries: grouping, collapsing, author substitution.

Cite grouping puts cites with the same names next to each other; collapsing then
writes the names once ("Repper & Watson, 2012a, 2012b"), the year once
("2012a, b"), a run of suffixes as a range ("a–c") or a run of citation numbers as a
range ("19–21"). All of it works on the tags evaluation left in the rich text: the
first ``names`` of a cite, its ``year-suffix``, its ``citation-number``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from peerref.citations.eval.formatting import affix
from peerref.citations.output import rich
from peerref.citations.output.rich import Content, Span

if TYPE_CHECKING:
    from peerref.citations.eval.context import CiteInfo
    from peerref.citations.processor import Entry, Processor


def _first_names(content: Content) -> Span | None:
    for span in rich.find_tags(content, "names"):
        if span.data[2]:
            return span
    return None


def names_key(content: Content) -> str | None:
    """The plain text of a cite's first names, or ``None`` when it has none."""
    span = _first_names(content)
    return rich.plain(span.children) if span is not None else None


def _without_tag(content: Content, name: str) -> Content:
    out: Content = []
    for node in content:
        if isinstance(node, str):
            out.append(node)
        elif node.kind == rich.TAG and (
            node.data == name or (isinstance(node.data, tuple) and node.data[0] == name)
        ):
            continue
        else:
            out.append(Span(node.kind, _without_tag(node.children, name), node.data))
    return out


def collapse_citation(processor: Processor, cites: list[CiteInfo]) -> Content:
    """The cites of one citation joined as the style's grouping and collapsing ask."""
    citation = processor.style.citation
    options = citation.options
    layout_delimiter = affix(citation.layout.delimiter)
    rendered = [
        processor.render_cite(cite, term_predecessor=index > 0) for index, cite in enumerate(cites)
    ]
    if options.collapse == "citation-number":
        return _collapse_numbers(processor, cites, rendered, layout_delimiter)
    if (options.collapse is None and options.cite_group_delimiter is None) or len(cites) < 2:
        return _joined(processor, cites, rendered, layout_delimiter)
    return _collapse_authors(processor, cites, rendered, layout_delimiter)


def _joined(
    processor: Processor, cites: list[CiteInfo], rendered: list[Content], delimiter: Content
) -> Content:
    out: Content = []
    previous: CiteInfo | None = None
    had_empty = False
    for index, (cite, content) in enumerate(zip(cites, rendered, strict=True)):
        piece = processor.with_affixes(content, cite)
        if not content:
            # As citeproc-js: a cite with nothing to print keeps only what the author
            # typed around it, with no delimiter; the first says so if even that is
            # empty.
            if index == 0 and not piece:
                piece = [processor_no_form()]
            out = rich.join([out, piece])
            had_empty = True
            continue
        if previous is None or not out:
            out = rich.join([out, piece])
        else:
            # The delimiter stays even before a cite that starts with a comma
            # ("p.; , ch. 4"), as citeproc-js writes it.
            between = _delimiter_between(previous, cite, delimiter)
            out = rich.join([out, between, piece])
        previous = cite
    return rich.strip_trailing(out, " ") if had_empty else out


def _delimiter_between(previous: CiteInfo, cite: CiteInfo, delimiter: Content) -> Content:
    """The delimiter between two cites, giving way to the author's own punctuation.

    After a suffix ending in ".", "," or ";" only the delimiter's spacing stays
    ("… is one source, Jones"); before a prefix starting with one, nothing does.
    """
    if previous.suffix and previous.suffix[-1:] in ";.,":
        text = rich.plain(delimiter)
        return [text[text.index(" ") :]] if " " in text else []
    if not previous.suffix and cite.prefix[:1] in (";", ".", ","):
        return []
    return delimiter


def processor_no_form() -> str:
    from peerref.citations.processor import NO_PRINTED_FORM

    return NO_PRINTED_FORM


def _collapse_authors(
    processor: Processor, cites: list[CiteInfo], rendered: list[Content], layout: Content
) -> Content:
    """Author-date collapsing: a cite by the same author as the one before it is written
    without the names ("Repper & Watson 2012a, 2012b"), and with year-suffix collapsing
    without the year too ("2012a, b"); delimiters follow citeproc-js's rules."""
    style = processor.style
    options = style.citation.options
    collapse = options.collapse
    in_text = style.style_class == "in-text"
    after_collapse = (
        affix(options.after_collapse_delimiter)
        if options.after_collapse_delimiter is not None
        else None
    )
    group_delimiter = (
        affix(options.cite_group_delimiter) if options.cite_group_delimiter is not None else None
    )
    if group_delimiter is not None:
        suffix_successor = group_delimiter
    elif options.year_suffix_delimiter is not None:
        suffix_successor = affix(options.year_suffix_delimiter)
    else:
        suffix_successor = layout
    suffix_collapse = collapse in ("year-suffix", "year-suffix-ranged") and (
        options.add_year_suffix
    )
    # Each cite as (delimiter before it, the cite, its year-suffix tag, suffix only).
    entries: list[tuple[Content, Content, Span | None, bool]] = []
    last_names: str | None = None
    last_years: tuple[int, ...] | None = None
    previous: CiteInfo | None = None
    previous_collapsed = False
    for cite, full in zip(cites, rendered, strict=True):
        # Cites that print no names at all count as by the same (empty) author, as
        # citeproc-js groups them: "(2021, 2023; Mind)".
        names = names_key(full) or ""
        collapsed = False
        use_group_delimiter = False
        body = full
        if names is not None and names == last_names:
            collapsed = collapse is not None
            use_group_delimiter = group_delimiter is not None
            if collapse is not None:
                body = processor.render_cite(cite, suppress_author=True, term_predecessor=True)
        elif names is not None:
            last_names = names
        years = _years(processor, cite)
        suffix_only = False
        if suffix_collapse and collapsed and years and years == last_years:
            shortened = processor.render_cite(
                cite, suppress_author=True, suppress_year=True, term_predecessor=True
            )
            if rich.find_tags(shortened, "year-suffix"):
                body = shortened
                suffix_only = True
        last_years = years
        if not body and collapsed:
            # Nothing left once the names are written once (no date, say): as
            # citeproc-js, the cite adds nothing to the citation but what the author
            # typed around it; "no printed form" is for a cite that prints nothing at all.
            piece = processor.with_affixes([], cite)
            if not piece:
                continue
        else:
            piece = processor.with_affixes(body or [processor_no_form()], cite)
        delimiter: Content = []
        if previous is not None:
            if suffix_only:
                # A year-suffix written alone follows its predecessor's with the
                # year-suffix delimiter, after a locator too: "(Philpott et al. 2017a,
                # 148; b)", as citeproc-js joins them.
                delimiter = suffix_successor
            else:
                delimiter = _splice_delimiter(
                    previous,
                    previous_collapsed,
                    collapsed,
                    use_group_delimiter,
                    layout,
                    after_collapse,
                    group_delimiter,
                    collapse,
                    in_text,
                )
            delimiter = _delimiter_between(previous, cite, delimiter)
        tags = rich.find_tags(piece, "year-suffix")
        entries.append((delimiter, piece, tags[0] if tags else None, suffix_only))
        previous, previous_collapsed = cite, collapsed
    if collapse == "year-suffix-ranged":
        entries = _range_year_suffixes(entries, processor)
    out: Content = []
    for index, (delimiter, piece, _tag, _only) in enumerate(entries):
        out = rich.join([out, piece], delimiter) if index else list(piece)
    return out


def _splice_delimiter(
    previous: CiteInfo,
    previous_collapsed: bool,
    collapsed: bool,
    use_group_delimiter: bool,
    layout: Content,
    after_collapse: Content | None,
    group_delimiter: Content | None,
    collapse: str | None,
    in_text: bool,
) -> Content:
    """citeproc-js's choice of the delimiter before a cite (getSpliceDelimiter)."""
    if after_collapse is not None:
        if previous.locator:
            return after_collapse
        if previous_collapsed and not collapsed:
            return after_collapse
        if not previous_collapsed and not collapsed and collapse != "year-suffix":
            return after_collapse
        return layout
    if use_group_delimiter and group_delimiter is not None:
        return group_delimiter
    if collapsed and in_text:
        return [", "]
    return layout


def _years(processor: Processor, cite: CiteInfo) -> tuple[int, ...]:
    date = processor.items[cite.item_id].dates.get("issued")
    if date is None:
        return ()
    return tuple(part[0] for part in date.parts)


def _range_year_suffixes(
    entries: list[tuple[Content, Content, Span | None, bool]], processor: Processor
) -> list[tuple[Content, Content, Span | None, bool]]:
    """Runs of three or more consecutive year-suffixes written as "a–c"."""
    delimiter = processor.locale.term_text("citation-range-delimiter") or "–"
    out: list[tuple[Content, Content, Span | None, bool]] = []
    index = 0
    while index < len(entries):
        tag = entries[index][2]
        end = index
        if tag is not None:
            while (
                end + 1 < len(entries)
                and entries[end + 1][3]
                and entries[end + 1][2] is not None
                and _follows(
                    rich.plain(entries[end][2].children),  # type: ignore[union-attr]
                    rich.plain(entries[end + 1][2].children),  # type: ignore[union-attr]
                )
            ):
                end += 1
        if tag is not None and end - index >= 2:
            last = entries[end][2]
            assert last is not None
            tag.children = [*tag.children, delimiter, *last.children]
            out.append(entries[index])
            index = end + 1
            continue
        out.append(entries[index])
        index += 1
    return out


def _follows(left: str, right: str) -> bool:
    return bool(left) and bool(right) and _suffix_number(right) == _suffix_number(left) + 1


def _suffix_number(letters: str) -> int:
    """ "a" → 0, "z" → 25, "aa" → 26: the inverse of ``core.dates.year_suffix``."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - ord("a") + 1)
    return number - 1


def _collapse_numbers(
    processor: Processor, cites: list[CiteInfo], rendered: list[Content], delimiter: Content
) -> Content:
    options = processor.style.citation.options
    after_collapse = (
        affix(options.after_collapse_delimiter)
        if options.after_collapse_delimiter is not None
        else delimiter
    )
    numbers: list[int | None] = []
    for cite, content in zip(cites, rendered, strict=True):
        tags = rich.find_tags(content, "citation-number")
        # A locator only keeps a cite out of a range when the style prints it.
        shows_locator = bool(cite.locator) and bool(rich.find_tags(content, "locator"))
        plain_cite = not shows_locator and not cite.prefix and not cite.suffix
        numbers.append(tags[0].data[1] if tags and plain_cite else None)
    out: Content = []
    previous_collapsed = False
    index = 0
    while index < len(cites):
        end = index
        if numbers[index] is not None:
            while (
                end + 1 < len(cites)
                and numbers[end + 1] is not None
                and numbers[end + 1] == numbers[end] + 1  # type: ignore[operator]
            ):
                end += 1
        if end - index >= 2:
            piece = rich.join([rendered[index], ["–"], rendered[end]])
            collapsed = True
            index = end + 1
        else:
            piece = processor.with_affixes(rendered[index] or [processor_no_form()], cites[index])
            collapsed = False
            index += 1
        if out:
            out = rich.join([out, piece], after_collapse if previous_collapsed else delimiter)
        else:
            out = piece
        previous_collapsed = collapsed
    return out


NamesReplacement = Callable[[Span], None]


def author_substitutions(
    entries: Sequence[Entry], substitute: str, rule: str
) -> dict[int, NamesReplacement]:
    """Which entries' first names repeat the previous entry's, and how they are replaced.

    The entries are compared as first rendered; the processor then renders each entry
    found here again with its names replaced during evaluation, as citeproc-js does, so
    that the punctuation around them settles against the substitute ("---. 1994"
    where the names ended "et al." and swallowed the period).

    Returns:
        For each entry (by position) whose names are substituted, a function that
        replaces them in the entry's first ``names`` span.
    """
    plans: dict[int, NamesReplacement] = {}
    previous: list[str] | None = None
    previous_all: str | None = None
    for position, entry in enumerate(entries):
        span = _first_names(entry.content)
        if span is None:
            previous = previous_all = None
            continue
        names = [rich.plain(tag.children) for tag in rich.find_tags(span.children, "name")]
        if not names:
            # Substituted by a title or the like: the whole of it counts as one name.
            names = [rich.plain(span.children)]
        lists = rich.find_tags(span.children, "name-list")
        whole = (
            " ".join(rich.plain(tag.children) for tag in lists)
            if lists
            else rich.plain(span.children)
        )
        same = previous_all is not None and whole == previous_all and names == previous
        if rule == "complete-all":
            if same:
                plans[position] = partial(_replace_all, substitute=substitute)
        elif rule == "complete-each":
            if same:
                plans[position] = partial(_replace_names, chosen=None, substitute=substitute)
        elif rule == "partial-each":
            if previous:
                matching = 0
                while (
                    matching < min(len(names), len(previous))
                    and names[matching] == previous[matching]
                ):
                    matching += 1
                if matching:
                    plans[position] = partial(
                        _replace_names, chosen=matching, substitute=substitute
                    )
        elif rule == "partial-first" and previous and names and names[0] == previous[0]:
            plans[position] = partial(_replace_names, chosen=1, substitute=substitute)
        previous, previous_all = names, whole
    return plans


def _replace_all(span: Span, *, substitute: str) -> None:
    """The whole name list (or lists) becomes the substitute; labels stay ("--- ed.")."""
    lists = rich.find_tags(span.children, "name-list")
    if lists:
        lists[0].children = affix(substitute)
        for extra in lists[1:]:
            extra.children = []
    else:
        span.children = affix(substitute)


def _replace_names(span: Span, *, chosen: int | None, substitute: str) -> None:
    """Each of the first ``chosen`` names (every name when ``None``) becomes the substitute."""
    if not rich.find_tags(span.children, "name"):
        # A title or the like standing in for the names is one name.
        span.children = affix(substitute)
        return
    replacement = affix(substitute)

    def visit(content: Content) -> None:
        for node in content:
            if isinstance(node, Span):
                if (
                    node.kind == rich.TAG
                    and isinstance(node.data, tuple)
                    and node.data[0] == "name"
                ):
                    if chosen is None or node.data[1] < chosen:
                        node.children = list(replacement)
                    continue
                visit(node.children)

    visit(span.children)
