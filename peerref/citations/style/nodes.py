"""The typed, frozen nodes a CSL 1.0.2 style is parsed into.

Each rendering element of the specification has one class here, holding exactly the
attributes the specification gives it, already checked and converted (numbers as ints,
booleans as bools, space-separated lists as tuples). Evaluation (``citations.eval``)
walks these nodes; it never sees XML. Options that CSL lets a style set once and
inherit (the name options, ``names-delimiter``) are kept on the level that set them and
merged at evaluation, because one macro can be called from both the citation and the
bibliography with different inherited values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Rendering:
    """Affixes, formatting, display, quotes, text-case and strip-periods of one element.

    ``None`` means "not set"; only what the element's XML sets is set. ``plain`` is true
    when nothing at all is set, so evaluation can skip applying it.
    """

    prefix: str = ""
    suffix: str = ""
    font_style: str | None = None
    font_variant: str | None = None
    font_weight: str | None = None
    text_decoration: str | None = None
    vertical_align: str | None = None
    display: str | None = None
    quotes: bool = False
    strip_periods: bool = False
    text_case: str | None = None
    plain: bool = field(default=True, compare=False)

    @property
    def has_formatting(self) -> bool:
        return (
            self.font_style is not None
            or self.font_variant is not None
            or self.font_weight is not None
            or self.text_decoration is not None
            or self.vertical_align is not None
        )


PLAIN = Rendering()


@dataclass(frozen=True, slots=True)
class NameOptions:
    """The inheritable name options (CSL "Inheritable Name Options"); ``None`` = inherit.

    ``delimiter`` is the delimiter between names (``name-delimiter`` when inherited),
    ``form`` the name form (``name-form`` when inherited).
    """

    and_: str | None = None
    delimiter: str | None = None
    delimiter_precedes_et_al: str | None = None
    delimiter_precedes_last: str | None = None
    et_al_min: int | None = None
    et_al_use_first: int | None = None
    et_al_use_last: bool | None = None
    et_al_subsequent_min: int | None = None
    et_al_subsequent_use_first: int | None = None
    form: str | None = None
    initialize: bool | None = None
    initialize_with: str | None = None
    name_as_sort_order: str | None = None
    sort_separator: str | None = None

    def over(self, inherited: NameOptions) -> NameOptions:
        """These options, with every unset one taken from ``inherited``."""
        values = {}
        for option in fields(self):
            mine = getattr(self, option.name)
            values[option.name] = mine if mine is not None else getattr(inherited, option.name)
        return NameOptions(**values)


@dataclass(frozen=True, slots=True)
class Text:
    """``cs:text``: a variable, a macro, a term or a literal value."""

    variable: str | None = None
    macro: str | None = None
    term: str | None = None
    value: str | None = None
    form: str = "long"
    plural: bool = False
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Number:
    """``cs:number``: a number variable as numeric, ordinal, long-ordinal or roman."""

    variable: str
    form: str = "numeric"
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Label:
    """``cs:label``: the term for a number variable (or, in ``cs:names``, the role)."""

    variable: str = ""
    form: str = "long"
    plural: str = "contextual"
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class DatePart:
    """``cs:date-part``: day, month or year, with its form and range delimiter."""

    name: str
    form: str | None = None
    range_delimiter: str | None = None
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Date:
    """``cs:date``: localized (``form`` set) or written out by its own date-parts."""

    variable: str
    form: str | None = None
    date_parts: str = "year-month-day"
    parts: tuple[DatePart, ...] = ()
    delimiter: str = ""
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class NamePart:
    """``cs:name-part``: formatting and text-case of the given or family name."""

    name: str
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Name:
    """``cs:name``: how each name is written (options merged with inherited ones)."""

    options: NameOptions = NameOptions()
    given: NamePart | None = None
    family: NamePart | None = None
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class EtAl:
    """``cs:et-al``: the term ("et-al" or "and others") and its formatting."""

    term: str = "et-al"
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Names:
    """``cs:names``: one or more name variables, with name, et-al, label and substitute.

    ``name``, ``et_al`` and ``label`` are ``None`` when the element has none of its own;
    inside ``cs:substitute`` a bare ``cs:names`` takes them from the enclosing one.
    ``label_first`` records that ``cs:label`` came before ``cs:name``.
    """

    variables: tuple[str, ...]
    name: Name | None = None
    et_al: EtAl | None = None
    label: Label | None = None
    label_first: bool = False
    substitute: tuple[Element, ...] | None = None
    delimiter: str | None = None
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Group:
    """``cs:group``: children joined by a delimiter, suppressed when its variables are empty."""

    children: tuple[Element, ...]
    delimiter: str = ""
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``cs:if``/``cs:else-if`` test: ``tests`` are (attribute, values) pairs."""

    match: str
    tests: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Choose:
    """``cs:choose``: branches in order; the ``cs:else`` branch has no condition."""

    branches: tuple[tuple[Condition | None, tuple[Element, ...]], ...]


Element: TypeAlias = Text | Number | Label | Date | Names | Group | Choose


@dataclass(frozen=True, slots=True)
class Layout:
    """``cs:layout``: the children rendered for each cite or entry, with affixes."""

    children: tuple[Element, ...]
    delimiter: str = ""
    rendering: Rendering = PLAIN


@dataclass(frozen=True, slots=True)
class SortKey:
    """``cs:key``: a variable or a macro, its direction and the names overrides."""

    variable: str | None = None
    macro: str | None = None
    descending: bool = False
    names_min: int | None = None
    names_use_first: int | None = None
    names_use_last: bool | None = None


@dataclass(frozen=True, slots=True)
class CitationOptions:
    """The attributes of ``cs:citation`` (disambiguation, grouping, collapsing)."""

    add_names: bool = False
    add_givenname: bool = False
    givenname_rule: str = "by-cite"
    add_year_suffix: bool = False
    cite_group_delimiter: str | None = None
    collapse: str | None = None
    year_suffix_delimiter: str | None = None
    after_collapse_delimiter: str | None = None
    near_note_distance: int = 5


@dataclass(frozen=True, slots=True)
class BibliographyOptions:
    """The attributes of ``cs:bibliography``."""

    hanging_indent: bool = False
    second_field_align: str | None = None
    line_spacing: int = 1
    entry_spacing: int = 1
    subsequent_author_substitute: str | None = None
    subsequent_author_substitute_rule: str = "complete-all"


@dataclass(frozen=True, slots=True)
class Citation:
    """``cs:citation``: layout, sort and options; ``name_options`` it sets for its names."""

    layout: Layout
    sort: tuple[SortKey, ...] = ()
    options: CitationOptions = CitationOptions()
    name_options: NameOptions = NameOptions()
    names_delimiter: str | None = None


@dataclass(frozen=True, slots=True)
class Bibliography:
    """``cs:bibliography``: layout, sort and options, as for the citation."""

    layout: Layout
    sort: tuple[SortKey, ...] = ()
    options: BibliographyOptions = BibliographyOptions()
    name_options: NameOptions = NameOptions()
    names_delimiter: str | None = None


@dataclass(frozen=True, slots=True)
class Style:
    """A whole independent style.

    Attributes:
        style_class: "in-text" or "note".
        default_locale: the locale the style asks for, "" when it names none.
        macros: every ``cs:macro`` by name.
        locales: the style's own ``cs:locale`` elements as ``(xml:lang or "", element)``;
            :mod:`.locale` reads them into locale layers.
        name_options / names_delimiter: set on ``cs:style`` for every names element.
        demote_non_dropping_particle: "never", "sort-only" or "display-and-sort".
        initialize_with_hyphen: whether "Jean-Paul" initializes as "J.-P.".
        page_range_format: how page ranges are abbreviated, or ``None`` to leave them.
    """

    style_class: str
    version: str
    default_locale: str
    macros: dict[str, tuple[Element, ...]]
    citation: Citation
    bibliography: Bibliography | None
    locales: tuple[tuple[str, object], ...] = ()
    name_options: NameOptions = NameOptions()
    names_delimiter: str | None = None
    demote_non_dropping_particle: str = "display-and-sort"
    initialize_with_hyphen: bool = True
    page_range_format: str | None = None
    title: str = ""
    style_id: str = ""
