"""`new release|meeting|mechanism`: where the file goes, what it holds, that it passes check, no overwrite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.options import Options

from site_builder.pipeline import check
from tests.helpers import make_site, run


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def new(*argv: str) -> str:
    code, out, err = run("new", *argv)
    assert (code, err) == (0, ""), err
    return out.strip()


def passes_check_without_warnings(site: Path) -> None:
    assert check(Options(content=site / "content")) == []
    assert run("check", "--strict")[0] == 0


def test_new_release_today(site: Path) -> None:
    before = dt.date.today()
    path = new("release", "Défenseurs : l’ONU et l’OSCE « coopèrent »")
    day = dt.date.today() if dt.date.today().isoformat() in path else before  # the clock may pass midnight
    assert path == f"content/releases/{day.year}/{day.isoformat()}-defenseurs-l-onu-et-l-osce-cooperent.md"
    text = (site / path).read_text(encoding="utf-8")
    assert text.startswith(f'---\ntitle: "Défenseurs : l’ONU et l’OSCE « coopèrent »"\ndate: {day.isoformat()}\nlang: en\n'
                           "draft: true")
    passes_check_without_warnings(site)


def test_new_release_is_a_draft_until_the_line_is_removed(site: Path) -> None:
    path = site / new("release", "Warsaw statement", "--date", "2012-05-04")
    assert path == site / "content/releases/2012/2012-05-04-warsaw-statement.md"
    run("build")
    assert not (site / "output/releases/2012/warsaw-statement/index.html").exists()
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "# draft: true"), encoding="utf-8")
    run("build")
    assert (site / "output/releases/2012/warsaw-statement/index.html").is_file()


def test_new_release_in_another_language(site: Path) -> None:
    path = new("release", "Déclaration de Varsovie", "--lang", "fr", "--date", "2010-12-09")
    assert path == "content/releases/2010/2010-12-09-declaration-de-varsovie.fr.md"
    assert "\nlang: fr\n" in (site / path).read_text(encoding="utf-8")
    passes_check_without_warnings(site)


def test_title_with_yaml_characters_survives(site: Path) -> None:
    title = 'He said: "no" # really \\ yes'
    path = new("release", title, "--date", "2011-01-01")
    assert run("build", "--drafts")[0] == 0
    html = (site / "output/releases/2011/he-said-no-really-yes/index.html").read_text(encoding="utf-8")
    assert "He said: &#34;no&#34; # really \\ yes" in html or "He said: &quot;no&quot; # really \\ yes" in html
    assert path.endswith("2011-01-01-he-said-no-really-yes.md")


def test_long_title_gives_a_short_file_name(site: Path) -> None:
    path = new("release", "The " + "very " * 30 + "long title", "--date", "2011-01-01")
    slug = Path(path).name.removeprefix("2011-01-01-").removesuffix(".md")
    assert len(slug) <= 60 and not slug.endswith("-")


def test_new_release_refuses_to_overwrite_or_to_take_an_address(site: Path) -> None:
    first = site / new("release", "Twice", "--date", "2011-01-01")
    first.write_text(first.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    before = first.read_bytes()
    code, out, err = run("new", "release", "Twice", "--date", "2011-01-01")
    assert (code, out) == (2, "") and "already" in err and "nothing was written" in err
    code, out, err = run("new", "release", "Twice", "--date", "2011-07-07")  # same year, same address
    assert code == 2 and "/releases/2011/twice/" in err
    assert first.read_bytes() == before
    assert sorted(p.name for p in (site / "content/releases/2011").iterdir()) == ["2011-01-01-twice.md"]


def test_an_address_is_taken_as_the_build_reads_it(site: Path) -> None:
    """slug: and lang: in the front matter (not only the file name) decide the address of a release."""
    other = site / "content/releases/2011/2011-05-05-other.md"
    other.parent.mkdir(parents=True)
    other.write_text("---\ntitle: Other\ndate: 2011-05-05\nlang: fr\nslug: 'twice'\n---\nText.\n", encoding="utf-8")
    code, _, err = run("new", "release", "Deux fois", "--lang", "fr", "--slug", "twice", "--date", "2011-06-01")
    assert code == 2 and "content/releases/2011/2011-05-05-other.md already has the address /releases/2011/twice/ in fr" in err
    assert run("new", "release", "Twice", "--slug", "twice", "--date", "2011-06-01")[0] == 0  # in English it is free


def test_a_meeting_number_is_taken_whatever_the_file_name(site: Path) -> None:
    (site / "content/meetings/warsaw.md").write_text('---\nnumber: 5.10\nstart: "2015"\n---\nX.\n', encoding="utf-8")
    code, _, err = run("new", "meeting", "5.10")
    assert code == 2 and "meeting 5.10 already exists: content/meetings/warsaw.md" in err
    assert run("new", "meeting", "5.1")[0] == 0  # 5.10 is not 5.1


@pytest.mark.parametrize("argv, message", [
    (["release", "X", "--date", "2011-02-30"], "--date: '2011-02-30' is not a real date"),
    (["release", "X", "--lang", "de"], "--lang de is not one of the site's languages (en, fr)"),
    (["release", "!!!"], "add --slug"),
    (["release", "X", "--number", "3"], "--number is not an option of new release"),
    (["meeting", "Berlin"], "'Berlin' is not a meeting number; write new meeting 5.3, or new meeting \"Berlin\" --number 5.3"),
    (["meeting", "3"], "meeting 3 already exists: content/meetings/3.md"),
    (["meeting", "X", "--number", "5 1"], "--number 5 1 is not a meeting number"),
    (["meeting", "7", "--date", "2015-Q5"], "--date: '2015-Q5' is not a date"),
    (["mechanism", "Office", "--id", "Bad Id"], "'Bad Id' cannot be a mechanism id"),
    (["mechanism", "ODIHR again", "--id", "osce-odihr"], "content/mechanisms/osce-odihr.md already exists"),
])
def test_bad_requests_exit_2_and_write_nothing(site: Path, argv: list[str], message: str) -> None:
    before = sorted(p for p in (site / "content").rglob("*"))
    code, out, err = run("new", *argv)
    assert (code, out) == (2, "")
    assert message in err
    assert sorted(p for p in (site / "content").rglob("*")) == before


def test_new_meeting_by_number(site: Path) -> None:
    path = new("meeting", "5.3", "--date", "2015-03-10")
    assert path == "content/meetings/5-3.md"
    text = (site / path).read_text(encoding="utf-8")
    assert text.startswith('---\nnumber: "5.3"\n# title: "Inter-mechanisms meeting 5.3"')
    assert 'start: "2015-03-10"' in text and "\nstatus:" not in text
    passes_check_without_warnings(site)
    run("build")
    assert (site / "output/meetings/5-3/index.html").is_file()


def test_new_meeting_with_a_title_and_a_future_fuzzy_date_is_planned(site: Path) -> None:
    path = new("meeting", "Berlin meeting", "--number", "9", "--date", "2999-Q2")
    text = (site / path).read_text(encoding="utf-8")
    assert path == "content/meetings/9.md"
    assert '\ntitle: "Berlin meeting"\nstart: "2999-Q2"' in text and "\nstatus: planned" in text
    passes_check_without_warnings(site)


def test_new_mechanism(site: Path) -> None:
    path = new("mechanism", "UN Working Group on Arbitrary Detention", "--short", "WGAD")
    assert path == "content/mechanisms/wgad.md"
    text = (site / path).read_text(encoding="utf-8")
    assert text.startswith('---\nname: "UN Working Group on Arbitrary Detention"\nshort: "WGAD"\n')
    passes_check_without_warnings(site)
    run("build")
    assert (site / "output/mechanisms/wgad/index.html").is_file()


def test_new_mechanism_id_from_its_name(site: Path) -> None:
    assert new("mechanism", "Asia-Pacific Forum") == "content/mechanisms/asia-pacific-forum.md"
    passes_check_without_warnings(site)


def test_new_needs_a_working_site_yaml(site: Path) -> None:
    (site / "content/site.yaml").write_text("title: [\n", encoding="utf-8")
    code, _, err = run("new", "release", "X")
    assert code == 1 and err.startswith("content/site.yaml:")
