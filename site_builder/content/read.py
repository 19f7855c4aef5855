"""Reading one source file: strict UTF-8 and front matter split from the body, with line numbers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, Optional

from frontmatter.default_handlers import YAMLHandler

from ..errors import ContentError, Diagnostic
from .schema import FORBIDDEN_CHARACTER
from .yaml_lines import LineMap, YamlError, load_yaml

_HANDLER = YAMLHandler()


def read_text(path: Path, shown: str, data: Optional[bytes] = None) -> str:
    """The file's text (``data``: its bytes, when the caller read them already); a non-UTF-8 byte
    or an invisible control character is reported at its line."""
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:  # deleted, or made unreadable, since it was found
        raise ContentError([Diagnostic(shown, 0, f"cannot read this file ({exc.strerror or exc})",
                                       "check that it still exists and that you may read it", code="unreadable")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([Diagnostic(shown, line, f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                                       "save it with the UTF-8 encoding in your editor", code="not-utf8")]) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    bad = FORBIDDEN_CHARACTER.search(text)
    if bad:  # invalid in feeds and the sitemap, invisible on screen: say where it is
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise ContentError([Diagnostic(shown, line, f"invisible control character U+{ord(bad.group()):04X} at column {column}",
                                       "delete it and type the characters around it again: it cannot be published",
                                       code="control-character")])
    return text


@dataclass(frozen=True)
class Parsed:
    """A Markdown source split into front matter (with key lines) and body."""

    meta: Any
    lines: LineMap
    body: str
    body_line: int  # the file line where the body starts


def parse_markdown_file(path: Path, shown: str, data: Optional[bytes] = None) -> Parsed:
    """Split ``---`` front matter from the body (python-frontmatter's YAML handler) keeping lines."""
    text = read_text(path, shown, data)
    if not _HANDLER.detect(text):
        raise ContentError([Diagnostic(shown, 1, "the file does not start with front matter",
                                       "the first line must be --- and the front matter must end with another ---",
                                       code="no-front-matter")])
    try:
        _, fm, body = _HANDLER.FM_BOUNDARY.split(text, 2)
    except ValueError:
        raise ContentError([Diagnostic(shown, 1, "the front matter is not closed",
                                       "add a line --- after the last field", code="no-front-matter")]) from None
    try:
        meta, lines = load_yaml(fm)  # fm starts right after the opening ---, on file line 1
    except YamlError as exc:
        raise ContentError([exc.diagnostic(shown)]) from None
    stripped = body.lstrip("\n")
    return Parsed(meta if meta is not None else {}, lines, stripped, _first_body_line(text, body, stripped))


def _first_body_line(text: str, body: str, stripped: str) -> int:
    """The 1-based line of the first non-blank body character."""
    start = len(text) - len(body) + (len(body) - len(stripped))
    return text.count("\n", 0, start) + 1


def read_published_file(path: str | Path, root: Path) -> bytes | None:
    """The bytes of a file to publish as it is now, or None if it is no longer one to publish.

    The dev server reads copied files on request, long after the build checked them: by then the
    file may have become a link to /etc/passwd, or a named pipe that would hang the request. The file
    is opened without blocking, must be a regular file, and the file actually opened (not the name)
    must lie inside ``root``.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not S_ISREG(os.fstat(fd).st_mode):
            return None
        opened = Path(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").is_dir() else os.path.realpath(path))
        if not opened.is_relative_to(root.resolve()):
            return None
        with os.fdopen(os.dup(fd), "rb") as stream:
            return stream.read()
    except OSError:
        return None
    finally:
        os.close(fd)
