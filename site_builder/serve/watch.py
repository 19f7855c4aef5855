"""The dev server's watcher: OS file events on content/ and templates/, one report per burst.

``watchfiles`` (Rust's ``notify``: inotify, FSEvents, ReadDirectoryChangesW) tells us which files
changed, so nothing is scanned: a save costs the same in a ten-file archive and in a hundred-thousand-
file one. A burst of saves (an editor writing a temporary file then renaming it, a ``git checkout``
touching a hundred files) is reported once, when no event has come for ``quiet`` seconds (at the
latest after ``longest`` seconds: a long copy gives a few rebuilds, never one per file; MkDocs #2061).
What each change means is ``engine.changes.classify``'s business.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

import watchfiles

from ..content.discover import is_ignored
from ..engine.changes import Change, ChangeSet

READY_TIMEOUT = 10.0  # seconds to wait for the OS watches to be in place


class Watcher:
    """Watches ``roots`` (name -> folder) on its own thread; calls ``report`` once per burst.

    ``report`` runs on the watcher's thread: the server hands the burst to its event loop.
    """

    def __init__(self, roots: dict[str, Path], report: Callable[[ChangeSet], None],
                 quiet: float = 0.03, longest: float = 1.6):
        self.roots = {name: path.resolve() for name, path in roots.items()}
        self.report = report
        self.quiet = quiet
        self.longest = longest
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        """Start watching; returns once the OS watches are in place (a save after this is seen)."""
        self._thread = threading.Thread(target=self._run, name="serve-watch", daemon=True)
        self._thread.start()
        self._ready.wait(READY_TIMEOUT)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        folders = [path for path in self.roots.values() if path.is_dir()]
        if not folders:
            self._ready.set()
            return
        # an empty set every ``rust_timeout`` tells us the watches are in place, and lets stop() be quick
        for events in watchfiles.watch(*folders, watch_filter=None, debounce=int(self.longest * 1000),
                                       step=max(1, int(self.quiet * 1000)), stop_event=self._stop,
                                       rust_timeout=100, yield_on_timeout=True, raise_interrupt=False):
            self._ready.set()
            changes = self.changes(path for _, path in events)
            if changes:
                self.report(ChangeSet(frozenset(changes)))

    def changes(self, paths: Iterable[str]) -> set[Change]:
        """The events' paths as changes of a root; folders and editor leftovers left out."""
        found: set[Change] = set()
        for raw in paths:
            path = Path(raw)
            for name, root in self.roots.items():
                try:
                    rel = path.relative_to(root)
                except ValueError:
                    continue
                if rel.parts and not any(is_ignored(part) for part in rel.parts):
                    if path.is_dir():  # a folder moved in: its files (a new empty folder: nothing)
                        found |= {Change(name, file.relative_to(root).as_posix()) for file in _files_under(path)}
                    else:
                        found.add(Change(name, rel.as_posix()))
                break
        return found


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not any(is_ignored(part) for part in p.relative_to(folder).parts)]
