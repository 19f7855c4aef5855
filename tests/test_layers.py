"""The package's shape, read from its imports: layers point one way, with no exemption.

A package may import the packages below it; inside a package a module may import the modules
below it. Imports inside functions count like the others: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "site_builder"

# Bottom to top. A package's modules are ranked in the order listed.
LAYERS: list[tuple[str, list[str]]] = [
    ("errors", []),
    ("messages", []),
    ("options", []),
    ("workers", []),
    ("collector", []),
    ("content", ["yaml_lines", "locales", "dates", "schema", "countries", "model", "read", "config", "discover", "blocks", "inline",
                 "typography", "dialect", "allowlist", "safe_markup", "sanitise", "plaintext", "markdown", "load", "links", "archive", "lint_text", "lint"]),
    ("guide", []),
    ("plan", ["urls", "views", "assets", "catalogs", "pdftext", "routes", "site", "patch"]),
    ("output", ["feeds", "sitemap", "structured", "citation", "api", "shards", "pagefind", "search", "listing", "stage", "writer", "chunks", "context", "fragments", "render"]),
    ("engine", ["changes", "packs", "store", "digest", "inputs", "snapshot", "tracking", "fingerprint", "documents", "kept_plan", "records", "search_shards", "builder", "session"]),
    ("pipeline", []),
    ("serve", ["http", "panels", "watch", "server"]),
    ("scaffold", []),
    ("cli", []),
]


def _rank(dotted: str) -> tuple[int, int]:
    """(layer, module within the layer) of ``site_builder.a.b``."""
    parts = dotted.split(".")[1:]
    for layer, (name, modules) in enumerate(LAYERS):
        if parts[0] == name:
            if len(parts) == 1:
                return layer, -1
            return layer, modules.index(parts[1])
    raise AssertionError(f"{dotted} has no place in LAYERS")


def _modules() -> dict[str, Path]:
    found = {}
    for file in PACKAGE.rglob("*.py"):
        parts = file.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        found[".".join(parts)] = file
    return found


def _imports(name: str, file: Path) -> set[str]:
    """Every site_builder module ``file`` imports, at any depth of the code."""
    package = name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        found |= {t for t in targets if t.startswith("site_builder.")}
    return found


def test_every_module_has_its_place_in_the_layers() -> None:
    for name in _modules():
        _rank(name)


def test_imports_point_one_way() -> None:
    problems = []
    for name, file in sorted(_modules().items()):
        for target in sorted(_imports(name, file)):
            if target.split(".")[1] == "__init__":
                continue
            if _rank(target) >= _rank(name):
                problems.append(f"{name} imports {target}")
    assert problems == []


def test_no_module_is_a_catch_all() -> None:
    """The modules engineers admire are 100-300 lines; none of ours passes 400."""
    too_long = {name: n for name, file in _modules().items() if (n := len(file.read_text().splitlines())) > 400}
    assert too_long == {}


def test_the_architecture_doc_names_every_module() -> None:
    """docs/architecture.md is where a newcomer looks for a stage: every module is in its table."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = sorted(name for name, file in _modules().items() if f"`{file.name}`" not in text)
    assert missing == []
