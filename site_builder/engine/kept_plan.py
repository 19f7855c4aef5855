"""The last full plan, kept in the cache for the builds that change release texts only.

The usual edit changes one release's text. Reading the archive back (10,000 documents from the
snapshot) and planning again (the views, 18,000 routes, the collision checks) took 0.9 s of a
2.6 s one-edit build at 10,000 releases, to make a plan that is the previous one with a new
release object in it: planning never reads a text (plan/patch.py, which the dev server uses on
each save, and tests/plan/test_patch.py).

So a build that plans in full keeps the plan (views and routes: 0.27 s to unpickle at 10,000
releases, 0.4 s to pickle, as soon as it is made, before anything is rendered and while the
process is small) with the stamp of every content file it was made from. A later build whose
content files are those, with the same theme and options, but for some releases whose fields
other than the text are unchanged, takes that plan and puts the new releases in it
(``Patchable.patch``); anything else (a new file, a date, site.yaml, a meeting, a stamp it cannot
trust) plans in full, and keeps that plan for the next builds. The kept plan is not rewritten by
the builds that patch it: each one compares the files with the kept stamps again, so the releases
edited since are read again each time (from the documents' cache: about a millisecond each).

A stamp read less than ``RACY`` after its file's mtime proves nothing (see engine/inputs.py): such
a file counts as changed. A kept plan that cannot be read is planned again, never an error.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from ..content.discover import SourceFile
from ..content.model import Archive, Release
from ..errors import Diagnostic
from ..plan.assets import Asset
from ..plan.patch import Patchable, planned_fields
from ..plan.routes import Route
from ..plan.site import Site, Theme
from ..plan.urls import Urls
from ..plan.views import Views
from .inputs import RACY
from .store import digest_bytes

NAMESPACE = "plans"  # what the plan was made from (``KeptPlan``)
OBJECTS = "plan-objects"  # the plan itself (``PlanObjects``)
Stamp = tuple[int, int, int, int]


@dataclass(frozen=True)
class KeptPlan:
    """A full plan as the cache keeps it, with what it was made from."""

    stamps: dict[str, Stamp]  # every content file (path relative to content/) -> its stamp when read
    read_ns: int  # when the stamps were read
    theme: bytes  # the assets' names in the site (routes name them)
    made_from: dict[str, tuple[bytes, bytes]]  # each document's key and seed (see documents.py)
    listing: bytes  # the archive but for the texts, as the engine digests it
    token: bytes  # names the plan's own entry (``PlanObjects``), stored first: a pair, never mixed


# the plan itself, in an entry of its own (read only when the files allow it): its token, the views,
# the routes, the PDF texts and where the routes hold each release
PlanObjects = tuple[bytes, Views, tuple[Route, ...], dict[str, str], Optional[dict[str, tuple[int, ...]]]]


def theme_digest(assets: dict[str, Asset]) -> bytes:
    """What of the theme the routes depend on: each asset's name and hashed path."""
    return digest_bytes(b"theme", *(f"{name}\0{asset.path}".encode() for name, asset in sorted(assets.items())))


def keep(site: Site, sources: Sequence[SourceFile], read_ns: int, made_from: dict[str, tuple[bytes, bytes]],
         listing: bytes) -> tuple[KeptPlan, PlanObjects]:
    """The plan of ``site``, made from ``sources`` (as stamped at ``read_ns``), as the cache keeps it."""
    patchable = Patchable(site)
    patchable.prepare()  # where the routes hold each release: the patch needs it, and it is found once
    stamps = {s.rel: s.stamp for s in sources}
    token = digest_bytes(b"kept plan", repr(sorted(stamps.items())).encode(), str(read_ns).encode(), listing)
    return (KeptPlan(stamps, read_ns, theme_digest(site.assets), dict(made_from), listing, token),
            (token, site.views, site.routes, site.attachment_texts, patchable.holders))


def changed_releases(kept: KeptPlan, sources: Sequence[SourceFile]) -> Optional[list[SourceFile]]:
    """The releases whose files may have changed since the plan was kept; None when any other file
    did, or a file came or went (then the plan is made in full)."""
    if len(sources) != len(kept.stamps):
        return None
    changed = []
    for source in sources:
        stamp = kept.stamps.get(source.rel)
        if stamp is None:
            return None
        if stamp != source.stamp or stamp[0] >= kept.read_ns - RACY:
            if source.kind != "release":
                return None
            changed.append(source)
    return changed


def patched(kept: KeptPlan, objects: Any, theme: Theme, releases: dict[str, tuple[Release, list[Diagnostic]]]) -> Optional[Site]:
    """The kept plan (``objects``, its entry) with ``releases`` (by path: each new release and its
    problems) in it; None when one of them changed more than its text, has an error, or the entry
    is not the plan's."""
    catalogs, assets = theme
    if theme_digest(assets) != kept.theme or not isinstance(objects, tuple) or len(objects) != 5 \
            or objects[0] != kept.token or not isinstance(objects[1], Views):
        return None
    _, views, routes, texts, holders = objects
    archive: Archive = views.archive
    old = {release.source: release for release in archive.releases}
    replaced: dict[str, Release] = {}
    for rel, (release, problems) in releases.items():
        before = old.get(rel)
        if before is None or any(p.is_error for p in problems) or planned_fields(before) != planned_fields(release):
            return None
        replaced[rel] = release
    warnings = [w for w in archive.warnings if w.path not in releases] + [p for _, ps in releases.values() for p in ps]
    archive = dataclasses.replace(archive, releases=tuple(replaced.get(r.source, r) for r in archive.releases),
                                  warnings=tuple(sorted(warnings)))
    site = Site(views, Urls(archive.config), catalogs.translations(archive.config.languages), assets, routes, catalogs, texts)
    patch = Patchable(site, holders).patch(archive)
    return patch.site if patch is not None else None


def well_formed(value: Any) -> bool:
    """A ``KeptPlan`` as this version stores it."""
    return isinstance(value, KeptPlan) and isinstance(value.stamps, dict) and isinstance(value.made_from, dict) \
        and isinstance(value.listing, bytes) and isinstance(value.theme, bytes) and isinstance(value.token, bytes)
