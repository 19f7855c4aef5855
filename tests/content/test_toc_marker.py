"""toc's marker walk skipped for a text without the marker renders what the full walk renders."""

from __future__ import annotations

import markdown as md_lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import TocTreeprocessor

from site_builder.content import markdown as markdown_module
from site_builder.content.markdown import TOC_MARKER, MarkdownRenderer, Rendered
from tests.fuzzing import body
from tests.helpers import assert_same_rendering


class AlwaysWalking(MarkdownRenderer):
    """The same configuration, with toc looking for its marker in every text (its own behaviour)."""

    def render(self, text: str, lang: str) -> Rendered:
        saved = markdown_module._look_for_toc_marker
        markdown_module._look_for_toc_marker = _always  # type: ignore[assignment]
        try:
            return super().render(text, lang)
        finally:
            markdown_module._look_for_toc_marker = saved


def _always(engine: md_lib.Markdown, text: str) -> None:
    toc = engine.treeprocessors["toc"]
    assert isinstance(toc, TocTreeprocessor)
    toc.marker = TOC_MARKER


OURS, WALKING = MarkdownRenderer(), AlwaysWalking()
CASES = [
    "# Title\n\n[TOC]\n\n## Part\n\ntext",
    "## A\n\n \t[TOC]  \n\n### B",
    "\\[TOC\\] and &#91;TOC] and [TO\nC]\n\n## A",
    "- [TOC]\n\n> [TOC]\n\n```\n[TOC]\n```\n\n## H",
    "<div markdown=\"1\">\n[TOC]\n</div>\n\n## H",
    "[TOC]: https://example.org\n\n[TOC]\n\n## H",
    "text [toc] [ TOC ] [TOC\\]\n\n## H",
    "## A\n\nplain text only",
]


def test_texts_with_and_without_the_marker_render_as_with_the_full_walk() -> None:
    for text in CASES:
        assert_same_rendering(OURS, WALKING, text)
    assert '<div class="toc">' in OURS.render(CASES[0], "en").html  # the marker still works


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body(), st.sampled_from(["", "\n\n[TOC]\n", "[TOC]", "\n\n## Heading\n\n[TOC]\n\n"]))
def test_generated_bodies_render_as_with_the_full_walk(text: str, marker: str) -> None:
    assert_same_rendering(OURS, WALKING, text + marker)

