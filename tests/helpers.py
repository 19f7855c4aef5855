"""Helpers shared by the tests: tiny archives built inline, the CLI called in-process."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Mapping, Optional

from site_builder.cli import main
from site_builder.content.archive import load_archive
from site_builder.content.markdown import MarkdownRenderer
from site_builder.options import Options
from site_builder.plan.site import Site, plan_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_SITE = FIXTURES / "site"

MINIMAL: dict[str, str] = {
    "site.yaml": "title: Test archive\nbase_url: https://example.org/\nlanguages: [en, fr]\nper_page: 2\n",
    "topics.yaml": "cooperation:\n  title: Cooperation\n",
    "mechanisms/osce-odihr.md": "---\nname: Office for Democratic Institutions and Human Rights\nshort: OSCE/ODIHR\n"
                                "aliases: [ODIHR]\nscope: regional\nregion: Europe\n---\nThe focal point.\n",
    "meetings/3.md": '---\nnumber: "3"\nstart: "2010-12-08"\nend: "2010-12-09"\ncity: Warsaw\nhost: osce-odihr\n---\nHeld.\n',
    "releases/2010/2010-12-09-warsaw.md": '---\ntitle: Warsaw meeting\ndate: 2010-12-09\nplace: Warsaw\n'
                                          'meetings: ["3"]\nmechanisms: [osce-odihr]\ntopics: [cooperation]\n---\n'
                                          "The third meeting ended today.\n",
}


def make_site(root: Path, files: Optional[Mapping[str, Optional[str]]] = None, base: Mapping[str, str] = MINIMAL) -> Path:
    """Write ``base`` plus ``files`` (None deletes a base file) under ``root``/content; return it."""
    content = root / "content"
    merged = {**base, **(files or {})}
    for rel, text in merged.items():
        if text is None:
            continue
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def copy_fixture(root: Path, source: Path = FIXTURE_SITE) -> Path:
    content = root / "content"
    shutil.copytree(source, content, symlinks=True)
    return content


def arabic_archive(root: Path) -> Path:
    """The fixture archive plus Arabic: one more language in site.yaml, and the Arabic releases of
    tests/fixtures/arabic (a translation of a fixture release and one release of its own)."""
    content = copy_fixture(root)
    shutil.copytree(FIXTURES / "arabic" / "releases", content / "releases", dirs_exist_ok=True)
    settings = content / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "languages: [en, fr, es]" in text
    settings.write_text(text.replace("languages: [en, fr, es]", "languages: [en, fr, es, ar]"), encoding="utf-8")
    return content


def run(*argv: str) -> tuple[int, str, str]:
    """Call the command line in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by relative path: to compare two builds byte for byte."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def planned(root: Path, files: Optional[Mapping[str, Optional[str]]] = None) -> Site:
    """The plan (views, URLs, routes) of a small archive written under ``root``: no rendering."""
    options = Options(content=make_site(root, files), jobs=1)
    return plan_site(load_archive(options), options)


def tiny_pdf(text: str, size: int = 0) -> bytes:
    """A one-page PDF showing ``text`` (Helvetica), padded with a comment to ``size`` bytes if given:
    made by hand so the tests need no PDF writer, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]

    def assemble(padding: int) -> bytes:
        out = b"%PDF-1.4\n" + (b"%" + b"x" * (padding - 2) + b"\n" if padding >= 2 else b"")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return out

    plain = assemble(0)
    if size <= len(plain):
        return plain
    padded = assemble(size - len(plain))
    return padded if len(padded) == size else assemble(size - len(plain) - (len(padded) - size))


def assert_same_rendering(ours: MarkdownRenderer, reference: MarkdownRenderer, text: str) -> None:
    """Two configurations of the Markdown renderer give the same HTML, notes and error for ``text``."""
    mine, theirs = ours.render(text, "en"), reference.render(text, "en")
    assert (mine.html, mine.notes, mine.error) == (theirs.html, theirs.notes, theirs.error), text
