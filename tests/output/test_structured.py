"""schema.org JSON-LD from the model: what each kind of page says about itself to machines."""

from __future__ import annotations

from pathlib import Path

from site_builder.output.structured import meeting_title, shorten, structured_data
from site_builder.plan.site import Site
from tests.helpers import planned


def english(message: str, lang: str) -> str:
    return message  # the interface strings as written in the code


def data_of(site: Site, path: str) -> object:
    route = next(r for r in site.routes if r.path == path)
    return structured_data(site.views, site.urls, english, route)


def test_a_release_is_a_news_article_about_its_meetings_and_mechanisms(tmp_path: Path) -> None:
    data = data_of(planned(tmp_path), "releases/2010/warsaw/")
    assert isinstance(data, dict) and data["@type"] == "NewsArticle" and data["headline"] == "Warsaw meeting"
    assert data["datePublished"] == "2010-12-09" and data["locationCreated"] == {"@type": "Place", "name": "Warsaw"}
    assert data["keywords"] == ["Cooperation"]
    assert [(a["@type"], a["url"]) for a in data["about"]] == [
        ("Event", "https://example.org/meetings/3/"), ("Organization", "https://example.org/mechanisms/osce-odihr/")]


def test_a_meeting_is_an_event_with_its_host_place_and_status(tmp_path: Path) -> None:
    cancelled = {"meetings/4.md": '---\nnumber: "4"\nstart: "2012-Q3"\nstatus: cancelled\ncity: Oslo\nhost: "The Hosts"\n---\nNo.\n'}
    site = planned(tmp_path, cancelled)
    held = data_of(site, "meetings/3/")
    assert isinstance(held, dict) and held["startDate"] == "2010-12-08" and held["endDate"] == "2010-12-09"
    assert held["eventStatus"] == "https://schema.org/EventScheduled"
    assert held["organizer"][1] == {"@type": "Organization", "name": "Office for Democratic Institutions and Human Rights",
                                    "url": "https://example.org/mechanisms/osce-odihr/"}
    assert held["name"] == "Inter-mechanisms meeting 3"
    other = data_of(site, "meetings/4/")
    assert isinstance(other, dict) and other["eventStatus"] == "https://schema.org/EventCancelled"
    assert other["startDate"] == "2012"  # a quarter is not a date schema.org knows: its year
    assert other["organizer"][1] == {"@type": "Organization", "name": "The Hosts"}
    assert other["location"] == {"@type": "Place", "name": "Oslo", "address": {"@type": "PostalAddress", "addressLocality": "Oslo"}}


def test_home_is_the_web_site_and_a_list_page_says_nothing(tmp_path: Path) -> None:
    site = planned(tmp_path)
    home = data_of(site, "fr/")
    assert isinstance(home, dict) and home["@type"] == "WebSite" and home["inLanguage"] == "fr"
    assert data_of(site, "releases/") is None and data_of(site, "topics/") is None


def test_a_meeting_without_a_title_is_named_by_its_number(tmp_path: Path) -> None:
    meeting = planned(tmp_path).views.timeline[0]
    assert meeting_title(meeting, lambda message, lang: "Réunion %(number)s" if lang == "fr" else message, "fr") == "Réunion 3"


def test_shorten_cuts_at_a_word_like_jinja_truncate() -> None:
    assert shorten("short text", 300) == "short text"
    assert shorten("word " * 100, 20) == "word word word..."  # 17 characters and the ellipsis, at a word
    assert len(shorten("a" * 303, 300)) == 303  # within the leeway: kept whole
