"""Small Python-Markdown extensions that make it read Markdown the way GitHub (CommonMark) does.

Python-Markdown follows the original Markdown.pl where CommonMark, and so GitHub, most editors and
CMS exports, differ; three differences broke real archives and are bridged here, each by rewriting
lines or one inline pattern, never by parsing Markdown ourselves:

- ``GitHubLists``: a list (or a table) may start right after a line of text (a blank line is put in
  front of it), and a nested list is nested when indented under its parent's text, two spaces or four
  (its lines are re-indented to the four spaces per level Python-Markdown expects), in quotes too;
- ``HtmlBlocksWithMarkdown``: in a block of HTML (``<div class="note">``) whose content is separated
  by a blank line, that content is Markdown (Python-Markdown's ``md_in_html``, switched on for it);
- ``HtmlLikeWords``: a word in angle brackets in running text (``<H1>``, ``<Video call link>``)
  that is not an inline tag the sanitiser keeps, nor closed later by ``</H1>``, is shown as written
  instead of being swallowed (or, for ``<H2>``, turning the rest of the paragraph into a heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import markdown
from markdown.extensions import Extension
from markdown.extensions.smarty import HTML_STRICT_RE
from markdown.inlinepatterns import HtmlInlineProcessor
from markdown.preprocessors import Preprocessor

# Inline tags written in running text that the sanitiser keeps (or, for embeds, turns into links).
EMBED_TAGS = frozenset({"iframe", "video", "audio", "embed", "object", "source", "track"})
INLINE_TAGS = EMBED_TAGS | frozenset({
    "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "s",
    "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
})
# Every element of HTML: a word in angle brackets with one of these names was probably meant as HTML.
HTML_ELEMENTS = INLINE_TAGS | frozenset({
    "address", "area", "article", "aside", "base", "bdi", "bdo", "blockquote", "body", "button", "canvas",
    "caption", "center", "col", "colgroup", "data", "datalist", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "hr", "html", "input", "label", "legend", "li", "link", "main", "map", "marquee",
    "menu", "meta", "meter", "nav", "noscript", "ol", "optgroup", "option", "output", "p", "param", "picture",
    "pre", "progress", "rp", "rt", "ruby", "script", "search", "section", "select", "slot", "style",
    "summary", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title", "tr",
    "ul",
})


@dataclass(frozen=True)
class Note:
    """Something a reader will see differently from what the author typed: a warning of ``check``."""

    code: str
    message: str
    hint: str
    needle: str  # text of the source to find the line by ("" when unknown)


class NoteBook:
    """The notes of the document being converted; emptied by ``Markdown.reset()``."""

    def __init__(self) -> None:
        self.notes: list[Note] = []
        self.opened: set[str] = set()  # tags written as <x>...</x> in the document: markup, not words

    def reset(self) -> None:
        self.notes = []
        self.opened = set()


# --- lists as GitHub reads them ------------------------------------------------------------------

_ITEM = re.compile(r"^( *)([-+*]|(\d{1,9})[.)])( +|$)")
_RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")  # a thematic break, not a list item
_QUOTE = re.compile(r"^> ?")  # a quote at the margin (one inside a list item is part of the item)
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?(?: *:?-+:? *\|)+ *(?::?-+:? *)?$|^ {0,3}:?-+:? *(?:\| *:?-+:? *)+\|? *$")
_NOT_TEXT = re.compile(r"^ {0,3}(#|>|<|\||\x02|\[\^)")  # lines a list cannot interrupt as "text"


@dataclass
class _Item:
    source_column: int  # where its text starts in the author's lines
    target_column: int  # where Python-Markdown expects it: 4 spaces per level


class GitHubListsPreprocessor(Preprocessor):
    """Re-indents list items to Python-Markdown's 4 spaces per level; a list may follow a paragraph.

    Runs after fenced code is stashed (priority 25), so a ``-`` inside code is never taken for an item.
    """

    def run(self, lines: list[str]) -> list[str]:
        """Quotes (``> ...`` lines) are taken apart, their content treated alike, and put back."""
        out: list[str] = []
        start = 0
        while start < len(lines):
            quoted = bool(_QUOTE.match(lines[start]))
            end = start
            while end < len(lines) and bool(_QUOTE.match(lines[end])) == quoted:
                end += 1
            if quoted:
                inner = self.run([_QUOTE.sub("", line, count=1) for line in lines[start:end]])
                out += [f"> {line}" if line else ">" for line in inner]
            else:
                out += self._lists(lines[start:end])
            start = end
        return out

    def _lists(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[_Item] = []
        previous = ""  # the previous line as written ("" for a blank one)
        previous_was_item = False
        indented_chunk = False  # this run of lines (since a blank one) is content indented under an item
        for index, line in enumerate(lines):
            stripped = line.lstrip(" ")
            if not stripped:
                out.append(line)
                previous, previous_was_item, indented_chunk = "", False, False
                continue
            indent = len(line) - len(stripped)
            item = self._item(line, indent, stack)
            lazy = bool(previous) and not item and not _NOT_TEXT.match(line)
            if not lazy:
                while stack and indent < stack[-1].source_column:
                    stack.pop()
            if not previous:
                indented_chunk = bool(stack) and not item
            if item:
                interrupts = not stack and not previous_was_item and not _NOT_TEXT.match(previous) \
                    and (item[3] is None or item[3] == "1") and bool(item[4])
                if previous and (indented_chunk or interrupts):
                    out.append("")  # a paragraph (or an item's indented content) ends where a list item starts
                    indented_chunk = False
                level = len(stack)
                out.append(" " * (4 * level) + stripped)
                spaces = len(item[4]) if 0 < len(item[4]) <= 4 else 1
                stack.append(_Item(indent + len(item[2]) + spaces, 4 * (level + 1)))
            elif stack:
                top = stack[-1]
                if stripped.startswith("\x02") and previous and not indented_chunk:
                    out.append("")  # stashed code under an item is a block of its own, not part of its text
                    indented_chunk = True
                if indented_chunk:  # a block under the item: 4 spaces per level, its own indentation kept
                    out.append(" " * (top.target_column + max(0, indent - top.source_column)) + stripped)
                else:  # more text of the item's first paragraph
                    out.append(" " * (top.target_column - 4) + stripped)
            else:
                if previous and not previous_was_item and "|" in line and not _NOT_TEXT.match(previous) \
                        and index + 1 < len(lines) and _TABLE_DELIMITER.match(lines[index + 1]):
                    out.append("")  # GitHub: a table may start right after a line of text
                out.append(line)
            previous, previous_was_item = line, bool(item)
        return out

    @staticmethod
    def _item(line: str, indent: int, stack: list[_Item]) -> Optional[re.Match[str]]:
        """The list marker starting ``line``, unless it is a rule or indented code (4 columns past its place)."""
        deepest = stack[-1].source_column if stack else 0
        if indent >= deepest + 4 or _RULE.match(line):
            return None
        return _ITEM.match(line)


# --- Markdown inside HTML blocks ----------------------------------------------------------------

_OPENING = re.compile(r"^ {0,3}<([a-zA-Z][a-zA-Z0-9]*)\b(?![^>]*\bmarkdown\s*=)([^>]*)>\s*$")
_CONTAINERS = frozenset({"article", "aside", "blockquote", "center", "details", "div", "figure", "footer",
                         "header", "main", "nav", "section"})


class HtmlBlocksWithMarkdownPreprocessor(Preprocessor):
    """Marks ``<div>`` (and other containers) alone on a line ``markdown="1"`` when a blank line
    follows it before its closing tag: CommonMark ends the HTML block at the blank line, so what
    follows is Markdown; ``md_in_html`` then parses it as such."""

    def run(self, lines: list[str]) -> list[str]:
        out = list(lines)
        for index, line in enumerate(lines):
            found = _OPENING.match(line)
            if not found or found[1].lower() not in _CONTAINERS:
                continue
            closing = f"</{found[1].lower()}"
            for following in lines[index + 1:]:
                if not following.strip():
                    out[index] = line.rstrip()[:-1].rstrip("/ ") + ' markdown="1">'
                    break
                if closing in following.lower():
                    break
        return out


# --- words in angle brackets --------------------------------------------------------------------

_TAG_NAME = re.compile(r"^</?([a-zA-Z][^\s/>]*)")
_REMOVED = frozenset({"script", "style"})  # left to the sanitiser, which removes them with their content
_SOURCE = re.compile(r"\s(src|data)\s*=", re.IGNORECASE)  # <video src=...> is a video; <Video call link> is not


class HtmlLikeWordsProcessor(HtmlInlineProcessor):
    """Inline HTML is kept only for tags that belong in running text; any other ``<word>`` is text.

    Uses smarty's strict pattern (a tag directly followed by ``>`` is not a tag: ``<<a>>`` are
    angled quotes). A word that names an HTML element (``<H1>``, ``<font>``) is noted, since its
    author may have meant HTML; ``<Video call link>`` is plainly text and is not.
    """

    def __init__(self, md: markdown.Markdown, notebook: NoteBook):
        super().__init__(HTML_STRICT_RE, md)
        self.notebook = notebook

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Optional[str], int, int]:  # type: ignore[override]
        raw = m.group(1)
        name = _TAG_NAME.match(raw)
        tag = name[1].lower() if name else ""
        closing = raw.startswith("</")
        embed_without_source = tag in EMBED_TAGS and not closing and not _SOURCE.search(raw)
        # <font ...>text</font> is markup (the sanitiser drops the tag and says so); a lone <H2> is a word
        paired = tag in self.notebook.opened if closing else f"</{tag}" in data[m.end():].lower()
        if paired and not closing:
            self.notebook.opened.add(tag)
        if name is None or tag in _REMOVED or paired or (tag in INLINE_TAGS and not embed_without_source):
            return super().handleMatch(m, data)  # type: ignore[return-value]  # a comment, or a tag the sanitiser knows about
        if tag in HTML_ELEMENTS and not embed_without_source:
            self.notebook.notes.append(Note(
                "html-as-text", f"'{raw}' is shown as written: <{name[1].lower()}> is not allowed inside a paragraph",
                f"to show it as text, write it in backticks (`{raw}`); for HTML, put the block on lines of its own", raw))
        return self.md.htmlStash.store(_escape(raw)), m.start(0), m.end(0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class GitHubDialectExtension(Extension):
    """The three bridges above, on one Markdown instance, with the notes they take."""

    def __init__(self, **kwargs: object):
        self.notebook = NoteBook()
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(GitHubListsPreprocessor(md), "github-lists", 24)
        md.preprocessors.register(HtmlBlocksWithMarkdownPreprocessor(md), "html-blocks-with-markdown", 21)
        md.inlinePatterns.register(HtmlLikeWordsProcessor(md, self.notebook), "html", 90)

    def reset(self) -> None:
        self.notebook.reset()
