"""Everything a build reads, as one stamp: when it is the last build's, there is nothing to do.

A build is a function of its inputs: the files under content/ and the templates folder, the
options that change bytes (not ``--jobs``) and the builder's version. If none of them changed
since the last successful build into the same output folder, and every file of that output is
still the one recorded, the output already is what a clean build would make: ``build`` says so
and writes nothing (as ``make`` does), instead of planning 10,000 pages to link them all again.

A file's stamp is its (mtime, ctime, size, inode), as git's index keeps them, so an edit, a
replacement by another file or a restored backup all count as changes. Like git, a stamp read
less than ``RACY`` after the file's mtime proves nothing (a second write within the same clock
tick would keep it): then the build runs as usual.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..content.discover import SourceFile
from ..errors import Diagnostic
from ..options import Options
from .store import digest_bytes

RACY = 2_000_000_000  # ns


@dataclass(frozen=True)
class Inputs:
    """The stamp of every input (``digest``), the newest mtime among them, and when they were read."""

    digest: bytes
    newest_ns: int
    read_ns: int

    def trusted_against(self, recorded: Optional[tuple[bytes, int]]) -> bool:
        """Same inputs as the recorded build's, none modified within RACY of when that build read them."""
        if recorded is None:
            return False
        digest, read_ns = recorded
        return digest == self.digest and self.newest_ns < read_ns - RACY


def read_inputs(options: Options, version: str, discovered: tuple[Sequence[SourceFile], Sequence[Diagnostic]],
                read_ns: int) -> Optional[Inputs]:
    """The inputs' stamp: ``discovered`` is what ``discover`` found under content/ at ``read_ns`` (the
    build goes on with it); None when it found a problem (the build will report it)."""
    sources, problems = discovered
    if problems:
        return None
    stamps: list[bytes] = [version.encode(), options_key(options).encode()]
    newest = 0
    for source in sources:  # the stamps discover read (a second stat of 10,000 files would say the same)
        mtime, size, ctime, inode = source.stamp
        newest = max(newest, mtime)
        stamps.append(f"content/{source.rel}\0{mtime}\0{ctime}\0{size}\0{inode}".encode())
    for rel, path in _templates(options.templates):
        try:
            stat = os.stat(path)
        except OSError:
            return None
        newest = max(newest, stat.st_mtime_ns)
        stamps.append(f"{rel}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_size}\0{stat.st_ino}".encode())
    return Inputs(digest_bytes(*stamps), newest, read_ns)


def options_key(options: Options) -> str:
    """The options that change what is written (``--jobs`` does not)."""
    return repr((str(options.content.resolve()), str(options.output.resolve()), str(options.templates.resolve()),
                 repr(options.base_url), repr(options.drafts), repr(options.search), repr(options.search_shard_pages)))


def _templates(templates: Path) -> Iterable[tuple[str, Path]]:
    for folder, folders, files in os.walk(templates):
        folders.sort()
        for name in sorted(files):
            path = Path(folder, name)
            yield "templates/" + path.relative_to(templates).as_posix(), path
