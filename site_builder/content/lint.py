"""Warnings of ``check``: likely editor mistakes that are not errors (``check --strict`` makes them errors).

They run on an archive that passed every integrity rule:

- a mechanism named in the text of a release (or meeting) but missing from its front matter;
- a country named in the text of a release (its CLDR name in the release's language) but missing
  from ``countries:``;
- a release dated in the future ("scheduled"): ``build`` publishes it anyway, so a typo such as
  2041 would go live; only ``check`` reads the clock, and only to warn;
- a ``translation_key`` no other file shares (likely a typo in the key);
- a topic of topics.yaml that no release uses;
- what readers would see broken (see ``lint_text``) and what loading noted (see ``Archive.warnings``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Iterable, Optional, Sequence

from ..errors import Diagnostic, did_you_mean
from . import countries
from .lint_text import Addresses, reader_warnings
from .model import Archive, Mechanism, Meeting, Page, Release

# Typographic variants editors paste from Word or a website, folded to one form (one character each,
# so positions in the folded text are positions in the original).
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                       "\u00bb": '"', "\u00a0": " ", "\u202f": " ", "\u2011": "-", "\u2010": "-"})
_URL = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")  # link targets: not part of the text


def find_warnings(archive: Archive, today: Optional[dt.date],
                  addresses: Optional[Addresses] = None) -> list[Diagnostic]:
    """Every warning of the archive, sorted; ``today`` None leaves out the date check.

    Also what loading noted (HTML the sanitiser removes, embeds shown as links) and what readers
    would see broken (lint_text); ``addresses`` (from the plan) adds broken links and case collisions.
    """
    problems = list(archive.warnings) + reader_warnings(archive, addresses)
    problems += unlisted_mechanisms(archive)
    problems += unlisted_countries(archive)
    if today is not None:
        problems += scheduled(archive.releases, today)
    problems += lonely_translation_keys([*archive.releases, *archive.pages])
    problems += unused_topics(archive)
    return sorted(problems)


# --- mechanisms named in a text ---------------------------------------------------------------

class MentionFinder:
    """Finds mechanisms named in a text by name, short name or alias, in any language.

    One regular expression tries the longest names first, so "Council of Europe Commissioner for
    Human Rights" is one mention, not also one of "Council of Europe". Names of several words match
    whatever their case and line breaks; a one-word name or acronym (``EU``, ``OIF``) only as written,
    so the French "a eu lieu" never names the European Union.
    """

    def __init__(self, mechanisms: Sequence[Mechanism]):
        self.short = {m.id: m.short for m in mechanisms}
        owners: dict[str, set[str]] = defaultdict(set)
        shown: dict[str, str] = {}
        for mechanism in mechanisms:
            for name in (mechanism.name, mechanism.short, *mechanism.aliases):
                key = _key(name)
                if key:
                    owners[key].add(mechanism.id)
                    shown.setdefault(key, name)
        # a name shared by two mechanisms (e.g. an organisation's name) cannot tell which one is meant
        self.owner = {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}
        patterns = [_pattern(shown[key]) for key in sorted(self.owner, key=lambda k: (-len(k), k))]
        self.regex = re.compile("|".join(patterns)) if patterns else None

    def find(self, text: str) -> list[tuple[str, str, int]]:
        """(mechanism id, the words as written, offset) of each first mention, in text order."""
        if self.regex is None:
            return []
        folded = _URL.sub(lambda m: " " * len(m.group()), text.translate(_FOLD))
        seen: dict[str, tuple[str, str, int]] = {}
        for match in self.regex.finditer(folded):
            mechanism_id = self.owner.get(_key(match.group()))
            if mechanism_id and mechanism_id not in seen:
                seen[mechanism_id] = (mechanism_id, " ".join(text[match.start():match.end()].split()), match.start())
        return sorted(seen.values(), key=lambda hit: hit[2])


def _key(name: str) -> str:
    """How a name is looked up: folded punctuation, single spaces, and case folded unless one word."""
    words = name.translate(_FOLD).split()
    joined = " ".join(words)
    return joined.casefold() if len(words) > 1 else joined


def _pattern(name: str) -> str:
    words = name.translate(_FOLD).split()
    body = r"\s+".join(re.escape(w) for w in words)
    if len(words) > 1:
        body = f"(?i:{body})"
    return rf"(?<![\w/]){body}(?![\w/])"


def unlisted_mechanisms(archive: Archive) -> list[Diagnostic]:
    """Releases (and meetings) whose text names a mechanism their front matter does not list."""
    finder = MentionFinder(archive.mechanisms)
    problems = []
    for release in archive.releases:
        problems += release_mentions(release, finder)
    for meeting in archive.meetings:
        problems += meeting_mentions(meeting, finder)
    return problems


def unlisted_countries(archive: Archive) -> list[Diagnostic]:
    """Releases whose text names a country (by its CLDR name in the release's language) that
    ``countries:`` leaves out, at the line of the first mention."""
    default = archive.config.default_language
    problems = []
    for release in archive.releases:
        text = _URL.sub(lambda m: " " * len(m.group()), release.body_markdown)
        for code, words, offset in countries.mentions(text, release.lang or default):
            if code not in release.countries:
                line = release.body_line + release.body_markdown.count("\n", 0, offset)
                problems.append(Diagnostic(
                    release.source, line, f"the text names {words} but {code} is not in countries",
                    f"add it to the front matter: countries: [{', '.join((*release.countries, code))}]",
                    severity="warning", code="unlisted-country"))
    return problems


def release_mentions(release: Release, finder: MentionFinder) -> list[Diagnostic]:
    """Mechanisms the release's body names but ``mechanisms:`` leaves out, at the line of the first mention."""
    problems = []
    for mechanism_id, words, offset in finder.find(release.body_markdown):
        if mechanism_id not in release.mechanisms:
            line = release.body_line + release.body_markdown.count("\n", 0, offset)
            problems.append(Diagnostic(
                release.source, line, f"the text names {finder.short[mechanism_id]} ('{words}') but {mechanism_id} is not in mechanisms",
                f"add it to the front matter: mechanisms: [{', '.join((*release.mechanisms, mechanism_id))}]",
                severity="warning", code="unlisted-mechanism"))
    return problems


def meeting_mentions(meeting: Meeting, finder: MentionFinder) -> list[Diagnostic]:
    """Mechanisms the meeting's body names that are neither its host nor participants."""
    listed = {meeting.host, *meeting.participants}
    problems = []
    for mechanism_id, words, offset in finder.find(meeting.body_markdown):
        if mechanism_id not in listed:
            line = meeting.body_line + meeting.body_markdown.count("\n", 0, offset)
            problems.append(Diagnostic(
                meeting.source, line,
                f"the text names {finder.short[mechanism_id]} ('{words}') but {mechanism_id} is neither the host nor in participants",
                f"if it took part, add it: participants: [{', '.join((*meeting.participants, mechanism_id))}]",
                severity="warning", code="unlisted-mechanism"))
    return problems


# --- dates, translations, topics ------------------------------------------------------------

def scheduled(releases: Iterable[Release], today: dt.date) -> list[Diagnostic]:
    """Releases dated after ``today``: published by build like any other, so say so."""
    return [Diagnostic(r.source, r.lines.at("date"), f"dated {r.date.isoformat()}, in the future: build publishes it now with that date",
                       "check the date; to keep it unpublished for now, add draft: true",
                       severity="warning", code="future-date")
            for r in releases if r.date > today]


def lonely_translation_keys(documents: Sequence[Release | Page]) -> list[Diagnostic]:
    """A translation_key used by one file only links it to nothing: most often a typo in the key."""
    uses = Counter(d.translation_key for d in documents if d.translation_key)
    shared = [key for key, count in uses.items() if count > 1]
    problems = []
    for document in documents:
        key = document.translation_key
        if key and uses[key] == 1:
            problems.append(Diagnostic(
                document.source, document.lines.at("translation_key"), f"translation_key '{key}' is used by no other file",
                did_you_mean(key, shared) or "give each language version the same key, or remove the line until a translation exists",
                severity="warning", code="lonely-translation"))
    return problems


def unused_topics(archive: Archive) -> list[Diagnostic]:
    """Topics of topics.yaml that no release (draft or not) uses."""
    used = {topic for release in archive.releases for topic in release.topics}
    return [Diagnostic("topics.yaml", topic.line, f"topic '{topic.id}' is used by no release",
                       "use it in a release's topics, or remove it from topics.yaml",
                       severity="warning", code="unused-topic")
            for topic in archive.topics if topic.id not in used]
