"""The browser tests' checkers over a built site as it will be published (the CI workflow runs this).

    python -m tests.site_checks output --base-url https://owner.github.io/repo/

1. Links: every href and src of every page, resolved against the page's published address; each one
   on this site must be under the base path (the Pages sub-path) and name a file of the output.
2. The Nu Html Checker (vnu.jar, as tests/browser/test_vnu.py runs it) over every page: no error.
3. axe-core (as tests/browser/test_axe.py) in Chromium, on the first page of every page type, served
   under the sub-path from 127.0.0.1: no WCAG 2.2 AA violation.
Prints each problem and exits 1 if there is any, so the workflow deploys only a site that passes.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_TYPES = {  # page type: its file in the output (the first one found, languages included)
    "home": r"index\.html", "releases": r"releases/index\.html", "year": r"releases/\d{4}/index\.html",
    "release": r"releases/\d{4}/[^/]+/index\.html", "meetings": r"meetings/index\.html",
    "meeting": r"meetings/[^/]+/index\.html", "mechanisms": r"mechanisms/index\.html",
    "mechanism": r"mechanisms/[^/]+/index\.html", "topics": r"topics/index\.html", "topic": r"topics/[^/]+/index\.html",
    "search": r"search/index\.html", "not-found": r"404\.html",
}


def published(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())


def check_links(output: Path, base_url: str) -> list[str]:
    """Every link and asset of every page leads to a file of the site, under its base path."""
    base = urlsplit(base_url)
    files = set(published(output))
    problems = []
    for rel in (f for f in sorted(files) if f.endswith(".html")):
        page_url = urljoin(base_url, rel.removesuffix("index.html"))
        document = lxml.html.document_fromstring(output.joinpath(rel).read_bytes())
        for element, attribute, link, _ in document.iterlinks():
            if element.tag == "meta" or attribute not in ("href", "src"):
                continue
            target = urlsplit(urljoin(page_url, link))
            if target.scheme not in ("http", "https") or target.netloc != base.netloc:
                continue  # another site (never fetched here), mailto:, tel:
            if not target.path.startswith(base.path):
                problems.append(f"{rel}: {link} leaves the base path {base.path}")
                continue
            wanted = unquote(target.path[len(base.path):])
            if wanted.endswith("/") or wanted == "":
                wanted += "index.html"
            if wanted not in files:
                problems.append(f"{rel}: {link} leads to nothing")
    return problems


def check_html(output: Path) -> list[str]:
    java = shutil.which("java")
    if not java or not VNU.is_file():
        return ["the Nu Html Checker cannot run: install java and run npm ci"]
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--also-check-css",
                           "--also-check-svg", "--format", "json", str(output)], capture_output=True, text=True, timeout=1200)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '').removeprefix('file:')}: {m['message']}" for m in messages]


def page_types(output: Path) -> dict[str, str]:
    files = published(output)
    chosen = {}
    for name, pattern in PAGE_TYPES.items():
        match = next((f for f in files if re.fullmatch(pattern, f)), None)
        if match is not None:
            chosen[name] = match.removesuffix("index.html")
    return chosen


def check_accessibility(output: Path, base_url: str) -> list[str]:
    if not AXE.is_file():
        return ["axe-core cannot run: run npm ci"]
    from playwright.sync_api import sync_playwright

    prefix = urlsplit(base_url).path
    server = _serve(output, prefix)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    problems = []
    try:
        with sync_playwright() as playwright:
            chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))  # else Playwright's own (CI)
            browser = playwright.chromium.launch(executable_path=str(chromium) if chromium.is_file() else None,
                                                 args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
            for name, path in page_types(output).items():
                for scheme, width in (("light", 1280), ("dark", 390)):
                    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                                  bypass_csp=True)
                    page = context.new_page()
                    page.goto(origin + prefix + ("no/such/page/" if name == "not-found" else path))
                    page.add_script_tag(path=str(AXE))
                    result: dict[str, Any] = page.evaluate(
                        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
                    context.close()
                    for violation in result["violations"]:
                        problems.append(f"{path or '/'} ({scheme}): {violation['id']}: {violation['help']}")
            browser.close()
    finally:
        server.shutdown()
    return problems


def _serve(output: Path, prefix: str) -> http.server.ThreadingHTTPServer:
    """The output under ``prefix`` on 127.0.0.1, misses answered by 404.html, as Pages does."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(output), **kwargs)

        def send_head(self) -> Any:
            path = urlsplit(self.path).path
            if not path.startswith(prefix):
                self.send_error(404)
                return None
            self.path = "/" + path[len(prefix):]
            file = output / unquote(self.path.lstrip("/"))
            if not (file.is_file() or (file / "index.html").is_file()):
                data = (output / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            return super().send_head()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--base-url", required=True, help="the address the site was built for (--base-url of build)")
    args = parser.parse_args(argv)
    base_url = args.base_url if args.base_url.endswith("/") else args.base_url + "/"
    failed = False
    for title, problems in (("links", check_links(args.output, base_url)), ("Nu Html Checker", check_html(args.output)),
                            ("axe-core", check_accessibility(args.output, base_url))):
        print(f"{title}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        for problem in problems:
            print(f"  {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
