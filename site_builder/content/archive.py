"""The whole archive read and checked: every file loaded (in parallel when it pays), then linked.

Nothing is rendered here; ``load_archive`` either returns a checked ``Archive`` or raises
``ContentError`` with every problem of the whole archive, sorted by file and line.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Optional

from ..errors import ContentError, Diagnostic
from ..options import Options
from .config import load_site_config, load_topics
from .discover import SourceFile, discover
from .links import check_links
from .load import Loaded, Loader
from .model import Archive, Mechanism, Meeting, Page, Release, StaticFile


# Parsed files kept between builds by the dev server: rel path -> (stamp, result).
LoadCache = dict[str, tuple[tuple[int, int], tuple[Optional[Loaded], list[Diagnostic]]]]


def load_archive(options: Options, cache: Optional[LoadCache] = None,
                 discovered: Optional[tuple[list[SourceFile], list[Diagnostic]]] = None) -> Archive:
    """Read and check everything; raise ContentError with every problem of the whole archive.

    The dev server passes ``cache`` (parsed files by path and stamp) and ``discovered`` (the file
    list it keeps up to date from its watcher) so that one save re-reads one file.
    """
    config = load_site_config(options.content, options.base_url)
    problems: list[Diagnostic] = []
    topics_ok = True
    try:
        topics = load_topics(options.content)
    except ContentError as exc:
        topics, problems, topics_ok = (), list(exc.diagnostics), False
    sources, found = discovered if discovered is not None else discover(options.content)
    problems += found
    loaded = _load_documents([s for s in sources if s.kind in ("release", "meeting", "mechanism", "page")],
                             Loader(config, options.content), options.jobs, cache)
    documents: list[Loaded] = []
    for document, document_problems in loaded:
        problems += document_problems
        if document is not None:
            documents.append(document)
    archive = Archive(
        config=config,
        releases=tuple(d for d in documents if isinstance(d, Release)),
        meetings=tuple(d for d in documents if isinstance(d, Meeting)),
        mechanisms=tuple(d for d in documents if isinstance(d, Mechanism)),
        topics=topics,
        pages=tuple(d for d in documents if isinstance(d, Page)),
        statics=tuple(StaticFile(s.rel, str(s.path)) for s in sources if s.kind == "static"),
    )
    problems += check_links(archive.releases, archive.meetings, archive.mechanisms,
                            archive.topics if topics_ok else None, archive.pages)
    if any(p.is_error for p in problems):
        raise ContentError(problems)
    return dataclasses.replace(archive, warnings=tuple(sorted(problems)))


# --- loading, in parallel when asked -------------------------------------------------------

_loader: Optional[Loader] = None  # set once per worker process by _init_loader, never shared


def _init_loader(loader: Loader) -> None:
    global _loader
    _loader = loader


def _load_chunk(sources: list[SourceFile]) -> list[tuple[Optional[Loaded], list[Diagnostic]]]:
    assert _loader is not None
    return [_loader.load(s) for s in sources]


def _load_documents(sources: list[SourceFile], loader: Loader, jobs: int,
                    cache: Optional[LoadCache]) -> list[tuple[Optional[Loaded], list[Diagnostic]]]:
    """Load every file (reusing cached results whose stamp did not change), in discovery order."""
    results: dict[str, tuple[Optional[Loaded], list[Diagnostic]]] = {}
    todo = []
    for source in sources:
        hit = cache.get(source.rel) if cache is not None else None
        if hit is not None and hit[0] == source.stamp:
            results[source.rel] = hit[1]
        else:
            todo.append(source)
    if jobs > 1 and len(todo) >= 200:
        size = max(25, len(todo) // (jobs * 4))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"),
                                 initializer=_init_loader, initargs=(loader,)) as pool:
            loaded = [item for chunk in pool.map(_load_chunk, chunks) for item in chunk]
    else:
        loaded = [loader.load(s) for s in todo]
    for source, result in zip(todo, loaded):
        results[source.rel] = result
        if cache is not None:
            cache[source.rel] = (source.stamp, result)
    if cache is not None:
        for stale in set(cache) - {s.rel for s in sources}:
            del cache[stale]
    return [results[s.rel] for s in sources]
