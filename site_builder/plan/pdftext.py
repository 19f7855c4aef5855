"""The text of PDF attachments, so that search finds a release by words only its PDF holds.

Text is extracted with pypdf (pinned) when the site is planned, and kept in the build cache folder
under ``pdf-text/<sha256 of the file>.txt``: a PDF is read once, whatever its name, until its bytes
change (a small keyed cache that the engine's store may take over). A PDF that cannot be read is a
``check`` warning and an empty text, never a failed build.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Iterable, Optional

from ..content.model import Release
from ..errors import Diagnostic

CACHE_SUBDIR = "pdf-text"
MAX_CHARACTERS = 200_000  # a long report still indexes fully; a huge scan cannot bloat its page


def pdf_attachments(releases: Iterable[Release]) -> list[tuple[Release, str, str]]:
    """(release, attachment file as written, path on disk) of every PDF attachment, in order."""
    return [(release, attachment.file, attachment.path) for release in releases for attachment in release.attachments
            if attachment.extension == "pdf" and attachment.path]


def read_texts(releases: Iterable[Release], cache_dir: Optional[Path]) -> tuple[dict[str, str], list[Diagnostic]]:
    """The text of every PDF attachment, by its path on disk, and a warning for each unreadable one."""
    texts: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for release, file, path in pdf_attachments(releases):
        if path in texts:
            continue
        try:
            texts[path] = _cached_text(Path(path), cache_dir)
        except _Unreadable as exc:
            texts[path] = ""
            problems.append(Diagnostic(release.source, release.lines.at("attachments"),
                                       f"the PDF '{file}' cannot be read ({exc}): search will not find its text",
                                       "export the PDF again from its source document (File > Export as PDF)",
                                       severity="warning", code="unreadable-pdf"))
    return texts, problems


class _Unreadable(ValueError):
    """A PDF pypdf cannot open or whose text it cannot extract."""


def _cached_text(path: Path, cache_dir: Optional[Path]) -> str:
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    # only in a cache folder the engine opened as ours (its marker): never inside someone else's folder
    ours = cache_dir is not None and (cache_dir / "site-builder-cache.json").is_file()
    cached = cache_dir / CACHE_SUBDIR / f"{key}.txt" if cache_dir is not None and ours else None
    if cached is not None and cached.is_file():
        text = cached.read_text(encoding="utf-8")
        if text.startswith("!"):  # remembered as unreadable
            raise _Unreadable(text[1:])
        return text[1:]
    try:
        text = "+" + extract_text(data)
    except _Unreadable as exc:
        text = "!" + str(exc)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            temporary.replace(cached)
        except OSError:  # a read-only cache folder: extract again next time
            pass
    if text.startswith("!"):
        raise _Unreadable(text[1:])
    return text[1:]


def extract_text(data: bytes) -> str:
    """The text of a PDF's pages, whitespace collapsed; raise _Unreadable for a broken or locked file."""
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported once, as a warning
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise _Unreadable("it is protected by a password")
        parts = [page.extract_text() or "" for page in reader.pages]
    except _Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise _Unreadable(f"not a readable PDF: {exc}") from None
    text = " ".join(" ".join(parts).split())
    if not text:
        raise _Unreadable("it holds no text (a scan?)")
    return text[:MAX_CHARACTERS]
