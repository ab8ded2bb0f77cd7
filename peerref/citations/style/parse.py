"""Read a CSL style's XML into :mod:`.nodes`, once per style.

The parser is lenient where real styles are (unknown attributes and elements are
ignored, as citeproc-js ignores them) and strict where a style cannot work: no
``cs:citation``, a ``cs:text`` with nothing to render, a macro that does not exist.
Errors name the element and its line so a user's own style can be fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from lxml import etree

from peerref.citations.style.nodes import (
    PLAIN,
    Bibliography,
    BibliographyOptions,
    Choose,
    Citation,
    CitationOptions,
    Condition,
    Date,
    DatePart,
    Element,
    EtAl,
    Group,
    Label,
    Layout,
    Name,
    NameOptions,
    NamePart,
    Names,
    Number,
    Rendering,
    SortKey,
    Style,
    Text,
)
from peerref.core.errors import CitationError

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_PARSER = etree.XMLParser(
    remove_comments=True,
    remove_pis=True,
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
)

_CONDITION_ATTRIBUTES = (
    "type",
    "variable",
    "is-numeric",
    "is-uncertain-date",
    "locator",
    "position",
    "disambiguate",
)


class StyleSyntaxError(CitationError):
    """The style's XML is not a usable CSL style; the message says where."""


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: Any) -> list[Any]:
    return [child for child in element if isinstance(child.tag, str)]


def _where(element: Any) -> str:
    line = getattr(element, "sourceline", None)
    return f"<{_local(element)}> on line {line}" if line else f"<{_local(element)}>"


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() == "true"


def _int(element: Any, name: str) -> int | None:
    value = element.get(name)
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise StyleSyntaxError(
            f'{_where(element)}: {name}="{value}" is not a whole number'
        ) from None


def parse_rendering(element: Any) -> Rendering:
    """The affixes, formatting and text-case attributes of one element."""
    get = element.get
    prefix = get("prefix") or ""
    suffix = get("suffix") or ""
    font_style = get("font-style")
    font_variant = get("font-variant")
    font_weight = get("font-weight")
    text_decoration = get("text-decoration")
    vertical_align = get("vertical-align")
    display = get("display")
    quotes = _bool(get("quotes")) or False
    strip_periods = _bool(get("strip-periods")) or False
    text_case = get("text-case")
    if not (
        prefix
        or suffix
        or font_style
        or font_variant
        or font_weight
        or text_decoration
        or vertical_align
        or display
        or quotes
        or strip_periods
        or text_case
    ):
        return PLAIN
    return Rendering(
        prefix=prefix,
        suffix=suffix,
        font_style=font_style,
        font_variant=font_variant,
        font_weight=font_weight,
        text_decoration=text_decoration,
        vertical_align=vertical_align,
        display=display,
        quotes=quotes,
        strip_periods=strip_periods,
        text_case=text_case,
        plain=False,
    )


def parse_name_options(element: Any, *, inherited: bool) -> NameOptions:
    """The name options an element sets.

    On ``cs:name`` the delimiter and form are ``delimiter`` and ``form``; where they are
    inherited (``cs:style``, ``cs:citation``, ``cs:bibliography``) they are spelled
    ``name-delimiter`` and ``name-form``.
    """
    get = element.get
    and_ = get("and")
    return NameOptions(
        and_=and_ if and_ in ("text", "symbol") else None,
        delimiter=get("name-delimiter" if inherited else "delimiter"),
        delimiter_precedes_et_al=get("delimiter-precedes-et-al"),
        delimiter_precedes_last=get("delimiter-precedes-last"),
        et_al_min=_int(element, "et-al-min"),
        et_al_use_first=_int(element, "et-al-use-first"),
        et_al_use_last=_bool(get("et-al-use-last")),
        et_al_subsequent_min=_int(element, "et-al-subsequent-min"),
        et_al_subsequent_use_first=_int(element, "et-al-subsequent-use-first"),
        form=get("name-form" if inherited else "form"),
        initialize=_bool(get("initialize")),
        initialize_with=get("initialize-with"),
        name_as_sort_order=get("name-as-sort-order"),
        sort_separator=get("sort-separator"),
    )


class _Parser:
    """One pass over one style document."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.macro_elements: dict[str, Any] = {}
        for child in _children(root):
            if _local(child) == "macro":
                name = child.get("name")
                if name:
                    self.macro_elements[name] = child
        self.macros: dict[str, tuple[Element, ...]] = {}

    def style(self) -> Style:
        root = self.root
        citation_element = bibliography_element = None
        locales: list[tuple[str, object]] = []
        for child in _children(root):
            tag = _local(child)
            if tag == "citation":
                citation_element = child
            elif tag == "bibliography":
                bibliography_element = child
            elif tag == "locale":
                locales.append((child.get(XML_LANG) or "", child))
        if citation_element is None:
            raise StyleSyntaxError("the style has no <citation> element")
        for name, element in self.macro_elements.items():
            self.macros[name] = self.elements(element)
        info = next((c for c in _children(root) if _local(c) == "info"), None)
        title = style_id = ""
        if info is not None:
            for child in _children(info):
                if _local(child) == "title" and not title:
                    title = (child.text or "").strip()
                elif _local(child) == "id" and not style_id:
                    style_id = (child.text or "").strip()
        page_range_format = root.get("page-range-format")
        return Style(
            style_class=root.get("class") or "in-text",
            version=root.get("version") or "1.0",
            default_locale=root.get("default-locale") or "",
            macros=self.macros,
            citation=self.citation(citation_element),
            bibliography=(
                self.bibliography(bibliography_element)
                if bibliography_element is not None
                else None
            ),
            locales=tuple(locales),
            name_options=parse_name_options(root, inherited=True),
            names_delimiter=root.get("names-delimiter"),
            demote_non_dropping_particle=(
                root.get("demote-non-dropping-particle") or "display-and-sort"
            ),
            initialize_with_hyphen=_bool(root.get("initialize-with-hyphen")) is not False,
            page_range_format=page_range_format or None,
            title=title,
            style_id=style_id,
        )

    def citation(self, element: Any) -> Citation:
        layout, sort = self.layout_and_sort(element)
        get = element.get
        near_note = _int(element, "near-note-distance")
        collapse = get("collapse")
        options = CitationOptions(
            add_names=_bool(get("disambiguate-add-names")) or False,
            add_givenname=_bool(get("disambiguate-add-givenname")) or False,
            givenname_rule=get("givenname-disambiguation-rule") or "by-cite",
            add_year_suffix=_bool(get("disambiguate-add-year-suffix")) or False,
            cite_group_delimiter=get("cite-group-delimiter"),
            collapse=collapse or None,
            year_suffix_delimiter=get("year-suffix-delimiter"),
            after_collapse_delimiter=get("after-collapse-delimiter"),
            near_note_distance=5 if near_note is None else near_note,
        )
        return Citation(
            layout=layout,
            sort=sort,
            options=options,
            name_options=parse_name_options(element, inherited=True),
            names_delimiter=get("names-delimiter"),
        )

    def bibliography(self, element: Any) -> Bibliography:
        layout, sort = self.layout_and_sort(element)
        get = element.get
        options = BibliographyOptions(
            hanging_indent=_bool(get("hanging-indent")) or False,
            second_field_align=get("second-field-align") or None,
            line_spacing=_int(element, "line-spacing") or 1,
            entry_spacing=_int(element, "entry-spacing") or 1,
            subsequent_author_substitute=get("subsequent-author-substitute"),
            subsequent_author_substitute_rule=(
                get("subsequent-author-substitute-rule") or "complete-all"
            ),
        )
        return Bibliography(
            layout=layout,
            sort=sort,
            options=options,
            name_options=parse_name_options(element, inherited=True),
            names_delimiter=get("names-delimiter"),
        )

    def layout_and_sort(self, element: Any) -> tuple[Layout, tuple[SortKey, ...]]:
        layout_element = None
        sort: tuple[SortKey, ...] = ()
        for child in _children(element):
            tag = _local(child)
            if tag == "layout" and layout_element is None:
                layout_element = child
            elif tag == "sort":
                sort = tuple(self.sort_key(key) for key in _children(child))
        if layout_element is None:
            raise StyleSyntaxError(f"{_where(element)} has no <layout>")
        layout = Layout(
            children=self.elements(layout_element),
            delimiter=layout_element.get("delimiter") or "",
            rendering=parse_rendering(layout_element),
        )
        return layout, sort

    def sort_key(self, element: Any) -> SortKey:
        macro = element.get("macro")
        if macro is not None and macro not in self.macro_elements:
            raise StyleSyntaxError(f'{_where(element)}: there is no macro named "{macro}"')
        return SortKey(
            variable=element.get("variable"),
            macro=macro,
            descending=element.get("sort") == "descending",
            names_min=_int(element, "names-min"),
            names_use_first=_int(element, "names-use-first"),
            names_use_last=_bool(element.get("names-use-last")),
        )

    def elements(self, parent: Any) -> tuple[Element, ...]:
        out = []
        for child in _children(parent):
            parsed = self.element(child)
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    def element(self, element: Any) -> Element | None:
        handler = self._handlers.get(_local(element))
        if handler is None:
            return None  # unknown elements are ignored, as citeproc-js does
        return handler(self, element)

    def text(self, element: Any) -> Text:
        get = element.get
        variable, macro, term, value = get("variable"), get("macro"), get("term"), get("value")
        if macro is not None and macro not in self.macro_elements:
            raise StyleSyntaxError(f'{_where(element)}: there is no macro named "{macro}"')
        if variable is None and macro is None and term is None and value is None:
            raise StyleSyntaxError(f"{_where(element)} needs one of variable, macro, term or value")
        return Text(
            variable=variable,
            macro=macro,
            term=term,
            value=value,
            form=get("form") or "long",
            plural=_bool(get("plural")) or False,
            rendering=parse_rendering(element),
        )

    def number(self, element: Any) -> Number:
        return Number(
            variable=element.get("variable") or "",
            form=element.get("form") or "numeric",
            rendering=parse_rendering(element),
        )

    def label(self, element: Any) -> Label:
        return Label(
            variable=element.get("variable") or "",
            form=element.get("form") or "long",
            plural=element.get("plural") or "contextual",
            rendering=parse_rendering(element),
        )

    def date(self, element: Any) -> Date:
        parts = tuple(
            DatePart(
                name=child.get("name") or "",
                form=child.get("form"),
                range_delimiter=child.get("range-delimiter"),
                rendering=parse_rendering(child),
            )
            for child in _children(element)
            if _local(child) == "date-part" and child.get("name") in ("year", "month", "day")
        )
        return Date(
            variable=element.get("variable") or "",
            form=element.get("form"),
            date_parts=element.get("date-parts") or "year-month-day",
            parts=parts,
            delimiter=element.get("delimiter") or "",
            rendering=parse_rendering(element),
        )

    def names(self, element: Any) -> Names:
        name = et_al = label = None
        substitute = None
        label_first = False
        for child in _children(element):
            tag = _local(child)
            if tag == "name":
                name = self.name(child)
            elif tag == "et-al":
                et_al = EtAl(term=child.get("term") or "et-al", rendering=parse_rendering(child))
            elif tag == "label":
                label = self.label(child)
                # Before the names only when a cs:name follows it; a lone label follows
                # the (default) names.
                label_first = name is None and any(
                    _local(later) == "name" for later in child.itersiblings()
                )
            elif tag == "substitute":
                substitute = self.elements(child)
        variables = tuple((element.get("variable") or "").split())
        return Names(
            variables=variables,
            name=name,
            et_al=et_al,
            label=label,
            label_first=label_first,
            substitute=substitute,
            delimiter=element.get("delimiter"),
            rendering=parse_rendering(element),
        )

    def name(self, element: Any) -> Name:
        given = family = None
        for child in _children(element):
            if _local(child) == "name-part":
                part = NamePart(name=child.get("name") or "", rendering=parse_rendering(child))
                if part.name == "given":
                    given = part
                elif part.name == "family":
                    family = part
        return Name(
            options=parse_name_options(element, inherited=False),
            given=given,
            family=family,
            rendering=parse_rendering(element),
        )

    def group(self, element: Any) -> Group:
        return Group(
            children=self.elements(element),
            delimiter=element.get("delimiter") or "",
            rendering=parse_rendering(element),
        )

    def choose(self, element: Any) -> Choose:
        branches: list[tuple[Condition | None, tuple[Element, ...]]] = []
        for child in _children(element):
            tag = _local(child)
            if tag in ("if", "else-if"):
                tests = tuple(
                    (attribute, tuple(child.get(attribute).split()))
                    for attribute in _CONDITION_ATTRIBUTES
                    if child.get(attribute) is not None
                )
                match = child.get("match") or "all"
                branches.append((Condition(match=match, tests=tests), self.elements(child)))
            elif tag == "else":
                branches.append((None, self.elements(child)))
        return Choose(branches=tuple(branches))

    _handlers: ClassVar[dict[str, Callable[[_Parser, Any], Element]]] = {
        "text": text,
        "number": number,
        "label": label,
        "date": date,
        "names": names,
        "group": group,
        "choose": choose,
    }


# Attributes whose text a style writes out; some styles escape a character twice in them
# (delimiter=",&amp;#160;"), which citeproc-js reads as the character itself.
_TEXT_ATTRIBUTES = frozenset(
    {
        "prefix",
        "suffix",
        "delimiter",
        "value",
        "after-collapse-delimiter",
        "cite-group-delimiter",
        "year-suffix-delimiter",
        "name-delimiter",
        "names-delimiter",
        "sort-separator",
        "initialize-with",
        "range-delimiter",
        "subsequent-author-substitute",
    }
)
_CHARACTER_REFERENCE = re.compile(r"&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});")


def _decode_reference(match: re.Match[str]) -> str:
    text = match.group()
    code = int(text[3:-1], 16) if text[2] in "xX" else int(text[2:-1])
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else text


def _decode_character_references(root: Any) -> None:
    for element in root.iter():
        for name in _TEXT_ATTRIBUTES.intersection(element.attrib):
            value = element.attrib[name]
            if "&#" in value:
                element.attrib[name] = _CHARACTER_REFERENCE.sub(_decode_reference, value)


def parse_style_root(root: Any) -> Style:
    """A :class:`Style` from an already parsed ``cs:style`` element."""
    if _local(root) != "style":
        raise StyleSyntaxError(f"the root element is <{_local(root)}>, not <style>")
    _decode_character_references(root)
    return _Parser(root).style()


def parse_style(source: str | bytes) -> Style:
    """A :class:`Style` from the XML text of a ``.csl`` file.

    Raises:
        StyleSyntaxError: the text is not XML, or not a usable CSL style.
    """
    data = source.encode("utf-8") if isinstance(source, str) else source
    try:
        root = etree.fromstring(data.strip(), _PARSER)
    except etree.XMLSyntaxError as error:
        raise StyleSyntaxError(f"the style is not well-formed XML: {error}") from error
    return parse_style_root(root)
