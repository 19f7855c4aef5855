"""The search index on its own: Pagefind's bundles made from the built fixture site.

The golden tree leaves them out, so that a Pagefind upgrade does not rewrite it; what we rely on
is tested here instead: bundles of one language each, of the release pages only, split by a stable
hash of the page's path, normalised, Pagefind's script and WebAssembly only where the browser loads
them, and the same bytes for the same site whatever the number of parallel runs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from site_builder.options import Options
from site_builder.output.search import SUBDIR, UNUSED, SearchIndexError, index_site, search_language
from site_builder.output.shards import language_folder, plan_shards, shard_count, shard_number
from site_builder.pipeline import build
from tests.helpers import FIXTURE_SITE, tree_bytes


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive built once without its index (each test indexes a copy)."""
    output = tmp_path_factory.mktemp("search") / "site"
    build(Options(content=FIXTURE_SITE, output=output, jobs=1, search=False))
    return output


@pytest.fixture(scope="module")
def indexed(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy indexed one page per shard: English, with four releases, gets several bundles."""
    copy = tmp_path_factory.mktemp("indexed") / "site"
    shutil.copytree(site, copy)
    index_site(copy, jobs=1, most=1)
    return copy


def searchable_pages(folder: Path, lang: str) -> int:
    """Pages that opt in to the index, in ``lang``'s tree (English at the root, /fr/, /es/)."""
    def tree(page: Path) -> str:
        first = page.relative_to(folder).parts[0]
        return first if first in ("fr", "es") else "en"
    return sum(1 for p in folder.rglob("*.html") if tree(p) == lang and b"data-pagefind-body" in p.read_bytes())


def languages_of(folder: Path) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((folder / SUBDIR / "languages.json").read_text(encoding="utf-8"))
    return data


def entry(bundle: Path) -> dict[str, dict[str, dict[str, int]]]:
    data: dict[str, dict[str, dict[str, int]]] = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return data


def test_bundles_of_one_language_each_cover_the_release_pages_only(indexed: Path) -> None:
    languages = languages_of(indexed)
    assert sorted(languages) == ["en", "es", "fr"]
    for lang, known in languages.items():
        bundles = [indexed / SUBDIR / b for b in known["bundles"]]  # type: ignore[attr-defined]
        assert all(list(entry(b)["languages"]) == [lang] for b in bundles)
        counts = [entry(b)["languages"][lang]["page_count"] for b in bundles]
        assert sum(counts) == known["pages"] == searchable_pages(indexed, lang) > 0, lang
    assert len(languages["en"]["bundles"]) >= 2  # type: ignore[arg-type]  # four pages, one per shard: split
    assert all(b"data-pagefind-body" not in (indexed / page).read_bytes()
               for page in ("index.html", "meetings/index.html", "search/index.html"))


def test_the_entry_files_are_normalised_and_only_the_first_bundle_ships_pagefind(indexed: Path) -> None:
    for known in languages_of(indexed).values():
        first, *others = [indexed / SUBDIR / b for b in known["bundles"]]  # type: ignore[attr-defined]
        for bundle in [first, *others]:
            raw = (bundle / "pagefind-entry.json").read_text(encoding="utf-8")
            assert raw == json.dumps(json.loads(raw), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            assert [name for name in UNUSED if (bundle / name).exists()] == []
        wasm = {lang["wasm"] for lang in entry(first)["languages"].values()}
        assert sorted(p.name for p in first.glob("wasm.*")) == [f"wasm.{w}.pagefind" for w in sorted(wasm)]
        assert (first / "pagefind.js").is_file() and (first / "pagefind-worker.js").is_file()
        for bundle in others:  # merged into the first one: the browser never loads their script or WebAssembly
            assert sorted(p.name for p in bundle.iterdir() if p.is_file() and not p.name.endswith(".pf_meta")) \
                == ["pagefind-entry.json"]


def test_every_page_is_in_the_bundle_its_path_hashes_to(indexed: Path) -> None:
    pages = {p.relative_to(indexed).as_posix(): search_language(p.read_bytes()) for p in indexed.rglob("*.html")
             if SUBDIR not in p.parts and b"data-pagefind-body" in p.read_bytes()}
    shards = plan_shards(pages, most=1)
    assert sorted(f for s in shards for f in s.files) == sorted(pages)
    for shard in shards:
        count = shard_count(sum(1 for lang in pages.values() if lang == shard.language), 1)
        assert shard.count == count and all(shard_number(f, count) == shard.number for f in shard.files)
        bundle = indexed / shard.folder
        assert entry(bundle)["languages"][shard.language]["page_count"] == len(shard.files)


def test_shard_counts_are_powers_of_two_that_grow_only_when_the_pages_double() -> None:
    assert [shard_count(n, 500) for n in (0, 1, 500, 501, 1000, 1001, 7900, 10_000)] == [1, 1, 1, 2, 2, 4, 16, 32]
    # a page keeps its shard while the count stays, and goes to n or n + count/2 when it doubles
    for file in ("releases/2010/a/index.html", "fr/releases/2015/b/index.html"):
        assert shard_number(file, 16) == shard_number(file, 16)
        assert shard_number(file, 32) % 16 == shard_number(file, 16)
    assert language_folder("en") == "en" and language_folder("pt-br") == "pt-br"
    assert language_folder("../x") != "../x" and "/" not in language_folder("../x")


def test_the_language_is_read_as_pagefind_reads_it() -> None:
    assert search_language(b'<html lang="FR" dir="ltr"><body>') == "fr"
    assert search_language(b"<html data-x='1' lang='pt-BR'>") == "pt-br"
    assert search_language(b"<html lang=ar>") == "ar"
    assert search_language(b"<html><body>") == search_language(b"<p>no html tag</p>") == "unknown"


def test_the_same_site_gives_the_same_index_bytes_whatever_the_parallel_runs(site: Path, indexed: Path,
                                                                               tmp_path: Path) -> None:
    again = tmp_path / "site"
    shutil.copytree(site, again)
    added = index_site(again, jobs=3, most=1)
    assert added == sorted(f"{SUBDIR}/{name}" for name in tree_bytes(again / SUBDIR))
    assert tree_bytes(again / SUBDIR) == tree_bytes(indexed / SUBDIR)
    assert not (again / ".search-input").exists() and not (again / ".search-shards").exists()


def test_the_index_never_replaces_a_folder_already_there(site: Path, tmp_path: Path) -> None:
    taken = tmp_path / "site"
    shutil.copytree(site, taken)
    (taken / SUBDIR).mkdir()
    with pytest.raises(SearchIndexError, match="already exists in the site") as raised:
        index_site(taken)
    assert raised.value.exit_code == 3


def fake_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """A stand-in for Pagefind's executable (a shell script), found where the builder looks for it."""
    import pagefind_bin
    path = tmp_path / "fake-pagefind"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: path)
    return path


@pytest.mark.parametrize("script, message", [
    ('echo "Error: no space left on device" >&2; exit 1\n', "Pagefind failed: Error: no space left on device"),
    ("exit 0\n", "Pagefind failed"),  # exit 0 and no index: cut short (a full disk)
])
def test_a_failing_run_is_a_tool_error_and_leaves_nothing_behind(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 script: str, message: str) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    fake_pagefind(tmp_path, monkeypatch, script)
    with pytest.raises(SearchIndexError, match=message) as raised:
        index_site(copy, jobs=2, most=1)
    assert raised.value.exit_code == 3
    assert not (copy / ".search-input").exists() and not (copy / ".search-shards").exists()


def test_when_one_run_fails_the_others_are_stopped(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first run fails once three are running; the others would run for a minute: they are killed, not waited for."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    pids = tmp_path / "pids"
    fake_pagefind(tmp_path, monkeypatch, f'echo $$ >> {pids}\n'
                                         f'if [ "$(head -n 1 {pids})" = "$$" ]; then\n'
                                         f'  while [ "$(wc -l < {pids})" -lt 3 ]; do sleep 0.05; done; exit 1\nfi\n'
                                         'exec sleep 60\n')
    with pytest.raises(SearchIndexError, match="Pagefind failed"):
        index_site(copy, jobs=3, most=1)  # three at once: two are running when the first fails
    started = [int(line) for line in pids.read_text(encoding="utf-8").split()]
    assert started
    for pid in started:
        with pytest.raises(ProcessLookupError):  # killed and reaped
            os.kill(pid, 0)
