"""Crash safety of the output: kill -9 at random moments, leftovers, the lock, disk errors."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from site_builder.output.writer import Writer, lock_output, unlock_output
from tests.crashes import kill_builds
from tests.helpers import make_site, run, tree_bytes


def test_kill_9_at_random_moments_leaves_the_previous_or_the_new_site(tmp_path: Path) -> None:
    """Eight kills at seeded random moments (bench/kill_builds.py runs many more)."""
    tally = kill_builds(tmp_path, tries=8, seed=10)
    assert tally.failures == []
    assert tally.kills == 8


def test_the_next_build_cleans_leftovers_and_puts_back_a_site_cut_off_in_the_swap(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("build")[0] == 0
    site = tree_bytes(tmp_path / "output")
    # what a build killed between the two renames of a swap leaves (where no atomic exchange exists)
    (tmp_path / ".output.old-x1").mkdir()
    os.rename(tmp_path / "output", tmp_path / ".output.old-x1" / "site")
    (tmp_path / ".output.building-x2" / "releases").mkdir(parents=True)  # a stage half written
    (tmp_path / ".output.building-x2" / "releases" / "index.html").write_text("half")
    assert run("build")[0] == 0
    assert tree_bytes(tmp_path / "output") == site
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "content", "output"]


def test_a_second_build_into_the_same_output_is_refused_while_one_runs(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("build")[0] == 0
    before = tree_bytes(tmp_path / "output")
    holder = lock_output(tmp_path / "output")  # another build, in the middle of writing
    try:
        code, _, err = run("build", "--no-cache")
    finally:
        unlock_output(tmp_path / "output", holder)
    assert code == 2
    assert err.startswith(f"error: another build (process {os.getpid()}) is writing into output right now")
    assert tree_bytes(tmp_path / "output") == before
    assert run("build")[0] == 0  # the lock goes with the process that held it


def test_a_read_only_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("tempfile.mkdtemp", refuse)
    code, _, err = run("build")
    assert code == 3
    assert err.strip() == "error: cannot write into .: Permission denied; the previous site is unchanged"


def test_a_full_disk_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("build")[0] == 0
    before = tree_bytes(tmp_path / "output")
    (tmp_path / "content" / "static").mkdir()
    (tmp_path / "content" / "static" / "big.pdf").write_bytes(b"%PDF")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("shutil.copyfile", full)
    code, _, err = run("build")
    assert (code, err.strip()) == (3, "error: cannot write the site into output: No space left on device; "
                                      "the previous site is unchanged")
    assert tree_bytes(tmp_path / "output") == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


def test_a_file_deleted_during_the_build_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "static").mkdir()
    (tmp_path / "content" / "static" / "gone.pdf").write_bytes(b"%PDF")
    real = Writer.copy

    def delete_first(self: Writer, file: str, original: str, source: str = "") -> None:
        Path(original).unlink(missing_ok=True)
        real(self, file, original, source)
    monkeypatch.setattr(Writer, "copy", delete_first)
    code, _, err = run("build")
    assert code == 1
    assert err.splitlines()[0].startswith("content/static/gone.pdf:0: error: cannot read this file (No such file or directory)")
    assert not (tmp_path / "output").exists()


def test_the_lock_is_an_advisory_lock_released_on_close(tmp_path: Path) -> None:
    fd = lock_output(tmp_path / "output")
    other = os.open(tmp_path / ".output.lock", os.O_RDWR)
    with pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    unlock_output(tmp_path / "output", fd)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # (the old file, now removed: a new lock takes a new one)
    os.close(other)
    assert not (tmp_path / ".output.lock").exists()
