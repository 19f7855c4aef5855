"""The URL scheme of SPEC.md, in one place, honouring the path of ``base_url``.

Paths here are site-relative and have no leading slash (``releases/2010/slug/``). ``href``
turns one into the link written in pages (``/sub/archive/releases/2010/slug/``) and
``absolute`` into the full address used in feeds, sitemaps and canonical links; so a site hosted
under a sub-path works everywhere by construction.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from ..content.model import Attachment, Meeting, Page, Release, SiteConfig

STATIC_PREFIX = "static/"
SAFE = "/#?=&%:"  # kept as they are in a link: the path's own structure, and escapes already made
_PLAIN = re.compile(r"[A-Za-z0-9_.~/#?=&%:-]*")  # what ``quote`` leaves unchanged with ``safe=SAFE``


def quoted(path: str) -> str:
    """``path`` percent-encoded for a link; most paths (slugs, years, ids) need nothing, and are
    returned without going through ``quote`` (a site of 10,000 releases writes 100,000 links)."""
    return path if _PLAIN.fullmatch(path) else quote(path, safe=SAFE)


class Urls:
    def __init__(self, config: SiteConfig):
        self.base_url = config.base_url
        self.base_path = urlsplit(config.base_url).path or "/"
        self.default_language = config.default_language

    # --- the two ways to write a path -----------------------------------------------------

    def href(self, path: str) -> str:
        """The link to a site-relative path, as written in a page of this site."""
        return self.base_path + quoted(path.lstrip("/"))

    def absolute(self, path: str) -> str:
        """The full address of a site-relative path."""
        return self.base_url + quoted(path.lstrip("/"))

    @staticmethod
    def file_for(path: str) -> str:
        """Pretty URLs: a folder path is served by its index.html."""
        return path + "index.html" if path == "" or path.endswith("/") else path

    # --- the URL table --------------------------------------------------------------------

    def prefix(self, lang: str) -> str:
        return "" if lang == self.default_language else f"{lang}/"

    def home(self, lang: str) -> str:
        return self.prefix(lang)

    @staticmethod
    def paged(first: str, page: int) -> str:
        """Page ``page`` of a paginated list whose first page is ``first``: ``releases/page/2/``."""
        return first + (f"page/{page}/" if page > 1 else "")

    def releases(self, lang: str, page: int = 1) -> str:
        return self.paged(f"{self.prefix(lang)}releases/", page)

    def year(self, lang: str, year: int) -> str:
        return f"{self.prefix(lang)}releases/{year}/"

    def release(self, release: Release) -> str:
        return f"{self.prefix(release.lang)}releases/{release.year}/{release.slug}/"

    def meetings(self, lang: str) -> str:
        return f"{self.prefix(lang)}meetings/"

    def meeting(self, meeting: Meeting, lang: str) -> str:
        return f"{self.prefix(lang)}meetings/{meeting.slug}/"

    def mechanisms(self, lang: str) -> str:
        return f"{self.prefix(lang)}mechanisms/"

    def mechanism(self, mechanism_id: str, lang: str) -> str:
        return f"{self.prefix(lang)}mechanisms/{mechanism_id}/"

    def mechanism_feed(self, mechanism_id: str, lang: str) -> str:
        return self.mechanism(mechanism_id, lang) + "feed.xml"

    def topics(self, lang: str) -> str:
        return f"{self.prefix(lang)}topics/"

    def topic(self, topic_id: str, lang: str) -> str:
        return f"{self.prefix(lang)}topics/{topic_id}/"

    def topic_feed(self, topic_id: str, lang: str) -> str:
        return self.topic(topic_id, lang) + "feed.xml"

    def countries(self, lang: str) -> str:
        return f"{self.prefix(lang)}countries/"

    def country(self, code: str, lang: str) -> str:
        """/countries/tn/: ISO codes in lower case, as in every other address of the site."""
        return f"{self.prefix(lang)}countries/{code.lower()}/"

    def country_feed(self, code: str, lang: str) -> str:
        return self.country(code, lang) + "feed.xml"

    def feed(self, lang: str) -> str:
        return f"{self.prefix(lang)}feed.xml"

    def search(self, lang: str) -> str:
        return f"{self.prefix(lang)}search/"

    def page(self, page: Page) -> str:
        return f"{self.prefix(page.lang)}{page.slug}/"

    def static(self, source: str) -> str:
        """content/static/x/y.pdf is published at x/y.pdf."""
        return source.removeprefix(STATIC_PREFIX)

    def attachment(self, release: Release, attachment: Attachment) -> str:
        """A file under static/ keeps its static address; any other one is published beside its release."""
        if attachment.file.startswith(STATIC_PREFIX):
            return self.static(attachment.file)
        return self.release(release) + attachment.file.rsplit("/", 1)[-1]

    @staticmethod
    def alias(path: str) -> str:
        """Where an alias's redirect page is written: ``/old/`` and ``/old`` are folders, ``/old.html`` a file."""
        path = path.lstrip("/")
        last = path.rsplit("/", 1)[-1]
        return path if "." in last else path.rstrip("/") + "/"
