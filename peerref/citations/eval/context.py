"""What one evaluation of a layout for one item knows: the cite, the mode, the state.

A :class:`Context` is made for each rendering of an item (a cite, an entry, a sort
key) and thrown away after. It carries the counters that decide whether a
``cs:group`` is suppressed (variables called versus variables that rendered), the
variables already used up by ``cs:substitute``, and the disambiguation choices made
for the item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peerref.citations.eval.item import ItemData
from peerref.citations.style.nodes import NameOptions, Names, Rendering

if TYPE_CHECKING:
    from peerref.citations.output.rich import Span

FIRST = "first"
SUBSEQUENT = "subsequent"
IBID = "ibid"
IBID_WITH_LOCATOR = "ibid-with-locator"


@dataclass(slots=True)
class CiteInfo:
    """One cite of an item in a citation, as the document places it."""

    item_id: str
    locator: str = ""
    label: str = ""
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    author_only: bool = False
    position: str = FIRST
    near_note: bool = False
    note_number: int = 0
    first_note_number: int = 0


@dataclass(slots=True)
class Disambiguation:
    """The choices disambiguation made for one item's cites.

    Namesets are the name lists a cite renders, counted in order (the first is
    usually the author).

    Attributes:
        names: per nameset, how many names are shown (add-names); unset keeps et-al.
        givens: per (nameset, name index): 1 initials, 2 the full given name.
        year_suffix: "a", "b" … once assigned.
        condition: how many ``disambiguate="true"`` tests are true, counted in the
            order a rendering meets them (citeproc-js turns them on one at a time).
    """

    names: dict[int, int] = field(default_factory=dict)
    givens: dict[tuple[int, int], int] = field(default_factory=dict)
    year_suffix: str = ""
    condition: int = 0

    def copy(self) -> Disambiguation:
        return Disambiguation(dict(self.names), dict(self.givens), self.year_suffix, self.condition)


NO_DISAMBIGUATION = Disambiguation()


@dataclass(slots=True)
class SortNames:
    """``names-min``/``names-use-first``/``names-use-last`` of a sort key."""

    names_min: int | None = None
    use_first: int | None = None
    use_last: bool | None = None


class Context:
    """The state of one evaluation."""

    __slots__ = (
        "author_only",
        "called",
        "capitalize_terms",
        "citation_number",
        "cite",
        "disambiguate_tests",
        "disambiguating",
        "disambiguation",
        "english",
        "implicit_year_suffix",
        "in_substitute",
        "item",
        "mode",
        "name_levels",
        "name_options",
        "names_delimiter",
        "names_log",
        "names_rendered",
        "rendered",
        "rendered_variables",
        "replace_first_names",
        "sort_names",
        "substitute_parent",
        "suppress_author",
        "suppress_year",
        "suppressed",
        "term_predecessor",
    )

    def __init__(
        self,
        item: ItemData,
        mode: str,
        name_options: NameOptions,
        names_delimiter: str | None,
        *,
        cite: CiteInfo | None = None,
        disambiguation: Disambiguation = NO_DISAMBIGUATION,
        citation_number: int = 0,
        sort_names: SortNames | None = None,
        suppress_author: bool = False,
        author_only: bool = False,
        english_locale: bool = True,
        implicit_year_suffix: bool = False,
    ) -> None:
        self.item = item
        self.mode = mode
        self.name_options = name_options
        self.names_delimiter = names_delimiter
        self.cite = cite
        self.disambiguation = disambiguation
        self.citation_number = citation_number
        self.sort_names = sort_names
        self.suppress_author = suppress_author
        self.author_only = author_only
        self.called = 0
        self.rendered = 0
        self.rendered_variables: list[str] = []
        self.suppressed: set[str] = set()
        self.in_substitute = 0
        # The cs:names (and its rendering) whose cs:substitute is being evaluated.
        self.substitute_parent: tuple[Names, Rendering] | None = None
        self.names_rendered = 0
        # subsequent-author-substitute: how the entry's first names are replaced.
        self.replace_first_names: Callable[[Span], None] | None = None
        # Per nameset rendered in citation mode: (names in the list, names shown).
        self.names_log: list[tuple[int, int]] = []
        # Given-name levels the "all-names"/"primary-name" rules gave to people.
        self.name_levels: dict[tuple[object, bool], int] = {}
        # Whether the year-suffix still has to be written after the first year.
        self.implicit_year_suffix = implicit_year_suffix
        self.suppress_year = False
        # Rendering a cite to compare it with others (disambiguation's own renders).
        self.disambiguating = False
        # The disambiguate="true" tests this rendering has met so far.
        self.disambiguate_tests = 0
        # Whether anything was written before (a term written first is capitalized,
        # except in in-text citations).
        self.term_predecessor = False
        self.capitalize_terms = True
        language = item.variables.get("language", "")
        # Title and sentence case are for English: the item's language decides, and
        # without one, the locale's.
        self.english = language.lower().startswith("en") if language else english_locale

    def note_rendered(self, *variables: str) -> None:
        """Record variables that rendered; inside ``cs:substitute`` they are used up at
        once, so a macro there cannot print the same names twice (citeproc-js)."""
        self.rendered_variables.extend(variables)
        if self.in_substitute:
            self.suppressed.update(variables)
