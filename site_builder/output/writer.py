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
from pathlib import Path, PurePosixPath
from typing import Optional

from ..errors import ToolError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".site-builder.json"


def check_output_folder(output: Path, content: Path, project: Path) -> None:
    """Refuse any output folder whose replacement could destroy something the builder did not make."""
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
    if out.is_dir() and any(out.iterdir()):
        manifest = read_manifest(out)
        if manifest is None:
            raise UsageError(f"the output folder {output} is not empty and was not made by this builder; "
                             "empty it or choose another folder")
        foreign = sorted(_present_files(out) - manifest - {MANIFEST})
        if foreign:
            shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
            raise UsageError(f"the output folder {output} holds files this builder did not create ({shown}); "
                             "move them to content/static/ to publish them, or remove them")


def read_manifest(folder: Path) -> Optional[set[str]]:
    try:
        return set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _present_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


class Writer:
    """Writes into a staging folder beside ``output``; ``commit`` swaps it in, ``abort`` removes it.

    Crash-safe: only one writer at a time per output (a lock the kernel drops when the process
    dies, however it dies); it first cleans what an interrupted one left (``.NAME.building-``
    and ``.NAME.old-`` folders) and puts back a site left outside by a swap cut short. The swap
    itself is one atomic exchange where the system has one (Linux), so ``kill -9`` at any moment
    leaves the previous site or the new one at ``output``, never neither.
    """

    def __init__(self, output: Path):
        self.output = output
        self.sources: dict[str, str] = {}
        self._folders: set[Path] = set()  # made in the stage already
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            self._lock = lock_output(output)
        except OSError as exc:
            raise ToolError(f"cannot write into {output.parent}: {exc.strerror or exc}; the previous site is unchanged") from None
        try:
            recover(output)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
        except OSError as exc:
            unlock_output(output, self._lock)
            raise ToolError(f"cannot write into {output.parent}: {exc.strerror or exc}; the previous site is unchanged") from None
    def reserve(self, file: str, source: str = "") -> Path:
        """Claim ``file`` for one producer (a rendering worker writes it there); its place in the stage."""
        posix = PurePosixPath(file)
        if posix.is_absolute() or ".." in posix.parts or not posix.parts:
            raise ToolError(f"refusing to write outside the output folder: {file}")
        if file in self.sources:
            raise ToolError(f"{file} written twice, by {self.sources[file]} and {source}")
        self.sources[file] = source
        return self.stage.joinpath(*posix.parts)

    def _target(self, file: str, source: str) -> Path:
        target = self.reserve(file, source)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def write(self, file: str, data: bytes, source: str = "") -> None:
        self._target(file, source).write_bytes(data)

    def copy(self, file: str, original: str, source: str = "") -> None:
        shutil.copyfile(original, self._target(file, source))

    def link(self, file: str, previous: Path, source: str = "") -> None:
        """The unchanged file of the previous build, hard-linked (copied where links are impossible)."""
        target = self._target(file, source)
        try:
            os.link(previous, target)
        except OSError:
            shutil.copy2(previous, target)

    def adopt(self, files: list[str], source: str) -> None:
        """Record files a tool (the search indexer) made in the staging folder, for the manifest."""
        for file in files:
            if file in self.sources:
                raise ToolError(f"{file} written twice, by {self.sources[file]} and {source}")
            self.sources[file] = source

    def commit(self) -> None:
        """Swap the finished site in; the old one is removed only after the new one is in place."""
        try:
            manifest = {"files": sorted(self.sources), "generator": "site_builder"}
            (self.stage / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            os.chmod(self.stage, 0o755)  # mkdtemp makes 0700; a published site must be readable
            old = swap_in(self.stage, self.output)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)  # if cut short, the next writer finishes it
        finally:
            unlock_output(self.output, self._lock)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
        unlock_output(self.output, self._lock)


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
