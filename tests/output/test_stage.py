"""The recycled stage: a warm build starts from the site before last, kept in the cache as the spare.

What must hold: the site being served is never written into (the spare shares its files), what
the new site does not have is removed (files and the folders they leave empty), a file slipped
into the spare is never published, and a build cut short leaves only a leftover the next removes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Collection

from site_builder.output.stage import BUILDING
from site_builder.output.writer import MANIFEST, Writer, read_manifest
from tests.helpers import tree_bytes


def publish(root: Path, files: dict[str, bytes], keep: Collection[str] = ()) -> None:
    """One build: ``keep`` linked from the site in place (as the engine does), the rest written."""
    output, spare = root / "out", root / "cache" / "sites" / "k"
    writer = Writer(output, spare)
    for file, data in files.items():
        previous = output / file
        if file in keep:
            writer.link(file, previous, "test", os.stat(previous).st_ino)
        else:
            writer.write(file, data, "test")
    writer.commit()


def test_the_replaced_site_becomes_the_spare_and_the_next_build_starts_from_it(tmp_path: Path) -> None:
    first = {"a/index.html": b"A1", "b/index.html": b"B1", "gone/deep/index.html": b"G1"}
    publish(tmp_path, first)
    assert tree_bytes(tmp_path / "out") == {**first, MANIFEST: (tmp_path / "out" / MANIFEST).read_bytes()}
    second = {"a/index.html": b"A1", "b/index.html": b"B2", "gone/deep/index.html": b"G1"}
    publish(tmp_path, second, keep={"a/index.html", "gone/deep/index.html"})
    spare = tmp_path / "cache" / "sites" / "k"
    assert (spare / "b/index.html").read_bytes() == b"B1"  # the site before: kept, not deleted
    served_a = os.stat(tmp_path / "out/a/index.html").st_ino
    assert os.stat(spare / "a/index.html").st_ino == served_a  # one file, two names
    third = {"a/index.html": b"A3", "b/index.html": b"B2", "new/index.html": b"N3"}
    publish(tmp_path, third, keep={"b/index.html"})
    out = tree_bytes(tmp_path / "out")
    assert {f: d for f, d in out.items() if f != MANIFEST} == third
    assert read_manifest(tmp_path / "out") == set(third)
    assert not (tmp_path / "out/gone").exists()  # the folders a removed page leaves empty go too
    # the second site (now the spare) was never written into: a3 replaced a file the spare shared
    assert (spare / "a/index.html").read_bytes() == b"A1" and (spare / "b/index.html").read_bytes() == b"B2"


def test_a_file_slipped_into_the_spare_is_not_published(tmp_path: Path) -> None:
    files = {"index.html": b"home", "x/index.html": b"x"}
    publish(tmp_path, files)
    publish(tmp_path, files, keep=set(files))
    spare = tmp_path / "cache" / "sites" / "k"
    (spare / "x" / "intruder.html").write_bytes(b"not ours")
    (spare / "empty" / "deeper").mkdir(parents=True)
    publish(tmp_path, files, keep=set(files))
    assert sorted(tree_bytes(tmp_path / "out")) == sorted([*files, MANIFEST])
    assert not (tmp_path / "out" / "empty").exists()


def test_a_build_cut_short_leaves_a_leftover_the_next_one_removes(tmp_path: Path) -> None:
    files = {"index.html": b"home"}
    publish(tmp_path, files)
    publish(tmp_path, files, keep=set(files))
    writer = Writer(tmp_path / "out", tmp_path / "cache" / "sites" / "k")  # takes the spare...
    writer.write("index.html", b"half", "test")
    os.close(writer._lock)  # ...and dies (kill -9): no commit, no abort; the kernel drops the lock
    sites = tmp_path / "cache" / "sites"
    assert [p.name.startswith("k" + BUILDING) for p in sites.iterdir()] == [True]
    assert (tmp_path / "out" / "index.html").read_bytes() == b"home"  # the site served is untouched
    publish(tmp_path, {"index.html": b"new"})
    assert (tmp_path / "out" / "index.html").read_bytes() == b"new"
    assert [p.name for p in sites.iterdir()] == ["k"]


def test_an_aborted_build_leaves_the_site_served_as_it_was(tmp_path: Path) -> None:
    files = {"index.html": b"home", "a/index.html": b"a"}
    publish(tmp_path, files)
    publish(tmp_path, files, keep=set(files))
    before = tree_bytes(tmp_path / "out")
    writer = Writer(tmp_path / "out", tmp_path / "cache" / "sites" / "k")
    writer.write("index.html", b"changed", "test")
    writer.link("a/index.html", tmp_path / "out/a/index.html", "test", os.stat(tmp_path / "out/a/index.html").st_ino)
    writer.abort()
    assert tree_bytes(tmp_path / "out") == before


def test_a_failed_build_gives_the_spare_back_for_the_next_one(tmp_path: Path) -> None:
    """What the failed build left in it is harmless: a file is only ever kept by inode."""
    files = {"index.html": b"home", "a/index.html": b"a", "b/index.html": b"b"}
    publish(tmp_path, files)
    publish(tmp_path, files, keep=set(files))
    writer = Writer(tmp_path / "out", tmp_path / "cache" / "sites" / "k")
    writer.write("index.html", b"half-made", "test")
    writer.abort()
    spare = tmp_path / "cache" / "sites" / "k"
    assert spare.is_dir() and (spare / "index.html").read_bytes() == b"half-made"
    publish(tmp_path, {**files, "b/index.html": b"b2"}, keep={"index.html", "a/index.html"})
    assert {f: d for f, d in tree_bytes(tmp_path / "out").items() if f != MANIFEST} == {**files, "b/index.html": b"b2"}


def test_a_file_is_kept_as_it_is_only_with_the_recorded_inode_size_and_mtime(tmp_path: Path) -> None:
    files = {"a/index.html": b"a", "b/index.html": b"b"}
    publish(tmp_path, files)
    publish(tmp_path, files, keep=set(files))  # the spare and the site share both files
    stamps = {f: os.stat(tmp_path / "out" / f) for f in files}
    with open(tmp_path / "out/b/index.html", "r+b") as stream:  # edited in place: both names see it
        stream.write(b"B")
    later = stamps["b/index.html"].st_mtime_ns + 1_000_000
    os.utime(tmp_path / "out/b/index.html", ns=(later, later))  # as the edit does (not left to the clock's tick)
    writer = Writer(tmp_path / "out", tmp_path / "cache" / "sites" / "k")
    a, b = stamps["a/index.html"], stamps["b/index.html"]
    assert writer.keep("a/index.html", "test", a.st_ino, a.st_size, a.st_mtime_ns)
    assert not writer.keep("b/index.html", "test", b.st_ino, b.st_size, b.st_mtime_ns)
    assert not writer.keep("c/index.html", "test", b.st_ino, b.st_size, b.st_mtime_ns)  # not in the spare
    writer.write("b/index.html", b"b", "test")
    writer.commit()
    assert {f: d for f, d in tree_bytes(tmp_path / "out").items() if f != MANIFEST} == files
