"""sitemap.xml and robots.txt from the routes: indexable pages only, with their language versions."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Sequence

from site_builder.output.sitemap import SITEMAP, XHTML, robots, sitemap
from site_builder.plan.routes import Kind, Route
from site_builder.plan.urls import Urls
from tests.helpers import planned

DRAFT = {"releases/2011/2011-04-01-draft.md": "---\ntitle: D\ndate: 2011-04-01\ndraft: true\n---\nD.\n",
         "releases/2010/2010-12-09-warsaw.md": "---\ntitle: Warsaw meeting\ndate: 2010-12-09\naliases: [/old.html]\n---\nT.\n"}


def test_the_sitemap_lists_indexable_pages_with_alternates_and_dates(tmp_path: Path) -> None:
    site = planned(tmp_path, DRAFT)
    root = ET.fromstring(sitemap(site.routes, site.urls))
    entries = {url.findtext(f"{{{SITEMAP}}}loc"): url for url in root}
    assert "https://example.org/releases/2010/warsaw/" in entries
    assert "https://example.org/old.html" not in entries and "https://example.org/404.html" not in entries
    assert not any("draft" in loc for loc in entries)
    release = entries["https://example.org/releases/2010/warsaw/"]
    assert release.findtext(f"{{{SITEMAP}}}lastmod") == "2010-12-09"
    home = entries["https://example.org/"]
    assert [(link.get("hreflang"), link.get("href")) for link in home.iter(f"{{{XHTML}}}link")] == [
        ("en", "https://example.org/"), ("fr", "https://example.org/fr/")]
    assert len(entries) == sum(1 for r in site.routes if r.indexable)


def element_tree_sitemap(routes: Sequence[Route], urls: Urls) -> bytes:
    """The reference: the sitemap as ElementTree writes it (what sitemap() wrote before it was streamed)."""
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for route in routes:
        if route.kind is not Kind.PAGE or not route.indexable:
            continue
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.absolute(route.path)
        release = route.context.get("release")
        if release is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = release.date.isoformat()
        if len(route.alternates) > 1:
            for lang, path in route.alternates:
                ET.SubElement(url, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": lang, "href": urls.absolute(path)})
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def test_the_sitemap_is_what_element_tree_writes(tmp_path: Path) -> None:
    site = planned(tmp_path, DRAFT)
    assert sitemap(site.routes, site.urls) == element_tree_sitemap(site.routes, site.urls)
    one_language = [dataclasses.replace(r, alternates=r.alternates[:1]) for r in site.routes]  # no xhtml namespace
    assert sitemap(one_language, site.urls) == element_tree_sitemap(one_language, site.urls)
    tricky = [dataclasses.replace(r, path=r.path + "?a=1&b=<2>\"'", alternates=tuple((lang + "&\"\t", p + "&<>") for lang, p in r.alternates))
              for r in site.routes]
    assert sitemap(tricky, site.urls) == element_tree_sitemap(tricky, site.urls)
    assert sitemap([], site.urls) == element_tree_sitemap([], site.urls)


def test_robots_points_at_the_sitemap(tmp_path: Path) -> None:
    site = planned(tmp_path)
    assert robots(site.urls) == b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
