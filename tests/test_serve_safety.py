"""The dev server is safe to leave running: it hands out only what the last good build checked,
answers only under its own address, and stays up under a burst of requests."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from site_builder.options import Options
from site_builder.serve.http import host_allowed, origin_allowed
from site_builder.serve.server import DevServer
from tests.helpers import copy_fixture
from tests.serving import running

LOGO = "/sub/archive/img/dot.png"  # content/static/img/dot.png
SECRET = "root:x:0:0 the file outside content/"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_fixture(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    return tmp_path


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    options = Options(content=project / "content", drafts=True, jobs=1, search=False)
    with running(options, quiet=0.03, out=open(os.devnull, "w")) as dev:
        yield dev


def fetch(server: DevServer, path: str, host: str | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host if host is not None else f"127.0.0.1:{server.port}")
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, body


def test_a_static_file_replaced_by_a_link_out_of_content_is_never_served(server: DevServer, project: Path) -> None:
    status, body = fetch(server, LOGO)
    assert status == 200 and body.startswith(b"\x89PNG")
    logo = project / "content" / "static" / "img" / "dot.png"
    logo.unlink()
    logo.symlink_to(project / "secret.txt")
    for _ in range(40):  # whatever the watcher has seen by now, the secret never comes out
        status, body = fetch(server, LOGO)
        assert SECRET.encode() not in body
        time.sleep(0.05)


def test_a_static_file_replaced_by_a_named_pipe_does_not_hang_requests(server: DevServer, project: Path) -> None:
    logo = project / "content" / "static" / "img" / "dot.png"
    logo.unlink()
    os.mkfifo(logo)
    started = time.monotonic()
    for _ in range(5):
        status, _ = fetch(server, LOGO, timeout=5)
        assert status == 404
    assert time.monotonic() - started < 5
    assert fetch(server, "/sub/archive/")[0] == 200


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost.evil.example:{port}", ""])
def test_a_host_that_is_not_this_server_is_refused(server: DevServer, host: str) -> None:
    status, body = fetch(server, "/sub/archive/", host=host.format(port=server.port))
    assert status == 421
    assert b"<html" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_this_server_by_address_or_localhost_is_answered(server: DevServer, host: str) -> None:
    assert fetch(server, "/sub/archive/", host=host.format(port=server.port))[0] == 200


def test_host_and_origin_rules() -> None:
    assert host_allowed("127.0.0.1:8000", 8000) and host_allowed("192.168.1.5:8000", 8000)
    assert not host_allowed("127.0.0.1.nip.io:8000", 8000) and not host_allowed("127.0.0.1", 8000)
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000", 8000)
    assert not origin_allowed("http://evil.example", "127.0.0.1:8000", 8000)
    assert not origin_allowed("null", "127.0.0.1:8000", 8000)


def _websocket(server: DevServer, origin: str) -> str:
    async def attempt() -> str:
        request = HTTPRequest(f"ws://127.0.0.1:{server.port}/livereload", headers={"Origin": origin})
        try:
            socket_ = await asyncio.wait_for(websocket_connect(request), 10)
        except Exception as exc:  # noqa: BLE001 - the refusal is what is tested
            return f"refused: {exc}"
        socket_.close()
        return "open"
    return asyncio.run(attempt())


def test_livereload_accepts_only_its_own_pages(server: DevServer) -> None:
    assert _websocket(server, f"http://127.0.0.1:{server.port}") == "open"
    assert _websocket(server, "http://evil.example").startswith("refused")


def test_oversized_requests_are_refused_and_the_server_stays_up(server: DevServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"GET /sub/archive/ HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Big: " % server.port + b"a" * 100_000 + b"\r\n\r\n")
        try:
            answer = raw.recv(100)
        except ConnectionResetError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 200")
    assert fetch(server, "/sub/archive/")[0] == 200


def test_a_burst_of_concurrent_requests_is_answered(server: DevServer) -> None:
    paths = ["/sub/archive/", "/sub/archive/releases/", "/sub/archive/feed.xml", "/sub/archive/nope/", LOGO] * 40
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda p: fetch(server, p)[0], paths))
    assert statuses.count(404) == 40 and statuses.count(200) == 160
    assert fetch(server, "/sub/archive/")[0] == 200


def test_serve_listens_on_loopback_by_default() -> None:
    from site_builder.cli import make_parser
    assert make_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert threading.active_count() >= 1
