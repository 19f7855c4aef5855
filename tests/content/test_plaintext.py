"""Plain text and first paragraph: the token path gives what html.parser gives, on any HTML."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.markdown import MarkdownRenderer
from site_builder.content.plaintext import _Parser, _Text, first_paragraph, html_to_text, tokens
from site_builder.content.read import parse_markdown_file
from tests.fuzzing import body
from tests.helpers import ROOT

RENDERER = MarkdownRenderer()


def via_parser(html: str, first: bool) -> str:
    rules = _Text(first_paragraph=first)
    parser = _Parser(rules)
    parser.feed(html)
    return " ".join("".join(rules.parts).split())


def assert_same(html: str) -> None:
    assert html_to_text(html) == via_parser(html, False), html
    assert first_paragraph(html) == via_parser(html, True), html


def test_footnote_markers_and_their_content_are_left_out() -> None:
    html = RENDERER.render("Intro *text*[^1] &amp; more.\n\nSecond.\n\n[^1]: The note.", "en").html
    assert tokens(html) is not None  # the sanitiser's shape: the fast path
    assert html_to_text(html) == "Intro text & more. Second."
    assert first_paragraph(html) == "Intro text & more."


def test_the_first_paragraph_with_text_is_the_summary() -> None:
    assert first_paragraph('<h2 id="a">Title</h2>\n<p><sup>1</sup></p>\n<p>Real &lt;one&gt;.</p><p>Not this.</p>') == "Real <one>."


def test_html_in_another_shape_takes_html_parser() -> None:
    cases = ["<P CLASS='footnote'>x</P><p>y</p>", "<p>a < b</p>", "<script>&amp;</script><p>z</p>",
             "<p>x</p>tail &amp", "<p>x</p>tail &amp;", "<br/><p>c<!-- d --></p>", "<p title=\"a>b\">e</p>", "&>"]
    for html in cases:
        assert_same(html)
    assert tokens("<p>a < b</p>") is None and tokens("<script>&amp;</script>") is None and tokens("<p>x</p>tail &amp") is None


def test_rendered_fixture_bodies_read_the_same_both_ways() -> None:
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
    fast = 0
    for path in files:
        try:
            text = parse_markdown_file(path, path.name).body
        except Exception:  # noqa: BLE001 - the error fixtures: their raw text is a Markdown body too
            continue
        html = RENDERER.render(text, "en").html
        fast += tokens(html) is not None
        assert_same(html)
    assert fast > 40


@settings(max_examples=300, deadline=None)
@given(body())
def test_rendered_generated_bodies_read_the_same_both_ways(text: str) -> None:
    assert_same(RENDERER.render(text, "en").html)


HTMLISH = st.lists(st.sampled_from(["<p>", "</p>", "<sup>", "</sup>", "<br>", "<li>", "</li>", '<a class="footnote-ref">',
                                    '<span class="x">', "</a>", "</span>", "<hr>", "text", " ", "&amp;", "&lt;", "&",
                                    "<", ">", "\n", "<td>", "</td>", "&nbsp;", "é", "<!-- c -->", "<B>"]), max_size=40)


@settings(max_examples=500, deadline=None)
@given(HTMLISH)
def test_generated_html_reads_the_same_both_ways(parts: list[str]) -> None:
    assert_same("".join(parts))
