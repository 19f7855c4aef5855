"""sitemap.xml and robots.txt from the routes: indexable pages only, with their language versions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from site_builder.output.sitemap import SITEMAP, XHTML, robots, sitemap
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


def test_robots_points_at_the_sitemap(tmp_path: Path) -> None:
    site = planned(tmp_path)
    assert robots(site.urls) == b"User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
