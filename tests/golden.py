"""The golden output tree of the fixture archive: ``python -m tests.golden regenerate`` (make golden).

The tree in tests/fixtures/golden/ is what the fixture archive must build to, byte for byte. It changes
only through this explicit command, and the change is reviewed as a diff in the commit.

It is built without the search index: Pagefind's files are its own (a Pagefind upgrade changes them
and must not rewrite the golden tree); tests/output/test_search.py tests them on their own.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from site_builder.options import Options

from site_builder.pipeline import build
from tests.helpers import FIXTURE_SITE, FIXTURES

GOLDEN = FIXTURES / "golden"


def build_fixture(output: Path) -> None:
    build(Options(content=FIXTURE_SITE, output=output, jobs=1, search=False))


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build_fixture(output)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        shutil.copytree(output, GOLDEN)
    print(f"regenerated {GOLDEN}: review it with git diff before committing")


if __name__ == "__main__":
    if sys.argv[1:] != ["regenerate"]:
        sys.exit("usage: python -m tests.golden regenerate")
    regenerate()
