"""The built fixture site, read as the public, feed readers and data users read it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.options import Options

from site_builder.pipeline import build
from tests.helpers import FIXTURE_SITE

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/sub/archive/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    build(Options(content=FIXTURE_SITE, output=output, jobs=1))
    return output


def page(out: Path, path: str) -> BeautifulSoup:
    file = out / path / "index.html" if not path.endswith(".html") else out / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def test_every_url_of_the_spec_exists(out: Path) -> None:
    for path in ["index.html", "releases/index.html", "releases/page/2/index.html", "releases/2010/index.html",
                 "releases/2010/renewed-commitment/index.html", "meetings/index.html", "meetings/5-1/index.html",
                 "mechanisms/index.html", "mechanisms/osce-odihr/index.html", "mechanisms/osce-odihr/feed.xml",
                 "topics/index.html", "topics/cooperation/index.html", "topics/cooperation/feed.xml", "feed.xml",
                 "api/releases.json", "api/meetings.json", "api/mechanisms.json", "sitemap.xml", "robots.txt",
                 "404.html", "fr/index.html", "fr/releases/2010/renewed-commitment/index.html", "es/meetings/index.html",
                 "fr/feed.xml", "es/releases/2015/january/index.html", "about/index.html", "fr/about/index.html"]:
        assert (out / path).is_file(), path


def test_release_page(out: Path) -> None:
    soup = page(out, "releases/2010/renewed-commitment")
    assert soup.html["lang"] == "en"
    assert soup.h1.get_text() == "International Human Rights Defenders Day: Renewed commitment towards better protection"
    assert "Warsaw" in soup.select_one(".dateline").get_text()
    assert soup.select_one(".dateline time")["datetime"] == "2010-12-09"
    assert soup.find("link", rel="canonical")["href"] == BASE + "releases/2010/renewed-commitment/"
    body = soup.select_one(".body")
    assert body.find("sup", id="fnref:1") and body.find("li", id="fn:1")  # footnote
    assert body.find("table") and body.find("h2", id="what-was-discussed")  # table, heading anchor
    assert "said “never again” – and" in body.get_text()  # smart quotes and dashes
    contacts = soup.select_one(".contacts").get_text(" ", strip=True)
    assert "Karine Appy" in contacts and "+41 22 809 49 39" in contacts
    attachment = soup.select_one(".attachments a")
    assert attachment["href"] == "/sub/archive/pdf/warsaw-2010.pdf"
    assert "PDF, 43 kB" in soup.select_one(".attachments").get_text()
    links = {a["href"] for a in soup.select("main a[href]")}
    assert {"/sub/archive/meetings/3/", "/sub/archive/mechanisms/osce-odihr/", "/sub/archive/topics/cooperation/",
            "/sub/archive/fr/releases/2010/renewed-commitment/"} <= links


def test_translations_are_linked_with_hreflang(out: Path) -> None:
    en, fr = page(out, "releases/2010/renewed-commitment"), page(out, "fr/releases/2010/renewed-commitment")
    for soup in (en, fr):
        alternates = {link["hreflang"]: link["href"] for link in soup.find_all("link", rel="alternate", hreflang=True)}
        assert alternates == {"en": BASE + "releases/2010/renewed-commitment/",
                              "fr": BASE + "fr/releases/2010/renewed-commitment/",
                              "x-default": BASE + "releases/2010/renewed-commitment/"}
    assert fr.html["lang"] == "fr"
    assert "décembre" in fr.select_one(".dateline").get_text()


def test_default_contacts_apply_unless_the_release_says_none(out: Path) -> None:
    assert "Press office" in page(out, "releases/2015/february-2015").select_one(".contacts").get_text()
    assert page(out, "releases/2014/inter-mechanisms-5-1").select_one(".contacts") is None


def test_hostile_values_are_escaped_everywhere(out: Path) -> None:
    html = (out / "releases/2014/statement/index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "A statement with <script>alert('title')</script> & \"quotes\""
    for script in soup.find_all("script"):
        assert "alert" not in script.get_text() or script.get("type") == "application/ld+json"
    assert "onerror" not in html and "onclick" not in html and "javascript:" not in html
    assert soup.find("a", string="good link")["rel"] == ["noopener", "noreferrer"]
    assert soup.select_one(".body img")["src"] == "/sub/archive/img/dot.png"
    feed = (out / "feed.xml").read_text()
    ET.fromstring(feed)  # still well-formed
    data = json.loads((out / "api/releases.json").read_text())
    titles = [r["title"] for r in data["releases"]]
    assert "A statement with <script>alert('title')</script> & \"quotes\"" in titles


def test_release_list_pagination_and_years(out: Path) -> None:
    first, second = page(out, "releases"), page(out, "releases/page/2")
    titles = [a.get_text() for a in first.select(".release-list h3 a")]
    assert len(titles) == 3 and titles[0] == "February release"  # newest first, per_page 3
    assert second.select(".release-list h3 a")
    assert second.find("a", href="/sub/archive/releases/")  # back to page 1
    years = [a.get_text() for a in first.select(".year-nav a")]
    assert years == ["2015", "2014", "2010"]
    assert [a.get_text() for a in page(out, "releases/2010").select(".release-list h3 a")] == [
        "International Human Rights Defenders Day: Renewed commitment towards better protection"]


def test_other_language_trees_list_every_release_preferring_their_language(out: Path) -> None:
    fr_2010 = page(out, "fr/releases/2010")
    [item] = fr_2010.select(".release-list h3 a")
    assert item.get_text() == "Journée internationale des défenseurs : un engagement renouvelé"
    fr_2015 = page(out, "fr/releases/2015")
    january = fr_2015.find("a", string="January release")
    assert january["href"] == "/sub/archive/es/releases/2015/january/" and january["hreflang"] == "es"


def test_drafts_are_not_published(out: Path) -> None:
    assert not (out / "releases/2015/draft").exists()
    assert "A draft release" not in (out / "feed.xml").read_text()


def test_meeting_timeline(out: Path) -> None:
    soup = page(out, "meetings")
    items = soup.select(".timeline > li")
    numbers = [li.h2.get_text() for li in items]
    assert numbers == ["Inter-mechanisms meeting 3", "Inter-mechanisms meeting 5.1", "Inter-mechanisms meeting 5.2",
                       "Sixth meeting (fixture)", "Inter-mechanisms meeting 7"]
    text = [li.get_text(" ", strip=True) for li in items]
    assert "8–9 December 2010" in text[0]
    assert "1st quarter 2015" in text[2] and "Planned" in text[2]
    assert "2016" in text[3] and "Cancelled" in text[3]
    assert "May 2017" in text[4]
    assert "1er trimestre 2015" in page(out, "fr/meetings").get_text()
    assert "1.er trimestre de 2015" in page(out, "es/meetings").get_text()


def test_meeting_page_lists_its_releases(out: Path) -> None:
    soup = page(out, "meetings/5-2")
    assert soup.find("a", href="/sub/archive/releases/2014/inter-mechanisms-5-1/")
    assert soup.find("a", href="/sub/archive/mechanisms/oif/")  # the host, as a link


def test_mechanism_page_lists_meetings_and_releases(out: Path) -> None:
    soup = page(out, "mechanisms/coe-commissioner")
    text = soup.get_text(" ", strip=True)
    assert "Sixth meeting (fixture)" in text and "Hosted" in text
    assert soup.find("a", href="/sub/archive/releases/2015/february-2015/")
    assert soup.find("link", type="application/atom+xml", href=BASE + "mechanisms/coe-commissioner/feed.xml")


def test_atom_feeds(out: Path) -> None:
    root = ET.parse(out / "feed.xml").getroot()
    assert root.tag == ATOM + "feed"
    assert root.find(ATOM + "id").text == BASE + "feed.xml"
    entries = root.findall(ATOM + "entry")
    assert [e.find(ATOM + "title").text for e in entries][0] == "February release"
    assert root.find(ATOM + "updated").text == "2015-02-02T00:00:00Z"  # the newest release, never the clock
    for entry in entries:
        assert entry.find(ATOM + "link").get("href").startswith(BASE)
        assert entry.find(ATOM + "content").get("type") == "html"
    mechanism = ET.parse(out / "mechanisms/oif/feed.xml").getroot()
    assert {e.find(ATOM + "title").text for e in mechanism.findall(ATOM + "entry")} == {
        "International Human Rights Defenders Day: Renewed commitment towards better protection",
        "“Inter-mechanisms 5.1”: enhanced cooperation",
        "A statement with <script>alert('title')</script> & \"quotes\""}


def test_open_data(out: Path) -> None:
    releases = json.loads((out / "api/releases.json").read_text())["releases"]
    warsaw = next(r for r in releases if r["slug"] == "renewed-commitment" and r["lang"] == "en")
    assert warsaw["url"] == BASE + "releases/2010/renewed-commitment/"
    assert warsaw["translations"] == {"fr": BASE + "fr/releases/2010/renewed-commitment/"}
    assert warsaw["attachments"][0]["size"] == (FIXTURE_SITE / "static/pdf/warsaw-2010.pdf").stat().st_size
    meetings = json.loads((out / "api/meetings.json").read_text())["meetings"]
    planned = next(m for m in meetings if m["number"] == "5.2")
    assert (planned["start"], planned["precision"], planned["status"]) == ("2015-Q1", "quarter", "planned")
    mechanisms = json.loads((out / "api/mechanisms.json").read_text())["mechanisms"]
    assert {m["id"] for m in mechanisms} == {"osce-odihr", "oif", "un-sr-hrd", "coe-commissioner"}


def test_sitemap_robots_and_redirects(out: Path) -> None:
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap]
    assert BASE + "releases/2010/renewed-commitment/" in locs and BASE + "fr/meetings/" in locs
    assert not any("draft" in loc or "404" in loc for loc in locs)
    assert (out / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")
    redirect = BeautifulSoup((out / "2010/12/renewed-commitment.html").read_text(), "html.parser")
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/sub/archive/releases/2010/renewed-commitment/"
    assert redirect.find("link", rel="canonical")["href"] == BASE + "releases/2010/renewed-commitment/"
    assert (out / "old-about/index.html").is_file()


def test_pages_have_landmarks_and_metadata(out: Path) -> None:
    for path in ["", "releases", "meetings/3", "mechanisms", "topics/reprisals", "about", "fr/about"]:
        soup = page(out, path)
        assert soup.html.get("lang") in {"en", "fr", "es"}
        assert soup.title.get_text().strip()
        assert soup.find("meta", attrs={"name": "description"})["content"].strip()
        assert soup.find("main", id="main") and soup.find("header") and soup.find("footer") and soup.find("nav")
        assert soup.find("a", href="#main")  # skip link
        assert len(soup.find_all("h1")) == 1


def test_mechanism_and_topic_pages_are_paginated(tmp_path: Path) -> None:
    """Every release of a busy mechanism stays reachable without JavaScript, per_page at a time."""
    from tests.helpers import make_site
    files = {f"releases/2011/2011-0{n}-01-r{n}.md": f"---\ntitle: Release {n}\ndate: 2011-0{n}-01\n"
             f"mechanisms: [osce-odihr]\ntopics: [cooperation]\n---\nBody.\n" for n in range(1, 5)}
    content = make_site(tmp_path, files)  # per_page: 2; with the Warsaw release, 5 about ODIHR
    output = tmp_path / "output"
    build(Options(content=content, output=output, jobs=1, search=False))
    for first in ("mechanisms/osce-odihr/", "topics/cooperation/", "fr/mechanisms/osce-odihr/"):
        seen = []
        for n in (1, 2, 3):
            soup = page(output, first + (f"page/{n}/" if n > 1 else ""))
            seen += [a.get_text() for a in soup.select(".release-list h3 a")]
            numbers = [x.get_text() for x in soup.select(".pagination li:not(.step)")]
            assert numbers == ["1", "2", "3"]
        assert seen == ["Release 4", "Release 3", "Release 2", "Release 1", "Warsaw meeting"]
        assert not (output / first / "page/4").exists()
    second = page(output, "mechanisms/osce-odihr/page/2")
    assert "(page 2)" in second.title.get_text() or "2" in second.title.get_text()
    assert second.find("link", rel="canonical")["href"] == "https://example.org/mechanisms/osce-odihr/page/2/"
