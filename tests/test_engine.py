"""The build cache: warm builds through the command line give, byte for byte, what a clean build gives.

A seeded random walk of edits of every kind runs through warm ``build`` calls (cache on, 2 workers)
and, after each step, the whole output tree is compared with a ``--no-cache`` build (1 worker) of
the same files. A damaged, truncated, foreign or other-version cache is ignored with one warning,
and the output is still exactly the clean one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import random
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from site_builder import cli, pipeline
from site_builder.engine.inputs import RACY, Inputs
from site_builder.engine.packs import MAX_PACKS
from site_builder.engine.session import Session
from site_builder.engine.store import MARKER, Store, cached
from site_builder.options import TEMPLATES, Options
from site_builder.output.writer import MANIFEST
from tests.helpers import copy_fixture, run, tree_bytes


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture archive, a copy of the templates the command line will use, the folder as cwd.

    The search index is left out here (it has a test of its own below): Pagefind would take most
    of the time of each of the many builds.
    """
    copy_fixture(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.setattr(cli, "Options", functools.partial(Options, templates=tmp_path / "templates", search=False))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def warm(*extra: str) -> tuple[int, str, str]:
    return run("build", "--output", "warm", "--jobs", "2", *extra)


def clean() -> dict[str, bytes]:
    shutil.rmtree("clean", ignore_errors=True)
    code, _, err = run("build", "--output", "clean", "--no-cache", "--jobs", "1")
    assert code == 0, err
    return tree_bytes(Path("clean"))


def assert_same_as_clean() -> None:
    mine, reference = tree_bytes(Path("warm")), clean()
    assert sorted(mine) == sorted(reference)
    assert [file for file in reference if mine[file] != reference[file]] == []


class Editor:
    """Saves files the way editors do: each save gets a later modification time."""

    def __init__(self, root: Path, rng: random.Random):
        self.root = root
        self.rng = rng
        self.clock = 1_700_000_000_000_000_000

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.clock += 10_000_000
        os.utime(path, ns=(self.clock, self.clock))

    def replace(self, rel: str, pattern: str, new: str) -> None:
        text = (self.root / rel).read_text(encoding="utf-8")
        changed = re.sub(pattern, new, text, count=1, flags=re.MULTILINE)
        assert changed != text or new in text, (rel, pattern)
        self.write(rel, changed)

    def releases(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in (self.root / "content/releases").rglob("*.md"))


def _edits(editor: Editor, rng: random.Random) -> list[tuple[str, object]]:
    """Every kind of edit an editor or a developer makes, each a function of the random state."""
    def some_release() -> str:
        return rng.choice(editor.releases())

    def body() -> None:
        rel = some_release()
        editor.write(rel, (editor.root / rel).read_text(encoding="utf-8") + f"\nA new sentence {rng.random()}.\n")

    def title() -> None:
        editor.replace(some_release(), r"^title: .*$", f'title: "Retitled {rng.randint(1, 99)}"')

    def mechanisms() -> None:
        chosen = rng.sample(["oif", "osce-odihr", "un-sr-hrd", "coe-commissioner"], rng.randint(0, 2))
        editor.replace(some_release(), r"^date:", f"mechanisms: [{', '.join(chosen)}]\ndate:"
                       if "mechanisms:" not in (editor.root / some_release()).read_text() else "date:")

    def date() -> None:  # moves the release to another year, another list page, other neighbours
        editor.replace(some_release(), r"^date: .*$", f"date: {rng.choice([2009, 2011, 2013, 2016])}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")

    def new_file() -> None:
        n = rng.randint(100, 999)
        editor.write(f"content/releases/2012/2012-06-0{rng.randint(1, 9)}-new-{n}.md",
                     f"---\ntitle: New {n}\ndate: 2012-06-0{rng.randint(1, 9)}\ntopics: [reprisals]\n---\nNew text {n}.\n")

    def delete() -> None:
        candidates = [r for r in editor.releases() if "new-" in r or "renamed-" in r]
        if candidates:
            (editor.root / rng.choice(candidates)).unlink()

    def rename() -> None:
        candidates = [r for r in editor.releases() if "new-" in r]
        if candidates:
            old = rng.choice(candidates)
            (editor.root / old).rename(editor.root / old.replace("new-", "renamed-"))

    def template() -> None:
        name = rng.choice(["release.html", "home.html", "base.html", "year.html"])
        editor.replace(f"templates/{name}", r"\{% block main %\}", "{% block main %}<!-- " + str(rng.random()) + " -->")

    def site_yaml() -> None:
        editor.replace("content/site.yaml", r"^per_page: .*$", f"per_page: {rng.randint(2, 4)}")

    def topics_yaml() -> None:
        editor.replace("content/topics.yaml", r"title: Cooperation.*$", f"title: Cooperation {rng.randint(1, 9)}")

    def static() -> None:
        editor.write("content/static/pdf/warsaw-2010.pdf", "%PDF-1.4 " + "x" * rng.randint(1, 400) + "\n")

    def translation() -> None:
        n = rng.randint(100, 999)
        editor.write(f"content/releases/2014/2014-12-01-statement.es-{n}.md",
                     f"---\ntitle: Declaración {n}\ndate: 2014-12-01\nlang: es\nslug: declaracion-{n}\n"
                     f"translation_key: statement-{n}\n---\nTexto.\n")
        editor.replace("content/releases/2014/2014-12-01-statement.md", r"^(translation_key: .*\n)?title:",
                       f"translation_key: statement-{n}\ntitle:")

    return [("body", body), ("title", title), ("mechanisms", mechanisms), ("date", date), ("new", new_file),
            ("delete", delete), ("rename", rename), ("template", template), ("site.yaml", site_yaml),
            ("topics.yaml", topics_yaml), ("static", static), ("translation", translation)]


def test_a_random_walk_of_edits_through_warm_builds_stays_byte_identical(project: Path) -> None:
    rng = random.Random(8)
    editor = Editor(project, rng)
    edits = _edits(editor, rng)
    assert warm()[0] == 0
    assert_same_as_clean()
    done: set[str] = set()
    compared = 0
    for step in range(16):
        chosen = [edits[step % len(edits)]] + rng.sample(edits, rng.randint(0, 2))
        for name, edit in chosen:
            edit()  # type: ignore[operator]
            done.add(name)
        code, _, err = warm()
        if code != 0:  # a random edit can break the archive (two releases, one address): both say so
            assert run("build", "--output", "clean", "--no-cache")[0] == code, err
            continue
        assert_same_as_clean()
        compared += 1
    assert done == {name for name, _ in edits}
    assert compared >= 10


def test_a_warm_build_with_nothing_changed_renders_nothing(project: Path) -> None:
    from site_builder.pipeline import build
    options = Options(content=project / "content", output=project / "warm", cache_dir=project / ".cache",
                      templates=project / "templates", search=False, jobs=1)
    first = build(options)
    assert first.rendered > 100 and first.changed
    again = build(options)
    assert (again.rendered, again.changed, again.removed) == (0, (), ())
    template = project / "templates/meeting.html"
    template.write_text(template.read_text().replace("{% block main %}", "{% block main %}<!-- edited -->", 1))
    after_template = build(options)  # only the pages made with that template
    assert after_template.rendered == len(after_template.changed) == 15  # 5 meetings in 3 languages
    assert all(f.startswith(("meetings/", "fr/meetings/", "es/meetings/")) for f in after_template.changed)


def test_the_collector_is_paused_where_only_survivors_are_made_and_left_as_it_was(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the snapshot and planning make millions of objects that all live until the end: the
    collector is paused while they are made (its full collections were a tenth of a one-edit build
    at 10,000 releases). Parsing makes cyclic garbage: it runs with the collector on, else that
    garbage would be frozen with the archive. Rendering sees the archive and the plan frozen; a
    caller (serve, tests) gets the collector back as it was, with nothing frozen."""
    import gc

    from site_builder import pipeline
    from site_builder.engine import builder, documents
    from site_builder.engine.snapshot import Snapshot
    seen: dict[str, tuple[bool, int]] = {}

    def noting(name: str, function: Any) -> Any:
        def noted(*args: Any, **kwargs: Any) -> Any:
            seen[name] = (gc.isenabled(), gc.get_freeze_count())
            return function(*args, **kwargs)
        return noted

    monkeypatch.setattr(Snapshot, "read", noting("snapshot", Snapshot.read))
    monkeypatch.setattr(documents, "load_documents", noting("parse", documents.load_documents))
    monkeypatch.setattr(builder, "plan_site", noting("plan", builder.plan_site))
    monkeypatch.setattr(builder, "render_to", noting("render", builder.render_to))
    options = Options(content=project / "content", output=project / "warm", cache_dir=project / ".cache",
                      templates=project / "templates", search=False, jobs=1)
    assert gc.isenabled()
    pipeline.build(options)
    assert (seen["snapshot"][0], seen["parse"][0], seen["plan"][0]) == (False, True, False)
    assert seen["render"][0] is True and seen["render"][1] > 0  # the archive and the plan are frozen
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:  # a caller that paused the collector itself gets it back paused
        pipeline.build(dataclasses.replace(options, output=project / "plain", cache_dir=None))
        assert seen["parse"][0] is False
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    # the dev server's session keeps its documents between saves and collects on its own: none frozen
    assert Session(dataclasses.replace(options, output=project / "served")).rebuild().ok
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_new_paragraph_renders_the_pages_that_show_the_text_not_every_list(project: Path) -> None:
    """A release's text is read through a question of its own: a paragraph added at the end (the
    summary, its first paragraph, unchanged) re-renders its page and the feeds that carry the text;
    the list, year, topic and country pages that name it, the JSON and the sitemap are linked."""
    from site_builder.pipeline import build
    options = Options(content=project / "content", output=project / "warm", cache_dir=project / ".cache",
                      templates=project / "templates", search=False, jobs=1)
    build(options)
    release = project / "content/releases/2014/2014-11-14-inter-mechanisms-5-1.md"
    release.write_text(release.read_text() + "\nA paragraph added at the end.\n")
    after = build(options)
    page = "releases/2014/inter-mechanisms-5-1/index.html"
    assert [f for f in after.changed if not f.endswith("feed.xml")] == [page]
    feeds = [f for f in after.changed if f.endswith(".xml")]
    assert feeds and all(b"A paragraph added at the end." in (project / "warm" / f).read_bytes() for f in feeds)
    assert after.rendered == len(after.changed)  # nothing rendered in vain
    assert_same_as_clean()
    summary = release.read_text().replace("\n---\n", "\n---\nA new first paragraph.\n\n", 1)
    release.write_text(summary)  # the summary, shown in lists, changed: the lists are rendered too
    lists = build(options)
    assert {"releases/2014/index.html", "topics/reprisals/index.html", "api/releases.json"} <= set(lists.changed)
    assert_same_as_clean()


def test_pages_read_a_release_text_only_through_the_properties_that_note_it() -> None:
    """The text fields themselves would be an untracked read: a page showing them would be kept stale."""
    import site_builder.output
    readers = [*TEMPLATES.rglob("*.html"), *Path(site_builder.output.__file__).parent.rglob("*.py")]
    assert len(readers) > 20
    assert [path.name for path in readers if "packed_" in path.read_text(encoding="utf-8")] == []


def test_a_release_stands_in_digests_for_every_field_but_its_text_and_line_numbers() -> None:
    """A release's seed is its repr: a field added with ``repr=False`` (or one of its records' fields)
    would be left out of every digest, and the pages showing it kept stale."""
    import dataclasses
    from site_builder.content.model import TEXT_FIELDS, Attachment, Contact, Release
    from site_builder.engine.documents import seed_of
    assert [f.name for f in dataclasses.fields(Release) if not f.repr] == [*TEXT_FIELDS, "lines"]
    for record in (Attachment, Contact):
        assert all(f.repr for f in dataclasses.fields(record)), record
    release = Release(title="T", date=dt.date(2020, 1, 2), source="releases/t.md", packed_html=b"x")
    assert seed_of(release, b"") == seed_of(dataclasses.replace(release, packed_html=b"y"), b"")
    assert seed_of(release, b"") != seed_of(dataclasses.replace(release, summary="S"), b"")


def test_with_no_input_changed_the_output_is_left_as_it_is(project: Path) -> None:
    """Nothing changed, every output file the one written: nothing is written, not even swapped."""
    assert warm()[0] == 0
    folder = os.stat(project / "warm").st_ino
    code, out, _ = warm()
    assert code == 0 and os.stat(project / "warm").st_ino == folder  # the same folder: no new site swapped in
    assert out.startswith(f"built {len(json.loads((project / 'warm' / MANIFEST).read_text())['files'])} files")
    page = project / "content/pages/about.md"
    os.utime(page)  # same bytes, new stamp: a build runs (and renders nothing new)
    assert warm()[0] == 0 and os.stat(project / "warm").st_ino != folder
    assert_same_as_clean()
    (project / "warm/about/index.html").unlink()  # an output file gone: the build puts it back
    assert warm()[0] == 0
    assert_same_as_clean()
    (project / "templates/static/style.css").write_text((project / "templates/static/style.css").read_text() + "\n/* x */\n")
    assert warm()[0] == 0  # a template-folder file is an input too
    assert_same_as_clean()


def test_a_stamp_read_within_the_clock_tick_proves_nothing() -> None:
    now = time.time_ns()
    assert Inputs(b"d", now - 10 * RACY, now).trusted_against((b"d", now))
    assert not Inputs(b"d", now - 10 * RACY, now).trusted_against((b"other", now))
    assert not Inputs(b"d", now - RACY // 2, now).trusted_against((b"d", now))  # written just before it was read
    assert not Inputs(b"d", now - 10 * RACY, now).trusted_against(None)


def test_a_list_item_reused_on_many_pages_still_counts_as_read_on_each(project: Path) -> None:
    """A release's list item is rendered once per plan and reused; every page showing it depends on
    the mechanism names it prints, so renaming one re-renders each of those pages (not just the first)."""
    assert warm("--jobs", "1")[0] == 0
    mechanism = project / "content/mechanisms/oif.md"
    mechanism.write_text(mechanism.read_text().replace('short: "OIF"', 'short: "OIF-renamed"'))
    assert warm("--jobs", "1")[0] == 0
    assert_same_as_clean()
    lists = [p for p in (project / "warm").rglob("index.html") if b"OIF-renamed</a>" in p.read_bytes()]
    assert len(lists) > 3


def test_jobs_do_not_change_a_byte(project: Path) -> None:
    assert run("build", "--output", "one", "--jobs", "1", "--no-cache")[0] == 0
    assert run("build", "--output", "three", "--jobs", "3", "--cache-dir", "c3")[0] == 0
    assert tree_bytes(project / "one") == tree_bytes(project / "three")


def _damage(cache: Path, how: str) -> None:
    packs = sorted((cache / "documents").glob("*.pack"))
    assert packs
    for pack in packs:  # the documents' entries (see engine/packs.py)
        data = pack.read_bytes()
        if how == "truncated":  # the records after the cut are missing, the one across it too
            pack.write_bytes(data[: len(data) // 2])
        elif how == "corrupt":
            middle = len(data) // 2
            pack.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
        else:  # misplaced: another pack's (valid) records under this name
            pack.write_bytes(packs[0].read_bytes() if pack != packs[0] else packs[-1].read_bytes())
    for namespace in ("outputs", "untouched"):  # the per-output records: damaged, they are a miss
        index = next((cache / namespace).rglob("*"))
        while index.is_dir():
            index = next(index.iterdir())
        index.write_bytes(index.read_bytes()[:-7])


@pytest.mark.parametrize("how", ["truncated", "corrupt", "misplaced"])
def test_a_damaged_cache_is_ignored_with_one_warning(project: Path, how: str) -> None:
    assert warm()[0] == 0
    _damage(project / ".cache", how)
    code, _, err = warm()
    assert code == 0
    assert err.count("warning:") == 1 and "damaged entry of the cache" in err, err
    assert_same_as_clean()
    assert warm()[2] == ""  # rebuilt: no warning the next time


def test_a_cache_of_another_version_is_rebuilt_with_one_warning(project: Path) -> None:
    assert warm()[0] == 0
    marker = project / ".cache" / MARKER
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "builder": "0" * 32}))
    code, _, err = warm()
    assert code == 0 and err.count("warning:") == 1 and "another version of the builder" in err
    assert_same_as_clean()
    marker.write_text("{\"tool\": \"site_bu")  # truncated marker: ours, damaged
    code, _, err = warm()
    assert code == 0 and err.count("warning:") == 1 and "damaged" in err
    assert_same_as_clean()


def test_a_foreign_cache_folder_is_left_alone(project: Path) -> None:
    foreign = project / "theirs"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    code, _, err = warm("--cache-dir", "theirs")
    assert code == 0 and err.count("warning:") == 1 and "not made by this builder" in err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    assert_same_as_clean()


def test_an_output_file_changed_by_hand_is_made_again(project: Path) -> None:
    assert warm()[0] == 0
    page = project / "warm" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"<main", b"<main data-edited"))
    assert warm()[0] == 0
    assert_same_as_clean()


def test_an_output_file_touched_but_unchanged_costs_one_build_not_every_build(project: Path) -> None:
    """Its bytes are checked once (same digest: linked) and its new stamp recorded, so the next
    build with nothing changed trusts the stamp again and writes nothing."""
    assert warm()[0] == 0
    page = project / "warm" / "index.html"
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns - 10**9))
    assert warm()[0] == 0
    folder = os.stat(project / "warm").st_ino
    assert warm()[0] == 0 and os.stat(project / "warm").st_ino == folder
    assert_same_as_clean()


def test_no_cache_writes_no_cache_and_cache_dir_chooses_the_folder(project: Path) -> None:
    assert run("build", "--output", "a", "--no-cache")[0] == 0
    assert not (project / ".cache").exists()
    assert run("build", "--output", "b", "--cache-dir", "elsewhere/c")[0] == 0
    assert (project / "elsewhere/c" / MARKER).is_file() and not (project / ".cache").exists()
    assert run("build", "--output", "c")[0] == 0
    assert (project / ".cache" / MARKER).is_file()
    assert run("build", "--output", "d", "--no-cache", "--cache-dir", "x")[0] == 2  # one or the other


def test_nothing_is_written_outside_the_output_and_cache_folders(project: Path) -> None:
    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(project).as_posix(): p.read_bytes() if p.is_file() else b"/"
                for p in project.rglob("*") if not p.relative_to(project).parts[0] in ("warm", ".cache")}
    before = snapshot()
    assert warm()[0] == 0
    (project / "content/pages/about.md").write_text((project / "content/pages/about.md").read_text() + "\nMore.\n")
    before["content/pages/about.md"] = (project / "content/pages/about.md").read_bytes()
    assert warm()[0] == 0
    assert snapshot() == before
    assert MANIFEST in {p.name for p in (project / "warm").iterdir()}


def test_serve_starts_from_the_cache_build_made(project: Path) -> None:
    assert run("build", "--output", "warm", "--drafts")[0] == 0
    options = Options(content=Path("content"), drafts=True, jobs=1, templates=project / "templates",
                      search=False, cache_dir=Path(".cache"))  # the defaults of both commands
    report = Session(options).rebuild()
    assert report.ok and report.reparsed == 0


def test_builds_and_the_dev_server_merge_the_packs_they_leave(project: Path) -> None:
    """Every build and every dev-server session that parses a file leaves a pack of the documents'
    entries; beyond MAX_PACKS, the next build (or session) merges them, and warm builds stay exact."""
    release = sorted((project / "content/releases").rglob("*.md"))[0]
    documents = project / ".cache" / "documents"
    for build in range(MAX_PACKS + 2):
        release.write_text(release.read_text(encoding="utf-8") + f"\nEdit {build}.\n", encoding="utf-8")
        os.utime(release, ns=(time.time_ns(), time.time_ns() - 10 * RACY))
        assert warm()[0] == 0
        assert len(list(documents.glob("*.pack"))) <= MAX_PACKS + 1
    assert_same_as_clean()
    store = Store.open(project / ".cache", print)
    assert store is not None
    for extra in range(MAX_PACKS):  # as many dev-server sessions that each parsed a file
        store._pack("documents").close()
        store.put("documents", bytes([extra]) * 32, "parsed by a session")
    assert len(list(documents.glob("*.pack"))) > MAX_PACKS
    Session(Options(content=Path("content"), jobs=1, templates=project / "templates", search=False,
                    cache_dir=Path(".cache")))
    assert len(list(documents.glob("*.pack"))) == 2
    assert warm()[0] == 0
    assert_same_as_clean()


def test_a_value_keyed_by_content_hash(tmp_path: Path) -> None:
    warnings: list[str] = []
    store = Store.open(tmp_path / "c", warnings.append)
    assert store is not None
    calls: list[int] = []
    key = b"k" * 32
    assert cached(store, "pdf-text", key, lambda: calls.append(1) or "text") == "text"
    assert cached(Store.open(tmp_path / "c", warnings.append), "pdf-text", key, lambda: calls.append(1) or "other") == "text"
    assert calls == [1] and warnings == []
    assert cached(None, "pdf-text", key, lambda: "computed") == "computed"


def test_digests_do_not_depend_on_hash_order_or_identity() -> None:
    """The same values digested in processes with different hash seeds give the same digest."""
    import subprocess
    import sys
    program = ("from site_builder.engine.digest import Digester; import datetime as dt; "
               "from site_builder.engine.fingerprint import Ref; "
               "print(Digester().of(({'b': 1, 'a': frozenset({'x', 'y', 'z', 'w'})}, {Ref('topic', 't'), Ref('release', 'r')}, "
               "dt.date(2010, 12, 9), [1.5, None, b'\\x00'])).hex())")
    digests = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
    from site_builder.engine.digest import Digester
    digester = Digester()
    assert digester.of({"a": 1, "b": 2}) != digester.of({"b": 2, "a": 1})  # a template loops in this order
    assert digester.of(("a", "b")) != digester.of(("ab",))
    with pytest.raises(TypeError):
        digester.of(object())


def test_digests_tell_apart_values_that_compare_equal() -> None:
    """Members of two str enums with the same value, the string itself, True and 1: four digests (the
    digester dispatches on exact types: that must not merge them)."""
    import enum

    from site_builder.engine.digest import Digester

    class First(str, enum.Enum):
        PAGE = "page"

    class Second(str, enum.Enum):
        PAGE = "page"

    digester = Digester()
    assert First.PAGE == Second.PAGE == "page"
    assert len({digester.of(First.PAGE), digester.of(Second.PAGE), digester.of("page")}) == 3
    assert len({digester.of([First.PAGE]), digester.of([Second.PAGE]), digester.of(["page"])}) == 3
    assert digester.of(True) != digester.of(1) and digester.of((1,)) != digester.of((True,))
    assert digester.of(First.PAGE) == Digester().of(First.PAGE)  # kept bytes = computed bytes


def test_a_build_plans_without_markdown_and_the_dev_server_still_reads_it_from_the_same_cache(project: Path) -> None:
    """A build's releases leave their Markdown source out (no page shows it); the dev server's panels
    read it, so its first load over a cache a build filled (snapshot and entries) must have it."""
    from site_builder.engine.builder import Engine
    options = Options(content=project / "content", output=project / "built", cache_dir=project / ".cache",
                      templates=project / "templates", search=False, jobs=1)
    for _ in range(2):  # cold (parsed), then warm (the build's snapshot)
        engine = Engine(options, [])
        releases = engine.load().releases
        assert releases and all(r.packed_markdown == b"" and r.packed_html for r in releases)
        pipeline.build(options)
    session = Session(dataclasses.replace(options, output=project / "served"))
    assert session.rebuild().ok and session.archive is not None
    written = {r.source: r.body_markdown for r in session.archive.releases}
    assert all(written.values())
    some = sorted(written)[0]
    assert written[some] in (project / "content" / some).read_text(encoding="utf-8")
    pipeline.build(options)  # after the dev server: a build again without
    assert all(r.packed_markdown == b"" for r in Engine(options, []).load().releases)
