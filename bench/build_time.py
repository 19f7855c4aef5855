#!/usr/bin/env python3
"""Build-time figures: per stage and per release, on synthetic archives or the shared bench corpora.

Usage: python bench/build_time.py [N ...]            (default: 1000)
       python bench/build_time.py --corpus DIR ...   (a corpus made by ../shared/bench/gen_corpus.py)

For each archive: one process, no cache, CPU time of each stage (load = read, parse, Markdown,
validate; plan = views and routes; render = every output in memory, by template or producer;
search = the Pagefind index of the written site), each in ms per release, then whole-process
builds (``--no-cache``, 1 worker and all workers) with wall and CPU seconds. CPU time is quoted
because the machine is shared: wall time follows the load average, printed too. Nothing is asserted.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import ROOT, make_archive  # noqa: E402
from site_builder.content.archive import load_archive  # noqa: E402
from site_builder.options import Options  # noqa: E402
from site_builder.output.render import Renderer  # noqa: E402
from site_builder.output.search import index_site  # noqa: E402
from site_builder.plan.site import plan_site  # noqa: E402


def cpu() -> float:
    return time.process_time()


def stages(content: Path, work: Path) -> None:
    """CPU time of each stage in this process, in total and per release."""
    options = Options(content=content, output=work / "unused", jobs=1, search=False)
    started = cpu()
    archive = load_archive(options)
    loaded = cpu()
    site = plan_site(archive, options)
    planned = cpu()
    renderer = Renderer(site, options.templates)
    by_kind: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    pages = work / "pages"
    for route in site.routes:
        if route.kind == "copy":
            continue
        kind = route.template or route.kind
        before = cpu()
        data = renderer.render(route)
        by_kind[kind] += cpu() - before
        count[kind] += 1
        if route.output_file.endswith(".html"):
            target = pages / route.output_file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    rendered = cpu()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    index_site(pages)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    search = cpu() - rendered + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    shutil.rmtree(pages)
    n = max(1, len(archive.releases))

    def line(name: str, seconds: float) -> str:
        return f"    {name:24} {seconds:7.2f} s CPU  {1000 * seconds / n:6.2f} ms/release"
    print(f"  stages, one process ({n} releases, {len(site.routes)} outputs):")
    print(line("load (parse, Markdown)", loaded - started))
    print(line("plan (views, routes)", planned - loaded))
    print(line("render (all outputs)", rendered - planned))
    for kind, seconds in sorted(by_kind.items(), key=lambda kv: -kv[1])[:8]:
        print(f"      {kind:22} {seconds:7.2f} s  {count[kind]:6d} outputs  {1000 * seconds / count[kind]:6.2f} ms each")
    print(line("search index (Pagefind)", search))
    print(line("total", loaded - started + planned - loaded + rendered - planned + search))


def whole(content: Path, work: Path, jobs: int) -> None:
    """One ``build.py build --no-cache`` as a user runs it: wall and CPU (children included)."""
    output = work / f"out-{jobs}"
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output", str(output),
                    "--jobs", str(jobs), "--no-cache"], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    releases = sum(1 for p in (content / "releases").rglob("*.md"))
    print(f"  build --no-cache --jobs {jobs}: {wall:6.1f} s wall, {used:6.1f} s CPU, "
          f"{1000 * wall / releases:5.2f} ms/release wall, {1000 * used / releases:5.2f} ms/release CPU (load {load:.1f})")
    shutil.rmtree(output)


def main(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        archives: list[tuple[str, Path]] = []
        if args[:1] == ["--corpus"]:
            archives = [(folder, Path(folder) / "content") for folder in args[1:]]
        else:
            for size in [int(a) for a in args] or [1000]:
                archives.append((f"{size} synthetic releases", make_archive(work / f"n{size}", size)))
        for name, content in archives:
            print(f"{name}:", flush=True)
            stages(content, work)
            for jobs in sorted({1, os.cpu_count() or 1}):
                whole(content, work, jobs)


if __name__ == "__main__":
    main(sys.argv[1:])
