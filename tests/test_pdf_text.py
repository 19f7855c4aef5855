"""Attachments searchable: the text of a PDF is extracted at build time (pypdf), kept in the cache
by the file's hash, indexed by Pagefind with its release; an unreadable PDF is a warning only."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.options import Options
from site_builder.pipeline import build, check
from site_builder.plan.pdftext import CACHE_SUBDIR, read_texts
from site_builder.content.archive import load_archive
from tests.helpers import make_site, tiny_pdf

PHRASE = "zebrafinch protocol for urgent appeals"


def release_with(pdf: bytes, tmp_path: Path) -> Path:
    content = make_site(tmp_path, {
        "releases/2011/2011-01-01-annex.md": "---\ntitle: Annex release\ndate: 2011-01-01\n"
                                             "attachments: [{file: static/pdf/annex.pdf, title: Annex}]\n---\nA short text.\n"})
    (content / "static/pdf").mkdir(parents=True)
    (content / "static/pdf/annex.pdf").write_bytes(pdf)
    return content


def indexed_fragments(site: Path) -> list[dict[str, object]]:
    """What Pagefind stored for each page it indexed (its fragments are gzip'd JSON)."""
    fragments = []
    for path in sorted((site / "pagefind").glob("*/*/fragment/*")):  # every bundle of the index
        data = gzip.decompress(path.read_bytes())
        fragments.append(json.loads(data[len(b"pagefind_dcd"):]))
    return fragments


def test_a_phrase_only_in_the_pdf_finds_the_release(tmp_path: Path) -> None:
    content = release_with(tiny_pdf(f"The mechanisms agreed on a {PHRASE}."), tmp_path)
    out = tmp_path / "out"
    build(Options(content=content, output=out, jobs=1, cache_dir=tmp_path / "cache"))
    page = BeautifulSoup((out / "releases/2011/annex/index.html").read_text(encoding="utf-8"), "lxml")
    hidden = page.select_one("article[data-pagefind-body] .attachment-text")
    assert hidden is not None and hidden.has_attr("hidden") and PHRASE in hidden.get_text()
    assert PHRASE not in page.select_one(".body").get_text()
    matches = [f["url"] for f in indexed_fragments(out) if PHRASE in str(f["content"])]
    assert matches == ["/releases/2011/annex/"]


def test_the_text_is_cached_by_the_hash_of_the_file(tmp_path: Path) -> None:
    pdf = tiny_pdf(f"The {PHRASE}.")
    content = release_with(pdf, tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "site-builder-cache.json").write_text("{}")  # a folder the engine opened as ours
    archive = load_archive(Options(content=content))
    texts, problems = read_texts(archive.releases, cache)
    assert problems == [] and list(texts.values()) == [f"The {PHRASE}."]
    stored = cache / CACHE_SUBDIR / f"{hashlib.sha256(pdf).hexdigest()}.txt"
    assert stored.read_text(encoding="utf-8") == f"+The {PHRASE}."
    stored.write_text("+from the cache", encoding="utf-8")  # the cache is read, not the file again
    assert list(read_texts(archive.releases, cache)[0].values()) == ["from the cache"]


def test_an_unreadable_pdf_is_a_check_warning_and_the_build_goes_on(tmp_path: Path) -> None:
    content = release_with(b"%PDF-1.4\n% cut short by a failed upload\n", tmp_path)
    warnings = [d.format() for d in check(Options(content=content), today=dt.date(2020, 1, 1)) if d.code == "unreadable-pdf"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "releases/2011/2011-01-01-annex.md:4: warning: the PDF 'static/pdf/annex.pdf' cannot be read (")
    out = tmp_path / "out"
    build(Options(content=content, output=out, jobs=1))
    assert (out / "releases/2011/annex/index.html").is_file() and (out / "pdf/annex.pdf").is_file()
    assert not BeautifulSoup((out / "releases/2011/annex/index.html").read_text(encoding="utf-8"), "lxml").select(".attachment-text")


def test_a_pdf_without_text_is_reported_too(tmp_path: Path) -> None:
    content = release_with(tiny_pdf(""), tmp_path)
    warnings = [d.message for d in check(Options(content=content), today=dt.date(2020, 1, 1)) if d.code == "unreadable-pdf"]
    assert warnings == ["the PDF 'static/pdf/annex.pdf' cannot be read (it holds no text (a scan?)): search will not find its text"]
