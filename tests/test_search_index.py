"""The search index: built from the release bodies only, identical to Pagefind over the whole site."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from site_builder.options import Options
from site_builder.output import search
from site_builder.output.search import SUBDIR, UNUSED, index_site, search_input
from site_builder.pipeline import build
from tests.helpers import copy_fixture, make_site, tree_bytes


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


def _index_bytes(folder: Path) -> dict[str, bytes]:
    return tree_bytes(folder / SUBDIR)


def test_index_equals_pagefind_over_the_whole_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(Options(content=copy_fixture(tmp_path), output=site, jobs=1, search=False))
    whole = tmp_path / "whole"
    shutil.copytree(site, whole)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(whole), "--output-subdir", SUBDIR, "--silent"],
                   check=True, capture_output=True)
    for name in UNUSED:
        (whole / SUBDIR / name).unlink()
    entry = whole / SUBDIR / "pagefind-entry.json"
    entry.write_text(json.dumps(json.loads(entry.read_text(encoding="utf-8")), ensure_ascii=False, sort_keys=True,
                                separators=(",", ":")), encoding="utf-8")
    made = index_site(site)
    assert made == sorted(f"{SUBDIR}/{name}" for name in _index_bytes(site))
    assert _index_bytes(site) == _index_bytes(whole)
    assert not (site / search.SCRATCH).exists()
    pages = json.loads((site / SUBDIR / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    releases = [p for p in site.rglob("index.html") if b"data-pagefind-body" in p.read_bytes()]
    assert sum(lang["page_count"] for lang in pages.values()) == len(releases) > 0


def test_an_archive_without_releases_still_gets_an_index(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"releases/2010/2010-12-09-warsaw.md": None, "meetings/3.md": None})
    output = tmp_path / "output"
    build(Options(content=content, output=output, jobs=1))
    assert (output / SUBDIR / "pagefind.js").is_file()
