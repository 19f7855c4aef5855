"""The passes that skip work without its trigger (inline patterns, block tests, raw HTML) render exactly what the stock ones render."""

from __future__ import annotations

from pathlib import Path

import markdown as md_lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import ParagraphProcessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import Registry

from site_builder.content.dialect import GitHubDialectExtension
from site_builder.content import blocks
from site_builder.content.blocks import TriggeredHtmlBlockPreprocessor
from site_builder.content.inline import TRIGGERS, TriggeredInlineProcessor, regex_digest
from site_builder.content.markdown import MarkdownRenderer
from site_builder.content.read import parse_markdown_file
from tests.fuzzing import body
from tests.helpers import ROOT, assert_same_rendering


class StockRenderer(MarkdownRenderer):
    """The same configuration with Python-Markdown's own inline pass, raw-HTML pass and block tests put back."""

    def _engine(self, lang: str) -> tuple[md_lib.Markdown, GitHubDialectExtension]:
        engine, dialect = super()._engine(lang)
        if isinstance(engine.treeprocessors["inline"], TriggeredInlineProcessor):
            engine.treeprocessors.register(InlineProcessor(engine), "inline", 20)
        html_block = engine.preprocessors["html_block"]
        if isinstance(html_block, TriggeredHtmlBlockPreprocessor):
            engine.preprocessors.register(html_block.inner, "html_block", 20)
        for processor in engine.parser.blockprocessors:
            processor.__dict__.pop("test", None)  # the class's own test again
        engine.__dict__.pop("is_block_level", None)
        return engine, dialect


OURS, STOCK = MarkdownRenderer(), StockRenderer()
CASES = [
    "Plain words only, nothing to find.",
    "A [link](https://example.org/a_b) and ![an image](/img/x.png) and [a ref][r].\n\n[r]: /x",
    "*em* **strong** _under_ __both__ ***all*** ~~struck~~ `code *not em*` and \\*escaped\\*",
    "Text with a footnote[^1].\n\n[^1]: The note, with *emphasis* and https://example.org.",
    "Mail me at someone@example.org, <other@example.org> or <https://example.org/?a=1&b=2>.",
    "See www.example.org and WWW.EXAMPLE.ORG and ftp://files.example.org/x.",
    "Line one  \nline two\\\nline three &amp; &#8212; &copy; & alone",
    "<b>bold</b> <H2> lone word <span class=\"x\">span</span> <<angled>> <Video call link>",
    "**bold [link *inside*](u) with `code` and ~~del~~** then _a_b_c_ snake_case_word",
    "[not closed *em* `tick and < and & and @ and :// everywhere",
    "AT&T & co &amp; &#169; &copy &#xZZ; x > y, \"quoted\", 5 > 3 & 2 != 1",
    "<div>\n\n*inside*\n\n</div>\n\nafter & &amp;",
    "Title\n=====\n\nSub\n---\n\n---\n\n * * *\n\n   > quoted\n    > code\n\n| a |\n|---|\n\n# H\n\ntext > not | quote",
    "- item with *em*\n- item with [link](x)\n\n> quote with `code` and www.x.org\n\n| a | *b* |\n|---|---|\n| `c` | d |",
]


def assert_same(text: str) -> None:
    assert_same_rendering(OURS, STOCK, text)


def test_every_inline_pattern_of_our_configuration_has_a_known_trigger() -> None:
    # a regex changed by an upgrade loses its trigger: still correct, but tried on every text again
    engine, _ = MarkdownRenderer()._engine("en")
    missing = [type(p).__name__ for p in engine.inlinePatterns if regex_digest(p) not in TRIGGERS]
    assert missing == []


def test_every_block_test_we_skip_is_in_our_configuration() -> None:
    # a test or regex changed by an upgrade loses its trigger: still correct, but asked of every block again
    engine, _ = MarkdownRenderer()._engine("en")
    triggered = sorted(type(p).__name__ for p in engine.parser.blockprocessors if blocks.processor_digest(p) in blocks.TRIGGERS)
    assert triggered == ["BlockQuoteProcessor", "HRProcessor", "SaneHeadersProcessor", "SetextHeaderProcessor", "TableProcessor"]


LINE_STARTS = ["", " ", "  ", "   ", "    ", "\t"]
LINE_TEXTS = [">", "> quote", "-", "- item", "_", "*", "=", "===", "---", "***", "___", "- - -", "* * *", "_ _ _", "#",
              "# Head", "## Head ##", "#tag", "|", "| a | b |", "|---|---|", "a | b", "--- | ---", "1. one", "text",
              "*em* and > and | and # inside", "<div>", "</div>", "&amp; &copy", "<https://x.org/a>", "[^1]: note", "[a]: /x"]


@st.composite
def block_lines(draw: st.DrawFn) -> str:
    """Lines that start (or nearly start) the way a heading, rule, quote, list or table does."""
    lines = draw(st.lists(st.tuples(st.sampled_from(LINE_STARTS), st.sampled_from(LINE_TEXTS)), min_size=1, max_size=12))
    breaks = draw(st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(lines), max_size=len(lines)))
    return "".join(start + text + end for (start, text), end in zip(lines, breaks))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block_lines())
def test_block_like_lines_render_as_with_the_stock_passes(text: str) -> None:
    assert_same(text)


def test_crafted_texts_render_as_with_the_stock_inline_pass() -> None:
    for text in CASES:
        assert_same(text)


def test_every_fixture_body_renders_as_with_the_stock_inline_pass() -> None:
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
    assert len(files) > 50
    for path in files:
        try:
            text = parse_markdown_file(path, path.name).body
        except Exception:  # noqa: BLE001 - the error fixtures: their raw text is a Markdown body too
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        assert_same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body())
def test_generated_bodies_render_as_with_the_stock_inline_pass(text: str) -> None:
    assert_same(text)


def test_block_level_answers_follow_a_name_added_later() -> None:
    engine, _ = MarkdownRenderer()._engine("en")
    assert engine.is_block_level("DIV") and engine.is_block_level("p/") and not engine.is_block_level("made-up")
    assert not engine.is_block_level(None)
    engine.block_level_elements.append("made-up")
    try:
        assert engine.is_block_level("made-up")
    finally:
        engine.block_level_elements.remove("made-up")
    assert not engine.is_block_level("made-up")


def test_the_block_processors_keep_their_order_through_changes() -> None:
    engine, _ = MarkdownRenderer()._engine("en")
    registry = engine.parser.blockprocessors
    before = list(registry)
    extra = ParagraphProcessor(engine.parser)
    registry.register(extra, "extra", 1000)
    assert list(registry) == [extra, *before]
    registry.deregister("extra")
    assert list(registry) == before and list(registry) == list(Registry.__iter__(registry))
