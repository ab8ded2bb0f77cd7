"""CSL locales: terms, localized date formats and options, with CSL's fallback order.

A :class:`Locale` is a merged view over layers in the order CSL 1.0.2 prescribes
("Locale Fallback"): the style's own ``cs:locale`` for the exact dialect, then for the
language, then the one without ``xml:lang``; then the locale file of the dialect, of
the language's primary dialect, and finally en-US. The first layer that defines a term
wins, with one exception the specification makes: ordinal terms are taken as a set
from the first layer that defines any of them, so a style that redefines "ordinal"
does not inherit "ordinal-01" from the file.

The locale files are those shipped with citeproc-py (the CSL project's own files).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from lxml import etree

from peerref.citations.style.nodes import Date, DatePart
from peerref.citations.style.parse import XML_LANG, StyleSyntaxError, parse_rendering
from peerref.core.errors import CitationError

_FORM_FALLBACK = {
    "verb-short": ("verb-short", "verb", "long"),
    "verb": ("verb", "long"),
    "symbol": ("symbol", "short", "long"),
    "short": ("short", "long"),
    "long": ("long",),
}

_PARSER = etree.XMLParser(remove_comments=True, resolve_entities=False, no_network=True)


@dataclass(frozen=True, slots=True)
class Term:
    """One term: its singular and plural text, gender, and ordinal matching rule."""

    name: str
    form: str
    single: str
    multiple: str
    gender: str | None = None
    gender_form: str | None = None
    match: str | None = None

    def text(self, plural: bool) -> str:
        return self.multiple if plural else self.single


def _is_ordinal(name: str) -> bool:
    return name == "ordinal" or (name.startswith("ordinal-") and name[8:].isdigit())


def _is_long_ordinal(name: str) -> bool:
    return name.startswith("long-ordinal-") and name[13:].isdigit()


class LocaleLayer:
    """What one ``cs:locale`` element or locale file defines."""

    __slots__ = (
        "dates",
        "has_ordinals",
        "lang",
        "limit_day_ordinals_to_day_1",
        "punctuation_in_quote",
        "terms",
    )

    def __init__(self, element: Any) -> None:
        self.lang: str = element.get(XML_LANG) or ""
        self.terms: dict[tuple[str, str, str | None], Term] = {}
        self.dates: dict[str, Date] = {}
        self.punctuation_in_quote: bool | None = None
        self.limit_day_ordinals_to_day_1: bool | None = None
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "style-options":
                punctuation = child.get("punctuation-in-quote")
                if punctuation is not None:
                    self.punctuation_in_quote = punctuation == "true"
                limit = child.get("limit-day-ordinals-to-day-1")
                if limit is not None:
                    self.limit_day_ordinals_to_day_1 = limit == "true"
            elif tag == "terms":
                for term_element in child:
                    if isinstance(term_element.tag, str):
                        self._add_term(term_element)
            elif tag == "date":
                form = child.get("form")
                if form in ("text", "numeric"):
                    self.dates[form] = _locale_date(child, form)
        self.has_ordinals = any(_is_ordinal(name) for name, _, _ in self.terms)

    def _add_term(self, element: Any) -> None:
        name = element.get("name")
        if not name:
            return
        form = element.get("form") or "long"
        single = multiple = None
        for part in element:
            if not isinstance(part.tag, str):
                continue
            tag = etree.QName(part).localname
            if tag == "single":
                single = part.text or ""
            elif tag == "multiple":
                multiple = part.text or ""
        if single is None and multiple is None:
            single = multiple = element.text or ""
        # Layout whitespace around an empty term ("<term name="note">\n</term>") is no text.
        if single is not None and not single.strip():
            single = ""
        if multiple is not None and not multiple.strip():
            multiple = ""
        elif single is None:
            single = multiple or ""
        elif multiple is None:
            multiple = single
        gender_form = element.get("gender-form")
        self.terms[(name, form, gender_form)] = Term(
            name=name,
            form=form,
            single=single or "",
            multiple=multiple or "",
            gender=element.get("gender"),
            gender_form=gender_form,
            match=element.get("match"),
        )


def _locale_date(element: Any, form: str) -> Date:
    parts = tuple(
        DatePart(
            name=child.get("name") or "",
            form=child.get("form"),
            range_delimiter=child.get("range-delimiter"),
            rendering=parse_rendering(child),
        )
        for child in element
        if isinstance(child.tag, str) and child.get("name") in ("year", "month", "day")
    )
    return Date(
        variable="",
        form=form,
        parts=parts,
        delimiter=element.get("delimiter") or "",
        rendering=parse_rendering(element),
    )


class Locale:
    """The merged locale a style renders with (see the module docstring for the order).

    Attributes:
        lang: the dialect asked for ("en-US", "de-AT").
        punctuation_in_quote: whether commas and periods move inside closing quotes.
        limit_day_ordinals_to_day_1: "1st" but "2", as French writes dates.
    """

    def __init__(self, lang: str, layers: list[LocaleLayer]) -> None:
        self.lang = lang
        self.layers = layers
        self._terms: dict[tuple[str, str, str | None], Term] = {}
        ordinal_layer = next((layer for layer in layers if layer.has_ordinals), None)
        for layer in reversed(layers):
            for key, term in layer.terms.items():
                if _is_ordinal(key[0]) and layer is not ordinal_layer:
                    continue
                self._terms[key] = term
        self.dates: dict[str, Date] = {}
        for layer in reversed(layers):
            self.dates.update(layer.dates)
        self.punctuation_in_quote = next(
            (x.punctuation_in_quote for x in layers if x.punctuation_in_quote is not None),
            False,
        )
        self.limit_day_ordinals_to_day_1 = next(
            (
                x.limit_day_ordinals_to_day_1
                for x in layers
                if x.limit_day_ordinals_to_day_1 is not None
            ),
            False,
        )
        self._cache: dict[tuple[str, str, str | None], Term | None] = {}

    def term(self, name: str, form: str = "long", gender_form: str | None = None) -> Term | None:
        """The term, falling back through the forms CSL allows (symbol → short → long).

        ``gender_form`` asks for the feminine or masculine variant of an ordinal; the
        neuter one is the fallback.
        """
        key = (name, form, gender_form)
        if key in self._cache:
            return self._cache[key]
        found = None
        for candidate in _FORM_FALLBACK.get(form, (form, "long")):
            found = self._terms.get((name, candidate, gender_form))
            if found is None and gender_form is not None:
                found = self._terms.get((name, candidate, None))
            if found is not None:
                break
        self._cache[key] = found
        return found

    def term_text(self, name: str, form: str = "long", plural: bool = False) -> str:
        """The term's text, or "" when the locale has no such term."""
        term = self.term(name, form)
        return term.text(plural) if term is not None else ""

    def has_term(self, name: str, form: str = "long") -> bool:
        return self.term(name, form) is not None

    def quotes(self) -> tuple[str, str, str, str]:
        """Outer open, outer close, inner open, inner close quotation marks."""
        return (
            self.term_text("open-quote") or "“",
            self.term_text("close-quote") or "”",
            self.term_text("open-inner-quote") or "‘",
            self.term_text("close-inner-quote") or "’",
        )

    def ordinal_suffix(self, number: int, gender: str | None) -> str:
        """The ordinal suffix for ``number`` ("st", "e", "."), per CSL 1.0.1's matching."""
        terms = self._terms
        candidates: list[Term] = []
        for (name, form, term_gender), term in terms.items():
            if (
                form == "long"
                and _is_ordinal(name)
                and name != "ordinal"
                and (term_gender is None or term_gender == gender)
            ):
                candidates.append(term)
        best: Term | None = None
        best_rank = 0
        for term in candidates:
            digits = int(term.name[8:])
            match = term.match or ("last-two-digits" if digits >= 10 else "last-digit")
            if match == "whole-number":
                matched = number == digits
                rank = 3
            elif match == "last-two-digits":
                matched = number % 100 == digits
                rank = 2
            else:
                matched = number % 10 == digits
                rank = 1
            if matched:
                rank = rank * 2 + (1 if term.gender_form == gender and gender else 0)
                if rank > best_rank:
                    best, best_rank = term, rank
        if best is not None:
            return best.single
        fallback = self.term("ordinal", "long", gender)
        return fallback.single if fallback is not None else ""

    def long_ordinal(self, number: int, gender: str | None) -> str | None:
        """The word for 1 to 10 ("first" … "tenth"), or ``None`` beyond."""
        if not 1 <= number <= 10:
            return None
        term = self.term(f"long-ordinal-{number:02d}", "long", gender)
        return term.single if term is not None else None


def _locales_dir() -> Path:
    return Path(str(files("citeproc") / "data" / "locales"))


class LocaleCatalogue:
    """Locale files read once each, and merged locales per (style, language).

    Thread-safe; meant to be made once per process (the style catalogue holds one).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or _locales_dir()
        self._files: dict[str, LocaleLayer | None] = {}
        self._lock = threading.Lock()
        self._primary: dict[str, str] | None = None

    def _primary_dialects(self) -> dict[str, str]:
        if self._primary is None:
            path = self.directory / "locales.json"
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._primary = dict(data.get("primary-dialects", {}))
            except (OSError, ValueError):
                self._primary = {}
        return self._primary

    def file_layer(self, lang: str) -> LocaleLayer | None:
        """The locale file for a dialect ("de-AT"), or ``None`` when there is none."""
        with self._lock:
            if lang in self._files:
                return self._files[lang]
            path = self.directory / f"locales-{lang}.xml"
            layer = None
            if path.is_file():
                try:
                    root = etree.parse(str(path), _PARSER).getroot()
                except (OSError, etree.XMLSyntaxError) as error:
                    raise CitationError(
                        f"The locale file {path.name} is damaged: {error}"
                    ) from error
                layer = LocaleLayer(root)
            self._files[lang] = layer
            return layer

    def locale(self, lang: str, style_locales: tuple[tuple[str, object], ...] = ()) -> Locale:
        """The merged locale for ``lang`` with the style's own locale elements on top."""
        lang = normalize_lang(lang) or "en-US"
        language = lang.split("-")[0]
        layers: list[LocaleLayer] = []
        in_style = [(code, LocaleLayer(element)) for code, element in style_locales]
        for wanted in (lang, language, ""):
            for code, layer in in_style:
                if code == wanted and layer not in layers:
                    layers.append(layer)
        dialects = [lang]
        if "-" not in lang:
            dialects = [self._primary_dialects().get(lang, lang)]
        else:
            primary = self._primary_dialects().get(language)
            if primary and primary != lang:
                dialects.append(primary)
        dialects.append("en-US")
        for dialect in dict.fromkeys(dialects):
            found = self.file_layer(dialect)
            if found is not None:
                layers.append(found)
        if not layers:
            raise StyleSyntaxError(f"no locale could be found for {lang}")
        return Locale(lang, layers)


def normalize_lang(lang: str) -> str:
    """ "en_us" → "en-US"; "" stays "" (the caller then uses the default)."""
    lang = lang.strip().replace("_", "-")
    if not lang:
        return ""
    parts = lang.split("-")
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 else p.capitalize() for p in parts[1:]]
    return "-".join([head, *rest])
