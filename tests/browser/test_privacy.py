"""Readers may be watched: a page of the archive asks nothing of any host but its own, the browser is told
to refuse anything else (Content-Security-Policy), and no address leaks to a linked site (no referrer)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from tests.browser.conftest import Site
from tests.browser.pages import PAGES

# Elements and attributes that make a browser fetch something by themselves.
FETCHING = [("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"), ("script", "src"),
            ("iframe", "src"), ("embed", "src"), ("object", "data"), ("video", "src"), ("video", "poster"),
            ("audio", "src"), ("track", "src"), ("input", "src")]
FETCHING_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch",
                  "manifest", "apple-touch-icon", "prerender"}


def built_pages(*roots: Path) -> list[Path]:
    pages = [p for root in roots for p in sorted(root.rglob("*.html"))]
    assert len(pages) > 50
    return pages


def test_no_page_type_requests_another_host(browser: Any, site: Site) -> None:
    """Every page type with JavaScript on, and a real search (index, WebAssembly, fragments), stays local."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    failed: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    # Leaving a page aborts what it was still loading (ERR_ABORTED): anything else is a real failure.
    context.on("requestfailed", lambda request: None if "ERR_ABORTED" in (request.failure or "")
               else failed.append(f"{request.url}: {request.failure}"))
    context.on("response", lambda response: None if response.status < 400 or response.url == site.url(PAGES["not-found"])
               else failed.append(f"{response.url}: HTTP {response.status}"))
    try:
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(site.url(path))
        page.goto(site.url(PAGES["search"]))
        page.fill("#search-query", "Warsaw")
        page.wait_for_selector("#search-results li", timeout=15000)
        assert "International Human Rights Defenders Day" in page.inner_text("#search-results")
    finally:
        context.close()
    others = sorted({url for url in requested if not url.startswith(site.origin + "/") and not url.startswith("data:")})
    print(f"\nrequests: {len(requested)}, to another host: {len(others)}")
    assert any("/pagefind/" in url for url in requested), "the search made no request: the test proved nothing"
    assert not others, f"requests to other hosts: {others}"
    assert not failed, f"requests that failed or found nothing: {failed}"


def test_the_policy_blocks_what_an_editor_could_embed(browser: Any, site: Site) -> None:
    """A picture from another host (the sanitiser lets an editor write one) is refused by the browser itself."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.url(PAGES["release"]))
        blocked = page.evaluate("""() => new Promise((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.blockedURI));
          const img = document.createElement('img');
          img.src = 'http://tracker.invalid/pixel.png';
          document.querySelector('.body').append(img);
          setTimeout(() => resolve(null), 3000);
        })""")
    finally:
        context.close()
    assert blocked == "http://tracker.invalid/pixel.png"


def test_every_built_page_fetches_only_from_its_own_site(site: Site, seed_site: Path) -> None:
    """Static check of every page of both archives and of the stylesheet."""
    problems = []
    for file in built_pages(site.root, seed_site):
        root = site.root if site.root in file.parents else seed_site
        own = urlsplit(site.base).netloc if root == site.root else "example.org"
        page_url = f"http://{own}/sub/archive/{file.relative_to(root).as_posix()}"
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        addresses = [(f"<{tag} {attr}>", value) for tag, attr in FETCHING for e in soup.find_all(tag, attrs={attr: True})
                     for value in re.split(r",\s*", e[attr]) if value]
        addresses += [(f"<link rel={' '.join(e['rel'])}>", e["href"]) for e in soup.find_all("link", href=True)
                      if FETCHING_LINKS & set(e.get("rel", []))]
        for what, address in addresses:
            host = urlsplit(urljoin(page_url, address.split()[0])).netloc
            if address.startswith("data:"):
                continue
            if host != own:
                problems.append(f"{file.relative_to(root)}: {what} {address}")
        policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        if policy is None or not policy["content"].startswith("default-src 'self';"):
            problems.append(f"{file.relative_to(root)}: no Content-Security-Policy limited to the site")
        elif re.search(r"https?:|\*|'unsafe-eval'|script-src[^;]*'unsafe-inline'", policy["content"]):
            problems.append(f"{file.relative_to(root)}: the policy lets other hosts or inline scripts in")
        referrer = soup.find("meta", attrs={"name": "referrer"})
        if referrer is None or referrer["content"] != "no-referrer":
            problems.append(f"{file.relative_to(root)}: the address of the page may leak as a referrer")
    for css in [*site.root.glob("assets/*.css"), *seed_site.glob("assets/*.css")]:
        text = css.read_text(encoding="utf-8")
        if "@import" in text or re.search(r"url\(\s*['\"]?(https?:)?//", text) or "@font-face" in text:
            problems.append(f"{css.name}: fetches from elsewhere (import, remote url() or web font)")
    assert not problems, "\n".join(problems[:30])


def test_links_to_other_sites_send_no_referrer(site: Site) -> None:
    outside = 0
    for file in built_pages(site.root):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for link in soup.find_all("a", href=re.compile(r"^https?://")):
            if urlsplit(link["href"]).netloc == urlsplit(site.base).netloc:
                continue
            outside += 1
            assert "noreferrer" in link.get("rel", []), f"{file.relative_to(site.root)}: {link}"
    assert outside > 5  # mechanism sites and sources are linked
