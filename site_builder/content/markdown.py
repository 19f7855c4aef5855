"""Markdown as editors write it, turned into safe HTML.

Python-Markdown with footnotes, tables, smart quotes and heading anchors; then every body goes
through nh3 (the Ammonia sanitiser) with an allowlist, so raw HTML in a release can never
bring a script, an event handler or a ``javascript:`` URL to a page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown as md_lib
import nh3

from .schema import slugify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BACKLINK_TITLES = {
    "en": "Back to footnote %d in the text",
    "fr": "Retour à l'appel de note %d dans le texte",
    "es": "Volver a la llamada de nota %d en el texto",
}


def sanitise(html: str, base_path: str = "/") -> str:
    """Keep only allowlisted tags, attributes and URL schemes; links get rel=noopener noreferrer.

    A root-relative link written by an editor (``/pdf/x.pdf``) is given the site's base path, so
    it still works when the site is hosted under ``https://example.org/archive/``.
    """
    def rebase(tag: str, attribute: str, value: str) -> str:
        if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
            return base_path.rstrip("/") + value
        return value

    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},
        strip_comments=True,
        attribute_filter=rebase if base_path != "/" else None,
    )
    return _HREFLESS_REL.sub(_drop_rel, clean)


# nh3 adds rel= to every <a>; once a javascript: href is removed, rel= on a link to nowhere is invalid HTML.
_HREFLESS_REL = re.compile(r'<a\b([^>]*?) rel="noopener noreferrer"([^>]*)>')


def _drop_rel(match: re.Match[str]) -> str:
    attributes = match[1] + match[2]
    return match[0] if "href=" in attributes else f"<a{attributes}>"


class MarkdownRenderer:
    """One configured ``markdown.Markdown`` per language, reset between documents."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path
        self._engines: dict[str, md_lib.Markdown] = {}

    def _engine(self, lang: str) -> md_lib.Markdown:
        if lang not in self._engines:
            self._engines[lang] = md_lib.Markdown(
                extensions=["footnotes", "tables", "smarty", "toc", "sane_lists", "attr_list"],
                extension_configs={
                    "footnotes": {"BACKLINK_TITLE": BACKLINK_TITLES.get(lang, BACKLINK_TITLES["en"])},
                    "toc": {"slugify": lambda value, separator: slugify(value) or "section"},
                    "smarty": {"smart_angled_quotes": True},
                },
                output_format="html",
            )
        return self._engines[lang]

    def render(self, text: str, lang: str) -> str:
        """Markdown -> sanitised HTML, with a body ``# Heading`` demoted to h2 (the page title is the h1)."""
        engine = self._engine(lang)
        engine.reset()
        html = engine.convert(text).replace("<h1", "<h2").replace("</h1>", "</h2>")
        return sanitise(html, self.base_path)


class _TextExtractor(HTMLParser):
    """Plain text of HTML, skipping footnote markers; optionally only the first paragraph."""

    def __init__(self, first_paragraph: bool):
        super().__init__(convert_charrefs=True)
        self.first_paragraph = first_paragraph
        self.parts: list[str] = []
        self._skip = 0
        self._in_p = 0
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "sup" or self._skip or "footnote" in classes:
            self._skip += 1
        if tag == "p":
            self._in_p += 1
        if tag in {"p", "li", "br", "h2", "h3", "h4", "td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._skip -= 1
        if tag == "p":
            self._in_p -= 1
            if self.first_paragraph and "".join(self.parts).strip():
                self.done = True

    def handle_data(self, data: str) -> None:
        if self.done or self._skip:
            return
        if self.first_paragraph and not self._in_p:
            return
        self.parts.append(data)

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def html_to_text(html: str) -> str:
    """All the readable text of a body, footnote markers left out (for search and checks)."""
    parser = _TextExtractor(first_paragraph=False)
    parser.feed(html)
    return parser.text()


def first_paragraph(html: str) -> str:
    """The text of the first non-empty paragraph: a release's default summary."""
    parser = _TextExtractor(first_paragraph=True)
    parser.feed(html)
    return parser.text()
