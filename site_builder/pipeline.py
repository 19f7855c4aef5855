"""The whole pipeline in one readable place: ``build()`` and ``check()``.

discover -> load (parse + validate) -> link -> derive views -> routes -> render -> write.
``check`` is the same pipeline stopped before rendering. ``build`` goes through the engine, which
takes from its cache what cannot have changed (``options.cache_dir``; none: everything is made).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .collector import long_lived, paused
from .content.archive import load_archive
from .content.lint import find_warnings
from .content.lint_text import Addresses
from .engine.builder import Engine
from .errors import ContentError, Diagnostic, SiteBuilderError, ToolError
from .options import Options
from .output.writer import Writer, check_output_place
from .plan.catalogs import untranslated_warnings
from .plan.pdftext import read_texts
from .plan.site import Site, load_theme, plan_site


@dataclass(frozen=True)
class BuildResult:
    files: int
    warnings: tuple[Diagnostic, ...] = ()
    notices: tuple[str, ...] = ()  # about the cache: damaged, from another version, not ours
    changed: tuple[str, ...] = ()  # output files new or different since the previous build
    removed: tuple[str, ...] = ()  # output files of the previous build that are gone
    rendered: int = 0  # files rendered (the others were linked from the previous output)
    indexed: tuple[str, ...] = ()  # the search index's shards made again (their pages changed): bundle folders

    @property
    def searched(self) -> bool:
        """The search indexer ran (a page it reads changed)."""
        return bool(self.indexed)


def check(options: Options, today: Optional[dt.date] = None) -> list[Diagnostic]:
    """Validate without rendering: the problems ``build`` would stop on (raised as ContentError).

    Returns the warnings about likely mistakes (see ``warnings``); ``today`` is the only clock
    reading of the whole program, and is used only to warn about releases dated in the future.
    """
    archive = load_archive(options)
    theme = load_theme(options)
    site = plan_site(archive, options, theme)
    return sorted(find_warnings(archive, today or dt.date.today(), addresses(site))
                  + untranslated_warnings(theme[0], archive.config.languages)
                  + read_texts(archive.releases, options.cache_dir)[1])


def addresses(site: Site) -> Addresses:
    """Every output's address and each document's page, for check's link and case warnings."""
    pages: dict[str, str] = {}
    default = site.views.archive.config.default_language
    for route in sorted(site.routes, key=lambda r: r.lang != default):  # a document's own language first
        if route.kind == "page" and route.source:
            pages.setdefault(route.source, route.path)
    outputs = tuple((route.path, route.source if route.source.endswith(".md") else "", route.line) for route in site.routes)
    return Addresses(pages, outputs, site.urls.base_path)


def write_failure(exc: OSError, options: Options) -> SiteBuilderError:
    """An OSError while writing, as the one line an editor can act on; the previous site is intact."""
    name = Path(exc.filename) if isinstance(exc.filename, str) else None
    content = options.content.resolve()
    if name is not None and name.resolve().is_relative_to(content):
        rel = name.resolve().relative_to(content).as_posix()
        return ContentError([Diagnostic(rel, 0, f"cannot read this file ({exc.strerror or exc}); it changed during the build?",
                                        "build again; the previous site is unchanged", code="unreadable")])
    return ToolError(f"cannot write the site into {options.output}: {exc.strerror or exc}; the previous site is unchanged")


def build(options: Options) -> BuildResult:
    """Validate, render and write the whole site; ``options.output`` changes only if all went well."""
    check_output_place(options.output, options.content, Path.cwd())
    notices: list[str] = []
    engine = Engine(options, notices)
    # taken now: the output and the spare are listed meanwhile (output/listing.py), while this is small
    writer = Writer(options.output, engine.spare(), guard=True, background=options.jobs > 1)
    try:
        with paused():  # the listing of content/ and output/: survivors only (see collector.py)
            untouched = engine.untouched()
        if untouched is not None:  # no input changed, the output is the one written: nothing to do
            writer.check_output()
            writer.abort()
            return BuildResult(files=untouched, notices=tuple(notices))
        with long_lived():
            site = engine.plan()
            try:
                outcome = engine.write(site, writer)
                writer.commit()
            except OSError as exc:  # a full or read-only disk, a file deleted or changed during the build
                writer.abort()
                raise write_failure(exc, options) from None
            with paused():
                engine.remember(outcome)
    except BaseException:
        writer.abort()
        raise
    return BuildResult(files=len(writer.sources), notices=tuple(notices), changed=outcome.changed,
                       removed=outcome.removed, rendered=outcome.rendered, indexed=outcome.indexed)
