"""The whole archive read and checked: every file loaded (in parallel when it pays), then linked.

Nothing is rendered here; ``load_archive`` either returns a checked ``Archive`` or raises
``ContentError`` with every problem of the whole archive, sorted by file and line.

The stages are plain functions of their inputs so that the engine (which keeps parsed files in
its cache) can run them itself: ``read_settings`` -> ``discover`` -> ``load_documents`` -> ``assemble``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence, TypeVar

from ..workers import in_parallel
from ..errors import ContentError, Diagnostic
from ..options import Options
from .config import load_site_config, load_topics
from .discover import DOCUMENT_KINDS, SourceFile, discover
from .links import check_links
from .load import Loaded, Loader
from .model import Archive, Mechanism, Meeting, Page, Release, SiteConfig, StaticFile, Topic

LoadResult = tuple[Optional[Loaded], list[Diagnostic]]


@dataclass(frozen=True)
class Settings:
    """site.yaml and topics.yaml; a broken topics.yaml is reported with the rest, not alone."""

    config: SiteConfig
    topics: tuple[Topic, ...]
    topics_ok: bool
    problems: tuple[Diagnostic, ...]


def read_settings(options: Options) -> Settings:
    """site.yaml (whose errors stop everything at once) and topics.yaml."""
    config = load_site_config(options.content, options.base_url)
    try:
        return Settings(config, load_topics(options.content), True, ())
    except ContentError as exc:
        return Settings(config, (), False, tuple(exc.diagnostics))


def documents_of(sources: Sequence[SourceFile]) -> list[SourceFile]:
    """The files that become model objects (releases, meetings, mechanisms, pages)."""
    return [s for s in sources if s.kind in DOCUMENT_KINDS]


def load_archive(options: Options) -> Archive:
    """Read and check everything; raise ContentError with every problem of the whole archive."""
    settings = read_settings(options)
    sources, found = discover(options.content)
    loaded = load_documents(documents_of(sources), Loader(settings.config, options.content).load, options.jobs)
    return assemble(settings, sources, loaded, found)


def assemble(settings: Settings, sources: Sequence[SourceFile], loaded: Sequence[LoadResult],
             found: Sequence[Diagnostic]) -> Archive:
    """The checked archive from loaded documents (in discovery order); raise on any error."""
    problems: list[Diagnostic] = list(settings.problems) + list(found)
    documents: list[Loaded] = []
    for document, document_problems in loaded:
        problems += document_problems
        if document is not None:
            documents.append(document)
    archive = Archive(
        config=settings.config,
        releases=tuple(d for d in documents if isinstance(d, Release)),
        meetings=tuple(d for d in documents if isinstance(d, Meeting)),
        mechanisms=tuple(d for d in documents if isinstance(d, Mechanism)),
        topics=settings.topics,
        pages=tuple(d for d in documents if isinstance(d, Page)),
        statics=tuple(StaticFile(s.rel, str(s.path)) for s in sources if s.kind == "static"),
    )
    problems += check_links(archive.releases, archive.meetings, archive.mechanisms,
                            archive.topics if settings.topics_ok else None, archive.pages)
    errors = [p for p in problems if p.is_error]
    if errors:  # warnings (what readers would see broken) wait until the errors are fixed, as check's others do
        raise ContentError(errors)
    return dataclasses.replace(archive, warnings=tuple(sorted(problems)))


T = TypeVar("T")

# --- loading, in parallel when asked -------------------------------------------------------

_load: Optional[Callable[[SourceFile], object]] = None  # set once per worker process by _init_loader, never shared


def _init_loader(load: Callable[[SourceFile], object]) -> None:
    global _load
    _load = load


def _load_chunk(sources: list[SourceFile]) -> list[Any]:
    assert _load is not None
    return [_load(s) for s in sources]


def load_documents(sources: Sequence[SourceFile], load: Callable[[SourceFile], T], jobs: int) -> list[T]:
    """``load(file)`` for every file, in the order given (worker processes when there are many):
    a loader's ``load``, or what the engine makes of it (the document with its key).

    Chunks are small (at most 100 files, about half a second of work): a worker that finishes
    early takes the next one, so no worker idles at the end while another still has a large chunk
    to do, and the main process receives results while the workers go on.
    """
    if jobs > 1 and len(sources) >= 200:
        size = max(10, min(100, len(sources) // (jobs * 8)))
        chunks = [list(sources[i:i + size]) for i in range(0, len(sources), size)]
        done = in_parallel(jobs, chunks, lambda chunk: [load(s) for s in chunk], _load_chunk, _init_loader, (load,))
        return [item for chunk in done for item in chunk]
    return [load(s) for s in sources]
