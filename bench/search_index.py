#!/usr/bin/env python3
"""Time, CPU and peak memory of the search indexer on built sites: cold, and after one edit.

Usage: python bench/search_index.py SITE [SITE ...] [--jobs J] [--most N] [--before] [--whole]

Each SITE is a built output folder (e.g. ``build.py build --no-cache`` of a bench corpus); its
``pagefind/`` folder is set aside and put back. For each site it prints:

- inputs: each page read and its search input cut out, to learn the release pages' languages (in a
  build the render workers do this as they write the page; here one process does it for all);
- cold: every shard indexed (``--jobs`` Pagefind services at a time, ``--most`` pages per shard at
  most, each page's input read back from the page and piped to Pagefind), then ``languages.json``:
  what a build without a usable cache does;
- one edit: one release's input changed (a word added): only its shard indexed again, as a warm build does;
- ``--before``: one Pagefind run over every page's input (the index before it was split);
- ``--whole``: Pagefind over every page of the site (before inputs were trimmed).

Wall and CPU seconds (this process and its children, user + system), and the peak resident memory
of the whole process tree, sampled from /proc every 50 ms. Asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
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

from site_builder.options import SEARCH_SHARD_PAGES  # noqa: E402
from site_builder.output.search import (SUBDIR, index_shards, page_input, search_input,  # noqa: E402
                                        search_language, write_languages)
from site_builder.output.shards import plan_shards  # noqa: E402


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


def measured(work: Callable[[], object]) -> str:
    """``work()``'s wall s, CPU s (this process and its children) and peak tree RSS, as one phrase."""
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
    return f"{time.perf_counter() - started:.2f} s wall, {cpu:.2f} s CPU, peak {peak[0] / 1024:.0f} MB (process tree)"


def bench_site(site: Path, jobs: int, most: int, before: bool, whole: bool) -> None:
    pages = sorted(p for p in site.rglob("*.html") if SUBDIR not in p.relative_to(site).parts[:1])
    languages: dict[str, str] = {}
    sizes: list[int] = []

    def read_inputs() -> None:
        for path in pages:
            data = search_input(path.read_bytes())
            if data is not None:
                languages[path.relative_to(site).as_posix()] = search_language(data)
                sizes.append(len(data))
    print(f"{site}: inputs of {len(pages)} pages: {measured(read_inputs)}", flush=True)
    shards = plan_shards(languages, most)
    print(f"{site}: {len(languages)} release pages, {sum(sizes) / 1e6:.0f} MB of inputs, {len(shards)} shards "
          f"(largest {max((len(s.files) for s in shards), default=0)} pages), --jobs {jobs}", flush=True)
    if before:
        with tempfile.TemporaryDirectory(prefix="inputs-", dir=site.parent) as folder:
            for file in languages:
                (Path(folder) / file).parent.mkdir(parents=True, exist_ok=True)
                (Path(folder) / file).write_bytes(page_input(site, file))
            one = Path(folder) / "one-index"
            print(f"{site}: before (one run over every input): {measured(lambda: _pagefind(Path(folder), one))}",
                  flush=True)
    read = functools.partial(page_input, site)
    print(f"{site}: cold: {measured(lambda: (index_shards(site, shards, jobs, read), write_languages(site, shards)))}",
          flush=True)
    edited = shards[0].files[len(shards[0].files) // 2]
    shard = next(s for s in shards if edited in s.files)
    changed = page_input(site, edited).replace(b"</body>", b" benchmarkword</body>")

    def one_edit() -> None:
        shutil.rmtree(site / shard.folder)
        index_shards(site, [shard], jobs, lambda file: changed if file == edited else read(file))
        write_languages(site, shards)
    print(f"{site}: one edit ({shard.folder}, {len(shard.files)} pages): {measured(one_edit)}", flush=True)
    if whole:
        print(f"{site}: Pagefind over every page: {measured(lambda: _pagefind(site, site / 'whole-index'))}",
              flush=True)
        shutil.rmtree(site / "whole-index")


def _pagefind(folder: Path, output: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(output), "--silent"]
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--most", type=int, default=SEARCH_SHARD_PAGES, help="pages per shard at most")
    parser.add_argument("--before", action="store_true", help="also one Pagefind run over every input")
    parser.add_argument("--whole", action="store_true", help="also Pagefind over every page of the site")
    args = parser.parse_args()
    for site in args.sites:
        aside = Path(tempfile.mkdtemp(prefix="pagefind-aside-", dir=site.parent))
        if (site / SUBDIR).exists():
            os.rename(site / SUBDIR, aside / SUBDIR)
        try:
            bench_site(site, args.jobs, args.most, args.before, args.whole)
        finally:
            shutil.rmtree(site / SUBDIR, ignore_errors=True)
            if (aside / SUBDIR).exists():
                os.rename(aside / SUBDIR, site / SUBDIR)
            shutil.rmtree(aside)


if __name__ == "__main__":
    main()
