"""Markdown as editors write it (GitHub's dialect, on Python-Markdown), turned into safe HTML.

``MARKDOWN_CONFIG`` is the whole configuration as one value (extension names and their options),
so a cache of rendered bodies can be keyed on it. ``MarkdownRenderer.render`` gives the HTML and
the notes (warnings of ``check``) of one body; a body too deep or too large for the renderer gives
an error for its file instead of a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import markdown as md_lib
from markdown.extensions.toc import TocTreeprocessor

from ..errors import Diagnostic
from .dialect import GitHubDialectExtension, Note
from .blocks import TriggeredBlocksExtension
from .inline import TriggeredInlineExtension
from .plaintext import first_paragraph, html_to_text
from .sanitise import embeds_to_links, removals, sanitise, shift_headings
from .schema import slugify
from .typography import SmartQuotesExtension

__all__ = ["MARKDOWN_CONFIG", "MarkdownRenderer", "Rendered", "first_paragraph", "html_to_text", "sanitise"]

BACKLINK_TITLES = {
    "en": "Back to footnote %d in the text",
    "fr": "Retour à l'appel de note %d dans le texte",
    "es": "Volver a la llamada de nota %d en el texto",
}

# Python-Markdown's and pymdown-extensions' extensions with their options; ours (the GitHub dialect,
# typographic quotes) are added by name below. Part of every cache key: change it, and bodies render again.
MARKDOWN_CONFIG: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = (
    ("footnotes", ()),
    ("tables", ()),
    ("toc", ()),
    ("sane_lists", ()),
    ("attr_list", ()),
    ("md_in_html", ()),
    ("pymdownx.superfences", ()),  # ``` and ~~~ fences, also inside lists
    ("pymdownx.highlight", (("use_pygments", False),)),  # <pre><code class="language-x">, no colouring
    ("pymdownx.escapeall", (("hardbreak", True), ("nbsp", False))),  # \ before any punctuation; \ at a line end
    ("pymdownx.tilde", (("subscript", False),)),  # ~~struck~~
    ("pymdownx.magiclink", ()),  # bare https://... and www. addresses become links
    ("pymdownx.saneheaders", ()),  # "#hashtag" is not a heading: a space must follow the #
    ("site_builder.github-dialect", ()),  # lists after text, 2-space nesting, Markdown in HTML blocks, <words>
    ("site_builder.smart-quotes", (("smart_angled_quotes", True),)),  # smarty's rules, one pass
    ("site_builder.triggered-inline", ()),  # the stock inline pass, skipping patterns that cannot match
    ("site_builder.triggered-blocks", ()),  # the stock block tests and raw-HTML pass, skipped when they cannot match
)

TOC_MARKER = "[TOC]"  # toc's own: a paragraph of just this becomes the table of contents
MAX_BODY_CHARS = 2_000_000  # a press release is a few thousand characters
MAX_NESTING = 40  # levels of lists or quotes; Python-Markdown recurses once per level
MAX_BRACKETS = 32  # nested [ ] or HTML elements: Python-Markdown's link and HTML parsing grow with their square
_BRACKET_OR_TAG = re.compile(r"\\.|\[|\]|<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])[^<>]*?(/?)>")
# elements that never nest or whose end tag HTML lets authors leave out: never counted as open
_UNCOUNTED = frozenset("area base br col embed hr img input link meta source track wbr "
                       "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rt rp".split())
_DEEP = re.compile(r"^(?: {%d,}(?:[-+*]|\d+[.)])(?:\s|$)|(?: {0,3}>){%d,})" % (4 * MAX_NESTING, MAX_NESTING), re.MULTILINE)


@dataclass(frozen=True)
class Rendered:
    """One body as HTML, with what a reader will see differently from what its author typed."""

    html: str
    notes: tuple[Note, ...] = ()
    error: str = ""  # set when the body could not be rendered at all (html is then empty)
    error_line: int = 0  # line within the body
    error_hint: str = ""

    def diagnostics(self, source: str, body: str, body_line: int) -> list[Diagnostic]:
        """The notes as warnings (and the error, if any) at the file lines they come from."""
        found = [Diagnostic(source, body_line + self.error_line, self.error, self.error_hint, code="body-too-complex")] if self.error else []
        seen = set()
        for note in self.notes:
            line = body_line + _line_of(body, note.needle)
            if (line, note.message) not in seen:
                seen.add((line, note.message))
                found.append(_warning(note, source, line))
        return found


def _warning(note: Note, source: str, line: int) -> Diagnostic:
    """A note as the warning of its code (each spelled out: the catalogue's test reads them)."""
    if note.code == "html-as-text":
        return Diagnostic(source, line, note.message, note.hint, severity="warning", code="html-as-text")
    if note.code == "embed-removed":
        return Diagnostic(source, line, note.message, note.hint, severity="warning", code="embed-removed")
    if note.code == "external-image":
        return Diagnostic(source, line, note.message, note.hint, severity="warning", code="external-image")
    return Diagnostic(source, line, note.message, note.hint, severity="warning", code="html-removed")


def _line_of(body: str, needle: str) -> int:
    """Lines before the first occurrence of ``needle`` in ``body`` (0 when absent)."""
    offset = body.find(needle) if needle else -1
    if offset < 0 and needle:
        offset = body.lower().find(needle.lower())
    return body.count("\n", 0, offset) if offset > 0 else 0


def _extensions(lang: str) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    names: list[Any] = []
    configs: dict[str, dict[str, Any]] = {}
    for name, options in MARKDOWN_CONFIG:
        if name == "site_builder.github-dialect":
            names.append(GitHubDialectExtension())
        elif name == "site_builder.smart-quotes":
            names.append(SmartQuotesExtension(**dict(options)))
        elif name == "site_builder.triggered-inline":
            names.append(TriggeredInlineExtension())
        elif name == "site_builder.triggered-blocks":
            names.append(TriggeredBlocksExtension())
        else:
            names.append(name)
            configs[name] = dict(options)
    configs["footnotes"] = {"BACKLINK_TITLE": BACKLINK_TITLES.get(lang, BACKLINK_TITLES["en"])}
    configs["toc"] = {"slugify": lambda value, separator: slugify(value) or "section", "marker": TOC_MARKER}
    return names, configs


@dataclass
class MarkdownRenderer:
    """One configured ``markdown.Markdown`` per language, reset between documents."""

    base_path: str = "/"
    _engines: dict[str, tuple[md_lib.Markdown, GitHubDialectExtension]] = field(default_factory=dict, repr=False)

    def _engine(self, lang: str) -> tuple[md_lib.Markdown, GitHubDialectExtension]:
        if lang not in self._engines:
            names, configs = _extensions(lang)
            engine = md_lib.Markdown(extensions=names, extension_configs=configs, output_format="html")
            dialect = next(e for e in names if isinstance(e, GitHubDialectExtension))
            self._engines[lang] = (engine, dialect)
        return self._engines[lang]

    def render(self, text: str, lang: str) -> Rendered:
        """Markdown -> sanitised HTML with its notes; a body beyond the limits -> ``Rendered.error``."""
        too_deep = _DEEP.search(text)
        if too_deep:
            return Rendered("", error=f"the text is nested more than {MAX_NESTING} levels deep (lists or quotes)",
                            error_line=text.count("\n", 0, too_deep.start()),
                            error_hint="flatten the list or quote: readers cannot follow that many levels either")
        tangled = _too_tangled(text)
        if tangled is not None:
            return Rendered("", error=f"the text nests brackets or HTML elements more than {MAX_BRACKETS} levels deep",
                            error_line=tangled,
                            error_hint="close the brackets or tags you opened; no press release needs that many levels")
        if len(text) > MAX_BODY_CHARS:
            return Rendered("", error=f"the text is too long ({len(text):,} characters; at most {MAX_BODY_CHARS:,})",
                            error_hint="split it into several files")
        engine, dialect = self._engine(lang)
        engine.reset()
        _look_for_toc_marker(engine, text)
        try:
            html = engine.convert(text)
        except RecursionError:
            engine.reset()
            return Rendered("", error="the text is nested too deeply for the Markdown renderer",
                            error_hint="flatten deeply nested lists, quotes, emphasis or brackets")
        except Exception as exc:  # a bug of an extension on odd input: one file's error, never a traceback
            engine.reset()
            return Rendered("", error=f"the Markdown renderer failed on this text ({type(exc).__name__}: {exc})",
                            error_hint="simplify the text around unusual markup, and report the message")
        notes = list(dialect.notebook.notes)
        html = shift_headings(embeds_to_links(html, lang, notes))
        notes += removals(html, text)
        # an empty stash: no raw HTML, entity or escaped character was set aside, only Markdown's own markup
        return Rendered(sanitise(html, self.base_path, markdown_only=not engine.htmlStash.html_counter), tuple(notes))


def _look_for_toc_marker(engine: md_lib.Markdown, text: str) -> None:
    """toc walks the whole tree for a paragraph that is its marker, a third of its time: only when
    the text has the marker at all (a paragraph's text comes from the source's characters, escapes
    and entities as placeholders, so without the marker in the source no paragraph can be it)."""
    toc = engine.treeprocessors["toc"]
    if isinstance(toc, TocTreeprocessor):
        toc.marker = TOC_MARKER if TOC_MARKER in text else ""


def _too_tangled(text: str) -> Optional[int]:
    """The line (from 0) where ``[`` or HTML elements first nest deeper than MAX_BRACKETS, if they do.

    One linear scan bounds the time of the whole render: Python-Markdown takes seconds on a few
    thousand nested brackets or tags, and minutes beyond. Escaped characters do not count.
    """
    brackets = elements = 0
    for match in _BRACKET_OR_TAG.finditer(text):
        token = match.group(0)
        if token == "[":
            brackets += 1
        elif token == "]":
            brackets = max(0, brackets - 1)
        elif match.group(2) is not None and match.group(2).lower() not in _UNCOUNTED and not match.group(3):
            elements = max(0, elements - 1) if match.group(1) else elements + 1
        if brackets > MAX_BRACKETS or elements > MAX_BRACKETS:
            return text.count("\n", 0, match.start())
    return None
