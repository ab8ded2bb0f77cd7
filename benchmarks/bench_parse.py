"""Parse a large synthetic Emerald Insight page and the same entries as RIS; print one JSON object.

    uv run python benchmarks/bench_parse.py --entries 10000

Issue 3's targets: our page parser no slower per entry than rispy reading the same
entries as RIS (``ratio_vs_rispy`` <= 1.0), and the page parsed and stored in a new
library in under five seconds (``parse_and_store_s``). Both parsers are measured side by
side in the same run, taking turns, best of three; storing runs once, into a fresh library.

The page is built the way a copied Emerald results page looks (content-type line,
"Publication date:", "A, B and C" authors, a preview snippet ending in "…", a download
count, a structured abstract, Details, Keywords), varied with a seeded random generator:
book parts with an ISBN, ahead-of-print articles, entries without Details, unheaded
abstracts. The generator also knows the reference each entry stands for; it writes
those as RIS and checks, outside the timings, that our parser reads every entry back
exactly, so the figures are for a parser that gets the page right.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rispy

from peerref.core import ids
from peerref.core.model import (
    AbstractSection,
    Creator,
    ImportMethod,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.formats import registry
from peerref.library import Library

RUNS = 3


def words(text: str) -> tuple[str, ...]:
    """A tuple of the space-separated words of ``text`` (keeps long name lists readable)."""
    return tuple(text.split())


# Real Emerald journals with their print ISSNs (check digits are verified at start-up).
JOURNALS = (
    ("The Journal of Mental Health Training, Education and Practice", "1755-6228"),
    ("Mental Health and Social Inclusion", "2042-8308"),
    ("Journal of Knowledge Management", "1367-3270"),
    ("Management Decision", "0025-1747"),
    ("European Journal of Marketing", "0309-0566"),
    ("International Journal of Operations & Production Management", "0144-3577"),
    ("Journal of Documentation", "0022-0418"),
    ("Library Hi Tech", "0737-8831"),
    ("Kybernetes", "0368-492X"),
    ("Industrial Management & Data Systems", "0263-5577"),
    ("Journal of Enterprise Information Management", "1741-0398"),
    ("International Journal of Contemporary Hospitality Management", "0959-6119"),
)
BOOK_SERIES = (
    "Advances in Librarianship",
    "Research in the Sociology of Health Care",
    "Advances in Mental Health and Addiction",
    "Studies in Managerial and Financial Accounting",
)
BOOK_TITLES = (
    "Trauma-Responsive Organisations: The Trauma Ecology Model",
    "Peer Support in Mental Health: Lived Experience at Work",
    "Digital Transformation and the Public Library",
    "Recovery, Inclusion and Community Care",
    "Knowledge Work in Networked Organisations",
    "Sustainable Supply Chains: Practice and Policy",
)
FAMILY_NAMES = words(
    "Repper Watson Mahon Sharek Elias Upton-Davis Griffin Smith Jones Williams Brown Taylor "
    "Davies Evans Wilson Thomas Johnson Roberts Walker Wright Robinson Thompson White "
    "Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Turner Hill Scott "
    "Cooper Morris Ward Moore King Baker Harrison Morgan Patel Young Allen Mitchell "
    "Anderson Phillips Bell Parker Müller Schmidt García Martínez Rossi Nguyen Wang Zhang "
    "Chen Kim Park Sato Suzuki Silva Santos Kowalski Novak Ivanova Horváth Dubois Lefèvre "
    "Jensen Hansen Johansson O'Connor McCarthy MacLeod Fitzgerald Okafor Adeyemi Mensah "
    "Haddad Kaur Singh Sharma"
)
GIVEN_NAMES = words(
    "Julie Emma Daryl Danika Petra Karen Martha Anna Ben Carla David Eva Farid Grace Hiro "
    "Ines Jonas Kira Luca Maria Nils Olga Pedro Qing Rosa Samir Tara Umar Vera Wei Xenia "
    "Yusuf Zoe Jean-Paul Mary-Ann Siobhan Aoife Kwame Chiara Mateus Priya Arjun Lars Ingrid"
)
PARTICLES = ("van", "de", "von", "da", "van der", "Ó", "Mac")
SECTION_HEADINGS = (
    "Purpose",
    "Design/methodology/approach",
    "Findings",
    "Research limitations/implications",
    "Practical implications",
    "Social implications",
    "Originality/value",
)
OPTIONAL_HEADINGS = frozenset(
    {"Research limitations/implications", "Practical implications", "Social implications"}
)
EMERALD_TYPES = (
    "Research Article",
    "Research Article",
    "Research Article",
    "Case Study",
    "Conceptual Paper",
    "General Review",
    "Technical Paper",
)
KEYWORDS = (
    "Peer support",
    "Mental health",
    "Recovery",
    "Lived experience",
    "Knowledge management",
    "Organizational learning",
    "Supply chain management",
    "Service quality",
    "Digital libraries",
    "Information retrieval",
    "Qualitative research",
    "Case studies",
    "Social inclusion",
    "Employment",
    "Leadership",
    "Innovation",
    "Sustainability",
    "Higher education",
    "Public policy",
    "Co-production",
)
MONTHS = words(
    "January February March April May June July August September October November December"
)
# Words for abstract sentences: the vocabulary of the field, so lines look like prose; some
# carry the typographic hyphens and quotes real pages have (non-ASCII lines cost more).
SUBJECTS = (
    "This paper",
    "The study",
    "The authors",
    "This research",
    "The project",
    "The evaluation",
    "Peer support workers",
    "Service users",
    "Managers",
    "The findings",
    "Participants",
    "The analysis",
)
VERBS = (
    "examines",
    "explores",
    "reports on",
    "investigates",
    "describes",
    "identifies",
    "compares",
    "highlights",
    "develops",
    "evaluates",
    "questions",
    "extends",
)
OBJECTS = (
    "the nature and dynamics of peer support in community mental health teams",
    "the employment of people with lived experience in statutory services",
    "how organisations embed new roles into existing clinical pathways",
    "the barriers and enablers to implementing a youth peer workforce",
    "the relationship between supervision, training and staff wellbeing",
    "knowledge sharing across professional boundaries in public organisations",
    "the effect of digital platforms on service quality and user satisfaction",
    "the tensions between policy ambitions and everyday practice",
    "a framework for evaluating recovery-oriented services",
    "the views of clinicians, managers and peers in four sectors",
    "the costs and benefits of co-produced service design",
    "the long-term outcomes reported by clients after discharge",
)
CLAUSES = (
    "using semi\u2010structured interviews and a focus group",
    "drawing on the authors\u2019 own experience of peer work",
    "guided by participants\u2019 accounts of \u201crecovery\u201d",
    "drawing on documentary analysis and thematic coding",
    "in a mixed-methods design over eighteen months",
    "across urban and rural settings in England and Ireland",
    "with a sample of 35 key respondents",
    "through a realist evaluation of programme theory",
    "in the context of recent national policy reforms",
    "while taking account of organisational culture",
    "based on survey data from 412 employees",
    "against a background of rising demand and limited resources",
)


@dataclass(frozen=True, slots=True)
class SyntheticEntry:
    """One generated entry: the page text it is copied as and the reference it stands for."""

    page_text: str
    reference: Reference


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.7:
        text += f", {rng.choice(CLAUSES)}"
    return text + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def preview_of(text: str, length: int) -> str:
    """Emerald's snippet: the abstract's first words, cut at a word and ended with "…"."""
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(".,;") + "…"


def make_person(rng: random.Random) -> tuple[str, Creator]:
    """A name as Emerald prints it ("Given [M.] [particle] Family") and what it means."""
    given = rng.choice(GIVEN_NAMES)
    if rng.random() < 0.15:
        given += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    family = rng.choice(FAMILY_NAMES)
    particle = rng.choice(PARTICLES) if rng.random() < 0.06 else ""
    printed = " ".join(part for part in (given, particle, family) if part)
    return printed, Creator(family=family, given=given, particle=particle)


def author_line(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8, 1, 8] + [rng.randrange(10) for _ in range(7)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    text = "".join(map(str, digits)) + str(check)
    return f"{text[:3]}-{text[3]}-{text[4:9]}-{text[9:12]}-{text[12]}"


def make_entry(rng: random.Random) -> SyntheticEntry:
    """One entry in the copied-page shape, with the reference a correct parser reads from it."""
    roll = rng.random()
    if roll < 0.08:
        content_type, ref_type = "Book part", ReferenceType.CHAPTER
    elif roll < 0.14:
        content_type, ref_type = "Case study", ReferenceType.ARTICLE_JOURNAL
    else:
        content_type, ref_type = "Article", ReferenceType.ARTICLE_JOURNAL
    year, month, day = rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)
    people = [make_person(rng) for _ in range(rng.choices((1, 2, 3, 4, 5), (2, 4, 5, 3, 1))[0])]

    if content_type == "Book part" and rng.random() < 0.4:
        headings: list[str] = [""]  # chapters often have one unheaded abstract
    else:
        headings = [
            h for h in SECTION_HEADINGS if h not in OPTIONAL_HEADINGS or rng.random() < 0.45
        ]
    sections = tuple(
        AbstractSection(heading, paragraph(rng, rng.randint(1, 4) if heading else 6))
        for heading in headings
    )

    lines = [content_type, f"Publication date: {day} {MONTHS[month - 1]} {year}", ""]
    lines += [author_line([printed for printed, _ in people]), ""]
    lines += [preview_of(sections[0].text, rng.randint(180, 260)), ""]
    if rng.random() < 0.5:
        lines += [str(rng.randint(1, 4000)), ""]
    lines += ["Abstract", ""]
    for section in sections:
        if section.heading:
            lines += [section.heading, ""]
        lines += [section.text, ""]

    container = volume = issue = status = ""
    issns: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()
    extra = {"emerald-content-type": content_type}
    if rng.random() >= 0.07:  # some entries come without Details
        lines += ["Details", ""]
        if content_type == "Book part":
            container = rng.choice(BOOK_TITLES)
            if rng.random() < 0.3:
                container = f"{rng.choice(BOOK_SERIES)}: {container}"
            isbn = isbn13(rng)
            lines += [container, "Type: Book", f"ISBN: {isbn}"]
            isbns = (isbn,)
            extra["emerald-type"] = "Book"
        else:
            container, issn = rng.choice(JOURNALS)
            if rng.random() < 0.12:
                status = "ahead-of-print"
                lines.append(f"{container}, vol. ahead-of-print no. ahead-of-print")
            else:
                volume, issue = str(rng.randint(1, 60)), str(rng.randint(1, 12))
                lines.append(f"{container}, vol. {volume} no. {issue}")
            emerald_type = rng.choice(EMERALD_TYPES)
            lines += [f"Type: {emerald_type}", f"ISSN: {issn}"]
            issns = (issn,)
            extra["emerald-type"] = emerald_type
        lines.append("")
    keywords = tuple(rng.sample(KEYWORDS, rng.randint(0, 6)))
    lines += ["Keywords", ""]
    for keyword in keywords:
        lines += [keyword, ""]

    reference = Reference(
        type=ref_type,
        creators=tuple(creator for _, creator in people),
        container_title=container,
        volume=volume,
        issue=issue,
        issued=PartialDate(year, month, day),
        status=status,
        issn=issns,
        isbn=isbns,
        abstract=sections,
        keywords=keywords,
        extra=extra,
    )
    return SyntheticEntry("\n".join(lines), reference)


def build(entries: int, seed: int) -> tuple[str, str, list[Reference]]:
    """The Emerald page (with its chrome), the same entries as RIS, and the references."""
    for _, issn in JOURNALS:
        assert ids.issn_is_valid(issn), issn
    rng = random.Random(seed)
    made = [make_entry(rng) for _ in range(entries)]
    counter = f"1 – {min(entries, 10)} of over {entries}"
    page = "\n".join(["Search results", "", counter, *(e.page_text for e in made), "", counter])
    references = [e.reference for e in made]
    ris = registry.writer_named("ris").write(references)
    return page, ris, references


def best_times(runs: int, **work: Callable[[], object]) -> dict[str, float]:
    """Shortest wall time of each job over ``runs`` rounds, the jobs taking turns.

    Taking turns keeps a passing load on the machine from favouring one parser.
    """
    best = dict.fromkeys(work, float("inf"))
    for _ in range(runs):
        for name, job in work.items():
            gc.collect()
            start = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def check_parsed(page: str, expected: list[Reference]) -> None:
    """Fail loudly unless our parser reads every entry back as the generator meant it."""
    parsed = registry.parse_text(page, "emerald").references
    if len(parsed) != len(expected):
        sys.exit(f"parsed {len(parsed)} entries, expected {len(expected)}")
    for number, (got, want) in enumerate(zip(parsed, expected, strict=True), start=1):
        if got != want:
            sys.exit(f"entry {number} parsed wrongly:\n got  {got}\n want {want}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--no-store", action="store_true", help="skip parse-and-store")
    args = parser.parse_args()

    page, ris, references = build(args.entries, args.seed)
    check_parsed(page, references)
    rispy_count = len(rispy.loads(ris))
    if rispy_count != args.entries:
        sys.exit(f"rispy read {rispy_count} records, expected {args.entries}")

    best = best_times(
        RUNS, ours=lambda: registry.parse_text(page, "emerald"), rispy=lambda: rispy.loads(ris)
    )
    parse_s, rispy_s = best["ours"], best["rispy"]

    parse_and_store_s: float | None = None
    if not args.no_store:
        with tempfile.TemporaryDirectory() as tmp:
            gc.collect()
            start = time.perf_counter()
            with Library.open(Path(tmp) / "library.sqlite", daily_backup=False) as library:
                outcome = library.import_text(page, method=ImportMethod.FILE, format_name="emerald")
            parse_and_store_s = time.perf_counter() - start
            if outcome.added != args.entries:
                sys.exit(f"stored {outcome.added} references, expected {args.entries}")

    page_mb = len(page.encode()) / 1_000_000
    figures = {
        "entries": args.entries,
        "page_mb": round(page_mb, 2),
        "parse_s": round(parse_s, 3),
        "parse_mb_per_s": round(page_mb / parse_s, 1),
        "rispy_s": round(rispy_s, 3),
        "ratio_vs_rispy": round((parse_s / args.entries) / (rispy_s / rispy_count), 2),
        "parse_and_store_s": None if parse_and_store_s is None else round(parse_and_store_s, 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
