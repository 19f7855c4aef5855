"""What the folders of a finished site held, so that the next builds need not list every one again.

Two listings of a whole site ran at every build: the output's (no file the builder did not make
may be in it, see ``writer.check_output_folder``) and the spare's (see ``stage``). At 10,000
releases that is 13,000 folders listed twice, over half a second of a one-edit build.

A folder's mtime changes whenever a name is added to it, removed or renamed (POSIX), so the
writer keeps, with the finished site, each folder's mtime and inode (``Folders``); a later build
lists again only the folders whose stamp differs or is too recent to prove anything. Like git's
index, a stamp read less than ``RACY`` after the folder's mtime proves nothing: a second change
within the same clock tick (two seconds on the coarsest file systems) would keep it. The record
names the manifest of the site it describes, so it never describes another site: a record that
does not match is ignored and the site is listed in full.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Protocol

RACY = 2_000_000_000  # ns: the coarsest mtime resolution of a common file system (FAT)


@dataclass(frozen=True)
class Folders:
    """The folders of one finished site, each with its (mtime, inode), read at ``read_ns``."""

    manifest: bytes  # the digest of that site's manifest (see ``manifest_digest``)
    read_ns: int
    stamps: dict[str, tuple[int, int]]  # relative folder ("" is the site's own) -> (mtime_ns, inode)


class FolderRecords(Protocol):
    """Where the build keeps ``Folders`` between builds (the cache): one per slot, "output" and "spare"."""

    def get(self, slot: str) -> Any: ...

    def put(self, slot: str, value: Any) -> None: ...


def manifest_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def stamp_folders(root: Path, folders: Iterable[str], manifest: bytes) -> Folders:
    """The record of ``folders`` of the site at ``root`` (a missing one is left out)."""
    read_ns = time.time_ns()  # before any stamp: a change after it gives a later mtime
    base = os.fspath(root)
    stamps: dict[str, tuple[int, int]] = {}
    for folder in folders:
        try:
            stat = os.stat(os.path.join(base, folder) if folder else base)
        except OSError:
            continue
        stamps[folder] = (stat.st_mtime_ns, stat.st_ino)
    return Folders(manifest, read_ns, stamps)


def list_site(root: Path, record: Optional[Folders], files: Iterable[str]) -> tuple[set[str], set[str]]:
    """Every file (or link) under ``root`` and every folder, relative, with forward slashes.

    ``record`` describes the site at ``root`` whose manifest lists ``files`` (the caller checked
    the digest): a folder with the recorded stamp, old enough, holds what the manifest says; only
    the others are listed. Without a record, every folder is listed.
    """
    if record is None:
        return walk_tree(root)
    base = os.fspath(root)
    expected: dict[str, list[str]] = {}
    for file in files:
        expected.setdefault(file.rpartition("/")[0], []).append(file)
    found: set[str] = set()
    folders: set[str] = set()
    trusted_before = record.read_ns - RACY
    for folder, (mtime_ns, inode) in record.stamps.items():
        path = os.path.join(base, folder) if folder else base
        try:
            stat = os.stat(path)
        except OSError:
            continue  # gone, with what it held
        folders.add(folder)
        if folder and stat.st_mtime_ns == mtime_ns and stat.st_ino == inode and mtime_ns < trusted_before:
            found.update(expected.get(folder, ()))
            continue
        prefix = folder + "/" if folder else ""
        try:
            entries = os.scandir(path)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = prefix + entry.name
                if not entry.is_dir(follow_symlinks=False):
                    found.add(name)
                elif name not in record.stamps:  # a folder the site did not have: everything in it
                    inner_files, inner_folders = walk_tree(root, name)
                    found |= inner_files
                    folders |= inner_folders
    return found, folders


def walk_tree(root: Path, start: str = "") -> tuple[set[str], set[str]]:
    """Every file (or link) under ``root`` (or its folder ``start``), and every folder, relative to
    ``root`` with forward slashes (one ``scandir`` per folder; no object per file)."""
    files: set[str] = set()
    folders: set[str] = {start}
    pending = [start]
    base = os.fspath(root)
    while pending:
        relative = pending.pop()
        prefix = relative + "/" if relative else ""
        try:
            entries = os.scandir(os.path.join(base, relative) if relative else base)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(name)
                    pending.append(name)
                else:
                    files.add(name)
    return files, folders


def recorded_listing(root: Path, records: Optional[FolderRecords], slot: str,
                     manifest: Optional[tuple[bytes, set[str]]]) -> tuple[set[str], set[str]]:
    """``list_site`` with the record kept in ``slot`` when it describes this very site (same manifest)."""
    record = records.get(slot) if records is not None and manifest is not None else None
    if not isinstance(record, Folders) or manifest is None or record.manifest != manifest_digest(manifest[0]):
        return walk_tree(root)
    return list_site(root, record, manifest[1])
