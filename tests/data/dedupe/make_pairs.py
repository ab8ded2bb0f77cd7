"""Generate ``pairs.jsonl``: labelled pairs of CSL-JSON items for duplicate detection.

Run ``uv run python tests/data/dedupe/make_pairs.py`` to rewrite the file next to this
script; the output depends only on ``SEED``, so the committed file can be checked against
a fresh run. Titles, abstracts and people are invented (peer support in mental health);
journal names, abbreviations, ISSNs and DOI prefixes are real.

Each line is ``{"id", "label", "kind", "note", "a", "b"}`` where ``label`` is

- "duplicate": the same work, described by two sources (or pasted twice);
- "possible": related records that must never be merged automatically (a preprint and
  its published version, a conference paper and its journal version);
- "different": different works, most of them chosen to look alike (hard negatives).

The kinds mirror how pages really differ: title case and punctuation, DOI written as a
URL, abbreviated journal names, "Last, First" against "First Last" and initials, pasted
entries without titles, truncated author lists — and, for negatives, two papers by the
same authors in the same issue (told apart only by their abstracts), chapters sharing
their book's ISBN, a comment and its target, and the same team in consecutive years.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from peerref.core.csl import reference_to_csl
from peerref.core.model import (
    AbstractSection,
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.core.names import parse_name

SEED = 20240606
OUTPUT = Path(__file__).resolve().parent / "pairs.jsonl"


@dataclass(frozen=True)
class Journal:
    full: str
    abbreviation: str
    issn: str
    doi_prefix: str


JOURNALS = (
    Journal(
        "The Journal of Mental Health Training, Education and Practice",
        "J Ment Health Train Educ Pract",
        "1755-6228",
        "10.1108",
    ),
    Journal("Journal of Mental Health", "J Ment Health", "0963-8237", "10.1080"),
    Journal("Psychiatric Services", "Psychiatr Serv", "1075-2730", "10.1176"),
    Journal("Psychiatric Rehabilitation Journal", "Psychiatr Rehabil J", "1095-158X", "10.1037"),
    Journal("Community Mental Health Journal", "Community Ment Health J", "0010-3853", "10.1007"),
    Journal("BMC Psychiatry", "BMC Psychiatry", "1471-244X", "10.1186"),
    Journal("Mental Health and Social Inclusion", "Ment Health Soc Incl", "2042-8308", "10.1108"),
    Journal(
        "International Journal of Mental Health Nursing",
        "Int J Ment Health Nurs",
        "1445-8330",
        "10.1111",
    ),
    Journal(
        "Journal of Psychiatric and Mental Health Nursing",
        "J Psychiatr Ment Health Nurs",
        "1351-0126",
        "10.1111",
    ),
    Journal(
        "Social Psychiatry and Psychiatric Epidemiology",
        "Soc Psychiatry Psychiatr Epidemiol",
        "0933-7954",
        "10.1007",
    ),
    Journal(
        "International Journal of Social Psychiatry", "Int J Soc Psychiatry", "0020-7640", "10.1177"
    ),
    Journal("Health Expectations", "Health Expect", "1369-6513", "10.1111"),
    Journal("World Psychiatry", "World Psychiatry", "1723-8617", "10.1002"),
    Journal("The Lancet Psychiatry", "Lancet Psychiatry", "2215-0366", "10.1016"),
    Journal(
        "Epidemiology and Psychiatric Sciences", "Epidemiol Psychiatr Sci", "2045-7960", "10.1017"
    ),
    Journal("Mental Health Review Journal", "Ment Health Rev J", "1361-9322", "10.1108"),
    Journal(
        "Australian & New Zealand Journal of Psychiatry",
        "Aust N Z J Psychiatry",
        "0004-8674",
        "10.1177",
    ),
)
KEYWORDS = (
    "Peer support", "Recovery", "Mental health", "Lived experience", "Co-production", "Workforce",
)  # fmt: skip
PUBLISHERS = ("Emerald Publishing", "Routledge", "Palgrave Macmillan", "Springer", "Policy Press")
PREPRINT_SERVERS = (("PsyArXiv", "10.31234/osf.io/"), ("medRxiv", "10.1101/"))

GIVEN_NAMES = (
    "Julie", "Emma", "Daryl", "Danika", "Catherine", "Steve", "Rhiannon", "Kati", "Sarah",
    "Ewan", "Bernd", "Candelaria", "Rebecca", "David", "Máire", "Siobhán", "Anke", "Jonas",
    "Priya", "Kwame", "Aroha", "Mei", "Tomasz", "Ingrid", "Lucía", "Oluwaseun", "Hamid",
    "Noor", "Fiona", "Gareth", "Marta", "Pieter", "Astrid", "Chidi", "Lena", "Rory",
    "Helen", "Mark", "Aisha", "Joaquín",
)  # fmt: skip
FAMILY_NAMES = (
    "Repper", "Watson", "Mahon", "Sharek", "Conchar", "Gillard", "Foster", "Turner", "Parry",
    "Wilkinson", "Puschner", "Mahlke", "Nixdorf", "Basangwa", "Müller", "Ó Súilleabháin",
    "van der Berg", "García-López", "O'Brien", "MacDonald", "Nguyen", "Okafor", "Kowalczyk",
    "Lindqvist", "Søndergaard", "Białek", "Çelik", "Ní Bhriain", "de Souza", "Henare",
    "Chen", "Patel", "Mensah", "Rahman", "Fitzgerald", "Hughes", "Evans", "Morgan",
    "Slade", "Davidson", "Stratford", "Byrne", "Kirkpatrick", "Thornicroft", "Pinfold",
    "Lloyd-Evans", "Jääskeläinen", "Østergaard", "Dubois", "Rossi",
)  # fmt: skip

TOPICS = (
    "peer support", "peer support work", "peer-led recovery groups", "lived experience roles",
    "recovery colleges", "mutual aid", "online peer support", "peer mentoring",
    "intentional peer support", "peer navigation", "co-production", "family peer support",
    "peer-delivered crisis care", "peer specialist services", "peer-led self-management",
)  # fmt: skip
SETTINGS = (
    "in community mental health teams", "on acute psychiatric wards",
    "for people with psychosis", "after discharge from hospital",
    "in early intervention services", "for young people with depression",
    "in forensic mental health services", "for carers of people with dementia",
    "in primary care", "among university students", "for veterans with PTSD",
    "in rural Scotland", "in voluntary sector organisations", "in a community mental health centre",
    "for people who hear voices", "in homelessness services",
)  # fmt: skip
DESIGNS = (
    "a qualitative study", "a systematic review", "a mixed-methods evaluation",
    "a randomised controlled trial", "a realist evaluation", "a cross-sectional survey",
    "a thematic synthesis", "an ethnographic study", "a cohort study", "a pilot study",
    "a scoping review", "a Delphi study", "a programme evaluation", "a cluster randomised trial",
)  # fmt: skip
OPENERS = (
    "", "Experiences of", "Implementing", "Outcomes of", "Barriers and facilitators to",
    "Understanding", "Evaluating", "The role of", "What works in", "Sustaining",
    "Training for", "Measuring the impact of", "Organisational readiness for",
)  # fmt: skip
SPELLINGS = (
    ("randomised", "randomized"),
    ("organisation", "organization"),
    ("programme", "program"),
    ("centre", "center"),
)
COUNTRIES = ("England", "Ireland", "Scotland", "Wales", "Australia", "New Zealand", "Canada")
THEMES = (
    "shared lived experience", "building trust", "practical help with housing", "boundaries",
    "being a role model", "emotional labour", "isolation within the team", "flexible working",
    "hope", "being taken seriously", "disclosure", "supervision", "role clarity", "friendship",
)  # fmt: skip
PARTICIPANTS = (
    "peer workers",
    "service users",
    "clinicians",
    "carers",
    "team managers",
    "students",
)
CONTEXT_SENTENCES = (
    "Peer support workers are increasingly employed alongside clinical staff {setting}.",
    "Services in {country} have begun to recruit people with lived experience of mental "
    "distress into paid peer roles.",
    "Little is known about how {topic} is experienced by those who receive it.",
    "Policy in {country} now expects services to offer {topic} to everyone who wants it.",
    "Interest in {topic} has grown quickly, yet its evidence base remains thin.",
    "Funding was secured in {year0} to train and employ {small} peer workers {setting}.",
    "Earlier work has described the introduction of {topic} but not its day-to-day practice.",
)
AIM_SENTENCES = (
    "This paper describes {aim}.",
    "The aim of this study was to explore {aim}.",
    "This paper reports {aim}.",
    "We set out to examine {aim}.",
)
AIMS = (
    "how peer workers understood their role",
    "what clients valued in their contact with peer workers",
    "the first year of the programme and the lessons it taught",
    "the barriers met when introducing {topic}",
    "changes in hope and self-efficacy among people using {topic}",
    "the costs of delivering {topic}",
    "how supervision of peer workers was organised",
    "the views of clinical staff on {topic}",
    "how {topic} changed over {months} months",
)
DESIGN_SENTENCES = (
    "Semi-structured interviews were held with {n} {participants} and analysed thematically.",
    "We searched {k} databases and included {n} studies.",
    "A survey was completed by {n} {participants} across {k} sites.",
    "Participants were randomly allocated to {topic} or usual care and followed for {months} "
    "months.",
    "Documentary analysis, focus groups and interviews were combined in a structure, process "
    "and outcome model.",
    "Routine data for {n} people were linked with records of contact with peer workers.",
    "Field notes from {months} months of observation were analysed alongside {k} focus groups.",
)
FINDING_SENTENCES = (
    "Peer workers described {theme1} and {theme2} as central to their work.",
    "Clients valued {theme1}, although some found {theme2} difficult.",
    "Hope scores rose by {pct} per cent over {months} months.",
    "Three themes were identified: {theme1}, {theme2} and {theme3}.",
    "Supervision, role clarity and team culture shaped how far {topic} was accepted.",
    "No difference in readmission was found at {months} months.",
    "The {small} peers worked with {n} clients, offering emotional, practical and social support.",
    "Staff attitudes improved once peer workers had been in post for {months} months.",
)
VALUE_SENTENCES = (
    "This is among the first studies of {topic} {setting}.",
    "The findings offer practical guidance to services planning {topic}.",
    "The paper adds the voices of {participants} to a literature dominated by professionals.",
    "Recommendations are made for recruitment, training and supervision.",
    "The results support wider investment in {topic}.",
)
CHAPTER_TITLES = (
    "Recruiting and training peer workers",
    "Supervision that works for peer workers",
    "Peer support and the recovery approach",
    "Lived experience leadership in services",
    "Measuring the outcomes of peer support",
    "Peer support in crisis services",
    "Ethics and boundaries in peer work",
    "Family and carer peer support",
    "Digital peer support communities",
    "Sustaining peer roles in organisations",
    "Peer support for young people",
    "Trauma-informed peer support",
)
BOOK_TITLES = (
    "Peer Support in Mental Health Services: Principles and Practice",
    "Lived Experience in Mental Health: Roles, Research and Recovery",
    "Recovery Colleges and Co-production",
    "Trauma-Informed Organisations and Peer Work",
    "The Handbook of Peer Support Work",
    "Mental Health and Social Inclusion: New Directions",
)


@dataclass
class Work:
    """One invented paper with everything any source could say about it."""

    title: str
    authors: list[tuple[str, str]]  # (given, family)
    journal: Journal
    year: int
    month: int
    day: int
    volume: str
    issue: str
    first_page: int
    last_page: int
    doi: str
    pmid: str
    abstract: list[tuple[str, str]]  # (heading, text)
    keywords: list[str] = field(default_factory=list)
    type: ReferenceType = ReferenceType.ARTICLE_JOURNAL


class Maker:
    """Deterministic generator of works and of the ways sources describe them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used_titles: set[str] = set()
        self.used_numbers: set[str] = set()

    # ------------------------------------------------------------------ building blocks

    def unique_number(self, digits: int) -> str:
        while True:
            number = str(self.rng.randrange(10 ** (digits - 1), 10**digits))
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def title_parts(self) -> tuple[str, str]:
        """A new (main title, subtitle) pair."""
        while True:
            opener = self.rng.choice(OPENERS)
            topic = self.rng.choice(TOPICS)
            main = f"{opener} {topic}" if opener else topic[0].upper() + topic[1:]
            main = f"{main} {self.rng.choice(SETTINGS)}"
            design = self.rng.choice(DESIGNS)
            if f"{main}: {design}" not in self.used_titles:
                self.used_titles.add(f"{main}: {design}")
                return main, design

    def title(self) -> str:
        main, design = self.title_parts()
        return f"{main}: {design}"

    def people(self, count: int) -> list[tuple[str, str]]:
        families = self.rng.sample(FAMILY_NAMES, count)
        return [(self.rng.choice(GIVEN_NAMES), family) for family in families]

    def fill(self, template: str, topic: str, setting: str) -> str:
        themes = self.rng.sample(THEMES, 3)
        values = {
            "topic": topic,
            "setting": setting,
            "country": self.rng.choice(COUNTRIES),
            "year0": str(self.rng.randrange(2005, 2020)),
            "small": self.rng.choice(("four", "six", "eight", "ten", "twelve")),
            "n": str(self.rng.randrange(12, 480)),
            "k": str(self.rng.randrange(2, 9)),
            "months": str(self.rng.choice((3, 6, 9, 12, 18, 24))),
            "pct": str(self.rng.randrange(5, 40)),
            "participants": self.rng.choice(PARTICIPANTS),
            "theme1": themes[0],
            "theme2": themes[1],
            "theme3": themes[2],
            "aim": self.rng.choice(AIMS),
        }
        text = template.format(**values)
        return text.format(**values)  # an aim may itself hold {topic}

    def sentences(self, pool: tuple[str, ...], count: int, topic: str, setting: str) -> str:
        return " ".join(self.fill(t, topic, setting) for t in self.rng.sample(pool, count))

    def abstract(self, topic: str = "", setting: str = "") -> list[tuple[str, str]]:
        topic = topic or self.rng.choice(TOPICS)
        setting = setting or self.rng.choice(SETTINGS)
        purpose = self.sentences(CONTEXT_SENTENCES, 2, topic, setting)
        purpose += " " + self.sentences(AIM_SENTENCES, 1, topic, setting)
        return [
            ("Purpose", purpose),
            ("Design/methodology/approach", self.sentences(DESIGN_SENTENCES, 2, topic, setting)),
            ("Findings", self.sentences(FINDING_SENTENCES, 3, topic, setting)),
            ("Originality/value", self.sentences(VALUE_SENTENCES, 2, topic, setting)),
        ]

    def sibling_abstract(self, abstract: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Another paper's abstract from the same project: same opening and method.

        The Emerald seed's two Repper and Watson papers share their first sentences and
        their whole method section; only the aim, findings and value tell them apart.
        """
        topic, setting = self.rng.choice(TOPICS), self.rng.choice(SETTINGS)
        opening = abstract[0][1].rsplit(". ", 1)[0] + "."
        aim = self.sentences(AIM_SENTENCES, 1, topic, setting)
        return [
            ("Purpose", f"{opening} {aim}"),
            abstract[1],
            ("Findings", self.sentences(FINDING_SENTENCES, 3, topic, setting)),
            ("Research limitations/implications", self.sentences(VALUE_SENTENCES, 1, topic, "")),
            ("Originality/value", self.sentences(VALUE_SENTENCES, 2, topic, setting)),
        ]

    def doi(self, journal: Journal, year: int) -> str:
        if journal.doi_prefix == "10.1108":
            code = "".join(w[0] for w in journal.abbreviation.split()).upper()
            number = self.unique_number(4)
            return f"10.1108/{code}-{self.rng.randrange(1, 13):02d}-{year}-{number}"
        return f"{journal.doi_prefix}/{journal.abbreviation.split()[0].lower()}.{year}." + (
            self.unique_number(5)
        )

    def work(self, *, authors: list[tuple[str, str]] | None = None, **overrides: Any) -> Work:
        journal = overrides.pop("journal", None) or self.rng.choice(JOURNALS)
        year = overrides.pop("year", None) or self.rng.randrange(2008, 2025)
        first_page = self.rng.randrange(1, 600)
        main, design = self.title_parts()
        work = Work(
            title=f"{main}: {design}",
            authors=authors or self.people(self.rng.randrange(1, 6)),
            journal=journal,
            year=year,
            month=self.rng.randrange(1, 13),
            day=self.rng.randrange(1, 29),
            volume=str(self.rng.randrange(1, 40)),
            issue=str(self.rng.randrange(1, 7)),
            first_page=first_page,
            last_page=first_page + self.rng.randrange(6, 16),
            doi=self.doi(journal, year),
            pmid=self.unique_number(8),
            abstract=self.abstract(),
            keywords=self.rng.sample(KEYWORDS, 3),
        )
        return replace(work, **overrides)

    def later(self, work: Work, years: int = 1, **changes: Any) -> Work:
        """Another paper of the same journal ``years`` later: new issue, pages and DOI."""
        year = work.year + years
        first_page = self.rng.randrange(1, 600)
        issue = str(int(work.issue) % 6 + 1)  # differs from the original issue
        moved = replace(
            work,
            year=year,
            volume=str(int(work.volume) + years),
            issue=issue,
            first_page=first_page,
            last_page=first_page + self.rng.randrange(2, 16),
            doi=self.doi(work.journal, year),
            pmid=self.unique_number(8),
            abstract=self.abstract(),
        )
        return replace(moved, **changes)

    # ------------------------------------------------------------------ how sources write it

    def creators(
        self, authors: list[tuple[str, str]], style: str, role: CreatorRole = CreatorRole.AUTHOR
    ) -> tuple[Creator, ...]:
        """Names as a source writes them, read back with PeerRef's own name parser."""
        texts = []
        for given, family in authors:
            initials = "".join(part[0] for part in given.replace("-", " ").split())
            if style == "inverted":
                texts.append(f"{family}, {given}")
            elif style == "pubmed":
                texts.append(f"{family} {initials}")
            elif style == "initials":
                texts.append(" ".join(f"{i}." for i in initials) + f" {family}")
            elif style == "ascii":
                texts.append(strip_accents(f"{given} {family}"))
            else:
                texts.append(f"{given} {family}")
        return tuple(parse_name(text, role) for text in texts)

    def full_record(self, work: Work, names: str = "inverted") -> Reference:
        """A publisher's RIS or Crossref record: everything, structured abstract."""
        return Reference(
            type=work.type,
            title=work.title,
            creators=self.creators(work.authors, names),
            container_title=work.journal.full,
            volume=work.volume,
            issue=work.issue,
            page=f"{work.first_page}-{work.last_page}",
            issued=PartialDate(work.year),
            issn=(work.journal.issn,),
            doi=work.doi,
            abstract=structured(work.abstract),
            keywords=tuple(work.keywords),
            publisher="Emerald Publishing" if work.doi.startswith("10.1108") else "",
        )

    def pubmed_record(self, work: Work, *, with_doi: bool = True) -> Reference:
        """A PubMed citation: "Family FM" names, abbreviated journal, full stop after title."""
        return Reference(
            type=work.type,
            title=work.title + ".",
            creators=self.creators(work.authors, "pubmed"),
            container_title=work.journal.abbreviation,
            volume=work.volume,
            issue=work.issue,
            page=f"{work.first_page}-{str(work.last_page)[-2:]}",
            issued=PartialDate(work.year, work.month),
            doi=work.doi if with_doi else "",
            pmid=work.pmid,
            abstract=(AbstractSection("", pubmed_abstract(work.abstract)),),
        )

    def pasted_untitled(self, work: Work, *, abstract: str = "structured") -> Reference:
        """An Emerald search-result entry as pasted: no title, no DOI, no pages."""
        if abstract == "structured":
            sections = structured(work.abstract)
        elif abstract == "flat":
            sections = (AbstractSection("", flat_abstract(work.abstract)),)
        elif abstract == "snippet":
            sections = (AbstractSection("", snippet(work.abstract)),)
        else:
            sections = ()
        return Reference(
            type=work.type,
            creators=self.creators(work.authors, "given-first"),
            container_title=work.journal.full,
            volume=work.volume,
            issue=work.issue,
            issued=PartialDate(work.year, work.month, work.day),
            issn=(work.journal.issn,),
            abstract=sections,
            extra={"emerald:type": "Research Article"},
            truncated=frozenset({"abstract"}) if abstract == "snippet" else frozenset(),
        )

    def sciencegate_untitled(self, work: Work, *, container: bool = True) -> Reference:
        """A ScienceGate entry: year, "Vol 7 (2)", pages, flattened abstract, no title."""
        return Reference(
            type=work.type,
            creators=self.creators(work.authors, "given-first"),
            container_title=work.journal.full if container else "",
            volume=work.volume,
            issue=work.issue,
            page=f"{work.first_page}-{work.last_page}",
            issued=PartialDate(work.year),
            abstract=(AbstractSection("", flat_abstract(work.abstract)),),
        )

    def scholar_record(self, work: Work) -> Reference:
        """A Google Scholar line: three authors then "…", year, venue cut short."""
        venue = work.journal.full
        truncated = {"creators"} if len(work.authors) > 3 else set()
        if len(venue) > 30:
            venue = venue[:28].rstrip() + "…"
            truncated.add("container_title")
        return Reference(
            type=work.type,
            title=work.title,
            creators=self.creators(work.authors[:3], "initials"),
            container_title=venue,
            issued=PartialDate(work.year),
            truncated=frozenset(truncated),
        )

    # ------------------------------------------------------------------ variants

    def punctuation_variant(self, title: str) -> str:
        """The same title as another source prints it: case, dashes, markup, full stop."""
        changes: list[Callable[[str], str]] = [
            str.upper,
            lambda t: " ".join(w[:1].upper() + w[1:] for w in t.split(" ")),
            lambda t: t.replace(": ", " – "),
            lambda t: t.replace(": ", " — "),
            lambda t: t.replace(": ", ". "),
            lambda t: t + ".",
            lambda t: "<i>" + t.replace(" ", "</i> ", 1),
            lambda t: t.replace(" and ", " & "),
            lambda t: t.replace(" ", "  ", 2),
            lambda t: f"“{t}”",
            lambda t: t.replace("-", "‐"),
        ]
        variant = title
        for change in self.rng.sample(changes, self.rng.randrange(1, 3)):
            variant = change(variant)
        if fold_like(variant) != fold_like(title):
            raise AssertionError(f"not a punctuation variant: {title!r} -> {variant!r}")
        return variant

    def doi_variant(self, doi: str) -> str:
        forms = (
            f"https://doi.org/{doi}",
            f"http://dx.doi.org/{doi.upper()}",
            f"doi:{doi}",
            f"https://doi.org/{doi.upper()}",
            f"DOI: {doi}.",
        )
        return self.rng.choice(forms)


def strip_accents(text: str) -> str:
    table = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "æ": "ae"})
    text = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in text if not unicodedata.combining(c))


def fold_like(text: str) -> str:
    """Letters and digits only, lower case: what a punctuation variant must keep."""
    text = text.replace("<i>", "").replace("</i>", "").replace("&", "and")
    return "".join(c for c in strip_accents(text).casefold() if c.isalnum())


def structured(abstract: list[tuple[str, str]]) -> tuple[AbstractSection, ...]:
    return tuple(AbstractSection(heading, text) for heading, text in abstract)


def flat_abstract(abstract: list[tuple[str, str]]) -> str:
    """ScienceGate runs the sections together: "Purpose – … Design/methodology/approach – …"."""
    return " ".join(f"{heading} – {text}" for heading, text in abstract)


def pubmed_abstract(abstract: list[tuple[str, str]]) -> str:
    return " ".join(f"{heading.upper()}: {text}" for heading, text in abstract)


def snippet(abstract: list[tuple[str, str]]) -> str:
    """The excerpt a results page shows above the abstract, cut with an ellipsis."""
    text = abstract[0][1]
    return text[: text.rfind(" ", 0, 180)] + "…"


def isbn13(rng: random.Random) -> str:
    body = "978" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    check = (10 - total % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:9]}-{body[9:12]}-{check}"


def isbn10_of(isbn13_text: str) -> str:
    digits = isbn13_text.replace("-", "")[3:12]
    total = sum(int(c) * w for c, w in zip(digits, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return digits + ("X" if check == 10 else str(check))


# ---------------------------------------------------------------------- the pair kinds

Pair = tuple[str, str, str, Reference, Reference]  # label, kind, note, a, b


def duplicates(m: Maker) -> Iterator[Pair]:
    rng = m.rng
    for i in range(20):
        w = m.work()
        with_doi = i % 2 == 0
        yield (
            "duplicate",
            "publisher-record-vs-pubmed",
            "RIS export against the PubMed citation"
            + (" (both with DOI)" if with_doi else " (PubMed without DOI)"),
            m.full_record(w) if with_doi else replace(m.full_record(w), doi=""),
            m.pubmed_record(w, with_doi=with_doi),
        )
    for _ in range(30):
        w = m.work()
        a = replace(m.full_record(w), doi="")
        b = replace(m.full_record(w, names="given-first"), doi="", issn=())
        yield (
            "duplicate",
            "title-case-punctuation",
            "no identifiers; the title differs only in case, dashes, markup or punctuation",
            a,
            replace(b, title=m.punctuation_variant(w.title)),
        )
    for _ in range(25):
        w = m.work()
        sparse = Reference(
            title=w.title.upper() if rng.random() < 0.3 else w.title,
            creators=m.creators(w.authors[:1], "pubmed"),
            issued=PartialDate(w.year),
            doi=m.doi_variant(w.doi),
        )
        yield (
            "duplicate",
            "doi-url-vs-bare",
            "a sparse record with the DOI as a URL or prefixed against the full record",
            m.full_record(w),
            sparse,
        )
    for i in range(25):
        w = m.work(journal=rng.choice([j for j in JOURNALS if j.full != j.abbreviation]))
        if i % 2 == 0:
            a = replace(m.full_record(w), doi="", issn=())
            b = replace(m.pubmed_record(w, with_doi=False), pmid="")
            note = "titled: full journal name against its abbreviation, no identifiers"
        else:
            a = m.pasted_untitled(w, abstract="none")
            a = replace(a, issn=())
            b = replace(m.pubmed_record(w, with_doi=False), pmid="", title=w.title)
            note = "untitled entry with the full journal name, PubMed record with the abbreviation"
            a = replace(a, page=f"{w.first_page}-{w.last_page}")
        yield ("duplicate", "abbreviated-journal", note, a, b)
    for _ in range(20):
        w = m.work(authors=m.people(rng.randrange(2, 5)))
        yield (
            "duplicate",
            "inverted-names",
            '"Family, Given" against "Given Family", no identifiers',
            replace(m.full_record(w, names="inverted"), doi=""),
            replace(m.full_record(w, names="given-first"), doi="", issn=(), volume=""),
        )
    for _ in range(20):
        w = m.work(authors=m.people(rng.randrange(1, 5)))
        style = rng.choice(("pubmed", "initials"))
        yield (
            "duplicate",
            "initials-vs-full-names",
            f"full given names against {style} initials, no identifiers",
            replace(m.full_record(w, names="given-first"), doi=""),
            replace(m.full_record(w, names=style), doi="", abstract=()),
        )
    accented = [f for f in FAMILY_NAMES if strip_accents(f) != f]
    for family in accented[:10]:
        w = m.work(authors=[(rng.choice(GIVEN_NAMES), family), *m.people(1)])
        yield (
            "duplicate",
            "accents-dropped",
            f"{family} written without accents by one source",
            replace(m.full_record(w, names="given-first"), doi=""),
            replace(m.full_record(w, names="ascii"), doi="", title=strip_accents(w.title)),
        )
    for i in range(25):
        w = m.work()
        evidence = ("abstract", "pages", "abstract", "snippet", "abstract-flat")[i % 5]
        label_note = {
            "abstract": "the same abstract",
            "abstract-flat": "the same abstract, flattened by the other source",
            "pages": "no abstract pasted, but the first page agrees",
            "snippet": "only the results-page excerpt: not enough to decide alone",
        }[evidence]
        if evidence == "pages":
            untitled = replace(
                m.pasted_untitled(w, abstract="none"), page=f"{w.first_page}-{w.last_page}"
            )
        elif evidence == "snippet":
            untitled = m.pasted_untitled(w, abstract="snippet")
        else:
            untitled = m.pasted_untitled(w)
        full = m.full_record(w, names=rng.choice(("inverted", "pubmed")))
        if evidence == "abstract-flat":
            full = replace(full, abstract=(AbstractSection("", flat_abstract(w.abstract)),))
        if i % 3 == 0:
            full = replace(full, container_title=w.journal.abbreviation, issn=())
        yield ("duplicate", "untitled-vs-full-record", label_note, untitled, full)
    for book_index in range(5):
        chapter = chapter_work(m, book_index)
        yield (
            "duplicate",
            "untitled-book-part-vs-full-record",
            "an Emerald 'Book part' pasted without title against the chapter's record",
            untitled_chapter(m, chapter),
            chapter,
        )
    for i in range(15):
        w = m.work(authors=m.people(rng.randrange(1, 4)))
        yield (
            "duplicate",
            "untitled-both",
            "the same untitled entry pasted from Emerald and from ScienceGate"
            + ("" if i % 5 else " (ScienceGate gives no journal)"),
            m.pasted_untitled(w),
            m.sciencegate_untitled(w, container=bool(i % 5)),
        )
    for _ in range(10):
        w = m.work()
        yield (
            "duplicate",
            "same-pmid",
            "two PubMed-derived records, one without DOI, British against American spelling",
            replace(m.full_record(w), doi="", pmid=w.pmid),
            replace(m.pubmed_record(w, with_doi=False), title=american(w.title)),
        )
    for _ in range(10):
        book = book_record(m)
        isbn = book.isbn[0]
        yield (
            "duplicate",
            "same-isbn-book",
            "a book recorded with its ISBN-13 and, elsewhere, its ISBN-10 and a shorter title",
            book,
            replace(
                book,
                title=book.title.split(":")[0],
                isbn=(isbn10_of(isbn),),
                publisher="",
            ),
        )
    for _ in range(10):
        w = m.work()
        online = replace(
            m.pubmed_record(w, with_doi=False),
            issued=PartialDate(w.year - 1, 12),
            volume="",
            issue="",
            page="",
        )
        yield (
            "duplicate",
            "year-off-by-one",
            "the online-first record (December, previous year) against the print issue",
            replace(m.full_record(w), doi=""),
            online,
        )
    for _ in range(10):
        w = m.work(authors=m.people(rng.randrange(4, 7)))
        yield (
            "duplicate",
            "truncated-author-list",
            "a Scholar line with three authors and '…' against the full list",
            replace(m.full_record(w), doi=""),
            m.scholar_record(w),
        )
    made = 0
    while made < 10:
        w = m.work()
        if american(w.title) == w.title:
            continue
        made += 1
        yield (
            "duplicate",
            "spelling-variant-title",
            "British against American spelling: close titles, same authors (flagged possible)",
            replace(m.full_record(w), doi=""),
            replace(m.full_record(w, names="pubmed"), doi="", title=american(w.title)),
        )
    for i in range(12):
        w = m.work(authors=m.people(rng.randrange(2, 5)))
        noisy = replace(m.full_record(w, names="pubmed"), doi="", abstract=())
        problem = i % 4
        if problem == 0:
            cut = rng.randrange(5, len(w.title) - 5)
            noisy = replace(noisy, title=w.title[:cut] + w.title[cut + 1 :])
            note = "a typing error in one title"
        elif problem == 1:
            swapped = [w.authors[1], w.authors[0], *w.authors[2:]]
            noisy = replace(noisy, creators=m.creators(swapped, "pubmed"))
            note = "the first two authors swapped by one source"
        elif problem == 2:
            noisy = replace(noisy, issued=PartialDate(w.year - 2), volume="", issue="")
            note = "online first two years before the print issue"
        else:
            given, family = w.authors[0]
            renamed = [("K" + given[1:] if given[0] != "K" else "C" + given[1:], family)]
            noisy = replace(noisy, creators=m.creators(renamed + w.authors[1:], "pubmed"))
            note = "the first author's given name spelled differently"
        yield ("duplicate", "noisy-metadata", note, m.full_record(w), noisy)
    for _ in range(8):
        w = m.work()
        yield (
            "duplicate",
            "subtitle-missing",
            "one source drops the subtitle (flagged possible)",
            replace(m.full_record(w), doi=""),
            replace(m.scholar_record(w), title=w.title.split(":")[0]),
        )


def american(title: str) -> str:
    for british, us in SPELLINGS:
        title = title.replace(british, us)
    return title


def possibles(m: Maker) -> Iterator[Pair]:
    rng = m.rng
    for i in range(15):
        w = m.work()
        server, prefix = PREPRINT_SERVERS[i % 2]
        number = m.unique_number(5) if server == "PsyArXiv" else m.unique_number(8)
        title = w.title if i % 3 else w.title.replace(":", " -") + " (preprint)"
        if i % 4 == 0:
            main, _ = w.title.split(":", 1)
            title = f"{main}: {rng.choice(DESIGNS)}"
        preprint = Reference(
            type=ReferenceType.PREPRINT,
            title=title,
            creators=m.creators(w.authors, "given-first"),
            container_title=server,
            issued=PartialDate(w.year - rng.randrange(0, 2), rng.randrange(1, 13)),
            doi=f"{prefix}{number}",
            abstract=structured(w.abstract[:3]),
        )
        yield (
            "possible",
            "preprint-vs-published",
            f"a {server} preprint and its published version: link, never merge",
            preprint,
            m.full_record(w),
        )
    for _ in range(8):
        w = m.work()
        conference = Reference(
            type=ReferenceType.PAPER_CONFERENCE,
            title=w.title,
            creators=m.creators(w.authors, "inverted"),
            container_title="Proceedings of the International Conference on Peer Support",
            issued=PartialDate(w.year - 1),
            doi=f"10.5555/ICPS.{w.year - 1}.{m.unique_number(4)}",
        )
        yield (
            "possible",
            "conference-vs-journal-version",
            "the same title as a conference paper and, later, a journal article",
            conference,
            m.full_record(w),
        )


def chapter_work(
    m: Maker, book_index: int, authors: list[tuple[str, str]] | None = None
) -> Reference:
    """A chapter of one of the invented books, with the book's (stable) ISBN."""
    rng = random.Random(f"book-{book_index}")  # the same book every time it is asked for
    book_title = BOOK_TITLES[book_index % len(BOOK_TITLES)]
    isbn = isbn13(rng)
    editors = [(rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)) for _ in range(2)]
    year = rng.randrange(2010, 2024)
    publisher = rng.choice(PUBLISHERS)
    start = m.rng.randrange(1, 300)
    return Reference(
        type=ReferenceType.CHAPTER,
        title=m.rng.choice(CHAPTER_TITLES),
        creators=m.creators(authors or m.people(m.rng.randrange(1, 3)), "inverted")
        + m.creators(editors, "inverted", CreatorRole.EDITOR),
        container_title=book_title,
        page=f"{start}-{start + m.rng.randrange(12, 30)}",
        issued=PartialDate(year),
        publisher=publisher,
        isbn=(isbn,),
        abstract=(AbstractSection("", m.sentences(FINDING_SENTENCES, 3, "peer support", "")),),
    )


def untitled_chapter(m: Maker, chapter: Reference) -> Reference:
    """The Emerald "Book part" entry for a chapter: authors, date, book title, ISBN, abstract."""
    return replace(
        chapter,
        title="",
        page="",
        creators=chapter.authors,
        issued=PartialDate(chapter.issued.year, 4, 28),
        isbn=(chapter.isbn[0].replace("-", ""),),
        publisher="",
        extra={"emerald:type": "Book"},
    )


def book_record(m: Maker) -> Reference:
    rng = m.rng
    return Reference(
        type=ReferenceType.BOOK,
        title=rng.choice(BOOK_TITLES),
        creators=m.creators(m.people(rng.randrange(1, 3)), "inverted"),
        issued=PartialDate(rng.randrange(2005, 2024)),
        publisher=rng.choice(PUBLISHERS),
        isbn=(isbn13(rng),),
    )


def differents(m: Maker) -> Iterator[Pair]:
    rng = m.rng
    for i in range(20):
        w = m.work(authors=m.people(rng.randrange(2, 4)))
        sibling = replace(w, abstract=m.sibling_abstract(w.abstract), doi="", pmid="")
        style_b = ("structured", "flat", "structured", "structured", "snippet")[i % 5]
        yield (
            "different",
            "same-issue-untitled",
            "two untitled papers by the same authors, same day, same issue; different abstracts"
            + (" (one shows only the shared excerpt)" if style_b == "snippet" else ""),
            m.pasted_untitled(w),
            m.pasted_untitled(sibling, abstract=style_b),
        )
    for i in range(15):
        w = m.work(authors=m.people(rng.randrange(2, 4)))
        sibling = replace(
            w,
            title=m.title(),
            abstract=m.sibling_abstract(w.abstract),
            doi=m.doi(w.journal, w.year),
            first_page=w.last_page + 1,
            last_page=w.last_page + 12,
        )
        bare = i % 5 == 0
        yield (
            "different",
            "untitled-vs-other-paper-of-the-issue",
            "an untitled entry against the full record of the other paper in the same issue"
            + (" (the untitled entry has no abstract)" if bare else ""),
            m.pasted_untitled(w, abstract="none" if bare else "structured"),
            m.full_record(sibling),
        )
    for i in range(20):
        book_index = i % len(BOOK_TITLES)
        first = chapter_work(m, book_index)
        second = chapter_work(m, book_index)
        while second.title == first.title:
            second = chapter_work(m, book_index)
        if i % 4 == 0:  # the same author wrote two chapters of the book
            second = replace(second, creators=first.creators)
        if i % 5 == 1:  # both pasted as Emerald "Book part" entries, without titles
            first, second = untitled_chapter(m, first), untitled_chapter(m, second)
            second = replace(second, creators=first.creators)
        yield (
            "different",
            "chapters-of-one-book",
            "two chapters sharing their book's ISBN"
            + (" (same author)" if i % 4 == 0 else "")
            + (" (both untitled, same authors)" if i % 5 == 1 else ""),
            first,
            second,
        )
    for i in range(10):
        chapter = chapter_work(m, i)
        book = Reference(
            type=ReferenceType.BOOK,
            title=chapter.container_title,
            creators=tuple(c for c in chapter.creators if c.role is CreatorRole.EDITOR),
            issued=chapter.issued,
            publisher=chapter.publisher,
            isbn=chapter.isbn,
        )
        yield ("different", "book-vs-its-chapter", "a book and one of its chapters", book, chapter)
    for i in range(15):
        w = m.work()
        kind = i % 5
        if kind == 0:
            other = m.later(w, title=f"Commentary on: {w.title}", authors=m.people(1))
        elif kind == 1:
            other = m.later(w, title=f"Response to commentary on '{w.title}'")
        elif kind == 2:
            other = m.later(w, 0, title=f"Correction to: {w.title}", abstract=[])
        elif kind == 3:
            other = m.later(w, 0, title=f"Erratum: {w.title}", abstract=[])
        else:
            other = m.later(w, title=f"{w.title}: a reply to our critics")
        yield (
            "different",
            "comment-and-target",
            "a comment, reply or correction repeats the title of the paper it concerns",
            replace(m.full_record(w), doi="" if kind % 2 else w.doi),
            replace(m.full_record(other), doi="" if kind % 2 else other.doi),
        )
    series = (
        ("{main}: a one-year follow-up", "{main}: a two-year follow-up"),
        (
            "{main}: study protocol for a randomised controlled trial",
            "{main}: a randomised controlled trial",
        ),
        ("{main} (part 1)", "{main} (part 2)"),
        ("{main}: findings from the first wave", "{main}: findings from the second wave"),
        ("{main}: a qualitative study", "{main}: a cross-sectional survey"),
    )
    for i in range(20):
        main, _ = m.title_parts()
        first_title, second_title = series[i % len(series)]
        w = m.work(title=first_title.format(main=main))
        later = m.later(w, title=second_title.format(main=main))
        yield (
            "different",
            "same-authors-consecutive-years",
            "the same team in the same journal a year apart, titles of one series",
            replace(m.full_record(w), doi=""),
            replace(m.full_record(later), doi=""),
        )
    for i in range(10):
        w = m.work(title=rng.choice(("Editorial", "Guest editorial", "Introduction")))
        if i % 2 == 0:
            other = m.later(w, 0, abstract=[])
            note = "the same editor's editorials in two issues of one volume"
        else:
            other = m.later(w, authors=m.people(1), abstract=[])
            note = "editorials by different editors"
        a = replace(m.full_record(replace(w, abstract=[])), doi="")
        yield ("different", "generic-title", note, a, replace(m.full_record(other), doi=""))
    for _ in range(20):
        w = m.work()
        other = m.work(authors=[w.authors[0], *m.people(1)], year=w.year, journal=w.journal)
        yield (
            "different",
            "same-first-author-same-year",
            "the same first author, journal and year; different papers",
            replace(m.full_record(w), doi=""),
            replace(m.full_record(other), doi=""),
        )
    for _ in range(30):
        w, other = m.work(), m.work()
        yield (
            "different",
            "unrelated",
            "two unrelated papers",
            m.full_record(w) if rng.random() < 0.5 else m.pubmed_record(w),
            m.pasted_untitled(other) if rng.random() < 0.3 else m.full_record(other),
        )
    for _ in range(10):
        w = m.work()
        main, design = w.title.split(": ", 1)
        other_design = rng.choice([d for d in DESIGNS if d != design])
        other = m.work(title=f"{main}: {other_design}", year=w.year)
        yield (
            "different",
            "similar-title-different-team",
            "the same main title from another team",
            replace(m.full_record(w), doi=""),
            replace(m.full_record(other), doi=""),
        )
    for i in range(10):
        w = m.work(title=f"{m.title_parts()[0]}: a systematic review")
        update = m.later(
            w, rng.randrange(0, 2), title=w.title + (" and meta-analysis" if i % 2 else " update")
        )
        yield (
            "different",
            "review-and-its-extension",
            "a review and its meta-analysis or update by the same team, each with a DOI",
            m.full_record(w),
            m.full_record(update),
        )


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    """All labelled pairs as JSON-ready dicts, in a stable order."""
    maker = Maker(seed)
    rows: list[dict[str, Any]] = []
    for label, kind, note, a, b in [*duplicates(maker), *possibles(maker), *differents(maker)]:
        pair_id = f"p{len(rows) + 1:04d}"
        rows.append(
            {
                "id": pair_id,
                "label": label,
                "kind": kind,
                "note": note,
                "a": {"id": f"{pair_id}a", **reference_to_csl(a, with_id=False)},
                "b": {"id": f"{pair_id}b", **reference_to_csl(b, with_id=False)},
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def main() -> None:
    rows = generate()
    OUTPUT.write_text(render(rows), encoding="utf-8")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    print(f"wrote {len(rows)} pairs to {OUTPUT}: {counts}")


if __name__ == "__main__":
    main()
