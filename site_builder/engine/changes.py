"""What changed on disk, and what kind of change it is: the dev server's watcher.

The roots (content/ and templates/) are each scanned once per poll, by one watcher with one
callback: never one watch per file, and never one rebuild per changed file (MkDocs #2061). A burst
of saves (an editor writing a temporary file then renaming it, a ``git checkout`` touching a hundred
files) is reported once, after the disk has been quiet for a moment.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..content import discover

Stamp = tuple[int, int]  # (mtime_ns, size), as discover.SourceFile.stamp

# Kinds of change, each rebuilt its own way (see incremental.Session.rebuild):
SETTINGS_KIND = "settings"  # content/site.yaml, content/topics.yaml: everything
DOCUMENT_KIND = "document"  # a release, meeting, mechanism or page: re-parse that file, re-render what read it
FILE_KIND = "file"  # content/static/** or any other file under content/ (attachments): copied as is
TEMPLATE_KIND = "template"  # templates/**: re-render everything, without re-parsing


@dataclass(frozen=True, order=True)
class Change:
    root: str  # "content" or "templates"
    rel: str  # path relative to the root, with forward slashes

    @property
    def kind(self) -> str:
        return classify(self.root, self.rel)

    def shown(self) -> str:
        return f"{self.root}/{self.rel}"


def classify(root: str, rel: str) -> str:
    """The kind of a changed file: how it is rebuilt follows from what ``discover.classify`` says it holds."""
    if root == "templates":
        return TEMPLATE_KIND
    kind = discover.classify(rel)
    if kind == "settings":
        return SETTINGS_KIND
    return DOCUMENT_KIND if kind in discover.DOCUMENT_KINDS else FILE_KIND


@dataclass(frozen=True)
class ChangeSet:
    """One burst of changes, reported once."""

    changes: frozenset[Change]

    @property
    def kinds(self) -> set[str]:
        return {c.kind for c in self.changes}

    def of_kind(self, kind: str) -> list[Change]:
        return sorted(c for c in self.changes if c.kind == kind)

    def describe(self) -> str:
        """For the console: the file, or the first files and a count."""
        shown = sorted(c.shown() for c in self.changes)
        return shown[0] if len(shown) == 1 else f"{', '.join(shown[:2])}{' ...' if len(shown) > 2 else ''} ({len(shown)} files)"


def scan(root: Path) -> dict[str, Stamp]:
    """Every file under ``root`` (following links to folders, once each) with its stamp."""
    found: dict[str, Stamp] = {}
    seen: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        real = os.path.realpath(folder)
        if real in seen:  # a link loop
            return
        seen.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:  # removed while we looked: the next scan sees it gone
            return
        for entry in entries:
            if discover.is_ignored(entry.name):
                continue
            rel = prefix + entry.name
            try:
                if entry.is_dir():  # follows a link to a folder, as discover does
                    walk(entry.path, rel + "/")
                    continue
                stat = entry.stat()
            except OSError:  # a dangling link or a file removed meanwhile: still worth a rebuild
                found[rel] = (0, -1)
                continue
            found[rel] = (stat.st_mtime_ns, stat.st_size)

    if root.is_dir():
        walk(str(root), "")
    return found


def diff(before: dict[str, Stamp], after: dict[str, Stamp]) -> set[str]:
    """Files added, removed or modified."""
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


class Watcher:
    """Polls its roots; ``poll`` returns a ChangeSet once a burst of changes has settled.

    A full scan finds what changed; once ``quiet`` seconds have passed, only the changed files are
    looked at again (cheap, whatever the size of the archive): if they did not move, the burst is
    reported. Files that a long burst changes later are found by the next full scan and make a
    second, equally correct, rebuild.
    """

    def __init__(self, roots: dict[str, Path], quiet: float = 0.03, interval: float = 0.1):
        self.roots = roots
        self.quiet = quiet  # how long changed files must stay still before they are reported
        self.interval = interval  # the slowest polling rate when nothing is happening
        self.snapshots = {name: scan(path) for name, path in roots.items()}
        self.pending: set[Change] = set()
        self.last_change = 0.0
        self.scan_seconds = 0.0

    def poll(self, now: Optional[float] = None) -> Optional[ChangeSet]:
        """Scan (or, while a burst settles, look at its files); return the burst once it is still."""
        now = time.monotonic() if now is None else now
        if self.pending and now - self.last_change >= self.quiet:
            if self._still():
                burst, self.pending = ChangeSet(frozenset(self.pending)), set()
                return burst
            self.last_change = now
            return None
        started = time.perf_counter()
        for name, path in self.roots.items():
            current = scan(path)
            changed = diff(self.snapshots[name], current)
            self.snapshots[name] = current
            if changed:
                self.pending |= {Change(name, rel) for rel in changed}
                self.last_change = now
        self.scan_seconds = time.perf_counter() - started
        return None

    def _still(self) -> bool:
        """True if no file of the pending burst changed since it was seen (their stamps are noted anew)."""
        still = True
        for change in self.pending:
            snapshot = self.snapshots[change.root]
            try:
                stat = (self.roots[change.root] / change.rel).stat()
                stamp: Optional[Stamp] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamp = None
            if stamp != snapshot.get(change.rel):
                still = False
                if stamp is None:
                    snapshot.pop(change.rel, None)
                else:
                    snapshot[change.rel] = stamp
        return still

    def next_delay(self) -> float:
        """Look again soon while a burst settles; otherwise keep scanning under ~20% of one CPU."""
        if self.pending:
            return max(0.0, self.quiet - 0.001)
        return max(self.interval, 4 * self.scan_seconds)
