"""Diagnostics: every problem found in content is data, collected, sorted and printed once.

Nothing in the pipeline prints or exits: stages return or raise ``Diagnostic`` lists and the
command line formats them as ``path:line: error: message (hint)``.
"""

from __future__ import annotations

import dataclasses
import difflib
import posixpath
from dataclasses import dataclass, field
from typing import ClassVar, Iterable

EXIT_OK = 0
EXIT_CONTENT = 1  # the content has errors (or warnings, with check --strict)
EXIT_USAGE = 2  # a bad command line, or an output folder the builder refuses to replace
EXIT_TOOL = 3  # a tool the build needs is missing or failed (the search indexer), or the writer refused a file


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at one line (1-based; 0 when the whole file is concerned)."""

    path: str
    line: int
    message: str
    hint: str = ""
    pages: tuple[str, ...] = ()  # the pages being rendered when a template failed, sorted ("/releases/2010/x/")
    severity: str = field(default="error", compare=False)
    code: str = field(default="", compare=False)

    def format(self, content: str = "") -> str:
        """The one format editors and CI see: ``path:line: error: message (hint)``.

        ``path`` is relative to the content folder; ``content`` (as given on the command line) is
        put in front so the path can be opened from where the command ran.
        """
        text = f"{self.shown_path(content)}:{self.line}: {self.severity}: {self.text}"
        text = f"{text} ({self.hint})" if self.hint else text
        return text.translate(_ONE_LINE)  # a value quoted in a message never breaks the one-line form

    @property
    def text(self) -> str:
        """The message with the pages it was met on: ``... (while rendering /x/ and 2 other pages)``."""
        if not self.pages:
            return self.message
        others = len(self.pages) - 1
        more = f" and {others} other page{'s' if others > 1 else ''}" if others else ""
        return f"{self.message} (while rendering {self.pages[0]}{more})"

    def shown_path(self, content: str = "") -> str:
        if not content or self.path.startswith(("templates/", "--")) or self.code == "template-error":
            return self.path
        return posixpath.normpath(posixpath.join(content.replace("\\", "/"), self.path))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def grouped(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One mistake met on many pages (a template line) reported once, with every page it broke."""
    pages: dict[Diagnostic, set[str]] = {}
    for diagnostic in diagnostics:
        pages.setdefault(dataclasses.replace(diagnostic, pages=()), set()).update(diagnostic.pages)
    return sorted(dataclasses.replace(place, pages=tuple(sorted(found))) for place, found in pages.items())


class SiteBuilderError(Exception):
    """What stops a command; the command line prints it and exits with its ``exit_code``."""

    exit_code: ClassVar[int]


_ONE_LINE = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
             for code in (0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029)}  # what splits lines


class ContentError(SiteBuilderError):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    exit_code = EXIT_CONTENT

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(SiteBuilderError):
    """A bad command line or a refused output folder: not a content problem."""

    exit_code = EXIT_USAGE


class ToolError(SiteBuilderError):
    """The build could not finish for a reason that is neither the content nor the command line:
    the search indexer is missing or failed (a broken installation), or the writer refused a file
    (two outputs at one path, or a path outside the output folder: a bug). Nothing was written."""

    exit_code = EXIT_TOOL


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known values, or '' when nothing is close."""
    matches = difflib.get_close_matches(str(value), sorted(set(choices)), n=3, cutoff=0.6)
    if not matches:
        return ""
    quoted = " or ".join(f"'{m}'" for m in matches)
    return f"did you mean {quoted}?"
