"""Derived collections: what each page lists, computed once from the archive, every order explicit."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, TypeVar

from ..content import countries
from ..content.model import Archive, Mechanism, Meeting, Page, Release, Topic

T = TypeVar("T")


def newest_first(releases: Iterable[Release]) -> list[Release]:
    """Newest first; at equal dates by title then source, so the order never depends on the disk."""
    return sorted(releases, key=lambda r: (-r.date.toordinal(), r.title.casefold(), r.source))


def meeting_sort_key(meeting: Meeting) -> tuple[object, ...]:
    """Oldest first; fuzzy dates at their earliest day; then by number (5.1 before 5.2, 10 after 9)."""
    parts = tuple(int(p) if p.isdigit() else 0 for p in meeting.number.split("."))
    return (meeting.start.sort_key(), parts, meeting.number)


@dataclass(frozen=True)
class Paginated:
    number: int
    total: int
    items: tuple[Release, ...]


def paginate(items: Sequence[Release], size: int) -> list[Paginated]:
    """Pages of ``size`` items; an empty list still has page 1."""
    total = max(1, math.ceil(len(items) / size))
    return [Paginated(n, total, tuple(items[(n - 1) * size: n * size])) for n in range(1, total + 1)]


@dataclass(frozen=True)
class MeetingRole:
    meeting: Meeting
    hosted: bool
    attended: bool


@dataclass(frozen=True)
class Views:
    """Everything a page or feed lists. Built by ``derive``; read by routes and templates."""

    archive: Archive
    published: tuple[Release, ...]  # every language, newest first, drafts only when asked for
    pages: tuple[Page, ...]
    timeline: tuple[Meeting, ...]
    mechanisms: tuple[Mechanism, ...]  # by short name
    topics: tuple[Topic, ...]  # by title
    meetings_by_number: dict[str, Meeting]
    mechanisms_by_id: dict[str, Mechanism]
    topics_by_id: dict[str, Topic]
    countries: tuple[str, ...]  # the ISO codes of the countries published releases are about, sorted
    release_translations: dict[str, tuple[Release, ...]]  # source -> its translations, site language order
    page_translations: dict[str, tuple[Page, ...]]
    neighbour_map: dict[str, tuple[Optional[Release], Optional[Release]]]
    with_drafts: bool
    # every list below is computed once in ``derive``: pages read them thousands of times
    by_language: dict[str, tuple[Release, ...]]
    by_subject: dict[tuple[str, str, str], tuple[Release, ...]]  # (what, id, lang) -> releases
    by_year: dict[str, dict[int, tuple[Release, ...]]]  # lang -> year -> releases, newest year first

    # --- per-language lists ----------------------------------------------------------------

    def releases(self, lang: str) -> list[Release]:
        return list(self.by_language.get(lang, ()))

    def pagination(self, lang: str) -> list[Paginated]:
        """The release list split into pages of ``per_page``; an empty archive still has page 1."""
        return paginate(self.releases(lang), self.archive.config.per_page)

    def subject_pages(self, what: str, key: str, lang: str) -> list[Paginated]:
        """The releases about a mechanism or topic, in pages: a busy mechanism stays light on a phone."""
        return paginate(self.by_subject.get((what, key, lang), ()), self.archive.config.per_page)

    def years(self, lang: str) -> dict[int, tuple[Release, ...]]:
        """Releases by year, newest year first (every list page's year menu asks: computed once)."""
        return dict(self.by_year.get(lang, {}))

    def about_meeting(self, meeting: Meeting, lang: str) -> list[Release]:
        return list(self.by_subject.get(("meeting", meeting.number, lang), ()))

    def about_mechanism(self, mechanism: Mechanism, lang: str) -> list[Release]:
        return list(self.by_subject.get(("mechanism", mechanism.id, lang), ()))

    def about_topic(self, topic: Topic, lang: str) -> list[Release]:
        return list(self.by_subject.get(("topic", topic.id, lang), ()))

    def about_country(self, code: str, lang: str) -> list[Release]:
        return list(self.by_subject.get(("country", code, lang), ()))

    def country_regions(self, lang: str) -> list[tuple[str, list[str]]]:
        """The countries by continent (UN M49, named by CLDR), each list in the order of its names in ``lang``."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for code in self.countries:
            grouped[countries.region_of(code)].append(code)
        order = {region: index for index, region in enumerate(countries.REGION_ORDER)}
        return [(region, sorted(codes, key=lambda c: countries.country_name(c, lang).casefold()))
                for region, codes in sorted(grouped.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))]

    def pages_in(self, lang: str) -> list[Page]:
        return [p for p in self.pages if p.lang == lang]

    # --- meetings and mechanisms -----------------------------------------------------------

    def meetings_of(self, mechanism: Mechanism) -> list[MeetingRole]:
        """The meetings a mechanism hosted or attended, in timeline order."""
        return [MeetingRole(m, m.host == mechanism.id, mechanism.id in m.participants)
                for m in self.timeline if m.host == mechanism.id or mechanism.id in m.participants]

    def past_and_next(self) -> tuple[Optional[Meeting], Optional[Meeting]]:
        """The last held meeting and the first planned one after it: the timeline at a glance."""
        held = [m for m in self.timeline if m.status == "held"]
        last = held[-1] if held else None
        after = self.timeline.index(last) + 1 if last else 0
        planned = [m for m in self.timeline[after:] if m.status == "planned"]
        return last, (planned[0] if planned else None)

    def neighbours(self, release: Release) -> tuple[Optional[Release], Optional[Release]]:
        """(newer, older) release in the same language, for the previous/next links."""
        return self.neighbour_map[release.source]

    def scopes(self) -> list[tuple[str, list[tuple[str, list[Mechanism]]]]]:
        """Mechanisms grouped by scope then region: international first, then regional ones."""
        grouped: dict[str, dict[str, list[Mechanism]]] = defaultdict(lambda: defaultdict(list))
        for mechanism in self.mechanisms:
            grouped[mechanism.scope or "other"][mechanism.region or ""].append(mechanism)
        order = {"international": 0, "regional": 1, "other": 2}
        return [(scope, sorted(regions.items())) for scope, regions in sorted(grouped.items(), key=lambda kv: order.get(kv[0], 3))]


def for_language(releases: Sequence[Release], lang: str, languages: Sequence[str]) -> list[Release]:
    """One release per translation group: the ``lang`` version when there is one, else the first.

    ``releases`` must be newest first (as ``published`` and every list cut from it are): the choice
    keeps that order, so no second sort is needed (it was most of the cost of planning a big site).
    """
    chosen: dict[str, Release] = {}  # only releases with translations have a choice to make
    order = {code: i for i, code in enumerate(languages)}
    for release in releases:
        key = release.translation_key
        if not key:
            continue
        current = chosen.get(key)
        rank = (release.lang != lang, order.get(release.lang, 99))
        if current is None or rank < (current.lang != lang, order.get(current.lang, 99)):
            chosen[key] = release
    return [r for r in releases if not r.translation_key or chosen[r.translation_key] is r]


def _by_subject(published: Sequence[Release], languages: Sequence[str]) -> dict[tuple[str, str, str], tuple[Release, ...]]:
    """For each meeting, mechanism, topic and country, in each language: the releases about it (newest first).

    Computed once, all of it: the plan is a value, read by every page and never filled in later.
    """
    groups: dict[tuple[str, str], list[Release]] = defaultdict(list)
    for release in published:
        for number in release.meetings:
            groups[("meeting", number)].append(release)
        for mechanism_id in release.mechanisms:
            groups[("mechanism", mechanism_id)].append(release)
        for topic_id in release.topics:
            groups[("topic", topic_id)].append(release)
        for code in release.countries:
            groups[("country", code)].append(release)
    return {(what, ident, lang): tuple(for_language(group, lang, languages))
            for (what, ident), group in groups.items() for lang in languages}


def _translations(documents: Sequence[T], languages: Sequence[str]) -> dict[str, tuple[T, ...]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for document in documents:
        key = getattr(document, "translation_key")
        if key:
            groups[key].append(document)
    order = {code: i for i, code in enumerate(languages)}
    result: dict[str, tuple[T, ...]] = {}
    for group in groups.values():
        ordered = tuple(sorted(group, key=lambda d: order.get(getattr(d, "lang"), 99)))
        for document in group:
            result[getattr(document, "source")] = ordered
    return result


def _neighbours(published: Sequence[Release]) -> dict[str, tuple[Optional[Release], Optional[Release]]]:
    by_lang: dict[str, list[Release]] = defaultdict(list)
    for release in published:
        by_lang[release.lang].append(release)
    result: dict[str, tuple[Optional[Release], Optional[Release]]] = {}
    for same in by_lang.values():
        for index, release in enumerate(same):
            result[release.source] = (same[index - 1] if index > 0 else None,
                                      same[index + 1] if index + 1 < len(same) else None)
    return result


def derive(archive: Archive, drafts: bool = False) -> Views:
    """Compute every list the site shows, once."""
    published = tuple(newest_first(r for r in archive.releases if drafts or not r.draft))
    pages = tuple(sorted((p for p in archive.pages if drafts or not p.draft), key=lambda p: (p.lang, p.slug)))
    languages = archive.config.languages
    by_language = {lang: tuple(for_language(published, lang, languages)) for lang in languages}
    return Views(
        archive=archive,
        published=published,
        pages=pages,
        timeline=tuple(sorted(archive.meetings, key=meeting_sort_key)),
        mechanisms=tuple(sorted(archive.mechanisms, key=lambda m: (m.short.casefold(), m.id))),
        topics=tuple(sorted(archive.topics, key=lambda t: (t.title.casefold(), t.id))),
        meetings_by_number={m.number: m for m in archive.meetings},
        mechanisms_by_id={m.id: m for m in archive.mechanisms},
        topics_by_id={t.id: t for t in archive.topics},
        countries=tuple(sorted({code for release in published for code in release.countries})),
        release_translations=_translations(published, languages),
        page_translations=_translations(pages, languages),
        neighbour_map=_neighbours(published),
        with_drafts=drafts,
        by_language=by_language,
        by_subject=_by_subject(published, languages),
        by_year={lang: _by_year(releases) for lang, releases in by_language.items()},
    )


def _by_year(releases: Sequence[Release]) -> dict[int, tuple[Release, ...]]:
    groups: dict[int, list[Release]] = defaultdict(list)
    for release in releases:
        groups[release.year].append(release)
    return {year: tuple(items) for year, items in sorted(groups.items(), reverse=True)}
