"""Any language by one line in site.yaml: CLDR formats through Babel, gettext catalogs, fallbacks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from site_builder.content import dates, locales
from site_builder.errors import ContentError, Diagnostic
from site_builder.options import TEMPLATES, Options
from site_builder.pipeline import build, check
from site_builder.plan.catalogs import POT_FILE, load_catalogs, po_path
from tests.helpers import ROOT, arabic_archive, make_site, run

SITE = "title: Test archive\nbase_url: https://example.org/\nlanguages: {langs}\nper_page: 2\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_the_catalog_template_holds_exactly_the_strings_of_the_templates() -> None:
    """templates/locale/messages.pot is what `make messages` extracts: no string missing, none stale."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    extracted = {message for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map)}
    ids = {m if isinstance(m, str) else m[0] for m in extracted}
    with (TEMPLATES / POT_FILE).open("rb") as handle:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert ids == pot, "run `make messages` and translate the new strings"
    assert len(pot) > 90


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar", "ru"])
def test_the_catalogs_are_complete_and_their_placeholders_match(lang: str) -> None:
    catalogs = load_catalogs(TEMPLATES)
    assert catalogs.untranslated(lang) == 0
    with (TEMPLATES / po_path(lang)).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert problems == []


def test_a_new_language_is_one_line_dates_from_cldr_interface_in_the_default_language(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.format(langs="[en, fr, de]"),
                                   "releases/2010/2010-12-09-warsaw.de.md":
                                       "---\ntitle: Treffen in Warschau\ndate: 2010-12-09\nlang: de\n---\nDas dritte.\n"})
    build(Options(content=content, output=tmp_path / "out", jobs=1))
    page = soup(tmp_path / "out/de/releases/2010/warsaw/index.html")
    assert page.html["lang"] == "de" and not page.html.has_attr("dir")
    assert page.find("time").get_text() == "9. Dezember 2010"
    assert page.select_one(".skip-link").get_text() == "Skip to content"  # no de catalog: English
    home = soup(tmp_path / "out/de/index.html")
    switcher = {a.get("lang"): a.get_text() for a in home.select("nav.languages [lang]")}
    assert switcher == {"en": "English", "fr": "Français", "de": "Deutsch"}
    assert home.select_one(".site-nav a").get_text() == "Releases"


def test_a_language_without_catalog_falls_back_to_the_default_language_not_to_english(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.format(langs="[fr, en, de]")})
    build(Options(content=content, output=tmp_path / "out", jobs=1))
    assert soup(tmp_path / "out/de/index.html").select_one(".skip-link").get_text() == "Aller au contenu"
    assert soup(tmp_path / "out/en/index.html").select_one(".skip-link").get_text() == "Skip to content"


def test_check_says_once_how_many_strings_a_language_lacks(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.format(langs="[en, fr, de]")})
    total = len(load_catalogs(TEMPLATES).template_ids)
    warnings = [d for d in check(Options(content=content), today=dt.date(2020, 1, 1))
                if d.code == "untranslated-interface"]
    assert [d.format() for d in warnings] == [
        f"templates/locale/de/LC_MESSAGES/messages.po:0: warning: language 'de' has no catalog: {total} of {total} "
        "interface strings are untranslated and shown in English (pybabel init -i templates/locale/messages.pot "
        "-d templates/locale -l de (or update), then translate it with Poedit or Weblate)"]
    code, out, err = run("check", "--content", str(content))
    assert code == 0 and (out + err).count("interface strings are untranslated") == 1


def _templates_copy(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    return templates


def test_a_partial_catalog_is_counted_and_its_missing_strings_fall_back(tmp_path: Path) -> None:
    templates = _templates_copy(tmp_path)
    po = templates / po_path("fr")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Aller au contenu"', 'msgstr ""'), encoding="utf-8")
    content = make_site(tmp_path, {"site.yaml": SITE.format(langs="[es, fr]")})
    warnings = [d for d in check(Options(content=content, templates=templates), today=dt.date(2020, 1, 1))
                if d.code == "untranslated-interface"]
    assert len(warnings) == 1 and "'fr' has a partial catalog: 1 of" in warnings[0].message
    assert "shown in the default language ('es')" in warnings[0].message
    build(Options(content=content, output=tmp_path / "out", templates=templates, jobs=1))
    page = soup(tmp_path / "out/fr/index.html")
    assert page.select_one(".skip-link").get_text() == "Ir al contenido"
    assert page.select_one(".site-nav a").get_text() == "Communiqués"


def test_a_malformed_catalog_is_an_error_with_its_line(tmp_path: Path) -> None:
    templates = _templates_copy(tmp_path)
    po = templates / po_path("fr")
    text = po.read_text(encoding="utf-8").replace('msgstr "Aller au contenu"', 'msgstr "Aller au contenu"\nAller', 1)
    po.write_text(text, encoding="utf-8")
    line = text.splitlines().index('Aller') + 1
    content = make_site(tmp_path)
    problems = [d.format() for d in _check_problems(content, templates)]
    assert len(problems) == 1 and problems[0].startswith(f"templates/locale/fr/LC_MESSAGES/messages.po:{line}: error:")


def _check_problems(content: Path, templates: Path) -> list[Diagnostic]:
    try:
        check(Options(content=content, templates=templates))
    except ContentError as exc:
        return list(exc.diagnostics)
    return []


def test_a_translation_is_text_never_markup(tmp_path: Path) -> None:
    templates = _templates_copy(tmp_path)
    po = templates / po_path("fr")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Aller au contenu"', 'msgstr "<b>Aller</b> & co"'),
                  encoding="utf-8")
    content = make_site(tmp_path)
    build(Options(content=content, output=tmp_path / "out", templates=templates, jobs=1))
    html = (tmp_path / "out/fr/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Aller&lt;/b&gt; &amp; co" in html and "<b>Aller" not in html


def test_a_language_cldr_does_not_know_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"site.yaml": SITE.format(langs="[en, fr, xx]")})
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert "site.yaml:3: error: languages: 'xx' is not a language CLDR knows" in err


@pytest.mark.parametrize(("lang", "day", "meeting", "quarter", "size"), [
    ("en", "9 December 2010", "8–9 December 2010", "1st quarter 2015", "43 kB"),
    ("fr", "9 décembre 2010", "8–9 décembre 2010", "1er trimestre 2015", "43\u202fko"),
    ("es", "9 de diciembre de 2010", "8–9 de diciembre de 2010", "1.er trimestre de 2015", "43 kB"),
    ("ar", "9 ديسمبر 2010", "8–9 ديسمبر 2010", "الربع الأول 2015", "43 كيلوبايت"),
    ("ru", "9 декабря 2010\u202fг.", "8—9 декабря 2010\u202fг.", "1-й квартал 2015\u202fг.", "43 кБ"),
])
def test_dates_and_sizes_come_from_cldr(lang: str, day: str, meeting: str, quarter: str, size: str) -> None:
    assert dates.format_date(dt.date(2010, 12, 9), lang) == day
    assert dates.format_range(dates.parse_fuzzy("2010-12-08"), dt.date(2010, 12, 9), lang) == meeting
    assert dates.parse_fuzzy("2015-Q1").describe(lang) == quarter
    assert locales.file_size(43008, lang) == size


def test_ranges_across_months_and_years_keep_the_month_in_full() -> None:
    start = dates.parse_fuzzy("2022-11-30")
    assert dates.format_range(start, dt.date(2022, 12, 2), "en") == "30 November\u2009–\u20092 December 2022"
    assert dates.format_range(dates.parse_fuzzy("2021-12-30"), dt.date(2022, 1, 2), "fr") == \
        "30 décembre 2021\u2009–\u20092 janvier 2022"


def test_sizes_in_bytes_and_megabytes_with_the_locale_separator() -> None:
    assert locales.file_size(512, "en") == "512 byte"
    assert locales.file_size(1_234_567, "en") == "1.2 MB"
    assert locales.file_size(1_234_567, "fr") == "1,2\u202fMo"


def test_direction_and_names_come_from_cldr() -> None:
    assert [locales.text_direction(c) for c in ("en", "ar", "fa", "he", "ru")] == ["ltr", "rtl", "rtl", "rtl", "ltr"]
    assert locales.language_name("ar") == "العربية"
    assert locales.language_name_in_text("en", "fr") == "anglais"


def test_arabic_pages_are_right_to_left_in_arabic_and_searchable(tmp_path: Path) -> None:
    """One line in site.yaml: dir from CLDR, the shipped Arabic catalog, Arabic dates, an Arabic index."""
    content = arabic_archive(tmp_path)
    warnings = check(Options(content=content), today=dt.date(2020, 1, 1))
    assert not [w for w in warnings if w.code == "untranslated-interface"]  # ar has a complete catalog
    build(Options(content=content, output=tmp_path / "out", jobs=1))
    page = soup(tmp_path / "out/ar/releases/2010/renewed-commitment/index.html")
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")
    assert page.select_one(".skip-link").get_text() == "انتقل إلى المحتوى"
    assert page.select_one(".release-header time, time").get_text() == "9 ديسمبر 2010"
    english = page.select_one('a[hreflang="en"][lang="en"]')
    assert english is not None and english["dir"] == "ltr"  # an English title inside an Arabic page
    assert page.select_one('a[href^="tel:"]')["dir"] == "ltr"  # a phone number keeps its order
    home_en = soup(tmp_path / "out/index.html")
    arabic = home_en.select_one('nav.languages a[lang="ar"]')
    assert arabic.get_text() == "العربية" and arabic["dir"] == "rtl"
    assert not home_en.html.has_attr("dir")
    languages = json.loads((tmp_path / "out/pagefind/languages.json").read_text(encoding="utf-8"))
    assert languages["ar"] == {"bundles": ["ar/0/"], "pages": 2}
    entry = json.loads((tmp_path / "out/pagefind/ar/0/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ar"] and entry["languages"]["ar"]["page_count"] == 2
