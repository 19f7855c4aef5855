"""The search index of a warm build: each shard linked from the previous output or indexed again.

A shard (see output/shards.py) whose pages are the same files with the same search input as when
it was indexed, and whose own files are intact, is linked; Pagefind runs only for the others.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from ..options import Options
from ..output.search import SUBDIR, Shard, index_shards, page_input, write_languages
from ..output.shards import LANGUAGES, plan_shards, shard_digest
from ..output.writer import Writer
from .records import Outcome, Record, made_record, same_file


def previous_file(options: Options, file: str) -> str:
    """Where ``file`` (relative, with forward slashes) is in the previous output (a string: tens of
    thousands per build, joined without ``os.path.join``'s checks)."""
    return f"{options.output_root}/{file}"


def search_index(writer: Writer, options: Options, cached: bool, index: Optional[dict[str, Any]],
                 previous: dict[str, Record], outcome: Outcome) -> None:
    """Each shard's pages the same files with the same bytes -> the same bundle: link it; index the others.

    ``previous`` are the records of the output this build replaces (``cached``: they can be trusted),
    ``index`` the cache's index of it (with each shard's digest). Pagefind reads each page of a shard
    to index from the stage, rendered or linked."""
    pages = {f: r for f, r in outcome.records.items() if r.searchable}
    shards = plan_shards({f: r.language for f, r in pages.items()}, options.search_shard_pages)
    digests = {f: r.search_digest for f, r in pages.items()}
    outcome.search = {shard.folder: shard_digest(shard, digests) for shard in shards}
    known = index.get("search") if index is not None else None
    before: dict[str, bytes] = known if isinstance(known, dict) else {}
    bundles: dict[str, list[tuple[str, Record]]] = {}
    for file, record in previous.items():
        if file.startswith(SUBDIR + "/") and file.count("/") >= 3:
            bundles.setdefault("/".join(file.split("/")[:3]), []).append((file, record))  # pagefind/<lang>/<n>
    linkable = {shard.folder for shard in shards if cached and bundles.get(shard.folder)
                and before.get(shard.folder) == outcome.search[shard.folder]}
    todo = [shard for shard in shards if shard.folder not in linkable]
    read = functools.partial(page_input, writer.stage)
    writer.vacate_folders(shard.folder for shard in todo)
    with ThreadPoolExecutor(1, thread_name_prefix="search-index") as background:
        # Pagefind indexes the changed shards while this thread links the others (they share no
        # file, and linking waits on the disk, not on the interpreter): one edit at 10,000 releases
        indexing = background.submit(index_shards, writer.stage, todo, options.jobs, read) if todo and linkable else None
        broken = [shard for shard in shards if shard.folder in linkable
                  and not _link_bundle(writer, options, bundles[shard.folder], outcome)]
        made = indexing.result() if indexing is not None else index_shards(writer.stage, todo, options.jobs, read)
    if broken:  # a bundle of the previous output was altered since: indexed again (rare)
        writer.vacate_folders(shard.folder for shard in broken)
        made = sorted(made + index_shards(writer.stage, broken, options.jobs, read))
    indexed = {shard.folder for shard in todo + broken}
    writer.vacate(f"{SUBDIR}/{LANGUAGES}")  # never written into: the recycled stage shares it with the site
    made.append(write_languages(writer.stage, shards))
    writer.adopt(made, "the search index")
    outcome.indexed = tuple(shard.folder for shard in shards if shard.folder in indexed)
    for file in made:
        outcome.records[file] = made_record(writer.stage / file)


def _link_bundle(writer: Writer, options: Options, files: list[tuple[str, Record]], outcome: Outcome) -> bool:
    """A shard's bundle from the previous output, when every file of it is the one recorded; else False
    (nothing claimed). A file the recycled stage holds, as recorded, stays (one ``lstat``)."""
    held = {file for file, r in files if writer.holds(file, r.inode, r.size, r.mtime_ns)}
    present = {file: r if file in held else same_file(previous_file(options, file), r) for file, r in files}
    if None in present.values():
        return False
    for file, kept in present.items():
        assert kept is not None
        if file in held:
            writer.claim(file, "the search index")
        else:
            writer.link(file, previous_file(options, file), "the search index", kept.inode)
        outcome.records[file] = kept
    return True
