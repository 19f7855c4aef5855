"""Markdown as people write it for GitHub: one case per construct, the rendered HTML parsed and asserted."""

from __future__ import annotations

import functools

import markdown as md_lib
import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, given, settings

from site_builder.content.dialect import GitHubDialectExtension
from site_builder.content.markdown import MARKDOWN_CONFIG, MarkdownRenderer, Rendered
from site_builder.content.sanitise import sanitise
from site_builder.content.typography import SmartQuotesExtension, smarty_rules
from tests.fuzzing import body

RENDERER = MarkdownRenderer()


def render(text: str, lang: str = "en") -> Rendered:
    return RENDERER.render(text, lang)


def soup(text: str, lang: str = "en") -> BeautifulSoup:
    return BeautifulSoup(render(text, lang).html, "html.parser")


def codes(text: str) -> list[str]:
    return [note.code for note in render(text).notes]


def items(list_tag: Tag) -> list[str]:
    """The own text of each item of a list (nested lists left out)."""
    return [" ".join(t.strip() for t in li.find_all(string=True, recursive=False) if t.strip())
            or li.find("p").get_text(strip=True) for li in list_tag.find_all("li", recursive=False)]


# --- fenced code ----------------------------------------------------------------------------------

def test_fenced_code_keeps_its_lines_language_and_straight_quotes() -> None:
    page = soup('Before.\n\n```python\n# not a heading\nx = "q" -- \'y\'\n\n\n*not emphasis*\n```\n\nAfter "this".')
    code = page.find("pre").find("code")
    assert code["class"] == ["language-python"]
    assert code.get_text() == '# not a heading\nx = "q" -- \'y\'\n\n\n*not emphasis*'
    assert page.find(["h1", "h2", "h3"]) is None and page.find("em") is None
    assert [p.get_text() for p in page.find_all("p")] == ["Before.", "After “this”."]


def test_tilde_fences_and_fences_inside_list_items() -> None:
    page = soup("~~~\nplain\n~~~\n\n- item\n\n  ```\n  code in item\n  ```\n- next")
    assert page.find("pre").get_text() == "plain"
    first, second = page.find("ul").find_all("li", recursive=False)
    assert first.find("code").get_text() == "code in item"
    assert second.get_text(strip=True) == "next"


def test_inline_code_is_never_curled() -> None:
    assert soup('Run `say "hi" -- now` please.').find("code").get_text() == 'say "hi" -- now'


# --- lists ------------------------------------------------------------------------------------------

def test_a_list_right_after_a_line_of_text_is_a_list() -> None:
    page = soup("Three things:\n- one\n- two\n- three")
    assert page.find("p").get_text() == "Three things:"
    assert items(page.find("ul")) == ["one", "two", "three"]


def test_an_ordered_list_after_text_starts_only_at_1_as_in_commonmark() -> None:
    assert items(soup("Steps:\n1. first\n2. second").find("ol")) == ["first", "second"]
    page = soup("In the year\n2014. things happened")
    assert page.find("ol") is None and "2014. things happened" in page.get_text()


@pytest.mark.parametrize("indent", [2, 4])
def test_nested_lists_with_two_or_four_spaces(indent: int) -> None:
    pad = " " * indent
    page = soup(f"- a\n{pad}- a1\n{pad}- a2\n{pad}{pad}- a2x\n- b")
    outer = page.find("ul")
    assert items(outer) == ["a", "b"]
    inner = outer.find("li").find("ul")
    assert items(inner) == ["a1", "a2"]
    assert items(inner.find_all("li", recursive=False)[1].find("ul")) == ["a2x"]


def test_ordered_list_nested_under_its_text_column() -> None:
    page = soup("1. one\n   - sub\n2. two")
    assert items(page.find("ol")) == ["one", "two"]
    assert items(page.find("ol").find("ul")) == ["sub"]


def test_lists_inside_quotes_follow_the_same_rules() -> None:
    quote = soup("> Points:\n> - a\n>   - a1\n> - b\n>\n> > inner:\n> > - c").find("blockquote")
    assert quote.find("p").get_text() == "Points:" and items(quote.find("ul")) == ["a", "b"]
    assert items(quote.find("ul").find("ul")) == ["a1"]
    assert items(quote.find("blockquote").find("ul")) == ["c"]


def test_a_table_right_after_a_line_of_text_is_a_table() -> None:
    page = soup("Results:\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\nNot a table | only a pipe\nand text.")
    assert page.find("p").get_text() == "Results:"
    assert [td.get_text() for td in page.find("table").find_all(["th", "td"])] == ["a", "b", "1", "2"]
    assert page.find_all("p")[1].get_text() == "Not a table | only a pipe\nand text."


def test_indented_code_and_rules_are_not_lists() -> None:
    page = soup("Text.\n\n    code line\n    - not an item\n\n* * *\n\n- real")
    assert page.find("pre").get_text() == "code line\n- not an item"
    assert page.find("hr") is not None and items(page.find("ul")) == ["real"]


# --- escapes, strikethrough, links, headings ------------------------------------------------------------

def test_backslash_escapes_any_punctuation() -> None:
    page = soup(r"It cost \$6.2 million, see \<Video call link\> and [the form](https://e.org/start\_page.do) \*not em\*.")
    assert page.get_text() == "It cost $6.2 million, see <Video call link> and the form *not em*."
    assert page.find("a")["href"] == "https://e.org/start_page.do"


def test_strikethrough_bare_links_and_hashtags() -> None:
    page = soup("~~old~~ see https://example.org/a_b and www.example.org\n\n#hashtag\n\n# Heading")
    assert page.find("del").get_text() == "old"
    assert [a["href"] for a in page.find_all("a")] == ["https://example.org/a_b", "http://www.example.org"]
    assert page.find("p", string="#hashtag") is not None and page.find("h2").get_text() == "Heading"


@pytest.mark.parametrize("text, levels", [
    ("### Starts low\n\n#### Below", ["h2", "h3"]),
    ("# Top\n\n## Second", ["h2", "h3"]),
    ("## Two\n\n#### Four (skips three)", ["h2", "h3"]),
    ('<H1 id="x">Shouting</H1>\n\n## Then two', ["h2", "h3"]),
])
def test_headings_start_under_the_page_title_whatever_their_case(text: str, levels: list[str]) -> None:
    assert [h.name for h in soup(text).find_all(["h1", "h2", "h3", "h4", "h5", "h6"])] == levels


# --- HTML in Markdown ------------------------------------------------------------------------------

def test_markdown_inside_an_html_block_after_a_blank_line() -> None:
    page = soup('<div class="note">\n\n**Bold** and a [link](https://e.org/).\n\n</div>')
    note = page.find("div", class_="note")
    assert note.find("p").find("strong").get_text() == "Bold" and note.find("a")["href"] == "https://e.org/"


def test_html_block_without_blank_lines_stays_html() -> None:
    note = soup('<div class="note">\n<b>kept</b> as *written*\n</div>').find("div", class_="note")
    assert note.find("b").get_text() == "kept" and note.find("em") is None and "*written*" in note.get_text()


def test_html_like_words_in_prose_show_as_written() -> None:
    rendered = render("Use headings like <H1> and <H2> in the <Video call link> text.")
    page = BeautifulSoup(rendered.html, "html.parser")
    assert page.find("p").get_text() == "Use headings like <H1> and <H2> in the <Video call link> text."
    assert page.find(["h1", "h2"]) is None
    assert [n.code for n in rendered.notes] == ["html-as-text", "html-as-text"]  # <Video ...> is no element


def test_paired_tags_are_markup_and_removed_ones_are_reported() -> None:
    rendered = render('Some <font color="red">red</font> and <span style="color: red">styled</span> words.')
    page = BeautifulSoup(rendered.html, "html.parser")
    assert page.get_text() == "Some red and styled words." and page.find("font") is None
    assert page.find("span").get("style") is None
    assert [(n.code, n.needle) for n in rendered.notes] == [("html-removed", "<font"), ("html-removed", "style=")]


def test_markdown_generated_markup_is_never_reported() -> None:
    assert codes('# T\n\nText[^1] with a | table |\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n[^1]: Note "x".') == []


# --- embeds and images --------------------------------------------------------------------------------

def test_an_iframe_becomes_a_link_to_the_video() -> None:
    rendered = render('Watch:\n\n<iframe width="560" src="https://www.youtube.com/embed/abc123" title="Launch"'
                      ' allowfullscreen></iframe>\n\nAfter.', "fr")
    page = BeautifulSoup(rendered.html, "html.parser")
    assert page.find("iframe") is None
    link = page.find("a")
    assert (link["href"], link.get_text()) == ("https://www.youtube.com/watch?v=abc123", "Vidéo: Launch")
    assert link.parent.name == "p" and [n.code for n in rendered.notes] == ["embed-removed"]


def test_a_video_tag_with_a_source_element_becomes_a_link() -> None:
    page = soup('<video controls>\n<source src="https://cdn.example.org/clip.mp4" type="video/mp4">\n</video>')
    assert page.find("video") is None and page.find("a")["href"] == "https://cdn.example.org/clip.mp4"
    assert page.find("a").get_text() == "Video: cdn.example.org"


def test_an_external_image_becomes_a_link_and_a_local_one_stays() -> None:
    rendered = render("![The team](https://example.org/team.jpg) and ![dot](/img/dot.png)")
    page = BeautifulSoup(rendered.html, "html.parser")
    assert page.find("a")["href"] == "https://example.org/team.jpg" and page.find("a").get_text() == "Image: The team"
    assert [img["src"] for img in page.find_all("img")] == ["/img/dot.png"]
    assert [n.code for n in rendered.notes] == ["external-image"]


# --- typographic quotes: smarty's output, at a fraction of its cost -------------------------------------

TRICKY = [
    "\"'Quoted' words\" and '\"q\"' 'the '80s' -- --- ... it's 5' 6\" a--b",
    "'Hi' said \"*x*\" and '*y*', \"[link](https://e.org/)\" and '**bold**'.",
    "\"Start", "'s", "Her \"quote\".", "# \"Head\" -- x\n\n'tis", "<b>\"x\"</b> 'y'<i>'</i>", "a &mdash; \"b\" &amp; 'c'",
    "\\\"escaped\\\" and \\'single\\'", "- \"item\" one\n- 'item' two", "> \"quoted\" -- 'text'", "<<angled>> and >>",
    "| \"a\" | 'b' |\n|---|---|\n| x--y | ... |", "Footnote[^1].\n\n[^1]: \"Note\" 'here'.", "«already» “curly”",
]


@functools.cache
def _smart_quote_engines() -> tuple[md_lib.Markdown, md_lib.Markdown]:
    """Our configuration with our quotes, and the same with Python-Markdown's smarty instead."""
    names = [name for name, _ in MARKDOWN_CONFIG if not name.startswith("site_builder.")]
    ours = md_lib.Markdown(extensions=[*names, GitHubDialectExtension(), SmartQuotesExtension()], output_format="html",
                           extension_configs={"pymdownx.highlight": {"use_pygments": False}})
    theirs = md_lib.Markdown(extensions=[*names, "smarty", GitHubDialectExtension()], output_format="html",
                             extension_configs={"smarty": {"smart_angled_quotes": True},
                                                "pymdownx.highlight": {"use_pygments": False}})
    return ours, theirs


def test_smart_quotes_match_python_markdowns_smarty() -> None:
    """Same configuration but for smarty: sanitised output identical on every tricky case."""
    ours, theirs = _smart_quote_engines()
    for text in TRICKY:
        ours.reset()
        theirs.reset()
        assert sanitise(ours.convert(text)) == sanitise(theirs.convert(text)), text


def test_every_smarty_rule_is_skipped_only_by_what_its_matches_hold() -> None:
    # a rule changed by an upgrade loses its entry: still correct, but searched for in every text again
    rules = smarty_rules(True)
    assert len(rules) == 20 and all(needs for _, _, needs in rules)
    texts = TRICKY + ["x'80s", "a--b", "x---y", "a...b", "w'\"x", "w\"'x", "'\"x", "\"'x", "<<a>>", "'..", "\"!!"]
    for regex, _, needs in rules:  # what each rule matches holds it (texts made to match every rule)
        matches = [found.group(0) for text in texts for found in regex.finditer(text)]
        assert matches and all(needs in match for match in matches), regex.pattern


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body())
def test_generated_bodies_get_smartys_quotes(text: str) -> None:
    ours, theirs = _smart_quote_engines()
    ours.reset()
    theirs.reset()
    assert sanitise(ours.convert(text)) == sanitise(theirs.convert(text))


def test_smart_quotes_by_language_use_the_same_marks() -> None:
    assert soup("It's \"fine\" -- really...", "fr").find("p").get_text() == "It’s “fine” – really…"


# --- limits --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, deep_line", [
    ("\n".join("  " * level + "- x" for level in range(1000)), 80),  # crashed the tables extension before
    ("\n".join("    " * level + "- x" for level in range(60)), 40),
    (">" * 200 + " deep quote", 0),
])
def test_too_deep_a_body_is_an_error_at_the_line_where_it_gets_too_deep(text: str, deep_line: int) -> None:
    rendered = render("Intro.\n\n" + text)
    assert rendered.html == "" and "nested more than 40 levels" in rendered.error
    assert rendered.error_line == 2 + deep_line


def test_a_recursion_error_in_an_extension_is_an_error_for_the_file() -> None:
    rendered = render("*" * 3000 + "x" + "*" * 3000)
    assert rendered.error or rendered.html  # either it renders or it says why: never raises


@pytest.mark.parametrize("text, deep_line", [
    ("[" * 20_000 + "x" + "]" * 20_000, 0),  # took minutes in Python-Markdown before
    ("Intro line.\n" + "<div>" * 100 + "x" + "</div>" * 100, 1),
    ("a\n\n" + "[a " * 10 + "\n" + "[b " * 30 + "x", 3),
])
def test_brackets_or_elements_nested_too_deep_are_an_error_at_their_line(text: str, deep_line: int) -> None:
    rendered = render("Intro.\n\n" + text)
    assert rendered.html == "" and "more than 32 levels deep" in rendered.error
    assert rendered.error_line == 2 + deep_line


def test_many_brackets_tags_and_autolinks_side_by_side_are_not_nesting() -> None:
    text = " ".join(f"[link {i}](/x/) <https://example.org/{i}> <span>s</span> <p>para <br>" for i in range(200))
    assert render(text).error == ""
    assert render("\\[" * 100 + "escaped").error == ""


def test_a_body_within_the_limits_renders() -> None:
    assert render("\n".join("  " * level + "- x" for level in range(10))).error == ""
