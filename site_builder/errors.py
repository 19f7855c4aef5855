"""Diagnostics: every problem found in content is data, collected, sorted and printed once.

Nothing in the pipeline prints or exits: stages return or raise ``Diagnostic`` lists and the
command line formats them as ``path:line: error: message (hint)``.
"""

from __future__ import annotations

import difflib
import posixpath
from dataclasses import dataclass, field
from typing import Iterable

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at one line (1-based; 0 when the whole file is concerned)."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = field(default="error", compare=False)
    code: str = field(default="", compare=False)

    def format(self, content: str = "") -> str:
        """The one format editors and CI see: ``path:line: error: message (hint)``.

        ``path`` is relative to the content folder; ``content`` (as given on the command line) is
        put in front so the path can be opened from where the command ran.
        """
        text = f"{self.shown_path(content)}:{self.line}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def shown_path(self, content: str = "") -> str:
        if not content or self.path.startswith(("templates/", "--")) or self.code == "template-error":
            return self.path
        return posixpath.normpath(posixpath.join(content.replace("\\", "/"), self.path))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(Exception):
    """A bad command line or a refused output folder: exit code 2, not a content problem."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known values, or '' when nothing is close."""
    matches = difflib.get_close_matches(str(value), sorted(set(choices)), n=3, cutoff=0.6)
    if not matches:
        return ""
    quoted = " or ".join(f"'{m}'" for m in matches)
    return f"did you mean {quoted}?"
