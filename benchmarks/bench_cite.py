"""Time citation rendering: a 1,000-reference APA bibliography and one clipboard citation.

Targets (issue 4): the bibliography under 2 s; one citation for the clipboard, with the
style already loaded, under 50 ms. Prints one JSON object, e.g.::

    uv run python benchmarks/bench_cite.py
"""

from __future__ import annotations

import json
import statistics
import time

from peerref.citations import (
    StyleCatalogue,
    clipboard_payload,
    render_bibliography,
    render_citation,
)
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)

BIBLIOGRAPHY_SIZE = 1_000
CITATION_REPEATS = 20
FAMILIES = ("Repper", "Watson", "van Gogh", "Ó Súilleabháin", "Nguyen", "Smith", "García", "Okafor")
GIVEN = ("Julie", "Emma", "Vincent", "Seán", "Thi", "Anne", "Lucía", "Chinedu")
JOURNALS = (
    "The Journal of Mental Health Training, Education and Practice",
    "Journal of Advanced Nursing",
    "International Journal of Nursing Studies",
    "BMC Health Services Research",
)


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


def main() -> None:
    references = [make_reference(i) for i in range(BIBLIOGRAPHY_SIZE)]
    catalogue = StyleCatalogue()

    started = time.perf_counter()
    style = catalogue.load("apa")
    load_seconds = time.perf_counter() - started

    started = time.perf_counter()
    cpu_started = time.process_time()
    bibliography = render_bibliography(references, style)
    bibliography_seconds = time.perf_counter() - started
    # CPU time too: on a busy machine the wall clock also counts other processes' turns.
    bibliography_cpu_seconds = time.process_time() - cpu_started

    timings = []
    for repeat in range(CITATION_REPEATS):
        started = time.perf_counter()
        payload = clipboard_payload(render_citation([references[repeat]], style))
        timings.append(time.perf_counter() - started)
    assert payload["text/plain"]

    # The window cites against the whole library so "2012b" matches the bibliography.
    started = time.perf_counter()
    clipboard_payload(render_citation([references[0]], style, context=references))
    with_context_seconds = time.perf_counter() - started

    print(
        json.dumps(
            {
                "style_load_ms": round(load_seconds * 1000, 1),
                "bibliography_references": BIBLIOGRAPHY_SIZE,
                "bibliography_entries": len(bibliography.entries),
                "bibliography_s": round(bibliography_seconds, 3),
                "bibliography_cpu_s": round(bibliography_cpu_seconds, 3),
                "bibliography_target_s": 2.0,
                "clipboard_citation_median_ms": round(statistics.median(timings) * 1000, 2),
                "clipboard_citation_max_ms": round(max(timings) * 1000, 2),
                "clipboard_citation_target_ms": 50.0,
                "clipboard_citation_with_1000_context_ms": round(with_context_seconds * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
