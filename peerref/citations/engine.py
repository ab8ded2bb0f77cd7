"""citeproc-py's parsed style, with the lookups it repeats for every entry cached.

citeproc-py walks the style's XML tree for each reference and, while doing so, asks the
same questions again and again: which ``<macro>`` has this name, does this group call a
variable, which ``<bibliography>`` is my ancestor, what is the locale's term for "and".
Each answer costs an XPath query; for APA that was most of the ~8 ms an entry took.

The answers depend only on the parsed style (and its locales), never on the reference
being rendered or on the output formatter, so they are cached, once per parsed style.
Nothing is patched globally: :class:`CachingStyleEngine` parses a style with
subclasses of citeproc-py's element classes, made afresh for that style and holding its
:class:`StyleLookups`. citeproc-py's own classes, and anyone else using them in the same
process, are unaffected. The same subclasses also

* skip sorting a citation of one item (citeproc-py renders every sort key for it),
* skip the formatter when an element carries no formatting attribute, and
* keep name parts' formatting through citeproc-py's ``str.join`` (see ``markup``).

:class:`BoundCitationItem` saves the item → citation → bibliography → source walk
citeproc-py makes on every read of a variable.

The tree must not change once rendering has begun (``styles._work_around_engine_gaps``
edits it right after parsing, before anything is cached).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citeproc.frontend import CitationStylesStyle
from citeproc.model import CitationStylesElement, Formatted, Locale, Style
from citeproc.source import CitationItem
from lxml import etree

from peerref.citations import markup

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"

# Sentinel for "looked up, nothing found", so misses are cached too.
_MISSING: Any = object()


class StyleLookups:
    """The cached answers for one parsed style tree.

    Keys that are elements hold a reference to the element's Python proxy; lxml returns
    the same proxy for a node while one is alive, so the keys stay valid.
    """

    __slots__ = (
        "calls_variable",
        "dates",
        "locale_options",
        "macros",
        "name_options",
        "terms",
        "xpath",
    )

    def __init__(self) -> None:
        self.xpath: dict[tuple[object, str], list[Any]] = {}
        self.calls_variable: dict[object, bool] = {}
        self.macros: dict[str, Any] = {}
        self.terms: dict[tuple[str, str | None, bool, bool], Any] = {}
        self.dates: dict[str, Any] = {}
        self.locale_options: dict[str, Any] = {}
        self.name_options: dict[tuple[object, object, str], Any] = {}

    def size(self) -> int:
        """How many answers are cached (for tests and benchmarks)."""
        return sum(
            len(cache)
            for cache in (
                self.xpath,
                self.calls_variable,
                self.macros,
                self.terms,
                self.dates,
                self.locale_options,
                self.name_options,
            )
        )


class _CachingElement(CitationStylesElement):  # type: ignore[misc]  # citeproc has no types
    """Mixed in before each citeproc-py element class; caches the tree-only lookups.

    Each method returns exactly what citeproc-py's own method returns (it calls it on
    the first use); only the repetition is saved.
    """

    # Set on the classes made for one parsed style (see ``_element_lookup``).
    _lookups: StyleLookups

    def xpath_search(self, expression: str) -> list[Any]:
        cache = self._lookups.xpath
        key = (self, expression)
        found = cache.get(key)
        if found is None:
            found = cache[key] = super().xpath_search(expression)
        return found

    def get_macro(self, name: str) -> Any:
        cache = self._lookups.macros
        macro = cache.get(name)
        if macro is None:
            macro = cache[name] = super().get_macro(name)
        return macro

    def calls_variable(self) -> bool:
        cache = self._lookups.calls_variable
        calls = cache.get(self)
        if calls is None:
            calls = cache[self] = bool(super().calls_variable())
        return calls

    def get_locale_option(self, name: str) -> Any:
        cache = self._lookups.locale_options
        value = cache.get(name, _MISSING)
        if value is _MISSING:
            value = cache[name] = super().get_locale_option(name)
        return value


class _CachingStyleElement(_CachingElement):
    """Also caches the term and localized-date lookups, which search every locale.

    Not for ``<locale>`` itself: its ``get_term`` and ``get_date`` search only that
    locale and take different arguments.
    """

    def get_term(
        self,
        name: str,
        form: str | None = None,
        fallback_locale: bool = True,
        zero_padded: bool = False,
    ) -> Any:
        cache = self._lookups.terms
        key = (name, form, fallback_locale, zero_padded)
        term = cache.get(key, _MISSING)
        if term is _MISSING:
            term = cache[key] = super().get_term(name, form, fallback_locale, zero_padded)
        return term

    def get_date(self, form: str) -> Any:
        cache = self._lookups.dates
        date = cache.get(form, _MISSING)
        if date is _MISSING:
            date = cache[form] = super().get_date(form)
        return date


class _FormattedElement(_CachingStyleElement):
    """An element that may carry CSL formatting (``font-style`` …).

    citeproc-py's ``format`` asks for the formatter five times per call, for every
    text, group and name, although most elements carry no formatting at all.
    """

    def format(self, string: Any) -> Any:
        get = self.get
        if (
            get("font-style") is not None
            or get("font-variant") is not None
            or get("font-weight") is not None
            or get("text-decoration") is not None
            or get("vertical-align") is not None
        ):
            return super().format(string)
        # What citeproc-py's format returns when every formatting is the default.
        return str(string) if isinstance(string, int | float) else string

    def get_formatter(self) -> Any:
        # The root of a style tree is always the <style> (never a locale file), which
        # holds the formatter of the current render.
        return self.getroottree().getroot().formatter


class _SortElement(_CachingStyleElement):
    """A ``<sort>`` that does not render sort keys for a list of one.

    A citation of one reference is "sorted" by rendering every sort key macro for it;
    the result cannot be anything but the same one item.
    """

    def sort(self, items: list[Any], context: Any) -> list[Any]:
        if len(items) < 2:
            return list(items)
        sorted_items: list[Any] = super().sort(items, context)
        return sorted_items


class _NameElement(_FormattedElement):
    """A ``<name>`` whose options (inherited from ``<citation>``/``<bibliography>``) are
    looked up once; citeproc-py resolves a dozen of them for every name list."""

    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options is not None and name in sort_options:
            return super().get_option(name, context, sort_options)
        cache = self._lookups.name_options
        key = (self, context, name)
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = cache[key] = super().get_option(name, context, sort_options)
        return value


class _NamePartElement(_FormattedElement):
    """A ``<name-part>`` whose formatting survives citeproc-py's ``str.join`` of names.

    citeproc-py joins a name's parts ("family, given") with ``str.join``, which keeps
    only a string's plain value; our formatter's runs (``markup.Styled``) would lose
    their formatting there, so it is carried inside the string instead.
    """

    def format_part(self, given: Any, family: Any) -> tuple[Any, Any]:
        given, family = super().format_part(given, family)
        return markup.inline_markup(given), markup.inline_markup(family)


def _element_lookup(lookups: StyleLookups) -> etree.ElementNamespaceClassLookup:
    """The tag → class table citeproc-py builds, each class given a caching mixin.

    The classes are made afresh for each parsed style and hold that style's caches,
    so nothing is shared between styles and citeproc-py's own classes stay as they are.
    """
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NAMESPACE)
    namespace[None] = type("Element", (_CachingStyleElement,), {"_lookups": lookups})
    for citeproc_class in CitationStylesElement.__subclasses__():
        if citeproc_class.__module__ != CitationStylesElement.__module__:
            continue  # our own mixins
        tag = citeproc_class.__name__.replace("_", "-").lower()
        mixin = _CachingElement if issubclass(citeproc_class, Locale) else _CachingStyleElement
        if tag == "name-part":
            mixin = _NamePartElement
        elif tag == "sort":
            mixin = _SortElement
        elif tag == "name":
            mixin = _NameElement
        elif issubclass(citeproc_class, Formatted):
            mixin = _FormattedElement
        namespace[tag] = type(
            citeproc_class.__name__, (mixin, citeproc_class), {"_lookups": lookups}
        )
    return lookup


class CachingStyleEngine(CitationStylesStyle):  # type: ignore[misc]  # citeproc has no types
    """A ``CitationStylesStyle`` whose tree uses the caching element classes.

    citeproc-py's constructor fixes the element classes inside, so the file is parsed
    here the same way (comments dropped, no network) with the caching classes instead;
    locales are then attached by citeproc-py's own ``set_locale_list``. Schema
    validation is not offered: PeerRef never validated (it is slow and only warns).
    """

    def __init__(self, path: Path, locale: str) -> None:
        self.lookups = StyleLookups()
        parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True)
        parser.set_element_class_lookup(_element_lookup(self.lookups))
        self.parser = parser
        try:
            self.xml = etree.parse(str(path), parser)
        except OSError as error:  # citeproc-py's own convention: ValueError, unknown style
            raise ValueError(f"{path.name} cannot be read: {error}") from error
        self.root: Any = self.xml.getroot()
        if not isinstance(self.root, Style):
            raise ValueError(f"{path.name} is not a CSL style")
        self.root.set_locale_list(locale, validate=False)


class BoundCitationItem(CitationItem):  # type: ignore[misc]  # citeproc has no types
    """A citation item that holds its source entry instead of looking it up each time.

    citeproc-py's ``CitationItem.reference`` goes item → citation → bibliography →
    source on every access, and rendering one APA entry reads it a few hundred times.
    The item is made for one bibliography and its source never changes, so the entry
    is found once. Everything else (locators, prefixes, numbering) is citeproc-py's.
    """

    # Hides citeproc-py's property so the instance attribute below is found directly.
    reference: Any = None

    def __init__(self, key: str, reference: Any) -> None:
        super().__init__(key)
        # CitationItem stores attributes as dict items; this one is a real attribute.
        object.__setattr__(self, "reference", reference)
