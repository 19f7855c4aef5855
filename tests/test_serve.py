"""`serve` end to end on a real local port: fetch, edit, see it; break, see the problem; fix, see the page.

Every server binds 127.0.0.1 on a free port, runs on its own thread, and is stopped by the test;
every wait has a deadline. A WebSocket client speaks livereload's protocol like livereload.js does.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest
from bs4 import BeautifulSoup
from tornado.websocket import websocket_connect

from site_builder.options import Options, TEMPLATES
from site_builder.serve.server import DevServer
from tests.serving import running
from tests.helpers import copy_fixture, run

DEADLINE = 15.0  # seconds: any wait longer than this is a failure, not a hang
JANUARY = "content/releases/2015/2015-01-20-january.md"  # in Spanish: /es/releases/2015/january/


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_fixture(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    options = Options(content=project / "content", templates=project / "templates", drafts=True, jobs=1, search=False)
    with running(options, quiet=0.03, out=open(os.devnull, "w")) as dev:
        yield dev


def get(server: DevServer, path: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(server.url + path, method=method)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=DEADLINE) as answer:
            return answer.status, answer.read().decode("utf-8", "replace"), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def panel_text(body: str) -> str:
    """The words of the problems panel, as a reader sees them (markup and escaping aside)."""
    panel = BeautifulSoup(body, "html.parser").find(id="serve-problems")
    return " ".join(panel.get_text(" ").split()) if panel is not None else ""


def save(project: Path, rel: str, text: str) -> None:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(project: Path, rel: str, old: str, new: str) -> None:
    text = (project / rel).read_text(encoding="utf-8")
    assert old in text
    save(project, rel, text.replace(old, new, 1))


def wait_for(server: DevServer, path: str, condition: Callable[[int, str], bool]) -> tuple[int, str]:
    """Fetch ``path`` until ``condition(status, body)`` holds, or fail after the deadline."""
    deadline = time.monotonic() + DEADLINE
    while True:
        status, body, _ = get(server, path)
        if condition(status, body):
            return status, body
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: still {status} after {DEADLINE}s:\n{body[-2000:]}")
        time.sleep(0.05)


def h1(body: str) -> str:
    return body.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0] if "<h1" in body else ""


# --- the editor's loop ---------------------------------------------------------------------------

def test_edit_break_and_fix_a_release(server: DevServer, project: Path) -> None:
    page = "/sub/archive/es/releases/2015/january/"
    status, body, headers = get(server, page)
    assert status == 200 and h1(body) == "January release"
    assert "livereload.js" in body and headers["Cache-Control"] == "no-store"
    assert 'id="serve-problems"' not in body

    edit(project, JANUARY, 'title: "January release"', 'title: "January, edited"')
    wait_for(server, page, lambda s, b: h1(b) == "January, edited")

    edit(project, JANUARY, "date: 2015-01-20", "date: 2015-01-45")
    status, body = wait_for(server, page, lambda s, b: 'id="serve-problems"' in b)
    assert status == 200 and h1(body) == "January, edited"  # the last good page, under the panel
    assert "content/releases/2015/2015-01-20-january.md:3</code>" in body
    assert "date: '2015-01-45' is not a real date" in panel_text(body)
    assert "Fix: write the date as YYYY-MM-DD, e.g. 2014-11-14" in body
    other = get(server, "/sub/archive/")[1]
    assert 'id="serve-problems"' in other  # every page says the site is broken

    edit(project, JANUARY, "date: 2015-01-45", "date: 2015-01-21")
    status, body = wait_for(server, page, lambda s, b: 'id="serve-problems"' not in b)
    assert status == 200 and "2015-01-21" in body


def test_browser_is_told_to_reload_through_livereload(server: DevServer, project: Path) -> None:
    async def session() -> list[dict[str, object]]:
        socket_ = await asyncio.wait_for(websocket_connect(server.url.replace("http", "ws") + "/livereload"), DEADLINE)
        socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        hello = json.loads(await asyncio.wait_for(socket_.read_message(), DEADLINE))
        socket_.write_message(json.dumps({"command": "info", "url": server.url + "/sub/archive/", "plugins": {}}))
        await asyncio.sleep(0.2)  # the server registers the browser
        edit(project, JANUARY, 'title: "January release"', 'title: "Reloaded"')
        reload = json.loads(await asyncio.wait_for(socket_.read_message(), DEADLINE))
        socket_.close()
        return [hello, reload]

    hello, reload = asyncio.run(session())
    assert hello["command"] == "hello"
    assert reload["command"] == "reload" and reload["liveCSS"] is False
    assert h1(get(server, "/sub/archive/es/releases/2015/january/")[1]) == "Reloaded"
    status, script, _ = get(server, "/livereload.js")
    assert status == 200 and "LiveReload" in script


def test_a_burst_of_saves_is_one_rebuild(project: Path) -> None:
    options = Options(content=project / "content", templates=project / "templates", drafts=True, jobs=1, search=False)
    # a quiet period longer than twelve small writes take, even on a busy machine
    with running(options, quiet=0.5, out=open(os.devnull, "w")) as server:
        before = server.session.generation  # type: ignore[union-attr]
        for n in range(12):
            save(project, f"content/releases/2016/2016-01-{n + 1:02d}-burst-{n}.md",
                 f"---\ntitle: Burst {n}\ndate: 2016-01-{n + 1:02d}\n---\nText {n}.\n")
        wait_for(server, "/sub/archive/releases/2016/", lambda s, b: "Burst 11" in b)
        time.sleep(1.0)
        assert server.session.generation - before == 1  # type: ignore[union-attr]


def test_files_that_appear_together_are_one_rebuild(server: DevServer, project: Path) -> None:
    """Twelve releases arriving at once (a git checkout, a folder moved in) make exactly one rebuild.

    Saves spread over time are coalesced by the watcher's quiet period (the test above, and the
    watcher's own tests in tests/test_serve_incremental.py).
    """
    ready = project / "ready"
    for n in range(12):
        (ready / f"2017-01-{n + 1:02d}-burst-{n}.md").parent.mkdir(exist_ok=True)
        (ready / f"2017-01-{n + 1:02d}-burst-{n}.md").write_text(
            f"---\ntitle: Burst {n}\ndate: 2017-01-{n + 1:02d}\n---\nText {n}.\n", encoding="utf-8")
    before = server.session.generation  # type: ignore[union-attr]
    os.replace(ready, project / "content" / "releases" / "2017")
    _, body = wait_for(server, "/sub/archive/releases/2017/", lambda s, b: s == 200 and "Burst 11" in b)
    assert all(f"Burst {n}<" in body for n in range(12))
    time.sleep(0.5)  # a second rebuild, if there were one, would have started by now
    assert server.session.generation - before == 1  # type: ignore[union-attr]


def test_new_release_meeting_and_mechanism_appear(server: DevServer, project: Path) -> None:
    save(project, "content/mechanisms/wgad.md", "---\nname: Working Group on Arbitrary Detention\nshort: WGAD\n---\nThe WGAD.\n")
    save(project, "content/meetings/8.md", '---\nnumber: "8"\nstart: "2016-05"\nparticipants: [wgad]\n---\nEight.\n')
    save(project, "content/releases/2016/2016-05-02-eight.md",
         '---\ntitle: Meeting eight\ndate: 2016-05-02\nmeetings: ["8"]\nmechanisms: [wgad]\n---\nThe eighth.\n')
    wait_for(server, "/sub/archive/releases/2016/eight/", lambda s, b: s == 200 and h1(b) == "Meeting eight")
    assert "Meeting eight" in wait_for(server, "/sub/archive/mechanisms/wgad/", lambda s, b: s == 200)[1]
    assert "Meeting eight" in wait_for(server, "/sub/archive/meetings/8/", lambda s, b: s == 200)[1]
    assert "Meeting eight" in get(server, "/sub/archive/releases/")[1]


def test_an_unknown_id_shows_did_you_mean_then_recovers(server: DevServer, project: Path) -> None:
    edit(project, JANUARY, "topics: [reprisals]", "topics: [reprisal]")
    _, body = wait_for(server, "/sub/archive/", lambda s, b: 'id="serve-problems"' in b)
    assert "unknown topic 'reprisal' in topics" in panel_text(body) and "did you mean 'reprisals'?" in panel_text(body)
    edit(project, JANUARY, "topics: [reprisal]", "topics: [reprisals]")
    wait_for(server, "/sub/archive/", lambda s, b: 'id="serve-problems"' not in b)


def test_a_template_error_is_shown_and_recovers(server: DevServer, project: Path) -> None:
    page = "/sub/archive/releases/2010/renewed-commitment/"
    good = h1(get(server, page)[1])
    edit(project, "templates/release.html", "{% block main %}", "{% block main %}{{ release.no_such_field }}")
    _, body = wait_for(server, page, lambda s, b: 'id="serve-problems"' in b)
    assert "templates/release.html:" in body and "no_such_field" in body
    assert h1(body) == good
    edit(project, "templates/release.html", "{{ release.no_such_field }}", "<p>edited template</p>")
    _, body = wait_for(server, page, lambda s, b: "edited template" in b)
    assert 'id="serve-problems"' not in body


def test_a_broken_new_page_has_no_last_good_version(server: DevServer, project: Path) -> None:
    save(project, "content/releases/2016/2016-02-02-fresh.md", "---\ntitle: Fresh\ndate: 2016-02-02\n---\nFresh.\n")
    wait_for(server, "/sub/archive/releases/2016/fresh/", lambda s, b: s == 200)
    edit(project, "templates/release.html", "{% block main %}", "{% block main %}{{ 1 / 0 }}")
    save(project, "content/releases/2016/2016-02-03-newer.md", "---\ntitle: Newer\ndate: 2016-02-03\n---\nNewer.\n")
    status, body = wait_for(server, "/sub/archive/releases/2016/newer/", lambda s, b: s == 500)
    assert "This page has no good version yet" in body and "templates/release.html:" in body


def test_a_page_whose_address_changed_redirects_the_browser_there(server: DevServer, project: Path) -> None:
    old = "/sub/archive/es/releases/2015/january/"
    assert get(server, old)[0] == 200
    edit(project, JANUARY, "date: 2015-01-20", "date: 2016-01-20")  # the editor fixes the year
    status, _ = wait_for(server, old, lambda s, b: s == 302)
    assert get(server, old)[2]["Location"] == "/sub/archive/es/releases/2016/january/"
    assert get(server, "/sub/archive/es/releases/2016/january/")[0] == 200
    edit(project, JANUARY, "date: 2016-01-20", "date: 2015-01-20")  # and back: the address is in use again
    wait_for(server, old, lambda s, b: s == 200)


def test_drafts_are_shown_and_marked(server: DevServer) -> None:
    status, body, _ = get(server, "/sub/archive/releases/2015/draft/")
    assert status == 200 and 'id="serve-draft"' in body and "A draft release" in body
    assert 'id="serve-draft"' not in get(server, "/sub/archive/releases/2010/renewed-commitment/")[1]


def test_page_warnings_of_check_are_shown_on_the_page(server: DevServer, project: Path) -> None:
    edit(project, JANUARY, "Comunicado en español", "La OIF y el Comunicado en español")
    edit(project, JANUARY, "lang: es", "lang: es\ntranslation_key: janaury")
    _, body = wait_for(server, "/sub/archive/es/releases/2015/january/", lambda s, b: "janaury" in b)
    assert "warning: the text names OIF ('OIF') but oif is not in mechanisms" in panel_text(body)
    assert "warning: translation_key 'janaury' is used by no other file" in panel_text(body)
    assert "Check will warn about this page" in body
    assert "serve-problems" not in get(server, "/sub/archive/releases/2010/renewed-commitment/")[1]
    edit(project, JANUARY, "La OIF y el", "Con <H1> la OIF y el")  # noted while loading the text
    _, body = wait_for(server, "/sub/archive/es/releases/2015/january/", lambda s, b: "is shown as written" in b)
    assert "warning: '<H1>' is shown as written: <h1> is not allowed inside a paragraph" in panel_text(body)


def test_addresses(server: DevServer) -> None:
    status, _, headers = get(server, "/")
    assert status == 302 and headers["Location"] == "/sub/archive/"
    status, _, headers = get(server, "/sub/archive/releases")
    assert status == 301 and headers["Location"] == "/sub/archive/releases/"
    status, body, _ = get(server, "/sub/archive/no/such/page/")
    assert status == 404 and "livereload.js" in body
    status, body, headers = get(server, "/sub/archive/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml") and "livereload" not in body
    status, _, headers = get(server, "/sub/archive/pdf/warsaw-2010.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    status, body, headers = get(server, "/sub/archive/releases/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000
    assert 'href="http://127.0.0.1:' in get(server, "/sub/archive/")[1]  # canonical links point here


def test_hidden_drafts_and_build_output_never_has_serve_additions(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = Options(content=project / "content", templates=project / "templates", drafts=False, jobs=1, search=False)
    with running(options, quiet=0.03, out=open(os.devnull, "w")) as dev:
        assert get(dev, "/sub/archive/releases/2015/draft/")[0] == 404
    monkeypatch.chdir(project)
    assert run("build", "--drafts")[0] == 0
    for page in (project / "output").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "livereload" not in text and "serve-problems" not in text and "serve-draft" not in text


def test_output_folder_is_written_only_when_asked(project: Path) -> None:
    options = Options(content=project / "content", templates=project / "templates", drafts=True, jobs=1, search=False)
    with running(options, quiet=0.03, out=open(os.devnull, "w"), mirror=project / "preview") as dev:
        deadline = time.monotonic() + DEADLINE
        while not (project / "preview" / "index.html").exists():
            assert time.monotonic() < deadline, "the preview folder was not written"
            time.sleep(0.05)
        assert get(dev, "/sub/archive/")[0] == 200
    assert (project / "preview" / "releases" / "2015" / "draft" / "index.html").is_file()
    assert not (project / "output").exists()


def test_busy_port_is_a_usage_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        code, out, err = run("serve", "--port", str(busy.getsockname()[1]))
    finally:
        busy.close()
    assert code == 2 and "cannot serve on 127.0.0.1:" in err and "try --port" in err


@pytest.mark.parametrize("argv", [["serve", "--port", "http"], ["serve", "--port", "70000"], ["serve", "--jobs", "2"]])
def test_serve_bad_usage(project: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    monkeypatch.chdir(project)
    assert run(*argv)[0] == 2


def test_broken_archive_at_start_still_serves_the_problems(project: Path) -> None:
    edit(project, JANUARY, "date: 2015-01-20", "date: soon")
    options = Options(content=project / "content", templates=project / "templates", drafts=True, jobs=1, search=False)
    with running(options, quiet=0.03, out=open(os.devnull, "w")) as dev:
        status, body, _ = get(dev, "/sub/archive/")
        assert status == 404 and "date: 'soon' is not a date" in panel_text(body)
        edit(project, JANUARY, "date: soon", "date: 2015-01-20")
        wait_for(dev, "/sub/archive/", lambda s, b: s == 200 and "serve-problems" not in b)


def test_stopping_frees_the_port(project: Path) -> None:
    options = Options(content=project / "content", templates=project / "templates", jobs=1, search=False)
    with running(options, out=open(os.devnull, "w")) as dev:
        port = dev.port
    again = socket.socket()
    again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    again.bind(("127.0.0.1", port))
    again.close()


def test_search_works_in_the_preview(project: Path) -> None:
    """The index is made on another thread once the site is up to date; the search page then finds pages."""
    options = Options(content=project / "content", templates=project / "templates", drafts=True, jobs=1)
    with running(options, quiet=0.03, out=open(os.devnull, "w")) as dev:
        status, listed = wait_for(dev, "/sub/archive/pagefind/languages.json", lambda s, b: s == 200)
        first = json.loads(listed)["en"]["bundles"][0]
        assert "pagefind" in get(dev, f"/sub/archive/pagefind/{first}pagefind.js")[1].lower()
        assert get(dev, f"/sub/archive/pagefind/{first}pagefind-entry.json")[0] == 200
