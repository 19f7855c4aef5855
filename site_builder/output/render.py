"""Jinja2, configured once: strict, autoescaped, with the URL helper, i18n strings and filters.

``Renderer.render(route)`` turns one route into bytes and never reads content files; a template
error becomes a diagnostic naming the template, its line and the page being rendered.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import jinja2
from ..content import dates
from . import api, feeds
from ..workers import worker_pool
from ..errors import ContentError, Diagnostic
from ..content.model import Meeting
from ..plan.routes import Route
from ..plan.site import Site

def file_size(size: int, lang: str = "en") -> str:
    """42 KB, 1.2 MB: sizes as readers expect them next to a download link."""
    units = {"en": ("bytes", "KB", "MB"), "fr": ("octets", "Ko", "Mo"), "es": ("bytes", "KB", "MB")}[lang if lang in ("fr", "es") else "en"]
    if size < 1024:
        return f"{size} {units[0]}"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} {units[1]}"
    text = f"{size / (1024 * 1024):.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {units[2]}"


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
        )
        self.env.globals.update(self._globals())
        self.env.filters.update(self._filters())

    def _globals(self) -> dict[str, Any]:
        site, urls = self.site, self.site.urls

        @jinja2.pass_context
        def t(context: jinja2.runtime.Context, key: str) -> str:
            return site.t(key, context["lang"])

        @jinja2.pass_context
        def meeting_title(context: jinja2.runtime.Context, meeting: Meeting) -> str:
            return meeting.title or site.t("meeting_title", context["lang"]).format(number=meeting.number)

        def asset(name: str) -> str:
            return urls.href(site.assets[name].path)

        return {"site": site.views.archive.config, "views": site.views, "urls": urls, "href": urls.href,
                "absolute": urls.absolute, "t": t, "asset": asset, "meeting_title": meeting_title}

    def _filters(self) -> dict[str, Any]:
        @jinja2.pass_context
        def date(context: jinja2.runtime.Context, value: Any) -> str:
            return dates.format_date(value, context["lang"])

        @jinja2.pass_context
        def meeting_dates(context: jinja2.runtime.Context, meeting: Meeting) -> str:
            return dates.format_range(meeting.start, meeting.end, context["lang"])

        @jinja2.pass_context
        def size(context: jinja2.runtime.Context, value: int) -> str:
            return file_size(value, context["lang"])

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
        except KeyError as exc:  # a missing UI string or context key
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
        with worker_pool(jobs, len(chunks), _init_worker, (renderer,)) as pool:
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
