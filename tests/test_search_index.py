"""The search index as builds make it: the release bodies only, split into shards, each shard
indexed again only when one of its pages changed, and always the bytes of a clean build."""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.options import Options
from site_builder.output import search
from site_builder.output.search import SUBDIR, UNUSED, search_input, search_language
from site_builder.output.shards import plan_shards
from site_builder.pipeline import BuildResult, build
from tests.helpers import FIXTURE_SITE, copy_fixture, make_site, tree_bytes


def test_search_input_keeps_the_language_and_the_body_element_only() -> None:
    page = (b'<!doctype html><html lang="fr" dir="ltr"><head><title>T</title></head><body><nav>menu</nav>'
            b'<article class="r" data-pagefind-body data-pagefind-sort="date:2010-01-02"><h1>Titre</h1>'
            b'<article>inner</article><p>texte</p></article><footer>pied</footer></body></html>')
    assert search_input(page) == (
        b'<html lang="fr" dir="ltr"><head><meta charset="utf-8"></head><body>'
        b'<article class="r" data-pagefind-body data-pagefind-sort="date:2010-01-02"><h1>Titre</h1>'
        b'<article>inner</article><p>texte</p></article></body></html>\n')
    assert search_input(page.replace(b" data-pagefind-body", b"")) is None
    assert search_input(b'<div data-pagefind-bodyguard="x">no</div>') is None
    trimmed = search_input(page)
    assert trimmed is not None and search_input(trimmed) == trimmed  # the dev server trims twice


PAGE_PARTS = [b"<p>", b"</p>", b"<div ", b"<div>", b"</div>", b" data-pagefind-body", b"data-pagefind-body",
              b' class="x"', b">", b"<", b"<a <b", b"<!-- data-pagefind-body -->", b"text data-pagefind-body text",
              b"<article", b"</article>", b'<html lang="es">', b"\n", b" ", b"=", b"/"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PAGE_PARTS), max_size=30))
def test_search_input_finds_the_element_a_search_from_the_start_finds(parts: list[bytes]) -> None:
    # it starts looking after the last ">" before the attribute's first mention: never a later element
    page = b"".join(parts)
    body = search._BODY.search(page)
    expected = None
    if body is not None:
        html = search._HTML.search(page, 0, body.start())
        expected = ((html.group(0) if html else b"<html>") + search._HEAD + page[body.start():search._element_end(page, body)]
                    + b"</body></html>\n")
    assert search_input(page) == expected


async def pagefind_of_whole_pages(site: Path, bundle: Path) -> None:
    """Pagefind's own index (its Python API) of every page of ``site``, whole, in the order of their names."""
    from pagefind.index import IndexConfig, PagefindIndex
    async with PagefindIndex(IndexConfig(output_path=str(bundle))) as index:  # written there on leaving
        for name in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
            await index.add_html_file(content=(site / name).read_text(encoding="utf-8"), source_path=name)


def test_each_bundle_is_what_pagefind_makes_of_the_whole_site_in_its_language(tmp_path: Path) -> None:
    """One shard per language (a small archive): the very files of Pagefind's own index of every
    page, whole (not only its search input), given in the same order (pages are numbered in it)."""
    site = tmp_path / "site"
    build(Options(content=copy_fixture(tmp_path), output=site, jobs=1))
    whole = tmp_path / "whole"
    shutil.copytree(site, whole, ignore=shutil.ignore_patterns(SUBDIR))
    asyncio.run(pagefind_of_whole_pages(whole, whole / SUBDIR))
    reference = tree_bytes(whole / SUBDIR)
    languages = json.loads((site / SUBDIR / "languages.json").read_text(encoding="utf-8"))
    assert sorted(languages) == ["en", "es", "fr"]
    for lang, known in languages.items():
        assert known["bundles"] == [f"{lang}/0/"]
        bundle = tree_bytes(site / SUBDIR / lang / "0")
        ours = {name: data for name, data in bundle.items() if name not in ("pagefind-entry.json", "pagefind.js",
                                                                             "pagefind-worker.js")}
        assert ours == {name: data for name, data in reference.items()
                        if name.startswith((f"fragment/{lang}_", f"index/{lang}_", f"pagefind.{lang}_", f"wasm.{lang}."))}
        assert bundle["pagefind.js"] == reference["pagefind.js"]
        assert json.loads(bundle["pagefind-entry.json"])["languages"] == {
            lang: json.loads(reference["pagefind-entry.json"])["languages"][lang]}
    assert not set(UNUSED) & {p.name for p in (site / SUBDIR).rglob("*")}
    assert not (site / ".search-input").exists() and not (site / ".search-shards").exists()


def fragments(site: Path) -> dict[str, str]:
    """Every page Pagefind stored, by its address: the bundle holding it."""
    found = {}
    for path in sorted((site / SUBDIR).glob("*/*/fragment/*.pf_fragment")):
        page = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        assert page["url"] not in found, page["url"]
        found[page["url"]] = path.parent.parent.relative_to(site).as_posix()
    return found


def release_pages(site: Path) -> dict[str, str]:
    """Each searchable page's file in the site, with its language."""
    return {p.relative_to(site).as_posix(): search_language(p.read_bytes()) for p in site.rglob("*.html")
            if SUBDIR not in p.relative_to(site).parts and search_input(p.read_bytes()) is not None}


def address(file: str) -> str:
    return "/" + file.removesuffix("index.html")


def bundle_of(site: Path, file: str) -> str:
    return fragments(site)[address(file)]


def first_bundle(site: Path, lang: str = "en") -> str:
    languages = json.loads((site / SUBDIR / "languages.json").read_text(encoding="utf-8"))
    return f"{SUBDIR}/{languages[lang]['bundles'][0]}".rstrip("/")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Twenty short English releases beside the fixture ones: several shards of a few pages each."""
    content = copy_fixture(tmp_path)
    for n in range(20):
        (content / "releases/2012").mkdir(exist_ok=True)
        (content / f"releases/2012/2012-03-{n + 1:02d}-note-{n}.md").write_text(
            f'---\ntitle: "Note {n} on cooperation"\ndate: 2012-03-{n + 1:02d}\n---\nThe defenders met again, time {n}.\n',
            encoding="utf-8")
    return content


def built(content: Path, output: Path, cache: Path | None, jobs: int = 1) -> BuildResult:
    return build(Options(content=content, output=output, jobs=jobs, cache_dir=cache, search_shard_pages=4))


def test_the_index_holds_every_release_page_once_in_its_shard(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = built(archive, site, None)
    pages = release_pages(site)
    stored = fragments(site)
    assert sorted(stored) == sorted(address(f) for f in pages) and len(pages) == 26
    shards = plan_shards(pages, 4)
    assert sorted(result.indexed) == sorted(s.folder for s in shards) and len(shards) >= 5  # all of them, cold
    for shard in shards:
        assert {stored[address(f)] for f in shard.files} == {shard.folder}
    languages = json.loads((site / SUBDIR / "languages.json").read_text(encoding="utf-8"))
    assert languages["en"]["pages"] == 24 and len(languages["en"]["bundles"]) == sum(s.language == "en" for s in shards)


def test_warm_cold_and_parallel_builds_give_the_same_index_and_one_edit_indexes_one_shard(archive: Path,
                                                                                      tmp_path: Path) -> None:
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    built(archive, warm, cache, jobs=1)
    unchanged = built(archive, warm, cache, jobs=3)
    assert unchanged.indexed == () and not unchanged.searched
    edited = archive / "releases/2012/2012-03-05-note-4.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("met again", "met once more, zanzibarite"),
                      encoding="utf-8")
    one = built(archive, warm, cache, jobs=3)
    assert one.indexed == (bundle_of(warm, "releases/2012/note-4/index.html"),) and one.searched
    for jobs in (1, 3):
        clean = tmp_path / f"clean-{jobs}"
        again = built(archive, clean, None, jobs=jobs)
        assert len(again.indexed) >= 5
        assert tree_bytes(clean) == tree_bytes(warm)
    assert b"zanzibarite" in b"".join(gzip.decompress(p.read_bytes()) for p in
                                       (warm / one.indexed[0] / "fragment").iterdir())


def test_a_deleted_or_moved_release_leaves_its_old_shard_indexed_again(archive: Path, tmp_path: Path) -> None:
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    built(archive, warm, cache)
    gone_from = bundle_of(warm, "releases/2012/note-7/index.html")
    (archive / "releases/2012/2012-03-08-note-7.md").unlink()
    deleted = built(archive, warm, cache)
    assert deleted.indexed == (gone_from,)
    assert address("releases/2012/note-7/index.html") not in fragments(warm)
    moved_from, first_before = bundle_of(warm, "releases/2012/note-9/index.html"), first_bundle(warm)
    (archive / "releases/2012/2012-03-10-note-9.md").rename(archive / "releases/2012/2012-03-10-moved-note.md")
    moved = built(archive, warm, cache)
    moved_to = bundle_of(warm, "releases/2012/moved-note/index.html")
    # and no other, but the language's first bundle (the one with the script) if that changed
    assert set(moved.indexed) - {moved_from, moved_to} <= {first_before, first_bundle(warm)} - {moved_from, moved_to}
    assert {moved_from, moved_to} <= set(moved.indexed)
    assert address("releases/2012/note-9/index.html") not in fragments(warm)
    clean = tmp_path / "clean"
    built(archive, clean, None, jobs=2)
    assert tree_bytes(clean) == tree_bytes(warm)


def test_an_archive_without_releases_gets_an_empty_list_of_bundles(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"releases/2010/2010-12-09-warsaw.md": None, "meetings/3.md": None})
    output = tmp_path / "output"
    result = build(Options(content=content, output=output, jobs=1))
    assert (output / SUBDIR / "languages.json").read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.relative_to(output).as_posix() for p in (output / SUBDIR).rglob("*")) == [f"{SUBDIR}/languages.json"]
    assert result.indexed == ()


def test_the_fixture_archive_is_split_when_shards_are_small(tmp_path: Path) -> None:
    """The browser tests build the fixture one page per shard: English then has several bundles."""
    output = tmp_path / "site"
    build(Options(content=FIXTURE_SITE, output=output, jobs=1, search_shard_pages=1))
    languages = json.loads((output / SUBDIR / "languages.json").read_text(encoding="utf-8"))
    assert len(languages["en"]["bundles"]) >= 2


def test_an_edit_and_an_altered_bundle_in_one_build_index_both_shards_and_link_the_rest(archive: Path, tmp_path: Path) -> None:
    """Pagefind indexes the edited page's shard while the unchanged bundles are linked; a bundle
    found altered while linking is indexed after. The index is still a clean build's."""
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    built(archive, warm, cache)
    altered_in = bundle_of(warm, "releases/2012/note-6/index.html")
    edited = next(n for n in range(20) if bundle_of(warm, f"releases/2012/note-{n}/index.html") != altered_in)
    edited_in = bundle_of(warm, f"releases/2012/note-{edited}/index.html")
    index_file = next((warm / altered_in / "index").iterdir())
    index_file.write_bytes(index_file.read_bytes() + b"\0")
    source = next((archive / "releases/2012").glob(f"*-note-{edited}.md"))
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = built(archive, warm, cache, jobs=2)
    assert set(again.indexed) == {altered_in, edited_in} and len(again.indexed) == 2
    assert list(again.indexed) == sorted(again.indexed, key=lambda f: int(f.rsplit("/", 1)[1]))  # in shard order
    clean = tmp_path / "clean"
    built(archive, clean, None)
    assert tree_bytes(clean) == tree_bytes(warm)


def test_a_bundle_file_lost_or_changed_in_the_output_gets_its_shard_indexed_again(archive: Path, tmp_path: Path) -> None:
    """A bundle file deleted from the output is still in the spare as recorded: kept from there. One
    changed in place (the spare shares it) gets its shard made again whole, over the files its folder
    inherited; either way the index is a clean build's."""
    cache, warm = tmp_path / "cache", tmp_path / "warm"
    built(archive, warm, cache)
    built(archive, warm, cache, jobs=2)  # nothing changed: a no-op
    edited = archive / "releases/2012/2012-03-05-note-4.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    built(archive, warm, cache)  # a spare now, sharing the unchanged bundles with the output
    lost_from = bundle_of(warm, "releases/2012/note-2/index.html")
    changed_in = bundle_of(warm, "releases/2012/note-6/index.html")
    lost = next((warm / lost_from / "fragment").iterdir())
    lost.unlink()
    index_file = next((warm / changed_in / "index").iterdir())
    index_file.write_bytes(index_file.read_bytes() + b"\0")  # in place: the spare's name sees it too
    again = built(archive, warm, cache)
    assert again.indexed == (changed_in,)  # the lost file is still in the spare, as recorded: kept from there
    assert lost.is_file()
    clean = tmp_path / "clean"
    built(archive, clean, None)
    assert tree_bytes(clean) == tree_bytes(warm)


def test_the_next_run_starts_before_the_bundle_of_the_last_one_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one run at a time, a run starts before the previous run's bundle is written, so a core
    does not wait for the writing; the pipe to each run is widened to PIPE_BYTES (Linux)."""
    import fcntl
    events: list[str] = []
    from site_builder.output import pagefind
    start, finish = pagefind._start, pagefind._finish

    def started(stage: Path, shard: object, *rest: object) -> object:
        run = start(stage, shard, *rest)  # type: ignore[arg-type]
        events.append(f"start {shard.folder}")  # type: ignore[attr-defined]
        if hasattr(fcntl, "F_GETPIPE_SZ"):
            assert fcntl.fcntl(run.input, fcntl.F_GETPIPE_SZ) == pagefind.PIPE_BYTES
        return run

    def finished(stage: Path, run: object) -> list[str]:
        events.append(f"finish {run.shard.folder}")  # type: ignore[attr-defined]
        return finish(stage, run)  # type: ignore[arg-type]
    monkeypatch.setattr(pagefind, "_start", started)
    monkeypatch.setattr(pagefind, "_finish", finished)
    build(Options(content=FIXTURE_SITE, output=tmp_path / "site", jobs=1, search_shard_pages=1))
    starts = [n for n, event in enumerate(events) if event.startswith("start")]
    finishes = [n for n, event in enumerate(events) if event.startswith("finish")]
    assert len(starts) == len(finishes) >= 3
    assert all(starts[k + 1] < finishes[k] for k in range(len(starts) - 1))  # run k+1 began before k's bundle was written
