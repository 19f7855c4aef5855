"""Files for search engines: sitemap.xml (every indexable page, with its language versions) and
robots.txt (which points to it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence

from ..plan.routes import Kind, Route
from ..plan.urls import Urls

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(routes: Sequence[Route], urls: Urls) -> bytes:
    """Every indexable page, with its language versions as xhtml:link alternates."""
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


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode("utf-8")
