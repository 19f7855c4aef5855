"""The Nu Html Checker (vnu.jar from the vnu-jar npm package, run with java) over every page, the
stylesheet and the icon of the fixture site, of the seed archive and of the Markdown fixture (every
construct people write for GitHub, embeds and stray HTML included): no error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import REPORT, VNU, Site, missing

@pytest.fixture(scope="session")
def findings(site: Site, seed_site: Path, markdown_site: Path) -> list[tuple[str, str]]:
    """(file relative to its site, message) for every error vnu reports, seed files prefixed with seed:,
    those of the Markdown fixture with markdown:."""
    java = shutil.which("java")
    if not java or not VNU.is_file():
        missing("java or vnu.jar", "apt-get install default-jre-headless; npm ci")
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--skip-non-html", "--also-check-css",
                           "--also-check-svg", "--format", "json", str(site.root), str(seed_site), str(markdown_site)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr)["messages"]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    checked = [p for root in (site.root, seed_site) for p in root.rglob("*.html")]
    assert len(checked) > 100, "the checker had almost nothing to read"
    assert (markdown_site / "releases/2020/every-construct/index.html").is_file()
    result = []
    for message in messages:
        path = Path(message.get("url", "").removeprefix("file:"))
        shown = (f"seed:{path.relative_to(seed_site)}" if seed_site in path.parents
                 else f"markdown:{path.relative_to(markdown_site)}" if markdown_site in path.parents
                 else path.relative_to(site.root).as_posix() if site.root in path.parents else str(path))
        result.append((shown, f"{message['message']}" + (f" (line {message['lastLine']})" if "lastLine" in message else "")))
    return result


def test_the_nu_html_checker_finds_no_error(findings: list[tuple[str, str]]) -> None:
    """No allowance: the hostile fixture release (raw HTML, a javascript: link) included."""
    REPORT["Nu Html Checker (fixture, seed and Markdown sites, HTML, CSS, SVG)"] = [f"{len(findings)} errors"]
    assert not findings, "\n".join(f"{path}: {message}" for path, message in findings)
