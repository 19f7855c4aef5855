"""Cross-file rules on model objects in memory: ids that must exist, numbers and keys that must be unique."""

from __future__ import annotations

import datetime as dt

from site_builder.content.dates import FuzzyDate
from site_builder.content.links import check_links, looks_like_id
from site_builder.content.model import Mechanism, Meeting, Page, Release, Topic

ODIHR = Mechanism(source="mechanisms/osce-odihr.md", id="osce-odihr", name="ODIHR", short="OSCE/ODIHR")
COOPERATION = Topic(id="cooperation", title="Cooperation")


def release(source: str, **fields: object) -> Release:
    return Release(**{"title": "T", "date": dt.date(2011, 1, 1), "slug": "t", "lang": "en", "source": source, **fields})  # type: ignore[arg-type]


def meeting(source: str, number: str, **fields: object) -> Meeting:
    return Meeting(source=source, number=number, start=FuzzyDate(2010), **fields)  # type: ignore[arg-type]


def messages(*args: object) -> list[str]:
    return [d.format() for d in sorted(check_links(*args))]  # type: ignore[arg-type]


def test_a_sound_archive_has_no_problem() -> None:
    releases = [release("r.md", meetings=("3",), mechanisms=("osce-odihr",), topics=("cooperation",))]
    assert messages(releases, [meeting("m.md", "3", host="osce-odihr")], [ODIHR], [COOPERATION], []) == []


def test_unknown_ids_are_reported_with_a_suggestion() -> None:
    releases = [release("r.md", meetings=("4",), mechanisms=("osce-odhir",), topics=("cooperaton",))]
    found = messages(releases, [meeting("m.md", "3", participants=("oif",), host="osce-odhir")], [ODIHR], [COOPERATION], [])
    assert found == [
        "m.md:1: error: unknown mechanism 'oif' in participants (define it in content/mechanisms/ first)",
        "m.md:1: error: unknown mechanism 'osce-odhir' as host (did you mean 'osce-odihr'?)",
        "r.md:1: error: unknown mechanism 'osce-odhir' in mechanisms (did you mean 'osce-odihr'?)",
        "r.md:1: error: unknown meeting '4' in meetings (define it in content/meetings/ first)",
        "r.md:1: error: unknown topic 'cooperaton' in topics (did you mean 'cooperation'?)",
    ]


def test_a_host_in_words_need_not_be_an_id() -> None:
    assert looks_like_id("osce-odihr") and not looks_like_id("OHCHR Geneva") and not looks_like_id("")
    assert messages([], [meeting("m.md", "3", host="The Observatory (FIDH-OMCT)")], [ODIHR], [], []) == []


def test_a_broken_topics_file_does_not_cascade() -> None:
    assert messages([release("r.md", topics=("anything",))], [], [], None, []) == []


def test_numbers_and_translation_keys_are_unique_per_language() -> None:
    meetings = [meeting("meetings/3.md", "3"), meeting("meetings/3-again.md", "3")]
    pages = [Page(title="A", slug="a", lang="fr", translation_key="about", source="pages/a.fr.md"),
             Page(title="B", slug="b", lang="fr", translation_key="about", source="pages/b.fr.md"),
             Page(title="C", slug="c", lang="en", translation_key="about", source="pages/c.md")]
    assert messages([], meetings, [], [], pages) == [
        "meetings/3-again.md:1: error: meeting number '3' is already used by meetings/3.md (give each meeting its own number)",
        "pages/b.fr.md:1: error: translation_key 'about' already has a 'fr' version: pages/a.fr.md "
        "(translations must be in different languages; check lang and translation_key)",
    ]
