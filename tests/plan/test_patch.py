"""A patched plan is the plan made from scratch: the same views and routes, the same objects in them.

``replan`` swaps new release objects into the previous plan when only their bodies (or summaries)
changed. Each case below changes an archive, plans it from scratch and patches the old plan, and
compares the two field by field, objects by identity; any other kind of change must refuse.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from site_builder.content.archive import load_archive
from site_builder.content.model import Archive, Release, pack
from site_builder.content.yaml_lines import LineMap
from site_builder.options import Options
from site_builder.plan.patch import BODY_FIELDS, KEPT_VIEWS, SWAPPED_VIEWS, Patchable
from site_builder.plan.site import Site, plan_site
from site_builder.plan.views import Paginated, Views
from tests.helpers import copy_fixture


def shape(value: Any) -> Any:
    """``value`` with every model object named by its identity, containers walked: equal shapes hold
    the very same objects in the same places."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(shape(item) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple((shape(key), shape(item)) for key, item in value.items()))
    if isinstance(value, Paginated):
        return ("page", value.number, value.total, shape(value.items))
    return ("object", type(value).__name__, id(value))


def assert_same_plan(patched: Site, fresh: Site) -> None:
    for field in dataclasses.fields(Views):
        assert shape(getattr(patched.views, field.name)) == shape(getattr(fresh.views, field.name)), field.name
    assert len(patched.routes) == len(fresh.routes)
    for mine, theirs in zip(patched.routes, fresh.routes):
        assert mine == theirs and mine.line == theirs.line
        assert shape(mine.context) == shape(theirs.context), mine.path


def fixture(tmp_path: Path) -> tuple[Options, Archive, Site]:
    copy_fixture(tmp_path)
    options = Options(content=tmp_path / "content", jobs=1, drafts=True)
    archive = load_archive(options)
    return options, archive, plan_site(archive, options)


def replan(site: Site, archive: Archive) -> Site | None:
    patched = Patchable(site).patch(archive)
    return patched.site if patched is not None else None


def with_releases(archive: Archive, change: Any) -> Archive:
    return dataclasses.replace(archive, releases=tuple(change(r) for r in archive.releases))


def new_body(release: Release, text: str) -> Release:
    return dataclasses.replace(release, packed_html=pack(f"<p>{text}</p>"), packed_markdown=pack(text), summary=text)


def test_new_bodies_patch_to_the_plan_made_from_scratch(tmp_path: Path) -> None:
    options, archive, site = fixture(tmp_path)
    rng = random.Random(8)
    plan = Patchable(site)
    for step in range(6):  # a few releases at a time, from the previous patched plan each time
        chosen = set(rng.sample([r.source for r in archive.releases], rng.randint(1, 4)))
        archive = with_releases(archive, lambda r: new_body(r, f"step {step}") if r.source in chosen else r)
        patched = plan.patch(archive)
        assert patched is not None
        assert_same_plan(patched.site, plan_site(archive, options))
        assert patched.site.views.archive is archive
        plan = patched


def test_every_other_change_is_planned_again(tmp_path: Path) -> None:
    options, archive, site = fixture(tmp_path)
    first = archive.releases[0]
    changes = {
        "title": lambda r: dataclasses.replace(r, title=r.title + " (updated)"),
        "date": lambda r: dataclasses.replace(r, date=r.date.replace(year=r.date.year - 1)),
        "topics": lambda r: dataclasses.replace(r, topics=(*r.topics, "a-new-topic")),
        "draft": lambda r: dataclasses.replace(r, draft=not r.draft),
        "line numbers": lambda r: dataclasses.replace(r, lines=LineMap(r.lines.lines, r.lines.default + 1)),
    }
    for name, change in changes.items():
        changed = with_releases(archive, lambda r: change(r) if r is first else r)
        assert replan(site, changed) is None, name
    assert replan(site, dataclasses.replace(archive, releases=archive.releases[1:])) is None  # one gone
    assert replan(site, dataclasses.replace(archive, meetings=archive.meetings[1:])) is None
    meeting = archive.meetings[0]
    assert replan(site, dataclasses.replace(archive, meetings=(dataclasses.replace(meeting, city="Elsewhere"),
                                                                *archive.meetings[1:]))) is None
    assert replan(site, dataclasses.replace(archive, config=dataclasses.replace(archive.config, per_page=1))) is None
    unchanged = replan(site, archive)
    assert unchanged is not None and unchanged.routes is site.routes  # nothing to swap: the same routes


def test_the_patch_knows_every_field_it_relies_on() -> None:
    """A new field of the views, the archive or a release must be looked at here before patching may go on."""
    assert {f.name for f in dataclasses.fields(Views)} == SWAPPED_VIEWS | KEPT_VIEWS
    assert {f.name for f in dataclasses.fields(Archive)} == {"config", "releases", "meetings", "mechanisms", "topics",
                                                           "pages", "statics", "warnings"}
    assert BODY_FIELDS <= {f.name for f in dataclasses.fields(Release)}
