"""HTTP for the dev server: tornado handlers that answer from the site in memory."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from typing import Protocol

import tornado.web


@dataclass(frozen=True)
class Response:
    """What a request gets: built by the server from the site in memory, sent by ``SiteHandler``."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""


class Responder(Protocol):
    def respond(self, request_path: str) -> Response: ...


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
