"""The processor's document behaviour on small styles of our own.

What a word processor's document does to the registry (citations added and deleted,
items registered on their own) and what the writers make of the result.
"""

from __future__ import annotations

from typing import Any

from peerref.citations.output.writers import escape_html
from peerref.citations.processor import CitationRequest, CiteRequest, Processor
from peerref.citations.style.locale import LocaleCatalogue
from peerref.citations.style.parse import parse_style

LOCALES = LocaleCatalogue()

_STYLE = b"""
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><title>Case</title><id>case</id><updated>2024-01-01T00:00:00+00:00</updated></info>
<citation disambiguate-add-givenname="true">
  <layout prefix="(" suffix=")" delimiter="; ">
    <names variable="author"><name form="short"/></names>
  </layout>
</citation>
<bibliography><layout><names variable="author"><name/></names></layout></bibliography>
</style>"""

_ITEMS: list[dict[str, Any]] = [
    {"id": "james", "type": "book", "author": [{"family": "Smith", "given": "James"}]},
    {"id": "john", "type": "book", "author": [{"family": "Smith", "given": "John"}]},
]


def _processor() -> Processor:
    style = parse_style(_STYLE)
    return Processor(style, LOCALES.locale("en-US", style.locales), _ITEMS)


def _citation(*ids: str) -> CitationRequest:
    return CitationRequest(tuple(CiteRequest(item_id) for item_id in ids))


def test_an_item_no_longer_cited_leaves_the_bibliography_and_disambiguation() -> None:
    processor = _processor()
    both = processor.process([_citation("john"), _citation("james")])
    assert [processor.html(c) for c in both] == ["(John Smith)", "(James Smith)"]
    # The first citation is deleted: John Smith no longer clashes with anyone.
    (only,) = processor.process([_citation("james")])
    assert processor.html(only) == "(Smith)"
    assert [entry.item_id for entry in processor.bibliography()] == ["james"]


def test_an_item_registered_on_its_own_stays_when_uncited() -> None:
    processor = _processor()
    processor.register(["john"])
    (only,) = processor.process([_citation("james")])
    # The uncited item is in the bibliography, so the cite is told apart from it.
    assert processor.html(only) == "(James Smith)"
    assert [entry.item_id for entry in processor.bibliography()] == ["james", "john"]


def test_letterlike_superscripts_are_written_as_sup() -> None:
    assert escape_html("Brand™ ㆒") == "Brand<sup>TM</sup> <sup>一</sup>"


_SUBSTITUTE_STYLE = b"""
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><title>Case</title><id>case</id><updated>2024-01-01T00:00:00+00:00</updated></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography et-al-min="2" et-al-use-first="1" subsequent-author-substitute="---">
  <sort><key variable="issued"/></sort>
  <layout suffix=".">
    <names variable="author" suffix=". "><name/></names>
    <date variable="issued"><date-part name="year"/></date>
  </layout>
</bibliography>
</style>"""


def test_a_substitute_keeps_the_period_the_names_swallowed() -> None:
    authors = [{"family": "Doe", "given": "Ann"}, {"family": "Roe", "given": "Bo"}]
    items = [
        {"id": "a", "type": "book", "author": authors, "issued": {"date-parts": [[1990]]}},
        {"id": "b", "type": "book", "author": authors, "issued": {"date-parts": [[1991]]}},
    ]
    style = parse_style(_SUBSTITUTE_STYLE)
    processor = Processor(style, LOCALES.locale("en-US", style.locales), items)
    processor.register(["a", "b"])
    # "et al." takes the names' period; "---" does not, so the period comes back.
    assert [processor.html(entry.content) for entry in processor.bibliography()] == [
        "Ann Doe et al. 1990.",
        "---. 1991.",
    ]


def test_initials_keep_the_markup_of_the_given_name() -> None:
    from peerref.citations.eval.names import initialize

    def initials(given: str) -> str:
        return initialize(given, ". ", initialize_names=True, hyphen=True)

    assert initials("<i>Jean</i>-Paul") == "<i>J.</i>-P."
    assert initials("<b>J</b> Q") == "<b>J.</b> Q."
    # A name that is not initialized keeps its tags where they were.
    assert initialize("Jo<b>h</b>n", ". ", initialize_names=False, hyphen=True) == "Jo<b>h</b>n"
