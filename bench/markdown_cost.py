#!/usr/bin/env python3
"""Markdown cost per release: every release body of an archive rendered as the build renders it.

Usage: python bench/markdown_cost.py CONTENT_DIR [--repeat N] [--root PROJECT]

CONTENT_DIR is an archive's content/ folder, e.g. one made by
``python3 ../shared/bench/gen_corpus.py 1000 /tmp/corpus`` (then /tmp/corpus/content). ``--root``
imports ``site_builder`` from another checkout (e.g. an older commit exported with ``git archive``)
so that two versions are measured on the same machine in the same run. Prints the median over
``--repeat`` passes of the milliseconds per release of ``MarkdownRenderer.render`` (Markdown,
typographic quotes, sanitiser), and of the text extraction that follows it in the loader: CPU time of
this process (steadier than wall time on a shared machine) and wall time.
Nothing is asserted: speed goals live in benchmarks, not in tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    from site_builder.content import markdown  # noqa: PLC0415 (imported from --root)
    from site_builder.content.read import parse_markdown_file  # noqa: PLC0415

    files = sorted((args.content / "releases").rglob("*.md"))
    bodies = [parse_markdown_file(path, path.name).body for path in files]
    renderer = markdown.MarkdownRenderer("/")
    render_cpu, render_wall, text_cpu = [], [], []
    for _ in range(args.repeat):
        started, started_wall = time.process_time(), time.perf_counter()
        rendered = [renderer.render(body, "en") for body in bodies]
        middle, middle_wall = time.process_time(), time.perf_counter()
        for html in rendered:
            markdown.html_to_text(getattr(html, "html", html))  # older versions return the HTML itself
        render_cpu.append((middle - started) * 1000 / len(bodies))
        render_wall.append((middle_wall - started_wall) * 1000 / len(bodies))
        text_cpu.append((time.process_time() - middle) * 1000 / len(bodies))
    print(f"{args.root.name}: {len(bodies)} releases, median of {args.repeat}: "
          f"render {statistics.median(render_cpu):.2f} ms CPU/release ({statistics.median(render_wall):.2f} ms wall), "
          f"text {statistics.median(text_cpu):.2f} ms CPU/release")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
