"""Metadata for machines: schema.org JSON-LD (NewsArticle, Event, Organization), Open Graph and Twitter
tags, feed auto-discovery; JSON-LD safe whatever an editor writes in a title."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from site_builder.options import Options

from site_builder.pipeline import build
from tests.browser.conftest import PREFIX, Site
from tests.helpers import make_site

HOSTILE = "A statement with <script>alert('title')</script> & \"quotes\""


def soup_of(root: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((root / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    [script] = soup.find_all("script", type="application/ld+json")
    raw = script.string
    assert "<" not in raw and ">" not in raw, "JSON-LD must not carry a raw < or > (</script>, <!--)"
    data: dict[str, Any] = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    return data


def test_release_is_a_news_article(site: Site) -> None:
    data = json_ld(soup_of(site.root, "releases/2010/renewed-commitment"))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "International Human Rights Defenders Day: Renewed commitment towards better protection"
    assert data["datePublished"] == "2010-12-09" and data["inLanguage"] == "en"
    assert data["url"] == data["mainEntityOfPage"] == site.url("releases/2010/renewed-commitment/")
    assert data["locationCreated"]["name"] == "Warsaw"
    assert data["publisher"]["name"].startswith("Observatory for the Protection of Human Rights Defenders")
    about = {(a["@type"], a["name"]) for a in data["about"]}
    assert ("Event", "Inter-mechanisms meeting 3") in about
    assert ("Organization", "OSCE Office for Democratic Institutions and Human Rights") in about
    assert data["keywords"] == ["Cooperation between mechanisms"]


def test_hostile_title_survives_json_ld_intact(site: Site) -> None:
    data = json_ld(soup_of(site.root, "releases/2014/statement"))
    assert data["headline"] == HOSTILE
    assert data["description"] == "Summary with </script><script>alert(1)</script> inside"


@pytest.mark.parametrize("title", ["</ScRiPt><script>alert(1)</script>", "<!-- <script>", "It's \u2028 & \u2029 done"])
def test_any_title_is_safe_in_json_ld(tmp_path: Path, title: str) -> None:
    content = make_site(tmp_path, {"releases/2010/2010-12-09-warsaw.md": "---\ntitle: " + json.dumps(title)
                                   + "\ndate: 2010-12-09\nmeetings: [\"3\"]\n---\nText.\n"})
    build(Options(content=content, output=tmp_path / "out", jobs=1, search=False))
    soup = soup_of(tmp_path / "out", "releases/2010/warsaw")
    assert json_ld(soup)["headline"] == title
    assert soup.h1.get_text() == title
    assert len(soup.find_all("script")) == 1  # the title opened no script of its own


def test_meetings_are_events(site: Site) -> None:
    held = json_ld(soup_of(site.root, "meetings/5-1"))
    assert held["@type"] == "Event" and held["name"] == "Inter-mechanisms meeting 5.1"
    assert (held["startDate"], held["endDate"]) == ("2014-11-12", "2014-11-13")
    assert held["eventStatus"] == "https://schema.org/EventScheduled"
    assert held["location"]["address"] == {"@type": "PostalAddress", "addressLocality": "Paris", "addressCountry": "France"}
    assert [o["name"] for o in held["organizer"]][1] == "Organisation internationale de la Francophonie"
    assert len(held["attendee"]) == 4
    planned = json_ld(soup_of(site.root, "meetings/5-2"))
    assert planned["startDate"] == "2015"  # a quarter is no ISO 8601 date: its year is
    cancelled = json_ld(soup_of(site.root, "meetings/6"))
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled" and cancelled["startDate"] == "2016"


def test_mechanisms_are_organizations(site: Site) -> None:
    data = json_ld(soup_of(site.root, "mechanisms/coe-commissioner"))
    assert data["@type"] == "Organization" and data["name"] == "Council of Europe Commissioner for Human Rights"
    assert data["alternateName"] == "CoE Commissioner" and data["foundingDate"] == "1999"
    assert data["parentOrganization"]["name"] == "Council of Europe" and data["areaServed"] == "Europe"
    assert json_ld(soup_of(site.root, "mechanisms/oif"))["url"] == "https://www.francophonie.org"
    assert json_ld(soup_of(site.root, ""))["@type"] == "WebSite"


@pytest.mark.parametrize("path", ["", "releases/2010/renewed-commitment", "fr/meetings", "mechanisms/oif",
                                  "topics/reprisals", "about", "releases/page/2"])
def test_open_graph_and_twitter_tags(site: Site, path: str) -> None:
    soup = soup_of(site.root, path)
    tag = {m.get("property") or m.get("name"): m["content"] for m in soup.find_all("meta", content=True)}
    assert tag["og:url"] == soup.find("link", rel="canonical")["href"] == site.url(path + "/" if path else "")
    assert tag["og:title"].strip() and tag["og:description"].strip() and tag["og:site_name"]
    assert tag["og:type"] == ("article" if path.startswith("releases/2010") else "website")
    assert tag["og:locale"] == ("fr_FR" if path.startswith("fr/") else "en_GB")
    assert tag["twitter:card"] == "summary"
    if path.startswith("releases/2010"):
        assert tag["article:published_time"] == "2010-12-09"
        assert tag["og:locale:alternate"] == "fr_FR"


def test_feeds_are_discoverable(site: Site) -> None:
    for path, feeds in [("", ["feed.xml"]), ("fr/releases", ["fr/feed.xml"]),
                        ("mechanisms/oif", ["feed.xml", "mechanisms/oif/feed.xml"]),
                        ("es/topics/reprisals", ["es/feed.xml", "es/topics/reprisals/feed.xml"])]:
        links = soup_of(site.root, path).find_all("link", rel="alternate", type="application/atom+xml")
        assert [link["href"] for link in links] == [site.url(feed) for feed in feeds]
        for feed in feeds:
            assert (site.root / feed).is_file()
    assert all(link["title"] for link in soup_of(site.root, "mechanisms/oif").find_all("link", type="application/atom+xml"))
    assert PREFIX in site.base
