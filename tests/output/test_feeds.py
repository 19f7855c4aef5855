"""Atom feeds from the plan alone: the site's, a mechanism's and a topic's, newest first, dated by releases."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from site_builder.output.feeds import FEED_SIZE, atom
from site_builder.plan.routes import Route
from site_builder.plan.site import Site
from tests.helpers import planned

ATOM = "{http://www.w3.org/2005/Atom}"


def releases(n: int, **front: str) -> dict[str, str]:
    extra = "".join(f"{key}: {value}\n" for key, value in front.items())
    return {f"releases/2012/2012-01-{day:02d}-r{day}.md": f"---\ntitle: R{day}\ndate: 2012-01-{day:02d}\n{extra}---\nText {day}.\n"
            for day in range(1, n + 1)}


def feed(site: Site, path: str) -> ET.Element:
    route = next(r for r in site.routes if r.path == path)
    return ET.fromstring(atom(site.views, site.urls, route))


def titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]


def test_the_site_feed_lists_the_newest_releases_and_is_dated_by_them(tmp_path: Path) -> None:
    site = planned(tmp_path, releases(FEED_SIZE + 3))
    root = feed(site, "feed.xml")
    assert titles(root) == [f"R{day}" for day in range(FEED_SIZE + 3, 3, -1)]
    assert root.findtext(f"{ATOM}updated") == f"2012-01-{FEED_SIZE + 3:02d}T00:00:00Z"
    assert root.findtext(f"{ATOM}id") == "https://example.org/feed.xml"
    first = next(root.iter(f"{ATOM}entry"))
    assert first.find(f"{ATOM}content").get("type") == "html"  # type: ignore[union-attr]


def test_a_mechanism_feed_has_only_its_releases_with_categories(tmp_path: Path) -> None:
    site = planned(tmp_path, {**releases(2), "releases/2012/2012-02-01-odihr.md":
                              "---\ntitle: About ODIHR\ndate: 2012-02-01\nmechanisms: [osce-odihr]\n---\nT.\n"})
    root = feed(site, "mechanisms/osce-odihr/feed.xml")
    assert titles(root) == ["About ODIHR", "Warsaw meeting"]
    assert root.findtext(f"{ATOM}title") == "Test archive: OSCE/ODIHR"
    categories = [c.get("label") for c in next(root.iter(f"{ATOM}entry")).iter(f"{ATOM}category")]
    assert categories == ["OSCE/ODIHR"]


def test_a_topic_feed_in_another_language_keeps_its_language(tmp_path: Path) -> None:
    site = planned(tmp_path)
    root = feed(site, "fr/topics/cooperation/feed.xml")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert titles(root) == ["Warsaw meeting"]  # no French version: the English one stands in


def test_an_empty_feed_is_dated_at_the_epoch_not_the_clock(tmp_path: Path) -> None:
    site = planned(tmp_path, {"topics.yaml": "cooperation:\n  title: C\nunused:\n  title: U\n"})
    root = feed(site, "topics/unused/feed.xml")
    assert titles(root) == [] and root.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"


def test_routes_of_feeds_say_what_they_are_about(tmp_path: Path) -> None:
    site = planned(tmp_path)
    feeds: list[Route] = [r for r in site.routes if r.path.endswith("feed.xml")]
    assert {r.path for r in feeds} == {"feed.xml", "fr/feed.xml", "mechanisms/osce-odihr/feed.xml",
                                       "fr/mechanisms/osce-odihr/feed.xml", "topics/cooperation/feed.xml",
                                       "fr/topics/cooperation/feed.xml"}
