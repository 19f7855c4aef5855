#!/usr/bin/env python3
"""Cost of loading an archive (read, YAML, schema, Markdown, plain text, cache), per release.

Usage: python bench/load_cost.py CONTENT_DIR [--repeat N] [--jobs N] [--root PROJECT] [--profile]

CONTENT_DIR is an archive's content/ folder, e.g. one made by
``python3 ../shared/bench/gen_corpus.py 1000 /tmp/corpus`` (then /tmp/corpus/content). Prints:

- ``load``: ``load_archive`` in this process (one worker, no cache), CPU ms per release, median of
  ``--repeat`` passes after one that warms the imports;
- ``cold``: the engine's load as ``build`` runs it, into an empty cache folder (``--jobs`` workers),
  wall seconds and CPU seconds of this process and its workers, and CPU ms per release; once with
  the cache and once without.

``--root`` imports ``site_builder`` from another checkout (an older commit exported with
``git archive``) so two versions are measured on the same machine in the same way; ``--profile``
prints the 30 costliest functions of one ``load`` pass instead. CPU time is quoted because the
machine may be shared: wall time follows the load average. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path


def children_cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    from site_builder.content.archive import load_archive  # noqa: PLC0415 (imported from --root)
    from site_builder.engine.builder import Engine  # noqa: PLC0415
    from site_builder.options import Options  # noqa: PLC0415

    content = args.content.resolve()
    options = Options(content=content, jobs=1)
    releases = len(load_archive(options).releases)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(load_archive, options)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        return 0
    passes = []
    for _ in range(args.repeat):
        started = time.process_time()
        load_archive(options)
        passes.append((time.process_time() - started) * 1000 / releases)
    print(f"{args.root.resolve().name}: {releases} releases; load, one process, no cache: "
          f"{statistics.median(passes):.2f} ms CPU/release (median of {args.repeat}: "
          + ", ".join(f"{p:.2f}" for p in sorted(passes)) + ")")
    for cache in (True, False):
        with tempfile.TemporaryDirectory(prefix="load-cost-") as folder:
            engine_options = Options(content=content, output=Path(folder) / "site", jobs=args.jobs,
                                     cache_dir=Path(folder) / "cache" if cache else None)
            wall, cpu = time.perf_counter(), children_cpu()
            Engine(engine_options, []).load()
            wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
        print(f"  cold engine load, --jobs {args.jobs}, {'cache' if cache else 'no cache'}: {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU (workers included), {1000 * cpu / releases:.2f} ms CPU/release")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
