"""Open data and files for machines: api/*.json, sitemap.xml, robots.txt.

JSON is written with sorted keys and a fixed indent: the same archive gives the same bytes.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any, Callable

from ..plan.routes import Route
from ..plan.site import Site

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def produce(site: Site, route: Route) -> bytes:
    """The bytes of one data route, by its producer name."""
    producers: dict[str, Callable[[Site], bytes]] = {
        "releases_json": releases_json, "meetings_json": meetings_json, "mechanisms_json": mechanisms_json,
        "sitemap": sitemap, "robots": robots,
    }
    if route.template == "search_filters":
        return search_filters(site, route.lang)
    return producers[route.template](site)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def releases_json(site: Site) -> bytes:
    """Every published release in every language, newest first."""
    urls, views = site.urls, site.views
    items = []
    for release in views.published:
        translations = views.release_translations.get(release.source, (release,))
        items.append({
            "title": release.title, "date": release.date.isoformat(), "place": release.place,
            "kind": release.kind, "lang": release.lang, "slug": release.slug,
            "url": urls.absolute(urls.release(release)), "summary": release.summary,
            "meetings": list(release.meetings), "mechanisms": list(release.mechanisms), "topics": list(release.topics),
            "translations": {t.lang: urls.absolute(urls.release(t)) for t in translations if t is not release},
            "attachments": [{"title": a.title, "url": urls.absolute(urls.attachment(release, a)), "size": a.size,
                             "type": a.extension} for a in release.attachments],
            "contacts": [{"org": c.org, "name": c.name, "phone": c.phone} for c in release.contacts],
            "draft": release.draft,
        })
    return _json({"releases": items})


def meetings_json(site: Site) -> bytes:
    """The timeline, oldest first; ``start`` keeps the precision the editors gave."""
    urls, views = site.urls, site.views
    lang = views.archive.config.default_language
    items = [{
        "number": m.number, "title": m.title, "start": m.start.iso(), "precision": m.start.precision,
        "end": m.end.isoformat() if m.end else None, "status": m.status, "city": m.city, "country": m.country,
        "host": m.host, "participants": list(m.participants), "sources": list(m.sources),
        "url": urls.absolute(urls.meeting(m, lang)),
        "releases": [urls.absolute(urls.release(r)) for r in views.published if m.number in r.meetings],
    } for m in views.timeline]
    return _json({"meetings": items})


def mechanisms_json(site: Site) -> bytes:
    urls, views = site.urls, site.views
    lang = views.archive.config.default_language
    items = [{
        "id": m.id, "name": m.name, "short": m.short, "aliases": list(m.aliases), "organisation": m.organisation,
        "scope": m.scope, "region": m.region, "established": m.established, "website": m.url,
        "mandate_holders": [{"name": h.name, "from": h.start, "to": h.end} for h in m.mandate_holders],
        "sources": list(m.sources), "url": urls.absolute(urls.mechanism(m.id, lang)),
        "feed": urls.absolute(urls.mechanism_feed(m.id, lang)),
    } for m in views.mechanisms]
    return _json({"mechanisms": items})


def search_filters(site: Site, lang: str) -> bytes:
    """What the search page filters on, per release of one language tree (Pagefind's own filter
    files are not byte-stable between builds, so the search page filters with this file instead)."""
    urls, views = site.urls, site.views
    items = [{"url": urls.href(urls.release(r)), "title": r.title, "date": r.date.isoformat(), "year": r.year,
              "lang": r.lang, "mechanisms": list(r.mechanisms), "topics": list(r.topics)}
             for r in views.releases(lang)]
    return (json.dumps({"releases": items}, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def sitemap(site: Site) -> bytes:
    """Every indexable page, with its language versions as xhtml:link alternates."""
    urls = site.urls
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for route in site.routes:
        if route.kind != "page" or not route.indexable:
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


def robots(site: Site) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.urls.absolute('sitemap.xml')}\n".encode("utf-8")
