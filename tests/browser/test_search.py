"""Search as a reader uses it: words, filters, both, and a shareable address; all in Chromium."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from playwright.sync_api import expect

from site_builder.options import Options
from site_builder.pipeline import build
from tests.browser.conftest import Site, _Handler
from tests.helpers import make_site


def _titles(page: Any) -> list[str]:
    return [a.inner_text() for a in page.query_selector_all("#search-results h2 a")]


def test_words_find_the_release_with_an_excerpt(browser: Any, site: Site) -> None:
    page = browser.new_page()
    page.goto(site.url("search/"))
    page.fill("#search-query", "Warsaw")
    page.wait_for_selector("#search-results li")
    assert "International Human Rights Defenders Day: Renewed commitment towards better protection" in _titles(page)
    assert page.query_selector("#search-results mark")  # the words are highlighted in the excerpt
    assert "?q=Warsaw" in page.url  # a search can be shared
    # only release pages are indexed: no list, mechanism or meeting page among the results
    assert all("/releases/" in a.get_attribute("href") for a in page.query_selector_all("#search-results h2 a"))
    page.close()


def test_filters_alone_list_matching_releases(browser: Any, site: Site) -> None:
    page = browser.new_page()
    page.goto(site.url("search/?mechanism=coe-commissioner"))
    page.wait_for_selector("#search-results li")
    assert _titles(page) == ["February release", "“Inter-mechanisms 5.1”: enhanced cooperation"]
    assert page.input_value("#filter-mechanism") == "coe-commissioner"
    page.select_option("#filter-year", "2015")
    expect(page.locator("#search-results li")).to_have_count(1)  # (the page's CSP forbids eval'd waits)
    assert _titles(page) == ["February release"]
    assert "year=2015" in page.url and "mechanism=coe-commissioner" in page.url
    page.close()


def test_words_and_filters_together(browser: Any, site: Site) -> None:
    page = browser.new_page()
    page.goto(site.url("search/?q=the"))
    page.wait_for_selector("#search-results li")
    everything = _titles(page)
    page.select_option("#filter-topic", "reprisals")
    assert len(everything) > 1
    expect(page.locator("#search-results li")).to_have_count(1)
    assert _titles(page) == ["“Inter-mechanisms 5.1”: enhanced cooperation"]
    page.select_option("#filter-year", "2010")
    expect(page.locator("#search-status")).to_have_text("No release matches.")
    assert _titles(page) == []
    page.close()


def test_french_search_prefers_french_versions(browser: Any, site: Site) -> None:
    page = browser.new_page()
    page.goto(site.url("fr/search/?year=2010"))
    page.wait_for_selector("#search-results li")
    assert _titles(page) == ["Journée internationale des défenseurs : un engagement renouvelé"]
    page.close()


def test_words_only_in_the_pdf_find_the_release(browser: Any, site: Site) -> None:
    """The fixture release's PDF says "zebrafinch protocol"; its page text does not."""
    page = browser.new_page()
    page.goto(site.url("search/"))
    page.fill("#search-query", "zebrafinch protocol")
    page.wait_for_selector("#search-results li")
    assert _titles(page) == ["International Human Rights Defenders Day: Renewed commitment towards better protection"]
    page.close()


def _stored_pages(site: Site, lang: str) -> dict[str, tuple[str, str]]:
    """Each page of ``lang`` in the index: its title and the bundle (shard) holding it."""
    languages = json.loads((site.root / "pagefind/languages.json").read_text(encoding="utf-8"))
    pages = {}
    for bundle in languages[lang]["bundles"]:
        for fragment in (site.root / "pagefind" / bundle / "fragment").iterdir():
            data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
            pages[data["url"]] = (data["meta"]["title"], bundle)
    return pages


def test_a_search_covers_every_bundle_of_the_index(browser: Any, site: Site) -> None:
    """The fixture is indexed one page per shard: "the" is in releases of different bundles, found together."""
    stored = _stored_pages(site, "en")
    expected = {title for title, _ in stored.values()}
    with_the = {bundle for url, (title, bundle) in stored.items() if title in ("International Human Rights Defenders Day: "
                "Renewed commitment towards better protection", "“Inter-mechanisms 5.1”: enhanced cooperation")}
    assert len(with_the) == 2, "both releases in one bundle: the test would prove nothing"
    page = browser.new_page()
    page.goto(site.url("search/?q=the"))
    page.wait_for_selector("#search-results li")
    found = set(_titles(page))
    assert {"International Human Rights Defenders Day: Renewed commitment towards better protection",
            "“Inter-mechanisms 5.1”: enhanced cooperation"} <= found <= expected
    assert len(_titles(page)) == len(found)  # each release once: no bundle merged twice
    expect(page.locator("#search-status")).to_have_text(f"{len(found)} releases found.")
    page.close()


def _served(root: Path, files: dict[str, str | None]) -> Iterator[Site]:
    """The tiny archive of ``make_site`` plus ``files``, indexed one page per shard, served."""
    handler = type("Handler", (_Handler,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    served = Site(root / "site", f"http://127.0.0.1:{server.server_address[1]}")
    handler.site = served  # type: ignore[attr-defined]
    build(Options(content=make_site(root, files), output=served.root, base_url=served.base, jobs=1,
                  search_shard_pages=1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def english_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """An archive in English and French whose only releases are English, five, one per shard."""
    yield from _served(tmp_path_factory.mktemp("english-only"), {
        f"releases/2011/2011-0{n}-01-call-{n}.md": f"---\ntitle: Warsaw call {n}\ndate: 2011-0{n}-01\n---\n"
                                                    f"Warsaw again, call {n}.\n" for n in range(1, 5)})


@pytest.fixture(scope="module")
def no_releases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _served(tmp_path_factory.mktemp("no-releases"), {"releases/2010/2010-12-09-warsaw.md": None,
                                                                  "meetings/3.md": None})


def test_a_language_without_releases_searches_the_largest_one(browser: Any, english_only: Site) -> None:
    """As Pagefind does with one index: no French page indexed, so the French search page finds English ones."""
    languages = json.loads((Path(english_only.root) / "pagefind/languages.json").read_text(encoding="utf-8"))
    assert list(languages) == ["en"] and len(languages["en"]["bundles"]) >= 2
    page = browser.new_page()
    page.goto(english_only.url("fr/search/?q=warsaw"))
    page.wait_for_selector("#search-results li")
    expect(page.locator("#search-results li")).to_have_count(5)
    assert sorted(_titles(page)) == ["Warsaw call 1", "Warsaw call 2", "Warsaw call 3", "Warsaw call 4", "Warsaw meeting"]
    page.close()


def test_an_archive_without_releases_answers_no_results(browser: Any, no_releases: Site) -> None:
    page = browser.new_page()
    page.goto(no_releases.url("search/?q=warsaw"))
    expect(page.locator("#search-status")).to_have_text("No release matches.")
    assert _titles(page) == []
    page.close()
