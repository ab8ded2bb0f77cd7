"""Formats PeerRef cannot read yet are refused with their name, never misread (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_golden import FORMATS_DATA

from peerref.core.errors import FormatError
from peerref.formats._unsupported import identify
from peerref.formats.registry import parse_text

OVID = (
    "<1. >\nVN  - Ovid Technologies\nDB  - APA PsycInfo\nAN  - 2021-12345-001\n"
    "TI  - Peer support workers on acute wards.\nAU  - Repper, Julie\nAU  - Watson, Emma\n"
    "SO  - Mental Health Review Journal. Vol.26(2), 2021, pp. 101-115.\n"
    "CP  - HOLDER: Emerald Publishing Limited\nYR  - 2021\n\n"
    "<2. >\nVN  - Ovid Technologies\nDB  - APA PsycInfo\nTI  - Recovery colleges.\n"
)
SAMPLES = {
    "MARC XML": (
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><datafield tag="245">'
        '<subfield code="a">Peer work</subfield></datafield></record></collection>'
    ),
}
# Formats once refused here that PeerRef now reads, each by its own reader.
NOW_READ = {
    "ovid": OVID,
    "refworks": "RT Journal Article\nSR Electronic(1)\nA1 Repper,Julie\nT1 Peer work\nYR 2021\n",
    "refer": "%0 Journal Article\n%A Repper, Julie\n%T Peer work\n%J Mental Health Review\n",
    "pubmed-xml": (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle'
        '//EN" "pubmed.dtd">\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
        "<PMID>39000001</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ),
    "mods": (
        '<?xml version="1.0"?>\n<modsCollection xmlns="http://www.loc.gov/mods/v3"><mods>'
        "<titleInfo><title>Peer work</title></titleInfo></mods></modsCollection>"
    ),
    "crossref-xml": (
        '<doi_records><doi_record owner="10.1108"><crossref><journal>'
        "</journal></crossref></doi_record></doi_records>"
    ),
    "datacite-json": json.dumps(
        {
            "id": "https://doi.org/10.5281/zenodo.1",
            "doi": "10.5281/zenodo.1",
            "types": {"resourceTypeGeneral": "Text", "citeproc": "article-journal"},
            "titles": [{"title": "Peer work"}],
            "creators": [{"name": "Repper, Julie"}],
        }
    ),
    "openalex-json": json.dumps(
        {
            "id": "https://openalex.org/W1000000001",
            "title": "Peer work",
            "type": "article",
            "authorships": [],
        }
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_unsupported_format_is_refused_with_its_name(name: str) -> None:
    recognised = identify(SAMPLES[name])
    assert recognised is not None
    with pytest.raises(FormatError, match="cannot read yet") as refused:
        parse_text(SAMPLES[name])
    assert recognised.label in str(refused.value)


def test_an_ovid_export_is_read_as_ovid_not_as_a_reference_list() -> None:
    result = parse_text(OVID)
    assert result.format_name == "ovid"
    assert [r.title for r in result.references] == [
        "Peer support workers on acute wards",
        "Recovery colleges",
    ]
    # Ovid's own RIS export is RIS, and read as such.
    ris = parse_text("TY  - JOUR\nVN  - Ovid Technologies\nTI  - Peer work\nER  - \n")
    assert ris.format_name == "ris" and ris.entries


@pytest.mark.parametrize("name", sorted(NOW_READ))
def test_formats_once_refused_are_read_by_their_reader(name: str) -> None:
    assert identify(NOW_READ[name]) is None
    result = parse_text(NOW_READ[name])
    assert result.format_name == name
    assert result.entries


def test_a_format_named_by_the_user_is_still_tried() -> None:
    with pytest.raises(FormatError):
        parse_text(NOW_READ["openalex-json"], "csl-json")


# Every fixture of the formats PeerRef reads (and their golden JSON): none looks unsupported.
FIXTURES = sorted(path for path in FORMATS_DATA.rglob("*") if path.is_file())


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_fixture_of_a_format_peerref_reads_is_taken_for_an_unsupported_one(path: Path) -> None:
    assert identify(path.read_bytes().decode("utf-8", errors="replace")) is None
