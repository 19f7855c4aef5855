"""Rendered HTML made safe, without losing anything silently.

nh3 (the Ammonia sanitiser) keeps an allowlist of tags, attributes and URL schemes, so raw HTML in a
body can never bring a script, an event handler or a ``javascript:`` URL to a page. Before it runs:

- an embed (``<iframe>``, ``<video>``, ``<audio>``, ``<embed>``, ``<object>``) becomes a plain link
  to its source, "Video: <title>", and an image on another site (which the pages' Content Security
  Policy blocks) becomes a link to it, so readers can still reach both without the page loading
  anything from elsewhere;
- headings are shifted, whatever their case, so that the body's highest level sits right under the
  page's ``<h1>`` and no level is skipped;
- everything the allowlist will remove is listed as a ``Note`` (a warning of ``check``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlsplit

import nh3

from .allowlist import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, REMOVED_WITH_CONTENT, STYLE_PROPERTIES, URL_SCHEMES
from .dialect import Note
from .safe_markup import clean as clean_markdown_markup

EMBED_LABELS = {
    "video": {"en": "Video", "fr": "Vidéo", "es": "Vídeo"},
    "audio": {"en": "Audio", "fr": "Audio", "es": "Audio"},
    "embed": {"en": "Embedded content", "fr": "Contenu intégré", "es": "Contenido incrustado"},
    "image": {"en": "Image", "fr": "Image", "es": "Imagen"},
}
_VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com", "dailymotion.com", "peertube")


def sanitise(html: str, base_path: str = "/", markdown_only: bool = False) -> str:
    """Keep only allowlisted tags, attributes and URL schemes; links get rel=noopener noreferrer.

    A root-relative link written by an editor (``/pdf/x.pdf``) is given the site's base path, so
    it still works when the site is hosted under ``https://example.org/archive/``.
    ``markdown_only``: the body held no HTML of its author's, so the quick path of safe_markup.py
    may give the same bytes without nh3 (it says None when it cannot prove them).
    """
    if markdown_only:
        quick = clean_markdown_markup(html, base_path)
        if quick is not None:
            return quick

    def rebase(tag: str, attribute: str, value: str) -> str:
        if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_path.rstrip("/") + value
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
        # the filter is a call back into Python for every attribute kept: only for a body that may
        # have a root-relative address (a third of the sanitiser's time on one without)
        attribute_filter=rebase if base_path != "/" and _MAYBE_ROOT_RELATIVE.search(html) else None,
    )
    return _HREFLESS_REL.sub(_drop_rel, clean)


# an href or src whose value may start with "/" once its entities are decoded (any quoting, any case)
_MAYBE_ROOT_RELATIVE = re.compile(r"""(?:href|src)\s*=\s*["']?\s*[/&]""", re.IGNORECASE)

# nh3 adds rel= to every <a>; once a javascript: href is removed, rel= on a link to nowhere is invalid HTML.
_HREFLESS_REL = re.compile(r'<a\b([^>]*?) rel="noopener noreferrer"([^>]*)>')


def _drop_rel(match: re.Match[str]) -> str:
    attributes = match[1] + match[2]
    return match[0] if "href=" in attributes else f"<a{attributes}>"


# --- embeds and external images become links ----------------------------------------------------

_EMBED = re.compile(r"(?P<lead>^[ \t]*)?<(?P<tag>iframe|video|audio|object)\b(?P<attrs>[^>]*)>(?P<inner>.*?)</(?P=tag)\s*>"
                    r"|(?P<lead2>^[ \t]*)?<(?P<void>embed)\b(?P<vattrs>[^>]*)/?>", re.IGNORECASE | re.DOTALL | re.MULTILINE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_INNER_SOURCE = re.compile(r"<source\b[^>]*>", re.IGNORECASE)
_ANY_EMBED = re.compile(r"<(?:iframe|video|audio|object|embed)\b", re.IGNORECASE)  # cheap tests first
_EXTERNAL_IMG = re.compile(r"<img\b[^>]*\ssrc=[\"']?(?:https?:)?//", re.IGNORECASE)
# raw HTML an author wrote (an autolink such as <https://...> is not)
_RAW_HTML = re.compile(r"<(?![a-zA-Z][a-zA-Z0-9+.-]*:)[a-zA-Z/]")


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if not self.attrs:
            self.attrs = {name: value or "" for name, value in attrs}


def attributes(tag: str) -> dict[str, str]:
    """The attributes of one start tag, entities decoded, names lowercased."""
    parser = _Attributes()
    parser.feed(tag if tag.endswith(">") else tag + ">")
    parser.close()
    return parser.attrs


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def is_external(url: str) -> bool:
    """An address on another site: the pages' Content Security Policy does not let them load it."""
    return url.startswith("//") or bool(urlsplit(url).scheme)


def _watch_address(url: str) -> str:
    """A video player's address as a page people can open (protocol-relative made https)."""
    url = "https:" + url if url.startswith("//") else url
    player = re.match(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", url)
    if player:
        return f"https://www.youtube.com/watch?v={player[1]}"
    vimeo = re.match(r"https?://player\.vimeo\.com/video/(\d+)", url)
    return f"https://vimeo.com/{vimeo[1]}" if vimeo else url


def embeds_to_links(html: str, lang: str, notes: list[Note]) -> str:
    """Every embed becomes "Video: <title>" linking to its source; every external image a link too."""
    def embed(found: re.Match[str]) -> str:
        tag = (found["tag"] or found["void"]).lower()
        attrs = attributes(f"<{tag} {found['attrs'] or found['vattrs'] or ''}>")
        source = attrs.get("src") or attrs.get("data") or ""
        if not source and found["inner"]:
            inner = _INNER_SOURCE.search(found["inner"])
            source = attributes(inner[0]).get("src", "") if inner else ""
        host = urlsplit("https:" + source if source.startswith("//") else source).netloc
        kind = "video" if tag == "video" or any(h in host for h in _VIDEO_HOSTS) else "audio" if tag == "audio" else "embed"
        title = attrs.get("title") or attrs.get("aria-label") or host or source
        label = f"{EMBED_LABELS[kind].get(lang, EMBED_LABELS[kind]['en'])}: {title}"
        raw = found[0].strip()
        notes.append(Note("embed-removed", f"the embedded {tag} is shown as a link: '{label}'",
                          "pages load nothing from other sites; give it a title= to name the link, or link to it yourself",
                          raw.split(">", 1)[0]))
        if not source:
            return ""
        link = f'<a href="{_escape(_watch_address(source))}">{_escape(label)}</a>'
        block = found["lead"] is not None or found["lead2"] is not None
        return f"{found['lead'] or found['lead2'] or ''}<p>{link}</p>" if block else link

    def image(found: re.Match[str]) -> str:
        attrs = attributes(found[0])
        source = attrs.get("src", "")
        if not is_external(source) or not source.lower().startswith(("http:", "https:", "//")):
            return found[0]
        label = f"{EMBED_LABELS['image'].get(lang, EMBED_LABELS['image']['en'])}: {attrs.get('alt') or urlsplit(source).netloc}"
        notes.append(Note("external-image", f"the image {source} is on another site, which pages may not load: it is shown as a link",
                          "save it under content/static/img/ and write ![text](/img/its-name.jpg)", source))
        return f'<a href="{_escape(source)}">{_escape(label)}</a>'

    if _ANY_EMBED.search(html):
        html = _EMBED.sub(embed, html)
    return _IMG.sub(image, html) if _EXTERNAL_IMG.search(html) else html


# --- headings -----------------------------------------------------------------------------------

_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def shift_headings(html: str) -> str:
    """Body headings renumbered from h2 in the order of their levels: # or ### first both become h2."""
    levels = sorted({int(m[2]) for m in _HEADING.finditer(html)})
    if not levels:
        return html
    rank = {level: min(2 + index, 6) for index, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m[1]}h{rank[int(m[2])]}", html)


# --- what the sanitiser will remove -------------------------------------------------------------

class _Removals(HTMLParser):
    """Walks HTML before sanitising and lists the tags, attributes and addresses nh3 will drop."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source.lower()
        self.notes: list[Note] = []
        self.seen: set[str] = set()

    def _note(self, key: str, message: str, hint: str, needle: str) -> None:
        # only what the author wrote: Markdown's own markup never needs a warning
        if key not in self.seen and needle.lower() in self.source:
            self.seen.add(key)
            self.notes.append(Note("html-removed", message, hint, needle))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag not in ALLOWED_TAGS:
            what = "and its content are" if tag in REMOVED_WITH_CONTENT else "is"
            self._note(tag, f"<{tag}> {what} removed: it is not allowed in a page",
                       "remove it; write the text in Markdown (headings with ##, emphasis with *...*)", f"<{tag}")
            return
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                self._note(f"{tag}@{name}", f"{name}= on <{tag}> is removed: it is not allowed in a page",
                           "remove it: pages run no scripts" if name.startswith("on")
                           else "remove it: the site's style sheet decides how text looks", f"{name}=")
            elif name in ("href", "src") and ":" in value.split("/", 1)[0] \
                    and value.split(":", 1)[0].strip().lower() not in URL_SCHEMES:
                self._note(f"url@{value}", f"the address '{value}' is removed: only http, https, mailto and tel links are kept",
                           "link to a web page (https://...)", value)
            elif name == "style":
                for declaration in filter(None, (d.strip() for d in value.split(";"))):
                    prop = declaration.split(":", 1)[0].strip().lower()
                    if prop not in STYLE_PROPERTIES:
                        self._note(f"style@{prop}", f"style '{declaration}' on <{tag}> is removed: only text-align is kept",
                                   "remove it: the site's style sheet decides how text looks", declaration)


def removals(html: str, source: str) -> list[Note]:
    """What ``sanitise`` will remove from ``html`` that the author wrote in ``source``."""
    if not _RAW_HTML.search(source):
        return []  # Markdown alone never writes what the sanitiser removes
    walker = _Removals(source)
    walker.feed(html)
    walker.close()
    return walker.notes
