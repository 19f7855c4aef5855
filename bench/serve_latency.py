#!/usr/bin/env python3
"""How long a save takes to show in ``serve``: one edited release, one template change, one new file.

Usage: python bench/serve_latency.py [N ...]        (default: 1000 5000)

For each N it generates a synthetic archive (bench/synthetic.py) in a temporary folder, with a copy
of templates/, and measures, as the median of a few runs:

- rebuild: the coalesced change handed to the session -> files re-parsed, site re-planned;
- page: -> the page the editor is looking at (the edited release, or the new one) is up to date:
  what the browser gets when livereload makes it reload;
- all: -> every output is up to date (the dev server does this in the background, between requests);
- served: the file written on disk -> OS file event (watchfiles) -> rebuilt -> the browser told to
  reload (livereload WebSocket) -> the page fetched over HTTP with the change: the whole round trip,
  the watcher's quiet period (30 ms) included.

Goal: "served" under 150 ms for one edited release at N = 5,000. Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import ROOT, make_archive  # noqa: E402
from site_builder.engine.changes import Change, ChangeSet  # noqa: E402
from site_builder.engine.session import Session  # noqa: E402
from site_builder.options import Options  # noqa: E402
from site_builder.pipeline import build  # noqa: E402
from site_builder.output.writer import MANIFEST  # noqa: E402
from tests.helpers import tree_bytes  # noqa: E402
from site_builder.serve.server import collect_garbage_now  # noqa: E402
from tests.serving import call_in_loop, running  # noqa: E402

RUNS = 5


def options_for(work: Path) -> Options:
    # the search index is remade on another thread a few seconds after the saves stop: not measured here
    # and the build cache in the project's .cache/, as ``serve`` has it by default (PDF texts, documents)
    return Options(content=work / "content", templates=work / "templates", drafts=True,
                   base_url="http://127.0.0.1:8000/", jobs=os.cpu_count() or 1, search=False,
                   cache_dir=work / ".cache")


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:7.0f} ms"


class Case:
    """One kind of save, repeated: ``apply(n)`` changes files and returns (changes, page to look at)."""

    def __init__(self, name: str, apply: Callable[[int], tuple[list[Change], str]]):
        self.name = name
        self.apply = apply


def cases(work: Path, session: Session) -> list[Case]:
    content, templates = work / "content", work / "templates"
    releases = sorted((content / "releases").rglob("*.md"))
    edited = releases[len(releases) // 2]
    rel = edited.relative_to(content).as_posix()

    def page_of(source: str) -> str:
        return next(file for file, route in session.routes.items()
                    if route.template == "release.html" and route.source == source)

    def edit_release(n: int) -> tuple[list[Change], str]:
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("\n---\n", f"\n---\nEdit number {n}.\n\n", 1), encoding="utf-8")
        return [Change("content", rel)], page_of(rel)

    def edit_template(n: int) -> tuple[list[Change], str]:
        path = templates / "release.html"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{{# edit {n} #}}\n", encoding="utf-8")
        return [Change("templates", "release.html")], page_of(rel)

    def new_file(n: int) -> tuple[list[Change], str]:
        new = f"releases/2024/2024-06-{n + 1:02d}-new-{n}.md"
        (content / new).parent.mkdir(parents=True, exist_ok=True)
        (content / new).write_text(f"---\ntitle: New release {n}\ndate: 2024-06-{n + 1:02d}\nmechanisms: [oif]\n---\n"
                                   "A new release.\n", encoding="utf-8")
        return [Change("content", new)], f"releases/2024/new-{n}/index.html"

    return [Case("one edited release", edit_release), Case("one template change", edit_template),
            Case("one new release file", new_file)]


def engine(work: Path) -> None:
    """The session alone: rebuild, the page, everything."""
    session = Session(options_for(work))
    started = time.perf_counter()
    session.rebuild()
    planned = time.perf_counter() - started
    session.everything()
    collect_garbage_now()
    print(f"  start: parse and plan {planned:.2f} s, render all {time.perf_counter() - started - planned:.2f} s, "
          f"{len(session.routes)} files")
    for number, case in enumerate(cases(work, session)):
        rebuild, page, everything = [], [], []
        for n in range(RUNS):
            changes, file = case.apply(n + 10 * number)
            t0 = time.perf_counter()
            report = session.rebuild(ChangeSet(frozenset(changes)))
            t1 = time.perf_counter()
            assert report.ok, report.problems
            assert session.data(file) is not None
            t2 = time.perf_counter()
            while not session.refresh(1.0):
                pass
            t3 = time.perf_counter()
            collect_garbage_now()  # as serve does once the site is up to date
            rebuild.append(t1 - t0)
            page.append(t2 - t0)
            everything.append(t3 - t0)
        print(f"  {case.name:22} rebuild {ms(rebuild)}   page {ms(page)}   all {ms(everything)}")
    clean = work / "clean"
    build(dataclasses.replace(session.options, output=clean, jobs=os.cpu_count() or 1))
    expected = {file: data for file, data in tree_bytes(clean).items() if file != MANIFEST}
    same = session.everything() == expected
    print(f"  after these {3 * RUNS} saves, the served site is {'byte-identical to' if same else 'DIFFERENT from'} a clean build")
    shutil.rmtree(clean)


def end_to_end(work: Path) -> None:
    """Through a real server: disk -> watcher -> rebuild -> livereload message -> HTTP GET."""
    options = options_for(work)
    with running(options, out=open(os.devnull, "w"), freeze_heap=True) as server:
        assert server.session is not None
        url = server.url
        case = cases(work, server.session)[0]
        times: list[float] = []

        async def one(n: int) -> float:
            from tornado.websocket import websocket_connect
            socket_ = await websocket_connect(url.replace("http", "ws") + "/livereload")
            socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
            await socket_.read_message()
            socket_.write_message(json.dumps({"command": "info", "url": url + "/"}))
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            _, file = case.apply(100 + n)
            await asyncio.wait_for(socket_.read_message(), 30)
            with urllib.request.urlopen(url + "/" + file.removesuffix("index.html"), timeout=30) as answer:
                body = answer.read()
            elapsed = time.perf_counter() - t0
            assert f"Edit number {100 + n}.".encode() in body
            socket_.close()
            while call_in_loop(server, lambda: bool(server.session and server.session._todo) or server._background):
                await asyncio.sleep(0.1)  # let the background pass finish before the next save
            return elapsed

        for n in range(RUNS):
            times.append(asyncio.run(one(n)))
        print(f"  {'save -> reloaded page':22} served  {ms(times)}   (file written -> OS event -> rebuilt -> "
              f"livereload message -> page fetched over HTTP; min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)")


def main(sizes: list[int]) -> None:
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            make_archive(work, size)
            shutil.copytree(ROOT / "templates", work / "templates")
            print(f"{size} releases (median of {RUNS} saves):")
            engine(work)
            end_to_end(work)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000])
