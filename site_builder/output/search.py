"""Full-text search: Pagefind indexes of the release pages, one per shard, in the finished site folder.

Pagefind (the Rust indexer, shipped in the ``pagefind_bin`` wheel) splits an index into small
fragments per language that the browser fetches on demand, so search stays fast on a slow connection
and never talks to another host. Pages opt in with ``data-pagefind-body`` (release pages only).

Pagefind is given only what it indexes: of each page that has a ``data-pagefind-body`` element,
the ``<html>`` tag (its language) and that element (``search_input``), which the render workers
write into a scratch folder of the stage as they write the page. Everything else (head,
navigation, side panels, list pages) would be read and parsed only to be thrown away.

The pages are split into shards (``shards.py``): one language each, a stable share of its pages.
Each shard is one Pagefind run into its own bundle, ``pagefind/<language>/<n>/``; up to ``jobs``
runs at a time, so the indexer's memory is bounded by the shard size, not by the archive; and the
engine links a shard whose pages did not change from the previous output. ``pagefind/languages.json``
lists each language's bundles: the browser loads the first (the only one with Pagefind's script,
worker and WebAssembly) and merges the others into it (templates/static/search.js).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, NamedTuple, Optional, Sequence

from ..errors import ToolError
from ..workers import die_with_parent
from .shards import LANGUAGES, SCRATCH, SHARD_PAGES, SHARDS, SUBDIR, Shard, languages_manifest, plan_shards

__all__ = ["SUBDIR", "SCRATCH", "SHARDS", "LANGUAGES", "SHARD_PAGES", "Shard", "SearchIndexError", "search_input",
           "search_language", "search_inputs", "write_input", "index_shards", "write_languages", "index_site"]

# Pagefind's ready-made interfaces: we ship our own small one (templates/static/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
RUNTIME = ("pagefind.js", "pagefind-worker.js")  # loaded from a language's first bundle only
TIMEOUT = 1800  # seconds for one run: a shard is at most a few hundred pages, so only a hung Pagefind
ENTRY = "pagefind-entry.json"

_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body(?=[\s>=/])")
_HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_LANG = re.compile(rb"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_HEAD = b'<head><meta charset="utf-8"></head><body>'


class SearchIndexError(ToolError):
    """Pagefind is missing or failed: a broken installation, not a content problem nor bad usage."""


def search_input(page: bytes) -> Optional[bytes]:
    """What Pagefind needs of one page: its ``<html>`` tag and its ``data-pagefind-body`` element.

    None for a page without one (Pagefind skips those once any page has it). Meta, filter and
    sort attributes inside the element are kept; anything Pagefind would read outside it is not.
    """
    body = _BODY.search(page)
    if body is None:
        return None
    html = _HTML.search(page, 0, body.start())
    return (html.group(0) if html else b"<html>") + _HEAD + page[body.start():_element_end(page, body)] + b"</body></html>\n"


def search_language(data: bytes) -> str:
    """The language Pagefind files a page (or its search input) under: its ``<html lang>``, lower case."""
    html = _HTML.search(data)
    lang = _LANG.search(html.group(0)) if html else None
    value: bytes = next((g for g in lang.groups() if g is not None), b"") if lang else b""
    return value.decode("utf-8", "replace").strip().lower() or "unknown"


def _element_end(page: bytes, start: re.Match[bytes]) -> int:
    """The offset just after the end tag closing the element opened at ``start`` (nesting counted)."""
    tags = re.compile(rb"<(/?)" + re.escape(start.group(1)) + rb"(?=[\s>/])", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(page, start.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            close = page.find(b">", tag.end())
            return len(page) if close < 0 else close + 1
    return len(page)


def search_inputs(pages: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
    """(file, input) for every page Pagefind indexes, in the order given."""
    for file, page in pages:
        if file.endswith(".html"):
            data = search_input(page)
            if data is not None:
                yield file, data


def write_input(scratch: Path, file: str, data: bytes) -> None:
    """One page's search input, at the page's own path under ``scratch``."""
    path = scratch.joinpath(*file.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# --- running Pagefind, one shard per process, ``jobs`` at a time ----------------------------------

def index_shards(stage: Path, shards: Sequence[Shard], jobs: int) -> list[str]:
    """Index each shard into ``stage/<shard.folder>``; return the files made, relative to ``stage``, sorted.

    The shard's inputs must be in ``stage/SCRATCH`` (at each page's path); they are moved into one
    folder per shard first. Same inputs, same bytes, whatever ``jobs`` and the order the runs end in.
    """
    scratch, sorted_inputs = stage / SCRATCH, stage / SHARDS
    for shard in shards:
        for file in shard.files:
            source = scratch.joinpath(*file.split("/"))
            target = sorted_inputs.joinpath(shard.folder, *file.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(source, target)
            except FileNotFoundError:
                raise SearchIndexError(f"the search input of {file} is missing from {SCRATCH}/") from None
    runs = max(1, min(jobs, len(shards)))
    threads = _threads_per_run(runs)
    waiting = sorted(shards, key=lambda s: (-len(s.files), s.folder))  # biggest first: the last run to end is small
    running: list[_Run] = []
    made: list[str] = []
    try:  # one thread starts and reaps every run: forking from several threads could deadlock a child
        while waiting or running:
            while waiting and len(running) < runs:
                running.append(_start(stage, waiting.pop(0), threads))
            ended = [run for run in running if run.process.poll() is not None]
            for run in ended:
                running.remove(run)
                made += _finish(stage, run)
            if not ended:
                if any(time.monotonic() - run.started > TIMEOUT for run in running):
                    raise SearchIndexError(f"Pagefind ran for more than {TIMEOUT // 60} minutes on one shard")
                time.sleep(0.005)
    finally:
        for run in running:  # after a failure: no run outlives the build
            run.process.kill()
            run.process.wait()
            run.log.close()
    return sorted(made)


class _Run(NamedTuple):
    shard: Shard
    process: subprocess.Popen[bytes]
    log: BinaryIO  # what it prints (only on failure: --silent), for the error message
    started: float


def _threads_per_run(runs: int) -> int:
    """Pagefind's own threads per run: the CPUs shared out between the runs at a time (at least one)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // runs)


def _start(stage: Path, shard: Shard, threads: int) -> _Run:
    target = stage / shard.folder
    if target.exists() and any(p.is_file() or p.is_symlink() for p in target.rglob("*")):  # (empty folders: a recycled stage's)
        raise SearchIndexError(f"{shard.folder}/ already exists in the site: a static file or page took the search index's place")
    inputs = stage / SHARDS / shard.folder
    command = _pagefind() + ["--site", str(inputs), "--output-path", str(target), "--silent"]
    log = open(inputs.with_name(inputs.name + ".log"), "w+b")
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, RAYON_NUM_THREADS=str(threads)),
                                   preexec_fn=functools.partial(die_with_parent, os.getpid()))  # no orphan after kill -9
    except OSError as exc:
        log.close()
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    return _Run(shard, process, log, time.monotonic())


def _finish(stage: Path, run: _Run) -> list[str]:
    """A run that ended: its bundle checked and trimmed; the files it holds, relative to ``stage``."""
    target = stage / run.shard.folder
    with run.log:
        run.log.seek(0)
        printed = run.log.read().decode("utf-8", "replace")
    if run.process.returncode != 0 or not (target / ENTRY).is_file():  # exit 0 with no index: a full disk
        detail = printed.strip().splitlines()
        raise SearchIndexError("Pagefind failed" + (f": {detail[-1]}" if detail else "")
                               + " (is the pagefind[bin] package installed? run make site)")
    for name in UNUSED:
        (target / name).unlink(missing_ok=True)
    entry = _normalise_entry(target / ENTRY)
    _keep_runtime(target, entry, run.shard.first)
    return sorted(p.relative_to(stage).as_posix() for p in target.rglob("*") if p.is_file())


def _keep_runtime(target: Path, entry: dict[str, object], first: bool) -> None:
    """The browser loads Pagefind's script, worker and one WebAssembly per language from the
    language's first bundle only (the others are merged into it): elsewhere they are never fetched."""
    languages = entry.get("languages")
    needed = {f"wasm.{lang.get('wasm') or 'unknown'}.pagefind" for lang in languages.values()
              if isinstance(lang, dict)} if first and isinstance(languages, dict) else set()
    for path in target.iterdir():
        if path.name.startswith("wasm.") and path.name not in needed or path.name in RUNTIME and not first:
            path.unlink()


def _pagefind() -> list[str]:
    """The indexer's executable (started directly: ``python -m pagefind`` would add an interpreter per run)."""
    try:
        import pagefind_bin
        return [str(pagefind_bin.get_executable())]
    except (ImportError, FileNotFoundError) as exc:
        raise SearchIndexError(f"Pagefind is not installed ({exc}); run make site to install the pagefind[bin] package") from None


def _normalise_entry(entry: Path) -> dict[str, object]:
    """Pagefind lists languages in hash-map order; sorted keys make two builds byte-identical."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # cut short (a full disk): no index is better than a broken one
        raise SearchIndexError(f"Pagefind's index is unreadable ({exc}); is the disk full?") from None
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    return data if isinstance(data, dict) else {}


def write_languages(stage: Path, shards: Sequence[Shard]) -> str:
    """``pagefind/languages.json``, from the shards' entry files now in ``stage``; its name in the site."""
    entries = []
    for shard in shards:
        try:
            entries.append((shard, json.loads((stage / shard.folder / ENTRY).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"Pagefind's index {shard.folder} is unreadable ({exc}); is the disk full?") from None
    name = f"{SUBDIR}/{LANGUAGES}"
    path = stage / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(languages_manifest(entries))
    return name


# --- one call: index a folder of pages (the dev server, the benchmark, the tests) ----------------

def index_site(folder: Path, jobs: int = 1, most: int = SHARD_PAGES) -> list[str]:
    """Index the pages in ``folder`` into ``folder/pagefind``; return the files added, relative to it, sorted."""
    if (folder / SUBDIR).exists():
        raise SearchIndexError(f"{SUBDIR}/ already exists in the site: a static file or page took the search index's place")
    languages: dict[str, str] = {}
    try:
        for path in sorted(folder.rglob("*.html")):
            file = path.relative_to(folder).as_posix()
            data = search_input(path.read_bytes()) if path.is_file() else None
            if data is not None:
                write_input(folder / SCRATCH, file, data)
                languages[file] = search_language(data)
        shards = plan_shards(languages, most)
        files = index_shards(folder, shards, jobs)
        return sorted(files + [write_languages(folder, shards)])
    finally:
        shutil.rmtree(folder / SCRATCH, ignore_errors=True)
        shutil.rmtree(folder / SHARDS, ignore_errors=True)


def add_missing_inputs(stage: Path, shards: Sequence[Shard], present: Iterable[str]) -> None:
    """The search inputs of pages of ``shards`` that were not rendered (linked from the last build),
    from their file in the stage: only for the shards about to be indexed again."""
    have = set(present)
    for shard in shards:
        for file in shard.files:
            if file not in have:
                data = search_input(stage.joinpath(*file.split("/")).read_bytes())
                if data is None:
                    raise SearchIndexError(f"{file} no longer has the element the search index reads")
                write_input(stage / SCRATCH, file, data)
