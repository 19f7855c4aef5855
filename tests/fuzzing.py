"""The fuzzing harness: generated and mutated releases through ``check`` and ``build``.

Shared by tests/test_fuzz.py (a short, reproducible run in ``make test``) and bench/fuzz.py (a long
run). Front matter is generated from YAML's own vocabulary (every scalar type, anchors and aliases,
recursive and exponential ones, tags, merge keys, duplicate keys, deep and huge values, control
characters and escapes) or mutated from a valid release; bodies from Markdown's (deep lists,
quotes, emphasis, brackets and HTML, tables, footnotes and reference storms).

Properties of every input (``Verdict.problems`` lists what broke):
- ``check`` and ``build`` exit 0 or 1, never a traceback, and agree (what check accepts, build builds);
- an exit 1 prints only ``path:line: error|warning: ...`` lines and the summary, at least one error;
- each command ends within ``SECONDS`` seconds;
- after a build, every output file is well-formed: HTML decodes and parses with no character XML
  forbids, feeds and the sitemap parse as XML, JSON parses;
- after a refused build, the previous output is byte for byte what it was.
"""

from __future__ import annotations

import functools
import io
import json
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from unittest import mock

import lxml.etree
import lxml.html
from hypothesis import strategies as st

from site_builder import cli
from site_builder.options import Options
from tests.helpers import MINIMAL, make_site, tree_bytes

RELEASE = "releases/2010/2010-12-10-fuzz.md"
SECONDS = 20.0
LINE = re.compile(r"^.+:\d+: (error|warning): .+$")
SUMMARY = re.compile(r"^(check found )?\d+ errors?(, \d+ warnings?)?(: nothing was written)?$")
XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
VALID = ('---\ntitle: "Warsaw: a second meeting"\ndate: 2010-12-10\nplace: Warsaw\nmeetings: ["3"]\n'
         "mechanisms: [osce-odihr]\ntopics: [cooperation]\nsummary: The meeting ended.\n"
         "aliases: [/2010/12/old.html]\ntranslation_key: warsaw-2\n---\n"
         "The *third* meeting [ended](https://example.org/) today.\n\n- one\n- two\n\n> quoted\n")


# --- generating -------------------------------------------------------------------------------

FIELDS = ["title", "date", "place", "kind", "meetings", "mechanisms", "topics", "lang", "translation_key", "summary",
          "attachments", "contacts", "slug", "aliases", "draft", "Title", "colour", "<<", "? x", "- a"]
NASTY = ["\x00", "\x01", "\x0c", "\x1b", "\ufffe", "\u2028", "\u202e", "\ud7ff", "\U0001f600", "'", '"', "\\", "#",
         ":", "- ", "&", "*", "!", "|", ">", "%", "@", "`", "{", "}", "[", "]", ",", "<script>", "</textarea>",
         "javascript:alert(1)", "]]>", "-->", "\t", "\r", "\n", "---", "0000", "2010-02-30", "9" * 30, "~", "null"]
TAGS = ["!!set", "!!binary", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!omap", "!!pairs",
        "!!python/object:os.system", "!custom", "!"]

text = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(NASTY)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _escaped(value: str) -> str:
    """A double-quoted YAML scalar spelling characters as escapes (\\x01, \\0, \\ud800...)."""
    return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 else c for c in value.replace("\\", "\\\\").replace('"', '\\"')) + '"'


scalar = st.one_of(
    text.map(_quoted), text.map(_escaped), text.filter(lambda s: "\n" not in s),
    st.integers(-10**30, 10**30).map(str), st.sampled_from(["true", "no", "~", "null", "1.5", ".inf", "0x1f", "0o17",
                                                            "1_000", "2010-12-10", "2010-12-10T10:00:00", "0000-01-01",
                                                            "1:20:30", "=", "<<"]),
    st.tuples(st.sampled_from(TAGS), text.map(_quoted)).map(" ".join),
)


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, max_size=5).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(FIELDS[:15]) | text.map(_quoted), children), max_size=4)
        .map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
    )


value = st.recursive(scalar, _flow, max_leaves=12)


@st.composite
def deep(draw: Callable[..., Any]) -> str:
    """Nesting and aliases that used to crash or hang: deep flow, recursive and exponential aliases."""
    depth = draw(st.integers(1, 3000))
    kind = draw(st.sampled_from(["flow", "recursive", "laughs", "merge", "block"]))
    if kind == "flow":
        return "place: " + "[" * depth + "]" * depth + "\n"
    if kind == "recursive":
        return "place: &a [x, *a]\n"
    if kind == "laughs":
        width = draw(st.integers(2, 12))
        lines = ["a0: &a0 [lol]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, draw(st.integers(2, 12)))]
        return "\n".join(lines) + "\n"
    if kind == "merge":
        return "base: &b {place: x, title: y}\n<<: *b\n"
    return "".join("  " * i + f"k{i}:\n" for i in range(min(depth, 200))) + "  " * min(depth, 200) + "x\n"


@st.composite
def front_matter(draw: Callable[..., Any]) -> str:
    lines = ["title: Fuzzed", "date: 2010-12-10"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 6))):
        lines.append(f"{draw(st.sampled_from(FIELDS))}: {draw(value)}")
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(deep()).rstrip("\n"))
    if draw(st.booleans()):
        anchor = draw(st.sampled_from(FIELDS[:15]))
        lines.append(f"{anchor}: &x {draw(value)}")
        lines.append(f"{draw(st.sampled_from(FIELDS[:15]))}: *x")
    return "\n".join(draw(st.permutations(lines))) + "\n"


MARKDOWN = ["- ", "* ", "1. ", "> ", "    ", "#", "**", "*", "_", "__", "`", "```", "[", "]", "(", ")", "[^1]", "[^1]: ",
            "[a]: /x", "<div>", "</div>", "<span>", "<script>alert(1)</script>", "<!--", "-->", "|", "| --- |", "\\",
            "&amp;", "&#0;", "&#x110000;", "<https://x>", "![i](", "javascript:", "\n", "\n\n", "\t", "  \n", "{: .x}"]


@st.composite
def body(draw: Callable[..., Any]) -> str:
    parts = draw(st.lists(st.sampled_from(MARKDOWN) | text, max_size=60))
    repeat = draw(st.integers(0, 3))
    if repeat:
        token = draw(st.sampled_from(["> ", "- ", "  - ", "*", "[", "<div>", "| a ", "[^x]", "**_"]))
        parts.append(token * draw(st.integers(1, 120)))
    return "".join(parts)


@st.composite
def mutated(draw: Callable[..., Any]) -> str:
    """A valid release with a few random edits: characters and lines dropped, repeated or inserted."""
    document = VALID
    for _ in range(draw(st.integers(1, 6))):
        if not document:
            break
        at = draw(st.integers(0, len(document) - 1))
        action = draw(st.sampled_from(["drop", "insert", "repeat", "line"]))
        if action == "drop":
            document = document[:at] + document[at + draw(st.integers(1, 20)):]
        elif action == "insert":
            document = document[:at] + draw(st.sampled_from(NASTY + MARKDOWN) | text) + document[at:]
        elif action == "repeat":
            document = document[:at] + document[at:at + 10] * draw(st.integers(2, 50)) + document[at:]
        else:
            lines = document.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[draw(st.integers(0, len(lines) - 1))])
            document = "\n".join(lines)
    return document


release = st.one_of(
    st.tuples(front_matter(), body()).map(lambda fm_body: f"---\n{fm_body[0]}---\n{fm_body[1]}"),
    mutated(),
)


# --- running and judging ---------------------------------------------------------------------------

@dataclass
class Verdict:
    check: int = -1
    build: int = -1
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


class Project:
    """A small archive under ``root`` with one release the fuzzer rewrites, and its last good output."""

    def __init__(self, root: Path):
        self.root = root
        self.content = make_site(root, base=MINIMAL)
        self.output = root / "output"
        code, _, err = self.run("build")
        assert code == 0, err
        self.good = tree_bytes(self.output)

    def run(self, command: str) -> tuple[int, str, str]:
        argv = [command, "--content", str(self.content)]
        if command == "build":
            argv += ["--output", str(self.output), "--cache-dir", str(self.root / "cache"), "--jobs", "1"]
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.object(cli, "Options", functools.partial(Options, search=False)):  # Pagefind is not fuzzed
            code = cli.main(argv, stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def try_release(self, document: str | bytes) -> Verdict:
        path = self.content / RELEASE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document if isinstance(document, bytes) else document.encode("utf-8", "surrogatepass"))
        verdict = Verdict()
        started = time.perf_counter()
        errors = {}
        for command in ("check", "build"):
            begun = time.perf_counter()
            try:
                code, _, err = errors[command] = self.run(command)
            except BaseException as exc:  # noqa: BLE001 - any escape is the finding
                if isinstance(exc, KeyboardInterrupt):
                    raise
                verdict.problems.append(f"{command} raised {type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}")
                break
            setattr(verdict, command, code)
            if time.perf_counter() - begun > SECONDS:
                verdict.problems.append(f"{command} took {time.perf_counter() - begun:.1f}s")
            verdict.problems += _judge_exit(command, code, err)
        verdict.seconds = time.perf_counter() - started
        if verdict.check in (0, 1) and verdict.build in (0, 1) and verdict.check != verdict.build:
            verdict.problems.append(f"check exits {verdict.check} but build exits {verdict.build}: "
                                    f"{(errors['check'][2] + errors['build'][2])[-600:]}")
        if verdict.build == 0:
            verdict.problems += well_formed(self.output)
            self.good = tree_bytes(self.output)
        elif tree_bytes(self.output) != self.good:
            verdict.problems.append("a refused build changed the previous output")
        return verdict


def _judge_exit(command: str, code: int, err: str) -> list[str]:
    problems = []
    if code not in (0, 1):
        problems.append(f"{command} exited {code}: {err[-500:]}")
    if "Traceback" in err:
        problems.append(f"{command} printed a traceback: {err[-2000:]}")
    lines = err.splitlines()
    if code == 1:
        if not lines or not SUMMARY.match(lines[-1]):
            problems.append(f"{command} exit 1 without its summary line: {err[-500:]}")
        bad = [line for line in lines[:-1] if not LINE.match(line)]
        if bad or not any(": error: " in line for line in lines):
            problems.append(f"{command} exit 1 with lines not in path:line: form: {bad[:3]}")
    return problems


def well_formed(output: Path) -> list[str]:
    """Every file of a built site parses as what its name says."""
    problems = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        rel, data = path.relative_to(output).as_posix(), path.read_bytes()
        try:
            if path.suffix == ".html":
                data.decode("utf-8")
                if XML_FORBIDDEN.search(data):
                    problems.append(f"{rel}: a control character in HTML")
                document = lxml.html.document_fromstring(data)
                if document.find("body") is None and b"http-equiv" not in data:
                    problems.append(f"{rel}: no body")
            elif path.suffix == ".xml":
                lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
            elif path.suffix == ".json":
                json.loads(data)
        except (ValueError, lxml.etree.LxmlError) as exc:
            problems.append(f"{rel}: does not parse: {exc}")
    return problems
