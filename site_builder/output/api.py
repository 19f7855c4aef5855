"""Open data: api/releases.json, api/meetings.json, api/mechanisms.json, api/countries.json, and each language's
search/filters.json (what the search page filters on).

JSON is written with sorted keys and a fixed indent: the same archive gives the same bytes. orjson
writes exactly what ``json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)`` writes (tested),
sixteen times faster: the standard library has no C encoder for indented JSON, and api/releases.json
is 22 MB at 10,000 releases (0.9 s of a one-edit build, now 0.05 s).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Optional, Sequence

import orjson

from ..content import countries
from ..content.model import Release
from ..plan.urls import Urls
from ..plan.views import Views
from . import citation


def _json(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def _compact_json(data: Any) -> bytes:
    """``json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``'s bytes (tested)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def releases_json(views: Views, urls: Urls, translate: Optional[citation.Translate] = None) -> bytes:
    """Every published release in every language, newest first, each with its CSL-JSON (``csl``);
    ``translate`` gives the Observatory's name in each release's language (default: the English msgid)."""
    translate = translate or (lambda message, lang: message)
    items = []
    for release in views.published:
        translations = views.release_translations.get(release.source, (release,))
        items.append({
            "title": release.title, "date": release.date.isoformat(), "place": release.place,
            "kind": release.kind, "lang": release.lang, "slug": release.slug,
            "url": urls.absolute(urls.release(release)), "summary": release.summary,
            "meetings": list(release.meetings), "mechanisms": list(release.mechanisms), "topics": list(release.topics),
            "countries": list(release.countries),
            "translations": {t.lang: urls.absolute(urls.release(t)) for t in translations if t is not release},
            "attachments": [{"title": a.title, "url": urls.absolute(urls.attachment(release, a)), "size": a.size,
                             "type": a.extension} for a in release.attachments],
            "contacts": [{"org": c.org, "name": c.name, "phone": c.phone} for c in release.contacts],
            "draft": release.draft, "csl": citation.csl_json(release, views, urls, translate),
        })
    return _json({"releases": items})


def meetings_json(views: Views, urls: Urls) -> bytes:
    """The timeline, oldest first; ``start`` keeps the precision the editors gave."""
    lang = views.archive.config.default_language
    about = _addresses_by(views, urls, lambda release: release.meetings)
    items = [{
        "number": m.number, "title": m.title, "start": m.start.iso(), "precision": m.start.precision,
        "end": m.end.isoformat() if m.end else None, "status": m.status, "city": m.city, "country": m.country,
        "host": m.host, "participants": list(m.participants), "sources": list(m.sources),
        "url": urls.absolute(urls.meeting(m, lang)),
        "releases": about.get(m.number, []),
    } for m in views.timeline]
    return _json({"meetings": items})


def mechanisms_json(views: Views, urls: Urls) -> bytes:
    lang = views.archive.config.default_language
    items = [{
        "id": m.id, "name": m.name, "short": m.short, "aliases": list(m.aliases), "organisation": m.organisation,
        "scope": m.scope, "region": m.region, "established": m.established, "website": m.url,
        "mandate_holders": [{"name": h.name, "from": h.start, "to": h.end} for h in m.mandate_holders],
        "sources": list(m.sources), "url": urls.absolute(urls.mechanism(m.id, lang)),
        "feed": urls.absolute(urls.mechanism_feed(m.id, lang)),
    } for m in views.mechanisms]
    return _json({"mechanisms": items})


def countries_json(views: Views, urls: Urls) -> bytes:
    """The countries releases are about: ISO code, names in every site language, continent, pages."""
    languages = views.archive.config.languages
    about = _addresses_by(views, urls, lambda release: release.countries)
    items = [{
        "code": code, "names": {lang: countries.country_name(code, lang) for lang in languages},
        "region": countries.region_of(code),
        "url": {lang: urls.absolute(urls.country(code, lang)) for lang in languages},
        "feed": {lang: urls.absolute(urls.country_feed(code, lang)) for lang in languages},
        "releases": about.get(code, []),
    } for code in views.countries]
    return _json({"countries": items})


def _addresses_by(views: Views, urls: Urls, keys: Callable[[Release], Sequence[str]]) -> dict[str, list[str]]:
    """Each key's published releases (their addresses, newest first), in one pass over the archive
    (asking each meeting or country to scan every release was 1.6 million checks at 10,000)."""
    about: dict[str, list[str]] = defaultdict(list)
    for release in views.published:
        address = urls.absolute(urls.release(release))
        for key in dict.fromkeys(keys(release)):
            about[key].append(address)
    return about


def search_filters(views: Views, urls: Urls, lang: str) -> bytes:
    """What the search page filters on, per release of one language tree (Pagefind's own filter
    files are not byte-stable between builds, so the search page filters with this file instead)."""
    items = [{"url": urls.href(urls.release(r)), "title": r.title, "date": r.date.isoformat(), "year": r.year,
              "lang": r.lang, "mechanisms": list(r.mechanisms), "topics": list(r.topics), "countries": list(r.countries)}
             for r in views.releases(lang)]
    return _compact_json({"releases": items})
