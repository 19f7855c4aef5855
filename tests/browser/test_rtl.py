"""Right to left: the fixture archive with Arabic added (one line in site.yaml, tests/fixtures/arabic),
read in Chromium at phone and desktop widths: mirrored layout, no sideways scrolling, no axe-core
violation, screenshots in tests/artifacts/screenshots/, and search working on Arabic text."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from site_builder.options import Options
from site_builder.pipeline import build
from tests.browser.conftest import AXE, Site, _Handler, missing
from tests.browser.test_axe import TAGS, describe
from tests.helpers import arabic_archive

WIDTHS = (320, 390, 1280)
PAGES = {
    "ar-home": "ar/",
    "ar-release": "ar/releases/2010/renewed-commitment/",
    "ar-releases": "ar/releases/",
    "ar-meetings": "ar/meetings/",
    "ar-meeting": "ar/meetings/5-1/",
    "ar-mechanism": "ar/mechanisms/coe-commissioner/",
    "ar-search": "ar/search/",
}
LAYOUT = """() => {
  const html = document.documentElement;
  const wide = [...document.querySelectorAll('body *')].filter((e) => {
      const box = e.getBoundingClientRect();
      return (box.right > html.clientWidth + 1 || box.left < -1) && getComputedStyle(e).position !== 'fixed'
          && !e.closest('.visually-hidden, .skip-link');
    }).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  const brand = document.querySelector('.brand').getBoundingClientRect();
  return {scroll: html.scrollWidth, client: html.clientWidth, wide: wide.slice(0, 5), dir: html.dir,
          lang: html.lang, brandRight: brand.right, brandLeft: brand.left,
          direction: getComputedStyle(document.body).direction};
}"""


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    handler = type("Handler", (_Handler,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    root = tmp_path_factory.mktemp("arabic")
    served = Site(root / "site", f"http://127.0.0.1:{server.server_address[1]}")
    handler.site = served  # type: ignore[attr-defined]
    build(Options(content=arabic_archive(root), output=served.root, base_url=served.base, jobs=1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_arabic_pages_mirror_and_fit_the_screen(browser: Any, arabic_site: Site, screenshots: Path,
                                                 name: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        assert page.goto(arabic_site.url(PAGES[name])).status == 200
        layout = page.evaluate(LAYOUT)
        assert (layout["lang"], layout["dir"], layout["direction"]) == ("ar", "rtl", "rtl")
        assert layout["scroll"] <= layout["client"], f"{name} scrolls sideways at {width}px: {layout['wide']}"
        assert not layout["wide"], f"{name} has content outside the screen at {width}px: {layout['wide']}"
        # mirrored: the site's name starts at the right-hand edge
        assert layout["client"] - layout["brandRight"] < layout["brandLeft"] + 1
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("name", PAGES)
def test_arabic_pages_have_no_accessibility_violations(browser: Any, arabic_site: Site, name: str, width: int) -> None:
    if not AXE.is_file():
        missing("axe-core", "run npm ci")
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(arabic_site.url(PAGES[name]))
        if name == "ar-search":
            page.fill("#search-query", "وارسو")
            page.wait_for_selector("#search-results li", timeout=15000)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    finally:
        context.close()
    assert result["passes"], "axe ran no check at all"
    assert not result["violations"], f"{name} at {width}px:\n{describe(result['violations'])}"


def test_arabic_words_find_the_arabic_release(browser: Any, arabic_site: Site) -> None:
    page = browser.new_page()
    page.goto(arabic_site.url("ar/search/"))
    page.fill("#search-query", "نداء")
    page.wait_for_selector("#search-results li", timeout=15000)
    titles = [a.inner_text() for a in page.query_selector_all("#search-results h2 a")]
    assert "نداء مشترك من أجل الإفراج عن مدوّن" in titles
    page.close()
