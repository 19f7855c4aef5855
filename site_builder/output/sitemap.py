"""Files for search engines: sitemap.xml (every indexable page, with its language versions) and
robots.txt (which points to it)."""

from __future__ import annotations

from typing import Sequence

from ..plan.routes import Kind, Route
from ..plan.urls import Urls

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(routes: Sequence[Route], urls: Urls) -> bytes:
    """Every indexable page, with its language versions as xhtml:link alternates.

    Written line by line (ElementTree took 0.7 s for the 20,000 entries of a 10,000-release site, and
    a one-edit build writes the sitemap again); the bytes are those of ElementTree's ``indent`` and
    ``tostring`` (tests/output/test_sitemap.py builds both from the same routes and compares them).
    """
    lines: list[str] = []
    alternates = False
    for route in routes:
        if route.kind is not Kind.PAGE or not route.indexable:
            continue
        lines.append("  <url>")
        lines.append(f"    <loc>{_text(urls.absolute(route.path))}</loc>")
        release = route.context.get("release")
        if release is not None:
            lines.append(f"    <lastmod>{release.date.isoformat()}</lastmod>")
        if len(route.alternates) > 1:
            alternates = True
            lines.extend(f'    <xhtml:link rel="alternate" hreflang="{_attribute(lang)}" href="{_attribute(urls.absolute(path))}" />'
                         for lang, path in route.alternates)
        lines.append("  </url>")
    namespaces = f'xmlns="{SITEMAP}"' + (f' xmlns:xhtml="{XHTML}"' if alternates else "")
    head = "<?xml version='1.0' encoding='utf-8'?>\n"
    if not lines:
        return (head + f"<urlset {namespaces} />\n").encode("utf-8")
    return (head + f"<urlset {namespaces}>\n" + "\n".join(lines) + "\n</urlset>\n").encode("utf-8")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode("utf-8")
