"""The plan of a site: everything to write, decided before anything is rendered.

``plan_site`` turns a checked archive into ``Site``: its views (what each page lists), its URLs,
the UI strings and hashed assets of the theme, and every output as a ``Route``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ..content.model import Archive
from ..content.read import read_text
from ..content.yaml_lines import YamlError, load_yaml
from ..errors import ContentError, Diagnostic
from ..options import Options
from .assets import Asset, collect_assets
from .routes import Route, build_routes, find_collisions
from .urls import Urls
from .views import Views, derive

STRINGS_FILE = "strings.yaml"


@dataclass(frozen=True)
class Site:
    """What every template and producer may read: the archive's views, its URLs and the UI strings."""

    views: Views
    urls: Urls
    strings: dict[str, dict[str, str]]
    assets: dict[str, Asset]
    routes: tuple[Route, ...]

    def t(self, key: str, lang: str) -> str:
        """A UI string in ``lang``, falling back to English; an unknown key is an error, not a blank."""
        entry = self.strings.get(key)
        if entry is None:
            raise KeyError(f"no UI string '{key}' in templates/{STRINGS_FILE}")
        return entry.get(lang) or entry["en"]


def load_strings(templates: Path) -> dict[str, dict[str, str]]:
    """templates/strings.yaml: ``key: {en: ..., fr: ..., es: ...}``."""
    path = templates / STRINGS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError([Diagnostic(f"templates/{STRINGS_FILE}", 0, f"cannot read the UI strings: {exc}",
                                       code="template-error")]) from None
    return {str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in data.items()}


PER_LANGUAGE = ("language_name_", "in_language_")  # strings every language of the site needs


def missing_languages(strings: dict[str, dict[str, str]], languages: tuple[str, ...], content: Path) -> list[Diagnostic]:
    """A language of site.yaml the templates cannot name: refused by ``check`` as by ``build``."""
    problems = []
    for index, lang in enumerate(languages):
        absent = [prefix + lang for prefix in PER_LANGUAGE if prefix + lang not in strings]
        if absent:
            problems.append(Diagnostic("site.yaml", _language_line(content, index),
                                       f"the language '{lang}' has no name in templates/{STRINGS_FILE} ({', '.join(absent)})",
                                       f"ask the design team to add {absent[0]} to templates/{STRINGS_FILE}, "
                                       "or remove the language", code="unknown-language"))
    return problems


def _language_line(content: Path, index: int) -> int:
    try:
        _, lines = load_yaml(read_text(content / "site.yaml", "site.yaml"))
    except (ContentError, YamlError):
        return 0
    return lines.at("languages", index)


Theme = tuple[dict[str, dict[str, str]], dict[str, Asset]]  # UI strings, assets


def load_theme(options: Options) -> Theme:
    """What templates/ gives besides the templates: the UI strings and the hashed assets."""
    return load_strings(options.templates), collect_assets(options.templates)


def plan_site(archive: Archive, options: Options, theme: Optional[Theme] = None) -> Site:
    """Views and routes of a checked archive; raise ContentError when two files claim one URL.

    ``theme`` is read from templates/ unless given (the dev server keeps it between saves).
    """
    strings, assets = theme if theme is not None else load_theme(options)
    missing = missing_languages(strings, archive.config.languages, options.content)
    if missing:
        raise ContentError(missing)
    views: Views = derive(archive, drafts=options.drafts)
    urls = Urls(archive.config)
    routes = build_routes(views, urls, assets)
    collisions = find_collisions(routes)
    if collisions:
        raise ContentError(collisions)
    return Site(views, urls, strings, assets, tuple(routes))
