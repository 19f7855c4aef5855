"""The archive in memory: frozen, typed objects built once by ``load`` and never mutated.

Each object keeps ``source`` (its path relative to content/, as editors see it) and ``lines``
(where each front-matter key sits) so later stages can report ``path:line`` without rereading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Union

from ..errors import Diagnostic
from .dates import FuzzyDate
from .yaml_lines import LineMap

NO_LINES = LineMap({}, 1)


@dataclass(frozen=True)
class Contact:
    org: str
    name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SiteConfig:
    """content/site.yaml."""

    title: str
    base_url: str  # absolute, always ending with "/"
    languages: tuple[str, ...]
    description: str
    per_page: int
    kinds: dict[str, dict[str, str]]  # kind id -> {lang: label}
    contacts: tuple[Contact, ...]

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def kind_label(self, kind: str, lang: str) -> str:
        labels = self.kinds[kind]
        return labels.get(lang) or labels.get(self.default_language) or next(iter(labels.values()))


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str = ""
    line: int = 1


@dataclass(frozen=True)
class Attachment:
    file: str  # path relative to content/
    title: str
    size: int  # bytes
    path: str = field(default="", compare=False)  # on disk, for copying

    @property
    def extension(self) -> str:
        return self.file.rsplit(".", 1)[-1].lower() if "." in self.file else ""


@dataclass(frozen=True)
class MandateHolder:
    name: str
    start: str = ""  # as written: a year or a date
    end: str = ""  # empty while in office


@dataclass(frozen=True)
class Release:
    source: str
    title: str
    date: dt.date
    slug: str
    lang: str
    kind: str = "press-release"
    place: str = ""
    meetings: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    translation_key: str = ""
    summary: str = ""
    attachments: tuple[Attachment, ...] = ()
    contacts: tuple[Contact, ...] = ()
    aliases: tuple[str, ...] = ()
    draft: bool = False
    body_html: str = ""
    body_text: str = ""
    body_markdown: str = field(default="", repr=False, compare=False)
    body_line: int = 1
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)

    @property
    def year(self) -> int:
        return self.date.year


@dataclass(frozen=True)
class Meeting:
    source: str
    number: str
    title: str
    start: FuzzyDate
    end: Optional[dt.date] = None
    city: str = ""
    country: str = ""
    host: str = ""  # a mechanism id or free text
    participants: tuple[str, ...] = ()
    status: str = "held"
    sources: tuple[str, ...] = ()
    body_html: str = ""
    body_text: str = ""
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)

    @property
    def slug(self) -> str:
        """The URL segment: ``5.1`` becomes ``5-1``."""
        return self.number.replace(".", "-")


@dataclass(frozen=True)
class Mechanism:
    source: str
    id: str
    name: str
    short: str
    aliases: tuple[str, ...] = ()
    organisation: str = ""
    scope: str = ""
    region: str = ""
    established: Optional[int] = None
    url: str = ""
    mandate_holders: tuple[MandateHolder, ...] = ()
    sources: tuple[str, ...] = ()
    body_html: str = ""
    body_text: str = ""
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)


@dataclass(frozen=True)
class Page:
    source: str
    title: str
    slug: str
    lang: str
    translation_key: str = ""
    summary: str = ""
    aliases: tuple[str, ...] = ()
    draft: bool = False
    body_html: str = ""
    body_text: str = ""
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)


@dataclass(frozen=True)
class StaticFile:
    source: str  # relative to content/, e.g. static/pdf/x.pdf
    path: str  # absolute path on disk


Document = Union[Release, Meeting, Mechanism, Page]


@dataclass(frozen=True)
class Archive:
    """Everything the site is made of, validated and cross-checked."""

    config: SiteConfig
    releases: tuple[Release, ...]
    meetings: tuple[Meeting, ...]
    mechanisms: tuple[Mechanism, ...]
    topics: tuple[Topic, ...]
    pages: tuple[Page, ...]
    statics: tuple[StaticFile, ...]
    # what loading found that readers would see broken (e.g. HTML the sanitiser removes): check's warnings
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)
