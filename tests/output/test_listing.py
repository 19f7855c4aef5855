"""The listings of the output and of the recycled stage, made by a forked lister while the build goes on.

What must hold: the lister's lists are exactly what a listing in the process finds (files, links,
empty folders, an absent tree); a lister that fails or is stopped is replaced by a listing in the
process; and a build that lists in the background still finds a file slipped into the spare and
one added to the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.errors import UsageError
from site_builder.output.listing import Listings, walk_tree
from site_builder.output.writer import MANIFEST, Writer
from tests.helpers import tree_bytes


def a_tree(root: Path) -> Path:
    for file in ("index.html", "a/index.html", "a/b/c/index.html", "pagefind/en/0/fragment/x.pf_fragment"):
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_bytes(b"x")
    (root / "empty" / "deeper").mkdir(parents=True)
    (root / "link.html").symlink_to(root / "index.html")
    (root / "a" / "folder-link").symlink_to(root / "a" / "b", target_is_directory=True)  # a link, not walked
    return root


def test_the_lister_finds_what_a_listing_here_finds(tmp_path: Path) -> None:
    first, second = a_tree(tmp_path / "one"), tmp_path / "absent"
    listings = Listings([first, None, second], background=True, stamps=(True,))
    assert listings._pid  # a lister runs
    here = [walk_tree(first, stamps=True), walk_tree(None), walk_tree(second)]
    for index, (files, folders, stamps) in enumerate(here):
        found = listings.get(index)
        assert sorted(zip(found[0], found[2] or found[0])) == sorted(zip(files, stamps or files))
        assert sorted(found[1]) == sorted(folders)
    for file, (inode, size, mtime_ns) in zip(here[0][0], here[0][2]):  # each file's own stamp, links not followed
        own = os.lstat(first / file)
        assert (own.st_ino, own.st_size, own.st_mtime_ns) == (inode, size, mtime_ns)
    assert sorted(here[0][0]) == ["a/b/c/index.html", "a/folder-link", "a/index.html", "index.html", "link.html",
                                  "pagefind/en/0/fragment/x.pf_fragment"]
    assert {"", "empty", "empty/deeper", "a/b/c"} <= set(here[0][1]) and "a/folder-link" not in here[0][1]
    assert here[1] == ([], [""], []) and here[2] == ([], [""], []) and walk_tree(first)[2] == []


def test_a_stopped_or_failed_lister_is_replaced_by_a_listing_here(tmp_path: Path) -> None:
    root = a_tree(tmp_path / "tree")
    stopped = Listings([root], background=True)
    stopped.close()  # the build ended early: the lister is killed and reaped
    assert not stopped._pid
    assert sorted(stopped.get(0)[0]) == sorted(walk_tree(root)[0])
    failed = Listings([root], background=True)
    os.kill(failed._pid, 9)  # dies before writing its lists
    assert sorted(failed.get(0)[0]) == sorted(walk_tree(root)[0])
    assert not Listings([root], background=False)._pid  # --jobs 1: no lister


def publish(root: Path, files: dict[str, bytes], background: bool) -> None:
    """One build into root/out, each file kept from the spare when it is the one served."""
    output = root / "out"
    writer = Writer(output, root / "cache" / "sites" / "k", guard=True, background=background)
    for file, data in files.items():
        served = output / file
        if served.is_file() and served.read_bytes() == data:
            writer.link(file, served, "test", os.stat(served).st_ino)
        else:
            writer.write(file, data, "test")
    writer.commit()


@pytest.mark.parametrize("background", [True, False])
def test_a_file_slipped_into_the_spare_is_removed_and_one_added_to_the_output_refused(tmp_path: Path,
                                                                                      background: bool) -> None:
    files = {"index.html": b"home", "x/index.html": b"x", "x/y/index.html": b"y"}
    publish(tmp_path, files, background)
    publish(tmp_path, {**files, "x/index.html": b"x2"}, background)  # the first site is the spare now
    spare = tmp_path / "cache" / "sites" / "k"
    (spare / "x" / "y" / "intruder.html").write_bytes(b"not ours")
    publish(tmp_path, {**files, "index.html": b"home2"}, background)
    assert sorted(tree_bytes(tmp_path / "out")) == sorted([*files, MANIFEST])
    (tmp_path / "out" / "x" / "y" / "mine.txt").write_bytes(b"precious")
    before = tree_bytes(tmp_path / "out")
    with pytest.raises(UsageError, match="x/y/mine.txt"):
        publish(tmp_path, files, background)
    assert tree_bytes(tmp_path / "out") == before  # refused before the swap: the site served is as it was
    assert spare.is_dir() and not list(spare.parent.glob("k.building-*"))  # the stage given back as the spare
