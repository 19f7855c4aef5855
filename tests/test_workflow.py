"""The publishing workflow deploys only what passed every check, and the link checker it runs works."""

from __future__ import annotations

from pathlib import Path

import yaml

from site_builder.options import Options
from site_builder.pipeline import build
from tests.helpers import ROOT, make_site
from tests.site_checks import check_links, page_types

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def _runs(job: dict[str, object]) -> list[str]:
    return [str(step.get("run", "")) for step in job["steps"]]  # type: ignore[attr-defined]


def test_deploy_waits_for_the_tests_the_build_and_the_checks_of_the_built_site() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert jobs["deploy"]["needs"] == "build" and jobs["build"]["needs"] == "test"
    tests = _runs(jobs["test"])
    assert any("pytest" in run and "--ignore=tests/browser" in run for run in tests)
    assert any("pytest" in run and "tests/browser" in run and "--ignore" not in run for run in tests)
    steps = jobs["build"]["steps"]
    order = [str(step.get("run") or step.get("uses")) for step in steps]
    built = next(i for i, run in enumerate(order) if run.startswith("python build.py build"))
    checked = next(i for i, run in enumerate(order) if "tests.site_checks output" in run)
    uploaded = next(i for i, run in enumerate(order) if run.startswith("actions/upload-pages-artifact"))
    assert built < checked < uploaded
    assert any("check --strict" in run for run in order[:built])
    assert not any(step.get("continue-on-error") for job in jobs.values() for step in job.get("steps", []))


def test_the_link_walk_finds_a_missing_file_and_a_link_out_of_the_sub_path(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    output = tmp_path / "site"
    build(Options(content=content, output=output, base_url="https://example.org/sub/archive/", jobs=1, search=False))
    assert check_links(output, "https://example.org/sub/archive/") == []
    assert set(page_types(output)) >= {"home", "release", "meeting", "mechanism", "topic", "not-found"}
    (output / "feed.xml").unlink()
    assert any("feed.xml leads to nothing" in p for p in check_links(output, "https://example.org/sub/archive/"))
    assert any("leaves the base path /other/" in p for p in check_links(output, "https://example.org/other/"))
