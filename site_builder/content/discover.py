"""Walk content/ in a stable order and sort each file into the content type it holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISFIFO, S_ISREG, S_ISSOCK
from typing import Callable, Optional

from ..errors import Diagnostic

# folder under content/ -> content type of the Markdown files in it
FOLDERS = {"releases": "release", "meetings": "meeting", "mechanisms": "mechanism", "pages": "page"}
SETTINGS = {"site.yaml", "topics.yaml"}
DOCUMENT_KINDS = frozenset(FOLDERS.values())  # the kinds of file that become one model object each


@dataclass(frozen=True)
class SourceFile:
    kind: str  # release | meeting | mechanism | page | static | settings | other
    rel: str  # path relative to content/, with forward slashes: what editors see in messages
    path: Path
    stamp: tuple[int, int, int, int]  # (mtime_ns, size, ctime_ns, inode): same stamp, same file (see engine/snapshot.py)


def is_ignored(name: str) -> bool:
    """Editor and OS leftovers never belong to the archive (nor wake the dev server's watcher)."""
    return name.startswith(".") or name.endswith("~") or name.startswith("#") or name in {"Thumbs.db", "__pycache__"}


def classify(rel: str) -> str:
    """The content type of a file from its place in content/."""
    parts = rel.split("/")
    if len(parts) == 1:
        return "settings" if rel in SETTINGS else "other"
    if parts[0] == "static":
        return "static"
    kind = FOLDERS.get(parts[0])
    if kind and rel.endswith(".md"):
        # meetings, mechanisms and pages are flat folders; releases may be grouped by year
        return kind if kind == "release" or len(parts) == 2 else "other"
    return "other"


def discover(content: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file under ``content`` sorted by path; what cannot be read or published is a problem.

    Nothing is skipped silently: a folder or file that cannot be read, a named pipe, a socket or a
    device, a link that leads outside content/ (or outside content/static/ for a published file),
    or back into a folder that holds it, are each reported, so ``check`` never passes an archive
    that ``build`` would publish incomplete.
    """
    root = content.resolve()
    found: list[SourceFile] = []
    problems: list[Diagnostic] = []
    _walk(content, str(content), "", root, found, problems)
    found.sort(key=lambda s: s.rel)
    return found, problems


def _walk(content: Path, folder: str, prefix: str, root: Path, found: list[SourceFile], problems: list[Diagnostic]) -> None:
    """One folder (``prefix``: its path in content/ with a final slash), then its subfolders, by name.

    ``os.scandir`` tells folders, files and links apart without a system call per entry (a
    ``Path`` per file and its ``is_symlink`` were a third of a one-edit build's check that nothing
    changed, at 10,000 releases); the order and the problems are those of ``os.walk``.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not is_ignored(e.name)), key=lambda e: e.name)
    except OSError as error:
        _unreadable_folder(content, problems)(error)
        return
    folders: list[os.DirEntry[str]] = []
    files: list[os.DirEntry[str]] = []
    for entry in entries:
        (folders if _is_folder(entry) else files).append(entry)
    subfolders: list[os.DirEntry[str]] = []
    for entry in folders:
        if entry.is_symlink():
            link, rel = Path(entry.path), prefix + entry.name
            problem = _check_link(link, rel, root)
            if problem:
                problems.append(problem)
            else:
                # a link to a folder inside content/ is walked like a folder
                found.extend(_walk_linked(link, content, root, problems))
        else:
            subfolders.append(entry)
    for entry in files:
        path, rel = Path(entry.path), prefix + entry.name
        if entry.is_symlink():
            problem = _check_link(path, rel, root)
            if problem:
                problems.append(problem)
                continue
        _add_file(path, rel, found, problems, None if entry.is_symlink() else entry)
    for entry in subfolders:
        _walk(content, entry.path, prefix + entry.name + "/", root, found, problems)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (as ``os.walk`` sorts them)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _unreadable_folder(content: Path, problems: list[Diagnostic]) -> Callable[[OSError], None]:
    def report(error: OSError) -> None:
        where = Path(error.filename or content)
        rel = where.relative_to(content).as_posix() if where.is_relative_to(content) else str(where)
        problems.append(Diagnostic(rel, 0, f"cannot read this folder ({error.strerror or error})",
                                   "give yourself the right to read it (and its files), or move it out of content/",
                                   code="unreadable"))
    return report


def stamp_of(stat: os.stat_result) -> tuple[int, int, int, int]:
    """A file's stamp: its mtime, size, ctime and inode (a rewrite that keeps the mtime changes the ctime)."""
    return (stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)


def _add_file(path: Path, rel: str, found: list[SourceFile], problems: list[Diagnostic],
              entry: Optional[os.DirEntry[str]] = None) -> None:
    """Add a regular, readable file; report anything else (``entry``: the listing's, when not a link)."""
    try:
        stat = entry.stat() if entry is not None else path.stat()
    except OSError as exc:
        problems.append(Diagnostic(rel, 0, f"cannot read this file ({exc.strerror or exc})",
                                   "check that it still exists and that you may read it", code="unreadable"))
        return
    if not S_ISREG(stat.st_mode):
        what = "a named pipe" if S_ISFIFO(stat.st_mode) else "a socket" if S_ISSOCK(stat.st_mode) else "a device or special file"
        problems.append(Diagnostic(rel, 0, f"this is {what}, not a file", "remove it from content/: only files can be published",
                                   code="special-file"))
        return
    if not os.access(path, os.R_OK):
        problems.append(Diagnostic(rel, 0, "cannot read this file (permission denied)",
                                   "give yourself the right to read it, or move it out of content/", code="unreadable"))
        return
    found.append(SourceFile(classify(rel), rel, path, stamp_of(stat)))


def _walk_linked(link: Path, content: Path, root: Path, problems: list[Diagnostic]) -> list[SourceFile]:
    result: list[SourceFile] = []
    for dirpath, dirnames, filenames in os.walk(link, followlinks=False, onerror=_unreadable_folder(content, problems)):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        for name in sorted(filenames):
            if not is_ignored(name):
                path = Path(dirpath) / name
                if path.resolve().is_relative_to(root):
                    _add_file(path, path.relative_to(content).as_posix(), result, problems)
    return result


def _check_link(path: Path, rel: str, root: Path) -> Diagnostic | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Diagnostic(rel, 0, "this link points to nothing", "remove it or point it at a file inside content/",
                          code="broken-symlink")
    if not target.is_relative_to(root):
        return Diagnostic(rel, 0, "this symbolic link leads outside content/",
                          "copy the file into content/ instead of linking to it", code="symlink-outside")
    if rel.startswith("static/") and not target.is_relative_to(root / "static"):
        # static/up -> .. would publish site.yaml, drafts and every source file
        return Diagnostic(rel, 0, "this symbolic link leads outside content/static/, whose files are published",
                          "copy the file into content/static/ instead of linking to it", code="symlink-outside")
    if path.parent.resolve().is_relative_to(target):
        return Diagnostic(rel, 0, "this symbolic link leads back to a folder that holds it",
                          "remove the link", code="symlink-outside")
    return None
