"""``new``: scaffold a release, meeting or mechanism file with valid front matter, where the archive keeps it.

The file passes ``check`` as written: required fields filled in, optional ones shown as comments with
an example. A new release starts as ``draft: true`` (as Hugo's archetypes do), so a half-written one
is previewed by ``serve`` but never published by ``build`` until the editor removes that line.
Nothing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .content import dates

from .content import schema
from .content.config import load_site_config
from .errors import UsageError
from .content.discover import discover
from .content.load import MEETING_NUMBER, Loaded, Loader
from .content.model import Meeting, Release, SiteConfig

SLUG_LENGTH = 60
ID_LENGTH = 40


@dataclass(frozen=True)
class Scaffold:
    rel: str  # path relative to content/
    text: str


def write(content: Path, scaffold: Scaffold) -> Path:
    """Create the file; refuse (UsageError) if anything is already there."""
    path = content / scaffold.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(scaffold.text)
    except FileExistsError:
        raise UsageError(f"{path.as_posix()} already exists; nothing was written") from None
    return path


def _quote(text: str) -> str:
    """A YAML double-quoted string: safe whatever the title holds (colons, quotes, #).

    A control character (a line break, a tab, an escape pasted into the shell) is refused here, as
    ``check`` would refuse it in the file.
    """
    bad = re.search("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]", text)
    if bad:
        raise UsageError(f"the text {text!r} holds the control character U+{ord(bad.group()):04X}; "
                         "type it again without it; nothing was written")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shorten(slug: str, limit: int) -> str:
    """Cut a long slug at a hyphen so file names and URLs stay readable."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0]
    return cut or slug[:limit]


# --- a release ---------------------------------------------------------------------------------

def new_release(content: Path, title: str, date: Optional[str] = None, lang: Optional[str] = None,
                slug: Optional[str] = None, today: Optional[dt.date] = None) -> Scaffold:
    """content/releases/YYYY/YYYY-MM-DD-slug.md (``.fr.md`` etc. for the other languages)."""
    config = load_site_config(content)
    title = title.strip()
    if not title:
        raise UsageError("give the release a title: new release \"Title of the release\"")
    day = _exact_date(date) if date else (today or dt.date.today())
    lang = lang or config.default_language
    if lang not in config.languages:
        raise UsageError(f"--lang {lang} is not one of the site's languages ({', '.join(config.languages)})")
    slug = slug if slug is not None else _shorten(schema.slugify(title.replace("\u2019", "'")), SLUG_LENGTH)
    if not slug or not schema.SLUG_PATTERN.match(slug):
        raise UsageError("cannot make a file name from this title; add --slug with lowercase letters, digits and "
                         "hyphens, e.g. --slug warsaw-meeting")
    suffix = "" if lang == config.default_language else f".{lang}"
    rel = f"releases/{day.year}/{day.isoformat()}-{slug}{suffix}.md"
    clash = _release_with_slug(content, config, day.year, slug, lang)
    if clash:
        raise UsageError(f"{(content / clash).as_posix()} already has the address /releases/{day.year}/{slug}/ in {lang}; "
                         "nothing was written (choose another title, or --slug)")
    kinds = ", ".join(config.kinds)
    text = f"""---
title: {_quote(title)}
date: {day.isoformat()}
lang: {lang}
draft: true  # previewed by serve, not published by build: remove this line to publish
# place: Geneva
# kind: press-release  # one of: {kinds}
# meetings: ["5.1"]  # meeting numbers (content/meetings/)
# mechanisms: [un-sr-hrd, osce-odihr]  # mechanism ids (file names in content/mechanisms/)
# topics: [cooperation]  # topic ids (content/topics.yaml)
# translation_key: {slug}  # the same key in every language version of this release
# summary: "One or two sentences."  # otherwise the first paragraph
# attachments:
#   - {{file: static/pdf/{day.isoformat()}-{slug}.pdf, title: "PDF version"}}
# aliases: [/old/address.html]
---
Write the release here, in Markdown. Its first paragraph is the summary shown in lists and feeds.
"""
    return Scaffold(rel, text)


def _exact_date(value: str) -> dt.date:
    try:
        return dates.parse_exact(value)
    except dates.DateError as exc:
        raise UsageError(f"--date: {exc}; {dates.DATE_FORMAT_HINT}") from None


def _release_with_slug(content: Path, config: SiteConfig, year: int, slug: str, lang: str) -> Optional[str]:
    """A release of that year folder already at that address (its slug and language, as the build reads them)."""
    for release in _documents(content, config, "release", f"releases/{year}/"):
        if isinstance(release, Release) and release.slug == slug and release.lang == lang:
            return release.source
    return None


def _documents(content: Path, config: SiteConfig, kind: str, folder: str) -> Iterator[Loaded]:
    """The documents of ``kind`` under ``folder``, loaded as the build loads them; one that does not
    load (a mistake in it) cannot clash, and ``check`` reports it."""
    loader = Loader(config, content)
    sources, _ = discover(content)
    for source in sources:
        if source.kind == kind and source.rel.startswith(folder):
            document, _ = loader.load(source)
            if document is not None:
                yield document


# --- a meeting ---------------------------------------------------------------------------------

def new_meeting(content: Path, title_or_number: str, number: Optional[str] = None, date: Optional[str] = None,
                today: Optional[dt.date] = None) -> Scaffold:
    """content/meetings/<number with . as ->.md; ``new meeting 5.3`` or ``new meeting "Title" --number 5.3``."""
    config = load_site_config(content)  # a broken site.yaml is reported before anything is written
    title = ""
    if number is None:
        number = title_or_number.strip()
        if not (MEETING_NUMBER.match(number) and any(c.isdigit() for c in number)):
            raise UsageError(f"'{title_or_number}' is not a meeting number; write new meeting 5.3, "
                             f"or new meeting \"{title_or_number}\" --number 5.3")
    else:
        number, title = number.strip(), title_or_number.strip()
        if not MEETING_NUMBER.match(number):
            raise UsageError(f"--number {number} is not a meeting number: use digits with dots, e.g. 5.3")
    rel = f"meetings/{number.replace('.', '-')}.md"
    same = _meeting_with_number(content, config, number)
    if same:
        raise UsageError(f"meeting {number} already exists: {(content / same).as_posix()}; nothing was written")
    today = today or dt.date.today()
    start = _fuzzy_date(date) if date else dates.FuzzyDate(today.year, today.month, today.day)
    planned = start.first_day() > today
    title_line = f"title: {_quote(title)}\n" if title else f"# title: \"Inter-mechanisms meeting {number}\"  # this is the default\n"
    status = "status: planned  # held (the default), planned or cancelled\n" if planned else \
        "# status: planned  # held (the default), planned or cancelled\n"
    text = f"""---
number: "{number}"
{title_line}start: "{start.iso()}"  # YYYY-MM-DD, or YYYY-MM, YYYY-Qn, YYYY when only that is known
{status}# end: "{start.iso() if start.precision == 'day' else '2025-01-31'}"  # the last day, YYYY-MM-DD
# city: Geneva
# country: Switzerland
# host: ohchr  # a mechanism id, or the host's name in words
# participants: [un-sr-hrd, osce-odihr]  # mechanism ids
# sources:
#   - "https://www.example.org/where-the-facts-come-from"
---
Describe the meeting here, in Markdown: who met, where, and what was discussed.
"""
    return Scaffold(rel, text)


def _fuzzy_date(value: str) -> dates.FuzzyDate:
    try:
        return dates.parse_fuzzy(value)
    except dates.DateError as exc:
        raise UsageError(f"--date: {exc}; {dates.FUZZY_FORMAT_HINT}") from None


def _meeting_with_number(content: Path, config: SiteConfig, number: str) -> Optional[str]:
    """The file of meeting ``number``: the one named after it, or any with that ``number:``."""
    named = f"meetings/{number.replace('.', '-')}.md"
    if (content / named).exists():
        return named
    for meeting in _documents(content, config, "meeting", "meetings/"):
        if isinstance(meeting, Meeting) and meeting.number == number:
            return meeting.source
    return None


# --- a mechanism -------------------------------------------------------------------------------

def new_mechanism(content: Path, name: str, mechanism_id: Optional[str] = None, short: Optional[str] = None) -> Scaffold:
    """content/mechanisms/<id>.md: the file name is the id releases use in ``mechanisms:``."""
    load_site_config(content)
    name = name.strip()
    if not name:
        raise UsageError("give the mechanism's full name: new mechanism \"Full official name\"")
    short = (short or "").strip()
    mechanism_id = mechanism_id or _shorten(schema.slugify(short or name), ID_LENGTH)
    if not schema.ID_PATTERN.match(mechanism_id):
        raise UsageError(f"'{mechanism_id}' cannot be a mechanism id: use lowercase letters, digits and hyphens, "
                         "e.g. --id un-sr-hrd")
    short_line = f"short: {_quote(short)}" if short else f"short: {_quote(name)}  # the short name the site shows, e.g. OSCE/ODIHR"
    text = f"""---
name: {_quote(name)}
{short_line}
# aliases:  # other names used in texts, in any language: check warns when a release names it without listing it
#   - "Another name"
# organisation: "United Nations"
# scope: international  # international or regional
# region: Global  # Africa, Americas, Europe, Global, ...
# established: 2000
# url: "https://www.example.org/"
# mandate_holders:
#   - {{name: "Name of the holder", from: 2020, to: }}  # leave to: empty while in office
# sources:
#   - "https://www.example.org/where-the-facts-come-from"
---
Describe the mandate here, in Markdown.
"""
    return Scaffold(f"mechanisms/{mechanism_id}.md", text)
