"""Full-text search: a Pagefind index of the release pages, built into the finished site folder.

Pagefind (the Rust indexer, shipped in the ``pagefind_bin`` wheel) splits the index into small
fragments per language that the browser fetches on demand, so search stays fast on a slow connection
and never talks to another host. Pages opt in with ``data-pagefind-body`` (release pages only).

Two things keep it cheap on a big archive:

- Pagefind is given only what it indexes: of each page that has a ``data-pagefind-body`` element,
  the ``<html>`` tag (its language) and that element, written to a scratch folder. Everything else
  (head, navigation, side panels, list pages) would be read and parsed only to be thrown away; the
  index is byte for byte the one Pagefind makes from the whole site (tests/test_search_index.py).
- A digest of those inputs is kept in the output's manifest: when the next build gives the same
  digest, the previous ``pagefind/`` folder is reused (hard links) and Pagefind does not run at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator, Optional

SUBDIR = "pagefind"
SCRATCH = ".search-input"  # inside the folder being indexed, removed before the build commits
# Pagefind's ready-made interfaces: we ship our own small one (templates/static/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
FORMAT = b"search-input 1"  # bump when the inputs change meaning (a new attribute kept, ...)

_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body(?=[\s>=/])")
_HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_HEAD = b'<head><meta charset="utf-8"></head><body>'


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed: a broken installation, not a content problem."""


@dataclass(frozen=True)
class SearchIndex:
    files: list[str]  # the files of the index, relative to the site folder, sorted
    digest: str  # of everything Pagefind was given: the same digest gives the same index
    reused: bool  # copied from the previous build instead of made again


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


def inputs_digest(inputs: Iterable[tuple[str, bytes]]) -> str:
    """One hash over the Pagefind version and every input (name and bytes, length-prefixed)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in (FORMAT, _pagefind_version().encode(), *(n.encode() for n in UNUSED)):
        hasher.update(len(part).to_bytes(8, "big") + part)
    for file, data in inputs:
        for part in (file.encode(), data):
            hasher.update(len(part).to_bytes(8, "big") + part)
    return hasher.hexdigest()


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def _pages_in(folder: Path, files: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    for file in sorted(files):
        yield file, (folder / file).read_bytes()


def index_site(folder: Path, pages: Optional[Iterable[str]] = None, previous: Optional[Path] = None,
               previous_digest: Optional[str] = None, previous_files: Iterable[str] = ()) -> SearchIndex:
    """Index the site in ``folder`` (its ``pages``, every .html file by default) into ``folder/pagefind``.

    When ``previous_digest`` (the last build's, from its manifest) equals the digest of these
    pages' inputs, the ``previous_files`` under ``previous/pagefind/`` are linked in instead.
    """
    target = folder / SUBDIR
    if target.exists():
        raise SearchIndexError(f"{SUBDIR}/ already exists in the site: a static file or page took the search index's place")
    names = sorted(pages) if pages is not None else sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.is_file())
    digest = inputs_digest(search_inputs(_pages_in(folder, names)))
    old = sorted(f for f in previous_files if f.startswith(SUBDIR + "/"))
    if previous is not None and previous_digest == digest and old and _reuse(previous, folder, old):
        return SearchIndex(old, digest, reused=True)
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
    return SearchIndex(sorted(p.relative_to(folder).as_posix() for p in target.rglob("*") if p.is_file()), digest, False)


def _write_inputs(scratch: Path, inputs: Iterable[tuple[str, bytes]]) -> int:
    count = 0
    for file, data in inputs:
        path = scratch / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
    return count


def _reuse(previous: Path, folder: Path, files: list[str]) -> bool:
    """Link (or copy) the previous index into ``folder``; False, leaving nothing, if a file is gone."""
    if not all((previous / file).is_file() for file in files):
        return False
    try:
        for file in files:
            (folder / file).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(previous / file, folder / file)
            except OSError:
                shutil.copyfile(previous / file, folder / file)
    except OSError:
        shutil.rmtree(folder / SUBDIR, ignore_errors=True)
        return False
    return True


def _run_pagefind(site: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if done.returncode != 0 or not target.is_dir():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed" + (f": {detail[-1]}" if detail else "")
                               + " (is the pagefind[bin] package installed? run make site)")


def _normalise_entry(entry: Path) -> None:
    """Pagefind lists languages in hash-map order; sorted keys make two builds byte-identical."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
