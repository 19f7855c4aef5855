"""Walk content/ in a stable order and sort each file into the content type it holds."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic

# folder under content/ -> content type of the Markdown files in it
FOLDERS = {"releases": "release", "meetings": "meeting", "mechanisms": "mechanism", "pages": "page"}
SETTINGS = {"site.yaml", "topics.yaml"}


@dataclass(frozen=True)
class SourceFile:
    kind: str  # release | meeting | mechanism | page | static | settings | other
    rel: str  # path relative to content/, with forward slashes: what editors see in messages
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size): what the dev server compares


def _is_ignored(name: str) -> bool:
    """Editor and OS leftovers never belong to the archive."""
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
    """Every file under ``content`` sorted by path; symlinks leading outside it are refused."""
    root = content.resolve()
    found: list[SourceFile] = []
    problems: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _is_ignored(d))
        current = Path(dirpath)
        for name in list(dirnames):
            link = current / name
            if link.is_symlink():
                dirnames.remove(name)
                rel = link.relative_to(content).as_posix()
                problem = _check_link(link, rel, root)
                if problem:
                    problems.append(problem)
                else:
                    # a link to a folder inside content/ is walked like a folder
                    found.extend(_walk_linked(link, content, root))
        for name in sorted(filenames):
            if _is_ignored(name):
                continue
            path = current / name
            rel = path.relative_to(content).as_posix()
            if path.is_symlink():
                problem = _check_link(path, rel, root)
                if problem:
                    problems.append(problem)
                    continue
            found.append(_source(path, rel))
    found.sort(key=lambda s: s.rel)
    return found, problems


def _walk_linked(link: Path, content: Path, root: Path) -> list[SourceFile]:
    result = []
    for dirpath, dirnames, filenames in os.walk(link, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _is_ignored(d))
        for name in sorted(filenames):
            if not _is_ignored(name):
                path = Path(dirpath) / name
                if path.resolve().is_relative_to(root):
                    result.append(_source(path, path.relative_to(content).as_posix()))
    return result


def _source(path: Path, rel: str) -> SourceFile:
    stat = path.stat()
    return SourceFile(classify(rel), rel, path, (stat.st_mtime_ns, stat.st_size))


def _check_link(path: Path, rel: str, root: Path) -> Diagnostic | None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Diagnostic(rel, 0, "this link points to nothing", "remove it or point it at a file inside content/",
                          code="broken-symlink")
    if not target.is_relative_to(root):
        return Diagnostic(rel, 0, "this symbolic link leads outside content/",
                          "copy the file into content/ instead of linking to it", code="symlink-outside")
    return None
