"""The snapshot: a warm load takes each file whose stamp is unchanged from it, reading neither the
file nor its cache entry, and is always the archive a load without any cache gives."""

from __future__ import annotations

import os
import time
from pathlib import Path
from unittest import mock

from site_builder.content.archive import documents_of, load_archive, read_settings
from site_builder.content.discover import discover
from site_builder.content.model import Archive
from site_builder.engine import documents as documents_module
from site_builder.engine.documents import Documents
from site_builder.engine.snapshot import NAMESPACE
from site_builder.engine.store import Store
from site_builder.options import Options
from tests.helpers import copy_fixture

LONG_AGO = 10**9 * 3600  # ns: an hour before now, far older than the racy window


def load(options: Options, warnings: list[str] | None = None) -> tuple[Archive, int, list[str]]:
    """The archive through a fresh ``Documents`` (as each ``build`` has), files parsed, files read for their key."""
    store = Store.open(options.cache_dir, (warnings if warnings is not None else []).append) if options.cache_dir else None
    documents = Documents(options, store)
    sources, found = discover(options.content)
    read: list[str] = []
    real_key = documents_module._key

    def counting_key(source, context):  # type: ignore[no-untyped-def]
        read.append(source.rel)
        return real_key(source, context)

    with mock.patch.object(documents_module, "_key", counting_key):
        archive = documents.archive(read_settings(options), sources, found)
    return archive, documents.parsed, read


def age(content: Path) -> None:
    """Every file of content/ as if written an hour ago (its stamp can then be trusted)."""
    then = time.time_ns() - LONG_AGO
    for path in content.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(then, then))


def warmed(tmp_path: Path) -> tuple[Options, int]:
    """A project loaded cold (which writes every entry and the snapshot); and its number of documents."""
    content = copy_fixture(tmp_path)
    age(content)
    options = Options(content=content, jobs=1, cache_dir=tmp_path / "cache")
    archive, parsed, _ = load(options)
    assert parsed == len(documents_of(discover(content)[0])) and (tmp_path / "cache" / NAMESPACE).is_dir()
    return options, parsed


def test_unchanged_files_are_not_read_and_an_edited_one_is(tmp_path: Path) -> None:
    options, count = warmed(tmp_path)
    archive, parsed, read = load(options)
    assert (parsed, read) == (0, []) and count > 10
    assert archive == load_archive(options)
    release = sorted((options.content / "releases").rglob("*.md"))[0]
    release.write_text(release.read_text(encoding="utf-8") + "\nOne more *paragraph*.\n", encoding="utf-8")
    archive, parsed, read = load(options)
    assert parsed == 1 and read == [release.relative_to(options.content).as_posix()]
    assert archive == load_archive(options)
    assert "One more <em>paragraph</em>." in next(r for r in archive.releases if r.source.endswith(release.name)).body_html


def test_same_size_and_mtime_but_new_bytes_is_a_miss(tmp_path: Path) -> None:
    """A rewrite that restores the mtime (rsync -t, an archive extracted) still changes the ctime."""
    options, _ = warmed(tmp_path)
    release = sorted((options.content / "releases").rglob("*.md"))[0]
    before = release.stat()
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace("a", "e", 1), encoding="utf-8")  # same size
    os.utime(release, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert release.stat().st_size == before.st_size and release.stat().st_mtime_ns == before.st_mtime_ns
    archive, parsed, read = load(options)
    assert read == [release.relative_to(options.content).as_posix()]
    assert archive == load_archive(options)


def test_a_file_written_just_before_it_was_read_is_read_again(tmp_path: Path) -> None:
    """Git's racy rule: a second write in the same clock tick would keep the stamp."""
    options, _ = warmed(tmp_path)
    release = sorted((options.content / "releases").rglob("*.md"))[0]
    release.write_text(release.read_text(encoding="utf-8") + "\nFresh.\n", encoding="utf-8")
    rel = release.relative_to(options.content).as_posix()
    assert load(options)[2] == [rel]
    assert load(options)[2] == [rel]  # its stamp was read within the racy window: still not trusted
    age(options.content)
    load(options)  # re-read once with its new (old) stamp, and recorded
    assert load(options)[1:] == (0, [])


def test_a_deleted_file_leaves_the_archive_and_a_damaged_shard_is_a_miss(tmp_path: Path) -> None:
    options, _ = warmed(tmp_path)
    release = sorted((options.content / "releases").rglob("*.md"))[0]
    release.unlink()
    archive = load(options)[0]
    assert archive == load_archive(options) and not any(r.source.endswith(release.name) for r in archive.releases)
    shards = [p for p in (options.cache_dir / NAMESPACE).rglob("*") if p.is_file()]  # type: ignore[operator]
    for shard in shards:
        shard.write_bytes(shard.read_bytes()[:100])
    warnings: list[str] = []
    archive, parsed, read = load(options, warnings)
    assert parsed == 0 and len(read) == len(documents_of(discover(options.content)[0]))  # each from its entry
    assert archive == load_archive(options) and len(warnings) == 1
