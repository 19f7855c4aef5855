"""The previous plan brought up to date without planning again, when only release bodies changed.

While an editor writes a release, each save changes its text and nothing else: the same URLs,
lists, years and neighbours, with a new release object in them. Planning again (the views, 15,000
routes at 5,000 releases, the collision checks) was four fifths of the dev server's rebuild; this
puts the new objects in place of the old ones wherever the plan holds them instead.

It is sound because planning never reads a release's body or summary (``BODY_FIELDS``): ``derive``,
``build_routes``, ``find_collisions`` and the PDF texts read the other fields only. When those are
equal, a plan made from scratch has the same views and routes, with the new objects where the old
ones were (tests/plan/test_patch.py compares the two, field by field, on edits of every kind). Any
other change (a date, a topic, a new file, a meeting, site.yaml) returns None: plan again.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional, TypeVar

from ..content.model import Archive, Mechanism, Meeting, Page, Release, Topic
from .routes import Route
from .site import Site, Theme
from .views import Paginated, Views

T = TypeVar("T")

BODY_FIELDS = frozenset({"packed_html", "packed_markdown", "summary"})  # what planning never reads
# the views that hold releases, each swapped below; the others must not change (see test_patch.py)
SWAPPED_VIEWS = frozenset({"archive", "published", "release_translations", "neighbour_map", "by_language",
                           "by_subject", "by_year"})
KEPT_VIEWS = frozenset({"pages", "timeline", "mechanisms", "topics", "meetings_by_number", "mechanisms_by_id",
                        "topics_by_id", "countries", "page_translations", "with_drafts"})
_OTHER_DOCUMENTS = ("meetings", "mechanisms", "topics", "pages", "statics")  # kept as they are, or plan again
_PLAIN = (str, int, bool, type(None), Meeting, Mechanism, Topic, Page)  # context values with no release in them


class Patchable:
    """A plan, and where its routes hold which release (found on the first patch, then kept: a patch
    moves no route, and a release keeps its source)."""

    def __init__(self, site: Site, holders: Optional[dict[str, tuple[int, ...]]] = None):
        self.site = site
        self._holders = holders  # None: not found yet, or cannot be (then _prepared says which)
        self._prepared = holders is not None

    @property
    def theme(self) -> Theme:
        """The catalogs and assets it was planned with (a template edit changes neither)."""
        return self.site.catalogs, self.site.assets

    @property
    def holders(self) -> Optional[dict[str, tuple[int, ...]]]:
        """Where the routes hold each release (see ``prepare``), to keep with the plan."""
        return self._holders

    def prepare(self) -> None:
        """Find where the routes hold releases now (the dev server does it while nobody waits)."""
        if not self._prepared:
            self._holders, self._prepared = _holders(self.site.routes), True

    def patch(self, archive: Archive) -> Optional[Patchable]:
        """This plan with the releases of ``archive`` in it, or None when planning is needed."""
        swaps = body_swaps(self.site.views.archive, archive)
        if swaps is None:
            return None
        self.prepare()
        holders = self._holders
        if holders is None:  # a route context this module does not know how to patch
            return None
        positions = sorted({p for release in swaps.values() for p in holders.get(release.source, ())})
        site = dataclasses.replace(self.site, views=_swapped_views(self.site.views, archive, swaps),
                                   routes=_swapped_routes(self.site.routes, positions, swaps))
        return Patchable(site, holders)


def body_swaps(old: Archive, new: Archive) -> Optional[dict[int, Release]]:
    """``id`` of each old release -> its new object, when the two archives differ by release bodies only."""
    if new.config is not old.config and new.config != old.config:
        return None
    for name in _OTHER_DOCUMENTS:
        before, after = getattr(old, name), getattr(new, name)
        if len(before) != len(after) or any(a is not b and _fields(a) != _fields(b) for a, b in zip(before, after)):
            return None  # topics are read anew from topics.yaml each time: equal, not the same objects
    if len(old.releases) != len(new.releases):
        return None
    swaps: dict[int, Release] = {}
    for before_release, after_release in zip(old.releases, new.releases):
        if before_release is not after_release:
            if planned_fields(before_release) != planned_fields(after_release):
                return None
            swaps[id(before_release)] = after_release
    return swaps


def planned_fields(release: Release) -> tuple[Any, ...]:
    """Every field planning may read (``lines`` too: routes name the line of a slug or alias)."""
    return tuple(getattr(release, f.name) for f in dataclasses.fields(release) if f.name not in BODY_FIELDS)


def _fields(document: Any) -> tuple[Any, ...]:
    """Every field, those left out of ``==`` included (a document's line numbers)."""
    return tuple(getattr(document, f.name) for f in dataclasses.fields(document))


def _swap(items: tuple[T, ...], swaps: dict[int, Release]) -> tuple[T, ...]:
    """``items`` with each old release replaced (the same tuple when none is in it: most lists)."""
    ids = list(map(id, items))  # found by identity, at C speed: lists of thousands, one release to swap
    if swaps.keys().isdisjoint(ids):
        return items
    result: list[Any] = list(items)
    for old, new in swaps.items():
        start = 0
        while True:
            try:
                start = ids.index(old, start)
            except ValueError:
                break
            result[start] = new
            start += 1
    return tuple(result)


def _swapped_views(views: Views, archive: Archive, swaps: dict[int, Release]) -> Views:
    new = list(swaps.values())
    translations = dict(views.release_translations)
    for release in new:
        for member in translations.get(release.source, ()):
            translations[member.source] = _swap(translations[member.source], swaps)
    neighbours = dict(views.neighbour_map)
    for source in _neighbourhood(views, new):
        newer, older = neighbours[source]
        neighbours[source] = (None if newer is None else swaps.get(id(newer), newer),
                              None if older is None else swaps.get(id(older), older))
    return dataclasses.replace(
        views, archive=archive, published=_swap(views.published, swaps), release_translations=translations,
        neighbour_map=neighbours,
        by_language={lang: _swap(releases, swaps) for lang, releases in views.by_language.items()},
        by_subject={key: _swap(releases, swaps) for key, releases in views.by_subject.items()},
        by_year={lang: {year: _swap(releases, swaps) for year, releases in years.items()}
                 for lang, years in views.by_year.items()})


def _neighbourhood(views: Views, releases: Iterable[Release]) -> set[str]:
    """The releases whose previous/next links name one of ``releases``: theirs, and their neighbours'."""
    sources = set()
    for release in releases:
        if release.source in views.neighbour_map:
            sources.add(release.source)
            sources.update(r.source for r in views.neighbour_map[release.source] if r is not None)
    return sources


def _holders(routes: tuple[Route, ...]) -> Optional[dict[str, tuple[int, ...]]]:
    """Each release's source -> the positions of the routes whose context holds it (itself, or in a page of
    a list); None when a context holds a value of a kind not known here (then: plan again)."""
    found: dict[str, list[int]] = {}
    for position, route in enumerate(routes):
        for value in route.context.values():
            if isinstance(value, _PLAIN):
                continue
            if isinstance(value, Release):
                held: tuple[Any, ...] = (value,)
            elif isinstance(value, Paginated):
                held = value.items
            elif type(value) is tuple:
                held = value
            else:
                return None
            for item in held:
                if isinstance(item, Release):
                    found.setdefault(item.source, []).append(position)
                elif not isinstance(item, _PLAIN):  # a release could hide in it
                    return None
    return {source: tuple(positions) for source, positions in found.items()}


def _swapped_routes(routes: tuple[Route, ...], positions: list[int], swaps: dict[int, Release]) -> tuple[Route, ...]:
    """The routes with the new releases in the contexts of those at ``positions``."""
    if not positions:
        return routes
    result = list(routes)
    for position in positions:
        route = routes[position]
        context = dict(route.context)
        for key, value in route.context.items():
            if isinstance(value, Release):
                context[key] = swaps.get(id(value), value)
            elif isinstance(value, Paginated):
                items = _swap(value.items, swaps)
                context[key] = value if items is value.items else Paginated(value.number, value.total, items)
            elif type(value) is tuple:
                context[key] = _swap(value, swaps)
        result[position] = dataclasses.replace(route, context=context)
    return tuple(result)
