"""The dev server's incremental rebuilds give, byte for byte, what a clean build of the same files gives.

One session lives through a sequence of edits of every kind (a release, a mechanism, a meeting, a
page, a translation, topics.yaml, site.yaml, a template, the UI strings, the stylesheet, a static
file, an attachment, a broken file and its fix); after each one the whole in-memory site is compared
with ``build`` of the same files. The change classifier and the watcher are tested here too.
"""

from __future__ import annotations

import os
import queue
import random
import re
import shutil
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from site_builder.engine.changes import (DOCUMENT_KIND, FILE_KIND, SETTINGS_KIND, TEMPLATE_KIND, Change, ChangeSet,
                                  classify)
from site_builder.engine.session import Session
from site_builder.options import Options, TEMPLATES
from site_builder.pipeline import build
from site_builder.serve.watch import Watcher
from site_builder.output.writer import MANIFEST
from tests.helpers import copy_fixture, tiny_pdf, tree_bytes

BASE = "http://127.0.0.1:8000/sub/archive/"


class Editor:
    """Edits files the way an editor's program does, each save with a later modification time."""

    def __init__(self, root: Path):
        self.root = root
        self.clock = 1_700_000_000_000_000_000

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.clock += 10_000_000
        os.utime(path, ns=(self.clock, self.clock))

    def write_bytes(self, rel: str, data: bytes) -> None:
        (self.root / rel).write_bytes(data)
        self.clock += 10_000_000
        os.utime(self.root / rel, ns=(self.clock, self.clock))

    def edit(self, rel: str, old: str, new: str) -> None:
        text = (self.root / rel).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def set_field(self, rel: str, field: str, value: str) -> None:
        text = (self.root / rel).read_text(encoding="utf-8")
        self.write(rel, re.sub(rf"^{field}:.*$", f"{field}: {value}", text, count=1, flags=re.MULTILINE))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The fixture archive and a copy of the templates (so templates can be edited too)."""
    copy_fixture(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path


def options_for(project: Path, output: str = "clean") -> Options:
    # the dev server does not make the search index
    return Options(content=project / "content", output=project / output, base_url=BASE, drafts=True, jobs=1,
                   templates=project / "templates", search=False)


def clean_build(project: Path) -> dict[str, bytes]:
    output = project / "clean"
    if output.exists():
        shutil.rmtree(output)
    build(options_for(project))
    return {file: data for file, data in tree_bytes(output).items() if file != MANIFEST}


def assert_identical(session: Session, project: Path) -> None:
    mine, clean = session.everything(), clean_build(project)
    assert sorted(mine) == sorted(clean)
    different = [file for file in clean if mine[file] != clean[file]]
    assert different == []


class Bursts:
    """A started watcher whose reports are queued, to be read by the test."""

    def __init__(self, roots: dict[str, Path], **settings: float):
        self.queue: queue.Queue[ChangeSet] = queue.Queue()
        self.watcher = Watcher(roots, self.queue.put, **settings)
        self.watcher.start()

    def next(self, timeout: float = 20.0) -> ChangeSet:
        return self.queue.get(timeout=timeout)

    def none_within(self, seconds: float) -> bool:
        try:
            self.queue.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def settle(self) -> ChangeSet:
        """Every change reported until the disk has been quiet for a while, as one burst."""
        changes = set(self.next().changes)
        while True:
            try:
                changes |= self.queue.get(timeout=0.5).changes
            except queue.Empty:
                return ChangeSet(frozenset(changes))


Watch = Callable[..., Bursts]


@pytest.fixture
def watch() -> Iterator[Watch]:
    started: list[Bursts] = []

    def start(roots: dict[str, Path], **settings: float) -> Bursts:
        started.append(Bursts(roots, **settings))
        return started[-1]
    yield start
    for bursts in started:
        bursts.watcher.stop()


def settle(watcher: Bursts) -> ChangeSet:
    """What the watcher reports once the disk is quiet."""
    return watcher.settle()


Edit = Callable[[Editor], None]
EDITS: list[tuple[str, set[str], Edit]] = [
    ("release title", {DOCUMENT_KIND},
     lambda e: e.edit("content/releases/2015/2015-01-20-january.md", "title:", "title: Renamed")),
    ("release date moves it to another year and page", {DOCUMENT_KIND},
     lambda e: e.edit("content/releases/2015/2015-02-02-february.md", "date: 2015-02-02", "date: 2013-02-02")),
    ("new release", {DOCUMENT_KIND},
     lambda e: e.write("content/releases/2016/2016-05-01-new.md",
                       "---\ntitle: New one\ndate: 2016-05-01\nmechanisms: [oif]\ntopics: [unused-topic]\n---\nNew.\n")),
    ("translation of the new release", {DOCUMENT_KIND},
     lambda e: (e.edit("content/releases/2016/2016-05-01-new.md", "date:", "translation_key: new\ndate:"),
                e.write("content/releases/2016/2016-05-01-new.es.md",
                        "---\ntitle: Nueva\ndate: 2016-05-01\ntranslation_key: new\n---\nNueva.\n"))),
    ("release removed", {DOCUMENT_KIND}, lambda e: e.remove("content/releases/2015/2015-01-20-january.md")),
    ("draft published", {DOCUMENT_KIND},
     lambda e: e.edit("content/releases/2015/2015-03-10-draft.md", "draft: true", "draft: false")),
    ("mechanism short name", {DOCUMENT_KIND},
     lambda e: e.edit("content/mechanisms/oif.md", 'short: "OIF"', 'short: "OIF (Francophonie)"')),
    ("meeting status", {DOCUMENT_KIND}, lambda e: e.edit("content/meetings/5-2.md", "status: planned", "status: cancelled")),
    ("page title in every menu", {DOCUMENT_KIND}, lambda e: e.edit("content/pages/about.md", "title:", "title: All about")),
    ("topic title", {SETTINGS_KIND},
     lambda e: e.edit("content/topics.yaml", "title: Cooperation between mechanisms", "title: Cooperation")),
    ("site settings", {SETTINGS_KIND}, lambda e: e.edit("content/site.yaml", "per_page: 3", "per_page: 2")),
    ("template", {TEMPLATE_KIND},
     lambda e: e.edit("templates/release.html", "{% block main %}", "{% block main %}<!-- edited -->")),
    ("UI strings", {TEMPLATE_KIND},
     lambda e: e.write("templates/locale/fr/LC_MESSAGES/messages.po",
                       (e.root / "templates/locale/fr/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
                       .replace('msgstr "Brouillon"', 'msgstr "Pas encore"', 1))),
    ("stylesheet: a new hashed name in every page", {TEMPLATE_KIND},
     lambda e: e.write("templates/static/style.css",
                       (e.root / "templates/static/style.css").read_text(encoding="utf-8") + "\n/* edited */\n")),
    ("static file", {FILE_KIND}, lambda e: e.write("content/static/pdf/warsaw-2010.pdf", "%PDF-1.4 bigger now\n")),
    ("new static file", {FILE_KIND}, lambda e: e.write("content/static/img/new.txt", "new\n")),
    ("several kinds at once", {DOCUMENT_KIND, TEMPLATE_KIND},
     lambda e: (e.edit("content/meetings/3.md", "Warsaw", "Varsovia"),
                e.edit("templates/meeting.html", "{% block main %}", "{% block main %}<!-- two -->"))),
]


def test_incremental_rebuilds_are_byte_identical_to_clean_builds(project: Path, watch: Watch) -> None:
    editor = Editor(project)
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    assert session.rebuild().ok
    assert_identical(session, project)
    for name, kinds, edit in EDITS:
        edit(editor)
        burst = settle(watcher)
        assert burst.kinds == kinds, name
        report = session.rebuild(burst)
        assert report.ok, (name, report.problems)
        assert_identical(session, project)


def test_only_what_changed_is_parsed_and_rendered(project: Path, watch: Watch) -> None:
    editor = Editor(project)
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    session.rebuild()
    session.everything()
    rendered: list[str] = []
    real_render = session._render

    def counting(out, route):  # type: ignore[no-untyped-def]
        rendered.append(route.output_file)
        real_render(out, route)

    session._render = counting  # type: ignore[method-assign]
    editor.edit("content/releases/2014/2014-12-01-statement.md", "Body with", "Body now with")
    report = session.rebuild(settle(watcher))
    assert report.reparsed == 1
    session.everything()
    # its page, the feeds and data that carry its text; not the other releases, not the meetings
    assert "releases/2014/statement/index.html" in rendered
    assert "feed.xml" in rendered and "api/releases.json" in rendered
    assert "releases/2010/renewed-commitment/index.html" not in rendered
    assert not any(file.startswith("meetings/") for file in rendered)
    assert len(rendered) < len(session.routes) // 2

    rendered.clear()
    editor.edit("templates/meeting.html", "{% block main %}", "{% block main %}<!-- x -->")
    report = session.rebuild(settle(watcher))
    assert report.reparsed == 0  # a template change re-renders without re-parsing
    session.everything()
    assert len(rendered) == sum(1 for r in session.routes.values() if r.kind != "copy")


def test_a_new_text_patches_the_plan_and_stays_byte_identical(project: Path, watch: Watch) -> None:
    """Saves that change only a release's text (or its summary) patch the previous plan instead of
    planning again (see plan/patch.py); everything else plans again. Either way: a clean build's bytes."""
    editor = Editor(project)
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    assert session.rebuild().ok
    session.everything()
    statement = "content/releases/2014/2014-12-01-statement.md"
    pdf = "content/static/pdf/warsaw-2010.pdf"

    def style() -> str:
        return (project / "templates/static/style.css").read_text(encoding="utf-8")
    saves = [
        ("the text of a release", True, lambda: editor.edit(statement, "Body with", "Body now with")),
        ("its summary, in the front matter", True, lambda: editor.edit(statement, "Summary with", "A summary with")),
        ("the text of a release with translations", True,
         lambda: editor.edit("content/releases/2010/2010-12-09-renewed-commitment.md", "\n---\n", "\n---\nA new first paragraph.\n\n")),
        ("its title", False, lambda: editor.edit(statement, "title:", "title: Now")),
        ("the text again, after a plan made anew", True, lambda: editor.edit(statement, "Body now with", "Body with")),
        ("a template: the same plan, another renderer", True,
         lambda: editor.edit("templates/release.html", "{% block main %}", "{% block main %}<!-- edited -->")),
        ("the stylesheet: a new asset address", False, lambda: editor.write("templates/static/style.css", style() + "/* a */")),
        ("the stylesheet and a broken release", None,
         lambda: (editor.write("templates/static/style.css", style() + "/* b */"),
                  editor.edit(statement, "mechanisms: [oif]", "mechanisms: [oiff]"))),
        ("the release fixed: the last good plan has the old stylesheet", False,
         lambda: editor.edit(statement, "mechanisms: [oiff]", "mechanisms: [oif]")),
        ("an attachment's new text (same size), with a release's text: planning reads attachments", False,
         lambda: (editor.write_bytes(pdf, tiny_pdf("A zebrafinch annex, rewritten", (project / pdf).stat().st_size)),
                  editor.edit(statement, "Body with", "Body again with"))),
    ]
    for name, patched, save in saves:
        save()
        report = session.rebuild(settle(watcher))
        if patched is None:
            assert not report.ok, name
            continue
        assert report.ok and report.patched is patched, name
        assert_identical(session, project)


def test_an_error_keeps_the_last_good_site_until_it_is_fixed(project: Path, watch: Watch) -> None:
    editor = Editor(project)
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    session.rebuild()
    good = session.everything()
    editor.edit("content/releases/2015/2015-02-02-february.md", "date: 2015-02-02", "date: 2015-02-30")
    report = session.rebuild(settle(watcher))
    assert not report.ok
    assert [d.format() for d in session.diagnostics()] == [
        "releases/2015/2015-02-02-february.md:3: error: date: '2015-02-30' is not a real date (day is out of range for "
        "month) (write the date as YYYY-MM-DD, e.g. 2014-11-14)"]
    assert session.everything() == good
    editor.edit("content/releases/2015/2015-02-02-february.md", "date: 2015-02-30", "date: 2015-02-28")
    assert session.rebuild(settle(watcher)).ok
    assert session.diagnostics() == []
    assert_identical(session, project)


def test_a_template_error_keeps_the_last_good_page(project: Path, watch: Watch) -> None:
    editor = Editor(project)
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    session.rebuild()
    page = "releases/2010/renewed-commitment/index.html"
    good = session.data(page)
    editor.edit("templates/release.html", "{% block main %}", "{% block main %}{{ release.no_such_field }}")
    assert session.rebuild(settle(watcher)).ok  # the content is fine: the error shows when rendering
    assert session.data(page) == good
    session.everything()
    problems = [d.format() for d in session.diagnostics()]
    assert len(problems) == 1 and problems[0].startswith("templates/release.html:")
    releases = sum(1 for r in session.routes.values() if r.template == "release.html")
    assert "no_such_field" in problems[0] and f"and {releases - 1} other pages)" in problems[0]
    editor.edit("templates/release.html", "{{ release.no_such_field }}", "")
    assert session.rebuild(settle(watcher)).ok
    assert session.diagnostics() == []
    assert_identical(session, project)


# --- the change classifier and the watcher ---------------------------------------------------

@pytest.mark.parametrize("root, rel, kind", [
    ("content", "site.yaml", SETTINGS_KIND),
    ("content", "topics.yaml", SETTINGS_KIND),
    ("content", "releases/2010/x.md", DOCUMENT_KIND),
    ("content", "releases/x.md", DOCUMENT_KIND),
    ("content", "meetings/5-1.md", DOCUMENT_KIND),
    ("content", "mechanisms/oif.md", DOCUMENT_KIND),
    ("content", "pages/about.fr.md", DOCUMENT_KIND),
    ("content", "meetings/old/5-1.md", FILE_KIND),  # not read by the build: at most an attachment
    ("content", "static/pdf/x.pdf", FILE_KIND),
    ("content", "releases/2010/x.pdf", FILE_KIND),
    ("content", "notes.txt", FILE_KIND),
    ("templates", "release.html", TEMPLATE_KIND),
    ("templates", "locale/fr/LC_MESSAGES/messages.po", TEMPLATE_KIND),
    ("templates", "static/style.css", TEMPLATE_KIND),
])
def test_change_kinds(root: str, rel: str, kind: str) -> None:
    assert classify(root, rel) == kind
    assert Change(root, rel).kind == kind


def test_a_burst_of_saves_is_reported_exactly_once(tmp_path: Path, watch: Watch) -> None:
    root = tmp_path / "content"
    (root / "releases").mkdir(parents=True)
    bursts = watch({"content": root}, quiet=0.25)
    for n in range(20):  # "save all", or a checkout: many files at once
        (root / "releases" / f"{n}.md").write_text("x", encoding="utf-8")
    burst = bursts.next()
    assert burst.changes == frozenset(Change("content", f"releases/{n}.md") for n in range(20))
    assert burst.kinds == {DOCUMENT_KIND}
    assert bursts.none_within(1.0)  # one burst, one rebuild


def test_watcher_waits_while_a_file_is_still_being_written(tmp_path: Path, watch: Watch) -> None:
    root = tmp_path / "content"
    root.mkdir()
    bursts = watch({"content": root}, quiet=1.0, longest=20.0)
    big = root / "big.pdf"
    with big.open("wb") as file:
        for _ in range(5):  # a slow copy: a piece every 0.1 s, each sooner than the quiet period
            time.sleep(0.1)
            file.write(b"x" * 1000)
            file.flush()
        assert bursts.queue.empty()  # nothing reported while it grew
    burst = bursts.next()
    assert burst.changes == frozenset({Change("content", "big.pdf")})
    assert bursts.none_within(0.8)


def test_a_long_burst_gives_a_few_rebuilds_never_one_per_file(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "releases").mkdir(parents=True)
    reports: list[ChangeSet] = []
    watcher = Watcher({"content": root}, reports.append, quiet=0.2, longest=0.5)
    watcher.start()
    try:
        for n in range(40):
            (root / "releases" / f"{n}.md").write_text("x", encoding="utf-8")
            time.sleep(0.03)
        deadline = time.monotonic() + 20
        while sum(len(r.changes) for r in reports) < 40 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        watcher.stop()
    assert sum(len(r.changes) for r in reports) == 40
    assert len(reports) <= 8  # about 1.2 s of saves, reported at most every 0.5 s: never one per file


def test_watcher_ignores_editor_leftovers_and_sees_removals(tmp_path: Path, watch: Watch) -> None:
    root = tmp_path / "content"
    (root / "releases").mkdir(parents=True)
    (root / "releases" / "a.md").write_text("x", encoding="utf-8")
    bursts = watch({"content": root}, quiet=0.1)
    for leftover in (".a.md.swp", "a.md~", "#a.md#", ".#a.md"):
        (root / "releases" / leftover).write_text("x", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "index").write_text("x", encoding="utf-8")
    assert bursts.none_within(0.5)
    (root / "releases" / "a.md").unlink()
    assert bursts.next().changes == frozenset({Change("content", "releases/a.md")})


def test_watcher_sees_a_change_of_content_with_the_same_size(tmp_path: Path, watch: Watch) -> None:
    root = tmp_path / "content"
    root.mkdir()
    (root / "site.yaml").write_text("a: 1\n", encoding="utf-8")
    os.utime(root / "site.yaml", ns=(1, 1))
    bursts = watch({"content": root})
    (root / "site.yaml").write_text("a: 2\n", encoding="utf-8")
    assert bursts.next().kinds == {SETTINGS_KIND}


def test_a_folder_moved_in_or_away_is_seen_file_by_file(project: Path, watch: Watch) -> None:
    """A folder moved is one event for the folder: its files are reported (in) or dropped (away)."""
    session = Session(options_for(project, "unused"))
    assert session.rebuild().ok
    outside = project / "elsewhere"
    (outside / "2016").mkdir(parents=True)
    (outside / "2016" / "2016-05-01-new.md").write_text(
        "---\ntitle: New one\ndate: 2016-05-01\nmechanisms: [oif]\n---\nNew.\n", encoding="utf-8")
    bursts = watch({"content": project / "content", "templates": project / "templates"})
    os.rename(outside / "2016", project / "content" / "releases" / "2016")
    burst = settle(bursts)
    assert Change("content", "releases/2016/2016-05-01-new.md") in burst.changes
    assert session.rebuild(burst).ok
    assert_identical(session, project)
    os.rename(project / "content" / "releases" / "2016", outside / "2016")
    assert session.rebuild(settle(bursts)).ok
    assert_identical(session, project)


def test_random_edits_stay_byte_identical(project: Path, watch: Watch) -> None:
    """A seeded random walk of saves over a bigger archive: after each, the site equals a clean build."""
    rng = random.Random(4)
    editor = Editor(project)
    mechanisms = ["oif", "osce-odihr", "un-sr-hrd", "coe-commissioner"]
    topics = ["cooperation", "reprisals", "unused-topic"]
    langs = ["en", "fr", "es"]

    def release_text(n: int) -> str:
        year = rng.choice([2012, 2013, 2014])
        return (f"---\ntitle: \"Release {n} {rng.choice(['alpha', 'beta', 'gamma'])}\"\n"
                f"date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\nlang: {rng.choice(langs)}\n"
                f"mechanisms: [{', '.join(rng.sample(mechanisms, rng.randint(0, 2)))}]\n"
                f"topics: [{', '.join(rng.sample(topics, rng.randint(0, 2)))}]\n"
                + (f"translation_key: k{rng.randint(1, 6)}-{n}\n" if rng.random() < 0.2 else "")
                + (f'meetings: ["{rng.choice(["3", "5.1", "7"])}"]\n' if rng.random() < 0.3 else "")
                + ("draft: true\n" if rng.random() < 0.1 else "")
                + f"---\nParagraph {rng.random()}.\n\nMore text.\n")

    names = [f"content/releases/2013/2013-01-01-r{n}.md" for n in range(30)]
    for n, name in enumerate(names):
        editor.write(name, release_text(n))
    session = Session(options_for(project, "unused"))
    watcher = watch({"content": project / "content", "templates": project / "templates"})
    assert session.rebuild().ok
    session.everything()
    compared = patched = 0
    for step in range(12):
        for _ in range(rng.randint(1, 3)):
            n = rng.randrange(len(names))
            action = rng.random()
            if action < 0.45 or action < 0.6 and not (project / names[n]).exists():
                editor.write(names[n], release_text(n))
            elif action < 0.6:  # a new text under the same front matter: the plan is patched
                front, _, _ = (project / names[n]).read_text(encoding="utf-8").rpartition("\n---\n")
                editor.write(names[n], f"{front}\n---\nNew text {rng.random()}.\n")
            elif action < 0.75 and (project / names[n]).exists():
                editor.remove(names[n])
            elif action < 0.85:
                editor.set_field("content/mechanisms/un-sr-hrd.md", "short", f'"SR {step}"')
            else:
                editor.set_field("content/meetings/7.md", "status", rng.choice(["planned", "held", "cancelled"]))
        report = session.rebuild(settle(watcher))
        if not report.ok:  # a random save can break the archive (two releases, one address): fine, as long as it says so
            assert all(d.code in ("duplicate-url", "duplicate-translation") for d in report.problems), report.problems
            continue
        assert_identical(session, project)
        compared += 1
        patched += report.patched
    assert compared >= 8 and patched >= 2


def test_a_template_the_tracking_cannot_follow_still_renders_as_build_does(project: Path) -> None:
    """``* 2`` on a list the views answered is beyond the stand-ins: that page is rendered untracked
    (and again after every change), never an error that build would not give."""
    editor = Editor(project)
    editor.edit("templates/home.html", "{% block main %}", "{% block main %}<!-- {{ (views.releases(lang) * 2) | length }} -->")
    session = Session(options_for(project, "unused"))
    assert session.rebuild().ok
    assert_identical(session, project)
    assert session.diagnostics() == []
    home = session.outputs["index.html"]
    assert home.reads is None and home.data is not None and re.search(rb"<!-- \d+ -->", home.data)
