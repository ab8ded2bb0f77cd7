"""The style catalogue: favourites, lookup by every kind of name, search, cache, user files."""

from __future__ import annotations

from pathlib import Path

import pytest
from citation_samples import PEER_ROLE

from peerref.citations import FAVOURITES, StyleCatalogue, render_bibliography, render_citation
from peerref.core.errors import CitationError

# A small independent style of our own, enough to prove user files are used as given.
OWN_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Ward Team House Style</title>
    <id>http://example.org/styles/ward-team</id>
    <category citation-format="author-date"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <citation>
    <layout prefix="[" suffix="]" delimiter="; ">
      <names variable="author"><name form="short" and="symbol"/></names>
      <date variable="issued" prefix=" "><date-part name="year"/></date>
    </layout>
  </citation>
  <bibliography>
    <layout suffix=".">
      <group delimiter=" / ">
        <names variable="author"><name name-as-sort-order="all" initialize-with="."/></names>
        <text variable="title" text-case="uppercase"/>
      </group>
    </layout>
  </bibliography>
</style>
"""

DEPENDENT_ON_APA = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-GB">
  <info>
    <title>Journal of Ward Practice</title>
    <id>http://example.org/styles/journal-of-ward-practice</id>
    <link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


def test_favourites_have_stable_short_names_and_titles(catalogue: StyleCatalogue) -> None:
    favourites = catalogue.favourites()
    assert [s.short_name for s in favourites] == [
        "apa",
        "harvard",
        "vancouver",
        "chicago",
        "mla",
        "ama",
        "ieee",
        "nature",
    ]
    assert [s.id for s in favourites] == [style_id for _, style_id in FAVOURITES]
    titles = {s.short_name: s.title for s in favourites}
    assert titles["apa"] == "APA Style 7th edition"
    assert "Harvard" in titles["harvard"] and "Cite Them Right" in titles["harvard"]
    assert "Vancouver" in titles["vancouver"]
    assert "MLA Handbook 9th edition" in titles["mla"]


def test_default_is_apa_7(catalogue: StyleCatalogue) -> None:
    assert catalogue.info().title == "APA Style 7th edition"
    assert catalogue.load().info.id == "apa"


def test_lookup_by_short_name_id_and_renamed_id(catalogue: StyleCatalogue) -> None:
    assert catalogue.info("Harvard").id == "harvard-cite-them-right"
    assert catalogue.info("chicago-author-date").short_name == "chicago"
    # Renamed in the CSL repository; old names keep working.
    assert catalogue.info("vancouver-brackets").id == "nlm-citation-sequence-brackets"


def test_dependent_style_resolves_to_its_parent(catalogue: StyleCatalogue) -> None:
    info = catalogue.info("vancouver-nlm")
    assert info.is_dependent
    assert info.parent_id == "nlm-citation-sequence"
    assert info.formatting_path.name == "nlm-citation-sequence.csl"
    text = render_bibliography([PEER_ROLE], catalogue.load(info)).text
    assert text.startswith("1. Repper J, Watson E. Peer support workers")


def test_unknown_style_is_a_clear_error(catalogue: StyleCatalogue) -> None:
    with pytest.raises(CitationError, match="No citation style called"):
        catalogue.info("no-such-style-anywhere")


def test_parsed_styles_are_cached(catalogue: StyleCatalogue) -> None:
    assert catalogue.load("apa") is catalogue.load("APA")
    # Two dependents of one parent share the parsed style, not the StyleInfo.
    first, second = catalogue.load("vancouver-nlm"), catalogue.load("vancouver")
    assert first.style is second.style
    assert first.info != second.info


def test_search_all_styles_by_title(catalogue: StyleCatalogue) -> None:
    assert len(catalogue) > 8000
    found = catalogue.search("aging mental health")
    assert "aging-and-mental-health" in [s.id for s in found]
    vancouver = catalogue.search("vancouver")
    assert vancouver[0].short_name == "vancouver"  # favourites first
    assert all("vancouver" in f"{s.title} {s.id}".casefold() for s in vancouver)
    assert catalogue.search("zzzz-nothing-matches") == ()


def test_users_own_csl_file(catalogue: StyleCatalogue, tmp_path: Path) -> None:
    path = tmp_path / "ward-team.csl"
    path.write_text(OWN_STYLE, encoding="utf-8")
    style = catalogue.load(path)
    assert style.info.user_file and style.info.title == "Ward Team House Style"
    assert render_citation([PEER_ROLE], style).text == "[Repper & Watson 2012]"
    assert render_bibliography([PEER_ROLE], style).text == (
        "Repper, J., Watson, E. / PEER SUPPORT WORKERS IN MENTAL HEALTH SERVICES: "
        "INTRODUCING THE ROLE."
    )
    assert catalogue.load(str(path)) is style


def test_users_dependent_file_uses_shipped_parent(
    catalogue: StyleCatalogue, tmp_path: Path
) -> None:
    path = tmp_path / "journal-of-ward-practice.csl"
    path.write_text(DEPENDENT_ON_APA, encoding="utf-8")
    style = catalogue.load(path)
    assert style.info.parent_id == "apa" and style.locale.lang == "en-GB"
    assert render_citation([PEER_ROLE], style).text == "(Repper & Watson, 2012)"


@pytest.mark.parametrize(
    "content",
    ["<style><broken", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'],
)
def test_files_that_are_not_styles_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "not-a-style.csl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CitationError):
        StyleCatalogue().load(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CitationError, match="not found"):
        StyleCatalogue().info(tmp_path / "absent.csl")
