"""The command line as CI and editors use it: exit codes, output safety, same bytes every time."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pagefind_bin
import pytest
from bs4 import BeautifulSoup

from tests.helpers import ROOT, copy_fixture, make_site, run, tree_bytes


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture archive copied to content/ of a fresh working folder."""
    copy_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass(frozen=True)
class Built:
    """One `build` of the fixture archive, shared by the checks that only read its result."""

    root: Path
    code: int
    out: str
    err: str
    outside_before: frozenset[Path]  # every path outside output/ and .cache/, before and after
    outside_after: frozenset[Path]


def _outside(root: Path) -> frozenset[Path]:
    return frozenset(p for p in root.rglob("*") if "output" not in p.parts and ".cache" not in p.parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("built")
    copy_fixture(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        before = _outside(root)
        code, out, err = run("build")
        return Built(root, code, out, err, before, _outside(root))


def test_build_succeeds_with_exit_0(built: Built) -> None:
    assert (built.code, built.err) == (0, "")
    assert built.out.startswith("built ") and "into output" in built.out
    assert (built.root / "output" / "index.html").is_file()


def test_no_command_means_build(site: Path) -> None:
    assert run()[0] == 0
    assert (site / "output" / "releases" / "index.html").is_file()


def test_options_without_a_command_mean_build(site: Path) -> None:
    assert run("--output", "elsewhere")[0] == 0
    assert (site / "elsewhere" / "index.html").is_file()


def test_real_process_exit_codes(site: Path) -> None:
    """Through ``python build.py`` itself, as CI calls it."""
    script = str(ROOT / "build.py")
    ok = subprocess.run([sys.executable, script, "check"], capture_output=True, text=True, cwd=site)
    assert ok.returncode == 0, ok.stderr
    usage = subprocess.run([sys.executable, script, "frobnicate"], capture_output=True, text=True, cwd=site)
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    (site / "content" / "releases" / "2015" / "2015-01-20-january.md").write_text("---\ntitle: x\n---\n")
    bad = subprocess.run([sys.executable, script, "build"], capture_output=True, text=True, cwd=site)
    assert bad.returncode == 1
    assert "content/releases/2015/2015-01-20-january.md:2: error: missing required field 'date'" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("argv", [
    ["build", "--jobs", "0"], ["build", "--jobs", "many"], ["build", "--unknown"], ["check", "--output", "x"],
    ["build", "--content", "missing-folder"], ["new"], ["nothing"],
])
def test_bad_usage_exits_2(site: Path, argv: list[str]) -> None:
    assert run(*argv)[0] == 2
    assert not (site / "output").exists()


def test_help_exits_0(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help")[0] == 0
    assert "build" in capsys.readouterr().out


def test_base_url_override(site: Path) -> None:
    assert run("build", "--base-url", "https://preview.example.net/pr-12/")[0] == 0
    html = (site / "output" / "index.html").read_text()
    assert 'href="/pr-12/releases/"' in html
    assert '<link rel="canonical" href="https://preview.example.net/pr-12/">' in html
    assert run("build", "--base-url", "not a url")[0] == 1


def test_drafts_only_with_flag(site: Path) -> None:
    run("build")
    draft = site / "output" / "releases" / "2015" / "draft" / "index.html"
    assert not draft.exists()
    run("build", "--drafts")
    assert draft.is_file()


def test_two_builds_are_byte_identical(built: Built, site: Path) -> None:
    """The shared build and a cold build of another copy of the archive, elsewhere."""
    assert run("build", "--output", "two", "--no-cache")[0] == 0
    one, two = tree_bytes(built.root / "output"), tree_bytes(site / "two")
    assert one == two and len(one) > 50


def test_jobs_give_identical_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough releases for the process pool to be used, then --jobs 1 and --jobs 3 compared."""
    files = {f"releases/2012/2012-01-{d:02d}-r{n}.md": f"---\ntitle: Release {n}\ndate: 2012-01-{d:02d}\n"
             f"mechanisms: [osce-odihr]\n---\nBody {n} with a footnote[^1].\n\n[^1]: Note {n}.\n"
             for n in range(260) for d in [n % 28 + 1]}
    make_site(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert run("build", "--jobs", "1", "--output", "serial")[0] == 0
    assert run("build", "--jobs", "3", "--output", "parallel")[0] == 0
    serial, parallel = tree_bytes(tmp_path / "serial"), tree_bytes(tmp_path / "parallel")
    assert len(serial) > 260 and serial == parallel


def test_failed_build_leaves_previous_output_untouched(site: Path) -> None:
    assert run("build")[0] == 0
    before = tree_bytes(site / "output")
    (site / "content" / "meetings" / "7.md").write_text('---\nnumber: "7"\nstart: "2017-13"\n---\n')
    assert run("build")[0] == 1
    assert tree_bytes(site / "output") == before
    assert sorted(p.name for p in site.iterdir()) == [".cache", "content", "output"]  # no staging folder left


def test_template_error_fails_the_build_and_names_the_template(site: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    import shutil
    shutil.copytree(ROOT / "templates", templates)
    (templates / "topic.html").write_text('{% extends "base.html" %}{% block main %}\n{{ topic.nonexistent }}{% endblock %}')
    from site_builder.errors import ContentError
    from site_builder.options import Options
    from site_builder.pipeline import build
    with pytest.raises(ContentError) as caught:
        build(Options(templates=templates, jobs=1))
    [problem] = caught.value.diagnostics
    assert problem.path == "templates/topic.html" and problem.line == 2
    assert "nonexistent" in problem.message and "while rendering" not in problem.message
    assert len(problem.pages) == 9 and problem.pages[0] == "/es/topics/cooperation/"
    assert problem.text.endswith("(while rendering /es/topics/cooperation/ and 8 other pages)")
    assert not (site / "output").exists()


@pytest.mark.parametrize("broken", ["binary gone", "package gone"])
def test_a_missing_search_tool_exits_3_and_writes_nothing(site: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    """Not bad usage (2) nor bad content (1): the installation is broken; the previous site stays."""
    assert run("build")[0] == 0
    before = tree_bytes(site / "output")
    release = site / "content" / "releases" / "2015" / "2015-02-02-february.md"
    release.write_text(release.read_text(encoding="utf-8") + "\nA new line: search must index again.\n", encoding="utf-8")

    def executable() -> Path:  # how search finds Pagefind
        if broken == "package gone":
            raise FileNotFoundError("no pagefind binary in the package")
        return site / "no-pagefind-here"
    monkeypatch.setattr(pagefind_bin, "get_executable", executable)
    code, _, err = run("build", "--no-cache")  # a warm build with no page changed would not run it
    expected = "error: could not run Pagefind" if broken == "binary gone" else "error: Pagefind is not installed"
    assert code == 3 and err.startswith(expected), err
    assert tree_bytes(site / "output") == before


def test_rebuild_replaces_only_what_it_created(site: Path) -> None:
    run("build")
    (site / "content" / "releases" / "2015" / "2015-02-02-february.md").unlink()
    assert run("build")[0] == 0
    assert not (site / "output" / "releases" / "2015" / "february-2015").exists()


@pytest.mark.parametrize("output", ["content", "content/static", ".", ".."])
def test_refuses_dangerous_output_folders(site: Path, output: str) -> None:
    code, _, err = run("build", "--output", output)
    assert code == 2 and "output folder" in err
    assert (site / "content" / "site.yaml").is_file()


def test_refuses_a_non_empty_folder_it_did_not_create(site: Path) -> None:
    (site / "mine").mkdir()
    (site / "mine" / "notes.txt").write_text("precious")
    code, _, err = run("build", "--output", "mine")
    assert code == 2 and "was not made by this builder" in err
    assert (site / "mine" / "notes.txt").read_text() == "precious"


@pytest.mark.parametrize("edited", [False, True])
def test_refuses_to_delete_files_added_to_its_output(site: Path, edited: bool) -> None:
    """Nothing changed (the build stops early) or a release edited: either way the files added by
    hand are found, and kept."""
    run("build")
    run("build")  # a spare site to recycle, as in every later build
    (site / "output" / "CNAME").write_text("archive.example.org")
    (site / "output" / "releases" / "2015" / "notes.txt").write_text("mine")
    if edited:
        release = site / "content" / "releases" / "2015" / "2015-02-02-february.md"
        release.write_text(release.read_text() + "\nOne more paragraph.\n")
    code, _, err = run("build")
    assert code == 2 and "CNAME" in err and "releases/2015/notes.txt" in err
    assert (site / "output" / "CNAME").is_file() and (site / "output" / "releases" / "2015" / "notes.txt").is_file()
    (site / "output" / "CNAME").unlink()
    (site / "output" / "releases" / "2015" / "notes.txt").unlink()
    assert run("build")[0] == 0


def test_nothing_is_written_outside_the_output_folder(built: Built) -> None:
    assert built.code == 0 and built.outside_after == built.outside_before


def test_sub_path_links_all_resolve_inside_the_output(built: Built) -> None:
    """Every href/src of every page, under base_url https://example.org/sub/archive/, is a built file."""
    assert built.code == 0
    output = built.root / "output"
    base = "/sub/archive/"
    checked = 0
    for page in output.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(href=True) + soup.find_all(src=True):
            link = tag.get("href") or tag.get("src")
            parts = urlsplit(link)
            if parts.scheme in ("mailto", "tel") or (parts.netloc and parts.netloc != "example.org"):
                continue
            if not parts.path:  # a fragment in the same page
                continue
            assert parts.path.startswith(base), f"{page}: {link} ignores the base path"
            target = output / parts.path[len(base):]
            if parts.path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(output)}: {link} leads nowhere"
            checked += 1
    assert checked > 500
