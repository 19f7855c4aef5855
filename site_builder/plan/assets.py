"""Theme assets (templates/static/): CSS and JS published under assets/ with a content hash.

A hashed name (``style.3f2a9c1b.css``) lets hosts cache the file for a year: a new build with a
changed stylesheet gets a new name, so readers never see a stale one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

HASHED = {".css", ".js"}


@dataclass(frozen=True)
class Asset:
    name: str  # as templates ask for it: "style.css"
    path: str  # site-relative output path: "assets/style.3f2a9c1b.css"
    data: bytes


def collect_assets(templates: Path) -> dict[str, Asset]:
    """Every file of templates/static/, keyed by its name relative to that folder."""
    folder = templates / "static"
    result: dict[str, Asset] = {}
    if not folder.is_dir():
        return result
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        name = file.relative_to(folder).as_posix()
        data = file.read_bytes()
        out = name
        if file.suffix in HASHED:
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = name[: -len(file.suffix)] + f".{digest}{file.suffix}"
        result[name] = Asset(name, "assets/" + out, data)
    return result
