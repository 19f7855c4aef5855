"""One file -> one model object: declared defaults, values derived from the file name, and problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from site_builder.content.config import load_site_config
from site_builder.content.discover import SourceFile, classify
from site_builder.content.load import Loaded, Loader
from site_builder.content.model import DEFAULT_KIND, MEETING_STATUSES, Contact, Meeting, Release
from site_builder.errors import Diagnostic
from tests.helpers import make_site

SITE = "title: T\nbase_url: https://example.org/\nlanguages: [en, fr]\ncontacts: [{org: FIDH}]\n"


def load(tmp_path: Path, rel: str, text: str) -> tuple[Optional[Loaded], list[Diagnostic]]:
    content = make_site(tmp_path, {rel: text}, base={"site.yaml": SITE})
    path = content / rel
    return Loader(load_site_config(content), content).load(SourceFile(classify(rel), rel, path, (0, 0)))


def test_absent_fields_take_the_declared_defaults(tmp_path: Path) -> None:
    release, problems = load(tmp_path, "releases/2011/2011-01-02-first-news.md", "---\ntitle: A\ndate: 2011-01-02\n---\nFirst.\n\nSecond.\n")
    assert problems == [] and isinstance(release, Release)
    assert (release.kind, release.draft, release.mechanisms, release.place) == (DEFAULT_KIND, False, (), "")
    assert (release.slug, release.lang, release.summary) == ("first-news", "en", "First.")  # from the file and the body
    assert release.contacts == (Contact(org="FIDH"),)  # the site's


def test_the_file_name_gives_the_language_and_front_matter_wins(tmp_path: Path) -> None:
    release, _ = load(tmp_path, "releases/2011/2011-01-02-nouvelles.fr.md", "---\ntitle: A\ndate: 2011-01-02\ncontacts: []\n---\nX.\n")
    assert isinstance(release, Release) and (release.lang, release.slug, release.contacts) == ("fr", "nouvelles", ())
    explicit, _ = load(tmp_path / "b", "releases/2011/x.fr.md", "---\ntitle: A\ndate: 2011-01-02\nlang: en\nslug: own\n---\nX.\n")
    assert isinstance(explicit, Release) and (explicit.lang, explicit.slug) == ("en", "own")


def test_a_meeting_keeps_its_body_and_defaults(tmp_path: Path) -> None:
    meeting, problems = load(tmp_path, "meetings/5-1.md", '---\nnumber: "5.1"\nstart: "2014-11-12"\nend: 2014-11-13\n---\nWe met.\n')
    assert problems == [] and isinstance(meeting, Meeting)
    assert meeting.status == MEETING_STATUSES[0] == "held" and meeting.end == dt.date(2014, 11, 13)
    assert (meeting.body_markdown, meeting.body_line) == ("We met.\n", 6)  # check names mechanisms at their line


def test_missing_required_fields_give_no_object_and_every_problem(tmp_path: Path) -> None:
    release, problems = load(tmp_path, "releases/2011/x.md", "---\nkind: nope\nlang: de\n---\nX.\n")
    assert release is None
    assert sorted(p.code for p in problems) == ["missing-field", "missing-field", "unknown-kind", "unknown-language"]


def test_attachments_are_measured_and_must_exist(tmp_path: Path) -> None:
    text = "---\ntitle: A\ndate: 2011-01-02\nattachments: [{file: static/a.pdf}, {file: static/gone.pdf}]\n---\nX.\n"
    content = make_site(tmp_path, {"static/a.pdf": "%PDF-1.4", "releases/2011/x.md": text}, base={"site.yaml": SITE})
    source = SourceFile("release", "releases/2011/x.md", content / "releases/2011/x.md", (0, 0))
    release, problems = Loader(load_site_config(content), content).load(source)
    assert isinstance(release, Release) and [(a.file, a.title, a.size) for a in release.attachments] == [("static/a.pdf", "a.pdf", 8)]
    assert [p.format() for p in problems] == [
        "releases/2011/x.md:4: error: attachment 'static/gone.pdf' does not exist (did you mean 'static/a.pdf'?)"]
