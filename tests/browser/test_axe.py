"""axe-core (the npm package, injected into the page) over every page type: no violation of WCAG 2.2 AA,
in the light scheme on a desktop and in the dark scheme on a phone (contrast is checked in both)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import AXE, REPORT, Site, missing
from tests.browser.pages import PAGES

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
COUNTS = {"pages": 0, "violations": 0}
AXE_VERSION = json.loads((AXE.parent / "package.json").read_text())["version"] if AXE.is_file() else "?"


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 390)])
@pytest.mark.parametrize("name", PAGES)
def test_no_accessibility_violations(browser: Any, site: Site, name: str, scheme: str, width: int) -> None:
    if not AXE.is_file():
        missing("axe-core", "run npm ci")
    # The page's own policy refuses inline scripts: the checker is let in by the test, not by the site.
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(site.url(PAGES[name]))
        if name == "search":  # check the page as a reader sees it, with its results
            page.fill("#search-query", "Warsaw")
            page.wait_for_selector("#search-results li", timeout=15000)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    finally:
        context.close()
    assert result["passes"], "axe ran no check at all"
    COUNTS["pages"] += 1
    COUNTS["violations"] += len(result["violations"])
    REPORT[f"axe-core {AXE_VERSION} ({', '.join(TAGS)})"] = [
        f"{COUNTS['pages']} page checks (light 1280px, dark 390px), {COUNTS['violations']} violations"]
    assert not result["violations"], f"{name} in the {scheme} scheme:\n{describe(result['violations'])}"
