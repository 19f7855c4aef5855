"""Warnings of ``check`` about what readers would see broken, each at its file and line.

- template code pasted from another site generator (``{{ ... }}``, ``{% ... %}``) in a body;
- an HTML entity or tag in a plain-text field (titles are escaped, so ``&ldquo;`` shows as typed);
- a summary that is empty or only markup (list pages, feeds and the meta description show it);
- a release file name whose leading date is not ``YYYY-MM-DD``;
- a link or image in a body to an address of the site that no page or file provides;
- two addresses that differ only in case (one overwrites the other on a case-insensitive disk).

The last two need the site's plan: ``pipeline.check`` passes its addresses in as plain data.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence
from urllib.parse import unquote, urlsplit

from ..errors import Diagnostic, did_you_mean
from .model import Archive, Document, Meeting, Mechanism, Page, Release
from .sanitise import attributes

_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_MARKUP_ONLY = re.compile(r"[\s*_#>`~\-|\[\]()!]+")
_FILE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?![0-9])")
_LINK = re.compile(r"<(?:a|img)\b[^>]*>", re.IGNORECASE)

TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    Release: ("title", "summary", "place"),
    Page: ("title", "summary"),
    Meeting: ("title", "city", "country"),
    Mechanism: ("name", "short", "organisation"),
}


@dataclass(frozen=True)
class Addresses:
    """What the plan of the site says about addresses, as plain data (content/ does not import plan/)."""

    pages: Mapping[str, str] = field(default_factory=dict)  # document source -> its page (default language)
    outputs: tuple[tuple[str, str, int], ...] = ()  # (site-relative path, source, line) of every output
    base_path: str = "/"


def reader_warnings(archive: Archive, addresses: Addresses | None) -> list[Diagnostic]:
    """Every warning of this module; the address checks only when the plan's addresses are given."""
    problems = template_code(archive) + markup_in_text(archive) + empty_summaries(archive) + file_name_dates(archive)
    if addresses is not None:
        problems += broken_links(archive, addresses.pages, (path for path, _, _ in addresses.outputs), addresses.base_path)
        problems += case_collisions(addresses.outputs)
    return problems


def documents(archive: Archive) -> list[Document]:
    return [*archive.releases, *archive.pages, *archive.meetings, *archive.mechanisms]


def _body_line(document: Document, needle: str) -> int:
    """The file line of ``needle`` in the document's Markdown (its first body line if absent)."""
    body = getattr(document, "body_markdown", "")
    start = getattr(document, "body_line", 0) or document.lines.default
    offset = body.find(needle) if body and needle else -1
    return start + body.count("\n", 0, offset) if offset >= 0 else start


def template_code(archive: Archive) -> list[Diagnostic]:
    """``{{ ... }}`` or ``{% ... %}`` left in a body: this site shows it as text (code blocks aside)."""
    problems = []
    for document in documents(archive):
        if "{" not in document.body_html or not _TEMPLATE_CODE.search(_CODE.sub(" ", document.body_html)):
            continue
        written = _TEMPLATE_CODE.search(getattr(document, "body_markdown", "")) if hasattr(document, "body_markdown") else None
        snippet = " ".join((written or _TEMPLATE_CODE.search(document.body_html) or [""])[0].split())
        problems.append(Diagnostic(
            document.source, _body_line(document, snippet[:2]),
            f"template code '{snippet[:60]}' from another site generator is shown as text",
            "replace it by what it stood for: a link [text](/address/), an image ![text](/img/x.jpg), or plain text",
            severity="warning", code="template-code"))
    return problems


def markup_in_text(archive: Archive) -> list[Diagnostic]:
    """Entities and tags in plain-text fields: they are escaped, so readers see them as typed."""
    problems = []
    for document in documents(archive):
        for name in TEXT_FIELDS[type(document)]:
            value = str(getattr(document, name, "") or "")
            if name == "summary" and not document.lines.exact(name, default=0):
                continue  # a summary taken from the body: the body's own checks cover it
            found = _ENTITY.search(value) or _TAG.search(value)
            if found:
                meant = html.unescape(found[0])
                hint = (f"type the character itself: {meant}" if meant != found[0]
                        else "this field is plain text: remove the tag (Markdown and HTML work in the body only)")
                problems.append(Diagnostic(document.source, document.lines.at(name),
                                           f"{name} contains '{found[0]}', which readers will see as typed",
                                           hint, severity="warning", code="markup-in-text"))
    return problems


def empty_summaries(archive: Archive) -> list[Diagnostic]:
    """Releases and pages whose summary (given or taken from the body) has no words."""
    problems = []
    summarised: list[Release | Page] = [*archive.releases, *archive.pages]
    for document in summarised:
        text = _MARKUP_ONLY.sub("", _TAG.sub("", document.summary))
        if not text:
            given = document.lines.exact("summary", default=0)
            problems.append(Diagnostic(
                document.source, given or document.lines.at("title"),
                "the summary is empty or only markup: list pages and feeds will show no text for it" if given
                else "no summary: the body does not start with a paragraph of text, so list pages and feeds show none",
                "write one sentence in summary: (front matter), or start the body with a paragraph",
                severity="warning", code="empty-summary"))
    return problems


def file_name_dates(archive: Archive) -> list[Diagnostic]:
    """``2024-12-5-x.md``: the date of a file name must be YYYY-MM-DD (it is then left out of the URL)."""
    problems = []
    for release in archive.releases:
        name = posixpath.basename(release.source)
        found = _FILE_DATE.match(name)
        if found and (len(found[2]) != 2 or len(found[3]) != 2):
            fixed = f"{found[1]}-{int(found[2]):02d}-{int(found[3]):02d}"
            problems.append(Diagnostic(release.source, 1, f"the file name starts with the date '{found[0]}', not YYYY-MM-DD",
                                       f"rename the file to {fixed}{name[len(found[0]):]}",
                                       severity="warning", code="file-name-date"))
    return problems


# --- addresses --------------------------------------------------------------------------------

def broken_links(archive: Archive, pages: Mapping[str, str], known: Iterable[str], base_path: str) -> list[Diagnostic]:
    """Body links and images to an address of this site that no page or file provides.

    ``pages`` maps a document's source to its page's address (site-relative, e.g. ``releases/2010/x/``),
    ``known`` is every address the build writes; ``base_path`` is the site's path (``/`` or ``/archive/``).
    """
    known_paths = set(known)
    problems = []
    for document in documents(archive):
        here = pages.get(document.source)
        if here is None:
            continue
        seen = set()
        for tag in _LINK.findall(document.body_html):
            attrs = attributes(tag)
            address = attrs.get("href") if tag[1:2].lower() == "a" else attrs.get("src")
            target = _site_path(address or "", here, base_path)
            if target is None or target in seen or _provided(target, known_paths):
                continue
            seen.add(target)
            written = _as_written(address or "", base_path)
            problems.append(Diagnostic(
                document.source, _body_line(document, written),
                f"the link '{written}' leads nowhere: no page or file of the site has the address /{target}",
                did_you_mean(target, known_paths) or "correct the address, or put the file under content/static/",
                severity="warning", code="broken-link"))
    return problems


def _as_written(address: str, base_path: str) -> str:
    """The address as the author wrote it (the sanitiser prefixed root-relative ones with the base path)."""
    prefix = base_path.rstrip("/")
    return address[len(prefix):] if prefix and address.startswith(prefix + "/") else address


def _site_path(address: str, here: str, base_path: str) -> str | None:
    """The site-relative path an address of a body leads to, or None when it leads off the site."""
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # another site, mailto:, or a link within the page (#note)
    path = unquote(parts.path)
    if path.startswith("/"):
        prefix = base_path.rstrip("/")
        if prefix and not (path + "/").startswith(prefix + "/"):
            return None  # another application on the same host
        path = path[len(prefix):]
    else:
        path = posixpath.join("/" + here, path)
    normal = posixpath.normpath(path).lstrip("/")
    if normal in ("", "."):
        return ""
    return normal + "/" if path.endswith("/") else normal


def _provided(target: str, known: set[str]) -> bool:
    if target in known or target == "" or target.startswith("pagefind/"):
        return True
    bare = target.removesuffix("index.html")
    return bare in known or (target + "/") in known or (bare.endswith("/") and bare in known)


def case_collisions(outputs: Sequence[tuple[str, str, int]]) -> list[Diagnostic]:
    """Addresses (path, source, line) equal but for case: on Windows or macOS disks one replaces the other."""
    groups: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for path, source, line in outputs:
        groups[path.casefold()].append((path, source, line))
    problems = []
    for group in groups.values():
        distinct = sorted({entry[0] for entry in group})
        if len(distinct) < 2:
            continue
        first = min(group, key=lambda entry: (not entry[1], entry[1], entry[0]))  # the first file keeps it
        for path, source, line in sorted(group):
            if path != first[0] and source:
                problems.append(Diagnostic(
                    source, line, f"the address /{path} differs only in case from /{first[0]} (from {first[1]})",
                    "on Windows and macOS one would overwrite the other: change the slug or alias (lowercase is safest)",
                    severity="warning", code="case-collision"))
    return problems
