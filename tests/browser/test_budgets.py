"""Budgets for readers on slow connections: every page with its stylesheet under 50 KB, one long-cached
stylesheet named by its content, and no JavaScript needed to read anything (the search page alone has a
script, and says what to do without it)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bs4 import BeautifulSoup

from tests.browser.conftest import PREFIX, REPORT, Site

LIMIT = 50 * 1024
HASHED_CSS = re.compile(r"^" + re.escape(PREFIX) + r"assets/style\.([0-9a-f]{10})\.css$")


def weigh(root: Path, label: str) -> list[tuple[int, int, int, str]]:
    """(HTML + CSS, HTML, CSS, page) for every page of a built site."""
    rows = []
    for file in sorted(root.rglob("*.html")):
        soup = BeautifulSoup(file.read_bytes(), "html.parser")
        css = sum((root / link["href"].removeprefix(PREFIX)).stat().st_size
                  for link in soup.find_all("link", rel="stylesheet"))
        html = file.stat().st_size
        rows.append((html + css, html, css, f"{label}{file.relative_to(root).as_posix()}"))
    return rows


def test_every_page_with_its_stylesheet_stays_under_50_kb(site: Site, seed_site: Path) -> None:
    rows = sorted(weigh(site.root, "") + weigh(seed_site, "seed:"), reverse=True)
    assert len(rows) > 100
    REPORT["page weight, HTML + CSS, uncompressed (limit 50 KB)"] = [
        f"{total / 1024:5.1f} KB = {html / 1024:4.1f} KB HTML + {css / 1024:4.1f} KB CSS  {page}"
        for total, html, css, page in rows[:5]] + [f"({len(rows)} pages; the lightest {rows[-1][0] / 1024:.1f} KB)"]
    over = [f"{page}: {total} bytes" for total, _, _, page in rows if total >= LIMIT]
    assert not over, "over budget:\n" + "\n".join(over)


def test_one_stylesheet_named_by_its_content(site: Site) -> None:
    pages = [p for p in site.root.rglob("*.html") if "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8")]
    names = set()
    for file in pages:
        soup = BeautifulSoup(file.read_bytes(), "html.parser")
        links = soup.find_all("link", rel="stylesheet")
        assert len(links) == 1, f"{file}: {len(links)} stylesheets"
        assert not soup.find("style"), f"{file}: a <style> element"
        names.add(links[0]["href"])
    [href] = names
    digest = HASHED_CSS.match(href)
    assert digest, href
    data = (site.root / href.removeprefix(PREFIX)).read_bytes()
    assert hashlib.sha256(data).hexdigest()[:10] == digest[1]  # a new design gets a new name


def test_no_javascript_is_needed_to_read(site: Site) -> None:
    """Scripts: JSON-LD data everywhere, one module script on the search page, none anywhere else."""
    scripts = {}
    for file in site.root.rglob("*.html"):
        soup = BeautifulSoup(file.read_bytes(), "html.parser")
        code = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        assert not soup.find(attrs={"onclick": True}) and not soup.find(attrs={"onload": True})
        if code:
            scripts[file.relative_to(site.root).as_posix()] = code
    assert set(scripts) == {"search/index.html", "fr/search/index.html", "es/search/index.html"}, set(scripts)
    for code in scripts.values():
        [script] = code
        assert script.get("type") == "module" and script["src"].startswith(PREFIX + "assets/")
    weight = sum(p.stat().st_size for p in site.root.glob("assets/*.js"))
    REPORT["JavaScript"] = [f"none on reading pages; search page: {weight / 1024:.1f} KB of its own script plus the Pagefind index"]
