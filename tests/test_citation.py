"""Citable releases: the page read as a reference manager reads it (Highwire ``citation_*`` tags, as
Zotero's "Embedded Metadata" importer and Google Scholar do), the ready-made reference, CSL-JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.options import Options
from site_builder.pipeline import build
from tests.helpers import copy_fixture

ORG_EN = "Observatory for the Protection of Human Rights Defenders (FIDH-OMCT)"
ORG_FR = "Observatoire pour la protection des défenseurs des droits de l'Homme (FIDH-OMCT)"


def citation_tags(html: str) -> dict[str, list[str]]:
    """What a reference manager takes from a page: every <meta name="citation_..."> in the head."""
    tags: dict[str, list[str]] = {}
    for meta in BeautifulSoup(html, "lxml").head.find_all("meta", attrs={"name": True}):
        if meta["name"].startswith("citation_"):
            tags.setdefault(meta["name"], []).append(meta["content"])
    return tags


def test_release_pages_carry_what_reference_managers_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(Options(content=copy_fixture(tmp_path), output=out, base_url="https://example.org/archive/", jobs=1))
    page = (out / "releases/2010/renewed-commitment/index.html").read_text(encoding="utf-8")
    assert citation_tags(page) == {
        "citation_title": ["International Human Rights Defenders Day: Renewed commitment towards better protection"],
        "citation_author": [ORG_EN],
        "citation_publication_date": ["2010/12/09"],
        "citation_language": ["en"],
        "citation_publisher": [ORG_EN],
        "citation_abstract_html_url": ["https://example.org/archive/releases/2010/renewed-commitment/"],
        "citation_pdf_url": ["https://example.org/archive/pdf/warsaw-2010.pdf"],
    }
    reference = BeautifulSoup(page, "lxml").select_one(".cite .reference").get_text()
    assert reference == (f"{ORG_EN}. “International Human Rights Defenders Day: Renewed commitment towards better "
                         "protection”. Press release, Warsaw, 9 December 2010. "
                         "https://example.org/archive/releases/2010/renewed-commitment/")
    french = (out / "fr/releases/2010/renewed-commitment/index.html").read_text(encoding="utf-8")
    tags = citation_tags(french)
    assert tags["citation_language"] == ["fr"] and tags["citation_author"] == [ORG_FR]
    assert "citation_pdf_url" not in tags  # the French version has no attachment
    assert BeautifulSoup(french, "lxml").select_one(".cite .reference").get_text().startswith(
        f"{ORG_FR}. « Journée internationale des défenseurs : un engagement renouvelé ». Communiqué de presse, Varsovie, 9 décembre 2010.")
    assert not citation_tags((out / "meetings/3/index.html").read_text(encoding="utf-8"))  # releases only


def test_open_data_gives_csl_json_for_each_release(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(Options(content=copy_fixture(tmp_path), output=out, base_url="https://example.org/archive/", jobs=1))
    releases = json.loads((out / "api/releases.json").read_text(encoding="utf-8"))["releases"]
    warsaw = next(r for r in releases if r["url"].endswith("/releases/2010/renewed-commitment/"))
    assert warsaw["csl"] == {
        "id": "https://example.org/archive/releases/2010/renewed-commitment/", "type": "report",
        "genre": "Press release",
        "title": "International Human Rights Defenders Day: Renewed commitment towards better protection",
        "author": [{"literal": ORG_EN}], "publisher": ORG_EN, "issued": {"date-parts": [[2010, 12, 9]]},
        "language": "en", "URL": "https://example.org/archive/releases/2010/renewed-commitment/",
        "publisher-place": "Warsaw", "abstract": warsaw["summary"],
    }
    assert all(r["csl"]["issued"]["date-parts"][0][0] == int(r["date"][:4]) for r in releases)
