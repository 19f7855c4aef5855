"""The dev server's site in memory, brought up to date by kind of change, byte-identical to a build.

Between saves the session keeps:

- the parsed files (``documents.Documents``: in memory by path and stamp, and in the build cache
  by content, so the first build of a session is as warm as ``build``): a save re-parses one file;
- the file list, patched from the watcher's changes instead of walking content/ again;
- for every output file, its last rendered bytes and *what rendering it read* (see ``tracking``): each question a
  template or feed asked the site's ``Views`` ("the neighbours of this release", "the releases of
  this mechanism in French", "the mechanism with id oif") with the answer it got.

After a change the site is planned again (views and routes: cheap) and an output is rendered again
only if its route changed, the templates changed, or one of the questions it asked now has a
different answer. That is sound whatever the templates read, because templates can only reach
the archive through their route's context and ``views``, and both are compared. Rendering is lazy:
the page a browser asks for is brought up to date first, the rest in the background, so one save
costs a re-parse, a re-plan and the pages that actually changed.

Nothing here writes to disk; ``everything()`` gives the whole site, byte for byte what ``build`` writes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, cast

from .changes import DOCUMENT_KIND, SETTINGS_KIND, TEMPLATE_KIND, ChangeSet
from ..content.discover import SourceFile, classify, discover, stamp_of
from ..errors import ContentError, Diagnostic, grouped
from ..content.model import Archive, SiteConfig
from ..content.read import read_published_file
from ..content.archive import read_settings
from ..options import Options
from ..plan.patch import Patchable
from ..plan.site import Site, Theme, load_theme, plan_site
from ..output.render import Renderer
from ..plan.routes import Route
from .documents import Documents
from .store import Store
from .tracking import Key, Tracker, TrackedObject, TrackedRoutes, same
from ..plan.views import Views

log = logging.getLogger("site_builder.serve")
PATCHABLE_KINDS = frozenset({DOCUMENT_KIND, TEMPLATE_KIND})  # changes after which the plan may be patched


@dataclass
class Output:
    """One output file: its route, its last bytes and what rendering them read."""

    route: Route
    data: Optional[bytes] = None  # the last good bytes, kept to show under an error
    reads: Optional[dict[Key, Any]] = None  # None: must be rendered
    theme: int = -1  # the templates generation it was rendered with
    checked: int = -1  # the plan generation at which it was known up to date (or failed)
    problems: list[Diagnostic] = field(default_factory=list)  # template errors of its last render


@dataclass(frozen=True)
class Rebuilt:
    """What one rebuild did, for the console and the benchmark."""

    ok: bool
    seconds: float
    kinds: tuple[str, ...]
    reparsed: int  # files parsed again
    problems: tuple[Diagnostic, ...] = ()
    patched: bool = False  # the previous plan was patched (only release bodies changed), not made again


class Session:
    """The site of one ``serve``: rebuilt by kind of change, rendered on demand, kept in memory."""

    def __init__(self, options: Options):
        self.options = options
        store = Store.open(options.cache_dir, log.warning) if options.cache_dir is not None else None
        if store is not None:
            store.tidy()  # each session that parses a file leaves a pack, as each build does
        self.documents = Documents(options, store, in_memory=True)
        self.sources: dict[str, SourceFile] = {}
        self.source_problems: list[Diagnostic] = []
        self.theme: Optional[Theme] = None
        self.theme_generation = 0
        self.tracker = Tracker()
        self.renderer: Optional[Renderer] = None
        self.config: Optional[SiteConfig] = None
        self.archive: Optional[Archive] = None
        self.plan: Optional[Patchable] = None  # the last good plan, patched when only release texts change
        self.routes: dict[str, Route] = {}  # output file -> route, of the last good plan
        self.outputs: dict[str, Output] = {}
        self.generation = 0  # bumped by each good plan
        self.problems: list[Diagnostic] = []  # why the last rebuild could not be used (empty: it was)
        self._todo: list[str] = []  # outputs the background pass has still to bring up to date
        self.moved: dict[str, str] = {}  # old output file -> new one, for pages whose address changed
        self._pages: dict[tuple[str, str, str], Optional[str]] = {}  # (source, template, lang) -> its page
        self._failed: set[str] = set()  # outputs whose last render met a template error
        self._stale_renderer = False  # templates or theme changed since the renderer was made

    # --- rebuilding ----------------------------------------------------------------------------

    def rebuild(self, changes: Optional[ChangeSet] = None) -> Rebuilt:
        """Bring the plan up to date with the disk; ``None`` means from scratch.

        By kind: site settings re-read everything; templates re-render everything without
        re-parsing; a document re-parses that file; another file (static, attachment) is
        copied as is, and the releases that attach files are checked again. On a content
        error the last good site stays in place and ``problems`` says why.
        """
        started = time.perf_counter()
        kinds = tuple(sorted(changes.kinds)) if changes is not None else ("everything",)
        self.documents.parsed = 0
        try:
            self._update_sources(changes)
            if changes is None or SETTINGS_KIND in changes.kinds or TEMPLATE_KIND in changes.kinds:
                self.theme = None
            if self.theme is None:
                self.theme = load_theme(self.options)
                self._stale_renderer = True  # until a rebuild succeeds: one that fails keeps the old renderer
            # a document's key covers the settings and its attachments: no need to forget any by hand
            archive = self.documents.archive(read_settings(self.options), self._source_list(),
                                             list(self.source_problems))
            # only release texts changed, and the theme is the plan's (a template edit leaves it so): patch.
            # Not after a change of another file: an attachment's new text is read by planning only
            patched = self.plan.patch(archive) if self.plan is not None and changes is not None \
                and changes.kinds <= PATCHABLE_KINDS and self.theme == self.plan.theme else None
            site = patched.site if patched is not None else plan_site(archive, self.options, self.theme)
        except ContentError as exc:
            self.problems = list(exc.diagnostics)
            return Rebuilt(False, time.perf_counter() - started, kinds, self.documents.parsed, tuple(self.problems))
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the server; it is shown like an error
            log.exception("internal error while rebuilding")
            self.problems = [Diagnostic("(serve)", 0, f"internal error while rebuilding: {exc!r}",
                                        "save again; if it stays, stop serve and run: python build.py check",
                                        code="internal-error")]
            return Rebuilt(False, time.perf_counter() - started, kinds, 0, tuple(self.problems))
        pdf_changed = self.renderer is not None and self.renderer.site.attachment_texts != site.attachment_texts
        self._commit(archive, site, new_renderer=self._stale_renderer or self.renderer is None or archive.config != self.config
                     or pdf_changed,  # a PDF's text is in its release page (search): rare, so render all
                     plan=patched)
        return Rebuilt(True, time.perf_counter() - started, kinds, self.documents.parsed, patched=patched is not None)

    def _update_sources(self, changes: Optional[ChangeSet]) -> None:
        """The file list: walked once, then patched with the watcher's changes."""
        content = self.options.content
        if changes is None or not self.sources and not self.source_problems or self._involves_links(changes):
            found, problems = discover(content)
            self.sources = {s.rel: s for s in found}
            self.source_problems = problems
            return
        for change in changes.changes:
            if change.root != "content":
                continue
            path = content / change.rel
            try:
                stat = path.stat()
            except OSError:
                self.sources.pop(change.rel, None)
                inside = change.rel + "/"  # a folder moved away: the watcher names only the folder
                for rel in [rel for rel in self.sources if rel.startswith(inside)]:
                    del self.sources[rel]
                continue
            if path.is_file():
                self.sources[change.rel] = SourceFile(classify(change.rel), change.rel, path, stamp_of(stat))
            else:
                self.sources.pop(change.rel, None)

    def _involves_links(self, changes: ChangeSet) -> bool:
        """A symbolic link anywhere on a changed path: walk everything again, with discover's rules."""
        content = self.options.content
        for change in changes.changes:
            if change.root != "content":
                continue
            path = content / change.rel
            while path != content:
                if path.is_symlink():
                    return True
                path = path.parent
        return bool(self.source_problems)  # a link problem may be gone: look again

    def _source_list(self) -> list[SourceFile]:
        return [self.sources[rel] for rel in sorted(self.sources)]

    def _commit(self, archive: Archive, site: Site, new_renderer: bool, plan: Optional[Patchable] = None) -> None:
        """Make a checked plan the current one; outputs are brought up to date lazily.

        ``plan``: ``site`` is the previous plan patched, with the same output files: no page moved.
        """
        routes = site.routes
        self.tracker.reset(site.views, routes)
        if new_renderer:  # templates or settings changed: a new Jinja environment, every output to render
            self.theme_generation += 1
            tracked = Site(cast(Views, TrackedObject(self.tracker)), site.urls, site.translations, site.assets,
                           cast(tuple[Route, ...], TrackedRoutes(self.tracker)), site.catalogs, site.attachment_texts)
            self.renderer = Renderer(tracked, self.options.templates, notes=self.tracker)
            self._stale_renderer = False
        if self.renderer is not None:
            self.renderer.new_plan()
        self.archive, self.config, self.plan = archive, archive.config, plan or Patchable(site)
        self.generation += 1
        files = {route.output_file: route for route in routes}
        if plan is None:
            self._note_moves(files)
            self.outputs = {file: self.outputs.get(file) or Output(route) for file, route in files.items()}
        self.routes = files
        self.problems = []
        self._todo = sorted(self.routes, reverse=True)  # popped from the end: in file order

    def _note_moves(self, files: dict[str, Route]) -> None:
        """A page whose address changed (a new date, slug or file name): the old address leads to the new.

        The browser of an editor who just changed the date of the release on screen reloads the old
        address; the server then redirects it instead of showing "not found".
        """
        index: dict[tuple[str, str, str], Optional[str]] = {}
        for file, route in files.items():
            if route.kind == "page" and route.source != "site":
                key = (route.source, route.template, route.lang)
                index[key] = None if key in index else file  # a file with several pages: no single answer
        for key, old_file in self._pages.items():
            new_file = index.get(key)
            if old_file is not None and new_file is not None and new_file != old_file and old_file not in files:
                self.moved[old_file] = new_file
        for old_file in [f for f in self.moved if f in files]:  # the address is in use again
            del self.moved[old_file]
        self._pages = index

    def moved_to(self, file: str) -> Optional[str]:
        """Where a page that was at ``file`` is now, if it moved during this session."""
        seen = set()
        while file in self.moved and file not in seen:
            seen.add(file)
            file = self.moved[file]
        return file if seen and file in self.routes else None

    # --- outputs -------------------------------------------------------------------------------

    def output(self, file: str) -> Optional[Output]:
        """The output for a site-relative file, brought up to date (rendered only if needed)."""
        out = self.outputs.get(file)
        if out is None:
            return None
        if out.checked == self.generation:
            return out
        route = self.routes[file]
        if route.kind == "copy" or self._still_valid(out, route):
            out.route, out.checked = route, self.generation
            return out
        self._render(out, route)
        return out

    def _still_valid(self, out: Output, route: Route) -> bool:
        if out.reads is None or out.theme != self.theme_generation:
            return False
        if not (out.route == route and same(out.route.context, route.context)):
            return False
        fresh: dict[Key, Any] = {}
        for key, old in out.reads.items():
            try:
                new = self.tracker.answer(key)
            except Exception:  # noqa: BLE001 - e.g. the neighbours of a release that is gone
                return False
            if not same(old, new):
                return False
            fresh[key] = new
        out.reads = fresh  # the same answers, from this plan: old objects can be freed
        return True

    def _render(self, out: Output, route: Route) -> None:
        assert self.renderer is not None
        self.tracker.begin()
        try:
            data = self.renderer.render(route)
            reads = self.tracker.end()
        except Exception:  # noqa: BLE001 - maybe our stand-ins: say nothing until the plain views fail too
            self.tracker.end()
            reads = None  # rendered without tracking: rendered again after every change
            self.tracker.raw = True
            try:
                data = self.renderer.render(route)
            except ContentError as exc:  # a real template error, as build would report it
                out.reads, out.checked, out.problems = None, self.generation, list(exc.diagnostics)
                self._failed.add(route.output_file)
                return
            except Exception as exc:  # noqa: BLE001 - shown in the browser, never a dead server
                log.exception("internal error while rendering /%s", route.path)
                out.reads, out.checked = None, self.generation
                self._failed.add(route.output_file)
                out.problems = [Diagnostic(f"templates/{route.template or route.kind}", 0,
                                           f"internal error while rendering /{route.path}: {exc!r}", code="internal-error")]
                return
            finally:
                self.tracker.raw = False
        out.data, out.reads, out.theme, out.route = data, reads, self.theme_generation, route
        out.checked, out.problems = self.generation, []

    def data(self, file: str) -> Optional[bytes]:
        """The bytes of an output as build writes them (a copied file is read from disk)."""
        out = self.output(file)
        if out is None:
            return None
        if out.route.kind == "copy":
            # never a path that became a link out of content/ or a named pipe since it was checked
            static = self.options.content / "static"
            return read_published_file(out.route.file, static if out.route.source.startswith("static/") else self.options.content)
        return out.data

    def refresh(self, budget: float) -> bool:
        """Bring outputs up to date for about ``budget`` seconds; True when all are (the background pass)."""
        deadline = time.perf_counter() + budget
        while self._todo:
            file = self._todo.pop()
            if file in self.outputs:
                self.output(file)
            if time.perf_counter() > deadline:
                break
        if not self._todo and self.plan is not None:
            self.plan.prepare()  # so that the next save's patch does not wait for it
        return not self._todo

    def everything(self) -> dict[str, bytes]:
        """Every output file and its bytes: what ``build`` would write (tests and the benchmark)."""
        result = {}
        for file in sorted(self.routes):
            data = self.data(file)
            if data is not None:
                result[file] = data
        return result

    def diagnostics(self) -> list[Diagnostic]:
        """What the browser shows: content errors of the last rebuild, then template errors, grouped.

        Template errors are those met while rendering for the current plan (on request or by the
        background pass), so a fixed template stops being reported as soon as the pages are rendered.
        """
        rendered: list[Diagnostic] = []
        for file in list(self._failed):
            out = self.outputs.get(file)
            if out is None or not out.problems:
                self._failed.discard(file)
                continue
            if out.checked != self.generation:  # rendered for an older plan: known again once rendered now
                continue
            rendered.extend(out.problems)
        return sorted(self.problems) + grouped(rendered)
