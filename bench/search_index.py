#!/usr/bin/env python3
"""Time and peak memory of the search indexer on built sites (the whole process tree, sampled).

Usage: python bench/search_index.py SITE [SITE ...] [--whole]

Each SITE is a built output folder (e.g. ``build.py build --no-cache`` of a bench corpus); its
``pagefind/`` folder is set aside and put back. ``--whole`` also times Pagefind over every page of
the site, as the builder ran it before (for comparison). Prints one line per run; asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_builder.output.search import SUBDIR, index_site, search_inputs  # noqa: E402


def tree_rss_kb(root: int) -> int:
    """Resident memory (kB) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            pages = int(Path(f"/proc/{name}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
        rss[int(name)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measured(work: Callable[[], object]) -> tuple[float, float, int]:
    """(wall s, CPU s of this process and its children, peak tree RSS kB) of ``work()``."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_kb(os.getpid()))
            stop.wait(0.05)
    before = os.times()
    started = time.perf_counter()
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        work()
    finally:
        stop.set()
        thread.join()
    after = os.times()
    cpu = sum(after[:4]) - sum(before[:4])
    return time.perf_counter() - started, cpu, peak[0]


def main(args: list[str]) -> None:
    whole = "--whole" in args
    for site in [Path(a) for a in args if a != "--whole"]:
        aside = Path(tempfile.mkdtemp(prefix="pagefind-aside-", dir=site.parent))
        if (site / SUBDIR).exists():
            os.rename(site / SUBDIR, aside / SUBDIR)
        try:
            pages = [p for p in site.rglob("*.html")]
            size = sum(p.stat().st_size for p in pages)
            kept = sum(len(d) for _, d in search_inputs((p.relative_to(site).as_posix(), p.read_bytes()) for p in pages))
            wall, cpu, peak = measured(lambda: index_site(site))
            print(f"{site}: {len(pages)} pages, {size / 1e6:.0f} MB of HTML, {kept / 1e6:.0f} MB given to Pagefind; "
                  f"index {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak / 1024:.0f} MB (process tree)", flush=True)
            shutil.rmtree(site / SUBDIR)
            if whole:
                command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", SUBDIR, "--silent"]
                wall, cpu, peak = measured(lambda: subprocess.run(command, check=True))
                print(f"{site}: Pagefind over every page: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak / 1024:.0f} MB",
                      flush=True)
                shutil.rmtree(site / SUBDIR)
        finally:
            if (aside / SUBDIR).exists():
                os.rename(aside / SUBDIR, site / SUBDIR)
            shutil.rmtree(aside)


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
