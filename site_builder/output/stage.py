"""The folder a build is written into: a fresh one, or the site before last, brought up to date.

A warm build keeps almost every file. Making a fresh staging folder means one ``mkdir`` per page
folder and one ``link`` per file, and the swap then deletes the previous site the same way: at
10,000 releases that is 18,000 folders made and removed, seconds of system time for a build
that changed one page. So the site the swap replaces is not deleted: it is kept as the *spare*
(in the cache folder, on the output's file system) and the next build starts from it. Its files
that the new site still has, unchanged, stay where they are; the others are replaced or removed.

The spare shares files (hard links) with the site being served, so nothing is ever written into
an existing file here: a file is replaced by unlinking it and creating a new one. The spare is
renamed to a ``.building-`` name before it is touched; if the build dies, the next one deletes
that leftover and starts from a fresh folder. What the spare held is listed (see ``listing``) and
whatever the new site does not have is removed, so a file that was added to it (it is in our
cache, but still) is never published.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Optional

from .listing import Listing, walk_tree

BUILDING = ".building-"


class Stage:
    """The staging folder, and what it inherited from the spare (listed when needed, see ``listing``)."""

    def __init__(self, folder: Path, inherited: Optional[Callable[[], Listing]] = None, spare: Optional[Path] = None):
        """``inherited``: gives the files and folders the stage held when the build began (None: a
        fresh, empty folder)."""
        self.folder = folder
        self.spare = spare  # the spare it was, to be given back if the build fails
        self._root = os.fspath(folder)  # joined to tens of thousands of names: a string, not a Path
        self._inherited = inherited
        self._listed: Optional[tuple[list[str], list[str]]] = None
        self._stamps: Optional[dict[str, tuple[int, int, int]]] = None  # as listed, until the build touches the file

    @classmethod
    def fresh(cls, output: Path) -> Stage:
        """An empty folder beside ``output``."""
        return cls(Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent)))

    @classmethod
    def recycled(cls, spare: Path, output: Path) -> Optional[Stage]:
        """The spare, renamed for this build (its listing is given with ``listed``); None when there is
        none or it cannot serve."""
        try:
            if not spare.is_dir() or spare.is_symlink() or os.stat(spare).st_dev != os.stat(output.parent).st_dev:
                return None
            folder = Path(tempfile.mkdtemp(prefix=spare.name + BUILDING, dir=spare.parent))
            os.rmdir(folder)
            os.rename(spare, folder)  # from here on, a build cut short leaves a leftover, not a spare
        except OSError:
            return None
        return cls(folder, lambda: walk_tree(folder, stamps=True), spare=spare)

    def listed(self, inherited: Callable[[], Listing]) -> None:
        """Where the listing of what this stage inherited comes from (a lister started with the build)."""
        if self._inherited is not None:
            self._inherited = inherited

    def inherited(self) -> tuple[list[str], list[str]]:
        """The files and folders the stage held when the build began (some may be gone since)."""
        if self._listed is None:
            files, folders, stamps = self._inherited() if self._inherited is not None else ([], [""], [])
            self._listed = files, folders
            if len(stamps) == len(files):
                self._stamps = dict(zip(files, stamps))
        return self._listed

    def vacate(self, file: str) -> None:
        """Make room for a new file at ``file``: an inherited one is unlinked, never overwritten."""
        if self._inherited is not None:
            if self._stamps is not None:
                self._stamps.pop(file, None)
            try:
                os.unlink(f"{self._root}/{file}")
            except OSError:  # not there (the usual case), or a folder (then the write says so)
                pass

    def keeps(self, file: str, inode: int) -> bool:
        """The inherited ``file`` is the very file ``inode`` of the previous site: keep it as it is."""
        held = self._stamp(file)
        return held is not None and held[0] == inode

    def holds(self, file: str, inode: int, size: int, mtime_ns: int) -> bool:
        """The inherited ``file`` is the very file recorded (same inode, size and mtime), which can be
        kept as it is: the file in the site being replaced is that same file under another name."""
        return self._stamp(file) == (inode, size, mtime_ns)

    def _stamp(self, file: str) -> Optional[tuple[int, int, int]]:
        """The inherited ``file``'s own (inode, size, mtime): as the lister read it (``lstat``: some file
        systems, overlayfs, report another inode in a directory listing), or read now; None when the
        stage is fresh or the file is not there. The build asks before it touches the file."""
        if self._inherited is None:
            return None
        self.inherited()
        if self._stamps is not None:
            return self._stamps.get(file)
        try:
            stat = os.lstat(f"{self._root}/{file}")
        except OSError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def vacate_folders(self, folders: Iterable[str]) -> None:
        """Every inherited file under these folders unlinked (a tool that writes whole folders comes
        next), in one pass over what the stage inherited however many folders there are."""
        prefixes = tuple(folder.rstrip("/") + "/" for folder in folders)
        if prefixes and self._inherited is not None:
            for file in self.inherited()[0]:
                if file.startswith(prefixes):
                    self.vacate(file)

    def prune(self, claimed: set[str]) -> None:
        """Remove what the new site does not have: inherited files not claimed, then emptied folders."""
        files, folders = self.inherited()
        for file in files:
            if file not in claimed:
                self.vacate(file)
        needed = {""}
        for file in claimed:
            parent = file.rpartition("/")[0]
            while parent not in needed:
                needed.add(parent)
                parent = parent.rpartition("/")[0]
        for folder in sorted(set(folders) - needed, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(os.path.join(self.folder, folder))
            except OSError:  # not empty: something this build made in it
                pass

    def remove(self) -> None:
        """After a failed build: a recycled stage is given back as the spare (what it holds is only
        ever kept by inode, see ``keeps``), a fresh one removed."""
        if self.spare is not None and not os.path.lexists(self.spare):
            try:
                os.rename(self.folder, self.spare)
                return
            except OSError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def leftovers_of(spare: Path) -> list[Path]:
    """Stages a build cut short left beside ``spare``."""
    try:
        return sorted(p for p in spare.parent.iterdir() if p.name.startswith(spare.name + BUILDING))
    except OSError:
        return []
