"""What the structured readers' tests share (PubMed XML, MODS, Crossref XML, DataCite JSON,
OpenAlex JSON): fixtures of the formats they must not take, fuzzing, and the CLI.

Each of the five test modules holds its format's own tests; these helpers keep the
common contracts in one place: a real RIS, BibTeX, CSL-JSON or EndNote XML file (and the
other structured formats) is not taken, random and mutated input raises nothing but
``FormatError``, and ``peerref-cli parse`` names the format it detected. Test modules
import it by name, as they do ``formats_golden``.
"""

from __future__ import annotations

import io
from pathlib import Path

from formats_golden import FORMATS_DATA, read_or_none
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from peerref.cli import main
from peerref.formats.base import ParseResult, Reader
from peerref.formats.registry import MIN_SNIFF_SCORE

# One file of each format a structured reader must leave to its own reader.
OTHER_FORMATS = {
    "ris": FORMATS_DATA / "ris" / "repeated_tags.ris",
    "bibtex": FORMATS_DATA / "bibtex" / "hand_written.bib",
    "csl-json": FORMATS_DATA / "csl_json" / "zotero_export.json",
    "endnote-xml": FORMATS_DATA / "endnote_xml" / "endnote_export.xml",
    "medline": next((FORMATS_DATA / "medline").glob("*.nbib")),
    "pubmed-xml": FORMATS_DATA / "pubmed_xml" / "efetch_articles.xml",
    "mods": FORMATS_DATA / "mods" / "repository_records.xml",
    "crossref-xml": FORMATS_DATA / "crossref_xml" / "journal_article.xml",
    "datacite-json": FORMATS_DATA / "datacite_json" / "zenodo_dataset.json",
    "openalex-json": FORMATS_DATA / "openalex_json" / "single_work.json",
}

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Pieces of markup the readers treat specially, so random text reaches their branches.
XML_TOKENS = [
    *"<>/=\"' \n\t&;:-.0123456789abcXYZ",
    *["<PubmedArticleSet>", "<PubmedArticle>", "<MedlineCitation>", "<Article>", "<PMID>1",
      "<AuthorList>", "<Author>", "<LastName>", "<mods>", "<titleInfo>", "<title>", "<name>",
      "<relatedItem type=\"host\">", "<doi_records>", "<doi_record>", "<crossref>", "<journal>",
      "<journal_article>", "<publication_date>", "<year>2020", "</", "<!DOCTYPE x [", "&amp;",
      "<![CDATA[", "<?xml version=\"1.0\"?>", "<!ENTITY e \"v\">", "&e;", "<jats:p>"],
]  # fmt: skip
JSON_TOKENS = [
    *"{}[]:,\" \n0123456789.-truefalsnl",
    *['"id"', '"https://openalex.org/W1"', '"types"', '"resourceTypeGeneral"', '"titles"',
      '"title"', '"creators"', '"name"', '"authorships"', '"author"', '"display_name"',
      '"biblio"', '"results"', '"data"', '"attributes"', '"dates"', '"abstract_inverted_index"',
      '"primary_location"', '"source"', '"relatedItems"', '"container"', "1e999", "null"],
]  # fmt: skip
RANDOM_XML = st.lists(st.sampled_from(XML_TOKENS), max_size=300).map("".join) | st.text(
    max_size=400
)
RANDOM_JSON = st.lists(st.sampled_from(JSON_TOKENS), max_size=300).map("".join) | st.text(
    max_size=400
)


def fixture_paths(folder: str, suffix: str) -> list[Path]:
    """A format's input fixtures (not the golden JSON beside them)."""
    return sorted(
        p
        for p in (FORMATS_DATA / folder).glob(f"*{suffix}")
        if not p.name.endswith(".expected.json")
    )


def assert_other_formats_not_taken(reader: Reader) -> None:
    """Every other format's fixture sniffs below what counts as recognising it."""
    for name, path in OTHER_FORMATS.items():
        if name == reader.name:
            continue
        score = reader.sniff(path.read_text("utf-8"))
        assert score < MIN_SNIFF_SCORE, f"{reader.name} takes {name} ({path.name}): {score}"


def check_reads_or_refuses(reader: Reader, text: str) -> None:
    """``reader`` reads ``text`` or raises ``FormatError``; what it reads is well formed."""
    assert 0.0 <= reader.sniff(text) <= 1.0
    result = read_or_none(reader, text)
    if result is None:
        return
    assert isinstance(result, ParseResult)
    assert result.entries
    lines = max(1, len(text.splitlines()))
    for entry in result.entries:
        assert 1 <= entry.first_line <= entry.last_line <= lines


def mutate(text: str, data: st.DataObject, noise: st.SearchStrategy[str]) -> str:
    """``text`` with a few lines dropped, repeated, swapped, cut short or replaced by noise."""
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        if not lines:
            break
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "swap", "cut", "insert"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = data.draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "cut":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))]
        else:
            lines.insert(index, data.draw(noise))
    return "\n".join(lines)


def cli_parse(path: Path, library: Path) -> tuple[int, str, str]:
    """``peerref-cli parse PATH``: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--library", str(library), "parse", str(path)],
        stdout=out,
        stderr=err,
        stdin=io.StringIO(""),
    )
    return code, out.getvalue(), err.getvalue()
