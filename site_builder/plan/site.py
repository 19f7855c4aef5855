"""The plan of a site: everything to write, decided before anything is rendered.

``plan_site`` turns a checked archive into ``Site``: its views (what each page lists), its URLs,
the interface translations and hashed assets of the theme, and every output as a ``Route``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from typing import Optional

from ..content.model import Archive
from ..errors import ContentError
from ..options import Options
from .assets import Asset, collect_assets
from .catalogs import Catalogs, load_catalogs
from .pdftext import read_texts
from .routes import Route, build_routes, find_collisions
from .urls import Urls
from .views import Views, derive


@dataclass(frozen=True)
class Site:
    """What every template and producer may read: the archive's views, its URLs and the interface strings."""

    views: Views
    urls: Urls
    translations: dict[str, gettext.NullTranslations]  # per site language, with its fallbacks
    assets: dict[str, Asset]
    routes: tuple[Route, ...]
    catalogs: Catalogs  # what the translations were made from: the part a cache key can digest
    attachment_texts: dict[str, str] = field(default_factory=dict)  # PDF path on disk -> its text (search)

    def gettext(self, lang: str, message: str) -> str:
        """An interface string in ``lang`` (the default language's, or English, when it has none)."""
        return self.translations[lang].gettext(message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        """The plural form of an interface string that CLDR's rules of ``lang`` pick for ``n``."""
        return self.translations[lang].ngettext(singular, plural, n)


Theme = tuple[Catalogs, dict[str, Asset]]  # interface catalogs, assets


def load_theme(options: Options) -> Theme:
    """What templates/ gives besides the templates: the gettext catalogs and the hashed assets."""
    return load_catalogs(options.templates), collect_assets(options.templates)


def plan_site(archive: Archive, options: Options, theme: Optional[Theme] = None) -> Site:
    """Views and routes of a checked archive; raise ContentError when two files claim one URL.

    ``theme`` is read from templates/ unless given (the dev server keeps it between saves).
    """
    catalogs, assets = theme if theme is not None else load_theme(options)
    views: Views = derive(archive, drafts=options.drafts)
    urls = Urls(archive.config)
    routes = build_routes(views, urls, assets)
    collisions = find_collisions(routes)
    if collisions:
        raise ContentError(collisions)
    texts, _ = read_texts(views.published, options.cache_dir)
    return Site(views, urls, catalogs.translations(archive.config.languages), assets, tuple(routes), catalogs, texts)
