"""The sanitiser's quick path (content/safe_markup.py) gives nh3's bytes, or gives way to nh3.

Three kinds of input: Markdown bodies rendered both ways (generated, and every Markdown file of the
fixtures and of content/); well-nested markup as Markdown writes it, with every attribute, address
and character reference the allowlist has to judge; and tag soup, where the quick path may refuse
anything but must never let through what the allowlist forbids.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Optional
from unittest import mock

import frontmatter
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from site_builder.content import sanitise as sanitise_module
from site_builder.content.allowlist import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from site_builder.content.markdown import MarkdownRenderer
from site_builder.content.safe_markup import clean
from tests import fuzzing

ROOT = Path(__file__).resolve().parent.parent


def with_nh3(html: str, base_path: str = "/") -> str:
    return sanitise_module.sanitise(html, base_path)  # markdown_only=False: nh3 always


def rendered_both_ways(text: str, base_path: str) -> tuple[str, str, bool]:
    """The body rendered as a build does, and with the quick path refused; whether it was taken."""
    taken = []

    def spy(html: str, base: str = "/") -> Optional[str]:
        result = clean(html, base)
        taken.append(result is not None)
        return result
    with mock.patch.object(sanitise_module, "clean_markdown_markup", spy):
        quick = MarkdownRenderer(base_path=base_path).render(text, "en").html
    with mock.patch.object(sanitise_module, "clean_markdown_markup", lambda html, base="/": None):
        slow = MarkdownRenderer(base_path=base_path).render(text, "en").html
    return quick, slow, any(taken)


# --- Markdown bodies ----------------------------------------------------------------------------

WORDS = ["word", "Défenseurs", "AT&T", "x < y", "a > b", "“quoted”", "it's", '"plain"', "\xa0", "&copy;", "&#169;",
         "&#xA9;", "&nbsp;", "&foo;", "&#0;", "&#x80;", "&#128512;", "日本語", "مدافعون", "\u202e", "😀", "--", "...",
         "<<x>>", "1 < 2 > 0", "\\*", "\\<", "\\&", "&amp;", "tab\tbed", "\u2028"]
INLINE = ["*em*", "**strong**", "_em_", "`code <x> & y`", "~~gone~~", "[^1]", "[^n]", "  \n", "\\\n",
          "[link](https://example.org/a?b=1&c=2 \"title & <x> 'q'\")", "[root](/pdf/x.pdf)", "[frag](#fn:1)",
          "[colon](fn:1)", "[js](javascript:alert(1))", "[JS](JaVaScRiPt:alert(1))", "[mail](mailto:a@example.org)",
          "[tel](tel:+33-1)", "[mailslash](mailto://x)", "<https://example.org/x>", "https://example.org/y?z=1&w=2",
          "www.example.org", "someone@example.org", "![alt](/img/x.png)", "![alt & <b>](/img/y.png \"t\")",
          "![ext](https://example.org/x.png)", "[up](HTTP://EXAMPLE.ORG/)", "[pct](https://exa%20mple.org/)",
          "[port](http://example.org:8080/x)", "[bigport](http://example.org:99999/)", "[ip](http://10.1.1.1/)",
          "[badip](http://999.1.1.1/)", "[puny](https://xn--bcher-kva.example/)", "[space](<https://exa mple.org>)",
          "[user](https://u@example.org/)", "[under](https://a_b.example.org/)", "[dots](https://a..b.org/)",
          "[rel](../x/y.html)", "[q](?a=b)", "[e](<>)", "[u](https://example.org/é?q=ü#frag)",
          "[in [https://example.org/in](https://example.org/i2)](https://example.org/out)", "[ref][r]",
          "{: #anchor .cls }", "{: onclick=\"x\" }", "{: style=\"color: red\" }", "{: title=\"a&b\" lang=fr }",
          "<span>raw</span>", "<b onclick=x>raw</b>", "<!-- c -->", "&lt;", "<x@y.org>"]
BLOCKS = ["# Heading", "## Second **bold** {: #sec }", "### Third", "- a\n- b\n    - c", "1. one\n2. two", "3. three",
          "> quote\n> more", "    code <x> &amp;\n    more", "```\nfenced <x> &\n```", "```python\nx = 1\n```",
          "| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |", "| h |\n|---|", "---", "***", "[^1]: note *one*",
          "[^n]: note [link](https://example.org/n)", "[r]: https://example.org/ref \"Ref title\"", "[TOC]",
          "<div>raw block</div>", "<div markdown=\"1\">*md*</div>", "<table><tr><td>x</td></tr></table>",
          "<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>", "Term\n: definition", "<pre>\nraw pre</pre>",
          "para {: .lead }", "- [link](https://example.org/l) in a list\n- ![i](/img/i.png)"]

phrase = st.lists(st.sampled_from(WORDS) | st.sampled_from(INLINE) | st.text(max_size=12), min_size=1, max_size=12).map(" ".join)
markdown_body = st.lists(st.sampled_from(BLOCKS) | phrase, min_size=1, max_size=10).map("\n\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_body, st.sampled_from(["/", "/sub/"]))
def test_generated_bodies_render_the_same_with_the_quick_path(text: str, base_path: str) -> None:
    quick, slow, _ = rendered_both_ways(text, base_path)
    assert quick == slow


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuzzing.body(), st.sampled_from(["/", "/sub/"]))
def test_fuzzed_bodies_render_the_same_with_the_quick_path(text: str, base_path: str) -> None:
    quick, slow, _ = rendered_both_ways(text, base_path)
    assert quick == slow


def test_every_markdown_file_of_the_project_renders_the_same() -> None:
    files = sorted(p for folder in ("tests", "content") for p in (ROOT / folder).rglob("*.md"))
    taken = 0
    for path in files:
        try:
            text = frontmatter.loads(path.read_text(encoding="utf-8")).content
        except Exception:  # noqa: BLE001 - broken fixtures are for other tests
            continue
        for base_path in ("/", "/archive/"):
            quick, slow, used = rendered_both_ways(text, base_path)
            assert quick == slow, path
            taken += used
    assert taken > len(files)  # the quick path is the common one, not a corner case


def test_a_typical_body_takes_the_quick_path() -> None:
    text = ("The *third* meeting [ended](https://example.org/a?b=1&c=2) today[^1].\n\n## Next steps\n\n"
            "| Who | When |\n|:--|--:|\n| UN | 2010 |\n\n- one\n- two\n\n> “quoted” -- it's done...\n\n[^1]: A note.\n")
    quick, slow, used = rendered_both_ways(text, "/")
    assert used and quick == slow
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer"' in quick
    assert '<td style="text-align:left">' in quick and "&nbsp;<a class=\"footnote-backref\"" in quick


# --- markup as Markdown writes it ---------------------------------------------------------------

ADDRESSES = ["https://example.org/x", "HTTPS://EXAMPLE.ORG", "http://example.org:80/a?b=c&d=e#f", "/root/x.pdf", "//cdn.example",
             "#fn:1", "fn:1", "x.html", "../up", "", "?q=1", "javascript:alert(1)", " javascript:x", "java\tscript:x",
             "data:text/html,x", "vbscript:x", "mailto:a@example.org", "MAILTO:a@b", "tel:+1", "mailto://x", "ftp://x.org",
             "https://exa mple.org", "https://a_b.org", "http://999.1.1.1", "http://1.2.3.4/", "http://0x7f.1/",
             "https://xn--bcher-kva.example", "http://example.org:99999", "https://u:p@example.org", "https://[::1]/",
             "https://example.org/é", "https://ex%41mple.org", "https://example.org./", "https://-a.org", "http:/x",
             "https:example.org", "https://example.org\\x", "/x\u00a0y", "&#106;avascript:x", "https://e.org/&amp;x",
             "&#x2F;root", "&sol;root", "/a&quot;b"]
VALUES = ["plain", "a&amp;b", "&lt;x&gt;", "&quot;q&quot;", "it's", "&#39;", "&#160;", "\xa0", "&nbsp;", "&copy;", "&#169;",
          "&foo;", "&#0;", "&#x80;", "&#x10FFFF;", "&#xFFFE;", "&#xD800;", "&#65;", "&#10;", "&#13;", "é", "line\nbreak",
          "text-align: left;", "text-align: center", "text-align:right", "color: red", "TEXT-ALIGN: left"]
TEXTS = ["text", "a &amp; b", "&lt;x&gt;", "“quoted”", '"straight"', "it's", "&#160;", "&#8617;", "\xa0", "&nbsp;",
         "&copy;", "&foo;", "&#0;", "&#x80;", "&#9;", "&#13;", "&", "x > y", "\r", "\x0c", "\ufeff", "\n", "\u0085",
         "&amp;copy;", "&AMP;", "&#X41;", "&#65", "日本語"]
INLINE_TAGS = ["em", "strong", "code", "del", "sup", "sub", "b", "i", "s", "u", "small", "mark", "ins", "kbd", "q",
               "cite", "abbr", "span"]
NAMES = sorted(ALLOWED_ATTRIBUTES["*"] | {"href", "src", "alt", "style", "colspan", "start", "hreflang", "onclick",
                                          "rel", "data-x", "target", "width"})


@st.composite
def attributes(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return ""
    names = draw(st.lists(st.sampled_from(NAMES), max_size=3))
    written = []
    for name in names:
        pool = ADDRESSES if name in ("href", "src") else VALUES
        written.append(f' {name}="{draw(st.sampled_from(pool[:4]) | st.sampled_from(pool))}"')  # half plain ones
    return "".join(written)


def _inline(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(INLINE_TAGS), attributes(), children).map(lambda t: f"<{t[0]}{t[1]}>{t[2]}</{t[0]}>"),
        st.tuples(attributes(), children).map(lambda t: f'<a href="{ADDRESSES[0]}"{t[0]}>{t[1]}</a>'),
        st.lists(children, max_size=3).map("".join),
    )


leaf = st.one_of(st.sampled_from(TEXTS), st.sampled_from(["text", "a &amp; b", "“q”"]), attributes().map(lambda a: f"<img{a}>"), attributes().map(lambda a: f"<img{a} />"),
                 st.sampled_from(["<br>", "<br />", "<hr>"]))
inline = st.recursive(leaf.filter(lambda s: s != "<hr>"), _inline, max_leaves=8)


@st.composite
def block(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["p", "h", "list", "quote", "pre", "table", "div", "hr"]))
    if kind == "p":
        return f"<p{draw(attributes())}>{draw(inline)}</p>"
    if kind == "h":
        level = draw(st.integers(2, 6))
        return f"<h{level}{draw(attributes())}>{draw(inline)}</h{level}>"
    if kind == "list":
        tag = draw(st.sampled_from(["ul", "ol"]))
        items = "\n".join(f"<li{draw(attributes())}>{draw(inline)}</li>" for _ in range(draw(st.integers(1, 3))))
        return f"<{tag}{draw(attributes())}>\n{items}\n</{tag}>"
    if kind == "quote":
        return f"<blockquote>\n<p>{draw(inline)}</p>\n</blockquote>"
    if kind == "pre":
        return f"<pre><code{draw(attributes())}>{draw(st.sampled_from(TEXTS))}\n</code></pre>"
    if kind == "table":
        cell = "th" if draw(st.booleans()) else "td"
        return (f"<table>\n<thead>\n<tr>\n<th{draw(attributes())}>{draw(inline)}</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
                f"<{cell}{draw(attributes())}>{draw(inline)}</{cell}>\n</tr>\n</tbody>\n</table>")
    if kind == "div":
        return f'<div class="footnote"{draw(attributes())}>\n<hr>\n<ol>\n<li id="fn:1">\n<p>{draw(inline)}</p>\n</li>\n</ol>\n</div>'
    return "<hr>"


markup = st.lists(block(), min_size=1, max_size=5).map("\n".join)


@settings(max_examples=800, deadline=None)
@given(markup, st.sampled_from(["/", "/sub/"]))
def test_markup_as_markdown_writes_it_is_cleaned_as_nh3_cleans_it(html: str, base_path: str) -> None:
    quick = clean(html, base_path)
    assert quick is None or quick == with_nh3(html, base_path)


def test_the_markup_strategy_mostly_takes_the_quick_path() -> None:
    # guards the test above against a strategy so wild that every example falls back to nh3
    taken: list[bool] = []

    @settings(max_examples=200, deadline=None)
    @given(markup)
    def run(html: str) -> None:
        taken.append(clean(html) is not None)
    run()
    assert sum(taken) > len(taken) / 10  # about a quarter in practice


# --- tag soup: refused or safe ------------------------------------------------------------------

SOUP = ["<p>", "</p>", "<a href=\"https://example.org/\">", "</a>", "<a>", "<div>", "</div>", "<pre>", "</pre>", "<table>",
        "<tr>", "<td>", "<script>", "</script>", "<style>", "<!--", "-->", "<img src=\"javascript:x\">", "<br />", "<p />",
        "<h1>", "<H2>", "<em>", "</em>", "<svg onload=\"x\">", "<a href=\"javascript:x\">", "<a href='x'>", "<a href=x>",
        "<a  href=\"x\">", "<img src=\"x\" onerror=\"y\">", "<iframe src=\"x\">", "<form>", "<input>", "<object>", "<math>",
        "&", "&amp;", "&lt;", "<", ">", "\"", "'", "\x00", "\xa0", "text", "\n", "</", "<p\n>", "<li class=\"x\">",
        "<td style=\"text-align: left;\">", "<td style=\"behavior: url(x)\">", "<a title=\"x\" href=\"y\" title=\"z\">"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(tag)
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"{tag}@{name}")
            if name in ("href", "src") and ":" in (value or "").split("/", 1)[0] \
                    and (value or "").split(":", 1)[0].lower() not in URL_SCHEMES:
                self.problems.append(f"{tag}@{name}={value}")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(SOUP) | st.text(max_size=4), max_size=30).map("".join))
def test_tag_soup_is_refused_or_holds_only_what_the_allowlist_allows(html: str) -> None:
    quick = clean(html)
    if quick is None:
        return
    collector = _Collector()
    collector.feed(quick)
    collector.close()
    assert collector.problems == []


# --- what makes it give way to nh3 --------------------------------------------------------------

@pytest.mark.parametrize("html", [
    '<p><a href="javascript:alert(1)">x</a></p>',  # nh3 drops the address
    '<p><a href="fn:1">x</a></p>',  # a scheme nh3 does not know
    '<p><a href="https://exa mple.org">x</a></p>',  # an address its URL parser refuses
    '<p><a href="http://999.1.1.1/">x</a></p>', '<p><a href="http://example.org:99999/">x</a></p>',
    '<p><a href="https://x.org/"><a href="https://y.org/">x</a></a></p>',  # html5ever closes the outer link
    "<pre>\nx</pre>", "<table>\n<tr>\n<td>x</td>\n</tr>\n</table>",  # html5ever's tree builder changes them
    "<p>&foo;</p>", "<p>&#0;</p>", "<p>&#x80;</p>", "<p>a & b</p>", "<p>x\ry</p>", "<!-- c --><p>x</p>",
    '<p onclick="x">x</p>', '<td style="color: red">x</td>', "<h1>x</h1>", "<script>x</script>", "<p />",
    "<p>a > b</p>",
])
def test_what_the_quick_path_leaves_to_nh3(html: str) -> None:
    assert clean(html) is None
    assert with_nh3(html) != html  # each is something nh3 changes


def test_root_relative_addresses_get_the_base_path_as_with_nh3() -> None:
    html = '<p><a href="/pdf/x.pdf">x</a> <img alt="i" src="/img/i.png"> <a href="//cdn.example/x">y</a></p>'
    assert clean(html, "/sub/") == with_nh3(html, "/sub/")
    assert 'href="/sub/pdf/x.pdf"' in (clean(html, "/sub/") or "")

