"""What ``serve`` adds to the pages it serves (never to ``build`` output): the live-reload script,
a "draft" banner, and a panel with the problems of the site and the warnings of the page's file.

The panel lists each problem as ``check`` prints it (file and line, message) with its fix, so an editor
looking at the browser never needs the terminal. Its styles are inline: it must look the same over
any design, and over a page whose stylesheet is what broke.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Optional

from ..errors import Diagnostic
from ..messages import CATALOGUE
from ..content.model import Archive, Meeting, Page, Release
from ..content.lint import MentionFinder, lonely_translation_keys, meeting_mentions, release_mentions, scheduled
from ..plan.routes import PageType, Route

PANEL_ITEMS = 30  # problems listed in the browser; the terminal has them all

# the snippet livereload's own server injects: livereload.js from this host and port
LIVERELOAD_SCRIPT = ('<script>(function(){var s=document.createElement("script");'
                     'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
                     's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
                     'document.head.appendChild(s);})();</script>')


def decorate(page: bytes, errors: list[Diagnostic], warnings: list[Diagnostic], draft: bool, content: str) -> bytes:
    """The served page: a draft banner, the problems panel if any, the reload script, before ``</body>``."""
    snippet = ((DRAFT_BANNER if draft else "") + panel(errors, warnings, content) + LIVERELOAD_SCRIPT).encode("utf-8")
    at = page.rfind(b"</body>")
    return page[:at] + snippet + page[at:] if at >= 0 else page + snippet


def problem_page(path: str, errors: list[Diagnostic], content: str) -> bytes:
    """A page that has no good version yet: the problems alone (and the reload script)."""
    title = html.escape(f"/{path}" if path else "This page")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Problems: {title}</title></head>'
            f"<body><h1>{title}</h1><p>This page has no good version yet.</p>{panel(errors, [], content)}"
            f"{LIVERELOAD_SCRIPT}</body></html>").encode("utf-8")


def panel(errors: list[Diagnostic], warnings: list[Diagnostic], content: str) -> str:
    """Errors (red: the site was not rebuilt) or else the page's warnings (yellow); nothing if neither."""
    if not errors and not warnings:
        return ""
    shown = (errors + warnings)[:PANEL_ITEMS]
    items = [_item(problem, content) for problem in shown]
    hidden = len(errors) + len(warnings) - len(shown)
    if hidden:
        items.append(f'<li style="list-style:none">... and {hidden} more, all printed in the terminal where serve runs</li>')
    if errors:
        head = (f'<strong style="color:#b00020">{len(errors)} error{"s" if len(errors) != 1 else ""}</strong>: '
                "you are seeing the last good version of this page. It updates by itself when you save a fix.")
        border, background, role = "#b00020", "#fff4f4", "alert"
    else:
        head = ('<strong style="color:#8a5a00">Check will warn about this page</strong> '
                "(the site is built; <code>python build.py check --strict</code> would fail).")
        border, background, role = "#c98a00", "#fffaf0", "status"
    return (f'<aside id="serve-problems" role="{role}" aria-label="Problems found by the dev server" style="position:fixed;'
            f'left:0;right:0;bottom:0;z-index:2147483647;max-height:55vh;overflow:auto;margin:0;padding:.75rem 1.25rem;'
            f'background:{background};color:#1a1a1a;border-top:4px solid {border};font:15px/1.45 system-ui,sans-serif;'
            f'text-align:left;box-shadow:0 -2px 12px rgba(0,0,0,.25)">'
            f'<button type="button" onclick="this.parentNode.remove()" aria-label="Hide" style="float:right;'
            f'font:inherit;cursor:pointer">Hide</button><p style="margin:0">{head}</p>'
            f'<ol style="margin:.25rem 0 0;padding-left:1.5rem">{"".join(items)}</ol></aside>')


def _item(problem: Diagnostic, content: str) -> str:
    fix = problem.hint or (CATALOGUE[problem.code].fix if problem.code in CATALOGUE else "")
    colour = "#b00020" if problem.is_error else "#8a5a00"
    return (f'<li style="margin:.35rem 0"><code style="font:13px/1.4 ui-monospace,monospace;background:#fff;'
            f'padding:0 .25rem">{html.escape(problem.shown_path(content))}:{problem.line}</code> '
            f'<strong style="color:{colour}">{problem.severity}:</strong> {html.escape(problem.text)}'
            + (f'<br><span style="color:#333">Fix: {html.escape(fix)}</span>' if fix else "") + "</li>")


DRAFT_BANNER = ('<p id="serve-draft" role="status" style="position:fixed;top:0;left:50%;transform:translateX(-50%);'
                'z-index:2147483646;margin:0;padding:.3rem .9rem;background:#333;color:#fff;'
                'font:600 14px/1.4 system-ui,sans-serif;border-radius:0 0 .4rem .4rem">Draft: shown by serve only; '
                'build publishes it once you remove <code style="color:#fff">draft: true</code></p>')


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
