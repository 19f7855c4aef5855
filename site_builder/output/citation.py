"""How a release is cited: the Highwire Press ``citation_*`` tags that reference managers read
(Zotero's and Mendeley's page importers, Google Scholar), a ready-made reference for readers, and
CSL-JSON (the format of Zotero, Mendeley and Pandoc) for the open data.

The author of a release is the Observatory itself, an organisation: CSL says so with ``literal``;
the Highwire tags can only give its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..content import dates
from ..content.model import Release
from ..plan.urls import Urls
from ..plan.views import Views
from .structured import PUBLISHER, N_

Translate = Callable[[str, str], str]  # (English msgid, lang) -> the interface string in lang
REFERENCE = N_("%(author)s. “%(title)s”. %(details)s. %(url)s")


@dataclass(frozen=True)
class Citation:
    """What a release page shows and declares so that it can be cited."""

    tags: tuple[tuple[str, str], ...]  # (name, content) of each <meta name="citation_...">
    reference: str  # the ready-made reference, in the page's language


def pdf_url(release: Release, urls: Urls) -> Optional[str]:
    """The address of the release's first PDF attachment (its printable version), if any."""
    for attachment in release.attachments:
        if attachment.extension.lower() == "pdf":
            return urls.absolute(urls.attachment(release, attachment))
    return None


def cite(release: Release, views: Views, urls: Urls, t: Translate) -> Citation:
    """The Highwire tags and the reference of a release page."""
    lang = release.lang
    author = t(PUBLISHER, lang)
    page = urls.absolute(urls.release(release))
    tags = [("citation_title", release.title), ("citation_author", author),
            ("citation_publication_date", release.date.strftime("%Y/%m/%d")),
            ("citation_language", lang), ("citation_publisher", author),
            ("citation_abstract_html_url", page)]
    pdf = pdf_url(release, urls)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    kind = views.archive.config.kind_label(release.kind, lang)
    details = ", ".join(part for part in (kind, release.place, dates.format_date(release.date, lang)) if part)
    reference = t(REFERENCE, lang) % {"author": author, "title": release.title, "details": details, "url": page}
    return Citation(tuple(tags), reference)


def csl_json(release: Release, views: Views, urls: Urls, t: Translate) -> dict[str, Any]:
    """The release as a CSL-JSON item: a report whose genre is its kind ("Press release")."""
    author = t(PUBLISHER, release.lang)
    item: dict[str, Any] = {
        "id": urls.absolute(urls.release(release)), "type": "report",
        "genre": views.archive.config.kind_label(release.kind, release.lang),
        "title": release.title, "author": [{"literal": author}], "publisher": author,
        "issued": {"date-parts": [[release.date.year, release.date.month, release.date.day]]},
        "language": release.lang, "URL": urls.absolute(urls.release(release)),
    }
    if release.place:
        item["publisher-place"] = release.place
    if release.summary:
        item["abstract"] = release.summary
    return item
