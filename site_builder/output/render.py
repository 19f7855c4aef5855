"""Jinja2, configured once: strict, autoescaped, with the URL helper, i18n strings and filters.

``Renderer.render(route)`` turns one route into bytes and never reads content files; a template
error becomes a diagnostic naming the template, its line and the page being rendered.
"""

from __future__ import annotations

import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import escape

from ..content import dates, locales
from . import api, feeds
from ..errors import ContentError, Diagnostic
from ..content.model import Meeting
from ..plan.routes import Route
from ..plan.site import Site

def N_(message: str) -> str:
    """Marks a string for ``pybabel extract`` (gettext_noop); it is translated where it is used."""
    return message


MEETING_TITLE = N_("Inter-mechanisms meeting %(number)s")


class Renderer:
    def __init__(self, site: Site, templates: Path):
        self.site = site
        self.templates = templates
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=["jinja2.ext.i18n"],
        )
        self._install_gettext()
        self.env.globals.update(self._globals())
        self.env.filters.update(self._filters())

    def _install_gettext(self) -> None:
        """``_()``, ``gettext()`` and ``ngettext()`` in templates, in the language of the page being rendered.

        A translation is text, not markup: it is escaped like any other value (a translator cannot
        add HTML to a page), and the values put into it by ``%(name)s`` are escaped too.
        """
        site = self.site

        @jinja2.pass_context
        def gettext(context: jinja2.runtime.Context, message: str) -> str:
            return escape(site.gettext(context["lang"], message))

        @jinja2.pass_context
        def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
            return escape(site.ngettext(context["lang"], singular, plural, n))

        self.env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]

    def _globals(self) -> dict[str, Any]:
        site, urls = self.site, self.site.urls

        @jinja2.pass_context
        def meeting_title(context: jinja2.runtime.Context, meeting: Meeting) -> str:
            if meeting.title:
                return meeting.title
            return site.gettext(context["lang"], MEETING_TITLE) % {"number": meeting.number}

        def language_name(code: str, in_lang: Optional[str] = None) -> str:
            """A language's name: in itself (menus), or as a word of a sentence in ``in_lang``."""
            return locales.language_name_in_text(code, in_lang) if in_lang else locales.language_name(code)

        def asset(name: str) -> str:
            return urls.href(site.assets[name].path)

        return {"site": site.views.archive.config, "views": site.views, "urls": urls, "href": urls.href,
                "absolute": urls.absolute, "asset": asset, "meeting_title": meeting_title,
                "language_name": language_name, "text_direction": locales.text_direction}

    def _filters(self) -> dict[str, Any]:
        @jinja2.pass_context
        def date(context: jinja2.runtime.Context, value: Any) -> str:
            return dates.format_date(value, context["lang"])

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

        return {"date": date, "meeting_dates": meeting_dates, "filesize": size, "month": month}

    def render(self, route: Route) -> bytes:
        """One route to bytes; template problems raise ContentError with the template's line."""
        try:
            if route.kind in ("page", "redirect"):
                html = self.env.get_template(route.template).render(route=route, **route.context)
                return html.encode("utf-8")
            if route.kind == "feed":
                return feeds.atom(self.site, route)
            if route.kind == "data":
                return api.produce(self.site, route)
            if route.kind == "bytes":
                return route.data
        except jinja2.TemplateError as exc:
            raise ContentError([self._template_problem(exc, route)]) from None
        except KeyError as exc:  # a missing context key
            raise ContentError([self._template_problem(exc, route)]) from None
        raise ValueError(f"cannot render a route of kind {route.kind}")

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
        return Diagnostic(f"templates/{name}", line, f"{message} (while rendering /{route.path})",
                          code="template-error")


# --- parallel rendering --------------------------------------------------------------------
# A process pool (fork) inherits the renderer; each worker returns (file, bytes) and the parent
# writes in sorted order, so --jobs N gives exactly the bytes of --jobs 1.

_worker: Optional[Renderer] = None  # set once per worker process by _init_worker, never shared


def _init_worker(renderer: Renderer) -> None:
    global _worker
    _worker = renderer


def _render_chunk(indices: list[int]) -> tuple[list[tuple[str, bytes]], list[Diagnostic]]:
    assert _worker is not None
    return _render_routes(_worker, [_worker.site.routes[i] for i in indices])


def _render_routes(renderer: Renderer, routes: list[Route]) -> tuple[list[tuple[str, bytes]], list[Diagnostic]]:
    out: list[tuple[str, bytes]] = []
    problems: list[Diagnostic] = []
    for route in routes:
        try:
            out.append((route.output_file, renderer.render(route)))
        except ContentError as exc:
            problems.extend(exc.diagnostics)
    return out, problems


def render_all(renderer: Renderer, jobs: int) -> list[tuple[str, bytes]]:
    """Render every route except copies; raise ContentError with every template problem."""
    indices = [i for i, r in enumerate(renderer.site.routes) if r.kind != "copy"]
    if jobs <= 1 or len(indices) < 64:
        out, problems = _render_routes(renderer, [renderer.site.routes[i] for i in indices])
    else:
        size = max(16, len(indices) // (jobs * 4))
        chunks = [indices[i:i + size] for i in range(0, len(indices), size)]
        out, problems = [], []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"),
                                 initializer=_init_worker, initargs=(renderer,)) as pool:
            for chunk_out, chunk_problems in pool.map(_render_chunk, chunks):
                out.extend(chunk_out)
                problems.extend(chunk_problems)
    if problems:
        raise ContentError(_grouped(problems))
    return out


def _grouped(problems: list[Diagnostic]) -> list[Diagnostic]:
    """One template mistake breaks many pages: report it once, naming the first page and a count."""
    pages: dict[tuple[str, int, str], list[str]] = {}
    for problem in problems:
        message, _, page = problem.message.rpartition(" (while rendering ")
        pages.setdefault((problem.path, problem.line, message), []).append(page.rstrip(")"))
    result = []
    for (path, line, message), shown in pages.items():
        shown = sorted(shown)
        more = f" and {len(shown) - 1} other page{'s' if len(shown) > 2 else ''}" if len(shown) > 1 else ""
        result.append(Diagnostic(path, line, f"{message} (while rendering {shown[0]}{more})", code="template-error"))
    return sorted(result)
