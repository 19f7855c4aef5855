"""Checks that need the whole archive: ids that must exist, numbers and keys that must be unique."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional, Sequence

from . import schema
from ..errors import Diagnostic, did_you_mean
from .model import Mechanism, Meeting, Page, Release, Topic


def check_links(releases: Sequence[Release], meetings: Sequence[Meeting], mechanisms: Sequence[Mechanism],
                topics: Optional[Sequence[Topic]], pages: Sequence[Page]) -> list[Diagnostic]:
    """Every cross-file integrity rule of SPEC.md, all problems at once.

    ``topics`` is None when topics.yaml itself is broken: its error is reported, not a cascade of
    "unknown topic" errors in every release.
    """
    meeting_numbers = {m.number for m in meetings}
    mechanism_ids = {m.id for m in mechanisms}
    problems = _duplicate_meetings(meetings)
    for release in releases:
        problems += _unknown(release, "meetings", "meeting", release.meetings, meeting_numbers)
        problems += _unknown(release, "mechanisms", "mechanism", release.mechanisms, mechanism_ids)
        if topics is not None:
            problems += _unknown(release, "topics", "topic", release.topics, {t.id for t in topics})
    for meeting in meetings:
        problems += _unknown(meeting, "participants", "mechanism", meeting.participants, mechanism_ids)
        if looks_like_id(meeting.host) and meeting.host not in mechanism_ids:
            problems.append(Diagnostic(meeting.source, meeting.lines.at("host"), f"unknown mechanism '{meeting.host}' as host",
                                       did_you_mean(meeting.host, mechanism_ids)
                                       or "use a mechanism id, which is a file name in content/mechanisms/, or the host's name in words",
                                       code="unknown-id"))
    problems += _duplicate_translations(releases)
    problems += _duplicate_translations(pages)
    return problems


def looks_like_id(value: str) -> bool:
    """A host written like an id (``osce-odihr``) must be one; a name in words (``OHCHR Geneva``) need not."""
    return bool(value) and bool(schema.ID_PATTERN.match(value))


def _unknown(document: Release | Meeting, field: str, what: str, values: Iterable[str], known: set[str]) -> list[Diagnostic]:
    problems = []
    for index, value in enumerate(values):
        if value not in known:
            where = {"meeting": "content/meetings/", "mechanism": "content/mechanisms/", "topic": "content/topics.yaml"}[what]
            problems.append(Diagnostic(document.source, document.lines.at(field, index), f"unknown {what} '{value}' in {field}",
                                       did_you_mean(value, known) or f"define it in {where} first", code="unknown-id"))
    return problems


def _duplicate_meetings(meetings: Sequence[Meeting]) -> list[Diagnostic]:
    by_number: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_number[meeting.number].append(meeting)
    problems = []
    for number, group in sorted(by_number.items()):
        for meeting in group[1:]:
            problems.append(Diagnostic(meeting.source, meeting.lines.at("number"),
                                       f"meeting number '{number}' is already used by {group[0].source}",
                                       "give each meeting its own number", code="duplicate-meeting"))
    return problems


def _duplicate_translations(documents: Sequence[Release] | Sequence[Page]) -> list[Diagnostic]:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for document in documents:
        if not document.translation_key:
            continue
        key = (document.translation_key, document.lang)
        if key in seen:
            problems.append(Diagnostic(document.source, document.lines.at("translation_key"),
                                       f"translation_key '{document.translation_key}' already has a '{document.lang}' version: {seen[key]}",
                                       "translations must be in different languages; check lang and translation_key",
                                       code="duplicate-translation"))
        else:
            seen[key] = document.source
    return problems
