"""Hostile values survive an export and its re-import (issue 17 #7, #8, #9).

A note, title, abstract or keyword holding line breaks, tag lines ("ER  - ", "TY  - JOUR"),
braces, BibTeX entry starts or control characters must come back as one reference with
the same text (white space aside: a single line break in a note is a space, as in
markdown), and never as an extra record or a field cut short. The DOIs the DOI Handbook
allows come back exactly.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerref.core.limits import strip_control_characters
from peerref.core.model import Creator, Reference, ReferenceType, abstract_from_text
from peerref.formats import registry
from peerref.formats.bibtex import BibtexWriter
from peerref.formats.ris import RisWriter

WRITERS = {"ris": RisWriter(), "bibtex": BibtexWriter()}
# Formats whose DOIs must come back exactly: the tagged ones and CSL-JSON.
DOI_FORMATS = [*sorted(WRITERS), "csl-json"]

# Pieces a hostile value is made of: tag lines of RIS and the other tagged formats,
# every kind of line break, braces and BibTeX's specials, entry starts, control characters.
_PIECES = [
    "ER  - ",
    "TY  - JOUR",
    "ER - ",
    "TI  - injected",
    "%0 Journal Article",
    "PMID- 1",
    "@article{x,",
    "{",
    "}",
    "\\",
    "%",
    "$",
    "&",
    "#",
    "_",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\u2028",
    "\x00",
    "\x0c",
    "\x1b",
    " ",
    "peer",
    "Müller",
    "x",
]
TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
WORD = st.lists(st.sampled_from([p for p in _PIECES if p not in {"\n\n"}]), max_size=6).map("".join)


def _flat(text: str) -> str:
    """What must survive: the words, control characters removed, white space aside."""
    return " ".join(strip_control_characters(text).split())


def _round_trip(format_name: str, *references: Reference) -> list[Reference]:
    text = registry.writer_named(format_name).write(list(references))
    result = registry.parse_text(text)
    assert result.format_name == format_name
    return list(result.references)


@pytest.mark.parametrize("format_name", sorted(WRITERS))
@settings(max_examples=25, deadline=None)
@given(title=TEXT, note=TEXT, abstract=TEXT, keyword=WORD)
def test_hostile_values_come_back_as_one_reference_with_their_text(
    format_name: str, title: str, note: str, abstract: str, keyword: str
) -> None:
    reference = Reference(
        type=ReferenceType.ARTICLE_JOURNAL,
        title=f"Start {title} end",
        creators=(Creator(family="Doe", given="Jane"),),
        abstract=abstract_from_text(f"Begin {abstract} finish"),
        keywords=(f"k {keyword} w",),
        tags=(f"t {keyword} g",),  # library tags leave as keywords, as Zotero's do
        extra={"note": f"First {note} last"},
    )
    neighbour = Reference(title="The next one", creators=(Creator(family="Roe"),))
    back, after = _round_trip(format_name, reference, neighbour)
    assert _flat(back.title) == _flat(reference.title)
    assert _flat(back.abstract_text) == _flat(reference.abstract_text)
    assert _flat(back.extra["note"]) == _flat(reference.extra["note"])
    assert [_flat(k) for k in back.keywords] == [_flat(f"k {keyword} w"), _flat(f"t {keyword} g")]
    assert [c.family for c in back.creators] == ["Doe"]
    assert after.title == "The next one"


@pytest.mark.parametrize("format_name", sorted(WRITERS))
def test_a_note_with_ris_record_lines_does_not_inject_a_record(format_name: str) -> None:
    """The drill's case: the note's lines were written as raw RIS and read as a record."""
    note = "hello\nER  - \nTY  - JOUR\nTI  - injected\nER  - \nmore\n\nsecond paragraph"
    (back,) = _round_trip(format_name, Reference(title="Real", extra={"note": note}))
    assert back.title == "Real"
    assert back.extra["note"] == (
        "hello ER - TY - JOUR TI - injected ER - more\n\nsecond paragraph"
    )


@pytest.mark.parametrize("format_name", DOI_FORMATS)
@pytest.mark.parametrize(
    "doi",
    [
        "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0",
        "10.1000/a{b}c",
        "10.1000/{x}",
        "10.1000/x}y",
        "10.1000/x{y",
        "10.1000/abc def",
        "10.1000/[x]:y;z",
        "10.1000/a%20b#c&d_e~f^g$h",
    ],
)
def test_dois_come_back_exactly(format_name: str, doi: str) -> None:
    """Issue 17 #9: SICI DOIs were cut at "<", braces became %7B/%7D, spaces ended a DOI."""
    (back,) = _round_trip(format_name, Reference(title="T", doi=doi))
    assert back.doi == doi
    assert not any(key.endswith((":doi", ":DO")) for key in back.extra)


@pytest.mark.parametrize("format_name", DOI_FORMATS)
@pytest.mark.parametrize("family", ["{Braced}", "{Braced} Smith", "Braced}", "{Braced", "O'{B}"])
def test_braced_family_names_come_back_exactly(format_name: str, family: str) -> None:
    reference = Reference(title="T", creators=(Creator(family=family, given="Ann"),))
    (back,) = _round_trip(format_name, reference)
    assert [(c.family, c.given) for c in back.creators] == [(family, "Ann")]


@pytest.mark.parametrize("format_name", sorted(WRITERS))
def test_an_export_holds_no_control_characters_and_reads_back(format_name: str) -> None:
    """Issue 17 #8: a NUL in a field made PeerRef refuse its own export as binary data."""
    reference = Reference(title="Nul\x00 title", extra={"note": "form\x0cfeed"})
    text = WRITERS[format_name].write([reference])
    assert strip_control_characters(text) == text
    (back,) = registry.parse_bytes(text.encode("utf-8")).references
    assert (back.title, back.extra["note"]) == ("Nul title", "form feed")


_SICI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-0"


@pytest.mark.parametrize(
    ("format_name", "text"),
    [
        ("refer", f"%0 Journal Article\n%T Peer work\n%R {_SICI}\n"),
        ("refworks", f"RT Journal Article\nT1 Peer work\nDO {_SICI}\n"),
        (
            "wos",
            "FN Clarivate Analytics Web of Science\nVR 1.0\n"
            f"PT J\nTI Peer work\nDI {_SICI}\nER\nEF\n",
        ),
    ],
)
def test_other_readers_keep_a_sici_doi_field_whole(format_name: str, text: str) -> None:
    """Issue 17 #9 in the other tagged readers: their DOI fields follow the same rule."""
    (reference,) = registry.parse_text(text, format_name).references
    assert reference.doi == _SICI
