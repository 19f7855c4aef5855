#!/usr/bin/env python3
"""Cold, warm (nothing changed) and one-edit build times and peak memory at one archive size.

Usage (from the project root):

    python bench/warm_build.py N [--corpus DIR] [--jobs J] [--runs R] [--work DIR] [--profile PHASE]

Generates the synthetic corpus with ``/work/shared/bench/gen_corpus.py`` (or ``$GEN_CORPUS``) when
``--corpus`` is not given. Each build is a separate ``build.py build`` process run under
``/usr/bin/time -v``; while it runs, the resident memory of its whole process tree (workers and
the search indexer included) is sampled from /proc every 50 ms. Prints one line per build and
the medians (wall, and CPU = user + sys of the whole tree, which a busy machine inflates less);
nothing is asserted. ``--profile warm|edit`` writes a cProfile of that phase.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = Path(os.environ.get("GEN_CORPUS", "/work/shared/bench/gen_corpus.py"))


def tree_rss_kb(root: int) -> tuple[int, int]:
    """Resident memory (kB) of ``root`` and every process below it: all of them, and Python's only."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    python: set[int] = set()
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
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
        rss[int(name)] = pages * page_kb
        if stat[stat.index("(") + 1:stat.rindex(")")].startswith("python"):
            python.add(int(name))
    total = ours = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        ours += rss.get(pid, 0) if pid in python else 0
        todo += children.get(pid, [])
    return total, ours


def timed_build(argv: list[str], log: Path) -> tuple[float, int, int, int, float]:
    """(wall s, peak RSS of the largest process kB, peak RSS of the tree kB, peak of its Python processes kB)."""
    report = log.with_suffix(".time")
    with open(log, "ab") as stream:
        started = time.perf_counter()
        process = subprocess.Popen(["/usr/bin/time", "-v", "-o", str(report), "--", *argv], stdout=stream,
                                   stderr=stream, cwd=ROOT)
        peak = [0, 0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                total, ours = tree_rss_kb(process.pid)
                peak[0], peak[1] = max(peak[0], total), max(peak[1], ours)
                stop.wait(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
    if code != 0:
        raise SystemExit(f"build failed ({code}); see {log}")
    text = report.read_text()
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    return wall, int(found[1]) if found else 0, peak[0], peak[1], cpu


def edit_one_release(content: Path, round_: int) -> Path:
    releases = sorted((content / "releases").rglob("*.md"))
    target = releases[len(releases) // 2]
    with open(target, "a", encoding="utf-8") as stream:
        stream.write(f"\nOne more sentence, edit number {round_}.\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(f"/tmp/{os.environ.get('USER', 'bench')}-warm-build"))
    parser.add_argument("--profile", choices=("warm", "edit"))
    args = parser.parse_args()
    work = args.work / str(args.size)
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or work / "corpus"
    if not (corpus / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), str(args.size), str(corpus)], check=True, stdout=subprocess.DEVNULL)
    content = work / "content"  # a copy: the one-edit rounds change it
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(corpus / "content", content)
    output, cache, log = work / "output", work / "cache", work / "build.log"
    python = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
    command = [python, "build.py", "build", "--content", str(content), "--output", str(output),
               "--cache-dir", str(cache), "--jobs", str(args.jobs)]
    figures: dict[str, list[tuple[float, int, int, int, float]]] = {"cold": [], "warm": [], "edit": []}
    for run in range(args.runs):
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        figures["cold"].append(timed_build(command, log))
        figures["warm"].append(timed_build(command, log))
        edit_one_release(content, run)
        figures["edit"].append(timed_build(command, log))
        for phase in figures:
            wall, largest, tree, ours, cpu = figures[phase][-1]
            print(f"N={args.size} run {run + 1} {phase:4}: {wall:7.2f} s wall, {cpu:7.2f} s CPU, largest process {largest / 1024:6.0f} MB, "
                  f"process tree {tree / 1024:6.0f} MB (Python processes {ours / 1024:6.0f} MB)", flush=True)
    print(f"medians of {args.runs} at N={args.size}, --jobs {args.jobs}:")
    for phase, rows in figures.items():
        print(f"  {phase:4}: {statistics.median(r[0] for r in rows):7.2f} s wall, "
              f"{statistics.median(r[4] for r in rows):7.2f} s CPU, largest process "
              f"{statistics.median(r[1] for r in rows) / 1024:6.0f} MB, process tree {statistics.median(r[2] for r in rows) / 1024:6.0f} MB "
              f"(Python processes {statistics.median(r[3] for r in rows) / 1024:6.0f} MB)")
    if args.profile:
        if args.profile == "edit":
            edit_one_release(content, 99)
        stats = work / f"{args.profile}.prof"
        subprocess.run([python, "-m", "cProfile", "-o", str(stats), *command[1:]], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"profile of a {args.profile} build: {stats} (python -m pstats {stats})")


if __name__ == "__main__":
    main()
