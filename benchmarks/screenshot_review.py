"""Render the literature-review pictures of the README: the Review window's Screening tab to
``docs/review-screening.png`` and the review's PRISMA 2020 flow diagram to ``docs/prisma.png``.

The review is invented for the pictures: twelve made-up studies of peer support work with
structured abstracts, found by two searches — a PubMed export (MEDLINE) and a Web of
Science export, one paper in both — each imported as its own batch with the query and hit
count its results page showed. Runs offscreen like ``screenshot.py``; needs a font with
Latin glyphs (fonts-dejavu-core on Debian and Ubuntu) or text renders as boxes.

    uv run python benchmarks/screenshot_review.py [--output-dir docs]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # after choosing the platform above

from peerref.core.model import CollectionId, ImportMethod
from peerref.core.prisma import Review, Stage, Verdict
from peerref.formats.base import PageInfo
from peerref.formats.registry import parse_text
from peerref.gui.views.review_view import ReviewWindow
from peerref.library import Library
from peerref.review import diagram

ROOT = Path(__file__).resolve().parents[1]
REVIEW_NAME = "Peer support workers in adult mental health"

# (family, given, year, journal, title, [(heading, text), ...]); all invented.
PUBMED_STUDIES = (
    (
        "Adeyemi",
        "Folake",
        2021,
        "Community Mental Health Journal",
        "Peer support workers on crisis teams: a mixed-methods evaluation",
        (
            ("OBJECTIVE", "To describe what peer support workers add to adult crisis teams."),
            (
                "METHODS",
                "Case notes of 212 contacts and interviews with 18 staff and 14 service users.",
            ),
            ("RESULTS", "Contacts with a peer worker lasted longer and fewer ended in admission."),
            (
                "CONCLUSIONS",
                "Peer workers with lived experience of crisis changed how teams listened.",
            ),
        ),
    ),
    (
        "Kowalczyk",
        "Anna",
        2019,
        "Psychiatric Rehabilitation Journal",
        "Supervision of peer workers in community mental health teams",
        (
            (
                "BACKGROUND",
                "Peer workers often report that supervision ignores their own recovery.",
            ),
            ("METHODS", "A survey of 96 peer workers and 41 supervisors in nine services."),
            ("RESULTS", "Supervision by another peer worker was rated most helpful."),
            ("CONCLUSIONS", "Services should offer peer supervision alongside line management."),
        ),
    ),
    (
        "Thorsen",
        "Eirik",
        2022,
        "BMC Psychiatry",
        "A pharmacological trial of sleep medication in older inpatients",
        (
            ("BACKGROUND", "Poor sleep is common among older inpatients on acute wards."),
            ("METHODS", "A randomised trial of two hypnotics in 140 patients over 70."),
            ("RESULTS", "Neither drug improved sleep quality over placebo at four weeks."),
            ("CONCLUSIONS", "Non-drug approaches to sleep deserve a trial of their own."),
        ),
    ),
    (
        "Mbeki",
        "Thandiwe",
        2020,
        "Journal of Mental Health",
        "Lived experience and hope: peer support after discharge from hospital",
        (
            (
                "OBJECTIVE",
                "To test whether peer support in the month after discharge reduces readmission.",
            ),
            ("METHODS", "A pragmatic trial in three trusts; 310 adults randomised."),
            ("RESULTS", "Readmission at six months was 18% with peer support and 27% without."),
            ("CONCLUSIONS", "Peer support after discharge is feasible and may reduce readmission."),
        ),
    ),
    (
        "Achterberg",
        "Marloes",
        2021,
        "Early Intervention in Psychiatry",
        "Peer support workers in early intervention for psychosis: a qualitative study",
        (
            (
                "BACKGROUND",
                "Early intervention teams in the Netherlands have employed peer support "
                "workers since 2016, but little is known about how young people with a "
                "first episode of psychosis experience them.",
            ),
            (
                "METHODS",
                "Semi-structured interviews with 21 service users aged 18 to 35, 9 peer "
                "support workers and 12 care coordinators in four teams; parents were "
                "interviewed separately where the young person agreed. Thematic analysis.",
            ),
            (
                "RESULTS",
                "Service users described peer workers as the first people who spoke about "
                "recovery as something ordinary. Lived experience of psychosis made "
                "disclosure easier, and meetings outside the clinic felt less like "
                "treatment. Care coordinators valued the peer workers but were unsure "
                "what to ask of them.",
            ),
            (
                "CONCLUSIONS",
                "Peer support in early intervention is acceptable to young adults; teams "
                "need a written description of the peer role and supervision by other "
                "peer workers.",
            ),
        ),
    ),
    (
        "Ishikawa",
        "Ren",
        2023,
        "International Journal of Mental Health Nursing",
        "How nurses and peer support workers share the work of an acute ward",
        (
            ("AIM", "To understand how nurses and peer support workers divide tasks on a ward."),
            ("DESIGN", "Ethnography on two acute wards over eight months."),
            (
                "FINDINGS",
                "Peer workers took on the unhurried conversations nurses had no time for.",
            ),
            ("CONCLUSION", "Role clarity protected peer workers from being used as extra staff."),
        ),
    ),
    (
        "Gallagher",
        "Niamh",
        2018,
        "Social Psychiatry and Psychiatric Epidemiology",
        "Peer support for parents of children with autism",
        (
            ("BACKGROUND", "Parents of children with autism describe isolation after diagnosis."),
            ("METHODS", "Focus groups with 32 parents attending peer-led groups."),
            ("RESULTS", "Parents valued practical advice from other parents most."),
            ("CONCLUSIONS", "Peer-led groups for parents could be offered at diagnosis."),
        ),
    ),
)
WOS_STUDIES = (
    (
        "Lindgren",
        "Sofia",
        2021,
        "Health & Social Care in the Community",
        "Peer workers in homeless outreach: a realist evaluation",
        (
            ("Purpose", "To explain how peer workers engage people sleeping rough with services."),
            ("Design", "A realist evaluation with 26 interviews and outreach observation."),
            ("Findings", "Shared experience of homelessness opened conversations staff could not."),
            ("Value", "The first realist account of peer outreach in a UK city."),
        ),
    ),
    (
        "Osei",
        "Kofi",
        2020,
        "Journal of Psychiatric and Mental Health Nursing",
        "Training peer support workers: a two-year follow-up of a national course",
        (
            ("Purpose", "To follow graduates of a national course for peer support workers."),
            ("Design", "Surveys at graduation and two years later; 142 of 201 replied."),
            ("Findings", "Most graduates were employed as peer workers; pay remained low."),
            ("Value", "Evidence for commissioners planning the peer workforce."),
        ),
    ),
    (
        "Novak",
        "Petra",
        2019,
        "Children and Youth Services Review",
        "School-based mentoring for children in care",
        (
            ("Purpose", "To evaluate a mentoring scheme for children in care aged 8 to 12."),
            ("Design", "A matched comparison of 60 mentored and 60 other children."),
            ("Findings", "School attendance rose among mentored children."),
            ("Value", "Mentoring may help children in care stay in school."),
        ),
    ),
    (
        "Haddad",
        "Layla",
        2022,
        "Mental Health and Social Inclusion",
        "Peer support workers and the language of recovery in statutory services",
        (
            ("Purpose", "To examine how peer workers talk about recovery in NHS teams."),
            ("Design", "Discourse analysis of 30 interviews with peer workers."),
            ("Findings", "Peer workers resisted clinical language and kept to their own words."),
            ("Value", "Shows the tension between lived experience and service language."),
        ),
    ),
    (
        "Brandt",
        "Lukas",
        2023,
        "Administration and Policy in Mental Health",
        "The cost of peer support in adult community mental health teams",
        (
            ("Purpose", "To estimate the cost of adding peer workers to community teams."),
            ("Design", "A costing study across six teams over one year."),
            ("Findings", "Peer workers cost less than 3% of team budgets."),
            ("Value", "Gives commissioners a first figure to plan with."),
        ),
    ),
)
# Found by both searches: the Web of Science record is merged into PubMed's at import and
# counted as a duplicate removed before screening.
BOTH_STUDY = PUBMED_STUDIES[3]


def doi_of(family: str, year: int) -> str:
    return f"10.5555/peer.{year}.{family.lower()}"


def medline_text() -> str:
    """A PubMed export ("Save → PubMed format") of the invented studies."""
    records = []
    for number, (family, given, year, journal, title, sections) in enumerate(PUBMED_STUDIES):
        abstract = " ".join(f"{heading}: {text}" for heading, text in sections)
        records.append(
            "\n".join(
                (
                    f"PMID- {39100000 + number}",
                    "STAT- MEDLINE",
                    f"DP  - {year}",
                    f"TI  - {title}.",
                    f"LID - {doi_of(family, year)} [doi]",
                    f"AB  - {abstract}",
                    f"FAU - {family}, {given}",
                    f"AU  - {family} {given[0]}",
                    "FAU - Chen, Wei",
                    "AU  - Chen W",
                    "LA  - eng",
                    "PT  - Journal Article",
                    f"JT  - {journal}",
                    f"TA  - {journal}",
                )
            )
        )
    return "\n\n".join(records) + "\n"


def wos_text() -> str:
    """A Web of Science export ("Plain text file") of the invented studies."""
    lines = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for family, given, year, journal, title, sections in (*WOS_STUDIES, BOTH_STUDY):
        abstract = " ".join(f"{heading}: {text}" for heading, text in sections)
        lines += [
            "PT J",
            f"AU {family}, {given[0]}",
            "   Chen, W",
            f"AF {family}, {given}",
            "   Chen, Wei",
            f"TI {title}",
            f"SO {journal.upper()}",
            "DT Article",
            f"AB {abstract}",
            f"PY {year}",
            f"DI {doi_of(family, year)}",
            "ER",
            "",
        ]
    return "\n".join([*lines, "EF"]) + "\n"


def import_search(
    library: Library, text: str, collection: CollectionId, page: PageInfo, file_name: str
) -> None:
    """Import one search's export as its own batch, with what its results page showed."""
    result = replace(parse_text(text), page=page)
    library.import_parsed(
        result,
        raw_input=text,
        method=ImportMethod.FILE,
        source_name=file_name,
        collection=collection,
    )


def build_review(library: Library) -> Review:
    library.reviews.reviewer = "Ayesha"
    collection, _ = library.add_collection("Review: peer support workers")
    import_search(
        library,
        medline_text(),
        collection.id,
        PageInfo(
            query='"peer support"[tiab] AND (worker* OR "lived experience")',
            hit_count=len(PUBMED_STUDIES),
            hit_text=f"{len(PUBMED_STUDIES)} results",
        ),
        "pubmed-peer-support.nbib",
    )
    import_search(
        library,
        wos_text(),
        collection.id,
        PageInfo(
            query='TS=("peer support" NEAR/3 worker*)',
            hit_count=len(WOS_STUDIES) + 1,
            hit_text=f"{len(WOS_STUDIES) + 1} results",
        ),
        "savedrecs.txt",
    )
    review = library.reviews.create(REVIEW_NAME, collection.id, seed=15)
    return library.reviews.set_terms(
        review,
        include=["peer support", "peer worker", "lived experience", "recovery"],
        exclude=["children", "pharmacological", "placebo", "parents"],
    )


def off_topic(title: str) -> bool:
    """Whether a study is outside the review (children, drugs, costs): excluded on its title."""
    return any(word in title.lower() for word in ("pharmacological", "children", "cost of"))


def screen_rest(library: Library, review: Review) -> None:
    """Finish the screening the picture of the window left half done, for the diagram:
    include the studies of adult peer workers, exclude the rest; at full text exclude two
    with reasons and include the others."""
    reviews = library.reviews
    state = reviews.state(review)
    decided = {ref for ref, stage in state.current() if stage is Stage.TITLE_ABSTRACT}
    included = []
    for reference in reviews.references(list(state.pool)):
        assert reference.id is not None
        off = off_topic(reference.title)
        if reference.id not in decided:
            verdict = Verdict.EXCLUDE if off else Verdict.INCLUDE
            reviews.decide(review, reference.id, verdict)
        if not off:
            included.append(reference)
    for reference in included:
        assert reference.id is not None
        title = reference.title.lower()
        if "homeless" in title:
            reviews.decide(
                review,
                reference.id,
                Verdict.EXCLUDE,
                stage=Stage.FULL_TEXT,
                reason="Wrong population",
            )
        elif "language of recovery" in title:
            reviews.decide(
                review,
                reference.id,
                Verdict.EXCLUDE,
                stage=Stage.FULL_TEXT,
                reason="Wrong outcome",
            )
        else:
            reviews.decide(review, reference.id, Verdict.INCLUDE, stage=Stage.FULL_TEXT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    screening_png = args.output_dir / "review-screening.png"
    prisma_png = args.output_dir / "prisma.png"
    workdir = Path(tempfile.mkdtemp(prefix="peerref-screenshot-review-"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PeerRef")
    with Library.open(workdir / "library.sqlite", daily_backup=False) as library:
        review = build_review(library)
        window = ReviewWindow(library, review, show_message=lambda *_args: None)
        window.resize(1200, 680)
        window.show()
        widget = window.screening_widget
        # A few decisions by the window's own buttons, as a person screening would.
        for _ in range(4):
            shown = widget.screening.current()
            assert shown is not None
            widget.decide(Verdict.EXCLUDE if off_topic(shown.title) else Verdict.INCLUDE)
        window.tabs.setCurrentWidget(widget)
        widget.setFocus()
        for _ in range(5):
            app.processEvents()
        if not window.grab().save(str(screening_png)):
            print(f"could not write {screening_png}", file=sys.stderr)
            return 1
        window.close()
        screen_rest(library, review)
        counts = library.reviews.counts(review)
        problems = counts.arithmetic_errors()
        if problems:
            print(f"the counts do not add up: {problems}", file=sys.stderr)
            return 1
        diagram.export(counts, prisma_png, title=REVIEW_NAME)
    print(screening_png)
    print(prisma_png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
