"""How the search index is split: per language, then by a stable hash of each page's path.

A shard is one Pagefind run and one bundle (``pagefind/<language>/<n>/``). Its pages are those of
one language whose path hashes (BLAKE2b) to ``n`` modulo the language's shard count, a power of
two chosen so that no shard holds more than about ``most`` pages. A page never moves between
shards unless its language's count doubles or halves (then that language is indexed again once),
so an edit re-indexes one shard, and a shard's memory and time do not grow with the archive.

One language per shard keeps search exactly as it was with one index: Pagefind searches a page's
language only, and the browser merges the bundles of that one language (see search.js).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..options import SEARCH_SHARD_PAGES

SHARD_PAGES = SEARCH_SHARD_PAGES  # at most about this many pages per shard (docs/performance.md: why)

SUBDIR = "pagefind"
LANGUAGES = "languages.json"  # in SUBDIR: each language's bundles, for the browser

_SAFE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class Shard:
    """One Pagefind run: some pages of one language."""

    language: str  # as Pagefind files the pages: their <html lang>, lower case
    number: int
    count: int  # shards of this language
    files: tuple[str, ...]  # sorted
    first: bool  # the language's first bundle: the one that ships Pagefind's script and WebAssembly

    @property
    def folder(self) -> str:
        """Its bundle, relative to the site: ``pagefind/en/3``."""
        return f"{SUBDIR}/{language_folder(self.language)}/{self.number}"


def language_folder(language: str) -> str:
    """A folder name for a language code (a code that is not a plain name gets a hash of it)."""
    if _SAFE.fullmatch(language):
        return language
    return "x" + hashlib.blake2b(language.encode(), digest_size=6).hexdigest()


def shard_count(pages: int, most: int = SHARD_PAGES) -> int:
    """The fewest shards, a power of two, that put at most ``most`` pages in each on average."""
    count = 1
    while pages > count * max(1, most):
        count *= 2
    return count


def shard_number(file: str, count: int) -> int:
    """The shard of the page written at ``file``: the same in every build, whatever else changes."""
    return int.from_bytes(hashlib.blake2b(file.encode(), digest_size=8).digest(), "big") % count


def plan_shards(languages: Mapping[str, str], most: int = SHARD_PAGES) -> list[Shard]:
    """The non-empty shards of the pages given as ``{file: language}``, in a fixed order."""
    by_language: dict[str, list[str]] = {}
    for file, language in languages.items():
        by_language.setdefault(language, []).append(file)
    shards: list[Shard] = []
    for language in sorted(by_language):
        files = by_language[language]
        count = shard_count(len(files), most)
        split: dict[int, list[str]] = {}
        for file in files:
            split.setdefault(shard_number(file, count), []).append(file)
        first = min(split)
        shards += [Shard(language, number, count, tuple(sorted(split[number])), number == first) for number in sorted(split)]
    return shards


def languages_manifest(entries: Sequence[tuple[Shard, Any]]) -> bytes:
    """``languages.json``: for each language Pagefind indexed, its bundles (first one first) and pages.

    Keyed by Pagefind's own name for the language (from each bundle's entry file), so the browser
    picks the language as Pagefind would: the page's, its base language, or the one with most pages.
    """
    languages: dict[str, dict[str, Any]] = {}
    for shard, entry in sorted(entries, key=lambda item: (item[0].language, not item[0].first, item[0].number)):
        found = entry.get("languages") if isinstance(entry, dict) else None
        for name, index in sorted(found.items()) if isinstance(found, dict) else ():
            known = languages.setdefault(name, {"bundles": [], "pages": 0})
            known["bundles"].append(shard.folder[len(SUBDIR) + 1:] + "/")
            known["pages"] += index.get("page_count", 0) if isinstance(index, dict) else 0
    return json.dumps(languages, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def shard_digest(shard: Shard, pages: Mapping[str, bytes]) -> bytes:
    """What a shard's bundle is made from: its place, whether it ships the script, and each page's
    path and the digest of its search input (``pages``). Same digest, same bundle: the engine links
    it from the last build."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in (shard.folder, str(shard.count), str(shard.first), *(f"{f}\0{pages[f].hex()}" for f in shard.files)):
        hasher.update(part.encode() + b"\n")
    return hasher.digest()
