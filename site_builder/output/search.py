"""Full-text search: a Pagefind index of the release pages, built into the finished site folder.

Pagefind (the Rust indexer, shipped in the ``pagefind_bin`` wheel) splits the index into small
fragments per language that the browser fetches on demand, so search stays fast on a slow connection
and never talks to another host. Pages opt in with ``data-pagefind-body`` (release pages only).
"""

from __future__ import annotations

import json
import functools
import os
import subprocess
import sys
from pathlib import Path

from ..workers import die_with_parent
from ..errors import ToolError

SUBDIR = "pagefind"
# Pagefind's ready-made interfaces: we ship our own small one (templates/static/search.js).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SearchIndexError(ToolError):
    """Pagefind is missing or failed: a broken installation, not a content problem nor bad usage."""


def index_site(folder: Path) -> list[str]:
    """Index the built site in ``folder``; return the files added, relative to it, sorted."""
    target = folder / SUBDIR
    if target.exists():
        raise SearchIndexError(f"{SUBDIR}/ already exists in the site: a static file or page took the search index's place")
    command = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-subdir", SUBDIR, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              preexec_fn=functools.partial(die_with_parent, os.getpid()))  # no orphan after kill -9
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from None
    if done.returncode != 0 or not (target / "pagefind-entry.json").is_file():  # exit 0 with no index: a full disk
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed" + (f": {detail[-1]}" if detail else "")
                               + " (is the pagefind[bin] package installed? run make site)")
    for name in UNUSED:
        (target / name).unlink(missing_ok=True)
    _normalise_entry(target / "pagefind-entry.json")
    return sorted(p.relative_to(folder).as_posix() for p in target.rglob("*") if p.is_file())


def _normalise_entry(entry: Path) -> None:
    """Pagefind lists languages in hash-map order; sorted keys make two builds byte-identical."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # cut short (a full disk): no index is better than a broken one
        raise SearchIndexError(f"Pagefind's index is unreadable ({exc}); is the disk full?") from None
    entry.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
