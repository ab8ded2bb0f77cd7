"""Our citeproc-py formatter: formatted runs as a tree, written out as HTML and plain text."""

from __future__ import annotations

from citeproc.string import MixedString, NoCase, String

from peerref.citations import markup


def test_styled_run_is_its_plain_text_and_writes_tags_only_in_html() -> None:
    run = markup.Italic(MixedString([String("Journal of "), markup.SmallCaps("Care")]))
    assert str(run) == "Journal of Care"
    assert markup.to_plain(run) == "Journal of Care"
    assert markup.to_html(run) == (
        '<i>Journal of <span style="font-variant:small-caps;">Care</span></i>'
    )


def test_concatenation_keeps_runs_apart() -> None:
    text = "(" + markup.Bold("7") + String(", ") + markup.Superscript("2") + ")"
    assert markup.to_plain(text) == "(7, 2)"
    assert markup.to_html(text) == "(<b>7</b>, <sup>2</sup>)"


def test_case_changes_keep_nested_formatting_and_no_case_parts() -> None:
    run = markup.Italic(MixedString([String("journal of "), markup.Bold("care"), NoCase(" iPod")]))
    assert markup.to_html(run.upper()) == "<i>JOURNAL OF <b>CARE</b> IPOD</i>"
    assert markup.to_html(run.soft_upper()) == "<i>JOURNAL OF <b>CARE</b> iPod</i>"
    assert markup.to_html(run.capitalize_first()) == "<i>Journal of <b>care</b> iPod</i>"
    assert markup.to_html(run.replace("o", "0")) == "<i>j0urnal 0f <b>care</b> iP0d</i>"
    assert [markup.to_html(word) for word in run.words()] == [
        "<i>journal</i>",
        "<i>of</i>",
        "<i><b>care</b></i>",
        "<i>iPod</i>",
    ]


def test_rstrip_strips_the_last_part_only() -> None:
    run = markup.Italic(MixedString([String("a "), String("b  ")]))
    assert markup.to_html(run.rstrip()) == "<i>a b</i>"


def test_data_characters_and_style_characters_are_escaped_differently() -> None:
    data = markup.protect_data("Johnson & Johnson <Research>")
    assert "&" not in data and "<" not in data
    text = String(data) + String(" & ") + markup.Italic("R&D")
    assert markup.to_plain(text) == "Johnson & Johnson <Research> & R&D"
    assert markup.to_html(text) == ("Johnson &#38; Johnson &#60;Research&#62; &amp; <i>R&amp;D</i>")


def test_character_references_written_by_a_style_stay_html() -> None:
    assert markup.to_html(String(",&#160;7")) == ",&#160;7"
    assert markup.to_html(String("a &amp; b")) == "a &amp; b"
    assert markup.to_html(String("<url>")) == "&lt;url&gt;"


def test_inline_markup_survives_str_join_like_name_parts() -> None:
    family = markup.inline_markup(markup.SmallCaps("Repper"))
    name = ", ".join([family, "J."])  # what citeproc-py does with a name's parts
    assert markup.to_plain(name) == "Repper, J."
    assert markup.to_html(markup.Bold(name)) == (
        '<b><span style="font-variant:small-caps;">Repper</span>, J.</b>'
    )
    unformatted = String("Watson")
    assert markup.inline_markup(unformatted) is unformatted


def test_preformat_leaves_style_text_as_it_is() -> None:
    assert markup.preformat("&") == "&"
