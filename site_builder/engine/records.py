"""What the cache knows of each file of the previous output, and how a file is known to be that one.

A ``Record`` per output file (route digest, templates, questions and answers, the file's size,
mtime, inode and digest); ``same_file`` says whether the file in the previous output is still the
recorded one; ``stamps`` is what ``Engine.untouched`` compares to skip a build altogether.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Optional


class Record(NamedTuple):
    """What the cache knows of one file of the previous output."""

    route: bytes  # digest of the route that made it (b"" for the search index's files)
    templates: tuple[tuple[str, bytes], ...]  # each template its render used, with its digest
    questions: Optional[tuple[int, ...]]  # into the index's question table; None: render it every time
    answers: bytes  # digest of the answers to those questions, in order
    size: int
    mtime_ns: int
    inode: int
    digest: bytes  # of its bytes (b"" for copies)
    searchable: bool = False
    source: tuple[int, int, int] = (-1, -1, -1)  # a copy: its source file's (mtime_ns, size, inode)
    seen_ns: int = 0  # a copy: when that stamp was read
    language: str = ""  # a searchable page: the language its search index is filed under
    search_digest: bytes = b""  # a searchable page: the digest of what the search index reads of it


@dataclass
class Outcome:
    """What writing the site did: for the next build (records) and for the caller (changes)."""

    records: dict[str, Record] = field(default_factory=dict)
    questions: list[Any] = field(default_factory=list)
    rendered: int = 0
    linked: int = 0
    search: dict[str, bytes] = field(default_factory=dict)  # each search shard's digest, by bundle folder
    changed: tuple[str, ...] = ()  # output files new or different from the previous build
    removed: tuple[str, ...] = ()  # output files of the previous build that are gone
    indexed: tuple[str, ...] = ()  # the search shards indexed again (bundle folders); the others were linked


def made_record(path: Path) -> Record:
    """The record of a file this build made in the stage without rendering it (a copy, the search index)."""
    stat = path.stat()
    return Record(b"", (), None, b"", stat.st_size, stat.st_mtime_ns, stat.st_ino, file_digest(path))


def differs(old: Optional[Record], new: Record) -> bool:
    """A new file, or new bytes."""
    return old is None or old.digest != new.digest


def same_file(path: str | Path, record: Record) -> Optional[Record]:
    """The record of the file in the previous output when it is the one the cache describes.

    Same size, mtime and inode: it is (the record itself). Otherwise (an output folder restored by
    CI, copied, touched) its bytes are read and compared with the recorded digest, when there is
    one; then the record is given the file's present stamp, so the next build trusts the stamp.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (record.size, record.mtime_ns, record.inode):
        return record
    if not record.digest or stat.st_size != record.size:
        return None
    try:
        same = file_digest(path) == record.digest
    except OSError:
        return None
    return record._replace(mtime_ns=stat.st_mtime_ns, inode=stat.st_ino) if same else None


def stamps(folder: Path, files: list[str]) -> list[bytes]:
    """Each file's name, size, mtime and inode (a missing file: its name alone)."""
    stamps = []
    for file in files:
        try:
            stat = os.stat(os.path.join(folder, file))
        except OSError:
            stamps.append(file.encode())
            continue
        stamps.append(stamp(file, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return stamps


def stamp(file: str, size: int, mtime_ns: int, inode: int) -> bytes:
    return f"{file}\0{size}\0{mtime_ns}\0{inode}".encode()


def file_digest(path: str | Path) -> bytes:
    """The same digest as ``Written.digest``: BLAKE2b-128 of the bytes."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, lambda: hashlib.blake2b(digest_size=16)).digest()


QUESTIONS = Record._fields.index("questions")  # where a stored record keeps its question numbers


def stored_records(outcome: Outcome, compact: bool) -> tuple[list[Any], bytes]:
    """The table of questions and the records, as the cache keeps them.

    ``compact``: the questions no output asks any more are dropped and the others renumbered; else
    (only texts changed: the pages ask what they asked) the table is kept as it is, which spares
    renumbering 28,000 records (0.15 s at 10,000 releases). The records are plain tuples,
    marshalled: they hold only bytes, strings, numbers and tuples, and marshal writes 30,000 of them
    in a seventh of pickle's time (pickling named tuples: 20 times)."""
    if not compact:
        return outcome.questions, marshal.dumps({file: tuple(r) for file, r in outcome.records.items()})
    used = sorted({q for r in outcome.records.values() if r.questions for q in r.questions})
    renumber = {old: new for new, old in enumerate(used)}
    files = {file: (*r[:QUESTIONS], tuple(renumber[q] for q in r.questions), *r[QUESTIONS + 1:])
             if r.questions is not None else tuple(r) for file, r in outcome.records.items()}
    return [outcome.questions[q] for q in used], marshal.dumps(files)
