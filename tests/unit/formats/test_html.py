"""HTML from the clipboard or a drag: result links, text layout, and the richer payload."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_golden import (
    FORMATS_DATA,
    assert_detected_and_matches_golden,
    assert_noise_raises_only_format_error,
    splice_noise_fuzz,
)

from peerref.core.errors import FormatError
from peerref.core.model import Reference
from peerref.formats.base import ParsedEntry
from peerref.formats.html import (
    HtmlReader,
    ResultLink,
    combine_links,
    extract_html,
    parse_richest_payload,
    strip_cf_html_header,
)
from peerref.formats.registry import parse_text

DATA = FORMATS_DATA / "html"
EMERALD = DATA / "emerald_results_fragment.html"
PUBMED = DATA / "pubmed_results_fragment.html"
PUBLISHER = DATA / "publisher_toc_fragment.html"


def _cf_html(fragment: str) -> str:
    """A Windows CF_HTML payload with correct byte offsets, as the clipboard gives it."""
    header = (
        "Version:0.9\r\nStartHTML:{0:010d}\r\nEndHTML:{1:010d}\r\n"
        "StartFragment:{2:010d}\r\nEndFragment:{3:010d}\r\n"
    )
    html = "<html><body><!--StartFragment-->" + fragment + "<!--EndFragment--></body></html>"
    size = len(header.format(0, 0, 0, 0).encode("utf-8"))
    start_fragment = size + len(b"<html><body><!--StartFragment-->")
    end_fragment = start_fragment + len(fragment.encode("utf-8"))
    end = size + len(html.encode("utf-8"))
    return header.format(size, end, start_fragment, end_fragment) + html


@pytest.mark.parametrize("fixture", [EMERALD, PUBMED, PUBLISHER], ids=lambda p: p.stem)
def test_fixture_matches_golden(fixture: Path) -> None:
    assert_detected_and_matches_golden(
        fixture.read_text("utf-8"), "html", fixture.with_suffix(".json")
    )


def test_emerald_titles_and_dois_come_from_the_h2_links() -> None:
    result = HtmlReader().read(EMERALD.read_text("utf-8"))
    assert "Emerald" in result.format_label
    refs = result.references
    assert [r.title for r in refs] == [
        "Shared experience as a working tool: how peer support workers describe their first year",
        "Recovery colleges and peer trainers: a realist review",
        "Peer work in crisis services",
    ]
    assert [r.doi for r in refs] == [
        "10.1108/JMHTEP-03-2021-0031",
        "10.1108/MHSI-09-2023-0102",
        "10.1108/978-1-80262-145-7-00004",
    ]
    assert refs[0].volume == "16" and refs[0].issue == "4"
    for entry in result.entries:
        assert not any(w.message.startswith("no title") for w in entry.warnings)


def test_emerald_text_has_the_shape_of_copied_text() -> None:
    content = extract_html(EMERALD.read_text("utf-8"))
    lines = content.text.split("\n")
    assert lines[:6] == [
        "Search results",
        "",
        "1 – 3 of 3",
        "",
        "Article",
        "Publication date: 15 June 2021",
    ]
    assert "Shared experience as a working tool" not in content.text  # the heading is left out
    assert "window.dataLayer" not in content.text and "font-weight" not in content.text
    assert "Type: Research Article\nISSN: 1755-6228" in content.text
    assert [link.line for link in content.links] == [6, 40, 65]


def test_cf_html_header_is_removed_using_its_offsets() -> None:
    fragment = PUBMED.read_text("utf-8")
    payload = _cf_html(fragment)
    assert strip_cf_html_header(payload).startswith("<html><body><!--StartFragment-->")
    assert HtmlReader().sniff(payload) >= 0.95
    result = parse_text(payload)
    assert result.format_name == "html"
    assert [r.pmid for r in result.references] == ["30841843", "33588812"]


def test_cf_html_with_wrong_offsets_falls_back_to_the_first_tag() -> None:
    payload = "Version:0.9\r\nStartHTML:99999\r\nEndHTML:5\r\n<p>Peer support</p>"
    assert strip_cf_html_header(payload) == "<p>Peer support</p>"


def test_pubmed_links_give_pmids_and_titles() -> None:
    content = extract_html(PUBMED.read_text("utf-8"))
    assert [(link.kind, link.pmid) for link in content.links] == [
        ("pubmed", "30841843"),
        ("pubmed", "33588812"),
    ]
    assert content.text.split("\n")[:4] == ["1", "Cite", "Share", content.links[0].title]


def test_links_alone_become_references_when_no_text_reader_matches() -> None:
    result = HtmlReader().read(PUBLISHER.read_text("utf-8"))
    assert [(r.title, r.doi) for r in result.references] == [
        ("Peer support in early intervention for psychosis", "10.1080/09638237.2099.0000001"),
        ("Training peer workers for inpatient wards", "10.1080/09638237.2099.0000002"),
    ]
    assert result.warnings
    assert all(e.warnings and e.confidence < 1.0 for e in result.entries)


def _entry(first: int, last: int, title: str = "") -> ParsedEntry:
    return ParsedEntry(Reference(title=title), raw_text="", first_line=first, last_line=last)


def test_equal_counts_pair_by_order() -> None:
    entries = (_entry(1, 5), _entry(6, 9))
    links = (
        ResultLink("pubmed", "A", pmid="1", line=2),
        ResultLink("pubmed", "B", pmid="2", line=7),
    )
    combined, notes = combine_links(entries, links)
    assert [(e.reference.title, e.reference.pmid) for e in combined] == [("A", "1"), ("B", "2")]
    assert notes == []


def test_unequal_counts_pair_by_position_and_never_guess() -> None:
    entries = (_entry(1, 5), _entry(6, 9), _entry(10, 14, title="Kept title"))
    links = (
        ResultLink("publisher", "A", doi="10.1/a", line=2),
        ResultLink("publisher", "B", doi="10.1/b", line=7),
        ResultLink("publisher", "C", doi="10.1/c", line=8),  # a second link in entry 2
        ResultLink("publisher", "D", doi="10.1/d", line=20),  # below every entry
    )
    combined, notes = combine_links(entries, links)
    assert [(e.reference.title, e.reference.doi) for e in combined] == [
        ("A", "10.1/a"),
        ("", ""),
        ("Kept title", ""),
    ]
    messages = " | ".join(n.message for n in notes)
    assert "3 entries but 4 result links" in messages
    assert "2 result links fall within one entry" in messages
    assert "'D' matches no entry" in messages


def test_a_conflicting_identifier_is_kept_and_reported() -> None:
    entry = ParsedEntry(Reference(doi="10.1108/own-1"), raw_text="", first_line=1, last_line=3)
    combined, _ = combine_links(
        (entry,), (ResultLink("publisher", "T", doi="10.1108/other-2", line=2),)
    )
    assert combined[0].reference.doi == "10.1108/own-1"
    assert combined[0].reference.title == "T"
    assert any("differs" in w.message for w in combined[0].warnings)


def test_richest_payload_prefers_the_html_with_titles() -> None:
    html = EMERALD.read_text("utf-8")
    plain = extract_html(html).text
    result = parse_richest_payload({"text/plain": plain, "text/html": html.encode("utf-8")})
    assert result.format_name == "html"
    assert all(r.title for r in result.references)


def test_richest_payload_takes_plain_text_when_html_gives_nothing() -> None:
    plain = (DATA.parent / "doi_list" / "dois.txt").read_text("utf-8")
    result = parse_richest_payload(
        {"text/plain;charset=utf-8": plain, "text/html": "<p>Nothing here</p>"}
    )
    assert result.format_name == "doi-list"


def test_richest_payload_with_nothing_usable_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        parse_richest_payload({"image/png": b"\x89PNG"})
    with pytest.raises(FormatError):
        parse_richest_payload({"text/plain": "hello", "text/html": "<b>hello</b>"})


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        ("<div><p>a</p><p>b</p><a href='/x'>c</a><span>d</span><li>e</li><li>f</li></div>", True),
        ("Peer support < recovery > stigma", False),
        ("TY  - JOUR\nTI  - <b>Bold</b> title\nER  - \n", False),
    ],
)
def test_sniff(text: str, high: bool) -> None:
    assert (HtmlReader().sniff(text) >= 0.5) is high


@pytest.mark.parametrize("text", ["<html></html>", "<script>alert(1)</script>", "<p>   </p>"])
def test_empty_pages_are_format_errors(text: str) -> None:
    with pytest.raises(FormatError):
        HtmlReader().read(text)


@splice_noise_fuzz
def test_random_and_mutated_input_raises_only_format_error(noise: str, at: int, cut: int) -> None:
    assert_noise_raises_only_format_error(HtmlReader(), EMERALD.read_text("utf-8"), noise, at, cut)


def test_malformed_link_addresses_are_ignored_not_fatal() -> None:
    markup = '<h2><a href="http://[x/insight/content/doi/10.1108/a-1/full/html">T</a></h2><p>x</p>'
    assert extract_html(markup).links == ()


@pytest.mark.parametrize("control", ["\x0c", "\x0b", "\x01", "\x00"], ids=repr)
@pytest.mark.parametrize("element", ["script", "style"])
def test_a_control_character_after_a_script_or_style_does_not_refuse_the_page(
    control: str, element: str
) -> None:
    """Issue 17 #11: lxml refused to keep such a tail ("All strings must be XML compatible")."""
    page = PUBLISHER.read_text("utf-8").replace(
        "</h5>", f"</h5><{element}>x</{element}>{control}tail", 1
    )
    result = HtmlReader().read(page)
    assert [r.doi for r in result.references] == [
        "10.1080/09638237.2099.0000001",
        "10.1080/09638237.2099.0000002",
    ]
