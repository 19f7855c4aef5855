"""The one writer: every output goes through it into a fresh folder, swapped in only on success.

Like Lektor's writer, nothing is written in place: a failed build leaves the previous site byte
for byte as it was. Like Pelican's, a second write to the same file is refused. A manifest of
what was written lets the next build prove that it only ever replaces what it created.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Optional

from ..errors import ToolError, UsageError

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
    """Writes into a staging folder beside ``output``; ``commit`` swaps it in, ``abort`` removes it."""

    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
        self.sources: dict[str, str] = {}
        self._folders: set[Path] = set()  # made in the stage already

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
        manifest = {"files": sorted(self.sources), "generator": "site_builder"}
        (self.stage / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(self.stage, 0o755)  # mkdtemp makes 0700; a published site must be readable
        old: Optional[Path] = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rename(self.output, old / "site")
        os.rename(self.stage, self.output)
        if old is not None:
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
