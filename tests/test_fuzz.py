"""A short fuzzing run in ``make test`` (seeded, so reproducible), and the corpus of past findings.

bench/fuzz.py runs the same harness (tests/fuzzing.py) for as long as asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzzing import Project, release
from tests.helpers import FIXTURES

CORPUS = sorted((FIXTURES / "fuzz").glob("*.md"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("fuzz"))


@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(document=release)
def test_generated_and_mutated_releases_never_break_check_or_build(project: Project, document: str) -> None:
    verdict = project.try_release(document)
    assert verdict.problems == [], document


@pytest.mark.parametrize("case", CORPUS, ids=[p.stem for p in CORPUS])
def test_past_findings_stay_fixed(project: Project, case: Path) -> None:
    """Each file once crashed, hung or broke the output; now it is refused (or built) cleanly."""
    verdict = project.try_release(case.read_bytes())
    assert verdict.problems == []
    assert (verdict.check, verdict.build) == ((0, 0) if case.stem.startswith("ok-") else (1, 1))
