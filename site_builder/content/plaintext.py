"""The readable text of a sanitised body, and its first paragraph (a release's default summary).

Both read the sanitiser's output, which nh3 serialises in one regular shape: lowercase tags,
attributes as `` name="value"`` with ``"`` escaped, ``<`` in text always escaped, no comments.
``html.parser`` walked each body twice (a sixth of the load time of an archive); here one regex
splits that shape into start tags, end tags and text, and the same rules as before run over the
tokens. HTML in any other shape (not the sanitiser's) goes through ``html.parser`` as before, so the
result never depends on which path was taken (``tests/content/test_plaintext.py`` compares them).
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from typing import Iterable, Optional

__all__ = ["first_paragraph", "html_to_text", "text_and_summary"]

BREAKS = frozenset({"p", "li", "br", "h2", "h3", "h4", "td", "th"})  # a space in front of their text
_TOKEN = re.compile(r'<([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*="[^"]*")*)>|</([a-z][a-z0-9]*)>|([^<]+)')
# the same tokens, one after another from start to end (possessive: a failure does not backtrack)
_SHAPE = re.compile(r'(?:<[a-z][a-z0-9]*+(?: [a-z][a-z0-9-]*+="[^"]*+")*+>|</[a-z][a-z0-9]*+>|[^<]++)*+')
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)="([^"]*)"')

Token = tuple[str, str, str, str]  # a start tag (name, attributes), an end tag (name) or text: the others ""


def html_to_text(html: str) -> str:
    """All the readable text of a body, footnote markers left out (for search and checks)."""
    return _Text(first_paragraph=False).run(html, tokens(html))


def first_paragraph(html: str) -> str:
    """The text of the first non-empty paragraph: a release's default summary."""
    return _Text(first_paragraph=True).run(html, tokens(html))


def text_and_summary(html: str) -> tuple[str, str]:
    """``html_to_text`` and ``first_paragraph`` of one body, which is split into tokens once."""
    found = tokens(html)
    return _Text(first_paragraph=False).run(html, found), _Text(first_paragraph=True).run(html, found)


def tokens(html: str) -> Optional[list[Token]]:
    """``html`` as tokens when it has the sanitiser's shape (what ``html.parser`` would report), else None."""
    if not _SHAPE.fullmatch(html) or "<script" in html or "<style" in html:
        return None  # a "<" that is no tag of that shape; html.parser reads script and style as raw text
    found: list[Token] = _TOKEN.findall(html)
    if found and "&" in found[-1][3][-34:]:
        return None  # html.parser holds back text that ends near an "&" (as if a reference were cut)
    return found


def _class(attributes: str) -> str:
    if "class=" not in attributes:
        return ""
    values = [value for name, value in _ATTRIBUTE.findall(attributes) if name == "class"]
    return html_lib.unescape(values[-1]) if values else ""


class _Text:
    """The extraction's rules: footnote markers (``sup``, ``class="footnote..."``) and what they
    contain are skipped; block elements start with a space; in first-paragraph mode only text inside
    ``<p>`` counts, up to the end of the first paragraph that has some."""

    def __init__(self, first_paragraph: bool):
        self.first_paragraph = first_paragraph
        self.parts: list[str] = []
        self.skip = 0
        self.in_p = 0
        self.done = False

    def run(self, html: str, found: Optional[list[Token]]) -> str:
        """The text of ``html``, from its ``tokens`` (None: not in the sanitiser's shape)."""
        if found is None:
            parser = _Parser(self)
            parser.feed(html)
        else:
            self.feed(found)
        return " ".join("".join(self.parts).split())

    def feed(self, found: Iterable[Token]) -> None:
        for tag, attributes, end, text in found:
            if text:
                self.data(html_lib.unescape(text))
            elif tag:
                self.start(tag, _class(attributes))
            else:
                self.end(end)
            if self.done:
                return  # nothing after the first paragraph can change its text

    def start(self, tag: str, classes: str) -> None:
        if tag == "sup" or self.skip or "footnote" in classes:
            self.skip += 1
        if tag == "p":
            self.in_p += 1
        if tag in BREAKS:
            self.parts.append(" ")

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
        if tag == "p":
            self.in_p -= 1
            if self.first_paragraph and "".join(self.parts).strip():
                self.done = True

    def data(self, text: str) -> None:
        if self.done or self.skip or (self.first_paragraph and not self.in_p):
            return
        self.parts.append(text)


class _Parser(HTMLParser):
    """``html.parser`` driving the same rules, for HTML not in the sanitiser's shape."""

    def __init__(self, rules: _Text):
        super().__init__(convert_charrefs=True)
        self.rules = rules

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        self.rules.start(tag, dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        self.rules.end(tag)

    def handle_data(self, data: str) -> None:
        self.rules.data(data)
