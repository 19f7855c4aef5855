"""What a change is, by what the changed file holds (discover.classify decides, in one place)."""

from __future__ import annotations

from site_builder.engine.changes import DOCUMENT_KIND, FILE_KIND, SETTINGS_KIND, TEMPLATE_KIND, classify


def test_a_change_is_rebuilt_by_what_the_file_holds() -> None:
    assert classify("templates", "base.html") == TEMPLATE_KIND
    assert classify("content", "topics.yaml") == SETTINGS_KIND
    assert classify("content", "releases/2010/x.md") == DOCUMENT_KIND == classify("content", "meetings/3.md")
    assert classify("content", "meetings/old/3.md") == FILE_KIND  # not a meeting: meetings/ is flat
    assert classify("content", "static/pdf/x.pdf") == FILE_KIND == classify("content", "notes.txt")
