"""The message catalogue and the editors' guide cannot drift from the code.

(a) every ``Diagnostic(...)`` in site_builder/ has a literal ``code=`` that the catalogue explains;
(b) docs/editing.md holds the section generated from the catalogue, up to date, so it names every
code with its fix; and its tables of fields are generated from the fields the model declares.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest

from site_builder import guide
from site_builder.content import schema
from site_builder.content.model import Mechanism, Meeting, Page, Release, SiteConfig
from site_builder.errors import ContentError
from site_builder.messages import CATALOGUE, END, START, markdown, update
from site_builder.options import Options, TEMPLATES
from site_builder.pipeline import build, check
from tests.helpers import MINIMAL, ROOT, make_site, run

PACKAGE = ROOT / "site_builder"
GUIDE = ROOT / "docs" / "editing.md"


def diagnostic_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for file in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name == "Diagnostic":
                    calls.append((file.name, node.lineno, node))
    return calls


def test_there_are_diagnostics_to_check() -> None:
    assert len(diagnostic_calls()) > 30


def test_every_diagnostic_has_a_catalogued_code() -> None:
    problems = []
    for file, line, call in diagnostic_calls():
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
            problems.append(f"{file}:{line}: Diagnostic without a literal code=")
        elif code.value not in CATALOGUE:
            problems.append(f"{file}:{line}: code '{code.value}' is not in site_builder/messages.py")
    assert problems == []


def test_codes_in_the_catalogue_are_used_or_known() -> None:
    """A catalogue entry for a code nothing raises any more is stale."""
    used = set()
    for _, _, call in diagnostic_calls():
        used |= {k.value.value for k in call.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)}
    assert set(CATALOGUE) - used == set()


def test_catalogue_entries_are_complete() -> None:
    for code, message in CATALOGUE.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code)
        assert message.severity in ("error", "warning")
        assert message.meaning and message.example and message.fix, code
        assert "\n" not in message.meaning + message.fix, code


def test_warnings_are_catalogued_as_warnings() -> None:
    source = (PACKAGE / "content" / "lint.py").read_text(encoding="utf-8")
    for code in re.findall(r'code="([a-z-]+)"', source):
        assert CATALOGUE[code].severity == "warning"


# --- the guide ---------------------------------------------------------------------------------

def test_guide_section_is_generated_from_the_catalogue() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert START in text and END in text
    assert update(text) == text, "run: python -m site_builder.guide docs/editing.md"


def test_guide_names_every_code_with_its_fix() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for code, message in CATALOGUE.items():
        assert f"#### `{code}`" in text
        assert f"**Fix:** {message.fix}" in text
    assert markdown() in text


def test_guide_is_linked_from_every_message_hint_that_points_to_it() -> None:
    """Hints say "see docs/editing.md": the file must exist at that path."""
    assert GUIDE.is_file()


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    rest = text[start + len(heading):]
    match = re.search(r"^## ", rest, re.MULTILINE)
    return rest[: match.start()] if match else rest


def test_guide_tables_are_generated_from_the_declared_fields() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert guide.update(text) == text, f"run: {guide.COMMAND}"


@pytest.mark.parametrize("heading, model", [
    ("## A release", Release), ("## A meeting", Meeting), ("## A mechanism", Mechanism),
    ("## A free page", Page), ("## Site settings", SiteConfig),
])
def test_guide_documents_every_field(heading: str, model: type) -> None:
    """Each declared field has a row, with its meaning and an example, in the table of its section."""
    part = section(GUIDE.read_text(encoding="utf-8"), heading)
    declared = schema.fields_of(model)
    assert declared
    for field in declared:
        rows = [line for line in part.splitlines() if line.startswith(f"| `{field.rule.key}` |")]
        assert rows, f"{heading}: field {field.rule.key} is not documented"
        cells = [c.strip() for c in rows[0].strip("|").split("|")]
        assert cells[1] == ("yes" if field.rule.required else "no"), f"{heading}: {field.rule.key} required?"
        assert cells[2] and cells[3].startswith(f"`{field.rule.key}:"), f"{heading}: {field.rule.key} has no example"


def test_every_declared_field_has_a_meaning_and_an_example() -> None:
    for model in guide.TABLES.values():
        for field in schema.fields_of(model):
            assert field.rule.meaning and field.rule.example.startswith(f"{field.rule.key}:"), field


# --- each example of the catalogue is what the builder prints -------------------------------------

RELEASE = "releases/2011/2011-01-01-x.md"
EXAMPLES: dict[str, dict[str, str | None]] = {
    "not-utf8": {},  # written as bytes below
    "no-front-matter": {RELEASE: "title: X\n"},
    "malformed-yaml": {RELEASE: '---\ntitle: "X\ndate: 2011-01-01\n---\nX.\n'},
    "not-a-mapping": {RELEASE: "---\n- a\n- b\n---\nX.\n"},
    "missing-file": {"site.yaml": None},
    "missing-field": {RELEASE: "---\ntitle: X\n---\nX.\n"},
    "unknown-field": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\ncolour: red\n---\nX.\n"},
    "bad-value": {RELEASE: "---\ntitle: X\ndate: 2011-02-30\n---\nX.\n"},
    "unknown-kind": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nkind: pres-release\n---\nX.\n"},
    "unknown-language": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nlang: de\n---\nX.\n"},
    "bad-file-name": {"mechanisms/OSCE ODIHR.md": "---\nname: X\nshort: X\n---\nX.\n"},
    "missing-attachment": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nattachments: [{file: static/pdf/release.pdf}]\n---\nX.\n"},
    "unknown-id": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nmechanisms: [osce-odhir]\n---\nX.\n"},
    "duplicate-meeting": {"meetings/3-again.md": '---\nnumber: "3"\nstart: "2010"\n---\nX.\n'},
    "duplicate-translation": {
        "releases/2011/2011-01-01-a.md": "---\ntitle: A\ndate: 2011-01-01\nlang: fr\ntranslation_key: jan\n---\nA.\n",
        "releases/2011/2011-01-02-b.md": "---\ntitle: B\ndate: 2011-01-02\nlang: fr\ntranslation_key: jan\n---\nB.\n"},
    "duplicate-url": {"releases/2010/warsaw.md": "---\ntitle: X\ndate: 2010-01-01\n---\nX.\n"},
    "yaml-limit": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nplace: &a [" + ", ".join(["*a"] * 0) + "]\n"
                           + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 7))
                           .replace("*l0", "*a") + "---\nX.\n"},
    "yaml-type": {RELEASE: "---\ntitle: !!set {a, b}\ndate: 2011-01-01\n---\nX.\n"},
    "control-character": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\nX\x01.\n"},
    "special-file": {},  # made below
    "unreadable": {},  # os.access says no below (the tests may run as root, who may read anything)
    "path-too-long": {RELEASE: "---\ntitle: X\ndate: 2010-01-01\nslug: " + "a" * 250 + "\n---\nX.\n"},
    "broken-symlink": {},  # made below
    "symlink-outside": {},  # made below
    "template-error": {},  # a template is broken below
    "unlisted-mechanism": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\nThe ODIHR said so.\n"},
    "unreadable-pdf": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\nattachments: [{file: static/pdf/x.pdf}]\n---\nX.\n",
                       "static/pdf/x.pdf": "%PDF-1.4\nxxxx\n"},
    "unlisted-country": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\nDefenders in Tunisia.\n"},
    "future-date": {"releases/2041/2041-03-01-x.md": "---\ntitle: X\ndate: 2041-03-01\n---\nX.\n"},
    "lonely-translation": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\ntranslation_key: warsaw-2011\n---\nX.\n"},
    "unused-topic": {"topics.yaml": "cooperation:\n  title: C\nland-rights:\n  title: Land rights\n"},
    "body-too-complex": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\n" + "\n".join("  " * i + "- x" for i in range(90))},
    "html-removed": {RELEASE: '---\ntitle: X\ndate: 2011-01-01\n---\nSome <font color="red">red</font> words.\n'},
    "html-as-text": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\nUse headings like <H1> and <H2>.\n"},
    "embed-removed": {RELEASE: '---\ntitle: X\ndate: 2011-01-01\n---\nX.\n\n<iframe src="https://www.youtube.com/embed/abc" '
                               'title="Launch of the report"></iframe>\n'},
    "external-image": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\n![A photo](https://example.org/photo.jpg)\n"},
    "template-code": {RELEASE: '---\ntitle: X\ndate: 2011-01-01\n---\nSee {{ "/x/" | url }} here.\n'},
    "markup-in-text": {RELEASE: "---\ntitle: The &ldquo;agilefall&rdquo; method\ndate: 2011-01-01\n---\nX.\n"},
    "empty-summary": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\n- a list\n- and nothing else\n"},
    "file-name-date": {"releases/2024/2024-12-5-x.md": "---\ntitle: X\ndate: 2024-12-05\n---\nX.\n"},
    "broken-link": {RELEASE: "---\ntitle: X\ndate: 2011-01-01\n---\nSee [Warsaw](/releases/2014/warsaw/).\n"},
    "case-collision": {"pages/about.md": "---\ntitle: About\naliases: [/old-page/]\n---\nAbout.\n",
                       "pages/other.md": "---\ntitle: Other\naliases: [/Old-Page/]\n---\nOther.\n"},
    "untranslated-interface": {"site.yaml": MINIMAL["site.yaml"].replace("[en, fr]", "[en, fr, de]")},
}


@pytest.mark.parametrize("code", sorted(c for c in CATALOGUE if c != "internal-error"))
def test_each_catalogue_example_is_printed_by_the_builder(code: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``internal-error`` (a bug in the dev server) is the only message no archive can produce."""
    content = make_site(tmp_path, EXAMPLES[code])
    if code == "not-utf8":
        (content / RELEASE).parent.mkdir(parents=True, exist_ok=True)
        (content / RELEASE).write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    if code == "special-file":
        os.mkfifo(content / "releases" / "2010" / "2010-12-10-pipe.md")
    if code == "unreadable":
        monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    if code == "broken-symlink":
        (content / "static").mkdir()
        (content / "static" / "gone.pdf").symlink_to(tmp_path / "nothing-here.pdf")
    if code == "symlink-outside":
        (tmp_path / "outside.pdf").write_bytes(b"%PDF")
        (content / "static").mkdir()
        (content / "static" / "out.pdf").symlink_to(tmp_path / "outside.pdf")
    monkeypatch.chdir(tmp_path)
    if code == "template-error":  # for the design team: a template that names nothing known
        templates = tmp_path / "templates"
        shutil.copytree(TEMPLATES, templates)
        page = templates / "release.html"
        page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ no_such_name }}", 1),
                        encoding="utf-8")
        with pytest.raises(ContentError) as raised:
            build(Options(content=content, output=tmp_path / "out", templates=templates, jobs=1))
        printed = "\n".join(d.format() for d in raised.value.diagnostics)
    elif code == "untranslated-interface":  # a catalog template of 12 strings, as in the example
        templates = tmp_path / "templates"
        shutil.copytree(TEMPLATES, templates)
        pot = templates / "locale" / "messages.pot"
        entries = pot.read_text(encoding="utf-8").split("\n\n")
        pot.write_text("\n\n".join(entries[:12]) + "\n", encoding="utf-8")
        printed = "\n".join(d.format() for d in check(Options(content=content, templates=templates)))
    else:
        _, _, printed = run("check")
    message = CATALOGUE[code]
    assert f": {message.severity}: {message.example}" in printed, printed
