"""The archive in memory: frozen, typed objects built once by ``load`` and never mutated.

Every field an editor writes is declared here once, with ``declared``: its type, whether it is
required, its default, how a raw YAML value is coerced, and its row in the editors' guide. The
validator (``schema.validate``), the objects and the guide's tables (``guide``) all follow from it:
to add a field, add one declaration and regenerate the guide.

Each object keeps ``source`` (its path relative to content/, as editors see it) and ``lines``
(where each front-matter key sits) so later stages can report ``path:line`` without rereading.
"""

from __future__ import annotations

import datetime as dt
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from ..errors import Diagnostic
from .countries import country_list
from .dates import FuzzyDate
from .schema import (alias_paths, as_written, boolean, choice, declared, exact_date, fuzzy_date, id_list,
                     identifier, positive_int, records, slug, text, text_list, url, url_list, year, year_or_date)
from .yaml_lines import LineMap

NO_LINES = LineMap({}, 1)


def pack(text: str) -> bytes:
    """A release's body as it is kept in memory and in the cache: UTF-8, compressed (zlib, level 1).

    The bodies are four fifths of an archive's memory (at 10,000 releases 170 MB of the 216 MB in
    each process: HTML with typographic quotes is stored by Python at two bytes a character), and
    each is read once or twice a build (its page, a feed). Compressed, they take about a sixth of
    that; compressing costs about 50 µs a body, reading one back about 20 µs."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1) if text else b""


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed else ""


# Who is reading release texts now: the renderer's tracker, while it renders one output (see
# engine/tracking.py). A release's text is read through ``body_html`` or ``body_markdown`` only,
# and every such read is noted there, so the cache can tell a page that shows a release's text
# (its own page, a feed) from one that only lists it: a new paragraph re-renders the first kind
# only. Context-local, not global: each thread (and each forked worker) renders with its own.
TEXT_READER: ContextVar[Optional[Callable[["Release"], None]]] = ContextVar("text_reader", default=None)
TEXT_FIELDS = ("packed_html", "packed_markdown")  # a release's text: read through the properties below


DEFAULT_KIND = "press-release"
DEFAULT_KINDS = {DEFAULT_KIND: {"en": "Press release", "fr": "Communiqué de presse", "es": "Comunicado de prensa"}}
MEETING_STATUSES = ("held", "planned", "cancelled")  # the first is the default


@dataclass(frozen=True, kw_only=True)
class Contact:
    org: str = declared(text, required=True)
    name: str = declared(text, default="")
    phone: str = declared(text, default="")


@dataclass(frozen=True, kw_only=True)
class SiteConfig:
    """content/site.yaml."""

    title: str = declared(text, required=True, meaning="the site's name",
                          example='title: "Inter-mechanisms meetings – The Observatory"')
    base_url: str = declared(url, required=True, meaning="the published address, with its path",
                             example='base_url: "https://obs-archive.example.org/"')  # always ends with "/" once loaded
    languages: tuple[str, ...] = declared(id_list, required=True, meaning="the languages, the default first",
                                          example="languages: [en, fr, es]")
    description: str = declared(text, default="", meaning="one or two sentences for search engines",
                                example='description: "Archive of the press releases..."')
    per_page: int = declared(positive_int, default=10, meaning="releases per list page (default 10)",
                             example="per_page: 10")
    kinds: dict[str, dict[str, str]] = declared(  # kind id -> {lang: label}; checked by config against languages
        as_written, default_factory=lambda: dict(DEFAULT_KINDS),
        meaning="the allowed `kind:` values, with a label per language",
        example="kinds: {statement: {en: Statement, fr: Déclaration, es: Declaración}}")
    contacts: tuple[Contact, ...] = declared(records(Contact), default=(),
                                             meaning="default press contacts of every release",
                                             example='contacts: [{org: OMCT, phone: "+41 22 809 49 39"}]')

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def kind_label(self, kind: str, lang: str) -> str:
        labels = self.kinds[kind]
        return labels.get(lang) or labels.get(self.default_language) or next(iter(labels.values()))


@dataclass(frozen=True, kw_only=True)
class Topic:
    id: str
    title: str = declared(text, required=True)
    description: str = declared(text, default="")
    line: int = 1


@dataclass(frozen=True, kw_only=True)
class Attachment:
    file: str = declared(text, required=True)  # path relative to content/
    title: str = declared(text, default="")  # the file name when not given
    size: int = 0  # bytes, measured by the loader
    path: str = field(default="", compare=False)  # on disk, for copying

    @property
    def extension(self) -> str:
        return self.file.rsplit(".", 1)[-1].lower() if "." in self.file else ""


@dataclass(frozen=True, kw_only=True)
class MandateHolder:
    name: str = declared(text, required=True)
    start: str = declared(year_or_date, default="", key="from")  # as written: a year or a date
    end: str = declared(year_or_date, default="", key="to")  # empty while in office


@dataclass(frozen=True, kw_only=True)
class Release:
    title: str = declared(text, required=True, meaning="the headline",
                          example='title: "Warsaw: a renewed commitment"')
    date: dt.date = declared(exact_date, required=True, meaning="the publication date, `YYYY-MM-DD`",
                             example="date: 2010-12-09")
    place: str = declared(text, default="", meaning="the dateline", example="place: Paris-Geneva")
    kind: str = declared(identifier, default=DEFAULT_KIND,
                         meaning=f"one of the kinds of site.yaml; default `{DEFAULT_KIND}`", example="kind: statement")
    meetings: tuple[str, ...] = declared(
        id_list, default=(), meaning="numbers of the meetings it reports on or announces (content/meetings/)",
        example='meetings: ["5.1", "5.2"]')
    mechanisms: tuple[str, ...] = declared(
        id_list, default=(), meaning="ids of the mechanisms it names (file names in content/mechanisms/)",
        example="mechanisms: [un-sr-hrd, osce-odihr]")
    topics: tuple[str, ...] = declared(id_list, default=(), meaning="ids from content/topics.yaml",
                                       example="topics: [cooperation, reprisals-impunity]")
    countries: tuple[str, ...] = declared(
        country_list, default=(), meaning="the countries it is about: ISO 3166-1 two-letter codes",
        example="countries: [TN, BY]")
    lang: str = declared(identifier, default="",
                         meaning="`en`, `fr` or `es`; default: the `.fr.md`/`.es.md` ending, else English",
                         example="lang: fr")
    translation_key: str = declared(
        text, default="", meaning="the same key in each language version (see [A translation](#a-translation))",
        example="translation_key: warsaw-2010")
    summary: str = declared(text, default="", meaning="shown in lists and feeds; default: the first paragraph",
                            example='summary: "The third meeting ended today."')
    attachments: tuple[Attachment, ...] = declared(
        records(Attachment), default=(), meaning="files under content/, published with their size",
        example='attachments: [{file: static/pdf/warsaw-2010.pdf, title: "PDF version"}]')
    contacts: tuple[Contact, ...] = declared(
        records(Contact), default=(), meaning="press contacts; default: those of site.yaml; `[]` for none",
        example='contacts: [{org: FIDH, name: Press office, phone: "+33 1 43 55 25 18"}]')
    slug: str = declared(slug, default="", meaning="the last part of the address; default: the file name without the date",
                         example="slug: warsaw-2010")
    aliases: tuple[str, ...] = declared(alias_paths, default=(),
                                        meaning="old addresses that must keep working (they redirect here)",
                                        example="aliases: [/en/2010/12/renewed-commitment.html]")
    draft: bool = declared(boolean, default=False, meaning="`true`: previewed by `serve`, not published by `build`",
                           example="draft: true")
    # filled by the loader
    source: str
    # the body, packed (see ``pack``): read as ``body_html`` and ``body_markdown``. No plain text is
    # kept: nothing shows it, and at 10,000 releases it was 40 MB per process. A build leaves the
    # Markdown out of the archive it plans (engine/documents.py): no page may show it
    packed_html: bytes = field(default=b"", repr=False)
    packed_markdown: bytes = field(default=b"", repr=False, compare=False)
    body_line: int = 1
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)

    @property
    def body_html(self) -> str:
        reader = TEXT_READER.get()
        if reader is not None:
            reader(self)
        return unpack(self.packed_html)

    @property
    def body_markdown(self) -> str:
        """The body as written (for ``check``'s warnings and serve's panels; no page shows it)."""
        reader = TEXT_READER.get()
        if reader is not None:
            reader(self)
        return unpack(self.packed_markdown)

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def has_default_kind(self) -> bool:
        """A press release: lists name the kind of the other releases only."""
        return self.kind == DEFAULT_KIND


@dataclass(frozen=True, kw_only=True)
class Meeting:
    number: str = declared(identifier, required=True, meaning="the meeting's id, in quotes", example='number: "5.1"')
    title: str = declared(text, default="", meaning='default: "Inter-mechanisms meeting 5.1" in each language',
                          example='title: "Fifth meeting, first part"')
    start: FuzzyDate = declared(
        fuzzy_date, required=True,
        meaning="the first day; for a planned meeting, what is known: `YYYY-MM`, `YYYY-Qn` (quarter) or `YYYY`",
        example='start: "2015-Q1"')
    end: Optional[dt.date] = declared(exact_date, default=None, meaning="the last day, `YYYY-MM-DD`",
                                      example='end: "2014-11-13"')
    city: str = declared(text, default="", meaning="where", example="city: Paris")
    country: str = declared(text, default="", meaning="where", example="country: France")
    host: str = declared(identifier, default="", meaning="a mechanism id, or the host's name in words",
                         example="host: oif")
    participants: tuple[str, ...] = declared(id_list, default=(), meaning="ids of the mechanisms that took part",
                                             example="participants: [un-sr-hrd, osce-odihr, oif]")
    status: str = declared(choice(*MEETING_STATUSES), default=MEETING_STATUSES[0],
                           meaning="`held` (default), `planned` or `cancelled`", example="status: planned")
    sources: tuple[str, ...] = declared(url_list, default=(), meaning="public addresses for the facts stated",
                                        example='sources: ["https://www.omct.org/..."]')
    # filled by the loader
    source: str
    body_html: str = ""
    body_text: str = ""
    body_markdown: str = field(default="", repr=False, compare=False)
    body_line: int = 1
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)

    @property
    def slug(self) -> str:
        """The URL segment: ``5.1`` becomes ``5-1``."""
        return self.number.replace(".", "-")

    @property
    def place(self) -> str:
        """Where, in words: "Warsaw, Poland" (empty when unknown)."""
        return ", ".join(part for part in (self.city, self.country) if part)


@dataclass(frozen=True, kw_only=True)
class Mechanism:
    name: str = declared(text, required=True, meaning="the full official name",
                         example='name: "OSCE Office for Democratic Institutions and Human Rights"')
    short: str = declared(text, required=True, meaning="the short name shown in lists", example='short: "OSCE/ODIHR"')
    aliases: tuple[str, ...] = declared(
        text_list, default=(),
        meaning="other names used in texts, in any language: `check` uses them to find releases that name "
                "the mechanism without listing it",
        example='aliases: ["ODIHR", "BIDDH", "Office for Democratic Institutions and Human Rights"]')
    organisation: str = declared(text, default="", meaning="the parent body", example='organisation: "Council of Europe"')
    scope: str = declared(choice("international", "regional"), default="",
                          meaning="`international` or `regional`", example="scope: regional")
    region: str = declared(text, default="", meaning="`Africa`, `Americas`, `Europe`, `Global`, ...",
                           example="region: Europe")
    established: Optional[int] = declared(year, default=None, meaning="the year", example="established: 2000")
    url: str = declared(url, default="", meaning="the official address", example='url: "https://www.osce.org/odihr"')
    mandate_holders: tuple[MandateHolder, ...] = declared(
        records(MandateHolder), default=(),
        meaning="`{name, from, to}`, years or dates; `to` empty while in office",
        example='mandate_holders: [{name: "Mary Lawlor", from: "2020-05-01", to: }]')
    sources: tuple[str, ...] = declared(url_list, default=(), meaning="public addresses for the facts stated",
                                        example='sources: ["https://www.ohchr.org/..."]')
    # filled by the loader
    source: str
    id: str  # the file name
    body_html: str = ""
    body_text: str = ""
    lines: LineMap = field(default=NO_LINES, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class Page:
    title: str = declared(text, required=True, meaning="the page title (and the menu entry)",
                          example='title: "About the Observatory"')
    lang: str = declared(identifier, default="", meaning="default: the `.fr.md` ending, else English", example="lang: fr")
    translation_key: str = declared(text, default="", meaning="the same key in each language version",
                                    example="translation_key: about")
    slug: str = declared(slug, default="", meaning="default: the file name", example="slug: a-propos")
    summary: str = declared(text, default="", meaning="default: the first paragraph", example='summary: "Who we are."')
    aliases: tuple[str, ...] = declared(alias_paths, default=(), meaning="old addresses that redirect here",
                                        example="aliases: [/about.html]")
    draft: bool = declared(boolean, default=False, meaning="`true`: previewed only", example="draft: true")
    # filled by the loader
    source: str
    body_html: str = ""
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
