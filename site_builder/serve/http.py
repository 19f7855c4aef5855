"""HTTP for the dev server: tornado handlers that answer from the site in memory."""

from __future__ import annotations

import ipaddress
import logging
import mimetypes
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import tornado.web
from livereload.handlers import LiveReloadHandler


@dataclass(frozen=True)
class Response:
    """What a request gets: built by the server from the site in memory, sent by ``SiteHandler``."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""


class Responder(Protocol):
    port: int

    def respond(self, request_path: str) -> Response: ...


MAX_HEADERS = 16 * 1024  # bytes of request line and headers: a browser sends far less
MAX_BODY = 16 * 1024  # the preview takes no uploads


def host_allowed(host: str, port: int) -> bool:
    """The Host header names this server by address (or localhost) and port.

    A page on another site that makes its own name resolve to 127.0.0.1 (DNS rebinding) sends
    its own name as Host: refused, so it can read neither drafts nor files.
    """
    name, _, given = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name or given != str(port):
        return False
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def origin_allowed(origin: str, host: str, port: int) -> bool:
    """A live-reload socket opened by one of this server's own pages, not by another site's script."""
    parts = urlsplit(origin)
    return parts.scheme == "http" and parts.netloc == host and host_allowed(host, port)


def log_request(handler: tornado.web.RequestHandler) -> None:
    """Quiet: a 404 for a favicon is no news; only a server failure is worth a line."""
    if handler.get_status() >= 500 and not isinstance(handler, SiteHandler):
        logging.getLogger("site_builder.serve").error("%s %s", handler.get_status(), handler.request.uri)


def content_type(file: str) -> str:
    guessed, _ = mimetypes.guess_type(file)
    if file.endswith(".xml") and file.split("/")[-1].startswith("feed"):
        return "application/atom+xml; charset=utf-8"
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "application/javascript", "application/xml",
                                                    "image/svg+xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


class SiteHandler(tornado.web.RequestHandler):
    """Every path that is not livereload's: answered by ``DevServer.respond``."""

    def initialize(self, server: Responder) -> None:
        self.server = server

    def prepare(self) -> None:
        if not host_allowed(self.request.host, self.server.port):
            self.set_status(421)  # Misdirected Request
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"This preview answers only at http://127.0.0.1:{self.server.port}/\n")

    def get(self) -> None:
        self._answer(send_body=True)

    def head(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        response = self.server.respond(self.request.path)
        self.set_status(response.status)
        self.set_header("Cache-Control", "no-store")  # a dev server: never a stale page after a save
        if response.location:
            self.redirect(response.location, permanent=response.status == 301)
            return
        self.set_header("Content-Type", response.content_type)
        if send_body:
            self.write(response.body)
        else:
            self.set_header("Content-Length", str(len(response.body)))


# --- livereload ---------------------------------------------------------------------------------

class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's WebSocket endpoint (its handshake), with the browsers kept per server."""

    def initialize(self, browsers: set["ReloadSocket"], port: int) -> None:
        self.browsers = browsers
        self.port = port

    def check_origin(self, origin: str) -> bool:
        """Only this server's own pages (livereload itself accepts any origin)."""
        return origin_allowed(origin, self.request.host, self.port)

    def prepare(self) -> None:
        if not host_allowed(self.request.host, self.port):
            raise tornado.web.HTTPError(421)

    def on_message(self, message: Any) -> None:
        super().on_message(message)  # answers "hello"; on "info" adds us to the class-wide waiters
        if self in LiveReloadHandler.waiters:
            LiveReloadHandler.waiters.discard(self)
            self.browsers.add(self)

    def on_close(self) -> None:
        self.browsers.discard(self)
        LiveReloadHandler.waiters.discard(self)
