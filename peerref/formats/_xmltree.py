"""Safe XML parsing and "nothing lost" bookkeeping for the XML readers (PubMed, MODS, Crossref).

Each of those formats is a tree of elements a reader takes some of into fields. This module
does the rest once:

- ``parse_xml`` parses with entity resolution, DTD loading and network access off and
  without lxml's huge-tree mode, so a hostile file can neither fetch anything nor expand
  entities, and drops namespaces (MODS comes as ``mods:mods`` or in a default namespace,
  Crossref with JATS abstracts): readers then find elements by their local names;
- ``XmlRecord`` hands a record's elements to the reader and remembers which it *used*;
  ``leftovers`` returns every value no field took, by its path, for ``extra`` — except
  the parts a reader names as not kept (cited-reference lists), which it reports instead.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable

from lxml import etree

from peerref.core.errors import FormatError
from peerref.formats._fields import collapse_spaces

# Inline markup inside a value (a title with italics, a formula with subscripts): the
# element holding it is one value, its text read through the markup.
INLINE_TAGS = frozenset(
    {
        "i",
        "b",
        "u",
        "sup",
        "sub",
        "sc",
        "scp",
        "span",
        "italic",
        "bold",
        "underline",
        "ovline",
        "small-caps",
        "monospace",
        "roman",
        "sans-serif",
        "strike",
        "tt",
        "em",
        "strong",
        "inline-formula",
        "font",
        "mml:math",
        "math",
    }
)
# Attributes that tell apart elements of the same name ("ArticleId" of IdType "doi" or
# "pmc"): kept in the path a leftover is filed under.
QUALIFIERS = (
    "IdType",
    "EIdType",
    "PubStatus",
    "DateType",
    "IssnType",
    "Source",
    "type",
    "Type",
    "media_type",
    "id_type",
    "contributor_role",
    "relationship-type",
    "RefType",
    "name",
    "point",
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(text: str, label: str) -> etree._Element:
    """The root element of ``text``, namespaces dropped from element names.

    Raises:
        FormatError: when the text is not well-formed XML, with the line of the fault.
    """
    # The text is already decoded: its declaration's encoding no longer applies.
    data = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    try:
        root = etree.fromstring(data.encode("utf-8", errors="replace"), _safe_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        raise FormatError(f"not well-formed {label}: {error.msg}", line=line) from error
    if root is None:
        raise FormatError(f"no {label} found: the XML has no elements")
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rpartition("}")[2]
    return root


def local_name(name: str) -> str:
    """An element or attribute name without its namespace ("{…}lang" → "lang")."""
    return name.rpartition("}")[2]


def attribute(element: etree._Element | None, name: str) -> str:
    """The value of the attribute ``name`` (any namespace), white space collapsed; "" if none."""
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local_name(str(key)) == name:
            return collapse_spaces(str(value))
    return ""


def is_element(node: object) -> bool:
    """Whether a child node is an element (not a comment, entity reference or text)."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def children(element: etree._Element | None, *tags: str) -> list[etree._Element]:
    """The element children of ``element``, only those named ``tags`` when given."""
    if element is None:
        return []
    # lxml filters by tag in C: etree.Element keeps elements only (no comments, entities).
    return list(element.iterchildren(*tags) if tags else element.iterchildren(etree.Element))


def text_of(element: etree._Element | None) -> str:
    """All text of an element, markup inside it read through; white space kept."""
    if element is None:
        return ""
    return "".join(str(t) for t in element.itertext())


def inline_text(element: etree._Element | None) -> str:
    """The text of a value with inline markup, white space collapsed, and no space left
    before a subscript or superscript ("CO <sub>2</sub>" reads "CO2", as printed)."""
    if element is None:
        return ""
    pieces: list[str] = [element.text or ""]
    for child in element:
        if is_element(child) and child.tag in ("sub", "sup", "inf"):
            pieces[-1] = pieces[-1].rstrip()
            pieces.append(collapse_spaces(inline_text(child)))
        elif is_element(child):
            pieces.append(inline_text(child))
        pieces.append(child.tail or "")
    return collapse_spaces("".join(pieces))


def line_of(element: etree._Element, default: int = 1) -> int:
    """The 1-based line an element starts on."""
    line = element.sourceline
    return line if isinstance(line, int) and line > 0 else default


def is_value_element(element: etree._Element) -> bool:
    """An element holding one value: no children, or only inline markup."""
    return all(c.tag in INLINE_TAGS for c in children(element))


class XmlRecord:
    """One record's element tree, remembering which elements went into a field.

    ``find``, ``findall`` and ``text`` use what they return; ``peek`` and ``peek_all`` read
    without using (for decisions). An element counts as used with everything inside it.
    """

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        # lxml makes a new Python object for a node each time unless one is alive, so the
        # used elements are held here: that keeps their ids stable for ``leftovers``.
        self._held: list[etree._Element] = []
        self._used: set[int] = set()

    def use(self, *elements: etree._Element | None) -> None:
        """Mark elements (and all inside them) as taken into a field."""
        for element in elements:
            if element is not None:
                self._held.append(element)
                self._used.add(id(element))

    def is_used(self, element: etree._Element) -> bool:
        return id(element) in self._used

    def find(self, path: str, within: etree._Element | None = None) -> etree._Element | None:
        found = (self.element if within is None else within).find(path)
        self.use(found)
        return found

    def findall(self, path: str, within: etree._Element | None = None) -> list[etree._Element]:
        found = list((self.element if within is None else within).findall(path))
        self.use(*found)
        return found

    def peek(self, path: str, within: etree._Element | None = None) -> etree._Element | None:
        return (self.element if within is None else within).find(path)

    def peek_all(self, path: str, within: etree._Element | None = None) -> list[etree._Element]:
        return list((self.element if within is None else within).findall(path))

    def text(self, path: str, within: etree._Element | None = None) -> str:
        """The text of the first element at ``path``, white space collapsed; now used.

        An element found empty is left unused, so its attributes still reach ``leftovers``.
        """
        found = (self.element if within is None else within).find(path)
        value = collapse_spaces(text_of(found))
        if value:
            self.use(found)
        return value

    def peek_text(self, path: str, within: etree._Element | None = None) -> str:
        return collapse_spaces(text_of((self.element if within is None else within).find(path)))

    def texts(self, path: str, within: etree._Element | None = None) -> list[str]:
        """The non-empty texts of every element at ``path``; those elements now used."""
        values: list[str] = []
        for found in (self.element if within is None else within).findall(path):
            value = collapse_spaces(text_of(found))
            if value:
                self.use(found)
                values.append(value)
        return values

    def leftovers(
        self,
        *,
        not_kept: Collection[str] = (),
        compound: Callable[[etree._Element], str | None] | None = None,
    ) -> tuple[dict[str, str], list[str]]:
        """The values no field took, and the parts named in ``not_kept`` that held some.

        Returns a mapping from a value's path ("Journal/ISSN[Print]", qualifiers in
        brackets) to its text (repeats joined with "; "), and the ``not_kept`` paths
        that were not empty. ``compound`` may render a whole element as one value (a date
        of Year, Month and Day elements) by returning its text instead of None. An empty
        element's attributes are its value ("start_year=2017; start_month=2").
        """
        found: dict[str, list[str]] = {}
        skipped: list[str] = []
        pending: list[tuple[etree._Element, str]] = [
            (child, "") for child in reversed(children(self.element))
        ]
        while pending:
            element, parent_path = pending.pop()
            if self.is_used(element):
                continue
            path = _path_step(parent_path, element)
            bare = f"{parent_path}/{element.tag}" if parent_path else str(element.tag)
            if bare in not_kept or path in not_kept:
                if _has_content(element):
                    skipped.append(bare)
                continue
            rendered = compound(element) if compound is not None else None
            if rendered is not None and any(self.is_used(c) for c in element.iter()):
                rendered = None  # some of its parts went into fields: the rest one by one
            if rendered is not None:
                if rendered:
                    found.setdefault(path, []).append(rendered)
                continue
            if is_value_element(element):
                value = collapse_spaces(text_of(element)) or _attributes_text(element)
                if value:
                    found.setdefault(path, []).append(value)
                continue
            own = collapse_spaces(
                "".join([element.text or "", *(c.tail or "" for c in element if is_element(c))])
            )
            if own:
                found.setdefault(path, []).append(own)
            pending.extend((child, path) for child in reversed(children(element)))
        return {path: "; ".join(values) for path, values in found.items()}, list(
            dict.fromkeys(skipped)
        )


def _path_step(parent_path: str, element: etree._Element) -> str:
    step = str(element.tag)
    if element.attrib:
        attributes = {local_name(str(k)): str(v) for k, v in element.attrib.items()}
        for name in QUALIFIERS:
            qualifier = collapse_spaces(attributes.get(name, ""))
            if qualifier:
                step = f"{step}[{qualifier}]"
                break
    return f"{parent_path}/{step}" if parent_path else step


def _attributes_text(element: etree._Element) -> str:
    return "; ".join(
        f"{local_name(str(key))}={collapse_spaces(str(value))}"
        for key, value in element.attrib.items()
        if collapse_spaces(str(value))
    )


def _has_content(element: etree._Element) -> bool:
    return bool(collapse_spaces(text_of(element))) or any(
        e.attrib for e in element.iter() if is_element(e)
    )


def joined(values: Iterable[str], separator: str = "; ") -> str:
    """Non-empty values, in order, repeats dropped, joined."""
    return separator.join(dict.fromkeys(v for v in values if v))
