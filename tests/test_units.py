"""Unit tests, one stage at a time, on tiny inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content import dates
from site_builder.content import sanitise as sanitise_module
from site_builder.content import schema
from site_builder.content.model import Meeting, Release
from site_builder.content.config import load_site_config
from site_builder.content.discover import classify, discover
from site_builder.errors import ContentError, Diagnostic, ToolError, did_you_mean, grouped
from site_builder.content.markdown import MarkdownRenderer, first_paragraph, sanitise
from site_builder.content.archive import load_archive
from site_builder.options import Options
from site_builder.plan.urls import Urls
from site_builder.plan.views import derive
from site_builder.output.writer import Writer
from site_builder.content.yaml_lines import YamlError, load_yaml
from tests.helpers import ROOT, make_site

# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,precision,iso,en,fr,es", [
    ("2014-11-12", "day", "2014-11-12", "12 November 2014", "12 novembre 2014", "12 de noviembre de 2014"),
    ("2008-10", "month", "2008-10", "October 2008", "octobre 2008", "octubre de 2008"),
    ("2015-Q1", "quarter", "2015-Q1", "1st quarter 2015", "1er trimestre 2015", "1.er trimestre de 2015"),
    ("2015", "year", "2015", "2015", "2015", "2015"),
])
def test_fuzzy_dates(text: str, precision: str, iso: str, en: str, fr: str, es: str) -> None:
    date = dates.parse_fuzzy(text)
    assert (date.precision, date.iso()) == (precision, iso)
    assert (date.describe("en"), date.describe("fr"), date.describe("es")) == (en, fr, es)


@pytest.mark.parametrize("text", ["2015-Q5", "2015-13", "15-01-01", "2015-02-30", "soon", "2015/01/01", True])
def test_bad_fuzzy_dates(text: object) -> None:
    with pytest.raises(dates.DateError):
        dates.parse_fuzzy(text)


def test_fuzzy_dates_sort_by_earliest_day_then_precision() -> None:
    values = ["2015", "2015-Q1", "2015-01", "2015-01-01", "2014-12-31", "2015-Q2"]
    ordered = sorted(values, key=lambda v: dates.parse_fuzzy(v).sort_key())
    assert ordered == ["2014-12-31", "2015-01-01", "2015-01", "2015-Q1", "2015", "2015-Q2"]


def test_date_ranges() -> None:
    start = dates.parse_fuzzy("2010-12-08")
    assert dates.format_range(start, dt.date(2010, 12, 9), "en") == "8–9 December 2010"
    assert dates.format_range(start, dt.date(2011, 1, 2), "en") == "8 December 2010\u2009–\u20092 January 2011"
    assert dates.format_range(dates.parse_fuzzy("2022-11-28"), dt.date(2022, 12, 1), "es") == "28 de noviembre\u2009–\u20091 de diciembre de 2022"
    assert dates.format_range(dates.parse_fuzzy("2022-11-28"), dt.date(2022, 12, 1), "fr") == "28 novembre\u2009–\u20091 décembre 2022"
    assert dates.format_range(dates.parse_fuzzy("2015-Q1"), None, "en") == "1st quarter 2015"


# --- YAML with lines ---------------------------------------------------------------------------

def test_yaml_lines_and_dates_left_as_text() -> None:
    data, lines = load_yaml("\ntitle: x\ndate: 2010-12-09\nlist:\n  - a\n  - b\n")
    assert data == {"title": "x", "date": "2010-12-09", "list": ["a", "b"]}
    assert (lines.at("title"), lines.at("date"), lines.at("list", 1), lines.at("list", 7)) == (2, 3, 6, 4)


@pytest.mark.parametrize("text,line", [("a: 1\na: 2\n", 2), ("a: [1, 2\n", 2), ('a: "open\nb: 1\n', 1), ("a:\n - x\n- y\n", 3)])
def test_yaml_errors_have_lines(text: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text)
    assert caught.value.line == line


@pytest.mark.parametrize("text", ['title: !!int ""\n', 'title: [!!int ""]\n', 'a: !!bool "maybe"\n', 'a: !!int "0x"\n'])
def test_a_value_yaml_cannot_make_of_its_tag_is_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, offset=1)
    assert caught.value.line == 2 and "malformed YAML" in caught.value.message


# --- schema ------------------------------------------------------------------------------------

def test_validate_collects_every_problem() -> None:
    data, lines = load_yaml("title: 3\ndate: nope\ndraft: 1\nmeetings: 5.1\ncolor: red\n")
    values, problems = schema.validate(data, lines, Release, "r.md", "front matter")
    assert values["title"] == "3" and values["meetings"] == ("5.1",)
    assert [(p.line, p.code) for p in problems] == [(5, "unknown-field"), (2, "bad-value"), (3, "bad-value")]
    assert problems[0].hint == "did you mean 'colour'?" or "allowed" in problems[0].hint


def test_slugify() -> None:
    assert schema.slugify("“Inter-mécanismes 5.1”: une coopération") == "inter-mecanismes-5-1-une-cooperation"


def test_a_template_mistake_met_on_many_pages_is_reported_once_with_its_pages() -> None:
    met = [Diagnostic("templates/a.html", 3, "'x' is undefined", pages=(page,), code="template-error")
           for page in ("/fr/", "/", "/es/")]
    other = Diagnostic("templates/a.html", 4, "'y' is undefined", pages=("/",), code="template-error")
    [first, second] = grouped(met + [other])
    assert first.pages == ("/", "/es/", "/fr/") and first.code == "template-error"
    assert first.format() == "templates/a.html:3: error: 'x' is undefined (while rendering / and 2 other pages)"
    assert second.format() == "templates/a.html:4: error: 'y' is undefined (while rendering /)"
    assert Diagnostic("r.md", 2, "bad", "hint").format() == "r.md:2: error: bad (hint)"


def test_did_you_mean() -> None:
    assert did_you_mean("osce-odhir", ["osce-odihr", "oif"]) == "did you mean 'osce-odihr'?"
    assert did_you_mean("zzz", ["osce-odihr"]) == ""


def test_diagnostic_format() -> None:
    d = Diagnostic("releases/x.md", 7, "unknown mechanism 'a'", "did you mean 'b'?")
    assert d.format("content") == "content/releases/x.md:7: error: unknown mechanism 'a' (did you mean 'b'?)"
    assert d.format("./content/") == "content/releases/x.md:7: error: unknown mechanism 'a' (did you mean 'b'?)"


# --- discovery ---------------------------------------------------------------------------------

def test_classify() -> None:
    assert classify("releases/2010/x.md") == "release"
    assert classify("releases/x.md") == "release"
    assert classify("meetings/3.md") == "meeting"
    assert classify("meetings/old/3.md") == "other"
    assert classify("static/pdf/x.pdf") == "static"
    assert classify("site.yaml") == "settings"
    assert classify("releases/2010/x.pdf") == "other"


def test_discover_is_sorted_and_skips_editor_leftovers(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"releases/2010/.x.md.swp": "", "releases/2010/y.md~": "", ".DS_Store": "",
                                   "releases/2009/2009-01-01-a.md": "x"})
    found, problems = discover(content)
    assert problems == []
    rels = [s.rel for s in found]
    assert rels == sorted(rels) and not any("~" in r or "/." in r or r.startswith(".") for r in rels)


# --- markdown and sanitising -------------------------------------------------------------------

@pytest.mark.parametrize("dangerous", [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>', '<iframe src="https://evil.example"></iframe>', "<style>body{}</style>",
    '<svg onload="alert(1)"></svg>', '<p style="background:url(javascript:x)">x</p>', "[x](javascript:alert(1))",
    '<form action="https://evil.example"><input></form>', '<object data="x"></object>',
])
def test_sanitiser_removes_what_could_run(dangerous: str) -> None:
    html = MarkdownRenderer().render(dangerous, "en").html.lower()
    for needle in ("<script", "onerror", "onload", "javascript:", "<iframe", "<style", "<form", "<object", "style="):
        assert needle not in html


def test_markdown_features() -> None:
    html = MarkdownRenderer().render('# Title\n\nIt\'s "fine" -- really[^n].\n\n| a |\n|---|\n| 1 |\n\n[^n]: Note.', "fr").html
    assert '<h2 id="title">' in html and "<h1" not in html
    assert "It’s “fine” – really" in html
    assert "<table>" in html and 'id="fn:n"' in html and "Retour à l'appel de note" in html


def test_first_paragraph_skips_footnote_markers() -> None:
    html = MarkdownRenderer().render("First[^1] *para*.\n\nSecond.\n\n[^1]: Note.", "en").html
    assert first_paragraph(html) == "First para."


def test_root_links_get_the_base_path() -> None:
    assert sanitise('<a href="/pdf/x.pdf">x</a><a href="https://e.org/">y</a>', "/sub/") == \
        '<a href="/sub/pdf/x.pdf" rel="noopener noreferrer">x</a><a href="https://e.org/" rel="noopener noreferrer">y</a>'


@st.composite
def links(draw: st.DrawFn) -> str:
    """Links and images with an address written in every way HTML allows, between other markup."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        tag = draw(st.sampled_from(["a", "img", "A", "p"]))
        name = draw(st.sampled_from(["href", "HREF", "src", "SrC", "title"]))
        equals = draw(st.sampled_from(["=", " = ", "=\n", "\t=\t"]))
        quote = draw(st.sampled_from(['"', "'", ""]))
        start = draw(st.sampled_from(["/", "//", "&#47;", "&sol;", "&#x2F;", "&#x2f;", " /", "x/", "https://e.org/"]))
        parts.append(f"<{tag} {name}{equals}{quote}{start}x.pdf{quote}>t</{tag}>" + draw(st.sampled_from(["", " &amp; ", "<p>"])))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(links())
def test_root_links_get_the_base_path_however_written(html: str) -> None:
    # the base path's filter is left out for a body without a possible root-relative address: same output
    def rebase(tag: str, attribute: str, value: str) -> str:
        return "/sub" + value if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//") else value
    always = nh3.clean(html, tags=sanitise_module.ALLOWED_TAGS, attributes=sanitise_module.ALLOWED_ATTRIBUTES,
                       url_schemes=sanitise_module.URL_SCHEMES, filter_style_properties=sanitise_module.STYLE_PROPERTIES,
                       strip_comments=True, attribute_filter=rebase)
    assert sanitise(html, "/sub/") == sanitise_module._HREFLESS_REL.sub(sanitise_module._drop_rel, always)


# --- config, urls, views -----------------------------------------------------------------------

def test_site_config_defaults_and_override(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    config = load_site_config(content, "https://preview.example.net/x")
    assert config.base_url == "https://preview.example.net/x/"
    assert config.kinds["press-release"]["en"] == "Press release" and config.contacts == ()


def test_missing_site_yaml(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": None})
    with pytest.raises(ContentError) as caught:
        load_site_config(content)
    assert caught.value.diagnostics[0].format() == "site.yaml:0: error: site.yaml is missing " \
        f"(create {content / 'site.yaml'} (see docs/editing.md))"


def test_urls_under_a_sub_path(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": "title: T\nbase_url: https://example.org/org/archive\nlanguages: [en, fr]\n"})
    archive = load_archive(Options(content=content, jobs=1))
    urls = Urls(archive.config)
    release = archive.releases[0]
    assert urls.release(release) == "releases/2010/warsaw/"
    assert urls.href(urls.release(release)) == "/org/archive/releases/2010/warsaw/"
    assert urls.absolute(urls.meeting(archive.meetings[0], "fr")) == "https://example.org/org/archive/fr/meetings/3/"
    assert Urls.alias("/2010/12/old.html") == "2010/12/old.html" and Urls.alias("/old") == "old/"


def test_views_order_and_language_choice(tmp_path: Path) -> None:
    content = make_site(tmp_path, {
        "releases/2011/2011-01-01-b.md": "---\ntitle: B\ndate: 2011-01-01\ntranslation_key: k\n---\nb\n",
        "releases/2011/2011-01-01-b.fr.md": "---\ntitle: B fr\ndate: 2011-01-01\ntranslation_key: k\n---\nb\n",
        "releases/2011/2011-01-01-a.md": "---\ntitle: A\ndate: 2011-01-01\n---\na\n",
        "meetings/5-2.md": '---\nnumber: "5.2"\nstart: "2015-Q1"\nstatus: planned\n---\n',
        "meetings/10.md": '---\nnumber: "10"\nstart: "2015-Q1"\nstatus: planned\n---\n',
    })
    views = derive(load_archive(Options(content=content, jobs=1)))
    assert [r.title for r in views.releases("en")] == ["A", "B", "Warsaw meeting"]
    assert [r.title for r in views.releases("fr")] == ["A", "B fr", "Warsaw meeting"]
    assert [m.number for m in views.timeline] == ["3", "5.2", "10"]
    last, upcoming = views.past_and_next()
    assert (last.number, upcoming.number) == ("3", "5.2")
    assert [c.number for c in views.pagination("en")] == [1, 2]


# --- writer ------------------------------------------------------------------------------------

def test_writer_refuses_double_writes_and_escapes(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "out")
    writer.write("a/index.html", b"x", "one.md")
    with pytest.raises(ToolError, match="written twice, by one.md and two.md") as twice:
        writer.write("a/index.html", b"y", "two.md")
    assert twice.value.exit_code == 3
    for bad in ("../x", "/etc/x", "a/../../x"):
        with pytest.raises(ToolError, match="refusing to write outside the output folder"):
            writer.write(bad, b"", "bad")
    writer.abort()
    assert list(tmp_path.iterdir()) == []


# --- architecture ------------------------------------------------------------------------------

def test_decimals_stay_text_so_meeting_5_10_is_not_5_1() -> None:
    data, lines = load_yaml("number: 5.10\nstart: 2015\n")
    values, problems = schema.validate(data, lines, Meeting, "m.md", "front matter")
    assert problems == [] and values["number"] == "5.10"


def test_a_blank_required_value_is_missing() -> None:
    data, lines = load_yaml("title: '   '\ndate: 2020-01-01\n")
    _, problems = schema.validate(data, lines, Release, "r.md", "front matter")
    assert [p.format() for p in problems] == ["r.md:1: error: 'title' is empty (write the title after 'title:')"]


def test_a_link_whose_href_was_removed_keeps_no_rel() -> None:
    assert sanitise('<a href="javascript:alert(1)" title="t">x</a>') == '<a title="t">x</a>'


def _slow_square(n: int) -> int:
    """In a worker: later chunks may end first."""
    import time
    time.sleep(0.02 * (n % 3))
    return n * n


def _no_setup() -> None:
    pass


@pytest.mark.parametrize("jobs", [1, 3])
def test_in_parallel_gives_each_result_to_take_in_order_as_it_comes_and_keeps_none(jobs: int) -> None:
    from site_builder.workers import in_parallel
    taken: list[int] = []
    kept = in_parallel(jobs, list(range(12)), _slow_square, _slow_square, _no_setup, (), taken.append)
    assert kept == [] and taken == [n * n for n in range(12)]
    assert in_parallel(jobs, list(range(12)), _slow_square, _slow_square, _no_setup, ()) == [n * n for n in range(12)]


def _whose(n: int) -> tuple[int, int]:
    import os
    return n, os.getpid()


def _slow_there(n: int) -> tuple[int, int]:
    import os
    import time
    time.sleep(0.3)
    return n, os.getpid()


def test_in_parallel_takes_back_the_chunks_no_worker_has_started() -> None:
    # the worker is slow and this process quick: once it has nothing left, it runs the chunks queued
    # for the worker that the worker has not started, instead of waiting for the worker to do them all
    import os
    from site_builder.workers import QUEUED, in_parallel
    taken: list[tuple[int, int]] = []
    in_parallel(2, list(range(QUEUED + 4)), _whose, _slow_there, _no_setup, (), taken.append)
    assert [n for n, _ in taken] == list(range(QUEUED + 4))
    by_worker = [n for n, pid in taken if pid != os.getpid()]
    assert 1 <= len(by_worker) < QUEUED


@pytest.mark.parametrize("jobs", [2, 3])
def test_in_parallel_runs_a_pinned_chunk_on_its_side_and_the_others_anywhere(jobs: int) -> None:
    import os
    from site_builder.workers import in_parallel
    lanes = ["here", "there", "any", "there", "here", "any", "there", "here"] * 2
    taken: list[tuple[int, int]] = []
    in_parallel(jobs, list(range(16)), _whose, _whose, _no_setup, (), taken.append, lanes)  # type: ignore[arg-type]
    assert [n for n, _ in taken] == list(range(16))
    here = os.getpid()
    assert all(pid == here for n, pid in taken if lanes[n] == "here")
    assert all(pid != here for n, pid in taken if lanes[n] == "there")
