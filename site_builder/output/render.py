"""Jinja2, configured once: strict, autoescaped, with the URL helper, i18n strings and filters.

``Renderer.render(route)`` turns one route into bytes and never reads content files; a template
error becomes a diagnostic naming the template, its line and the page being rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import jinja2
from markupsafe import Markup, escape

from ..content import countries, dates, locales
from . import api, citation, feeds, sitemap, structured
from .chunks import Chunk, chunked
from .context import QuickContext, reads_only
from .fragments import Fragments, Notes, Unnoted
from .search import search_input, search_language
from ..workers import in_parallel
from ..errors import ContentError, Diagnostic, grouped
from ..content.model import Attachment, Meeting
from ..plan.routes import Dataset, Kind, PageType, Route
from ..plan.site import Site

def bare_url(url: str) -> str:
    """An address as shown in text, without its scheme: ``www.osce.org/odihr`` (the link keeps it)."""
    return url.replace("https://", "").replace("http://", "")


class Renderer:
    def __init__(self, site: Site, templates: Path, loader: Optional[jinja2.BaseLoader] = None,
                 notes: Optional[Notes] = None, compiled: Optional[Path] = None):
        """``loader`` replaces the plain loader of ``templates`` (the engine's notes which templates a page used);
        ``notes`` is told about reused fragments (the engine's tracker); ``compiled``: a folder where Jinja
        keeps templates compiled (keyed by their source, in the build cache)."""
        self.site = site
        self.templates = templates
        self.fragments = Fragments(notes or Unnoted())
        self._interface: dict[tuple[str, str], Markup] = {}  # (lang, message): the escaped translation
        self.env = jinja2.Environment(
            loader=loader or jinja2.FileSystemLoader(str(templates)),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        )
        self.env.context_class = QuickContext
        self._install_gettext()
        self.env.globals.update(self._globals())
        self.env.filters.update(self._filters())
        self._compile_pages()

    def _compile_pages(self) -> None:
        """Compile the page templates now, in this process: the rendering workers forked later inherit
        them instead of each compiling its own. One that does not compile is left to the page that
        uses it, which reports the error with its line and the page."""
        for name in self.env.list_templates(filter_func=lambda name: "/" not in name and name.endswith(".html")):
            try:
                self.env.get_template(name)
            except jinja2.TemplateError:
                pass

    def _install_gettext(self) -> None:
        """``_()``, ``gettext()`` and ``ngettext()`` in templates, in the language of the page being rendered.

        A translation is text, not markup: it is escaped like any other value (a translator cannot
        add HTML to a page), and the values put into it by ``%(name)s`` are escaped too.
        """
        site = self.site

        @reads_only("lang")
        @jinja2.pass_context
        def gettext(context: jinja2.runtime.Context, message: str) -> str:
            return escape(site.gettext(context["lang"], message))

        @reads_only("lang")
        @jinja2.pass_context
        def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
            return escape(site.ngettext(context["lang"], singular, plural, n))

        self.env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]

        interface = self._interface

        @reads_only("lang")
        @jinja2.pass_context
        def direct_gettext(context: jinja2.runtime.Context, message: str, **variables: Any) -> str:
            """What the newstyle ``_()`` does (always a format string), in one call instead of three:
            a page asks for some twenty strings, and the indirection was a fifth of a release page's time.
            Each string is looked up and escaped once per language (``interface``). A string with
            nothing to format is returned as it is (``%`` on markup escapes every value first: half
            the call's time, for a string that has no ``%`` in it)."""
            lang = context["lang"]
            text = interface.get((lang, message))
            if text is None:
                text = interface[lang, message] = escape(site.gettext(lang, message))
            return text % variables if variables or "%" in text else text

        self.env.globals["_"] = self.env.globals["gettext"] = direct_gettext

    def new_plan(self) -> None:
        """Fragments are valid for one plan (the dev server keeps its renderer across plans)."""
        self.fragments.clear()
        self._interface.clear()

    def forget_fragments(self) -> None:
        """No list page is left for this process to render: its fragments, and their memory, go."""
        self.fragments.forget()

    def _translate(self, message: str, lang: str) -> str:
        """An interface string (its English msgid) in ``lang``, for what Python writes into pages."""
        return self.site.gettext(lang, message)

    def _globals(self) -> dict[str, Any]:
        site, urls = self.site, self.site.urls

        @reads_only("lang")
        @jinja2.pass_context
        def meeting_title(context: jinja2.runtime.Context, meeting: Meeting) -> str:
            return structured.meeting_title(meeting, self._translate, context["lang"])

        def language_name(code: str, in_lang: Optional[str] = None) -> str:
            """A language's name: in itself (menus), or as a word of a sentence in ``in_lang``."""
            return locales.language_name_in_text(code, in_lang) if in_lang else locales.language_name(code)

        @reads_only("lang")
        @jinja2.pass_context
        def country_name(context: jinja2.runtime.Context, code: str) -> str:
            return countries.country_name(code, context["lang"])

        @reads_only("lang")
        @jinja2.pass_context
        def region_name(context: jinja2.runtime.Context, region: str) -> str:
            return countries.region_name(region, context["lang"])

        @reads_only("lang")
        @jinja2.pass_context
        def by_country_name(context: jinja2.runtime.Context, codes: Sequence[str]) -> list[str]:
            """Country codes in the order of their names in the page's language."""
            return sorted(codes, key=lambda code: countries.country_name(code, context["lang"]).casefold())

        def attachment_text(attachment: Attachment) -> str:
            """The text of a PDF attachment, for the search index only (see plan/pdftext.py)."""
            return site.attachment_texts.get(attachment.path, "")

        def asset(name: str) -> str:
            return urls.href(site.assets[name].path)

        return {"site": site.views.archive.config, "views": site.views, "urls": urls, "href": urls.href,
                "absolute": urls.absolute, "asset": asset, "meeting_title": meeting_title,
                "language_name": language_name, "text_direction": locales.text_direction, "PageType": PageType,
                "country_name": country_name, "region_name": region_name, "country_region": countries.region_of,
                "by_country_name": by_country_name, "attachment_text": attachment_text,
                "open_graph_locale": locales.open_graph_locale, "fragment": self.fragments.fragment,
                "each_fragment": self.fragments.each}

    def _filters(self) -> dict[str, Any]:
        formatted: dict[tuple[dt.date, str], str] = {}  # a day in a language: asked by every list showing it

        @jinja2.pass_context
        def date(context: jinja2.runtime.Context, value: Any) -> str:
            """A day as ``dates.format_date`` writes it (Babel takes some 35 µs; a release's day is
            written on its page and in each of its list items)."""
            lang = context["lang"]
            if type(value) is not dt.date:
                return dates.format_date(value, lang)
            text = formatted.get((value, lang))
            if text is None:
                text = formatted[(value, lang)] = dates.format_date(value, lang)
            return text

        @jinja2.pass_context
        def meeting_dates(context: jinja2.runtime.Context, meeting: Meeting) -> str:
            return dates.format_range(meeting.start, meeting.end, context["lang"])

        @jinja2.pass_context
        def size(context: jinja2.runtime.Context, value: int) -> str:
            return locales.file_size(value, context["lang"])

        @jinja2.pass_context
        def month(context: jinja2.runtime.Context, value: Any) -> str:
            """A day's month and year, for list headings: "February 2015", "febrero de 2015"."""
            return dates.FuzzyDate(value.year, value.month).describe(context["lang"])

        return {"date": date, "meeting_dates": meeting_dates, "filesize": size, "month": month, "bare_url": bare_url}

    def render(self, route: Route) -> bytes:
        """One route to bytes; template problems raise ContentError with the template's line."""
        try:
            return self._produce(route)
        except jinja2.TemplateError as exc:
            raise ContentError([self._template_problem(exc, route)]) from None
        except KeyError as exc:  # a missing context key
            raise ContentError([self._template_problem(exc, route)]) from None

    def _produce(self, route: Route) -> bytes:
        """Each kind of output from its producer, given only what that producer reads."""
        views, urls = self.site.views, self.site.urls
        match route.kind:
            case Kind.PAGE | Kind.REDIRECT:
                json_ld = structured.structured_data(views, urls, self._translate, route)
                cited = citation.cite(route.context["release"], views, urls, self._translate) \
                    if route.page == PageType.RELEASE else None
                page = self.env.get_template(route.template).render(route=route, structured=json_ld, citation=cited,
                                                                    **route.context)
                return page.encode("utf-8")
            case Kind.FEED:
                return feeds.atom(views, urls, route)
            case Kind.BYTES:
                return route.data
            case Kind.DATA:
                match route.dataset:
                    case Dataset.RELEASES:
                        return api.releases_json(views, urls, self._translate)
                    case Dataset.MEETINGS:
                        return api.meetings_json(views, urls)
                    case Dataset.MECHANISMS:
                        return api.mechanisms_json(views, urls)
                    case Dataset.COUNTRIES:
                        return api.countries_json(views, urls)
                    case Dataset.SEARCH_FILTERS:
                        return api.search_filters(views, urls, route.lang)
                    case Dataset.SITEMAP:
                        return sitemap.sitemap(self.site.routes, urls)
                    case Dataset.ROBOTS:
                        return sitemap.robots(urls)
        raise TypeError(f"{route.kind} route /{route.path} is not rendered (copies are copied by the writer)")

    def _template_problem(self, exc: Exception, route: Route) -> Diagnostic:
        name, line = route.template or "?", 0
        if isinstance(exc, jinja2.TemplateSyntaxError):
            name, line = exc.name or name, exc.lineno
        else:
            for frame in traceback.extract_tb(exc.__traceback__):
                if frame.filename.startswith(str(self.templates)):
                    name, line = Path(frame.filename).relative_to(self.templates).as_posix(), frame.lineno or 0
        if isinstance(exc, jinja2.TemplateError) and exc.message:
            message = exc.message
        elif isinstance(exc, KeyError):
            message = f"unknown name {exc.args[0]!r}" if exc.args and " " not in str(exc.args[0]) else str(exc.args[0])
        else:
            message = str(exc)
        return Diagnostic(f"templates/{name}", line, message, pages=(f"/{route.path}",), code="template-error")


# --- parallel, streaming rendering -----------------------------------------------------------
# A process pool (fork) inherits the render function; each worker writes the files it renders
# straight into the staging folder and hands back only a small record per file, so no process
# ever holds the whole site. Each file is written by exactly one worker, from the same plan, so
# --jobs N gives exactly the bytes of --jobs 1.

RenderOne = Callable[[Route], tuple[bytes, Any]]  # bytes, and what the caller wants to note (or None)
SEARCHABLE = b"data-pagefind-body"  # a page the search index reads


@dataclass(frozen=True)
class Written:
    """One rendered file as the caller needs it afterwards: never its bytes."""

    file: str
    size: int
    mtime_ns: int
    inode: int
    digest: bytes  # BLAKE2b of the bytes
    searchable: bool  # a page the search index reads
    note: Any = None  # what ``render_one`` returned besides the bytes (the engine's fingerprint)
    language: str = ""  # a searchable page's language, as the search index files it
    search_digest: bytes = b""  # BLAKE2b of a searchable page's search input (what the index reads of it)


_job: Optional[tuple[RenderOne, tuple[Route, ...], Path, Callable[[], None]]] = None  # per worker process, never shared


def _init_worker(render_one: RenderOne, routes: tuple[Route, ...], stage: Path, forget: Callable[[], None]) -> None:
    global _job
    _job = (render_one, routes, stage, forget)


def _render_chunk(chunk: Chunk) -> tuple[list[Written], list[Diagnostic]]:
    assert _job is not None
    render_one, routes, stage, forget = _job
    if chunk.lists_done_there:
        forget()
    return _render_routes(render_one, [routes[i] for i in chunk.indices], stage)


def _render_routes(render_one: RenderOne, routes: Sequence[Route], stage: Path) -> tuple[list[Written], list[Diagnostic]]:
    out: list[Written] = []
    problems: list[Diagnostic] = []
    made: set[str] = set()
    for route in routes:
        try:
            data, note = render_one(route)
        except ContentError as exc:
            problems.extend(exc.diagnostics)
            continue
        out.append(write_file(stage, route.output_file, data, note, made))
    return out, problems


def write_file(stage: Path, file: str, data: bytes, note: Any = None, made: Optional[set[str]] = None) -> Written:
    """Write one output (its place was reserved with the writer) and describe it.

    A page the search index reads is described by the language and digest of its search input,
    here where its bytes are at hand (the indexer reads the input back only for a shard it redoes).
    Paths are joined as strings (``file`` uses forward slashes): 18,000 pages at 10,000 releases.
    ``made``: the folders (relative to ``stage``) this process made or found already.
    """
    folder = file.rpartition("/")[0]
    target = f"{stage}/{file}"
    if made is None or folder not in made:
        os.makedirs(f"{stage}/{folder}" if folder else stage, exist_ok=True)
        if made is not None:
            made.add(folder)
    with open(target, "wb") as stream:
        stream.write(data)
        stream.flush()  # the mtime noted is the file's final one
        stat = os.fstat(stream.fileno())
    extracted = search_input(data) if file.endswith(".html") and SEARCHABLE in data else None
    return Written(file, len(data), stat.st_mtime_ns, stat.st_ino, hashlib.blake2b(data, digest_size=16).digest(),
                   extracted is not None, note, *_search_note(extracted))


def _search_note(extracted: Optional[bytes]) -> tuple[str, bytes]:
    """The language and digest of a page's search input: a page whose input is unchanged (only its
    navigation changed, say) leaves its shard of the index as it was."""
    if extracted is None:
        return "", b""
    return search_language(extracted), hashlib.blake2b(extracted, digest_size=16).digest()


def render_to(render_one: RenderOne, routes: tuple[Route, ...], indices: Sequence[int], stage: Path,
              jobs: int, take: Callable[[list[Written]], None], forget: Callable[[], None] = lambda: None) -> None:
    """Render ``routes[i]`` for each index into ``stage``, giving the outputs to ``take`` chunk by chunk,
    in order, as they are written (their notes are digested as they come, see ``in_parallel``);
    raise ContentError with every template problem. ``forget`` is called in a process that has no
    list page left to render (see chunks.py)."""
    workers = jobs if len(indices) >= 8 else 1
    size = max(4, min(200, len(indices) // (workers * 4))) if workers > 1 else 200
    chunks, lanes = chunked(routes, indices, workers, size)
    problems: list[Diagnostic] = []

    def here(chunk: Chunk) -> tuple[list[Written], list[Diagnostic]]:
        if chunk.lists_done_here:
            forget()
        return _render_routes(render_one, [routes[i] for i in chunk.indices], stage)

    def taken(result: tuple[list[Written], list[Diagnostic]]) -> None:
        problems.extend(result[1])
        take(result[0])
    in_parallel(workers, chunks, here, _render_chunk, _init_worker, (render_one, routes, stage, forget), taken,
                lanes or None)
    if problems:
        raise ContentError(grouped(problems))


def plain(renderer: Renderer) -> RenderOne:
    """Render with nothing noted: a build without the cache."""
    def render_one(route: Route) -> tuple[bytes, Any]:
        return renderer.render(route), None
    return render_one

