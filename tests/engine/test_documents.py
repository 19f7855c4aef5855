"""Documents through the cache: one entry per document, and no body converted twice for a settings edit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable
from unittest import mock

import markdown as md_lib

from site_builder.content.archive import documents_of, load_archive, read_settings
from site_builder.content.discover import discover
from site_builder.content.model import Archive
from site_builder.engine.documents import Documents
from site_builder.engine.store import Store
from site_builder.options import Options
from tests.helpers import copy_fixture


def load(options: Options, warn: Callable[[str], None] = print) -> tuple[Archive, int, int]:
    """The archive through a fresh ``Documents`` (as each ``build`` has), files parsed, bodies converted."""
    store = Store.open(options.cache_dir, warn) if options.cache_dir else None
    documents = Documents(options, store)
    sources, found = discover(options.content)
    with mock.patch.object(md_lib.Markdown, "convert", autospec=True, side_effect=md_lib.Markdown.convert) as convert:
        archive = documents.archive(read_settings(options), sources, found)
    return archive, documents.parsed, convert.call_count


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def test_a_cold_load_writes_one_entry_per_document_in_one_file_per_process(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path)
    options = Options(content=content, jobs=1, cache_dir=tmp_path / "cache")
    _, parsed, converted = load(options)
    documents = len(documents_of(discover(content)[0]))
    store = Store.open(tmp_path / "cache", print)
    assert store is not None
    assert parsed == converted == documents == len(store.keys("documents")) > 10
    assert [p.suffix for p in (tmp_path / "cache" / "documents").iterdir()] == [".pack"]
    assert not (tmp_path / "cache" / "markdown").exists()


def test_a_settings_edit_parses_every_file_again_but_converts_no_body(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path)
    options = Options(content=content, jobs=1, cache_dir=tmp_path / "cache")
    load(options)
    edit(content / "site.yaml", r"^title: .*$", 'title: "Another name"')
    archive, parsed, converted = load(options)
    assert parsed == len(documents_of(discover(content)[0])) and converted == 0
    assert archive == load_archive(options)  # what a load without any cache gives
    again = load(options)
    assert again[1:] == (0, 0) and again[0] == archive


def test_after_a_settings_edit_an_edited_body_is_converted_again(tmp_path: Path) -> None:
    content = copy_fixture(tmp_path)
    options = Options(content=content, jobs=1, cache_dir=tmp_path / "cache")
    load(options)
    edit(content / "site.yaml", r"^title: .*$", 'title: "Another name"')
    release = sorted((content / "releases").rglob("*.md"))[0]
    release.write_text(release.read_text(encoding="utf-8") + "\nOne more *paragraph*.\n", encoding="utf-8")
    archive, _, converted = load(options)
    assert converted == 1
    assert archive == load_archive(options)
    assert "One more <em>paragraph</em>." in next(r for r in archive.releases if r.source.endswith(release.name)).body_html


def test_damaged_bodies_in_an_entry_are_converted_again_with_one_warning(tmp_path: Path) -> None:
    """The bodies are an opaque blob inside each entry (read only after a settings edit): one that
    does not unpack is a miss, never an error nor a wrong body."""
    content = copy_fixture(tmp_path)
    options = Options(content=content, jobs=1, cache_dir=tmp_path / "cache")
    load(options)
    store = Store.open(tmp_path / "cache", print)
    assert store is not None
    for key in store.keys("documents"):
        value = store.get("documents", key)
        store.put("documents", key, value[:3] + (b"not a blob",))
    edit(content / "site.yaml", r"^title: .*$", 'title: "Another name"')
    warnings: list[str] = []
    archive, parsed, converted = load(options, warnings.append)
    assert parsed == converted == len(documents_of(discover(content)[0]))
    assert archive == load_archive(options)
    assert len(warnings) == 1 and "cache" in warnings[0]
