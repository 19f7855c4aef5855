"""Cache entries of one namespace appended to a few pack files, found by a scan of their headers.

A cold build stores an entry per document: 10,000 files at 10,000 releases, in 256 folders. On a
file system that has just deleted many files (a clean build right after ``rm -rf .cache output``,
as CI and any benchmark do), creating a file is not cheap: ext4 without a journal skips every
inode freed in the last minute or more, one by one, before it hands out a new one, so each new
file costs time in proportion to the files just deleted, and the cache entries made the build's
files a fifth more numerous, and its deleted files too. Git's answer to the same cost (loose
objects) is the pack: each process that stores entries appends them to a pack of its own, so a
cold build makes a file per process, not per document.

A pack is a sequence of records, each exactly what a loose entry holds (``store.HEADER``: magic,
key, CRC-32 and length of the payload; then the payload). Nothing else points into it: a reader
scans the headers (one read each, the payloads skipped) into an index of key -> (pack, offset).
Only its own process ever appends to a pack, so a record cut short by a crash stays the last one
and is ignored; a header that is not one stops the scan of that pack and is reported as damage.
Entries are checked (key, length, CRC) when read, as loose ones are: a pack can make an entry
missing, never wrong.

Every one-edit build adds a small pack. When a namespace has more than ``MAX_PACKS``, the main
process merges all but the largest into one (``tidy``), keeping the last record of each key.
"""

from __future__ import annotations

import os
import struct
import time
from typing import Callable, Optional

SUFFIX = ".pack"
MAX_PACKS = 16


class Packs:
    """The packs of one namespace folder: appended to by this process, read from any."""

    def __init__(self, folder: str, header: struct.Struct, magic: bytes, damaged: Callable[[str], None]):
        self.folder = folder
        self._header = header
        self._magic = magic
        self._damaged = damaged
        self._index: dict[bytes, tuple[str, int, int]] = {}  # key -> (pack name, offset, record length)
        self._scanned: dict[str, int] = {}  # pack name -> bytes scanned (a cut record stops there)
        self._stopped: set[str] = set()  # packs whose scan met a header that is not one
        self._writer: Optional[tuple[int, int, str, int]] = None  # (pid, fd, pack name, size)
        self._readers: dict[str, int] = {}  # pack name -> a descriptor open for reading (a CI-restored
        # cache reads every document's entry: one open per pack, not per entry)

    # -- reading ------------------------------------------------------------------------------

    def read(self, key: bytes) -> Optional[bytes]:
        """The record stored under ``key`` (header and payload, to be checked), or None."""
        where = self._index.get(key)
        if where is None and self._refresh():
            where = self._index.get(key)
        if where is None:
            return None
        return self._bytes(*where)

    def _bytes(self, name: str, offset: int, length: int) -> Optional[bytes]:
        """``length`` bytes of pack ``name`` from ``offset`` (fewer at its end); None if unreadable."""
        try:
            fd = self._readers.get(name)
            if fd is None:
                fd = self._readers[name] = os.open(os.path.join(self.folder, name), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            return os.pread(fd, length, offset)  # no shared file position: safe in a forked process too
        except OSError:
            return None

    def keys(self) -> list[bytes]:
        """Every key the packs hold (for tests and tools)."""
        self._refresh()
        return list(self._index)

    def holds_any(self) -> bool:
        """Whether the packs hold any record (an empty cache: no key needs looking up)."""
        self._refresh()
        return bool(self._index)

    def _refresh(self) -> bool:
        """Scan what was appended since the last scan; False when nothing was (one ``scandir``)."""
        grown = [(name, size) for name, size in self._packs() if size > self._scanned.get(name, 0)
                 and name not in self._stopped]
        for name, size in grown:
            self._scan(name, size)
        return bool(grown)

    def _packs(self) -> list[tuple[str, int]]:
        """Each pack with its size, oldest first: of two records of one key, the later one wins (an
        entry found damaged and stored again is read from the newer pack)."""
        found: list[tuple[str, int]] = []
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    if entry.name.endswith(SUFFIX) and entry.is_file(follow_symlinks=False):
                        found.append((entry.name, entry.stat(follow_symlinks=False).st_size))
        except OSError:
            pass
        return sorted(found)

    def _scan(self, name: str, size: int) -> None:
        """Index the whole records of ``name`` between the last scan and ``size``."""
        offset = self._scanned.get(name, 0)
        while offset + self._header.size <= size:
            head = self._bytes(name, offset, self._header.size)
            if head is None or len(head) < self._header.size:
                break
            magic, key, _, length = self._header.unpack(head)
            if magic != self._magic:
                self._stopped.add(name)
                self._damaged(f"{os.path.basename(self.folder)}/{name} at byte {offset}")
                break
            end = offset + self._header.size + length
            if end > size:
                break  # being written, or cut short by a crash: not there yet
            self._index[key] = (name, offset, end - offset)
            offset = end
        self._scanned[name] = offset

    # -- writing ------------------------------------------------------------------------------

    def append(self, key: bytes, header: bytes, payload: bytes) -> None:
        """Add a record to this process's pack (opened on first use; a forked process opens its own).

        A write that fails (a full disk) may leave part of a record: that pack is then left as it is,
        cut there like a crash's, and the next record starts a new one, so none is read out of step.
        """
        pid, fd, name, size = self._open()
        try:
            for part in (header, payload):
                view = memoryview(part)
                while view:
                    view = view[os.write(fd, view):]
        except OSError:
            self.close()
            raise
        self._index[key] = (name, size, len(header) + len(payload))
        self._writer = (pid, fd, name, size + len(header) + len(payload))
        self._scanned[name] = self._writer[3]

    def _open(self) -> tuple[int, int, str, int]:
        pid = os.getpid()
        if self._writer is not None and self._writer[0] == pid:
            return self._writer
        os.makedirs(self.folder, exist_ok=True)
        name = f"{time.time_ns():016x}-{pid}{SUFFIX}"  # names sort as the packs were made
        fd = os.open(os.path.join(self.folder, name),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o600)
        self._writer = (pid, fd, name, 0)
        return self._writer

    def close(self) -> None:
        """Close this process's pack (a later ``append`` opens a new one)."""
        if self._writer is not None and self._writer[0] == os.getpid():
            os.close(self._writer[1])
        self._writer = None

    # -- merging ------------------------------------------------------------------------------

    def tidy(self) -> None:
        """Merge every pack but the largest into one when there are more than ``MAX_PACKS``.

        The last record of each key is kept, unchecked (a damaged one stays damaged, and is found
        so when read). Another process still appending to a merged pack writes to a deleted file:
        its entries are missing, never wrong.
        """
        packs = sorted(self._packs(), key=lambda pack: (-pack[1], pack[0]))
        if len(packs) <= MAX_PACKS:
            return
        self.close()
        self._refresh()
        merged = {name for name, _ in packs[1:]}
        for name in sorted(merged):
            self._copy_latest(name)
        self.close()
        for name in merged:
            reader = self._readers.pop(name, None)
            if reader is not None:
                os.close(reader)
            try:
                os.unlink(os.path.join(self.folder, name))
            except OSError:
                pass
            self._scanned.pop(name, None)
            self._stopped.discard(name)

    def _copy_latest(self, name: str) -> None:
        """Append to this process's pack the records of ``name`` that are the latest of their key."""
        latest = sorted((offset, length, key) for key, (pack, offset, length) in self._index.items() if pack == name)
        for offset, length, key in latest:
            record = self._bytes(name, offset, length)
            if record is not None and len(record) == length:
                self.append(key, record[:self._header.size], record[self._header.size:])
