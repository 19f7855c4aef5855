"""The site by keyboard alone, with JavaScript off: skip link, main navigation, a visible focus everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Site
from tests.browser.pages import PAGES

FOCUSED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 60),
          href: e.getAttribute('href'), nav: !!e.closest('.site-nav'), main: !!e.closest('main'),
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                   r.top < innerHeight && r.left < innerWidth,
          ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'};
}"""


def open_page(browser: Any, width: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
    return context, context.new_page()


@pytest.mark.parametrize("width", [390, 1280])
def test_skip_link_comes_first_and_leads_to_the_content(browser: Any, site: Site, width: int) -> None:
    context, page = open_page(browser, width)
    try:
        page.goto(site.url(PAGES["release"]))
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUSED)
        assert first["cls"] == "skip-link" and first["visible"] and first["ring"], first
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["main"], "after the skip link, Tab should go on inside the content"
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_main_navigation_works_by_keyboard(browser: Any, site: Site, width: int) -> None:
    context, page = open_page(browser, width)
    try:
        page.goto(site.url(PAGES["home"]))
        expected = page.eval_on_selector_all(".site-nav a", "(links) => links.map((a) => a.getAttribute('href'))")
        assert len(expected) >= 5
        reached = []
        for _ in range(20):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            assert focused["visible"] and focused["ring"], f"focus is not visible on {focused}"
            if focused["nav"]:
                reached.append(focused["href"])
            if focused["main"]:
                break
        assert reached == expected, "Tab should walk the main navigation in order"
        # Go back to "Meetings" by keyboard and follow it.
        page.keyboard.press("Shift+Tab")
        while page.evaluate(FOCUSED)["href"] != expected[1]:
            page.keyboard.press("Shift+Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == site.url("meetings/")
        assert page.get_attribute(".site-nav a[aria-current=page]", "href") == expected[1]
    finally:
        context.close()


@pytest.mark.parametrize("name", ["release", "meetings", "mechanism", "releases"])
def test_every_focusable_element_shows_its_focus(browser: Any, site: Site, name: str) -> None:
    context, page = open_page(browser, 390)
    try:
        page.goto(site.url(PAGES[name]))
        count = page.evaluate("() => document.querySelectorAll('a[href], button, input, select, textarea').length")
        for _ in range(count + 2):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["tag"] == "body":
                break
            assert focused["visible"] and focused["ring"], f"{name}: invisible focus on {focused}"
            page.evaluate("() => { document.activeElement.dataset.reached = 'yes'; }")
        reached = page.evaluate("() => document.querySelectorAll('[data-reached]').length")
        assert reached == count, f"Tab reached {reached} of the {count} links and controls"
    finally:
        context.close()
