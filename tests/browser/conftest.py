"""Browser tests: the fixture archive built for a local address, served on 127.0.0.1, read by Chromium.

The site is built with ``--base-url http://127.0.0.1:<port>/sub/archive/`` so every link, canonical
address and asset path is exercised under a sub-path, and served by a small threaded server that strips
that prefix and answers misses with the site's own 404 page, as static hosting does.
"""

from __future__ import annotations

import http.server
import mimetypes
import os
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from site_builder.options import Options

from site_builder.pipeline import build
from tests.helpers import FIXTURE_SITE, ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PREFIX = "/sub/archive/"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Nothing may leave the machine: any host name but the loopback resolves to nothing.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def missing(what: str, how: str) -> None:
    """Skip with the reason on a developer's machine; in CI, which installs everything, fail instead."""
    message = f"{what} is missing ({how})"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class Site:
    root: Path  # the built site on disk
    origin: str  # http://127.0.0.1:<port>
    requests: list[str] = field(default_factory=list)  # every path the server was asked for

    @property
    def base(self) -> str:
        return self.origin + PREFIX

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of the built site under PREFIX; a miss gets 404.html with status 404."""

    site: Site

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(with_body=False)

    def _serve(self, with_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        self.site.requests.append(path)
        status, file = 200, self._file(path)
        if file is None:
            status, file = 404, self.site.root / "404.html"
        elif file.is_dir():  # a folder without its slash: redirect as hosts do
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = file.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def _file(self, path: str) -> Path | None:
        if not path.startswith(PREFIX):
            return None
        root = self.site.root.resolve()
        candidate = (root / path[len(PREFIX):]).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            return candidate / "index.html" if path.endswith("/") and (candidate / "index.html").is_file() else (
                candidate if not path.endswith("/") else None)
        return candidate if candidate.is_file() else None

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture archive, built for and served at http://127.0.0.1:<port>/sub/archive/.

    Its search index is split one page per shard (``search_shard_pages=1``): every search merges
    several bundles, as on a large archive."""
    handler = type("Handler", (_Handler,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    served = Site(tmp_path_factory.mktemp("browser") / "site", f"http://127.0.0.1:{server.server_address[1]}")
    handler.site = served  # type: ignore[attr-defined]
    build(Options(content=FIXTURE_SITE, output=served.root, base_url=served.base, jobs=1, search_shard_pages=1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed archive (content/), built for a sub-path: the checkers and budgets read it too."""
    output = tmp_path_factory.mktemp("seed") / "site"
    build(Options(content=ROOT / "content", output=output, base_url="https://example.org/sub/archive/", jobs=1))
    return output


@pytest.fixture(scope="session")
def markdown_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/markdown: every Markdown construct people write for GitHub, in one release."""
    output = tmp_path_factory.mktemp("markdown") / "site"
    build(Options(content=ROOT / "tests" / "fixtures" / "markdown", output=output,
                  base_url="https://example.org/sub/archive/", jobs=1))
    return output


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Package scope: Playwright's event loop is closed once tests/browser/ is done, so the tests after
    it (the dev server's, which run asyncio) find no loop already running."""
    if not CHROMIUM.exists():
        missing(f"Chromium at {CHROMIUM}", "apt-get install chromium; .ci/run does it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# Figures the tests record (page weights, checker counts), printed at the end of the run even when all pass.
REPORT: dict[str, list[str]] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT:
        return
    terminalreporter.section("reader experience: budgets and checkers")
    for title, lines in REPORT.items():
        terminalreporter.write_line(title)
        for line in lines:
            terminalreporter.write_line("  " + line)
