"""The search index on its own: Pagefind's files made from the built fixture site.

The golden tree leaves them out, so that a Pagefind upgrade does not rewrite it; what we rely on
is tested here instead: one index per language, of the release pages only, normalised, our own
interface only, and the same bytes for the same site.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_builder.options import Options
from site_builder.output.search import SUBDIR, UNUSED, SearchIndexError, index_site
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
    copy = tmp_path_factory.mktemp("indexed") / "site"
    shutil.copytree(site, copy)
    index_site(copy)
    return copy


def searchable_pages(folder: Path, lang: str) -> int:
    """Pages that opt in to the index, in ``lang``'s tree (English at the root, /fr/, /es/)."""
    def tree(page: Path) -> str:
        first = page.relative_to(folder).parts[0]
        return first if first in ("fr", "es") else "en"
    return sum(1 for p in folder.rglob("*.html") if tree(p) == lang and b"data-pagefind-body" in p.read_bytes())


def test_one_index_per_language_of_the_release_pages_only(indexed: Path) -> None:
    entry = json.loads((indexed / SUBDIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sorted(entry["languages"]) == ["en", "es", "fr"]
    for lang in ("en", "fr", "es"):
        assert entry["languages"][lang]["page_count"] == searchable_pages(indexed, lang) > 0, lang
    assert all(b"data-pagefind-body" not in (indexed / page).read_bytes()
               for page in ("index.html", "meetings/index.html", "search/index.html"))


def test_the_entry_file_is_normalised_and_only_our_interface_is_shipped(indexed: Path) -> None:
    raw = (indexed / SUBDIR / "pagefind-entry.json").read_text(encoding="utf-8")
    assert raw == json.dumps(json.loads(raw), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert (indexed / SUBDIR / "pagefind.js").is_file()
    assert [name for name in UNUSED if (indexed / SUBDIR / name).exists()] == []


def test_the_same_site_gives_the_same_index_bytes(site: Path, indexed: Path, tmp_path: Path) -> None:
    again = tmp_path / "site"
    shutil.copytree(site, again)
    added = index_site(again)
    assert added == sorted(f"{SUBDIR}/{name}" for name in tree_bytes(again / SUBDIR))
    assert tree_bytes(again / SUBDIR) == tree_bytes(indexed / SUBDIR)


def test_the_index_never_replaces_a_folder_already_there(site: Path, tmp_path: Path) -> None:
    taken = tmp_path / "site"
    shutil.copytree(site, taken)
    (taken / SUBDIR).mkdir()
    with pytest.raises(SearchIndexError, match="already exists in the site") as raised:
        index_site(taken)
    assert raised.value.exit_code == 3
