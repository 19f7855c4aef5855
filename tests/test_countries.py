"""Countries: ISO 3166-1 codes checked with "did you mean", named by CLDR in each page's language,
their own pages (by continent, paginated), feeds, open data, sitemap, JSON-LD, search filters, check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.options import Options
from site_builder.pipeline import build, check
from tests.helpers import make_site, run

RELEASE = "releases/2011/2011-01-01-x.md"


def release(front: str, body: str = "Text.", date: str = "2011-01-01") -> str:
    return f"---\ntitle: X {date}\ndate: {date}\n{front}---\n{body}\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.mark.parametrize(("written", "hint"), [
    ("Tunisia", "did you mean 'TN' (Tunisia)?"),
    ("Tunisie", "did you mean 'TN' (Tunisia)?"),
    ("TUN", "did you mean 'TN' (Tunisia)?"),
    ("Belarrus", "did you mean 'BY' (Belarus)?"),
    ("UK", "did you mean 'GB' (United Kingdom)?"),
])
def test_a_value_that_is_not_a_code_gets_the_code_it_means(tmp_path: Path, written: str, hint: str) -> None:
    content = make_site(tmp_path, {RELEASE: release(f"countries: [BY, {written}]\n")})
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert f"releases/2011/2011-01-01-x.md:4: error: countries: '{written}' is not an ISO 3166-1 alpha-2 country code ({hint})" in err


def test_codes_are_taken_in_any_case_and_a_duplicate_is_refused(tmp_path: Path) -> None:
    content = make_site(tmp_path, {RELEASE: release("countries: [tn, TN]\n")})
    code, _, err = run("check", "--content", str(content))
    assert code == 1 and "'TN' is listed twice" in err


def test_country_pages_feeds_and_open_data(tmp_path: Path) -> None:
    files = {f"releases/2011/2011-0{n}-01-r{n}.md": release("countries: [TN]\n", date=f"2011-0{n}-01") for n in (1, 2, 3)}
    files["releases/2012/2012-01-01-by.md"] = release("countries: [BY, HN]\n", date="2012-01-01")
    content = make_site(tmp_path, files)
    out = tmp_path / "out"
    build(Options(content=content, output=out, jobs=1))
    index = soup(out / "fr/countries/index.html")
    regions = [(h.get_text(), [a.get_text() for a in h.find_parent("section").select(".card-title a")])
               for h in index.select("main h2")]
    assert regions == [("Afrique", ["Tunisie"]), ("Amériques", ["Honduras"]), ("Europe", ["Biélorussie"])]
    first = soup(out / "fr/countries/tn/index.html")
    assert first.h1.get_text() == "Tunisie"
    assert first.select_one(".pagination a[rel=next]")["href"] == "/fr/countries/tn/page/2/"  # per_page: 2
    assert (out / "fr/countries/tn/page/2/index.html").is_file()
    feed = (out / "countries/tn/feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry") == 3 and 'term="TN"' in feed
    data = json.loads((out / "api/countries.json").read_text(encoding="utf-8"))["countries"]
    assert [c["code"] for c in data] == ["BY", "HN", "TN"]
    assert data[2]["names"] == {"en": "Tunisia", "fr": "Tunisie"} and data[2]["region"] == "002"
    assert len(data[2]["releases"]) == 3
    releases = json.loads((out / "api/releases.json").read_text(encoding="utf-8"))["releases"]
    assert releases[0]["countries"] == ["BY", "HN"]
    assert "https://example.org/countries/tn/page/2/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    filters = json.loads((out / "search/filters.json").read_text(encoding="utf-8"))["releases"]
    assert filters[0]["countries"] == ["BY", "HN"]
    page = soup(out / "fr/search/index.html")
    assert [o.get_text() for o in page.select("#filter-country option")] == ["Tous", "Biélorussie", "Honduras", "Tunisie"]
    article = soup(out / "releases/2012/by/index.html")
    data_ld = json.loads(article.select_one('script[type="application/ld+json"]').string)
    assert data_ld["contentLocation"] == [{"@type": "Country", "identifier": "BY", "name": "Belarus"},
                                          {"@type": "Country", "identifier": "HN", "name": "Honduras"}]
    assert [a.get_text() for a in article.select(".about a[href*=countries]")] == ["Belarus", "Honduras"]


def test_a_site_without_countries_still_has_the_index(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    build(Options(content=content, output=tmp_path / "out", jobs=1))
    page = soup(tmp_path / "out/countries/index.html")
    assert page.select_one(".empty").get_text() == "No release names a country yet."
    assert not soup(tmp_path / "out/search/index.html").select("#filter-country")


@pytest.mark.parametrize(("lang", "body", "named", "code"), [
    ("en", "Defenders in\nTunisia are at risk.", "Tunisia", "TN"),
    ("fr", "Les défenseurs en Biélorussie.", "Biélorussie", "BY"),
])
def test_check_warns_about_a_country_the_text_names_but_the_front_matter_leaves_out(
        tmp_path: Path, lang: str, body: str, named: str, code: str) -> None:
    content = make_site(tmp_path, {RELEASE: release(f"lang: {lang}\ncountries: [HN]\n", body)})
    warnings = [d.format() for d in check(Options(content=content), today=dt.date(2020, 1, 1)) if d.code == "unlisted-country"]
    line = 7 + body.split(named)[0].count("\n")
    assert warnings == [f"releases/2011/2011-01-01-x.md:{line}: warning: the text names {named} but {code} is not in countries "
                        f"(add it to the front matter: countries: [HN, {code}])"]


def test_a_listed_country_or_a_word_inside_another_is_not_reported(tmp_path: Path) -> None:
    content = make_site(tmp_path, {RELEASE: release("countries: [NG]\n", "Defenders in Nigeria; see https://example.org/niger-report.")})
    assert not [d for d in check(Options(content=content), today=dt.date(2020, 1, 1)) if d.code == "unlisted-country"]
