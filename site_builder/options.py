"""What a build is asked to do: the command line's options as one frozen value every layer may read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
SEARCH_SHARD_PAGES = 256  # at most about this many pages per search-index shard (docs/performance.md)


@dataclass(frozen=True)
class Options:
    content: Path = Path("content")
    output: Path = Path("output")
    base_url: Optional[str] = None
    drafts: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    templates: Path = TEMPLATES
    search: bool = True  # build the Pagefind index (the dev server may skip it for speed)
    cache_dir: Optional[Path] = None  # the build cache (None: no cache; the command line's default is .cache)
    search_shard_pages: int = SEARCH_SHARD_PAGES  # tests lower it to split a small archive into many shards

    @cached_property
    def output_root(self) -> str:
        """``output`` as a string, to join to the tens of thousands of names a warm build checks."""
        return os.fspath(self.output)
