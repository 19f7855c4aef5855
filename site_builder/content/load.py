"""One source file -> one model object (or the diagnostics explaining why not).

Each function reads a single file and needs only the site settings, so files can be loaded in
any order or in parallel; checks that need the whole archive live in ``links``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Optional, Union

from . import schema
from .discover import SourceFile
from ..errors import ContentError, Diagnostic, did_you_mean
from .markdown import MarkdownRenderer, first_paragraph, html_to_text
from .model import DEFAULT_KIND, Attachment, Contact, Mechanism, Meeting, Page, Release, SiteConfig, pack
from .read import Parsed, parse_markdown_file
from .yaml_lines import LineMap

Loaded = Union[Release, Meeting, Mechanism, Page]
MEETING_NUMBER = re.compile(r"^[0-9a-z]+(?:\.[0-9a-z]+)*$")
LEADING_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?![0-9])[-_]?")  # 2024-12-5-x.md too (check warns)


class Loader:
    """Loads source files against one site configuration with one Markdown renderer."""

    def __init__(self, config: SiteConfig, content: Path, renderer: Optional[MarkdownRenderer] = None):
        self.config = config
        self.content = content
        self.markdown = renderer or MarkdownRenderer(urlsplit(config.base_url).path or "/")

    def load(self, source: SourceFile, data: Optional[bytes] = None) -> tuple[Optional[Loaded], list[Diagnostic]]:
        """Parse and check one file (``data``: its bytes, when read already); never raises for a content problem.

        The object is returned even with problems (when its required fields are there) so that
        cross-file checks can report everything in one run; any problem still stops the build.
        """
        try:
            parsed = parse_markdown_file(source.path, source.rel, data)
        except ContentError as exc:
            return None, exc.diagnostics
        loaders = {"release": self._release, "meeting": self._meeting, "mechanism": self._mechanism, "page": self._page}
        return loaders[source.kind](source, parsed)

    # --- per content type ------------------------------------------------------------------

    def _release(self, source: SourceFile, parsed: Parsed) -> tuple[Optional[Release], list[Diagnostic]]:
        values, problems = schema.validate(parsed.meta, parsed.lines, Release, source.rel, "front matter")
        lang = self._language(values, source, parsed.lines, problems)
        kind = values.get("kind", DEFAULT_KIND)
        if kind not in self.config.kinds:
            problems.append(Diagnostic(source.rel, parsed.lines.at("kind"), f"unknown kind '{kind}'",
                                       did_you_mean(kind, self.config.kinds) or "kinds: " + ", ".join(self.config.kinds),
                                       code="unknown-kind"))
        slug = self._slug(values, source, parsed.lines, problems)
        attachments = self._attachments(values.get("attachments", ()), source, parsed.lines, problems)
        if not schema.complete(values, Release):
            return None, problems
        body_html = self._body(parsed, lang, source, problems)
        return Release(**{
            **values, "lang": lang, "slug": slug, "attachments": attachments,
            "summary": values.get("summary") or first_paragraph(body_html),
            "contacts": self._contacts(parsed.meta, values),
        }, source=source.rel, packed_html=pack(body_html), packed_markdown=pack(parsed.body),
            body_line=parsed.body_line, lines=parsed.lines), problems

    def _meeting(self, source: SourceFile, parsed: Parsed) -> tuple[Optional[Meeting], list[Diagnostic]]:
        values, problems = schema.validate(parsed.meta, parsed.lines, Meeting, source.rel, "front matter")
        number = values.get("number", "")
        if number and not MEETING_NUMBER.match(number):
            problems.append(Diagnostic(source.rel, parsed.lines.at("number"), f"number: '{number}' is not a meeting number",
                                       "use digits with dots, in quotes, e.g. number: \"5.1\"", code="bad-value"))
        start, end = values.get("start"), values.get("end")
        if start and end and end < start.first_day():
            problems.append(Diagnostic(source.rel, parsed.lines.at("end"), f"end: {end} is before the start {start.iso()}",
                                       "check the two dates", code="bad-value"))
        if not schema.complete(values, Meeting):
            return None, problems
        body_html = self._body(parsed, self.config.default_language, source, problems)
        return Meeting(**values, source=source.rel, body_html=body_html, body_text=html_to_text(body_html),
                       body_markdown=parsed.body, body_line=parsed.body_line, lines=parsed.lines), problems

    def _mechanism(self, source: SourceFile, parsed: Parsed) -> tuple[Optional[Mechanism], list[Diagnostic]]:
        values, problems = schema.validate(parsed.meta, parsed.lines, Mechanism, source.rel, "front matter")
        mechanism_id = source.path.stem
        if not schema.ID_PATTERN.match(mechanism_id):
            problems.append(Diagnostic(source.rel, 1, f"'{mechanism_id}' cannot be a mechanism id: the file name is the id",
                                       f"rename the file to {schema.slugify(mechanism_id) or 'my-mechanism'}.md",
                                       code="bad-file-name"))
        if not schema.complete(values, Mechanism):
            return None, problems
        body_html = self._body(parsed, self.config.default_language, source, problems)
        return Mechanism(**values, source=source.rel, id=mechanism_id, body_html=body_html,
                         body_text=html_to_text(body_html), lines=parsed.lines), problems

    def _page(self, source: SourceFile, parsed: Parsed) -> tuple[Optional[Page], list[Diagnostic]]:
        values, problems = schema.validate(parsed.meta, parsed.lines, Page, source.rel, "front matter")
        lang = self._language(values, source, parsed.lines, problems)
        slug = self._slug(values, source, parsed.lines, problems)
        if not schema.complete(values, Page):
            return None, problems
        body_html = self._body(parsed, lang, source, problems)
        return Page(**{**values, "lang": lang, "slug": slug, "summary": values.get("summary") or first_paragraph(body_html)},
                    source=source.rel, body_html=body_html, lines=parsed.lines), problems

    # --- shared field rules ------------------------------------------------------------------

    def _body(self, parsed: Parsed, lang: str, source: SourceFile, problems: list[Diagnostic]) -> str:
        """The body as HTML; what readers will see differently (or an unrenderable body) joins ``problems``."""
        rendered = self.markdown.render(parsed.body, lang)
        problems += rendered.diagnostics(source.rel, parsed.body, parsed.body_line)
        return rendered.html

    def _language(self, values: dict[str, Any], source: SourceFile, lines: LineMap, problems: list[Diagnostic]) -> str:
        """``lang:``, else a ``.fr.md`` file-name suffix, else the site's first language."""
        lang = values.get("lang") or _suffix_language(source.path, self.config.languages) or self.config.default_language
        if lang not in self.config.languages:
            problems.append(Diagnostic(source.rel, lines.at("lang"), f"language '{lang}' is not one of the site's languages",
                                       did_you_mean(lang, self.config.languages)
                                       or "add it to languages in site.yaml, or use one of " + ", ".join(self.config.languages),
                                       code="unknown-language"))
        return lang

    def _slug(self, values: dict[str, Any], source: SourceFile, lines: LineMap, problems: list[Diagnostic]) -> str:
        """``slug:``, else the file name without a leading date or language suffix."""
        if "slug" in values:
            return str(values["slug"])
        stem = source.path.name.removesuffix(".md")
        lang = _suffix_language(source.path, self.config.languages)
        if lang:
            stem = stem.removesuffix("." + lang)
        slug = schema.slugify(LEADING_DATE.sub("", stem))
        if not slug:
            problems.append(Diagnostic(source.rel, 1, "cannot make a URL from this file name",
                                       "add a 'slug:' line, e.g. slug: warsaw-meeting", code="bad-file-name"))
        return slug

    def _contacts(self, meta: Any, values: dict[str, Any]) -> tuple[Contact, ...]:
        """Contacts from the file; absent means the site's defaults; ``contacts: []`` means none."""
        if isinstance(meta, dict) and "contacts" in meta:
            contacts: tuple[Contact, ...] = values.get("contacts", ())
            return contacts
        return self.config.contacts

    def _attachments(self, items: tuple[Attachment, ...], source: SourceFile, lines: LineMap,
                     problems: list[Diagnostic]) -> tuple[Attachment, ...]:
        """Each attachment must be a file inside content/; its size is published with it."""
        result = []
        root = self.content.resolve()
        for index, item in enumerate(items):
            rel = item.file.strip().lstrip("/")
            path = (self.content / rel)
            line = lines.at("attachments", index, "file")
            if ".." in rel.split("/") or not path.resolve().is_relative_to(root):
                problems.append(Diagnostic(source.rel, line, f"attachment '{item.file}' is outside content/",
                                           "put the file under content/static/ and give its path from content/",
                                           code="missing-attachment"))
            elif not path.is_file():
                candidates = [p.relative_to(self.content).as_posix() for p in self.content.rglob("*") if p.is_file()]
                problems.append(Diagnostic(source.rel, line, f"attachment '{rel}' does not exist",
                                           did_you_mean(rel, candidates) or "give the path from content/, e.g. static/pdf/release.pdf",
                                           code="missing-attachment"))
            else:
                result.append(Attachment(file=rel, title=item.title or Path(rel).name, size=path.stat().st_size,
                                         path=str(path)))
        return tuple(result)


def _suffix_language(path: Path, languages: tuple[str, ...]) -> str:
    """``about.fr.md`` -> ``fr`` when fr is a site language."""
    parts = path.name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-2] in languages else ""
