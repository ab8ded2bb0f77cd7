"""The caching style engine renders exactly as citeproc-py does, and keeps its caches to itself.

Also the single-pass rendering's consequences a reader can see: name parts keep their
small caps, a period is not doubled after formatted text, year-suffix letters follow
the listed order, and citations for the user are not "subsequent" to the comparisons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import citeproc.model
import pytest
from citation_samples import ALL, PEER_ROLE, PEER_TRAINING
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

from peerref.citations import StyleCatalogue, render_bibliography, render_citation
from peerref.citations.engine import CachingStyleEngine
from peerref.citations.render import csl_input
from peerref.citations.styles import _work_around_engine_gaps
from peerref.core.model import Creator, PartialDate, Reference, ReferenceId, ReferenceType


def _render_with(engine: Any, formatter: Any) -> tuple[list[str], list[str]]:
    """Bibliography and one citation per item, rendered by citeproc-py's own front end."""
    items = [csl_input(reference, f"r{index}") for index, reference in enumerate(ALL)]
    bibliography = CitationStylesBibliography(engine, CiteProcJSON(items), formatter)
    for index in range(len(items)):
        bibliography.register(Citation([CitationItem(f"r{index}")]))
    bibliography.sort()
    entries = [str(entry) for entry in bibliography.bibliography()]
    citations = []
    for index in range(len(items)):
        citation = Citation([CitationItem(f"r{index}")])
        bibliography.register(citation)
        citations.append(str(bibliography.cite(citation, lambda item: None)))
    return entries, citations


@pytest.mark.parametrize("style_name", ["apa", "harvard", "vancouver", "chicago", "mla", "nature"])
def test_caching_engine_renders_exactly_as_citeproc(
    catalogue: StyleCatalogue, style_name: str
) -> None:
    path = catalogue.info(style_name).formatting_path
    ours = CachingStyleEngine(path, "en-US")
    theirs = CitationStylesStyle(str(path), locale="en-US", validate=False)
    for engine in (ours, theirs):
        _work_around_engine_gaps(engine)
    for formatter in (citeproc_formatter.html, citeproc_formatter.plain):
        # Twice: the second render is served from the caches.
        assert _render_with(ours, formatter) == _render_with(theirs, formatter)
        assert _render_with(ours, formatter) == _render_with(theirs, formatter)
    assert ours.lookups.size() > 0


def test_caches_belong_to_one_parsed_style(catalogue: StyleCatalogue) -> None:
    path = catalogue.info("apa").formatting_path
    first, second = CachingStyleEngine(path, "en-US"), CachingStyleEngine(path, "en-US")
    cached_by_second = second.lookups.size()  # the locale set-up's own queries
    _render_with(first, citeproc_formatter.plain)
    assert first.lookups.size() > cached_by_second
    assert second.lookups.size() == cached_by_second
    assert type(first.root) is not type(second.root)
    assert isinstance(first.root, citeproc.model.Style)
    # citeproc-py's own classes are untouched: a style it parses has no caches.
    theirs = CitationStylesStyle(str(path), locale="en-US", validate=False)
    assert type(theirs.root) is citeproc.model.Style
    assert "get_macro" not in vars(citeproc.model.Style)


def test_unreadable_style_is_a_value_error_as_in_citeproc(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        CachingStyleEngine(tmp_path / "missing.csl", "en-US")
    not_csl = tmp_path / "other.csl"
    not_csl.write_text("<style/>", encoding="utf-8")
    with pytest.raises(ValueError, match="not a CSL style"):
        CachingStyleEngine(not_csl, "en-US")


_TEST_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
       default-locale="en-US">
  <info>
    <title>PeerRef test style</title>
    <id>http://peerref.invalid/test-style</id>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <macro name="author">
    <names variable="author">
      <name name-as-sort-order="all" initialize-with="." delimiter=", ">
        <name-part name="family" font-variant="small-caps"/>
      </name>
    </names>
  </macro>
  <macro name="year">
    <group>
      <date variable="issued"><date-part name="year"/></date>
      <text variable="year-suffix"/>
    </group>
  </macro>
  <citation disambiguate-add-year-suffix="true">
    <layout prefix="(" suffix=")" delimiter="; ">
      <choose>
        <if position="subsequent"><text value="again"/></if>
        <else>
          <group delimiter=" "><text macro="author"/><text macro="year"/></group>
        </else>
      </choose>
    </layout>
  </citation>
  <bibliography>
    <sort><key macro="author"/><key variable="title"/>SORT_EXTRA</sort>
    <layout suffix=".">
      <group delimiter=". ">
        <text macro="author"/>
        <text macro="year"/>
        <text variable="title" font-style="italic"/>
      </group>
    </layout>
  </bibliography>
</style>
"""


def _test_style(tmp_path: Path, sort_extra: str = "") -> Path:
    path = tmp_path / "peerref-test.csl"
    path.write_text(_TEST_STYLE.replace("SORT_EXTRA", sort_extra), encoding="utf-8")
    return path


def _by_repper(number: int, title: str, kind: ReferenceType) -> Reference:
    return Reference(
        id=ReferenceId(number),
        type=kind,
        title=title,
        creators=(Creator("Repper", "Julie"),),
        issued=PartialDate(2012),
    )


def test_name_part_small_caps_and_single_period_after_italics(tmp_path: Path) -> None:
    style = StyleCatalogue().load(_test_style(tmp_path))
    reference = _by_repper(1, "Peer support, et al.", ReferenceType.ARTICLE_JOURNAL)
    entry = render_bibliography([reference], style).entries[0]
    assert entry.text == "Repper, J. 2012. Peer support, et al."
    assert entry.html == (
        '<span style="font-variant:small-caps;">Repper</span>, J. 2012. <i>Peer support, et al.</i>'
    )


def test_year_suffix_letters_follow_the_listed_order(tmp_path: Path) -> None:
    style = StyleCatalogue().load(_test_style(tmp_path))
    book = _by_repper(1, "Zebra care", ReferenceType.BOOK)
    article = _by_repper(2, "Another study", ReferenceType.ARTICLE_JOURNAL)
    result = render_bibliography([book, article], style)
    assert [entry.text for entry in result.entries] == [
        "Repper, J. 2012a. Another study.",
        "Repper, J. 2012b. Zebra care.",
    ]
    assert not style.sort_reads_year_suffix


def test_sort_reading_year_suffix_sorts_again(tmp_path: Path) -> None:
    style = StyleCatalogue().load(_test_style(tmp_path, '<key macro="year"/>'))
    assert style.sort_reads_year_suffix
    book = _by_repper(1, "Zebra care", ReferenceType.BOOK)
    article = _by_repper(2, "Another study", ReferenceType.ARTICLE_JOURNAL)
    result = render_bibliography([book, article], style)
    assert [entry.reference_id for entry in result.entries] == [2, 1]


def test_citation_is_first_although_equal_citations_were_compared(tmp_path: Path) -> None:
    style = StyleCatalogue().load(_test_style(tmp_path))
    book = _by_repper(1, "Zebra care", ReferenceType.BOOK)
    article = _by_repper(2, "Another study", ReferenceType.ARTICLE_JOURNAL)
    result = render_citation([book], style, context=[book, article])
    assert result.text == "(Repper, J. 2012b)"
    assert result.html == '(<span style="font-variant:small-caps;">Repper</span>, J. 2012b)'


def test_apa_citation_with_context_still_matches_the_bibliography(
    catalogue: StyleCatalogue,
) -> None:
    apa = catalogue.load("apa")
    listed = render_bibliography(ALL, apa).text
    cited = render_citation([PEER_TRAINING], apa, context=ALL).text
    assert cited == "(Repper & Watson, 2012a)"
    assert "Repper, J., & Watson, E. (2012a). Developing peer worker roles" in listed
    assert render_citation([PEER_ROLE], apa, context=ALL).text == "(Repper & Watson, 2012b)"
