"""Full-text search: a Pagefind index of the release pages, built into the finished site folder.

Pagefind (the Rust indexer, shipped in the ``pagefind_bin`` wheel) splits the index into small
fragments per language that the browser fetches on demand, so search stays fast on a slow connection
and never talks to another host. Pages opt in with ``data-pagefind-body`` (release pages only).

Pagefind is given only what it indexes: of each page that has a ``data-pagefind-body`` element,
the ``<html>`` tag (its language) and that element, written to a scratch folder. Everything else
(head, navigation, side panels, list pages) would be read and parsed only to be thrown away; the
index is byte for byte the one Pagefind makes from the whole site (tests/test_search_index.py).
Whether to index at all is the engine's decision (it links the previous index when no page changed).
"""

from __future__ import annotations

import json
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..workers import die_with_parent
from ..errors import ToolError

SUBDIR = "pagefind"
SCRATCH = ".search-input"  # inside the folder being indexed, removed before the build commits
# Pagefind's ready-made interfaces: we ship our own small one (templates/static/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body(?=[\s>=/])")
_HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
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


def _pages_in(folder: Path, files: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    for file in files:
        yield file, (folder / file).read_bytes()


def index_site(folder: Path) -> list[str]:
    """Index the site in ``folder`` into ``folder/pagefind``; return the files added, relative to it, sorted."""
    target = folder / SUBDIR
    if target.exists():
        raise SearchIndexError(f"{SUBDIR}/ already exists in the site: a static file or page took the search index's place")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.is_file())
    scratch = folder / SCRATCH
    try:
        written = _write_inputs(scratch, search_inputs(_pages_in(folder, names)))
        if not written:  # no release yet: Pagefind indexes whole pages, as it does without the attribute
            _write_inputs(scratch, _pages_in(folder, names))
        _run_pagefind(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name in UNUSED:
        (target / name).unlink(missing_ok=True)
    _normalise_entry(target / "pagefind-entry.json")
    return sorted(p.relative_to(folder).as_posix() for p in target.rglob("*") if p.is_file())


def _write_inputs(scratch: Path, inputs: Iterable[tuple[str, bytes]]) -> int:
    count = 0
    for file, data in inputs:
        path = scratch / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
    return count


def _run_pagefind(site: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                              preexec_fn=functools.partial(die_with_parent, os.getpid()))  # no orphan after kill -9
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if done.returncode != 0 or not (target / "pagefind-entry.json").is_file():  # exit 0 with no index: a full disk
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed" + (f": {detail[-1]}" if detail else "")
                               + " (is the pagefind[bin] package installed? run make site)")


def _normalise_entry(entry: Path) -> None:
    """Pagefind lists languages in hash-map order; sorted keys make two builds byte-identical."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # cut short (a full disk): no index is better than a broken one
        raise SearchIndexError(f"Pagefind's index is unreadable ({exc}); is the disk full?") from None
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
