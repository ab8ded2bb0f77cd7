"""Render the main window over a small sample library to ``docs/screenshot.png``.

The sample references are invented for the picture (real journal names, made-up studies).
Runs offscreen, so it works in CI; needs a font with Latin glyphs (fonts-dejavu-core on
Debian and Ubuntu) or text renders as boxes.

    uv run python benchmarks/screenshot.py [--output docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # after choosing the platform above
from PySide6.QtWidgets import QApplication

from peerref.core.model import (
    AbstractSection,
    Creator,
    ImportMethod,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.gui.main_window import MainWindow
from peerref.gui.models.sidebar_model import NodeKind
from peerref.library import Library
from peerref.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

STUDIES = (
    (
        "Okafor",
        "Ada",
        2021,
        "Mental Health Review Journal",
        "Peer workers on acute wards: what changes at night",
        ("peer support", "qualitative"),
    ),
    (
        "Lindqvist",
        "Maja",
        2019,
        "Journal of Public Mental Health",
        "Loneliness among carers of people with dementia",
        ("carers",),
    ),
    (
        "Brennan",
        "Aoife",
        2018,
        "The Journal of Adult Protection",
        "Budget cuts and adult safeguarding practice in England",
        ("safeguarding",),
    ),
    (
        "Mensah",
        "Kwame",
        2022,
        "Mental Health Review Journal",
        "Open dialogue in a community mental health team",
        ("qualitative",),
    ),
    (
        "Raman",
        "Priya",
        2017,
        "Journal of Mental Health Training, Education and Practice",
        "Training peer support workers: a two-year follow-up",
        ("peer support", "training"),
    ),
    (
        "van der Berg",
        "Henrik",
        2020,
        "Health Education",
        "Recovery colleges and the language of hope",
        ("peer support",),
    ),
    (
        "Ó Rourke",
        "Tomás",
        2016,
        "Journal of Documentation",
        "Reading groups on secure wards",
        ("to read",),
    ),
    (
        "Fairweather",
        "Lucy",
        2023,
        "Library Hi Tech",
        "Digital inclusion for people leaving long-stay care",
        ("to read",),
    ),
    (
        "Nakamura",
        "Mei",
        2015,
        "International Journal of Prisoner Health",
        "Peer mentoring after release: a realist review",
        ("peer support", "review"),
    ),
    (
        "Haddad",
        "Omar",
        2024,
        "Mental Health and Social Inclusion",
        "Lived experience leadership in NHS trusts",
        ("qualitative",),
    ),
)

SELECTED_ABSTRACT = (
    "Purpose: This paper describes how a small team of peer support workers settled into "
    "three community mental health teams, and what the teams learned.\n\n"
    "Design/methodology/approach: Interviews with peer workers, their supervisors and the "
    "people they supported, repeated at six and twelve months.\n\n"
    "Findings: Peer workers were valued for time, hope and an unhurried kind of listening; "
    "supervision that protected their own recovery mattered most.\n\n"
    "Originality/value: One of the first accounts from England of peer support workers "
    "employed in statutory teams."
)
SELECTED_RIS = f"""TY  - JOUR
AU  - Repper, Julie
AU  - Watson, Emma
TI  - What peer support workers bring to community mental health teams
JO  - Mental Health and Social Inclusion
PY  - 2012
VL  - 16
IS  - 2
SP  - 70
EP  - 78
DO  - 10.1108/20428301211238591
SN  - 2042-8308
AB  - {SELECTED_ABSTRACT}
KW  - peer support
KW  - recovery
ER  -
"""

EMERALD_PAGE_ENTRIES = (
    (
        "12 March 2020",
        "Aoife Brennan and Kofi Osei",
        "Mental Health Review Journal",
        "1361-9322",
        "Staff on two acute wards kept diaries of the evenings after peer workers joined the team.",
    ),
    (
        "3 June 2019",
        "Priya Raman, Lucy Fairweather and Kwame Mensah",
        "Journal of Public Mental Health",
        "1746-5729",
        "Carers described the gap between the respite they were offered and rest.",
    ),
    (
        "21 January 2021",
        "Henrik van der Berg",
        "The Journal of Adult Protection",
        "1466-8203",
        "Safeguarding leads in six councils explained how they decide which concerns to follow up.",
    ),
)


def emerald_page() -> str:
    """A results page in Emerald Insight's pasted shape: no titles, structured abstracts."""
    parts = ["Search results", "", f"1 – {len(EMERALD_PAGE_ENTRIES)} of over 900"]
    for number, (date, authors, journal, issn, snippet) in enumerate(EMERALD_PAGE_ENTRIES):
        parts += [
            "Article",
            f"Publication date: {date}",
            "",
            authors,
            "",
            snippet[:80] + "…",
            "",
            str(40 + number),
            "",
            "Abstract",
            "",
            "Purpose",
            "",
            snippet,
            "",
            "Findings",
            "",
            "Small, regular changes were reported more often than large ones.",
            "",
            "Details",
            "",
            f"{journal}, vol. {8 + number} no. {1 + number}",
            "Type: Research Article",
            f"ISSN: {issn}",
            "",
            "Keywords",
            "",
        ]
    return "\n".join(parts) + "\n"


def build_sample(library: Library) -> None:
    references = [
        Reference(
            type=ReferenceType.ARTICLE_JOURNAL,
            title=title,
            creators=(Creator(family=family, given=given), Creator(family="Chen", given="Wei")),
            container_title=journal,
            issued=PartialDate(year),
            tags=tags,
            abstract=(AbstractSection("Purpose", f"A study of {title.lower()}."),),
        )
        for family, given, year, journal, title, tags in STUDIES
    ]
    ids = sorted(library.add(references).added)
    thesis, _ = library.add_collection("PhD thesis")
    chapter, _ = library.add_collection("Ch. 2 Peer support", thesis.id)
    library.add_collection("Ch. 3 Methods", thesis.id)
    reading, _ = library.add_collection("Reading group")
    library.add_to_collection(chapter.id, [ids[0], ids[4], ids[5], ids[8]])
    library.add_to_collection(reading.id, [ids[6], ids[7]])
    library.import_text(emerald_page(), method=ImportMethod.PASTE, source_name="the clipboard")
    outcome = library.import_text(
        SELECTED_RIS, method=ImportMethod.DROP, source_name="peer-support-review.ris"
    )
    (selected,) = outcome.changes.added
    library.tag([selected], add=["peer support", "key paper"])
    library.add_to_collection(chapter.id, [selected])
    library.add_note(
        selected,
        "**Use in chapter 2**: the supervision findings support the argument about "
        "*protected time*.",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshot.png")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="peerref-screenshot-"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PeerRef")
    with Library.open(workdir / "library.sqlite", daily_backup=False) as library:
        build_sample(library)
        window = MainWindow(
            library=library,
            settings=Settings(),
            qsettings=QSettings(str(workdir / "window.ini"), QSettings.Format.IniFormat),
        )
        window.resize(1500, 900)
        window.splitter.setSizes([240, 810, 450])
        window.show()
        window.sidebar_view.select_kind(NodeKind.LIBRARY)
        window.sidebar_view.expandAll()
        selected = library.search_ids("repper")[0]
        window.select_references([selected])
        window.table_view.setFocus()
        for _ in range(5):
            app.processEvents()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(args.output)):
            print(f"could not write {args.output}", file=sys.stderr)
            return 1
        window.close()
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
