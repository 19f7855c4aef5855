"""The documents as the last load left them, in a few files: an unchanged file is known by its stamp.

A warm build used to read every content file (to hash it into its document's key) and then that
document's own cache entry: 20,000 files opened for 10,000 releases, about a second and a half of
a one-edit build. The snapshot keeps, per content folder, each document with its file's stamp
(mtime, size, ctime, inode; see ``discover.stamp_of``), its key and its problems, split by path
into ``SHARDS`` values of the store. A file whose stamp is the recorded one takes its document from
there; any other file goes the usual way (its bytes, its entry, or a parse), and only the shards
that hold a new, changed or removed document are written again.

Like git's index, a stamp proves nothing when the file was modified within ``RACY`` of the moment
its bytes were read (a second write in the same clock tick keeps the stamp): such a document is a
miss, read again by the next build, which then records a stamp it can trust.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..content.archive import LoadResult
from ..content.discover import SourceFile
from ..errors import Diagnostic
from .inputs import RACY
from .store import Store, digest_bytes

NAMESPACE = "snapshot"
SHARDS = 64  # a one-edit build writes one 64th of the snapshot
Dependencies = tuple[tuple[str, int], ...]  # (attachment path, its size, or -1 when absent)


@dataclass(frozen=True)
class Kept:
    """One document as the snapshot keeps it."""

    stamp: tuple[int, int, int, int]
    read_ns: int  # when its bytes were about to be read: the stamp is trusted if older by RACY
    key: bytes
    document: Any
    problems: tuple[Diagnostic, ...]
    dependencies: Dependencies
    seed: bytes  # what stands for the document in digests (see ``documents.seed_of``)

    @property
    def result(self) -> LoadResult:
        return self.document, list(self.problems)


@dataclass
class Snapshot:
    """The snapshot of one content folder under one context (settings, builder version).

    ``variant`` names what its documents leave out: a build's releases have no Markdown source,
    the dev server's do (see documents.py); each keeps its own snapshot."""

    store: Store
    content: Path
    context: bytes
    shards: list[dict[str, Kept]]
    dirty: set[int] = field(default_factory=set)
    variant: bytes = b""

    @classmethod
    def read(cls, store: Store, content: Path, context: bytes, variant: bytes = b"") -> Snapshot:
        """The stored snapshot; shards missing, damaged or of another context are empty (misses)."""
        shards: list[dict[str, Kept]] = []
        for number in range(SHARDS):
            value = store.get(NAMESPACE, _key(content, number, variant))
            fresh = isinstance(value, tuple) and len(value) == 2 and value[0] == context and isinstance(value[1], dict) \
                and all(isinstance(kept, Kept) for kept in value[1].values())
            shards.append(value[1] if fresh else {})
        return cls(store, content, context, shards, variant=variant)

    def recall(self, source: SourceFile) -> Optional[Kept]:
        """The document of ``source`` when its file has the stamp recorded, and that stamp can be trusted."""
        kept = self.shards[_shard(source.rel)].get(source.rel)
        if kept is None or kept.stamp != source.stamp or kept.stamp[0] >= kept.read_ns - RACY:
            return None
        return kept

    def keep(self, source: SourceFile, read_ns: int, key: bytes, result: LoadResult, dependencies: Dependencies,
             seed: bytes) -> None:
        """Record a document that did not come from the snapshot."""
        document, problems = result
        number = _shard(source.rel)
        self.shards[number][source.rel] = Kept(source.stamp, read_ns, key, document, tuple(problems), dependencies, seed)
        self.dirty.add(number)

    def drop(self, source: SourceFile) -> None:
        """Forget a document the cache must not keep (its problems depend on other files)."""
        number = _shard(source.rel)
        if self.shards[number].pop(source.rel, None) is not None:
            self.dirty.add(number)

    def write(self, present: set[str]) -> None:
        """Store the shards that changed, without the documents whose files are gone."""
        for number, shard in enumerate(self.shards):
            gone = [rel for rel in shard if rel not in present]
            for rel in gone:
                del shard[rel]
            if gone or number in self.dirty:
                self.store.put(NAMESPACE, _key(self.content, number, self.variant), (self.context, shard))
        self.dirty.clear()


def _shard(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS


def _key(content: Path, number: int, variant: bytes) -> bytes:
    return digest_bytes(b"snapshot", str(content).encode(), number.to_bytes(2, "big"), variant)
