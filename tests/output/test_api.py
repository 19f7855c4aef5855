"""The JSON API and the search filters, from the plan alone: what each file promises readers' scripts."""

from __future__ import annotations

import json
from pathlib import Path

from site_builder.output import api
from tests.helpers import planned

FRENCH = {"releases/2010/2010-12-09-warsaw.fr.md": "---\ntitle: Varsovie\ndate: 2010-12-09\nslug: warsaw\n"
                                                   "translation_key: warsaw\n---\nTexte.\n",
          "releases/2010/2010-12-09-warsaw.md": "---\ntitle: Warsaw meeting\ndate: 2010-12-09\nplace: Warsaw\n"
                                                'meetings: ["3"]\nmechanisms: [osce-odihr]\ntopics: [cooperation]\n'
                                                "translation_key: warsaw\n---\nThe third meeting ended today.\n"}


def test_releases_json_lists_every_language_with_links_to_translations(tmp_path: Path) -> None:
    site = planned(tmp_path, FRENCH)
    data = json.loads(api.releases_json(site.views, site.urls))
    by_lang = {item["lang"]: item for item in data["releases"]}
    assert sorted(by_lang) == ["en", "fr"]
    english = by_lang["en"]
    assert english["url"] == "https://example.org/releases/2010/warsaw/"
    assert english["translations"] == {"fr": "https://example.org/fr/releases/2010/warsaw/"}
    assert (english["meetings"], english["mechanisms"], english["topics"]) == (["3"], ["osce-odihr"], ["cooperation"])
    assert english["kind"] == "press-release" and english["summary"] == "The third meeting ended today."


def test_meetings_json_keeps_the_precision_editors_gave(tmp_path: Path) -> None:
    site = planned(tmp_path, {"meetings/4.md": '---\nnumber: "4"\nstart: "2012-Q3"\nstatus: planned\n---\nSoon.\n'})
    meetings = {m["number"]: m for m in json.loads(api.meetings_json(site.views, site.urls))["meetings"]}
    assert (meetings["4"]["start"], meetings["4"]["precision"], meetings["4"]["end"]) == ("2012-Q3", "quarter", None)
    assert meetings["3"]["releases"] == ["https://example.org/releases/2010/warsaw/"]
    assert meetings["3"]["status"] == "held" and meetings["4"]["status"] == "planned"


def test_mechanisms_json_has_its_page_and_feed(tmp_path: Path) -> None:
    site = planned(tmp_path)
    [mechanism] = json.loads(api.mechanisms_json(site.views, site.urls))["mechanisms"]
    assert mechanism["id"] == "osce-odihr" and mechanism["aliases"] == ["ODIHR"]
    assert mechanism["url"] == "https://example.org/mechanisms/osce-odihr/"
    assert mechanism["feed"] == "https://example.org/mechanisms/osce-odihr/feed.xml"


def test_search_filters_are_per_language_tree_with_site_relative_links(tmp_path: Path) -> None:
    site = planned(tmp_path, FRENCH)
    french = json.loads(api.search_filters(site.views, site.urls, "fr"))["releases"]
    assert [(r["title"], r["url"], r["year"]) for r in french] == [("Varsovie", "/fr/releases/2010/warsaw/", 2010)]


def test_the_same_archive_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = planned(tmp_path / "a", FRENCH), planned(tmp_path / "b", FRENCH)
    assert api.releases_json(first.views, first.urls) == api.releases_json(second.views, second.urls)
    assert api.releases_json(first.views, first.urls).endswith(b"}\n")


def test_the_json_writer_writes_what_the_standard_library_writes() -> None:
    """orjson is only faster: the bytes are json.dumps(indent=2, sort_keys, ensure_ascii=False)'s."""
    tricky = {"a": "\t\n\r\u2028\u2029</script>&'\"\\\x7f\u00e9\U0001F600\u0085\ufeff", "b": [1, -5, 2**62, True, None, []],
              "c": {}, "é": {"z": 1, "a": [{}]}, "Z": "zéro", "": ""}
    assert api._json(tricky) == (json.dumps(tricky, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    compact = json.dumps(tricky, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert api._compact_json(tricky) == (compact + "\n").encode("utf-8")
