"""What ``serve`` adds to the pages it serves (never to ``build`` output): the live-reload script,
a "draft" banner, and a panel with the problems of the site and the warnings of the page's file.

The panel lists each problem as ``check`` prints it (file and line, message) with its fix, so an editor
looking at the browser never needs the terminal. The HTML is in serve/templates/ (autoescaped); its
styles are inline: it must look the same over any design, and over a page whose stylesheet is what broke.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from ..errors import Diagnostic
from ..messages import CATALOGUE
from ..content.model import Archive, Meeting, Page, Release
from ..content.lint import MentionFinder, lonely_translation_keys, meeting_mentions, release_mentions, scheduled
from ..plan.routes import PageType, Route

PANEL_ITEMS = 30  # problems listed in the browser; the terminal has them all

# the snippet livereload's own server injects: livereload.js from this host and port
LIVERELOAD_SCRIPT = Markup('<script>(function(){var s=document.createElement("script");'
                           'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
                           's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
                           'document.head.appendChild(s);})();</script>')

# The panels' own templates (serve/templates/), autoescaped: a message can never become markup.
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def decorate(page: bytes, errors: list[Diagnostic], warnings: list[Diagnostic], draft: bool, content: str) -> bytes:
    """The served page: a draft banner, the problems panel if any, the reload script, before ``</body>``."""
    banner = Markup(TEMPLATES.get_template("draft_banner.html").render()) if draft else Markup()
    snippet = (banner + panel(errors, warnings, content) + LIVERELOAD_SCRIPT).encode("utf-8")
    at = page.rfind(b"</body>")
    return page[:at] + snippet + page[at:] if at >= 0 else page + snippet


def problem_page(path: str, errors: list[Diagnostic], content: str) -> bytes:
    """A page that has no good version yet: the problems alone (and the reload script)."""
    return TEMPLATES.get_template("problem_page.html").render(
        title=f"/{path}" if path else "This page", panel=panel(errors, [], content),
        livereload=LIVERELOAD_SCRIPT).encode("utf-8")


def panel(errors: list[Diagnostic], warnings: list[Diagnostic], content: str) -> Markup:
    """Errors (red: the site was not rebuilt) or else the page's warnings (yellow); nothing if neither."""
    if not errors and not warnings:
        return Markup()
    shown = (errors + warnings)[:PANEL_ITEMS]
    return Markup(TEMPLATES.get_template("panel.html").render(
        errors=errors, shown=shown, hidden=len(errors) + len(warnings) - len(shown), content=content, fix=fix_of))


def fix_of(problem: Diagnostic) -> str:
    """The problem's hint, else the catalogue's fix for its code."""
    return problem.hint or (CATALOGUE[problem.code].fix if problem.code in CATALOGUE else "")


def is_draft(route: Optional[Route]) -> bool:
    document = route.context.get("release") or route.context.get("page") if route is not None else None
    return bool(getattr(document, "draft", False))


class PageWarnings:
    """The warnings ``check`` gives for the file behind a release or meeting page (one file: cheap)."""

    def __init__(self) -> None:
        self._finder: Optional[tuple[Any, MentionFinder]] = None

    def __call__(self, route: Optional[Route], archive: Optional[Archive], today: Optional[dt.date] = None) -> list[Diagnostic]:
        if route is None or archive is None or route.page not in (PageType.RELEASE, PageType.MEETING):
            return []
        document = route.context.get("release") or route.context.get("meeting")
        # what loading noted about this file's text (HTML removed, embeds shown as links...)
        noted = [w for w in archive.warnings if document is not None and w.path == document.source]
        if isinstance(document, Meeting):
            return sorted(meeting_mentions(document, self.finder(archive)) + noted)
        if not isinstance(document, Release):
            return []
        found = release_mentions(document, self.finder(archive)) + scheduled([document], today or dt.date.today()) + noted
        if document.translation_key:
            documents: list[Release | Page] = [*archive.releases, *archive.pages]
            others = [d for d in documents if d.translation_key == document.translation_key]
            found += lonely_translation_keys(others) if len(others) == 1 else []
        return sorted(found)

    def finder(self, archive: Archive) -> MentionFinder:
        """One finder per set of mechanisms (built again only when a mechanism changed)."""
        if self._finder is None or self._finder[0] != archive.mechanisms:
            self._finder = (archive.mechanisms, MentionFinder(archive.mechanisms))
        return self._finder[1]
