"""Every page type at phone and desktop widths, with JavaScript off: it loads, fits the screen with no
sideways scrolling, and leaves a full-page screenshot in tests/artifacts/screenshots/ for people to look at.
Then the dark scheme (the reader's setting) and the printed release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, Site
from tests.browser.pages import PAGES

WIDTHS = (320, 390, 1280)

# Sideways scrolling is measured on the document; hiding it with overflow on html/body would only cut
# content off, so that is refused too.
LAYOUT = """() => {
  const html = document.documentElement, style = (e) => getComputedStyle(e);
  const wide = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > html.clientWidth + 1 && style(e).position !== 'fixed')
    .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  return {scroll: html.scrollWidth, client: html.clientWidth, wide: wide.slice(0, 5),
          overflow: [style(html).overflowX, style(document.body).overflowX],
          stylesheets: document.styleSheets.length, h1: document.querySelectorAll('h1').length};
}"""


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(r, g, b)`` colour."""
    channels = [int(float(v)) / 255 for v in css_color[css_color.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_without_javascript(browser: Any, site: Site, screenshots: Path, name: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(site.url(PAGES[name]))
        assert response.status == (404 if name == "not-found" else 200)
        layout = page.evaluate(LAYOUT)
        assert layout["stylesheets"] == 1, "the stylesheet did not load"
        assert layout["h1"] == 1
        assert layout["overflow"] == ["visible", "visible"], "overflow on html/body hides content instead of fitting it"
        assert layout["scroll"] <= layout["client"], f"{name} scrolls sideways at {width}px: {layout['wide']}"
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("name", ["home", "release", "meetings", "mechanism", "releases"])
def test_dark_scheme_follows_the_reader_setting(browser: Any, site: Site, screenshots: Path, name: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 900}, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(site.url(PAGES[name]))
            colours[scheme] = page.evaluate("() => [getComputedStyle(document.body).backgroundColor,"
                                            " getComputedStyle(document.body).color]")
            if scheme == "dark":
                page.screenshot(path=str(screenshots / f"{name}-390-dark.png"), full_page=True)
        finally:
            context.close()
    (light_bg, light_text), (dark_bg, dark_text) = colours["light"], colours["dark"]
    assert luminance(light_bg) > 0.85 and luminance(light_text) < 0.05
    assert luminance(dark_bg) < 0.05 and luminance(dark_text) > 0.7


def test_a_release_prints_cleanly(browser: Any, site: Site, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    try:
        page = context.new_page()
        page.goto(site.url(PAGES["release"]))
        page.emulate_media(media="print")
        shown = page.evaluate("""() => Object.fromEntries(
          ['.site-nav', '.languages', '.crumbs', '.pager', '.site-footer', '.release-side', '.skip-link',
           '.kicker', 'h1', '.dateline', '.body', '.footnote', '.contacts', '.permalink'].map((s) => {
             const e = document.querySelector(s);
             return [s, !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'];
          }))""")
        hidden = [s for s in (".site-nav", ".languages", ".crumbs", ".pager", ".site-footer", ".release-side", ".skip-link")
                  if shown[s]]
        assert not hidden, f"navigation printed: {hidden}"
        missing = [s for s in (".kicker", "h1", ".dateline", ".body", ".footnote", ".contacts", ".permalink") if not shown[s]]
        assert not missing, f"left off the paper: {missing}"
        assert site.url(PAGES["release"]) in page.inner_text(".permalink")  # its address, in full
        page.screenshot(path=str(screenshots / "release-print.png"), full_page=True)
        page.pdf(path=str(ARTIFACTS / "release.pdf"), format="A4")
    finally:
        context.close()


def test_the_search_page_does_not_shift_when_its_script_starts(browser: Any, site: Site) -> None:
    """The form appears only once the index is loaded; its place is kept, so nothing jumps (CLS)."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.url(PAGES["search"]))
        page.wait_for_selector("#search form:not([hidden])", timeout=15000)
        shift = page.evaluate("""() => new Promise((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
            .observe({type: 'layout-shift', buffered: true});
          setTimeout(() => resolve(total), 300);
        })""")
    finally:
        context.close()
    assert shift < 0.02, f"cumulative layout shift {shift:.3f}"
