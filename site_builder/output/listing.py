"""The files of folder trees, listed by a forked process while the build goes on.

A warm build lists two trees: the output (to refuse to replace a file the builder did not make)
and the recycled stage (to remove what the new site does not have). At 10,000 releases each is
28,000 files in 18,000 folders, 0.2 to 0.3 s of directory reads (seconds when the system has
dropped its directory cache), and neither list is needed before the end of the build: the output's
before the swap, the stage's when the search index replaces its shards and when the stage is
pruned. So a process forked as the build starts, while it is still small, lists them, and the
build collects the lists when it needs them: the reads overlap loading and planning, on the
second core. The stage's listing has each file's own stamp too (``lstat``): the build asks, for
each of its 28,000 files, whether it is still the very file recorded.

Listing a folder while the build writes into it is sound: a directory read returns exactly once
every entry that is neither added nor removed meanwhile (POSIX ``readdir``), and those are the
entries the lists are for (files the build did not make); the build knows what it adds and
removes. The lister ends by itself once it has written its lists: if the build dies, its write
fails and it exits. With ``--jobs 1``, or without ``fork``, a tree is listed in this process when
its list is first needed.
"""

from __future__ import annotations

import marshal
import os
import signal
from pathlib import Path
from typing import Any, Optional, Sequence

Listing = tuple[list[str], list[str], list[tuple[int, int, int]]]
# files (or links) and folders, relative with forward slashes; with ``stamps``, each file's own
# (inode, size, mtime_ns) in the files' order, else nothing


def walk_tree(root: Optional[Path], stamps: bool = False) -> Listing:
    """Every file (or link) under ``root`` and every folder ("" is ``root`` itself), relative to
    ``root`` with forward slashes; nothing when it is None or absent (one ``scandir`` per folder,
    and with ``stamps`` one ``lstat`` per file)."""
    files: list[str] = []
    folders: list[str] = [""]
    found: list[tuple[int, int, int]] = []
    if root is None:
        return files, folders, found
    pending = [""]
    while pending:
        relative = pending.pop()
        prefix = relative + "/" if relative else ""
        try:
            entries = os.scandir(os.path.join(root, relative))
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                    pending.append(name)
                    continue
                if stamps:
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue  # gone meanwhile
                    found.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
                files.append(name)
    return files, folders, found


class Listings:
    """The listings of ``roots`` (None: an empty tree), made in a forked process when ``background``."""

    def __init__(self, roots: Sequence[Optional[Path]], background: bool, close: Sequence[int] = (),
                 stamps: Sequence[bool] = ()):
        """``close``: file descriptors the lister must not keep open (a lock it would hold);
        ``stamps``: for each root, whether its files' stamps are listed too."""
        self._roots = list(roots)
        self._stamps = [index < len(stamps) and stamps[index] for index in range(len(self._roots))]
        self._lists: Optional[list[Listing]] = None
        self._pid = 0
        self._pipe = -1
        if background and hasattr(os, "fork") and any(root is not None for root in self._roots):
            self._start(close)

    def get(self, index: int) -> Listing:
        """The listing of ``roots[index]`` (waits for the lister; lists here if it failed)."""
        if self._lists is None:
            self._lists = self._collect() or self._walks()
        return self._lists[index]

    def _walks(self) -> list[Listing]:
        return [walk_tree(root, stamps) for root, stamps in zip(self._roots, self._stamps)]

    def close(self) -> None:
        """Stop the lister if it still runs (a build that ends before it needs the lists)."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except OSError:
                pass
            self._reap()

    def _start(self, close: Sequence[int]) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the lists are made here when needed
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the lister: no import, no lock, no cleanup of the builder's (os._exit)
            status = 1
            try:
                os.close(read)
                for descriptor in close:
                    os.close(descriptor)
                view = memoryview(marshal.dumps(self._walks()))
                while view:
                    view = view[os.write(write, view):]
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._pipe = pid, read

    def _collect(self) -> Optional[list[Listing]]:
        """The lister's lists, or None when it failed (then they are made here)."""
        if not self._pid:
            return None
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        status = self._reap()
        try:
            lists: Any = marshal.loads(b"".join(chunks)) if status == 0 else None
        except (EOFError, ValueError, TypeError):
            return None
        well_formed = isinstance(lists, list) and len(lists) == len(self._roots) and all(
            isinstance(item, tuple) and len(item) == 3 and all(isinstance(part, list) for part in item) for item in lists)
        return lists if well_formed else None

    def _reap(self) -> int:
        os.close(self._pipe)
        _, status = os.waitpid(self._pid, 0)
        self._pid, self._pipe = 0, -1
        return status
