"""What a browser puts on the clipboard or in a drag as ``text/html``.

The HTML is parsed with lxml (scripts, styles and comments dropped, nothing fetched,
no entities expanded) and read in two ways at once:

1. **Result links.** Search pages link each result to its own page, and the link says
   what the copied text does not: Emerald's ``h2 > a`` to
   ``/insight/content/doi/<DOI>/full/html`` carries the title and DOI, ScienceGate's
   ``/document/<DOI>`` and publishers' ``/doi/<DOI>`` links carry title and DOI, and
   PubMed's ``/<PMID>/`` links carry title and PMID.
2. **Text.** The HTML's text, laid out as a browser copies it (block elements on their
   own lines, paragraphs and headings set apart by blank lines), goes to the text
   readers (Emerald, ScienceGate, PubMed …) through the registry. Emerald's title
   headings are taken out of that text, because Emerald's copied text has none and its
   reader expects none.

The two are then combined: when there are as many entries as result links, the n-th
link belongs to the n-th entry; otherwise a link belongs to the entry whose lines
contain it. Anything else is reported, never guessed. When no text reader recognises
the text, the result links alone become references (title and identifier).

``parse_richest_payload`` chooses between the ``text/plain`` and ``text/html`` versions
of one clipboard or drop: both are parsed and the richer result wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError
from peerref.core.ids import doi_key, normalise_doi, normalise_pmid
from peerref.core.limits import input_too_large_message, strip_control_characters
from peerref.core.model import Reference, ReferenceType
from peerref.formats import registry
from peerref.formats.base import Diagnostic, ParsedEntry, ParseResult, Severity

NAME = "html"
LABEL = "Web page (HTML from the clipboard or a drag)"

# Elements whose content is never text a person selected.
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg",
     "iframe", "object", "canvas"}
)  # fmt: skip
# Elements set apart by a blank line (as browsers copy paragraphs and headings).
_PARAGRAPH_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl",
     "figure", "section", "article", "header", "footer", "hr"}
)  # fmt: skip
# Elements on lines of their own.
_LINE_BLOCKS = frozenset(
    {"div", "li", "tr", "dt", "dd", "nav", "main", "aside", "form", "fieldset", "address",
     "caption", "figcaption", "details", "summary", "body", "html", "center", "tbody",
     "thead", "tfoot", "legend", "label"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CELLS = frozenset({"td", "th"})
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")

_CF_HTML_HEADER = re.compile(r"^Version:\s*\d+\.\d+\s*$", re.MULTILINE)
_CF_OFFSET = re.compile(r"^(StartHTML|EndHTML|StartFragment|EndFragment):\s*(-?\d+)\s*$", re.M)

_EMERALD_PATH = re.compile(r"/insight/content/doi/(10\.\d{4,9}/.+?)/(?:full|abs)(?:/|$)")
_SCIENCEGATE_PATH = re.compile(r"^/document/(10\.\d{4,9}/.+)$")
_PUBLISHER_DOI_PATH = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/|epub/|book/)?(10\.\d{4,9}/.+)$")
_PMID_PATH = re.compile(r"^/(\d{1,9})/?$")
_LINK_WORDS_NOT_TITLES = frozenset(
    {"pdf", "full text", "abstract", "html", "view", "download", "epub", "cite", "share",
     "references", "permissions", "full text pdf", "view pdf", "view article", "read more"}
)  # fmt: skip


# ---------------------------------------------------------------- CF_HTML and parsing


def strip_cf_html_header(text: str) -> str:
    """The HTML inside a Windows CF_HTML clipboard payload, or ``text`` unchanged.

    CF_HTML starts with "Version:0.9", then byte offsets (StartHTML, StartFragment …)
    into the UTF-8 payload. The offsets are used when they are consistent; otherwise
    everything from the first "<" is taken, which is what the offsets point at anyway.
    """
    head = text[:600]
    if not _CF_HTML_HEADER.match(head.lstrip("\ufeff")):
        return text
    offsets = {key: int(value) for key, value in _CF_OFFSET.findall(head)}
    data = text.encode("utf-8")
    start, end = offsets.get("StartHTML", -1), offsets.get("EndHTML", -1)
    if 0 < start < len(data) and (end == -1 or start < end <= len(data)):
        chunk = data[start : end if end > 0 else len(data)].decode("utf-8", errors="replace")
        if chunk.lstrip().startswith("<"):
            return chunk
    first_tag = text.find("<")
    return text[first_tag:] if first_tag >= 0 else ""


def _parse_html(text: str) -> etree._Element:
    parser = lxml_html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=False,
    )
    # A form feed after </script> (HTML allows it as white space) or any other control
    # character would end up in a tail that lxml refuses to store ("All strings must be XML
    # compatible") when the script is dropped: they go first, as white space or nothing.
    text = strip_control_characters(text)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise FormatError(f"the HTML could not be read: {error}") from error
    for element in list(root.iter(*_DROPPED)):
        parent = element.getparent()
        if parent is not None:
            _remove_keeping_tail(parent, element)
    return root


def _remove_keeping_tail(parent: etree._Element, element: etree._Element) -> None:
    """Remove an element and its content, but not the text that follows it."""
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# ---------------------------------------------------------------- result links


@dataclass(frozen=True, slots=True)
class ResultLink:
    """A link to one search result: what it tells us and where it sits in the text."""

    kind: str  # "emerald", "sciencegate", "pubmed", "publisher"
    title: str
    doi: str = ""
    pmid: str = ""
    line: int = 0  # 1-based line of the extracted text at which the link stands

    @property
    def identifier(self) -> str:
        return f"doi:{doi_key(self.doi)}" if self.doi else f"pmid:{self.pmid}"


def _link_text(anchor: etree._Element) -> str:
    text = "".join(str(t) for t in anchor.itertext())
    return " ".join(_ASCII_SPACE.sub(" ", text).split())


def _is_title_text(text: str, doi: str) -> bool:
    folded = text.casefold().strip(" .:[]()")
    if len(folded) < 8 or folded in _LINK_WORDS_NOT_TITLES:
        return False
    if doi and doi_key(doi) in folded:
        return False
    return not folded.startswith(("http://", "https://", "doi:", "10."))


def _page_is_pubmed(root: etree._Element) -> bool:
    for base in root.iter("base", "link", "meta"):
        for attribute in ("href", "content"):
            if "pubmed.ncbi.nlm.nih.gov" in (base.get(attribute) or ""):
                return True
    return any("pubmed.ncbi.nlm.nih.gov" in (a.get("href") or "") for a in root.iter("a"))


def classify_link(anchor: etree._Element, pubmed_page: bool) -> ResultLink | None:
    """The result a link points at, or None for any other link."""
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:  # "http://[broken" and other malformed links are not results
        return None
    host = parts.netloc.casefold()
    path = unquote(parts.path)
    text = _link_text(anchor)
    parent = anchor.getparent()
    in_heading = parent is not None and str(parent.tag).casefold() in _HEADINGS
    if (match := _EMERALD_PATH.search(path)) and (not host or "emerald" in host):
        doi = normalise_doi(match.group(1))
        if doi and in_heading:
            return ResultLink("emerald", text if _is_title_text(text, doi) else "", doi=doi)
        return None
    if (match := _SCIENCEGATE_PATH.match(path)) and (not host or "sciencegate" in host):
        doi = normalise_doi(match.group(1))
        if doi:
            return ResultLink("sciencegate", text if _is_title_text(text, doi) else "", doi=doi)
        return None
    pubmed_host = host.endswith("pubmed.ncbi.nlm.nih.gov")
    title_class = "docsum-title" in (anchor.get("class") or "")
    if (match := _PMID_PATH.match(path)) and (
        pubmed_host or (not host and (pubmed_page or title_class))
    ):
        pmid = normalise_pmid(match.group(1))
        return ResultLink("pubmed", text if _is_title_text(text, "") else "", pmid=pmid)
    if match := _PUBLISHER_DOI_PATH.search(path):
        doi = normalise_doi(match.group(1))
        if doi and "doi.org" not in host:
            return ResultLink("publisher", text if _is_title_text(text, doi) else "", doi=doi)
    return None


# ---------------------------------------------------------------- text layout


class _TextLayout:
    """Lays out an element tree as text the way a browser copies it, noting link lines."""

    def __init__(self, pubmed_page: bool) -> None:
        self.pubmed_page = pubmed_page
        self.pieces: list[str] = []
        self.pending_breaks = 0  # line breaks owed before the next text
        self.at_start = True
        self.lines_done = 1
        self.links: list[ResultLink] = []
        self._after_cell = False

    def _need_breaks(self, count: int) -> None:
        """Owe ``count`` line breaks before the next text; breaks already written count."""
        if self.at_start:
            return
        written = 0
        for piece in reversed(self.pieces):
            stripped = piece.rstrip(" ")
            written += len(stripped) - len(stripped.rstrip("\n"))
            if stripped.rstrip("\n"):
                break
        self.pending_breaks = max(self.pending_breaks, count - written)

    def _emit(self, text: str, preformatted: bool = False) -> None:
        if not preformatted:
            text = _ASCII_SPACE.sub(" ", text)
            if (
                self.pending_breaks
                or self.at_start
                or (self.pieces and self.pieces[-1].endswith("\n"))
            ):
                text = text.lstrip(" ")
            if not text:
                return
        if self.pending_breaks:
            self._flush_breaks()
        self.pieces.append(text)
        self.lines_done += text.count("\n")
        self.at_start = False

    def _flush_breaks(self) -> None:
        if self.pending_breaks:
            self.pieces.append("\n" * self.pending_breaks)
            self.lines_done += self.pending_breaks
            self.pending_breaks = 0

    def _line_of_next_text(self) -> int:
        return self.lines_done + self.pending_breaks

    def walk(self, element: etree._Element, preformatted: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.casefold()
        if tag == "br":
            if not self.at_start:
                self._flush_breaks()
                self._emit("\n", preformatted=True)
            return
        if tag in _HEADINGS:
            emerald = next(
                (
                    link
                    for a in element.iter("a")
                    if (link := classify_link(a, self.pubmed_page)) and link.kind == "emerald"
                ),
                None,
            )
            if emerald is not None:
                # Emerald's copied text has no titles: keep the link, leave the heading out.
                self.links.append(_with_line(emerald, self._line_of_next_text()))
                return
        if tag == "a":
            link = classify_link(element, self.pubmed_page)
            if link is not None:
                self.links.append(_with_line(link, self._line_of_next_text()))
        block = 2 if tag in _PARAGRAPH_BLOCKS else (1 if tag in _LINE_BLOCKS else 0)
        if block:
            self._need_breaks(block)
        if tag in _CELLS and self._after_cell:
            self._emit("\t", preformatted=True)
        inner_pre = preformatted or tag in {"pre", "textarea"}
        if element.text:
            self._emit(element.text, inner_pre)
        self._after_cell = False
        for child in element:
            self.walk(child, inner_pre)
            if child.tail:
                self._emit(child.tail, inner_pre)
        if tag in _CELLS:
            self._after_cell = True
        if tag == "tr":
            self._after_cell = False
        if block:
            self._need_breaks(block)

    def text(self) -> str:
        lines = "".join(self.pieces).split("\n")
        return "\n".join(line.rstrip(" ") for line in lines).strip("\n")


def _with_line(link: ResultLink, line: int) -> ResultLink:
    return ResultLink(link.kind, link.title, link.doi, link.pmid, line)


def _dedupe_links(links: list[ResultLink]) -> list[ResultLink]:
    """One link per result: the title link, PDF and abstract links to the same DOI merged."""
    merged: list[ResultLink] = []
    index: dict[str, int] = {}
    for link in links:
        key = link.identifier
        if key in index:
            known = merged[index[key]]
            if not known.title and link.title:
                merged[index[key]] = ResultLink(
                    known.kind, link.title, known.doi, known.pmid, known.line
                )
            continue
        index[key] = len(merged)
        merged.append(link)
    return merged


@dataclass(frozen=True, slots=True)
class HtmlContent:
    """The text of an HTML payload and the result links found in it."""

    text: str
    links: tuple[ResultLink, ...]


def extract_html(markup: str) -> HtmlContent:
    """Text laid out for the text readers, and the result links with their line numbers."""
    root = _parse_html(strip_cf_html_header(markup))
    layout = _TextLayout(_page_is_pubmed(root))
    body = root.find("body")
    layout.walk(body if body is not None else root)
    return HtmlContent(layout.text(), tuple(_dedupe_links(layout.links)))


# ---------------------------------------------------------------- combining


def _attach(entry: ParsedEntry, link: ResultLink) -> ParsedEntry:
    """Fill the entry's empty title and identifiers from its link; report conflicts."""
    ref = entry.reference
    changes: dict[str, object] = {}
    notes: list[Diagnostic] = []
    if link.title and not ref.title:
        changes["title"] = link.title
    if link.doi:
        if not ref.doi:
            changes["doi"] = link.doi
        elif doi_key(ref.doi) != doi_key(link.doi):
            notes.append(
                Diagnostic(
                    f"the result link's DOI {link.doi} differs from {ref.doi}; kept {ref.doi}",
                    entry.first_line,
                )
            )
    if link.pmid:
        if not ref.pmid:
            changes["pmid"] = link.pmid
        elif ref.pmid != link.pmid:
            notes.append(
                Diagnostic(
                    f"the result link's PMID {link.pmid} differs from {ref.pmid}; kept {ref.pmid}",
                    entry.first_line,
                )
            )
    warnings = list(entry.warnings)
    if "title" in changes:
        warnings = [w for w in warnings if not w.message.casefold().startswith("no title")]
        notes.append(
            Diagnostic("title taken from the result link", entry.first_line, Severity.INFO)
        )
    return ParsedEntry(
        reference=ref.with_changes(**changes) if changes else ref,
        raw_text=entry.raw_text,
        first_line=entry.first_line,
        last_line=entry.last_line,
        warnings=tuple(warnings + notes),
        confidence=entry.confidence,
    )


def combine_links(
    entries: tuple[ParsedEntry, ...], links: tuple[ResultLink, ...]
) -> tuple[tuple[ParsedEntry, ...], list[Diagnostic]]:
    """Give each entry the title and identifiers of its own result link.

    Equal counts pair by order. Otherwise a link pairs with the entry whose lines contain
    it, and only when that entry has exactly one such link; every link left over is
    reported rather than guessed at.
    """
    if not links:
        return entries, []
    notes: list[Diagnostic] = []
    pairs: dict[int, ResultLink] = {}
    if len(entries) == len(links):
        pairs = dict(enumerate(links))
    else:
        by_entry: dict[int, list[ResultLink]] = {}
        unplaced: list[ResultLink] = []
        for link in links:
            owner = next(
                (i for i, e in enumerate(entries) if e.first_line <= link.line <= e.last_line),
                None,
            )
            if owner is None:
                unplaced.append(link)
            else:
                by_entry.setdefault(owner, []).append(link)
        for owner, owned in by_entry.items():
            if len(owned) == 1:
                pairs[owner] = owned[0]
            else:
                notes.append(
                    Diagnostic(
                        f"{len(owned)} result links fall within one entry; none was used",
                        entries[owner].first_line,
                    )
                )
        notes.extend(
            Diagnostic(
                f"result link {link.title or link.identifier!r} matches no entry; not used",
                link.line,
            )
            for link in unplaced
        )
        notes.insert(
            0,
            Diagnostic(
                f"{len(entries)} entries but {len(links)} result links: "
                "links were matched by their position on the page"
            ),
        )
    combined: list[ParsedEntry] = []
    for index, entry in enumerate(entries):
        if index in pairs:
            entry = _attach(entry, pairs[index])
        combined.append(entry)
    return tuple(combined), notes


def _entries_from_links(links: tuple[ResultLink, ...], text: str) -> tuple[ParsedEntry, ...]:
    lines = text.split("\n")
    entries: list[ParsedEntry] = []
    for link in links:
        reference = Reference(
            type=ReferenceType.OTHER,
            title=link.title,
            doi=link.doi,
            pmid=link.pmid,
        )
        raw = lines[link.line - 1] if 0 < link.line <= len(lines) else link.title
        entries.append(
            ParsedEntry(
                reference=reference,
                raw_text=raw,
                first_line=link.line,
                last_line=link.line,
                warnings=(
                    Diagnostic(
                        "only the result link was understood (title and identifier): "
                        "use Complete from Crossref",
                        link.line,
                    ),
                ),
                confidence=0.6,
            )
        )
    return tuple(entries)


def _read_text(text: str) -> ParseResult:
    """The best text reader's result, never this reader again (no recursion)."""
    tried: list[str] = []
    errors: list[str] = []
    for _score, reader in registry.rank(text):
        if reader.name == NAME:
            continue
        tried.append(reader.name)
        try:
            result = registry.parse_text(text, format_name=reader.name)
        except FormatError as error:
            errors.append(f"{reader.label}: {error}")
            continue
        if result.entries:
            return result
    detail = "; ".join(errors) if errors else "it matches none of the text formats"
    raise FormatError(f"the page's text gave no references ({detail})", tried=tuple(tried))


class HtmlReader:
    """Reads HTML from the clipboard or a drag: result links plus the text readers."""

    name = NAME
    label = LABEL

    def sniff(self, text: str) -> float:
        head = text[:4000].lstrip("\ufeff \t\r\n")
        if _CF_HTML_HEADER.match(head) and "StartHTML:" in head:
            return 0.98
        lowered = head[:1000].casefold()
        if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered:
            return 0.95
        if lowered.startswith("<?xml") or "<records>" in lowered:
            return 0.1
        sample = text[:20000]
        tags = len(re.findall(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?>", sample))
        if tags >= 10 and re.search(r"</(?:div|p|a|span|li|h\d)>", sample, re.I):
            return 0.8
        if tags >= 3 and re.search(r"</(?:div|p|a|span|li|h\d|b|i|em)>", sample, re.I):
            return 0.5
        return 0.0

    def read(self, text: str) -> ParseResult:
        content = extract_html(text)
        links = content.links
        if not content.text.strip() and not links:
            raise FormatError("the HTML holds no text")
        try:
            result = _read_text(content.text) if content.text.strip() else None
            text_error: FormatError | None = None
        except FormatError as error:
            result, text_error = None, error
        if result is None:
            if not links:
                raise text_error or FormatError("the HTML holds no references")
            entries = _entries_from_links(links, content.text)
            warnings = (Diagnostic("no text reader recognised the page; read its result links"),)
            return ParseResult(NAME, LABEL, entries, warnings=warnings, tried=(NAME,))
        entries, notes = combine_links(result.entries, links)
        return ParseResult(
            format_name=NAME,
            format_label=f"{LABEL}: {result.format_label}",
            entries=entries,
            skipped=result.skipped,
            warnings=(*result.warnings, *notes),
            tried=(NAME, *result.tried),
        )


# ---------------------------------------------------------------- clipboard choice


def _filled_fields(result: ParseResult) -> int:
    return sum(len(reference_to_csl(ref, with_id=False)) for ref in result.references)


def _payload_text(value: bytes | str) -> str:
    return registry.decode(value) if isinstance(value, bytes) else value


def _offered(offered: Mapping[str, bytes | str], kinds: tuple[str, ...]) -> Iterator[str]:
    for mime, value in offered.items():
        if mime.casefold().split(";")[0].strip() in kinds:
            text = _payload_text(value)
            if text.strip():
                yield text


def parse_richest_payload(offered: Mapping[str, bytes | str]) -> ParseResult:
    """Parse every text version of one clipboard or drop and keep the richest result.

    Browsers offer the same selection as ``text/plain`` and ``text/html``; either can be
    the better one (the HTML has result links, the plain text may be all a site gives).
    Both are parsed; more entries win, then more filled fields, then the plain text.

    Args:
        offered: MIME type (``text/plain``, ``text/html``, or Windows' "HTML Format")
            to payload, as bytes or text.

    Raises:
        FormatError: when neither version yields references; the message has both reasons.
    """
    candidates: list[tuple[str, str | None]] = [
        *((text, None) for text in _offered(offered, ("text/plain", "text", "utf8_string"))),
        *((text, NAME) for text in _offered(offered, ("text/html", "html format"))),
    ]
    if not candidates:
        raise FormatError("the clipboard holds neither text nor HTML")
    for text, _format_name in candidates:
        # Said as it is, not folded into "no references recognised" with the other reason.
        if (too_large := input_too_large_message(len(text))) is not None:
            raise FormatError(too_large)
    best: tuple[int, int, int] | None = None
    chosen: ParseResult | None = None
    errors: list[str] = []
    for order, (text, format_name) in enumerate(candidates):
        try:
            result = registry.parse_text(text, format_name)
        except FormatError as error:
            errors.append(str(error))
            continue
        score = (len(result.entries), _filled_fields(result), -order)
        if best is None or score > best:
            best, chosen = score, result
    if chosen is None:
        raise FormatError("no references recognised: " + " | ".join(errors))
    return chosen


READERS = (HtmlReader(),)
