#!/usr/bin/env python3
"""What a new file costs right after many were deleted, on the file system of a folder.

Usage: python bench/fresh_files.py [--folder DIR] [--pages N] [--rounds R]
       python bench/fresh_files.py --builds R -- python build.py build --content C --output O --cache-dir K

The first form makes N folders with one small page each (the shape of a site: ``x/index.html``),
deletes them, and does it again R times, printing the wall and system time of each round. On ext4
without a journal the kernel skips every recently freed inode one by one before it hands out a new
one (``recently_deleted()`` in fs/ext4/ialloc.c), so each round after the first is slower than the
one before while those deletions are recent (a minute, or six while their blocks are dirty).

The second form runs a build command R times back to back, deleting its output and cache folders
(``--output`` and ``--cache-dir``) before each run, as a benchmark's cold builds do, and prints the
user and system time of each: what a build's own files cost under that condition. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_pages(root: Path, pages: int) -> tuple[float, float]:
    """``pages`` folders with a page each under ``root``: (wall s, system s)."""
    wall, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
    for n in range(pages):
        folder = root / f"{n % 100:02d}" / f"p{n}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_bytes(b"x" * 3000)
    return time.perf_counter() - wall, resource.getrusage(resource.RUSAGE_SELF).ru_stime - before


def pages_rounds(folder: Path, pages: int, rounds: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="fresh-files-", dir=folder))
    try:
        for number in range(1, rounds + 1):
            wall, system = make_pages(root / "site", pages)
            started = time.perf_counter()
            shutil.rmtree(root / "site")
            print(f"round {number}: {pages} folders with a page: {wall:6.2f} s wall, {system:6.2f} s system; "
                  f"deleted in {time.perf_counter() - started:.2f} s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def option(command: list[str], name: str) -> Path:
    try:
        return Path(command[command.index(name) + 1])
    except (ValueError, IndexError):
        sys.exit(f"fresh_files.py: the build command needs {name} (it is deleted before each run)")


def build_rounds(command: list[str], builds: int) -> None:
    output, cache = option(command, "--output"), option(command, "--cache-dir")
    for number in range(1, builds + 1):
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"build {number}: {time.perf_counter() - started:6.2f} s wall, {after.ru_utime - before.ru_utime:6.2f} s user, "
              f"{after.ru_stime - before.ru_stime:6.2f} s system", flush=True)
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


def main(argv: list[str]) -> None:
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--builds", type=int, default=0)
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    if command:
        build_rounds(command, args.builds or 3)
    else:
        pages_rounds(args.folder, args.pages, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
