"""YAML with line numbers: the data python-frontmatter would give, plus where each key sits.

Editors need ``file:line`` for every mistake, so front matter is composed with
``yaml.compose`` semantics (SafeLoader) and each key's ``start_mark`` is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Key = tuple[Any, ...]


@dataclass(frozen=True)
class LineMap:
    """Maps a key path such as ``("mechanisms", 2)`` to a 1-based line in the source file."""

    lines: dict[Key, int]
    default: int

    def exact(self, *key: Any, default: int = 1) -> int:
        """The line of exactly ``key``, or ``default`` when the file does not have it."""
        return self.lines.get(key, default)

    def at(self, *key: Any) -> int:
        """The line of the deepest known prefix of ``key`` (falls back to the mapping's start)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.default


class YamlError(Exception):
    """Malformed YAML or a YAML construct we do not accept, with its 1-based line."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same nodes, 5x faster


class _StrictLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates and decimals as text: ``schema`` parses them and explains a bad one.

    (PyYAML would turn ``2015-13-01`` into a ValueError with no line; we want a message.)
    """


# Dates stay text (see above) and so do decimals: ``number: 5.10`` must not become meeting 5.1.
_KEPT_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float"}
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _KEPT_AS_TEXT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _collect_lines(node: yaml.Node, path: Key, offset: int, lines: dict[Key, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise YamlError(f"duplicate key '{key}'", key_node.start_mark.line + 1 + offset)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1 + offset
            _collect_lines(value_node, path + (key,), offset, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1 + offset
            _collect_lines(item, path + (index,), offset, lines)


def _describe(exc: yaml.MarkedYAMLError, offset: int) -> tuple[str, int]:
    """A YAML syntax error at the line an editor must fix.

    Usually that is where the parser stopped; but an unclosed quote is only noticed at the end of
    the file, so then the line where the quoted text opened is the one to show.
    """
    problem = exc.problem or "malformed YAML"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in problem and exc.context_mark is not None:
        mark = exc.context_mark
        quoted = exc.context and "quoted" in exc.context
        problem = "a quotation mark opened on this line is never closed" if quoted else problem
    line = (mark.line + 1 + offset) if mark else offset + 1
    return f"malformed YAML: {problem}", line


def load_yaml(text: str, offset: int = 0) -> tuple[Any, LineMap]:
    """Parse ``text``; ``offset`` is the number of file lines before it (e.g. 1 for the opening ---)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({}, offset + 1)
        lines: dict[Key, int] = {}
        _collect_lines(node, (), offset, lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise YamlError(*_describe(exc, offset)) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"malformed YAML: {exc}", offset + 1) from None
    except (ValueError, TypeError) as exc:  # a value PyYAML cannot construct
        raise YamlError(f"malformed YAML: {exc}", offset + 1) from None
    finally:
        loader.dispose()
    return data, LineMap(lines, node.start_mark.line + 1 + offset)
