"""The whole pipeline in one readable place: ``build()`` and ``check()``.

discover -> load (parse + validate) -> link -> derive views -> routes -> render -> write.
``check`` is the same pipeline stopped before rendering.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Optional

from .assets import Asset, collect_assets
from .config import load_site_config, load_topics
from .discover import SourceFile, discover
from .errors import ContentError, Diagnostic
from .links import check_links
from .load import Loaded, Loader
from .model import Archive, Mechanism, Meeting, Page, Release, StaticFile
from .render import Renderer, Site, load_strings, render_all
from .routes import build_routes, find_collisions
from .search import index_site
from .urls import Urls
from .views import Views, derive
from .warnings import find_warnings
from .write import Writer, check_output_folder

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    output: Path = Path("output")
    base_url: Optional[str] = None
    drafts: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    templates: Path = TEMPLATES
    search: bool = True  # build the Pagefind index (the dev server may skip it for speed)


@dataclass(frozen=True)
class BuildResult:
    files: int
    warnings: tuple[Diagnostic, ...] = ()


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
    return archive


Theme = tuple[dict[str, dict[str, str]], dict[str, Asset]]  # UI strings, assets


def load_theme(options: Options) -> Theme:
    """What templates/ gives besides the templates: the UI strings and the hashed assets."""
    return load_strings(options.templates), collect_assets(options.templates)


def plan_site(archive: Archive, options: Options, theme: Optional[Theme] = None, previous: Optional[Views] = None) -> Site:
    """Views and routes of a checked archive; raise ContentError when two files claim one URL.

    ``theme`` is read from templates/ unless given, and ``previous`` views may lend the lists that
    cannot have changed (the dev server, after a save).
    """
    strings, assets = theme if theme is not None else load_theme(options)
    views: Views = derive(archive, drafts=options.drafts, previous=previous)
    urls = Urls(archive.config)
    routes = build_routes(views, urls, assets)
    collisions = find_collisions(routes)
    if collisions:
        raise ContentError(collisions)
    return Site(views, urls, strings, assets, tuple(routes))


def check(options: Options, today: Optional[dt.date] = None) -> list[Diagnostic]:
    """Validate without rendering: the problems ``build`` would stop on (raised as ContentError).

    Returns the warnings about likely mistakes (see ``warnings``); ``today`` is the only clock
    reading of the whole program, and is used only to warn about releases dated in the future.
    """
    archive = load_archive(options)
    plan_site(archive, options)
    return find_warnings(archive, options.content, today or dt.date.today())


def build(options: Options, cache: Optional[LoadCache] = None) -> BuildResult:
    """Validate, render and write the whole site; ``options.output`` changes only if all went well."""
    check_output_folder(options.output, options.content, Path.cwd())
    archive = load_archive(options, cache)
    site = plan_site(archive, options)
    rendered = render_all(Renderer(site, options.templates), options.jobs)
    writer = Writer(options.output)
    try:
        for file, data in sorted(rendered):
            writer.write(file, data)
        for route in site.routes:
            if route.kind == "copy":
                writer.copy(route.output_file, route.file, route.source)
        if options.search:
            writer.adopt(index_site(writer.stage), "the search index")
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return BuildResult(files=len(writer.sources))


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
