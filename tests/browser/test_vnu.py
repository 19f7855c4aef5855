"""The Nu Html Checker (vnu.jar from the vnu-jar npm package, run with java) over every page, the
stylesheet and the icon of the fixture site and of the seed archive: no error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import REPORT, VNU, Site, missing

# One finding comes from outside the templates: the body sanitiser (site_builder/markdown.py) drops a
# javascript: href but keeps the rel="noopener noreferrer" it adds to every link, and <a rel> without
# href is invalid. Tracked below as a strict expected failure, so it is noticed the day it is fixed.
SANITISER = ("releases/2014/statement/index.html", "Element “a” is missing required attribute “href”.")


@pytest.fixture(scope="session")
def findings(site: Site, seed_site: Path) -> list[tuple[str, str]]:
    """(file relative to its site, message) for every error vnu reports, seed files prefixed with seed:."""
    java = shutil.which("java")
    if not java or not VNU.is_file():
        missing("java or vnu.jar", "apt-get install default-jre-headless; npm ci")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--also-check-css",
                           "--also-check-svg", "--format", "json", str(site.root), str(seed_site)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr)["messages"]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    checked = [p for root in (site.root, seed_site) for p in root.rglob("*.html")]
    assert len(checked) > 100, "the checker had almost nothing to read"
    result = []
    for message in messages:
        path = Path(message.get("url", "").removeprefix("file:"))
        shown = (f"seed:{path.relative_to(seed_site)}" if seed_site in path.parents
                 else path.relative_to(site.root).as_posix() if site.root in path.parents else str(path))
        result.append((shown, f"{message['message']}" + (f" (line {message['lastLine']})" if "lastLine" in message else "")))
    return result


def test_the_nu_html_checker_finds_no_error(findings: list[tuple[str, str]]) -> None:
    errors = [f"{path}: {message}" for path, message in findings
              if not (path == SANITISER[0] and message.startswith(SANITISER[1]))]
    REPORT["Nu Html Checker (fixture and seed sites, HTML, CSS, SVG)"] = [
        f"{len(errors)} errors, plus {len(findings) - len(errors)} known from the body sanitiser (see test_sanitised_links_stay_valid)"]
    assert not errors, "\n".join(errors)


def test_sanitised_links_stay_valid(findings: list[tuple[str, str]]) -> None:
    assert not [f for f in findings if f[0] == SANITISER[0] and f[1].startswith(SANITISER[1])]
