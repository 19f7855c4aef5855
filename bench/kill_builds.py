"""kill -9 during builds, many times: prints how many kills left the previous site, the new one, or neither.

    python bench/kill_builds.py --tries 100 [--seed 1]

The same check as tests/test_crash_safety.py (8 tries), for longer runs. Exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crashes import kill_builds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kill-builds-") as tmp:
        tally = kill_builds(Path(tmp), args.tries, args.seed, log=True)
    print(f"{tally.kills} kills in {time.perf_counter() - started:.0f}s: previous site {tally.previous}, "
          f"new site {tally.new}, failures {len(tally.failures)}")
    for failure in tally.failures:
        print("FAILED:", failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
