"""``peerref-cli csl``: CSL-JSON formatted directly, the output form other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Cli

REPPER_WATSON = [{"family": "Repper", "given": "Julie"}, {"family": "Watson", "given": "Emma"}]
ITEMS = [
    {
        "id": "role",
        "type": "article-journal",
        "title": "Peer support workers in mental health services: introducing the role",
        "author": REPPER_WATSON,
        "issued": {"date-parts": [[2012]]},
        "container-title": "The Journal of Mental Health Training, Education and Practice",
        "volume": "7",
        "issue": "2",
        "page": "70-78",
    },
    {
        "id": "training",
        "type": "article-journal",
        "title": "Developing peer worker roles: training and supervision",
        "author": REPPER_WATSON,
        "issued": {"date-parts": [[2012]]},
        "container-title": "The Journal of Mental Health Training, Education and Practice",
        "volume": "7",
        "issue": "2",
        "page": "79-88",
    },
    {
        "id": "who",
        "type": "report",
        "title": "Guidance on community mental health services",
        "author": [{"literal": "World Health Organization"}],
        "issued": {"date-parts": [[2021]]},
        "publisher": "World Health Organization",
        "publisher-place": "Geneva",
    },
]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    # No library is opened by this command; the path only proves it is not created.
    return Cli(tmp_path / "unused" / "library.sqlite")


@pytest.fixture
def references(tmp_path: Path) -> Path:
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, value: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_each_reference_cited_on_its_own_then_a_blank_line_then_the_bibliography(
    cli: Cli, references: Path
) -> None:
    code, out, err = cli("csl", str(references), "--style", "apa", "--format", "text")
    assert code == 0, err
    citations, bibliography = out.split("\n\n")
    assert citations.splitlines() == [
        "(Repper & Watson, 2012b)",
        "(Repper & Watson, 2012a)",
        "(World Health Organization, 2021)",
    ]
    assert bibliography.splitlines() == [
        "Repper, J., & Watson, E. (2012a). Developing peer worker roles: training and "
        "supervision. The Journal of Mental Health Training, Education and Practice, 7(2), "
        "79–88.",
        "Repper, J., & Watson, E. (2012b). Peer support workers in mental health services: "
        "introducing the role. The Journal of Mental Health Training, Education and "
        "Practice, 7(2), 70–78.",
        "World Health Organization. (2021). Guidance on community mental health services. "
        "World Health Organization.",
    ]
    assert not (cli.library.parent).exists()


def test_citations_file_and_json_output(cli: Cli, references: Path, tmp_path: Path) -> None:
    citations = write(
        tmp_path,
        "cites.json",
        [
            [{"id": "role"}, {"id": "training", "locator": "80", "label": "page"}],
            [{"id": "who", "prefix": "see ", "suffix": ", for example"}],
        ],
    )
    code, out, err = cli(
        "csl", str(references), "--style", "apa", "--citations", str(citations), "--json"
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["citations"] == [
        "(Repper &#38; Watson, 2012b, 2012a, p. 80)",
        "(see World Health Organization, 2021, for example)",
    ]
    assert len(document["bibliography"]) == 3
    assert document["bibliography"][0].startswith("Repper, J., &#38; Watson, E. (2012a).")


def test_numeric_style_collapses_and_numbers_by_first_citation(
    cli: Cli, references: Path, tmp_path: Path
) -> None:
    citations = write(tmp_path, "cites.json", [["who"], ["role", "training", "who"]])
    code, out, err = cli(
        "csl",
        str(references),
        "--style",
        "ieee",
        "--citations",
        str(citations),
        "--format",
        "text",
        "--json",
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["citations"] == ["[1]", "[1], [2], [3]"]
    assert document["bibliography"][0].startswith("[1] World Health Organization")


def test_rtf_output_is_rtf(cli: Cli, references: Path) -> None:
    code, out, err = cli("csl", str(references), "--style", "apa", "--format", "rtf", "--json")
    assert code == 0, err
    entry = json.loads(out)["bibliography"][0]
    assert r"{\i The Journal of Mental Health Training, Education and Practice}" in entry


def test_locale_option_localizes_terms(cli: Cli, references: Path) -> None:
    code, out, err = cli(
        "csl",
        str(references),
        "--style",
        "chicago-author-date",
        "--locale",
        "de-DE",
        "--format",
        "text",
    )
    assert code == 0, err
    assert "(Repper und Watson 2012b)" in out.splitlines()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "is not valid JSON"),
        ('{"title": "x"}', "must be a JSON list"),
        ('[{"title": "no id"}]', "reference 1 has no id"),
    ],
)
def test_bad_references_are_one_line_and_exit_1(
    cli: Cli, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli("csl", str(path), "--style", "apa")
    assert code == 1
    assert out == ""
    assert message in err and err.count("\n") == 1


def test_bad_style_and_bad_citations_are_one_line_and_exit_1(
    cli: Cli, references: Path, tmp_path: Path
) -> None:
    code, _out, err = cli("csl", str(references), "--style", "no-such-style-at-all")
    assert code == 1 and err.count("\n") == 1 and "No citation style" in err
    broken = tmp_path / "broken.csl"
    broken.write_text("<style><broken", encoding="utf-8")
    code, _out, err = cli("csl", str(references), "--style", str(broken))
    assert code == 1 and err.count("\n") == 1
    citations = write(tmp_path, "cites.json", [[{"id": "nobody"}]])
    code, _out, err = cli("csl", str(references), "--style", "apa", "--citations", str(citations))
    assert code == 1 and "citation 1, cite 1" in err and err.count("\n") == 1
