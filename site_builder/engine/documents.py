"""Parsed and checked documents, kept between builds by what they were made from.

A document (release, meeting, mechanism, page) is a pure function of its file's bytes, its path,
the site settings, the builder's version (which covers the Markdown configuration) and, for a
release, the sizes of the files it attaches. Its cache key is the digest of all of these but the
attachments, which are stored with the value and checked again (one ``stat`` each) before use.
Rendered Markdown has a cache of its own, keyed by the body, the language and the base path, so a
change to the front matter alone does not convert the body again.

The dev server adds a memory layer keyed by path and stamp, so one save re-reads one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import urlsplit

from ..content.archive import LoadResult, Settings, assemble, documents_of, load_documents
from ..content.discover import SourceFile
from ..content.load import Loader
from ..content.markdown import MARKDOWN_CONFIG, MarkdownRenderer, Rendered
from ..content.model import Archive, Release
from ..errors import Diagnostic
from ..options import Options
from .digest import Digester
from .store import Store, digest_bytes

Dependencies = tuple[tuple[str, int], ...]  # (attachment path, its size, or -1 when absent)
UNCACHEABLE = {"missing-attachment"}  # its hint is drawn from the whole content tree


class CachedMarkdown(MarkdownRenderer):
    """Markdown rendered once per (body, language, base path, builder version)."""

    def __init__(self, base_path: str, store: Store):
        super().__init__(base_path)
        self.store = store

    def render(self, text: str, lang: str) -> Rendered:
        key = digest_bytes(b"markdown", self.store.version.encode(), repr(MARKDOWN_CONFIG).encode(),
                           self.base_path.encode(), lang.encode(), text.encode("utf-8", "surrogatepass"))
        rendered = self.store.get("markdown", key)
        if not isinstance(rendered, Rendered):
            rendered = super().render(text, lang)
            self.store.put("markdown", key, rendered)
        return rendered


@dataclass(frozen=True)
class _Remembered:
    stamp: tuple[int, int]
    context: bytes
    key: bytes
    result: LoadResult
    dependencies: Dependencies


class Documents:
    """Loads the archive through the cache; each document is seeded into the digester with its key."""

    def __init__(self, options: Options, store: Optional[Store], in_memory: bool = False):
        self.options = options
        self.store = store
        self.memory: Optional[dict[str, _Remembered]] = {} if in_memory else None
        self.parsed = 0  # files parsed by the last load (the others came from a cache)

    def archive(self, settings: Settings, sources: Sequence[SourceFile], found: Sequence[Diagnostic],
                digester: Optional[Digester] = None) -> Archive:
        """The checked archive (raises ContentError like ``load_archive``); with ``digester``, each
        document's digest is its key, which stands for everything it was made from."""
        documents = documents_of(sources)
        context = digest_bytes(b"documents", (self.store.version if self.store else "").encode(),
                               Digester().of(settings.config), str(self.options.content).encode())
        results: dict[str, tuple[bytes, LoadResult]] = {}
        misses: list[tuple[SourceFile, bytes]] = []
        for source in documents:
            hit = self._recall(source, context)
            if hit is not None:
                results[source.rel] = hit
            else:
                misses.append((source, _key(source, context)))
        loader = Loader(settings.config, self.options.content, self._markdown(settings))
        loaded = load_documents([s for s, _ in misses], loader, self.options.jobs)
        for (source, key), result in zip(misses, loaded):
            results[source.rel] = (key, result)
            self._remember(source, context, key, result)
        self.parsed = len(misses)
        if self.memory is not None:
            for stale in set(self.memory) - {s.rel for s in documents}:
                del self.memory[stale]
        archive = assemble(settings, sources, [results[s.rel][1] for s in documents], found)
        if digester is not None:
            for key, (document, _) in results.values():
                if document is not None:
                    digester.seed(document, key[:16])
        return archive

    def _markdown(self, settings: Settings) -> MarkdownRenderer:
        base_path = urlsplit(settings.config.base_url).path or "/"
        return CachedMarkdown(base_path, self.store) if self.store is not None else MarkdownRenderer(base_path)

    def _recall(self, source: SourceFile, context: bytes) -> Optional[tuple[bytes, LoadResult]]:
        """From memory (same stamp), else from the store (same bytes); attachments checked again."""
        remembered = self.memory.get(source.rel) if self.memory is not None else None
        if remembered is not None and remembered.stamp == source.stamp and remembered.context == context \
                and _unchanged(remembered.dependencies):
            return remembered.key, remembered.result
        if self.store is None:
            return None
        key = _key(source, context)
        value = self.store.get("documents", key)
        if not _well_formed(value):
            if value is not None:
                self.store.damaged("documents: unexpected value")
            return None
        document, dependencies, problems = value
        if not _unchanged(dependencies):
            return None
        result: LoadResult = (document, list(problems))
        if self.memory is not None:
            self.memory[source.rel] = _Remembered(source.stamp, context, key, result, dependencies)
        return key, result

    def _remember(self, source: SourceFile, context: bytes, key: bytes, result: LoadResult) -> None:
        document, problems = result
        if any(p.code in UNCACHEABLE for p in problems):
            return
        dependencies = _dependencies(document)
        if self.store is not None:
            self.store.put("documents", key, (document, dependencies, tuple(problems)))
        if self.memory is not None:
            self.memory[source.rel] = _Remembered(source.stamp, context, key, result, dependencies)


def _key(source: SourceFile, context: bytes) -> bytes:
    """What a document is made from, as one digest: its bytes, path and kind, and the context."""
    try:
        data = source.path.read_bytes()
    except OSError:
        data = b"\0unreadable"
    return digest_bytes(context, source.kind.encode(), source.rel.encode(), data)


def _dependencies(document: Any) -> Dependencies:
    if not isinstance(document, Release):
        return ()
    return tuple((a.path, a.size) for a in document.attachments)


def _unchanged(dependencies: Dependencies) -> bool:
    """Every attached file still there with the size published next to its link."""
    for path, size in dependencies:
        try:
            if Path(path).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def _well_formed(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 3 and isinstance(value[1], tuple) \
        and isinstance(value[2], tuple) and all(isinstance(p, Diagnostic) for p in value[2])
