"""The kept plan: a build that changes release texts only patches the last full plan instead of
loading and planning again; anything else plans in full. Either way the output is a clean build's."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from site_builder.engine import builder
from site_builder.errors import ContentError
from site_builder.options import TEMPLATES, Options
from site_builder.pipeline import build
from tests.helpers import copy_fixture, tree_bytes

PAST = 1_700_000_000_000_000_000  # ns: stamps this old can be trusted (see engine/inputs.py, RACY)


@pytest.fixture
def options(tmp_path: Path) -> Options:
    copy_fixture(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    for path in (tmp_path / "content").rglob("*"):
        os.utime(path, ns=(PAST, PAST))
    return Options(content=tmp_path / "content", output=tmp_path / "warm", cache_dir=tmp_path / ".cache",
                   templates=tmp_path / "templates", search=False, jobs=1)


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per build that planned in full."""
    made: list[int] = []
    original = builder.plan_site

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(builder, "plan_site", counted)
    return made


def edit(path: Path, old: str, new: str, at: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(PAST + at, PAST + at))


def same_as_clean(options: Options, plans: list[int]) -> bool:
    """The output is what a build without the cache makes (whose plan is not counted)."""
    clean, counted = options.output.parent / "clean", len(plans)
    shutil.rmtree(clean, ignore_errors=True)
    build(dataclasses.replace(options, output=clean, cache_dir=None))
    del plans[counted:]
    return tree_bytes(clean) == tree_bytes(options.output)


def test_text_edits_patch_the_kept_plan_and_any_other_edit_plans_in_full(options: Options, plans: list[int]) -> None:
    releases = options.content / "releases"
    first, second = releases / "2014/2014-11-14-inter-mechanisms-5-1.md", releases / "2015/2015-01-20-january.md"
    build(options)
    assert len(plans) == 1
    edit(first, "\n---\n", "\n---\nA first paragraph, new.\n\n", 1)
    assert build(options).rendered > 0 and len(plans) == 1  # patched
    assert same_as_clean(options, plans)
    edit(second, "\n---\n", "\n---\nAnother paragraph.\n\n", 2)  # the first stays edited since the plan was kept
    build(options)
    assert len(plans) == 1 and same_as_clean(options, plans)
    edit(second, "title: ", "title: Retitled ", 3)  # more than the text: planned in full, and kept
    build(options)
    assert len(plans) == 2 and same_as_clean(options, plans)
    edit(first, "A first paragraph, new.", "A first paragraph, newer.", 4)
    build(options)
    assert len(plans) == 2 and same_as_clean(options, plans)
    (releases / "2014/2014-12-24-added.md").write_text('---\ntitle: "Added"\ndate: 2014-12-24\n---\nNew.\n', encoding="utf-8")
    build(options)
    assert len(plans) == 3 and same_as_clean(options, plans)


def test_an_edited_text_with_an_error_fails_as_a_clean_build_does(options: Options, plans: list[int]) -> None:
    build(options)
    before = tree_bytes(options.output)
    release = options.content / "releases/2015/2015-01-20-january.md"
    edit(release, "\n---\n", "\n---\n" + "> " * 45 + "too deep\n\n", 1)
    with pytest.raises(ContentError) as warm:
        build(options)
    with pytest.raises(ContentError) as clean:
        build(dataclasses.replace(options, output=options.output.parent / "clean", cache_dir=None))
    assert [d.message for d in warm.value.diagnostics] == [d.message for d in clean.value.diagnostics]
    assert tree_bytes(options.output) == before


def test_a_damaged_kept_plan_is_planned_again_with_one_warning(options: Options, plans: list[int]) -> None:
    build(options)
    for entry in (options.cache_dir / "plan-objects").rglob("*"):  # type: ignore[operator]
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-9])
    edit(options.content / "releases/2015/2015-01-20-january.md", "\n---\n", "\n---\nMore.\n\n", 1)
    result = build(options)
    assert len(plans) == 2 and len(result.notices) == 1 and "damaged" in result.notices[0]
    assert same_as_clean(options, plans)


def test_files_written_just_before_the_plan_was_kept_are_not_trusted(options: Options, plans: list[int]) -> None:
    """A stamp read within the clock's tick of a write proves nothing: such a file counts as changed,
    so settings saved just before a build make the next text edit plan in full."""
    now = time.time_ns()
    os.utime(options.content / "site.yaml", ns=(now, now))
    build(options)
    edit(options.content / "releases/2015/2015-01-20-january.md", "\n---\n", "\n---\nMore.\n\n", 1)
    build(options)
    assert len(plans) == 2 and same_as_clean(options, plans)


def test_a_plan_that_cannot_be_pickled_is_not_kept_and_the_build_goes_on(options: Options, plans: list[int],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.engine import kept_plan
    original = kept_plan.keep

    def unpicklable(*args: Any, **kwargs: Any) -> Any:
        meta, objects = original(*args, **kwargs)
        return meta, (*objects[:-1], lambda: None)  # a value pickle refuses
    monkeypatch.setattr(kept_plan, "keep", unpicklable)
    build(options)
    assert not any(p.is_file() for p in (options.cache_dir / "plans").rglob("*"))  # type: ignore[operator]
    edit(options.content / "releases/2015/2015-01-20-january.md", "\n---\n", "\n---\nMore.\n\n", 1)
    build(options)
    assert len(plans) == 2 and same_as_clean(options, plans)
