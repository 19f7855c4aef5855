"""Parsed and checked documents, kept between builds by what they were made from.

A document (release, meeting, mechanism, page) is a pure function of its file's bytes, its path,
the site settings, the builder's version (which covers the Markdown configuration) and, for a
release, the sizes of the files it attaches. Its cache key is the digest of all of these but the
attachments, which are stored with the value and checked again (one ``stat`` each) before use.
The entry is written by the loader itself (``CachingLoader``), in the worker processes when the
load is parallel, with the body as rendered and that body's key (the body, its language, the base
path): a change to the site settings changes every document's key but no body, so the next load
takes each body from the entry its document had under the previous settings instead of converting
it again. One entry per document: a cold build writes one file per document, not two.

The dev server adds a memory layer keyed by path and stamp, so one save re-reads one file.
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import urlsplit

from ..collector import paused
from ..content.archive import LoadResult, Settings, assemble, documents_of, load_documents
from ..content.discover import SourceFile
from ..content.load import Loader
from ..content.markdown import MARKDOWN_CONFIG, MarkdownRenderer, Rendered
from ..content.model import Archive, Release, SiteConfig
from ..errors import Diagnostic
from ..options import Options
from .digest import Digester
from .snapshot import Dependencies, Snapshot
from .store import Store, digest_bytes

UNCACHEABLE = {"missing-attachment"}  # its hint is drawn from the whole content tree


class CachedMarkdown(MarkdownRenderer):
    """Markdown that reuses the bodies an earlier build rendered, and lists what it rendered.

    A body's key is (body, language, base path, builder version, Markdown configuration): two
    bodies with one key render the same. ``known`` holds the bodies stored with the documents of
    the previous settings (``Documents._earlier_bodies``); ``rendered`` what was rendered (or
    reused) since the loader last emptied it, which is stored with the document.
    """

    def __init__(self, base_path: str, version: str):
        super().__init__(base_path)
        self.version = version
        self.known: dict[bytes, Rendered] = {}
        self.rendered: list[tuple[bytes, Rendered]] = []

    def render(self, text: str, lang: str) -> Rendered:
        key = digest_bytes(b"markdown", self.version.encode(), repr(MARKDOWN_CONFIG).encode(),
                           self.base_path.encode(), lang.encode(), text.encode("utf-8", "surrogatepass"))
        rendered = self.known.get(key)
        if rendered is None:
            rendered = super().render(text, lang)
        self.rendered.append((key, rendered))
        return rendered


class CachingLoader(Loader):
    """Loads a file from the bytes it hashes, and stores the document (with its rendered body) under that hash.

    It runs where the loading runs (a worker process when there are many files), so the cache
    entries are written in parallel, and an entry always holds what its key's bytes made, even if
    the file changed while the build ran.
    """

    def __init__(self, config: SiteConfig, content: Path, bodies: CachedMarkdown, store: Store, context: bytes,
                 keep_markdown: bool = True):
        super().__init__(config, content, bodies)
        self.bodies = bodies
        self.store = store
        self.context = context
        self.keep_markdown = keep_markdown  # False: a release is given back without its Markdown (stored with it)

    def load(self, source: SourceFile, data: Optional[bytes] = None) -> LoadResult:
        try:
            data = source.path.read_bytes() if data is None else data
        except OSError:
            return super().load(source)  # says why it cannot be read; nothing to store
        self.bodies.rendered.clear()
        result = super().load(source, data)
        document, problems = result
        if not any(p.code in UNCACHEABLE for p in problems):
            self.store.put("documents", _digest(self.context, source, data),
                           (document, _dependencies(document), tuple(problems), _pack_bodies(self.bodies.rendered, document)))
        return result if self.keep_markdown else _without_markdown(result)  # what a build keeps never crosses the pipe


@dataclass(frozen=True)
class _Remembered:
    stamp: tuple[int, int, int, int]
    context: bytes
    key: bytes
    result: LoadResult
    dependencies: Dependencies


class Documents:
    """Loads the archive through the cache; each document is seeded into the digester with its key."""

    def __init__(self, options: Options, store: Optional[Store], in_memory: bool = False, keep_markdown: bool = True):
        """``keep_markdown``: the releases keep their Markdown source (the dev server's panels read it);
        a build renders from the HTML only, and leaves it out of the archive it plans (at 10,000
        releases 18 MB in each process, and a third of the plan it keeps)."""
        self.options = options
        self.store = store
        self.keep_markdown = keep_markdown
        self.memory: Optional[dict[str, _Remembered]] = {} if in_memory else None
        self.parsed = 0  # files parsed by the last load (the others came from a cache)
        self.made_from: dict[str, tuple[bytes, bytes]] = {}  # by the last load: each document's key and seed

    def archive(self, settings: Settings, sources: Sequence[SourceFile], found: Sequence[Diagnostic],
                digester: Optional[Digester] = None) -> Archive:
        """The checked archive (raises ContentError like ``load_archive``); with ``digester``, each
        document's digest is its key, which stands for everything it was made from."""
        documents = documents_of(sources)
        context = self._context(settings)
        read_ns = time.time_ns()  # before any file's bytes are read (see snapshot.py)
        # a build's documents live until it ends (pipeline's long_lived): frozen as they are made;
        # the dev server keeps them between saves and collects and freezes on its own, when idle
        keep = self.memory is None
        with paused(keep):  # unpickling makes only survivors (see collector.py)
            # the dev server keeps its documents in memory: the snapshot serves its first load only
            variant = b"" if self.keep_markdown else b"no markdown"
            snapshot = Snapshot.read(self.store, self.options.content, context, variant) \
                if self.store is not None and not self.memory else None
            results, seeds, misses = self._known(documents, context, snapshot, read_ns)
        loader = self._loader(settings, context)
        if misses and isinstance(loader, CachingLoader):
            loader.bodies.known = self._earlier_bodies(misses, context)
        # parsing makes cyclic garbage (Markdown's trees): the collector runs as the caller has it
        loaded = load_documents(misses, functools.partial(_keyed, loader, context), self.options.jobs)
        with paused(keep):
            for source, (key, result) in zip(misses, loaded):
                results[source.rel] = (key, result)
                self._remember(source, context, key, result)
                if snapshot is not None and _cacheable(result):
                    seed = seeds[source.rel] = seed_of(result[0], key)
                    snapshot.keep(source, read_ns, key, result, _dependencies(result[0]), seed)
                elif snapshot is not None:
                    snapshot.drop(source)
            self.parsed = len(misses)
            if snapshot is not None:  # cold too: the next build then reads 64 files, not every file and entry
                snapshot.write({s.rel for s in documents})
            results = self._as_kept(results)
            if self.memory is not None:
                for stale in set(self.memory) - {s.rel for s in documents}:
                    del self.memory[stale]
            archive = assemble(settings, sources, [results[s.rel][1] for s in documents], found)
            if digester is not None:
                self.made_from = {}
                for rel, (key, (document, _)) in results.items():
                    if document is not None:
                        seed = seeds.get(rel) or seed_of(document, key)
                        digester.seed(document, seed)
                        self.made_from[rel] = key, seed
        return archive

    def some(self, settings: Settings, sources: Sequence[SourceFile]) -> dict[str, tuple[bytes, LoadResult]]:
        """Just these documents, each with its key: from the store (same bytes) or loaded (and stored).

        For a build that takes every other document from its kept plan (see kept_plan.py); the
        snapshot is left as it is (a document whose stamp it does not know is taken from the store)."""
        context = self._context(settings)
        found: dict[str, tuple[bytes, LoadResult]] = {}
        misses: list[SourceFile] = []
        for source in sources:
            key, hit = self._recall(source, context)
            if hit is not None:
                found[source.rel] = key, hit
            else:
                misses.append(source)
        for source, (key, result) in zip(misses, load_documents(misses, functools.partial(_keyed, self._loader(settings, context), context), 1)):
            found[source.rel] = key, result
        self.parsed = len(misses)
        return self._as_kept(found)

    def _as_kept(self, found: dict[str, tuple[bytes, LoadResult]]) -> dict[str, tuple[bytes, LoadResult]]:
        """The documents as this load keeps them: without the releases' Markdown unless asked for.
        The loading workers and the build's snapshot give them so already; an entry of the cache
        (which the dev server reads too) or a load without the cache still has it."""
        if self.keep_markdown:
            return found
        return {rel: (key, _without_markdown(result)) for rel, (key, result) in found.items()}

    def _context(self, settings: Settings) -> bytes:
        """What every document's key includes besides its file: the builder, the settings, the folder."""
        return digest_bytes(b"documents", (self.store.version if self.store else "").encode(),
                            Digester().of(settings.config), str(self.options.content).encode())

    def _known(self, documents: Sequence[SourceFile], context: bytes, snapshot: Optional[Snapshot],
               read_ns: int) -> tuple[dict[str, tuple[bytes, LoadResult]], dict[str, bytes], list[SourceFile]]:
        """Each document the snapshot, memory or store still has (by key) with its seed; the others,
        to be loaded (each read once, where it is loaded, for its key too: with an empty cache, no
        file is read here, in one process, before the loading is shared out)."""
        results: dict[str, tuple[bytes, LoadResult]] = {}
        seeds: dict[str, bytes] = {}
        misses: list[SourceFile] = []
        if not self.memory and (self.store is None or not self.store.holds_any("documents")):
            return results, seeds, list(documents)  # nothing to recall: every file is read where it is loaded
        for source in documents:
            kept = snapshot.recall(source) if snapshot is not None else None
            if kept is not None and _unchanged(kept.dependencies):
                results[source.rel] = kept.key, kept.result
                seeds[source.rel] = kept.seed
                self._remember(source, context, kept.key, kept.result)
                continue
            key, hit = self._recall(source, context)
            if hit is not None:
                results[source.rel] = key, hit
                if snapshot is not None:
                    seed = seeds[source.rel] = seed_of(hit[0], key)
                    snapshot.keep(source, read_ns, key, hit, _dependencies(hit[0]), seed)
            else:
                misses.append(source)
        return results, seeds, misses

    def _loader(self, settings: Settings, context: bytes) -> Loader:
        """The loader of this build: with a store, one that writes each document and body to it."""
        base_path = urlsplit(settings.config.base_url).path or "/"
        if self.store is None:
            return Loader(settings.config, self.options.content, MarkdownRenderer(base_path))
        return CachingLoader(settings.config, self.options.content, CachedMarkdown(base_path, self.store.version),
                             self.store, context, self.keep_markdown)

    def _earlier_bodies(self, sources: Sequence[SourceFile], context: bytes) -> dict[bytes, Rendered]:
        """The rendered bodies of ``sources`` under the settings of the previous load, when they changed
        since (a site.yaml edit changes every document's key, but not one body); empty on a cold build.

        The store remembers the last settings (``context``) per content folder, so this costs one
        entry read per document only on the build after a settings change.
        """
        assert self.store is not None
        marker = digest_bytes(b"last-context", str(self.options.content).encode())
        earlier = self.store.get("contexts", marker)
        if earlier != context:
            self.store.put("contexts", marker, context)
        if not isinstance(earlier, bytes) or earlier == context:
            return {}
        known: dict[bytes, Rendered] = {}
        for source in sources:
            value = self.store.get("documents", _key(source, earlier))
            if _well_formed(value):
                bodies = _unpack_bodies(value[3], value[0])
                if bodies is None:
                    self.store.damaged("documents: unexpected bodies")
                    continue
                known.update(bodies)
        return known

    def _recall(self, source: SourceFile, context: bytes) -> tuple[bytes, Optional[LoadResult]]:
        """The document's key, and the document from memory (same stamp) or from the store (same
        bytes), attachments checked again; None when it must be loaded."""
        remembered = self.memory.get(source.rel) if self.memory is not None else None
        if remembered is not None and remembered.stamp == source.stamp and remembered.context == context \
                and _unchanged(remembered.dependencies):
            return remembered.key, remembered.result
        key = _key(source, context)
        if self.store is None:
            return key, None
        value = self.store.get("documents", key)
        if not _well_formed(value):
            if value is not None:
                self.store.damaged("documents: unexpected value")
            return key, None
        document, dependencies, problems, _ = value
        if not _unchanged(dependencies):
            return key, None
        result: LoadResult = (document, list(problems))
        if self.memory is not None:
            self.memory[source.rel] = _Remembered(source.stamp, context, key, result, dependencies)
        return key, result

    def _remember(self, source: SourceFile, context: bytes, key: bytes, result: LoadResult) -> None:
        """In memory for the dev server (the loader stored it in the cache already)."""
        if self.memory is not None and _cacheable(result):
            self.memory[source.rel] = _Remembered(source.stamp, context, key, result, _dependencies(result[0]))


def _without_markdown(result: LoadResult) -> LoadResult:
    """A release without its Markdown source (every other document as it is)."""
    document, problems = result
    if isinstance(document, Release) and document.packed_markdown:
        return dataclasses.replace(document, packed_markdown=b""), problems
    return result


def _cacheable(result: LoadResult) -> bool:
    """Not when a problem's text depends on other files (the hint of a missing attachment)."""
    return not any(p.code in UNCACHEABLE for p in result[1])


def _keyed(loader: Loader, context: bytes, source: SourceFile) -> tuple[bytes, LoadResult]:
    """A document with its key, both from one reading of its file (in a loading worker); the loader
    reads an unreadable file again, to say why."""
    data = _contents(source)
    return _digest(context, source, data), loader.load(source, data)


def _key(source: SourceFile, context: bytes) -> bytes:
    """What a document is made from, as one digest: its bytes, path and kind, and the context."""
    return _digest(context, source, _contents(source))


def _contents(source: SourceFile) -> Optional[bytes]:
    try:
        return source.path.read_bytes()
    except OSError:
        return None


def _digest(context: bytes, source: SourceFile, data: Optional[bytes]) -> bytes:
    return digest_bytes(context, source.kind.encode(), source.rel.encode(), b"\0unreadable" if data is None else data)


def seed_of(document: Any, key: bytes) -> bytes:
    """What stands for a document in the digests of routes and answers (see ``Digester.seed``).

    Its key and the sizes of the attachments it publishes: everything it was made from. A release
    stands for every field but its text: a page that shows the text asks for it (a question of its
    own, see engine/tracking.py), and a list that names the release only reads its other fields, so
    a new paragraph does not change the digest of every list the release is in. Those fields are
    its ``repr``, which shows all of them but the text and the line numbers (no page shows those;
    tests/test_engine.py checks that no other field is left out): 9 µs a release, where digesting
    each field took 40.
    """
    if isinstance(document, Release):
        shown = repr(document).encode("utf-8", "surrogatepass")
        return digest_bytes(b"release", shown, repr(_dependencies(document)).encode())[:16]
    return digest_bytes(key, repr(_dependencies(document)).encode())[:16]


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


def _pack_bodies(bodies: Sequence[tuple[bytes, Rendered]], document: Any) -> bytes:
    """The bodies a document's load rendered, as one compressed blob inside its cache entry.

    Every warm build reads every entry, and only a build after a settings change reads the bodies:
    kept opaque, they are not decoded the other times (they were half of each entry's bytes). A
    release renders one body, its own, whose HTML the release holds compressed already: it is
    kept blank here and filled in from the release (the HTML was compressed twice, a tenth of a
    cold load's own work)."""
    own = isinstance(document, Release) and len(bodies) == 1
    kept = tuple((key, dataclasses.replace(body, html="")) for key, body in bodies) if own else tuple(bodies)
    return zlib.compress(pickle.dumps((own, kept), protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack_bodies(blob: bytes, document: Any) -> Optional[tuple[tuple[bytes, Rendered], ...]]:
    """What ``_pack_bodies`` packed with ``document``; None when it is not that (a damaged entry)."""
    try:
        own, bodies = pickle.loads(zlib.decompress(blob))
    except Exception:  # noqa: BLE001 - any damage is a miss, never an error
        return None
    if not (isinstance(bodies, tuple) and all(isinstance(b, tuple) and len(b) == 2 and isinstance(b[0], bytes)
                                              and isinstance(b[1], Rendered) for b in bodies)):
        return None
    if own is True and isinstance(document, Release) and len(bodies) == 1:
        return ((bodies[0][0], dataclasses.replace(bodies[0][1], html=document.body_html)),)
    return bodies if own is False else None


def _well_formed(value: Any) -> bool:
    """(document, dependencies, problems, packed bodies) as ``CachingLoader`` stores it."""
    return isinstance(value, tuple) and len(value) == 4 and isinstance(value[1], tuple) \
        and isinstance(value[2], tuple) and all(isinstance(p, Diagnostic) for p in value[2]) \
        and isinstance(value[3], bytes)
