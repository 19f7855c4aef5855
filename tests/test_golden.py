"""The fixture archive builds to exactly the committed golden tree (see tests/golden.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.golden import GOLDEN, build_fixture
from tests.helpers import tree_bytes


def test_fixture_archive_matches_the_golden_tree(tmp_path: Path) -> None:
    output = tmp_path / "output"
    build_fixture(output)
    actual, expected = tree_bytes(output), tree_bytes(GOLDEN)
    assert sorted(actual) == sorted(expected), "files added or missing: run `make golden` and review the diff"
    for name in sorted(expected):
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].decode(errors="replace").splitlines(),
                                        actual[name].decode(errors="replace").splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError(f"{name} differs from the golden tree (make golden, then review):\n"
                                 + "\n".join(list(diff)[:40]))
