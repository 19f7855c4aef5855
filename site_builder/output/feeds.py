"""Atom feeds (RFC 4287): the site's, and one per mechanism and per topic, in each language.

Feed dates come from the releases themselves (never the build clock), so a rebuild of the same
archive gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Sequence

from ..content import countries
from ..content.model import Release
from ..plan.routes import Route
from ..plan.urls import Urls
from ..plan.views import Views

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 20
EPOCH = dt.date(1970, 1, 1)


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(views: Views, urls: Urls, route: Route) -> bytes:
    """The feed of one route, newest releases first: a mechanism's or a topic's when the route is
    about one, else the whole site's in the route's language."""
    lang, config = route.lang, views.archive.config
    mechanism, topic = route.context.get("mechanism"), route.context.get("topic")
    if mechanism is not None:
        releases = views.about_mechanism(mechanism, lang)
        title, page = f"{config.title}: {mechanism.short}", urls.mechanism(mechanism.id, lang)
    elif topic is not None:
        releases = views.about_topic(topic, lang)
        title, page = f"{config.title}: {topic.title}", urls.topic(topic.id, lang)
    elif "country" in route.context:
        code = route.context["country"]
        releases = views.about_country(code, lang)
        title, page = f"{config.title}: {countries.country_name(code, lang)}", urls.country(code, lang)
    else:
        releases = views.releases(lang)
        title, page = config.title, urls.home(lang)
    return _feed(views, urls, title, page, route.path, lang, releases[:FEED_SIZE])


def _feed(views: Views, urls: Urls, title: str, page: str, path: str, lang: str, releases: Sequence[Release]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    _text(feed, "id", urls.absolute(path))
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(max((r.date for r in releases), default=EPOCH)))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": urls.absolute(path)})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": urls.absolute(page)})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", views.archive.config.title)
    for release in releases:
        feed.append(_entry(views, urls, release))
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def _entry(views: Views, urls: Urls, release: Release) -> ET.Element:
    address = urls.absolute(urls.release(release))
    entry = ET.Element(f"{{{ATOM}}}entry", {"{http://www.w3.org/XML/1998/namespace}lang": release.lang})
    _text(entry, "id", address)
    _text(entry, "title", release.title)
    _text(entry, "published", _stamp(release.date))
    _text(entry, "updated", _stamp(release.date))
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": address})
    for mechanism_id in release.mechanisms:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": mechanism_id, "label": views.mechanisms_by_id[mechanism_id].short})
    for topic_id in release.topics:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": topic_id, "label": views.topics_by_id[topic_id].title})
    for code in release.countries:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": code, "scheme": "urn:iso:std:iso:3166:-1:alpha-2",
                                                     "label": countries.country_name(code, release.lang)})
    _text(entry, "summary", release.summary)
    content = _text(entry, "content", release.body_html)
    content.set("type", "html")
    content.set("{http://www.w3.org/XML/1998/namespace}base", address)
    return entry


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = value
    return element
