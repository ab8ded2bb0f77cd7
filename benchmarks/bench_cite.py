"""Time citation rendering on 1,000 references, PeerRef beside citeproc-js.

Prints, in one run on the same 1,000 references (issue 12's targets in brackets):

- PeerRef's APA bibliography of all of them, HTML, text and RTF as the clipboard and
  export get them, from a cold processor [under 1.0 s];
- one warm in-text citation of 3 items with the 1,000 as context, as copying a
  citation from the library view does [under 5 ms];
- when ``node`` is on the PATH, citeproc-js's time for the same bibliography and
  citation on the same CSL-JSON, installed from the npm registry into
  ``benchmarks/.cache/citeproc-js/`` by the benchmark itself (it is never a dependency
  of PeerRef), and how many times faster PeerRef is [at least 3x].

Each figure is the best of a few runs (the least disturbed by other work on the
machine); CPU time is printed beside wall time for PeerRef. One JSON object::

    uv run python benchmarks/bench_cite.py
    uv run python benchmarks/bench_cite.py --no-citeproc-js
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from compare_citeproc_js import CACHE, LOCALES, ensure_citeproc_js

from peerref.citations import StyleCatalogue, render_bibliography, render_citation
from peerref.citations.render import csl_input
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)

BIBLIOGRAPHY_SIZE = 1_000
STYLE = "apa"
BIBLIOGRAPHY_RUNS = 3
CITATION_RUNS = 50
CITED = (11, 512, 997)  # the three references of the timed in-text citation
TARGET_BIBLIOGRAPHY_S = 1.0
TARGET_CITATION_MS = 5.0
TARGET_RATIO = 3.0

FAMILIES = ("Repper", "Watson", "van Gogh", "Ó Súilleabháin", "Nguyen", "Smith", "García", "Okafor")
GIVEN = ("Julie", "Emma", "Vincent", "Seán", "Thi", "Anne", "Lucía", "Chinedu")
JOURNALS = (
    "The Journal of Mental Health Training, Education and Practice",
    "Journal of Advanced Nursing",
    "International Journal of Nursing Studies",
    "BMC Health Services Research",
)

# The Node program: the engine built, every item registered and the bibliography made,
# the best of several runs; then the warm citation's median, as PeerRef's is timed.
BENCH_JS = r"""
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
    return items.get(String(id));
  },
};
const xml = fs.readFileSync(request.style, "utf8");
let best = Infinity;
let engine = null;
let entries = 0;
for (let run = 0; run < request.bibliography_runs; run++) {
  const started = process.hrtime.bigint();
  engine = new CSL.Engine(sys, xml, request.lang, true);
  engine.updateItems(ids);
  const bibliography = engine.makeBibliography();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  entries = bibliography[1].length;
  best = Math.min(best, seconds);
}
const cites = request.cited.map((id) => ({ id: String(id) }));
engine.makeCitationCluster(cites);
const timings = [];
let citation = "";
for (let run = 0; run < request.citation_runs; run++) {
  const started = process.hrtime.bigint();
  citation = engine.makeCitationCluster(cites);
  timings.push(Number(process.hrtime.bigint() - started) / 1e6);
}
timings.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  version: CSL.PROCESSOR_VERSION,
  bibliography_s: best,
  entries,
  citation_ms: timings[Math.floor(timings.length / 2)],
  citation,
}));
"""


def make_reference(index: int) -> Reference:
    """A varied but deterministic reference; some share authors and year on purpose."""
    authors = tuple(
        Creator(FAMILIES[(index + k) % len(FAMILIES)], GIVEN[(index + k) % len(GIVEN)])
        for k in range(1 + index % 4)
    )
    if index % 10 == 7:
        authors = (Creator(literal="World Health Organization"),)
    editors = (Creator("Jones", "Robert", role=CreatorRole.EDITOR),) if index % 9 == 0 else ()
    kind = ReferenceType.CHAPTER if editors else ReferenceType.ARTICLE_JOURNAL
    return Reference(
        id=ReferenceId(index + 1),
        type=kind,
        title=f"Study number {index} of peer support in community mental health care",
        creators=authors + editors,
        container_title=JOURNALS[index % len(JOURNALS)] if not editors else "Handbook of Care",
        volume=str(1 + index % 40),
        issue=str(1 + index % 6),
        page=f"{100 + index}-{110 + index}",
        issued=PartialDate(2000 + index % 25),
        publisher="Routledge" if editors else "",
        doi=f"10.1000/bench.{index}",
    )


def time_peerref(references: list[Reference]) -> dict[str, Any]:
    """The cold bibliography (best of a few) and the warm citation's median."""
    catalogue = StyleCatalogue()
    style = catalogue.load(STYLE)
    wall: list[float] = []
    cpu: list[float] = []
    entries = 0
    for _run in range(BIBLIOGRAPHY_RUNS):
        style.cached_processor = None  # cold: read, sort and disambiguate everything again
        started, cpu_started = time.perf_counter(), time.process_time()
        bibliography = render_bibliography(references, style)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        entries = len(bibliography.entries)
    cited = [references[index] for index in CITED]
    render_citation(cited, style, context=references)  # warm: the processor is built
    timings = []
    text = ""
    for _run in range(CITATION_RUNS):
        started = time.perf_counter()
        text = render_citation(cited, style, context=references).text
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "bibliography_s": min(wall),
        "bibliography_cpu_s": min(cpu),
        "entries": entries,
        "citation_ms": statistics.median(timings),
        "citation": text,
    }


def time_citeproc_js(references: list[Reference]) -> dict[str, Any] | None:
    """citeproc-js on the same CSL-JSON PeerRef's processor reads; None without node."""
    if not ensure_citeproc_js():
        return None
    runner = CACHE / "bench.js"
    if not runner.is_file() or runner.read_text(encoding="utf-8") != BENCH_JS:
        runner.write_text(BENCH_JS, encoding="utf-8")
    info = StyleCatalogue().info(STYLE)
    items = [csl_input(reference, str(reference.id)) for reference in references]
    request = {
        "locales": str(LOCALES),
        "style": str(info.formatting_path),
        "lang": info.default_locale or "en-US",
        "items": items,
        "cited": [str(references[index].id) for index in CITED],
        "bibliography_runs": BIBLIOGRAPHY_RUNS,
        "citation_runs": CITATION_RUNS,
    }
    with tempfile.TemporaryDirectory() as tmp:
        request_path = Path(tmp) / "request.json"
        request_path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
        completed = subprocess.run(
            [shutil.which("node") or "node", str(runner), str(request_path)],
            cwd=CACHE,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    if completed.returncode != 0:
        raise SystemExit(f"citeproc-js failed:\n{completed.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-citeproc-js", action="store_true", help="time PeerRef only, even when node is here"
    )
    args = parser.parse_args(argv)
    references = [make_reference(index) for index in range(BIBLIOGRAPHY_SIZE)]
    ours = time_peerref(references)
    report: dict[str, Any] = {
        "references": BIBLIOGRAPHY_SIZE,
        "style": STYLE,
        "peerref_bibliography_s": round(ours["bibliography_s"], 3),
        "peerref_bibliography_cpu_s": round(ours["bibliography_cpu_s"], 3),
        "peerref_bibliography_entries": ours["entries"],
        "bibliography_target_s": TARGET_BIBLIOGRAPHY_S,
        "peerref_citation_3_items_ms": round(ours["citation_ms"], 2),
        "citation_target_ms": TARGET_CITATION_MS,
        "peerref_citation": ours["citation"],
    }
    theirs = None if args.no_citeproc_js else time_citeproc_js(references)
    if theirs is not None:
        report.update(
            {
                "citeproc_js_version": theirs["version"],
                "citeproc_js_bibliography_s": round(theirs["bibliography_s"], 3),
                "citeproc_js_citation_3_items_ms": round(theirs["citation_ms"], 2),
                "citeproc_js_citation": theirs["citation"],
                "bibliography_speedup": round(theirs["bibliography_s"] / ours["bibliography_s"], 1),
                "speedup_target": TARGET_RATIO,
            }
        )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
