#!/usr/bin/env python3
"""Build-time figures: the seed archive and synthetic archives, with 1 and all workers.

Usage: python bench/build_time.py [N ...]   (default: 1000)
Prints one line per run; nothing is asserted (speed goals live here, not in the tests).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import ROOT, make_archive  # noqa: E402
from site_builder.options import Options  # noqa: E402
from site_builder.pipeline import build  # noqa: E402


def timed(content: Path, output: Path, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    result = build(Options(content=content, output=output, jobs=jobs))
    return time.perf_counter() - started, result.files


def main(sizes: list[int]) -> None:
    cpus = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.chdir(work)
        for jobs in sorted({1, cpus}):
            seconds, files = timed(ROOT / "content", work / f"seed-{jobs}", jobs)
            print(f"seed archive          jobs={jobs}: {seconds:6.2f} s, {files} files")
        for size in sizes:
            content = make_archive(work / f"n{size}", size)
            for jobs in sorted({1, cpus}):
                seconds, files = timed(content, work / f"out-{size}-{jobs}", jobs)
                print(f"{size:>5} releases        jobs={jobs}: {seconds:6.2f} s, {files} files")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000])
