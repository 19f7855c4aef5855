"""Every output of the site as a ``Route``: where it goes, what makes it, and which file caused it.

Routes are computed before anything is rendered, so two files that would produce the same URL
are reported (naming both) before a single byte is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from enum import StrEnum
from typing import Any, Optional, Sequence

from .assets import Asset
from ..errors import Diagnostic
from ..content.model import Page, Release
from .urls import Urls
from .views import Views

ROBOTS = "robots.txt"


class Kind(StrEnum):
    """How an output is made."""

    PAGE = "page"  # an HTML page rendered from its template
    REDIRECT = "redirect"  # an old address: a tiny page sending readers to the new one
    FEED = "feed"  # an Atom feed (output/feeds)
    DATA = "data"  # a machine-readable file (output/api, output/sitemap)
    COPY = "copy"  # a file of content/ copied as it is
    BYTES = "bytes"  # bytes known when planning (the theme's hashed assets)


class PageType(StrEnum):
    """What an HTML page shows. Its template is ``<value>.html``; templates ask the page type, never
    the template's file name, what the page is (its menu section, its Open Graph type)."""

    HOME = "home"
    RELEASES = "releases"
    YEAR = "year"
    RELEASE = "release"
    MEETINGS = "meetings"
    MEETING = "meeting"
    MECHANISMS = "mechanisms"
    MECHANISM = "mechanism"
    TOPICS = "topics"
    TOPIC = "topic"
    COUNTRIES = "countries"
    COUNTRY = "country"
    SEARCH = "search"
    PAGE = "page"
    NOT_FOUND = "404"
    REDIRECT = "redirect"

    @property
    def template(self) -> str:
        return f"{self.value}.html"

    @property
    def section(self) -> str:
        """The entry of the site menu this page belongs to ("" for none)."""
        return SECTIONS.get(self, "")


SECTIONS = {
    PageType.RELEASES: "releases", PageType.YEAR: "releases", PageType.RELEASE: "releases",
    PageType.MEETINGS: "meetings", PageType.MEETING: "meetings", PageType.MECHANISMS: "mechanisms",
    PageType.MECHANISM: "mechanisms", PageType.TOPICS: "topics", PageType.TOPIC: "topics", PageType.SEARCH: "search",
    PageType.COUNTRIES: "countries", PageType.COUNTRY: "countries",
}


class Dataset(StrEnum):
    """Which machine-readable file a data route is."""

    RELEASES = "releases"
    MEETINGS = "meetings"
    MECHANISMS = "mechanisms"
    COUNTRIES = "countries"
    SEARCH_FILTERS = "search filters"
    SITEMAP = "sitemap"
    ROBOTS = "robots"


@dataclass(frozen=True)
class Route:
    path: str  # site-relative URL path: "releases/2010/renewed-commitment/" or "feed.xml"
    kind: Kind
    page: Optional[PageType] = None  # page and redirect: what the page shows
    dataset: Optional[Dataset] = None  # data: which file
    context: dict[str, Any] = field(default_factory=dict, compare=False)
    source: str = ""  # the content file (or "site") responsible for this output
    line: int = 0
    lang: str = ""
    alternates: tuple[tuple[str, str], ...] = ()  # (lang, path) of every language version, for hreflang
    indexable: bool = False  # listed in the sitemap
    file: str = ""  # copy: the file on disk
    data: bytes = b""  # bytes: the content itself

    @cached_property
    def output_file(self) -> str:
        """The file it is written to (asked by the sort, the collision checks and the writer: computed once)."""
        return Urls.file_for(self.path)

    @property
    def template(self) -> str:
        """The Jinja template of a page or redirect ("" for other outputs)."""
        return self.page.template if self.page is not None else ""


def build_routes(views: Views, urls: Urls, assets: dict[str, Asset]) -> list[Route]:
    """The whole URL table of SPEC.md for every language, plus files, aliases and assets."""
    config = views.archive.config
    routes: list[Route] = []
    for lang in config.languages:
        routes += _language_tree(views, urls, lang)
    routes += _release_routes(views, urls)
    routes += _page_routes(views, urls)
    routes += [
        Route("404.html", Kind.PAGE, PageType.NOT_FOUND, context={"lang": config.default_language}, source="site",
              lang=config.default_language),
        Route("sitemap.xml", Kind.DATA, dataset=Dataset.SITEMAP, source="site"),
        Route(ROBOTS, Kind.DATA, dataset=Dataset.ROBOTS, source="site"),
        Route("api/releases.json", Kind.DATA, dataset=Dataset.RELEASES, source="site"),
        Route("api/meetings.json", Kind.DATA, dataset=Dataset.MEETINGS, source="site"),
        Route("api/mechanisms.json", Kind.DATA, dataset=Dataset.MECHANISMS, source="site"),
        Route("api/countries.json", Kind.DATA, dataset=Dataset.COUNTRIES, source="site"),
    ]
    routes += [Route(urls.static(s.source), Kind.COPY, source=s.source, file=s.path) for s in views.archive.statics]
    routes += [Route(a.path, Kind.BYTES, source="templates/static/" + a.name, data=a.data) for a in assets.values()]
    return sorted(routes, key=lambda r: r.output_file)


def _everywhere(urls: Urls, languages: Sequence[str], path_in: Any) -> tuple[tuple[str, str], ...]:
    """Alternates of a page that exists in every language tree."""
    return tuple((lang, path_in(lang)) for lang in languages)


def _language_tree(views: Views, urls: Urls, lang: str) -> list[Route]:
    """The pages every language has: home, lists, timeline, mechanisms, topics, feeds."""
    langs = views.archive.config.languages

    def page(path: str, page_type: PageType, context: dict[str, Any], alternates: tuple[tuple[str, str], ...]) -> Route:
        return Route(path, Kind.PAGE, page_type, context={"lang": lang, **context}, source="site", lang=lang,
                     alternates=alternates, indexable=True)

    routes = [
        page(urls.home(lang), PageType.HOME, {}, _everywhere(urls, langs, urls.home)),
        page(urls.meetings(lang), PageType.MEETINGS, {}, _everywhere(urls, langs, urls.meetings)),
        page(urls.mechanisms(lang), PageType.MECHANISMS, {}, _everywhere(urls, langs, urls.mechanisms)),
        page(urls.topics(lang), PageType.TOPICS, {}, _everywhere(urls, langs, urls.topics)),
        page(urls.countries(lang), PageType.COUNTRIES, {}, _everywhere(urls, langs, urls.countries)),
        page(urls.search(lang), PageType.SEARCH, {}, _everywhere(urls, langs, urls.search)),
        Route(urls.search(lang) + "filters.json", Kind.DATA, dataset=Dataset.SEARCH_FILTERS, context={"lang": lang},
              source="site", lang=lang),
        Route(urls.feed(lang), Kind.FEED, context={"lang": lang}, source="site", lang=lang),
    ]
    for chunk in views.pagination(lang):
        routes.append(page(urls.releases(lang, chunk.number), PageType.RELEASES, {"chunk": chunk},
                           _everywhere(urls, langs, lambda code: urls.releases(code, chunk.number))))
    for year, releases in views.years(lang).items():
        routes.append(page(urls.year(lang, year), PageType.YEAR, {"year": year, "releases": releases},
                           tuple((code, urls.year(code, year)) for code in langs)))
    for meeting in views.timeline:
        routes.append(Route(urls.meeting(meeting, lang), Kind.PAGE, PageType.MEETING,
                            context={"lang": lang, "meeting": meeting}, source=meeting.source, lang=lang, indexable=True,
                            alternates=_everywhere(urls, langs, lambda code: urls.meeting(meeting, code))))
    for mechanism in views.mechanisms:
        for chunk in views.subject_pages("mechanism", mechanism.id, lang):
            alternates = _everywhere(urls, langs, lambda code: urls.paged(urls.mechanism(mechanism.id, code), chunk.number))
            routes.append(Route(urls.paged(urls.mechanism(mechanism.id, lang), chunk.number), Kind.PAGE, PageType.MECHANISM,
                                context={"lang": lang, "mechanism": mechanism, "chunk": chunk}, source=mechanism.source,
                                lang=lang, alternates=alternates, indexable=True))
        routes.append(Route(urls.mechanism_feed(mechanism.id, lang), Kind.FEED,
                            context={"lang": lang, "mechanism": mechanism}, source=mechanism.source, lang=lang))
    for topic in views.topics:
        for chunk in views.subject_pages("topic", topic.id, lang):
            alternates = _everywhere(urls, langs, lambda code: urls.paged(urls.topic(topic.id, code), chunk.number))
            routes.append(Route(urls.paged(urls.topic(topic.id, lang), chunk.number), Kind.PAGE, PageType.TOPIC,
                                context={"lang": lang, "topic": topic, "chunk": chunk}, source="topics.yaml",
                                line=topic.line, lang=lang, alternates=alternates, indexable=True))
        routes.append(Route(urls.topic_feed(topic.id, lang), Kind.FEED, context={"lang": lang, "topic": topic},
                            source="topics.yaml", line=topic.line, lang=lang))
    for code in views.countries:
        for chunk in views.subject_pages("country", code, lang):
            alternates = _everywhere(urls, langs, lambda other: urls.paged(urls.country(code, other), chunk.number))
            routes.append(Route(urls.paged(urls.country(code, lang), chunk.number), Kind.PAGE, PageType.COUNTRY,
                                context={"lang": lang, "country": code, "chunk": chunk}, source="site", lang=lang,
                                alternates=alternates, indexable=True))
        routes.append(Route(urls.country_feed(code, lang), Kind.FEED, context={"lang": lang, "country": code},
                            source="site", lang=lang))
    return routes


def _release_routes(views: Views, urls: Urls) -> list[Route]:
    routes = []
    for release in views.published:
        translations = views.release_translations.get(release.source, (release,))
        alternates = tuple((t.lang, urls.release(t)) for t in translations)
        routes.append(Route(urls.release(release), Kind.PAGE, PageType.RELEASE, context={"lang": release.lang, "release": release},
                            source=release.source, line=release.lines.exact("slug"),
                            lang=release.lang, alternates=alternates, indexable=not release.draft))
        for attachment in release.attachments:
            if not attachment.file.startswith("static/"):
                routes.append(Route(urls.attachment(release, attachment), Kind.COPY, source=release.source,
                                    line=release.lines.at("attachments"),
                                    file=attachment.path))
        routes += _aliases(release, urls.release(release), urls)
    return routes


def _page_routes(views: Views, urls: Urls) -> list[Route]:
    routes = []
    for page in views.pages:
        translations = views.page_translations.get(page.source, (page,))
        routes.append(Route(urls.page(page), Kind.PAGE, PageType.PAGE, context={"lang": page.lang, "page": page},
                            source=page.source, line=page.lines.exact("slug"),
                            lang=page.lang, alternates=tuple((t.lang, urls.page(t)) for t in translations),
                            indexable=not page.draft))
        routes += _aliases(page, urls.page(page), urls)
    return routes


def _aliases(document: Release | Page, target: str, urls: Urls) -> list[Route]:
    """An old address becomes a tiny page that redirects to the new one."""
    return [Route(urls.alias(alias), Kind.REDIRECT, PageType.REDIRECT, context={"lang": document.lang, "target": target},
                  source=document.source, line=document.lines.at("aliases", index), lang=document.lang)
            for index, alias in enumerate(document.aliases)]


RESERVED = ("pagefind/",)  # written by the search indexer after rendering


def find_collisions(routes: Sequence[Route]) -> list[Diagnostic]:
    """Two outputs for one file: each responsible file is named, with the other one."""
    by_file: dict[str, list[Route]] = defaultdict(list)
    problems = []
    files = [(route.output_file, route) for route in routes]  # each computed once: 30,000 routes at 10,000 releases
    for file, route in files:
        by_file[file].append(route)
        if file.startswith(RESERVED):
            problems.append(Diagnostic(route.source, route.line, f"/{route.path} is reserved for the search index",
                                       "give the file or page another name", code="duplicate-url"))
    for output, group in sorted((output, group) for output, group in by_file.items() if len(group) > 1):
        for route in group:
            if route.source == "site":
                continue  # a built-in page cannot move: the content file that collides with it is reported
            others = sorted({"a built-in page of the site" if r.source == "site" else r.source
                             for r in group if r is not route})
            shown = "/" + output.removesuffix("index.html")
            problems.append(Diagnostic(route.source, route.line,
                                       f"the URL {shown} is also produced by {' and '.join(others)}",
                                       "give one of them another slug, alias or file name", code="duplicate-url"))
    problems += _file_and_folder(files) + _too_long(files)
    return sorted(set(problems))


def _file_and_folder(files: Sequence[tuple[str, Route]]) -> list[Diagnostic]:
    """A file whose name is a folder of other outputs (``/feed.xml/`` as an alias, ``static/releases``).

    A built-in output never moves: the content file that collides with it is blamed, once.
    """
    by_file = dict(files)
    under: dict[str, list[Route]] = defaultdict(list)
    for output, route in files:
        end = output.find("/")
        while end != -1:  # each folder the file is in: "a", "a/b", ...
            if output[:end] in by_file:
                under[output[:end]].append(route)
            end = output.find("/", end + 1)
    problems = []
    for name, group in sorted(under.items()):
        file = by_file[name]
        if file.source == "site":
            culprits = [r for r in group if r.source != "site"]
        elif any(r.source == "site" for r in group):
            culprits = [file]
        else:
            culprits = [file, *group]
        for culprit in culprits:
            problems.append(Diagnostic(culprit.source, culprit.line,
                                       f"/{name} would be both a file and a folder (/{group[0].path})",
                                       "give the file, slug or alias another name", code="duplicate-url"))
    return problems


MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; room is kept for temporary names
MAX_PATH_BYTES = 1000


def _too_long(files: Sequence[tuple[str, Route]]) -> list[Diagnostic]:
    """Names no file system can hold are refused here, by ``check`` too, not met by the writer."""
    problems = []
    for file, route in files:
        if len(file) * 4 <= MAX_NAME_BYTES or (len(file) <= MAX_NAME_BYTES and file.isascii()):
            continue  # it fits: UTF-8 takes at most 4 bytes a character, and ASCII one
        longest = max(len(part.encode("utf-8")) for part in file.split("/"))
        if longest > MAX_NAME_BYTES or len(file.encode("utf-8")) > MAX_PATH_BYTES:
            problems.append(Diagnostic(route.source, route.line,
                                       f"the address /{route.path[:60]}... is too long to be saved as a file",
                                       f"keep each part of an address under {MAX_NAME_BYTES} characters "
                                       f"and the whole under {MAX_PATH_BYTES}", code="path-too-long"))
    return problems
