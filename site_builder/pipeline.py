"""The whole pipeline in one readable place: ``build()`` and ``check()``.

discover -> load (parse + validate) -> link -> derive views -> routes -> render -> write.
``check`` is the same pipeline stopped before rendering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .content.archive import LoadCache, load_archive
from .content.lint import find_warnings
from .errors import Diagnostic
from .options import Options
from .output.render import Renderer, render_all
from .output.search import index_site
from .output.writer import Writer, check_output_folder, read_manifest, read_manifest_note
from .plan.site import plan_site


SEARCH_NOTE = "search_inputs"  # the manifest entry holding the digest of the search index's inputs


@dataclass(frozen=True)
class BuildResult:
    files: int
    warnings: tuple[Diagnostic, ...] = ()


def check(options: Options, today: Optional[dt.date] = None) -> list[Diagnostic]:
    """Validate without rendering: the problems ``build`` would stop on (raised as ContentError).

    Returns the warnings about likely mistakes (see ``warnings``); ``today`` is the only clock
    reading of the whole program, and is used only to warn about releases dated in the future.
    """
    archive = load_archive(options)
    plan_site(archive, options)
    return find_warnings(archive, options.content, today or dt.date.today())


def build(options: Options, cache: Optional[LoadCache] = None) -> BuildResult:
    """Validate, render and write the whole site; ``options.output`` changes only if all went well."""
    check_output_folder(options.output, options.content, Path.cwd())
    archive = load_archive(options, cache)
    site = plan_site(archive, options)
    rendered = render_all(Renderer(site, options.templates), options.jobs)
    writer = Writer(options.output)
    try:
        for file, data in sorted(rendered):
            writer.write(file, data)
        for route in site.routes:
            if route.kind == "copy":
                writer.copy(route.output_file, route.file, route.source)
        if options.search:
            search = index_site(writer.stage, [r.output_file for r in site.routes if r.kind == "page"],
                                options.output, read_manifest_note(options.output, SEARCH_NOTE),
                                read_manifest(options.output) or ())
            writer.adopt(search.files, "the search index")
            writer.notes[SEARCH_NOTE] = search.digest
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return BuildResult(files=len(writer.sources))
