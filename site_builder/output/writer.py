"""The one writer: every output goes through it into a fresh folder, swapped in only on success.

Like Lektor's writer, nothing is written in place: a failed build leaves the previous site byte
for byte as it was. Like Pelican's, a second write to the same file is refused. A manifest of
what was written lets the next build prove that it only ever replaces what it created.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from ..errors import ToolError, UsageError
from .listing import Listings, walk_tree
from .stage import BUILDING, Stage, leftovers_of

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".site-builder.json"


def check_output_folder(output: Path, content: Path, project: Path) -> None:
    """Refuse any output folder whose replacement could destroy something the builder did not make."""
    check_output_place(output, content, project)
    refuse_foreign_files(output, walk_tree(output)[0])


def check_output_place(output: Path, content: Path, project: Path) -> None:
    """What ``check_output_folder`` refuses but files the builder did not create (those need a listing)."""
    out = output.resolve()
    content_dir = content.resolve()
    if out == content_dir or out.is_relative_to(content_dir):
        raise UsageError(f"the output folder {output} is the content folder or inside it; choose another one, e.g. output")
    if content_dir.is_relative_to(out):
        raise UsageError(f"the output folder {output} contains the content folder; choose another one, e.g. output")
    if out == project.resolve() or out == Path(out.anchor):
        raise UsageError(f"the output folder {output} is the project folder; choose another one, e.g. output")
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output path {output} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and read_manifest(out) is None:
        raise UsageError(f"the output folder {output} is not empty and was not made by this builder; "
                         "empty it or choose another folder")


def refuse_foreign_files(output: Path, present: list[str]) -> None:
    """Refuse an output folder holding ``present`` files that its manifest does not name."""
    manifest = read_manifest(output)
    if manifest is None:  # empty, or absent (a folder without one is refused by check_output_place)
        return
    foreign = sorted(set(present) - manifest - {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
        raise UsageError(f"the output folder {output} holds files this builder did not create ({shown}); "
                         "move them to content/static/ to publish them, or remove them")


def read_manifest(folder: Path) -> Optional[set[str]]:
    try:
        return set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Writer:
    """Writes into a staging folder beside ``output``; ``commit`` swaps it in, ``abort`` removes it.

    Crash-safe: only one writer at a time per output (a lock the kernel drops when the process
    dies, however it dies); it first cleans what an interrupted one left (``.NAME.building-``
    and ``.NAME.old-`` folders) and puts back a site left outside by a swap cut short. The swap
    itself is one atomic exchange where the system has one (Linux), so ``kill -9`` at any moment
    leaves the previous site or the new one at ``output``, never neither.
    """

    def __init__(self, output: Path, spare: Optional[Path] = None, guard: bool = False, background: bool = False):
        """``spare``: where the site this build replaces is kept for the next one (see ``stage``).
        ``guard``: before the swap, ``check_output`` proves that the output holds only files the builder
        made (``check_output_place`` checked the rest). ``background``: the output and the recycled
        stage are listed by a forked process meanwhile (see ``listing``)."""
        self.output = output
        self.sources: dict[str, str] = {}
        self._spare = spare
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            self._lock = lock_output(output)
        except OSError as exc:
            raise ToolError(f"cannot write into {output.parent}: {exc.strerror or exc}; the previous site is unchanged") from None
        try:
            recover(output)
            for leftover in leftovers_of(spare) if spare is not None else []:
                shutil.rmtree(leftover, ignore_errors=True)
            self._stage = (Stage.recycled(spare, output) if spare is not None else None) or Stage.fresh(output)
        except OSError as exc:
            unlock_output(output, self._lock)
            raise ToolError(f"cannot write into {output.parent}: {exc.strerror or exc}; the previous site is unchanged") from None
        self.stage = self._stage.folder
        self._root = os.fspath(self.stage)  # joined to tens of thousands of names: a string, not a Path
        self._folders = {str(self.stage)}  # made already (a recycled stage's others: makedirs finds them)
        recycled = self._stage.spare is not None
        self._listings = Listings([output if guard and output.is_dir() else None, self.stage if recycled else None],
                                  background, close=(self._lock,), stamps=(False, True))
        self._guard = guard
        self._stage.listed(lambda: self._listings.get(1))

    def check_output(self) -> None:
        """Refuse (UsageError) an output holding files the builder did not create: they would be lost in the swap."""
        if self._guard:
            refuse_foreign_files(self.output, self._listings.get(0)[0])

    def reserve(self, file: str, source: str = "") -> str:
        """Claim ``file`` for one producer (a rendering worker writes it there); its place in the stage
        (a string: a warm build reserves tens of thousands of files)."""
        wrapped = f"/{file}/"
        plain = "//" not in wrapped and "/./" not in wrapped and "/../" not in wrapped  # the usual name: joined as it is
        parts = file.split("/") if plain else [part for part in file.split("/") if part not in ("", ".")]
        if file.startswith("/") or ".." in parts or not parts:
            raise ToolError(f"refusing to write outside the output folder: {file}")
        if file in self.sources:
            raise ToolError(f"{file} written twice, by {self.sources[file]} and {source}")
        self.sources[file] = source
        return f"{self._root}/{file}" if plain else os.path.join(self._root, *parts)

    def _target(self, file: str, source: str) -> str:
        target = self.reserve(file, source)
        folder = os.path.dirname(target)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return target

    def write(self, file: str, data: bytes, source: str = "") -> None:
        target = self._target(file, source)
        self._stage.vacate(file)
        with open(target, "wb") as stream:
            stream.write(data)

    def copy(self, file: str, original: str, source: str = "") -> None:
        target = self._target(file, source)
        self._stage.vacate(file)
        shutil.copyfile(original, target)

    def link(self, file: str, previous: str | Path, source: str = "", inode: Optional[int] = None) -> None:
        """The unchanged file of the previous build (``inode``: its inode, as just checked), hard-linked
        (copied where links are impossible); kept as it is when the recycled stage already has that very file."""
        if inode is not None and self._stage.keeps(file, inode):
            self.reserve(file, source)
            return
        target = self._target(file, source)
        self._stage.vacate(file)
        try:
            os.link(previous, target)
        except OSError:
            shutil.copy2(previous, target)

    def keep(self, file: str, source: str, inode: int, size: int, mtime_ns: int) -> bool:
        """Claim ``file`` when the recycled stage already holds the very file recorded (inode, size,
        mtime) from the previous build: it stays as it is, with no other check needed."""
        if not self._stage.holds(file, inode, size, mtime_ns):
            return False
        self.claim(file, source)
        return True

    def holds(self, file: str, inode: int, size: int, mtime_ns: int) -> bool:
        """Whether ``keep`` would keep ``file`` (nothing is claimed)."""
        return self._stage.holds(file, inode, size, mtime_ns)

    def claim(self, file: str, source: str) -> None:
        """Keep the recycled stage's ``file`` as it is (see ``holds``)."""
        self.reserve(file, source)

    def vacate(self, file: str) -> None:
        """Before a producer writes ``file`` itself (a rendering worker): an inherited file is unlinked."""
        self._stage.vacate(file)

    def vacate_folders(self, folders: Iterable[str]) -> None:
        """Before a tool writes whole folders of the stage (the search indexer's shards)."""
        self._stage.vacate_folders(folders)

    def adopt(self, files: list[str], source: str) -> None:
        """Record files a tool (the search indexer) made in the staging folder, for the manifest."""
        for file in files:
            if file in self.sources:
                raise ToolError(f"{file} written twice, by {self.sources[file]} and {source}")
            self.sources[file] = source

    def commit(self) -> None:
        """Swap the finished site in; the previous one is kept as the spare, or removed."""
        try:
            self.check_output()
            self._stage.prune(set(self.sources))
            self._listings.close()
            manifest = {"files": sorted(self.sources), "generator": "site_builder"}
            (self.stage / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            os.chmod(self.stage, 0o755)  # mkdtemp makes 0700; a published site must be readable
        except BaseException:
            self.abort()
            raise
        try:
            old = swap_in(self.stage, self.output)
            if old is not None and not self._keep_as_spare(old):
                shutil.rmtree(old, ignore_errors=True)  # if cut short, the next writer finishes it
        finally:
            self._unlock()

    def _keep_as_spare(self, old: Path) -> bool:
        """The previous site, now at ``old``, becomes the next build's stage (same file system only)."""
        if self._spare is None or not old.name.startswith((f".{self.output.name}.building-", self._spare.name + BUILDING)):
            return False  # a swap without exchange left it in an ``.old-`` folder: removed
        try:
            self._spare.parent.mkdir(parents=True, exist_ok=True)
            if os.stat(old).st_dev != os.stat(self._spare.parent).st_dev:
                return False
            os.rename(old, self._spare)
        except OSError:
            return False
        return True

    def abort(self) -> None:
        """Leave the output as it is: the stage is given back as the spare (or removed), the lock let go."""
        if self._lock < 0:  # done already: committed, or aborted
            return
        self._listings.close()
        self._stage.remove()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock >= 0:
            unlock_output(self.output, self._lock)
            self._lock = -1


# --- one writer at a time, and what an interrupted one leaves ----------------------------------

def lock_file(output: Path) -> Path:
    return output.parent / f".{output.name}.lock"


def lock_output(output: Path) -> int:
    """An exclusive lock on ``.NAME.lock`` beside the output; refused at once if another holds it.

    The file is removed when the lock is given back (``unlock_output``), so a finished build leaves
    nothing beside the output; a lock taken on a file removed meanwhile is taken again on the new one.
    """
    path = lock_file(output)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:  # no advisory locks here (Windows): one build at a time is the editor's care
            return fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise UsageError(f"another build{who} is writing into {output} right now; wait for it to finish, "
                             "or build into another folder with --output") from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed it as we opened it: lock the new one
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode("ascii"))
    return fd


def unlock_output(output: Path, fd: int) -> None:
    """Give the lock back: the file first (while still held), then the lock with it."""
    try:
        os.unlink(lock_file(output))
    except OSError:
        pass
    os.close(fd)


def leftovers(output: Path) -> list[Path]:
    """Folders an interrupted writer of ``output`` left beside it."""
    prefixes = (f".{output.name}.building-", f".{output.name}.old-")
    try:
        return sorted(p for p in output.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def recover(output: Path) -> None:
    """Under the lock: put back a site a cut-short swap left in ``.old-``, then remove the leftovers."""
    found = leftovers(output)
    if not output.exists():
        for folder in found:
            if folder.name.startswith(f".{output.name}.old-") and (folder / "site" / MANIFEST).is_file():
                os.rename(folder / "site", output)
                break
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)


RENAME_EXCHANGE = 2  # from <linux/fs.h>
AT_FDCWD = -100


def swap_in(stage: Path, output: Path) -> Optional[Path]:
    """Put ``stage`` at ``output``; return where the previous site now is (to remove), if any."""
    if not output.exists():
        os.rename(stage, output)
        return None
    if _exchange(stage, output):
        return stage  # the stage's name now holds the previous site
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, old / "site")  # a crash right here is repaired by the next writer's recover()
    os.rename(stage, output)
    return old


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        result = libc.renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    except (OSError, AttributeError):
        return False
    if result != 0:
        error = ctypes.get_errno()
        if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True
