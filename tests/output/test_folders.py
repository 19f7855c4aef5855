"""The stamps of a finished site's folders: only the folders changed since are listed again, and no
file added by hand, in the output or in the spare, goes unseen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from site_builder.errors import UsageError
from site_builder.options import TEMPLATES, Options
from site_builder.output import folders
from site_builder.output.folders import Folders, list_site, manifest_digest, recorded_listing, stamp_folders, walk_tree
from site_builder.pipeline import build
from tests.helpers import copy_fixture, tree_bytes

OLD_NS = 1_600_000_000_000_000_000  # folders last changed long before the record


def make_site(root: Path) -> set[str]:
    files = {"index.html", "a/index.html", "a/b/page.html", "a/b/c/deep.html", "d/x.json"}
    for file in files:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text(file)
    for folder in walk_tree(root)[1]:
        os.utime(root / folder, ns=(OLD_NS, OLD_NS))
    return files


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The folders ``list_site`` lists (``os.scandir`` calls)."""
    calls: list[str] = []
    real = os.scandir

    def counting(path: Any) -> Any:
        calls.append(os.fspath(path))
        return real(path)
    monkeypatch.setattr(folders.os, "scandir", counting)
    yield calls


def test_folders_unchanged_since_their_stamp_are_not_listed_again(tmp_path: Path, listed: list[str]) -> None:
    files = make_site(tmp_path)
    record = stamp_folders(tmp_path, walk_tree(tmp_path)[1], b"m")
    listed.clear()
    assert list_site(tmp_path, record, files) == walk_tree(tmp_path)
    assert listed[:1] == [str(tmp_path)] and len(listed) == 1 + 5  # this call: the site's own folder; walk_tree: all 5


def test_a_file_added_removed_or_put_in_a_new_folder_by_hand_is_seen(tmp_path: Path, listed: list[str]) -> None:
    files = make_site(tmp_path)
    record = stamp_folders(tmp_path, walk_tree(tmp_path)[1], b"m")
    (tmp_path / "a/b/c/added.html").write_text("by hand")
    (tmp_path / "a/b/page.html").unlink()
    (tmp_path / "a/new/inner").mkdir(parents=True)
    (tmp_path / "a/new/inner/file.txt").write_text("by hand")
    listed.clear()
    found, found_folders = list_site(tmp_path, record, files)
    listed_by_it = list(listed)
    assert (found, found_folders) == walk_tree(tmp_path)
    assert {"a/b/c/added.html", "a/new/inner/file.txt"} <= found and "a/b/page.html" not in found
    assert not any(path.endswith(("/d", "/a/b/c/x")) for path in listed_by_it)  # untouched: not listed
    assert any(path.endswith("/a/b/c") for path in listed_by_it)


def test_a_stamp_read_within_the_clock_tick_proves_nothing(tmp_path: Path, listed: list[str]) -> None:
    files = make_site(tmp_path)
    for folder in walk_tree(tmp_path)[1]:
        os.utime(tmp_path / folder)  # changed just now: a second change in the same tick would keep the stamp
    record = stamp_folders(tmp_path, walk_tree(tmp_path)[1], b"m")
    listed.clear()
    assert list_site(tmp_path, record, files) == walk_tree(tmp_path)
    assert len(listed) == 2 * 5  # every folder listed, then walk_tree's own pass


def test_a_record_of_another_site_is_ignored(tmp_path: Path) -> None:
    files = make_site(tmp_path)
    record = stamp_folders(tmp_path, walk_tree(tmp_path)[1], manifest_digest(b"another manifest"))
    (tmp_path / "a/b/stray.html").write_text("x")
    os.utime(tmp_path / "a/b", ns=(OLD_NS, OLD_NS))  # as if the stamp were still the recorded one

    class Slots:
        def get(self, slot: str) -> Any:
            return record

        def put(self, slot: str, value: Any) -> None:
            raise AssertionError

    assert "a/b/stray.html" in recorded_listing(tmp_path, Slots(), "output", (b"this manifest", files))[0]
    assert "a/b/stray.html" not in recorded_listing(tmp_path, Slots(), "output", (b"another manifest", files))[0]
    assert isinstance(record, Folders)


def test_builds_trust_their_records_and_still_see_every_file_added_by_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no clock tick to wait for (RACY 0), the records are trusted at once: a file put in a deep
    folder of the output is refused, one put in the spare is never published."""
    monkeypatch.setattr(folders, "RACY", 0)
    copy_fixture(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    options = Options(content=tmp_path / "content", output=tmp_path / "out", cache_dir=tmp_path / ".cache",
                      templates=tmp_path / "templates", search=False, jobs=1)
    build(options)
    release = tmp_path / "content/releases/2014/2014-12-01-statement.md"
    release.write_text(release.read_text() + "\nMore.\n")
    build(options)  # the first site is the spare now
    spares = [p for p in (tmp_path / ".cache/sites").iterdir()]
    assert len(spares) == 1
    stray = spares[0] / "releases/2014/stray.html"
    stray.write_text("added to the spare")
    release.write_text(release.read_text() + "\nMore again.\n")
    build(options)
    assert not (tmp_path / "out/releases/2014/stray.html").exists()
    assert "releases/2014/stray.html" not in tree_bytes(tmp_path / "out")
    foreign = tmp_path / "out/releases/2014/by-hand.html"
    foreign.write_text("by hand")
    with pytest.raises(UsageError, match="by-hand.html"):
        build(options)
    assert foreign.read_text() == "by hand"


