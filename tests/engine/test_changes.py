"""The watcher, with a controlled clock: a burst of saves is reported once, after the disk is quiet."""

from __future__ import annotations

from pathlib import Path

from site_builder.engine.changes import DOCUMENT_KIND, FILE_KIND, SETTINGS_KIND, TEMPLATE_KIND, Watcher, classify


def save(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_saves_within_the_quiet_period_are_one_burst(tmp_path: Path) -> None:
    watcher = Watcher({"content": tmp_path}, quiet=0.03)
    for n in range(12):  # one save every 10 ms: never 30 ms of quiet
        save(tmp_path, f"releases/2016/2016-01-{n + 1:02d}-r{n}.md", f"---\ntitle: R{n}\n---\n")
        assert watcher.poll(now=1000.0 + n * 0.01) is None
    burst = watcher.poll(now=1000.0 + 11 * 0.01 + 0.04)
    assert burst is not None and len(burst.changes) == 12 and burst.kinds == {DOCUMENT_KIND}
    assert watcher.poll(now=1001.0) is None and watcher.poll(now=1002.0) is None  # reported once


def test_a_file_still_moving_holds_the_burst_back(tmp_path: Path) -> None:
    watcher = Watcher({"content": tmp_path}, quiet=0.03)
    save(tmp_path, "site.yaml", "title: A\n")
    assert watcher.poll(now=1000.0) is None
    save(tmp_path, "site.yaml", "title: A longer title\n")  # written again before the quiet check
    assert watcher.poll(now=1000.05) is None
    burst = watcher.poll(now=1000.1)
    assert burst is not None and [c.rel for c in burst.changes] == ["site.yaml"] and burst.kinds == {SETTINGS_KIND}


def test_editor_leftovers_wake_nothing(tmp_path: Path) -> None:
    watcher = Watcher({"content": tmp_path}, quiet=0.03)
    save(tmp_path, "releases/.x.md.swp", "x")
    save(tmp_path, "releases/x.md~", "x")
    assert watcher.poll(now=1000.0) is None and watcher.poll(now=1001.0) is None


def test_a_change_is_rebuilt_by_what_the_file_holds() -> None:
    assert classify("templates", "base.html") == TEMPLATE_KIND
    assert classify("content", "topics.yaml") == SETTINGS_KIND
    assert classify("content", "releases/2010/x.md") == DOCUMENT_KIND == classify("content", "meetings/3.md")
    assert classify("content", "meetings/old/3.md") == FILE_KIND  # not a meeting: meetings/ is flat
    assert classify("content", "static/pdf/x.pdf") == FILE_KIND == classify("content", "notes.txt")
