"""``serve``: build, serve, rebuild what a save changed, reload the browser (livereload).

A thin shell around ``incremental.Session`` (MkDocs' ``_build_loop`` and Zola's ``serve`` are the
models): one watcher (OS file events, ``watch.py``) on content/ (which holds the settings, site.yaml and
topics.yaml) and templates/ reports a burst of saves once it settles; this rebuilds by kind of change and
tells the browsers to reload through livereload's protocol (its WebSocket handler and livereload.js).

The site is served from memory, with the address of this server as ``base_url`` (keeping the path of
site.yaml's, so a link that forgets the base path shows up here) and with drafts, marked as drafts.
Only in served pages, never in ``build`` output, this module adds the live-reload script, a
"draft" banner and, when the last save broke something, a panel listing each problem (file, line,
message, fix) over the last good version of the page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import json
import logging
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, TextIO
from urllib.parse import quote, unquote, urlsplit

import tornado.web
from livereload.handlers import LiveReloadJSHandler
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError

from ..collector import paused
from ..engine.changes import SETTINGS_KIND, ChangeSet
from ..content.config import load_site_config
from ..errors import ContentError, Diagnostic, UsageError
from ..engine.session import Session
from .http import MAX_BODY, MAX_HEADERS, ReloadSocket, Response, SiteHandler, content_type, log_request
from .panels import PageWarnings, decorate, is_draft, problem_page
from ..options import Options
from ..output.search import SearchIndexError, index_site, search_inputs
from ..plan.routes import Kind
from ..plan.urls import Urls
from ..output.writer import Writer, check_output_folder
from .watch import Watcher

BACKGROUND_SLICE = 0.02  # seconds of background rendering between two looks at the network
SEARCH_PAUSE = 5.0  # seconds between two search indexes (each one is a Pagefind run over the whole site)
BACKGROUND_DELAY = 0.5  # after a rebuild, first answer the browser's reload, then finish the rest


class DevServer:
    """One ``serve``: a session, a watcher, an HTTP server; ``running()`` runs one in a thread."""

    def __init__(self, options: Options, host: str = "127.0.0.1", port: int = 8000,
                 mirror: Optional[Path] = None, out: TextIO = sys.stdout, quiet: float = 0.03,
                 freeze_heap: bool = False):
        self.options = options
        self.host = host
        self.port = port
        self.mirror = mirror  # --output: where the finished site is also written, when asked for
        self.out = out
        self.quiet = quiet  # seconds without a file event before a burst of saves is rebuilt
        self.freeze_heap = freeze_heap  # the command line: one server per process, for hours
        self.page_warnings = PageWarnings()
        self.browsers: set[ReloadSocket] = set()
        self.sockets: list[socket.socket] = []
        self.session: Optional[Session] = None
        self.watcher: Optional[Watcher] = None
        self.loop: Optional[IOLoop] = None
        self.http: Optional[HTTPServer] = None
        self.base_path = "/"
        self.closed = False
        self._background = False
        self._shown: frozenset[tuple[str, int, str]] = frozenset()
        self._mirrored = -1
        self.search_files: dict[str, bytes] = {}  # pagefind/..., made on another thread when the site is quiet
        self._indexing = False
        self._indexed = -1
        self._index_after = 0.0
        self._index_timer: Any = None
        self.last_rebuild: Optional[float] = None  # perf_counter() when the last rebuild finished

    # --- life cycle ------------------------------------------------------------------------------

    def listen(self) -> None:
        """Bind the port now, so a busy port is a clear usage error before anything is built."""
        try:
            self.sockets = bind_sockets(self.port, self.host, family=socket.AF_INET if ":" not in self.host else socket.AF_UNSPEC)
        except OSError as exc:
            raise UsageError(f"cannot serve on {self.host}:{self.port}: {exc.strerror or exc}; "
                             f"is another serve running? try --port {self.port + 1}") from None
        self.port = self.sockets[0].getsockname()[1]
        if self.mirror is not None:
            check_output_folder(self.mirror, self.options.content, Path.cwd())

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else ("[::1]" if self.host == "::" else self.host)
        host = f"[{host}]" if ":" in host and not host.startswith("[") else host
        return f"http://{host}:{self.port}"

    def prepare(self) -> None:
        """Read and plan the whole archive (on the calling thread: parsing may fork worker processes)."""
        self.options = dataclasses.replace(self.options, base_url=self._local_base_url())
        self.base_path = urlsplit(self.options.base_url or "/").path or "/"
        self.session = Session(self.options)
        started = time.perf_counter()
        first = self.session.rebuild()
        self.last_rebuild = time.perf_counter()
        self._say(f"Serving {self.url}{self.base_path} (drafts {'shown' if self.options.drafts else 'hidden'}); "
                  f"read and planned {len(self.session.routes)} files in {time.perf_counter() - started:.2f}s; Ctrl-C stops")
        if not first.ok:
            self._report_problems()
        if self.freeze_heap:
            collect_garbage_now()
        self.watcher = Watcher({"content": self.options.content, "templates": self.options.templates},
                               self._burst_seen, quiet=self.quiet)

    def start(self) -> None:
        """Serve and watch; call on the thread that runs the IOLoop, after ``prepare``."""
        assert self.session is not None and self.watcher is not None
        self.loop = IOLoop.current()
        app = tornado.web.Application([
            (r"/livereload", ReloadSocket, {"browsers": self.browsers, "port": self.port}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/.*", SiteHandler, {"server": self}),
        ], log_function=log_request)
        self.http = HTTPServer(app, max_header_size=MAX_HEADERS, max_body_size=MAX_BODY)
        self.http.add_sockets(self.sockets)
        self._shown = self._problem_keys()
        self._schedule_background()
        self.watcher.start()

    def close(self) -> None:
        """Stop serving and watching (on the IOLoop's thread)."""
        self.closed = True
        if self.watcher is not None:
            self.watcher.stop()
        for browser in list(self.browsers):
            browser.close()
        if self.http is not None:
            self.http.stop()
        for sock in self.sockets:
            sock.close()

    def serve_forever(self) -> None:
        """The command line: run until Ctrl-C."""
        self.listen()
        self.prepare()
        self.start()
        assert self.loop is not None
        try:
            self.loop.start()
        except KeyboardInterrupt:
            self._say("stopped")
        finally:
            self.close()

    # --- watching and rebuilding -------------------------------------------------------------------

    def _burst_seen(self, burst: ChangeSet) -> None:
        """On the watcher's thread: hand the burst to the event loop, which does all the work."""
        if self.loop is not None and not self.closed:
            self.loop.add_callback(self._on_burst, burst)

    def _on_burst(self, burst: ChangeSet) -> None:
        if self.closed:
            return
        try:
            self.rebuild(burst)
        except Exception:  # noqa: BLE001 - never let a bug stop the watching
            logging.getLogger("site_builder.serve").exception("while rebuilding after a change")

    def rebuild(self, burst: ChangeSet) -> None:
        """One coalesced burst of saves: rebuild by kind, reload the browsers, finish in the background."""
        assert self.session is not None
        if SETTINGS_KIND in burst.kinds:
            base_url = self._local_base_url()
            if base_url != self.session.options.base_url:  # site.yaml's base path changed
                self.options = self.session.options = dataclasses.replace(self.session.options, base_url=base_url)
                self.base_path = urlsplit(base_url).path or "/"
        with self._collection_paused():
            report = self.session.rebuild(burst)
        self.last_rebuild = time.perf_counter()
        what = burst.describe()
        if report.ok:
            self._say(f"{what}: rebuilt in {report.seconds * 1000:.0f} ms")
        else:
            self._say(f"{what}: not rebuilt, the last good site is still served")
            self._report_problems()
        self._shown = self._problem_keys()
        self.reload_browsers()
        self._schedule_background(BACKGROUND_DELAY)

    @contextlib.contextmanager
    def _collection_paused(self) -> Iterator[None]:
        """No full garbage collection in the middle of a rebuild (a fifth of it at 5,000 releases): a
        rebuild allocates enough to trigger one, and it would walk the previous plan, still alive. The
        collection runs once the site is up to date (``collect_garbage_now``), while nobody waits."""
        if not self.freeze_heap:
            yield
            return
        with paused():
            yield

    def reload_browsers(self) -> None:
        """Tell every connected browser to reload (the livereload protocol's ``reload`` command)."""
        message = json.dumps({"command": "reload", "path": self.base_path, "liveCSS": False, "liveImg": False})
        for browser in list(self.browsers):
            try:
                browser.write_message(message)
            except WebSocketClosedError:
                self.browsers.discard(browser)

    def _schedule_background(self, delay: float = 0.0) -> None:
        if not self._background and self.loop is not None and not self.closed:
            self._background = True
            self.loop.call_later(delay, self._background_step)

    def _background_step(self) -> None:
        """Render what is out of date, a slice at a time; then report new template errors, mirror."""
        assert self.session is not None
        self._background = False
        if self.closed:
            return
        if not self.session.refresh(BACKGROUND_SLICE):
            self._schedule_background()
            return
        if self.freeze_heap:
            collect_garbage_now()
        keys = self._problem_keys()
        if keys != self._shown:
            self._shown = keys
            if keys:
                self._report_problems()
            else:
                self._say("all problems fixed")
            self.reload_browsers()
        if self.mirror is not None and not keys and self._mirrored != self.session.generation:
            self._write_mirror()
        if self.options.search and not keys:
            self._index_for_search()

    def _write_mirror(self) -> None:
        assert self.session is not None and self.mirror is not None
        generation = self.session.generation
        writer = Writer(self.mirror)
        try:
            for file, data in self.session.everything().items():
                writer.write(file, data, self.session.routes[file].source)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        self._mirrored = generation
        self._say(f"wrote {len(writer.sources)} files into {self.mirror}")

    def _index_for_search(self) -> None:
        """Make the search index of the current site on another thread (Pagefind reads files, so a
        temporary copy of the pages is written for it); the search page uses it once it is ready."""
        assert self.session is not None and self.loop is not None
        generation = self.session.generation
        if self._indexing or self._indexed == generation or self._index_timer is not None:
            return
        if time.monotonic() < self._index_after:  # too soon after the last one: a little later
            def later() -> None:
                self._index_timer = None
                if not self.closed:
                    self._schedule_background()  # indexes once the site is up to date and error-free
            self._index_timer = self.loop.call_later(self._index_after - time.monotonic(), later)
            return
        pages = {file: data for file, data in self.session.everything().items() if file.endswith(".html")}
        self._indexing = True
        loop = self.loop

        def work() -> None:
            files: Optional[dict[str, bytes]] = None
            try:
                with tempfile.TemporaryDirectory(prefix="serve-search-") as tmp:
                    folder = Path(tmp)
                    for file, data in search_inputs(pages.items()):  # only what Pagefind reads
                        (folder / file).parent.mkdir(parents=True, exist_ok=True)
                        (folder / file).write_bytes(data)
                    files = {file: (folder / file).read_bytes()
                             for file in index_site(folder, self.options.jobs, self.options.search_shard_pages)}
            except SearchIndexError as exc:
                self._say(f"search is off in this preview: {exc}")
            except Exception:  # noqa: BLE001 - the preview works without search
                logging.getLogger("site_builder.serve").exception("while making the search index")
            loop.add_callback(self._indexed_now, generation, files)

        threading.Thread(target=work, name="serve-search", daemon=True).start()

    def _indexed_now(self, generation: int, files: Optional[dict[str, bytes]]) -> None:
        self._indexing = False
        self._index_after = time.monotonic() + SEARCH_PAUSE
        if files is None:
            self.options = dataclasses.replace(self.options, search=False)
            return
        self.search_files, self._indexed = files, generation
        if self.session is not None and self.session.generation != generation and not self.closed:
            self._schedule_background()  # saved meanwhile: index again once the site is up to date

    # --- problems ----------------------------------------------------------------------------------

    def diagnostics(self) -> list[Diagnostic]:
        return self.session.diagnostics() if self.session is not None else []

    def _problem_keys(self) -> frozenset[tuple[str, int, str]]:
        """What the panel shows, without page counts (which grow while the background pass runs)."""
        return frozenset((d.path, d.line, d.message) for d in self.diagnostics())

    def _report_problems(self) -> None:
        problems = self.diagnostics()
        for problem in problems:
            self._say("  " + problem.format(self.options.content.as_posix()))
        if problems:
            self._say(f"  {len(problems)} problem{'s' if len(problems) != 1 else ''}, also shown in the browser")

    def _say(self, text: str) -> None:
        print(f"{dt.datetime.now():%H:%M:%S} {text}" if not text.startswith("  ") else text, file=self.out, flush=True)

    def _local_base_url(self) -> str:
        """This server's address with the path of site.yaml's base_url (so sub-path mistakes show here too)."""
        try:
            path = urlsplit(load_site_config(self.options.content).base_url).path or "/"
        except ContentError:
            path = urlsplit(self.options.base_url or "/").path or "/"  # the error is reported by the rebuild
        return self.url + path

    # --- answering requests ------------------------------------------------------------------------

    def respond(self, request_path: str) -> Response:
        """What the browser gets for a path: a page (with the reload script and any problems), a file, a redirect."""
        assert self.session is not None
        base = self.base_path
        if not request_path.startswith(base):
            if (request_path.rstrip("/") + "/") == base or request_path == "/":
                return Response(302, location=base)
            return self._not_found()
        rel = unquote(request_path[len(base):])
        file = Urls.file_for(rel)
        if file in self.search_files:
            return Response(200, self.search_files[file], content_type(file))
        if file not in self.session.routes:
            if Urls.file_for(rel + "/") in self.session.routes:  # /releases -> /releases/
                return Response(301, location=request_path + "/")
            moved = self.session.moved_to(file)
            if moved is not None:  # the editor changed the date or slug of the page on screen
                return Response(302, location=base + quote(moved.removesuffix("index.html")))
            return self._not_found()
        out = self.session.output(file)
        assert out is not None
        kind = content_type(file)
        if out.route.kind is Kind.COPY:
            data = self.session.data(file)
            return Response(200, data, kind) if data is not None else self._not_found()
        if out.data is None:  # never rendered without an error: the problems alone
            return Response(500, problem_page(out.route.path, self.diagnostics(), self.options.content.as_posix()))
        if kind.startswith("text/html"):
            return Response(200, self._decorate(out.data, out.route), kind)
        return Response(200, out.data, kind)

    def _not_found(self) -> Response:
        assert self.session is not None
        page = self.session.output("404.html")
        if page is not None and page.data is not None:
            return Response(404, self._decorate(page.data, None))
        return Response(404, problem_page("", self.diagnostics(), self.options.content.as_posix()))

    def _decorate(self, page: bytes, route: Any) -> bytes:
        assert self.session is not None
        warnings = self.page_warnings(route, self.session.archive)
        return decorate(page, self.diagnostics(), warnings, is_draft(route), self.options.content.as_posix())

def collect_garbage_now() -> None:
    """Collect garbage while nothing waits, then keep what lives out of later collections.

    The archive, the plan and the rendered pages live between saves; without this, a full collection
    walking all of them (a quarter of a second at 5,000 releases) lands in the middle of the next
    rebuild. Called when the server is idle, so what a save leaves behind is still collected.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
