"""Full-text search: Pagefind indexes of the release pages, one per shard, in the finished site folder.

Pagefind (the Rust indexer, shipped in the ``pagefind_bin`` wheel; run by pagefind.py) splits an index into small
fragments per language that the browser fetches on demand, so search stays fast on a slow connection
and never talks to another host. Pages opt in with ``data-pagefind-body`` (release pages only).

Pagefind is given only what it indexes: of each page that has a ``data-pagefind-body`` element,
the ``<html>`` tag (its language) and that element (``search_input``), read back from the page
in the stage and sent through a pipe to Pagefind's service mode: no copy is written. Everything
else (head, navigation, side panels, list pages) would be read and parsed only to be thrown away.

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
import re
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from .pagefind import ENTRY, UNUSED, SearchIndexError, index_shards
from .shards import LANGUAGES, SHARD_PAGES, SUBDIR, Shard, languages_manifest, plan_shards

__all__ = ["SUBDIR", "LANGUAGES", "SHARD_PAGES", "UNUSED", "Shard", "SearchIndexError", "search_input", "search_language",
           "search_inputs", "page_input", "index_shards", "write_languages", "index_site"]

_BODY = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body(?=[\s>=/])")
_HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_LANG = re.compile(rb"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_HEAD = b'<head><meta charset="utf-8"></head><body>'


def search_input(page: bytes) -> Optional[bytes]:
    """What Pagefind needs of one page: its ``<html>`` tag and its ``data-pagefind-body`` element.

    None for a page without one (Pagefind skips those once any page has it). Meta, filter and
    sort attributes inside the element are kept; anything Pagefind would read outside it is not.
    """
    marker = page.find(b"data-pagefind-body")
    if marker < 0:
        return None
    # the element's tag starts after the last ">" before the first mention of the attribute: no tag
    # that holds it can start earlier, so the search skips the head and the navigation
    body = _BODY.search(page, page.rfind(b">", 0, marker) + 1)
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


def page_input(folder: Path, file: str) -> bytes:
    """The search input of the page ``file`` of ``folder`` (read back: the OS has it in memory)."""
    try:
        data = search_input(folder.joinpath(*file.split("/")).read_bytes())
    except OSError as exc:
        raise SearchIndexError(f"cannot read {file} for the search index ({exc.strerror or exc})") from None
    if data is None:
        raise SearchIndexError(f"{file} no longer has the element the search index reads")
    return data


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
    for path in sorted(folder.rglob("*.html")):
        data = search_input(path.read_bytes()) if path.is_file() else None
        if data is not None:
            languages[path.relative_to(folder).as_posix()] = search_language(data)
    shards = plan_shards(languages, most)
    files = index_shards(folder, shards, jobs, functools.partial(page_input, folder))
    return sorted(files + [write_languages(folder, shards)])
